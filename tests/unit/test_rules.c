/* Arithmetic rules as data: reading and checking rule definitions, derived
 * totals reaching the document with formulas, every rule kind's messages,
 * strict mode, and the skeleton filing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jx_i18n.h"
#include "jx_compose.h"
#include "jx_render.h"
#include "jx_skeleton.h"
#include "jx_test.h"

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/jx_rules_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* A small form: 合计 = 小计 + 结转, 小计 = 财政拨款 + 其他资金 (both derivable),
 * 支出 in 元 adding up to 合计 in 万元 (a warning), 半年 ≤ 全年 per line. */
static const char *const DEMO_SCHEMA =
    "region: t\n"
    "formats:\n"
    "  money: {decimals: 2}\n"
    "schema:\n"
    "  fund:\n"
    "    label: 资金\n"
    "    type: map\n"
    "    fields:\n"
    "      total: {label: 合计, type: amount, unit: 万元, derived: true}\n"
    "      sub: {label: 小计, type: amount, unit: 万元, derived: true}\n"
    "      a: {label: 财政拨款, type: amount, unit: 万元}\n"
    "      b: {label: 其他资金, type: amount, unit: 万元}\n"
    "      c: {label: 结转, type: amount, unit: 万元}\n"
    "  items:\n"
    "    label: 支出\n"
    "    type: list\n"
    "    item:\n"
    "      name: {label: 名称}\n"
    "      half: {label: 半年, type: amount, unit: 元}\n"
    "      full: {label: 全年, type: amount, unit: 元}\n";

static const char *const DEMO_RULES =
    "rules:\n"
    "  - {id: sub, kind: sum, total: fund.sub, parts: [fund.a, fund.b]}\n"
    "  - {id: total, kind: sum, total: fund.total, parts: [fund.sub, fund.c]}\n"
    "  - {id: spend, kind: sum, severity: warning, derive: false, total: fund.total,\n"
    "     parts: [items.*.full], scale: 0.0001}\n"
    "  - {id: half, kind: le, each: items, left: half, right: full}\n";

static const char *const DEMO_SECTIONS =
    "sections:\n"
    "  - blocks:\n"
    "      - table:\n"
    "          columns: [1, 1]\n"
    "          rows:\n"
    "            - row: [{text: 合计}, {field: fund.total, format: money}]\n"
    "            - row: [{text: 小计}, {field: fund.sub}]\n"
    "            - row: [{text: 财政拨款}, {field: fund.a}]\n"
    "            - row: [{text: 其他资金}, {field: fund.b}]\n"
    "            - row: [{text: 结转}, {field: fund.c}]\n"
    "            - each: items\n"
    "              rows:\n"
    "                - row: [{field: half}, {field: full}]\n";

typedef struct run {
    jx_layout *layout;
    jx_node *filing;
    jx_doc *doc;
    jx_diags d;
    jx_status st;
    char *lpath, *fpath;
} run;

/* Loads the layout text (must load) and composes the filing text. */
static void compose_texts(run *r, const char *layout, const char *filing)
{
    memset(r, 0, sizeof *r);
    jx_diags_init(&r->d);
    r->lpath = write_temp(layout);
    r->fpath = write_temp(filing);
    jx_status st = jx_layout_load(r->lpath, &r->layout, &r->d);
    if (st != JX_OK)
        jx_diags_print(&r->d, stderr);
    assert_int_equal(st, JX_OK);
    assert_int_equal(jx_node_parse_file(r->fpath, &r->filing, &r->d), JX_OK);
    jx_compose_options o = {"jxgen test", 0};
    r->st = jx_compose(r->layout, r->filing, r->fpath, &o, &r->doc, &r->d);
}

static void compose_demo(run *r, const char *filing)
{
    char layout[8192];
    snprintf(layout, sizeof layout, "%s%s%s", DEMO_SCHEMA, DEMO_RULES, DEMO_SECTIONS);
    compose_texts(r, layout, filing);
}

static void run_free(run *r)
{
    jx_doc_free(r->doc);
    jx_node_free(r->filing);
    jx_layout_free(r->layout);
    jx_diags_free(&r->d);
    unlink(r->lpath);
    unlink(r->fpath);
    free(r->lpath);
    free(r->fpath);
}

/* The value cell of the table row whose label is `label`. */
static const jx_cell *value_of(const jx_doc *doc, const char *label)
{
    const jx_table *t = doc->sections[0].blocks[0].table;
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].kind == JX_CELL_LABEL && t->cells[i].npara &&
            strcmp(t->cells[i].paras[0].text, label) == 0)
            return jx_table_cell_at(t, t->cells[i].row, t->cells[i].col + 1);
    return NULL;
}

static void expect_diag(const jx_diags *d, size_t i, jx_severity sev, int line, int col,
                        const char *rule, const char *message)
{
    if (i >= d->count) {
        jx_diags_print(d, stderr);
        fail_msg("message %zu missing (only %zu)", i, d->count);
    }
    const jx_diag *g = &d->items[i];
    if (g->severity != sev || g->line != line || g->col != col ||
        strcmp(g->rule ? g->rule : "", rule ? rule : "") != 0 ||
        strcmp(g->message, message) != 0) {
        jx_diags_print(d, stderr);
        fail_msg("message %zu: expected %d:%d [%s] %s", i, line, col, rule ? rule : "",
                 message);
    }
}

/* ---------------------------------------------------------------------- */

static void stated_totals_that_hold_pass_silently(void **state)
{
    (void)state;
    run r;
    compose_demo(&r, "region: t\nfund: {total: 510, sub: 500, a: 450, b: 50, c: 10}\n"
                     "items:\n  - {name: x, half: 2550000, full: 5100000}\n");
    assert_int_equal(r.st, JX_OK);
    assert_int_equal(r.d.count, 0);
    const jx_cell *c = value_of(r.doc, "合计");
    assert_int_equal(c->kind, JX_CELL_NUMBER);
    assert_null(c->formula); /* stated: a plain number */
    assert_string_equal(c->paras[0].text, "510.00");
    run_free(&r);
}

static void a_wrong_subtotal_is_an_error_naming_label_path_and_numbers(void **state)
{
    (void)state;
    run r;
    compose_demo(&r, "region: t\nfund:\n  total: 510\n  sub: 450\n  a: 450\n  b: 50\n"
                     "  c: 10\nitems: [{name: x, half: 1, full: 5100000}]\n");
    assert_int_equal(r.st, JX_ERR_FILING);
    assert_null(r.doc);
    expect_diag(&r.d, 0, JX_SEV_ERROR, 4, 8, "sub",
                "小计 (fund.sub) 450万元 ≠ 财政拨款 + 其他资金 = 500万元（相差 50万元）");
    expect_diag(&r.d, 1, JX_SEV_ERROR, 3, 10, "total",
                "合计 (fund.total) 510万元 ≠ 小计 + 结转 = 460万元（相差 50万元）");
    assert_int_equal(r.d.count, 2);
    assert_int_equal(r.d.errors, 2);
    run_free(&r);
}

static void warnings_do_not_block_and_units_are_converted(void **state)
{
    (void)state;
    run r;
    compose_demo(&r, "region: t\nfund: {total: 510, sub: 500, a: 450, b: 50, c: 10}\n"
                     "items:\n  - {name: x, half: 1, full: 4000000}\n"
                     "  - {name: y, half: 1, full: 50000.5}\n");
    assert_int_equal(r.st, JX_OK);
    assert_non_null(r.doc);
    expect_diag(&r.d, 0, JX_SEV_WARNING, 2, 15, "spend",
                "合计 (fund.total) 510万元 ≠ Σ全年 = 4050000.5元 = 405.00005万元（相差 "
                "104.99995万元）");
    assert_int_equal(r.d.count, 1);
    run_free(&r);
}

static void half_above_full_is_an_error_per_entry(void **state)
{
    (void)state;
    run r;
    compose_demo(&r, "region: t\nfund: {a: 1}\nitems:\n  - {name: x, half: 1, full: 2}\n"
                     "  - {name: y, half: 3, full: 2}\n  - {name: z, half: 9}\n");
    assert_int_equal(r.st, JX_ERR_FILING);
    expect_diag(&r.d, 0, JX_SEV_WARNING, 4, 30, "spend",
                "合计 (fund.total) 计算值 1万元 ≠ Σ全年 = 4元 = 0.0004万元（相差 0.9996万元）");
    expect_diag(&r.d, 1, JX_SEV_ERROR, 5, 21, "half",
                "半年 (items.1.half) 3元 > 全年 (items.1.full) 2元");
    assert_int_equal(r.d.count, 2); /* z has no 全年: nothing to compare */
    run_free(&r);
}

static void left_out_totals_are_computed_with_formulas(void **state)
{
    (void)state;
    run r;
    compose_demo(&r, "region: t\nfund: {a: \"1,000.50\", b: \"\", c: 0.25}\n"
                     "items: [{name: x, half: 1, full: 10007500}]\n");
    assert_int_equal(r.st, JX_OK);
    assert_int_equal(r.d.count, 0);
    const jx_cell *total = value_of(r.doc, "合计"), *sub = value_of(r.doc, "小计");
    assert_int_equal(sub->kind, JX_CELL_NUMBER);
    assert_int_equal(sub->number.units, 100050);
    assert_int_equal(sub->number.scale, 2);
    assert_string_equal(sub->paras[0].text, "1000.5");
    assert_string_equal(sub->formula, "SUM({fund.a},{fund.b})");
    assert_string_equal(sub->source.path, "fund.sub");
    assert_string_equal(sub->source.label, "小计");
    /* A total of a computed sub-total: exact, shown by the cell's format. */
    assert_int_equal(total->kind, JX_CELL_NUMBER);
    assert_int_equal(jx_decimal_cmp(total->number, (jx_decimal){100075, 2}), 0);
    assert_string_equal(total->paras[0].text, "1000.75");
    assert_string_equal(total->formula, "SUM({fund.sub},{fund.c})");
    run_free(&r);
}

static void nothing_to_add_up_leaves_the_cell_empty(void **state)
{
    (void)state;
    run r;
    compose_demo(&r, "region: t\nfund: {}\n");
    assert_int_equal(r.st, JX_OK);
    assert_int_equal(value_of(r.doc, "合计")->kind, JX_CELL_EMPTY);
    assert_int_equal(value_of(r.doc, "小计")->kind, JX_CELL_EMPTY);
    run_free(&r);
}

static void formulas_refer_only_to_cells_the_form_shows(void **state)
{
    (void)state;
    /* 小计 is computed from fund.b, which no cell shows: the number stays,
     * the formula goes. */
    const char *layout =
        "region: t\n"
        "schema:\n"
        "  fund:\n"
        "    type: map\n"
        "    fields:\n"
        "      sub: {label: 小计, type: amount, derived: true}\n"
        "      a: {label: 甲, type: amount}\n"
        "      b: {label: 乙, type: amount}\n"
        "rules:\n"
        "  - {id: sub, kind: sum, total: fund.sub, parts: [fund.a, fund.b]}\n"
        "sections:\n"
        "  - blocks:\n"
        "      - table:\n"
        "          columns: [1, 1]\n"
        "          rows:\n"
        "            - row: [{text: 小计}, {field: fund.sub}]\n"
        "            - row: [{text: 甲}, {field: fund.a}]\n";
    run r;
    compose_texts(&r, layout, "region: t\nfund: {a: 2, b: 3}\n");
    assert_int_equal(r.st, JX_OK);
    const jx_cell *sub = value_of(r.doc, "小计");
    assert_int_equal(sub->number.units, 5);
    assert_null(sub->formula);
    run_free(&r);
}

static void derived_totals_inside_lists_and_cycles(void **state)
{
    (void)state;
    const char *layout =
        "region: t\n"
        "schema:\n"
        "  projects:\n"
        "    type: list\n"
        "    item:\n"
        "      total: {label: 预算数, type: amount, derived: true}\n"
        "      fiscal: {label: 财政资金, type: amount}\n"
        "      other: {label: 其他资金, type: amount}\n"
        "rules:\n"
        "  - {id: budget, kind: sum, each: projects, total: total, parts: [fiscal, other]}\n"
        "sections:\n"
        "  - blocks:\n"
        "      - table:\n"
        "          columns: [1, 1]\n"
        "          rows:\n"
        "            - each: projects\n"
        "              rows:\n"
        "                - row: [{field: total}, {field: fiscal}]\n"
        "                - row: [{text: 其他}, {field: other}]\n";
    run r;
    compose_texts(&r, layout,
                  "region: t\nprojects:\n  - {fiscal: 2033, other: \"\"}\n"
                  "  - {total: 230, fiscal: 200, other: 31}\n");
    assert_int_equal(r.st, JX_ERR_FILING);
    expect_diag(&r.d, 0, JX_SEV_ERROR, 4, 13, "budget",
                "预算数 (projects.1.total) 230 ≠ 财政资金 + 其他资金 = 231（相差 1）");
    run_free(&r);
    compose_texts(&r, layout, "region: t\nprojects:\n  - {fiscal: 2033, other: \"\"}\n");
    assert_int_equal(r.st, JX_OK);
    const jx_table *t = r.doc->sections[0].blocks[0].table;
    assert_int_equal(t->cells[0].kind, JX_CELL_NUMBER);
    assert_int_equal(t->cells[0].number.units, 2033);
    assert_string_equal(t->cells[0].formula, "SUM({projects.0.fiscal},{projects.0.other})");
    run_free(&r);

    const char *cycle =
        "region: t\n"
        "schema:\n"
        "  a: {type: amount, derived: true}\n"
        "  b: {type: amount, derived: true}\n"
        "rules:\n"
        "  - {id: a, kind: sum, total: a, parts: [b]}\n"
        "  - {id: b, kind: sum, total: b, parts: [a]}\n"
        "sections: []\n";
    compose_texts(&r, cycle, "region: t\n");
    assert_int_equal(r.st, JX_ERR_LAYOUT);
    assert_non_null(strstr(r.d.items[0].message, "循环依赖"));
    assert_int_equal(r.d.items[0].line, 6);
    run_free(&r);
    compose_texts(&r, cycle, "region: t\na: 1\n"); /* stated: no cycle, b = a */
    assert_int_equal(r.st, JX_OK);
    assert_int_equal(r.d.count, 0);
    run_free(&r);
}

static void a_sum_over_a_long_list_keeps_its_value_but_not_a_too_long_formula(void **state)
{
    (void)state;
    const char *layout =
        "region: t\n"
        "schema:\n"
        "  total: {label: 合计, type: amount, derived: true}\n"
        "  items: {type: list, item: {v: {label: 金额, type: amount}}}\n"
        "rules:\n"
        "  - {id: total, kind: sum, total: total, parts: [items.*.v]}\n"
        "sections:\n"
        "  - blocks:\n"
        "      - table:\n"
        "          columns: [1, 1]\n"
        "          rows:\n"
        "            - row: [{text: 合计}, {field: total}]\n"
        "            - each: items\n"
        "              rows:\n"
        "                - row: [{text: 项}, {field: v}]\n";
    for (int n = 3; n <= 900; n += 897) {
        char *filing = malloc(32 + (size_t)n * 16);
        assert_non_null(filing);
        char *p = filing + sprintf(filing, "region: t\nitems:\n");
        for (int i = 0; i < n; i++)
            p += sprintf(p, "  - {v: 0.01}\n");
        run r;
        compose_texts(&r, layout, filing);
        assert_int_equal(r.st, JX_OK);
        const jx_cell *c = value_of(r.doc, "合计");
        assert_int_equal(jx_decimal_cmp(c->number, (jx_decimal){n, 2}), 0);
        if (n == 3)
            assert_string_equal(c->formula, "SUM({items.0.v},{items.1.v},{items.2.v})");
        else
            assert_null(c->formula); /* over Excel's 8192 characters */
        run_free(&r);
        free(filing);
    }
}

/* A layout with the demo schema and the given rules: the first message. */
static void expect_layout_error(const char *rules, int line, int col, const char *message)
{
    char layout[8192];
    snprintf(layout, sizeof layout, "%s%ssections: []\n", DEMO_SCHEMA, rules);
    char *path = write_temp(layout);
    jx_diags d;
    jx_diags_init(&d);
    jx_layout *l = NULL;
    jx_status st = jx_layout_load(path, &l, &d);
    if (st != JX_ERR_LAYOUT || d.count == 0 || d.items[0].line != line ||
        d.items[0].col != col || strcmp(d.items[0].message, message) != 0) {
        jx_diags_print(&d, stderr);
        fail_msg("expected %d:%d %s", line, col, message);
    }
    assert_null(l);
    jx_diags_free(&d);
    unlink(path);
    free(path);
}

static void rule_definitions_are_checked_at_line_and_column(void **state)
{
    (void)state;
    /* The layout author's messages, in English (--lang=en). */
    jx_i18n_init(JX_LANG_EN, NULL);
    /* The demo schema takes 20 lines: rules: is line 21, the first rule 22. */
    expect_layout_error("rules:\n  - {id: s, kind: summ, total: fund.sub, parts: [fund.a]}\n", 22,
                        19, "rule s: kind: must be sum, le, plan, ratio, rate_max, yoy or "
                            "match, not 'summ' (did you mean 'sum'?)");
    expect_layout_error("rules:\n  - {id: s, kind: sum, totl: fund.sub, parts: [fund.a]}\n", 22,
                        24, "rule s: unknown key 'totl' in a rule of kind sum (did you mean 'total'?); "
                            "valid keys: id, kind, severity, label, each, total, parts, scale, derive");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.subb, parts: [fund.a]}\n",
                        22, 31,
                        "rule s: total: the schema has no field 'subb' in fund (did you mean "
                        "'sub'?)");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.sub, parts: [items.full]}\n",
                        22, 49,
                        "rule s: parts: items is a list: write items.*.full to name a field of "
                        "its entries");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.sub, parts: [items.*.name]}\n",
                        22, 49, "rule s: parts items.*.name must be an amount field");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.sub, parts: [items.*.full]}\n",
                        22, 49,
                        "rule s: fund.sub is in 万元 but items.*.full in 元: add scale: (the power "
                        "of ten that converts 元 into 万元)");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.sub, parts: [items.*.full],"
                        " scale: 10000}\n",
                        22, 71, "rule s: scale: 1e4 does not convert 元 into 万元 (that is 1e-4)");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.sub, parts: [fund.a], "
                        "scale: 3}\n",
                        22, 65,
                        "rule s: scale: must be a power of ten such as 10000 or 0.0001, not '3'");
    expect_layout_error("rules:\n  - {id: s, kind: le, each: fund, left: a, right: b}\n", 22, 29,
                        "rule s: each: fund is not a list field");
    expect_layout_error("rules:\n  - {id: s, kind: sum, severity: fatal, total: fund.sub, parts: "
                        "[fund.a]}\n",
                        22, 34, "rule s: severity: must be error or warning, not 'fatal'");
    expect_layout_error("rules:\n  - {kind: sum, total: fund.sub, parts: [fund.a]}\n", 22, 5,
                        "a rule needs id: (lower-case letters, digits and '-', as shown in "
                        "messages)");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.sub, parts: [fund.a]}\n"
                        "  - {id: s, kind: sum, total: fund.total, parts: [fund.a]}\n",
                        23, 10, "rule id 's' is used twice");
    expect_layout_error("rules:\n  - {id: s, kind: sum, total: fund.sub, parts: [fund.a]}\n", 9,
                        59,
                        "field fund.total is derived: true, but no sum rule has it as its total "
                        "(add a rule {kind: sum, total: fund.total, parts: […]})");
    expect_layout_error("rules:\n  - {id: s, kind: ratio, value: fund.a, amount: fund.b}\n", 22,
                        5,
                        "rule s: a ratio rule needs value:, amount: and total: (value = amount "
                        "/ total); total: is missing");
    expect_layout_error("rules:\n  - {id: s, kind: plan, values: [fund.a]}\n", 22, 33,
                        "rule s: values: must be a list of 2 to 256 field paths");
    expect_layout_error("rules: {id: s}\n", 21, 8, "rules: must be a list of rules");
    /* And one in Chinese, as users see it by default. */
    jx_i18n_init(JX_LANG_ZH, JX_TEST_LOCALEDIR);
    expect_layout_error("rules:\n  - {id: s, kind: summ, total: fund.sub, parts: [fund.a]}\n", 22,
                        19, "规则 s：kind: 必须是 sum、le、plan、ratio、rate_max、yoy 或 match，"
                            "不能是 'summ'（您是不是要写 'sum'？）");
}

static void schema_flags_are_checked(void **state)
{
    (void)state;
    const char *bad[] = {
        "region: t\nschema:\n  a: {type: text, derived: true}\nsections: []\n",
        "region: t\nschema:\n  a: {type: amount, derived: true, required: true}\nsections: []\n",
        "region: t\nschema:\n  a: {type: amount, derived: maybe}\nsections: []\n",
        "region: t\nschema:\n  a: {type: list, item: {b: {}}, example: x}\nsections: []\n",
    };
    const char *msgs[] = {
        "字段 'a' 是 derived: true，但不是金额（type: amount）",
        "字段 'a' 不能同时是 required: 和 derived:（推算的合计可以不填）",
        "字段 'a' 的 derived: 必须是 true 或 false",
        "字段 'a' 的 example: 必须是单个值，且只有 text、rich 和 amount 字段才有",
    };
    for (size_t i = 0; i < 4; i++) {
        char *path = write_temp(bad[i]);
        jx_diags d;
        jx_diags_init(&d);
        jx_layout *l = NULL;
        assert_int_equal(jx_layout_load(path, &l, &d), JX_ERR_LAYOUT);
        assert_true(d.count >= 1);
        assert_string_equal(d.items[0].message, msgs[i]);
        assert_int_equal(d.items[0].line, 3);
        jx_diags_free(&d);
        unlink(path);
        free(path);
    }
}

/* A layout of one list of entries, for the per-entry rule kinds. */
static const char *const ENTRY_LAYOUT_HEAD =
    "region: t\n"
    "schema:\n"
    "  rows:\n"
    "    type: list\n"
    "    item:\n"
    "      name: {label: 指标名称}\n"
    "      y1: {label: 前年}\n"
    "      y2: {label: 上年}\n"
    "      now: {label: 当年}\n"
    "      amount: {label: 金额, type: amount, unit: 万元}\n"
    "      share: {label: 占比}\n"
    "      ratio: {label: 比例, type: amount}\n"
    "      m3: {label: 3月底}\n"
    "      m6: {label: 6月底}\n"
    "      m12: {label: 12月底}\n"
    "  total: {label: 合计, type: amount, unit: 万元}\n"
    "  tasks: {type: list, item: {funds: {label: 拟投入的资金, type: amount, unit: 万元}}}\n"
    "  lines: {type: map, fields: {basic: {label: 基本支出, type: amount, unit: 万元},\n"
    "                             project: {label: 项目支出, type: amount, unit: 万元}}}\n"
    "rules:\n";

static void compose_entries(run *r, const char *rules, const char *filing)
{
    char layout[8192];
    snprintf(layout, sizeof layout, "%s%ssections: []\n", ENTRY_LAYOUT_HEAD, rules);
    compose_texts(r, layout, filing);
}

static void spending_plans(void **state)
{
    (void)state;
    const char *rules = "  - {id: plan, kind: plan, label: 资金支出计划, each: rows, "
                        "values: [m3, m6, m12]}\n";
    run r;
    compose_entries(&r, rules,
                    "region: t\nrows:\n"
                    "  - {m3: 45%, m6: 46%, m12: 100%}\n"
                    "  - {m3: 0, m6: \"69\", m12: \"=100%\"}\n"
                    "  - {name: 空}\n");
    assert_int_equal(r.st, JX_OK);
    assert_int_equal(r.d.count, 0);
    run_free(&r);
    compose_entries(&r, rules,
                    "region: t\nrows:\n"
                    "  - {m3: 45%, m6: 40%, m12: 100%}\n"
                    "  - {m3: 30%, m6: 60%, m12: 95%}\n"
                    "  - {m3: 30%, m6: 一半, m12: 100%}\n"
                    "  - {m3: 30%, m6: 60%}\n");
    assert_int_equal(r.st, JX_ERR_FILING);
    expect_diag(&r.d, 0, JX_SEV_ERROR, 3, 19, "plan",
                "资金支出计划：6月底 (rows.0.m6) 40% 低于前一期 3月底 (rows.0.m3) 45%：计划不应逐期减少");
    expect_diag(&r.d, 1, JX_SEV_ERROR, 4, 29, "plan",
                "资金支出计划：12月底 (rows.1.m12) 95% ≠ 100%：计划最后一期应为 100%");
    expect_diag(&r.d, 2, JX_SEV_ERROR, 5, 19, "plan",
                "资金支出计划：6月底 (rows.2.m6) '一半' 不是百分比数值");
    expect_diag(&r.d, 3, JX_SEV_ERROR, 6, 5, "plan",
                "资金支出计划：12月底 (rows.3.m12) 未填写：计划最后一期应为 100%");
    assert_int_equal(r.d.count, 4);
    run_free(&r);
}

static void ratios(void **state)
{
    (void)state;
    run r;
    compose_entries(&r,
                    "  - {id: share, kind: ratio, each: rows, value: share, amount: amount, "
                    "total: /total}\n"
                    "  - {id: ratio, kind: ratio, each: rows, value: ratio, amount: amount, "
                    "total: /total, percent: false}\n",
                    "region: t\ntotal: 300\nrows:\n"
                    "  - {amount: 100, share: 33.33%, ratio: 0.3333}\n"
                    "  - {amount: 100, share: 33%, ratio: 0.33}\n"
                    "  - {amount: 200, share: 67%, ratio: 1}\n"
                    "  - {amount: 0, share: \"-\", ratio: \"-\"}\n"
                    "  - {amount: 100, share: 三成}\n");
    assert_int_equal(r.st, JX_ERR_FILING);
    expect_diag(&r.d, 0, JX_SEV_ERROR, 8, 26, "share",
                "占比 (rows.4.share) '三成' 不是比例数值");
    expect_diag(&r.d, 1, JX_SEV_ERROR, 6, 38, "ratio",
                "比例 (rows.2.ratio) 1 ≠ 金额 (rows.2.amount) 200万元 ÷ 合计 (total) 300万元 = 0.67");
    assert_int_equal(r.d.count, 2);
    run_free(&r);
    compose_entries(&r,
                    "  - {id: share, kind: ratio, each: rows, value: share, amount: amount, "
                    "total: /total}\n",
                    "region: t\ntotal: 300\nrows:\n  - {amount: 200, share: 60%}\n");
    expect_diag(&r.d, 0, JX_SEV_ERROR, 4, 26, "share",
                "占比 (rows.0.share) 60% ≠ 金额 (rows.0.amount) 200万元 ÷ 合计 (total) 300万元 = "
                "67%");
    run_free(&r);
}

static void rates_cannot_exceed_100_percent(void **state)
{
    (void)state;
    const char *rules = "  - {id: rate, kind: rate_max, each: rows, name: name, values: [y2, now],"
                        " except: [增长率]}\n";
    run r;
    compose_entries(&r, rules,
                    "region: t\nrows:\n"
                    "  - {name: 资金到位率, y2: =100%, now: ≥110%}\n"
                    "  - {name: 控制率, now: ≤120%}\n"
                    "  - {name: 收入增长率, now: 150%}\n"
                    "  - {name: 新增企业数, now: 150%}\n"
                    "  - {name: 满意率, now: 很高}\n");
    assert_int_equal(r.st, JX_ERR_FILING);
    expect_diag(&r.d, 0, JX_SEV_ERROR, 3, 35, "rate",
                "「资金到位率」当年 (rows.0.now) ≥110% 超过 100%：比率类指标不应高于 100%");
    assert_int_equal(r.d.count, 1);
    run_free(&r);
}

static void year_over_year_decreases_are_warnings(void **state)
{
    (void)state;
    const char *rules = "  - {id: yoy, kind: yoy, severity: warning, each: rows, name: name, "
                        "values: [y1, y2, now]}\n";
    run r;
    compose_entries(&r, rules,
                    "region: t\nrows:\n"
                    "  - {name: 招商引资实际到位总, y1: 63.17亿元, y2: 65亿元, now: 63.17亿元}\n"
                    "  - {name: 安全生产培训次数, y1: 4次, y2: ≥2次, now: ≥2次}\n"
                    "  - {name: 活动场次, y1: 3场, y2: 2场, now: 3场}\n"
                    "  - {name: 税收贡献, y1: (2020年增设), y2: 1.5亿元, now: 15000万元}\n"
                    "  - {name: 处理时间, y1: 4小时, y2: 3小时, now: ≤2小时}\n"
                    "  - {name: 外贸, y1: 增长率8%, y2: 全市第一, now: 6.2亿元}\n");
    assert_int_equal(r.st, JX_OK); /* warnings do not block */
    expect_diag(&r.d, 0, JX_SEV_WARNING, 3, 51, "yoy",
                "「招商引资实际到位总」当年 (rows.0.now) 63.17亿元 低于 上年 (rows.0.y2) 65亿元："
                "目标较往年下降");
    expect_diag(&r.d, 1, JX_SEV_WARNING, 4, 44, "yoy",
                "「安全生产培训次数」当年 (rows.1.now) ≥2次 低于 前年 (rows.1.y1) 4次：目标较往年下降");
    assert_int_equal(r.d.count, 2);
    run_free(&r);
}

static void task_amounts_matching_a_budget_line(void **state)
{
    (void)state;
    const char *rules = "  - {id: tasks, kind: match, severity: warning, parts: [tasks.*.funds],"
                        " candidates: [lines.basic, lines.project]}\n";
    run r;
    compose_entries(&r, rules,
                    "region: t\nlines: {basic: 100, project: 250}\n"
                    "tasks: [{funds: 200}, {funds: 50}]\n");
    assert_int_equal(r.st, JX_OK);
    assert_int_equal(r.d.count, 0);
    run_free(&r);
    compose_entries(&r, rules,
                    "region: t\nlines: {basic: 100, project: 250}\n"
                    "tasks: [{funds: \"1,570.00\"}, {funds: 50}]\n");
    assert_int_equal(r.st, JX_OK);
    expect_diag(&r.d, 0, JX_SEV_WARNING, 3, 17, "tasks",
                "Σ拟投入的资金 (tasks.*.funds) = 1620万元，与 基本支出 (lines.basic) 100万元、"
                "项目支出 (lines.project) 250万元 均不相等");
    run_free(&r);
}

static void sums_of_several_totals_and_several_lists(void **state)
{
    (void)state;
    const char *layout =
        "region: t\n"
        "schema:\n"
        "  income: {type: map, fields: {a: {label: 财政拨款, type: amount},\n"
        "                              b: {label: 其他资金, type: amount}}}\n"
        "  spend: {type: map, fields: {x: {label: 基本支出, type: amount},\n"
        "                             y: {label: 项目支出, type: amount}}}\n"
        "  p: {type: list, item: {name: {}, v: {label: 值}}}\n"
        "  q: {type: list, item: {name: {}, v: {label: 值}}}\n"
        "rules:\n"
        "  - {id: balance, kind: sum, total: [income.a, income.b], parts: [spend.x, spend.y]}\n"
        "  - {id: rate, kind: rate_max, each: [p, q], name: name, values: [v]}\n"
        "sections: []\n";
    run r;
    compose_texts(&r, layout,
                  "region: t\nincome: {a: 80939.63, b: 0.00}\nspend: {x: 29016.90, y: "
                  "51922.73}\np: [{name: 完成率, v: 90%}]\nq: [{name: 满意率, v: 101%}]\n");
    assert_int_equal(r.st, JX_ERR_FILING);
    expect_diag(&r.d, 0, JX_SEV_ERROR, 5, 20, "rate",
                "「满意率」值 (q.0.v) 101% 超过 100%：比率类指标不应高于 100%");
    assert_int_equal(r.d.count, 1);
    run_free(&r);
    compose_texts(&r, layout, "region: t\nincome: {a: 80939.63, b: 1}\nspend: {x: 29016.90, y: "
                              "51922.73}\n");
    expect_diag(&r.d, 0, JX_SEV_ERROR, 2, 13, "balance",
                "财政拨款 + 其他资金 = 80940.63 ≠ 基本支出 + 项目支出 = 80939.63（相差 1）");
    run_free(&r);
}

static void the_changzhou_sample_passes_and_its_totals_can_be_left_out(void **state)
{
    (void)state;
    char lpath[1024], fpath[1024];
    snprintf(lpath, sizeof lpath, "%s/layouts/changzhou.yaml", jx_test_source_dir());
    snprintf(fpath, sizeof fpath, "%s/input/changzhou.yaml", jx_test_source_dir());
    jx_diags d;
    jx_diags_init(&d);
    jx_layout *l = NULL;
    jx_node *filing = NULL;
    assert_int_equal(jx_layout_load(lpath, &l, &d), JX_OK);
    assert_true(jx_rules_count(l->rules) >= 5);
    assert_int_equal(jx_node_parse_file(fpath, &filing, &d), JX_OK);
    jx_compose_options o = {"jxgen test", 0};
    jx_doc *doc = NULL;
    assert_int_equal(jx_compose(l, filing, fpath, &o, &doc, &d), JX_OK);
    assert_int_equal(d.count, 0); /* no warnings: every relation holds */
    jx_doc_free(doc);
    jx_node_free(filing);
    jx_layout_free(l);
    jx_diags_free(&d);
}

static void strict_turns_warnings_into_errors(void **state)
{
    (void)state;
    char layouts[1024];
    snprintf(layouts, sizeof layouts, "%s/layouts", jx_test_source_dir());
    char *fp = write_temp("region: changzhou\nyear: 2024年度\nproject: {name: a, department: b}\n"
                          "fund: {total: 600, subtotal: 500, general_budget: 500}\n");
    for (int strict = 0; strict < 2; strict++) {
        jx_render_options ro = {0};
        ro.layouts_dir = layouts;
        ro.strict = strict;
        jx_diags d;
        jx_diags_init(&d);
        jx_renderer *r = NULL;
        assert_int_equal(jx_renderer_create(&ro, &r, &d), JX_OK);
        jx_status st = jx_renderer_compose(r, fp, NULL, &d);
        assert_int_equal(st, strict ? JX_ERR_FILING : JX_OK);
        assert_int_equal(d.warnings, 2); /* fund-total and spending-total */
        jx_renderer_free(r);
        jx_diags_free(&d);
    }
    unlink(fp);
    free(fp);
}

/* Replaces every `: ""` of a field whose comment does not say 金额 with a
 * sample text; amounts stay blank (zero). */
static char *fill_skeleton(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(n * 3 + 1);
    assert_non_null(out);
    char *o = out;
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[2048];
        assert_true(len < sizeof buf);
        memcpy(buf, line, len);
        buf[len] = '\0';
        char *q = strstr(buf, ": \"\"");
        int comment_first = buf[strspn(buf, " ")] == '#';
        if (q && !comment_first && !strstr(buf, "金额")) {
            o += sprintf(o, "%.*s: \"示例\"%s\n", (int)(q - buf), buf, q + 4);
        } else {
            o += sprintf(o, "%s\n", buf);
        }
        line += len + (end != NULL);
    }
    *o = '\0';
    return out;
}

static void the_skeleton_lists_every_field_and_checks_once_filled(void **state)
{
    (void)state;
    char lpath[1024];
    snprintf(lpath, sizeof lpath, "%s/layouts/changzhou.yaml", jx_test_source_dir());
    jx_diags d;
    jx_diags_init(&d);
    jx_layout *l = NULL;
    assert_int_equal(jx_layout_load(lpath, &l, &d), JX_OK);
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    assert_non_null(mem);
    assert_int_equal(jx_skeleton_write(l, mem), JX_OK);
    fclose(mem);
    /* Labels as on the official table, units, required marks, derived totals. */
    assert_non_null(strstr(text, "region: changzhou"));
    assert_non_null(strstr(text, "year: \"\"                        # 年度（必填）\n"));
    assert_non_null(strstr(text, "  # total: \"\"                   # 资金总额（金额，万元）可省略："
                                 "由规则 fund-total 计算\n"));
    assert_non_null(strstr(text, "    half: \"\"                    # 半年（程）计划执行数（金额，元）"));
    assert_non_null(strstr(text, "          - name: \"\"            # 三级指标（必填）\n"));

    /* As written: it parses, and only the required fields are wrong (empty). */
    char *sk = write_temp(text);
    jx_node *filing = NULL;
    assert_int_equal(jx_node_parse_file(sk, &filing, &d), JX_OK);
    jx_compose_options o = {"jxgen test", 0};
    jx_doc *doc = NULL;
    assert_int_equal(jx_compose(l, filing, sk, &o, &doc, &d), JX_ERR_FILING);
    assert_int_equal(d.count, 7);
    for (size_t i = 0; i < d.count; i++)
        assert_string_equal(d.items[i].rule, "missing-field");
    jx_node_free(filing);
    jx_diags_free(&d);

    /* Filled in: accepted without a message, and the computed totals show. */
    char *filled = fill_skeleton(text);
    char *fp = write_temp(filled);
    assert_int_equal(jx_node_parse_file(fp, &filing, &d), JX_OK);
    jx_status st = jx_compose(l, filing, fp, &o, &doc, &d);
    if (st != JX_OK)
        jx_diags_print(&d, stderr);
    assert_int_equal(st, JX_OK);
    assert_int_equal(d.count, 0);
    jx_doc_free(doc);
    jx_node_free(filing);
    unlink(sk);
    unlink(fp);
    free(sk);
    free(fp);
    free(filled);
    free(text);
    jx_layout_free(l);
    jx_diags_free(&d);
}

static void the_skeleton_writes_examples(void **state)
{
    (void)state;
    char *lp = write_temp("region: t\nname: 表\nschema:\n"
                          "  plan: {type: map, fields: {dec: {label: \"12月底\", type: amount, "
                          "example: 100}}}\n"
                          "  note: {label: \"说\\\"明\", example: \"a\\\"b\"}\nsections: []\n");
    jx_diags d;
    jx_diags_init(&d);
    jx_layout *l = NULL;
    assert_int_equal(jx_layout_load(lp, &l, &d), JX_OK);
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    assert_int_equal(jx_skeleton_write(l, mem), JX_OK);
    fclose(mem);
    assert_non_null(strstr(text, "# 表 — 填报模板（jxgen new t）\n"));
    assert_non_null(strstr(text, "  dec: \"100\"                    # 12月底（金额）\n"));
    assert_non_null(strstr(text, "note: \"a\\\"b\"                    # 说\"明\n"));
    free(text);
    jx_layout_free(l);
    jx_diags_free(&d);
    unlink(lp);
    free(lp);
}

int main(void)
{
    /* The messages below are the Chinese ones users see: from the catalog. */
    jx_i18n_init(JX_LANG_ZH, JX_TEST_LOCALEDIR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stated_totals_that_hold_pass_silently),
        cmocka_unit_test(a_wrong_subtotal_is_an_error_naming_label_path_and_numbers),
        cmocka_unit_test(warnings_do_not_block_and_units_are_converted),
        cmocka_unit_test(half_above_full_is_an_error_per_entry),
        cmocka_unit_test(left_out_totals_are_computed_with_formulas),
        cmocka_unit_test(nothing_to_add_up_leaves_the_cell_empty),
        cmocka_unit_test(formulas_refer_only_to_cells_the_form_shows),
        cmocka_unit_test(derived_totals_inside_lists_and_cycles),
        cmocka_unit_test(a_sum_over_a_long_list_keeps_its_value_but_not_a_too_long_formula),
        cmocka_unit_test(rule_definitions_are_checked_at_line_and_column),
        cmocka_unit_test(schema_flags_are_checked),
        cmocka_unit_test(spending_plans),
        cmocka_unit_test(ratios),
        cmocka_unit_test(rates_cannot_exceed_100_percent),
        cmocka_unit_test(year_over_year_decreases_are_warnings),
        cmocka_unit_test(task_amounts_matching_a_budget_line),
        cmocka_unit_test(sums_of_several_totals_and_several_lists),
        cmocka_unit_test(the_changzhou_sample_passes_and_its_totals_can_be_left_out),
        cmocka_unit_test(strict_turns_warnings_into_errors),
        cmocka_unit_test(the_skeleton_lists_every_field_and_checks_once_filled),
        cmocka_unit_test(the_skeleton_writes_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
