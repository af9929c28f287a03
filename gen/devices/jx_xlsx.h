/* jx_xlsx.h - the workbook back-end (libxlsxwriter).
 *
 * Writes a jx_doc as a workbook: one sheet per section, the tables of a
 * section stacked down the sheet.  Tables with different column grids share
 * the sheet through the union of their column boundaries; each cell becomes
 * a merged range over the sheet columns its span covers.  Row heights are
 * computed with the same text engine (jx_text.h) so that wrapped text in
 * merged cells is fully visible (Excel cannot auto-fit merged cells).
 * NUMBER cells are numbers with the cell's number format; derived totals
 * (jx_cell.formula) are formulas whose {path} placeholders become the
 * references of the cells showing those fields, with their values cached.
 * Template labels and derived totals are locked and every sheet protected
 * without a password; number cells carry data validation.  A last sheet,
 * 数据, lists every field shown (path, label, value, unit, type, sheet,
 * cell), and number fields get defined names after their labels: see
 * docs/workbook-import.md, which importers rely on.  When the document
 * carries the filing (jx_doc.values), a hidden, protected sheet `jxgen`
 * records it node by node, and one =ROW() formula per form row, which
 * editors rewrite when rows are inserted or deleted: what `jxgen import`
 * reads back (jx_import.h; docs/workbook-import.md, "The record").
 *
 * The file is written to a temporary name and renamed into place, so a
 * failure leaves any previous `path` untouched. */
#ifndef JX_XLSX_H
#define JX_XLSX_H

#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_file.h"
#include "jx_text.h"

/* The most characters an Excel cell holds (UTF-16 code units, as Excel
 * counts them: a character outside the Basic Multilingual Plane counts 2). */
#define JX_XLSX_CELL_MAX 32767

/* Checks that doc fits a workbook before anything is written: every filing
 * text the workbook shows whole in one cell (the 数据 sheet's 值: the field's
 * paragraphs joined by line breaks) holds at most JX_XLSX_CELL_MAX
 * characters.  A longer one is an error naming the field's file, line,
 * column, label and path (docs/workbook-import.md, "Limits"), so that
 * `jxgen check` fails where `jxgen build` would.  Returns JX_OK, or
 * JX_ERR_FILING with a message per field in d. */
jx_status jx_xlsx_check(const jx_doc *doc, jx_diags *d);

/* Writes doc as the workbook `path` (fonts: to measure text for row
 * heights; NULL estimates).  Returns JX_OK, or JX_ERR_FILING (a text
 * longer than a cell holds: jx_xlsx_check(), before anything is written),
 * JX_ERR_XLSX (also for a formula placeholder no cell shows, named in the
 * message) / JX_ERR_IO / JX_ERR_NOMEM with a message in d. */
jx_status jx_xlsx_write(const jx_doc *doc, jx_fonts *fonts, const char *path, jx_diags *d);

/* The same into `out` (opened by the caller with jx_file_out_open(), not
 * owned; libxlsxwriter writes out->tmp by name): on JX_OK the workbook is
 * written and `out` finished (jx_file_out_finish()) but not put in place;
 * the caller commits it, or aborts it after a failure.  Messages name
 * out->path. */
jx_status jx_xlsx_write_into(const jx_doc *doc, jx_fonts *fonts, jx_file_out *out, jx_diags *d);

#endif
