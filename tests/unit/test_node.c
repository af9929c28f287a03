/* The filing reader: positions, limits and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_node.h"

static jx_status parse(const char *text, jx_node **out, jx_diags *d)
{
    jx_diags_init(d);
    return jx_node_parse_buffer("f.yaml", text, strlen(text), out, d);
}

static void keeps_line_and_column_of_values(void **state)
{
    (void)state;
    jx_diags d;
    jx_node *root;
    assert_int_equal(parse("region: changzhou\nfund:\n  total: 500\n  other: \"0\"\n", &root, &d),
                     JX_OK);
    const jx_node *total = jx_node_path(root, "fund.total");
    assert_non_null(total);
    assert_string_equal(total->text, "500");
    assert_int_equal(total->line, 3);
    assert_int_equal(total->col, 10);
    const jx_node *fund = jx_node_get(root, "fund");
    assert_int_equal(fund->key_lines[1], 4);
    assert_int_equal(fund->key_cols[1], 3);
    assert_false(jx_node_path(root, "fund.other")->plain);
    assert_null(jx_node_path(root, "fund.missing"));
    jx_node_free(root);
    jx_diags_free(&d);
}

static void reads_json_with_the_same_schema(void **state)
{
    (void)state;
    jx_diags d;
    jx_node *root;
    assert_int_equal(parse("{\"region\": \"guangzhou\", \"items\": [{\"name\": \"甲\"}]}", &root, &d),
                     JX_OK);
    assert_string_equal(jx_node_path(root, "items.0.name")->text, "甲");
    jx_node_free(root);
    jx_diags_free(&d);
}

static void expect_error(const char *text, jx_status want, const char *needle, int line)
{
    jx_diags d;
    jx_node *root = NULL;
    assert_int_equal(parse(text, &root, &d), want);
    assert_null(root);
    assert_true(d.count >= 1);
    if (!strstr(d.items[0].message, needle))
        fail_msg("message '%s' lacks '%s'", d.items[0].message, needle);
    if (line)
        assert_int_equal(d.items[0].line, line);
    jx_diags_free(&d);
}

static void reports_malformed_input(void **state)
{
    (void)state;
    expect_error("a: [1, 2\nb: 3\n", JX_ERR_SYNTAX, "malformed", 0);
    expect_error("", JX_ERR_SYNTAX, "empty", 1);
    expect_error("  \n\n", JX_ERR_SYNTAX, "empty", 1);
    expect_error("a: 1\nb: \xff\xfe\n", JX_ERR_SYNTAX, "byte offset 8", 2);
    expect_error("a: 1\na: 2\n", JX_ERR_SYNTAX, "duplicate key 'a'", 2);
    expect_error("a: &x [1]\nb: *x\n", JX_ERR_SYNTAX, "anchors", 1);
    expect_error("a: 1\n---\nb: 2\n", JX_ERR_SYNTAX, "one document", 2);
    char bin[8] = {'a', ':', ' ', 0, 1, 2, '\n', 0};
    jx_diags d;
    jx_node *root = NULL;
    jx_diags_init(&d);
    assert_int_equal(jx_node_parse_buffer("b", bin, 7, &root, &d), JX_ERR_SYNTAX);
    assert_non_null(strstr(d.items[0].message, "NUL byte at byte offset 3"));
    jx_diags_free(&d);
}

static void refuses_deep_nesting_and_alias_bombs(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *deep = malloc(depth * 2 + 1);
    for (size_t i = 0; i < depth; i++)
        deep[i] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[depth + i] = ']';
    deep[depth * 2] = '\0';
    expect_error(deep, JX_ERR_LIMIT, "nesting deeper", 1);
    free(deep);
    expect_error("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n", JX_ERR_SYNTAX,
                 "not supported", 1);
    size_t big = JX_NODE_MAX_BYTES + 10;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    jx_diags d;
    jx_node *root = NULL;
    jx_diags_init(&d);
    assert_int_equal(jx_node_parse_buffer("h", huge, big, &root, &d), JX_ERR_LIMIT);
    free(huge);
    jx_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_line_and_column_of_values),
        cmocka_unit_test(reads_json_with_the_same_schema),
        cmocka_unit_test(reports_malformed_input),
        cmocka_unit_test(refuses_deep_nesting_and_alias_bombs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
