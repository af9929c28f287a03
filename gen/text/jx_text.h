/* jx_text.h - the text engine: fonts, shaping, measuring, line breaking.
 *
 * The faces and their roles are in jx_fonts.h (included here).
 *
 * Widths are measured by shaping with HarfBuzz in the real font, never
 * guessed.  Line breaking uses libunibreak (UAX #14) tailored with the
 * Chinese rules (kinsoku): no line begins with closing punctuation such as
 * ，。、；：？！）》」』”’％ and no line ends with opening punctuation such as
 * （《「『“‘; runs of digits/Latin with their operators and units (2024-2625,
 * ≥90%, 500万元, F座5层) stay together; the unit words are data (jx_units.h,
 * fonts/fonts.yaml `units:`).  A word longer than the line is cut
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
#include "jx_units.h"
#include "jx_util.h" /* jx_utf8_next() */

/* A run: a stretch of one line drawn with one face. */
typedef struct jx_text_run {
    size_t start, end;       /* byte offsets into the paragraph text */
    const jx_face *face;
    double x;                /* where its first glyph is drawn, from the line start,
                                points (never negative) */
    double width;            /* advance width, points (spacing included) */
    double spacing;          /* justification: extra space after each character
                                of the run (PDF Tc), points; 0 when not stretched */
} jx_text_run;

typedef struct jx_text_line {
    size_t start, end;       /* byte range of the line (leading/trailing spaces trimmed) */
    double width;            /* width in points: natural (after punctuation
                                compression), or the stretched width */
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

/* How a paragraph is composed beyond breaking (all 0: ragged, as
 * jx_text_break does).  Always, whatever the options:
 *  - punctuation compression (clreq 3.1.6, 标点挤压): two adjacent
 *    full-width marks ("）、" "，「" "。”" "（「") lose half an em of their
 *    combined blank, so it is half an em (all the blank between their
 *    inks when that is less); the first mark is then a run of its own
 *    whose negative spacing is what it lost; a closing mark at a line end
 *    gives up its blank when that lets the line hold it (a break avoided).
 *    An opening bracket at a line start keeps its blank: its glyph box
 *    would otherwise reach into the cell's inset, nearer than an em to the
 *    cell beside it, and text extraction would read both cells as one
 *    block (issue #11).  The characters stay as written
 *    (full-width forms are never substituted); only advances change;
 *  - no lonely last line: a segment (text between forced breaks) never
 *    ends with a line holding one character besides punctuation ("人员/数",
 *    "2749.5/个。") when an earlier break of no worse tier (at worst
 *    JX_TIER_LOOSE; or one that splits no number, unit or word) leaves
 *    two, or punctuation compression lets the last line join the one above
 *    or hold one more character (an opening bracket's left blank counts);
 *    a line of one character inside a segment ("战/略/7086770家", before a
 *    number too wide to join it) is mended the same way when the line
 *    above keeps two.  A number that fills its line leaves no room for
 *    that: jx_text_unit_width() counts the last line, so that a caller
 *    sets such a text smaller.
 * Options:
 *  justify     every line but the last of each segment (a paragraph end or
 *              a forced break) is stretched to max_width_pt, clreq style:
 *              the same space in each gap next to a CJK character (also at a
 *              CJK/Latin boundary), none inside a Latin word or a number;
 *              a line needing more than 0.14 em per gap stays flush left;
 *  balance     a segment of 2 to 4 lines is broken at the narrowest width
 *              that keeps its line count and break quality, so its lines
 *              come out even (for centred headings: "半年（程）/计划执行数");
 *  enum_lines  an enumeration item "（2）", "(3)", "（四）" that is not at
 *              the start of the text starts a new line (a forced break; the
 *              text is unchanged). */
typedef struct jx_text_opts {
    int justify;
    int balance;
    int enum_lines;
} jx_text_opts;

/* A line fits max_width_pt when its width is at most max_width_pt +
 * JX_TEXT_WIDTH_EPS points.  A caller deciding whether a text fits a width
 * (jx_text_unit_width() against a cell's line) compares with the same
 * tolerance, or a unit it judged to fit is cut by a hair's difference. */
#define JX_TEXT_WIDTH_EPS 1e-7

/* Whether cp is a closing bracket or quote: ) ] ） ］ 】 〕 〗 》 〉 」 』 ” ’. */
int jx_text_closing_bracket(uint32_t cp);

/* jx_text_break with options (opts may be NULL: all 0). */
jx_status jx_text_break_opts(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                             size_t len, double max_width_pt, const jx_text_opts *opts,
                             jx_text_lines *out, jx_diags *d, const char *what, const char *file,
                             int line, int col);

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

/* The widest piece that must never be cut: between two positions of tier
 * JX_TIER_SOFT or better (below), i.e. a number with its separators, sign,
 * percent sign and unit, a Latin word, a web address between its joints,
 * with the punctuation that may not leave it; and the last line of each
 * segment that holds two characters besides punctuation, from a position
 * that splits no word ("2749.5个。" though 5|个 is JX_TIER_SOFT,
 * "CBD0.4亿元㙟", "员数"; or a last line of punctuation only, "（%）"), its
 * closing mark at the end compressed.  A line at least this wide breaks no
 * number or word and leaves no lonely last line (jx_text_opts); points,
 * -1 as for jx_text_width(). */
double jx_text_unit_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
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
 *   JX_TIER_SOFT   between the parts of a number/Latin/unit token, or
 *                  before the ideograph after one (2019|年6月, 年|6,
 *                  e|家, 2025|（, ）|2)
 *   JX_TIER_CUT    between characters, no punctuation rule broken; inside
 *                  a number with its separators, percent sign and money
 *                  unit (3,4|56.78, 128.4|万元, 万|元), or inside a Latin
 *                  word or code (Io|T, 5|G): a split a reader sees
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

/* jx_text_break_tiers with the unit words of `units` (NULL: the default
 * set, jx_units_default()); the breaker and the measuring functions use
 * the font set's (jx_fonts_set_units). */
jx_status jx_text_break_tiers_units(const char *text, size_t len, const jx_units *units,
                                    unsigned char *tier);

/* jx_text_break_tiers_units that also hands out the unit words it found,
 * so that nothing marks them a second time (the text engine's breaker and
 * measuring functions use them): marks[k] for the k-th character of text
 * (jx_units_mark), marks NULL or with room for as many entries as text has
 * characters (UTF-8 sequences), overwritten when the call succeeds,
 * undefined when it fails.  Failures as jx_text_break_tiers. */
jx_status jx_text_break_tiers_marks(const char *text, size_t len, const jx_units *units,
                                    unsigned char *tier, jx_unit_mark *marks);

#endif
