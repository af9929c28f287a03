/* Regression tests for what fuzzing found (tests/fuzz/README.md).
 *
 * Every input the fuzz targets turned up is kept in tests/data/fuzz-crashers/
 * <target>/ and fed here to the same functions the target calls, in the
 * normal build and under ASan/UBSan: each must give a status and messages,
 * never a crash, a hang or a leak.  The bugs also have a test of their own
 * stating the expected result exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jx_compose.h"
#include "jx_trace.h"
#include "jx_fontcfg.h"
#include "jx_include.h"
#include "jx_layout.h"
#include "jx_node.h"
#include "jx_paginate.h"
#include "jx_schema.h"
#include "jx_text.h"
#include "jx_util.h"
#include "jx_test.h"


/* ------------------------------------------------------------ helpers */

typedef struct file_list {
    char **paths;
    size_t n;
} file_list;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files of dir/ whose names end in `suffix` ("" for all), sorted. */
static file_list list_files(const char *dir, const char *suffix)
{
    file_list fl = {NULL, 0};
    DIR *dp = opendir(dir);
    if (!dp)
        return fl;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        if (e->d_name[0] == '.' || len < sl || strcmp(e->d_name + len - sl, suffix) != 0)
            continue;
        char **p = realloc(fl.paths, (fl.n + 1) * sizeof *p);
        assert_non_null(p);
        fl.paths = p;
        size_t need = strlen(dir) + len + 2;
        fl.paths[fl.n] = malloc(need);
        assert_non_null(fl.paths[fl.n]);
        snprintf(fl.paths[fl.n], need, "%s/%s", dir, e->d_name);
        fl.n++;
    }
    closedir(dp);
    if (fl.n)
        qsort(fl.paths, fl.n, sizeof *fl.paths, by_name);
    return fl;
}

/* Adds a copy of path to fl. */
static void list_add(file_list *fl, const char *path)
{
    char **p = realloc(fl->paths, (fl->n + 1) * sizeof *p);
    assert_non_null(p);
    fl->paths = p;
    fl->paths[fl->n] = strdup(path);
    assert_non_null(fl->paths[fl->n]);
    fl->n++;
}

static void list_free(file_list *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free(fl->paths[i]);
    free(fl->paths);
    fl->paths = NULL;
    fl->n = 0;
}

static file_list crashers(const char *target)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/data/fuzz-crashers/%s", jx_test_source_dir(), target);
    return list_files(dir, "");
}

/* The real layouts (layouts/ and the demo), loaded once per test. */
typedef struct layouts {
    jx_layout **items;
    size_t n;
} layouts;

static layouts load_layouts(void)
{
    layouts ls = {NULL, 0};
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/layouts", jx_test_source_dir());
    file_list fl = list_files(dir, ".yaml");
    char demo[4096];
    snprintf(demo, sizeof demo, "%s/tests/data/demo/demo.yaml", jx_test_source_dir());
    for (size_t i = 0; i <= fl.n; i++) {
        const char *path = i < fl.n ? fl.paths[i] : demo;
        jx_diags d;
        jx_diags_init(&d);
        jx_layout *l = NULL;
        if (jx_layout_load(path, &l, &d) != JX_OK) {
            jx_diags_print(&d, stderr);
            fail_msg("layout %s does not load", path);
        }
        jx_diags_free(&d);
        jx_layout **p = realloc(ls.items, (ls.n + 1) * sizeof *p);
        assert_non_null(p);
        ls.items = p;
        ls.items[ls.n++] = l;
    }
    list_free(&fl);
    assert_true(ls.n >= 2);
    return ls;
}

static void layouts_free(layouts *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        jx_layout_free(ls->items[i]);
    free(ls->items);
}

/* Composes filing with layout: a document, or an error with a message. */
static void compose_must_not_crash(const jx_layout *l, const jx_node *filing, const char *name)
{
    jx_diags d;
    jx_diags_init(&d);
    jx_compose_options o = {"jxgen test", 0};
    jx_doc *doc = NULL;
    jx_status st = jx_compose(l, filing, name, &o, &doc, &d);
    if (st == JX_OK) {
        assert_non_null(doc);
        for (size_t s = 0; s < doc->nsections; s++)
            for (size_t b = 0; b < doc->sections[s].nblocks; b++) {
                const jx_block *blk = &doc->sections[s].blocks[b];
                char msg[256];
                if (blk->kind == JX_BLOCK_TABLE &&
                    jx_table_check(blk->table, msg, sizeof msg) != JX_OK)
                    fail_msg("%s with %s: %s", name, l->path, msg);
            }
    } else {
        assert_null(doc);
        assert_int_not_equal(st, JX_ERR_INTERNAL);
        if (d.errors == 0)
            fail_msg("%s with %s: %s without a message", name, l->path, jx_status_str(st));
    }
    jx_doc_free(doc);
    jx_diags_free(&d);
}

/* ------------------------------------------------ the kept fuzz inputs */

/* Every filing crasher: read as jxgen reads filings (jx_include_load:
 * include: and $ref resolved), checked and composed against every layout
 * as fuzz_filing does. */
static void filing_crashers_give_errors_not_crashes(void **state)
{
    (void)state;
    layouts ls = load_layouts();
    file_list fl = crashers("filing");
    for (size_t i = 0; i < fl.n; i++) {
        jx_diags d;
        jx_diags_init(&d);
        jx_node *root = NULL;
        jx_includes *inc = NULL;
        jx_status st = jx_include_load(fl.paths[i], &root, &inc, &d);
        if (st != JX_OK) {
            assert_null(root);
            assert_int_not_equal(st, JX_ERR_INTERNAL);
            assert_true(d.errors >= 1);
        } else {
            for (size_t k = 0; k < ls.n; k++)
                compose_must_not_crash(ls.items[k], root, fl.paths[i]);
        }
        jx_node_free(root);
        jx_includes_free(inc);
        jx_diags_free(&d);
    }
    list_free(&fl);
    layouts_free(&ls);
}

/* Every layout crasher: loaded from its file, and when it loads, composed
 * with the sample filings and the demo filing as fuzz_layout does. */
static void layout_crashers_give_errors_not_crashes(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/input", jx_test_source_dir());
    file_list inputs = list_files(dir, ".yaml");
    snprintf(dir, sizeof dir, "%s/tests/data/demo/filing.yaml", jx_test_source_dir());
    list_add(&inputs, dir);
    file_list fl = crashers("layout");
    for (size_t i = 0; i < fl.n; i++) {
        jx_diags d;
        jx_diags_init(&d);
        jx_layout *l = NULL;
        jx_status st = jx_layout_load(fl.paths[i], &l, &d);
        if (st != JX_OK) {
            assert_null(l);
            assert_int_not_equal(st, JX_ERR_INTERNAL);
            assert_true(d.errors >= 1);
        } else {
            for (size_t k = 0; k < inputs.n; k++) {
                jx_diags fd;
                jx_diags_init(&fd);
                jx_node *filing = NULL;
                assert_int_equal(jx_node_parse_file(inputs.paths[k], &filing, &fd), JX_OK);
                compose_must_not_crash(l, filing, inputs.paths[k]);
                jx_node_free(filing);
                jx_diags_free(&fd);
            }
        }
        jx_layout_free(l);
        jx_diags_free(&d);
    }
    list_free(&fl);
    list_free(&inputs);
}

static jx_fonts *load_fonts(void)
{
    jx_fonts *f = jx_test_fonts(1);
    if (!f)
        fail_msg("install fonts-arphic-uming and fonts-wqy-zenhei");
    return f;
}

/* Every line-breaker crasher: tiers, opportunities and breaking at the
 * fuzzer's widths give a status, and lines that fit. */
static void linebreak_crashers_give_errors_not_crashes(void **state)
{
    (void)state;
    jx_fonts *fonts = load_fonts();
    file_list fl = crashers("linebreak");
    static const double widths[] = {0.0, 9.0, 31.5, 100.0, 420.0, INFINITY};
    for (size_t i = 0; i < fl.n; i++) {
        size_t len;
        char *buf = jx_test_read_file(fl.paths[i], &len);
        assert_non_null(buf);
        unsigned char *tier = malloc(len ? len : 1);
        char *brk = malloc(len ? len : 1);
        assert_non_null(tier);
        assert_non_null(brk);
        jx_status ts = jx_text_break_tiers(buf, len, tier);
        assert_true(ts == JX_OK || ts == JX_ERR_SYNTAX);
        assert_int_equal(jx_text_break_opportunities(buf, len, brk), ts);
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            jx_diags d;
            jx_diags_init(&d);
            jx_text_lines out;
            jx_status st = jx_text_break(fonts, "song", 10.5, buf, len, widths[w], &out, &d,
                                         "crasher", fl.paths[i], 1, 1);
            if (st == JX_OK) {
                for (size_t k = 0; k < out.nlines; k++) {
                    assert_true(out.lines[k].start <= out.lines[k].end);
                    assert_true(out.lines[k].end <= len);
                    if (out.lines[k].width > widths[w] + 1e-7)
                        assert_true(out.overflow);
                }
                jx_text_lines_free(&out);
            } else {
                assert_true(st == JX_ERR_GLYPH || st == JX_ERR_SYNTAX);
                assert_true(d.errors >= 1);
            }
            jx_diags_free(&d);
        }
        free(tier);
        free(brk);
        free(buf);
    }
    list_free(&fl);
    jx_fonts_free(fonts);
}

/* ------------------------------------------------- each bug, exactly */

/* jx_linebreak.c: jx_text_break_tiers passed text holding U+FFFF to
 * libunibreak 1.1, which takes U+FFFF for its end-of-text mark and aborted
 * on an assertion (set_linebreaks: posLast == posCur - 1). */
static void u_ffff_does_not_abort_the_line_breaker(void **state)
{
    (void)state;
    const char text[] = "a\xEF\xBF\xBF" "b 甲\xEF\xBF\xBF";
    size_t len = sizeof text - 1;
    unsigned char tier[sizeof text];
    assert_int_equal(jx_text_break_tiers(text, len, tier), JX_OK);
    assert_int_equal(tier[1], JX_TIER_INSIDE_CHAR);
    assert_int_equal(tier[2], JX_TIER_INSIDE_CHAR);
    assert_int_equal(tier[len - 1], JX_TIER_MUST);
    assert_int_equal(tier[5], JX_TIER_ALLOW); /* after the space */
    char brk[sizeof text];
    assert_int_equal(jx_text_break_opportunities(text, len, brk), JX_OK);
    assert_int_equal(brk[len - 1], JX_BREAK_MUST);
    /* No font draws the noncharacter: a glyph error naming it. */
    jx_fonts *fonts = load_fonts();
    jx_diags d;
    jx_diags_init(&d);
    jx_text_lines out;
    assert_int_equal(jx_text_break(fonts, "song", 10.5, text, len, 100.0, &out, &d, "f", "x", 1,
                                   1),
                     JX_ERR_GLYPH);
    assert_true(d.errors >= 1);
    assert_non_null(strstr(d.items[0].message, "U+FFFF"));
    assert_true(jx_text_width(fonts, "song", 10.5, text, len) == -1.0);
    jx_diags_free(&d);
    jx_fonts_free(fonts);
}

/* jx_node.c: the duplicate-key check searched the map linearly for every
 * key, so a map of 150000 keys (1.5 MB) took minutes; and the arrays of a
 * map or list grew by one entry per value, quadratic where realloc copies
 * (19 minutes under ASan).  Both are linear now; duplicates are still
 * found, at their own line. */
static void a_map_of_many_keys_reads_in_linear_time(void **state)
{
    (void)state;
    enum { KEYS = 190000 };
    jx_buf b = {0};
    for (int i = 0; i < KEYS; i++)
        jx_buf_printf(&b, "key%d: %d\n", i, i);
    assert_false(b.oom);
    jx_diags d;
    jx_diags_init(&d);
    jx_node *root = NULL;
    clock_t t0 = clock();
    assert_int_equal(jx_node_parse_buffer("many.yaml", b.data, b.len, &root, &d), JX_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    /* Well under a second normally, a few under ASan; minutes before. */
    if (secs > 20.0)
        fail_msg("reading %d keys took %.1f s", KEYS, secs);
    assert_int_equal(root->kind, JX_NODE_MAP);
    assert_int_equal(root->count, KEYS);
    assert_string_equal(jx_node_text(jx_node_get(root, "key189999")), "189999");
    jx_node_free(root);
    jx_diags_free(&d);

    /* A duplicate far down is reported at its line. */
    jx_buf_puts(&b, "key123456: again\n");
    jx_diags_init(&d);
    assert_int_equal(jx_node_parse_buffer("many.yaml", b.data, b.len, &root, &d), JX_ERR_SYNTAX);
    assert_null(root);
    assert_int_equal(d.items[0].line, KEYS + 1);
    assert_non_null(strstr(d.items[0].message, "duplicate key 'key123456'"));
    jx_diags_free(&d);
    jx_buf_free(&b);

    /* A list as long. */
    jx_buf l = {0};
    for (int i = 0; i < KEYS; i++)
        jx_buf_printf(&l, "- %d\n", i);
    assert_false(l.oom);
    jx_diags_init(&d);
    t0 = clock();
    assert_int_equal(jx_node_parse_buffer("list.yaml", l.data, l.len, &root, &d), JX_OK);
    secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (secs > 20.0)
        fail_msg("reading a list of %d values took %.1f s", KEYS, secs);
    assert_int_equal(root->kind, JX_NODE_SEQ);
    assert_int_equal(root->count, KEYS);
    assert_string_equal(jx_node_text(root->entries[KEYS - 1].value), "189999");
    jx_node_free(root);
    jx_diags_free(&d);
    jx_buf_free(&l);
}

/* jx_linebreak.c: the same libunibreak assertion (lbcNew <= LBP_JT) on the
 * regional indicators that make up flags (class RI).  A flag's two
 * indicators stay together; a break is allowed between two flags. */
static void regional_indicators_do_not_abort_the_line_breaker(void **state)
{
    (void)state;
    /* a, 🇨🇳, 🇺🇸, b: indicators at bytes 1-4, 5-8, 9-12, 13-16. */
    const char text[] = "a\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8"
                        "b";
    size_t len = sizeof text - 1;
    unsigned char tier[sizeof text];
    assert_int_equal(jx_text_break_tiers(text, len, tier), JX_OK);
    assert_int_equal(tier[2], JX_TIER_INSIDE_CHAR);
    assert_true(tier[4] > JX_TIER_ALLOW);     /* inside 🇨🇳 */
    assert_int_equal(tier[8], JX_TIER_ALLOW); /* between 🇨🇳 and 🇺🇸 */
    assert_true(tier[12] > JX_TIER_ALLOW);    /* inside 🇺🇸 */
    assert_int_equal(tier[len - 1], JX_TIER_MUST);
    /* The kept input: NULs, a combining mark and one indicator. */
    char path[4096];
    snprintf(path, sizeof path,
             "%s/tests/data/fuzz-crashers/linebreak/regional-indicator-libunibreak-assert.bin",
             jx_test_source_dir());
    size_t n;
    char *buf = jx_test_read_file(path, &n);
    assert_non_null(buf);
    unsigned char *t = malloc(n);
    assert_non_null(t);
    assert_int_equal(jx_text_break_tiers(buf, n, t), JX_OK);
    free(t);
    free(buf);
}

/* jx_rules.c: the sum rule of a total in 万元 over parts in 元 formatted the
 * converted sum even when the conversion failed (a part written with six
 * decimals, ".000000"), reading an uninitialised decimal: index 96 out of
 * bounds in jx_decimal_format.  The filing now gets its two messages. */
static void a_sum_that_cannot_be_converted_is_reported(void **state)
{
    (void)state;
    char lpath[4096], fpath[4096];
    snprintf(lpath, sizeof lpath, "%s/layouts/changzhou.yaml", jx_test_source_dir());
    snprintf(fpath, sizeof fpath, "%s/tests/data/fuzz-crashers/filing/rules-sum-scale-overflow.yaml",
             jx_test_source_dir());
    jx_diags d;
    jx_diags_init(&d);
    jx_layout *l = NULL;
    jx_node *filing = NULL;
    assert_int_equal(jx_layout_load(lpath, &l, &d), JX_OK);
    assert_int_equal(jx_node_parse_file(fpath, &filing, &d), JX_OK);
    jx_compose_options o = {"jxgen test", 0};
    jx_doc *doc = NULL;
    assert_int_equal(jx_compose(l, filing, fpath, &o, &doc, &d), JX_ERR_FILING);
    assert_null(doc);
    int total = 0, half = 0;
    for (size_t i = 0; i < d.count; i++) {
        const jx_diag *g = &d.items[i];
        if (g->rule && strcmp(g->rule, "spending-total") == 0 && strstr(g->message, "500"))
            total = 1;
        if (g->rule && strcmp(g->rule, "spending-half") == 0 && g->line == 32)
            half = 1;
    }
    if (!total || !half) {
        jx_diags_print(&d, stderr);
        fail_msg("expected the spending-total warning and the spending-half error");
    }
    jx_node_free(filing);
    jx_layout_free(l);
    jx_diags_free(&d);
}

/* jx_layout.c: numbers of a layout were read with strtod, which takes
 * "nan" and "inf", and range checks such as `size < 4 || size > 72` let NaN
 * through; table border and padding were not checked at all.  NaN then
 * reached the page as coordinates, (int)NaN was undefined behaviour in the
 * span check, a NaN margin made the paginator add rules until memory ran
 * out; space_before, space_after and min_height were read with atof, so
 * "-inf12" put text at y = -inf.  Each is now a layout error at the value,
 * naming what is wrong. */
static void non_finite_layout_numbers_are_layout_errors(void **state)
{
    (void)state;
    static const struct {
        const char *file, *needle;
        int line;
    } cases[] = {
        {"colspan-nan.yaml", "colspan must be a whole number from 1 to 64", 0},
        {"margin-nan.yaml", "margin must be a number of millimetres", 3},
        {"leading-nan.yaml", "leading must be a number", 5},
        {"size-nan.yaml", "style size must be a number of points", 5},
        {"columns-nan.yaml", "a column width must be a positive number", 0},
        {"columns-overflow.yaml", "a column width must be a positive number", 0},
        {"padding-nan.yaml", "padding must be a number of points from 0 to 36", 0},
        {"padding-negative.yaml", "padding must be a number of points from 0 to 36", 0},
        {"border-nan.yaml", "border must be a number of points from 0 to 36", 0},
        {"space-after-inf.yaml", "space_after must be a number of points from 0 to 500", 0},
        {"space-after-inf-tangshan.yaml", "space_after must be a number of points from 0 to 500",
         0},
        {"min-height-nan.yaml", "min_height must be a number of points from 0 to 2000", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/data/fuzz-crashers/layout/%s", jx_test_source_dir(),
                 cases[i].file);
        jx_diags d;
        jx_diags_init(&d);
        jx_layout *l = NULL;
        jx_status st = jx_layout_load(path, &l, &d);
        if (st != JX_ERR_LAYOUT) {
            jx_diags_print(&d, stderr);
            fail_msg("%s: %s, expected a layout error", cases[i].file, jx_status_str(st));
        }
        assert_null(l);
        int found = 0;
        for (size_t k = 0; k < d.count; k++)
            if (strstr(d.items[k].message, cases[i].needle) &&
                (!cases[i].line || d.items[k].line == cases[i].line))
                found = 1;
        if (!found) {
            jx_diags_print(&d, stderr);
            fail_msg("%s: no error '%s'", cases[i].file, cases[i].needle);
        }
        jx_diags_free(&d);
    }
}

/* jx_paginate.c: a table row split across pages made no progress when not
 * one line of it fitted a fresh page: with a line taller than the page body
 * it started pages without end (out of memory), with header rows filling
 * the continuation page it failed with an internal error and no message
 * (also when the row had no line left, only padding).  All now lay out: a
 * line that cannot fit is placed anyway. */
static void rows_that_cannot_fit_a_page_still_lay_out(void **state)
{
    (void)state;
    static const struct {
        const char *layout, *filing;
    } cases[] = {
        {"tall-line.yaml", "tests/data/demo/filing.yaml"},
        {"header-fills-page.yaml", "tests/data/demo/filing.yaml"},
        {"header-fills-page-guanggu.yaml", "input/guanggu.yaml"},
        {"header-fills-page-empty-row.yaml", "tests/data/demo/filing.yaml"},
    };
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fonts", jx_test_source_dir());
    jx_diags fd;
    jx_diags_init(&fd);
    jx_fonts *fonts = NULL;
    assert_int_equal(jx_fontcfg_load(dir, &fonts, NULL, &fd), JX_OK);
    jx_diags_free(&fd);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char lpath[4096], fpath[4096];
        snprintf(lpath, sizeof lpath, "%s/tests/data/fuzz-crashers/layout/%s", jx_test_source_dir(),
                 cases[i].layout);
        snprintf(fpath, sizeof fpath, "%s/%s", jx_test_source_dir(), cases[i].filing);
        jx_diags d;
        jx_diags_init(&d);
        jx_layout *l = NULL;
        jx_node *filing = NULL;
        jx_doc *doc = NULL;
        if (jx_layout_load(lpath, &l, &d) != JX_OK ||
            jx_node_parse_file(fpath, &filing, &d) != JX_OK) {
            jx_diags_print(&d, stderr);
            fail_msg("%s does not load", cases[i].layout);
        }
        jx_compose_options o = {"jxgen test", 0};
        jx_status st = jx_compose(l, filing, fpath, &o, &doc, &d);
        if (st != JX_OK) {
            jx_diags_print(&d, stderr);
            fail_msg("%s does not compose with %s", cases[i].layout, cases[i].filing);
        }
        FILE *trace = tmpfile();
        assert_non_null(trace);
        jx_device *dev = jx_trace_device_create(trace, &d);
        assert_non_null(dev);
        st = jx_paginate(doc, fonts, dev, &d);
        if (st != JX_OK) {
            jx_diags_print(&d, stderr);
            fail_msg("%s: jx_paginate gave %s", cases[i].layout, jx_status_str(st));
        }
        dev->destroy(dev);
        /* A finished document of a few pages. */
        rewind(trace);
        char line[8192];
        int pages = 0, closed = 0;
        while (fgets(line, sizeof line, trace)) {
            pages += strncmp(line, "page ", 5) == 0;
            closed |= strncmp(line, "close", 5) == 0;
        }
        fclose(trace);
        assert_true(closed);
        if (pages < 1 || pages > 200)
            fail_msg("%s: %d pages", cases[i].layout, pages);
        jx_doc_free(doc);
        jx_node_free(filing);
        jx_layout_free(l);
        jx_diags_free(&d);
    }
    jx_fonts_free(fonts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(filing_crashers_give_errors_not_crashes),
        cmocka_unit_test(layout_crashers_give_errors_not_crashes),
        cmocka_unit_test(linebreak_crashers_give_errors_not_crashes),
        cmocka_unit_test(u_ffff_does_not_abort_the_line_breaker),
        cmocka_unit_test(regional_indicators_do_not_abort_the_line_breaker),
        cmocka_unit_test(a_sum_that_cannot_be_converted_is_reported),
        cmocka_unit_test(non_finite_layout_numbers_are_layout_errors),
        cmocka_unit_test(rows_that_cannot_fit_a_page_still_lay_out),
        cmocka_unit_test(a_map_of_many_keys_reads_in_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
