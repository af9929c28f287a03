/* jx_text.c - shaping, measuring and line breaking (see jx_text.h).
 *
 * Fonts are loaded into roles by jx_fonts.c.
 *
 * Measuring.  A paragraph is split into items: maximal stretches of one face
 * between forced breaks.  Each item is shaped once (LTR, language "zh",
 * script guessed, cluster level "monotone characters") and every cluster's
 * advance is credited to its first character; the breaker only adds those
 * numbers up.  The features that would make the measured width differ from
 * what the PDF back-end draws (libharu places each character's cmap glyph at
 * its hmtx advance) are switched off: kern, liga, clig, calt.
 *
 * Breaking.  jx_text_break_tiers() (jx_linebreak.c) grades every position
 * from "allowed" through "keeps a token together" and "between characters"
 * to "breaks a punctuation rule".  The breaker fills each line greedily and
 * breaks at the rightmost position that fits and is justified: an allowed
 * one, or one whose tier is only worth giving up because the piece it would
 * keep together is wider than a whole line (so 预算|(2020年增设) keeps the
 * group whole, but a 40-letter word is cut to fill the line).  When nothing
 * is justified it takes the rightmost position of the best tier present.
 * Positions inside a shaping cluster are never used; a cluster wider than
 * the line gets a line of its own (jx_text_lines.overflow).  Piece widths
 * per tier level are computed once per paragraph, so breaking is linear in
 * the text plus the backtracking to each chosen break. */
#include "jx_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "jx_fonts_impl.h"
#include "jx_util.h"

/* Longest text accepted by the measuring functions (clusters are 32-bit). */
#define TEXT_MAX ((size_t)1 << 30)
/* At most this many distinct missing characters are reported per call. */
#define MAX_GLYPH_REPORTS 8
/* Widths within this many points of the limit still fit. */
#define WIDTH_EPS 1e-7

/* ---------------------------------------------------------------- helpers */

/* Adds an error to d (when not NULL) and returns st. */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static jx_status report(jx_diags *d, jx_status st, const char *file, int line, int col,
                        const char *fmt, ...)
{
    if (!d)
        return st;
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return jx_diag_error(d, st, file, line, col, "%s", buf);
}

/* -------------------------------------------------------------- paragraph */

enum {
    T_SPACE = 1u << 0,   /* U+0020 or tab: trimmed at line ends */
    T_TAB = 1u << 1,     /* measured as a space, never inside a run */
    T_NEWLINE = 1u << 2, /* '\n', U+2028, U+2029: forced break, not drawn */
    T_CONT = 1u << 3,    /* not the first character of its shaping cluster */
    T_IGNORE = 1u << 4   /* invisible (default ignorable) and in no face:
                            zero width, never inside a run */
};

/* Unicode's Default_Ignorable_Code_Point (ZWSP, ZWJ, BOM, soft hyphen,
 * variation selectors, bidi controls, ...): invisible by definition, so one
 * that no face maps is dropped from the runs instead of being an error. */
static int default_ignorable(uint32_t cp)
{
    return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 ||
           cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
           (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

typedef struct tchar {
    uint32_t cp;
    uint32_t off, end; /* byte range */
    int face;          /* index into fonts->faces; -1: newline, T_IGNORE, error */
    unsigned flags;
    double adv;        /* advance in points (a cluster's on its first character) */
} tchar;

typedef struct para {
    tchar *c;
    size_t n;
} para;

static int joins_previous(uint32_t cp)
{
    if (cp < 0x0300)
        return 0;
    if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x200D ||
        cp == 0x200C || (cp >= 0x1F3FB && cp <= 0x1F3FF))
        return 1;
    hb_unicode_general_category_t gc =
        hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
    return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

static int pick_face(const jx_fonts *fonts, const jx_role *role, uint32_t cp, int prev)
{
    if (prev >= 0 && joins_previous(cp) && jx_face_has_char(fonts->faces[prev], cp))
        return prev;
    for (size_t i = 0; i < role->norder; i++)
        if (jx_face_has_char(fonts->faces[role->order[i]], cp))
            return (int)role->order[i];
    return -1;
}

static void tried_list(const jx_fonts *fonts, const jx_role *role, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < role->norder && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         fonts->faces[role->order[i]]->family);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Shapes c[0..m) (one face, no newline) and stores the advances. */
static jx_status shape_item(const jx_fonts *fonts, hb_buffer_t *buf, tchar *c, size_t m,
                            double size_pt)
{
    const jx_face *face = fonts->faces[c[0].face];
    hb_buffer_clear_contents(buf);
    hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_UNICODE);
    for (size_t k = 0; k < m; k++) {
        hb_buffer_add(buf, (c[k].flags & T_TAB) ? ' ' : c[k].cp, (unsigned)k);
        c[k].flags |= T_CONT;
        c[k].adv = 0.0;
    }
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_language(buf, fonts->lang);
    hb_buffer_guess_segment_properties(buf);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    if (!hb_buffer_allocation_successful(buf))
        return JX_ERR_NOMEM;
    hb_shape(face->hb_font, buf, jx_shape_features, JX_NSHAPE_FEATURES);
    if (!hb_buffer_allocation_successful(buf))
        return JX_ERR_NOMEM;
    unsigned ng = 0;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &ng);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &ng);
    double scale = size_pt / face->upem;
    for (unsigned g = 0; g < ng; g++) {
        size_t k = info[g].cluster;
        if (k >= m)
            return JX_ERR_INTERNAL;
        c[k].flags &= ~(unsigned)T_CONT;
        c[k].adv += pos[g].x_advance * scale;
    }
    return JX_OK;
}

static void para_free(para *p)
{
    free(p->c);
    p->c = NULL;
    p->n = 0;
}

/* Decodes, picks a face for and measures every character of text.  Errors
 * (invalid UTF-8, control or missing characters) go to d when not NULL. */
static jx_status para_prepare(const jx_fonts *fonts, const jx_role *role, double size_pt,
                              const char *text, size_t len, para *p, jx_diags *d,
                              const char *what, const char *file, int line, int col)
{
    memset(p, 0, sizeof *p);
    if (!what)
        what = "text";
    if (len > TEXT_MAX)
        return report(d, JX_ERR_LIMIT, file, line, col, "%s: text of %zu bytes is too long",
                      what, len);
    size_t n = 0, pos = 0;
    uint32_t cp;
    while (pos < len) {
        if (!jx_utf8_next(text, len, &pos, &cp))
            return report(d, JX_ERR_SYNTAX, file, line, col,
                          "%s: invalid UTF-8 at byte offset %zu", what, pos);
        n++;
    }
    tchar *c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return report(d, JX_ERR_NOMEM, file, line, col, "out of memory");
    jx_status status = JX_OK;
    uint32_t reported[MAX_GLYPH_REPORTS];
    size_t nreported = 0, more = 0;
    int prev = -1;
    pos = 0;
    for (size_t k = 0; k < n; k++) {
        c[k].off = (uint32_t)pos;
        jx_utf8_next(text, len, &pos, &c[k].cp);
        c[k].end = (uint32_t)pos;
        cp = c[k].cp;
        c[k].face = -1;
        if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
            c[k].flags = T_NEWLINE;
            prev = -1;
            continue;
        }
        if (cp == '\t')
            c[k].flags = T_SPACE | T_TAB;
        else if (cp == ' ')
            c[k].flags = T_SPACE;
        int control = (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
        if (!control) {
            c[k].face = pick_face(fonts, role, (c[k].flags & T_TAB) ? ' ' : cp, prev);
            if (c[k].face < 0 && default_ignorable(cp)) {
                c[k].flags |= T_IGNORE;
                continue;
            }
            prev = c[k].face;
            if (c[k].face >= 0)
                continue;
        }
        /* each distinct bad character once, at most MAX_GLYPH_REPORTS */
        status = JX_ERR_GLYPH;
        int seen = 0;
        for (size_t i = 0; i < nreported; i++)
            seen |= reported[i] == cp;
        if (seen)
            continue;
        if (nreported == MAX_GLYPH_REPORTS) {
            more++;
            continue;
        }
        reported[nreported++] = cp;
        if (control) {
            report(d, JX_ERR_GLYPH, file, line, col,
                   "%s: control character U+%04X (character %zu) cannot be drawn; only line "
                   "feeds and tabs are allowed in text",
                   what, (unsigned)cp, k + 1);
        } else {
            char tried[1024];
            tried_list(fonts, role, tried, sizeof tried);
            report(d, JX_ERR_GLYPH, file, line, col,
                   "%s: character U+%04X '%.*s' (character %zu) is not in any configured "
                   "font (tried %s)",
                   what, (unsigned)cp, (int)(c[k].end - c[k].off), text + c[k].off, k + 1,
                   tried);
        }
    }
    if (more)
        report(d, JX_ERR_GLYPH, file, line, col,
               "%s: %zu more occurrences of other characters that cannot be drawn", what,
               more);
    if (status != JX_OK) {
        free(c);
        return status;
    }

    hb_buffer_t *buf = hb_buffer_create();
    if (!hb_buffer_allocation_successful(buf)) {
        hb_buffer_destroy(buf);
        free(c);
        return report(d, JX_ERR_NOMEM, file, line, col, "out of memory");
    }
    for (size_t i = 0; i < n && status == JX_OK;) {
        if (c[i].face < 0) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && c[j].face == c[i].face)
            j++;
        status = shape_item(fonts, buf, c + i, j - i, size_pt);
        i = j;
    }
    hb_buffer_destroy(buf);
    if (status != JX_OK) {
        free(c);
        return report(d, status, file, line, col, "%s: shaping failed (%s)", what,
                      jx_status_str(status));
    }
    p->c = c;
    p->n = n;
    return JX_OK;
}

/* Grades of the positions after each character (see jx_text_break_tiers),
 * with positions inside a shaping cluster made JX_TIER_NEVER.  Returns a new
 * array of p->n entries or NULL. */
static unsigned char *para_tiers(const para *p, const char *text, size_t len, jx_status *st)
{
    unsigned char *bytes = malloc(len ? len : 1);
    unsigned char *t = malloc(p->n ? p->n : 1);
    if (!bytes || !t) {
        free(bytes);
        free(t);
        *st = JX_ERR_NOMEM;
        return NULL;
    }
    *st = jx_text_break_tiers(text, len, bytes);
    if (*st != JX_OK) {
        free(bytes);
        free(t);
        return NULL;
    }
    for (size_t k = 0; k < p->n; k++) {
        t[k] = bytes[p->c[k].end - 1];
        if (k + 1 < p->n && (p->c[k + 1].flags & T_CONT))
            t[k] = JX_TIER_NEVER;
    }
    free(bytes);
    return t;
}

/* Width of c[s..e) with spaces at both ends trimmed. */
static double trimmed_width(const tchar *c, size_t s, size_t e)
{
    while (s < e && (c[s].flags & T_SPACE))
        s++;
    while (e > s && (c[e - 1].flags & T_SPACE))
        e--;
    double w = 0.0;
    for (size_t k = s; k < e; k++)
        w += c[k].adv;
    return w;
}

/* ------------------------------------------------------------- breaking */

typedef struct builder {
    const para *p;
    const jx_fonts *fonts;
    double max_width;
    jx_text_lines *out;
    size_t lcap, rcap;
} builder;

static jx_status push_run(builder *b, const jx_text_run *run)
{
    jx_text_lines *o = b->out;
    if (o->nruns == b->rcap) {
        size_t cap = b->rcap ? b->rcap * 2 : 16;
        jx_text_run *r = realloc(o->runs, cap * sizeof *r);
        if (!r)
            return JX_ERR_NOMEM;
        o->runs = r;
        b->rcap = cap;
    }
    o->runs[o->nruns++] = *run;
    return JX_OK;
}

/* Appends the line of characters [s, e) (spaces at its ends trimmed; an
 * all-space line is empty and sits at byte `empty_at`). */
static jx_status emit_line(builder *b, size_t s, size_t e, size_t empty_at)
{
    const tchar *c = b->p->c;
    jx_text_lines *o = b->out;
    while (s < e && (c[s].flags & T_SPACE))
        s++;
    while (e > s && (c[e - 1].flags & T_SPACE))
        e--;
    if (o->nlines == b->lcap) {
        size_t cap = b->lcap ? b->lcap * 2 : 8;
        jx_text_line *l = realloc(o->lines, cap * sizeof *l);
        if (!l)
            return JX_ERR_NOMEM;
        o->lines = l;
        b->lcap = cap;
    }
    jx_text_line line = {0};
    line.start = s < e ? c[s].off : empty_at;
    line.end = s < e ? c[e - 1].end : empty_at;
    line.first_run = o->nruns;
    double x = 0.0;
    jx_text_run run = {0};
    int open = 0;
    for (size_t k = s; k < e; k++) {
        int hidden = (c[k].flags & (T_TAB | T_IGNORE)) != 0;
        if (open && (hidden || run.face != b->fonts->faces[c[k].face])) {
            if (push_run(b, &run) != JX_OK)
                return JX_ERR_NOMEM;
            open = 0;
        }
        if (!hidden) {
            if (!open) {
                run.start = c[k].off;
                run.face = b->fonts->faces[c[k].face];
                run.x = x;
                run.width = 0.0;
                open = 1;
            }
            run.end = c[k].end;
            run.width += c[k].adv;
        }
        x += c[k].adv;
    }
    if (open && push_run(b, &run) != JX_OK)
        return JX_ERR_NOMEM;
    line.nruns = o->nruns - line.first_run;
    line.width = x;
    if (x > b->max_width + WIDTH_EPS)
        o->overflow = 1;
    o->lines[o->nlines++] = line;
    return JX_OK;
}

/* Levels whose piece widths the breaker needs: JX_TIER_ALLOW..JX_TIER_LAST
 * (a position of tier t is justified by its level t-1 piece). */
#define NLEVELS (JX_TIER_PAIR - JX_TIER_ALLOW)

/* pw[(L - JX_TIER_ALLOW) * n + k]: width of the level-L piece holding
 * character k, for the characters [a, b) of one segment. */
static void piece_widths(const tchar *c, size_t n, const unsigned char *tier, size_t a, size_t b,
                         double *pw)
{
    for (int level = JX_TIER_ALLOW; level < JX_TIER_PAIR; level++) {
        double *w = pw + (size_t)(level - JX_TIER_ALLOW) * n;
        size_t ps = a;
        for (size_t k = a; k < b; k++) {
            if (k + 1 == b || tier[k] <= level) {
                double pwidth = trimmed_width(c, ps, k + 1);
                for (size_t i = ps; i <= k; i++)
                    w[i] = pwidth;
                ps = k + 1;
            }
        }
    }
}

/* Breaks the characters [a, b) (no newline inside) into lines. */
static jx_status break_segment(builder *bl, const unsigned char *tier, double *pw, size_t a,
                               size_t b)
{
    const tchar *c = bl->p->c;
    const size_t n = bl->p->n;
    const double limit = bl->max_width + WIDTH_EPS;
    piece_widths(c, n, tier, a, b, pw);
    int emitted = 0;
    size_t k = a;
    for (;;) {
        size_t s = k;
        while (s < b && (c[s].flags & T_SPACE))
            s++;
        if (s == b)
            return emitted ? JX_OK : emit_line(bl, a, b, c[a].off);
        /* best[t]: the last position p (line = [s, p)) of tier t that fits;
         * justified: the last one that may be used (see jx_text.h) */
        size_t best[JX_TIER_NEVER + 1] = {0};
        size_t justified = 0;
        double w = 0.0;
        size_t j = s;
        while (j < b) {
            double nw = w + c[j].adv;
            if (j > s && !(c[j].flags & T_SPACE) && nw > limit)
                break;
            w = nw;
            j++;
            if (j == b)
                break;
            unsigned t = tier[j - 1];
            if (t > JX_TIER_NEVER)
                continue;
            best[t] = j;
            if (t <= JX_TIER_ALLOW ||
                (t <= JX_TIER_PAIR &&
                 pw[(size_t)(t - 1 - JX_TIER_ALLOW) * n + (j - 1)] > limit))
                justified = j;
        }
        if (j == b)
            return emit_line(bl, s, b, c[s].off);
        size_t p = justified;
        for (int t = JX_TIER_MUST; t <= JX_TIER_PAIR && !p; t++)
            p = best[t];
        if (!p) {
            /* one cluster wider than the line: it gets a line of its own */
            p = j;
            while (p < b && tier[p - 1] == JX_TIER_NEVER)
                p++;
        }
        jx_status st = emit_line(bl, s, p, c[s].off);
        if (st != JX_OK)
            return st;
        emitted = 1;
        k = p;
    }
}

/* Calls fn for each newline-separated segment [a, b) of p; an empty segment
 * followed by a newline is passed too, the empty one at the end is not. */
typedef jx_status (*segment_fn)(void *ctx, size_t a, size_t b);

static jx_status for_each_segment(const para *p, segment_fn fn, void *ctx)
{
    size_t k = 0;
    while (k < p->n) {
        size_t e = k;
        while (e < p->n && !(p->c[e].flags & T_NEWLINE))
            e++;
        jx_status st = fn(ctx, k, e);
        if (st != JX_OK)
            return st;
        k = e + 1;
    }
    return JX_OK;
}

typedef struct break_ctx {
    builder *bl;
    const unsigned char *tier;
    double *pw;
} break_ctx;

static jx_status break_fn(void *ctx, size_t a, size_t b)
{
    break_ctx *x = ctx;
    if (a == b) /* an empty line between two newlines */
        return emit_line(x->bl, a, a, x->bl->p->c[a].off);
    return break_segment(x->bl, x->tier, x->pw, a, b);
}

void jx_text_lines_free(jx_text_lines *lines)
{
    if (!lines)
        return;
    free(lines->lines);
    free(lines->runs);
    memset(lines, 0, sizeof *lines);
}

jx_status jx_text_break(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                        size_t len, double max_width_pt, jx_text_lines *out, jx_diags *d,
                        const char *what, const char *file, int line, int col)
{
    if (!out)
        return report(d, JX_ERR_INTERNAL, file, line, col, "jx_text_break: NULL output");
    memset(out, 0, sizeof *out);
    if (!fonts || (!text && len > 0))
        return report(d, JX_ERR_INTERNAL, file, line, col, "jx_text_break: NULL argument");
    if (!(size_pt > 0.0) || !isfinite(size_pt) || isnan(max_width_pt) || max_width_pt < 0.0)
        return report(d, JX_ERR_INTERNAL, file, line, col,
                      "%s: invalid text size %g pt or width %g pt", what ? what : "text",
                      size_pt, max_width_pt);
    const jx_role *r = jx_fonts_role(fonts, role);
    if (!r || r->nown == 0)
        return report(d, JX_ERR_FONT, file, line, col, "%s: no font configured for role '%s'",
                      what ? what : "text", role ? role : "(null)");
    double line_height = jx_fonts_line_height(fonts, role, size_pt);
    double ascent = jx_fonts_ascent(fonts, role, size_pt);
    out->line_height = line_height;
    out->ascent = ascent;
    if (len == 0)
        return JX_OK;

    para p;
    jx_status st = para_prepare(fonts, r, size_pt, text, len, &p, d, what, file, line, col);
    if (st != JX_OK)
        return st;
    unsigned char *tier = para_tiers(&p, text, len, &st);
    if (!tier) {
        para_free(&p);
        return report(d, st, file, line, col, "%s: line breaking failed (%s)",
                      what ? what : "text", jx_status_str(st));
    }
    builder bl = {.p = &p, .fonts = fonts, .max_width = max_width_pt, .out = out};
    break_ctx ctx = {.bl = &bl, .tier = tier, .pw = malloc(NLEVELS * p.n * sizeof(double))};
    st = ctx.pw ? for_each_segment(&p, break_fn, &ctx) : JX_ERR_NOMEM;
    free(ctx.pw);
    free(tier);
    para_free(&p);
    if (st != JX_OK) {
        jx_text_lines_free(out);
        return report(d, st, file, line, col, "%s: line breaking failed (%s)",
                      what ? what : "text", jx_status_str(st));
    }
    out->line_height = line_height;
    out->ascent = ascent;
    return JX_OK;
}

typedef struct width_ctx {
    const para *p;
    const unsigned char *tier; /* NULL: whole segments */
    double max;
} width_ctx;

static jx_status width_fn(void *ctx, size_t a, size_t b)
{
    width_ctx *x = ctx;
    size_t s = a;
    for (size_t k = a; k < b; k++) {
        if (k + 1 == b || (x->tier && x->tier[k] <= JX_TIER_ALLOW)) {
            double w = trimmed_width(x->p->c, s, k + 1);
            if (w > x->max)
                x->max = w;
            s = k + 1;
        }
    }
    return JX_OK;
}

/* The widest segment (min_content = 0) or piece between allowed breaks. */
static double measure(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                      size_t len, int min_content)
{
    const jx_role *r = jx_fonts_role(fonts, role);
    if (!r || r->nown == 0 || (!text && len > 0) || !(size_pt > 0.0) || !isfinite(size_pt))
        return -1.0;
    if (len == 0)
        return 0.0;
    para p;
    if (para_prepare(fonts, r, size_pt, text, len, &p, NULL, NULL, NULL, 0, 0) != JX_OK)
        return -1.0;
    unsigned char *tier = NULL;
    if (min_content) {
        jx_status st;
        tier = para_tiers(&p, text, len, &st);
        if (!tier) {
            para_free(&p);
            return -1.0;
        }
    }
    width_ctx ctx = {.p = &p, .tier = tier, .max = 0.0};
    for_each_segment(&p, width_fn, &ctx);
    free(tier);
    para_free(&p);
    return ctx.max;
}

double jx_text_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                     size_t len)
{
    return measure(fonts, role, size_pt, text, len, 0);
}

double jx_text_min_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                         size_t len)
{
    return measure(fonts, role, size_pt, text, len, 1);
}
