/* jx_linebreak.c - where a line may break.
 *
 * libunibreak (UAX #14, language "zh", so that “” ‘’ are opening/closing
 * punctuation rather than ambiguous quotes) gives the base answer; it is
 * then tailored for Chinese text.  For every position a|b between two
 * characters that UAX #14 does not force:
 *
 *   1. never (JX_TIER_NEVER): b is a combining mark, variation selector or
 *      emoji modifier, or a or b is ZWJ;
 *   2. pairs (JX_TIER_PAIR): a|b splits a —— or …… pair;
 *   3. punctuation (JX_TIER_LAST): the first non-space character after the
 *      position is closing punctuation (NO_START below) or the last
 *      non-space character before it is opening punctuation (NO_END).
 *      Spaces are skipped because the breaker trims them from line ends, so
 *      "（ 文" must not end a line on "（";
 *   4. cohesion (an allowed break is demoted to JX_TIER_SOFT, "strong", or
 *      JX_TIER_LOOSE, "loose"; when a kept-together piece is wider than the
 *      line the breaker gives up loose ones first):
 *      a. a "tight" character (ASCII/full-width digit or Latin letter, Latin
 *         or Greek letter, or an operator/unit sign ≥≤=<>+-.%‰/°℃¥$...) next
 *         to a tight character or to one CJK ideograph on either side,
 *         strong: 2024-2625, ≥90%, =2.45元, F座5层, 2019年6月3日, PPP, 5G,
 *         A-C座, e家.  An ideograph before the run is bound only when it
 *         follows a tight character itself (年 in 2019年6月, 座 in F座5层),
 *         not at the run's start (在|2019年): what follows a number or word
 *         is mostly its unit or noun, what precedes it mostly a word of its
 *         own, and binding it only widens the gaps left at line ends;
 *      b. after a digit, the following run of unit words (jx_units.h: data,
 *         fonts/fonts.yaml `units:`; and '/' between two), strong: 500万元,
 *         ≥30000平方米, 3元/平方米, 8小时, 3个月;
 *      c. inside a bracketed or quoted group of at most GROUP_MAX characters
 *         (no newline), loose: (2020年增设), 《预算法》, “放管服”.
 *   Otherwise UAX #14 stands: allowed -> JX_TIER_ALLOW, not allowed ->
 *   JX_TIER_CUT (a character boundary usable only as a last resort).
 *   5. web addresses (http://, https://, www.): after a joint ('/' but
 *      not inside "//", '.' before a letter, '-', '_', '?', '&', '=', '#',
 *      '~') JX_TIER_SOFT, so an address wider than its line breaks there,
 *      never inside a word (url_joint);
 *   6. splits a reader sees: a strong position inside a number with its
 *      separators and amount unit (3,456.78|万元, 12.5|%) or inside a Latin
 *      word (inside_word), and any position inside a unit word (万|元,
 *      平方|米, 小|时, also with no number before it: the head "（万元）"), is
 *      JX_TIER_CUT, not SOFT, so an over-long token is cut between its
 *      parts first; and a position
 *      UAX #14 forbids where a bracket edges a token (2025|（, ）|2) is
 *      JX_TIER_SOFT, not CUT.
 *
 * The unit words of a paragraph are found here, once (jx_units_mark: one
 * hash look-up per character), and handed to the text engine with the
 * tiers (jx_text_break_tiers_marks), which needs them to judge a break it
 * moves (jx_text.c, visible_split).
 *
 * Nothing here depends on fonts; all state is per call except libunibreak's
 * property index and the default unit words, initialised once with
 * pthread_once. */
#include "jx_text.h"

#include <hb.h>
#include <linebreak.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Longest bracketed/quoted group (characters between the brackets) kept on
 * one line when it fits. */
#define GROUP_MAX 8

enum {
    C_NO_START = 1u << 0,   /* may not begin a line */
    C_NO_END = 1u << 1,     /* may not end a line */
    C_TIGHT = 1u << 2,      /* digit, Latin letter, operator */
    C_IDEO = 1u << 3,       /* CJK ideograph */
    C_DIGIT = 1u << 5,
    C_PAIRED = 1u << 6,     /* —— and …… keep their pairs */
    C_JOINS_PREV = 1u << 7, /* combining mark, variation selector, ZWJ, ... */
    C_ZWJ = 1u << 8,
    C_SLASH = 1u << 9,
    C_SPACE = 1u << 10,     /* trimmed at line ends: U+0020, tab */
    C_NEWLINE = 1u << 11    /* '\n', U+2028, U+2029 */
};

typedef struct lb_char {
    uint32_t cp;
    uint32_t last;   /* offset of the character's last byte */
    unsigned flags;
} lb_char;

static pthread_once_t lb_once = PTHREAD_ONCE_INIT;

static void lb_init(void)
{
    init_linebreak();
}

static int is_ideograph(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) || cp == 0x3007;
}

/* Closing punctuation and other characters that may not begin a line. */
static int no_start(uint32_t cp)
{
    switch (cp) {
    case ',': case '.': case ';': case ':': case '?': case '!': case ')': case ']': case '}':
    case '%':
    case 0xFF0C: /* ， */ case 0x3002: /* 。 */ case 0x3001: /* 、 */ case 0xFF1B: /* ； */
    case 0xFF1A: /* ： */ case 0xFF1F: /* ？ */ case 0xFF01: /* ！ */ case 0xFF09: /* ） */
    case 0x300B: /* 》 */ case 0x300D: /* 」 */ case 0x300F: /* 』 */ case 0x3011: /* 】 */
    case 0x3015: /* 〕 */ case 0x3009: /* 〉 */ case 0x3017: /* 〗 */ case 0xFF5D: /* ｝ */
    case 0x201D: /* ” */ case 0x2019: /* ’ */ case 0xFF05: /* ％ */ case 0x2030: /* ‰ */
    case 0x2103: /* ℃ */ case 0x2026: /* … */ case 0xFF5E: /* ～ */
    /* beyond the required set */
    case 0xFF3D: /* ］ */ case 0xFF0E: /* ． */ case 0xFF61: /* ｡ */ case 0xFF64: /* ､ */
    case 0xFF63: /* ｣ */ case 0x3019: /* 〙 */ case 0x301B: /* 〛 */ case 0x301E: /* 〞 */
    case 0x301F: /* 〟 */ case 0x2025: /* ‥ */ case 0x2032: /* ′ */ case 0x2033: /* ″ */
    case 0x00B0: /* ° */ case 0x2109: /* ℉ */ case 0x301C: /* 〜 */ case 0x232A: /* legacy 〉 */
    case 0xFF60: /* ｠ */
        return 1;
    default:
        return 0;
    }
}

/* Opening punctuation that may not end a line. */
static int no_end(uint32_t cp)
{
    switch (cp) {
    case '(': case '[': case '{':
    case 0xFF08: /* （ */ case 0x300A: /* 《 */ case 0x300C: /* 「 */ case 0x300E: /* 『 */
    case 0x3010: /* 【 */ case 0x3014: /* 〔 */ case 0x3008: /* 〈 */ case 0x3016: /* 〖 */
    case 0xFF5B: /* ｛ */ case 0x201C: /* “ */ case 0x2018: /* ‘ */
    /* beyond the required set */
    case 0xFF3B: /* ［ */ case 0xFF62: /* ｢ */ case 0x3018: /* 〘 */ case 0x301A: /* 〚 */
    case 0x301D: /* 〝 */ case 0xFF5F: /* ｟ */ case 0x2329: /* legacy 〈 */
        return 1;
    default:
        return 0;
    }
}

/* Operators and signs that stick to numbers and Latin words. */
static int is_tight_sign(uint32_t cp)
{
    switch (cp) {
    case '=': case '<': case '>': case '+': case '-': case '.': case '%': case '/': case '~':
    case '_': case '#': case '&': case '@': case '$':
    case 0x2265: /* ≥ */ case 0x2264: /* ≤ */ case 0x2267: /* ≧ */ case 0x2266: /* ≦ */
    case 0x2260: /* ≠ */ case 0x2248: /* ≈ */ case 0x00B1: /* ± */ case 0x00D7: /* × */
    case 0x00F7: /* ÷ */ case 0x2212: /* − */ case 0x2013: /* – */ case 0x2030: /* ‰ */
    case 0x00B0: /* ° */ case 0x2103: /* ℃ */ case 0x2032: /* ′ */ case 0x2033: /* ″ */
    case 0x00A5: /* ¥ */ case 0xFFE5: /* ￥ */ case 0x20AC: /* € */ case 0x00A3: /* £ */
    case 0xFF1D: /* ＝ */ case 0xFF1C: /* ＜ */ case 0xFF1E: /* ＞ */ case 0xFF0B: /* ＋ */
    case 0xFF0D: /* － */ case 0xFF0E: /* ． */ case 0xFF05: /* ％ */ case 0xFF0F: /* ／ */
        return 1;
    default:
        return 0;
    }
}

static int is_digit(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static int is_letter(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A) ||
           (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7) ||
           (cp >= 0x0370 && cp <= 0x03FF);
}

static int joins_previous(uint32_t cp)
{
    if (cp < 0x0300)
        return 0;
    if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
        (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x200D)
        return 1;
    hb_unicode_general_category_t gc =
        hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
    return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

static unsigned char_flags(uint32_t cp)
{
    unsigned f = 0;
    if (no_start(cp))
        f |= C_NO_START;
    if (no_end(cp))
        f |= C_NO_END;
    if (is_digit(cp))
        f |= C_DIGIT | C_TIGHT;
    else if (is_letter(cp) || is_tight_sign(cp))
        f |= C_TIGHT;
    if (is_ideograph(cp))
        f |= C_IDEO;
    if (cp == 0x2014 || cp == 0x2015 || cp == 0x2026 || cp == 0x2025 || cp == 0x2E3A ||
        cp == 0x2500)
        f |= C_PAIRED;
    if (joins_previous(cp))
        f |= C_JOINS_PREV;
    if (cp == 0x200D)
        f |= C_ZWJ;
    if (cp == '/' || cp == 0xFF0F)
        f |= C_SLASH;
    if (cp == ' ' || cp == '\t')
        f |= C_SPACE;
    if (cp == '\n' || cp == 0x2028 || cp == 0x2029)
        f |= C_NEWLINE;
    return f;
}

/* The closing bracket or quote of a group opened by cp, or 0. */
static uint32_t group_closer(uint32_t cp)
{
    switch (cp) {
    case '(': return ')';
    case '[': return ']';
    case 0xFF08: return 0xFF09; /* （） */
    case 0xFF3B: return 0xFF3D; /* ［］ */
    case 0x3010: return 0x3011; /* 【】 */
    case 0x3014: return 0x3015; /* 〔〕 */
    case 0x3016: return 0x3017; /* 〖〗 */
    case 0x300A: return 0x300B; /* 《》 */
    case 0x3008: return 0x3009; /* 〈〉 */
    case 0x300C: return 0x300D; /* 「」 */
    case 0x300E: return 0x300F; /* 『』 */
    case 0x201C: return 0x201D; /* “” */
    case 0x2018: return 0x2019; /* ‘’ */
    default: return 0;
    }
}

enum { COH_NONE = 0, COH_LOOSE = 1, COH_STRONG = 2 };

static void cohere(unsigned char *coh, size_t k, unsigned char strength)
{
    if (coh[k] < strength)
        coh[k] = strength;
}

/* Marks in coh[k] (the position after character k) the cohesion rules;
 * um: the unit words (jx_units_mark). */
static void mark_cohesion(const lb_char *c, const jx_unit_mark *um, size_t n,
                          unsigned char *coh)
{
    for (size_t k = 0; k + 1 < n; k++) {
        unsigned a = c[k].flags, b = c[k + 1].flags;
        /* a: tight characters with each other and one ideograph either side */
        if ((a & C_TIGHT) && (b & (C_TIGHT | C_IDEO))) {
            /* after a number or word, the ideograph is mostly its unit or noun */
            cohere(coh, k, COH_STRONG);
        } else if ((a & C_IDEO) && (b & C_TIGHT)) {
            /* what precedes it is part of it only inside a token (年 in
             * 2019年6月); at its start it is mostly a word of its own (在) */
            if (k > 0 && (c[k - 1].flags & C_TIGHT))
                cohere(coh, k, COH_STRONG);
        }
        /* b: a run of unit words after a digit ('/' between two) */
        if ((a & C_DIGIT) && um[k + 1].len) {
            cohere(coh, k, COH_STRONG);
            size_t j = k + 1;
            for (;;) {
                size_t next = j + um[j].len; /* after the word */
                for (size_t i = j; i + 1 < next; i++)
                    cohere(coh, i, COH_STRONG);
                if (next < n && um[next].len) {
                    cohere(coh, next - 1, COH_STRONG);
                    j = next;
                } else if (next + 1 < n && (c[next].flags & C_SLASH) && um[next + 1].len) {
                    cohere(coh, next - 1, COH_STRONG);
                    cohere(coh, next, COH_STRONG);
                    j = next + 1;
                } else {
                    break;
                }
            }
        }
        /* c: a short bracketed or quoted group */
        uint32_t close = group_closer(c[k].cp);
        if (close) {
            for (size_t m = k + 1; m < n && m <= k + GROUP_MAX + 1; m++) {
                if (c[m].cp == close) {
                    for (size_t i = k; i < m; i++)
                        cohere(coh, i, COH_LOOSE);
                    break;
                }
                if (c[m].cp == c[k].cp || (c[m].flags & C_NEWLINE))
                    break;
            }
        }
    }
}

int jx_text_closing_bracket(uint32_t cp)
{
    return cp == ')' || cp == ']' || cp == 0xFF09 || cp == 0xFF3D || cp == 0x3011 ||
           cp == 0x3015 || cp == 0x3017 || cp == 0x300B || cp == 0x3009 || cp == 0x300D ||
           cp == 0x300F || cp == 0x201D || cp == 0x2019;
}

/* Whether the position after c[k] is inside a number (with its decimal
 * point, separators and amount unit: 3,456|.78, 128.4|万元, 12.5|%), inside
 * a unit word (万|元, 平方|米) or inside a Latin word or letter-digit code
 * (IoT, 5G): breaking there is what a reader calls a split number or word,
 * so it is graded JX_TIER_CUT (where UAX #14 allows it; where it does not,
 * the position is JX_TIER_CUT anyway unless a bracket edges the token). */
static int inside_word(const lb_char *c, const jx_unit_mark *um, size_t k, size_t n)
{
    if (k + 1 >= n)
        return 0;
    uint32_t a = c[k].cp, b = c[k + 1].cp;
    int da = (c[k].flags & C_DIGIT) != 0, db = (c[k + 1].flags & C_DIGIT) != 0;
    int la = is_letter(a), lb = is_letter(b);
    if ((da || la) && (db || lb))
        return 1;
    if (da && um[k + 1].len && um[k + 1].kind == JX_UNIT_AMOUNT)
        return 1;
    if (um[k].inside)
        return 1;
    int sep_b = b == '.' || b == ',' || b == 0xFF0E;
    int sep_a = a == '.' || a == ',' || a == 0xFF0E;
    if (da && sep_b && k + 2 < n && (c[k + 2].flags & C_DIGIT))
        return 1;
    if (sep_a && db && k > 0 && (c[k - 1].flags & C_DIGIT))
        return 1;
    return 0;
}

/* Marks url[k] for the characters of web addresses: from "http://",
 * "https://" or "www." to the first space, control, non-ASCII character or
 * closing bracket/quote. */
static void mark_urls(const lb_char *c, size_t n, unsigned char *url)
{
    for (size_t k = 0; k < n; k++) {
        static const char *const starts[] = {"http://", "https://", "www."};
        size_t m = 0;
        for (size_t s = 0; s < 3 && !m; s++) {
            size_t i = 0, l = strlen(starts[s]);
            while (i < l && k + i < n && c[k + i].cp == (unsigned char)starts[s][i])
                i++;
            if (i == l && (k == 0 || !is_letter(c[k - 1].cp)))
                m = l;
        }
        if (!m)
            continue;
        while (k < n && c[k].cp > ' ' && c[k].cp < 0x7F && c[k].cp != ')' && c[k].cp != ']' &&
               c[k].cp != '"' && c[k].cp != '\'')
            url[k++] = 1;
    }
}

/* Whether a line may break after c[k] inside a web address, at one of its
 * joints (after '/' but not inside "//", after '.', '-', '_', '?', '&',
 * '=', '#', '~'), so that an address wider than its line breaks where a
 * reader expects rather than inside a word; after '.' only before a
 * letter, so that no line ends "47." with the next starting "5". */
static int url_joint(const lb_char *c, size_t k, size_t n, const unsigned char *url)
{
    if (k + 1 >= n || !url[k] || !url[k + 1])
        return 0;
    uint32_t a = c[k].cp, b = c[k + 1].cp;
    switch (a) {
    case '/': return b != '/';
    case '.': return is_letter(b);
    case '-': case '_': case '?': case '&': case '=': case '#': case '~': return 1;
    default: return 0;
    }
}

jx_status jx_text_break_tiers(const char *text, size_t len, unsigned char *tier)
{
    return jx_text_break_tiers_marks(text, len, NULL, tier, NULL);
}

jx_status jx_text_break_tiers_units(const char *text, size_t len, const jx_units *units,
                                    unsigned char *tier)
{
    return jx_text_break_tiers_marks(text, len, units, tier, NULL);
}

/* Frees what jx_text_break_tiers_marks allocated (um only when it is its
 * own) and returns st. */
static jx_status tiers_done(jx_status st, lb_char *c, jx_unit_mark *um, int own_um,
                            unsigned char *coh, unsigned char *url, size_t *next_ns,
                            size_t *prev_ns)
{
    free(c);
    if (own_um)
        free(um);
    free(coh);
    free(url);
    free(next_ns);
    free(prev_ns);
    return st;
}

jx_status jx_text_break_tiers_marks(const char *text, size_t len, const jx_units *units,
                                    unsigned char *tier, jx_unit_mark *marks)
{
    if (len == 0)
        return JX_OK;
    if (!text || !tier)
        return JX_ERR_INTERNAL;
    if (len >= (size_t)1 << 31)
        return JX_ERR_LIMIT;
    size_t n = 0, pos = 0;
    uint32_t cp;
    while (pos < len) {
        if (!jx_utf8_next(text, len, &pos, &cp))
            return JX_ERR_SYNTAX;
        n++;
    }
    lb_char *c = malloc(n * sizeof *c);
    jx_unit_mark *um = marks ? marks : malloc(n * sizeof *um);
    unsigned char *coh = calloc(n, 1);
    unsigned char *url = calloc(n, 1);
    /* the nearest non-space character at or after / at or before k */
    size_t *next_ns = malloc(n * sizeof *next_ns);
    size_t *prev_ns = malloc(n * sizeof *prev_ns);
    if (!c || !um || !coh || !url || !next_ns || !prev_ns)
        return tiers_done(JX_ERR_NOMEM, c, um, !marks, coh, url, next_ns, prev_ns);
    pos = 0;
    for (size_t k = 0; k < n; k++) {
        jx_utf8_next(text, len, &pos, &c[k].cp);
        c[k].last = (uint32_t)(pos - 1);
        c[k].flags = char_flags(c[k].cp);
    }
    const size_t none = (size_t)-1;
    for (size_t k = n; k-- > 0;)
        next_ns[k] = (c[k].flags & C_SPACE) ? (k + 1 < n ? next_ns[k + 1] : none) : k;
    for (size_t k = 0; k < n; k++)
        prev_ns[k] = (c[k].flags & C_SPACE) ? (k > 0 ? prev_ns[k - 1] : none) : k;
    jx_units_mark(units, &c[0].cp, sizeof *c, n, um);
    mark_cohesion(c, um, n, coh);
    mark_urls(c, n, url);

    pthread_once(&lb_once, lb_init);
    /* libunibreak 1.1 fails an assertion (abort) on two kinds of character
     * (found by fuzzing, tests/fuzz/): U+FFFF, its end-of-text mark, and the
     * regional indicators of flags (class RI, missing from its pair table).
     * It is given a copy where each has a stand-in of the same UTF-8 length
     * it handles: U+FFFE (also a noncharacter, class XX) and U+20000 (an
     * ideograph, class ID); the two indicators of a flag are then kept
     * together below, as UAX #14 (LB30a) says. */
    char *copy = NULL;
    for (size_t k = 0; k < n; k++) {
        int ri = c[k].cp >= 0x1F1E6 && c[k].cp <= 0x1F1FF;
        if (c[k].cp != 0xFFFF && !ri)
            continue;
        if (!copy) {
            if (!(copy = malloc(len)))
                return tiers_done(JX_ERR_NOMEM, c, um, !marks, coh, url, next_ns, prev_ns);
            memcpy(copy, text, len);
        }
        if (ri)
            memcpy(copy + c[k].last - 3, "\xF0\xA0\x80\x80", 4);
        else
            copy[c[k].last] = (char)0xBE;
    }
    set_linebreaks_utf8((const utf8_t *)(copy ? copy : text), len, "zh", (char *)tier);
    free(copy);
    for (size_t k = 0, run = 0; k + 1 < n; k++) {
        run = c[k].cp >= 0x1F1E6 && c[k].cp <= 0x1F1FF ? run + 1 : 0;
        if (run % 2 == 1 && c[k + 1].cp >= 0x1F1E6 && c[k + 1].cp <= 0x1F1FF &&
            tier[c[k].last] == LINEBREAK_ALLOWBREAK)
            tier[c[k].last] = LINEBREAK_NOBREAK;
    }

    size_t start = 0;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = start; i < c[k].last; i++)
            tier[i] = JX_TIER_INSIDE_CHAR;
        start = c[k].last + 1;
        int ub = tier[c[k].last];
        unsigned char t;
        if (k + 1 == n || ub == LINEBREAK_MUSTBREAK) {
            t = JX_TIER_MUST;
        } else {
            unsigned a = c[k].flags, b = c[k + 1].flags;
            size_t after = next_ns[k + 1], before = prev_ns[k];
            if ((b & C_JOINS_PREV) || (a & C_ZWJ)) {
                t = JX_TIER_NEVER;

            } else if ((a & C_PAIRED) && c[k].cp == c[k + 1].cp) {
                t = JX_TIER_PAIR;
            } else if ((after != none && (c[after].flags & C_NO_START)) ||
                       (before != none && (c[before].flags & C_NO_END))) {
                t = JX_TIER_LAST;
            } else if (url_joint(c, k, n, url)) {
                t = JX_TIER_SOFT;
            } else if (ub == LINEBREAK_ALLOWBREAK) {
                /* a unit word (万元, 平方米) stays whole, after a number or not
                 * (the head "（万元）") */
                t = um[k].inside || (coh[k] == COH_STRONG && inside_word(c, um, k, n))
                        ? JX_TIER_CUT
                    : coh[k] == COH_STRONG ? JX_TIER_SOFT
                    : coh[k] == COH_LOOSE ? JX_TIER_LOOSE
                                          : JX_TIER_ALLOW;
            } else {
                /* a bracket next to a token (2025|（, ）|2) is a clean edge */
                t = (jx_text_closing_bracket(c[k].cp) || (b & C_NO_END)) && !inside_word(c, um, k, n)
                        ? JX_TIER_SOFT
                        : JX_TIER_CUT;
            }
        }
        tier[c[k].last] = t;
    }
    return tiers_done(JX_OK, c, um, !marks, coh, url, next_ns, prev_ns);
}

jx_status jx_text_break_opportunities(const char *text, size_t len, char *brk)
{
    if (len == 0)
        return JX_OK;
    if (!brk)
        return JX_ERR_INTERNAL;
    jx_status st = jx_text_break_tiers(text, len, (unsigned char *)brk);
    if (st != JX_OK)
        return st;
    for (size_t i = 0; i < len; i++) {
        switch ((unsigned char)brk[i]) {
        case JX_TIER_MUST: brk[i] = JX_BREAK_MUST; break;
        case JX_TIER_ALLOW: brk[i] = JX_BREAK_ALLOW; break;
        case JX_TIER_INSIDE_CHAR: brk[i] = JX_BREAK_INSIDE_CHAR; break;
        default: brk[i] = JX_BREAK_NO; break;
        }
    }
    return JX_OK;
}
