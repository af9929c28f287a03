/* jx_text.c - shaping, measuring and line breaking (see jx_text.h).
 *
 * Fonts are loaded into roles by jx_fonts.c; this file sees them only
 * through jx_fonts.h (the faces a role tries, shaping, the punctuation
 * marks' ink).
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
 * the text plus the backtracking to each chosen break.
 *
 * Composing (jx_text_opts; see jx_text.h).  Punctuation compression sets
 * the advances once per paragraph (compress_punctuation).  Each segment
 * (text between forced breaks) is broken greedily into spans, balanced
 * when asked (a bisection on the width, re-running the greedy pass), and
 * its last line is kept from being lonely (fix_lonely); then each line is
 * emitted: squeezed at its edges when it fits only so, justified when
 * asked (emit_line), and split into runs as the drawing needs. */
#include "jx_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "jx_util.h"
#include "jx_i18n.h"

/* Longest text accepted by the measuring functions (clusters are 32-bit). */
#define TEXT_MAX ((size_t)1 << 30)
/* At most this many distinct missing characters are reported per call. */
#define MAX_GLYPH_REPORTS 8
/* Widths within this many points of the limit still fit. */
#define WIDTH_EPS JX_TEXT_WIDTH_EPS

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
    T_IGNORE = 1u << 4,  /* invisible (default ignorable) and in no face:
                            zero width, never inside a run */
    T_SHRUNK = 1u << 5,  /* advance narrower than the glyph's own (punctuation
                            compression): a run of its own, with negative
                            character spacing */
    T_NARROW = 1u << 6,  /* Latin letter, digit, ASCII sign or space: no
                            justification space between two of them */
    T_ENUM = 1u << 7,    /* opens an enumeration item "（2）": with
                            jx_text_opts.enum_lines a line starts here */
    T_UNIT = 1u << 8,    /* a unit word starts here (jx_units.h; set with the
                            tiers, para_tiers) */
    T_IN_UNIT = 1u << 9  /* the position after it is inside a unit word */
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
    int face;          /* the face (jx_fonts_face); -1: newline, T_IGNORE, error */
    unsigned flags;
    double adv;        /* advance in points (a cluster's on its first character),
                          after punctuation compression */
    double lb, rb;     /* compressible blank left/right of a full-width
                          punctuation glyph (points, <= half an em), else 0 */
    double full;       /* the glyph's own advance (before compression) */
} tchar;

typedef struct para {
    tchar *c;
    size_t n;
    const jx_units *units; /* the font set's unit words */
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

/* Characters drawn with a role's companion Latin face: ASCII letters,
 * digits and signs, and the Latin letters of Latin-1 and Latin Extended
 * (a space only between two of them: see pick_face). */
static int latin_char(uint32_t cp)
{
    return (cp > 0x20 && cp < 0x7F) || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

/* The face (index for jx_fonts_face) that draws cp in `role`, after a
 * character drawn with face `prev` (-1: none): prev for a combining mark
 * it has, the role's Latin face for a Latin character (and a space
 * between two), else the first face of the role's order that has it; -1
 * when none has. */
static int pick_face(const jx_fonts *fonts, const jx_role *role, uint32_t cp, int prev)
{
    if (prev >= 0 && joins_previous(cp) && jx_face_has_char(jx_fonts_face(fonts, (size_t)prev), cp))
        return prev;
    int latin = jx_role_latin(role);
    if (latin >= 0 && (latin_char(cp) || (cp == ' ' && prev == latin)) &&
        jx_face_has_char(jx_fonts_face(fonts, (size_t)latin), cp))
        return latin;
    size_t n;
    const size_t *order = jx_role_order(role, &n);
    for (size_t i = 0; i < n; i++)
        if (jx_face_has_char(jx_fonts_face(fonts, order[i]), cp))
            return (int)order[i];
    return -1;
}

static void tried_list(const jx_fonts *fonts, const jx_role *role, char *buf, size_t size)
{
    size_t used = 0, norder;
    const size_t *order = jx_role_order(role, &norder);
    buf[0] = '\0';
    for (size_t i = 0; i < norder && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         jx_face_family(jx_fonts_face(fonts, order[i])));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Shapes c[0..m) (one face, no newline) and stores the advances. */
static jx_status shape_item(const jx_fonts *fonts, hb_buffer_t *buf, tchar *c, size_t m,
                            double size_pt)
{
    const jx_face *face = jx_fonts_face(fonts, (size_t)c[0].face);
    hb_buffer_clear_contents(buf);
    hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_UNICODE);
    for (size_t k = 0; k < m; k++) {
        hb_buffer_add(buf, (c[k].flags & T_TAB) ? ' ' : c[k].cp, (unsigned)k);
        c[k].flags |= T_CONT;
        c[k].adv = 0.0;
    }
    jx_status st = jx_face_shape(face, buf);
    if (st != JX_OK)
        return st;
    unsigned ng = 0;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &ng);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &ng);
    double scale = size_pt / jx_face_upem(face);
    for (unsigned g = 0; g < ng; g++) {
        size_t k = info[g].cluster;
        if (k >= m)
            return JX_ERR_INTERNAL;
        c[k].flags &= ~(unsigned)T_CONT;
        c[k].adv += pos[g].x_advance * scale;
    }
    return JX_OK;
}

/* Opening brackets and quotes: the marks whose left blank the character
 * before them may take inside a line (inner_cut).  A line start never
 * gives it up (nor any mark's): text is set in table cells, and a bracket
 * drawn into the cell's inset comes nearer than an em to the text of the
 * cell beside it, so that text extraction (poppler) reads the two cells as
 * one block (issue #11). */
static int opening_mark(uint32_t cp)
{
    switch (cp) {
    case 0xFF08: case 0x300A: case 0x300C: case 0x300E: case 0x201C: case 0x2018:
    case 0x3010: case 0x3014: case 0x3008: case 0x3016: case 0xFF3B: case 0xFF5B:
        return 1;
    default:
        return 0;
    }
}

/* Characters between which justification adds no space: ASCII (letters,
 * digits, signs, space), Latin and Greek letters, full-width digits and
 * letters, and the signs that belong to numbers. */
static int narrow_class(uint32_t cp)
{
    return (cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0x24F) ||
           (cp >= 0x370 && cp <= 0x3FF) || (cp >= 0xFF10 && cp <= 0xFF19) ||
           (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A) || cp == 0xFF05 ||
           cp == 0xFF0E || cp == 0x2030 || cp == 0x2103 || cp == 0x2265 || cp == 0x2264 ||
           cp == 0x2212 || cp == 0x2013 || cp == '\t';
}

static int enum_digit(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19) || cp == 0x4E00 ||
           cp == 0x4E8C || cp == 0x4E09 || cp == 0x56DB || cp == 0x4E94 || cp == 0x516D ||
           cp == 0x4E03 || cp == 0x516B || cp == 0x4E5D || cp == 0x5341;
}

/* Sets T_NARROW, and T_ENUM on the "（" or "(" of an enumeration item
 * "（2）" / "(2)" / "（二）" (one to three numerals) that does not begin
 * the text or follow a line break. */
static void mark_classes(tchar *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (narrow_class(c[k].cp))
            c[k].flags |= T_NARROW;
        if ((c[k].cp != 0xFF08 && c[k].cp != '(') || k == 0)
            continue;
        size_t m = k + 1;
        while (m < n && m <= k + 3 && enum_digit(c[m].cp))
            m++;
        uint32_t close = c[k].cp == '(' ? ')' : 0xFF09;
        if (m == k + 1 || m >= n || (c[m].cp != close && c[m].cp != ')' && c[m].cp != 0xFF09))
            continue;
        size_t b = k;
        while (b > 0 && (c[b - 1].flags & T_SPACE))
            b--;
        if (b > 0 && !(c[b - 1].flags & T_NEWLINE))
            c[k].flags |= T_ENUM;
    }
}

/* Punctuation compression (clreq 3.1.6).  For each compressible full-width
 * mark (jx_face_punct_ink; advance >= 0.9 em, ink at most 0.6 em wide) records
 * the blank on each side of its ink, at most half an em (from the glyph's
 * extents, measured once per face when it is loaded, so that it works for
 * mainland fonts, whose ，。 sit in the left half, and for fonts that centre
 * them).  Then two adjacent marks ("）、" "，「" "。”" "）（") are set closer:
 * the pair loses half an em of the blank between its two inks (all of it
 * when there is less), so that the pair is one and a half ems wide and its
 * combined blank half an em, as clreq asks.  The loss is taken from the
 * first mark's advance (the second glyph moves left; the PDF device draws
 * a narrowed mark with a narrower width of its own, so that text
 * extraction sees no overlap), and counts as used right blank of the first
 * mark for line-end compression.  The second mark keeps its left blank: a
 * line that starts with it ("导入。/（2）" under jx_text_opts.enum_lines)
 * draws it at full width. */
static void compress_punctuation(const jx_fonts *fonts, tchar *c, size_t n, double size_pt)
{
    const double half = size_pt / 2;
    for (size_t k = 0; k < n; k++) {
        c[k].lb = c[k].rb = 0.0;
        c[k].full = c[k].adv;
        if (c[k].face < 0 || (c[k].flags & T_CONT) || (k + 1 < n && (c[k + 1].flags & T_CONT)) ||
            c[k].adv < 0.9 * size_pt)
            continue;
        const jx_face *f = jx_fonts_face(fonts, (size_t)c[k].face);
        int ink_x, ink_wu;
        if (jx_face_punct_ink(f, c[k].cp, &ink_x, &ink_wu) <= 0)
            continue;
        double scale = size_pt / jx_face_upem(f);
        double ink_l = ink_x * scale, ink_w = ink_wu * scale;
        if (ink_w > 0.6 * size_pt || ink_l < 0)
            continue;
        double lb = ink_l, rb = c[k].adv - ink_l - ink_w;
        c[k].lb = lb < 0 ? 0 : lb > half ? half : lb;
        c[k].rb = rb < 0 ? 0 : rb > half ? half : rb;
    }
    for (size_t k = 0; k + 1 < n; k++) {
        tchar *a = &c[k], *b = &c[k + 1];
        if ((a->lb == 0 && a->rb == 0) || (b->lb == 0 && b->rb == 0))
            continue;
        double cut = a->rb + b->lb < half ? a->rb + b->lb : half;
        if (cut <= 0)
            continue;
        a->adv -= cut;
        a->rb -= cut < a->rb ? cut : a->rb;
        a->flags |= T_SHRUNK;
    }
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
        return report(d, JX_ERR_NOMEM, file, line, col, _("out of memory"));
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
                   _("%s: control character U+%04X (character %zu) cannot be drawn; only line "
                     "feeds and tabs are allowed in text"),
                   what, (unsigned)cp, k + 1);
        } else {
            char tried[1024];
            tried_list(fonts, role, tried, sizeof tried);
            report(d, JX_ERR_GLYPH, file, line, col,
                   _("%s: character U+%04X '%.*s' (character %zu) is not in any configured "
                     "font (tried %s)"),
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
        return report(d, JX_ERR_NOMEM, file, line, col, _("out of memory"));
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
    mark_classes(c, n);
    compress_punctuation(fonts, c, n, size_pt);
    p->c = c;
    p->n = n;
    p->units = jx_fonts_units(fonts);
    return JX_OK;
}

/* Grades of the positions after each character (see jx_text_break_tiers),
 * with positions inside a shaping cluster made JX_TIER_NEVER; and T_UNIT /
 * T_IN_UNIT on p's characters from the unit words the line breaker found
 * (the paragraph is searched for them once, there).  Returns a new array of
 * p->n entries or NULL. */
static unsigned char *para_tiers(para *p, const char *text, size_t len, jx_status *st)
{
    unsigned char *bytes = malloc(len ? len : 1);
    unsigned char *t = malloc(p->n ? p->n : 1);
    jx_unit_mark *um = malloc((p->n ? p->n : 1) * sizeof *um);
    if (!bytes || !t || !um) {
        free(bytes);
        free(t);
        free(um);
        *st = JX_ERR_NOMEM;
        return NULL;
    }
    *st = jx_text_break_tiers_marks(text, len, p->units, bytes, um);
    if (*st != JX_OK) {
        free(bytes);
        free(t);
        free(um);
        return NULL;
    }
    for (size_t k = 0; k < p->n; k++) {
        t[k] = bytes[p->c[k].end - 1];
        if (k + 1 < p->n && (p->c[k + 1].flags & T_CONT))
            t[k] = JX_TIER_NEVER;
        if (um[k].len)
            p->c[k].flags |= T_UNIT;
        if (um[k].inside)
            p->c[k].flags |= T_IN_UNIT;
    }
    free(bytes);
    free(um);
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

/* A justified line gets at most this much space per gap (em); a line that
 * would need more is set flush left (clreq: letter-spacing that wide reads
 * as separate words; 0.15 em is where a reader, and poppler, sees gaps). */
#define JUSTIFY_MAX_EM 0.14
/* Balancing applies to segments of at most this many lines. */
#define BALANCE_MAX_LINES 4

typedef struct span {
    size_t s, e;             /* a line: characters [s, e), spaces trimmed */
} span;

typedef struct builder {
    para *p;
    const jx_fonts *fonts;
    double max_width;
    double size_pt;
    jx_text_opts opts;
    jx_text_lines *out;
    size_t lcap, rcap;
    const unsigned char *tier;
    double *pw;              /* piece widths (piece_widths) */
    span *lines, *trial;     /* scratch, p->n + 1 entries each */
} builder;

static jx_status push_run(builder *b, const jx_text_run *run)
{
    jx_text_lines *o = b->out;
    jx_text_run *r = jx_grow(o->runs, &b->rcap, o->nruns, sizeof *r, 16);
    if (!r)
        return JX_ERR_NOMEM;
    o->runs = r;
    o->runs[o->nruns++] = *run;
    return JX_OK;
}

/* What a reader does not count as a character of a line's text: spaces
 * and punctuation (a last line of "约。" holds one character). */
static int lone_punct(uint32_t cp)
{
    static const uint32_t set[] = {
        0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0x2026, 0x2014, 0x00B7,
        0xFF09, 0x300D, 0x300F, 0x300B, 0x3009, 0x3011, 0x3015, 0x201D, 0x2019, ',',
        '.',    ';',    ':',    '?',    '!',    ')',    '%',    0xFF05, 0xFF08, 0x300C,
        0x300E, 0x300A, 0x3008, 0x3010, 0x3014, 0x201C, 0x2018, '('};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return 1;
    return 0;
}

/* The characters of c[s..e) a reader counts (see lone_punct). */
static size_t word_chars(const tchar *c, size_t s, size_t e)
{
    size_t n = 0;
    for (size_t k = s; k < e; k++)
        n += !(c[k].flags & (T_SPACE | T_CONT | T_IGNORE | T_NEWLINE)) && !lone_punct(c[k].cp);
    return n;
}

static size_t skip_spaces(const tchar *c, size_t s, size_t e)
{
    while (s < e && (c[s].flags & T_SPACE))
        s++;
    return s;
}

/* How much the advance of c[k], not the last character of its line, may
 * still be compressed: the rest of a mark's right blank (at most half an
 * em in all, see compress_punctuation), and before an opening bracket
 * (never the first of the line) that bracket's left blank, taken from the
 * advance of the character before it as compress_punctuation does. */
static double inner_cut(const tchar *c, size_t k)
{
    double cut = c[k].rb > 0 ? c[k].rb : 0.0;
    if (!(c[k].flags & (T_CONT | T_SPACE | T_IGNORE | T_TAB)) && opening_mark(c[k + 1].cp) &&
        c[k + 1].lb > 0)
        cut += c[k + 1].lb;
    return cut;
}

/* The width of c[s..e) on a line of its own: spaces at its ends trimmed,
 * the blank of a closing mark at its end compressed (clreq 3.1.6:
 * line-edge compression; an opening bracket at its start keeps its blank,
 * see opening_mark). */
static double edge_width(const tchar *c, size_t s, size_t e)
{
    s = skip_spaces(c, s, e);
    while (e > s && (c[e - 1].flags & T_SPACE))
        e--;
    if (s == e)
        return 0.0;
    return trimmed_width(c, s, e) - c[e - 1].rb;
}

/* Whether c[s..e) fits in `limit` points, compressing the blank of closing
 * punctuation at its end (clreq 3.1.6: line-edge compression; see
 * edge_width), and with `inner` also some of the right
 * blank of the punctuation inside it (inner_cut). */
static int line_fits(const tchar *c, size_t s, size_t e, double limit, int inner)
{
    s = skip_spaces(c, s, e);
    while (e > s && (c[e - 1].flags & T_SPACE))
        e--;
    if (s == e)
        return 1;
    double w = edge_width(c, s, e);
    if (inner)
        for (size_t k = s; k + 1 < e; k++)
            w -= inner_cut(c, k);
    return w <= limit;
}

/* The end of the line that starts at s (a non-space character) within
 * [s, b), for a width limit (see jx_text.h for the rule). */
static size_t line_end(const builder *bl, size_t s, size_t b, double limit)
{
    const tchar *c = bl->p->c;
    const unsigned char *tier = bl->tier;
    const size_t n = bl->p->n;
    /* best[t]: the last position p (line = [s, p)) of tier t that fits;
     * justified: the last one that may be used (see jx_text.h) */
    size_t best[JX_TIER_NEVER + 1] = {0};
    size_t justified = 0;
    double w = 0.0;
    size_t j = s;
    while (j < b) {
        double nw = w + c[j].adv;
        if (j > s && !(c[j].flags & T_SPACE) &&
            nw - c[j].rb > limit)
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
            (t <= JX_TIER_PAIR && bl->pw[(size_t)(t - 1 - JX_TIER_ALLOW) * n + (j - 1)] > limit))
            justified = j;
    }
    if (j == b)
        return b;
    size_t p = justified;
    for (int t = JX_TIER_MUST; t <= JX_TIER_PAIR && !p; t++)
        p = best[t];
    if (!p) {
        /* one cluster wider than the line: it gets a line of its own */
        p = j;
        while (p < b && tier[p - 1] == JX_TIER_NEVER)
            p++;
    }
    return p;
}

/* Greedy breaking of [a, b) (no forced break inside, not all spaces) at
 * `limit` into out[]; returns the number of lines and the worst tier used
 * in *worst. */
static size_t greedy(const builder *bl, size_t a, size_t b, double limit, span *out,
                     unsigned *worst)
{
    const tchar *c = bl->p->c;
    size_t n = 0, k = a;
    *worst = JX_TIER_MUST;
    for (;;) {
        size_t s = skip_spaces(c, k, b);
        if (s == b)
            return n;
        size_t p = line_end(bl, s, b, limit);
        size_t e = p;
        while (e > s && (c[e - 1].flags & T_SPACE))
            e--;
        out[n++] = (span){s, e};
        if (p < b && bl->tier[p - 1] > *worst)
            *worst = bl->tier[p - 1];
        k = p;
    }
}

/* The worst break tier between the lines of L[0..n). */
static unsigned worst_tier(const builder *bl, const span *L, size_t n)
{
    unsigned w = JX_TIER_MUST;
    for (size_t i = 0; i + 1 < n; i++) {
        size_t p = L[i + 1].s;
        while (p > L[i].e && (bl->p->c[p - 1].flags & T_SPACE))
            p--;
        if (bl->tier[p - 1] > w)
            w = bl->tier[p - 1];
    }
    return w;
}

/* Balancing (jx_text_opts.balance): the narrowest width at which the
 * segment still takes as many lines, with no worse breaks, so that the
 * lines of a short heading come out even ("半年（程）/计划执行数" rather
 * than "半年（程）计划执行/数").  Replaces L[0..n) when it finds one. */
static void balance(const builder *bl, size_t a, size_t b, span *L, size_t n)
{
    if (n < 2 || n > BALANCE_MAX_LINES)
        return;
    const tchar *c = bl->p->c;
    unsigned worst = worst_tier(bl, L, n);
    double lo = trimmed_width(c, a, b) / (double)n, hi = bl->max_width;
    int found = 0;
    for (int it = 0; it < 14 && hi - lo > 0.05; it++) {
        double mid = (lo + hi) / 2;
        unsigned w;
        size_t m = greedy(bl, a, b, mid, bl->trial, &w);
        int ok = m == n && w <= worst;
        for (size_t i = 0; ok && i < m; i++)
            ok = line_fits(c, bl->trial[i].s, bl->trial[i].e, mid, 0);
        if (ok) {
            hi = mid;
            found = 1;
        } else {
            lo = mid;
        }
    }
    if (!found)
        return;
    unsigned w;
    size_t m = greedy(bl, a, b, hi, bl->trial, &w);
    if (m != n || w > worst)
        return;
    memcpy(L, bl->trial, n * sizeof *L);
}

/* Whether the position after c[0] ends a number or Latin word before an
 * ideograph that is not its unit ("100%|以上", "PPP|项目"; but 2019|年,
 * 5|个: a unit word after a digit, jx_units.h): a break there splits no
 * token, though the tiers keep it together (JX_TIER_SOFT). */
static int after_token(const tchar *c)
{
    int digit = (c[0].cp >= '0' && c[0].cp <= '9') || (c[0].cp >= 0xFF10 && c[0].cp <= 0xFF19);
    if (!(c[0].flags & T_NARROW) || (c[1].flags & (T_NARROW | T_SPACE)) || c[1].cp < 0x3400)
        return 0;
    return !(digit && (c[1].flags & T_UNIT));
}

static int alnum_char(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ||
           (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
           (cp >= 0xFF41 && cp <= 0xFF5A) || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

/* Whether a break after c[0] splits what a reader sees as one word: a
 * Latin word or number (letters and digits), a number with its decimal
 * point or separator (3,|456 12.|5 12|.5), a number and its unit word
 * (128.4|万元 12|% 2019|年 3|家), a unit word (万|元 平方|米 小|时). */
static int visible_split(const tchar *c)
{
    uint32_t a = c[0].cp, b = c[1].cp;
    int da = (a >= '0' && a <= '9') || (a >= 0xFF10 && a <= 0xFF19);
    int db = (b >= '0' && b <= '9') || (b >= 0xFF10 && b <= 0xFF19);
    if (alnum_char(a) && alnum_char(b))
        return 1;
    if (da && (b == '.' || b == ',' || b == 0xFF0E))
        return 1;
    if ((a == '.' || a == ',' || a == 0xFF0E) && db)
        return 1;
    return (da && (c[1].flags & T_UNIT)) || (c[0].flags & T_IN_UNIT);
}

/* Moves the break between L[i-1] and L[i] left so that L[i], which holds
 * one character besides punctuation, holds two: to the best position (the
 * lowest tier no worse than the break it replaces or JX_TIER_LOOSE,
 * counting the end of a token before a word as loose: see after_token;
 * then the rightmost) that leaves L[i] fitting (with `squeeze`, by
 * compressing the punctuation inside it too: inner_cut) and L[i-1] at
 * least `keep` characters.  Returns whether it moved. */
static int move_break(const builder *bl, span *L, size_t i, double limit, size_t keep,
                      int squeeze)
{
    const tchar *c = bl->p->c;
    span *prev = &L[i - 1], *cur = &L[i];
    size_t brk = cur->s;
    while (brk > prev->e && (c[brk - 1].flags & T_SPACE))
        brk--;
    unsigned orig = bl->tier[brk - 1];
    unsigned maxt = orig < JX_TIER_LOOSE ? JX_TIER_LOOSE : orig;
    size_t best = 0;
    unsigned bt = JX_TIER_NEVER;
    for (size_t q = brk - 1; q > prev->s; q--) {
        unsigned t = bl->tier[q - 1];
        if (t == JX_TIER_SOFT && after_token(&c[q - 1]))
            t = JX_TIER_LOOSE;
        /* beyond the tier of the break it replaces, a position that breaks
         * no word a reader sees (2000年|项目, LED|100强), as a last choice */
        if (t >= JX_TIER_NEVER || (t > maxt && (t > JX_TIER_CUT || visible_split(&c[q - 1]))))
            continue;
        size_t qs = skip_spaces(c, q, cur->e);
        if (!line_fits(c, qs, cur->e, limit, squeeze))
            break;
        if (word_chars(c, qs, cur->e) < 2 || word_chars(c, prev->s, q) < keep)
            continue;
        if (t < bt) {
            bt = t;
            best = q;
        }
    }
    if (!best)
        return 0;
    size_t e = best;
    while (e > prev->s && (c[e - 1].flags & T_SPACE))
        e--;
    prev->e = e;
    cur->s = skip_spaces(c, best, cur->e);
    return 1;
}

/* No line of a segment holds a lonely character (one character besides
 * punctuation).  Above all the last line ("人员/数", "2749.5/个。"): the
 * break above it moves left (move_break); failing that, it joins the line
 * above when punctuation compression makes room, or the break moves left
 * to where compressing the punctuation of the last line makes it fit
 * ("一步/进度“”" in a column three characters wide).  A line inside the
 * segment ("城市战/略/7086770家", before a token too wide to join it) is
 * mended the same way when the line above keeps two characters: a page
 * may end after it.  Returns the new count. */
static size_t fix_lonely(const builder *bl, span *L, size_t n, double limit)
{
    const tchar *c = bl->p->c;
    for (size_t i = 1; i + 1 < n; i++)
        if (word_chars(c, L[i].s, L[i].e) == 1)
            move_break(bl, L, i, limit, 2, 0);
    if (n < 2 || word_chars(c, L[n - 1].s, L[n - 1].e) != 1)
        return n;
    if (move_break(bl, L, n - 1, limit, 1, 0))
        return n;
    span *prev = &L[n - 2], *last = &L[n - 1];
    if (line_fits(c, prev->s, last->e, limit, 1)) {
        prev->e = last->e;
        return n - 1;
    }
    move_break(bl, L, n - 1, limit, 1, 1);
    return n;
}

/* Appends the line c[s..e) (an empty line sits at byte `empty_at`).  A line
 * wider than the limit (it fits only by compression) gives up the blank of
 * its last closing mark, then some of
 * the right blank of the marks inside it (inner_cut).  With justify_to > 0 the line is
 * stretched to that width the clreq way: equal space in every gap next to a
 * CJK character (between two ideographs or punctuation marks, and at a
 * CJK/Latin boundary), none inside a Latin word or a number; when that
 * needs more than JUSTIFY_MAX_EM per gap, or the line holds invisible or
 * combining characters or tabs, it stays flush left.  Runs split where the
 * drawing needs it: a face change, a compressed mark, a CJK/Latin boundary
 * of a justified line. */
static jx_status emit_line(builder *b, size_t s, size_t e, size_t empty_at, double justify_to)
{
    tchar *c = b->p->c;
    jx_text_lines *o = b->out;
    s = skip_spaces(c, s, e);
    while (e > s && (c[e - 1].flags & T_SPACE))
        e--;
    jx_text_line *l = jx_grow(o->lines, &b->lcap, o->nlines, sizeof *l, 8);
    if (!l)
        return JX_ERR_NOMEM;
    o->lines = l;
    jx_text_line line = {0};
    line.start = s < e ? c[s].off : empty_at;
    line.end = s < e ? c[e - 1].end : empty_at;
    line.first_run = o->nruns;
    double natural = s < e ? trimmed_width(c, s, e) : 0.0;
    double need = natural - b->max_width;
    if (need > WIDTH_EPS && s < e) {
        double cut = c[e - 1].rb < need ? c[e - 1].rb : need;
        if (cut > 0) {
            c[e - 1].adv -= cut;
            c[e - 1].flags |= T_SHRUNK;
            need -= cut;
        }
        double inner = 0.0;
        for (size_t k = s; k + 1 < e; k++)
            inner += inner_cut(c, k);
        if (need > WIDTH_EPS && inner > 0) {
            double f = need < inner ? need / inner : 1.0;
            for (size_t k = s; k + 1 < e; k++) {
                double squeezed = inner_cut(c, k) * f;
                if (squeezed > 0) {
                    c[k].adv -= squeezed;
                    c[k].flags |= T_SHRUNK;
                }
            }
        }
    }
    double natural2 = 0.0;
    size_t gaps = 0;
    int plain = 1;
    for (size_t k = s; k < e; k++) {
        natural2 += c[k].adv;
        if (c[k].flags & (T_TAB | T_IGNORE | T_CONT))
            plain = 0;
        if (k + 1 < e && !((c[k].flags & T_NARROW) && (c[k + 1].flags & T_NARROW)))
            gaps++;
    }
    double extra = 0.0;
    if (justify_to > 0 && plain && gaps > 0 && justify_to - natural2 > 0.01) {
        extra = (justify_to - natural2) / (double)gaps;
        if (extra > JUSTIFY_MAX_EM * b->size_pt)
            extra = 0.0;
    }
    double x = 0.0;
    jx_text_run run = {0};
    int open = 0;
    for (size_t k = s; k < e; k++) {
        int hidden = (c[k].flags & (T_TAB | T_IGNORE)) != 0;
        int split = open && (hidden || run.face != jx_fonts_face(b->fonts, (size_t)c[k].face) ||
                             ((c[k - 1].flags | c[k].flags) & T_SHRUNK) ||
                             (extra > 0 && ((c[k].flags ^ c[k - 1].flags) & T_NARROW)));
        int stretch = extra > 0 && k + 1 < e &&
                      !((c[k].flags & T_NARROW) && (c[k + 1].flags & T_NARROW));
        if (split) {
            if (push_run(b, &run) != JX_OK)
                return JX_ERR_NOMEM;
            open = 0;
        }
        if (!hidden) {
            if (!open) {
                run.start = c[k].off;
                run.face = jx_fonts_face(b->fonts, (size_t)c[k].face);
                run.x = x;
                run.width = 0.0;
                run.spacing = extra > 0 && !(c[k].flags & T_NARROW) ? extra : 0.0;
                if (c[k].flags & T_SHRUNK) /* a run of its own, narrowed */
                    run.spacing = c[k].adv - c[k].full + (stretch ? extra : 0.0);
                open = 1;
            } else {
                run.width += run.spacing;
            }
            run.end = c[k].end;
            run.width += c[k].adv;
        }
        x += c[k].adv;
        if (stretch)
            x += extra;
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
 * character k, for the characters [a, b) of one segment, as it would stand
 * on a line of its own (edge_width: "920,474.01。" is not wider than a
 * line it fits with its 。 compressed, so it is not cut). */
static void piece_widths(const tchar *c, size_t n, const unsigned char *tier, size_t a, size_t b,
                         double *pw)
{
    for (int level = JX_TIER_ALLOW; level < JX_TIER_PAIR; level++) {
        double *w = pw + (size_t)(level - JX_TIER_ALLOW) * n;
        size_t ps = a;
        for (size_t k = a; k < b; k++) {
            if (k + 1 == b || tier[k] <= level) {
                double pwidth = edge_width(c, ps, k + 1);
                for (size_t i = ps; i <= k; i++)
                    w[i] = pwidth;
                ps = k + 1;
            }
        }
    }
}

/* Breaks the characters [a, b) (no forced break inside) into lines: greedy
 * (see jx_text.h), then balanced when asked, then no lonely last line.
 * Every line but the last is justified when asked. */
static jx_status break_segment(builder *bl, size_t a, size_t b)
{
    const tchar *c = bl->p->c;
    const double limit = bl->max_width + WIDTH_EPS;
    piece_widths(c, bl->p->n, bl->tier, a, b, bl->pw);
    if (skip_spaces(c, a, b) == b)
        return emit_line(bl, a, b, c[a].off, 0.0);
    unsigned worst;
    size_t n = greedy(bl, a, b, limit, bl->lines, &worst);
    if (bl->opts.balance)
        balance(bl, a, b, bl->lines, n);
    n = fix_lonely(bl, bl->lines, n, limit);
    for (size_t i = 0; i < n; i++) {
        double just = bl->opts.justify && i + 1 < n ? bl->max_width : 0.0;
        jx_status st = emit_line(bl, bl->lines[i].s, bl->lines[i].e, c[bl->lines[i].s].off, just);
        if (st != JX_OK)
            return st;
    }
    return JX_OK;
}

/* Calls fn for each segment [a, b) of p: the text between forced breaks
 * (newlines; with `enums`, also before each enumeration item, which starts
 * the next segment).  An empty segment followed by a newline is passed
 * too, the empty one at the end is not. */
typedef jx_status (*segment_fn)(void *ctx, size_t a, size_t b);

static jx_status for_each_segment(const para *p, int enums, segment_fn fn, void *ctx)
{
    size_t k = 0;
    while (k < p->n) {
        size_t e = k;
        while (e < p->n && !(p->c[e].flags & T_NEWLINE) &&
               !(enums && e > k && (p->c[e].flags & T_ENUM)))
            e++;
        jx_status st = fn(ctx, k, e);
        if (st != JX_OK)
            return st;
        k = e < p->n && (p->c[e].flags & T_NEWLINE) ? e + 1 : e;
    }
    return JX_OK;
}

static jx_status break_fn(void *ctx, size_t a, size_t b)
{
    builder *bl = ctx;
    if (a == b) /* an empty line between two newlines */
        return emit_line(bl, a, a, bl->p->c[a].off, 0.0);
    return break_segment(bl, a, b);
}

void jx_text_lines_free(jx_text_lines *lines)
{
    if (!lines)
        return;
    free(lines->lines);
    free(lines->runs);
    memset(lines, 0, sizeof *lines);
}

jx_status jx_text_break_opts(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                             size_t len, double max_width_pt, const jx_text_opts *opts,
                             jx_text_lines *out, jx_diags *d, const char *what, const char *file,
                             int line, int col)
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
    if (!r || jx_role_own_count(r) == 0)
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
    builder bl = {.p = &p,
                  .fonts = fonts,
                  .max_width = max_width_pt,
                  .size_pt = size_pt,
                  .out = out,
                  .tier = tier,
                  .pw = malloc(NLEVELS * p.n * sizeof(double)),
                  .lines = malloc((p.n + 1) * sizeof(span)),
                  .trial = malloc((p.n + 1) * sizeof(span))};
    if (opts)
        bl.opts = *opts;
    if (!isfinite(max_width_pt))
        bl.opts.justify = bl.opts.balance = 0;
    st = bl.pw && bl.lines && bl.trial ? for_each_segment(&p, bl.opts.enum_lines, break_fn, &bl)
                                       : JX_ERR_NOMEM;
    free(bl.pw);
    free(bl.lines);
    free(bl.trial);
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

jx_status jx_text_break(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                        size_t len, double max_width_pt, jx_text_lines *out, jx_diags *d,
                        const char *what, const char *file, int line, int col)
{
    return jx_text_break_opts(fonts, role, size_pt, text, len, max_width_pt, NULL, out, d, what,
                              file, line, col);
}

typedef struct width_ctx {
    const para *p;
    const unsigned char *tier; /* NULL: whole segments */
    int level;                 /* pieces between positions of tier <= level */
    int tail;                  /* also each segment's last line (tail_width) */
    double max;
} width_ctx;

/* Whether the last line of a segment may start after c[q-1] when its
 * pieces must stay whole (jx_text_unit_width): an allowed position, or one
 * of those fix_lonely may choose, up to JX_TIER_CUT, that splits no word a
 * reader sees; not between a number and its unit (1953838.5|家). */
static int tail_start(const tchar *c, const unsigned char *tier, size_t q)
{
    unsigned t = tier[q - 1];
    return t < JX_TIER_SOFT || (t <= JX_TIER_CUT && !visible_split(&c[q - 1]));
}

/* Whether c[q, e) holds brackets and quotes only ("“”" of "…小时𡈽“”"):
 * not a last line of its own, unlike "（%）", whose % a reader reads. */
static int brackets_only(const tchar *c, size_t q, size_t e)
{
    for (size_t k = q; k < e; k++)
        if (!(c[k].flags & T_SPACE) && !opening_mark(c[k].cp) && c[k].cp != '(' &&
            !jx_text_closing_bracket(c[k].cp))
            return 0;
    return 1;
}

/* Whether the line that would end at q, from the nearest position before
 * it that may start a line (tail_start) or a, holds punctuation only
 * ("“、" of "…预算“、人才"): fix_lonely never leaves such a line, so a last
 * line may not start at q. */
static int punct_before(const tchar *c, const unsigned char *tier, size_t a, size_t q)
{
    size_t r = q - 1;
    while (r > a && !tail_start(c, tier, r))
        r--;
    return word_chars(c, r, q) == 0;
}

/* The width the last line of the segment c[a, b) needs so that it is not
 * lonely: from the rightmost position that may start it (tail_start) and
 * does not leave it one character besides punctuation ("2749.5个。" where
 * 5|个 keeps only a number with its counter together, "BIM4533839.02户。",
 * "员数" of "…人员数", "（%）"; not brackets and quotes only, "“”") and
 * not after a line of punctuation only (punct_before), or the whole
 * segment; its closing mark at the end
 * compressed as at a line edge (edge_width). */
static double tail_width(const tchar *c, const unsigned char *tier, size_t a, size_t b)
{
    size_t e = b;
    while (e > a && (c[e - 1].flags & T_SPACE))
        e--;
    size_t q = e;
    while (q > a && !(q < e && tail_start(c, tier, q) && word_chars(c, q, e) != 1 &&
                      !punct_before(c, tier, a, q) && !brackets_only(c, q, e)))
        q--;
    return edge_width(c, q, e);
}

static jx_status width_fn(void *ctx, size_t a, size_t b)
{
    width_ctx *x = ctx;
    size_t s = a;
    for (size_t k = a; k < b; k++) {
        if (k + 1 == b || (x->tier && x->tier[k] <= x->level)) {
            double w = trimmed_width(x->p->c, s, k + 1);
            if (w > x->max)
                x->max = w;
            s = k + 1;
        }
    }
    if (x->tail && b > a) {
        double w = tail_width(x->p->c, x->tier, a, b);
        if (w > x->max)
            x->max = w;
    }
    return JX_OK;
}

/* The widest segment (level -1) or piece between breaks of tier <= level. */
static double measure(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                      size_t len, int level)
{
    const jx_role *r = jx_fonts_role(fonts, role);
    if (!r || jx_role_own_count(r) == 0 || (!text && len > 0) || !(size_pt > 0.0) ||
        !isfinite(size_pt))
        return -1.0;
    if (len == 0)
        return 0.0;
    para p;
    if (para_prepare(fonts, r, size_pt, text, len, &p, NULL, NULL, NULL, 0, 0) != JX_OK)
        return -1.0;
    unsigned char *tier = NULL;
    if (level >= 0) {
        jx_status st;
        tier = para_tiers(&p, text, len, &st);
        if (!tier) {
            para_free(&p);
            return -1.0;
        }
    }
    width_ctx ctx = {.p = &p, .tier = tier, .level = level, .tail = level == JX_TIER_SOFT};
    for_each_segment(&p, 0, width_fn, &ctx);
    free(tier);
    para_free(&p);
    return ctx.max;
}

double jx_text_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                     size_t len)
{
    return measure(fonts, role, size_pt, text, len, -1);
}

double jx_text_min_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                         size_t len)
{
    return measure(fonts, role, size_pt, text, len, JX_TIER_ALLOW);
}

double jx_text_unit_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                          size_t len)
{
    return measure(fonts, role, size_pt, text, len, JX_TIER_SOFT);
}
