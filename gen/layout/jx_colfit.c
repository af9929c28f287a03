/* jx_colfit.c - columns that fit their content (see jx_colfit.h). */
#include "jx_colfit.h"
#include "jx_i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct colm {
    double lo, hi;           /* min- and max-content, points */
    double unit;             /* the widest piece that must never be cut
                                (jx_text_unit_width()), points: its lo
                                when the min-contents do not fit */
    double floor;            /* kept when even the min-contents do not fit:
                                its numbers whole, else three characters
                                (or its min-content when narrower) */
    double bmin, bmax;       /* bounds, points (bmax: INFINITY when none) */
    double w;                /* the result */
    int fit;                 /* fitted to its content (else its width stays) */
} colm;

/* The sum of a table's column widths, in the layout's units. */
static double total_units(const jx_table *t)
{
    double units = 0;
    for (int j = 0; j < t->ncols; j++)
        units += t->col_widths[j];
    return units;
}

/* A zeroed array of one element of `size` bytes per column of t; NULL
 * (with a message) when memory is short. */
static void *per_column(const jx_table *t, size_t size, jx_diags *d)
{
    void *p = calloc((size_t)t->ncols, size);
    if (!p)
        jx_diag_error(d, JX_ERR_NOMEM, NULL, 0, 0, _("out of memory fitting columns"));
    return p;
}

/* Widens m->lo / m->hi by the paragraphs of one cell. */
static void measure_cell(jx_fonts *fonts, const jx_table *t, const jx_cell *cell, colm *m)
{
    const jx_style *st = &cell->style;
    double pad = 2 * jx_table_cell_inset(t, cell) + t->border_pt;
    for (size_t i = 0; i < cell->npara; i++) {
        const char *text = cell->paras[i].text ? cell->paras[i].text : "";
        size_t len = strlen(text);
        double indent = cell->paras[i].kind == JX_PARA_TEXT ? st->first_indent_em * st->size_pt
                                                            : 0.0;
        double hi = jx_text_width(fonts, st->font_role, st->size_pt, text, len);
        double lo = cell->kind == JX_CELL_NUMBER
                        ? hi
                        : jx_text_min_width(fonts, st->font_role, st->size_pt, text, len);
        double unit = cell->kind == JX_CELL_NUMBER
                          ? hi
                          : jx_text_unit_width(fonts, st->font_role, st->size_pt, text, len);
        if (hi < 0 || lo < 0 || unit < 0) /* a character no font has: reported when drawn */
            continue;
        if (unit + pad > m->unit)
            m->unit = unit + pad;
        double keep = cell->kind == JX_CELL_NUMBER ? lo : 3 * st->size_pt;
        if (keep > lo)
            keep = lo;
        if (keep + pad > m->floor)
            m->floor = keep + pad;
        if (lo + pad > m->lo)
            m->lo = lo + pad;
        if (hi + indent + pad > m->hi)
            m->hi = hi + indent + pad;
    }
}

/* Shares `room` among the fitted columns by the rules of jx_colfit.h. */
static void distribute(colm *c, int n, double room)
{
    double sum_lo = 0, sum_hi = 0;
    for (int j = 0; j < n; j++) {
        if (!c[j].fit)
            continue;
        if (c[j].lo < c[j].bmin)
            c[j].lo = c[j].bmin;
        if (c[j].hi < c[j].lo)
            c[j].hi = c[j].lo;
        if (c[j].hi > c[j].bmax)
            c[j].hi = c[j].bmax > c[j].lo ? c[j].bmax : c[j].lo;
        sum_lo += c[j].lo;
        sum_hi += c[j].hi;
    }
    if (sum_hi <= room) {
        /* everyone gets its max-content; the rest in proportion to it, up
         * to the bounds (a few rounds: a column that reaches its bound
         * passes the rest on) */
        for (int j = 0; j < n; j++)
            c[j].w = c[j].fit ? c[j].hi : c[j].w;
        double left = room - sum_hi;
        for (int round = 0; round < 8 && left > 1e-6; round++) {
            double base = 0;
            for (int j = 0; j < n; j++)
                if (c[j].fit && c[j].w < c[j].bmax)
                    base += c[j].w;
            if (base <= 0)
                break;
            double given = 0;
            for (int j = 0; j < n; j++) {
                if (!c[j].fit || c[j].w >= c[j].bmax)
                    continue;
                double add = left * c[j].w / base;
                if (c[j].w + add > c[j].bmax)
                    add = c[j].bmax - c[j].w;
                c[j].w += add;
                given += add;
            }
            left -= given;
        }
        if (left > 1e-6) { /* every column at its bound: share it anyway */
            double all = 0;
            for (int j = 0; j < n; j++)
                all += c[j].fit ? c[j].w : 0;
            for (int j = 0; j < n && all > 0; j++)
                if (c[j].fit)
                    c[j].w += left * c[j].w / all;
        }
    } else if (sum_lo <= room) {
        double want = sum_hi - sum_lo;
        for (int j = 0; j < n; j++)
            if (c[j].fit)
                c[j].w = c[j].lo + (want > 0 ? (room - sum_lo) * (c[j].hi - c[j].lo) / want : 0);
    } else {
        /* each keeps its floor (a column of one character a line reads as
         * a lonely character on every line); the rest is shared in
         * proportion to what each has beyond it; floors that do not fit
         * are scaled down */
        double sum_floor = 0, over = 0;
        for (int j = 0; j < n; j++) {
            if (!c[j].fit)
                continue;
            if (c[j].floor > c[j].lo)
                c[j].floor = c[j].lo;
            sum_floor += c[j].floor;
            over += c[j].lo - c[j].floor;
        }
        for (int j = 0; j < n; j++) {
            if (!c[j].fit)
                continue;
            if (sum_floor >= room)
                c[j].w = sum_floor > 0 ? c[j].floor * room / sum_floor : 0;
            else
                c[j].w = c[j].floor +
                         (over > 0 ? (room - sum_floor) * (c[j].lo - c[j].floor) / over : 0);
        }
    }
}

static jx_status fit_table(jx_fonts *fonts, jx_table *t, double width, jx_diags *d)
{
    int n = t->ncols;
    colm *c = per_column(t, sizeof *c, d);
    if (!c)
        return JX_ERR_NOMEM;
    double units = total_units(t);
    double u = units > 0 ? width / units : 0;
    double room = width;
    for (int j = 0; j < n; j++) {
        c[j].fit = t->col_fit[j].fit;
        c[j].bmin = t->col_fit[j].min * u;
        c[j].bmax = t->col_fit[j].max > 0 ? t->col_fit[j].max * u : INFINITY;
        c[j].w = t->col_widths[j] * u;
        if (!c[j].fit)
            room -= c[j].w;
    }
    for (size_t k = 0; k < t->ncells; k++) {
        const jx_cell *cell = &t->cells[k];
        if (cell->colspan == 1 && cell->col >= 0 && cell->col < n)
            measure_cell(fonts, t, cell, &c[cell->col]);
    }
    /* A fixed column narrower than a piece of its own that must never be
     * cut (a long Latin word in a label) would have that text set smaller
     * to fit: it takes the width from the fitted columns' room, as far as
     * they keep their own such pieces; when not all fit, every such piece
     * gets the same share s of its width (the largest s that fits, found
     * by halving), so no column's text is set smaller than another's. */
    double extra = 0, keep = 0, total = room;
    for (int j = 0; j < n; j++) {
        if (!c[j].fit) {
            total += c[j].w;
            if (c[j].unit > c[j].w)
                extra += c[j].unit - c[j].w;
        } else {
            keep += c[j].unit > c[j].bmin ? c[j].unit : c[j].bmin;
        }
    }
    if (extra > 0) {
        double s = 1, lo = 0, hi = 1;
        for (int it = 0; it < 41; it++) {
            double sum = s * keep;
            for (int j = 0; j < n; j++)
                if (!c[j].fit)
                    sum += c[j].w > s * c[j].unit ? c[j].w : s * c[j].unit;
            if (sum <= total + 1e-9)
                lo = s;
            else
                hi = s;
            if (lo == 1)
                break;
            s = (lo + hi) / 2;
        }
        for (int j = 0; j < n; j++)
            if (!c[j].fit && lo * c[j].unit > c[j].w) {
                room -= lo * c[j].unit - c[j].w;
                c[j].w = lo * c[j].unit;
            }
    }
    if (room > 0) {
        /* One web address or long word (a piece between two allowed breaks
         * wider than the room) would have every fitted column squeezed
         * below its min-content, and the text of all of them set smaller to
         * fit (jx_paginate's fitting_size): while the min-contents
         * overflow, the column that gains most by it asks only for what
         * must never be cut (the address then breaks at its joints), the
         * others keeping their min-content. */
        for (;;) {
            double sum_lo = 0, gain = 0;
            int worst = -1;
            for (int j = 0; j < n; j++) {
                if (!c[j].fit)
                    continue;
                double lo = c[j].lo > c[j].bmin ? c[j].lo : c[j].bmin;
                double unit = c[j].unit > c[j].bmin ? c[j].unit : c[j].bmin;
                sum_lo += lo;
                if (lo - unit > gain) {
                    gain = lo - unit;
                    worst = j;
                }
            }
            if (sum_lo <= room || worst < 0)
                break;
            c[worst].lo = c[worst].unit;
        }
        distribute(c, n, room);
        for (int j = 0; j < n; j++)
            t->col_widths[j] = c[j].w > 0.01 ? c[j].w : 0.01;
    }
    free(c);
    return JX_OK;
}

/* Whether text holds a digit or a Latin letter: only such text has pieces
 * (numbers, amounts with units, words) that must not be broken; Chinese
 * text may break between any two characters. */
static int has_token(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
            return 1;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) /* ０-９ */
            return 1;
    }
    return 0;
}

/* The width a cell's widest unbreakable piece needs, its insets and a
 * rule included: a number whole, other text with a digit or a Latin letter by its
 * min-content (unit 0) or by its widest piece that must never be cut
 * (unit 1: jx_text_unit_width(), a web address between its joints); 0
 * when no paragraph has such a piece (or no font can draw it: that is
 * reported when drawn). */
static double token_width(jx_fonts *fonts, const jx_table *t, const jx_cell *cell, int unit)
{
    const jx_style *st = &cell->style;
    double pad = 2 * jx_table_cell_inset(t, cell) + t->border_pt;
    double need = 0;
    for (size_t i = 0; i < cell->npara; i++) {
        const char *text = cell->paras[i].text ? cell->paras[i].text : "";
        if (!has_token(text))
            continue;
        size_t len = strlen(text);
        double lo = cell->kind == JX_CELL_NUMBER
                        ? jx_text_width(fonts, st->font_role, st->size_pt, text, len)
                        : unit ? jx_text_unit_width(fonts, st->font_role, st->size_pt, text, len)
                               : jx_text_min_width(fonts, st->font_role, st->size_pt, text, len);
        if (lo >= 0 && lo + pad > need)
            need = lo + pad;
    }
    return need;
}

/* A fixed column in make_room(): its width and what it needs, points. */
typedef struct room_col {
    double need, w;
    double unit_need;        /* need with the pieces that must never be cut */
    double pad;              /* the insets and rule of the cells in it that
                                need, points (a cell over several columns:
                                its share of them) */
} room_col;

/* A column's insets and the share s of what it needs beyond them. */
static double shared(const room_col *c, double s)
{
    double pad = c->pad < c->need ? c->pad : c->need;
    return pad + s * (c->need - pad);
}

/* Sets col[j].need (from 0) to what fixed column j of width col[j].w
 * holds: its tokens' pieces (token_width() with unit) and three
 * characters, a cell over several columns shared among them. */
static void column_needs(jx_fonts *fonts, const jx_table *t, room_col *col, int unit)
{
    int n = t->ncols;
    for (int j = 0; j < n; j++)
        col[j].need = col[j].pad = 0;
    for (size_t k = 0; k < t->ncells; k++) {
        const jx_cell *cell = &t->cells[k];
        if (cell->colspan != 1 || cell->col < 0 || cell->col >= n)
            continue;
        const jx_style *st = &cell->style;
        double pad = 2 * jx_table_cell_inset(t, cell) + t->border_pt;
        if (pad > col[cell->col].pad)
            col[cell->col].pad = pad;
        /* a column gives up no more than leaves it three characters */
        double floor = 3 * st->size_pt + pad;
        if (floor > col[cell->col].w)
            floor = col[cell->col].w;
        if (floor > col[cell->col].need)
            col[cell->col].need = floor;
        double lo = token_width(fonts, t, cell, unit);
        if (lo > col[cell->col].need)
            col[cell->col].need = lo;
    }
    /* a token in a cell over several columns: those columns share it */
    for (size_t k = 0; k < t->ncells; k++) {
        const jx_cell *cell = &t->cells[k];
        if (cell->colspan < 2 || cell->col < 0 || cell->col + cell->colspan > n)
            continue;
        const jx_style *st = &cell->style;
        double pad = 2 * jx_table_cell_inset(t, cell) + t->border_pt;
        /* nor do the columns under it leave it less than three characters
         * (a column with no cell of its own had no floor: the value columns
         * of Guanggu's indicators, each under cells over two, shrank to 5 pt) */
        double floor = 3 * st->size_pt + pad, span = 0, held = 0;
        for (int j = cell->col; j < cell->col + cell->colspan; j++) {
            span += col[j].w;
            held += col[j].need;
        }
        if (floor > span)
            floor = span;
        if (floor > held && span > 0)
            for (int j = cell->col; j < cell->col + cell->colspan; j++)
                col[j].need += (floor - held) * col[j].w / span;
        /* what the columns keep must hold it, whether or not their
         * widths do now: else they give the width away to a column
         * beside them and the amount is set smaller (Tangshan's 预算数
         * over two columns beside a web address, at 5.7 pt) */
        double lo = token_width(fonts, t, cell, unit);
        double have = 0, needed = 0;
        for (int j = cell->col; j < cell->col + cell->colspan; j++) {
            have += col[j].w;
            needed += col[j].need;
        }
        if (lo > needed && have > 0)
            for (int j = cell->col; j < cell->col + cell->colspan; j++) {
                col[j].need += (lo - needed) * col[j].w / have;
                if (pad * col[j].w / have > col[j].pad)
                    col[j].pad = pad * col[j].w / have;
            }
    }
}

/* Room for what must not break, in a table of fixed columns: a column
 * narrower than a number, an amount with its unit or a Latin word of one
 * of its cells (min-content) is widened to hold it, and the other columns
 * give up the width in proportion to what they have beyond their own
 * min-content.  While the others cannot give that much (a web address
 * between two allowed breaks wider than they can spare), the column that
 * gains most by it asks only for what must never be cut (the address then
 * breaks at its joints), so one address does not squeeze every other
 * column to three characters.  Nothing changes when every token fits (or
 * when the others have nothing to give). */
static jx_status make_room(jx_fonts *fonts, jx_table *t, double width, jx_diags *d)
{
    int n = t->ncols;
    double units = total_units(t);
    room_col *col = per_column(t, sizeof *col, d);
    if (!col)
        return JX_ERR_NOMEM;
    for (int j = 0; j < n; j++)
        col[j].w = units > 0 ? t->col_widths[j] * width / units : 0;
    column_needs(fonts, t, col, 1);
    for (int j = 0; j < n; j++)
        col[j].unit_need = col[j].need;
    column_needs(fonts, t, col, 0);
    double deficit, spare;
    for (;;) {
        double gain = 0;
        int worst = -1;
        deficit = spare = 0;
        for (int j = 0; j < n; j++) {
            if (col[j].need > col[j].w + 1e-6)
                deficit += col[j].need - col[j].w;
            else
                spare += col[j].w - col[j].need;
            if (col[j].need - col[j].unit_need > gain) {
                gain = col[j].need - col[j].unit_need;
                worst = j;
            }
        }
        if (deficit <= spare || worst < 0)
            break;
        col[worst].need = col[worst].unit_need;
    }
    if (deficit > 0 && spare > 0 && deficit <= spare) {
        double f = deficit / spare;
        for (int j = 0; j < n; j++) {
            if (col[j].need > col[j].w + 1e-6)
                col[j].w = col[j].need;
            else
                col[j].w -= (col[j].w - col[j].need) * f;
        }
    } else if (deficit > 0 && spare > 0) {
        /* Not every piece fits: the others give all they have beyond their
         * own, and every column short of its piece gets its insets and the
         * same share s of the piece's width (the largest s that fits, found
         * by halving), also one that had more.  Its text is then set at s
         * of its size, the same for all (giving each the same share of what
         * it lacked instead set a 110 pt number in a 48 pt column at 5.2 pt
         * of 10 beside columns that lacked a little and got nearly all of
         * it). */
        double lo = 0, hi = 1;
        for (int it = 0; it < 50; it++) {
            double s = (lo + hi) / 2, sum = 0;
            for (int j = 0; j < n; j++)
                sum += col[j].need > col[j].w + 1e-6 ? shared(&col[j], s)
                                                     : col[j].need;
            if (sum <= width)
                lo = s;
            else
                hi = s;
        }
        double sum = 0, grow = 0;
        for (int j = 0; j < n; j++) {
            if (col[j].need > col[j].w + 1e-6) {
                col[j].w = shared(&col[j], lo);
                grow += col[j].w;
            } else {
                col[j].w = col[j].need;
            }
            sum += col[j].w;
        }
        /* what the halving left (a hair): to the columns short of theirs */
        for (int j = 0; j < n && grow > 0; j++)
            if (col[j].need > col[j].w + 1e-6)
                col[j].w += (width - sum) * col[j].w / grow;
    }
    if (deficit > 0 && spare > 0)
        for (int j = 0; j < n; j++)
            t->col_widths[j] = col[j].w > 0.01 ? col[j].w : 0.01;
    free(col);
    return JX_OK;
}

jx_status jx_doc_fit_columns(jx_doc *doc, jx_fonts *fonts, jx_diags *d)
{
    if (!doc || !fonts)
        return JX_OK;
    for (size_t s = 0; s < doc->nsections; s++) {
        const jx_section *sec = &doc->sections[s];
        double width = sec->page.width_pt - sec->page.margin_left_pt - sec->page.margin_right_pt;
        for (size_t b = 0; b < sec->nblocks; b++) {
            jx_table *t = sec->blocks[b].table;
            if (sec->blocks[b].kind != JX_BLOCK_TABLE || !t || t->ncols <= 0)
                continue;
            jx_status st =
                t->col_fit ? fit_table(fonts, t, width, d) : make_room(fonts, t, width, d);
            if (st != JX_OK)
                return st;
        }
    }
    return JX_OK;
}
