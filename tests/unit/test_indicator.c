/* Indicator values: comparator, exact number and unit as written; free text
 * stays free text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "jx_indicator.h"

/* Parses text and checks op, number (units/scale) and unit. */
static void expect_quantity(const char *text, jx_ind_op op, int64_t units, int scale,
                         const char *unit)
{
    jx_indicator v;
    if (!jx_indicator_parse(text, &v))
        fail_msg("'%s' did not parse", text);
    if (v.op != op || v.number.units != units || v.number.scale != scale ||
        strcmp(v.unit, unit) != 0)
        fail_msg("'%s': got op %d, %lld/10^%d, unit '%s'", text, (int)v.op,
                 (long long)v.number.units, v.number.scale, v.unit);
}

static void expect_text(const char *text)
{
    jx_indicator v;
    if (jx_indicator_parse(text, &v))
        fail_msg("'%s' parsed as a quantity (unit '%s')", text ? text : "(null)", v.unit);
    assert_int_equal(v.op, JX_IND_NONE);
    assert_int_equal(v.number.units, 0);
}

static void the_forms_of_the_real_filings(void **state)
{
    (void)state;
    expect_quantity("≥90%", JX_IND_GE, 90, 0, "%");
    expect_quantity("=2.45元", JX_IND_EQ, 245, 2, "元");
    expect_quantity("≤2小时", JX_IND_LE, 2, 0, "小时");
    expect_quantity("≧95%", JX_IND_GE, 95, 0, "%");
    expect_quantity("85%及以上", JX_IND_GE, 85, 0, "%");
    expect_quantity("95%", JX_IND_NONE, 95, 0, "%");
    expect_quantity("12.50%", JX_IND_NONE, 1250, 2, "%");
    expect_quantity("63.17亿元", JX_IND_NONE, 6317, 2, "亿元");
    expect_quantity("=100%", JX_IND_EQ, 100, 0, "%");
    expect_quantity("=0%", JX_IND_EQ, 0, 0, "%");
    expect_quantity("≥30000平方米", JX_IND_GE, 30000, 0, "平方米");
    expect_quantity("≥50个", JX_IND_GE, 50, 0, "个");
    expect_quantity("=35.86元", JX_IND_EQ, 3586, 2, "元");
    expect_quantity("=20万元", JX_IND_EQ, 20, 0, "万元");
    expect_quantity("0.9亿美元", JX_IND_NONE, 9, 1, "亿美元");
    expect_quantity("80家（次）", JX_IND_NONE, 80, 0, "家（次）");
    expect_quantity("46", JX_IND_NONE, 46, 0, "");
    expect_quantity("≤0%", JX_IND_LE, 0, 0, "%");
}

static void other_comparators_and_spellings(void **state)
{
    (void)state;
    expect_quantity("不少于50家", JX_IND_GE, 50, 0, "家");
    expect_quantity("在90%以上", JX_IND_GE, 90, 0, "%");
    expect_quantity("超1600家", JX_IND_GT, 1600, 0, "家");
    expect_quantity("不超过5%", JX_IND_LE, 5, 0, "%");
    expect_quantity("3%以内", JX_IND_LE, 3, 0, "%");
    expect_quantity("100左右", JX_IND_APPROX, 100, 0, "");
    expect_quantity(">=90%", JX_IND_GE, 90, 0, "%");
    expect_quantity("<5次", JX_IND_LT, 5, 0, "次");
    expect_quantity("＞3次", JX_IND_GT, 3, 0, "次");
    expect_quantity("＝100％", JX_IND_EQ, 100, 0, "%");
    expect_quantity("５０％", JX_IND_NONE, 50, 0, "%");
    expect_quantity("≥ 1,600 家", JX_IND_GE, 1600, 0, "家");
    expect_quantity("  ≥90%  ", JX_IND_GE, 90, 0, "%");
    expect_quantity("-5%", JX_IND_NONE, -5, 0, "%");
    expect_quantity("达到100%", JX_IND_GE, 100, 0, "%");
}

static void free_text_is_legal(void **state)
{
    (void)state;
    expect_text(NULL);
    expect_text("");
    expect_text("充分");
    expect_text("序时进度");
    expect_text("2024年12月底前");
    expect_text("增长率8%");
    expect_text("100%回应");
    expect_text("(2020年增设)");
    expect_text("元");
    expect_text("≥");
    expect_text("部门职工 认可度≥");
    expect_text("在90%");
    expect_text("力争2027年GDP过1000亿元");
    expect_text("统计数据上报完成率在90%以上，统计数据服务企业数超1600家");
    expect_text("1.2.3%");
    expect_text("12个月，每月2次");
    char longtext[400];
    memset(longtext, '9', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    expect_text(longtext);
}

static void canonical_form(void **state)
{
    (void)state;
    jx_indicator v;
    char buf[64];
    assert_true(jx_indicator_parse("85%及以上", &v));
    jx_indicator_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "≥85%");
    assert_true(jx_indicator_parse("12.50%", &v));
    jx_indicator_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "12.50%");
    assert_true(jx_indicator_parse("≧95%", &v));
    jx_indicator_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "≥95%");
    assert_string_equal(jx_ind_op_symbol(JX_IND_LE), "≤");
}

static int cmp_of(const char *a, const char *b, int *comparable)
{
    jx_indicator x, y;
    assert_true(jx_indicator_parse(a, &x));
    assert_true(jx_indicator_parse(b, &y));
    int c = 99;
    *comparable = jx_indicator_compare(&x, &y, &c);
    return c;
}

static void comparing_values_across_money_units(void **state)
{
    (void)state;
    int ok;
    assert_true(cmp_of("63.17亿元", "65亿元", &ok) < 0 && ok);
    assert_true(cmp_of("1.5亿元", "15000万元", &ok) == 0 && ok);
    assert_true(cmp_of("15亿元", "15000万元", &ok) > 0 && ok);
    assert_true(cmp_of("≥2次", "4次", &ok) < 0 && ok);
    assert_true(cmp_of("0.9亿美元", "9000万美元", &ok) == 0 && ok);
    cmp_of("90%", "90个", &ok);
    assert_false(ok);
    cmp_of("1亿美元", "1亿元", &ok);
    assert_false(ok);
    const char *base;
    int e;
    assert_true(jx_unit_family("万元", &base, &e));
    assert_string_equal(base, "元");
    assert_int_equal(e, 4);
    assert_false(jx_unit_family("%", &base, &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_forms_of_the_real_filings),
        cmocka_unit_test(other_comparators_and_spellings),
        cmocka_unit_test(free_text_is_legal),
        cmocka_unit_test(canonical_form),
        cmocka_unit_test(comparing_values_across_money_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
