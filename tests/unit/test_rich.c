/* Rich text in filings becomes paragraphs and list lines, never tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "jx_rich.h"

static void split(const char *text, jx_paragraph **p, size_t *n, jx_doc **doc)
{
    *doc = jx_doc_create();
    assert_int_equal(jx_rich_split(*doc, text, p, n), JX_OK);
}

static void paragraphs_from_p_tags(void **state)
{
    (void)state;
    jx_doc *doc;
    jx_paragraph *p;
    size_t n;
    split("<p>一、聚焦特色产业</p> <p>一方面，锚定未来产业。</p>", &p, &n, &doc);
    assert_int_equal(n, 2);
    assert_string_equal(p[0].text, "一、聚焦特色产业");
    assert_string_equal(p[1].text, "一方面，锚定未来产业。");
    jx_doc_free(doc);
}

static void unterminated_ol_becomes_list_lines(void **state)
{
    (void)state;
    jx_doc *doc;
    jx_paragraph *p;
    size_t n;
    split("<p>其主要职责是：</p> <ol style=\"list-style-type: none\"> 1.负责甲。 2.负责乙2.5亿元。 "
          "3.负责丙。 ",
          &p, &n, &doc);
    assert_int_equal(n, 4);
    assert_string_equal(p[0].text, "其主要职责是：");
    assert_int_equal(p[1].kind, JX_PARA_LIST_ITEM);
    assert_string_equal(p[1].text, "1.负责甲。");
    assert_string_equal(p[2].text, "2.负责乙2.5亿元。");
    assert_string_equal(p[3].text, "3.负责丙。");
    jx_doc_free(doc);
    split("<ol style=\"list-style-type: none\"> (一) 贯彻执行； (二) 完成任务。 ", &p, &n, &doc);
    assert_int_equal(n, 2);
    assert_string_equal(p[0].text, "(一) 贯彻执行；");
    assert_string_equal(p[1].text, "(二) 完成任务。");
    jx_doc_free(doc);
}

static void plain_text_and_entities(void **state)
{
    (void)state;
    jx_doc *doc;
    jx_paragraph *p;
    size_t n;
    split("第一行\n第二行 a<b &amp; c", &p, &n, &doc);
    assert_int_equal(n, 2);
    assert_string_equal(p[1].text, "第二行 a<b &amp; c");
    jx_doc_free(doc);
    split("<p>A &amp; B &lt;5&gt;</p>", &p, &n, &doc);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].text, "A & B <5>");
    jx_doc_free(doc);
    split("", &p, &n, &doc);
    assert_int_equal(n, 0);
    jx_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paragraphs_from_p_tags),
        cmocka_unit_test(unterminated_ol_becomes_list_lines),
        cmocka_unit_test(plain_text_and_entities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
