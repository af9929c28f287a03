/* jx_compose.h - applying a region's layout to a filing.
 *
 * jx_compose() checks the filing against the layout's schema, then against
 * its arithmetic rules (jx_rules.h: errors stop here, warnings are only
 * reported), computing the derived totals the filing leaves out; then walks
 * the layout's sections, blocks and table rows, binding each cell to its
 * filing field, and returns one abstract document (jx_doc.h) that both
 * back-ends draw.  A computed total is a NUMBER cell holding the exact value
 * and a `formula` with `{path}` placeholders (dropped when a path is shown by
 * no cell).  Table rows are built by a small grammar (layouts/README.md):
 *   row:  cells placed left to right on the table's column grid
 *   band: a label cell spanning every row produced inside it (the merged
 *         一级/二级 cells, 项目资金 / 收入 / 支出 blocks)
 *   each: the rows inside repeated for every entry of a filing list
 * A band that produces no rows keeps one empty row, so an empty indicator
 * group stays visible as the official table shows it. */
#ifndef JX_COMPOSE_H
#define JX_COMPOSE_H

#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_layout.h"
#include "jx_node.h"

typedef struct jx_compose_options {
    const char *creator;     /* e.g. "jxgen 0.1.0" */
    long long date_epoch;    /* document date (SOURCE_DATE_EPOCH or the filing's) */
} jx_compose_options;

/* Builds the document for `filing` (read from `filing_path`, used in
 * messages).  Returns JX_OK and *out (free with jx_doc_free; rule warnings
 * may have been added to d), or JX_ERR_FILING when the filing breaks the
 * schema or a rule of severity error, JX_ERR_LAYOUT when the layout cannot
 * be applied (e.g. a row that does not fill the grid, derived totals in a
 * cycle), with messages in d. */
jx_status jx_compose(const jx_layout *layout, const jx_node *filing, const char *filing_path,
                     const jx_compose_options *opts, jx_doc **out, jx_diags *d);

#endif
