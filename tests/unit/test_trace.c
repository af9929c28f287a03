/* test_trace.c - the trace device (jx_trace.c): the exact text it prints.
 * The text-run test needs AR PL UMing and is skipped without it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jx_i18n.h"
#include "jx_trace.h"
#include "jx_test.h"


typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture;

static jx_device *open_trace(capture *c, jx_diags *d)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    jx_device *dev = jx_trace_device_create(c->f, d);
    assert_non_null(dev);
    return dev;
}

/* Closes the stream and returns what was printed (caller frees). */
static char *finish(capture *c)
{
    assert_int_equal(fclose(c->f), 0);
    return c->buf;
}

static void test_pages_rules_bookmarks(void **state)
{
    (void)state;
    jx_diags d;
    jx_diags_init(&d);
    capture c;
    jx_device *dev = open_trace(&c, &d);
    jx_doc_info info = {"标题 \"x\"", "单位", NULL, NULL, "jxgen 0.1.0", 1718409600LL};
    assert_int_equal(dev->begin_document(dev, &info), JX_OK);
    assert_int_equal(dev->begin_page(dev, 595.2756, 841.8898), JX_OK);
    assert_int_equal(dev->add_bookmark(dev, "一、收入\\预算", 0, 56.694), JX_OK);
    assert_int_equal(dev->draw_rule(dev, 56.69, 90, 538.58, 90, 0.5), JX_OK);
    assert_int_equal(dev->draw_rule(dev, -0.001, 1.004, 2.676, -3.5, 1), JX_OK);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->begin_page(dev, 841.89, 595.28), JX_OK);
    assert_int_equal(dev->add_bookmark(dev, "a\nb\tc\x01", 2, 0), JX_OK);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    char *out = finish(&c);
    const char *expect =
        "document title=\"标题 \\\"x\\\"\" author=\"单位\" creator=\"jxgen 0.1.0\" "
        "date=1718409600\n"
        "page 595.28x841.89\n"
        "bookmark 0 y=56.69 \"一、收入\\\\预算\"\n"
        "rule 56.69,90.00-538.58,90.00 w=0.50\n"
        "rule 0.00,1.00-2.68,-3.50 w=1.00\n"
        "endpage\n"
        "page 841.89x595.28\n"
        "bookmark 2 y=0.00 \"a\\nb\\tc\\x01\"\n"
        "endpage\n"
        "close\n";
    assert_string_equal(out, expect);
    free(out);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
}

static void test_text(void **state)
{
    (void)state;
    if (access(JX_TEST_UMING, R_OK) != 0) {
        print_message("no AR PL UMing: skipped\n");
        skip();
    }
    jx_diags d;
    jx_diags_init(&d);
    jx_fonts *fonts = jx_fonts_create();
    assert_non_null(fonts);
    assert_int_equal(jx_fonts_add(fonts, "song", JX_TEST_UMING, 0, &d), JX_OK);
    jx_text_lines lines = {0};
    assert_int_equal(jx_text_break(fonts, "song", 10.5, "项目名称", strlen("项目名称"), 500, &lines,
                                   &d, "test", NULL, 0, 0),
                     JX_OK);
    assert_true(lines.nruns >= 1);
    const jx_face *face = lines.runs[0].face;
    jx_text_lines_free(&lines);

    capture c;
    jx_device *dev = open_trace(&c, &d);
    assert_int_equal(dev->begin_page(dev, 595.28, 841.89), JX_OK);
    assert_int_equal(dev->draw_text(dev, face, 10.5, 56.69, 100, "项目名称", strlen("项目名称")),
                     JX_OK);
    /* len bytes only, not up to the NUL */
    assert_int_equal(dev->draw_text(dev, face, 9, 1, 2.346, "合计金额", 6), JX_OK);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    char *out = finish(&c);
    char expect[512];
    snprintf(expect, sizeof expect,
             "page 595.28x841.89\n"
             "text \"%s\" 10.50 x=56.69 y=100.00 \"项目名称\"\n"
             "text \"%s\" 9.00 x=1.00 y=2.35 \"合计\"\n"
             "endpage\n"
             "close\n",
             jx_face_family(face), jx_face_family(face));
    assert_string_equal(out, expect);
    assert_non_null(strstr(out, "UMing"));
    free(out);
    jx_fonts_free(fonts);
    assert_int_equal(d.errors, 0);
    jx_diags_free(&d);
}

static void test_call_order(void **state)
{
    (void)state;
    jx_diags d;
    jx_diags_init(&d);
    capture c;
    jx_device *dev = open_trace(&c, &d);
    assert_int_equal(dev->draw_rule(dev, 0, 0, 1, 1, 1), JX_ERR_INTERNAL);
    assert_int_equal(dev->end_page(dev), JX_ERR_INTERNAL);
    assert_int_equal(dev->add_bookmark(dev, "x", 0, 0), JX_ERR_INTERNAL);
    assert_int_equal(dev->begin_page(dev, 100, 100), JX_OK);
    assert_int_equal(dev->begin_page(dev, 100, 100), JX_ERR_INTERNAL);
    assert_int_equal(dev->close(dev), JX_ERR_INTERNAL);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_ERR_INTERNAL);
    dev->destroy(dev);
    char *out = finish(&c);
    assert_string_equal(out, "page 100.00x100.00\nendpage\nclose\n");
    free(out);
    assert_int_equal(d.errors, 6);
    /* each message says which call came out of order */
    assert_string_equal(d.items[0].message, "trace device: draw_rule() outside a page");
    assert_string_equal(d.items[3].message,
                        "trace device: begin_page() inside a page or after close()");
    jx_diags_free(&d);
}

/* A call-order error is a message of the catalog: Chinese for the clerk. */
static void test_call_order_in_chinese(void **state)
{
    (void)state;
    jx_i18n_init(JX_LANG_ZH, JX_TEST_LOCALEDIR);
    jx_diags d;
    jx_diags_init(&d);
    capture c;
    jx_device *dev = open_trace(&c, &d);
    assert_int_equal(dev->draw_rule(dev, 0, 0, 1, 1, 1), JX_ERR_INTERNAL);
    assert_int_equal(dev->begin_page(dev, 100, 100), JX_OK);
    assert_int_equal(dev->close(dev), JX_ERR_INTERNAL);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    free(finish(&c));
    jx_i18n_init(JX_LANG_EN, NULL);
    assert_int_equal(d.errors, 2);
    assert_string_equal(d.items[0].message, "跟踪设备: 在页面之外调用了 draw_rule()");
    assert_string_equal(d.items[1].message, "跟踪设备: close() 被调用了两次或在页面之内调用");
    jx_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_rules_bookmarks),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_call_order),
        cmocka_unit_test(test_call_order_in_chinese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
