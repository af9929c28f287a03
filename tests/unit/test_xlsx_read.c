/* The workbook reader (jx_xlsx_read) on workbooks written the ways other
 * programs write them, and the import of a 路径/值 table (jx_import). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "jx_import.h"
#include "jx_xlsx_read.h"

/* A workbook in memory from (name, text) pairs, zipped with libzip. */
static unsigned char *zip_parts(const char *const *parts, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[2 * i + 1], strlen(parts[2 * i + 1]), 0);
        assert_true(zip_file_add(z, parts[2 * i], s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(src, &st), 0);
    assert_int_equal(zip_source_open(src), 0);
    unsigned char *buf = malloc(st.size);
    assert_int_equal(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    *len = st.size;
    return buf;
}

#define MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define RELS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* What WPS and others write: a namespace prefix, cells without r=, inline
 * and rich shared strings with phonetic runs, booleans, errors, formulas
 * with and without cached values, absolute relationship targets. */
static void reads_what_other_programs_write(void **state)
{
    (void)state;
    const char *parts[] = {
        "xl/workbook.xml",
        "<x:workbook xmlns:x=\"" MAIN "\" xmlns:r=\"" RELS "\"><x:sheets>"
        "<x:sheet name=\"表\" sheetId=\"1\" r:id=\"rId7\"/>"
        "<x:sheet name=\"藏\" sheetId=\"2\" state=\"hidden\" r:id=\"rId8\"/></x:sheets></x:workbook>",
        "xl/_rels/workbook.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId7\" Type=\"ws\" Target=\"/xl/worksheets/a.xml\"/>"
        "<Relationship Id=\"rId8\" Type=\"ws\" Target=\"worksheets/b.xml\"/></Relationships>",
        "xl/sharedStrings.xml",
        "<x:sst xmlns:x=\"" MAIN "\"><x:si><x:t>甲</x:t></x:si>"
        "<x:si><x:r><x:t>乙</x:t></x:r><x:r><x:t xml:space=\"preserve\"> 丙</x:t></x:r>"
        "<x:rPh><x:t>yi</x:t></x:rPh></x:si></x:sst>",
        "xl/worksheets/a.xml",
        "<x:worksheet xmlns:x=\"" MAIN "\"><x:sheetData>"
        "<x:row r=\"2\"><x:c t=\"s\"><x:v>1</x:v></x:c><x:c><x:v>1.5E-3</x:v></x:c>"
        "<x:c t=\"inlineStr\"><x:is><x:t>丁</x:t></x:is></x:c><x:c t=\"b\"><x:v>1</x:v></x:c>"
        "<x:c t=\"e\"><x:v>#REF!</x:v></x:c><x:c s=\"3\"/></x:row>"
        "<x:row><x:c r=\"C3\"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r=\"D3\"><x:f>A1</x:f></x:c>"
        "<x:c r=\"E3\"><x:f>A2</x:f><x:v></x:v></x:c></x:row>"
        "</x:sheetData><x:mergeCells><x:mergeCell ref=\"A5:C6\"/></x:mergeCells></x:worksheet>",
        "xl/worksheets/b.xml",
        "<worksheet xmlns=\"" MAIN "\"><sheetData/></worksheet>",
    };
    size_t len;
    unsigned char *buf = zip_parts(parts, 5, &len);
    jx_diags d;
    jx_diags_init(&d);
    jx_xlsx_book *book = NULL;
    assert_int_equal(jx_xlsx_read("t.xlsx", buf, len, &book, &d), JX_OK);
    assert_int_equal(book->nsheets, 2);
    assert_int_equal(book->sheets[1].hidden, 1);
    const jx_xlsx_sheet *s = jx_xlsx_sheet_named(book, "表");
    assert_non_null(s);
    const jx_xlsx_cell *c = jx_xlsx_cell_at(s, 1, 0);
    assert_int_equal(c->type, JX_XLSX_TEXT);
    assert_string_equal(c->value, "乙 丙"); /* runs joined, phonetic left out */
    c = jx_xlsx_cell_at(s, 1, 1);
    assert_int_equal(c->type, JX_XLSX_NUMBER);
    assert_string_equal(c->value, "1.5E-3");
    assert_string_equal(jx_xlsx_cell_at(s, 1, 2)->value, "丁");
    assert_int_equal(jx_xlsx_cell_at(s, 1, 3)->type, JX_XLSX_BOOL);
    assert_int_equal(jx_xlsx_cell_at(s, 1, 4)->type, JX_XLSX_ERROR);
    assert_null(jx_xlsx_cell_at(s, 1, 5)); /* a styled empty cell is no cell */
    c = jx_xlsx_cell_at(s, 2, 2);
    assert_string_equal(c->formula, "1+1");
    assert_string_equal(c->value, "2");
    assert_int_equal(jx_xlsx_cell_at(s, 2, 3)->type, JX_XLSX_NONE); /* no cached value */
    assert_int_equal(jx_xlsx_cell_at(s, 2, 4)->type, JX_XLSX_NONE); /* empty <v/> */
    const jx_xlsx_range *m = jx_xlsx_merge_at(s, 4, 0);
    assert_non_null(m);
    assert_int_equal(m->r1, 5);
    assert_int_equal(m->c1, 2);
    jx_xlsx_book_free(book);
    jx_diags_free(&d);
    free(buf);
}

static void references(void **state)
{
    (void)state;
    uint32_t r, c;
    assert_int_equal(jx_xlsx_parse_ref("$AB$12)", &r, &c), 6);
    assert_int_equal(r, 11);
    assert_int_equal(c, 27);
    assert_int_equal(jx_xlsx_parse_ref("A0", &r, &c), 0);
    assert_int_equal(jx_xlsx_parse_ref("12", &r, &c), 0);
    assert_int_equal(jx_xlsx_parse_ref("XFE1", &r, &c), 0); /* beyond column XFD */
    char buf[16];
    jx_xlsx_cell_name(99, 701, buf);
    assert_string_equal(buf, "ZZ100");
}

/* A 路径/值 table: numbers read exactly (no binary rounding), text as
 * text, list entries in order, a gap in a list refused. */
static void reads_a_path_value_table(void **state)
{
    (void)state;
    static const char csv[] = "路径,值,备注\r\nregion,changzhou,\r\nfund.total,70823.39,x\r\n"
                              "spending.0.name,\"甲,\"\"乙\"\"\"\r\nspending.0.full,1E+2\r\n"
                              "project.name,500\r\n";
    jx_diags d;
    jx_diags_init(&d);
    jx_buf yaml = {0};
    assert_int_equal(jx_import_read("t.csv", csv, sizeof csv - 1, &yaml, NULL, &d), JX_OK);
    const char *y = jx_buf_str(&yaml);
    assert_non_null(strstr(y, "fund:\n  total: 70823.39\n"));
    assert_non_null(strstr(y, "- name: \"甲,\\\"乙\\\"\"\n"));
    assert_non_null(strstr(y, "full: \"1E+2\"\n")); /* not a plain decimal: kept as text */
    jx_buf_free(&yaml);
    static const char gap[] = "路径,值\nspending.1.name,甲\n";
    assert_int_equal(jx_import_read("g.csv", gap, sizeof gap - 1, &yaml, NULL, &d),
                     JX_ERR_FILING);
    assert_non_null(strstr(d.items[d.count - 1].message, "skips earlier entries"));
    jx_buf_free(&yaml);
    /* fuzz_xlsx: a path of thousands of steps overflowed the stack when the
     * tree was written (tests/data/fuzz-crashers/xlsx/deep-path.csv). */
    jx_buf deep = {0};
    jx_buf_puts(&deep, "路径,值\n");
    for (int i = 0; i < 5000; i++)
        jx_buf_puts(&deep, "a.");
    jx_buf_puts(&deep, "b,1\n");
    assert_int_equal(jx_import_read("d.csv", deep.data, deep.len, &yaml, NULL, &d), JX_ERR_LIMIT);
    assert_string_equal(d.items[d.count - 1].message, "the path has 5001 steps, more than 62: no field of a filing is that deep");
    jx_buf_free(&deep);
    jx_buf_free(&yaml);
    jx_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_what_other_programs_write),
        cmocka_unit_test(references),
        cmocka_unit_test(reads_a_path_value_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
