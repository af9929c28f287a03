/* The status enum and its name table stay in step; status names and system
 * errors in both message languages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "jx_diag.h"
#include "jx_error.h"
#include "jx_i18n.h"

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

static void system_errors_and_status_names_in_both_languages(void **state)
{
    (void)state;
    /* English: glibc's own words. */
    jx_i18n_init(JX_LANG_EN, JX_TEST_LOCALEDIR);
    assert_string_equal(jx_strerror(ENOENT), "No such file or directory");
    assert_string_equal(jx_strerror(ENOSPC), "No space left on device");
    assert_string_equal(jx_strerror(EACCES), "Permission denied");
    assert_string_equal(jx_status_str(JX_ERR_IO), "input/output error");
    /* Chinese: jxgen's catalog, whatever glibc has installed. */
    jx_i18n_init(JX_LANG_ZH, JX_TEST_LOCALEDIR);
    assert_string_equal(jx_strerror(ENOENT), "文件或文件夹不存在");
    assert_string_equal(jx_strerror(ENOSPC), "磁盘空间已满");
    assert_string_equal(jx_strerror(EACCES), "没有权限");
    assert_string_equal(jx_strerror(ENOTDIR), "路径中有一项不是文件夹");
    assert_string_equal(jx_strerror(EROFS), "磁盘是只读的");
    assert_string_equal(jx_status_str(JX_ERR_IO), "读写错误");
    assert_string_equal(jx_status_str(JX_STATUS_COUNT), "未知状态");
    /* An errno the catalog does not word is strerror()'s text, never empty. */
    assert_true(strlen(jx_strerror(ENOTSOCK)) > 0);
    jx_i18n_init(JX_LANG_EN, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_a_distinct_name),
        cmocka_unit_test(diagnostics_print_file_line_col),
        cmocka_unit_test(diagnostics_leave_out_an_unknown_position),
        cmocka_unit_test(system_errors_and_status_names_in_both_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
