/* jx_xlsx_data.c - what a workbook tells its importers (see
 * jx_xlsx_impl.h): the 数据 sheet (every field shown, by path), the hidden
 * record sheet `jxgen` (the filing node by node and where each form row
 * went) and the defined names of number fields.  All three are an
 * interface documented in docs/workbook-import.md: change them only
 * together with it. */
#include "jx_xlsx_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "jx_util.h"
#include "jx_i18n.h"

/* ---- the 数据 sheet ----------------------------------------------------- */

#define XL_DATA_SIZE 10.5

/* Its columns: heading and Excel width (characters of the default font). */
static const struct {
    const char *head;
    double width;
} k_data_cols[] = {
    {"路径", 28}, {"名称", 22}, {"单位", 7}, {"值", 64}, {"类型", 7}, {"工作表", 20}, {"单元格", 9},
};
/* The unit stands before the value: a field is described (path, label,
 * unit) before it is given. */
enum { DC_PATH, DC_LABEL, DC_UNIT, DC_VALUE, DC_KIND, DC_SHEET, DC_CELL, DC_COUNT };

/* Pixel width of an Excel column width w (see the top of the file). */
static int width_px(double w)
{
    return w >= 1 ? (int)(w * XL_DIGIT_PX + 0.5) + XL_COL_PAD_PX
                  : (int)(w * (XL_DIGIT_PX + XL_COL_PAD_PX) + 0.5);
}

static jx_style data_style(const char *role, jx_halign h)
{
    jx_style st;
    memset(&st, 0, sizeof st);
    st.font_role = role;
    st.size_pt = XL_DATA_SIZE;
    st.halign = h;
    st.valign = JX_VALIGN_TOP;
    st.leading = 1.0;
    return st;
}

/* The 类型 of a value cell on the 数据 sheet. */
static const char *data_kind(const jx_cell *c)
{
    if (xl_is_formula(c))
        return "公式";
    if (c->kind == JX_CELL_NUMBER)
        return "数值";
    if (c->kind == JX_CELL_TEXT)
        return "文本";
    return "空白";
}

/* Writes one string of the 数据 sheet and adds the height it needs (points)
 * at column col's width to *h (the largest so far). */
static jx_status data_text(xl_writer *x, lxw_worksheet *ws, lxw_row_t r, int col,
                           const char *text, lxw_format *fmt, const jx_style *st,
                           const jx_source *src, double *h)
{
    lxw_error e = *text ? worksheet_write_string(ws, r, (lxw_col_t)col, text, fmt)
                        : worksheet_write_blank(ws, r, (lxw_col_t)col, fmt);
    if (e)
        return xl_fail(x, e, N_("writing the data sheet"), XL_DATA_SHEET, (long)r, col);
    jx_paragraph para = {JX_PARA_TEXT, text};
    double need;
    jx_status s = xl_measure(x, st, &para, 1, width_px(k_data_cols[col].width) * XL_PT_PER_PX, src,
                          &need, NULL);
    if (s == JX_OK && need > *h)
        *h = need;
    return s;
}

/* The 数据 sheet: one row per filing field shown on the form, in the order
 * of the form (see docs/workbook-import.md): path, label, value (a number
 * for numbers, the text for text), unit, type, and the sheet and cell
 * (top-left of a merged range) where the form shows it; a field shown in
 * several cells lists its first.  Locked and protected, with a filter. */
jx_status xl_write_data_sheet(xl_writer *x)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, XL_DATA_SHEET);
    if (!ws)
        return jx_diag_error(x->d, JX_ERR_XLSX, NULL, 0, 0,
                             _("cannot add workbook sheet '%s' (out of memory or invalid name)"),
                             XL_DATA_SHEET);
    jx_style head = data_style("hei", JX_ALIGN_CENTER), body = data_style("song", JX_ALIGN_LEFT),
             num = data_style("song", JX_ALIGN_RIGHT);
    head.valign = JX_VALIGN_MIDDLE;
    lxw_format *fhead = xl_get_format(x, &head, 1, 1, NULL);
    lxw_format *fbody = xl_get_format(x, &body, 1, 1, NULL);
    if (!fhead || !fbody)
        return xl_oom(x);
    lxw_error e;
    jx_status st;
    for (int c = 0; c < DC_COUNT; c++) {
        if ((e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, k_data_cols[c].width, NULL)) ||
            (e = worksheet_write_string(ws, 0, (lxw_col_t)c, k_data_cols[c].head, fhead)))
            return xl_fail(x, e, N_("writing the data sheet"), XL_DATA_SHEET, 0, c);
    }
    if ((e = worksheet_set_row(ws, 0, xl_min_line(XL_DATA_SIZE) + 2 * XL_PAD_Y_PT, NULL)))
        return xl_fail(x, e, N_("writing the data sheet"), XL_DATA_SHEET, 0, 0);
    lxw_row_t r = 0;
    for (size_t i = 0; i < x->nplaces; i++) {
        const xl_place *pl = &x->places[i];
        const jx_cell *c = pl->cell;
        if (xl_find_place(x, pl->path, strlen(pl->path)) != pl)
            continue; /* shown again: listed at its first cell */
        if (r + 1 > LXW_ROW_MAX - 1)
            return jx_diag_error(x->d, JX_ERR_XLSX, NULL, 0, 0,
                                 _("the data sheet would need more than %d rows"), LXW_ROW_MAX);
        r++;
        double h = xl_min_line(XL_DATA_SIZE) + 2 * XL_PAD_Y_PT;
        char ref[32];
        lxw_rowcol_to_cell(ref, pl->row, pl->col);
        const char *texts[DC_COUNT] = {
            [DC_PATH] = pl->path,
            [DC_LABEL] = c->source.label ? c->source.label : "",
            [DC_UNIT] = c->source.unit ? c->source.unit : "",
            [DC_VALUE] = NULL,
            [DC_KIND] = pl->in_text ? "模板" : data_kind(c),
            [DC_SHEET] = x->sheets[pl->sheet].name,
            [DC_CELL] = ref,
        };
        for (int col = 0; col < DC_COUNT; col++) {
            if (col == DC_VALUE)
                continue;
            if ((st = data_text(x, ws, r, col, texts[col], fbody, &body, &c->source, &h)))
                return st;
        }
        if (c->kind == JX_CELL_NUMBER) {
            lxw_format *fnum = xl_get_format(x, &num, 1, 1, xl_cell_num_format(x, c));
            if (!fnum)
                return xl_oom(x);
            if ((e = worksheet_write_number(ws, r, DC_VALUE, jx_decimal_to_double(c->number),
                                            fnum)))
                return xl_fail(x, e, N_("writing the data sheet"), XL_DATA_SHEET, (long)r,
                               DC_VALUE);
        } else {
            char *text = c->kind == JX_CELL_TEXT ? xl_join_paras(c->paras, c->npara) : NULL;
            if (c->kind == JX_CELL_TEXT && !text)
                return xl_oom(x);
            st = data_text(x, ws, r, DC_VALUE, text ? text : "", fbody, &body, &c->source, &h);
            free(text);
            if (st)
                return st;
        }
        double px = ceil(h / XL_PT_PER_PX - 1e-9);
        if ((e = worksheet_set_row(ws, r, px * XL_PT_PER_PX > XL_MAX_ROW_PT ? XL_MAX_ROW_PT
                                                                          : px * XL_PT_PER_PX,
                                   NULL)))
            return xl_fail(x, e, N_("writing the data sheet"), XL_DATA_SHEET, (long)r, 0);
    }
    worksheet_freeze_panes(ws, 1, 0);
    if ((e = worksheet_autofilter(ws, 0, 0, r, DC_COUNT - 1)))
        return xl_fail(x, e, N_("adding the filter"), XL_DATA_SHEET, -1, 0);
    xl_protect(ws, 1);
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
    worksheet_fit_to_pages(ws, 1, 0);
    if ((e = worksheet_repeat_rows(ws, 0, 0)) ||
        (e = worksheet_print_area(ws, 0, 0, r, DC_COUNT - 1)))
        return xl_fail(x, e, N_("setting up the page"), XL_DATA_SHEET, -1, 0);
    return xl_set_footer(x, XL_DATA_SHEET, ws, "第 {page} 页 共 {pages} 页", 0.75);
}

/* ---- the record sheet (for jxgen import) ------------------------------ */

#define XL_RECORD_CHUNK 8000 /* bytes of text per cell (Excel holds 32767 characters) */

/* Writes text into row r from column col on, in cells of at most
 * XL_RECORD_CHUNK bytes cut at character boundaries (a long goal is longer
 * than one Excel cell holds). */
static jx_status record_text(xl_writer *x, lxw_worksheet *ws, lxw_row_t r, int col,
                             const char *text)
{
    size_t n = strlen(text), at = 0;
    do {
        size_t k = n - at > XL_RECORD_CHUNK ? XL_RECORD_CHUNK : n - at;
        while (k < n - at && k > 0 && ((unsigned char)text[at + k] & 0xC0) == 0x80)
            k--;
        char *piece = malloc(k + 1);
        if (!piece)
            return xl_oom(x);
        memcpy(piece, text + at, k);
        piece[k] = '\0';
        lxw_error e = worksheet_write_string(ws, r, (lxw_col_t)col++, piece, NULL);
        free(piece);
        if (e)
            return xl_fail(x, e, N_("writing the record sheet"), XL_RECORD_SHEET, (long)r, col - 1);
        at += k;
    } while (at < n);
    return JX_OK;
}

/* Marks where a cell of a header copy starts in the record's `starts`. */
static jx_status mark_copy_start(xl_writer *x, void *arg, const xl_sheet *s, size_t block,
                                 size_t k, size_t a, size_t z, lxw_row_t r0, lxw_row_t r1)
{
    (void)x, (void)a, (void)z, (void)r1;
    int c0, c1;
    xl_cell_cols(s, block, &s->sec->blocks[block].table->cells[k], &c0, &c1);
    ((unsigned char *)arg)[(size_t)r0 * (size_t)s->ncols + (size_t)c0] = 1;
    return JX_OK;
}

/* The hidden sheet jxgen import reads (docs/workbook-import.md, "The
 * record"): the filing as written, node by node (值 rows: depth, key, kind,
 * text), and one 行 row per row of each form sheet: a formula =ROW() of the
 * row, which Excel, WPS and LibreOffice rewrite when a clerk inserts or
 * deletes rows, so that an import knows where each original row went, and
 * the columns where the form's cells start on that row; then one 续 row per
 * cell that continues a text taller than a printed page (x->conts): the
 * =ROW() of the cell the text starts in and of that cell, both naming
 * their column too, and 1 when a line break joins it to the text before,
 * else 0. */
jx_status xl_write_record_sheet(xl_writer *x)
{
    static const char *const kinds[] = {"map", "seq", "plain", "quoted"};
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, XL_RECORD_SHEET);
    if (!ws)
        return jx_diag_error(x->d, JX_ERR_XLSX, NULL, 0, 0,
                             _("cannot add workbook sheet '%s' (out of memory or invalid name)"),
                             XL_RECORD_SHEET);
    lxw_error e = worksheet_write_string(ws, 0, 0, "jxgen", NULL);
    if (!e)
        e = worksheet_write_number(ws, 0, 1, 1, NULL); /* the record's format */
    if (e)
        return xl_fail(x, e, N_("writing the record sheet"), XL_RECORD_SHEET, 0, 0);
    lxw_row_t r = 1;
    jx_status st;
    for (size_t i = 0; i < x->doc->nvalues; i++, r++) {
        const jx_doc_value *v = &x->doc->values[i];
        if ((e = worksheet_write_string(ws, r, 0, "值", NULL)) ||
            (e = worksheet_write_number(ws, r, 1, v->depth, NULL)) ||
            (e = worksheet_write_string(ws, r, 3, kinds[v->kind], NULL)))
            return xl_fail(x, e, N_("writing the record sheet"), XL_RECORD_SHEET, (long)r, 0);
        if (v->key && (st = record_text(x, ws, r, 2, v->key)) != JX_OK)
            return st;
        if (v->text && *v->text && (st = record_text(x, ws, r, 4, v->text)) != JX_OK)
            return st;
    }
    for (size_t si = 0; si < x->nsheets; si++) {
        const xl_sheet *s = &x->sheets[si];
        /* The sheet columns where a cell starts, per sheet row. */
        unsigned char *starts = calloc(s->nrows * (size_t)s->ncols + 1, 1);
        if (!starts)
            return xl_oom(x);
        for (size_t b = 0; b < s->sec->nblocks; b++) {
            const jx_block *blk = &s->sec->blocks[b];
            if (blk->kind == JX_BLOCK_PARAGRAPH && s->ncols > 0)
                for (size_t p = s->trow[b][0], z = s->trow[b][1] - 1; p <= z;
                     p = xl_piece_end(s, p, z))
                    starts[s->fin[p] * (size_t)s->ncols] = 1;
            if (blk->kind != JX_BLOCK_TABLE)
                continue;
            for (size_t k = 0; k < blk->table->ncells; k++) {
                const jx_cell *c = &blk->table->cells[k];
                int c0, c1;
                size_t a, z;
                xl_cell_cols(s, b, c, &c0, &c1);
                xl_cell_rows(s, b, c, &a, &z);
                for (size_t p = a; p <= z; p = xl_piece_end(s, p, z))
                    starts[s->fin[p] * (size_t)s->ncols + (size_t)c0] = 1;
            }
        }
        xl_each_copy_cell(x, starts, s, mark_copy_start);
        st = JX_OK;
        for (size_t row = 0; row < s->nrows && st == JX_OK; row++, r++) {
            jx_buf f = {0}, cols = {0};
            jx_buf_puts(&f, "ROW(");
            xl_append_sheet_prefix(&f, s->name);
            jx_buf_printf(&f, "$A$%zu)", row + 1);
            for (int c = 0; c < s->ncols; c++)
                if (starts[row * (size_t)s->ncols + (size_t)c]) {
                    char ref[16];
                    lxw_col_to_name(ref, (lxw_col_t)c, 0);
                    jx_buf_printf(&cols, "%s%s", cols.len ? " " : "", ref);
                }
            if (f.oom || cols.oom)
                st = xl_oom(x);
            else if ((e = worksheet_write_string(ws, r, 0, "行", NULL)) ||
                     (e = worksheet_write_string(ws, r, 1, s->name, NULL)) ||
                     (e = worksheet_write_formula_num(ws, r, 2, f.data, NULL,
                                                      (double)(row + 1))) ||
                     (e = worksheet_write_string(ws, r, 3, jx_buf_str(&cols), NULL)))
                st = xl_fail(x, e, N_("writing the record sheet"), XL_RECORD_SHEET, (long)r, 0);
            jx_buf_free(&f);
            jx_buf_free(&cols);
        }
        free(starts);
        if (st != JX_OK)
            return st;
    }
    for (size_t i = 0; i < x->nconts; i++, r++) {
        const xl_cont *c = &x->conts[i];
        jx_buf from = {0}, to = {0};
        st = JX_OK;
        jx_buf_puts(&from, "ROW(");
        xl_append_ref(&from, x, SIZE_MAX, c->sheet, c->first, c->col, 1);
        jx_buf_puts(&from, ")");
        jx_buf_puts(&to, "ROW(");
        xl_append_ref(&to, x, SIZE_MAX, c->sheet, c->row, c->col, 1);
        jx_buf_puts(&to, ")");
        if (from.oom || to.oom)
            st = xl_oom(x);
        else if ((e = worksheet_write_string(ws, r, 0, "续", NULL)) ||
                 (e = worksheet_write_string(ws, r, 1, x->sheets[c->sheet].name, NULL)) ||
                 (e = worksheet_write_formula_num(ws, r, 2, from.data, NULL,
                                                  (double)c->first + 1)) ||
                 (e = worksheet_write_formula_num(ws, r, 3, to.data, NULL, (double)c->row + 1)) ||
                 (e = worksheet_write_number(ws, r, 4, c->para, NULL)))
            st = xl_fail(x, e, N_("writing the record sheet"), XL_RECORD_SHEET, (long)r, 0);
        jx_buf_free(&from);
        jx_buf_free(&to);
        if (st != JX_OK)
            return st;
    }
    xl_protect(ws, 0);
    worksheet_hide(ws);
    return JX_OK;
}

/* ---- defined names ----------------------------------------------------- */

static int is_ideograph(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
}

static int is_ascii_letter(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

/* 1 when ASCII text s looks like a cell reference ("A1", "XFD1048576",
 * "R", "C", "R1C1", "RC2"), which Excel does not take as a name. */
static int looks_like_ref(const char *s)
{
    size_t i = 0, letters = 0, digits = 0;
    while (is_ascii_letter((unsigned char)s[i]))
        i++, letters++;
    while (xl_is_digit(s[i]))
        i++, digits++;
    if (!s[i] && letters >= 1 && letters <= 3 && digits >= 1)
        return 1;
    const char *p = s;
    if (*p != 'R' && *p != 'r' && *p != 'C' && *p != 'c')
        return 0;
    if (*p == 'R' || *p == 'r') {
        p++;
        while (xl_is_digit(*p))
            p++;
        if (!*p)
            return 1;
        if (*p != 'C' && *p != 'c')
            return 0;
    }
    p++;
    while (xl_is_digit(*p))
        p++;
    return !*p;
}

/* 1 when `name` can be an Excel defined name as jxgen makes them: 1..255
 * characters, each an ASCII letter, digit, '_' or '.', or a CJK ideograph;
 * the first a letter, '_' or ideograph; not a cell reference; not one of
 * Excel's own (_xlnm...). */
static int valid_name(const char *name)
{
    size_t n = strlen(name), chars = 0, ascii = 1;
    if (n == 0 || strncmp(name, "_xlnm", 5) == 0)
        return 0;
    for (size_t i = 0; i < n; chars++) {
        uint32_t cp;
        size_t k = jx_utf8_decode(name + i, n - i, &cp);
        if (!k)
            return 0;
        int digit = cp >= '0' && cp <= '9';
        if (cp >= 0x80)
            ascii = 0;
        if (!(is_ascii_letter(cp) || cp == '_' || is_ideograph(cp) ||
              (i > 0 && (digit || cp == '.'))))
            return 0;
        i += k;
    }
    if (chars > 255)
        return 0;
    return !(ascii && looks_like_ref(name));
}

/* 1 when a filing path lies inside a list (a segment of digits). */
static int in_list(const char *path)
{
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ".");
        size_t i = 0;
        while (i < len && xl_is_digit(p[i]))
            i++;
        if (len && i == len)
            return 1;
        p += len + (p[len] ? 1 : 0);
    }
    return 0;
}

/* The defined name made from a field's label: the label without the
 * characters a name cannot hold (punctuation, spaces: 中期其中：财政拨款 ->
 * 中期其中财政拨款), or "" when what is left is not a valid name.  An
 * arena-free fixed buffer: labels are short (a longer one gets no name). */
static void name_of_label(const char *label, char *out, size_t cap)
{
    size_t n = strlen(label), k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = jx_utf8_decode(label + i, n - i, &cp);
        if (!len)
            return;
        int keep = is_ascii_letter(cp) || cp == '_' || is_ideograph(cp) ||
                   (k > 0 && ((cp >= '0' && cp <= '9') || cp == '.'));
        if (keep) {
            if (k + len + 1 > cap) {
                out[0] = '\0';
                return;
            }
            memcpy(out + k, label + i, len);
            k += len;
        }
        i += len;
    }
    out[k] = '\0';
    if (!valid_name(out))
        out[0] = '\0';
}

/* Defines a name for every number field of the form (amounts, counts,
 * percentages; the first cell of each path) after its Chinese label
 * (name_of_label(): punctuation dropped):
 *   - a workbook name when the field is not inside a list and no other
 *     number field of the workbook has that label;
 *   - else a sheet name ('Sheet'!label) when no other number field on its
 *     sheet has the label but fields on other sheets do (one form per
 *     sheet, as for several projects);
 *   - else none.
 * Each points at the field's cell with an absolute reference. */
jx_status xl_define_names(xl_writer *x)
{
    enum { NAME_CAP = 256 }; /* a label of more than 85 ideographs gets no name */
    size_t n = 0;
    const xl_place **cand = malloc((x->nplaces ? x->nplaces : 1) * sizeof *cand);
    char(*names)[NAME_CAP] = malloc((x->nplaces ? x->nplaces : 1) * sizeof *names);
    if (!cand || !names) {
        free(cand);
        free(names);
        return xl_oom(x);
    }
    for (size_t i = 0; i < x->nplaces; i++) {
        const xl_place *pl = &x->places[i];
        const char *label = pl->cell->source.label;
        if (xl_number_kind(pl->cell) == XL_NUM_NONE || !label ||
            xl_find_place(x, pl->path, strlen(pl->path)) != pl)
            continue;
        name_of_label(label, names[n], NAME_CAP);
        if (names[n][0])
            cand[n++] = pl;
    }
    jx_status st = JX_OK;
    for (size_t i = 0; i < n && st == JX_OK; i++) {
        const xl_place *pl = cand[i];
        const char *label = names[i];
        size_t same_all = 0, same_sheet = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i || strcmp(names[j], label) != 0)
                continue;
            same_all++;
            same_sheet += cand[j]->sheet == pl->sheet;
        }
        const char *sheet = x->sheets[pl->sheet].name;
        jx_buf name = {0}, ref = {0};
        if (same_all == 0 && !in_list(pl->path)) {
            jx_buf_puts(&name, label);
        } else if (same_all > 0 && same_sheet == 0 && !strchr(sheet, '!') &&
                   !strchr(sheet, '\'')) {
            jx_buf_printf(&name, "'%s'!%s", sheet, label);
        } else {
            continue;
        }
        jx_buf_puts(&ref, "=");
        xl_append_ref(&ref, x, SIZE_MAX, pl->sheet, pl->row, pl->col, 1);
        if (name.oom || ref.oom) {
            st = xl_oom(x);
        } else {
            lxw_error e = workbook_define_name(x->wb, name.data, ref.data);
            if (e)
                st = jx_diag_error(x->d, xl_lxw_status(e), NULL, 0, 0,
                                   _("workbook: cannot define the name %s for %s: %s"), name.data,
                                   pl->path, xl_lxw_text(e));
        }
        jx_buf_free(&name);
        jx_buf_free(&ref);
    }
    free(cand);
    free(names);
    return st;
}
