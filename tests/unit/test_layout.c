/* The layout reader: every layout in layouts/ loads; mistakes are reported
 * at their line and column with a suggestion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jx_layout.h"
#include "jx_test.h"

static void every_shipped_layout_loads(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/layouts", jx_test_source_dir());
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *e;
    int loaded = 0;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        jx_diags d;
        jx_diags_init(&d);
        jx_layout *l = NULL;
        jx_status st = jx_layout_load(path, &l, &d);
        if (st != JX_OK) {
            jx_diags_print(&d, stderr);
            fail_msg("%s does not load", path);
        }
        char region[64];
        snprintf(region, sizeof region, "%.*s", (int)(n - 5), e->d_name);
        assert_string_equal(l->region, region);
        jx_layout_free(l);
        jx_diags_free(&d);
        loaded++;
    }
    closedir(dp);
    assert_true(loaded >= 1);
}

/* Writes text to a temp file and loads it as a layout into *out (NULL: freed). */
static jx_status load_text_into(const char *text, jx_diags *d, jx_layout **out)
{
    char path[] = "/tmp/jx_layout_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    jx_layout *l = NULL;
    jx_diags_init(d);
    jx_status st = jx_layout_load(path, &l, d);
    if (out)
        *out = l;
    else
        jx_layout_free(l);
    unlink(path);
    return st;
}

static jx_status load_text(const char *text, jx_diags *d)
{
    return load_text_into(text, d, NULL);
}

static const char *minimal_head =
    "region: demo\n"
    "styles:\n  body: {font: song, size: 10}\n"
    "schema:\n  name: {label: 名称, type: text}\n";

static void expect_layout_error(const char *body, const char *needle, int line)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", minimal_head, body);
    jx_diags d;
    assert_int_equal(load_text(text, &d), JX_ERR_LAYOUT);
    int found = 0;
    for (size_t i = 0; i < d.count; i++)
        if (strstr(d.items[i].message, needle) && (!line || d.items[i].line == line))
            found = 1;
    if (!found) {
        jx_diags_print(&d, stderr);
        fail_msg("no error containing '%s' at line %d", needle, line);
    }
    jx_diags_free(&d);
}

static void reports_mistakes_where_they_are(void **state)
{
    (void)state;
    /* Line numbers count the 6 lines of minimal_head. */
    expect_layout_error("sections:\n  - blocks:\n      - table:\n          columns: [1, 2]\n"
                        "          rows:\n            - row: [{text: a, colspn: 2}]\n",
                        "unknown key 'colspn' in a cell (did you mean 'colspan'?)", 11);
    expect_layout_error("sections:\n  - blocks:\n      - paragraph: x\n        style: bodyy\n",
                        "no style named 'bodyy'", 9);
    expect_layout_error("sections:\n  - blocks:\n      - table:\n          rows: []\n",
                        "a table needs columns", 0);
    expect_layout_error("sections:\n  - blocks:\n      - table:\n          columns: [1]\n"
                        "          rows:\n            - row: [{text: a, field: name}]\n",
                        "either text:", 11);
    expect_layout_error("page: {size: B5}\nsections: []\n", "page size must be A4 or A3", 6);
    expect_layout_error("sections:\n  - blocks:\n      - table:\n          columns: [1, 1]\n"
                        "          rows:\n            - sides:\n                - rows: []\n"
                        "                - rows: []\n",
                        "every side but the last needs columns:", 12);
    expect_layout_error("sections:\n  - blocks:\n      - table:\n          columns: [1]\n"
                        "          rows:\n            - sides: [{rows: []}]\n",
                        "sides: is a list of 2 to 8 sides", 11);
    expect_layout_error("sections:\n  - blocks:\n      - page_break: false\n",
                        "write page_break: true", 8);
    expect_layout_error("sections:\n  - blocks:\n      - prose: name\n        numbering: \"目标\"\n",
                        "numbering: is a pattern with one {n}, {cn} or {a}", 9);
}

static void a_good_minimal_layout_loads(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof text,
             "%ssections:\n  - blocks:\n      - table:\n          columns: [1, 2]\n"
             "          rows:\n            - row: [{text: 名称}, {field: name}]\n",
             minimal_head);
    jx_diags d;
    assert_int_equal(load_text(text, &d), JX_OK);
    jx_diags_free(&d);
}

/* #17.3: sections, tables, rows and cells are compiled into typed specs when
 * the layout loads (styles and formats resolved, numbers parsed, switches
 * checked), so composing never reads the YAML again. */
static void compiles_the_form_once(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof text,
             "%sformats:\n  money: {decimals: 2}\n"
             "sections:\n  - sheet: 表\n    blocks:\n"
             "      - paragraph: \"{name}\"\n        style: body\n        space_after: 8\n"
             "        keep_with_next: true\n"
             "      - table:\n          columns: [1, 2.5, 3]\n          border: 0\n"
             "          rows:\n            - row: [{text: a, colspan: 2}, {field: name, style: body}]\n"
             "              header: true\n              min_height: 30\n"
             "            - band: {text: b}\n              rows:\n"
             "                - each: list\n                  rows:\n"
             "                    - row: [{field: x, format: money}, {text: c}]\n",
             minimal_head);
    jx_diags d;
    jx_layout *l = NULL;
    assert_int_equal(load_text_into(text, &d, &l), JX_OK);
    assert_int_equal(l->nsections, 1);
    const jx_section_spec *sec = &l->sections[0];
    assert_string_equal(sec->sheet, "表");
    assert_int_equal(sec->nblocks, 2);
    assert_int_equal(sec->blocks[0].kind, JX_SPEC_PARAGRAPH);
    assert_true(sec->blocks[0].keep_with_next);
    assert_true(sec->blocks[0].space_after_pt == 8);
    assert_true(sec->blocks[0].style.size_pt == 10);
    const jx_table_spec *t = sec->blocks[1].table;
    assert_int_equal(sec->blocks[1].kind, JX_SPEC_TABLE);
    assert_int_equal(t->ncols, 3);
    assert_true(t->col_widths[1] == 2.5 && t->border_pt == 0 && t->padding_pt == 3);
    assert_int_equal(t->label_style.halign, JX_ALIGN_CENTER);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(t->rows[0].kind, JX_ROW_CELLS);
    assert_true(t->rows[0].header && t->rows[0].min_height_pt == 30);
    assert_int_equal(t->rows[0].cells[0].colspan, 2);
    assert_string_equal(t->rows[0].cells[1].field, "name");
    assert_ptr_equal(t->rows[0].cells[1].style, jx_layout_style(l, "body"));
    assert_int_equal(t->rows[1].kind, JX_ROW_BAND);
    assert_string_equal(t->rows[1].band.text, "b");
    assert_int_equal(t->rows[1].rows[0].kind, JX_ROW_EACH);
    assert_string_equal(t->rows[1].rows[0].each, "list");
    assert_ptr_equal(t->rows[1].rows[0].rows[0].cells[0].format, jx_layout_format(l, "money"));
    jx_layout_free(l);
    jx_diags_free(&d);
    /* A switch that is not true/false was silently false; now it is an error. */
    expect_layout_error("sections:\n  - blocks:\n      - table:\n          columns: [1]\n"
                        "          rows:\n            - row: [{text: a}]\n              header: 1\n",
                        "header must be true or false", 12);
}

/* YAML anchors are read in layouts; an alias is a copy counted against the
 * node limit, so an "alias bomb" fails with a limit, not with memory. */
static void anchors_in_layouts_and_no_alias_bomb(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof text,
             "%ssections:\n  - blocks:\n      - table:\n          columns: [1, 2]\n"
             "          rows:\n            - row: &r [{text: 名称}, {field: name}]\n"
             "            - row: *r\n",
             minimal_head);
    jx_diags d;
    jx_layout *l = NULL;
    assert_int_equal(load_text_into(text, &d, &l), JX_OK);
    assert_int_equal(l->sections[0].blocks[0].table->nrows, 2);
    assert_string_equal(l->sections[0].blocks[0].table->rows[1].cells[1].field, "name");
    jx_layout_free(l);
    jx_diags_free(&d);
    const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "e: &e [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    assert_int_equal(load_text(bomb, &d), JX_ERR_LIMIT);
    assert_non_null(strstr(d.items[0].message, "counting each alias"));
    jx_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shipped_layout_loads),
        cmocka_unit_test(reports_mistakes_where_they_are),
        cmocka_unit_test(a_good_minimal_layout_loads),
        cmocka_unit_test(compiles_the_form_once),
        cmocka_unit_test(anchors_in_layouts_and_no_alias_bomb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
