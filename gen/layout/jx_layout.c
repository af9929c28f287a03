/* jx_layout.c - reading and checking layout files. */
#include "jx_layout.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_file.h"
#include "jx_schema.h"
#include "jx_util.h"
#include "jx_i18n.h"

#define MM_TO_PT (72.0 / 25.4)

typedef struct checker {
    const char *file;
    jx_diags *d;
    int errors;
    int nomem;              /* a spec could not be allocated */
} checker;

/* Adds a layout error at `at` (printf-style). */
static void check_error(checker *c, const jx_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void check_error(checker *c, const jx_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* fmt is in the catalog (xgettext -kcheck_error:3) */
    jx_diags_vadd(c->d, JX_SEV_ERROR, c->file, at ? at->line : 0, at ? at->col : 0, NULL, _(fmt),
                  ap);
    va_end(ap);
    c->errors++;
}

/* Reports every key of map not in allowed[] (NULL-terminated), with the
 * nearest known key and the list of valid ones. */
static void check_keys(checker *c, const jx_node *map, const char *const *allowed,
                       const char *what)
{
    if (!map || map->kind != JX_NODE_MAP)
        return;
    size_t n = 0;
    while (allowed[n])
        n++;
    for (size_t i = 0; i < map->count; i++) {
        int ok = 0;
        for (size_t k = 0; k < n && !ok; k++)
            ok = strcmp(map->entries[i].key, allowed[k]) == 0;
        if (ok)
            continue;
        const char *near = jx_nearest(map->entries[i].key, allowed, n);
        jx_buf valid = {0};
        for (size_t k = 0; k < n; k++)
            jx_buf_printf(&valid, "%s%s", k ? ", " : "", allowed[k]);
        const char *list = valid.oom ? "" : jx_buf_str(&valid);
        const jx_node_entry *e = &map->entries[i];
        if (near)
            jx_diags_add(c->d, JX_SEV_ERROR, c->file, e->key_line, e->key_col, NULL,
                         _("unknown key '%s' in %s (did you mean '%s'?); valid keys: %s"), e->key,
                         what, near, list);
        else
            jx_diags_add(c->d, JX_SEV_ERROR, c->file, e->key_line, e->key_col, NULL,
                         _("unknown key '%s' in %s; valid keys: %s"), e->key, what, list);
        jx_buf_free(&valid);
        c->errors++;
    }
}

static int expect_kind(checker *c, const jx_node *n, jx_node_kind kind, const char *what)
{
    static const char *const names[] = {N_("a value"), N_("a map"), N_("a list")};
    if (n && n->kind == kind)
        return 1;
    if (n)
        check_error(c, n, "%s must be %s", what, _(names[kind]));
    return 0;
}

static int parse_double(const jx_node *n, double *out)
{
    const char *t = jx_node_text(n);
    if (!t || !*t)
        return 0;
    char *end;
    double v = strtod(t, &end);
    /* strtod reads "nan" and "inf" too: never a size, width or margin
     * (NaN reached the page as coordinates: tests/data/fuzz-crashers/layout/). */
    if (*end != '\0' || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int parse_bool(const jx_node *n, int *out)
{
    const char *t = jx_node_text(n);
    if (!t)
        return 0;
    if (strcmp(t, "true") == 0 || strcmp(t, "yes") == 0) {
        *out = 1;
        return 1;
    }
    if (strcmp(t, "false") == 0 || strcmp(t, "no") == 0) {
        *out = 0;
        return 1;
    }
    return 0;
}

static void read_style(checker *c, const jx_node *n, jx_style *s)
{
    static const char *const keys[] = {"font", "size", "align", "valign", "indent",
                                       "leading", "bold", "enum_lines", NULL};
    check_keys(c, n, keys, _("a style"));
    s->font_role = JX_DEFAULT_FONT_ROLE;
    s->size_pt = JX_DEFAULT_SIZE_PT;
    s->leading = 1.2;
    s->halign = JX_ALIGN_LEFT;
    s->valign = JX_VALIGN_MIDDLE;
    const jx_node *v;
    if ((v = jx_node_get(n, "font")) && jx_node_text(v))
        s->font_role = jx_node_text(v);
    if ((v = jx_node_get(n, "size")) && !parse_double(v, &s->size_pt))
        check_error(c, v, "style size must be a number of points");
    if ((v = jx_node_get(n, "indent")) && !parse_double(v, &s->first_indent_em))
        check_error(c, v, "indent must be a number of em");
    if ((v = jx_node_get(n, "leading")) && !parse_double(v, &s->leading))
        check_error(c, v, "leading must be a number");
    if ((v = jx_node_get(n, "bold")) && !parse_bool(v, &s->bold))
        check_error(c, v, "bold must be true or false");
    if ((v = jx_node_get(n, "enum_lines")) && !parse_bool(v, &s->enum_lines))
        check_error(c, v, "enum_lines must be true or false");
    if ((v = jx_node_get(n, "align"))) {
        const char *t = jx_node_text(v);
        if (t && strcmp(t, "left") == 0)
            s->halign = JX_ALIGN_LEFT;
        else if (t && strcmp(t, "center") == 0)
            s->halign = JX_ALIGN_CENTER;
        else if (t && strcmp(t, "right") == 0)
            s->halign = JX_ALIGN_RIGHT;
        else if (t && strcmp(t, "justify") == 0)
            s->halign = JX_ALIGN_JUSTIFY;
        else
            check_error(c, v, "align must be left, center, right or justify, not '%s'", t ? t : "");
    }
    if ((v = jx_node_get(n, "valign"))) {
        const char *t = jx_node_text(v);
        if (t && strcmp(t, "middle") == 0)
            s->valign = JX_VALIGN_MIDDLE;
        else if (t && strcmp(t, "top") == 0)
            s->valign = JX_VALIGN_TOP;
        else if (t && strcmp(t, "bottom") == 0)
            s->valign = JX_VALIGN_BOTTOM;
        else
            check_error(c, v, "valign must be top, middle or bottom, not '%s'", t ? t : "");
    }
    if (s->size_pt < 4 || s->size_pt > 72)
        check_error(c, n, "style size must be between 4 and 72 points");
    if (s->leading < 0.8 || s->leading > 3)
        check_error(c, n, "leading must be between 0.8 and 3");
}

/* Builds the Excel number format equivalent of a display format. */
static const char *excel_format(jx_layout *l, jx_number_format *f)
{
    jx_buf b = {0};
    if (f->decimals < 0 && !f->thousands && !f->percent) {
        jx_buf_puts(&b, "General");
    } else {
        jx_buf_puts(&b, f->thousands ? "#,##0" : "0");
        if (f->decimals > 0) {
            jx_buf_puts(&b, ".");
            for (int i = 0; i < f->decimals; i++)
                jx_buf_puts(&b, "0");
        }
        if (f->percent)
            jx_buf_puts(&b, "%");
    }
    if (f->suffix)
        jx_buf_printf(&b, "\"%s\"", f->suffix);
    if (f->zero_text) {
        char *pos = b.data ? strdup(b.data) : NULL;
        if (pos) {
            jx_buf_printf(&b, ";-%s;\"%s\"", pos, f->zero_text);
            free(pos);
        }
    }
    /* Keep the string in the layout's lifetime: leak-free by storing it as
     * a scalar child?  Simplest: the layout frees its formats' strings. */
    (void)l;
    char *s = b.oom ? NULL : strdup(jx_buf_str(&b));
    jx_buf_free(&b);
    return s;
}

static void read_format(checker *c, jx_layout *l, const char *name, const jx_node *n,
                        jx_number_format *f)
{
    static const char *const keys[] = {"decimals", "thousands", "percent", "zero",
                                       "suffix", "excel", NULL};
    check_keys(c, n, keys, _("a number format"));
    memset(f, 0, sizeof *f);
    f->name = name;
    f->decimals = -1;
    const jx_node *v;
    if ((v = jx_node_get(n, "decimals"))) {
        double d;
        const char *t = jx_node_text(v);
        if (t && strcmp(t, "auto") == 0)
            f->decimals = -1;
        else if (parse_double(v, &d) && d >= 0 && d <= 6 && d == (int)d)
            f->decimals = (int)d;
        else
            check_error(c, v, "decimals must be auto or 0 to 6");
    }
    if ((v = jx_node_get(n, "thousands")) && !parse_bool(v, &f->thousands))
        check_error(c, v, "thousands must be true or false");
    if ((v = jx_node_get(n, "percent")) && !parse_bool(v, &f->percent))
        check_error(c, v, "percent must be true or false");
    if ((v = jx_node_get(n, "zero")))
        f->zero_text = jx_node_text(v) ? jx_node_text(v) : "";
    if ((v = jx_node_get(n, "suffix")))
        f->suffix = jx_node_text(v);
    v = jx_node_get(n, "excel");
    f->excel = v && jx_node_text(v) ? strdup(jx_node_text(v)) : excel_format(l, f);
}

static void read_page(checker *c, const jx_node *n, jx_page_setup *p)
{
    static const char *const keys[] = {"size", "orientation", "margins_mm", "page_numbers",
                                       "page_number_style", NULL};
    static const char *const margin_keys[] = {"top", "right", "bottom", "left", NULL};
    check_keys(c, n, keys, "page");
    p->width_pt = 595.28;
    p->height_pt = 841.89;
    double top = 20, right = 15, bottom = 20, left = 15;
    const jx_node *v;
    if ((v = jx_node_get(n, "size"))) {
        const char *t = jx_node_text(v);
        if (t && strcmp(t, "A3") == 0) {
            p->width_pt = 841.89;
            p->height_pt = 1190.55;
        } else if (!t || strcmp(t, "A4") != 0) {
            check_error(c, v, "page size must be A4 or A3, not '%s'", t ? t : "");
        }
    }
    if ((v = jx_node_get(n, "orientation"))) {
        const char *t = jx_node_text(v);
        if (t && strcmp(t, "landscape") == 0)
            p->landscape = 1;
        else if (!t || strcmp(t, "portrait") != 0)
            check_error(c, v, "orientation must be portrait or landscape, not '%s'", t ? t : "");
    }
    if (p->landscape) {
        double w = p->width_pt;
        p->width_pt = p->height_pt;
        p->height_pt = w;
    }
    if ((v = jx_node_get(n, "margins_mm"))) {
        check_keys(c, v, margin_keys, "margins_mm");
        const jx_node *m;
        if ((m = jx_node_get(v, "top")) && !parse_double(m, &top))
            check_error(c, m, "margin must be a number of millimetres");
        if ((m = jx_node_get(v, "right")) && !parse_double(m, &right))
            check_error(c, m, "margin must be a number of millimetres");
        if ((m = jx_node_get(v, "bottom")) && !parse_double(m, &bottom))
            check_error(c, m, "margin must be a number of millimetres");
        if ((m = jx_node_get(v, "left")) && !parse_double(m, &left))
            check_error(c, m, "margin must be a number of millimetres");
    }
    p->margin_top_pt = top * MM_TO_PT;
    p->margin_right_pt = right * MM_TO_PT;
    p->margin_bottom_pt = bottom * MM_TO_PT;
    p->margin_left_pt = left * MM_TO_PT;
    if ((v = jx_node_get(n, "page_numbers")))
        p->page_number_format = jx_node_text(v);
    p->page_number_style = (jx_style)JX_DEFAULT_STYLE;
    p->page_number_style.halign = JX_ALIGN_CENTER;
    if (p->width_pt - p->margin_left_pt - p->margin_right_pt < 144 ||
        p->height_pt - p->margin_top_pt - p->margin_bottom_pt < 144)
        check_error(c, n, "margins leave less than 2 inches of page");
}

/* Allocates n zeroed specs (none for n == 0); counts a failure as an error
 * and sets c->nomem. */
static void *spec_alloc(checker *c, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    void *p = calloc(n, size);
    if (!p) {
        c->nomem = 1;
        c->errors++;
    }
    return p;
}

/* The style named by map's `key`, or NULL (absent or unknown: reported). */
static const jx_style *style_ref(checker *c, const jx_layout *l, const jx_node *map,
                                 const char *key)
{
    const jx_node *v = jx_node_get(map, key);
    if (!v)
        return NULL;
    const jx_style *s = jx_node_text(v) ? jx_layout_style(l, jx_node_text(v)) : NULL;
    if (!s)
        check_error(c, v, "no style named '%s' in styles", jx_node_text(v) ? jx_node_text(v) : "");
    return s;
}

/* A true/false switch (`header:`, `keep_with_next:`), 0 when absent. */
static int read_switch(checker *c, const jx_node *map, const char *key)
{
    const jx_node *v = jx_node_get(map, key);
    int on = 0;
    if (v && !parse_bool(v, &on))
        check_error(c, v, "%s must be true or false", key);
    return on;
}

/* `numbering:` — a pattern with one {n} (1, 2, 3), {cn} (一, 二, 三) or {a}
 * (a, b, c) for the items of a rich-text list, or NULL when absent. */
static const char *read_numbering(checker *c, const jx_node *map)
{
    const jx_node *v = jx_node_get(map, "numbering");
    if (!v)
        return NULL;
    const char *t = jx_node_text(v);
    int marks = 0;
    for (const char *p = t; p && (p = strchr(p, '{')); p++)
        marks += strncmp(p, "{n}", 3) == 0 || strncmp(p, "{cn}", 4) == 0 ||
                 strncmp(p, "{a}", 3) == 0;
    if (!t || marks != 1) {
        check_error(c, v, "numbering: is a pattern with one {n}, {cn} or {a}, e.g. \"目标{n}：\", "
                          "\"{n}.\" or \"（{cn}）\"");
        return NULL;
    }
    return t;
}

static void compile_cell(checker *c, const jx_layout *l, const jx_node *cell, jx_cell_spec *out)
{
    static const char *const keys[] = {"text", "field", "colspan", "rowspan", "style",
                                       "format", "numbering", NULL};
    out->at = cell;
    out->colspan = out->rowspan = 1;
    if (!expect_kind(c, cell, JX_NODE_MAP, _("a cell")))
        return;
    check_keys(c, cell, keys, _("a cell"));
    const jx_node *text = jx_node_get(cell, "text"), *field = jx_node_get(cell, "field");
    if ((text != NULL) == (field != NULL))
        check_error(c, cell, "a cell has either text: (template words) or field: (a filing value)");
    if (text)
        out->text = jx_node_text(text) ? jx_node_text(text) : "";
    else if (field) {
        out->field = jx_node_text(field);
        out->field_at = field;
        if (!out->field)
            check_error(c, field, "field: names one value of the filing (a path like fund.total)");
    }
    out->style = style_ref(c, l, cell, "style");
    out->numbering = read_numbering(c, cell);
    const jx_node *f = jx_node_get(cell, "format");
    if (f) {
        out->format = jx_node_text(f) ? jx_layout_format(l, jx_node_text(f)) : NULL;
        if (!out->format)
            check_error(c, f, "no number format named '%s' in formats",
                        jx_node_text(f) ? jx_node_text(f) : "");
    }
    const char *spans[] = {"colspan", "rowspan"};
    int *dest[] = {&out->colspan, &out->rowspan};
    for (int i = 0; i < 2; i++) {
        const jx_node *s = jx_node_get(cell, spans[i]);
        double v;
        if (!s)
            continue;
        if (!parse_double(s, &v) || v < 1 || v > 64 || v != (int)v)
            check_error(c, s, "%s must be a whole number from 1 to 64", spans[i]);
        else
            *dest[i] = (int)v;
    }
}

/* A length in points from 0 to max when map has `key`, else dflt (space_before,
 * space_after, min_height were once read unchecked: "-inf" reached the page
 * as a coordinate; tests/data/fuzz-crashers/layout/). */
static double read_points(checker *c, const jx_node *map, const char *key, double max,
                          double dflt)
{
    const jx_node *v = jx_node_get(map, key);
    double d;
    if (!v)
        return dflt;
    if (!parse_double(v, &d) || d < 0 || d > max) {
        char range[32];
        snprintf(range, sizeof range, "%g", max);
        check_error(c, v, "%s must be a number of points from 0 to %s", key, range);
        return dflt;
    }
    return d;
}

static void compile_rows(checker *c, const jx_layout *l, const jx_node *rows, int depth,
                         jx_row_spec **out, size_t *nout);

static void compile_row_item(checker *c, const jx_layout *l, const jx_node *item, int depth,
                             jx_row_spec *out)
{
    static const char *const keys[] = {"row", "header", "min_height", "keep_with_next",
                                       "band", "each", "rows", "sides", NULL};
    static const char *const side_keys[] = {"columns", "rows", NULL};
    out->at = item;
    if (!expect_kind(c, item, JX_NODE_MAP, _("a table row item")))
        return;
    check_keys(c, item, keys, _("a table row item"));
    out->min_height_pt = read_points(c, item, "min_height", 2000, 0);
    out->header = read_switch(c, item, "header");
    out->keep_with_next = read_switch(c, item, "keep_with_next");
    const jx_node *row = jx_node_get(item, "row"), *band = jx_node_get(item, "band"),
                  *each = jx_node_get(item, "each"), *rows = jx_node_get(item, "rows"),
                  *sides = jx_node_get(item, "sides");
    int kinds = (row != NULL) + (band != NULL) + (each != NULL) + (sides != NULL);
    if (kinds != 1) {
        check_error(c, item, "a row item is one of row:, band:, each: or sides:");
        return;
    }
    if (sides) {
        out->kind = JX_ROW_SIDES;
        if (rows)
            check_error(c, rows, "rows: goes inside each side of sides:, not beside it");
        if (!expect_kind(c, sides, JX_NODE_SEQ, "sides"))
            return;
        if (sides->count < 2 || sides->count > JX_MAX_SIDES) {
            check_error(c, sides, "sides: is a list of 2 to %d sides", JX_MAX_SIDES);
            return;
        }
        if (!(out->sides = spec_alloc(c, sides->count, sizeof *out->sides)))
            return;
        out->nsides = sides->count;
        for (size_t i = 0; i < sides->count; i++) {
            const jx_node *sn = sides->entries[i].value;
            jx_side_spec *side = &out->sides[i];
            side->at = sn;
            if (!expect_kind(c, sn, JX_NODE_MAP, _("a side")))
                continue;
            check_keys(c, sn, side_keys, _("a side"));
            const jx_node *w = jx_node_get(sn, "columns");
            double v;
            if (w && (!parse_double(w, &v) || v < 1 || v > 64 || v != (int)v))
                check_error(c, w, "columns: of a side must be a whole number from 1 to 64");
            else if (w)
                side->ncols = (int)v;
            else if (i + 1 < sides->count)
                check_error(c, sn, "every side but the last needs columns: (how many grid "
                                   "columns it takes)");
            const jx_node *sr = jx_node_get(sn, "rows");
            if (!sr)
                check_error(c, sn, "a side needs rows:");
            else
                compile_rows(c, l, sr, depth + 1, &side->rows, &side->nrows);
        }
        return;
    }
    if (row) {
        out->kind = JX_ROW_CELLS;
        if (expect_kind(c, row, JX_NODE_SEQ, "row")) {
            out->cells = spec_alloc(c, row->count, sizeof *out->cells);
            if (out->cells || !row->count) {
                out->ncells = row->count;
                for (size_t i = 0; i < row->count; i++)
                    compile_cell(c, l, row->entries[i].value, &out->cells[i]);
            }
        }
        if (rows)
            check_error(c, rows, "rows: goes with band: or each:, not row:");
        return;
    }
    if (band) {
        out->kind = JX_ROW_BAND;
        compile_cell(c, l, band, &out->band);
    } else {
        out->kind = JX_ROW_EACH;
        out->each = jx_node_text(each);
        if (!out->each)
            check_error(c, each, "each: names a list field of the filing");
    }
    if (!rows)
        check_error(c, item, "band: and each: need rows:");
    else
        compile_rows(c, l, rows, depth + 1, &out->rows, &out->nrows);
}

static void compile_rows(checker *c, const jx_layout *l, const jx_node *rows, int depth,
                         jx_row_spec **out, size_t *nout)
{
    if (!expect_kind(c, rows, JX_NODE_SEQ, "rows"))
        return;
    if (depth > 16) {
        check_error(c, rows, "rows nested more than 16 deep");
        return;
    }
    *out = spec_alloc(c, rows->count, sizeof **out);
    if (!*out)
        return;
    *nout = rows->count;
    for (size_t i = 0; i < rows->count; i++)
        compile_row_item(c, l, rows->entries[i].value, depth, &(*out)[i]);
}

static jx_table_spec *compile_table(checker *c, const jx_layout *l, const jx_node *t)
{
    static const char *const keys[] = {"columns", "rows", "label_style", "value_style",
                                       "border", "padding", NULL};
    static const jx_style fallback = JX_DEFAULT_STYLE;
    if (!expect_kind(c, t, JX_NODE_MAP, "table"))
        return NULL;
    jx_table_spec *ts = spec_alloc(c, 1, sizeof *ts);
    if (!ts)
        return NULL;
    ts->at = t;
    check_keys(c, t, keys, _("a table"));
    const jx_node *cols = jx_node_get(t, "columns");
    if (!cols || cols->kind != JX_NODE_SEQ || cols->count == 0 || cols->count > 64) {
        check_error(c, cols ? cols : t, "a table needs columns: a list of 1 to 64 relative widths");
    } else if ((ts->col_widths = spec_alloc(c, cols->count, sizeof *ts->col_widths))) {
        ts->ncols = (int)cols->count;
        for (size_t i = 0; i < cols->count; i++) {
            const jx_node *col = cols->entries[i].value;
            const char *word = jx_node_text(col);
            double w;
            int fit = col->kind == JX_NODE_MAP || (word && strcmp(word, "auto") == 0);
            if (fit && !ts->col_fit &&
                !(ts->col_fit = spec_alloc(c, cols->count, sizeof *ts->col_fit)))
                continue;
            if (fit && col->kind != JX_NODE_MAP) {
                ts->col_fit[i] = (jx_col_fit){1, 0, 0};
                continue;
            }
            if (fit) { /* a range: {min:, max:} */
                static const char *const range_keys[] = {"min", "max", NULL};
                check_keys(c, col, range_keys, _("a column range"));
                double lo = 0, hi = 0;
                const jx_node *v;
                if ((v = jx_node_get(col, "min")) && (!parse_double(v, &lo) || lo < 0 || lo > 1e6))
                    check_error(c, v, "a column's min must be a width (a number >= 0)");
                if ((v = jx_node_get(col, "max")) && (!parse_double(v, &hi) || hi <= 0 || hi > 1e6))
                    check_error(c, v, "a column's max must be a positive width");
                if (hi > 0 && lo > hi)
                    check_error(c, col, "a column's min is larger than its max");
                ts->col_fit[i] = (jx_col_fit){1, lo, hi};
                continue;
            }
            if (!parse_double(col, &w) || w <= 0 || w > 1e6)
                check_error(c, col,
                            "a column width must be a positive number, auto, or a range "
                            "{min: A, max: B}");
            else
                ts->col_widths[i] = w;
        }
    }
    /* A fitted column's stand-in width (jx_colfit.h): the middle of its
     * bounds, the bound it has, or the mean of the fixed widths. */
    double fixed = 0;
    int nfixed = 0;
    for (int i = 0; ts->col_widths && i < ts->ncols; i++)
        if (!ts->col_fit || !ts->col_fit[i].fit) {
            fixed += ts->col_widths[i];
            nfixed++;
        }
    for (int i = 0; ts->col_fit && i < ts->ncols; i++) {
        const jx_col_fit *f = &ts->col_fit[i];
        if (f->fit)
            ts->col_widths[i] = f->min > 0 && f->max > 0 ? (f->min + f->max) / 2
                                : f->min > 0             ? f->min
                                : f->max > 0             ? f->max
                                : nfixed                 ? fixed / nfixed
                                                         : 1;
    }
    /* Rule width and cell padding in points (they were read unchecked: nan
     * or a negative padding reached the page; tests/data/fuzz-crashers/). */
    const char *pts[] = {"border", "padding"};
    double *dest[] = {&ts->border_pt, &ts->padding_pt};
    const double dflt[] = {0.5, 3.0};
    for (int i = 0; i < 2; i++) {
        const jx_node *v = jx_node_get(t, pts[i]);
        double d;
        *dest[i] = dflt[i];
        if (v && (!parse_double(v, &d) || d < 0 || d > 36))
            check_error(c, v, "%s must be a number of points from 0 to 36", pts[i]);
        else if (v)
            *dest[i] = d;
    }
    /* Template words are centred unless the table names a label style. */
    const jx_style *ls = style_ref(c, l, t, "label_style"), *vs = style_ref(c, l, t, "value_style");
    ts->label_style = ls ? *ls : fallback;
    if (!jx_node_get(t, "label_style"))
        ts->label_style.halign = JX_ALIGN_CENTER;
    ts->value_style = vs ? *vs : fallback;
    const jx_node *rows = jx_node_get(t, "rows");
    if (!rows)
        check_error(c, t, "a table needs rows:");
    else
        compile_rows(c, l, rows, 0, &ts->rows, &ts->nrows);
    return ts;
}

static void compile_blocks(checker *c, const jx_layout *l, const jx_node *blocks, int depth,
                           jx_block_spec **out, size_t *nout);

static void compile_block(checker *c, const jx_layout *l, const jx_node *b, int depth,
                          jx_block_spec *out)
{
    static const char *const keys[] = {"paragraph", "prose", "table", "page_break", "style",
                                       "space_before", "space_after", "bookmark",
                                       "keep_with_next", "numbering", NULL};
    static const char *const each_keys[] = {"each", "blocks", NULL};
    static const jx_style fallback = JX_DEFAULT_STYLE;
    out->at = b;
    out->style = fallback;
    if (!expect_kind(c, b, JX_NODE_MAP, _("a block")))
        return;
    if (jx_node_get(b, "each")) {
        out->kind = JX_SPEC_EACH;
        check_keys(c, b, each_keys, _("an each: block"));
        const jx_node *blocks = jx_node_get(b, "blocks");
        out->text = jx_node_text(jx_node_get(b, "each"));
        if (!out->text)
            check_error(c, b, "each: names a list field of the filing");
        if (depth > 8)
            check_error(c, b, "each: blocks nested more than 8 deep");
        else if (!blocks || !expect_kind(c, blocks, JX_NODE_SEQ, "blocks"))
            check_error(c, b, "each: needs blocks: (the blocks repeated per entry)");
        else
            compile_blocks(c, l, blocks, depth + 1, &out->blocks, &out->nblocks);
        return;
    }
    check_keys(c, b, keys, _("a block"));
    const jx_node *para = jx_node_get(b, "paragraph"), *prose = jx_node_get(b, "prose"),
                  *table = jx_node_get(b, "table"), *brk = jx_node_get(b, "page_break");
    if ((para != NULL) + (prose != NULL) + (table != NULL) + (brk != NULL) != 1)
        check_error(c, b, "a block is one of paragraph:, prose:, table: or page_break:");
    const jx_style *s = style_ref(c, l, b, "style");
    if (s)
        out->style = *s;
    out->space_before_pt = read_points(c, b, "space_before", 500, 0);
    out->space_after_pt = read_points(c, b, "space_after", 500, 0);
    out->bookmark = jx_node_text(jx_node_get(b, "bookmark"));
    out->keep_with_next = read_switch(c, b, "keep_with_next");
    out->numbering = read_numbering(c, b);
    if (para) {
        out->kind = JX_SPEC_PARAGRAPH;
        out->text = jx_node_text(para) ? jx_node_text(para) : "";
    } else if (prose) {
        out->kind = JX_SPEC_PROSE;
        out->text = jx_node_text(prose) ? jx_node_text(prose) : "";
    } else if (table) {
        out->kind = JX_SPEC_TABLE;
        out->table = compile_table(c, l, table);
    } else {
        out->kind = JX_SPEC_PAGE_BREAK;
        int on = 0;
        if (brk && (!parse_bool(brk, &on) || !on))
            check_error(c, brk, "write page_break: true (a block with page_break: always breaks "
                                "the page; leave the block out for no break)");
    }
}

static void compile_blocks(checker *c, const jx_layout *l, const jx_node *blocks, int depth,
                           jx_block_spec **out, size_t *nout)
{
    *out = spec_alloc(c, blocks->count, sizeof **out);
    if (!*out)
        return;
    *nout = blocks->count;
    for (size_t i = 0; i < blocks->count; i++)
        compile_block(c, l, blocks->entries[i].value, depth, &(*out)[i]);
}

static void compile_sections(checker *c, jx_layout *l, const jx_node *secs)
{
    static const char *const keys[] = {"sheet", "each", "bookmark", "blocks", NULL};
    if (!secs) {
        check_error(c, l->root, "a layout needs sections:");
        return;
    }
    if (!expect_kind(c, secs, JX_NODE_SEQ, "sections"))
        return;
    l->sections = spec_alloc(c, secs->count, sizeof *l->sections);
    if (!l->sections)
        return;
    l->nsections = secs->count;
    for (size_t i = 0; i < secs->count; i++) {
        const jx_node *s = secs->entries[i].value;
        jx_section_spec *sec = &l->sections[i];
        if (!expect_kind(c, s, JX_NODE_MAP, _("a section")))
            continue;
        check_keys(c, s, keys, _("a section"));
        const char *sheet = jx_node_text(jx_node_get(s, "sheet"));
        sec->sheet = sheet ? sheet : "Sheet";
        sec->bookmark = jx_node_text(jx_node_get(s, "bookmark"));
        sec->each = jx_node_text(jx_node_get(s, "each"));
        const jx_node *blocks = jx_node_get(s, "blocks");
        if (!blocks || !expect_kind(c, blocks, JX_NODE_SEQ, "blocks")) {
            if (!blocks)
                check_error(c, s, "a section needs blocks:");
            continue;
        }
        compile_blocks(c, l, blocks, 0, &sec->blocks, &sec->nblocks);
    }
}

static void free_rows(jx_row_spec *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].cells);
        free_rows(rows[i].rows, rows[i].nrows);
        for (size_t k = 0; k < rows[i].nsides; k++)
            free_rows(rows[i].sides[k].rows, rows[i].sides[k].nrows);
        free(rows[i].sides);
    }
    free(rows);
}

static void free_blocks(jx_block_spec *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (blocks[i].table) {
            free(blocks[i].table->col_widths);
            free(blocks[i].table->col_fit);
            free_rows(blocks[i].table->rows, blocks[i].table->nrows);
            free(blocks[i].table);
        }
        free_blocks(blocks[i].blocks, blocks[i].nblocks);
    }
    free(blocks);
}

jx_status jx_layout_load(const char *path, jx_layout **out, jx_diags *d)
{
    static const char *const keys[] = {"region", "place", "name", "page", "styles", "formats",
                                       "document", "schema", "rules", "sections", NULL};
    *out = NULL;
    jx_layout *l = calloc(1, sizeof *l);
    if (!l)
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    jx_status st = JX_OK;
    l->path = strdup(path);
    if (!l->path) {
        st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
        goto fail;
    }
    char *buf = NULL;
    size_t len = 0;
    st = jx_file_read(path, JX_NODE_MAX_BYTES, &buf, &len, d);
    if (st == JX_OK) {
        l->hash = jx_hash_bytes(JX_HASH_INIT, buf, len);
        st = jx_node_parse_buffer_opts(path, buf, len, JX_NODE_ANCHORS, &l->root, d);
    }
    free(buf);
    if (st != JX_OK)
        goto fail;
    checker c = {path, d, 0, 0};
    if (!expect_kind(&c, l->root, JX_NODE_MAP, _("a layout file"))) {
        st = JX_ERR_LAYOUT;
        goto fail;
    }
    check_keys(&c, l->root, keys, _("the layout"));
    l->region = jx_node_text(jx_node_get(l->root, "region"));
    if (!l->region)
        check_error(&c, l->root, "a layout needs region: (the name filings select it by)");
    l->name = jx_node_text(jx_node_get(l->root, "name"));
    read_page(&c, jx_node_get(l->root, "page"), &l->page);

    const jx_node *styles = jx_node_get(l->root, "styles");
    if (styles && expect_kind(&c, styles, JX_NODE_MAP, "styles")) {
        l->styles = calloc(styles->count + 1, sizeof *l->styles);
        if (!l->styles) {
            st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
            goto fail;
        }
        for (size_t i = 0; i < styles->count; i++) {
            l->styles[i].name = styles->entries[i].key;
            read_style(&c, styles->entries[i].value, &l->styles[i].style);
        }
        l->nstyles = styles->count;
    }
    const jx_node *pns = jx_node_get(jx_node_get(l->root, "page"), "page_number_style");
    if (pns) {
        const jx_style *s = jx_node_text(pns) ? jx_layout_style(l, jx_node_text(pns)) : NULL;
        if (s)
            l->page.page_number_style = *s;
        else
            check_error(&c, pns, "no style named '%s' in styles",
                        jx_node_text(pns) ? jx_node_text(pns) : "");
    }
    const jx_node *formats = jx_node_get(l->root, "formats");
    if (formats && expect_kind(&c, formats, JX_NODE_MAP, "formats")) {
        l->formats = calloc(formats->count + 1, sizeof *l->formats);
        if (!l->formats) {
            st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
            goto fail;
        }
        for (size_t i = 0; i < formats->count; i++) {
            read_format(&c, l, formats->entries[i].key, formats->entries[i].value, &l->formats[i]);
            l->nformats = i + 1;
            if (!l->formats[i].excel) {
                st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
                goto fail;
            }
        }
    }
    const jx_node *document = jx_node_get(l->root, "document");
    if (document) {
        static const char *const doc_keys[] = {"title", "author", "subject", "keywords", NULL};
        check_keys(&c, document, doc_keys, "document");
        l->document.title = jx_node_text(jx_node_get(document, "title"));
        l->document.author = jx_node_text(jx_node_get(document, "author"));
        l->document.subject = jx_node_text(jx_node_get(document, "subject"));
        l->document.keywords = jx_node_text(jx_node_get(document, "keywords"));
    }
    l->schema = jx_node_get(l->root, "schema");
    if (!l->schema)
        check_error(&c, l->root, "a layout needs schema: (the fields a filing holds)");
    else
        c.errors += jx_schema_check_definition(l->schema, path, d);
    compile_sections(&c, l, jx_node_get(l->root, "sections"));
    if (c.nomem) {
        st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
        goto fail;
    }
    if (!c.errors) {
        st = jx_rules_load(jx_node_get(l->root, "rules"), l->schema, l->path, &l->rules, d);
        if (st == JX_ERR_NOMEM)
            goto fail;
        c.errors += st != JX_OK;
    }
    if (c.errors) {
        st = JX_ERR_LAYOUT;
        goto fail;
    }
    *out = l;
    return JX_OK;
fail:
    jx_layout_free(l);
    return st;
}

void jx_layout_free(jx_layout *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nformats; i++)
        free((void *)(uintptr_t)l->formats[i].excel); /* owned: made by the reader */
    free(l->formats);
    free(l->styles);
    for (size_t i = 0; i < l->nsections; i++)
        free_blocks(l->sections[i].blocks, l->sections[i].nblocks);
    free(l->sections);
    jx_rules_free(l->rules);
    jx_node_free(l->root);
    free(l->path);
    free(l);
}

const jx_style *jx_layout_style(const jx_layout *l, const char *name)
{
    for (size_t i = 0; i < l->nstyles; i++)
        if (strcmp(l->styles[i].name, name) == 0)
            return &l->styles[i].style;
    return NULL;
}

const jx_number_format *jx_layout_format(const jx_layout *l, const char *name)
{
    for (size_t i = 0; i < l->nformats; i++)
        if (strcmp(l->formats[i].name, name) == 0)
            return &l->formats[i];
    return NULL;
}

int jx_number_format_apply(const jx_number_format *f, jx_decimal v, char *buf, size_t n)
{
    if (!f)
        return jx_decimal_format(v, -1, 0, buf, n);
    if (f->zero_text && jx_decimal_is_zero(v))
        return snprintf(buf, n, "%s", f->zero_text);
    char num[96];
    if (f->percent) {
        jx_decimal p;
        if (jx_decimal_shift(v, 2, &p) != JX_OK)
            p = v;
        jx_decimal_format(p, f->decimals, f->thousands, num, sizeof num);
        return snprintf(buf, n, "%s%%%s", num, f->suffix ? f->suffix : "");
    }
    jx_decimal_format(v, f->decimals, f->thousands, num, sizeof num);
    return snprintf(buf, n, "%s%s", num, f->suffix ? f->suffix : "");
}
