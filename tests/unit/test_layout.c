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

/* Writes text to a temp file and loads it as a layout. */
static jx_status load_text(const char *text, jx_diags *d)
{
    char path[] = "/tmp/jx_layout_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    jx_layout *l = NULL;
    jx_diags_init(d);
    jx_status st = jx_layout_load(path, &l, d);
    jx_layout_free(l);
    unlink(path);
    return st;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shipped_layout_loads),
        cmocka_unit_test(reports_mistakes_where_they_are),
        cmocka_unit_test(a_good_minimal_layout_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
