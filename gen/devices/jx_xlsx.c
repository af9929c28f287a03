/* jx_xlsx.c - the workbook back-end (libxlsxwriter); see jx_xlsx.h.
 *
 * A section becomes one sheet.  Its columns are the union of the column
 * boundaries of all its tables (each table's relative widths scaled to the
 * page's content width; boundaries closer than XL_MERGE_TOL_PT merge), so a
 * table cell covers a contiguous run of sheet columns and becomes a merged
 * range when it covers more than one sheet cell.  Paragraph blocks are one
 * row merged across the sheet.  A sheet without a table of two or more
 * columns gets XL_PLAIN_COLS equal columns (LibreOffice will not shrink a
 * single column wider than the page to fit it).
 *
 * Units.  libxlsxwriter's workbook font is Calibri 11, whose maximum digit
 * width is 7 px at 96 dpi, so a column of Excel width w is
 *     px = trunc(w * 7 + 0.5) + 5       (w >= 1)
 *     px = trunc(w * 12 + 0.5)          (w <  1)
 * pixels wide, and a pixel is 0.75 pt.  Sheet column boundaries are rounded
 * to whole pixels (cumulatively, so rounding never accumulates) and each
 * column's width is the exact inverse of that formula, so the sheet spans
 * the content width at 100% zoom to within a pixel.  Text is measured
 * against those pixel widths, not the ideal ones.
 *
 * Row heights.  Excel cannot auto-fit merged cells, so every row height is
 * set here: a cell's text is broken with the text engine (jx_text_break) to
 * the cell width minus padding and a safety slack (Excel, WPS and LibreOffice
 * draw 宋体 slightly differently from our fonts), and needs
 * lines x line height + padding.  A row is as tall as its tallest one-row
 * cell; a cell spanning rows that needs more than its rows give spreads the
 * excess evenly over them.  A text taller than Excel's 409 pt a row gets as
 * many rows as it needs, each holding whole lines (jx_xlsx_layout.c), and
 * a text taller than a printed page goes on in a new cell on each next page
 * (jx_xlsx_print.c: a cell merged over a page break prints on its first
 * page only); the record sheet lists those cells for the importer.
 *
 * Cells.  Labels and text are strings (never formulas, whatever they look
 * like); NUMBER cells numbers in their layout's number format; a derived
 * total a formula whose {path} placeholders are rewritten to the cells
 * that show those fields (resolve_formula()), its value cached.  Template
 * labels and derived totals are locked, value cells unlocked, the sheet
 * protected without a password; number cells a clerk may edit get data
 * validation (amounts >= 0, percentages 0..100 %).  Every sheet is laid
 * out before any is written, because formulas and names refer across
 * sheets.
 *
 * The 数据 sheet and the defined names (jx_xlsx_data.c: xl_write_data_sheet(),
 * xl_define_names()) are an interface for importers, documented in
 * docs/workbook-import.md: change them only together with it.
 *
 * The workbook is deterministic: libxlsxwriter stamps zip entries with a
 * fixed 1980-01-01 date and docProps/core.xml with lxw_doc_properties.created,
 * which is set from jx_doc_info.date_epoch (0 would mean "now" to
 * libxlsxwriter, so epoch 0 is written as 1970-01-01T00:00:01Z). */
#include "jx_xlsx_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "jx_file.h"
#include "jx_util.h"
#include "jx_i18n.h"

/* Excel font for each font role; anything else is 宋体 (index 0). */
static const struct {
    const char *role;
    const char *excel;
} k_fonts[] = {
    {"song", "宋体"},
    {"hei", "黑体"},
    {"fangsong", "仿宋_GB2312"},
    {"kai", "楷体_GB2312"},
};

/* Simple case folding for sheet-name comparison: ASCII, Latin-1, Greek,
 * Cyrillic and full-width Latin capitals (Excel compares names without
 * regard to case; CJK has none). */
static uint32_t fold_case(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
        (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F) ||
        (cp >= 0xFF21 && cp <= 0xFF3A))
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    return cp;
}

/* ---- errors ------------------------------------------------------------ */

/* Maps a libxlsxwriter error to a jx_status. */
jx_status xl_lxw_status(lxw_error e)
{
    switch (e) {
    case LXW_NO_ERROR:
        return JX_OK;
    case LXW_ERROR_MEMORY_MALLOC_FAILED:
        return JX_ERR_NOMEM;
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE:
        return JX_ERR_IO;
    default:
        return JX_ERR_XLSX;
    }
}

/* What a libxlsxwriter error means (jx_xlsx_impl.h), from jxgen's catalog;
 * the English texts are the library's own (version 1.1).  An error the
 * table does not know gives the library's text. */
const char *xl_lxw_text(lxw_error e)
{
    static const char *const texts[] = {
        [LXW_ERROR_MEMORY_MALLOC_FAILED] = N_("Memory error, failed to malloc() required memory."),
        [LXW_ERROR_CREATING_XLSX_FILE] = N_("Error creating output xlsx file. Usually a "
                                            "permissions error."),
        [LXW_ERROR_CREATING_TMPFILE] = N_("Error encountered when creating a tmpfile during file "
                                          "assembly."),
        [LXW_ERROR_READING_TMPFILE] = N_("Error reading a tmpfile."),
        [LXW_ERROR_ZIP_FILE_OPERATION] = N_("Zip generic error ZIP_ERRNO while creating the xlsx "
                                            "file."),
        [LXW_ERROR_ZIP_FILE_ADD] = N_("File error or unknown zip error when adding sub file to "
                                      "xlsx file."),
        [LXW_ERROR_ZIP_CLOSE] = N_("Unknown zip error when closing xlsx file."),
        [LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED] = N_("Worksheet name exceeds Excel's limit of 31 "
                                                   "characters."),
        [LXW_ERROR_INVALID_SHEETNAME_CHARACTER] = N_("Worksheet name cannot contain invalid "
                                                     "characters: '[ ] : * ? / \\'"),
        [LXW_ERROR_SHEETNAME_START_END_APOSTROPHE] = N_("Worksheet name cannot start or end with "
                                                        "an apostrophe."),
        [LXW_ERROR_SHEETNAME_ALREADY_USED] = N_("Worksheet name is already in use."),
        [LXW_ERROR_32_STRING_LENGTH_EXCEEDED] = N_("Parameter exceeds Excel's limit of 32 "
                                                   "characters."),
        [LXW_ERROR_128_STRING_LENGTH_EXCEEDED] = N_("Parameter exceeds Excel's limit of 128 "
                                                    "characters."),
        [LXW_ERROR_255_STRING_LENGTH_EXCEEDED] = N_("Parameter exceeds Excel's limit of 255 "
                                                    "characters."),
        [LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED] = N_("String exceeds Excel's limit of 32,767 "
                                                    "characters."),
        [LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE] = N_("Worksheet row or column index out of "
                                                      "range."),
    };
    if ((size_t)e < sizeof texts / sizeof texts[0] && texts[e])
        return _(texts[e]);
    return lxw_strerror(e);
}

jx_status xl_oom(xl_writer *x)
{
    return jx_diag_error(x->d, JX_ERR_NOMEM, NULL, 0, 0, _("out of memory writing the workbook"));
}

/* Reports a failed libxlsxwriter call on sheet `sheet` at (row, col) (row
 * < 0: not about a cell) and returns the mapped status. */
jx_status xl_fail(xl_writer *x, lxw_error e, const char *what, const char *sheet, long row,
                  long col)
{
    jx_status st = xl_lxw_status(e);
    if (row >= 0) {
        char ref[32];
        lxw_rowcol_to_cell(ref, (lxw_row_t)row, (lxw_col_t)col);
        return jx_diag_error(x->d, st, NULL, 0, 0, _("workbook sheet '%s' cell %s: %s: %s"), sheet,
                             ref, _(what), xl_lxw_text(e));
    }
    return jx_diag_error(x->d, st, NULL, 0, 0, _("workbook sheet '%s': %s: %s"), sheet, _(what),
                         xl_lxw_text(e));
}

/* ---- formats ----------------------------------------------------------- */

static int font_index(const char *role)
{
    for (size_t i = 0; role && i < sizeof k_fonts / sizeof k_fonts[0]; i++)
        if (strcmp(role, k_fonts[i].role) == 0)
            return (int)i;
    return 0;
}

/* The role Excel's font for `role` stands for. */
const char *xl_canonical_role(const char *role)
{
    return k_fonts[font_index(role)].role;
}

double xl_style_size(const jx_style *st)
{
    double s = st->size_pt > 0 ? st->size_pt : XL_DEFAULT_SIZE_PT;
    return s < 1 ? 1 : s > 409 ? 409 : s;
}

static int same_num_format(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Returns the workbook format for a cell of style `st`, created on first
 * use and shared by every later cell with the same properties; NULL when
 * out of memory.  num_format NULL means General. */
lxw_format *xl_get_format(xl_writer *x, const jx_style *st, int border, int locked,
                          const char *num_format)
{
    xl_format key = {
        .font = font_index(st->font_role),
        .size_tw = (int)lround(xl_style_size(st) * 20),
        .bold = st->bold ? 1 : 0,
        .halign = (int)st->halign,
        .valign = (int)st->valign,
        .border = border,
        .locked = locked,
        .num_format = num_format && *num_format ? num_format : NULL,
    };
    for (size_t i = 0; i < x->nfmts; i++) {
        const xl_format *f = &x->fmts[i];
        if (f->font == key.font && f->size_tw == key.size_tw && f->bold == key.bold &&
            f->halign == key.halign && f->valign == key.valign && f->border == key.border &&
            f->locked == key.locked && same_num_format(f->num_format, key.num_format))
            return f->fmt;
    }
    xl_format *p = jx_grow(x->fmts, &x->fmtcap, x->nfmts, sizeof *p, 16);
    if (!p)
        return NULL;
    x->fmts = p;
    lxw_format *fmt = workbook_add_format(x->wb);
    if (!fmt)
        return NULL;
    format_set_font_name(fmt, k_fonts[key.font].excel);
    format_set_font_family(fmt, XL_FAMILY_MODERN);
    format_set_font_charset(fmt, XL_CHARSET_GB2312);
    format_set_font_size(fmt, key.size_tw / 20.0);
    if (key.bold)
        format_set_bold(fmt);
    static const uint8_t halign[] = {LXW_ALIGN_LEFT, LXW_ALIGN_CENTER, LXW_ALIGN_RIGHT,
                                     LXW_ALIGN_JUSTIFY};
    static const uint8_t valign[] = {LXW_ALIGN_VERTICAL_CENTER, LXW_ALIGN_VERTICAL_TOP,
                                     LXW_ALIGN_VERTICAL_BOTTOM};
    format_set_align(fmt, key.halign >= 0 && key.halign < 4 ? halign[key.halign] : LXW_ALIGN_LEFT);
    format_set_align(fmt, key.valign >= 0 && key.valign < 3 ? valign[key.valign]
                                                            : LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(fmt);
    if (border)
        format_set_border(fmt, LXW_BORDER_THIN);
    if (!locked)
        format_set_unlocked(fmt);
    if (key.num_format)
        format_set_num_format(fmt, key.num_format);
    key.fmt = fmt;
    x->fmts[x->nfmts++] = key;
    return fmt;
}

/* ---- sheet names ------------------------------------------------------- */

/* Case-folded UTF-8 copy of the code points cps[0..n), or NULL (no memory). */
static char *folded_name(const uint32_t *cps, size_t n)
{
    char *s = malloc(n * 4 + 1), *p = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        p += jx_utf8_encode(fold_case(cps[i]), p);
    *p = '\0';
    return s;
}

static int name_taken(const xl_writer *x, const char *folded)
{
    for (size_t i = 0; i < x->nused; i++)
        if (strcmp(x->used[i], folded) == 0)
            return 1;
    return 0;
}

/* Records a folded name as taken (takes ownership); JX_ERR_NOMEM on failure
 * (the name is freed). */
static jx_status take_name(xl_writer *x, char *folded)
{
    char **p = jx_grow(x->used, &x->usedcap, x->nused, sizeof *p, 8);
    if (!p) {
        free(folded);
        return JX_ERR_NOMEM;
    }
    x->used = p;
    x->used[x->nused++] = folded;
    return JX_OK;
}

/* Drops trailing spaces and apostrophes from cps[0..*n). */
static void trim_end(const uint32_t *cps, size_t *n)
{
    while (*n > 0 && (cps[*n - 1] == '\'' || cps[*n - 1] == ' '))
        (*n)--;
}

/* Cuts cps[0..*n) to at most `units` UTF-16 code units (never inside a
 * surrogate pair), then trims. */
static void cut_units(const uint32_t *cps, size_t *n, size_t units)
{
    size_t u = 0, i = 0;
    while (i < *n && u + (cps[i] > 0xFFFF ? 2 : 1) <= units)
        u += cps[i++] > 0xFFFF ? 2 : 1;
    *n = i;
    trim_end(cps, n);
}

/* Makes a valid, unused sheet name from `want` (may be NULL): control
 * characters dropped, []:*?/\ replaced by '_', no leading or trailing
 * apostrophe or space, at most 31 UTF-16 units, unique without regard to
 * case (" (2)", " (3)", ... appended, the name shortened to make room); a
 * blank name becomes Sheet1, Sheet2, ...  Stores the result (malloc'd) in
 * *out and records it as taken.  JX_ERR_NOMEM when out of memory. */
static jx_status sheet_name(xl_writer *x, const char *want, char **out)
{
    jx_status st = JX_ERR_NOMEM;
    size_t len = want ? strlen(want) : 0;
    uint32_t *cps = malloc((len + 24) * sizeof *cps);
    uint32_t *cand = malloc((XL_SHEET_NAME_MAX + 24) * sizeof *cand);
    char *folded = NULL, *name = NULL;
    *out = NULL;
    if (!cps || !cand)
        goto done;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = jx_utf8_decode(want + i, len - i, &cp);
        if (k == 0) {
            cp = '_';
            k = 1;
        }
        i += k;
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            continue;
        if (cp < 0x80 && strchr("[]:*?/\\", (int)cp))
            cp = '_';
        if (n == 0 && (cp == '\'' || cp == ' '))
            continue;
        cps[n++] = cp;
    }
    cut_units(cps, &n, XL_SHEET_NAME_MAX);

    size_t m = 0;
    for (int k = 1;; k++) {
        char sfx[32];
        if (n == 0)
            snprintf(sfx, sizeof sfx, "Sheet%d", x->next_blank++);
        else if (k == 1)
            sfx[0] = '\0';
        else
            snprintf(sfx, sizeof sfx, " (%d)", k);
        size_t sl = strlen(sfx);
        m = n;
        memcpy(cand, cps, n * sizeof *cand);
        cut_units(cand, &m, XL_SHEET_NAME_MAX - sl);
        for (size_t i = 0; i < sl; i++)
            cand[m++] = (unsigned char)sfx[i];
        free(folded);
        folded = folded_name(cand, m);
        if (!folded)
            goto done;
        if (!name_taken(x, folded))
            break;
    }
    name = malloc(m * 4 + 1);
    if (!name)
        goto done;
    char *p = name;
    for (size_t i = 0; i < m; i++)
        p += jx_utf8_encode(cand[i], p);
    *p = '\0';
    st = take_name(x, folded);
    folded = NULL;
    if (st == JX_OK) {
        *out = name;
        name = NULL;
    }
done:
    free(cps);
    free(cand);
    free(folded);
    free(name);
    return st;
}

/* ---- number cells ------------------------------------------------------ */

int xl_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_general(const char *f)
{
    return !f || !*f || strcmp(f, "General") == 0 || strcmp(f, "general") == 0;
}

/* The Excel number format that shows value text `shown` (a NUMBER cell's
 * paras[0], as the PDF prints it) exactly: the digits grouped as shown
 * (#,##0), as many decimals as shown, a percent sign, a unit written after
 * the number ("万元"); the layout's grouping is kept even where the value
 * is too small to show it.  A shown text that is not a number (the zero text
 * of a format, or "-" written for zero: the cell holds 0) gives
 * `[=0]"-";base`, the dash in the first section (readers of a format's first
 * section only show it too) and the layout's first section for any other
 * number a clerk types.  layout_fmt is the layout's format: its zero
 * section (third) is kept.  Writes into buf (n bytes);
 * returns 0, or -1 when the text does not fit. */
static int shown_format(const char *shown, const char *layout_fmt, char *buf, size_t n)
{
    const char *p = shown;
    if (*p == '-' && p[1] >= '0' && p[1] <= '9')
        p++;
    int digits = 0, thousands = 0, decimals = 0, pct = 0;
    while ((*p >= '0' && *p <= '9') || (*p == ',' && digits > 0)) {
        thousands |= *p == ',';
        digits += *p != ',';
        p++;
    }
    if (digits > 0 && *p == '.' && p[1] >= '0' && p[1] <= '9')
        for (p++; *p >= '0' && *p <= '9'; p++)
            decimals++;
    if (digits > 0 && *p == '%') {
        pct = 1;
        p++;
    }
    /* The zero section of the layout's format: after its second ';' outside quotes. */
    const char *zero = NULL;
    int semis = 0, quoted = 0;
    for (const char *q = layout_fmt; q && *q && !zero; q++) {
        if (*q == '"')
            quoted = !quoted;
        else if (*q == ';' && !quoted && ++semis == 2)
            zero = q + 1;
    }
    char base[96];
    size_t len = 0;
    if (digits == 0) {
        /* Not a number: the zero text; the base is the layout's first section. */
        len = (size_t)snprintf(base, sizeof base, "%s", "General");
        if (layout_fmt && !is_general(layout_fmt)) {
            size_t k = 0;
            quoted = 0;
            while (layout_fmt[k] && (quoted || layout_fmt[k] != ';') && k + 1 < sizeof base) {
                quoted ^= layout_fmt[k] == '"';
                base[k] = layout_fmt[k];
                k++;
            }
            base[k] = '\0';
            len = k;
        }
        if (strchr(shown, '"'))
            return -1;
        int w = snprintf(buf, n, "[=0]\"%s\";%s", shown, base);
        return w < 0 || (size_t)w >= n ? -1 : 0;
    }
    /* An integer General shows as written (up to 11 digits): kept General. */
    if (is_general(layout_fmt) && !thousands && !decimals && !pct && !*p && digits <= 11) {
        int w = snprintf(buf, n, "General");
        return w < 0 || (size_t)w >= n ? -1 : 0;
    }
    /* The layout's grouping is kept where the value is too small to show it. */
    for (const char *q = layout_fmt; q && *q && *q != ';'; q++)
        thousands |= *q == ',';
    len = (size_t)snprintf(base, sizeof base, "%s", thousands ? "#,##0" : "0");
    if (decimals > 0 && len + 1 + (size_t)decimals < sizeof base) {
        base[len++] = '.';
        for (int i = 0; i < decimals; i++)
            base[len++] = '0';
        base[len] = '\0';
    }
    if (pct)
        len += (size_t)snprintf(base + len, sizeof base - len, "%%");
    if (*p && (strchr(p, '"') || strlen(p) + len + 3 > sizeof base))
        return -1;
    if (*p)
        snprintf(base + len, sizeof base - len, "\"%s\"", p);
    int w = zero ? snprintf(buf, n, "%s;-%s;%s", base, base, zero) : snprintf(buf, n, "%s", base);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* The number format a NUMBER cell, or an EMPTY one meant for a number, is
 * written with; NULL for General and for other cells.  A NUMBER cell gets
 * the format that shows the text the PDF shows (shown_format(): "87734.30"
 * keeps its 0, 12.5% is 0.0%, not the layout's General or 0%); the string
 * is interned in the writer and lives as long as it.  An EMPTY cell gets
 * the layout's format, for what a clerk types. */
const char *xl_cell_num_format(xl_writer *x, const jx_cell *c)
{
    if (c->kind != JX_CELL_NUMBER && c->kind != JX_CELL_EMPTY)
        return NULL;
    char buf[256];
    if (c->kind == JX_CELL_NUMBER && c->npara > 0 && c->paras[0].text &&
        shown_format(c->paras[0].text, c->number_format, buf, sizeof buf) == 0) {
        if (is_general(buf))
            return NULL;
        for (size_t i = 0; i < x->nshown; i++)
            if (strcmp(x->shown[i], buf) == 0)
                return x->shown[i];
        char **p = jx_grow(x->shown, &x->shown_cap, x->nshown, sizeof *p, 16);
        if (!p)
            return c->number_format;
        x->shown = p;
        char *s = jx_strdup(buf);
        if (!s)
            return c->number_format;
        x->shown[x->nshown++] = s;
        return s;
    }
    return is_general(c->number_format) ? NULL : c->number_format;
}

/* 1 when the Excel number format f shows a percentage: a '%' outside
 * quoted text, [...] sections and escaped characters. */
static int format_is_percent(const char *f)
{
    for (const char *p = f; p && *p; p++) {
        if (*p == '"' || *p == '[') {
            p = strchr(p + 1, *p == '"' ? '"' : ']');
            if (!p)
                return 0;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (!p[1])
                return 0;
            p++;
        } else if (*p == '%') {
            return 1;
        }
    }
    return 0;
}

static int unit_is_percent(const char *unit)
{
    return unit && (strcmp(unit, "%") == 0 || strcmp(unit, "％") == 0);
}

/* What a value cell holds or is meant to hold: XL_NUM_PERCENT when its
 * number format shows a percentage or its unit is "%"; XL_NUM_AMOUNT for
 * any other NUMBER cell and for an EMPTY cell with a number format or a
 * unit (a blank amount); else XL_NUM_NONE (text, template labels). */
int xl_number_kind(const jx_cell *c)
{
    const char *unit = c->source.unit;
    int has_unit = unit && *unit;
    if (c->kind != JX_CELL_NUMBER &&
        !(c->kind == JX_CELL_EMPTY && (!is_general(c->number_format) || has_unit)))
        return XL_NUM_NONE;
    if (format_is_percent(c->number_format) || unit_is_percent(unit))
        return XL_NUM_PERCENT;
    return XL_NUM_AMOUNT;
}

int xl_is_formula(const jx_cell *c)
{
    return c->kind == JX_CELL_NUMBER && c->formula && *c->formula;
}

/* Template labels and derived totals are locked; every other cell is left
 * unlocked so that a clerk can edit it on the protected sheet. */
static int is_locked(const jx_cell *c)
{
    return c->kind == JX_CELL_LABEL || xl_is_formula(c);
}

/* Adds the data validation of a number cell over rows [r0, r1] x columns
 * [c0, c1]: amounts a decimal >= 0; percentages a decimal from 0 to 100 %
 * (0..1 when the format shows a percentage, 0..100 when the unit says "%"
 * of a plain number), widened to >= 0 when the filed value is larger. */
static lxw_error add_validation(lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1,
                                lxw_col_t c1, const jx_cell *c, int kind)
{
    lxw_data_validation dv;
    char msg[256];
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
    dv.value_number = 0;
    const char *unit = c->source.unit;
    if (kind == XL_NUM_PERCENT) {
        double top = format_is_percent(c->number_format) ? 1.0 : 100.0;
        double v = c->kind == JX_CELL_NUMBER ? jx_decimal_to_double(c->number) : 0;
        dv.error_title = (char *)"百分比";
        if (v <= top) {
            dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
            dv.minimum_number = 0;
            dv.maximum_number = top;
            snprintf(msg, sizeof msg, "请输入 0%% 到 100%% 之间的百分数。");
        } else {
            snprintf(msg, sizeof msg, "请输入不小于 0%% 的百分数。");
        }
    } else {
        dv.error_title = (char *)"金额";
        if (unit && *unit && strlen(unit) <= 60)
            snprintf(msg, sizeof msg, "请输入不小于 0 的数（单位：%s）。", unit);
        else
            snprintf(msg, sizeof msg, "请输入不小于 0 的数。");
    }
    dv.error_message = msg;
    if (r0 == r1 && c0 == c1)
        return worksheet_data_validation_cell(ws, r0, c0, &dv);
    return worksheet_data_validation_range(ws, r0, c0, r1, c1, &dv);
}

/* ---- value cells ------------------------------------------------------- */

static int cmp_place(const void *a, const void *b)
{
    const xl_place *p = *(const xl_place *const *)a, *q = *(const xl_place *const *)b;
    int c = strcmp(p->path, q->path);
    if (c)
        return c;
    return (p->order > q->order) - (p->order < q->order);
}

/* Records where every value cell of every laid-out sheet is (x->places in
 * document order, x->by_path sorted for xl_find_place()), then the filing
 * values only template texts show (jx_cell.refs, jx_block.refs), after them. */
static jx_status index_places(xl_writer *x)
{
    for (size_t si = 0; si < x->nsheets; si++) {
        const xl_sheet *s = &x->sheets[si];
        for (size_t b = 0; b < s->sec->nblocks; b++) {
            const jx_block *blk = &s->sec->blocks[b];
            if (blk->kind != JX_BLOCK_TABLE)
                continue;
            for (size_t k = 0; k < blk->table->ncells; k++) {
                const jx_cell *c = &blk->table->cells[k];
                if (c->kind == JX_CELL_LABEL || !c->source.path || !*c->source.path)
                    continue;
                xl_place *p = jx_grow(x->places, &x->placecap, x->nplaces, sizeof *p, 64);
                if (!p)
                    return xl_oom(x);
                x->places = p;
                int c0, c1;
                size_t a, z;
                xl_cell_cols(s, b, c, &c0, &c1);
                xl_cell_rows(s, b, c, &a, &z);
                x->places[x->nplaces] = (xl_place){c->source.path, c, si, (lxw_row_t)s->fin[a],
                                                   (lxw_col_t)c0, x->nplaces, 0};
                x->nplaces++;
            }
        }
    }
    /* Then the filing values shown inside template texts (a title's {year}),
     * at the paragraph or label cell showing them, unless a cell shows them. */
    for (size_t si = 0; si < x->nsheets; si++) {
        const xl_sheet *s = &x->sheets[si];
        for (size_t b = 0; b < s->sec->nblocks; b++) {
            const jx_block *blk = &s->sec->blocks[b];
            size_t ncells = blk->kind == JX_BLOCK_TABLE ? blk->table->ncells : 1;
            for (size_t k = 0; k < ncells; k++) {
                const jx_cell *c = blk->kind == JX_BLOCK_TABLE ? &blk->table->cells[k] : NULL;
                const jx_cell *refs = c ? c->refs : blk->refs;
                size_t nrefs = c ? c->nrefs : blk->nrefs;
                int c0 = 0, c1 = 0;
                if (c && nrefs)
                    xl_cell_cols(s, b, c, &c0, &c1);
                for (size_t r = 0; r < nrefs; r++) {
                    int shown = 0; /* by a cell, or by an earlier template */
                    for (size_t i = 0; i < x->nplaces && !shown; i++)
                        shown = strcmp(x->places[i].path, refs[r].source.path) == 0;
                    if (shown)
                        continue;
                    xl_place *p = jx_grow(x->places, &x->placecap, x->nplaces, sizeof *p, 64);
                    if (!p)
                        return xl_oom(x);
                    x->places = p;
                    lxw_row_t row = (lxw_row_t)s->fin[s->trow[b][c ? c->row : 0]];
                    x->places[x->nplaces] = (xl_place){refs[r].source.path, &refs[r], si, row,
                                                       (lxw_col_t)c0, x->nplaces, 1};
                    x->nplaces++;
                }
            }
        }
    }
    x->by_path = malloc((x->nplaces ? x->nplaces : 1) * sizeof *x->by_path);
    if (!x->by_path)
        return xl_oom(x);
    for (size_t i = 0; i < x->nplaces; i++)
        x->by_path[i] = &x->places[i];
    if (x->nplaces)
        qsort(x->by_path, x->nplaces, sizeof *x->by_path, cmp_place);
    return JX_OK;
}

/* The first cell (in document order) that shows filing field path[0..len),
 * or NULL. */
const xl_place *xl_find_place(const xl_writer *x, const char *path, size_t len)
{
    size_t lo = 0, hi = x->nplaces;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *mp = x->by_path[mid]->path;
        int c = strncmp(mp, path, len);
        if (c == 0 && mp[len] != '\0')
            c = 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < x->nplaces && strncmp(x->by_path[lo]->path, path, len) == 0 &&
        x->by_path[lo]->path[len] == '\0')
        return x->by_path[lo];
    return NULL;
}

/* Appends 'name'! with apostrophes doubled. */
void xl_append_sheet_prefix(jx_buf *b, const char *name)
{
    jx_buf_puts(b, "'");
    for (const char *p = name; *p; p++) {
        if (*p == '\'')
            jx_buf_puts(b, "''");
        else
            jx_buf_append(b, p, 1);
    }
    jx_buf_puts(b, "'!");
}

/* Appends the reference of cell (row, col) of sheet `to` as written on
 * sheet `from`: "C12" on the same sheet, "'Sheet'!C12" on another;
 * "$C$12" when abs is set. */
void xl_append_ref(jx_buf *b, const xl_writer *x, size_t from, size_t to, lxw_row_t row,
                   lxw_col_t col, int abs)
{
    char ref[32];
    if (from != to)
        xl_append_sheet_prefix(b, x->sheets[to].name);
    if (abs)
        lxw_rowcol_to_cell_abs(ref, row, col, 1, 1);
    else
        lxw_rowcol_to_cell(ref, row, col);
    jx_buf_puts(b, ref);
}

/* Reports a malformed formula of cell c (why: what is wrong) and returns
 * JX_ERR_XLSX. */
static jx_status formula_error(xl_writer *x, const jx_cell *c, const char *why)
{
    const jx_source *src = &c->source;
    return jx_diag_error(x->d, JX_ERR_XLSX, src->file, src->line, src->col,
                         _("%s: the formula \"%s\" %s"), src->path ? src->path : _("a derived total"),
                         c->formula, _(why));
}

/* Rewrites the formula of cell c (on sheet `here`) into an Excel formula
 * with a leading '=': every {path} becomes the reference of the first cell
 * that shows filing field `path` (xl_find_place()), on this sheet or another;
 * text inside "..." string literals is copied unchanged.  Returns JX_OK and
 * the formula (malloc'd) in *out, or JX_ERR_XLSX with a message naming an
 * unknown or malformed placeholder (JX_ERR_NOMEM when out of memory). */
static jx_status resolve_formula(xl_writer *x, size_t here, const jx_cell *c, char **out)
{
    const char *f = c->formula;
    jx_buf b = {0};
    jx_status st = JX_OK;
    if (*f != '=')
        jx_buf_puts(&b, "=");
    int in_str = 0;
    for (const char *p = f; *p && st == JX_OK;) {
        if (*p == '"') {
            in_str = !in_str;
        } else if (!in_str && *p == '{') {
            const char *close = strchr(p + 1, '}');
            size_t len = close ? (size_t)(close - p - 1) : 0;
            if (!close || memchr(p + 1, '{', len)) {
                st = formula_error(x, c, N_("has a '{' without its '}'"));
                break;
            }
            const xl_place *pl = len ? xl_find_place(x, p + 1, len) : NULL;
            if (!pl) {
                st = jx_diag_error(x->d, JX_ERR_XLSX, c->source.file, c->source.line,
                                   c->source.col,
                                   _("%s: the formula \"%s\" refers to {%.*s}, but no cell of the "
                                   "workbook shows filing field '%.*s'"),
                                   c->source.path ? c->source.path : _("a derived total"),
                                   c->formula, (int)len, p + 1, (int)len, p + 1);
                break;
            }
            xl_append_ref(&b, x, here, pl->sheet, pl->row, pl->col, 0);
            p = close + 1;
            continue;
        } else if (!in_str && *p == '}') {
            st = formula_error(x, c, N_("has a '}' without its '{'"));
            break;
        }
        jx_buf_append(&b, p, 1);
        p++;
    }
    if (st == JX_OK && b.oom)
        st = xl_oom(x);
    if (st != JX_OK) {
        jx_buf_free(&b);
        return st;
    }
    *out = b.data;
    return JX_OK;
}

/* ---- writing ----------------------------------------------------------- */

/* The cell's paragraphs joined with '\n' (malloc'd), or NULL when out of
 * memory. */
char *xl_join_paras(const jx_paragraph *paras, size_t npara)
{
    size_t n = 1;
    for (size_t i = 0; i < npara; i++)
        n += (paras[i].text ? strlen(paras[i].text) : 0) + 1;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < npara; i++) {
        if (i)
            *p++ = '\n';
        size_t k = paras[i].text ? strlen(paras[i].text) : 0;
        memcpy(p, paras[i].text ? paras[i].text : "", k);
        p += k;
    }
    *p = '\0';
    return s;
}

/* Writes text into rows [r0, r1] x columns [c0, c1] (merged when more than
 * one cell) as a string, whatever it looks like. */
lxw_error xl_put_text(lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1,
                      const char *text, lxw_format *fmt)
{
    if (r0 != r1 || c0 != c1)
        return worksheet_merge_range(ws, r0, c0, r1, c1, text, fmt);
    if (!*text)
        return worksheet_write_blank(ws, r0, c0, fmt);
    return worksheet_write_string(ws, r0, c0, text, fmt);
}

/* Writes one table cell of sheet si: labels and text as strings, numbers
 * as numbers in their format (derived totals as formulas with their value
 * cached), locked or not (is_locked()), with data validation on number
 * cells a clerk may edit. */
static jx_status write_cell(xl_writer *x, size_t si, lxw_worksheet *ws, size_t block,
                            const jx_table *t, const jx_cell *c)
{
    xl_sheet *s = &x->sheets[si];
    int c0, c1;
    size_t a, z;
    xl_cell_cols(s, block, c, &c0, &c1);
    xl_cell_rows(s, block, c, &a, &z);
    size_t end = xl_piece_end(s, a, z);
    lxw_row_t r0 = (lxw_row_t)s->fin[a], r1 = (lxw_row_t)s->fin[end - 1];
    lxw_col_t fc = (lxw_col_t)c0, lc = (lxw_col_t)(c1 - 1);
    int kind = xl_number_kind(c);
    lxw_format *fmt =
        xl_get_format(x, &c->style, t->border_pt > 0, is_locked(c), xl_cell_num_format(x, c));
    if (!fmt)
        return xl_oom(x);
    lxw_error e;
    const char *what = N_("writing a value");
    if (c->kind == JX_CELL_LABEL || c->kind == JX_CELL_TEXT) {
        char *text = xl_join_paras(c->paras, c->npara);
        if (!text)
            return xl_oom(x);
        if (end <= z && xl_rows_pt(s, a, end) < s->need[block][(size_t)(c - t->cells)]) {
            /* Taller than its first page leaves it: a cell per page. */
            jx_status st =
                xl_write_split(x, si, ws, &c->style, text, &c->source, a, z, c0, c1,
                               t->border_pt > 0, is_locked(c));
            free(text);
            return st;
        }
        e = xl_put_text(ws, r0, fc, r1, lc, text, fmt);
        free(text);
    } else {
        e = xl_put_text(ws, r0, fc, r1, lc, "", fmt);
        if (e == LXW_NO_ERROR && c->kind == JX_CELL_NUMBER) {
            double v = jx_decimal_to_double(c->number);
            if (xl_is_formula(c)) {
                char *f = NULL;
                jx_status st = resolve_formula(x, si, c, &f);
                if (st != JX_OK)
                    return st;
                e = worksheet_write_formula_num(ws, r0, fc, f, fmt, v);
                free(f);
                what = N_("writing a formula");
            } else {
                e = worksheet_write_number(ws, r0, fc, v, fmt);
            }
        }
    }
    if (e == LXW_NO_ERROR && kind != XL_NUM_NONE && !xl_is_formula(c)) {
        e = add_validation(ws, r0, fc, r1, lc, c, kind);
        what = N_("adding data validation");
    }
    /* The rest of a label or text a printed page split (numbers never
     * are): its text again where it fits, as the PDF repeats it, locked (the
     * field is edited in its first part, the cell the 数据 sheet names). */
    lxw_format *rest = end <= z ? xl_get_format(x, &c->style, t->border_pt > 0, 1, NULL) : NULL;
    if (end <= z && !rest)
        return xl_oom(x);
    for (size_t p = end; e == LXW_NO_ERROR && p <= z; p = end) {
        end = xl_piece_end(s, p, z);
        char *text = NULL;
        if ((c->kind == JX_CELL_LABEL || c->kind == JX_CELL_TEXT) &&
            xl_rows_pt(s, p, end) >= s->need[block][(size_t)(c - t->cells)] &&
            !(text = xl_join_paras(c->paras, c->npara)))
            return xl_oom(x);
        e = xl_put_text(ws, (lxw_row_t)s->fin[p], fc, (lxw_row_t)s->fin[end - 1], lc,
                        text ? text : "", rest);
        free(text);
        what = N_("writing a label continued on a new page");
    }
    if (e == LXW_NO_ERROR)
        return JX_OK;
    jx_status st = xl_fail(x, e, what, s->name, (long)r0, (long)fc);
    if (c->source.path || c->source.file)
        jx_diags_add(x->d, JX_SEV_NOTE, c->source.file, c->source.line, c->source.col, NULL,
                     _("the value of %s"), c->source.path ? c->source.path : _("this field"));
    return st;
}

/* Protects a sheet without a password: locked cells cannot be changed,
 * unlocked ones can; rows and columns may still be resized (a clerk's
 * longer text needs a taller row), and on the 数据 sheet the filter used. */
void xl_protect(lxw_worksheet *ws, int autofilter)
{
    lxw_protection prot;
    memset(&prot, 0, sizeof prot);
    prot.format_columns = 1;
    prot.format_rows = 1;
    prot.autofilter = autofilter ? 1 : 0;
    worksheet_protect(ws, NULL, &prot);
}

/* Names section `index`'s sheet, checks its tables and lays it out
 * (columns, rows, heights) into x->sheets[index]. */
static jx_status plan_section(xl_writer *x, size_t index)
{
    xl_sheet *s = &x->sheets[index];
    const jx_section *sec = &x->doc->sections[index];
    s->sec = sec;
    jx_status st = sheet_name(x, sec->sheet_name, &s->name);
    if (st != JX_OK)
        return xl_oom(x);
    for (size_t i = 0; i < sec->nblocks; i++) {
        char msg[256];
        if (sec->blocks[i].kind != JX_BLOCK_TABLE)
            continue;
        if (!sec->blocks[i].table)
            return jx_diag_error(x->d, JX_ERR_INTERNAL, NULL, 0, 0,
                                 _("workbook sheet '%s': block %zu is a table without a table"),
                                 s->name, i + 1);
        st = jx_table_check(sec->blocks[i].table, msg, sizeof msg);
        if (st != JX_OK)
            return jx_diag_error(x->d, st, NULL, 0, 0, _("workbook sheet '%s', block %zu: %s"),
                                 s->name, i + 1, msg);
    }
    const jx_page_setup *pg = &sec->page;
    double page_w = pg->width_pt > 0 ? pg->width_pt : (pg->landscape ? 841.89 : 595.28);
    s->width_pt = page_w - (pg->margin_left_pt > 0 ? pg->margin_left_pt : 0) -
                  (pg->margin_right_pt > 0 ? pg->margin_right_pt : 0);
    if (!(s->width_pt >= 36)) {
        jx_diags_add(x->d, JX_SEV_WARNING, NULL, 0, 0, "xlsx-page",
                     _("workbook sheet '%s': the page leaves %.1f pt between its margins; "
                     "using the page width"), s->name, s->width_pt);
        s->width_pt = page_w;
    }
    if ((st = xl_layout_columns(x, s)) != JX_OK || (st = xl_layout_rows(x, s)) != JX_OK)
        return st;
    return xl_layout_pages(x, s);
}

/* Writes the laid-out sheet x->sheets[index]. */
static jx_status write_sheet(xl_writer *x, size_t index)
{
    xl_sheet *s = &x->sheets[index];
    const jx_section *sec = s->sec;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, s->name);
    if (!ws)
        return jx_diag_error(x->d, JX_ERR_XLSX, NULL, 0, 0,
                             _("cannot add workbook sheet '%s' (out of memory or invalid name)"),
                             s->name);
    lxw_error e;
    jx_status st;
    for (int c = 0; c < s->ncols; c++)
        if ((e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, xl_px_to_width(s->col_px[c]),
                                      NULL)))
            return xl_fail(x, e, N_("setting a column width"), s->name, -1, 0);
    for (size_t r = 0; r < s->nrows; r++)
        if ((e = worksheet_set_row(ws, (lxw_row_t)r, s->row_pt[r], NULL)))
            return xl_fail(x, e, N_("setting a row height"), s->name, (long)r, 0);
    for (size_t i = 0; i < sec->nblocks; i++) {
        const jx_block *blk = &sec->blocks[i];
        if (blk->kind == JX_BLOCK_PARAGRAPH) {
            size_t a = s->trow[i][0], z = s->trow[i][1] - 1;
            lxw_row_t r0 = (lxw_row_t)s->fin[a], r1 = (lxw_row_t)s->fin[z];
            lxw_format *fmt = xl_get_format(x, &blk->style, 0, 1, NULL);
            const jx_source none = {0};
            if (!fmt)
                return xl_oom(x);
            if (xl_piece_end(s, a, z) <= z) { /* taller than a page: a cell per page */
                st = xl_write_split(x, index, ws, &blk->style, blk->para.text ? blk->para.text : "",
                                    &none, a, z, 0, s->ncols, 0, 1);
                if (st != JX_OK)
                    return st;
                continue;
            }
            e = xl_put_text(ws, r0, 0, r1, (lxw_col_t)(s->ncols - 1),
                            blk->para.text ? blk->para.text : "", fmt);
            if (e)
                return xl_fail(x, e, N_("writing a paragraph"), s->name, (long)r0, 0);
        } else if (blk->kind == JX_BLOCK_TABLE) {
            for (size_t k = 0; k < blk->table->ncells; k++)
                if ((st = write_cell(x, index, ws, i, blk->table, &blk->table->cells[k])) !=
                    JX_OK)
                    return st;
        }
    }
    if ((st = xl_write_copies(x, index, ws)) != JX_OK)
        return st;
    xl_protect(ws, 0);
    return xl_setup_page(x, s, ws);
}

/* ---- the file ---------------------------------------------------------- */

/* Records a reserved sheet name (ASCII-folded already). */
static jx_status reserve_name(xl_writer *x, const char *folded)
{
    size_t n = strlen(folded) + 1;
    char *s = malloc(n);
    if (!s)
        return JX_ERR_NOMEM;
    memcpy(s, folded, n);
    return take_name(x, s);
}

/* The characters Excel counts in UTF-8 s: UTF-16 code units. */
static size_t excel_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n += *p >= 0xF0 ? 2 : 1;
    return n;
}

/* Checks c (a filing text): its paragraphs joined by line breaks, as the
 * 数据 sheet's 值 holds them (xl_join_paras()), must fit a cell.  A field
 * shown in several cells is reported once: its path is added to *seen
 * (one path per line).  Returns JX_OK, or JX_ERR_FILING with a message. */
static jx_status check_cell(const jx_cell *c, jx_buf *seen, jx_diags *d)
{
    if (c->kind != JX_CELL_TEXT || !c->source.path || !*c->source.path)
        return JX_OK;
    size_t n = c->npara ? c->npara - 1 : 0;
    for (size_t i = 0; i < c->npara; i++)
        n += c->paras[i].text ? excel_chars(c->paras[i].text) : 0;
    if (n <= JX_XLSX_CELL_MAX)
        return JX_OK;
    size_t len = strlen(c->source.path);
    for (const char *p = jx_buf_str(seen); *p; p += strcspn(p, "\n") + 1)
        if (strncmp(p, c->source.path, len) == 0 && p[len] == '\n')
            return JX_ERR_FILING;
    jx_buf_printf(seen, "%s\n", c->source.path);
    return jx_diag_error(d, JX_ERR_FILING, c->source.file, c->source.line, c->source.col,
                         _("%s (%s) is %zu characters long, more than the %d an Excel cell holds: "
                           "the workbook cannot keep it whole; shorten it to at most %d "
                           "characters"),
                         c->source.label ? c->source.label : c->source.path, c->source.path, n,
                         JX_XLSX_CELL_MAX, JX_XLSX_CELL_MAX);
}

jx_status jx_xlsx_check(const jx_doc *doc, jx_diags *d)
{
    jx_status st = JX_OK;
    jx_buf seen = {0};
    for (size_t si = 0; doc && si < doc->nsections; si++) {
        const jx_section *sec = &doc->sections[si];
        for (size_t b = 0; b < sec->nblocks; b++) {
            const jx_block *blk = &sec->blocks[b];
            for (size_t r = 0; r < blk->nrefs; r++)
                if (check_cell(&blk->refs[r], &seen, d) != JX_OK)
                    st = JX_ERR_FILING;
            if (blk->kind != JX_BLOCK_TABLE)
                continue;
            for (size_t k = 0; k < blk->table->ncells; k++) {
                const jx_cell *c = &blk->table->cells[k];
                if (check_cell(c, &seen, d) != JX_OK)
                    st = JX_ERR_FILING;
                for (size_t r = 0; r < c->nrefs; r++)
                    if (check_cell(&c->refs[r], &seen, d) != JX_OK)
                        st = JX_ERR_FILING;
            }
        }
    }
    jx_buf_free(&seen);
    return st;
}

jx_status jx_xlsx_write(const jx_doc *doc, jx_fonts *fonts, const char *path, jx_diags *d)
{
    if (!doc || !path || !*path)
        return jx_diag_error(d, JX_ERR_INTERNAL, NULL, 0, 0,
                             _("jx_xlsx_write: no document or no file name"));
    jx_file_out file;
    jx_status st = jx_file_out_open(&file, path, d);
    if (st != JX_OK)
        return st;
    st = jx_xlsx_write_into(doc, fonts, &file, d);
    if (st == JX_OK)
        return jx_file_out_commit(&file, d);
    jx_file_out_abort(&file);
    return st;
}

jx_status jx_xlsx_write_into(const jx_doc *doc, jx_fonts *fonts, jx_file_out *file, jx_diags *d)
{
    xl_writer x = {.doc = doc, .fonts = fonts, .d = d, .next_blank = 1};
    jx_status st;
    if (!doc || !file || !file->tmp)
        return jx_diag_error(d, JX_ERR_INTERNAL, NULL, 0, 0,
                             _("jx_xlsx_write_into: no document or no file"));
    if ((st = jx_xlsx_check(doc, d)) != JX_OK)
        return st;
    const char *path = file->path;
    /* Excel reserves "History"; the data sheet is ours. */
    if ((st = reserve_name(&x, "history")) != JX_OK ||
        (st = reserve_name(&x, XL_DATA_SHEET)) != JX_OK ||
        (st = reserve_name(&x, XL_RECORD_SHEET)) != JX_OK) {
        xl_oom(&x);
        goto done;
    }
    /* libxlsxwriter writes the temporary file by name (the same file). */
    x.wb = workbook_new(file->tmp);
    x.sheets = calloc(doc->nsections ? doc->nsections : 1, sizeof *x.sheets);
    if (!x.wb || !x.sheets) {
        st = xl_oom(&x);
        goto done;
    }
    const jx_doc_info *in = &doc->info;
    /* libxlsxwriter's properties are char * but only read. */
    lxw_doc_properties props = {
        .title = (char *)(uintptr_t)in->title,
        .author = (char *)(uintptr_t)in->author,
        .company = (char *)(uintptr_t)in->author,
        .subject = (char *)(uintptr_t)in->subject,
        .keywords = (char *)(uintptr_t)in->keywords,
        /* 0 would make libxlsxwriter stamp the current time. */
        .created = in->date_epoch ? (time_t)in->date_epoch : (time_t)1,
    };
    lxw_error e = workbook_set_properties(x.wb, &props);
    if (e) {
        st = xl_fail(&x, e, N_("setting document properties"), "", -1, 0);
        goto done;
    }
    /* Lay every sheet out first: formulas and names refer across sheets. */
    for (size_t i = 0; i < doc->nsections; i++) {
        x.nsheets = i + 1;
        if ((st = plan_section(&x, i)) != JX_OK)
            goto done;
    }
    if ((st = index_places(&x)) != JX_OK)
        goto done;
    for (size_t i = 0; i < x.nsheets; i++)
        if ((st = write_sheet(&x, i)) != JX_OK)
            goto done;
    if ((st = xl_write_data_sheet(&x)) != JX_OK ||
        (doc->nvalues && (st = xl_write_record_sheet(&x)) != JX_OK) ||
        (st = xl_define_names(&x)) != JX_OK)
        goto done;
    e = workbook_close(x.wb);
    x.wb = NULL;
    if (e) {
        st = jx_diag_error(d, xl_lxw_status(e), NULL, 0, 0, _("cannot write workbook %s: %s"), path,
                           xl_lxw_text(e));
        goto done;
    }
    st = jx_file_out_finish(file, d);
done:
    if (x.wb)
        lxw_workbook_free(x.wb);
    for (size_t i = 0; i < x.nsheets; i++)
        xl_sheet_free(&x.sheets[i]);
    free(x.sheets);
    free(x.places);
    free(x.by_path);
    for (size_t i = 0; i < x.nshown; i++)
        free(x.shown[i]);
    free(x.shown);
    free(x.conts);
    xl_memo_free(&x);
    for (size_t i = 0; i < x.nused; i++)
        free(x.used[i]);
    free(x.used);
    free(x.fmts);
    return st;
}
