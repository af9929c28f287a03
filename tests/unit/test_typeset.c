/* Composition decisions of the text engine (jx_text_break_opts): clreq
 * justification, punctuation compression (标点挤压), no lonely last
 * character, balanced headings, enumeration lines, the companion Latin
 * face.  Measured with the real Debian fonts (AR PL UMing, Liberation
 * Serif); skipped as a failure when they are missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jx_colfit.h"
#include "jx_doc.h"
#include "jx_text.h"

#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define SERIF "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
#define SIZE 10.0
/* Both insets of a cell of the fixture (padding 2, no rule): 0.56 em each
 * side (jx_table_cell_inset). */
#define INSETS (2 * JX_CELL_INSET_EM * SIZE)
#define EPS 1e-6

static jx_fonts *fonts;

static int load_fonts(void **state)
{
    (void)state;
    if (access(UMING, R_OK) != 0 || access(SERIF, R_OK) != 0) {
        print_error("fonts-arphic-uming and fonts-liberation are needed\n");
        return -1;
    }
    fonts = jx_fonts_create();
    if (!fonts || jx_fonts_add(fonts, "song", UMING, 0, NULL) != JX_OK ||
        jx_fonts_add(fonts, "plain", UMING, 0, NULL) != JX_OK ||
        jx_fonts_add_latin(fonts, "song", SERIF, 0, NULL) != JX_OK)
        return -1;
    return 0;
}

static int free_fonts(void **state)
{
    (void)state;
    jx_fonts_free(fonts);
    return 0;
}

static jx_text_lines brk(const char *role, const char *text, double width, jx_text_opts o)
{
    jx_text_lines out;
    jx_status st = jx_text_break_opts(fonts, role, SIZE, text, strlen(text), width, &o, &out,
                                      NULL, "t", NULL, 0, 0);
    assert_int_equal(st, JX_OK);
    return out;
}

static double width(const char *role, const char *text)
{
    return jx_text_width(fonts, role, SIZE, text, strlen(text));
}

/* The text of line i (static buffer). */
static const char *line_text(const char *text, const jx_text_lines *L, size_t i)
{
    static char buf[1024];
    size_t n = L->lines[i].end - L->lines[i].start;
    snprintf(buf, sizeof buf, "%.*s", (int)n, text + L->lines[i].start);
    return buf;
}

static int narrow_byte(unsigned char c)
{
    return c < 0x80;
}

/* ------------------------------------------------------ justification */

static void justification_expands_only_next_to_cjk(void **state)
{
    (void)state;
    const char *t = "园区引进世界500强企业和PPP项目共12个，完成年度目标的108.5%，"
                    "推动产业集群高质量发展并带动周边配套服务全面提升";
    jx_text_opts o = {.justify = 1};
    for (double w = 150.0; w <= 300.0; w += 7.0) {
        jx_text_lines L = brk("song", t, w, o);
        assert_true(L.nlines >= 2);
        for (size_t i = 0; i < L.nlines; i++) {
            const jx_text_line *l = &L.lines[i];
            int last = i + 1 == L.nlines;
            double spacing = -1;
            for (size_t r = 0; r < l->nruns; r++) {
                const jx_text_run *run = &L.runs[l->first_run + r];
                /* never inside a Latin word or a number */
                if (run->end - run->start > 1 && narrow_byte((unsigned char)t[run->start]))
                    assert_true(run->spacing <= 0.0);
                if (last)
                    assert_true(run->spacing <= 0.0);
                if (run->spacing > 0) {
                    /* one amount for every gap, at most 0.14 em */
                    if (spacing >= 0)
                        assert_true(fabs(run->spacing - spacing) < EPS);
                    spacing = run->spacing;
                    assert_true(spacing <= 0.14 * SIZE + EPS);
                }
            }
            /* a stretched line ends exactly at the width; one that is not
             * is flush left (its natural width) */
            if (spacing > 0)
                assert_true(fabs(l->width - w) < 1e-6);
            else
                assert_true(l->width <= w + EPS);
        }
        jx_text_lines_free(&L);
    }
}

static void forced_break_lines_and_loose_lines_stay_flush(void **state)
{
    (void)state;
    jx_text_opts o = {.justify = 1};
    /* a line ended by '\n' is not stretched */
    const char *t = "一二三四\n五六七八九十一二三四五六七八九十";
    jx_text_lines L = brk("song", t, 8 * SIZE, o);
    assert_string_equal(line_text(t, &L, 0), "一二三四");
    for (size_t r = 0; r < L.lines[0].nruns; r++)
        assert_true(L.runs[L.lines[0].first_run + r].spacing == 0.0);
    jx_text_lines_free(&L);
    /* a line that would need 1 em over 5 gaps (0.2 em each) stays flush
     * left: "一二三四五六" + a word that does not fit after it */
    const char *u = "一二三四五六 Hello一二三四五六";
    L = brk("song", u, 7 * SIZE, o);
    assert_true(L.nlines >= 2);
    assert_string_equal(line_text(u, &L, 0), "一二三四五六");
    assert_true(fabs(L.lines[0].width - 6 * SIZE) < EPS);
    for (size_t r = 0; r < L.lines[0].nruns; r++)
        assert_true(L.runs[L.lines[0].first_run + r].spacing <= 0.0);
    jx_text_lines_free(&L);
}

/* ---------------------------------------------------- punctuation pairs */

/* Each clreq pair class (3.1.6) loses half an em of the blank between
 * its two marks, so that the pair is one and a half ems wide and its
 * combined blank half an em (UMing: brackets, quotes and ，。、；： are full
 * width, ink in one half).  A pair with less blank between its inks loses
 * all of it ("。”": UMing's ” has no left blank, its 。 0.45 em right).
 * ？！, a narrow middle dot and ideographs are not compressed; the
 * characters are unchanged. */
static void adjacent_punctuation_is_compressed(void **state)
{
    (void)state;
    static const struct {
        const char *pair, *cls;
    } pairs[] = {
        {"）」", "closing + closing"},   {"」）", "closing + closing"},
        {"》）", "closing + closing"},   {"）、", "closing + pause"},
        {"」，", "closing + pause"},     {"》；", "closing + pause"},
        {"）。", "closing + stop"},      {"』：", "closing + colon"},
        {"，「", "pause + opening"},     {"、“", "pause + opening"},
        {"；《", "pause + opening"},     {"。（", "stop + opening"},
        {"：“", "colon + opening"},      {"）（", "closing + opening"},
        {"」「", "closing + opening"},   {"》《", "closing + opening"},
        {"（「", "opening + opening"},   {"《“", "opening + opening"},
        {"（【", "opening + opening"},   {"。，", "stop + pause"},
        {"，。", "pause + stop"},        {"）・", "closing + middle dot"},
        {"・（", "middle dot + opening"}, {"、・", "pause + middle dot"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double apart = 2 * SIZE, together = width("plain", pairs[i].pair);
        if (fabs(width("plain", pairs[i].pair + 3) - SIZE) > EPS ||
            fabs(together - (apart - 0.5 * SIZE)) > EPS)
            fail_msg("%s (%s): %.3f pt together, want %.3f", pairs[i].pair, pairs[i].cls,
                     together, apart - 0.5 * SIZE);
    }
    /* less blank than half an em between the inks: all of it goes */
    double w = width("plain", "。”");
    assert_true(w > 1.5 * SIZE + 0.02 * SIZE && w < 1.5 * SIZE + 0.1 * SIZE);
    /* three in a row: each pair half an em */
    assert_true(fabs(width("plain", "）、“") - 2.0 * SIZE) < EPS);
    assert_true(fabs(width("plain", "（（一））") - 4.0 * SIZE) < EPS);
    /* not compressed */
    assert_true(fabs(width("plain", "？！") - 2 * SIZE) < EPS);
    assert_true(fabs(width("plain", "！（") - 2 * SIZE) < EPS);
    assert_true(fabs(width("plain", "）·") - width("plain", "）") - width("plain", "·")) < EPS);
    assert_true(fabs(width("plain", "中文") - 2 * SIZE) < EPS);
    /* the first mark of a pair is drawn narrowed: a run of its own with
     * the half em as negative spacing; the characters are kept */
    const char *t = "甲）、乙";
    jx_text_lines L = brk("plain", t, 100 * SIZE, (jx_text_opts){0});
    assert_int_equal(L.nlines, 1);
    assert_string_equal(line_text(t, &L, 0), t);
    int found = 0;
    for (size_t r = 0; r < L.nruns; r++) {
        const jx_text_run *run = &L.runs[r];
        if (run->end - run->start == 3 && memcmp(t + run->start, "）", 3) == 0) {
            found = 1;
            assert_true(fabs(run->spacing + 0.5 * SIZE) < EPS);
            assert_true(fabs(run->width - 0.5 * SIZE) < EPS);
        }
    }
    assert_true(found);
    jx_text_lines_free(&L);
}

/* A closing mark at a line end gives up its blank when that keeps it on
 * the line: "一二三四，" fits 4.75 em (UMing's ，sits in the left half). */
static void line_end_punctuation_is_compressed_to_avoid_a_break(void **state)
{
    (void)state;
    jx_text_opts o = {0};
    const char *t = "一二三四，";
    assert_true(width("plain", t) > 4.75 * SIZE);
    jx_text_lines L = brk("plain", t, 4.75 * SIZE, o);
    assert_int_equal(L.nlines, 1);
    assert_true(L.lines[0].width <= 4.75 * SIZE + EPS);
    assert_false(L.overflow);
    jx_text_lines_free(&L);
}

/* An opening bracket at a line start keeps its blank (issue #11): its
 * glyph box would otherwise start left of the cell's text area, nearer
 * than an em to the cell beside it, and poppler reads the two cells as one
 * block.  "（一二三四" (UMing's （ sits in the right half) does not fit
 * 4.75 em by giving up the bracket's blank: the break moves, and no run
 * of any line starts left of the line or ends right of the limit. */
static void line_start_bracket_keeps_its_blank(void **state)
{
    (void)state;
    jx_text_opts o = {0};
    const char *t = "（一二三四";
    assert_true(width("plain", t) > 4.75 * SIZE);
    jx_text_lines L = brk("plain", t, 4.75 * SIZE, o);
    assert_int_equal(L.nlines, 2);
    assert_false(L.overflow);
    for (size_t i = 0; i < L.nruns; i++) {
        assert_true(L.runs[i].x >= -EPS);
        assert_true(L.runs[i].x + L.runs[i].width <= 4.75 * SIZE + EPS);
    }
    jx_text_lines_free(&L);
}

/* ------------------------------------------------------------ balancing */

static void no_lonely_last_character(void **state)
{
    (void)state;
    jx_text_opts o = {0};
    const char *t[] = {"财政供养人员数", "招商工作满意度", "长期绩效指标", "完成率达到100%以上"};
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        for (double w = 2.5 * SIZE; w <= 8 * SIZE; w += 0.5 * SIZE) {
            jx_text_lines L = brk("plain", t[k], w, o);
            if (L.nlines >= 2) {
                const char *last = line_text(t[k], &L, L.nlines - 1);
                /* more than one character (3 bytes each here, or Latin) */
                if (strlen(last) <= 3 && !narrow_byte((unsigned char)last[0]))
                    fail_msg("'%s' at %.1f pt ends with '%s'", t[k], w, last);
            }
            jx_text_lines_free(&L);
        }
    }
    /* the greedy break would leave 数 alone */
    jx_text_lines L = brk("plain", "财政供养人员数", 6 * SIZE, o);
    assert_int_equal(L.nlines, 2);
    assert_string_equal(line_text("财政供养人员数", &L, 1), "员数");
    jx_text_lines_free(&L);
    /* the only earlier break keeps a number's unit run together (2000年|项):
     * taken, since it splits no word a reader sees; 2000|年 is never taken */
    const char *u = "数据2000年项目。";
    L = brk("plain", u, 4 * SIZE, o);
    assert_int_equal(L.nlines, 3);
    assert_string_equal(line_text(u, &L, 1), "2000年");
    assert_string_equal(line_text(u, &L, 2), "项目。");
    jx_text_lines_free(&L);
}

static void short_headings_are_balanced(void **state)
{
    (void)state;
    const char *t = "半年（程）计划执行数";
    jx_text_opts o = {.balance = 1};
    jx_text_lines L = brk("plain", t, 9 * SIZE, o);
    assert_int_equal(L.nlines, 2);
    assert_string_equal(line_text(t, &L, 0), "半年（程）");
    assert_string_equal(line_text(t, &L, 1), "计划执行数");
    jx_text_lines_free(&L);
    /* without balancing the first line is filled */
    o.balance = 0;
    L = brk("plain", t, 9 * SIZE, o);
    assert_int_equal(L.nlines, 2);
    assert_true(strlen(line_text(t, &L, 0)) > strlen("半年（程）"));
    jx_text_lines_free(&L);
}

static void enumerations_start_new_lines_when_asked(void **state)
{
    (void)state;
    const char *t = "（1）依托用地招商（2）依托载体招商(3)提升服务（二）其他";
    jx_text_opts o = {.enum_lines = 1};
    jx_text_lines L = brk("plain", t, 40 * SIZE, o);
    assert_int_equal(L.nlines, 4);
    assert_string_equal(line_text(t, &L, 1), "（2）依托载体招商");
    assert_string_equal(line_text(t, &L, 2), "(3)提升服务");
    jx_text_lines_free(&L);
    o.enum_lines = 0;
    L = brk("plain", t, 40 * SIZE, o);
    assert_int_equal(L.nlines, 1);
    jx_text_lines_free(&L);
}

/* ------------------------------------------------------------ Latin face */

static void latin_and_digits_use_the_companion_face(void **state)
{
    (void)state;
    const char *t = "引进500强企业和New York项目";
    jx_text_opts o = {0};
    jx_text_lines L = brk("song", t, 100 * SIZE, o);
    assert_int_equal(L.nlines, 1);
    int seen_latin = 0;
    for (size_t r = 0; r < L.nruns; r++) {
        const jx_text_run *run = &L.runs[r];
        const char *family = jx_face_family(run->face);
        int narrow = narrow_byte((unsigned char)t[run->start]);
        assert_string_equal(family, narrow ? "Liberation Serif" : "AR PL UMing CN");
        seen_latin |= narrow;
        if (narrow) /* "500", "New York" (the space between two words too) */
            assert_true(strncmp(t + run->start, "500", 3) == 0 ||
                        strncmp(t + run->start, "New York", 8) == 0);
    }
    assert_true(seen_latin);
    /* the role's metrics and primary face stay the CJK face's */
    assert_string_equal(jx_face_family(jx_fonts_primary(fonts, "song")), "AR PL UMing CN");
    assert_true(fabs(jx_fonts_line_height(fonts, "song", SIZE) -
                     jx_fonts_line_height(fonts, "plain", SIZE)) < EPS);
    jx_text_lines_free(&L);
}

/* ---------------------------------------------------- automatic columns */

static void add_cell(jx_doc *doc, jx_table *t, int row, int col, jx_cell_kind kind,
                     const char *text)
{
    jx_cell *c = jx_table_add_cell(doc, t);
    assert_non_null(c);
    c->row = row;
    c->col = col;
    c->rowspan = c->colspan = 1;
    c->kind = kind;
    c->paras = jx_doc_alloc(doc, sizeof *c->paras);
    c->paras[0].text = jx_doc_strdup(doc, text);
    c->npara = 1;
    c->style = (jx_style){"plain", SIZE, 0, JX_ALIGN_LEFT, JX_VALIGN_MIDDLE, 0, 1.0, 0};
}

/* A table of 4 columns over 400 pt: a fixed label column (10 units), an
 * amount column (auto), two text columns ({min: 10} and {min: 10, max:
 * 30}), 40 units of stand-in widths in all (1 unit = 10 pt). */
static jx_table *fit_fixture(jx_doc **doc, const char *name, const char *goal)
{
    *doc = jx_doc_create();
    jx_section *sec = jx_doc_add_section(*doc);
    sec->page.width_pt = 500;
    sec->page.margin_left_pt = sec->page.margin_right_pt = 50;
    jx_block *b = jx_section_add_block(*doc, sec, JX_BLOCK_TABLE);
    jx_table *t = b->table = jx_doc_alloc(*doc, sizeof *t);
    t->ncols = 4;
    t->nrows = 2;
    t->padding_pt = 2;
    t->border_pt = 0;
    t->col_widths = jx_doc_alloc(*doc, 4 * sizeof(double));
    t->col_fit = jx_doc_alloc(*doc, 4 * sizeof(jx_col_fit));
    double w[] = {10, 10, 10, 10};
    memcpy(t->col_widths, w, sizeof w);
    t->col_fit[1] = (jx_col_fit){1, 0, 0};
    t->col_fit[2] = (jx_col_fit){1, 10, 0};
    t->col_fit[3] = (jx_col_fit){1, 10, 30};
    add_cell(*doc, t, 0, 0, JX_CELL_LABEL, "任务");
    add_cell(*doc, t, 0, 1, JX_CELL_NUMBER, "52,349.00");
    add_cell(*doc, t, 0, 2, JX_CELL_TEXT, name);
    add_cell(*doc, t, 0, 3, JX_CELL_TEXT, goal);
    add_cell(*doc, t, 1, 0, JX_CELL_LABEL, "");
    add_cell(*doc, t, 1, 1, JX_CELL_NUMBER, "1.00");
    add_cell(*doc, t, 1, 2, JX_CELL_TEXT, "");
    add_cell(*doc, t, 1, 3, JX_CELL_TEXT, "");
    return t;
}

static void columns_fit_their_content(void **state)
{
    (void)state;
    jx_doc *doc;
    /* both texts longer than the room: the number gets exactly its width
     * (never wraps), the texts share the rest by what they lack */
    jx_table *t = fit_fixture(&doc, "聚焦精准招引强化招商服务聚焦精准招引强化招商服务",
                              "围绕计划出让地块全力推进地招商引资工作同步启动中央商务区"
                              "地块招商引资工作动态完善招商引资目标库和项目储备健全地招商"
                              "引资工作机制加大招商引资力度");
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    double *w = t->col_widths;
    double num = jx_text_width(fonts, "plain", SIZE, "52,349.00", 9) + INSETS;
    assert_true(fabs(w[0] - 100) < EPS);         /* fixed: 10 of 40 units */
    assert_true(fabs(w[1] - num) < EPS);         /* its number, no more */
    assert_true(fabs(w[0] + w[1] + w[2] + w[3] - 400) < EPS);
    assert_true(w[2] >= 100 - EPS);              /* min: 10 units */
    assert_true(w[3] <= 300 + EPS);              /* max: 30 units */
    assert_true(w[3] > w[2]);                    /* the longer text gets more */
    jx_doc_free(doc);

    /* min-contents wider than the room (a word of 50 letters): the number
     * stays whole, the other text column keeps three characters, the word
     * gets the rest and is cut by the breaker (scaling every min-content
     * down left the number column a character or two wide) */
    t = fit_fixture(&doc, "对应项目", "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ");
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    w = t->col_widths;
    assert_true(fabs(w[0] + w[1] + w[2] + w[3] - 400) < EPS);
    assert_true(w[1] >= num - EPS);
    assert_true(w[2] >= 3 * SIZE + INSETS - EPS);
    assert_true(w[3] > w[2]);
    jx_doc_free(doc);

    /* short texts: everyone gets its max-content, the rest in proportion,
     * up to the bounds */
    t = fit_fixture(&doc, "名称", "目标");
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    w = t->col_widths;
    assert_true(fabs(w[0] + w[1] + w[2] + w[3] - 400) < EPS);
    assert_true(w[1] >= num - EPS);
    assert_true(w[3] <= 300 + EPS && w[2] >= 100 - EPS);
    jx_doc_free(doc);
}

/* Fixed columns: a number wider than its column gets room from the text
 * columns; nothing moves when every token fits. */
static void fixed_columns_make_room_for_numbers(void **state)
{
    (void)state;
    jx_doc *doc;
    jx_table *t = fit_fixture(&doc, "名称", "目标");
    t->col_fit = NULL;
    double *w = t->col_widths;
    w[0] = 10, w[1] = 2, w[2] = 14, w[3] = 14; /* the amount column: 20 pt */
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    double num = jx_text_width(fonts, "plain", SIZE, "52,349.00", 9) + INSETS;
    assert_true(fabs(w[1] - num) < EPS);
    assert_true(fabs(w[0] + w[1] + w[2] + w[3] - 400) < EPS);
    jx_doc_free(doc);

    t = fit_fixture(&doc, "名称", "目标");
    t->col_fit = NULL;
    w = t->col_widths;
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    for (int j = 0; j < 4; j++) /* 10 units each: unchanged */
        assert_true(fabs(w[j] - 10) < EPS);
    jx_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(justification_expands_only_next_to_cjk),
        cmocka_unit_test(forced_break_lines_and_loose_lines_stay_flush),
        cmocka_unit_test(adjacent_punctuation_is_compressed),
        cmocka_unit_test(line_end_punctuation_is_compressed_to_avoid_a_break),
        cmocka_unit_test(line_start_bracket_keeps_its_blank),
        cmocka_unit_test(no_lonely_last_character),
        cmocka_unit_test(short_headings_are_balanced),
        cmocka_unit_test(enumerations_start_new_lines_when_asked),
        cmocka_unit_test(latin_and_digits_use_the_companion_face),
        cmocka_unit_test(columns_fit_their_content),
        cmocka_unit_test(fixed_columns_make_room_for_numbers),
    };
    return cmocka_run_group_tests(tests, load_fonts, free_fonts);
}
