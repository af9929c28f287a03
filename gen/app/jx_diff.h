/* jx_diff.h - what a revision changes, in a reviewer's terms (`jxgen diff`).
 *
 * Two versions of a filing are read as the renderer reads them (includes and
 * $ref resolved, so a change in a shared budget file shows in every filing
 * that takes the value) and compared field by field:
 *
 *   --- v1/dept.yaml
 *   +++ v2/dept.yaml
 *     changed  项目支出明细[规划设计项目2025] › 全年预算数 (projects.1.amount): 80 → 95.5 万元  [v2/budget.yaml:8]
 *     totals that follow:
 *              部门整体资金 › 项目支出 (funds.projects_total): 466.00 → 481.50 万元
 *
 * Each change names the field by its Chinese labels from the layout schema
 * (list entries by their name) and its data path, the old and new values as
 * written (amounts compare by value: 500 and 500.00 are equal) and, for a
 * value taken from an included file, where it is written.  Then both
 * versions are composed and every number cell (by its source path) whose
 * shown value changed without its own field changing is listed: the derived
 * totals and percentages that follow from the edit.
 *
 * Two folders are compared filing by filing, matched by file name; shared
 * files (included by a filing of the folder) are not filings.  JSON output
 * (`--format=json`) is one object: {"filings":[{old,new,status,changes,
 * consequences}], "summary":{...}}. */
#ifndef JX_DIFF_H
#define JX_DIFF_H

#include <stdio.h>

#include "jx_diag.h"
#include "jx_render.h"

typedef struct jx_diff_options {
    int json;                /* one JSON object instead of text */
    FILE *out;               /* where the report goes */
    int *changed;            /* if not NULL: set to 1 when a filing changed, was added or
                                removed, else 0 */
} jx_diff_options;

/* Compares old_path and new_path (two filings or two folders) and prints the
 * report.  Returns JX_OK when every filing could be read and composed
 * (changed or not), else the most serious failure, with messages in d (the
 * report still covers what could be compared). */
jx_status jx_diff_run(jx_renderer *r, const char *old_path, const char *new_path,
                      const jx_diff_options *o, jx_diags *d);

#endif
