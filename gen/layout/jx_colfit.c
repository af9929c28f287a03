/* jx_colfit.c - columns that fit their content (see jx_colfit.h). */
#include "jx_colfit.h"
#include "jx_i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct colm {
    double lo, hi;           /* min- and max-content, points */
    double unit;             /* the widest piece that must never be cut
                              * (jx_text_unit_width()), points: lo when even
                              * the min-contents do not fit */
    double bmin, bmax;       /* bounds, points (bmax: INFINITY when none) */
    double w;                /* the result */
} colm;

/* Widens m->lo / m->hi by the paragraphs of one cell. */
static void measure_cell(jx_fonts *fonts, const jx_table *t, const jx_cell *cell, colm *m)
{
    const jx_style *st = &cell->style;
    double pad = 2 * t->padding_pt + t->border_pt;
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
        if (lo + pad > m->lo)
            m->lo = lo + pad;
        if (unit + pad > m->unit)
            m->unit = unit + pad;
        if (hi + indent + pad > m->hi)
            m->hi = hi + indent + pad;
    }
}

/* Shares `room` among the fitted columns by the rules of jx_colfit.h. */
static void distribute(colm *c, const int *fit, int n, double room)
{
    double sum_lo = 0, sum_hi = 0;
    for (int j = 0; j < n; j++) {
        if (!fit[j])
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
            c[j].w = fit[j] ? c[j].hi : c[j].w;
        double left = room - sum_hi;
        for (int round = 0; round < 8 && left > 1e-6; round++) {
            double base = 0;
            for (int j = 0; j < n; j++)
                if (fit[j] && c[j].w < c[j].bmax)
                    base += c[j].w;
            if (base <= 0)
                break;
            double given = 0;
            for (int j = 0; j < n; j++) {
                if (!fit[j] || c[j].w >= c[j].bmax)
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
                all += fit[j] ? c[j].w : 0;
            for (int j = 0; j < n && all > 0; j++)
                if (fit[j])
                    c[j].w += left * c[j].w / all;
        }
    } else if (sum_lo <= room) {
        double want = sum_hi - sum_lo;
        for (int j = 0; j < n; j++)
            if (fit[j])
                c[j].w = c[j].lo + (want > 0 ? (room - sum_lo) * (c[j].hi - c[j].lo) / want : 0);
    } else {
        for (int j = 0; j < n; j++)
            if (fit[j])
                c[j].w = sum_lo > 0 ? c[j].lo * room / sum_lo : 0;
    }
}

static jx_status fit_table(jx_fonts *fonts, jx_table *t, double width, jx_diags *d)
{
    int n = t->ncols;
    colm *c = calloc((size_t)n, sizeof *c);
    int *fit = calloc((size_t)n, sizeof *fit);
    if (!c || !fit) {
        free(c);
        free(fit);
        return jx_diag_error(d, JX_ERR_NOMEM, NULL, 0, 0, _("out of memory fitting columns"));
    }
    double units = 0;
    for (int j = 0; j < n; j++)
        units += t->col_widths[j];
    double u = units > 0 ? width / units : 0;
    double room = width;
    for (int j = 0; j < n; j++) {
        fit[j] = t->col_fit[j].fit;
        c[j].bmin = t->col_fit[j].min * u;
        c[j].bmax = t->col_fit[j].max > 0 ? t->col_fit[j].max * u : INFINITY;
        c[j].w = t->col_widths[j] * u;
        if (!fit[j])
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
        if (!fit[j]) {
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
                if (!fit[j])
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
            if (!fit[j] && lo * c[j].unit > c[j].w) {
                room -= lo * c[j].unit - c[j].w;
                c[j].w = lo * c[j].unit;
            }
    }
    if (room > 0) {
        /* One web address or long word (a piece between two allowed breaks
         * wider than the room) would have every fitted column scaled below
         * its min-content, and the text of all of them set smaller to fit
         * (jx_paginate's fitting_size): while the min-contents overflow, the
         * column that gains most by it asks only for what must never be
         * cut (the address then breaks at its joints), the others keeping
         * their min-content. */
        for (;;) {
            double sum_lo = 0, gain = 0;
            int worst = -1;
            for (int j = 0; j < n; j++) {
                if (!fit[j])
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
        distribute(c, fit, n, room);
        for (int j = 0; j < n; j++)
            t->col_widths[j] = c[j].w > 0.01 ? c[j].w : 0.01;
    }
    free(c);
    free(fit);
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

/* The widest piece of a cell's paragraph that its column must hold: a
 * number cell's whole text; else the widest piece between two allowed
 * breaks (unit 0) or the widest that must never be cut (unit 1: a web
 * address breaks at its joints).  Points, -1 as jx_text_width(). */
static double piece_width(jx_fonts *fonts, const jx_cell *cell, const char *text, size_t len,
                          int unit)
{
    const jx_style *st = &cell->style;
    if (cell->kind == JX_CELL_NUMBER)
        return jx_text_width(fonts, st->font_role, st->size_pt, text, len);
    return unit ? jx_text_unit_width(fonts, st->font_role, st->size_pt, text, len)
                : jx_text_min_width(fonts, st->font_role, st->size_pt, text, len);
}

/* Fills need[j] (zeroed here) with what column j of widths w must hold in
 * a table of fixed columns: its tokens' pieces (piece_width() with unit)
 * and three characters, a cell over several columns shared among them. */
static void column_needs(jx_fonts *fonts, const jx_table *t, const double *w, double *need,
                         int unit)
{
    int n = t->ncols;
    for (int j = 0; j < n; j++)
        need[j] = 0;
    double pad = 2 * t->padding_pt + t->border_pt;
    for (size_t k = 0; k < t->ncells; k++) {
        const jx_cell *cell = &t->cells[k];
        if (cell->colspan != 1 || cell->col < 0 || cell->col >= n)
            continue;
        const jx_style *st = &cell->style;
        /* a column gives up no more than leaves it three characters */
        double floor = 3 * st->size_pt + pad;
        if (floor > w[cell->col])
            floor = w[cell->col];
        if (floor > need[cell->col])
            need[cell->col] = floor;
        for (size_t i = 0; i < cell->npara; i++) {
            const char *text = cell->paras[i].text ? cell->paras[i].text : "";
            if (!has_token(text))
                continue;
            size_t len = strlen(text);
            double lo = piece_width(fonts, cell, text, len, unit);
            if (lo >= 0 && lo + pad > need[cell->col])
                need[cell->col] = lo + pad;
        }
    }
    /* a token in a cell over several columns: those columns share it */
    for (size_t k = 0; k < t->ncells; k++) {
        const jx_cell *cell = &t->cells[k];
        if (cell->colspan < 2 || cell->col < 0 || cell->col + cell->colspan > n)
            continue;
        const jx_style *st = &cell->style;
        /* nor do the columns under it leave it less than three characters
         * (a column with no cell of its own had no floor: the value columns
         * of Guanggu's indicators, each under cells over two, shrank to 5 pt) */
        double floor = 3 * st->size_pt + pad, span = 0, held = 0;
        for (int j = cell->col; j < cell->col + cell->colspan; j++) {
            span += w[j];
            held += need[j];
        }
        if (floor > span)
            floor = span;
        if (floor > held && span > 0)
            for (int j = cell->col; j < cell->col + cell->colspan; j++)
                need[j] += (floor - held) * w[j] / span;
        double lo = 0;
        for (size_t i = 0; i < cell->npara; i++) {
            const char *text = cell->paras[i].text ? cell->paras[i].text : "";
            if (!has_token(text))
                continue;
            size_t len = strlen(text);
            double m = piece_width(fonts, cell, text, len, unit);
            if (m + pad > lo)
                lo = m + pad;
        }
        double have = 0, needed = 0;
        for (int j = cell->col; j < cell->col + cell->colspan; j++) {
            have += w[j];
            needed += need[j] > w[j] ? need[j] : w[j];
        }
        if (lo > needed && have > 0)
            for (int j = cell->col; j < cell->col + cell->colspan; j++) {
                double own = need[j] > w[j] ? need[j] : w[j];
                need[j] = own + (lo - needed) * w[j] / have;
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
 * column to three characters.  Nothing changes when every token fits (or when the others
 * have nothing to give). */
static jx_status make_room(jx_fonts *fonts, jx_table *t, double width, jx_diags *d)
{
    int n = t->ncols;
    double *need = calloc((size_t)n, sizeof *need);
    double *unit_need = calloc((size_t)n, sizeof *unit_need);
    double *w = calloc((size_t)n, sizeof *w);
    if (!need || !unit_need || !w) {
        free(need);
        free(unit_need);
        free(w);
        return jx_diag_error(d, JX_ERR_NOMEM, NULL, 0, 0, _("out of memory fitting columns"));
    }
    double units = 0;
    for (int j = 0; j < n; j++)
        units += t->col_widths[j];
    for (int j = 0; j < n; j++)
        w[j] = units > 0 ? t->col_widths[j] * width / units : 0;
    column_needs(fonts, t, w, need, 0);
    column_needs(fonts, t, w, unit_need, 1);
    double deficit, spare;
    for (;;) {
        double gain = 0;
        int worst = -1;
        deficit = spare = 0;
        for (int j = 0; j < n; j++) {
            if (need[j] > w[j] + 1e-6)
                deficit += need[j] - w[j];
            else
                spare += w[j] - need[j];
            if (need[j] - unit_need[j] > gain) {
                gain = need[j] - unit_need[j];
                worst = j;
            }
        }
        if (deficit <= spare || worst < 0)
            break;
        need[worst] = unit_need[worst];
    }
    if (deficit > 0 && spare > 0) {
        double f = deficit < spare ? deficit / spare : 1.0;
        for (int j = 0; j < n; j++) {
            if (need[j] > w[j] + 1e-6)
                w[j] += (need[j] - w[j]) * (deficit < spare ? 1.0 : spare / deficit);
            else
                w[j] -= (w[j] - need[j]) * f;
        }
        for (int j = 0; j < n; j++)
            t->col_widths[j] = w[j] > 0.01 ? w[j] : 0.01;
    }
    free(need);
    free(unit_need);
    free(w);
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
