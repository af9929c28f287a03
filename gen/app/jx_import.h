/* jx_import.h - a workbook (or a 路径/值 table) back into a filing.
 *
 * Three inputs are filings besides YAML/JSON (docs/workbook-import.md):
 *
 *  1. A workbook jxgen wrote, after a clerk edited it in Excel, WPS or
 *     LibreOffice.  Its hidden sheet `jxgen` (jx_xlsx.h) holds the filing
 *     as written and, per form row, a =ROW() formula the editor rewrote
 *     when rows were inserted or deleted; its 数据 sheet says which field
 *     each form cell shows.  The filing comes back with every value the
 *     clerk did not touch exactly as written, and the edits mapped through
 *     the cells the layout placed: a changed cell changes its field; a row
 *     inserted after (or before) a list entry's row is a new entry of that
 *     list (indicators, projects, tasks), its cells read at the columns of
 *     the entry's fields; an entry whose rows were all deleted is dropped;
 *     a derived total that is still a formula follows its parts, one the
 *     clerk overwrote with a number is stated, and a formula the clerk
 *     typed gives its cached value.
 *  2. A workbook without that record but with a 数据 sheet whose columns
 *     路径 and 值 list the fields (as a bureau's system exports them).
 *  3. The same table as CSV, in UTF-8 or GB18030.
 *
 * What cannot be mapped is an error naming the workbook, sheet and cell
 * (`成本.xlsx:项目表!D12: …`): a row inserted in a fixed part of the form
 * or a fixed row deleted, a renamed or missing sheet, a value in a cell the
 * form does not use, a formula without a cached value, an error value.
 * Every bound of jx_xlsx_read.h applies.
 *
 * Library code: never exits; errors are values with messages. */
#ifndef JX_IMPORT_H
#define JX_IMPORT_H

#include <stddef.h>

#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_node.h"
#include "jx_util.h"

/* 1 when `path` names a workbook or CSV table jxgen imports (.xlsx, .csv;
 * also .xlsm, so that it is refused with the reason). */
int jx_import_handles(const char *path);

/* Where the values of an imported filing came from: a line of the YAML
 * jx_import_read() wrote and the cell that gave it ("成本.xlsx:项目表!D12"). */
typedef struct jx_import_origin {
    int line;
    char *where;
} jx_import_origin;
/* A form cell whose text is the form's own with filing values in it (the
 * 数据 sheet's 模板 rows, such as "（{year}年度）"): the cell, its text in
 * the workbook now, and the fields the 数据 sheet lists at it. */
typedef struct jx_import_tcell {
    char *where;               /* "成本.xlsx:项目表!A2" */
    char *text;                /* "" when the cell is empty */
    char **paths;
    size_t npaths, pathcap;    /* pathcap: room in paths */
} jx_import_tcell;

typedef struct jx_import_origins {
    jx_import_origin *items;   /* sorted by line */
    size_t count, cap;         /* cap: room in items */
    jx_import_tcell *tcells;   /* a jxgen workbook's template cells */
    size_t ntcells, tcap;      /* tcap: room in tcells */
} jx_import_origins;

/* Values a clerk changed inside template texts: the field and its new text. */
typedef struct jx_import_edit {
    char *path;
    char *text;
} jx_import_edit;
typedef struct jx_import_edits {
    jx_import_edit *items;
    size_t count, cap;         /* cap: room in items */
} jx_import_edits;

/* Reads the workbook or CSV at `path` (buf NULL), or the bytes buf[0..len)
 * named `path`, into a filing written as YAML text appended to *yaml.
 * When origins is not NULL it receives where each value of a jxgen
 * workbook came from (free with jx_import_origins_free; empty for tables).
 * Returns JX_OK, or the first error with messages in d (nothing useful in
 * *yaml then). */
jx_status jx_import_read(const char *path, const void *buf, size_t len, jx_buf *yaml,
                         jx_import_origins *origins, jx_diags *d);

/* The same, with the values of `edits` (may be NULL) set in the filing as
 * if their cells had been edited: a value written as a number stays a
 * number when the new text is one, else it is text. */
jx_status jx_import_read_edited(const char *path, const void *buf, size_t len,
                                const jx_import_edits *edits, jx_buf *yaml,
                                jx_import_origins *origins, jx_diags *d);

/* Reads back what a clerk changed inside the template texts of o->tcells.
 * `doc` is the document composed from the filing as jxgen wrote it (the
 * record): each template cell's text as jxgen wrote it is that of the doc
 * cell (or paragraph) whose refs show the cell's fields.  A cell whose text
 * is unchanged gives nothing.  Otherwise the form's own text around the
 * values (the literals between the refs' texts) must still be there: the
 * parts between them are the new values, and each changed one is added to
 * *out.  Where the literals were changed, or where adjacent values (no
 * literal between them, "{title}{content}") could be split more than one
 * way with as few changes, it is an error naming the cell and nothing is
 * guessed.  Returns JX_OK (*out possibly empty; free with
 * jx_import_edits_free), JX_ERR_FILING with messages, or JX_ERR_NOMEM. */
jx_status jx_import_template_edits(const jx_import_origins *o, const jx_doc *doc,
                                   jx_import_edits *out, jx_diags *d);

void jx_import_edits_free(jx_import_edits *e);

void jx_import_origins_free(jx_import_origins *o);

/* Rewrites the messages d->items[from..] about `file` at a line an origin
 * names so that they name the workbook cell instead (no line, no column). */
void jx_import_remap_diags(const jx_import_origins *o, const char *file, jx_diags *d,
                           size_t from);

/* Copies the filing tree `root` into doc->values (pre-order, as written),
 * for the workbook's record.  Returns JX_OK or JX_ERR_NOMEM. */
jx_status jx_import_record(jx_doc *doc, const jx_node *root);

#endif
