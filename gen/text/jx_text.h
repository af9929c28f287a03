/* jx_text.h - the text engine: fonts, shaping, measuring, line breaking.
 *
 * The faces and their roles are in jx_fonts.h (included here).
 *
 * Widths are measured by shaping with HarfBuzz in the real font, never
 * guessed.  Line breaking uses libunibreak (UAX #14) tailored with the
 * Chinese rules (kinsoku): no line begins with closing punctuation such as
 * ，。、；：？！）》」』”’％ and no line ends with opening punctuation such as
 * （《「『“‘; runs of digits/Latin with their operators and units (2024-2625,
 * ≥90%, 500万元, F座5层) stay together.  A word longer than the line is cut
 * between characters as a last resort, still without breaking those rules
 * where possible.
 *
 * All sizes are in points; all text is UTF-8. */
#ifndef JX_TEXT_H
#define JX_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "jx_diag.h"
#include "jx_error.h"
#include "jx_fonts.h"
#include "jx_util.h" /* jx_utf8_next() */

/* A run: a stretch of one line drawn with one face. */
typedef struct jx_text_run {
    size_t start, end;       /* byte offsets into the paragraph text */
    const jx_face *face;
    double x;                /* offset from the line start, points */
    double width;            /* advance width, points */
} jx_text_run;

typedef struct jx_text_line {
    size_t start, end;       /* byte range of the line (leading/trailing spaces trimmed) */
    double width;            /* natural width in points */
    size_t first_run, nruns; /* runs[first_run .. first_run+nruns) */
} jx_text_line;

/* The lines of one paragraph broken to a width.  Owned by the caller:
 * release with jx_text_lines_free(). */
typedef struct jx_text_lines {
    jx_text_line *lines;
    size_t nlines;
    jx_text_run *runs;
    size_t nruns;
    double line_height;      /* of the role at that size */
    double ascent;
    int overflow;            /* 1 when some line is wider than max_width_pt: only
                                when one character (or one shaping cluster) is
                                wider than the width; that line holds just it */
} jx_text_lines;

/* Breaks one paragraph (`text`, `len` bytes, no markup; '\n' is a forced
 * break) into lines no wider than max_width_pt, in the role's faces at
 * size_pt.  An empty paragraph yields zero lines.  On a character no face
 * has, returns JX_ERR_GLYPH and adds an error naming the character (U+XXXX
 * and the character itself) and `what` (e.g. the field path), at
 * file/line/col.  Invalid UTF-8 gives JX_ERR_SYNTAX.
 *
 * Details: each '\n' (also U+2028/U+2029) ends a line, so "a\n\nb" gives
 * "a", "" and "b" and a final '\n' adds no line; a paragraph of spaces
 * gives one empty line.  U+0020 and '\t' at a line's start/end are trimmed
 * from its range; a tab is measured as a space and is not inside any run
 * (runs never contain '\t' or '\n').  An invisible character (Unicode
 * default ignorable: ZWSP, ZWJ, BOM, soft hyphen, variation selectors...)
 * that no face maps has zero width and is left out of the runs too; ZWSP
 * still allows a break.  Other control characters are JX_ERR_GLYPH (each
 * distinct bad character is reported once).  max_width_pt may be INFINITY
 * (no wrapping); a negative or NaN width or a size_pt <= 0 is
 * JX_ERR_INTERNAL.  An unknown role is JX_ERR_FONT.  `d` may be NULL (no
 * messages).  On failure *out is left empty (nothing to free).  Thread-safe
 * on a loaded font set (all scratch memory is per call). */
jx_status jx_text_break(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                        size_t len, double max_width_pt, jx_text_lines *out, jx_diags *d,
                        const char *what, const char *file, int line, int col);

void jx_text_lines_free(jx_text_lines *lines);

/* The natural width of `text` on one line (no breaking), points; -1 on a
 * character no face has.
 * With '\n' in the text it is the width of the widest line; spaces at line
 * ends are not counted: exactly the widest line jx_text_break() gives with
 * an infinite width.  Also -1 on invalid UTF-8, a control character, an
 * unknown role or no memory. */
double jx_text_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                     size_t len);

/* The min-content width: the widest piece between two allowed breaks (the
 * narrowest column that needs no last-resort cut), points; -1 as for
 * jx_text_width(). */
double jx_text_min_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                         size_t len);

/* Break opportunities of `text` after tailoring, for tests and the breaker:
 * brk[i] describes the position after byte i:
 *   JX_BREAK_MUST (forced), JX_BREAK_ALLOW, JX_BREAK_NO, JX_BREAK_INSIDE_CHAR.
 * `brk` must have room for len bytes.  Returns JX_ERR_SYNTAX on invalid
 * UTF-8. */
enum { JX_BREAK_MUST = 0, JX_BREAK_ALLOW = 1, JX_BREAK_NO = 2, JX_BREAK_INSIDE_CHAR = 3 };
jx_status jx_text_break_opportunities(const char *text, size_t len, char *brk);

/* The same positions graded for the breaker (tier[i] for the position after
 * byte i; `tier` must have room for len bytes), best first:
 *   JX_TIER_MUST   forced break ('\n', U+2028, U+2029; and the end of text)
 *   JX_TIER_ALLOW  allowed (JX_BREAK_ALLOW)
 *   JX_TIER_LOOSE  allowed by UAX #14 but kept together loosely: inside a
 *                  short bracketed or quoted group ((2020年|增设), 《预算|法》)
 *   JX_TIER_SOFT   allowed by UAX #14 but inside a number/Latin/unit token
 *                  or before the ideograph after one (2019年|6月, 500|万元,
 *                  e|家)
 *   JX_TIER_CUT    between characters; no punctuation rule broken
 *   JX_TIER_LAST   breaks a punctuation rule: closing punctuation would begin
 *                  a line or opening punctuation end one
 *   JX_TIER_PAIR   splits a —— or …… pair
 *   JX_TIER_NEVER  inside a grapheme (before a combining mark or variation
 *                  selector, around ZWJ)
 *   JX_TIER_INSIDE_CHAR  not the last byte of a character.
 * A piece "at level L" is a stretch between two positions of tier <= L.  The
 * breaker (jx_text_break) uses the rightmost position p that fits whose
 * tier t is JX_TIER_ALLOW or better, or whose level t-1 piece around p is
 * wider than the line (it cannot stay whole anyway); if there is none, the
 * rightmost position of the best tier present.
 * Returns JX_ERR_SYNTAX on invalid UTF-8, JX_ERR_NOMEM, JX_ERR_LIMIT when
 * len >= 2^31.  Thread-safe. */
enum {
    JX_TIER_MUST = 0, JX_TIER_ALLOW, JX_TIER_LOOSE, JX_TIER_SOFT, JX_TIER_CUT,
    JX_TIER_LAST, JX_TIER_PAIR, JX_TIER_NEVER, JX_TIER_INSIDE_CHAR
};
jx_status jx_text_break_tiers(const char *text, size_t len, unsigned char *tier);

#endif
