/* jx_colfit.h - columns that fit their content.
 *
 * A layout may give a table column a range instead of a fixed share
 * (`columns: [9, auto, {min: 10, max: 30}, 23]`, see layouts/README.md):
 * jx_compose records it in jx_table.col_fit with a stand-in width, and
 * jx_doc_fit_columns() replaces the widths of such tables by widths
 * measured from the cells' text, the way CSS's automatic table layout
 * does, before the PDF and the workbook are made from the same widths.
 *
 * For each table with a fitted column (tables span the section's text
 * width W):
 *  - the unit U: W / (the sum of the fixed widths and the fitted columns'
 *    stand-in widths), so fixed columns keep the size they have without
 *    fitting, and min/max are in the same units as the fixed widths;
 *  - each fitted column's min-content (its widest unbreakable piece:
 *    a number, an amount with its unit, a Latin word, one character) and
 *    max-content (its widest paragraph unbroken), over the cells that lie
 *    in it alone (colspan 1), with the cell padding; a number cell's
 *    min-content is its whole width, so an amount column never wraps;
 *    both within [min*U, max*U] when the layout bounds them;
 *  - a fixed column narrower than a piece of its own that must never be
 *    cut (a long Latin word in a label) first takes the width from R, as
 *    far as the fitted columns keep such pieces of theirs (else all such
 *    pieces get the same share of their width);
 *  - the room R left by the fixed columns goes to the fitted ones: when
 *    every one can have its max-content, each does and the rest is shared
 *    in proportion to it (up to the max bounds); otherwise each gets its
 *    min-content plus a share of the rest in proportion to what it lacks
 *    of its max-content (text columns share the room by their text); while
 *    the min-contents do not fit, the column whose min-content most
 *    exceeds its widest piece that must never be cut (jx_text_unit_width():
 *    a web address between its joints) asks only for that piece, so one
 *    address does not squeeze every column; when even that does not fit,
 *    each column keeps a floor (its
 *    numbers whole, else three characters, or its min-content when that
 *    is narrower) and the rest of R is shared in proportion to what each
 *    min-content has beyond its floor (a piece is then cut as a last
 *    resort by the breaker); floors that do not fit are scaled down to R. */
#ifndef JX_COLFIT_H
#define JX_COLFIT_H

#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_text.h"

/* Fits the columns of every table of `doc` that has a fitted column
 * (jx_table.col_fit), in place.  In a table of fixed columns, a column too
 * narrow for a number, an amount with its unit or a Latin word in one of
 * its cells is widened to hold it, at the expense of the columns that have
 * room beyond their own narrowest content and three characters (so "128.4万元" and
 * "（2025）" are never broken; a web address they cannot make room for
 * breaks at its joints instead); such a piece in a cell over several
 * columns is kept by those columns together, whatever their widths were.
 * When the pieces cannot all have their width, the others keep their own
 * and each column short of its piece gets its insets and the same share
 * of the piece (its text is set at that share of its size, the same for
 * all); when everything fits nothing changes.  Deterministic.  A character no font has
 * is measured as missing (the text's width is then not counted; the
 * breaker reports it when the page is made).  Returns JX_OK or
 * JX_ERR_NOMEM (with a message in d). */
jx_status jx_doc_fit_columns(jx_doc *doc, jx_fonts *fonts, jx_diags *d);

#endif
