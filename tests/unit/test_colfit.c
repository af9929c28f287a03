/* Column widths of fixed-share tables (jx_doc_fit_columns' make_room):
 * an amount in a cell over several narrow columns keeps its width when a
 * web address beside it asks for more room than the table has, so that
 * the paginator never sets the amount smaller (issue #11: Tangshan's
 * 预算数 "17071.83万元" over two columns beside a description holding web
 * addresses was set at 5.7 pt of 10.5).  Measured with the real Debian
 * fonts (AR PL UMing, Liberation Serif); a failure when they are missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "jx_colfit.h"
#include "jx_doc.h"
#include "jx_test.h"
#include "jx_text.h"

#define SIZE 10.5
/* Both insets of a cell (padding 2, no rule): 0.56 em each side. */
#define INSETS (2 * JX_CELL_INSET_EM * SIZE)
#define EPS 1e-6

#define AMOUNT "17071.83万元"
#define URL "https://www.example17.gov.cn/zwgk/80595460707412345.html"

static jx_fonts *fonts;

static int load_fonts(void **state)
{
    (void)state;
    fonts = jx_test_fonts_latin();
    return fonts ? 0 : -1;
}

static int free_fonts(void **state)
{
    (void)state;
    jx_fonts_free(fonts);
    return 0;
}

static void add_cell(jx_doc *doc, jx_table *t, int row, int col, int colspan, jx_cell_kind kind,
                     const char *text)
{
    jx_cell *c = jx_table_add_cell(doc, t);
    assert_non_null(c);
    c->row = row;
    c->col = col;
    c->rowspan = 1;
    c->colspan = colspan;
    c->kind = kind;
    c->paras = jx_doc_alloc(doc, sizeof *c->paras);
    c->paras[0].text = jx_doc_strdup(doc, text);
    c->npara = 1;
    c->style = (jx_style){"song", SIZE, 0, JX_ALIGN_LEFT, JX_VALIGN_MIDDLE, 0, 1.0, 0};
}

static double width(const char *text)
{
    return jx_text_width(fonts, "song", SIZE, text, strlen(text));
}

/* Four fixed columns of 100 pt over 400 pt: a label, an amount over
 * columns 1 and 2, then a description holding a web address wider than
 * the room the other columns can spare whole (so it breaks at its joints).
 * Columns 1 and 2 have no cell of their own, only cells over both. */
static jx_table *fixture(jx_doc **doc, const char *description)
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
    double w[] = {10, 10, 10, 10};
    memcpy(t->col_widths, w, sizeof w);
    add_cell(*doc, t, 0, 0, 1, JX_CELL_LABEL, "预算数");
    add_cell(*doc, t, 0, 1, 2, JX_CELL_NUMBER, AMOUNT);
    add_cell(*doc, t, 0, 3, 1, JX_CELL_TEXT, "其他资金");
    add_cell(*doc, t, 1, 0, 1, JX_CELL_LABEL, "描述");
    add_cell(*doc, t, 1, 1, 2, JX_CELL_TEXT, "社会效益");
    add_cell(*doc, t, 1, 3, 1, JX_CELL_TEXT, description);
    return t;
}

/* The amount over two columns keeps its whole width beside the address;
 * the address gets at least its widest piece between joints. */
static void amount_over_two_columns_keeps_its_width_beside_a_web_address(void **state)
{
    (void)state;
    jx_doc *doc;
    jx_table *t = fixture(&doc, "卫生重点绩效人才监督长期" URL "创新");
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    double *w = t->col_widths;
    double amount = width(AMOUNT) + INSETS;
    const char *desc = t->cells[5].paras[0].text;
    double piece = jx_text_unit_width(fonts, "song", SIZE, desc, strlen(desc)) + INSETS;
    /* the address whole needs nearly all the others can give down to their
     * floors: the columns under the amount gave 80% of theirs (58 pt) */
    assert_true(width(URL) + INSETS > 270);
    assert_true(fabs(w[0] + w[1] + w[2] + w[3] - 400) < EPS);
    assert_true(w[1] + w[2] >= amount - EPS);    /* was 2 × 20.5 pt: set at 5.7 pt */
    assert_true(w[3] >= piece - EPS);
    assert_true(w[0] >= 3 * SIZE + INSETS - EPS); /* the label keeps three characters */
    jx_doc_free(doc);

    /* a description that fits: nothing moves */
    t = fixture(&doc, "卫生重点绩效人才监督长期");
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    for (int j = 0; j < 4; j++)
        assert_true(fabs(t->col_widths[j] - 10) < EPS);
    jx_doc_free(doc);
}

/* A column's text shrinks to (its width - insets) / (its piece's width). */
static double ratio(const jx_table *t, int col, const char *text)
{
    return (t->col_widths[col] - INSETS) / width(text);
}

/* Pieces that cannot all fit: each is set at the same share of its size
 * (the largest share that fits), not the one that lacked most at the least
 * (Guanggu's 指标名称 column held a 104 pt "OA812,190.76314,200.72" in
 * 48 pt and was set at 5.2 pt of 10 while the columns beside it, lacking a
 * little, got nearly all they lacked). */
static void pieces_that_cannot_all_fit_share_alike(void **state)
{
    (void)state;
    static const char *num[] = {"预算数", "123,456,789,012,345,678,901.23",
                                "123,456,789,012,345.67", "12,345,678,901,234.56"};
    jx_doc *doc = jx_doc_create();
    jx_section *sec = jx_doc_add_section(doc);
    sec->page.width_pt = 500;
    sec->page.margin_left_pt = sec->page.margin_right_pt = 50;
    jx_block *b = jx_section_add_block(doc, sec, JX_BLOCK_TABLE);
    jx_table *t = b->table = jx_doc_alloc(doc, sizeof *t);
    t->ncols = 4;
    t->nrows = 1;
    t->padding_pt = 2;
    t->col_widths = jx_doc_alloc(doc, 4 * sizeof(double));
    double u[] = {10, 10, 10, 10}; /* 100 pt each */
    memcpy(t->col_widths, u, sizeof u);
    for (int j = 0; j < 4; j++)
        add_cell(doc, t, 0, j, 1, j ? JX_CELL_NUMBER : JX_CELL_LABEL, num[j]);
    double label = 3 * SIZE + INSETS, need = 0;
    for (int j = 1; j < 4; j++)
        need += width(num[j]) + INSETS;
    assert_true(label + need > 400);               /* not all fit */
    assert_true(width(num[3]) + INSETS > 100);     /* each lacks some */
    assert_int_equal(jx_doc_fit_columns(doc, fonts, NULL), JX_OK);
    double *w = t->col_widths;
    assert_true(fabs(w[0] + w[1] + w[2] + w[3] - 400) < EPS);
    assert_true(fabs(w[0] - label) < EPS);         /* the label gives all but three characters */
    double s = ratio(t, 1, num[1]);
    assert_true(s > 0.6 && s < 1);
    assert_true(fabs(ratio(t, 2, num[2]) - s) < 1e-6); /* each was given the same share of */
    assert_true(fabs(ratio(t, 3, num[3]) - s) < 1e-6); /* what it lacked: unequal */
    jx_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(amount_over_two_columns_keeps_its_width_beside_a_web_address),
        cmocka_unit_test(pieces_that_cannot_all_fit_share_alike),
    };
    return cmocka_run_group_tests(tests, load_fonts, free_fonts);
}
