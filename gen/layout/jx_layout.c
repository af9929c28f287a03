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

#define MM_TO_PT (72.0 / 25.4)

typedef struct checker {
    const char *file;
    jx_diags *d;
    int errors;
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
    jx_diags_vadd(c->d, JX_SEV_ERROR, c->file, at ? at->line : 0, at ? at->col : 0, NULL, fmt, ap);
    va_end(ap);
    c->errors++;
}

/* Reports every key of map not in allowed[] (NULL-terminated). */
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
            ok = strcmp(map->keys[i], allowed[k]) == 0;
        if (ok)
            continue;
        const char *near = jx_nearest(map->keys[i], allowed, n);
        jx_diags_add(c->d, JX_SEV_ERROR, c->file, map->key_lines[i], map->key_cols[i], NULL,
                     "unknown key '%s' in %s%s%s%s", map->keys[i], what,
                     near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        c->errors++;
    }
}

static int expect_kind(checker *c, const jx_node *n, jx_node_kind kind, const char *what)
{
    static const char *const names[] = {"a value", "a map", "a list"};
    if (n && n->kind == kind)
        return 1;
    if (n)
        check_error(c, n, "%s must be %s", what, names[kind]);
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
                                       "leading", "bold", NULL};
    check_keys(c, n, keys, "a style");
    s->font_role = "song";
    s->size_pt = 10.5;
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
    check_keys(c, n, keys, "a number format");
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
    p->page_number_style = (jx_style){"song", 10.5, 0, JX_ALIGN_CENTER, JX_VALIGN_MIDDLE, 0, 1.0};
    if (p->width_pt - p->margin_left_pt - p->margin_right_pt < 144 ||
        p->height_pt - p->margin_top_pt - p->margin_bottom_pt < 144)
        check_error(c, n, "margins leave less than 2 inches of page");
}

static int has_style(const jx_layout *l, const jx_node *v)
{
    const char *t = jx_node_text(v);
    return t && jx_layout_style(l, t);
}

static void check_style_ref(checker *c, const jx_layout *l, const jx_node *map, const char *key)
{
    const jx_node *v = jx_node_get(map, key);
    if (v && !has_style(l, v))
        check_error(c, v, "no style named '%s' in styles", jx_node_text(v) ? jx_node_text(v) : "");
}

static void check_cell(checker *c, const jx_layout *l, const jx_node *cell)
{
    static const char *const keys[] = {"text", "field", "colspan", "rowspan", "style",
                                       "format", NULL};
    if (!expect_kind(c, cell, JX_NODE_MAP, "a cell"))
        return;
    check_keys(c, cell, keys, "a cell");
    int has_text = jx_node_get(cell, "text") != NULL, has_field = jx_node_get(cell, "field") != NULL;
    if (has_text == has_field)
        check_error(c, cell,
                    "a cell has either text: (template words) or field: (a filing "
                    "value)");
    check_style_ref(c, l, cell, "style");
    const jx_node *f = jx_node_get(cell, "format");
    if (f && !(jx_node_text(f) && jx_layout_format(l, jx_node_text(f))))
        check_error(c, f, "no number format named '%s' in formats",
                    jx_node_text(f) ? jx_node_text(f) : "");
    const char *spans[] = {"colspan", "rowspan"};
    for (int i = 0; i < 2; i++) {
        const jx_node *s = jx_node_get(cell, spans[i]);
        double v;
        if (s && (!parse_double(s, &v) || v < 1 || v > 64 || v != (int)v))
            check_error(c, s, "%s must be a whole number from 1 to 64", spans[i]);
    }
}

/* A length in points from 0 to max, when map has `key` (space_before,
 * space_after, min_height were read unchecked: "-inf" reached the page as a
 * coordinate; tests/data/fuzz-crashers/layout/). */
static void check_points(checker *c, const jx_node *map, const char *key, double max)
{
    const jx_node *v = jx_node_get(map, key);
    double d;
    if (v && (!parse_double(v, &d) || d < 0 || d > max)) {
        char range[32];
        snprintf(range, sizeof range, "%g", max);
        check_error(c, v, "%s must be a number of points from 0 to %s", key, range);
    }
}

static void check_rows(checker *c, const jx_layout *l, const jx_node *rows, int depth);

static void check_row_item(checker *c, const jx_layout *l, const jx_node *item, int depth)
{
    static const char *const keys[] = {"row", "header", "min_height", "keep_with_next", "band", "each", "rows",
                                       NULL};
    if (!expect_kind(c, item, JX_NODE_MAP, "a table row item"))
        return;
    check_keys(c, item, keys, "a table row item");
    check_points(c, item, "min_height", 2000);
    const jx_node *row = jx_node_get(item, "row"), *band = jx_node_get(item, "band"),
                  *each = jx_node_get(item, "each"), *rows = jx_node_get(item, "rows");
    int kinds = (row != NULL) + (band != NULL) + (each != NULL);
    if (kinds != 1) {
        check_error(c, item, "a row item is one of row:, band: or each:");
        return;
    }
    if (row) {
        if (expect_kind(c, row, JX_NODE_SEQ, "row"))
            for (size_t i = 0; i < row->count; i++)
                check_cell(c, l, row->items[i]);
        if (rows)
            check_error(c, rows, "rows: goes with band: or each:, not row:");
    } else {
        if (band)
            check_cell(c, l, band);
        if (each && !jx_node_text(each))
            check_error(c, each, "each: names a list field of the filing");
        if (!rows)
            check_error(c, item, "band: and each: need rows:");
        else
            check_rows(c, l, rows, depth + 1);
    }
}

static void check_rows(checker *c, const jx_layout *l, const jx_node *rows, int depth)
{
    if (!expect_kind(c, rows, JX_NODE_SEQ, "rows"))
        return;
    if (depth > 16) {
        check_error(c, rows, "rows nested more than 16 deep");
        return;
    }
    for (size_t i = 0; i < rows->count; i++)
        check_row_item(c, l, rows->items[i], depth);
}

static void check_table(checker *c, const jx_layout *l, const jx_node *t)
{
    static const char *const keys[] = {"columns", "rows", "label_style", "value_style",
                                       "border", "padding", NULL};
    if (!expect_kind(c, t, JX_NODE_MAP, "table"))
        return;
    check_keys(c, t, keys, "a table");
    const jx_node *cols = jx_node_get(t, "columns");
    if (!cols || cols->kind != JX_NODE_SEQ || cols->count == 0 || cols->count > 64) {
        check_error(c, cols ? cols : t,
                    "a table needs columns: a list of 1 to 64 relative "
                    "widths");
    } else {
        for (size_t i = 0; i < cols->count; i++) {
            double w;
            if (!parse_double(cols->items[i], &w) || w <= 0 || w > 1e6)
                check_error(c, cols->items[i], "a column width must be a positive number");
        }
    }
    /* Rule width and cell padding in points (they were read unchecked: nan
     * or a negative padding reached the page; tests/data/fuzz-crashers/). */
    const char *pts[] = {"border", "padding"};
    for (int i = 0; i < 2; i++) {
        const jx_node *v = jx_node_get(t, pts[i]);
        double d;
        if (v && (!parse_double(v, &d) || d < 0 || d > 36))
            check_error(c, v, "%s must be a number of points from 0 to 36", pts[i]);
    }
    check_style_ref(c, l, t, "label_style");
    check_style_ref(c, l, t, "value_style");
    const jx_node *rows = jx_node_get(t, "rows");
    if (!rows)
        check_error(c, t, "a table needs rows:");
    else
        check_rows(c, l, rows, 0);
}

static void check_block(checker *c, const jx_layout *l, const jx_node *b, int depth)
{
    static const char *const keys[] = {"paragraph", "prose", "table", "page_break", "style",
                                       "space_before", "space_after", "bookmark",
                                       "keep_with_next", NULL};
    static const char *const each_keys[] = {"each", "blocks", NULL};
    if (!expect_kind(c, b, JX_NODE_MAP, "a block"))
        return;
    if (jx_node_get(b, "each")) {
        check_keys(c, b, each_keys, "an each: block");
        const jx_node *blocks = jx_node_get(b, "blocks");
        if (!jx_node_text(jx_node_get(b, "each")))
            check_error(c, b, "each: names a list field of the filing");
        if (depth > 8)
            check_error(c, b, "each: blocks nested more than 8 deep");
        else if (!blocks || !expect_kind(c, blocks, JX_NODE_SEQ, "blocks"))
            check_error(c, b, "each: needs blocks: (the blocks repeated per entry)");
        else
            for (size_t i = 0; i < blocks->count; i++)
                check_block(c, l, blocks->items[i], depth + 1);
        return;
    }
    check_keys(c, b, keys, "a block");
    const jx_node *para = jx_node_get(b, "paragraph"), *prose = jx_node_get(b, "prose"),
                  *table = jx_node_get(b, "table"), *brk = jx_node_get(b, "page_break");
    if ((para != NULL) + (prose != NULL) + (table != NULL) + (brk != NULL) != 1)
        check_error(c, b, "a block is one of paragraph:, prose:, table: or page_break:");
    check_style_ref(c, l, b, "style");
    check_points(c, b, "space_before", 500);
    check_points(c, b, "space_after", 500);
    if (table)
        check_table(c, l, table);
}

static void check_sections(checker *c, const jx_layout *l, const jx_node *secs)
{
    static const char *const keys[] = {"sheet", "each", "bookmark", "blocks", NULL};
    if (!secs) {
        check_error(c, l->root, "a layout needs sections:");
        return;
    }
    if (!expect_kind(c, secs, JX_NODE_SEQ, "sections"))
        return;
    for (size_t i = 0; i < secs->count; i++) {
        const jx_node *s = secs->items[i];
        if (!expect_kind(c, s, JX_NODE_MAP, "a section"))
            continue;
        check_keys(c, s, keys, "a section");
        const jx_node *blocks = jx_node_get(s, "blocks");
        if (!blocks || !expect_kind(c, blocks, JX_NODE_SEQ, "blocks")) {
            if (!blocks)
                check_error(c, s, "a section needs blocks:");
            continue;
        }
        for (size_t k = 0; k < blocks->count; k++)
            check_block(c, l, blocks->items[k], 0);
    }
}

jx_status jx_layout_load(const char *path, jx_layout **out, jx_diags *d)
{
    static const char *const keys[] = {"region", "name", "page", "styles", "formats",
                                       "document", "schema", "rules", "sections", NULL};
    *out = NULL;
    jx_layout *l = calloc(1, sizeof *l);
    if (!l)
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
    jx_status st = JX_OK;
    l->path = strdup(path);
    if (!l->path) {
        st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    char *buf = NULL;
    size_t len = 0;
    st = jx_file_read(path, JX_NODE_MAX_BYTES, &buf, &len, d);
    if (st == JX_OK) {
        l->hash = jx_hash_bytes(JX_HASH_INIT, buf, len);
        st = jx_node_parse_buffer(path, buf, len, &l->root, d);
    }
    free(buf);
    if (st != JX_OK)
        goto fail;
    checker c = {path, d, 0};
    if (!expect_kind(&c, l->root, JX_NODE_MAP, "a layout file")) {
        st = JX_ERR_LAYOUT;
        goto fail;
    }
    check_keys(&c, l->root, keys, "the layout");
    l->region = jx_node_text(jx_node_get(l->root, "region"));
    if (!l->region)
        check_error(&c, l->root, "a layout needs region: (the name filings select it by)");
    l->name = jx_node_text(jx_node_get(l->root, "name"));
    read_page(&c, jx_node_get(l->root, "page"), &l->page);

    const jx_node *styles = jx_node_get(l->root, "styles");
    if (styles && expect_kind(&c, styles, JX_NODE_MAP, "styles")) {
        l->styles = calloc(styles->count + 1, sizeof *l->styles);
        if (!l->styles) {
            st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < styles->count; i++) {
            l->styles[i].name = styles->keys[i];
            read_style(&c, styles->items[i], &l->styles[i].style);
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
            st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < formats->count; i++) {
            read_format(&c, l, formats->keys[i], formats->items[i], &l->formats[i]);
            l->nformats = i + 1;
            if (!l->formats[i].excel) {
                st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
                goto fail;
            }
        }
    }
    l->document = jx_node_get(l->root, "document");
    if (l->document) {
        static const char *const doc_keys[] = {"title", "author", "subject", "keywords", NULL};
        check_keys(&c, l->document, doc_keys, "document");
    }
    l->schema = jx_node_get(l->root, "schema");
    if (!l->schema)
        check_error(&c, l->root, "a layout needs schema: (the fields a filing holds)");
    else
        c.errors += jx_schema_check_definition(l->schema, path, d);
    l->sections = jx_node_get(l->root, "sections");
    check_sections(&c, l, l->sections);
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
