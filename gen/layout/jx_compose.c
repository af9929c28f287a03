/* jx_compose.c - filing + layout -> abstract document. */
#include "jx_compose.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_rich.h"
#include "jx_schema.h"
#include "jx_util.h"
#include "jx_i18n.h"

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
    /* fmt is in the catalog (xgettext -klayout_error:3) */
    jx_diags_vadd(c->d, JX_SEV_ERROR, c->layout->path, at ? at->line : 0, at ? at->col : 0, NULL,
                  _(fmt), ap);
    va_end(ap);
    return fail(c, JX_ERR_LAYOUT);
}

static jx_status nomem(composer *c)
{
    jx_diag_error(c->d, JX_ERR_NOMEM, c->file, 0, 0, _("out of memory"));
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

/* The path between the braces of a template's `{path}` (open at '{',
 * close at '}') into ref, cut to MAX_PATH_LEN - 1 bytes. */
static void brace_ref(const char *open, const char *close, char ref[MAX_PATH_LEN])
{
    size_t n = (size_t)(close - open - 1);
    if (n >= MAX_PATH_LEN)
        n = MAX_PATH_LEN - 1;
    memcpy(ref, open + 1, n);
    ref[n] = '\0';
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
        brace_ref(open, close, ref);
        const char *text = jx_node_text(resolve(c, sc, ref, path, sizeof path));
        if (text)
            jx_buf_puts(&b, text);
        p = close + 1;
    }
    const char *s = b.oom ? NULL : jx_doc_strdup(c->doc, jx_buf_str(&b));
    jx_buf_free(&b);
    return s;
}

/* The filing values a template shows, for the workbook's 数据 sheet: one
 * TEXT cell per `{path}` that names a value of the filing, with its source
 * (*refs in the document's arena; none: NULL, 0).  Returns JX_OK or
 * JX_ERR_NOMEM. */
static jx_status template_refs(composer *c, const scope *sc, const char *tmpl,
                               const jx_cell **refs, size_t *nrefs)
{
    *refs = NULL;
    *nrefs = 0;
    size_t max = 0;
    for (const char *p = tmpl; p && (p = strchr(p, '{')); p++)
        max++;
    if (!max)
        return JX_OK;
    jx_cell *out = jx_doc_alloc(c->doc, max * sizeof *out);
    if (!out)
        return JX_ERR_NOMEM;
    size_t n = 0;
    for (const char *p = tmpl; (p = strchr(p, '{'));) {
        const char *close = strchr(p, '}');
        if (!close)
            break;
        char ref[MAX_PATH_LEN], path[MAX_PATH_LEN];
        brace_ref(p, close, ref);
        p = close + 1;
        const jx_node *v = resolve(c, sc, ref, path, sizeof path);
        const jx_node *fspec = jx_schema_field(c->layout->schema, path);
        if (!v || !jx_node_text(v) || jx_node_is_empty(v))
            continue;
        jx_cell *cell = &out[n];
        memset(cell, 0, sizeof *cell);
        cell->rowspan = cell->colspan = 1;
        cell->kind = JX_CELL_TEXT;
        cell->source.file = c->file;
        cell->source.line = v->line;
        cell->source.col = v->col;
        cell->source.path = jx_doc_strdup(c->doc, path);
        cell->source.label = fspec ? jx_schema_label(fspec) : NULL;
        cell->source.unit = fspec ? jx_schema_unit(fspec) : NULL;
        cell->paras = jx_doc_alloc(c->doc, sizeof *cell->paras);
        if (!cell->source.path || !cell->paras)
            return JX_ERR_NOMEM;
        cell->paras[0].kind = JX_PARA_TEXT;
        if (!(cell->paras[0].text = jx_doc_strdup(c->doc, jx_node_text(v))))
            return JX_ERR_NOMEM;
        cell->npara = 1;
        n++;
    }
    *refs = n ? out : NULL;
    *nrefs = n;
    return JX_OK;
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

typedef struct table_builder {
    composer *c;
    jx_table *t;
    int *occupied_until;   /* per column: first row index free again */
    int base_col;          /* columns left of it belong to open bands */
    int end_col;           /* columns from it on belong to a side to the right */
    int next_row;          /* where the next row goes: a new one at nrows, or a
                              row another side of a `sides:` item made */
    jx_style label_style, value_style;
    int header_next;       /* rows added now are header rows */
} table_builder;

/* The row at next_row (made by an earlier side of a `sides:` item, or a new
 * one); returns its index and advances next_row, or -1. */
/* Writes item number k (1-based) as the pattern's mark asks: {n} 1 2 3,
 * {cn} 一 二 … 十一 … 九十九, {a} a b c … z aa ab. */
static void number_mark(jx_buf *b, const char *mark, size_t k)
{
    static const char *const cn[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (strncmp(mark, "{cn}", 4) == 0 && k < 100) {
        if (k >= 20)
            jx_buf_puts(b, cn[k / 10]);
        if (k >= 10)
            jx_buf_puts(b, "十");
        jx_buf_puts(b, cn[k % 10]);
    } else if (strncmp(mark, "{a}", 3) == 0) {
        char s[8];
        int i = (int)sizeof s - 1;
        s[i] = '\0';
        for (size_t v = k; v && i > 0; v = (v - 1) / 26)
            s[--i] = (char)('a' + (v - 1) % 26);
        jx_buf_puts(b, s + i);
    } else {
        jx_buf_printf(b, "%zu", k);
    }
}

/* Numbers the list items of paras (`numbering:` of a cell or prose block):
 * each run of list items counts 1, 2, 3 (a plain paragraph starts a new
 * run), and each item is prefixed with the pattern, its mark replaced by
 * the number.  An item the filer numbered already (it starts with the
 * pattern's words before the mark, or with a digit when there are none) is
 * left as written, so 目标1： is never doubled. */
static jx_status number_items(composer *c, jx_paragraph *paras, size_t n, const char *pattern)
{
    const char *mark = strchr(pattern, '{');
    while (mark && strncmp(mark, "{n}", 3) != 0 && strncmp(mark, "{cn}", 4) != 0 &&
           strncmp(mark, "{a}", 3) != 0)
        mark = strchr(mark + 1, '{');
    if (!mark)
        return JX_OK;
    size_t head = (size_t)(mark - pattern), marklen = strchr(mark, '}') - mark + 1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (paras[i].kind != JX_PARA_LIST_ITEM) {
            k = 0;
            continue;
        }
        k++;
        const char *t = paras[i].text;
        if (head ? strncmp(t, pattern, head) == 0 : (*t >= '0' && *t <= '9'))
            continue;
        jx_buf b = {0};
        jx_buf_append(&b, pattern, head);
        number_mark(&b, mark, k);
        jx_buf_puts(&b, mark + marklen);
        jx_buf_puts(&b, t);
        const char *s = b.oom ? NULL : jx_doc_strdup(c->doc, jx_buf_str(&b));
        jx_buf_free(&b);
        if (!s)
            return nomem(c);
        paras[i].text = s;
    }
    return JX_OK;
}

static int add_row(table_builder *tb, int header, double min_height)
{
    jx_table *t = tb->t;
    if (tb->next_row < t->nrows) {
        jx_row *row = &t->rows[tb->next_row];
        row->header |= header;
        if (row->min_height_pt < min_height)
            row->min_height_pt = min_height;
        return tb->next_row++;
    }
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
    t->rows[t->nrows].header_from = 0;
    t->rows[t->nrows].header_until = 0;
    t->rows[t->nrows].min_height_pt = min_height;
    t->rows[t->nrows].keep_with_next = 0;
    tb->next_row = t->nrows + 1;
    return t->nrows++;
}

/* Fills a number cell with a value computed by a rule: the exact value,
 * shown by the cell's format, and the formula that computes it. */
static jx_status derived_cell(composer *c, const jx_cell_spec *spec, jx_cell *cell,
                              const jx_derived *x)
{
    const jx_number_format *fmt = spec->format;
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
static jx_cell *make_cell(table_builder *tb, const scope *sc, const jx_cell_spec *spec, int row,
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
    if (spec->text) {
        cell->kind = JX_CELL_LABEL;
        cell->style = spec->style ? *spec->style : tb->label_style;
        const char *s = interpolate(c, sc, spec->text);
        if (!s || split_lines(c, s, &cell->paras, &cell->npara) != JX_OK ||
            template_refs(c, sc, spec->text, &cell->refs, &cell->nrefs) != JX_OK) {
            nomem(c);
            return NULL;
        }
        return cell;
    }
    char path[MAX_PATH_LEN];
    const jx_node *value = resolve(c, sc, spec->field ? spec->field : "", path, sizeof path);
    const jx_node *fspec = jx_schema_field(c->layout->schema, path);
    cell->style = spec->style ? *spec->style : tb->value_style;
    cell->source.file = c->file;
    cell->source.path = jx_doc_strdup(c->doc, path);
    cell->source.label = fspec ? jx_schema_label(fspec) : NULL;
    cell->source.unit = fspec ? jx_schema_unit(fspec) : NULL;
    const jx_node *at = value ? value : sc->node;
    cell->source.line = at ? at->line : 0;
    cell->source.col = at ? at->col : 0;
    if (!fspec) {
        layout_error(c, spec->field_at,
                     "field '%s' is not in the layout's schema", path);
        return NULL;
    }
    jx_field_type type = jx_schema_type(fspec);
    if (type == JX_FIELD_MAP || type == JX_FIELD_LIST) {
        layout_error(c, spec->field_at,
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
         * as written, a dash, and a number 0 like any amount (the workbook
         * writes it as 0 in a format that shows the dash). */
        cell->kind = JX_CELL_NUMBER;
        cell->number = (jx_decimal){0, 0};
        cell->number_format = spec->format ? spec->format->excel : "General";
        return split_lines(c, "-", &cell->paras, &cell->npara) == JX_OK ? cell : NULL;
    }
    if (type == JX_FIELD_AMOUNT) {
        jx_decimal dec;
        if (jx_schema_amount_parse(fspec, text_value, &dec) != JX_OK) {
            /* Reported by the schema check; keep the text as written. */
            dec = (jx_decimal){0, 0};
        }
        const jx_number_format *fmt = spec->format;
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
    if (st == JX_OK && spec->numbering)
        st = number_items(c, cell->paras, cell->npara, spec->numbering);
    if (st != JX_OK) {
        nomem(c);
        return NULL;
    }
    return cell;
}

/* Places one row of cells; returns 0 or -1 (error reported). */
static int place_row(table_builder *tb, const scope *sc, const jx_row_spec *item)
{
    composer *c = tb->c;
    int r = add_row(tb, item->header, item->min_height_pt);
    if (r >= 0)
        tb->t->rows[r].keep_with_next |= item->keep_with_next;
    if (r < 0) {
        layout_error(c, item->at, "a table may have at most 20000 rows");
        return -1;
    }
    int col = tb->base_col;
    for (size_t i = 0; i < item->ncells; i++) {
        const jx_cell_spec *spec = &item->cells[i];
        while (col < tb->end_col && tb->occupied_until[col] > r)
            col++;
        int colspan = spec->colspan, rowspan = spec->rowspan;
        if (col + colspan > tb->end_col) {
            if (tb->end_col == tb->t->ncols)
                layout_error(c, spec->at, "this cell goes past the table's %d columns",
                             tb->t->ncols);
            else
                layout_error(c, spec->at, "this cell goes past its side's last column (%d)",
                             tb->end_col);
            return -1;
        }
        for (int k = col; k < col + colspan; k++)
            if (tb->occupied_until[k] > r) {
                layout_error(c, spec->at, "this cell overlaps a cell spanning rows from above");
                return -1;
            }
        if (!make_cell(tb, sc, spec, r, col, colspan, rowspan))
            return -1;
        for (int k = col; k < col + colspan; k++)
            tb->occupied_until[k] = r + rowspan;
        col += colspan;
    }
    while (col < tb->end_col && tb->occupied_until[col] > r)
        col++;
    if (col != tb->end_col) {
        layout_error(c, item->at, "this row fills %d of %d columns of its %s", col, tb->end_col,
                     tb->end_col == tb->t->ncols ? _("table") : _("side"));
        return -1;
    }
    return 0;
}

static int place_rows(table_builder *tb, const scope *sc, const jx_row_spec *rows, size_t n);

/* A row of empty cells from base_col to end_col. */
static int place_blank_row(table_builder *tb, const scope *sc)
{
    int r = add_row(tb, 0, 0);
    if (r < 0)
        return -1;
    for (int col = tb->base_col; col < tb->end_col; col++) {
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

static int place_band(table_builder *tb, const scope *sc, const jx_row_spec *item)
{
    const jx_cell_spec *label = &item->band;
    int first = tb->next_row, col = tb->base_col;
    while (col < tb->end_col && tb->occupied_until[col] > first)
        col++;
    int colspan = label->colspan;
    if (col + colspan >= tb->end_col) {
        layout_error(tb->c, label->at, "a band label must leave columns for its rows");
        return -1;
    }
    /* Reserve the label's place: it is added after its rows are known, then
     * the cells are sorted into reading order. */
    int saved_base = tb->base_col;
    tb->base_col = col + colspan;
    int rc = place_rows(tb, sc, item->rows, item->nrows);
    if (rc == 0 && tb->next_row == first)
        rc = place_blank_row(tb, sc);
    tb->base_col = saved_base;
    if (rc != 0)
        return rc;
    int span = tb->next_row - first;
    if (!make_cell(tb, sc, label, first, col, colspan, span))
        return -1;
    for (int k = col; k < col + colspan; k++)
        if (tb->occupied_until[k] < first + span)
            tb->occupied_until[k] = first + span;
    return 0;
}

static int place_each(table_builder *tb, const scope *sc, const jx_row_spec *item)
{
    scope inner = {0};
    inner.parent = sc;
    const jx_node *list = resolve(tb->c, sc, item->each, inner.path, sizeof inner.path);
    if (!list || jx_node_is_empty(list))
        return 0;
    if (list->kind != JX_NODE_SEQ) {
        jx_diags_add(tb->c->d, JX_SEV_ERROR, tb->c->file, list->line, list->col, "wrong-shape",
                     _("%s must be a list"), inner.path);
        fail(tb->c, JX_ERR_FILING);
        return -1;
    }
    char base[MAX_PATH_LEN - 32];
    if (strlen(inner.path) >= sizeof base) {
        layout_error(tb->c, item->at, "the filing nests lists too deeply");
        return -1;
    }
    memcpy(base, inner.path, strlen(inner.path) + 1);
    for (size_t i = 0; i < list->count; i++) {
        inner.node = list->entries[i].value;
        snprintf(inner.path, sizeof inner.path, "%s.%zu", base, i);
        if (place_rows(tb, &inner, item->rows, item->nrows) != 0)
            return -1;
    }
    return 0;
}

/* Stretches a side that ended at row `end` (above `bottom`) down to bottom:
 * every cell of columns [c0, c1) whose rows end at `end` spans to bottom
 * (the 年度 二级 label and its last 三级/指标值 cells); a side that made no
 * row gets one empty cell per column over all of them. */
static int stretch_side(table_builder *tb, const scope *sc, int first, int end, int bottom,
                        int c0, int c1)
{
    jx_table *t = tb->t;
    if (end > first) {
        for (size_t i = 0; i < t->ncells; i++) {
            jx_cell *cell = &t->cells[i];
            if (cell->col >= c0 && cell->col < c1 && cell->row >= first &&
                cell->row + cell->rowspan == end)
                cell->rowspan = bottom - cell->row;
        }
    } else {
        for (int col = c0; col < c1; col++) {
            jx_cell *cell = jx_table_add_cell(tb->c->doc, t);
            if (!cell) {
                nomem(tb->c);
                return -1;
            }
            cell->row = first;
            cell->col = col;
            cell->rowspan = bottom - first;
            cell->kind = JX_CELL_EMPTY;
            cell->style = tb->value_style;
            cell->source.file = tb->c->file;
            cell->source.path = jx_doc_strdup(tb->c->doc, sc->path);
        }
    }
    for (int col = c0; col < c1; col++)
        if (tb->occupied_until[col] < bottom)
            tb->occupied_until[col] = bottom;
    return 0;
}

/* `sides:`: lists placed side by side from the same row, each on its own
 * columns; the rows are as many as the longest side makes, and shorter
 * sides are stretched to it (stretch_side). */
static int place_sides(table_builder *tb, const scope *sc, const jx_row_spec *item)
{
    int first = tb->next_row, col = tb->base_col, bottom = first;
    int saved_base = tb->base_col, saved_end = tb->end_col;
    while (col < saved_end && tb->occupied_until[col] > first)
        col++;
    int ends[JX_MAX_SIDES], starts[JX_MAX_SIDES];
    for (size_t i = 0; i < item->nsides; i++) {
        const jx_side_spec *side = &item->sides[i];
        int width = side->ncols ? side->ncols : saved_end - col;
        if (width <= 0 || col + width > saved_end) {
            layout_error(tb->c, side->at, "this side needs %d columns from column %d, but its "
                                          "table has %d",
                         width, col + 1, saved_end);
            return -1;
        }
        tb->base_col = col;
        tb->end_col = col + width;
        tb->next_row = first;
        int rc = place_rows(tb, sc, side->rows, side->nrows);
        tb->base_col = saved_base;
        tb->end_col = saved_end;
        if (rc != 0)
            return rc;
        starts[i] = col;
        ends[i] = tb->next_row;
        if (ends[i] > bottom)
            bottom = ends[i];
        col += width;
    }
    if (col != saved_end) {
        layout_error(tb->c, item->at, "these sides fill %d of %d columns", col, saved_end);
        return -1;
    }
    for (size_t i = 0; i < item->nsides; i++) {
        int c1 = i + 1 < item->nsides ? starts[i + 1] : saved_end;
        if (ends[i] < bottom && stretch_side(tb, sc, first, ends[i], bottom, starts[i], c1) != 0)
            return -1;
    }
    tb->next_row = bottom;
    return 0;
}

/* Places a row list.  The header rows it places head the rest of the list:
 * their scope is the list's rows (an inner list, placed first, has set the
 * scope of its own header rows already). */
static int place_rows(table_builder *tb, const scope *sc, const jx_row_spec *rows, size_t n)
{
    int first = tb->next_row;
    for (size_t i = 0; i < n; i++) {
        const jx_row_spec *item = &rows[i];
        int rc;
        if (item->kind == JX_ROW_CELLS)
            rc = place_row(tb, sc, item);
        else if (item->kind == JX_ROW_BAND)
            rc = place_band(tb, sc, item);
        else if (item->kind == JX_ROW_SIDES)
            rc = place_sides(tb, sc, item);
        else
            rc = place_each(tb, sc, item);
        if (rc != 0)
            return rc;
    }
    for (int r = first; r < tb->next_row; r++) {
        jx_row *row = &tb->t->rows[r];
        if (row->header && row->header_until == 0) {
            row->header_from = first;
            row->header_until = tb->next_row;
        }
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

static jx_status build_table(composer *c, const scope *sc, const jx_table_spec *spec, jx_table *t)
{
    t->ncols = spec->ncols;
    t->col_widths = jx_doc_alloc(c->doc, (size_t)spec->ncols * sizeof *t->col_widths);
    if (!t->col_widths)
        return nomem(c);
    memcpy(t->col_widths, spec->col_widths, (size_t)spec->ncols * sizeof *t->col_widths);
    if (spec->col_fit) { /* fitted to their content by jx_doc_fit_columns */
        t->col_fit = jx_doc_alloc(c->doc, (size_t)spec->ncols * sizeof *t->col_fit);
        if (!t->col_fit)
            return nomem(c);
        memcpy(t->col_fit, spec->col_fit, (size_t)spec->ncols * sizeof *t->col_fit);
    }
    t->border_pt = spec->border_pt;
    t->padding_pt = spec->padding_pt;
    table_builder tb = {c, t, NULL, 0, t->ncols, 0, spec->label_style, spec->value_style, 0};
    tb.occupied_until = calloc((size_t)t->ncols, sizeof *tb.occupied_until);
    if (!tb.occupied_until)
        return nomem(c);
    int rc = place_rows(&tb, sc, spec->rows, spec->nrows);
    free(tb.occupied_until);
    if (rc != 0)
        return c->status != JX_OK ? c->status : fail(c, JX_ERR_LAYOUT);
    /* Band labels were added after their rows: restore reading order (a
     * table of no rows has no cell array at all). */
    if (t->ncells > 1)
        qsort(t->cells, t->ncells, sizeof *t->cells, cell_order);
    char msg[256];
    if (jx_table_check(t, msg, sizeof msg) != JX_OK)
        return layout_error(c, spec->at, "table does not form a grid: %s", msg);
    return JX_OK;
}

static jx_status add_paragraph(composer *c, jx_section *sec, const jx_block_spec *b,
                               const char *text, jx_para_kind kind, const char *bookmark)
{
    jx_block *blk = jx_section_add_block(c->doc, sec, JX_BLOCK_PARAGRAPH);
    if (!blk)
        return nomem(c);
    blk->para.kind = kind;
    blk->para.text = text;
    blk->style = b->style;
    blk->space_before_pt = b->space_before_pt;
    blk->space_after_pt = b->space_after_pt;
    blk->bookmark = bookmark;
    blk->keep_with_next = b->keep_with_next;
    return JX_OK;
}

static jx_status build_block(composer *c, const scope *sc, jx_section *sec,
                             const jx_block_spec *b);

/* `each: LIST` + `blocks: [...]`: the blocks repeated for every entry. */
static jx_status build_each_block(composer *c, const scope *sc, jx_section *sec,
                                  const jx_block_spec *b)
{
    scope inner = {0};
    inner.parent = sc;
    const jx_node *list = resolve(c, sc, b->text, inner.path, sizeof inner.path);
    if (!list || jx_node_is_empty(list))
        return JX_OK;
    if (list->kind != JX_NODE_SEQ) {
        jx_diags_add(c->d, JX_SEV_ERROR, c->file, list->line, list->col, "wrong-shape",
                     _("%s must be a list"), inner.path);
        return fail(c, JX_ERR_FILING);
    }
    char base[MAX_PATH_LEN - 32];
    if (strlen(inner.path) >= sizeof base)
        return layout_error(c, b->at, "the filing nests lists too deeply");
    memcpy(base, inner.path, strlen(inner.path) + 1);
    for (size_t i = 0; i < list->count; i++) {
        inner.node = list->entries[i].value;
        snprintf(inner.path, sizeof inner.path, "%s.%zu", base, i);
        for (size_t k = 0; k < b->nblocks; k++) {
            jx_status st = build_block(c, &inner, sec, &b->blocks[k]);
            if (st != JX_OK)
                return st;
        }
    }
    return JX_OK;
}

static jx_status build_block(composer *c, const scope *sc, jx_section *sec,
                             const jx_block_spec *b)
{
    if (b->kind == JX_SPEC_EACH)
        return build_each_block(c, sc, sec, b);
    const char *bookmark = b->bookmark ? interpolate(c, sc, b->bookmark) : NULL;
    if (b->kind == JX_SPEC_PARAGRAPH) {
        const char *text = interpolate(c, sc, b->text);
        if (!text)
            return nomem(c);
        jx_status st = add_paragraph(c, sec, b, text, JX_PARA_TEXT, bookmark);
        jx_block *blk = st == JX_OK ? &sec->blocks[sec->nblocks - 1] : NULL;
        if (blk && template_refs(c, sc, b->text, &blk->refs, &blk->nrefs) != JX_OK)
            return nomem(c);
        return st;
    }
    if (b->kind == JX_SPEC_PROSE) {
        char path[MAX_PATH_LEN];
        const char *text = jx_node_text(resolve(c, sc, b->text, path, sizeof path));
        if (!text)
            return JX_OK;
        jx_paragraph *paras;
        size_t np;
        if (jx_rich_split(c->doc, text, &paras, &np) != JX_OK)
            return nomem(c);
        if (b->numbering && number_items(c, paras, np, b->numbering) != JX_OK)
            return c->status;
        for (size_t i = 0; i < np; i++) {
            jx_status st = add_paragraph(c, sec, b, paras[i].text, paras[i].kind,
                                         i == 0 ? bookmark : NULL);
            if (st != JX_OK)
                return st;
        }
        return JX_OK;
    }
    if (b->kind == JX_SPEC_PAGE_BREAK) {
        jx_block *blk = jx_section_add_block(c->doc, sec, JX_BLOCK_PAGE_BREAK);
        return blk ? JX_OK : nomem(c);
    }
    jx_block *blk = jx_section_add_block(c->doc, sec, JX_BLOCK_TABLE);
    if (!blk)
        return nomem(c);
    blk->bookmark = bookmark;
    blk->space_before_pt = b->space_before_pt;
    blk->space_after_pt = b->space_after_pt;
    return build_table(c, sc, b->table, blk->table);
}

static jx_status build_section(composer *c, const scope *sc, const jx_section_spec *s)
{
    jx_section *sec = jx_doc_add_section(c->doc);
    if (!sec)
        return nomem(c);
    sec->page = c->layout->page;
    sec->sheet_name = interpolate(c, sc, s->sheet);
    sec->bookmark = s->bookmark ? interpolate(c, sc, s->bookmark) : NULL;
    for (size_t i = 0; i < s->nblocks; i++) {
        jx_status st = build_block(c, sc, sec, &s->blocks[i]);
        if (st != JX_OK)
            return st;
    }
    return JX_OK;
}

static jx_status build_sections(composer *c, const scope *root)
{
    for (size_t i = 0; i < c->layout->nsections; i++) {
        const jx_section_spec *s = &c->layout->sections[i];
        if (!s->each) {
            jx_status st = build_section(c, root, s);
            if (st != JX_OK)
                return st;
            continue;
        }
        scope inner = {0};
        inner.parent = root;
        const jx_node *list = resolve(c, root, s->each, inner.path, sizeof inner.path);
        if (!list || list->kind != JX_NODE_SEQ)
            continue;
        char base[MAX_PATH_LEN - 32];
        if (strlen(inner.path) >= sizeof base)
            continue;
        memcpy(base, inner.path, strlen(inner.path) + 1);
        for (size_t k = 0; k < list->count; k++) {
            inner.node = list->entries[k].value;
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
        return jx_diag_error(d, JX_ERR_NOMEM, filing_path, 0, 0, _("out of memory"));
    }
    scope root = {0};
    root.node = filing;
    c.doc->info.title = interpolate(&c, &root, layout->document.title);
    c.doc->info.author = interpolate(&c, &root, layout->document.author);
    c.doc->info.subject = interpolate(&c, &root, layout->document.subject);
    c.doc->info.keywords = interpolate(&c, &root, layout->document.keywords);
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
