/* jx_xlsx_print.c - the workbook's printed pages (see jx_xlsx_impl.h):
 * where a printer's pages of a sheet start (jxgen's own manual page
 * breaks, as the PDF paginates), the copies of a table's header rows at
 * the top of each page that continues the table (a sheet has a single
 * print-titles range, the forms a head per table), and the page set-up:
 * paper, margins, one page wide, page numbers in the footer. */
#include "jx_xlsx_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "jx_util.h"
#include "jx_i18n.h"

/* ---- printed pages ----------------------------------------------------- */

/* Fraction of the printable height the pages are filled to: LibreOffice
 * and Excel draw rows a little taller than their points (pixel rounding),
 * and a page they find too full gets a break of their own, without the
 * header rows. */
#define XL_PAGE_FILL 0.96

/* Sum of the heights of layout rows [a, b). */
double xl_rows_pt(const xl_sheet *s, size_t a, size_t b)
{
    double h = 0;
    for (size_t r = a; r < b; r++)
        h += s->lrow_pt[r];
    return h;
}

/* Marks the boundaries no page may start at (XL_L_BAD): inside a cell whose
 * text would not fit in its rows above the boundary, or inside a number or
 * a blank amount (a number lives in one cell); below a header row, a row
 * that keeps with the next or a paragraph that does; above the first
 * header row of a table with rows above it (a goal line stays with the
 * header it introduces). */
static void mark_bad(xl_sheet *s, double body)
{
    const jx_section *sec = s->sec;
    for (size_t i = 0; i < sec->nblocks; i++) {
        const jx_block *blk = &sec->blocks[i];
        /* A row (or paragraph) taller than a page is split whatever the
         * page ends at: between any two of its layout rows, which hold
         * whole lines of its tallest text (xl_layout_rows()). */
        size_t n = blk->kind == JX_BLOCK_TABLE ? (size_t)blk->table->nrows
                   : blk->kind == JX_BLOCK_PARAGRAPH ? 1
                                                     : 0;
        for (size_t r = 0; r < n; r++)
            if (xl_rows_pt(s, s->trow[i][r], s->trow[i][r + 1]) > body)
                for (size_t j = s->trow[i][r] + 1; j < s->trow[i][r + 1]; j++)
                    s->lflag[j] |= XL_L_TALL;
        if (blk->kind == JX_BLOCK_PARAGRAPH && blk->keep_with_next)
            s->lflag[s->trow[i][1]] |= XL_L_BAD;
        if (blk->kind != JX_BLOCK_TABLE)
            continue;
        const jx_table *t = blk->table;
        for (int r = 0; t->rows && r < t->nrows; r++) {
            if (t->rows[r].header || t->rows[r].keep_with_next)
                s->lflag[s->trow[i][r + 1]] |= XL_L_BAD;
            if (r > 0 && t->rows[r].header && !t->rows[r - 1].header)
                s->lflag[s->trow[i][r]] |= XL_L_BAD;
        }
        for (size_t k = 0; k < t->ncells; k++) {
            const jx_cell *c = &t->cells[k];
            size_t a, z;
            xl_cell_rows(s, i, c, &a, &z);
            int number = c->kind == JX_CELL_NUMBER ||
                         (c->kind == JX_CELL_EMPTY && c->source.unit && *c->source.unit);
            for (size_t j = a + 1; j <= z; j++) {
                s->lflag[j] |= XL_L_CROSS;
                if (number || xl_rows_pt(s, a, j) < s->need[i][k])
                    s->lflag[j] |= XL_L_BAD;
            }
        }
    }
}

/* Whether header row h of t heads row r (jx_row.header_from/until). */
static int heads_row(const jx_table *t, int h, int r)
{
    const jx_row *row = &t->rows[h];
    return row->header && r > h &&
           (row->header_until == 0 || (r >= row->header_from && r < row->header_until));
}

/* The header rows of a table that repeat above a page starting at its row
 * r: the nearest run of header rows above r whose scope holds r, as the PDF
 * repeats them (an inner block's head, such as Changzhou's 支出 半年/全年,
 * rather than the table's).  Returns 0 when there is none (or r is itself a
 * header row). */
static int header_run(const jx_table *t, int r, int *first, int *last)
{
    if (!t->rows || t->rows[r].header)
        return 0;
    int h = r - 1;
    while (h >= 0 && !heads_row(t, h, r))
        h--;
    if (h < 0)
        return 0;
    *last = h;
    while (h > 0 && heads_row(t, h - 1, r))
        h--;
    *first = h;
    return 1;
}

/* Paginates the layout rows as a printer would, at the page's printable
 * height (the sheet is printed one page wide, at 100% when it fits): a page
 * ends at the last boundary before it overflows where no text is cut
 * (mark_bad()), else where it overflows; at a page that starts inside a
 * table below its header, the nearest header rows above are copied to the
 * top of the page (a sheet has one print-titles range; the forms have a
 * table each).  Then sets the sheet rows: s->fin, s->copies, s->nrows,
 * s->row_pt and the manual page breaks s->breaks. */
jx_status xl_layout_pages(xl_writer *x, xl_sheet *s)
{
    const jx_page_setup *pg = &s->sec->page;
    double page_h = pg->height_pt > 0 ? pg->height_pt : (pg->landscape ? 595.28 : 841.89);
    double body = page_h - (pg->margin_top_pt > 0 ? pg->margin_top_pt : 0) -
                  (pg->margin_bottom_pt > 0 ? pg->margin_bottom_pt : 0);
    double sheet_w = xl_cols_pt(s, 0, s->ncols);
    if (sheet_w > s->width_pt && sheet_w > 0)
        body *= sheet_w / s->width_pt; /* printed smaller, so more fits */
    body *= XL_PAGE_FILL;
    if (body < XL_MAX_ROW_PT)
        body = XL_MAX_ROW_PT;
    size_t nl = s->nlrows;
    mark_bad(s, body);

    size_t start = 0, copycap = 0;
    double y = 0;
    for (size_t i = 0; i < nl; i++) {
        if ((s->lflag[i] & XL_L_FORCED) && i > start) {
            start = i;
            y = 0;
        }
        if (y + s->lrow_pt[i] <= body || i == start) {
            y += s->lrow_pt[i];
            continue;
        }
        /* Row i does not fit: the page ends at the last boundary no cell
         * crosses while the page is at least half full, else at the last
         * one that splits only labels and texts that fit either side. */
        size_t j = i;
        double used = y;
        while (j > start && (s->lflag[j] & (XL_L_BAD | XL_L_PART | XL_L_CROSS)) &&
               used - s->lrow_pt[j - 1] >= body / 2)
            used -= s->lrow_pt[--j];
        if (s->lflag[j] & (XL_L_BAD | XL_L_PART | XL_L_CROSS))
            for (j = i; j > start && (s->lflag[j] & (XL_L_BAD | XL_L_PART)) &&
                        !(s->lflag[j] & XL_L_TALL);)
                j--;
        /* Inside a row taller than a page, or no boundary left: the text
         * continues in a new cell on the next page, under the table's
         * header copy (xl_write_split() splits it at a line). */
        if (j == start)
            j = i;
        s->lflag[j] |= XL_L_CUT;
        start = j;
        y = 0;
        const jx_block *blk = &s->sec->blocks[s->lblock[j]];
        int hf, hl;
        if (blk->kind == JX_BLOCK_TABLE && header_run(blk->table, s->ltrow[j], &hf, &hl)) {
            size_t lf = s->trow[s->lblock[j]][hf], le = s->trow[s->lblock[j]][hl + 1];
            xl_copy *cp = jx_grow(s->copies, &copycap, s->ncopies, sizeof *cp, 8);
            if (!cp)
                return xl_oom(x);
            s->copies = cp;
            s->copies[s->ncopies++] = (xl_copy){j, s->lblock[j], hf, hl, lf, le - lf};
            y = xl_rows_pt(s, lf, le);
        }
        i = j - 1; /* the loop's i++ walks row j again on the new page */
    }

    /* Sheet rows: the layout rows with the header copies before theirs. */
    s->fin = malloc((nl + 1) * sizeof *s->fin);
    if (!s->fin)
        return xl_oom(x);
    size_t row = 0, ci = 0, nbreaks = 0;
    for (size_t j = 0; j <= nl; j++) {
        if (j < nl && (s->lflag[j] & (XL_L_FORCED | XL_L_CUT)) && j > 0)
            nbreaks++;
        while (ci < s->ncopies && s->copies[ci].before == j)
            row += s->copies[ci++].nrows;
        s->fin[j] = row++;
    }
    s->nrows = s->fin[nl];
    if (s->nrows > LXW_ROW_MAX)
        return jx_diag_error(x->d, JX_ERR_XLSX, NULL, 0, 0,
                             _("workbook sheet '%s' would need more than %d rows"), s->name,
                             LXW_ROW_MAX);
    s->row_pt = calloc(s->nrows ? s->nrows : 1, sizeof *s->row_pt);
    s->breaks = calloc(nbreaks + 1, sizeof *s->breaks);
    if (!s->row_pt || !s->breaks)
        return xl_oom(x);
    for (size_t j = 0; j < nl; j++)
        s->row_pt[s->fin[j]] = s->lrow_pt[j];
    /* A page starts at most once at a row, so at most one copy stands
     * before it, right above it. */
    for (size_t c = 0; c < s->ncopies; c++) {
        const xl_copy *cp = &s->copies[c];
        for (size_t k = 0; k < cp->nrows; k++)
            s->row_pt[s->fin[cp->before] - cp->nrows + k] = s->lrow_pt[cp->lfirst + k];
    }
    for (size_t j = 1, c = 0; j < nl; j++) {
        if (!(s->lflag[j] & (XL_L_FORCED | XL_L_CUT)))
            continue;
        size_t at = s->fin[j];
        while (c < s->ncopies && s->copies[c].before < j)
            c++;
        if (c < s->ncopies && s->copies[c].before == j)
            at -= s->copies[c].nrows;
        if (s->nbreaks == LXW_BREAKS_MAX) {
            jx_diags_add(x->d, JX_SEV_WARNING, NULL, 0, 0, "xlsx-page-breaks",
                         _("workbook sheet '%s': more than %d page breaks; the rest are "
                         "left out"), s->name, LXW_BREAKS_MAX);
            break;
        }
        s->breaks[s->nbreaks++] = (lxw_row_t)at;
    }
    return JX_OK;
}

size_t xl_piece_end(const xl_sheet *s, size_t a, size_t z)
{
    for (size_t j = a + 1; j <= z; j++)
        if (s->lflag[j] & XL_L_CUT)
            return j;
    return z + 1;
}

/* ---- texts taller than a page ----------------------------------------- */

jx_status xl_split_text(xl_writer *x, const xl_sheet *s, const jx_style *st, const char *text,
                        double width_pt, const jx_source *src, size_t a, size_t z,
                        xl_part **parts, size_t *nparts)
{
    size_t np = 0;
    for (size_t p = a; p <= z; p = xl_piece_end(s, p, z))
        np++;
    size_t *starts = NULL, nlines = 0;
    jx_status r = xl_line_starts(x, st, text, width_pt, src, &starts, &nlines);
    if (r != JX_OK)
        return r;
    xl_part *v = calloc(np ? np : 1, sizeof *v);
    if (!v) {
        free(starts);
        return xl_oom(x);
    }
    double lh = xl_line_height(x, st);
    size_t len = strlen(text), next = 0, at = 0, k = 0;
    int para = 0;
    for (size_t p = a; p <= z; k++) {
        size_t end = xl_piece_end(s, p, z), take = nlines - next;
        if (end <= z) {
            double room = xl_rows_pt(s, p, end) - 2 * XL_PAD_Y_PT;
            size_t fit = room > 0 ? (size_t)floor(room / lh + 1e-6) : 0;
            if (fit < take)
                take = fit;
        }
        size_t stop = next + take < nlines ? starts[next + take] : len;
        int nl = 0;
        if (take && next + take < nlines && stop > at && text[stop - 1] == '\n') {
            stop--; /* the page ends at a paragraph's end: its '\n' is the seam */
            nl = 1;
        }
        v[k] = (xl_part){at, take ? stop : at, para};
        if (take) {
            para = nl;
            at = nl ? stop + 1 : stop;
            next += take;
        }
        p = end;
    }
    free(starts);
    *parts = v;
    *nparts = np;
    return JX_OK;
}

jx_status xl_write_split(xl_writer *x, size_t si, lxw_worksheet *ws, const jx_style *st,
                         const char *text, const jx_source *src, size_t a, size_t z, int c0,
                         int c1, int border, int locked)
{
    const xl_sheet *s = &x->sheets[si];
    /* Each page's part at the top of its cell, so that the text reads on
     * from the foot of one page to the head of the next. */
    jx_style top = *st;
    top.valign = JX_VALIGN_TOP;
    lxw_format *fmt = xl_get_format(x, &top, border, locked, NULL);
    if (!fmt)
        return xl_oom(x);
    xl_part *parts = NULL;
    size_t np = 0, k = 0;
    jx_status r = xl_split_text(x, s, st, text, xl_cols_pt(s, c0, c1), src, a, z, &parts, &np);
    if (r != JX_OK)
        return r;
    lxw_row_t first = (lxw_row_t)s->fin[a];
    for (size_t p = a; p <= z && r == JX_OK; k++) {
        size_t end = xl_piece_end(s, p, z);
        const xl_part *pt = &parts[k];
        lxw_row_t r0 = (lxw_row_t)s->fin[p];
        char *piece = malloc(pt->end - pt->start + 1);
        if (!piece) {
            r = xl_oom(x);
            break;
        }
        memcpy(piece, text + pt->start, pt->end - pt->start);
        piece[pt->end - pt->start] = '\0';
        lxw_error e = xl_put_text(ws, r0, (lxw_col_t)c0, (lxw_row_t)s->fin[end - 1],
                                  (lxw_col_t)(c1 - 1), piece, fmt);
        free(piece);
        if (e) {
            r = xl_fail(x, e, N_("writing a label continued on a new page"), s->name, (long)r0,
                        c0);
            break;
        }
        if (k > 0 && pt->end > pt->start) {
            xl_cont *c = jx_grow(x->conts, &x->contcap, x->nconts, sizeof *c, 8);
            if (!c) {
                r = xl_oom(x);
                break;
            }
            x->conts = c;
            x->conts[x->nconts++] = (xl_cont){si, first, r0, (lxw_col_t)c0, pt->para};
        }
        p = end;
    }
    free(parts);
    return r;
}

/* ---- header copies ---------------------------------------------------- */

/* Calls fn for each cell a copy of header rows (xl_copy) shows: every cell
 * of the table over those rows, clipped to them.  Returns fn's first
 * failure, else JX_OK. */

jx_status xl_each_copy_cell(xl_writer *x, void *arg, const xl_sheet *s, xl_copy_fn fn)
{
    for (size_t ci = 0; ci < s->ncopies; ci++) {
        const xl_copy *cp = &s->copies[ci];
        const jx_table *t = s->sec->blocks[cp->block].table;
        size_t top = s->fin[cp->before] - cp->nrows; /* sheet row of layout row cp->lfirst */
        size_t lend = cp->lfirst + cp->nrows - 1;
        for (size_t k = 0; k < t->ncells; k++) {
            const jx_cell *c = &t->cells[k];
            if (c->row > cp->last || c->row + c->rowspan - 1 < cp->first)
                continue;
            size_t a, z;
            xl_cell_rows(s, cp->block, c, &a, &z);
            if (a < cp->lfirst)
                a = cp->lfirst;
            if (z > lend)
                z = lend;
            jx_status st = fn(x, arg, s, cp->block, k, a, z,
                              (lxw_row_t)(top + (a - cp->lfirst)),
                              (lxw_row_t)(top + (z - cp->lfirst)));
            if (st != JX_OK)
                return st;
        }
    }
    return JX_OK;
}

/* Writes one cell of a header copy: locked (the field is edited where the
 * form has it, and the 数据 sheet names that cell), its text where it fits
 * the copied rows, a number as a number. */
static jx_status write_copy_cell(xl_writer *x, void *arg, const xl_sheet *s, size_t block,
                                 size_t k, size_t a, size_t z, lxw_row_t r0, lxw_row_t r1)
{
    lxw_worksheet *ws = arg;
    const jx_table *t = s->sec->blocks[block].table;
    const jx_cell *c = &t->cells[k];
    int c0, c1;
    xl_cell_cols(s, block, c, &c0, &c1);
    int number = c->kind == JX_CELL_NUMBER;
    lxw_format *fmt = xl_get_format(x, &c->style, t->border_pt > 0, 1,
                                    number ? xl_cell_num_format(x, c) : NULL);
    if (!fmt)
        return xl_oom(x);
    char *text = NULL;
    if (!number && xl_rows_pt(s, a, z + 1) >= s->need[block][k] &&
        !(text = xl_join_paras(c->paras, c->npara)))
        return xl_oom(x);
    lxw_error e =
        xl_put_text(ws, r0, (lxw_col_t)c0, r1, (lxw_col_t)(c1 - 1), text ? text : "", fmt);
    free(text);
    if (e == LXW_NO_ERROR && number)
        e = worksheet_write_number(ws, r0, (lxw_col_t)c0, jx_decimal_to_double(c->number), fmt);
    return e ? xl_fail(x, e, N_("copying a header row"), s->name, (long)r0, c0) : JX_OK;
}

/* Writes the header copies of sheet si (see xl_layout_pages()). */
jx_status xl_write_copies(xl_writer *x, size_t si, lxw_worksheet *ws)
{
    return xl_each_copy_cell(x, ws, &x->sheets[si], write_copy_cell);
}

/* ---- page set-up ------------------------------------------------------ */

/* Converts a page-number template ("第 {page} 页 共 {pages} 页") into an
 * Excel footer centred on the page ("&C第 &P 页 共 &N 页"): {page} -> &P,
 * {pages} -> &N, '&' -> "&&".  Returns 0 when it does not fit in n bytes
 * (Excel allows 255 characters). */
static int footer_code(const char *tmpl, char *out, size_t n)
{
    size_t o = 0;
    const char *lead = "&C";
    for (const char *p = lead; *p; p++)
        out[o++] = *p;
    for (const char *p = tmpl; *p;) {
        const char *rep = NULL;
        size_t skip = 1;
        char one[2] = {*p, '\0'};
        if (strncmp(p, "{pages}", 7) == 0)
            rep = "&N", skip = 7;
        else if (strncmp(p, "{page}", 6) == 0)
            rep = "&P", skip = 6;
        else if (*p == '&')
            rep = "&&";
        else
            rep = one;
        size_t k = strlen(rep);
        if (o + k + 1 > n)
            return 0;
        memcpy(out + o, rep, k);
        o += k;
        p += skip;
    }
    out[o] = '\0';
    return 1;
}

/* Sets the footer of ws from a page-number template (see footer_code()),
 * centred in the bottom margin of bottom_in inches. */
jx_status xl_set_footer(xl_writer *x, const char *sheet, lxw_worksheet *ws, const char *tmpl,
                        double bottom_in)
{
    char footer[LXW_HEADER_FOOTER_MAX];
    if (!footer_code(tmpl, footer, sizeof footer)) {
        jx_diags_add(x->d, JX_SEV_WARNING, NULL, 0, 0, "xlsx-footer",
                     _("workbook sheet '%s': the page number format is too long for an "
                     "Excel footer; no page numbers"), sheet);
        return JX_OK;
    }
    lxw_header_footer_options opt = {0};
    opt.margin = bottom_in > 0 && bottom_in / 2 < 0.3 ? bottom_in / 2 : 0.3;
    lxw_error e = worksheet_set_footer_opt(ws, footer, &opt);
    return e ? xl_fail(x, e, N_("setting the footer"), sheet, -1, 0) : JX_OK;
}

/* Page set-up of a section's sheet as the paper form: A4, orientation,
 * margins, one page wide, centred, the page breaks of xl_layout_pages()
 * (each page that continues a table starts with copies of its header rows:
 * no print titles, which a sheet has one of), page numbers in the footer,
 * and the form as the print area. */
jx_status xl_setup_page(xl_writer *x, xl_sheet *s, lxw_worksheet *ws)
{
    const jx_page_setup *pg = &s->sec->page;
    worksheet_set_paper(ws, 9);
    if (pg->landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_set_margins(ws, pg->margin_left_pt / 72.0, pg->margin_right_pt / 72.0,
                          pg->margin_top_pt / 72.0, pg->margin_bottom_pt / 72.0);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_center_horizontally(ws);
    lxw_error e;
    if (s->nbreaks && (e = worksheet_set_h_pagebreaks(ws, s->breaks)))
        return xl_fail(x, e, N_("setting page breaks"), s->name, -1, 0);
    if (s->nrows > 0 && s->ncols > 0 &&
        (e = worksheet_print_area(ws, 0, 0, (lxw_row_t)(s->nrows - 1), (lxw_col_t)(s->ncols - 1))))
        return xl_fail(x, e, N_("setting the print area"), s->name, -1, 0);
    if (pg->page_number_format && *pg->page_number_format)
        return xl_set_footer(x, s->name, ws, pg->page_number_format, pg->margin_bottom_pt / 72.0);
    return JX_OK;
}
