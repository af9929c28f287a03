/* test_paginate.c - the paginator (jx_paginate.c) through the trace device:
 * documents built by hand, laid out, and the draw calls read back.  Needs
 * AR PL UMing and WenQuanYi Zen Hei (tests/unit/jx_test.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_doc.h"
#include "jx_paginate.h"
#include "jx_trace.h"
#include "jx_test.h"

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 56.69

/* ------------------------------------------------------------ building */

static jx_style style(const char *role, double size)
{
    jx_style s = JX_DEFAULT_STYLE;
    s.font_role = role;
    s.size_pt = size;
    return s;
}

static jx_section *add_section(jx_doc *doc, const char *page_numbers)
{
    jx_section *s = jx_doc_add_section(doc);
    assert_non_null(s);
    s->sheet_name = "表";
    s->page.width_pt = PAGE_W;
    s->page.height_pt = PAGE_H;
    s->page.margin_top_pt = s->page.margin_bottom_pt = MARGIN;
    s->page.margin_left_pt = s->page.margin_right_pt = MARGIN;
    s->page.page_number_format = page_numbers;
    s->page.page_number_style = style("song", 9);
    return s;
}

static jx_table *add_table(jx_doc *doc, jx_section *sec, int ncols, int nrows)
{
    jx_block *b = jx_section_add_block(doc, sec, JX_BLOCK_TABLE);
    assert_non_null(b);
    jx_table *t = b->table;
    t->ncols = ncols;
    t->nrows = nrows;
    t->col_widths = jx_doc_alloc(doc, (size_t)ncols * sizeof *t->col_widths);
    t->rows = jx_doc_alloc(doc, (size_t)nrows * sizeof *t->rows);
    assert_non_null(t->col_widths);
    assert_non_null(t->rows);
    for (int c = 0; c < ncols; c++)
        t->col_widths[c] = 1;
    t->border_pt = 0.5;
    t->padding_pt = 3;
    return t;
}

/* A one-row, one-column cell at (r, c) with one paragraph per '|'-separated
 * part of text. */
static jx_cell *add_cell(jx_doc *doc, jx_table *t, int r, int c, const char *text)
{
    jx_cell *cell = jx_table_add_cell(doc, t);
    assert_non_null(cell);
    cell->row = r;
    cell->col = c;
    cell->rowspan = cell->colspan = 1;
    cell->kind = JX_CELL_TEXT;
    cell->style = style("song", 10.5);
    assert_int_equal(jx_test_set_paras(doc, cell, text), 0);
    return cell;
}

/* Lays doc out on a trace device; returns the trace (free it). */
static char *paginate(jx_fonts *fonts, const jx_doc *doc)
{
    char *trace = jx_test_paginate(fonts, doc);
    assert_non_null(trace);
    return trace;
}

/* ------------------------------------------------------------ reading */

/* One text run of the trace. */
typedef struct run {
    int page;                /* 1-based */
    double x, y;
    char text[256];
} run;

/* The text runs of a trace, in drawing order; *npages the page count. */
static run *read_runs(const char *trace, size_t *n, int *npages)
{
    size_t cap = 64, count = 0;
    run *r = malloc(cap * sizeof *r);
    assert_non_null(r);
    int page = 0;
    for (const char *line = trace; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (strncmp(line, "page ", 5) == 0)
            page++;
        if (strncmp(line, "text ", 5) == 0) {
            if (count == cap) {
                cap *= 2;
                r = realloc(r, cap * sizeof *r);
                assert_non_null(r);
            }
            run *x = &r[count++];
            x->page = page;
            const char *px = strstr(line, " x="), *py = strstr(line, " y=");
            assert_true(px && py && px < line + len);
            x->x = strtod(px + 3, NULL);
            x->y = strtod(py + 3, NULL);
            /* The text: the last quoted string of the line. */
            const char *end = line + len - 1, *start = end - 1;
            while (start > line && *start != '"')
                start--;
            size_t tl = (size_t)(end - start - 1);
            assert_true(tl < sizeof x->text);
            memcpy(x->text, start + 1, tl);
            x->text[tl] = '\0';
        }
        line = nl ? nl + 1 : line + len;
    }
    *n = count;
    *npages = page;
    return r;
}

/* How many runs read exactly `text`. */
static int count_text(const run *r, size_t n, const char *text)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += strcmp(r[i].text, text) == 0;
    return k;
}

/* ------------------------------------------------------------ tests */

/* Header rows have a scope: a block's head (rows 1..BLOCK, its header row
 * heading only them, as Changzhou's 支出 半年/全年 row) repeats with the
 * table's head on every page the block continues on, and not after it. */
static void a_block_head_repeats_only_over_its_rows(void **state)
{
    enum { BLOCK = 70, AFTER = 70 };
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    jx_section *sec = add_section(doc, NULL);
    jx_table *t = add_table(doc, sec, 2, 2 + BLOCK + AFTER);
    t->rows[0].header = 1; /* the table's head: header_until 0 = all rows */
    t->rows[1].header = 1;
    t->rows[1].header_from = 1;
    t->rows[1].header_until = 2 + BLOCK;
    add_cell(doc, t, 0, 0, "表头甲");
    add_cell(doc, t, 0, 1, "表头乙");
    add_cell(doc, t, 1, 0, "半年");
    add_cell(doc, t, 1, 1, "全年");
    for (int r = 2; r < 2 + BLOCK + AFTER; r++) {
        char name[32];
        snprintf(name, sizeof name, r < 2 + BLOCK ? "支出%03d" : "其他%03d", r);
        add_cell(doc, t, r, 0, name);
        add_cell(doc, t, r, 1, "1");
    }
    char *trace = paginate(*state, doc);
    size_t n;
    int pages;
    run *runs = read_runs(trace, &n, &pages);
    assert_true(pages >= 4);
    /* per page: whether it shows block rows, rows after it, each head */
    int block[16] = {0}, after[16] = {0}, head[16] = {0}, half[16] = {0};
    assert_true(pages < 16);
    for (size_t i = 0; i < n; i++) {
        int p = runs[i].page; /* 1-based */
        assert_true(p >= 1 && p < 16);
        block[p] |= strncmp(runs[i].text, "支出", strlen("支出")) == 0;
        after[p] |= strncmp(runs[i].text, "其他", strlen("其他")) == 0;
        head[p] |= strcmp(runs[i].text, "表头甲") == 0;
        half[p] |= strcmp(runs[i].text, "半年") == 0;
    }
    int continued = 0, past = 0;
    for (int p = 1; p <= pages; p++) {
        assert_true(head[p]);
        assert_int_equal(half[p], block[p]); /* with the block's rows, and only there */
        continued += p > 1 && block[p];
        past += after[p] && !block[p];
    }
    assert_true(continued >= 1 && past >= 1);
    free(runs);
    free(trace);
    jx_doc_free(doc);
}

/* A long table breaks between rows: every row is drawn once, in order, the
 * header row starts every page, and nothing leaves the content box. */
static void long_table_repeats_its_header_and_keeps_every_row(void **state)
{
    enum { ROWS = 80 };
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    jx_section *sec = add_section(doc, NULL);
    jx_table *t = add_table(doc, sec, 2, ROWS + 1);
    t->rows[0].header = 1;
    add_cell(doc, t, 0, 0, "指标名称");
    add_cell(doc, t, 0, 1, "指标值");
    for (int r = 1; r <= ROWS; r++) {
        char name[32], value[32];
        snprintf(name, sizeof name, "指标%03d", r);
        snprintf(value, sizeof value, "≥%d%%", r);
        add_cell(doc, t, r, 0, name);
        add_cell(doc, t, r, 1, value);
    }
    char *trace = paginate(*state, doc);
    size_t n;
    int pages;
    run *runs = read_runs(trace, &n, &pages);
    assert_true(pages >= 2);
    assert_int_equal(count_text(runs, n, "指标名称"), pages);
    int next = 1, page = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(runs[i].x >= MARGIN - 0.01 && runs[i].x <= PAGE_W - MARGIN + 0.01);
        assert_true(runs[i].y >= MARGIN - 0.01 && runs[i].y <= PAGE_H - MARGIN + 0.01);
        if (runs[i].page != page) {
            page = runs[i].page;
            assert_string_equal(runs[i].text, "指标名称"); /* the header comes first */
        }
        char want[32];
        snprintf(want, sizeof want, "指标%03d", next);
        if (strcmp(runs[i].text, want) == 0)
            next++;
        else
            assert_null(strstr(runs[i].text, "指标0")); /* no row twice, none skipped */
    }
    assert_int_equal(next, ROWS + 1);
    free(runs);
    free(trace);
    jx_doc_free(doc);
}

/* Rows 0..n-1 of the two-column table t: one line each ("行007", "1.00"),
 * filler that brings what follows to each place on a page in turn. */
static void fill_rows(jx_doc *doc, jx_table *t, int n)
{
    for (int r = 0; r < n; r++) {
        char name[32];
        snprintf(name, sizeof name, "行%03d", r);
        add_cell(doc, t, r, 0, name);
        add_cell(doc, t, r, 1, "1.00");
    }
}

/* Whether the run reading `text` is, on some page, the last run of that
 * page: a header left at the foot of a page without what it heads. */
static int ends_a_page(const run *r, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].text, text) == 0 && (i + 1 == n || r[i + 1].page != r[i].page))
            return 1;
    return 0;
}

/* A header row that ends its table (a sub-header the form prints with no
 * lines under it, Jiangbei's 全年预算数 over an empty list) stays with the
 * start of the next table as it will be placed: that table's own header
 * with its first row, or its first row when it would move to the next
 * page whole.  Every amount of filler above it is tried, so the page end
 * falls at each place between them once. */
static void a_header_ending_a_table_keeps_with_the_next(void **state)
{
    for (int next_kind = 0; next_kind < 2; next_kind++) {
        for (int fill = 30; fill < 52; fill++) {
            jx_doc *doc = jx_doc_create();
            assert_non_null(doc);
            jx_section *sec = add_section(doc, NULL);
            jx_table *a = add_table(doc, sec, 2, fill + 1);
            fill_rows(doc, a, fill);
            a->rows[fill].header = 1;
            add_cell(doc, a, fill, 1, "全年预算数");
            if (next_kind == 0) { /* a header and its row */
                jx_table *b = add_table(doc, sec, 2, 2);
                b->rows[0].header = 1;
                add_cell(doc, b, 0, 0, "一级指标");
                add_cell(doc, b, 0, 1, "指标值");
                add_cell(doc, b, 1, 0, "产出指标");
                add_cell(doc, b, 1, 1, "≥90%");
            } else { /* a first row of five lines, moved whole */
                jx_table *b = add_table(doc, sec, 2, 1);
                add_cell(doc, b, 0, 0, "中长期目标");
                add_cell(doc, b, 0, 1, "一|二|三|四|五");
            }
            char *trace = paginate(*state, doc);
            size_t n;
            int pages;
            run *runs = read_runs(trace, &n, &pages);
            if (ends_a_page(runs, n, "全年预算数"))
                fail_msg("%d filler rows, next table %d: 全年预算数 ends a page", fill,
                         next_kind);
            free(runs);
            free(trace);
            jx_doc_free(doc);
        }
    }
}

/* A header row followed by a row taller than half a page, which moves to
 * the next page whole when it does not fit, goes along with it rather
 * than stay at the foot of the page. */
static void a_header_goes_along_with_a_tall_row_that_moves(void **state)
{
    char tall[1024] = "";
    for (int i = 0; i < 36; i++)
        snprintf(tall + strlen(tall), sizeof tall - strlen(tall), "%s段落%02d", i ? "|" : "", i);
    for (int fill = 1; fill < 52; fill += 2) {
        jx_doc *doc = jx_doc_create();
        assert_non_null(doc);
        jx_section *sec = add_section(doc, NULL);
        jx_table *t = add_table(doc, sec, 2, fill + 2);
        fill_rows(doc, t, fill);
        t->rows[fill].header = 1;
        add_cell(doc, t, fill, 0, "分组");
        add_cell(doc, t, fill, 1, "说明");
        add_cell(doc, t, fill + 1, 0, "内容");
        add_cell(doc, t, fill + 1, 1, tall);
        char *trace = paginate(*state, doc);
        size_t n;
        int pages;
        run *runs = read_runs(trace, &n, &pages);
        if (ends_a_page(runs, n, "说明"))
            fail_msg("%d filler rows: the header ends a page", fill);
        free(runs);
        free(trace);
        jx_doc_free(doc);
    }
}

/* A row taller than a page is split between its lines: every paragraph is
 * drawn exactly once, on consecutive pages, top to bottom. */
static void row_taller_than_a_page_splits_between_lines(void **state)
{
    enum { PARAS = 90 };
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    jx_section *sec = add_section(doc, NULL);
    jx_table *t = add_table(doc, sec, 1, 1);
    char text[PARAS * 16] = "";
    for (int i = 0; i < PARAS; i++) {
        char p[16];
        snprintf(p, sizeof p, "%s第%02d段", i ? "|" : "", i);
        strcat(text, p);
    }
    add_cell(doc, t, 0, 0, text);
    char *trace = paginate(*state, doc);
    size_t n;
    int pages;
    run *runs = read_runs(trace, &n, &pages);
    assert_true(pages >= 2);
    assert_int_equal((int)n, PARAS);
    for (size_t i = 0; i < n; i++) {
        char want[16];
        snprintf(want, sizeof want, "第%02d段", (int)i);
        assert_string_equal(runs[i].text, want);
        if (i > 0 && runs[i].page == runs[i - 1].page)
            assert_true(runs[i].y > runs[i - 1].y);
        if (i > 0)
            assert_true(runs[i].page == runs[i - 1].page || runs[i].page == runs[i - 1].page + 1);
        assert_true(runs[i].y <= PAGE_H - MARGIN + 0.01);
    }
    free(runs);
    free(trace);
    jx_doc_free(doc);
}

/* The room a row needs to be worth starting on a page is three lines of
 * the table's own body text (its most common style: 8 pt here, the one
 * 10.5 pt label aside), not of the default 10.5 pt: a row of 8 pt lines
 * taller than a page starts below a row that leaves room for three of
 * them (and less than three default lines), not on the next page. */
static void a_long_row_starts_where_three_of_its_lines_fit(void **state)
{
    enum { PARAS = 120 };
    jx_fonts *fonts = *state;
    double small = jx_fonts_line_height(fonts, "song", 8);
    double big = jx_fonts_line_height(fonts, "song", 10.5);
    double pad = 3, body = PAGE_H - 2 * MARGIN;
    double room = (3 * small + 3 * big) / 2 + 2 * pad; /* 3 small lines fit, 3 big do not */
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    jx_section *sec = add_section(doc, NULL);
    jx_table *t = add_table(doc, sec, 1, 3);
    t->rows[0].min_height_pt = body - room;
    add_cell(doc, t, 0, 0, "标签");
    char text[PARAS * 16] = "";
    for (int i = 0; i < PARAS; i++) {
        char p[16];
        snprintf(p, sizeof p, "%s第%03d段", i ? "|" : "", i);
        strcat(text, p);
    }
    add_cell(doc, t, 1, 0, text)->style = style("song", 8);
    add_cell(doc, t, 2, 0, "完")->style = style("song", 8);
    char *trace = paginate(fonts, doc);
    size_t n;
    int pages;
    run *runs = read_runs(trace, &n, &pages);
    assert_int_equal((int)n, PARAS + 2);
    assert_string_equal(runs[0].text, "标签");
    assert_string_equal(runs[1].text, "第000段");
    assert_int_equal(runs[1].page, 1);
    assert_string_equal(runs[3].text, "第002段");
    assert_int_equal(runs[3].page, 1); /* three lines at least */
    free(runs);
    free(trace);
    jx_doc_free(doc);
}

/* A keep-with-next paragraph keeps room for the first lines of what
 * follows it; at the end of its section nothing follows on its page: it
 * stays on the page it fits on, not alone on a new one. */
static void a_last_keep_with_next_paragraph_keeps_no_room(void **state)
{
    jx_fonts *fonts = *state;
    double big = jx_fonts_line_height(fonts, "song", 10.5);
    double body = PAGE_H - 2 * MARGIN;
    for (int follows = 0; follows < 2; follows++) {
        jx_doc *doc = jx_doc_create();
        assert_non_null(doc);
        jx_section *sec = add_section(doc, NULL);
        jx_table *t = add_table(doc, sec, 1, 1);
        t->rows[0].min_height_pt = body - 2 * big; /* room for the heading, not 3 more lines */
        add_cell(doc, t, 0, 0, "表");
        jx_block *b = jx_section_add_block(doc, sec, JX_BLOCK_PARAGRAPH);
        assert_non_null(b);
        b->para.kind = JX_PARA_TEXT;
        b->para.text = "小标题";
        b->style = style("song", 10.5);
        b->keep_with_next = 1;
        if (follows) {
            b = jx_section_add_block(doc, sec, JX_BLOCK_PARAGRAPH);
            assert_non_null(b);
            b->para.kind = JX_PARA_TEXT;
            b->para.text = "正文";
            b->style = style("song", 10.5);
        }
        char *trace = paginate(fonts, doc);
        size_t n;
        int pages;
        run *runs = read_runs(trace, &n, &pages);
        assert_int_equal((int)n, 2 + follows);
        assert_string_equal(runs[1].text, "小标题");
        /* with a paragraph after it, both go to page 2 together */
        assert_int_equal(runs[1].page, follows ? 2 : 1);
        assert_int_equal(pages, follows ? 2 : 1);
        free(runs);
        free(trace);
        jx_doc_free(doc);
    }
}

/* Every section starts a page; page numbers count the document's pages,
 * as the paper copy is numbered. */
static void sections_start_pages_and_number_them(void **state)
{
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    for (int s = 0; s < 2; s++) {
        jx_section *sec = add_section(doc, "第 {page} 页 共 {pages} 页");
        jx_table *t = add_table(doc, sec, 1, 1);
        add_cell(doc, t, 0, 0, s ? "第二节" : "第一节");
    }
    char *trace = paginate(*state, doc);
    size_t n;
    int pages;
    run *runs = read_runs(trace, &n, &pages);
    assert_int_equal(pages, 2);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(runs[i].text, "第一节") == 0)
            assert_int_equal(runs[i].page, 1);
        if (strcmp(runs[i].text, "第二节") == 0)
            assert_int_equal(runs[i].page, 2);
    }
    assert_int_equal(count_text(runs, n, "第 1 页 共 2 页"), 1);
    assert_int_equal(count_text(runs, n, "第 2 页 共 2 页"), 1);
    free(runs);
    free(trace);
    jx_doc_free(doc);
}

/* The same document always gives the same draw calls. */
static void the_same_document_gives_the_same_trace(void **state)
{
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    jx_section *sec = add_section(doc, "— {page} —");
    jx_table *t = add_table(doc, sec, 3, 2);
    add_cell(doc, t, 0, 0, "项目名称");
    add_cell(doc, t, 0, 1, "大楼运行费（2024-2625）");
    add_cell(doc, t, 0, 2, "≥90%");
    add_cell(doc, t, 1, 0, "说明");
    add_cell(doc, t, 1, 1, "一、保障大楼正常运行|二、降低能耗");
    add_cell(doc, t, 1, 2, "500万元");
    char *a = paginate(*state, doc), *b = paginate(*state, doc);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"— 1 —\""));
    free(a);
    free(b);
    jx_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_table_repeats_its_header_and_keeps_every_row),
        cmocka_unit_test(a_block_head_repeats_only_over_its_rows),
        cmocka_unit_test(row_taller_than_a_page_splits_between_lines),
        cmocka_unit_test(a_header_ending_a_table_keeps_with_the_next),
        cmocka_unit_test(a_header_goes_along_with_a_tall_row_that_moves),
        cmocka_unit_test(a_long_row_starts_where_three_of_its_lines_fit),
        cmocka_unit_test(a_last_keep_with_next_paragraph_keeps_no_room),
        cmocka_unit_test(sections_start_pages_and_number_them),
        cmocka_unit_test(the_same_document_gives_the_same_trace),
    };
    return cmocka_run_group_tests(tests, jx_test_setup_fonts, jx_test_teardown_fonts);
}
