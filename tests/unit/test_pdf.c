/* test_pdf.c - the PDF device (jx_pdf.c).
 *
 * Draws pages by hand through the device API with AR PL UMing ("song") and
 * WenQuanYi Zen Hei ("hei"), then reads the file back with poppler-utils
 * (pdffonts, pdftotext, pdfinfo) and qpdf.  Skipped without the fonts or
 * without poppler-utils. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jx_pdf.h"
#include "jx_text.h"
#include "jx_util.h"
#include "jx_test.h"

#define A4_W 595.28
#define A4_H 841.89
#define EPOCH 1718409600LL /* 2024-06-15T00:00:00Z */

static const char k_title[] = "2024年部门预算公开表";
static const char k_body[] = "项目名称：一般公共预算拨款收入（2024年）合计，单位：万元。";
static const char k_head[] = "部门收入支出总表";
static const char k_page2[] = "二、支出预算明细表，≥90%，F座5层";

typedef struct fixture {
    jx_fonts *fonts;
    const jx_face *song, *hei;
    char dir[64];
} fixture;

/* ---- helpers ----------------------------------------------------------- */

static int have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* The face the text engine picks for `sample` in `role`. */
static const jx_face *face_of(jx_fonts *fonts, const char *role, const char *sample)
{
    jx_diags d;
    jx_diags_init(&d);
    jx_text_lines lines = {0};
    const jx_face *face = NULL;
    if (jx_text_break(fonts, role, 10.5, sample, strlen(sample), 1000, &lines, &d, "test", NULL,
                      0, 0) == JX_OK &&
        lines.nruns > 0)
        face = lines.runs[0].face;
    jx_text_lines_free(&lines);
    jx_diags_free(&d);
    return face;
}

/* Runs a shell command and returns everything it printed (stdout and
 * stderr), or NULL. */
static char *run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    jx_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        jx_buf_append(&b, chunk, n);
    pclose(p);
    if (!b.data)
        jx_buf_append(&b, "", 0);
    return b.data;
}

/* Number of directory entries other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* 1 when `out` has a line "key:   value" (any run of spaces). */
static int has_field(const char *out, const char *key, const char *value)
{
    size_t kl = strlen(key);
    for (const char *line = out; line && *line;) {
        const char *next = strchr(line, '\n');
        if (strncmp(line, key, kl) != 0 || line[kl] != ':') {
            line = next ? next + 1 : NULL;
            continue;
        }
        const char *v = line + kl + 1;
        while (*v == ' ')
            v++;
        size_t vl = strlen(value);
        if (strncmp(v, value, vl) == 0 && (v[vl] == '\n' || v[vl] == '\0'))
            return 1;
        line = next ? next + 1 : NULL;
    }
    return 0;
}

/* Empties the fixture's directory (a failed test may leave files). */
static void clean_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        chmod(p, 0755);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
}

static int has_message(const jx_diags *d, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, needle))
            return 1;
    return 0;
}

/* Draws the two-page sample document; returns the first failing status. */
static jx_status draw_sample(const fixture *fx, jx_device *dev)
{
    jx_doc_info info = {k_title, "某某市财政局", "部门预算", "预算, 公开", "jxgen test", EPOCH};
    jx_status st;
    if ((st = dev->begin_document(dev, &info)) || (st = dev->begin_page(dev, A4_W, A4_H)) ||
        (st = dev->add_bookmark(dev, "一、收入支出总表", 0, 56.69)) ||
        (st = dev->draw_text(dev, fx->hei, 16, 200, 70, k_head, strlen(k_head))) ||
        (st = dev->draw_rule(dev, 56.69, 90, 538.58, 90, 0.5)) ||
        (st = dev->draw_rule(dev, 56.69, 90, 56.69, 120, 0.5)) ||
        (st = dev->draw_rule(dev, 56.69, 120, 538.58, 120, 1.0)) ||
        (st = dev->draw_text(dev, fx->song, 10.5, 60, 110, k_body, strlen(k_body))) ||
        (st = dev->end_page(dev)) || (st = dev->begin_page(dev, A4_H, A4_W)) ||
        (st = dev->add_bookmark(dev, "（一）支出明细", 1, 40)) ||
        (st = dev->draw_text(dev, fx->song, 12, 56.69, 80, k_page2, strlen(k_page2))) ||
        (st = dev->end_page(dev)))
        return st;
    return JX_OK;
}

/* Writes the sample to dir/name; returns the close() status. */
static jx_status write_sample(const fixture *fx, const char *name, jx_diags *d)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, d);
    if (!dev)
        return JX_ERR_NOMEM;
    jx_status st = draw_sample(fx, dev);
    if (st == JX_OK)
        st = dev->close(dev);
    dev->destroy(dev);
    return st;
}

/* ---- fixture ----------------------------------------------------------- */

static int setup(void **state)
{
    if (access(JX_TEST_UMING, R_OK) != 0 || access(JX_TEST_ZENHEI, R_OK) != 0 || !have_tool("pdffonts") ||
        !have_tool("pdftotext") || !have_tool("pdfinfo")) {
        *state = NULL;
        return 0;
    }
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    jx_diags d;
    jx_diags_init(&d);
    fx->fonts = jx_fonts_create();
    assert_non_null(fx->fonts);
    assert_int_equal(jx_fonts_add(fx->fonts, "song", JX_TEST_UMING, 0, &d), JX_OK);
    assert_int_equal(jx_fonts_add(fx->fonts, "hei", JX_TEST_ZENHEI, 0, &d), JX_OK);
    jx_diags_free(&d);
    fx->song = face_of(fx->fonts, "song", "中");
    fx->hei = face_of(fx->fonts, "hei", "中");
    assert_non_null(fx->song);
    assert_non_null(fx->hei);
    assert_ptr_not_equal(fx->song, fx->hei);
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) >= 40)
        tmp = "/tmp";
    snprintf(fx->dir, sizeof fx->dir, "%s/jxpdfXXXXXX", tmp);
    assert_non_null(mkdtemp(fx->dir));
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!fx)
        return 0;
    clean_dir(fx->dir);
    rmdir(fx->dir);
    jx_fonts_free(fx->fonts);
    free(fx);
    return 0;
}

#define NEED_FIXTURE(fx)                                                   \
    do {                                                                   \
        if (!(fx)) {                                                       \
            print_message("no CJK fonts or poppler-utils: skipped\n");    \
            skip();                                                        \
        }                                                                  \
        clean_dir((fx)->dir);                                              \
    } while (0)

/* ---- tests --------------------------------------------------------------- */

static void test_writes_valid_pdf(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(write_sample(fx, "a.pdf", &d), JX_OK);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);

    char path[256];
    snprintf(path, sizeof path, "%s/a.pdf", fx->dir);
    size_t len = 0;
    char *data = jx_test_read_file(path, &len);
    assert_non_null(data);
    assert_true(len > 5 && memcmp(data, "%PDF-", 5) == 0);
    free(data);
    /* Only the output: no temporary files left behind. */
    assert_int_equal(count_entries(fx->dir), 1);

    /* Every font embedded, subset, with a ToUnicode map; and no complaint
     * from poppler (libharu's own ToUnicode CMap makes it warn). */
    char *out = run("pdffonts '%s' 2>&1", path);
    assert_non_null(out);
    assert_null(strstr(out, "Warning"));
    assert_null(strstr(out, "Error"));
    int fonts = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "CID TrueType"))
            continue;
        fonts++;
        /* BaseFont is ABCDEF+Name */
        assert_true(strlen(line) > 7 && line[6] == '+');
        for (int i = 0; i < 6; i++)
            assert_true(line[i] >= 'A' && line[i] <= 'Z');
        assert_non_null(strstr(line, "Identity-H       yes yes yes"));
    }
    free(out);
    assert_int_equal(fonts, 2);

    out = run("pdftotext -raw -enc UTF-8 '%s' - 2>&1", path);
    assert_non_null(out);
    assert_non_null(strstr(out, k_head));
    assert_non_null(strstr(out, k_body));
    assert_non_null(strstr(out, k_page2));
    assert_null(strstr(out, "Warning"));
    assert_null(strstr(out, "Error"));
    free(out);

    out = run("pdfinfo -enc UTF-8 '%s' 2>&1", path);
    assert_non_null(out);
    assert_true(has_field(out, "Title", k_title));
    assert_true(has_field(out, "Author", "某某市财政局"));
    assert_true(has_field(out, "Subject", "部门预算"));
    assert_true(has_field(out, "Keywords", "预算, 公开"));
    assert_true(has_field(out, "Creator", "jxgen test"));
    assert_true(has_field(out, "Pages", "2"));
    assert_true(has_field(out, "CreationDate", "Sat Jun 15 00:00:00 2024 UTC"));
    assert_true(has_field(out, "ModDate", "Sat Jun 15 00:00:00 2024 UTC"));
    assert_null(strstr(out, "Error"));
    free(out);

    if (have_tool("qpdf")) {
        out = run("qpdf --check '%s' 2>&1", path);
        assert_non_null(out);
        assert_non_null(strstr(out, "No syntax or stream encoding errors found"));
        free(out);
        out = run("qpdf --json --json-key=outlines '%s' 2>&1", path);
        assert_non_null(out);
        assert_non_null(strstr(out, "一、收入支出总表"));
        assert_non_null(strstr(out, "（一）支出明细"));
        free(out);
    }
}

static void test_byte_identical(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(write_sample(fx, "r1.pdf", &d), JX_OK);
    assert_int_equal(write_sample(fx, "r2.pdf", &d), JX_OK);
    jx_diags_free(&d);
    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s/r1.pdf", fx->dir);
    snprintf(p2, sizeof p2, "%s/r2.pdf", fx->dir);
    size_t n1 = 0, n2 = 0;
    char *a = jx_test_read_file(p1, &n1), *b = jx_test_read_file(p2, &n2);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    unlink(p1);
    unlink(p2);
}

static void test_missing_directory(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    char path[256];
    snprintf(path, sizeof path, "%s/no-such-dir/out.pdf", fx->dir);
    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    assert_int_equal(draw_sample(fx, dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_ERR_IO);
    dev->destroy(dev);
    assert_true(d.errors >= 1);
    assert_true(has_message(&d, "no-such-dir"));
    jx_diags_free(&d);
    assert_int_equal(count_entries(fx->dir), 0);
}

static void test_read_only_directory(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    if (geteuid() == 0) {
        print_message("running as root, directory permissions do not apply: skipped\n");
        skip();
    }
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/ro", fx->dir);
    assert_int_equal(mkdir(dir, 0555), 0);
    snprintf(path, sizeof path, "%s/out.pdf", dir);
    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    assert_int_equal(draw_sample(fx, dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_ERR_IO);
    dev->destroy(dev);
    jx_diags_free(&d);
    assert_int_equal(count_entries(dir), 0);
    rmdir(dir);
}

/* A libharu failure inside close() leaves the old file alone. */
static void test_failure_keeps_old_file(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    static const char old[] = "previous contents\n";
    char path[256];
    snprintf(path, sizeof path, "%s/keep.pdf", fx->dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(old, f);
    fclose(f);

    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    /* 20000 pt is beyond libharu's 14400 pt page limit. */
    assert_int_equal(dev->begin_page(dev, 20000, A4_H), JX_OK);
    assert_int_equal(dev->draw_text(dev, fx->song, 10, 10, 10, "合计", strlen("合计")), JX_OK);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_ERR_PDF);
    dev->destroy(dev);
    assert_true(has_message(&d, "libharu error 0x1054"));
    jx_diags_free(&d);

    size_t len = 0;
    char *data = jx_test_read_file(path, &len);
    assert_non_null(data);
    assert_int_equal(len, strlen(old));
    assert_memory_equal(data, old, len);
    free(data);
    assert_int_equal(count_entries(fx->dir), 1);
    unlink(path);
}

/* Destroying a device without close() writes nothing. */
static void test_destroy_without_close(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    char path[256];
    snprintf(path, sizeof path, "%s/never.pdf", fx->dir);
    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    assert_int_equal(draw_sample(fx, dev), JX_OK);
    dev->destroy(dev);
    jx_diags_free(&d);
    assert_int_equal(count_entries(fx->dir), 0);
}

static void test_rejects_bad_calls(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    char path[256];
    snprintf(path, sizeof path, "%s/bad.pdf", fx->dir);
    jx_diags d;
    jx_diags_init(&d);

    /* Drawing outside a page. */
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    assert_int_equal(dev->draw_text(dev, fx->song, 10, 0, 0, "中", strlen("中")),
                     JX_ERR_INTERNAL);
    dev->destroy(dev);

    /* A character outside the Basic Multilingual Plane that the face lacks
     * (U+20000 is not in AR PL UMing); one it has is drawn under a Private
     * Use Area alias (test_corpus.py reads 𠮷 back from a whole PDF). */
    dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    assert_int_equal(dev->draw_text(dev, fx->song, 10, 0, 0, "\xF0\xA0\x80\x80", 4),
                     JX_ERR_GLYPH);
    dev->destroy(dev);
    for (size_t i = 0; jx_fonts_face(fx->fonts, i); i++) {
        const jx_face *f = jx_fonts_face(fx->fonts, i);
        if (!jx_face_has_char(f, 0x20BB7))
            continue;
        dev = jx_pdf_device_create(path, fx->fonts, &d);
        assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
        assert_int_equal(dev->draw_text(dev, f, 10, 0, 0, "\xF0\xA0\xAE\xB7", 4), JX_OK);
        dev->destroy(dev);
        break;
    }

    /* Invalid UTF-8 and a character the face lacks (U+0E01, Thai). */
    dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    assert_int_equal(dev->draw_text(dev, fx->song, 10, 0, 0, "\xE4\xB8", 2), JX_ERR_SYNTAX);
    dev->destroy(dev);
    dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    assert_int_equal(dev->draw_text(dev, fx->song, 10, 0, 0, "\xE0\xB8\x81", 3), JX_ERR_GLYPH);
    assert_true(has_message(&d, "U+0E01"));
    dev->destroy(dev);

    /* close() with an open page, and with no pages. */
    dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    assert_int_equal(dev->close(dev), JX_ERR_INTERNAL);
    dev->destroy(dev);
    dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_int_equal(dev->close(dev), JX_ERR_INTERNAL);
    dev->destroy(dev);

    assert_true(d.errors >= 6);
    jx_diags_free(&d);
    assert_int_equal(count_entries(fx->dir), 0);
}

/* A page with ~700 distinct CJK characters stays a small file. */
static void test_subset_size(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    /* 700 distinct characters of the GB 2312 level-1 range that uming has. */
    jx_buf text = {0};
    int n = 0;
    for (uint32_t cp = 0x4E00; cp < 0x9FA6 && n < 700; cp += 7) {
        if (!jx_face_has_char(fx->song, cp))
            continue;
        char u[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                     (char)(0x80 | (cp & 0x3F)), 0};
        jx_buf_append(&text, u, 3);
        n++;
    }
    assert_int_equal(n, 700);
    char path[256];
    snprintf(path, sizeof path, "%s/big.pdf", fx->dir);
    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    for (int line = 0; line < 35; line++)
        assert_int_equal(dev->draw_text(dev, fx->song, 10.5, 40, 40 + line * 20,
                                        text.data + line * 60, 60),
                         JX_OK);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    jx_diags_free(&d);
    jx_buf_free(&text);

    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    print_message("700 distinct uming characters: %lld bytes\n", (long long)sb.st_size);
    /* The whole font file is ~20 MB; 700 uming glyphs are ~220 KB deflated. */
    assert_true(sb.st_size < 300 * 1024);
    char *out = run("pdftotext -raw -enc UTF-8 '%s' - 2>&1", path);
    assert_non_null(out);
    assert_null(strstr(out, "Warning"));
    free(out);
    unlink(path);
}

/* The document ID of a PDF ("" when there is none; static buffer). */
static const char *doc_id(const char *path)
{
    static char id[64];
    size_t len = 0;
    char *data = jx_test_read_file(path, &len);
    id[0] = '\0';
    for (size_t i = len >= 3 ? len - 3 : 0; data && i > 0; i--) {
        if (memcmp(data + i, "/ID", 3) == 0) {
            const char *lt = memchr(data + i, '<', len - i);
            const char *gt = lt ? memchr(lt, '>', len - (size_t)(lt - data)) : NULL;
            if (gt && gt - lt - 1 < (long)sizeof id) {
                memcpy(id, lt + 1, (size_t)(gt - lt - 1));
                id[gt - lt - 1] = '\0';
            }
            break;
        }
    }
    free(data);
    return id;
}

/* Runs tests/e2e/test_import.py --pdfa on path: its complaints ("" when
 * none), or NULL when python3 or qpdf is missing. */
static char *pdfa_problems(const char *path)
{
    if (!have_tool("qpdf") || access("/usr/bin/python3", X_OK) != 0)
        return NULL;
    return run("/usr/bin/python3 '%s/tests/e2e/test_import.py' --pdfa '%s' 2>&1",
               jx_test_source_dir(), path);
}

/* path renders with pdftoppm without a complaint and, where the sRGB
 * profile is installed, passes the PDF/A checks of pdfa_problems(). */
static void assert_renders_as_pdfa(const fixture *fx, const char *path)
{
    char *out = run("pdftoppm -r 20 -png '%s' '%s/page' 2>&1", path, fx->dir);
    assert_non_null(out);
    assert_string_equal(out, "");
    free(out);
    if (access("/usr/share/color/icc/sRGB.icc", R_OK) == 0 && (out = pdfa_problems(path))) {
        if (*out)
            fail_msg("%s", out);
        free(out);
    }
}

/* PDF/A-1b: version 1.4, XMP with pdfaid part 1 / B equal to the Info
 * dictionary, the sRGB output intent, CIDSets, an ID that follows the
 * content; page labels. */
static void test_pdfa(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    if (access("/usr/share/color/icc/sRGB.icc", R_OK) != 0 && !getenv("JX_SRGB_ICC")) {
        print_message("no sRGB profile (Debian package icc-profiles-free): skipped\n");
        skip();
    }
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(write_sample(fx, "a.pdf", &d), JX_OK);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
    char path[256];
    snprintf(path, sizeof path, "%s/a.pdf", fx->dir);
    size_t len = 0;
    char *data = jx_test_read_file(path, &len);
    assert_non_null(data);
    assert_true(len > 9 && memcmp(data, "%PDF-1.4\n", 9) == 0);
    free(data);

    char *out = run("pdfinfo -meta '%s' 2>&1", path);
    assert_non_null(out);
    assert_non_null(strstr(out, "<pdfaid:part>1</pdfaid:part>"));
    assert_non_null(strstr(out, "<pdfaid:conformance>B</pdfaid:conformance>"));
    assert_non_null(strstr(out, "<rdf:li>某某市财政局</rdf:li>"));
    assert_non_null(strstr(out, "<xmp:CreateDate>2024-06-15T00:00:00+00:00</xmp:CreateDate>"));
    assert_non_null(strstr(out, "<pdf:Keywords>预算, 公开</pdf:Keywords>"));
    free(out);

    out = pdfa_problems(path);
    if (out) {
        if (*out)
            fail_msg("%s", out);
        free(out);
    }
    if (have_tool("qpdf")) {
        out = run("qpdf --json=2 --json-key=pagelabels '%s' 2>&1", path);
        assert_non_null(out);
        assert_non_null(strstr(out, "\"/S\": \"/D\""));
        free(out);
    }

    /* The ID is a digest of the content: the same here, another for other
     * text. */
    char id[64];
    snprintf(id, sizeof id, "%s", doc_id(path));
    assert_int_equal(strlen(id), 32);
    char other[256];
    snprintf(other, sizeof other, "%s/b.pdf", fx->dir);
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(other, fx->fonts, &d);
    assert_non_null(dev);
    jx_doc_info info = {k_title, "某某市财政局", "部门预算", "预算, 公开", "jxgen test", EPOCH};
    assert_int_equal(dev->begin_document(dev, &info), JX_OK);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    assert_int_equal(dev->draw_text(dev, fx->song, 10.5, 60, 110, k_body, strlen(k_body)), JX_OK);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    jx_diags_free(&d);
    assert_string_not_equal(doc_id(other), id);
}

/* Glyphs reached only as components of composite glyphs (UMing draws "i"
 * as a dotless i and a dot) still get CIDs in the CIDSet, and the text
 * still reads and renders. */
static void test_composite_glyphs(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    static const char text[] = "mini iPad, 指标 ij";
    char path[256];
    snprintf(path, sizeof path, "%s/i.pdf", fx->dir);
    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    jx_doc_info info = {"i", "某单位", NULL, NULL, "jxgen test", EPOCH};
    assert_int_equal(dev->begin_document(dev, &info), JX_OK);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    assert_int_equal(dev->draw_text(dev, fx->song, 12, 60, 100, text, strlen(text)), JX_OK);
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    jx_diags_free(&d);
    char *out = run("pdftotext -raw -enc UTF-8 '%s' - 2>&1", path);
    assert_non_null(out);
    assert_non_null(strstr(out, text));
    free(out);
    assert_renders_as_pdfa(fx, path);
}

/* Compressed punctuation (标点挤压: "）、" "（（" "。”" set half an em
 * closer, runs of negative character spacing from the text engine) reads
 * back as one line in order: the device draws a narrowed mark under an
 * alias code of its narrower width, so that poppler, which takes a glyph's
 * box from its /W width and ignores the character spacing, sees no
 * overlap (with the character spacing alone it reads "）" "、" half an em
 * apart as two words or lines).  The fonts stay PDF/A. */
static void test_compressed_punctuation(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    static const char text[] = "根据《预算法》（2020年修订）、《条例》的规定，“放管服”（（一））、"
                               "「目标」，「任务」。”完成";
    char path[256];
    snprintf(path, sizeof path, "%s/c.pdf", fx->dir);
    jx_diags d;
    jx_diags_init(&d);
    jx_text_lines L;
    assert_int_equal(jx_text_break(fx->fonts, "song", 12, text, strlen(text), INFINITY, &L, &d,
                                   "t", NULL, 0, 0),
                     JX_OK);
    assert_int_equal(L.nlines, 1);
    int narrowed = 0;
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    jx_doc_info info = {"c", "某单位", NULL, NULL, "jxgen test", EPOCH};
    assert_int_equal(dev->begin_document(dev, &info), JX_OK);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    for (size_t r = 0; r < L.nruns; r++) {
        const jx_text_run *run = &L.runs[r];
        narrowed += run->spacing <= -0.4 * 12;
        assert_int_equal(dev->draw_text_spaced(dev, run->face, 12, 40 + run->x, 100,
                                               text + run->start, run->end - run->start,
                                               run->spacing),
                         JX_OK);
    }
    assert_true(narrowed >= 8); /* half an em off each pair */
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    jx_text_lines_free(&L);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
    char *out = run("pdftotext -raw -enc UTF-8 '%s' - 2>&1", path);
    assert_non_null(out);
    char want[512];
    snprintf(want, sizeof want, "%s\n\f", text);
    assert_string_equal(out, want);
    free(out);
    /* one word: no glyph box overlaps the one before it or leaves a gap */
    out = run("pdftotext -bbox -enc UTF-8 '%s' - 2>&1 | grep -c '<word'", path);
    assert_non_null(out);
    assert_string_equal(out, "1\n");
    free(out);
    assert_renders_as_pdfa(fx, path);
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The (only) embedded TrueType font program of the PDF at path, found in
 * qpdf's QDF form (streams uncompressed) as the stream of the dictionary
 * with /Length1; malloc'd, *len its size. */
static unsigned char *font_program(const char *dir, const char *path, size_t *len)
{
    char qdf[256];
    snprintf(qdf, sizeof qdf, "%s/font.qdf", dir);
    char *out = run("qpdf --qdf --object-streams=disable '%s' '%s' 2>&1", path, qdf);
    assert_non_null(out);
    free(out);
    size_t n = 0;
    char *pdf = jx_test_read_file(qdf, &n);
    assert_non_null(pdf);
    unlink(qdf);
    const char *l1 = NULL;
    for (size_t i = 0; i + 9 < n; i++)
        if (memcmp(pdf + i, "/Length1 ", 9) == 0) {
            assert_null(l1); /* one font program */
            l1 = pdf + i;
        }
    assert_non_null(l1);
    long want = strtol(l1 + 9, NULL, 10);
    const char *s = NULL;
    for (const char *p = l1; p + 7 < pdf + n; p++)
        if (memcmp(p, "stream\n", 7) == 0) {
            s = p + 7;
            break;
        }
    assert_non_null(s);
    assert_true(want > 12 && s + want <= pdf + n);
    unsigned char *font = malloc((size_t)want);
    assert_non_null(font);
    memcpy(font, s, (size_t)want);
    free(pdf);
    *len = (size_t)want;
    return font;
}

/* Looks c up in a format-4 cmap subtable as the OpenType spec says. */
static unsigned cmap4_glyph(const unsigned char *sub, unsigned c)
{
    unsigned segx2 = be16(sub + 6);
    const unsigned char *ends = sub + 14, *starts = ends + segx2 + 2, *deltas = starts + segx2,
                        *ros = deltas + segx2;
    for (unsigned i = 0; i < segx2 / 2; i++) {
        if (c > be16(ends + 2 * i))
            continue;
        unsigned start = be16(starts + 2 * i);
        if (c < start)
            return 0;
        unsigned ro = be16(ros + 2 * i), delta = be16(deltas + 2 * i);
        if (ro == 0)
            return (c + delta) & 0xFFFF;
        unsigned g = be16(ros + 2 * i + ro + 2 * (c - start));
        return g ? (g + delta) & 0xFFFF : 0;
    }
    return 0;
}

/* A subset of ~300 characters scattered over the CJK block (every 61st
 * code) is embedded with a cmap that maps every drawn character to its own
 * glyph and nothing else to any; the text extracts and renders (the
 * CIDToGIDMap written by the device maps each CID to its glyph). */
static void test_scattered_subset(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    jx_buf text = {0};
    jx_buf_puts(&text, "Cmap 2024: ");
    int n = 0;
    for (uint32_t cp = 0x4E00; cp < 0x9FA6 && n < 300; cp += 61) {
        if (!jx_face_has_char(fx->song, cp))
            continue;
        char u[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                     (char)(0x80 | (cp & 0x3F)), 0};
        jx_buf_append(&text, u, 3);
        n++;
    }
    assert_true(n >= 250);
    char path[256];
    snprintf(path, sizeof path, "%s/cmap.pdf", fx->dir);
    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_pdf_device_create(path, fx->fonts, &d);
    assert_non_null(dev);
    assert_int_equal(dev->begin_page(dev, A4_W, A4_H), JX_OK);
    size_t head = strlen("Cmap 2024: ");
    assert_int_equal(dev->draw_text(dev, fx->song, 10.5, 40, 40, text.data, head), JX_OK);
    size_t per_line = 30 * 3, lines = 0;
    for (size_t off = head; off < text.len; off += per_line, lines++) {
        size_t len = text.len - off < per_line ? text.len - off : per_line;
        assert_int_equal(dev->draw_text(dev, fx->song, 10.5, 40, 60 + 16 * (double)lines,
                                        text.data + off, len),
                         JX_OK);
    }
    assert_int_equal(dev->end_page(dev), JX_OK);
    assert_int_equal(dev->close(dev), JX_OK);
    dev->destroy(dev);
    assert_int_equal(d.errors, 0);
    jx_diags_free(&d);

    /* Text extraction: every line as drawn. */
    char *out = run("pdftotext -raw -enc UTF-8 '%s' - 2>&1", path);
    assert_non_null(out);
    assert_null(strstr(out, "Warning"));
    assert_null(strstr(out, "Error"));
    char *want = malloc(text.len + lines + 2);
    assert_non_null(want);
    memcpy(want, text.data, head - 1); /* "Cmap 2024:" */
    size_t w = head - 1;
    want[w++] = '\n';
    for (size_t off = head; off < text.len; off += per_line) {
        size_t len = text.len - off < per_line ? text.len - off : per_line;
        memcpy(want + w, text.data + off, len);
        w += len;
        want[w++] = '\n';
    }
    want[w] = '\0';
    assert_non_null(strstr(out, want));
    free(want);
    free(out);
    out = run("pdftoppm -r 20 -png '%s' '%s/page' 2>&1", path, fx->dir);
    assert_non_null(out);
    assert_string_equal(out, "");
    free(out);

    /* The embedded font's (3, 1) format-4 cmap. */
    if (!have_tool("qpdf")) {
        jx_buf_free(&text);
        return;
    }
    size_t flen = 0;
    unsigned char *font = font_program(fx->dir, path, &flen);
    const unsigned char *cmap = NULL;
    unsigned ntab = be16(font + 4);
    for (unsigned i = 0; i < ntab && 12 + 16 * (i + 1) <= flen; i++)
        if (memcmp(font + 12 + 16 * i, "cmap", 4) == 0) {
            uint32_t off = be32(font + 12 + 16 * i + 8), len = be32(font + 12 + 16 * i + 12);
            assert_true(off <= flen && len <= flen - off && len >= 12);
            cmap = font + off;
        }
    assert_non_null(cmap);
    const unsigned char *sub = NULL;
    for (unsigned i = 0; i < be16(cmap + 2); i++)
        if (be16(cmap + 4 + 8 * i) == 3 && be16(cmap + 6 + 8 * i) == 1)
            sub = cmap + be32(cmap + 8 + 8 * i);
    assert_non_null(sub);
    assert_int_equal(be16(sub), 4);
    unsigned nseg = be16(sub + 6) / 2;
    assert_int_equal(be16(sub + 14 + 2 * (nseg - 1)), 0xFFFF);
    /* Drawn characters map to distinct glyphs, no other code to any. */
    unsigned char *seen = calloc(0x10000, 1);
    assert_non_null(seen);
    size_t mapped = 0, drawn = 0;
    for (size_t i = 0; i < text.len;) {
        uint32_t cp;
        size_t k = jx_utf8_decode(text.data + i, text.len - i, &cp);
        assert_true(k > 0);
        i += k;
        if (!seen[cp]) {
            seen[cp] = 1;
            drawn++;
        }
    }
    unsigned char *gseen = calloc(0x10000, 1);
    assert_non_null(gseen);
    for (unsigned c = 0; c <= 0xFFFF; c++) {
        unsigned g = cmap4_glyph(sub, c);
        if (!seen[c]) {
            if (g != 0)
                fail_msg("U+%04X (not drawn) maps to glyph %u", c, g);
            continue;
        }
        assert_true(g != 0);
        assert_int_equal(gseen[g], 0);
        gseen[g] = 1;
        mapped++;
    }
    assert_int_equal(mapped, drawn);
    free(gseen);
    free(seen);
    free(font);
    jx_buf_free(&text);
    unlink(path);
}

/* Without a usable sRGB profile the PDF is written, with a warning, and
 * does not claim PDF/A. */
static void test_without_icc_profile(void **state)
{
    fixture *fx = *state;
    NEED_FIXTURE(fx);
    static const char *const profiles[] = {"/nonexistent/sRGB.icc", JX_TEST_UMING};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(setenv("JX_SRGB_ICC", profiles[i], 1), 0);
        jx_diags d;
        jx_diags_init(&d);
        jx_status st = write_sample(fx, "noicc.pdf", &d);
        unsetenv("JX_SRGB_ICC");
        assert_int_equal(st, JX_OK);
        assert_int_equal(d.errors, 0);
        assert_int_equal(d.warnings, 1);
        assert_string_equal(d.items[0].rule, "pdf-a");
        assert_true(has_message(&d, "icc-profiles-free"));
        jx_diags_free(&d);
        char path[256];
        snprintf(path, sizeof path, "%s/noicc.pdf", fx->dir);
        char *out = run("pdfinfo -meta '%s' 2>&1", path);
        assert_non_null(out);
        assert_null(strstr(out, "pdfaid"));
        assert_non_null(strstr(out, "<dc:title>"));
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_valid_pdf),
        cmocka_unit_test(test_byte_identical),
        cmocka_unit_test(test_missing_directory),
        cmocka_unit_test(test_read_only_directory),
        cmocka_unit_test(test_failure_keeps_old_file),
        cmocka_unit_test(test_destroy_without_close),
        cmocka_unit_test(test_rejects_bad_calls),
        cmocka_unit_test(test_subset_size),
        cmocka_unit_test(test_pdfa),
        cmocka_unit_test(test_composite_glyphs),
        cmocka_unit_test(test_compressed_punctuation),
        cmocka_unit_test(test_scattered_subset),
        cmocka_unit_test(test_without_icc_profile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
