/* test_xlsx.c - the workbook back-end (jx_xlsx.c).
 *
 * Builds documents by hand, writes them with jx_xlsx_write() and reads the
 * result back with tests/unit/xlsx_probe.py (python3-openpyxl), which prints
 * one `key=value` fact per line.  Needs a CJK TrueType font for the text
 * engine (AR PL UMing / WenQuanYi Zen Hei, or fonts/ of the source tree);
 * the tests are skipped without one, or without python3-openpyxl. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jx_xlsx.h"
#include "jx_test.h"

/* Content width of the landscape A4 page used by section 0. */
#define PAGE_W 841.89
#define PAGE_H 595.28
#define MARGIN_LR 54.0
#define EPOCH 1718409600LL /* 2024-06-15T00:00:00Z */

static const char *const k_song[] = {
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
};
static const char *const k_hei[] = {
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
};

static const char k_long[] =
    "围绕年度重点工作任务，统筹安排专项资金，严格执行预算管理制度，确保资金使用规范、安全、"
    "有效；加强项目全过程绩效管理，按期完成各项建设内容，项目验收合格率达到100%，服务对象"
    "满意度不低于90%，进一步提升公共服务能力和水平，推动事业高质量发展。同时建立健全绩效"
    "监控机制，定期开展绩效运行分析，及时发现并纠正执行偏差，保障绩效目标如期实现。";

typedef struct fixture {
    jx_fonts *fonts;
    char dir[64];
    const char *python;  /* an interpreter with openpyxl, or NULL */
} fixture;

/* ---- helpers ----------------------------------------------------------- */

static int load_role(jx_fonts *f, const char *role, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        jx_diags d;
        jx_diags_init(&d);
        jx_status st = access(paths[i], R_OK) == 0 ? jx_fonts_add(f, role, paths[i], 0, &d)
                                                   : JX_ERR_IO;
        jx_diags_free(&d);
        if (st == JX_OK)
            return 1;
    }
    return 0;
}

/* The first of $JX_PYTHON, python3, /usr/bin/python3 that has openpyxl
 * (a pyenv or venv python3 on PATH may lack it), or NULL. */
static const char *find_python(void)
{
    const char *env = getenv("JX_PYTHON");
    const char *cands[] = {env && *env ? env : "python3", "python3", "/usr/bin/python3"};
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "'%s' -c 'import openpyxl' >/dev/null 2>&1", cands[i]);
        if (system(cmd) == 0)
            return cands[i];
    }
    return NULL;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/jx_xlsx_XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    fx->python = find_python();
    fx->fonts = jx_fonts_create();
    if (fx->fonts && !(load_role(fx->fonts, "song", k_song, 2) &&
                       load_role(fx->fonts, "hei", k_hei, 2))) {
        jx_fonts_free(fx->fonts);
        fx->fonts = NULL;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    DIR *dir = opendir(fx->dir);
    if (dir) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(dir)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
                unlink(p);
            }
        closedir(dir);
    }
    rmdir(fx->dir);
    jx_fonts_free(fx->fonts);
    free(fx);
    return 0;
}

/* Skips the test (before it allocates anything) without a font set or,
 * when `probe` is set, without python3-openpyxl. */
static fixture *need(void **state, int probe)
{
    fixture *fx = *state;
    if (!fx->fonts) {
        print_message("no CJK TrueType font found; skipping\n");
        skip();
    }
    if (probe && !fx->python) {
        print_message("python3-openpyxl not available; skipping\n");
        skip();
    }
    return fx;
}

static jx_style style(const char *role, double size, jx_halign h)
{
    jx_style s = {0};
    s.font_role = role;
    s.size_pt = size;
    s.bold = strcmp(role, "hei") == 0;
    s.halign = h;
    s.valign = JX_VALIGN_MIDDLE;
    s.leading = 1.0;
    return s;
}

static jx_section *add_section(jx_doc *doc, const char *name, int landscape)
{
    jx_section *s = jx_doc_add_section(doc);
    assert_non_null(s);
    s->sheet_name = jx_doc_strdup(doc, name);
    s->page.landscape = landscape;
    s->page.width_pt = landscape ? PAGE_W : PAGE_H;
    s->page.height_pt = landscape ? PAGE_H : PAGE_W;
    s->page.margin_left_pt = s->page.margin_right_pt = MARGIN_LR;
    s->page.margin_top_pt = s->page.margin_bottom_pt = 72;
    return s;
}

static void add_title(jx_doc *doc, jx_section *sec, const char *text)
{
    jx_block *b = jx_section_add_block(doc, sec, JX_BLOCK_PARAGRAPH);
    assert_non_null(b);
    b->para.text = jx_doc_strdup(doc, text);
    b->style = style("hei", 18, JX_ALIGN_CENTER);
    b->space_after_pt = 6;
}

static jx_table *add_table(jx_doc *doc, jx_section *sec, int ncols, const double *w, int nrows)
{
    jx_block *b = jx_section_add_block(doc, sec, JX_BLOCK_TABLE);
    assert_non_null(b);
    jx_table *t = b->table;
    t->ncols = ncols;
    t->col_widths = jx_doc_alloc(doc, (size_t)ncols * sizeof *t->col_widths);
    t->nrows = nrows;
    t->rows = jx_doc_alloc(doc, (size_t)nrows * sizeof *t->rows);
    assert_non_null(t->col_widths);
    assert_non_null(t->rows);
    memcpy(t->col_widths, w, (size_t)ncols * sizeof *w);
    t->border_pt = 0.5;
    t->padding_pt = 2;
    return t;
}

/* A cell with one paragraph per '|'-separated part of text (NULL: none). */
static jx_cell *add_cell(jx_doc *doc, jx_table *t, int r, int c, int rs, int cs, jx_cell_kind kind,
                         const char *text)
{
    jx_cell *cell = jx_table_add_cell(doc, t);
    assert_non_null(cell);
    cell->row = r, cell->col = c, cell->rowspan = rs, cell->colspan = cs;
    cell->kind = kind;
    cell->style = kind == JX_CELL_LABEL ? style("hei", 12, JX_ALIGN_CENTER)
                                        : style("song", 12, JX_ALIGN_LEFT);
    if (text)
        assert_int_equal(jx_test_set_paras(doc, cell, text), 0);
    cell->source.file = "filing.yaml";
    cell->source.line = r + 1;
    cell->source.col = c + 1;
    return cell;
}

static void add_number(jx_doc *doc, jx_table *t, int r, int c, int rs, int cs, const char *value,
                       const char *shown, const char *fmt, const char *formula)
{
    jx_cell *cell = add_cell(doc, t, r, c, rs, cs, JX_CELL_NUMBER, shown);
    cell->style.halign = JX_ALIGN_RIGHT;
    assert_int_equal(jx_decimal_parse(value, JX_DEC_ALLOW_SEPARATORS, &cell->number), JX_OK);
    cell->number_format = jx_doc_strdup(doc, fmt);
    cell->formula = formula ? jx_doc_strdup(doc, formula) : NULL;
}

/* Gives a value cell its filing path, label and unit. */
static jx_cell *sourced(jx_cell *c, const char *path, const char *label, const char *unit)
{
    c->source.path = path;
    c->source.label = label;
    c->source.unit = unit;
    return c;
}

/* The last cell added to t. */
static jx_cell *last_cell(jx_table *t)
{
    return &t->cells[t->ncells - 1];
}

/* Two sections: "资金" with amounts, a derived total, a blank amount, a
 * percentage and text; "汇总" with a total over a cell of "资金" and the
 * year again.  formula0 is the derived total's formula. */
static jx_doc *build_formula_doc(const char *formula0)
{
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    doc->info.title = "绩效目标表";
    doc->info.author = "某某单位";
    doc->info.date_epoch = EPOCH;
    static const double w[] = {2, 2, 2, 2};
    jx_section *sec = add_section(doc, "资金", 0);
    jx_table *t = add_table(doc, sec, 4, w, 4);
    add_cell(doc, t, 0, 0, 1, 1, JX_CELL_LABEL, "资金总额");
    add_number(doc, t, 0, 1, 1, 1, "600.5", "600.50", "#,##0.00", formula0);
    sourced(last_cell(t), "fund.total", "资金总额", "万元");
    add_cell(doc, t, 0, 2, 1, 1, JX_CELL_LABEL, "说明");
    sourced(add_cell(doc, t, 0, 3, 1, 1, JX_CELL_TEXT, "=100%"), "note", "说明", NULL);
    add_cell(doc, t, 1, 0, 1, 1, JX_CELL_LABEL, "财政拨款");
    add_number(doc, t, 1, 1, 1, 1, "100.50", "100.50", "0.00", NULL);
    sourced(last_cell(t), "fund.gov", "财政拨款", "万元");
    add_cell(doc, t, 1, 2, 1, 1, JX_CELL_LABEL, "其他资金");
    add_number(doc, t, 1, 3, 1, 1, "500", "500", "General", NULL);
    sourced(last_cell(t), "fund.other", "其他资金", "万元");
    add_cell(doc, t, 2, 0, 1, 1, JX_CELL_LABEL, "政府性基金");
    sourced(add_cell(doc, t, 2, 1, 1, 1, JX_CELL_EMPTY, NULL), "fund.fund", "政府性基金", "万元");
    add_cell(doc, t, 2, 2, 1, 1, JX_CELL_LABEL, "完成率");
    add_number(doc, t, 2, 3, 1, 1, "0.95", "95%", "0%", NULL);
    sourced(last_cell(t), "rate", "完成率", NULL);
    add_cell(doc, t, 3, 0, 1, 1, JX_CELL_LABEL, "年度");
    sourced(add_cell(doc, t, 3, 1, 1, 3, JX_CELL_TEXT, "2024年"), "year", "年度", NULL);

    static const double w2[] = {1, 1};
    sec = add_section(doc, "汇总", 0);
    t = add_table(doc, sec, 2, w2, 2);
    add_cell(doc, t, 0, 0, 1, 1, JX_CELL_LABEL, "合计两倍");
    add_number(doc, t, 0, 1, 1, 1, "1201", "1201.00", "0.00",
               "{fund.total}*2+LEN(\"{x}\")-3");
    sourced(last_cell(t), "double", "合计两倍", "万元");
    add_cell(doc, t, 1, 0, 1, 1, JX_CELL_LABEL, "年度");
    sourced(add_cell(doc, t, 1, 1, 1, 1, JX_CELL_TEXT, "2024年"), "year", "年度", NULL);
    return doc;
}

/* The long, illegal name of section 0 (and, again, of section 2). */
static const char k_name0[] = "2024年度项目支出绩效目标表[草稿]:第一部分/附件*说明?超长名称补充内容";
static const char k_astral[] = "𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𠀈𠀉𠀊𠀋𠀌𠀍𠀎𠀏𠀐𠀑𠀒𠀓";

/* Section 0: a title, a 5-column table (header rows 0-1), a page break and
 * a 7-column table with different widths. */
static void build_section0(jx_doc *doc)
{
    jx_section *sec = add_section(doc, k_name0, 1);
    sec->page.page_number_format = jx_doc_strdup(doc, "第 {page} 页 共 {pages} 页");
    add_title(doc, sec, "项目支出绩效目标申报表");

    static const double wa[] = {2, 3, 2, 3, 2};
    jx_table *a = add_table(doc, sec, 5, wa, 6);
    a->rows[0].header = a->rows[1].header = 1;
    add_cell(doc, a, 0, 0, 1, 1, JX_CELL_LABEL, "项目名称");
    add_cell(doc, a, 0, 1, 1, 4, JX_CELL_TEXT, "某某专项资金");
    add_cell(doc, a, 1, 0, 2, 1, JX_CELL_LABEL, "年度金额");
    add_cell(doc, a, 1, 1, 1, 1, JX_CELL_LABEL, "资金总额");
    add_number(doc, a, 1, 2, 1, 1, "1234567.89", "1,234,567.89", "#,##0.00", NULL);
    add_cell(doc, a, 1, 3, 1, 1, JX_CELL_LABEL, "其中：财政拨款");
    add_number(doc, a, 1, 4, 1, 1, "100.50", "100.50", "0.00", NULL);
    add_cell(doc, a, 2, 1, 1, 1, JX_CELL_LABEL, "其他资金");
    add_number(doc, a, 2, 2, 1, 1, "500", "500万元", "0\"万元\"", NULL);
    add_cell(doc, a, 2, 3, 1, 1, JX_CELL_LABEL, "合计");
    add_number(doc, a, 2, 4, 1, 1, "600.5", "600.50", "#,##0.00", "SUM(100.5,500)");
    add_cell(doc, a, 3, 0, 1, 1, JX_CELL_LABEL, "年度目标");
    add_cell(doc, a, 3, 1, 1, 4, JX_CELL_TEXT, k_long);
    add_cell(doc, a, 4, 0, 1, 1, JX_CELL_LABEL, "备注");
    add_cell(doc, a, 4, 1, 1, 2, JX_CELL_TEXT, "=100%");
    add_cell(doc, a, 4, 3, 1, 1, JX_CELL_TEXT, "≥90%");
    add_cell(doc, a, 4, 4, 1, 1, JX_CELL_TEXT, "2024年");
    add_cell(doc, a, 5, 0, 1, 5, JX_CELL_EMPTY, NULL);

    assert_non_null(jx_section_add_block(doc, sec, JX_BLOCK_PAGE_BREAK));

    static const double wb[] = {1, 1, 1.5, 2, 1, 1, 2.5};
    jx_table *b = add_table(doc, sec, 7, wb, 4);
    b->rows[0].header = 1;
    static const char *const heads[] = {"一级指标", "二级指标", "三级指标", "指标内容",
                                        "指标值", "度量单位", "备注"};
    for (int c = 0; c < 7; c++)
        add_cell(doc, b, 0, c, 1, 1, JX_CELL_LABEL, heads[c]);
    add_cell(doc, b, 1, 0, 3, 1, JX_CELL_LABEL, "产出指标（数量、质量、时效、成本）");
    add_cell(doc, b, 1, 1, 2, 1, JX_CELL_LABEL, "数量指标");
    for (int r = 1; r <= 3; r++) {
        if (r == 3)
            add_cell(doc, b, 3, 1, 1, 1, JX_CELL_LABEL, "质量指标");
        add_cell(doc, b, r, 2, 1, 1, JX_CELL_TEXT, "完成率");
        add_cell(doc, b, r, 3, 1, 1, JX_CELL_TEXT, "按计划完成建设任务|第二段");
        add_cell(doc, b, r, 4, 1, 1, JX_CELL_TEXT, "≥90%");
        add_cell(doc, b, r, 5, 1, 1, JX_CELL_TEXT, "%");
        add_cell(doc, b, r, 6, 1, 1, JX_CELL_TEXT, r == 3 ? k_long : "");
    }
}

/* Sections 1..5 exercise sheet names; section 1 has two tables whose inner
 * boundaries are 0.2 pt apart (one sheet boundary). */
static void build_small_sections(jx_doc *doc)
{
    jx_section *sec = add_section(doc, "", 0);
    static const double w1[] = {1, 1}, w2[] = {1.0006, 0.9994};
    jx_table *t = add_table(doc, sec, 2, w1, 1);
    add_cell(doc, t, 0, 0, 1, 1, JX_CELL_LABEL, "甲");
    add_cell(doc, t, 0, 1, 1, 1, JX_CELL_TEXT, "乙");
    t = add_table(doc, sec, 2, w2, 1);
    add_cell(doc, t, 0, 0, 1, 1, JX_CELL_LABEL, "丙");
    add_cell(doc, t, 0, 1, 1, 1, JX_CELL_TEXT, "丁");

    static const char *const names[] = {k_name0, "'history'", "SHEET1", k_astral};
    for (size_t i = 0; i < 4; i++) {
        sec = add_section(doc, names[i], 0);
        add_title(doc, sec, "附表");
    }
}

static jx_doc *build_doc(void)
{
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    doc->info.title = jx_doc_strdup(doc, "2024年项目支出绩效目标表");
    doc->info.author = jx_doc_strdup(doc, "某某单位");
    doc->info.subject = jx_doc_strdup(doc, "预算绩效目标");
    doc->info.keywords = jx_doc_strdup(doc, "绩效目标, 预算");
    doc->info.creator = jx_doc_strdup(doc, "jxgen test");
    doc->info.date_epoch = EPOCH;
    build_section0(doc);
    build_small_sections(doc);
    return doc;
}

static char *path_in(const fixture *fx, const char *name)
{
    size_t n = strlen(fx->dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", fx->dir, name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            unsigned char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                buf = NULL;
            }
            buf = p;
        }
    }
    fclose(f);
    *n = len;
    return buf;
}

static int count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

/* Runs the probe on xlsx and returns its output (malloc'd), each fact
 * after a '\n'. */
static char *probe(const fixture *fx, const char *xlsx)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' '%s/tests/unit/xlsx_probe.py' '%s'", fx->python,
             jx_test_source_dir(), xlsx);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0, k;
    char *out = malloc(cap);
    assert_non_null(out);
    out[len++] = '\n'; /* every fact then starts after a '\n' */
    while ((k = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += k;
        if (len + 1 == cap) {
            out = realloc(out, cap *= 2);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    assert_int_equal(pclose(p), 0);
    return out;
}

/* The value of `key` in probe output (static buffer), or NULL. */
static const char *fact(const char *out, const char *fmt, ...)
{
    static char val[8192];
    char key[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    size_t kl = strlen(key);
    for (const char *p = out; (p = strchr(p, '\n')); p++) {
        if (strncmp(p + 1, key, kl) == 0 && p[1 + kl] == '=') {
            const char *v = p + 2 + kl, *e = strchr(v, '\n');
            size_t n = e ? (size_t)(e - v) : strlen(v);
            if (n >= sizeof val)
                n = sizeof val - 1;
            memcpy(val, v, n);
            val[n] = '\0';
            return val;
        }
    }
    return NULL;
}

static void expect(const char *out, const char *want, const char *key)
{
    const char *got = fact(out, "%s", key);
    if (!got)
        fail_msg("%s: missing", key);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", key, got, want);
}

static double fact_num(const char *out, const char *key)
{
    const char *v = fact(out, "%s", key);
    if (!v)
        fail_msg("%s: missing", key);
    return strtod(v, NULL);
}

static int has_diag(const jx_diags *d, jx_severity sev, const char *rule)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == sev && d->items[i].rule && strcmp(d->items[i].rule, rule) == 0)
            return 1;
    return 0;
}

/* Lines that `text` ('|' separates paragraphs) needs at width w in a role
 * at 12 pt, as our engine breaks it. */
static size_t engine_lines(jx_fonts *f, const char *role, const char *text, double w)
{
    size_t total = 0;
    for (const char *p = text;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        jx_text_lines tl;
        memset(&tl, 0, sizeof tl);
        jx_diags d;
        jx_diags_init(&d);
        assert_int_equal(jx_text_break(f, role, 12, p, len, w, &tl, &d, "t", NULL, 0, 0), JX_OK);
        total += tl.nlines ? tl.nlines : 1;
        jx_text_lines_free(&tl);
        jx_diags_free(&d);
        if (!bar)
            return total;
        p = bar + 1;
    }
}

static double cols_width(const char *out, int sheet, char from, char to)
{
    double px = 0;
    for (char c = from; c <= to; c++) {
        char key[32];
        snprintf(key, sizeof key, "s%d.colpx.%c", sheet, c);
        px += fact_num(out, key);
    }
    return px * 0.75;
}

/* ---- tests ------------------------------------------------------------- */

static void test_structure(void **state)
{
    fixture *fx = need(state, 1);
    jx_doc *doc = build_doc();
    char *path = path_in(fx, "doc.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    jx_status st = jx_xlsx_write(doc, fx->fonts, path, &d);
    if (st != JX_OK)
        jx_diags_print(&d, stderr);
    assert_int_equal(st, JX_OK);
    assert_int_equal(d.errors, 0);
    char *out = probe(fx, path);

    /* Sheet names: sanitised, unique regardless of case, <= 31 UTF-16 units. */
    expect(out, "7", "sheets"); /* the six sections and 数据 */
    expect(out, "数据", "s6.name");
    expect(out, "2024年度项目支出绩效目标表_草稿__第一部分_附件_说明_", "s0.name");
    expect(out, "Sheet1", "s1.name");
    expect(out, "2024年度项目支出绩效目标表_草稿__第一部分_附件 (2)", "s2.name");
    expect(out, "history (2)", "s3.name");
    expect(out, "SHEET1 (2)", "s4.name");
    expect(out, "𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𠀈𠀉𠀊𠀋𠀌𠀍𠀎", "s5.name");

    /* Columns: the union of both tables' boundaries, 11 sheet columns
     * spanning the content width. */
    double w = cols_width(out, 0, 'A', 'K');
    assert_null(fact(out, "s0.colpx.L"));
    assert_true(fabs(w - (PAGE_W - 2 * MARGIN_LR)) <= 0.75);
    /* Section 1: boundaries 0.2 pt apart merge into one. */
    assert_non_null(fact(out, "s1.colpx.B"));
    assert_null(fact(out, "s1.colpx.C"));
    /* A sheet without tables: eight equal columns (LibreOffice does not
     * shrink one column wider than the page), the title merged over them. */
    assert_non_null(fact(out, "s2.colpx.H"));
    assert_null(fact(out, "s2.colpx.I"));
    expect(out, "A1:H1", "s2.merged");

    expect(out,
           "A1:K1,A2:B2,A3:B4,A5:B5,A6:B6,A7:K7,A9:A11,B11:C11,B8:C8,B9:C10,C2:K2,C3:E3,C4:E4,"
           "C5:K5,C6:G6,E10:F10,E11:F11,E8:F8,E9:F9,F3:G3,F4:G4,G10:H10,G11:H11,G8:H8,G9:H9,"
           "H3:J3,H4:J4,H6:J6,J10:K10,J11:K11,J8:K8,J9:K9",
           "s0.merged");

    /* Values. */
    expect(out, "s|项目支出绩效目标申报表", "s0.cell.A1");
    expect(out, "n|1234567.89", "s0.cell.F3");
    expect(out, "#,##0.00", "s0.fmt.F3");
    expect(out, "n|100.5", "s0.cell.K3");
    expect(out, "0.00", "s0.fmt.K3");
    expect(out, "n|500", "s0.cell.F4");
    expect(out, "0\"万元\"", "s0.fmt.F4");
    expect(out, "f|=SUM(100.5,500)", "s0.cell.K4");
    expect(out, "600.5", "s0.cached.K4");
    expect(out, "#,##0.00", "s0.fmt.K4");
    expect(out, "s|=100%", "s0.cell.C6");
    expect(out, "s|≥90%", "s0.cell.H6");
    expect(out, "s|2024年", "s0.cell.K6");
    expect(out, "s|按计划完成建设任务\\n第二段", "s0.cell.E9");
    assert_null(fact(out, "s0.cell.A7")); /* EMPTY: blank ... */
    expect(out, "thin,thin,thin,thin", "s0.border.A7"); /* ... but bordered */

    /* Formats: borders on every cell of a merged range, none on the title;
     * fonts by role; few distinct formats. */
    for (char c = 'C'; c <= 'K'; c++) {
        char key[32];
        snprintf(key, sizeof key, "s0.border.%c5", c);
        expect(out, "thin,thin,thin,thin", key);
    }
    expect(out, "thin,thin,thin,thin", "s0.border.A10");
    expect(out, "none,none,none,none", "s0.border.A1");
    expect(out, "none,none,none,none", "s0.border.K1");
    expect(out, "黑体|18|1", "s0.font.A1");
    expect(out, "黑体|12|1", "s0.font.A2");
    expect(out, "宋体|12|0", "s0.font.C5");
    assert_true(fact_num(out, "xfs") <= 12);

    /* Print set-up. */
    expect(out, "9", "s0.paper");
    expect(out, "1", "s0.fitw");
    expect(out, "0", "s0.fith");
    expect(out, "1", "s0.fit");
    expect(out, "landscape", "s0.orient");
    expect(out, "portrait", "s1.orient");
    expect(out, "1", "s0.hcenter");
    /* No print titles (one range a sheet): a page that continues a table
     * starts with copies of its header rows (tests/e2e/test_workbook_print.py). */
    expect(out, "", "s0.titles");
    expect(out, "7", "s0.breaks");
    expect(out, "第 &P 页 共 &N 页", "s0.footer");
    expect(out, "", "s1.footer");
    expect(out, "0.7500,0.7500,1.0000,1.0000", "s0.margins");
    expect(out, "$A$1:$K$11", "s0.area");

    /* Protection: no password; labels and derived totals locked, values
     * not; numbers validated. */
    expect(out, "1", "s0.protected");
    expect(out, "", "s0.password");
    expect(out, "formatColumns,formatRows", "s0.allow");
    expect(out, "1", "s0.locked.A1");  /* title */
    expect(out, "1", "s0.locked.A2");  /* label */
    expect(out, "0", "s0.locked.C2");  /* text */
    expect(out, "0", "s0.locked.F3");  /* number */
    expect(out, "1", "s0.locked.K4");  /* formula */
    expect(out, "0", "s0.locked.A7");  /* empty value */
    expect(out, "decimal|greaterThanOrEqual|0||金额|请输入不小于 0 的数。", "s0.dv.F3:G3");
    expect(out, "decimal|greaterThanOrEqual|0||金额|请输入不小于 0 的数。", "s0.dv.K3");
    assert_null(fact(out, "s0.dv.K4")); /* a formula is not typed in */
    assert_null(fact(out, "s0.dv.C6:E6")); /* "=100%" is text */

    /* Document properties. */
    expect(out, "2024年项目支出绩效目标表", "prop.title");
    expect(out, "某某单位", "prop.creator");
    expect(out, "预算绩效目标", "prop.subject");
    expect(out, "绩效目标, 预算", "prop.keywords");
    expect(out, "2024-06-15T00:00:00Z", "prop.created");
    expect(out, "某某单位", "prop.company");

    free(out);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

static void test_row_heights(void **state)
{
    fixture *fx = need(state, 1);
    jx_doc *doc = build_doc();
    char *path = path_in(fx, "heights.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, path, &d), JX_OK);
    char *out = probe(fx, path);

    /* The long text merged over C5:K5: at least as many lines as our engine
     * breaks it into at the full cell width, each at least a line high. */
    double cell_w = cols_width(out, 0, 'C', 'K');
    double lh = jx_fonts_line_height(fx->fonts, "song", 12);
    if (lh < 12 * 1.2)
        lh = 12 * 1.2;
    size_t lines = engine_lines(fx->fonts, "song", k_long, cell_w);
    assert_true(lines >= 3);
    double h5 = fact_num(out, "s0.row.5");
    print_message("C5:K5 %.1f pt wide: %zu lines, row 5 is %.2f pt\n", cell_w, lines, h5);
    assert_true(h5 >= (double)lines * lh);
    assert_true(h5 <= 409);

    /* A9:A11 spans three rows of a narrow column: the rows together hold it. */
    double wa = cols_width(out, 0, 'A', 'A');
    size_t la = engine_lines(fx->fonts, "hei", "产出指标（数量、质量、时效、成本）", wa - 4);
    double sum = fact_num(out, "s0.row.9") + fact_num(out, "s0.row.10") +
                 fact_num(out, "s0.row.11");
    assert_true(la >= 3);
    assert_true(sum >= (double)la * 12 * 1.2);

    /* Every row is at least one line high; heights are whole pixels. */
    for (int r = 1; r <= 11; r++) {
        char key[32];
        snprintf(key, sizeof key, "s0.row.%d", r);
        double h = fact_num(out, key);
        assert_true(h >= 12 * 1.2);
        assert_true(fabs(h / 0.75 - round(h / 0.75)) < 1e-6);
    }
    free(out);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

/* A cell needing more than Excel's 409 pt a row: merged over as many rows
 * as its text needs, none taller than 409 pt, without a warning; taller
 * than a printed page, it goes on in a new cell on each next page (a page
 * break above it), split between lines: the cells of the column, read in
 * order, give the text back. */
static void test_too_tall(void **state)
{
    fixture *fx = need(state, 1);
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    doc->info.date_epoch = EPOCH;
    jx_section *sec = add_section(doc, "长", 0);
    static const double w[] = {1, 5};
    jx_table *t = add_table(doc, sec, 2, w, 1);
    size_t n = strlen(k_long);
    char *huge = malloc(n * 12 + 1);
    assert_non_null(huge);
    for (int i = 0; i < 12; i++)
        memcpy(huge + (size_t)i * n, k_long, n);
    huge[n * 12] = '\0';
    add_cell(doc, t, 0, 0, 1, 1, JX_CELL_LABEL, "说明");
    add_cell(doc, t, 0, 1, 1, 1, JX_CELL_TEXT, huge);

    char *path = path_in(fx, "tall.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, path, &d), JX_OK);
    assert_false(has_diag(&d, JX_SEV_WARNING, "xlsx-row-height"));
    char *out = probe(fx, path);
    const char *merged = fact(out, "%s", "s0.merged");
    assert_non_null(merged);
    assert_non_null(strstr(merged, "B1:B"));
    assert_non_null(fact(out, "%s", "s0.breaks"));
    double sum = 0;
    char *text = calloc(n * 12 + 1, 1);
    assert_non_null(text);
    int pieces = 0;
    for (int r = 1; fact(out, "s0.row.%d", r); r++) {
        char key[32];
        snprintf(key, sizeof key, "s0.row.%d", r);
        double h = fact_num(out, key);
        assert_true(h <= 409);
        sum += h;
        const char *v = fact(out, "s0.cell.B%d", r);
        if (v && strncmp(v, "s|", 2) == 0) {
            assert_true(strlen(text) + strlen(v + 2) <= n * 12);
            strcat(text, v + 2);
            pieces++;
        }
    }
    /* 12 copies of k_long, each several lines at this width. */
    assert_true(sum > 3 * 409 * 0.75);
    assert_true(pieces >= 2);
    assert_string_equal(text, huge);
    free(text);
    free(huge);
    free(out);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

/* Many cells, few formats. */
static void test_format_reuse(void **state)
{
    fixture *fx = need(state, 1);
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    jx_section *sec = add_section(doc, "大表", 1);
    static const double w[] = {1, 1, 1, 1, 1, 1, 1, 1};
    jx_table *t = add_table(doc, sec, 8, w, 300);
    for (int r = 0; r < 300; r++)
        for (int c = 0; c < 8; c++) {
            if (c == 7)
                add_number(doc, t, r, c, 1, 1, "12.5", "12.50", "0.00", NULL);
            else
                add_cell(doc, t, r, c, 1, 1, c == 0 ? JX_CELL_LABEL : JX_CELL_TEXT, "值");
        }
    char *path = path_in(fx, "big.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, path, &d), JX_OK);
    char *out = probe(fx, path);
    /* default + label + text + number, and the 数据 sheet's heading and body */
    assert_true(fact_num(out, "xfs") <= 6);
    free(out);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

static void test_deterministic(void **state)
{
    fixture *fx = need(state, 0);
    jx_doc *doc = build_doc();
    char *a = path_in(fx, "a.xlsx"), *b = path_in(fx, "b.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, a, &d), JX_OK);
    sleep(1); /* a clock in the output would now differ */
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, b, &d), JX_OK);
    size_t na, nb;
    unsigned char *ba = slurp(a, &na), *bb = slurp(b, &nb);
    assert_non_null(ba);
    assert_non_null(bb);
    assert_true(na > 1000);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    /* Overwriting an existing file gives the same bytes too. */
    free(bb);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, b, &d), JX_OK);
    bb = slurp(b, &nb);
    assert_non_null(bb);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    free(ba);
    free(bb);
    free(a);
    free(b);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

static void test_missing_directory(void **state)
{
    fixture *fx = need(state, 0);
    jx_doc *doc = build_doc();
    char *path = path_in(fx, "no/such/dir/out.xlsx");
    int before = count_entries(fx->dir);
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, path, &d), JX_ERR_IO);
    assert_true(d.errors >= 1);
    assert_non_null(strstr(d.items[0].message, "no/such/dir"));
    assert_int_equal(count_entries(fx->dir), before);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

/* A failure after the temporary file exists leaves the old file alone and
 * no temporary behind. */
static void test_failure_keeps_old_file(void **state)
{
    fixture *fx = need(state, 0);
    jx_doc *doc = build_doc();
    char *path = path_in(fx, "keep.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, path, &d), JX_OK);
    size_t n0, n1;
    unsigned char *old = slurp(path, &n0);
    assert_non_null(old);
    int before = count_entries(fx->dir);

    jx_doc *bad = jx_doc_create();
    assert_non_null(bad);
    jx_section *sec = add_section(bad, "坏", 0);
    static const double w[] = {1, 1};
    jx_table *t = add_table(bad, sec, 2, w, 1);
    add_cell(bad, t, 0, 0, 1, 2, JX_CELL_TEXT, "重叠");
    add_cell(bad, t, 0, 1, 1, 1, JX_CELL_TEXT, "重叠");
    jx_diags_free(&d);
    jx_diags_init(&d);
    assert_int_not_equal(jx_xlsx_write(bad, fx->fonts, path, &d), JX_OK);
    assert_true(d.errors >= 1);
    unsigned char *now = slurp(path, &n1);
    assert_non_null(now);
    assert_int_equal(n0, n1);
    assert_memory_equal(old, now, n0);
    assert_int_equal(count_entries(fx->dir), before);
    free(old);
    free(now);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(bad);
    jx_doc_free(doc);
}

/* Without a font set the heights are estimated; the workbook is still
 * written. */
static void test_no_fonts(void **state)
{
    fixture *fx = *state;
    jx_doc *doc = build_doc();
    char *path = path_in(fx, "nofonts.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, NULL, path, &d), JX_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 1000);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

/* Derived totals are formulas over the cells they sum, on the same sheet
 * or another, with their values cached; the 数据 sheet lists every field;
 * number fields with a unique, valid label get names. */
static void test_formulas_data_names(void **state)
{
    fixture *fx = need(state, 1);
    jx_doc *doc = build_formula_doc("SUM({fund.gov},{fund.other})");
    char *path = path_in(fx, "formulas.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    jx_status st = jx_xlsx_write(doc, fx->fonts, path, &d);
    if (st != JX_OK)
        jx_diags_print(&d, stderr);
    assert_int_equal(st, JX_OK);
    char *out = probe(fx, path);

    expect(out, "3", "sheets");
    expect(out, "f|=SUM(B2,D2)", "s0.cell.B1");
    expect(out, "600.5", "s0.cached.B1");
    expect(out, "#,##0.00", "s0.fmt.B1");
    expect(out, "f|='资金'!B1*2+LEN(\"{x}\")-3", "s1.cell.B1");
    expect(out, "1201", "s1.cached.B1");
    expect(out, "n|500", "s0.cell.D2");
    expect(out, "General", "s0.fmt.D2");
    expect(out, "s|=100%", "s0.cell.D1");
    expect(out, "n|0.95", "s0.cell.D3");
    expect(out, "0%", "s0.fmt.D3");

    /* Locks and validation. */
    expect(out, "1", "s0.locked.B1");
    expect(out, "0", "s0.locked.B2");
    expect(out, "0", "s0.locked.B3");
    expect(out, "1", "s0.locked.C2");
    assert_null(fact(out, "s0.dv.B1"));
    expect(out, "decimal|greaterThanOrEqual|0||金额|请输入不小于 0 的数（单位：万元）。", "s0.dv.B2");
    expect(out, "decimal|greaterThanOrEqual|0||金额|请输入不小于 0 的数（单位：万元）。", "s0.dv.B3");
    /* "between" is the default operator: not written. */
    expect(out, "decimal||0|1|百分比|请输入 0% 到 100% 之间的百分数。", "s0.dv.D3");
    assert_null(fact(out, "s0.dv.D1"));

    /* The 数据 sheet, in the order of the form; the year once, at its
     * first cell. */
    expect(out, "数据", "s2.name");
    static const char *const head[] = {"路径", "名称", "单位", "值", "类型", "工作表", "单元格"};
    for (int c = 0; c < 7; c++) {
        char key[32];
        snprintf(key, sizeof key, "s2.cell.%c1", 'A' + c);
        char want[64];
        snprintf(want, sizeof want, "s|%s", head[c]);
        expect(out, want, key);
    }
    static const char *const rows[][7] = {
        {"fund.total", "资金总额", "万元", "n|600.5", "公式", "资金", "B1"},
        {"note", "说明", NULL, "s|=100%", "文本", "资金", "D1"},
        {"fund.gov", "财政拨款", "万元", "n|100.5", "数值", "资金", "B2"},
        {"fund.other", "其他资金", "万元", "n|500", "数值", "资金", "D2"},
        {"fund.fund", "政府性基金", "万元", NULL, "空白", "资金", "B3"},
        {"rate", "完成率", NULL, "n|0.95", "数值", "资金", "D3"},
        {"year", "年度", NULL, "s|2024年", "文本", "资金", "B4"},
        {"double", "合计两倍", "万元", "n|1201", "公式", "汇总", "B1"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (int c = 0; c < 7; c++) {
            char key[32], want[128];
            snprintf(key, sizeof key, "s2.cell.%c%zu", 'A' + c, r + 2);
            if (!rows[r][c]) {
                assert_null(fact(out, "%s", key));
                continue;
            }
            snprintf(want, sizeof want, "%s%s", c == 3 ? "" : "s|", rows[r][c]);
            expect(out, want, key);
        }
    }
    assert_null(fact(out, "s2.cell.A10"));
    expect(out, "#,##0.00", "s2.fmt.D2");
    expect(out, "0%", "s2.fmt.D7");
    expect(out, "1", "s2.protected");
    expect(out, "formatColumns,formatRows,autoFilter", "s2.allow");
    expect(out, "1", "s2.locked.C2");
    expect(out, "$A$1:$G$9", "s2.area");
    expect(out, "$1:$1", "s2.titles");

    /* Names: number fields only (not 说明, 年度), each once. */
    expect(out, "'资金'!$B$1", "name.资金总额");
    expect(out, "'资金'!$B$2", "name.财政拨款");
    expect(out, "'资金'!$D$2", "name.其他资金");
    expect(out, "'资金'!$B$3", "name.政府性基金");
    expect(out, "'资金'!$D$3", "name.完成率");
    expect(out, "'汇总'!$B$1", "name.合计两倍");
    assert_null(fact(out, "name.说明"));
    assert_null(fact(out, "name.年度"));

    free(out);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

/* A placeholder no cell shows is an error naming it; nothing is written. */
static void test_formula_errors(void **state)
{
    fixture *fx = need(state, 0);
    static const struct {
        const char *formula, *message;
    } cases[] = {
        {"SUM({fund.gov},{fund.nope})", "refers to {fund.nope}"},
        {"SUM({fund.gov)", "has a '{' without its '}'"},
        {"SUM(fund.gov})", "has a '}' without its '{'"},
        {"SUM({})", "refers to {}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        jx_doc *doc = build_formula_doc(cases[i].formula);
        char *path = path_in(fx, "bad-formula.xlsx");
        int before = count_entries(fx->dir);
        jx_diags d;
        jx_diags_init(&d);
        assert_int_equal(jx_xlsx_write(doc, fx->fonts, path, &d), JX_ERR_XLSX);
        assert_true(d.errors >= 1);
        int found = 0;
        for (size_t k = 0; k < d.count; k++)
            if (strstr(d.items[k].message, cases[i].message) &&
                strstr(d.items[k].message, "fund.total"))
                found = 1;
        if (!found)
            fail_msg("no message with '%s' for %s", cases[i].message, cases[i].formula);
        assert_int_equal(count_entries(fx->dir), before);
        free(path);
        jx_diags_free(&d);
        jx_doc_free(doc);
    }
}

/* One form per sheet: a label on every sheet gets a name per sheet; a
 * label twice on one sheet, or not a valid name, gets none. */
static void test_sheet_names(void **state)
{
    fixture *fx = need(state, 1);
    jx_doc *doc = jx_doc_create();
    assert_non_null(doc);
    doc->info.date_epoch = EPOCH;
    static const double w[] = {1, 1};
    static const char *const sheets[] = {"甲项目", "乙项目"};
    static const char *const totals[] = {"projects.0.total", "projects.1.total"};
    for (int i = 0; i < 2; i++) {
        jx_section *sec = add_section(doc, sheets[i], 0);
        jx_table *t = add_table(doc, sec, 2, w, 3);
        add_cell(doc, t, 0, 0, 1, 1, JX_CELL_LABEL, "资金总额");
        add_number(doc, t, 0, 1, 1, 1, "10", "10", "0", NULL);
        sourced(last_cell(t), totals[i], "资金总额", "万元");
        add_cell(doc, t, 1, 0, 1, 1, JX_CELL_LABEL, "其他");
        add_number(doc, t, 1, 1, 1, 1, "1", "1", "0", NULL);
        sourced(last_cell(t), i ? "projects.1.a" : "projects.0.a", "其他", NULL);
        add_cell(doc, t, 2, 0, 1, 1, JX_CELL_LABEL, "其他");
        add_number(doc, t, 2, 1, 1, 1, "2", "2", "0", NULL);
        sourced(last_cell(t), i ? "projects.1.b" : "projects.0.b", "其他", NULL);
    }
    jx_section *sec = add_section(doc, "汇总", 0);
    jx_table *t = add_table(doc, sec, 2, w, 4);
    static const char *const labels[] = {"合计", "半年（程）计划执行数", "A1", "Total_2024.v"};
    static const char *const paths[] = {"summary.total", "summary.half", "summary.a1",
                                        "summary.t"};
    for (int r = 0; r < 4; r++) {
        add_cell(doc, t, r, 0, 1, 1, JX_CELL_LABEL, labels[r]);
        add_number(doc, t, r, 1, 1, 1, "3", "3", "0", NULL);
        sourced(last_cell(t), paths[r], labels[r], NULL);
    }
    char *path = path_in(fx, "names.xlsx");
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_xlsx_write(doc, fx->fonts, path, &d), JX_OK);
    char *out = probe(fx, path);
    expect(out, "'甲项目'!$B$1", "name.甲项目!资金总额");
    expect(out, "'乙项目'!$B$1", "name.乙项目!资金总额");
    assert_null(fact(out, "name.资金总额"));
    assert_null(fact(out, "name.甲项目!其他"));
    assert_null(fact(out, "name.其他"));
    expect(out, "'汇总'!$B$1", "name.合计");
    expect(out, "'汇总'!$B$4", "name.Total_2024.v");
    assert_null(fact(out, "name.A1"));
    assert_null(fact(out, "name.半年（程）计划执行数"));
    free(out);
    free(path);
    jx_diags_free(&d);
    jx_doc_free(doc);
}

/* A filing text longer than an Excel cell holds (JX_XLSX_CELL_MAX UTF-16
 * code units, the line breaks between its paragraphs included) is an error
 * naming the field's file, line, column and path, once though two cells
 * show it, and nothing is written; one character less is written whole. */
static void test_cell_limit(void **state)
{
    fixture *fx = *state;
    for (int over = 0; over <= 1; over++) {
        size_t a = JX_XLSX_CELL_MAX / 2 + (size_t)over, b = JX_XLSX_CELL_MAX / 2;
        char *text = malloc(a + b + 2); /* a + 1 line break + b characters */
        assert_non_null(text);
        memset(text, 'a', a);
        text[a] = '|';
        memset(text + a + 1, 'b', b);
        text[a + b + 1] = '\0';
        jx_doc *doc = jx_doc_create();
        assert_non_null(doc);
        jx_section *sec = add_section(doc, "目标", 0);
        static const double w[] = {1, 1};
        jx_table *t = add_table(doc, sec, 2, w, 1);
        for (int c = 0; c < 2; c++) {
            jx_cell *cell = sourced(add_cell(doc, t, 0, c, 1, 1, JX_CELL_TEXT, text),
                                    "goals.annual", "年度目标", NULL);
            cell->source.line = 7, cell->source.col = 11;
        }
        free(text);
        char *path = path_in(fx, "limit.xlsx");
        jx_diags d;
        jx_diags_init(&d);
        jx_status st = jx_xlsx_check(doc, &d);
        assert_int_equal(st, over ? JX_ERR_FILING : JX_OK);
        assert_int_equal(d.errors, (size_t)over);
        if (over) {
            assert_string_equal(d.items[0].file, "filing.yaml");
            assert_int_equal(d.items[0].line, 7);
            assert_int_equal(d.items[0].col, 11);
            assert_non_null(strstr(d.items[0].message, "年度目标 (goals.annual)"));
            assert_non_null(strstr(d.items[0].message, " 32768 "));
        }
        jx_diags_free(&d);
        jx_diags_init(&d);
        assert_int_equal(jx_xlsx_write(doc, NULL, path, &d), st);
        assert_int_equal(access(path, F_OK), over ? -1 : 0);
        assert_int_equal(count_entries(fx->dir), over ? 0 : 1);
        unlink(path);
        free(path);
        jx_diags_free(&d);
        jx_doc_free(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_structure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_heights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_tall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_keeps_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_fonts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_formulas_data_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_formula_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sheet_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cell_limit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
