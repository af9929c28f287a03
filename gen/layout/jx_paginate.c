/* jx_paginate.c - measuring, row heights, page breaks; draws on a device. */
#include "jx_paginate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jx_util.h"

/* Points: two positions or lengths closer than this are equal (a row that
 * overshoots the room by less still fits, a page that has moved on by less
 * is still fresh); it absorbs the rounding of sums of font metrics. */
#define JX_PAGE_EPS 0.01

/* ---- display list: pages are collected first so that "page N of M" is
 * known when they are drawn. ---- */

typedef enum { ITEM_TEXT, ITEM_RULE, ITEM_BOOKMARK } item_kind;

typedef struct dl_item {
    item_kind kind;
    const jx_face *face;
    double size, x, y, x1, y1, width;
    double spacing;          /* TEXT: extra space after each character (justified) */
    const char *text;
    size_t len;
    int level;
} dl_item;

typedef struct dl_page {
    dl_item *items;
    size_t count, cap;
    double width, height;
    const jx_section *section;
    int number_in_section;
} dl_page;

typedef struct pager {
    const jx_doc *doc;
    jx_fonts *fonts;
    jx_diags *d;
    dl_page *pages;
    size_t npages, cap;
    const jx_section *section;
    double y;                /* cursor on the current page */
    double top, bottom;      /* body limits of the current page */
    double left, width;      /* body left edge and width */
    jx_status status;
} pager;

static jx_status pager_fail(pager *pg, jx_status st)
{
    if (pg->status == JX_OK)
        pg->status = st;
    return st;
}

static dl_page *current_page(pager *pg)
{
    return pg->npages ? &pg->pages[pg->npages - 1] : NULL;
}

static jx_status new_page(pager *pg)
{
    dl_page *p = jx_grow(pg->pages, &pg->cap, pg->npages, sizeof *p, 8);
    if (!p)
        return pager_fail(pg, JX_ERR_NOMEM);
    pg->pages = p;
    dl_page *page = &pg->pages[pg->npages++];
    memset(page, 0, sizeof *page);
    const jx_page_setup *ps = &pg->section->page;
    page->width = ps->width_pt;
    page->height = ps->height_pt;
    page->section = pg->section;
    pg->top = ps->margin_top_pt;
    pg->bottom = ps->height_pt - ps->margin_bottom_pt;
    pg->left = ps->margin_left_pt;
    pg->width = ps->width_pt - ps->margin_left_pt - ps->margin_right_pt;
    pg->y = pg->top;
    return JX_OK;
}

static dl_item *add_item(pager *pg, item_kind kind)
{
    dl_page *page = current_page(pg);
    dl_item *it = jx_grow(page->items, &page->cap, page->count, sizeof *it, 256);
    if (!it) {
        pager_fail(pg, JX_ERR_NOMEM);
        return NULL;
    }
    page->items = it;
    dl_item *item = &page->items[page->count++];
    memset(item, 0, sizeof *item);
    item->kind = kind;
    return item;
}

static void add_rule(pager *pg, double x0, double y0, double x1, double y1, double w)
{
    dl_item *it = add_item(pg, ITEM_RULE);
    if (it) {
        it->x = x0;
        it->y = y0;
        it->x1 = x1;
        it->y1 = y1;
        it->width = w;
    }
}

static void add_bookmark(pager *pg, const char *title, int level, double y)
{
    dl_item *it = add_item(pg, ITEM_BOOKMARK);
    if (it) {
        it->text = title;
        it->len = strlen(title);
        it->level = level;
        it->y = y;
    }
}

/* ---- measured text ---- */

/* One line of a measured paragraph list, positioned from the text top. */
typedef struct vline {
    const char *text;        /* paragraph text */
    const jx_text_lines *tl; /* owner of line and runs */
    const jx_text_line *line;
    double indent;           /* first-line indent, points */
    double height;           /* line advance */
    double ascent;
    double size;             /* text size, points (the style's, or less: measure()) */
} vline;

typedef struct measured {
    jx_text_lines *paras;    /* one per paragraph (first line and rest when indented) */
    size_t nparas;
    vline *lines;
    size_t nlines;
    double height;           /* sum of line heights */
} measured;

static void measured_free(measured *m)
{
    for (size_t i = 0; i < m->nparas; i++)
        jx_text_lines_free(&m->paras[i]);
    free(m->paras);
    free(m->lines);
    memset(m, 0, sizeof *m);
}

static int push_vline(measured *m, size_t *cap, vline v)
{
    vline *p = jx_grow(m->lines, cap, m->nlines, sizeof *p, 8);
    if (!p)
        return -1;
    m->lines = p;
    m->lines[m->nlines++] = v;
    m->height += v.height;
    return 0;
}

/* Smallest share of its style's size that a text is set at to give its
 * widest unbreakable unit room (measure()). */
#define MIN_SHRINK 0.35

/* The size at which the widest unit that must never be cut (a number with
 * its unit, a Latin word, a web address between its joints:
 * jx_text_unit_width()) of paras fits `width` points: the style's size,
 * or less when a unit is wider than the line, as a compositor sets a
 * too-long word in a narrow column smaller rather than break it; never
 * below MIN_SHRINK of it (a longer unit is then cut by the breaker). */
static double fitting_size(pager *pg, const jx_style *style, const jx_paragraph *paras,
                           size_t npara, double width)
{
    double unit = 0;
    for (size_t i = 0; i < npara; i++) {
        double u = jx_text_unit_width(pg->fonts, style->font_role, style->size_pt, paras[i].text,
                                      strlen(paras[i].text));
        if (u > unit)
            unit = u;
    }
    /* the breaker's tolerance, not the page's: a unit 0.007 pt wider than
     * the line was left at full size and cut (=76756/1.85元) */
    if (!(unit > width + JX_TEXT_WIDTH_EPS) || width <= 0)
        return style->size_pt;
    double size = style->size_pt * width / unit;
    /* text width is linear in size, but hinting-free advances round: a
     * hair smaller so that the unit surely fits */
    size = floor(size * 100 - 1) / 100;
    return size < style->size_pt * MIN_SHRINK ? style->size_pt * MIN_SHRINK : size;
}

/* Measures paragraphs in `style` to `width` points, at the style's size
 * or smaller where a unit that must not be cut needs it (fitting_size()).
 * A first-line indent is honoured by breaking the first line at the
 * narrower width. */
static jx_status measure(pager *pg, const jx_style *style, const jx_paragraph *paras,
                         size_t npara, double width, const jx_source *src, measured *m)
{
    memset(m, 0, sizeof *m);
    if (npara == 0)
        return JX_OK;
    m->paras = calloc(npara * 2, sizeof *m->paras);
    if (!m->paras)
        return JX_ERR_NOMEM;
    size_t cap = 0;
    double indent = style->first_indent_em * style->size_pt;
    if (indent > width / 2)
        indent = 0;
    double size = fitting_size(pg, style, paras, npara, indent > 0 ? width - indent : width);
    if (size < style->size_pt)
        indent *= size / style->size_pt;
    const char *what = src && src->path ? src->path : "template text";
    jx_text_opts opts = jx_style_text_opts(style);
    const char *file = src ? src->file : NULL;
    int line = src ? src->line : 0, col = src ? src->col : 0;
    for (size_t i = 0; i < npara; i++) {
        const char *text = paras[i].text;
        size_t len = strlen(text);
        size_t done = 0;
        double ind = paras[i].kind == JX_PARA_TEXT ? indent : 0;
        if (ind > 0) {
            jx_text_lines *first = &m->paras[m->nparas++];
            jx_status st =
                jx_text_break_opts(pg->fonts, style->font_role, size, text, len,
                                   width - ind, &opts, first, pg->d, what, file, line, col);
            if (st != JX_OK)
                return st;
            if (first->nlines == 0)
                continue;
            double lh = first->line_height * style->leading;
            vline v = {text, first, &first->lines[0], ind, lh, first->ascent, size};
            if (push_vline(m, &cap, v) != 0)
                return JX_ERR_NOMEM;
            done = first->lines[0].end;
            if (first->nlines == 1)
                continue;
        }
        jx_text_lines *rest = &m->paras[m->nparas++];
        jx_status st =
            jx_text_break_opts(pg->fonts, style->font_role, size, text + done,
                               len - done, width, &opts, rest, pg->d, what, file, line, col);
        if (st != JX_OK)
            return st;
        double lh = rest->line_height * style->leading;
        for (size_t k = 0; k < rest->nlines; k++) {
            vline v = {text + done, rest, &rest->lines[k], 0, lh, rest->ascent, size};
            if (push_vline(m, &cap, v) != 0)
                return JX_ERR_NOMEM;
        }
    }
    return JX_OK;
}

/* Draws one measured line with its top at y inside [x, x+w). */
static void draw_vline(pager *pg, const vline *v, const jx_style *style, double x, double w,
                       double y)
{
    double lx;
    double lw = v->line->width + v->indent;
    switch (style->halign) {
    case JX_ALIGN_CENTER: lx = x + (w - lw) / 2 + v->indent; break;
    case JX_ALIGN_RIGHT: lx = x + w - v->line->width; break;
    default: lx = x + v->indent; break;
    }
    if (lx < x)
        lx = x;
    double baseline = y + (v->height - v->tl->line_height) / 2 + v->ascent;
    for (size_t r = 0; r < v->line->nruns; r++) {
        const jx_text_run *run = &v->tl->runs[v->line->first_run + r];
        if (run->end <= run->start)
            continue;
        dl_item *it = add_item(pg, ITEM_TEXT);
        if (!it)
            return;
        it->face = run->face;
        it->size = v->size;
        it->x = lx + run->x;
        it->y = baseline;
        it->text = v->text + run->start;
        it->len = run->end - run->start;
        it->spacing = run->spacing; /* justified by the text engine */
    }
}

/* ---- paragraphs ---- */

/* Three lines of text in `style` (its font's line at its size times its
 * leading, as measure() advances a line set at full size): the least that
 * is worth starting on a page (below a keep-with-next paragraph, under a
 * repeated header, of a row that continues on the next page). */
static double three_lines(const pager *pg, const jx_style *style)
{
    return 3 * jx_fonts_line_height(pg->fonts, style->font_role, style->size_pt) *
           style->leading;
}

/* Whether a and b set lines alike: the same font role, size and leading. */
static int same_style(const jx_style *a, const jx_style *b)
{
    return strcmp(a->font_role, b->font_role) == 0 && a->size_pt == b->size_pt &&
           a->leading == b->leading;
}

/* Whether cell i of t is counted by table_body_style(): it holds text and
 * is not in a header row (any row when `body` is 0: every row is one). */
static int body_cell(const jx_table *t, size_t i, int body)
{
    return t->cells[i].npara > 0 && !(body && t->rows[t->cells[i].row].header);
}

/* The style table t's body is set in, as a compositor reckons its lines,
 * into *out: the most common style (font, size, leading) of the cells
 * holding text in rows that are not header rows (all rows when every row
 * is a header); of two as common, the one met first in reading order; the
 * default style for a table without text.  Its three_lines() is the room
 * a row of the table needs to be worth starting on a page: the table's own
 * text, not the default (10.5 pt), which a form of 9 pt cells never shows.
 * JX_ERR_NOMEM when out of memory. */
static jx_status table_body_style(const jx_table *t, const jx_style **out)
{
    static const jx_style fallback = JX_DEFAULT_STYLE;
    *out = &fallback;
    int body = 0;
    for (int r = 0; r < t->nrows && !body; r++)
        body = !t->rows[r].header;
    /* the distinct styles, each at its first cell, and their counts */
    size_t *first = calloc(t->ncells + 1, sizeof *first);
    size_t *count = calloc(t->ncells + 1, sizeof *count);
    if (!first || !count) {
        free(first);
        free(count);
        return JX_ERR_NOMEM;
    }
    size_t nstyles = 0, best = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        if (!body_cell(t, i, body))
            continue;
        size_t k = 0;
        while (k < nstyles && !same_style(&t->cells[first[k]].style, &t->cells[i].style))
            k++;
        if (k == nstyles)
            first[nstyles++] = i;
        if (++count[k] > count[best])
            best = k;
    }
    if (nstyles)
        *out = &t->cells[first[best]].style;
    free(first);
    free(count);
    return JX_OK;
}

/* Room to keep free below a keep-with-next paragraph, into *out: the
 * first lines of what follows on its page, in their style (next: the
 * following block, or NULL; none when a page break or the section's end
 * follows: nothing to keep with on this page). */
static jx_status keep_reserve(pager *pg, const jx_block *next, double *out)
{
    *out = 0;
    if (!next || next->kind == JX_BLOCK_PAGE_BREAK)
        return JX_OK;
    const jx_style *style = &next->style;
    if (next->kind == JX_BLOCK_TABLE) {
        jx_status st = table_body_style(next->table, &style);
        if (st != JX_OK)
            return st;
    }
    *out = three_lines(pg, style) + 6;
    return JX_OK;
}

/* A paragraph that fits on a page is not split across two (its text stays
 * in one piece); a longer one flows line by line.  Space before is dropped
 * at the top of a page.  next: the block after it in its section, or NULL. */
static jx_status flow_paragraph(pager *pg, const jx_block *b, const jx_block *next)
{
    double reserve = 0;
    jx_status st = b->keep_with_next ? keep_reserve(pg, next, &reserve) : JX_OK;
    if (st != JX_OK)
        return pager_fail(pg, st);
    measured m;
    st = measure(pg, &b->style, &b->para, 1, pg->width, NULL, &m);
    if (st != JX_OK) {
        measured_free(&m);
        return pager_fail(pg, st);
    }
    double need = b->space_before_pt + m.height + reserve;
    if (pg->y > pg->top + JX_PAGE_EPS && pg->y + need > pg->bottom && need <= pg->bottom - pg->top) {
        st = new_page(pg);
        if (st != JX_OK) {
            measured_free(&m);
            return st;
        }
    }
    if (pg->y > pg->top + JX_PAGE_EPS)
        pg->y += b->space_before_pt;
    if (b->bookmark)
        add_bookmark(pg, b->bookmark, 1, pg->y);
    for (size_t i = 0; i < m.nlines; i++) {
        if (pg->y + m.lines[i].height > pg->bottom && pg->y > pg->top) {
            st = new_page(pg);
            if (st != JX_OK)
                break;
        }
        draw_vline(pg, &m.lines[i], &b->style, pg->left, pg->width, pg->y);
        pg->y += m.lines[i].height;
    }
    pg->y += b->space_after_pt;
    measured_free(&m);
    return st;
}

/* ---- tables ---- */

typedef struct cell_state {
    const jx_cell *cell;
    measured m;
    double x, w;             /* cell box */
    size_t next_line;        /* spans: first line not yet drawn */
    int shown;               /* spans: every line has been drawn on some page */
    int waited;              /* spans: left empty on a page, to be shown whole later */
} cell_state;

/* A piece of a row placed on a page. */
typedef struct piece {
    int row;
    double y, height;
    int whole;               /* the whole row, unsplit */
    int ends;                /* the row ends on this piece (whole, or its last part) */
    size_t *from, *to;       /* per cell of the row (rowspan 1): lines drawn */
} piece;

/* One table laid out on pages.  t->padding_pt is the padding above and
 * below each cell's text (across the line each cell has its own:
 * jx_table_cell_inset()). */
typedef struct table_pass {
    pager *pg;
    const jx_table *t;
    cell_state *cells;
    double *row_h;           /* full height of each row */
    double *col_x;           /* ncols + 1 boundaries, absolute x */
    size_t **row_cells;      /* per row: indexes of rowspan-1 cells starting there */
    size_t *row_ncells;
    double fresh_y;          /* cursor right after a new page's headers */
    int *prev_header;        /* per row: the nearest header row above it, or -1 */
    int *hdr;                /* repeated_header(): the rows to repeat above hdr_row */
    int hdr_row, nhdr;
    const jx_style *body;    /* table_body_style(): the style of three_lines() */
    double tail_reserve;     /* tail_reserve(): what header rows ending the
                                table keep with them of the next block */
    piece *pieces;           /* pieces on the current page */
    size_t npieces, cap;
} table_pass;

static jx_status table_measure(table_pass *tp)
{
    const jx_table *t = tp->t;
    pager *pg = tp->pg;
    double total = 0;
    for (int i = 0; i < t->ncols; i++)
        total += t->col_widths[i];
    tp->col_x[0] = pg->left;
    for (int i = 0; i < t->ncols; i++)
        tp->col_x[i + 1] = tp->col_x[i] + pg->width * t->col_widths[i] / total;
    for (size_t i = 0; i < t->ncells; i++) {
        cell_state *cs = &tp->cells[i];
        const jx_cell *c = &t->cells[i];
        cs->cell = c;
        cs->x = tp->col_x[c->col];
        cs->w = tp->col_x[c->col + c->colspan] - cs->x;
        double inner = cs->w - 2 * jx_table_cell_inset(t, c);
        if (inner < 1)
            inner = 1;
        jx_status st = measure(pg, &c->style, c->paras, c->npara, inner, &c->source, &cs->m);
        if (st != JX_OK)
            return st;
    }
    /* Row heights: single-row cells first, then spans grow their last row. */
    for (int r = 0; r < t->nrows; r++) {
        double min_line = jx_fonts_line_height(pg->fonts, JX_DEFAULT_FONT_ROLE, JX_DEFAULT_SIZE_PT);
        tp->row_h[r] = t->rows[r].min_height_pt > 0 ? t->rows[r].min_height_pt
                                                    : min_line + 2 * tp->t->padding_pt;
    }
    for (size_t i = 0; i < t->ncells; i++) {
        const cell_state *cs = &tp->cells[i];
        if (cs->cell->rowspan == 1) {
            double need = cs->m.height + 2 * tp->t->padding_pt;
            if (need > tp->row_h[cs->cell->row])
                tp->row_h[cs->cell->row] = need;
        }
    }
    /* Cells spanning rows are not counted here: where a span's text needs
     * more room than its rows give, the row that ends it grows when it is
     * placed (span_extra()), for the part of the text left for its page. */
    /* Which single-row cells start in each row. */
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].rowspan == 1)
            tp->row_ncells[t->cells[i].row]++;
    for (int r = 0; r < t->nrows; r++) {
        tp->row_cells[r] = calloc(tp->row_ncells[r] + 1, sizeof **tp->row_cells);
        if (!tp->row_cells[r])
            return JX_ERR_NOMEM;
        tp->row_ncells[r] = 0;
    }
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].rowspan == 1) {
            int r = t->cells[i].row;
            tp->row_cells[r][tp->row_ncells[r]++] = i;
        }
    return JX_OK;
}

static piece *add_piece(table_pass *tp, int row, double y, double h, int whole)
{
    piece *grown = jx_grow(tp->pieces, &tp->cap, tp->npieces, sizeof *grown, 32);
    if (!grown)
        return NULL;
    tp->pieces = grown;
    piece *p = &tp->pieces[tp->npieces++];
    memset(p, 0, sizeof *p);
    p->row = row;
    p->y = y;
    p->height = h;
    p->whole = whole;
    p->ends = whole;
    size_t n = tp->row_ncells[row];
    p->from = calloc(n + 1, sizeof *p->from);
    p->to = calloc(n + 1, sizeof *p->to);
    if (!p->from || !p->to) {
        free(p->from);
        free(p->to);
        tp->npieces--;
        return NULL;
    }
    return p;
}

static void free_pieces(table_pass *tp)
{
    for (size_t i = 0; i < tp->npieces; i++) {
        free(tp->pieces[i].from);
        free(tp->pieces[i].to);
    }
    tp->npieces = 0;
}

/* Draws a cell's border.  Neighbouring cells share edges, so each cell
 * draws its top and left edges, and its right/bottom edges only where no
 * cell follows (last column, bottom of the table on this page). */
static void draw_box(table_pass *tp, const cell_state *cs, double y, double h, double bottom)
{
    double bw = tp->t->border_pt, x = cs->x, w = cs->w;
    if (bw <= 0)
        return;
    pager *pg = tp->pg;
    add_rule(pg, x, y, x + w, y, bw);
    add_rule(pg, x, y, x, y + h, bw);
    if (cs->cell->col + cs->cell->colspan == tp->t->ncols)
        add_rule(pg, x + w, y, x + w, y + h, bw);
    if (y + h >= bottom - JX_PAGE_EPS)
        add_rule(pg, x, y + h, x + w, y + h, bw);
}

/* Draws the lines [from, to) of a cell inside a box of height h at y. */
static void draw_cell_lines(table_pass *tp, cell_state *cs, size_t from, size_t to, double y,
                            double h, int centre)
{
    double text_h = 0;
    for (size_t k = from; k < to; k++)
        text_h += cs->m.lines[k].height;
    double ty = y + tp->t->padding_pt;
    if (centre) {
        if (cs->cell->style.valign == JX_VALIGN_MIDDLE)
            ty = y + (h - text_h) / 2;
        else if (cs->cell->style.valign == JX_VALIGN_BOTTOM)
            ty = y + h - tp->t->padding_pt - text_h;
    }
    for (size_t k = from; k < to; k++) {
        double inset = jx_table_cell_inset(tp->t, cs->cell);
        draw_vline(tp->pg, &cs->m.lines[k], &cs->cell->style, cs->x + inset, cs->w - 2 * inset,
                   ty);
        ty += cs->m.lines[k].height;
    }
}

/* Height of lines [from, to) of a cell. */
static double lines_height(const cell_state *cs, size_t from, size_t to)
{
    double h = 0;
    for (size_t k = from; k < to; k++)
        h += cs->m.lines[k].height;
    return h;
}

/* Whether a cell's whole text fits on an empty page of the table. */
static int fits_a_page(const table_pass *tp, const cell_state *cs)
{
    return cs->m.height + 2 * tp->t->padding_pt <= tp->pg->bottom - tp->pg->top + JX_PAGE_EPS;
}

/* Draws the text of a cell spanning rows into its part on this page, a box
 * of height h at y; `final` when the span ends on this page.  No line is
 * ever lost:
 *   - a text that fits the part is drawn whole (again on each later page
 *     the span reaches, where it fits: a group label is repeated);
 *   - a text not yet shown that fits a page but not this part waits for a
 *     later part, once (placement keeps this rare: a label starts on a
 *     page where it fits, and the part grows to hold it);
 *   - a text taller than a page continues line by line;
 *   - on its final part a text shows all its remaining lines: placement
 *     made that part tall enough (span_extra()). */
static void draw_span_segment(table_pass *tp, cell_state *cs, double y, double h, int final)
{
    double inner = h - 2 * tp->t->padding_pt;
    if (cs->shown || cs->next_line == 0) {
        if (cs->m.height <= inner + JX_PAGE_EPS) {
            draw_cell_lines(tp, cs, 0, cs->m.nlines, y, h, 1);
            cs->shown = 1;
            cs->next_line = cs->m.nlines;
            return;
        }
        if (cs->shown)
            return;
        if (!final && fits_a_page(tp, cs) && !cs->waited) {
            cs->waited = 1;
            return;
        }
    }
    size_t k = cs->next_line, end = k;
    double used = 0;
    while (end < cs->m.nlines && (final || used + cs->m.lines[end].height <= inner + JX_PAGE_EPS)) {
        used += cs->m.lines[end].height;
        end++;
    }
    if (end == k && end < cs->m.nlines)
        end++;
    draw_cell_lines(tp, cs, k, end, y, h, 0);
    cs->next_line = end;
    if (end >= cs->m.nlines)
        cs->shown = 1;
}

/* Draws every piece collected for the current page: boxes and text, cell
 * by cell in reading order. */
static void flush_page(table_pass *tp)
{
    const jx_table *t = tp->t;
    double bottom = 0;
    for (size_t p = 0; p < tp->npieces; p++)
        if (tp->pieces[p].y + tp->pieces[p].height > bottom)
            bottom = tp->pieces[p].y + tp->pieces[p].height;
    for (size_t p = 0; p < tp->npieces; p++) {
        const piece *pc = &tp->pieces[p];
        /* Cells spanning rows whose first row on this page is this piece's
         * row, and single-row cells of the row, in column order. */
        for (size_t i = 0; i < t->ncells; i++) {
            cell_state *cs = &tp->cells[i];
            const jx_cell *c = cs->cell;
            if (c->rowspan == 1) {
                if (c->row != pc->row)
                    continue;
                size_t k = 0;
                while (tp->row_cells[pc->row][k] != i)
                    k++;
                draw_box(tp, cs, pc->y, pc->height, bottom);
                draw_cell_lines(tp, cs, pc->from[k], pc->to[k], pc->y, pc->height, pc->whole);
                continue;
            }
            if (pc->row < c->row || pc->row >= c->row + c->rowspan)
                continue;
            /* Drawn once per page, at its first piece there. */
            int first = 1;
            for (size_t q = 0; q < p && first; q++)
                if (tp->pieces[q].row >= c->row && tp->pieces[q].row < c->row + c->rowspan)
                    first = 0;
            if (!first)
                continue;
            double y0 = pc->y, y1 = pc->y + pc->height;
            for (size_t q = p + 1; q < tp->npieces; q++) {
                const piece *o = &tp->pieces[q];
                if (o->row >= c->row && o->row < c->row + c->rowspan)
                    y1 = o->y + o->height;
            }
            int final = 0;
            for (size_t q = p; q < tp->npieces; q++)
                if (tp->pieces[q].row == c->row + c->rowspan - 1 && tp->pieces[q].ends)
                    final = 1;
            draw_box(tp, cs, y0, y1 - y0, bottom);
            draw_span_segment(tp, cs, y0, y1 - y0, final);
        }
    }
    free_pieces(tp);
}

/* The rows a header row heads: [*from, *until). */
static void header_scope(const jx_table *t, int h, int *from, int *until)
{
    const jx_row *row = &t->rows[h];
    *from = row->header_until > 0 ? row->header_from : 0;
    *until = row->header_until > 0 ? row->header_until : t->nrows;
}

/* The header rows to repeat above row r on a continuation page, in row
 * order, into out (room for nrows); returns their count.  For each header
 * scope holding r (an outer table head, an inner block's head such as a
 * spending block's 半年/全年 row) the nearest block of its header rows
 * above r; an older block of the same scope, a scope r lies outside of,
 * and r's own block (r a header row of that scope) are not repeated. */
static int header_rows_above(const table_pass *tp, int r, int *out)
{
    const jx_table *t = tp->t;
    enum { MAX_SCOPES = 16 };
    int sfrom[MAX_SCOPES], suntil[MAX_SCOPES], slow[MAX_SCOPES], nscopes = 0, n = 0;
    int rfrom = -1, runtil = -1;
    if (r < 1 || r >= t->nrows)
        return 0;
    if (t->rows[r].header)
        header_scope(t, r, &rfrom, &runtil);
    for (int h = tp->prev_header[r]; h >= 0; h = tp->prev_header[h]) {
        int from, until;
        header_scope(t, h, &from, &until);
        if (r < from || r >= until || (from == rfrom && until == runtil))
            continue;
        int k = 0;
        while (k < nscopes && (sfrom[k] != from || suntil[k] != until))
            k++;
        if (k < nscopes) {
            if (h != slow[k] - 1)
                continue; /* an older block of the same rows */
            slow[k] = h;
        } else {
            if (nscopes == MAX_SCOPES)
                continue;
            sfrom[nscopes] = from;
            suntil[nscopes] = until;
            slow[nscopes++] = h;
        }
        out[n++] = h;
    }
    for (int i = 0; i < n / 2; i++) { /* into row order */
        int x = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = x;
    }
    return n;
}

static double span_label_height(const table_pass *tp, int r);

/* Rows r.. that must share a page with what follows them: a block of
 * header rows or keep-with-next rows starting at r, plus the start of the
 * row after them, or, when they end the table (a sub-header the form
 * prints with no lines filed under it: Jiangbei's 全年预算数, an
 * indicator head over an empty list), the start of the next block
 * (tp->tail_reserve).  0 when r starts no such group (or continues one). */
static double keep_group_height(const table_pass *tp, int r)
{
    const jx_table *t = tp->t;
    if (r > 0 && (t->rows[r - 1].header || t->rows[r - 1].keep_with_next))
        return 0;
    int end = r;
    double h = 0;
    while (end < t->nrows && (t->rows[end].header || t->rows[end].keep_with_next))
        h += tp->row_h[end++];
    if (end == r)
        return 0;
    if (end == t->nrows)
        return h + tp->tail_reserve;
    /* The first row comes along whole when it fits a page under them (it
     * would move to the next page whole, leaving them at the foot of this
     * one), else its first lines. */
    double first = tp->row_h[end], lines = three_lines(tp->pg, tp->body);
    if (h + first > tp->pg->bottom - tp->pg->top)
        first = lines;
    /* A label spanning rows that starts there comes along whole. */
    double label = span_label_height(tp, end);
    return h + (label > first ? label : first);
}

/* Height of header rows rows[0..count) (ascending), with the labels
 * spanning only them. */
static double header_block_height(const table_pass *tp, const int *rows, int count)
{
    double h = 0;
    for (int i = 0; i < count; i++)
        h += tp->row_h[rows[i]];
    for (size_t i = 0; i < tp->t->ncells; i++) {
        const cell_state *cs = &tp->cells[i];
        const jx_cell *c = cs->cell;
        if (c->rowspan < 2)
            continue;
        /* every row of the span is one of the header rows */
        int k = 0;
        while (k < count && rows[k] != c->row)
            k++;
        if (k + c->rowspan > count || rows[k + c->rowspan - 1] != c->row + c->rowspan - 1)
            continue;
        double other = h;
        for (int j = c->row; j < c->row + c->rowspan; j++)
            other -= tp->row_h[j];
        if (other + cs->m.height + 2 * tp->t->padding_pt > h)
            h = other + cs->m.height + 2 * tp->t->padding_pt;
    }
    return h;
}

/* The header rows repeated above row r on a continuation page (into
 * tp->hdr, their count returned): header_rows_above(), unless they leave
 * less than three lines of its body text under them (a header holding pages of
 * text would leave no room for the rows it heads: the table then
 * continues without it).  A tall header (a long year label in a narrow
 * column of Guanggu's indicator heads, more than half a page) still
 * repeats: every continued part shows what its columns hold. */
static int repeated_header(table_pass *tp, int r)
{
    if (tp->hdr_row == r)
        return tp->nhdr;
    int count = header_rows_above(tp, r, tp->hdr);
    double least = three_lines(tp->pg, tp->body) + 2 * tp->t->padding_pt;
    if (count &&
        header_block_height(tp, tp->hdr, count) > tp->pg->bottom - tp->pg->top - least)
        count = 0;
    tp->hdr_row = r;
    tp->nhdr = count;
    return count;
}

/* Height of the header rows that would repeat above row r. */
static double header_height(table_pass *tp, int r)
{
    int count = repeated_header(tp, r);
    return count ? header_block_height(tp, tp->hdr, count) : 0;
}

/* Top of the part of span cell cs on the current page: its first piece
 * there, or the cursor when none is placed yet. */
static double span_top(const table_pass *tp, const cell_state *cs)
{
    const jx_cell *c = cs->cell;
    for (size_t q = 0; q < tp->npieces; q++)
        if (tp->pieces[q].row >= c->row && tp->pieces[q].row < c->row + c->rowspan)
            return tp->pieces[q].y;
    return tp->pg->y;
}

/* Height the text of span cell cs still needs on the page that shows its
 * end: all of it when not yet drawn, else the lines left (0 when shown). */
static double span_left(const table_pass *tp, const cell_state *cs)
{
    if (cs->shown)
        return 0;
    return lines_height(cs, cs->next_line, cs->m.nlines) + 2 * tp->t->padding_pt;
}

/* Height below the cursor that the spans ending at row r need on this
 * page, so that each shows the rest of its text (0 when none). */
static double span_need_here(const table_pass *tp, int r)
{
    double need = 0;
    for (size_t i = 0; i < tp->t->ncells; i++) {
        const cell_state *cs = &tp->cells[i];
        const jx_cell *c = cs->cell;
        if (c->rowspan < 2 || c->row + c->rowspan - 1 != r)
            continue;
        double n = span_left(tp, cs) - (tp->pg->y - span_top(tp, cs));
        if (n > need)
            need = n;
    }
    return need;
}

/* Height row r takes when placed whole here: its own, or more where a span
 * it ends needs room for the rest of its text. */
static double row_need(const table_pass *tp, int r)
{
    double span = span_need_here(tp, r);
    return span > tp->row_h[r] ? span : tp->row_h[r];
}

static jx_status place_whole_row(table_pass *tp, int r)
{
    double h = row_need(tp, r);
    piece *p = add_piece(tp, r, tp->pg->y, h, 1);
    if (!p)
        return JX_ERR_NOMEM;
    for (size_t k = 0; k < tp->row_ncells[r]; k++) {
        p->from[k] = 0;
        p->to[k] = tp->cells[tp->row_cells[r][k]].m.nlines;
    }
    tp->pg->y += h;
    return JX_OK;
}

/* Before a page break inside a table: a span label started on this page
 * that fits a page but not its part here makes the page's last piece
 * taller, when the page has room, so that the label stays whole with the
 * first rows it introduces. */
static void hold_open_labels(table_pass *tp)
{
    if (tp->npieces == 0)
        return;
    piece *last = &tp->pieces[tp->npieces - 1];
    double grow = 0;
    for (size_t i = 0; i < tp->t->ncells; i++) {
        const cell_state *cs = &tp->cells[i];
        const jx_cell *c = cs->cell;
        if (c->rowspan < 2 || cs->shown || cs->next_line > 0 || !fits_a_page(tp, cs))
            continue;
        if (last->row < c->row || last->row >= c->row + c->rowspan)
            continue;
        double top = span_top(tp, cs);
        double need = cs->m.height + 2 * tp->t->padding_pt - (last->y + last->height - top);
        if (need > grow &&
            top + cs->m.height + 2 * tp->t->padding_pt <= tp->pg->bottom + JX_PAGE_EPS)
            grow = need;
    }
    if (grow > 0) {
        last->height += grow;
        tp->pg->y = last->y + last->height;
    }
}

static jx_status start_continuation_page(table_pass *tp, int r)
{
    hold_open_labels(tp);
    flush_page(tp);
    jx_status st = new_page(tp->pg);
    if (st != JX_OK)
        return st;
    int count = repeated_header(tp, r);
    double top = tp->pg->y;
    for (int h = 0; h < count; h++) {
        st = place_whole_row(tp, tp->hdr[h]);
        if (st != JX_OK)
            return st;
    }
    /* A head cell spanning header rows (Guanggu's 预期当年实现值 under
     * 指标值) may need more than its rows: the last row grows, as it did
     * where the head was first placed, so the repeat shows its text. */
    double want = count ? header_block_height(tp, tp->hdr, count) : 0;
    if (count && tp->npieces > 0 && want > tp->pg->y - top + JX_PAGE_EPS) {
        tp->pieces[tp->npieces - 1].height += want - (tp->pg->y - top);
        tp->pg->y = top + want;
    }
    tp->fresh_y = tp->pg->y;
    return JX_OK;
}

/* Whether a span ending at row r draws text on this page when the row's
 * piece here is h tall (draw_span_segment() would not leave it waiting). */
static int span_draws_here(const table_pass *tp, int r, double h)
{
    for (size_t i = 0; i < tp->t->ncells; i++) {
        const cell_state *cs = &tp->cells[i];
        const jx_cell *c = cs->cell;
        if (c->rowspan < 2 || c->row + c->rowspan - 1 != r || cs->shown)
            continue;
        double inner = tp->pg->y - span_top(tp, cs) + h - 2 * tp->t->padding_pt;
        if (inner < 1)
            continue;
        if (cs->next_line > 0 || cs->waited || !fits_a_page(tp, cs) ||
            cs->m.height <= inner + JX_PAGE_EPS)
            return 1;
    }
    return 0;
}

/* Height of the tallest label spanning rows that starts at row r (0 when
 * none starts there), when it fits a page. */
static double span_label_height(const table_pass *tp, int r)
{
    double h = 0;
    for (size_t i = 0; i < tp->t->ncells; i++) {
        const cell_state *cs = &tp->cells[i];
        if (cs->cell->rowspan < 2 || cs->cell->row != r || !fits_a_page(tp, cs))
            continue;
        if (cs->m.height + 2 * tp->t->padding_pt > h)
            h = cs->m.height + 2 * tp->t->padding_pt;
    }
    return h;
}

/* Height of the tallest single-row cell of row r whose whole text fits a
 * page under the row's repeated header (0 when none): a row taller than
 * a page is split line by line, but such a cell of it (a short group
 * label beside a long text) is not divided; the split starts on a page
 * with room for it. */
static double short_cells_height(table_pass *tp, int r)
{
    double body = tp->pg->bottom - tp->pg->top - header_height(tp, r), h = 0;
    for (size_t k = 0; k < tp->row_ncells[r]; k++) {
        const cell_state *cs = &tp->cells[tp->row_cells[r][k]];
        double need = cs->m.height + 2 * tp->t->padding_pt;
        if (need <= body + JX_PAGE_EPS && need > h)
            h = need;
    }
    return h;
}

/* Height still needed by row r given each cell's next line. */
static double remaining_height(table_pass *tp, int r, const size_t *next)
{
    double need = 0;
    for (size_t k = 0; k < tp->row_ncells[r]; k++) {
        const cell_state *cs = &tp->cells[tp->row_cells[r][k]];
        double h = 0;
        for (size_t i = next[k]; i < cs->m.nlines; i++)
            h += cs->m.lines[i].height;
        if (h + 2 * tp->t->padding_pt > need)
            need = h + 2 * tp->t->padding_pt;
    }
    return need;
}

/* Lays table b out from the cursor, across pages as needed.  after: the
 * block after it in its section, or NULL (header rows ending the table
 * stay with its start: keep_group_height()). */
/* Sets tp up for table t on pg: its arrays allocated, the header chain,
 * the body style and every cell measured.  On failure (JX_ERR_NOMEM, or a
 * measuring error) what was set up is still released by
 * table_pass_close(), which must be called in every case. */
static jx_status table_pass_open(table_pass *tp, pager *pg, const jx_table *t)
{
    memset(tp, 0, sizeof *tp);
    tp->pg = pg;
    tp->t = t;
    tp->hdr_row = -1;
    tp->cells = calloc(t->ncells + 1, sizeof *tp->cells);
    tp->row_h = calloc((size_t)t->nrows + 1, sizeof *tp->row_h);
    tp->col_x = calloc((size_t)t->ncols + 1, sizeof *tp->col_x);
    tp->row_cells = calloc((size_t)t->nrows + 1, sizeof *tp->row_cells);
    tp->row_ncells = calloc((size_t)t->nrows + 1, sizeof *tp->row_ncells);
    tp->prev_header = calloc((size_t)t->nrows + 1, sizeof *tp->prev_header);
    tp->hdr = calloc((size_t)t->nrows + 1, sizeof *tp->hdr);
    if (!tp->cells || !tp->row_h || !tp->col_x || !tp->row_cells || !tp->row_ncells ||
        !tp->prev_header || !tp->hdr)
        return JX_ERR_NOMEM;
    for (int r = 0; r < t->nrows; r++)
        tp->prev_header[r] =
            r == 0 ? -1 : t->rows[r - 1].header ? r - 1 : tp->prev_header[r - 1];
    jx_status st = table_body_style(t, &tp->body);
    return st == JX_OK ? table_measure(tp) : st;
}

/* Releases what table_pass_open() and the pass allocated. */
static void table_pass_close(table_pass *tp)
{
    const jx_table *t = tp->t;
    if (tp->cells)
        for (size_t i = 0; i < t->ncells; i++)
            measured_free(&tp->cells[i].m);
    if (tp->row_cells)
        for (int r = 0; r < t->nrows; r++)
            free(tp->row_cells[r]);
    free_pieces(tp);
    free(tp->pieces);
    free(tp->cells);
    free(tp->row_h);
    free(tp->col_x);
    free(tp->row_cells);
    free(tp->row_ncells);
    free(tp->prev_header);
    free(tp->hdr);
}

/* What header rows ending a table keep with them on their page, into
 * *out: the start of the block after it (after, or NULL).  A paragraph's
 * or nothing's as keep_reserve() reckons it; a table's own start as it
 * will be placed: its header block with the row it introduces
 * (keep_group_height(), Jiangbei's 7-column indicator head after a
 * 5-column head over an empty list), or else its first row when it fits
 * a page (it moves whole), three lines of its body when it is split.  The next table is measured for this, once,
 * only when a table ends with header rows. */
static jx_status tail_reserve(pager *pg, const jx_table *t, const jx_block *after, double *out)
{
    *out = 0;
    if (t->nrows == 0 || !(t->rows[t->nrows - 1].header || t->rows[t->nrows - 1].keep_with_next))
        return JX_OK;
    if (!after || after->kind != JX_BLOCK_TABLE || after->table->nrows == 0)
        return keep_reserve(pg, after, out);
    table_pass next;
    jx_status st = table_pass_open(&next, pg, after->table);
    if (st == JX_OK) {
        /* a first row that fits a page moves to the next whole when it
         * does not fit here (flow_table) */
        double h = keep_group_height(&next, 0), first = row_need(&next, 0);
        if (h <= 0)
            h = first <= pg->bottom - pg->top ? first : three_lines(pg, next.body);
        *out = after->space_before_pt + h;
    }
    table_pass_close(&next);
    return st;
}

static jx_status flow_table(pager *pg, const jx_block *b, const jx_block *after)
{
    const jx_table *t = b->table;
    table_pass tp;
    size_t *next = NULL;
    jx_status st = table_pass_open(&tp, pg, t);
    if (st == JX_OK)
        st = tail_reserve(pg, t, after, &tp.tail_reserve);
    if (st == JX_OK) {
        next = calloc(t->ncells + 1, sizeof *next);
        if (!next)
            st = JX_ERR_NOMEM;
    }
    if (st != JX_OK)
        goto done;
    pg->y += b->space_before_pt;
    if (b->bookmark)
        add_bookmark(pg, b->bookmark, 1, pg->y);
    tp.fresh_y = pg->y <= pg->top + JX_PAGE_EPS ? pg->y : -1;
    double body = pg->bottom - pg->top;
    for (int r = 0; r < t->nrows && st == JX_OK;) {
        double room = pg->bottom - pg->y;
        int fresh_here = pg->y <= tp.fresh_y + JX_PAGE_EPS;
        double group = keep_group_height(&tp, r);
        if (group > 0 && !fresh_here && group > room + JX_PAGE_EPS && group <= body) {
            /* A header block or keep-with-next rows would end the page
             * without the row they belong to: start them on the next. */
            st = start_continuation_page(&tp, r);
            continue;
        }
        /* A label spanning rows that fits a page starts on a page where
         * it fits, with its first row. */
        if (!fresh_here && span_label_height(&tp, r) > room + JX_PAGE_EPS &&
            span_label_height(&tp, r) <= body - header_height(&tp, r)) {
            st = start_continuation_page(&tp, r);
            continue;
        }
        double row_h = row_need(&tp, r);
        if (row_h <= room + JX_PAGE_EPS) {
            st = place_whole_row(&tp, r);
            r++;
            continue;
        }
        /* The row does not fit.  A row that fits on a fresh page moves
         * there whole (its cells read unbroken, as on the paper form);
         * only a row taller than a page is split, line by line. */
        double fresh_room = body - header_height(&tp, r);
        int fresh = pg->y <= tp.fresh_y + JX_PAGE_EPS;
        if (!fresh && row_h <= fresh_room + JX_PAGE_EPS) {
            st = start_continuation_page(&tp, r);
            continue;
        }
        if (!fresh && (room < three_lines(pg, tp.body) + 2 * t->padding_pt ||
                       room + JX_PAGE_EPS < short_cells_height(&tp, r))) {
            st = start_continuation_page(&tp, r);
            continue;
        }
        /* Split row r across pages, line by line. */
        memset(next, 0, (t->ncells + 1) * sizeof *next);
        for (;;) {
            room = pg->bottom - pg->y;
            double need = remaining_height(&tp, r, next);
            double span = span_need_here(&tp, r);
            if (span > need)
                need = span;
            int last = need <= room + JX_PAGE_EPS;
            piece *p = add_piece(&tp, r, pg->y, last ? need : room, 0);
            if (!p) {
                st = JX_ERR_NOMEM;
                break;
            }
            int progress = 0;
            for (size_t k = 0; k < tp.row_ncells[r]; k++) {
                const cell_state *cs = &tp.cells[tp.row_cells[r][k]];
                double used = 0;
                size_t e = next[k];
                while (e < cs->m.nlines && used + cs->m.lines[e].height <=
                                               p->height - 2 * t->padding_pt + JX_PAGE_EPS) {
                    used += cs->m.lines[e].height;
                    e++;
                }
                p->from[k] = next[k];
                p->to[k] = e;
                progress |= e > next[k];
                next[k] = e;
            }
            if (span > 0 && span_draws_here(&tp, r, p->height))
                progress = 1; /* a span ending here draws lines into this piece */
            if (!progress && p->y <= tp.fresh_y + JX_PAGE_EPS) {
                /* Not one line fits even on a fresh page (a line taller than
                 * the page body, or repeated header rows filling it): take a
                 * line of each cell anyway, so that the row always advances
                 * (it started pages without end, or failed with an internal
                 * error: tests/data/fuzz-crashers/layout/). */
                for (size_t k = 0; k < tp.row_ncells[r]; k++)
                    if (next[k] < tp.cells[tp.row_cells[r][k]].m.nlines) {
                        p->to[k] = ++next[k];
                        progress = 1;
                    }
                if (!progress) { /* no line left: the rest is padding */
                    last = 1;
                    p->height = need;
                }
            }
            if (last) {
                pg->y += need;
                p->whole = 0;
                p->ends = 1;
                break;
            }
            pg->y = pg->bottom;
            if (!progress && pg->y - p->y < 1) {
                st = JX_ERR_INTERNAL;
                break;
            }
            st = start_continuation_page(&tp, r);
            if (st != JX_OK)
                break;
            if (remaining_height(&tp, r, next) <= 2 * t->padding_pt + JX_PAGE_EPS &&
                span_need_here(&tp, r) <= 2 * t->padding_pt + JX_PAGE_EPS)
                break; /* nothing left but padding */
        }
        r++;
    }
    flush_page(&tp);
    pg->y += b->space_after_pt;
done:
    table_pass_close(&tp);
    free(next);
    if (st != JX_OK)
        pager_fail(pg, st);
    return st;
}

/* ---- output ---- */

static jx_status draw_page_number(jx_device *dev, jx_fonts *fonts, const dl_page *page,
                                  int number, int total, jx_diags *d)
{
    const jx_page_setup *ps = &page->section->page;
    if (!ps->page_number_format)
        return JX_OK;
    jx_buf b = {0};
    for (const char *p = ps->page_number_format; *p;) {
        if (strncmp(p, "{page}", 6) == 0) {
            jx_buf_printf(&b, "%d", number);
            p += 6;
        } else if (strncmp(p, "{pages}", 7) == 0) {
            jx_buf_printf(&b, "%d", total);
            p += 7;
        } else {
            jx_buf_append(&b, p, 1);
            p++;
        }
    }
    if (b.oom)
        return JX_ERR_NOMEM;
    const jx_style *st = &ps->page_number_style;
    jx_text_lines tl = {0};
    jx_status s = jx_text_break(fonts, st->font_role, st->size_pt, b.data, b.len, page->width,
                                &tl, d, "page number", NULL, 0, 0);
    if (s == JX_OK && tl.nlines > 0) {
        const jx_text_line *ln = &tl.lines[0];
        double x = (page->width - ln->width) / 2;
        double y = page->height - ps->margin_bottom_pt / 2;
        for (size_t r = 0; r < ln->nruns && s == JX_OK; r++) {
            const jx_text_run *run = &tl.runs[ln->first_run + r];
            s = dev->draw_text(dev, run->face, st->size_pt, x + run->x, y, b.data + run->start,
                               run->end - run->start);
        }
    }
    jx_text_lines_free(&tl);
    jx_buf_free(&b);
    return s;
}

/* Draws a text item, stretched when justified and the device can space
 * characters (otherwise at its natural width, left-aligned). */
static jx_status draw_text_item(jx_device *dev, const dl_item *it)
{
    if (it->spacing != 0 && dev->draw_text_spaced)
        return dev->draw_text_spaced(dev, it->face, it->size, it->x, it->y, it->text, it->len,
                                     it->spacing);
    return dev->draw_text(dev, it->face, it->size, it->x, it->y, it->text, it->len);
}

static jx_status emit(pager *pg, jx_device *dev)
{
    jx_status st = dev->begin_document(dev, &pg->doc->info);
    /* Page numbers count within a section's run of pages... no: over the
     * whole document, as the paper copy is numbered. */
    int total = (int)pg->npages;
    for (size_t i = 0; i < pg->npages && st == JX_OK; i++) {
        const dl_page *page = &pg->pages[i];
        st = dev->begin_page(dev, page->width, page->height);
        for (size_t k = 0; k < page->count && st == JX_OK; k++) {
            const dl_item *it = &page->items[k];
            if (it->kind == ITEM_TEXT)
                st = draw_text_item(dev, it);
            else if (it->kind == ITEM_RULE)
                st = dev->draw_rule(dev, it->x, it->y, it->x1, it->y1, it->width);
            else if (dev->add_bookmark)
                st = dev->add_bookmark(dev, it->text, it->level, it->y);
        }
        if (st == JX_OK)
            st = draw_page_number(dev, pg->fonts, page, (int)i + 1, total, pg->d);
        if (st == JX_OK)
            st = dev->end_page(dev);
    }
    if (st == JX_OK)
        st = dev->close(dev);
    return st;
}

static jx_status layout_pages(const jx_doc *doc, jx_fonts *fonts, jx_device *dev, jx_diags *d);

jx_status jx_paginate(const jx_doc *doc, jx_fonts *fonts, jx_device *dev, jx_diags *d)
{
    return layout_pages(doc, fonts, dev, d);
}

jx_status jx_paginate_check(const jx_doc *doc, jx_fonts *fonts, jx_diags *d)
{
    return layout_pages(doc, fonts, NULL, d);
}

/* Lays doc out; draws it on dev unless dev is NULL. */
static jx_status layout_pages(const jx_doc *doc, jx_fonts *fonts, jx_device *dev, jx_diags *d)
{
    pager pg = {0};
    pg.doc = doc;
    pg.fonts = fonts;
    pg.d = d;
    jx_status st = JX_OK;
    for (size_t s = 0; s < doc->nsections && st == JX_OK; s++) {
        const jx_section *sec = &doc->sections[s];
        pg.section = sec;
        st = new_page(&pg);
        if (st == JX_OK && sec->bookmark)
            add_bookmark(&pg, sec->bookmark, 0, pg.top);
        for (size_t b = 0; b < sec->nblocks && st == JX_OK; b++) {
            const jx_block *blk = &sec->blocks[b];
            if (blk->kind == JX_BLOCK_PARAGRAPH)
                st = flow_paragraph(&pg, blk, b + 1 < sec->nblocks ? blk + 1 : NULL);
            else if (blk->kind == JX_BLOCK_TABLE)
                st = flow_table(&pg, blk, b + 1 < sec->nblocks ? blk + 1 : NULL);
            else if (pg.y > pg.top)
                st = new_page(&pg);
        }
        if (st == JX_OK)
            st = pg.status;
    }
    if (st == JX_OK && dev)
        st = emit(&pg, dev);
    for (size_t i = 0; i < pg.npages; i++)
        free(pg.pages[i].items);
    free(pg.pages);
    return st;
}
