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
    assert_int_equal(fund->entries[1].key_line, 4);
    assert_int_equal(fund->entries[1].key_col, 3);
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

/* Appending, replacing, removing and copying entries through jx_node's
 * functions keeps keys, their positions and the order of the others. */
static void edits_entries_through_its_functions(void **state)
{
    (void)state;
    jx_diags d;
    jx_node *root = NULL;
    assert_int_equal(parse("a: 1\nb: [x, y]\nc: 3\n", &root, &d), JX_OK);
    jx_node *v = jx_node_new(JX_NODE_SCALAR, 9, 9);
    assert_non_null(v);
    char *key = malloc(2);
    memcpy(key, "d", 2);
    assert_int_equal(jx_node_map_append(root, key, 7, 5, v), JX_OK);
    for (int i = 0; i < 40; i++) /* past several doublings */
        assert_int_equal(
            jx_node_seq_append(root->entries[1].value, jx_node_new(JX_NODE_SCALAR, 2, 1)), JX_OK);
    assert_int_equal(jx_node_get(root, "b")->count, 42);
    assert_string_equal(jx_node_text(jx_node_path(root, "b.1")), "y");

    size_t made = 0;
    jx_node *copy = NULL;
    assert_int_equal(jx_node_clone(root, &made, 1000, &copy), JX_OK);
    assert_int_equal(made, 1 + 3 + 43); /* root, a, c, d; b and its 42 values */
    made = 0;
    jx_node *none = root;
    assert_int_equal(jx_node_clone(root, &made, 10, &none), JX_ERR_LIMIT);
    assert_null(none);

    jx_node_map_remove(root, 0); /* a */
    assert_int_equal(root->count, 3);
    assert_string_equal(root->entries[0].key, "b");
    assert_string_equal(root->entries[2].key, "d");
    assert_int_equal(root->entries[2].key_line, 7);
    assert_int_equal(root->entries[2].key_col, 5);
    jx_node_set(root, 1, jx_node_new(JX_NODE_SEQ, 3, 4)); /* c: [] */
    assert_int_equal(jx_node_get(root, "c")->kind, JX_NODE_SEQ);
    assert_int_equal(root->entries[1].key_line, 3);
    assert_string_equal(jx_node_nearest_key(root, "dd"), "d");
    assert_null(jx_node_nearest_key(root, "zzzz"));

    /* The copy did not change with the original, and knows its positions. */
    assert_int_equal(copy->count, 4);
    assert_string_equal(jx_node_text(jx_node_get(copy, "a")), "1");
    assert_string_equal(jx_node_text(jx_node_get(copy, "c")), "3");
    assert_int_equal(copy->entries[3].key_line, 7);
    assert_int_equal(jx_node_get(copy, "b")->count, 42);
    jx_node_shift_lines(copy, 100);
    assert_int_equal(copy->entries[0].key_line, 101);
    assert_int_equal(jx_node_get(copy, "b")->entries[0].value->line, 102);
    jx_node_free(copy);
    jx_node_free(root);
    jx_diags_free(&d);
}

/* An alias is a copy of its anchored value, counted against the node
 * limit: many aliases of a big anchored list are refused. */
static void copies_aliases_within_the_node_limit(void **state)
{
    (void)state;
    jx_diags d;
    jx_diags_init(&d);
    const char *ok = "a: &x {k: [1, 2]}\nb: *x\n";
    jx_node *root = NULL;
    assert_int_equal(
        jx_node_parse_buffer_opts("l.yaml", ok, strlen(ok), JX_NODE_ANCHORS, &root, &d), JX_OK);
    const jx_node *b = jx_node_get(root, "b");
    assert_int_equal(b->kind, JX_NODE_MAP);
    assert_string_equal(jx_node_text(jx_node_path(root, "b.k.1")), "2");
    assert_int_equal(b->entries[0].key_line, 1); /* the anchored value's position */
    jx_node_free(root);

    /* 1000 values anchored, copied 300 times: 300000 > JX_NODE_MAX_NODES. */
    char *big = malloc(20000);
    size_t n = (size_t)sprintf(big, "a: &x [");
    for (int i = 0; i < 1000; i++)
        n += (size_t)sprintf(big + n, "%s1", i ? "," : "");
    n += (size_t)sprintf(big + n, "]\nb: [");
    for (int i = 0; i < 300; i++)
        n += (size_t)sprintf(big + n, "%s*x", i ? "," : "");
    n += (size_t)sprintf(big + n, "]\n");
    root = NULL;
    assert_int_equal(jx_node_parse_buffer_opts("l.yaml", big, n, JX_NODE_ANCHORS, &root, &d),
                     JX_ERR_LIMIT);
    assert_null(root);
    assert_non_null(strstr(d.items[d.count - 1].message, "200000"));
    free(big);
    jx_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_line_and_column_of_values),
        cmocka_unit_test(reads_json_with_the_same_schema),
        cmocka_unit_test(reports_malformed_input),
        cmocka_unit_test(refuses_deep_nesting_and_alias_bombs),
        cmocka_unit_test(edits_entries_through_its_functions),
        cmocka_unit_test(copies_aliases_within_the_node_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
