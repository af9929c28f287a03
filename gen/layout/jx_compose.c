/* jx_compose.c - filing + layout -> abstract document. */
#include "jx_compose.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_rich.h"
#include "jx_schema.h"
#include "jx_util.h"

#define MAX_PATH_LEN 512
#define MAX_TABLE_ROWS 20000

/* A place in the filing: a node and its data path, within a parent scope. */
typedef struct scope {
    const jx_node *node;
    char path[MAX_PATH_LEN];
    const struct scope *parent;
} scope;

typedef struct composer {
    const jx_layout *layout;
    const jx_node *filing;
    const char *file;
    jx_diags *d;
    jx_doc *doc;
    jx_status status;        /* first fatal status */
    const jx_derivations *derived; /* totals the filing leaves out, computed by rules */
} composer;

static jx_status fail(composer *c, jx_status st)
{
    if (c->status == JX_OK)
        c->status = st;
    return st;
}

/* Adds an error about the layout at `at` (printf-style); JX_ERR_LAYOUT. */
static jx_status layout_error(composer *c, const jx_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static jx_status layout_error(composer *c, const jx_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_diags_vadd(c->d, JX_SEV_ERROR, c->layout->path, at ? at->line : 0, at ? at->col : 0, NULL,
                  fmt, ap);
    va_end(ap);
    return fail(c, JX_ERR_LAYOUT);
}

static jx_status nomem(composer *c)
{
    jx_diag_error(c->d, JX_ERR_NOMEM, c->file, 0, 0, "out of memory");
    return fail(c, JX_ERR_NOMEM);
}

/* Writes "prefix.ref" (or "ref" when prefix is empty) into out; a path too
 * long for out is cut (it only appears in messages). */
static void join_path(char *out, size_t n, const char *prefix, const char *ref)
{
    int len = prefix[0] ? snprintf(out, n, "%s.%s", prefix, ref) : snprintf(out, n, "%s", ref);
    if (len < 0)
        out[0] = '\0';
}

/* Resolves a field reference.  "/a.b" starts at the filing root; "a.b"
 * starts in the innermost scope whose node has key "a", searching outwards.
 * Sets *path to the full data path.  Returns the node or NULL. */
static const jx_node *resolve(composer *c, const scope *sc, const char *ref, char *path,
                              size_t pathlen)
{
    if (ref[0] == '/') {
        snprintf(path, pathlen, "%s", ref + 1);
        return jx_node_path(c->filing, ref + 1);
    }
    char first[128];
    size_t n = strcspn(ref, ".");
    if (n >= sizeof first)
        n = sizeof first - 1;
    memcpy(first, ref, n);
    first[n] = '\0';
    for (const scope *s = sc; s; s = s->parent) {
        if (s->node && s->node->kind == JX_NODE_MAP && jx_node_key_index(s->node, first) >= 0) {
            join_path(path, pathlen, s->path, ref);
            return jx_node_path(s->node, ref);
        }
    }
    /* Not present: the path it would have in the innermost scope. */
    join_path(path, pathlen, sc->path, ref);
    return NULL;
}

/* Expands "{field}" references in a template.  Returns an arena string. */
static const char *interpolate(composer *c, const scope *sc, const char *tmpl)
{
    if (!tmpl)
        return NULL;
    if (!strchr(tmpl, '{'))
        return jx_doc_strdup(c->doc, tmpl);
    jx_buf b = {0};
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            jx_buf_puts(&b, p);
            break;
        }
        jx_buf_append(&b, p, (size_t)(open - p));
        char ref[MAX_PATH_LEN], path[MAX_PATH_LEN];
        size_t n = (size_t)(close - open - 1);
        if (n >= sizeof ref)
            n = sizeof ref - 1;
        memcpy(ref, open + 1, n);
        ref[n] = '\0';
        const char *text = jx_node_text(resolve(c, sc, ref, path, sizeof path));
        if (text)
            jx_buf_puts(&b, text);
        p = close + 1;
    }
    const char *s = b.oom ? NULL : jx_doc_strdup(c->doc, jx_buf_str(&b));
    jx_buf_free(&b);
    return s;
}

/* Splits plain text into one paragraph per line (no markup handling). */
static jx_status split_lines(composer *c, const char *text, jx_paragraph **out, size_t *n)
{
    size_t count = 1;
    for (const char *p = text; *p; p++)
        count += *p == '\n';
    jx_paragraph *paras = jx_doc_alloc(c->doc, count * sizeof *paras);
    if (!paras)
        return JX_ERR_NOMEM;
    size_t k = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == '\n' || *p == '\0') {
            size_t len = (size_t)(p - start);
            while (len && (start[len - 1] == '\r' || start[len - 1] == ' '))
                len--;
            if (len) {
                paras[k].kind = JX_PARA_TEXT;
                paras[k].text = jx_doc_strndup(c->doc, start, len);
                if (!paras[k].text)
                    return JX_ERR_NOMEM;
                k++;
            }
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    *out = paras;
    *n = k;
    return JX_OK;
}

static jx_style style_or(composer *c, const jx_node *cell, const char *key,
                         const jx_style *fallback)
{
    const char *name = jx_node_text(jx_node_get(cell, key));
    const jx_style *s = name ? jx_layout_style(c->layout, name) : NULL;
    return s ? *s : *fallback;
}

typedef struct table_builder {
    composer *c;
    const jx_node *table_node;
    jx_table *t;
    int *occupied_until;   /* per column: first row index free again */
    int base_col;          /* columns left of it belong to open bands */
    jx_style label_style, value_style;
    int header_next;       /* rows added now are header rows */
} table_builder;

static int add_row(table_builder *tb, int header, double min_height)
{
    jx_table *t = tb->t;
    if (t->nrows >= MAX_TABLE_ROWS)
        return -1;
    jx_row *rows = t->rows;
    size_t cap = 16;
    while (cap < (size_t)t->nrows)
        cap *= 2;
    if (!rows || (size_t)t->nrows == cap) {
        size_t ncap = rows ? cap * 2 : cap;
        jx_row *nr = jx_doc_alloc(tb->c->doc, ncap * sizeof *nr);
        if (!nr)
            return -1;
        if (rows)
            memcpy(nr, rows, (size_t)t->nrows * sizeof *nr);
        t->rows = nr;
    }
    t->rows[t->nrows].header = header;
    t->rows[t->nrows].min_height_pt = min_height;
    t->rows[t->nrows].keep_with_next = 0;
    return t->nrows++;
}

/* Fills a number cell with a value computed by a rule: the exact value,
 * shown by the cell's format, and the formula that computes it. */
static jx_status derived_cell(composer *c, const jx_node *spec, jx_cell *cell,
                              const jx_derived *x)
{
    const char *fname = jx_node_text(jx_node_get(spec, "format"));
    const jx_number_format *fmt = fname ? jx_layout_format(c->layout, fname) : NULL;
    char shown[128];
    jx_number_format_apply(fmt, x->value, shown, sizeof shown);
    cell->kind = JX_CELL_NUMBER;
    cell->number = x->value;
    cell->number_format = fmt ? fmt->excel : "General";
    cell->formula = x->formula ? jx_doc_strdup(c->doc, x->formula) : NULL;
    cell->paras = jx_doc_alloc(c->doc, sizeof *cell->paras);
    if (!cell->paras || !(cell->paras[0].text = jx_doc_strdup(c->doc, shown)) ||
        (x->formula && !cell->formula))
        return nomem(c);
    cell->npara = 1;
    return JX_OK;
}

/* Makes a cell from a layout cell spec at (row, col). */
static jx_cell *make_cell(table_builder *tb, const scope *sc, const jx_node *spec, int row,
                          int col, int colspan, int rowspan)
{
    composer *c = tb->c;
    jx_cell *cell = jx_table_add_cell(c->doc, tb->t);
    if (!cell) {
        nomem(c);
        return NULL;
    }
    cell->row = row;
    cell->col = col;
    cell->colspan = colspan;
    cell->rowspan = rowspan;
    const jx_node *text = jx_node_get(spec, "text");
    if (text) {
        cell->kind = JX_CELL_LABEL;
        cell->style = style_or(c, spec, "style", &tb->label_style);
        const char *s = interpolate(c, sc, jx_node_text(text) ? jx_node_text(text) : "");
        if (!s || split_lines(c, s, &cell->paras, &cell->npara) != JX_OK) {
            nomem(c);
            return NULL;
        }
        return cell;
    }
    const char *ref = jx_node_text(jx_node_get(spec, "field"));
    char path[MAX_PATH_LEN];
    const jx_node *value = resolve(c, sc, ref ? ref : "", path, sizeof path);
    const jx_node *fspec = jx_schema_field(c->layout->schema, path);
    cell->style = style_or(c, spec, "style", &tb->value_style);
    cell->source.file = c->file;
    cell->source.path = jx_doc_strdup(c->doc, path);
    cell->source.label = fspec ? jx_schema_label(fspec) : NULL;
    cell->source.unit = fspec ? jx_schema_unit(fspec) : NULL;
    const jx_node *at = value ? value : sc->node;
    cell->source.line = at ? at->line : 0;
    cell->source.col = at ? at->col : 0;
    if (!fspec) {
        layout_error(c, jx_node_get(spec, "field"),
                     "field '%s' is not in the layout's schema", path);
        return NULL;
    }
    jx_field_type type = jx_schema_type(fspec);
    if (type == JX_FIELD_MAP || type == JX_FIELD_LIST) {
        layout_error(c, jx_node_get(spec, "field"),
                     "field '%s' is a map or list; a cell shows one value", path);
        return NULL;
    }
    if (!value && type == JX_FIELD_AMOUNT) {
        const jx_derived *x = jx_derivations_find(c->derived, path);
        if (x)
            return derived_cell(c, spec, cell, x) == JX_OK ? cell : NULL;
    }
    if (jx_node_is_empty(value) || !jx_node_text(value)) {
        cell->kind = JX_CELL_EMPTY;
        return cell;
    }
    const char *text_value = jx_node_text(value);
    if (type == JX_FIELD_AMOUNT && strspn(text_value, " ") + 1 == strlen(text_value) &&
        text_value[strlen(text_value) - 1] == '-') {
        /* "-": the unit's mark for "no amount" (zero in every sum); shown
         * as written, a dash, not as a number. */
        cell->kind = JX_CELL_TEXT;
        return split_lines(c, "-", &cell->paras, &cell->npara) == JX_OK ? cell : NULL;
    }
    if (type == JX_FIELD_AMOUNT) {
        jx_decimal dec;
        if (jx_schema_amount_parse(fspec, text_value, &dec) != JX_OK) {
            /* Reported by the schema check; keep the text as written. */
            dec = (jx_decimal){0, 0};
        }
        const char *fname = jx_node_text(jx_node_get(spec, "format"));
        const jx_number_format *fmt = fname ? jx_layout_format(c->layout, fname) : NULL;
        char shown[128];
        jx_number_format_apply(fmt, dec, shown, sizeof shown);
        cell->kind = JX_CELL_NUMBER;
        cell->number = dec;
        cell->number_format = fmt ? fmt->excel : "General";
        cell->paras = jx_doc_alloc(c->doc, sizeof *cell->paras);
        if (!cell->paras || !(cell->paras[0].text = jx_doc_strdup(c->doc, shown))) {
            nomem(c);
            return NULL;
        }
        cell->npara = 1;
        return cell;
    }
    cell->kind = JX_CELL_TEXT;
    jx_status st = type == JX_FIELD_RICH
                       ? jx_rich_split(c->doc, text_value, &cell->paras, &cell->npara)
                       : split_lines(c, text_value, &cell->paras, &cell->npara);
    if (st != JX_OK) {
        nomem(c);
        return NULL;
    }
    return cell;
}

static int spec_int(const jx_node *spec, const char *key, int dflt)
{
    const char *t = jx_node_text(jx_node_get(spec, key));
    return t ? atoi(t) : dflt;
}

/* Places one row of cells; returns 0 or -1 (error reported). */
static int place_row(table_builder *tb, const scope *sc, const jx_node *item)
{
    composer *c = tb->c;
    const jx_node *cells = jx_node_get(item, "row");
    const char *h = jx_node_text(jx_node_get(item, "header"));
    const char *mh = jx_node_text(jx_node_get(item, "min_height"));
    int r = add_row(tb, h && strcmp(h, "true") == 0, mh ? atof(mh) : 0);
    const char *kwn = jx_node_text(jx_node_get(item, "keep_with_next"));
    if (r >= 0)
        tb->t->rows[r].keep_with_next = kwn && strcmp(kwn, "true") == 0;
    if (r < 0) {
        layout_error(c, item, "a table may have at most 20000 rows");
        return -1;
    }
    int col = tb->base_col;
    for (size_t i = 0; i < cells->count; i++) {
        const jx_node *spec = cells->items[i];
        while (col < tb->t->ncols && tb->occupied_until[col] > r)
            col++;
        int colspan = spec_int(spec, "colspan", 1), rowspan = spec_int(spec, "rowspan", 1);
        if (col + colspan > tb->t->ncols) {
            char msg[64];
            snprintf(msg, sizeof msg, "%d", tb->t->ncols);
            layout_error(c, spec, "this cell goes past the table's %s columns", msg);
            return -1;
        }
        for (int k = col; k < col + colspan; k++)
            if (tb->occupied_until[k] > r) {
                layout_error(c, spec, "this cell overlaps a cell spanning rows from above");
                return -1;
            }
        if (!make_cell(tb, sc, spec, r, col, colspan, rowspan))
            return -1;
        for (int k = col; k < col + colspan; k++)
            tb->occupied_until[k] = r + rowspan;
        col += colspan;
    }
    while (col < tb->t->ncols && tb->occupied_until[col] > r)
        col++;
    if (col != tb->t->ncols) {
        char msg[64];
        snprintf(msg, sizeof msg, "%d of %d", col, tb->t->ncols);
        layout_error(c, item, "this row fills %s columns of its table", msg);
        return -1;
    }
    return 0;
}

static int place_rows(table_builder *tb, const scope *sc, const jx_node *rows);

/* A row of empty cells from base_col to the last column. */
static int place_blank_row(table_builder *tb, const scope *sc)
{
    int r = add_row(tb, 0, 0);
    if (r < 0)
        return -1;
    for (int col = tb->base_col; col < tb->t->ncols; col++) {
        if (tb->occupied_until[col] > r)
            continue;
        jx_cell *cell = jx_table_add_cell(tb->c->doc, tb->t);
        if (!cell) {
            nomem(tb->c);
            return -1;
        }
        cell->row = r;
        cell->col = col;
        cell->kind = JX_CELL_EMPTY;
        cell->style = tb->value_style;
        cell->source.file = tb->c->file;
        cell->source.path = jx_doc_strdup(tb->c->doc, sc->path);
        tb->occupied_until[col] = r + 1;
    }
    return 0;
}

static int place_band(table_builder *tb, const scope *sc, const jx_node *item)
{
    const jx_node *label = jx_node_get(item, "band");
    int first = tb->t->nrows, col = tb->base_col;
    while (col < tb->t->ncols && tb->occupied_until[col] > first)
        col++;
    int colspan = spec_int(label, "colspan", 1);
    if (col + colspan >= tb->t->ncols) {
        layout_error(tb->c, label, "a band label must leave columns for its rows");
        return -1;
    }
    /* Reserve the label's place: it is added after its rows are known, then
     * the cells are sorted into reading order. */
    int saved_base = tb->base_col;
    tb->base_col = col + colspan;
    int rc = place_rows(tb, sc, jx_node_get(item, "rows"));
    if (rc == 0 && tb->t->nrows == first)
        rc = place_blank_row(tb, sc);
    tb->base_col = saved_base;
    if (rc != 0)
        return rc;
    int span = tb->t->nrows - first;
    if (!make_cell(tb, sc, label, first, col, colspan, span))
        return -1;
    for (int k = col; k < col + colspan; k++)
        if (tb->occupied_until[k] < first + span)
            tb->occupied_until[k] = first + span;
    return 0;
}

static int place_each(table_builder *tb, const scope *sc, const jx_node *item)
{
    const char *ref = jx_node_text(jx_node_get(item, "each"));
    scope inner = {0};
    inner.parent = sc;
    const jx_node *list = resolve(tb->c, sc, ref ? ref : "", inner.path, sizeof inner.path);
    if (!list || jx_node_is_empty(list))
        return 0;
    if (list->kind != JX_NODE_SEQ) {
        jx_diags_add(tb->c->d, JX_SEV_ERROR, tb->c->file, list->line, list->col, "wrong-shape",
                     "%s must be a list", inner.path);
        fail(tb->c, JX_ERR_FILING);
        return -1;
    }
    char base[MAX_PATH_LEN - 32];
    if (strlen(inner.path) >= sizeof base) {
        layout_error(tb->c, item, "the filing nests lists too deeply");
        return -1;
    }
    memcpy(base, inner.path, strlen(inner.path) + 1);
    for (size_t i = 0; i < list->count; i++) {
        inner.node = list->items[i];
        snprintf(inner.path, sizeof inner.path, "%s.%zu", base, i);
        if (place_rows(tb, &inner, jx_node_get(item, "rows")) != 0)
            return -1;
    }
    return 0;
}

static int place_rows(table_builder *tb, const scope *sc, const jx_node *rows)
{
    for (size_t i = 0; rows && i < rows->count; i++) {
        const jx_node *item = rows->items[i];
        int rc;
        if (jx_node_get(item, "row"))
            rc = place_row(tb, sc, item);
        else if (jx_node_get(item, "band"))
            rc = place_band(tb, sc, item);
        else
            rc = place_each(tb, sc, item);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int cell_order(const void *a, const void *b)
{
    const jx_cell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

static jx_status build_table(composer *c, const scope *sc, const jx_node *node, jx_table *t)
{
    static const jx_style fallback = {"song", 10.5, 0, JX_ALIGN_LEFT, JX_VALIGN_MIDDLE, 0, 1.0};
    const jx_node *cols = jx_node_get(node, "columns");
    t->ncols = (int)cols->count;
    t->col_widths = jx_doc_alloc(c->doc, cols->count * sizeof *t->col_widths);
    if (!t->col_widths)
        return nomem(c);
    for (size_t i = 0; i < cols->count; i++)
        t->col_widths[i] = atof(jx_node_text(cols->items[i]));
    const char *border = jx_node_text(jx_node_get(node, "border"));
    const char *padding = jx_node_text(jx_node_get(node, "padding"));
    t->border_pt = border ? atof(border) : 0.5;
    t->padding_pt = padding ? atof(padding) : 3.0;
    table_builder tb = {c, node, t, NULL, 0, fallback, fallback, 0};
    tb.label_style = style_or(c, node, "label_style", &fallback);
    tb.label_style.halign = jx_node_get(node, "label_style") ? tb.label_style.halign
                                                              : JX_ALIGN_CENTER;
    tb.value_style = style_or(c, node, "value_style", &fallback);
    tb.occupied_until = calloc((size_t)t->ncols, sizeof *tb.occupied_until);
    if (!tb.occupied_until)
        return nomem(c);
    int rc = place_rows(&tb, sc, jx_node_get(node, "rows"));
    free(tb.occupied_until);
    if (rc != 0)
        return c->status != JX_OK ? c->status : fail(c, JX_ERR_LAYOUT);
    /* Band labels were added after their rows: restore reading order (a
     * table of no rows has no cell array at all). */
    if (t->ncells > 1)
        qsort(t->cells, t->ncells, sizeof *t->cells, cell_order);
    char msg[256];
    if (jx_table_check(t, msg, sizeof msg) != JX_OK)
        return layout_error(c, node, "table does not form a grid: %s", msg);
    return JX_OK;
}

static double block_double(const jx_node *b, const char *key, double dflt)
{
    const char *t = jx_node_text(jx_node_get(b, key));
    return t ? atof(t) : dflt;
}

static jx_status add_paragraph(composer *c, jx_section *sec, const jx_node *b, const char *text,
                               jx_para_kind kind, const char *bookmark)
{
    static const jx_style fallback = {"song", 10.5, 0, JX_ALIGN_LEFT, JX_VALIGN_MIDDLE, 0, 1.0};
    jx_block *blk = jx_section_add_block(c->doc, sec, JX_BLOCK_PARAGRAPH);
    if (!blk)
        return nomem(c);
    blk->para.kind = kind;
    blk->para.text = text;
    blk->style = style_or(c, b, "style", &fallback);
    blk->space_before_pt = block_double(b, "space_before", 0);
    blk->space_after_pt = block_double(b, "space_after", 0);
    blk->bookmark = bookmark;
    const char *kwn = jx_node_text(jx_node_get(b, "keep_with_next"));
    blk->keep_with_next = kwn && strcmp(kwn, "true") == 0;
    return JX_OK;
}

static jx_status build_block(composer *c, const scope *sc, jx_section *sec, const jx_node *b);

/* `each: LIST` + `blocks: [...]`: the blocks repeated for every entry. */
static jx_status build_each_block(composer *c, const scope *sc, jx_section *sec,
                                  const jx_node *b)
{
    scope inner = {0};
    inner.parent = sc;
    const char *ref = jx_node_text(jx_node_get(b, "each"));
    const jx_node *list = resolve(c, sc, ref ? ref : "", inner.path, sizeof inner.path);
    if (!list || jx_node_is_empty(list))
        return JX_OK;
    if (list->kind != JX_NODE_SEQ) {
        jx_diags_add(c->d, JX_SEV_ERROR, c->file, list->line, list->col, "wrong-shape",
                     "%s must be a list", inner.path);
        return fail(c, JX_ERR_FILING);
    }
    char base[MAX_PATH_LEN - 32];
    if (strlen(inner.path) >= sizeof base)
        return layout_error(c, b, "the filing nests lists too deeply");
    memcpy(base, inner.path, strlen(inner.path) + 1);
    const jx_node *blocks = jx_node_get(b, "blocks");
    for (size_t i = 0; i < list->count; i++) {
        inner.node = list->items[i];
        snprintf(inner.path, sizeof inner.path, "%s.%zu", base, i);
        for (size_t k = 0; blocks && k < blocks->count; k++) {
            jx_status st = build_block(c, &inner, sec, blocks->items[k]);
            if (st != JX_OK)
                return st;
        }
    }
    return JX_OK;
}

static jx_status build_block(composer *c, const scope *sc, jx_section *sec, const jx_node *b)
{
    if (jx_node_get(b, "each"))
        return build_each_block(c, sc, sec, b);
    const char *bm = jx_node_text(jx_node_get(b, "bookmark"));
    const char *bookmark = bm ? interpolate(c, sc, bm) : NULL;
    const jx_node *n;
    if ((n = jx_node_get(b, "paragraph"))) {
        const char *text = interpolate(c, sc, jx_node_text(n) ? jx_node_text(n) : "");
        if (!text)
            return nomem(c);
        return add_paragraph(c, sec, b, text, JX_PARA_TEXT, bookmark);
    }
    if ((n = jx_node_get(b, "prose"))) {
        char path[MAX_PATH_LEN];
        const char *text = jx_node_text(resolve(c, sc, jx_node_text(n) ? jx_node_text(n) : "",
                                                path, sizeof path));
        if (!text)
            return JX_OK;
        jx_paragraph *paras;
        size_t np;
        if (jx_rich_split(c->doc, text, &paras, &np) != JX_OK)
            return nomem(c);
        for (size_t i = 0; i < np; i++) {
            jx_status st = add_paragraph(c, sec, b, paras[i].text, paras[i].kind,
                                         i == 0 ? bookmark : NULL);
            if (st != JX_OK)
                return st;
        }
        return JX_OK;
    }
    if ((n = jx_node_get(b, "page_break"))) {
        jx_block *blk = jx_section_add_block(c->doc, sec, JX_BLOCK_PAGE_BREAK);
        return blk ? JX_OK : nomem(c);
    }
    n = jx_node_get(b, "table");
    jx_block *blk = jx_section_add_block(c->doc, sec, JX_BLOCK_TABLE);
    if (!blk)
        return nomem(c);
    blk->bookmark = bookmark;
    blk->space_before_pt = block_double(b, "space_before", 0);
    blk->space_after_pt = block_double(b, "space_after", 0);
    return build_table(c, sc, n, blk->table);
}

static jx_status build_section(composer *c, const scope *sc, const jx_node *s)
{
    jx_section *sec = jx_doc_add_section(c->doc);
    if (!sec)
        return nomem(c);
    sec->page = c->layout->page;
    const char *sheet = jx_node_text(jx_node_get(s, "sheet"));
    sec->sheet_name = interpolate(c, sc, sheet ? sheet : "Sheet");
    const char *bm = jx_node_text(jx_node_get(s, "bookmark"));
    sec->bookmark = bm ? interpolate(c, sc, bm) : NULL;
    const jx_node *blocks = jx_node_get(s, "blocks");
    for (size_t i = 0; i < blocks->count; i++) {
        jx_status st = build_block(c, sc, sec, blocks->items[i]);
        if (st != JX_OK)
            return st;
    }
    return JX_OK;
}

static jx_status build_sections(composer *c, const scope *root)
{
    const jx_node *secs = c->layout->sections;
    for (size_t i = 0; i < secs->count; i++) {
        const jx_node *s = secs->items[i];
        const char *each = jx_node_text(jx_node_get(s, "each"));
        if (!each) {
            jx_status st = build_section(c, root, s);
            if (st != JX_OK)
                return st;
            continue;
        }
        scope inner = {0};
        inner.parent = root;
        const jx_node *list = resolve(c, root, each, inner.path, sizeof inner.path);
        if (!list || list->kind != JX_NODE_SEQ)
            continue;
        char base[MAX_PATH_LEN - 32];
        if (strlen(inner.path) >= sizeof base)
            continue;
        memcpy(base, inner.path, strlen(inner.path) + 1);
        for (size_t k = 0; k < list->count; k++) {
            inner.node = list->items[k];
            snprintf(inner.path, sizeof inner.path, "%s.%zu", base, k);
            jx_status st = build_section(c, &inner, s);
            if (st != JX_OK)
                return st;
        }
    }
    return JX_OK;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keeps a derived cell's formula only when every `{path}` in it is shown
 * by some cell of the document (else the workbook could not refer to it;
 * the cell then holds the computed number alone). */
static jx_status prune_formulas(jx_doc *doc)
{
    size_t n = 0;
    for (size_t s = 0; s < doc->nsections; s++)
        for (size_t b = 0; b < doc->sections[s].nblocks; b++) {
            const jx_block *blk = &doc->sections[s].blocks[b];
            if (blk->kind == JX_BLOCK_TABLE)
                n += blk->table->ncells;
        }
    const char **paths = malloc((n ? n : 1) * sizeof *paths);
    if (!paths)
        return JX_ERR_NOMEM;
    size_t k = 0;
    for (size_t s = 0; s < doc->nsections; s++)
        for (size_t b = 0; b < doc->sections[s].nblocks; b++) {
            const jx_block *blk = &doc->sections[s].blocks[b];
            if (blk->kind != JX_BLOCK_TABLE)
                continue;
            for (size_t i = 0; i < blk->table->ncells; i++)
                if (blk->table->cells[i].source.path && blk->table->cells[i].kind != JX_CELL_LABEL)
                    paths[k++] = blk->table->cells[i].source.path;
        }
    qsort(paths, k, sizeof *paths, cmp_cstr);
    for (size_t s = 0; s < doc->nsections; s++)
        for (size_t b = 0; b < doc->sections[s].nblocks; b++) {
            jx_block *blk = &doc->sections[s].blocks[b];
            if (blk->kind != JX_BLOCK_TABLE)
                continue;
            for (size_t i = 0; i < blk->table->ncells; i++) {
                jx_cell *cell = &blk->table->cells[i];
                for (const char *p = cell->formula; p && (p = strchr(p, '{'));) {
                    const char *close = strchr(p, '}');
                    char ref[MAX_PATH_LEN];
                    size_t len = close ? (size_t)(close - p - 1) : 0;
                    if (!close || len >= sizeof ref) {
                        cell->formula = NULL;
                        break;
                    }
                    memcpy(ref, p + 1, len);
                    ref[len] = '\0';
                    const char *key = ref;
                    if (!bsearch(&key, paths, k, sizeof *paths, cmp_cstr)) {
                        cell->formula = NULL;
                        break;
                    }
                    p = close + 1;
                }
            }
        }
    free(paths);
    return JX_OK;
}

jx_status jx_compose(const jx_layout *layout, const jx_node *filing, const char *filing_path,
                     const jx_compose_options *opts, jx_doc **out, jx_diags *d)
{
    *out = NULL;
    jx_status st = jx_schema_check_filing(layout->schema, filing, filing_path, d);
    if (st != JX_OK)
        return st;
    jx_derivations derived;
    jx_derivations_init(&derived);
    st = jx_rules_check(layout->rules, layout->schema, filing, filing_path, &derived, d);
    if (st != JX_OK) {
        jx_derivations_free(&derived);
        return st;
    }
    composer c = {layout, filing, filing_path, d, jx_doc_create(), JX_OK, &derived};
    if (!c.doc) {
        jx_derivations_free(&derived);
        return jx_diag_error(d, JX_ERR_NOMEM, filing_path, 0, 0, "out of memory");
    }
    scope root = {0};
    root.node = filing;
    const jx_node *doc = layout->document;
    c.doc->info.title = interpolate(&c, &root, jx_node_text(jx_node_get(doc, "title")));
    c.doc->info.author = interpolate(&c, &root, jx_node_text(jx_node_get(doc, "author")));
    c.doc->info.subject = interpolate(&c, &root, jx_node_text(jx_node_get(doc, "subject")));
    c.doc->info.keywords = interpolate(&c, &root, jx_node_text(jx_node_get(doc, "keywords")));
    c.doc->info.creator = jx_doc_strdup(c.doc, opts && opts->creator ? opts->creator : "jxgen");
    c.doc->info.date_epoch = opts ? opts->date_epoch : 0;
    st = build_sections(&c, &root);
    if (st == JX_OK && c.status != JX_OK)
        st = c.status;
    if (st == JX_OK && derived.count && prune_formulas(c.doc) != JX_OK)
        st = nomem(&c);
    jx_derivations_free(&derived);
    if (st != JX_OK) {
        jx_doc_free(c.doc);
        return st;
    }
    *out = c.doc;
    return JX_OK;
}
