/* The status enum and its name table stay in step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "jx_diag.h"
#include "jx_error.h"

static void every_status_has_a_distinct_name(void **state)
{
    (void)state;
    for (int i = 0; i < JX_STATUS_COUNT; i++) {
        const char *name = jx_status_str((jx_status)i);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown status");
        for (int k = 0; k < i; k++)
            assert_string_not_equal(name, jx_status_str((jx_status)k));
    }
    assert_string_equal(jx_status_str(JX_STATUS_COUNT), "unknown status");
    assert_string_equal(jx_status_str((jx_status)-1), "unknown status");
}

static void diagnostics_print_file_line_col(void **state)
{
    (void)state;
    jx_diags d;
    jx_diags_init(&d);
    jx_diags_add(&d, JX_SEV_ERROR, "a.yaml", 3, 7, "rule-x", "bad %s", "thing");
    jx_diags_add(&d, JX_SEV_WARNING, "a.yaml", 4, 1, NULL, "odd");
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.warnings, 1);
    char buf[256] = {0};
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    jx_diags_print(&d, f);
    fclose(f);
    assert_string_equal(buf, "a.yaml:3:7: error: bad thing [rule-x]\na.yaml:4:1: warning: odd\n");
    jx_diags_free(&d);
}

static void diagnostics_leave_out_an_unknown_position(void **state)
{
    (void)state;
    jx_diags d;
    jx_diags_init(&d);
    jx_diags_add(&d, JX_SEV_ERROR, "out/a.pdf", 0, 0, NULL, "cannot write: disk full");
    jx_diags_add(&d, JX_SEV_WARNING, "a.yaml", 9, 0, "r", "line only");
    jx_diags_add(&d, JX_SEV_NOTE, NULL, 0, 0, NULL, "no file");
    char buf[256] = {0};
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    jx_diags_print(&d, f);
    fclose(f);
    assert_string_equal(buf, "out/a.pdf: error: cannot write: disk full\n"
                             "a.yaml:9: warning: line only [r]\n"
                             "note: no file\n");
    jx_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_a_distinct_name),
        cmocka_unit_test(diagnostics_print_file_line_col),
        cmocka_unit_test(diagnostics_leave_out_an_unknown_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
