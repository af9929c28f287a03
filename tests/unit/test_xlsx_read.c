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

/* The texts a workbook continues over printed pages are joined back as its
 * record's 续 rows say: parts appended in order, a line break where the row
 * says so, a start cell the clerk emptied made anew, a row whose formula
 * lost its cell (#REF!) passed over; 40 parts make one text. */
static void joins_continued_texts(void **state)
{
    (void)state;
    static char sheet[16384], record[32768];
    size_t n = (size_t)snprintf(sheet, sizeof sheet,
                                "<worksheet xmlns=\"" MAIN "\"><sheetData>"
                                "<row r=\"2\"><c r=\"C2\" t=\"inlineStr\"><is><t>甲</t></is></c></row>"
                                "<row r=\"5\"><c r=\"C5\" t=\"inlineStr\"><is><t>乙</t></is></c>"
                                "<c r=\"E5\" t=\"inlineStr\"><is><t>丁</t></is></c>"
                                "<c r=\"G5\" t=\"inlineStr\"><is><t>己</t></is></c></row>"
                                "<row r=\"9\"><c r=\"C9\" t=\"inlineStr\"><is><t>丙</t></is></c>"
                                "<c r=\"E9\" t=\"inlineStr\"><is><t>戊</t></is></c></row>");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(sheet + n, sizeof sheet - n,
                              "<row r=\"%d\"><c r=\"H%d\" t=\"inlineStr\"><is><t>x%d</t></is></c>"
                              "</row>",
                              20 + i, 20 + i, i);
    snprintf(sheet + n, sizeof sheet - n, "</sheetData></worksheet>");
    static const char *const conts[][3] = {
        {"'表'!$C$2", "'表'!$C$5", "0"}, {"'表'!$C$2", "'表'!$C$9", "1"},
        {"'表'!$E$2", "'表'!$E$5", "1"}, {"'表'!$E$2", "'表'!$E$9", "0"},
        {"#REF!", "'表'!$G$5", "0"},
    };
    n = (size_t)snprintf(record, sizeof record, "<worksheet xmlns=\"" MAIN "\"><sheetData>");
    int r = 1;
    for (size_t i = 0; i < 5 + 39; i++, r++) {
        char from[32], to[32];
        const char *para = "0";
        if (i < 5) {
            snprintf(from, sizeof from, "%s", conts[i][0]);
            snprintf(to, sizeof to, "%s", conts[i][1]);
            para = conts[i][2];
        } else {
            snprintf(from, sizeof from, "'表'!$H$20");
            snprintf(to, sizeof to, "'表'!$H$%zu", 21 + (i - 5));
            para = i % 2 ? "1" : "0";
        }
        n += (size_t)snprintf(record + n, sizeof record - n,
                              "<row r=\"%d\"><c r=\"A%d\" t=\"inlineStr\"><is><t>续</t></is></c>"
                              "<c r=\"B%d\" t=\"inlineStr\"><is><t>表</t></is></c>"
                              "<c r=\"C%d\"><f>ROW(%s)</f><v>1</v></c>"
                              "<c r=\"D%d\"><f>ROW(%s)</f><v>1</v></c>"
                              "<c r=\"E%d\"><v>%s</v></c></row>",
                              r, r, r, r, from, r, to, r, para);
    }
    snprintf(record + n, sizeof record - n, "</sheetData></worksheet>");
    const char *parts[] = {
        "xl/workbook.xml",
        "<workbook xmlns=\"" MAIN "\" xmlns:r=\"" RELS "\"><sheets>"
        "<sheet name=\"表\" sheetId=\"1\" r:id=\"rId1\"/>"
        "<sheet name=\"jxgen\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>",
        "xl/_rels/workbook.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"ws\" Target=\"worksheets/a.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"ws\" Target=\"worksheets/b.xml\"/></Relationships>",
        "xl/worksheets/a.xml", sheet,
        "xl/worksheets/b.xml", record,
    };
    size_t len;
    unsigned char *buf = zip_parts(parts, 4, &len);
    jx_diags d;
    jx_diags_init(&d);
    jx_xlsx_book *book = NULL;
    assert_int_equal(jx_xlsx_read("t.xlsx", buf, len, &book, &d), JX_OK);
    assert_int_equal(jx_xlsx_join_continued(book, &book->sheets[1], &d), JX_OK);
    const jx_xlsx_sheet *s = &book->sheets[0];
    static const struct {
        const char *cell, *value;
    } want[] = {{"C2", "甲乙\n丙"}, {"C5", ""}, {"C9", ""}, {"E2", "丁戊"},
                {"E5", ""},        {"E9", ""}, {"G5", "己"}, {"H21", ""}, {"H59", ""}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint32_t row, col;
        assert_true(jx_xlsx_parse_ref(want[i].cell, &row, &col) > 0);
        const jx_xlsx_cell *c = jx_xlsx_cell_at(s, row, col);
        assert_non_null(c);
        assert_int_equal(c->type, JX_XLSX_TEXT);
        assert_string_equal(c->value, want[i].value);
    }
    jx_buf h = {0};
    jx_buf_puts(&h, "x0");
    for (int i = 1; i < 40; i++)
        jx_buf_printf(&h, "%sx%d", (i + 4) % 2 ? "\n" : "", i);
    assert_string_equal(jx_xlsx_cell_at(s, 19, 7)->value, jx_buf_str(&h));
    for (size_t i = 1; i < s->ncells; i++) /* still sorted by row, then column */
        assert_true(s->cells[i - 1].row < s->cells[i].row ||
                    (s->cells[i - 1].row == s->cells[i].row &&
                     s->cells[i - 1].col < s->cells[i].col));
    jx_buf_free(&h);
    jx_xlsx_book_free(book);
    jx_diags_free(&d);
    free(buf);
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
        cmocka_unit_test(joins_continued_texts),
        cmocka_unit_test(reads_a_path_value_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
