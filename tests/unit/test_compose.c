/* Applying a layout: spans and merges as the official tables have them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jx_compose.h"
#include "jx_test.h"

typedef struct fixture {
    jx_layout *layout;
    jx_node *filing;
    jx_doc *doc;
    jx_diags d;
} fixture;

static jx_status compose_files(fixture *f, const char *layout, const char *filing)
{
    jx_diags_init(&f->d);
    f->doc = NULL;
    f->filing = NULL;
    assert_int_equal(jx_layout_load(layout, &f->layout, &f->d), JX_OK);
    assert_int_equal(jx_node_parse_file(filing, &f->filing, &f->d), JX_OK);
    jx_compose_options o = {"jxgen test", 0};
    return jx_compose(f->layout, f->filing, filing, &o, &f->doc, &f->d);
}

static void fixture_free(fixture *f)
{
    jx_doc_free(f->doc);
    jx_node_free(f->filing);
    jx_layout_free(f->layout);
    jx_diags_free(&f->d);
}

/* The cell whose first paragraph is `text` (the n-th such, from 0). */
static const jx_cell *find(const jx_table *t, const char *text, int nth)
{
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].npara && strcmp(t->cells[i].paras[0].text, text) == 0 && nth-- == 0)
            return &t->cells[i];
    return NULL;
}

static void changzhou_spans_match_the_template(void **state)
{
    (void)state;
    char layout[1024], filing[1024];
    snprintf(layout, sizeof layout, "%s/layouts/changzhou.yaml", jx_test_source_dir());
    snprintf(filing, sizeof filing, "%s/input/changzhou.yaml", jx_test_source_dir());
    fixture f;
    jx_status st = compose_files(&f, layout, filing);
    if (st != JX_OK)
        jx_diags_print(&f.d, stderr);
    assert_int_equal(st, JX_OK);
    assert_int_equal(f.doc->nsections, 1);
    const jx_section *s = &f.doc->sections[0];
    assert_int_equal(s->nblocks, 3);
    assert_string_equal(s->blocks[0].para.text, "2024年度区级预算绩效管理项目绩效目标表");
    const jx_table *main = s->blocks[1].table;
    assert_int_equal(main->ncols, 5);
    /* 项目资金 spans the 10 income rows, the 支出 header and one item. */
    const jx_cell *c = find(main, "项目资金 (万元)", 0);
    assert_non_null(c);
    assert_int_equal(c->col, 0);
    assert_int_equal(c->rowspan, 12);
    c = find(main, "收入", 0);
    assert_int_equal(c->col, 1);
    assert_int_equal(c->rowspan, 10);
    c = find(main, "支出", 0);
    assert_int_equal(c->rowspan, 2);
    /* The 支出 head (半年/全年) heads the spending rows only: its scope is
     * its band's rows (itself and the one item). */
    c = find(main, "半年（程） 计划执行数", 0);
    assert_non_null(c);
    assert_true(main->rows[c->row].header);
    assert_int_equal(main->rows[c->row].header_from, c->row);
    assert_int_equal(main->rows[c->row].header_until, c->row + 2);
    c = find(main, "资金总额", 0);
    assert_int_equal(c->colspan, 2);
    assert_int_equal(c->col, 2);
    /* Amounts are numbers; blanks stay blank. */
    c = find(main, "5000000", 0);
    assert_non_null(c);
    assert_int_equal(c->kind, JX_CELL_NUMBER);
    assert_int_equal(c->col, 4);
    assert_string_equal(c->source.path, "spending.0.full");
    c = find(main, "政府性基金", 0);
    const jx_cell *v = jx_table_cell_at(main, c->row, 4);
    assert_int_equal(v->kind, JX_CELL_EMPTY);
    assert_string_equal(v->source.path, "fund.gov_fund");
    /* 年度目标 paragraphs have no tags. */
    c = find(main, "年度目标", 0);
    v = jx_table_cell_at(main, c->row, 1);
    assert_int_equal(v->npara, 8);
    assert_string_equal(v->paras[0].text, "一、聚焦特色产业，加力招引培育");
    /* Indicator table: 一级 and 二级 merged over their groups. */
    const jx_table *ind = s->blocks[2].table;
    assert_int_equal(ind->nrows, 21);
    assert_true(ind->rows[0].header);
    assert_int_equal(find(ind, "决策", 0)->rowspan, 6);
    assert_int_equal(find(ind, "过程", 0)->rowspan, 5);
    assert_int_equal(find(ind, "项目立项", 0)->rowspan, 2);
    assert_int_equal(find(ind, "资金管理", 0)->rowspan, 3);
    assert_int_equal(find(ind, "满意度指标", 0)->rowspan, 1);
    /* Reading order: cells sorted by row then column. */
    for (size_t i = 1; i < ind->ncells; i++) {
        const jx_cell *a = &ind->cells[i - 1], *b = &ind->cells[i];
        assert_true(a->row < b->row || (a->row == b->row && a->col < b->col));
    }
    fixture_free(&f);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void empty_group_keeps_one_row(void **state)
{
    (void)state;
    const char *layout =
        "region: demo\n"
        "schema:\n"
        "  groups:\n"
        "    type: list\n"
        "    item:\n"
        "      name: {label: 一级}\n"
        "      items: {type: list, item: {v: {label: 值}}}\n"
        "sections:\n"
        "  - blocks:\n"
        "      - table:\n"
        "          columns: [1, 1]\n"
        "          rows:\n"
        "            - each: groups\n"
        "              rows:\n"
        "                - band: {field: name}\n"
        "                  rows:\n"
        "                    - each: items\n"
        "                      rows:\n"
        "                        - row: [{field: v}]\n";
    const char *filing = "region: demo\ngroups:\n  - name: 甲\n    items: [{v: 1}, {v: 2}]\n"
                         "  - name: 乙\n    items: []\n  - name: 丙\n";
    char lp[] = "/tmp/jx_lay_XXXXXX", fp[] = "/tmp/jx_fil_XXXXXX";
    close(mkstemp(lp));
    close(mkstemp(fp));
    write_file(lp, layout);
    write_file(fp, filing);
    fixture f;
    jx_status st = compose_files(&f, lp, fp);
    if (st != JX_OK)
        jx_diags_print(&f.d, stderr);
    assert_int_equal(st, JX_OK);
    const jx_table *t = f.doc->sections[0].blocks[0].table;
    assert_int_equal(t->nrows, 4);
    assert_int_equal(find(t, "甲", 0)->rowspan, 2);
    const jx_cell *yi = find(t, "乙", 0);
    assert_int_equal(yi->rowspan, 1);
    assert_int_equal(jx_table_cell_at(t, yi->row, 1)->kind, JX_CELL_EMPTY);
    assert_int_equal(find(t, "丙", 0)->row, 3);
    fixture_free(&f);
    unlink(lp);
    unlink(fp);
}

static void unknown_key_suggests_nearest(void **state)
{
    (void)state;
    char layout[1024];
    snprintf(layout, sizeof layout, "%s/layouts/changzhou.yaml", jx_test_source_dir());
    char fp[] = "/tmp/jx_fil_XXXXXX";
    close(mkstemp(fp));
    write_file(fp, "region: changzhou\nyear: 2024年度\nproject: {name: a, department: b}\n"
                   "fund:\n  totl: 5\n");
    fixture f;
    assert_int_equal(compose_files(&f, layout, fp), JX_ERR_FILING);
    assert_true(f.d.count >= 1);
    assert_string_equal(f.d.items[0].message, "unknown field fund.totl (did you mean fund.total?)");
    assert_int_equal(f.d.items[0].line, 5);
    assert_int_equal(f.d.items[0].col, 3);
    fixture_free(&f);
    unlink(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(changzhou_spans_match_the_template),
        cmocka_unit_test(empty_group_keeps_one_row),
        cmocka_unit_test(unknown_key_suggests_nearest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
