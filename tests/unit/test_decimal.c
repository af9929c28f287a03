/* Exact decimal amounts: parsing, sums and display. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "jx_decimal.h"

static jx_decimal dec(const char *s)
{
    jx_decimal d;
    assert_int_equal(jx_decimal_parse(s, JX_DEC_ALLOW_SEPARATORS | JX_DEC_ALLOW_DASH_ZERO |
                                             JX_DEC_ALLOW_BLANK_ZERO, &d),
                     JX_OK);
    return d;
}

static const char *fmt(jx_decimal d, int decimals, int thousands)
{
    static char buf[64];
    jx_decimal_format(d, decimals, thousands, buf, sizeof buf);
    return buf;
}

static void parses_what_filings_write(void **state)
{
    (void)state;
    assert_string_equal(fmt(dec("70823.39"), -1, 0), "70823.39");
    assert_string_equal(fmt(dec("1,000.50"), 2, 0), "1000.50");
    assert_string_equal(fmt(dec("0.00"), -1, 0), "0");
    assert_true(jx_decimal_is_zero(dec("-")));
    assert_true(jx_decimal_is_zero(dec("")));
    assert_true(jx_decimal_is_zero(dec(" 0 ")));
    jx_decimal d;
    assert_int_equal(jx_decimal_parse("12a", 0, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("1,00", JX_DEC_ALLOW_SEPARATORS, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("1.2.3", 0, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("-", 0, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("", 0, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("99999999999999999999", 0, &d), JX_ERR_LIMIT);
    assert_int_equal(jx_decimal_parse("1.1234567", 0, &d), JX_ERR_LIMIT);
}

/* "45%" is 0.45 where a percentage belongs, and only there. */
static void reads_percent_signs_when_allowed(void **state)
{
    (void)state;
    jx_decimal d;
    assert_int_equal(jx_decimal_parse("45%", JX_DEC_ALLOW_PERCENT, &d), JX_OK);
    assert_true(jx_decimal_cmp(d, dec("0.45")) == 0);
    assert_int_equal(jx_decimal_parse(" 99.5 \xEF\xBC\x85", JX_DEC_ALLOW_PERCENT, &d), JX_OK);
    assert_string_equal(fmt(d, -1, 0), "0.995");
    assert_int_equal(jx_decimal_parse("0.45", JX_DEC_ALLOW_PERCENT, &d), JX_OK);
    assert_string_equal(fmt(d, -1, 0), "0.45");
    assert_int_equal(jx_decimal_parse("12.3456%", JX_DEC_ALLOW_PERCENT, &d), JX_OK);
    assert_string_equal(fmt(d, -1, 0), "0.123456");
    assert_int_equal(jx_decimal_parse("12.34567%", JX_DEC_ALLOW_PERCENT, &d), JX_ERR_LIMIT);
    assert_int_equal(jx_decimal_parse("45%", 0, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("%", JX_DEC_ALLOW_PERCENT, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("45%%", JX_DEC_ALLOW_PERCENT, &d), JX_ERR_SYNTAX);
    assert_int_equal(jx_decimal_parse("-%", JX_DEC_ALLOW_PERCENT | JX_DEC_ALLOW_DASH_ZERO, &d),
                     JX_ERR_SYNTAX);
}

static void sums_are_exact(void **state)
{
    (void)state;
    /* Jiangbei's twelve project amounts add up to 项目支出 exactly. */
    const char *parts[] = {"0",     "163",  "11000",    "16000", "80",     "223",
                           "1800",  "110",  "35319.26", "4828",  "834.13", "466"};
    jx_decimal sum = {0, 0};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        assert_int_equal(jx_decimal_add(sum, dec(parts[i]), &sum), JX_OK);
    assert_int_equal(jx_decimal_cmp(sum, dec("70823.39")), 0);
    jx_decimal x = dec("0.1"), y = dec("0.2"), z;
    assert_int_equal(jx_decimal_add(x, y, &z), JX_OK);
    assert_int_equal(jx_decimal_cmp(z, dec("0.3")), 0);
    assert_true(jx_decimal_cmp(dec("5000000"), dec("500")) > 0);
    jx_decimal wan;
    assert_int_equal(jx_decimal_shift(dec("500"), 4, &wan), JX_OK);
    assert_int_equal(jx_decimal_cmp(wan, dec("5000000")), 0);
    jx_decimal big = {INT64_MAX, 0};
    assert_int_equal(jx_decimal_add(big, dec("1"), &z), JX_ERR_LIMIT);
}

static void formats_as_templates_show(void **state)
{
    (void)state;
    assert_string_equal(fmt(dec("3343.64"), 2, 1), "3,343.64");
    assert_string_equal(fmt(dec("80939.63"), 2, 1), "80,939.63");
    assert_string_equal(fmt(dec("429"), 2, 0), "429.00");
    /* Rounded once, half away from zero, as Excel shows the same number:
     * 9.45 at 0 decimals is 9 (digit by digit it became 9.5, then 10). */
    assert_string_equal(fmt(dec("9.45"), 0, 0), "9");
    assert_string_equal(fmt(dec("31002.244571"), 2, 1), "31,002.24");
    assert_string_equal(fmt(dec("9277.37448"), 2, 0), "9277.37");
    assert_string_equal(fmt(dec("0.125"), 2, 0), "0.13");
    assert_string_equal(fmt(dec("-0.125"), 2, 0), "-0.13");
    assert_string_equal(fmt(dec("0.999999"), 0, 0), "1");
    assert_string_equal(fmt(dec("1234567"), 0, 1), "1,234,567");
    assert_string_equal(fmt(dec("2.345"), 2, 0), "2.35");
    assert_string_equal(fmt(dec("-2.345"), 2, 0), "-2.35");
    assert_string_equal(fmt(dec("0.5"), 0, 0), "1");
    assert_string_equal(fmt(dec("0.05"), 2, 0), "0.05");
    assert_string_equal(fmt(dec("2033"), -1, 0), "2033");
    assert_true(jx_decimal_to_double(dec("70823.39")) == 70823.39);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_what_filings_write),
        cmocka_unit_test(reads_percent_signs_when_allowed),
        cmocka_unit_test(sums_are_exact),
        cmocka_unit_test(formats_as_templates_show),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
