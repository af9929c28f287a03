/* fuzz_linebreak.c - libFuzzer target: the line breaker.
 *
 * The input bytes are one paragraph of text.  They are broken with
 * jx_text_break() at several widths in the real fonts (song = AR PL UMing
 * with WenQuanYi Zen Hei as fallback, hei = Zen Hei with UMing as fallback,
 * loaded once), and their break opportunities and tiers are computed.
 * Invariants checked (abort() on failure, so libFuzzer keeps the input):
 *   - invalid UTF-8 is JX_ERR_SYNTAX everywhere; valid text breaks (JX_OK)
 *     or is refused with JX_ERR_GLYPH (control or missing character) and a
 *     message; never any other status;
 *   - lines are in order, do not overlap, lie inside the text, and every
 *     byte outside all lines is a space, tab or line separator;
 *   - every line fits the width, or holds a single character / shaping
 *     cluster (and then `overflow` is set); a line that fits never sets it;
 *   - an empty line only for a blank stretch between forced breaks; a text
 *     with any visible character gives at least one line;
 *   - runs lie inside their line, in order, never hold a tab or newline,
 *     leave out nothing but tabs and invisible (default ignorable)
 *     characters, and their widths add up to at most the line's;
 *   - at an infinite width the widest line is jx_text_width(); at
 *     jx_text_min_width() nothing overflows;
 *   - break opportunities and tiers agree with each other and with the
 *     UTF-8 structure (INSIDE_CHAR exactly inside characters, MUST after a
 *     line feed).
 * Build and run: see tests/fuzz/README.md. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jx_diag.h"
#include "jx_text.h"
#include "../unit/jx_test.h"

/* Longer paragraphs only slow the search down; real cells are shorter. */
#define MAX_TEXT 4096
#define EPS 1e-6
/* The engine's own tolerance for "wider than the line" (WIDTH_EPS). */
#define OVER_EPS 1e-7

static jx_fonts *fonts;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_linebreak: invariant failed: %s (line %d)\n", #cond,         \
                    __LINE__);                                                                 \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fonts = jx_test_fonts(1);
    if (!fonts) {
        fprintf(stderr, "fuzz_linebreak: install fonts-arphic-uming and fonts-wqy-zenhei\n");
        abort();
    }
    return 0;
}

/* Strict UTF-8 check written independently of the engine's decoder.
 * Returns the number of characters, or -1. */
static long utf8_count(const unsigned char *s, size_t n)
{
    long count = 0;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            count++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return -1;
        }
        if (n - i <= k)
            return -1;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        i += k + 1;
        count++;
    }
    return count;
}

/* Bytes that may lie outside every line: spaces, tabs and line separators
 * (U+2028 E2 80 A8, U+2029 E2 80 A9). */
static int is_gap(const unsigned char *s, size_t len, size_t i, size_t *step)
{
    *step = 1;
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
        return 1;
    if (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
        *step = 3;
        return 1;
    }
    return 0;
}

static int is_forced_break_at(const unsigned char *s, size_t len, size_t i, size_t *step)
{
    *step = 1;
    if (s[i] == '\n')
        return 1;
    if (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
        *step = 3;
        return 1;
    }
    return 0;
}

/* 1 when the stretch between the forced breaks around byte `at` holds only
 * spaces and tabs. */
static int blank_segment_at(const unsigned char *s, size_t len, size_t at)
{
    size_t a = 0;
    for (size_t i = 0, step; i < at && i < len; i += step)
        if (is_forced_break_at(s, len, i, &step))
            a = i + step;
    for (size_t i = a, step; i < len; i += step) {
        if (is_forced_break_at(s, len, i, &step))
            break;
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    }
    return 1;
}

/* Unicode Default_Ignorable_Code_Point (DerivedCoreProperties.txt): the
 * engine leaves such a character out of the runs when no face maps it. */
static int default_ignorable(uint32_t cp)
{
    return cp == 0x00AD || cp == 0x034F || cp == 0x061C || (cp >= 0x115F && cp <= 0x1160) ||
           (cp >= 0x17B4 && cp <= 0x17B5) || (cp >= 0x180B && cp <= 0x180F) ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
           (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
           (cp >= 0xE0000 && cp <= 0xE0FFF);
}

/* Bytes inside a line but outside its runs: tabs and invisible characters.
 * Checks s[a..b) and aborts otherwise. */
static void check_unrun(const unsigned char *s, size_t a, size_t b)
{
    size_t pos = a;
    while (pos < b) {
        uint32_t cp;
        size_t at = pos;
        CHECK(jx_utf8_next((const char *)s, b, &pos, &cp));
        if (cp != '\t' && !default_ignorable(cp)) {
            fprintf(stderr, "fuzz_linebreak: U+%04X at byte %zu is in a line but in no run\n",
                    (unsigned)cp, at);
            abort();
        }
    }
}

static void check_lines(const unsigned char *s, size_t len, const unsigned char *tier,
                        const jx_text_lines *out, double width)
{
    size_t prev_end = 0;
    int any_overflow = 0;
    for (size_t i = 0; i < out->nlines; i++) {
        const jx_text_line *l = &out->lines[i];
        CHECK(l->start <= l->end && l->end <= len);
        CHECK(l->start >= prev_end);
        /* Nothing but spaces and line separators left out between lines. */
        for (size_t k = prev_end, step; k < l->start; k += step)
            CHECK(is_gap(s, len, k, &step));
        if (l->start == l->end) {
            CHECK(blank_segment_at(s, len, l->start));
            CHECK(l->nruns == 0);
            CHECK(fabs(l->width) < EPS);
        } else {
            /* Trimmed: no space or tab at either end. */
            CHECK(s[l->start] != ' ' && s[l->start] != '\t');
            CHECK(s[l->end - 1] != ' ' && s[l->end - 1] != '\t');
        }
        /* Fits, or cannot be cut: no usable position inside it. */
        if (l->width > width + OVER_EPS) {
            any_overflow = 1;
            for (size_t k = l->start; k + 1 < l->end; k++)
                CHECK(tier[k] >= JX_TIER_NEVER);
        }
        /* Runs. */
        CHECK(l->first_run <= out->nruns && l->nruns <= out->nruns - l->first_run);
        double sum = 0.0, x = -1.0;
        size_t run_end = l->start;
        for (size_t r = l->first_run; r < l->first_run + l->nruns; r++) {
            const jx_text_run *run = &out->runs[r];
            CHECK(run->face != NULL);
            CHECK(run->start < run->end && run->start >= run_end && run->end <= l->end);
            check_unrun(s, run_end, run->start);
            for (size_t k = run->start; k < run->end; k++)
                CHECK(s[k] != '\t' && s[k] != '\n');
            CHECK(run->x >= x - EPS && run->width >= -EPS);
            x = run->x;
            sum += run->width;
            run_end = run->end;
        }
        check_unrun(s, run_end, l->end);
        CHECK(sum <= l->width + 1e-6 * (1.0 + l->width));
        CHECK(isfinite(l->width) && l->width >= -EPS);
        prev_end = l->end;
    }
    for (size_t k = prev_end, step; k < len; k += step)
        CHECK(is_gap(s, len, k, &step));
    CHECK(out->overflow == any_overflow);
    /* Visible text gives lines. */
    int visible = 0;
    for (size_t k = 0, step; k < len && !visible; k += step)
        visible = !is_gap(s, len, k, &step);
    if (visible)
        CHECK(out->nlines >= 1);
    CHECK(out->line_height > 0 && isfinite(out->line_height));
}

static void check_opportunities(const unsigned char *s, size_t len, unsigned char *tier)
{
    char *brk = malloc(len ? len : 1);
    CHECK(brk != NULL);
    jx_status bs = jx_text_break_opportunities((const char *)s, len, brk);
    CHECK(bs == JX_OK);
    for (size_t i = 0; i < len; i++) {
        CHECK(brk[i] >= JX_BREAK_MUST && brk[i] <= JX_BREAK_INSIDE_CHAR);
        CHECK(tier[i] <= JX_TIER_INSIDE_CHAR);
        /* Inside a character exactly when the next byte continues it. */
        int inside = i + 1 < len && (s[i + 1] & 0xC0) == 0x80;
        CHECK((brk[i] == JX_BREAK_INSIDE_CHAR) == inside);
        CHECK((tier[i] == JX_TIER_INSIDE_CHAR) == inside);
        CHECK((brk[i] == JX_BREAK_MUST) == (tier[i] == JX_TIER_MUST));
        CHECK((brk[i] == JX_BREAK_ALLOW) == (tier[i] == JX_TIER_ALLOW));
        if (s[i] == '\n')
            CHECK(brk[i] == JX_BREAK_MUST);
    }
    free(brk);
}

static void break_at(const char *role, double size, const unsigned char *s, size_t len,
                     const unsigned char *tier, double width)
{
    jx_diags d;
    jx_diags_init(&d);
    jx_text_lines out;
    jx_status st = jx_text_break(fonts, role, size, (const char *)s, len, width, &out, &d,
                                 "fuzz", "fuzz.txt", 1, 1);
    if (st == JX_OK) {
        check_lines(s, len, tier, &out, width);
        jx_text_lines_free(&out);
    } else {
        CHECK(st == JX_ERR_GLYPH);
        CHECK(d.errors >= 1);
        CHECK(out.nlines == 0 && out.lines == NULL && out.runs == NULL);
    }
    jx_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_TEXT)
        return 0;
    const unsigned char *s = data;
    long nchars = utf8_count(s, size);
    unsigned char *tier = malloc(size ? size : 1);
    CHECK(tier != NULL);
    jx_status ts = jx_text_break_tiers((const char *)s, size, tier);
    if (nchars < 0) {
        /* Invalid UTF-8: refused everywhere, with a message. */
        CHECK(ts == JX_ERR_SYNTAX);
        char *brk = malloc(size);
        CHECK(brk != NULL);
        CHECK(jx_text_break_opportunities((const char *)s, size, brk) == JX_ERR_SYNTAX);
        free(brk);
        jx_diags d;
        jx_diags_init(&d);
        jx_text_lines out;
        CHECK(jx_text_break(fonts, "song", 10.5, (const char *)s, size, 100.0, &out, &d, "fuzz",
                            "fuzz.txt", 1, 1) == JX_ERR_SYNTAX);
        CHECK(d.errors >= 1 && out.nlines == 0);
        jx_diags_free(&d);
        CHECK(jx_text_width(fonts, "song", 10.5, (const char *)s, size) == -1.0);
        free(tier);
        return 0;
    }
    CHECK(ts == JX_OK);
    check_opportunities(s, size, tier);

    static const double widths[] = {0.0, 9.0, 31.5, 100.0, 420.0};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
        break_at("song", 10.5, s, size, tier, widths[i]);
    break_at("hei", 16.0, s, size, tier, 75.0);

    /* Infinite width: one line per forced-break segment, the widest being
     * jx_text_width(). */
    jx_text_lines out;
    jx_status st = jx_text_break(fonts, "song", 10.5, (const char *)s, size, INFINITY, &out,
                                 NULL, NULL, NULL, 0, 0);
    double w = jx_text_width(fonts, "song", 10.5, (const char *)s, size);
    double mw = jx_text_min_width(fonts, "song", 10.5, (const char *)s, size);
    if (st == JX_OK) {
        check_lines(s, size, tier, &out, INFINITY);
        CHECK(!out.overflow);
        double widest = 0.0;
        for (size_t i = 0; i < out.nlines; i++)
            if (out.lines[i].width > widest)
                widest = out.lines[i].width;
        CHECK(fabs(w - widest) <= 1e-6 * (1.0 + widest));
        CHECK(mw >= 0.0 && mw <= w + 1e-6 * (1.0 + w));
        jx_text_lines_free(&out);
        /* At the min-content width nothing needs a last-resort overflow. */
        jx_text_lines at_min;
        CHECK(jx_text_break(fonts, "song", 10.5, (const char *)s, size, mw, &at_min, NULL, NULL,
                            NULL, 0, 0) == JX_OK);
        check_lines(s, size, tier, &at_min, mw);
        CHECK(!at_min.overflow);
        jx_text_lines_free(&at_min);
    } else {
        CHECK(st == JX_ERR_GLYPH);
        CHECK(w == -1.0 && mw == -1.0);
    }
    free(tier);
    return 0;
}
