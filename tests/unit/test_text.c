/* The text engine's fonts and measuring: loading (TTC indices, sharing,
 * missing/non-font/CFF files), metrics, widths in the real font, fallback
 * between faces, error messages, and reading the set from several threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hb.h>

#include "jx_text.h"
#include "jx_test.h"


static jx_fonts *fonts;  /* song = uming, hei = Zen Hei */

static int load_fonts(void **state)
{
    (void)state;
    fonts = jx_test_fonts(0);
    return fonts ? 0 : -1;
}

static int free_fonts(void **state)
{
    (void)state;
    jx_fonts_free(fonts);
    fonts = NULL;
    return 0;
}

static double width(const char *role, double size, const char *text)
{
    return jx_text_width(fonts, role, size, text, strlen(text));
}

/* Writes `n` bytes to a new temporary file; returns its malloc'd path. */
static char *temp_file(const void *data, size_t n)
{
    char *path = strdup("/tmp/jx_test_text_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

/* ------------------------------------------------------------------ fonts */

static void faces_load_with_names_and_metrics(void **state)
{
    (void)state;
    const jx_face *song = jx_fonts_primary(fonts, "song");
    const jx_face *hei = jx_fonts_primary(fonts, "hei");
    assert_non_null(song);
    assert_non_null(hei);
    assert_string_equal(jx_face_family(song), "AR PL UMing CN");
    assert_string_equal(jx_face_postscript_name(song), "UMingCN");
    assert_string_equal(jx_face_family(hei), "WenQuanYi Zen Hei");
    assert_string_equal(jx_face_path(song), JX_TEST_UMING);
    assert_int_equal(jx_face_index(song), 0);
    assert_int_equal(jx_face_upem(song), 1024);
    assert_non_null(jx_face_hb_face(song));
    assert_true(jx_fonts_has_role(fonts, "song"));
    assert_false(jx_fonts_has_role(fonts, "kai"));
    assert_int_equal(jx_fonts_count(fonts), 2);
    assert_ptr_equal(jx_fonts_face(fonts, 0), song);
    assert_null(jx_fonts_face(fonts, 2));

    /* OS/2 typographic metrics with the gap split: uming 900/-124/0 */
    assert_int_equal(jx_face_ascender(song), 900);
    assert_int_equal(jx_face_descender(song), -124);
    assert_true(fabs(jx_fonts_line_height(fonts, "song", 10) - 10.0) < 1e-9);
    /* Zen Hei 819/-205/92 -> 865/-251, 1.09 em (hhea would be 1.35 em) */
    assert_int_equal(jx_face_ascender(hei), 865);
    assert_int_equal(jx_face_descender(hei), -251);
    const char *roles[] = {"song", "hei"};
    for (size_t i = 0; i < 2; i++) {
        double lh = jx_fonts_line_height(fonts, roles[i], 12);
        double a = jx_fonts_ascent(fonts, roles[i], 12);
        double dsc = jx_fonts_descent(fonts, roles[i], 12);
        assert_true(lh >= 12 * 1.0 - 1e-9 && lh <= 12 * 1.3);
        assert_true(a > 0 && dsc > 0);
        assert_true(fabs(a + dsc - lh) < 1e-9);
    }
}

static void ttc_index_selects_the_face(void **state)
{
    (void)state;
    jx_fonts *f = jx_fonts_create();
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_fonts_add(f, "a", JX_TEST_UMING, 0, &d), JX_OK);
    assert_int_equal(jx_fonts_add(f, "b", JX_TEST_UMING, 1, &d), JX_OK);
    assert_string_equal(jx_face_family(jx_fonts_primary(f, "a")), "AR PL UMing CN");
    assert_string_equal(jx_face_family(jx_fonts_primary(f, "b")), "AR PL UMing HK");
    assert_int_equal(jx_face_index(jx_fonts_primary(f, "b")), 1);
    assert_int_equal(jx_fonts_count(f), 2);
    assert_int_equal(jx_fonts_add(f, "c", JX_TEST_ZENHEI, 7, &d), JX_ERR_FONT);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].message, "face index 7"));
    assert_non_null(strstr(d.items[0].message, JX_TEST_ZENHEI));
    jx_diags_free(&d);
    jx_fonts_free(f);
}

static void a_loaded_face_is_shared(void **state)
{
    (void)state;
    jx_fonts *f = jx_fonts_create();
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_fonts_add(f, "song", JX_TEST_UMING, 0, &d), JX_OK);
    assert_int_equal(jx_fonts_add(f, "title", JX_TEST_UMING, 0, &d), JX_OK);
    /* another spelling of the same file */
    assert_int_equal(
        jx_fonts_add(f, "note", "/usr/share/fonts/truetype/arphic/../arphic/uming.ttc", 0, &d),
        JX_OK);
    assert_int_equal(jx_fonts_add(f, "song", JX_TEST_UMING, 0, &d), JX_OK);
    assert_int_equal(jx_fonts_count(f), 1);
    assert_ptr_equal(jx_fonts_primary(f, "song"), jx_fonts_primary(f, "title"));
    assert_ptr_equal(jx_fonts_primary(f, "song"), jx_fonts_primary(f, "note"));
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
    jx_fonts_free(f);
}

/* What the text engine asks of a font set through jx_fonts.h: a role's
 * own faces, the order it tries faces in, its Latin face, the ink of a
 * compressible punctuation mark, and shaping as the engine measures. */
static void a_role_tells_its_faces_and_a_face_its_marks(void **state)
{
    (void)state;
    jx_fonts *f = jx_fonts_create();
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_fonts_add(f, "song", JX_TEST_UMING, 0, &d), JX_OK);
    assert_int_equal(jx_fonts_add(f, "hei", JX_TEST_ZENHEI, 0, &d), JX_OK);
    assert_int_equal(jx_fonts_add_latin(f, "song", JX_TEST_ZENHEI, 0, &d), JX_OK);
    assert_int_equal(jx_fonts_add_latin(f, "latin-only", JX_TEST_UMING, 0, &d), JX_OK);
    const jx_face *uming = jx_fonts_face(f, 0), *zenhei = jx_fonts_face(f, 1);
    assert_ptr_equal(uming, jx_fonts_primary(f, "song"));
    assert_ptr_equal(zenhei, jx_fonts_primary(f, "hei"));
    assert_null(jx_fonts_role(f, "kai"));
    assert_null(jx_fonts_role(NULL, "song"));
    assert_null(jx_fonts_role(f, NULL));
    const jx_role *song = jx_fonts_role(f, "song"), *hei = jx_fonts_role(f, "hei");
    const jx_role *lat = jx_fonts_role(f, "latin-only");
    assert_non_null(song);
    assert_non_null(hei);
    assert_non_null(lat);
    assert_int_equal(jx_role_own_count(song), 1);
    assert_int_equal(jx_role_own_count(lat), 0); /* a Latin face is not its own */
    size_t n = 0;
    const size_t *order = jx_role_order(song, &n); /* its own, then the others */
    assert_int_equal(n, 2);
    assert_ptr_equal(jx_fonts_face(f, order[0]), uming);
    assert_ptr_equal(jx_fonts_face(f, order[1]), zenhei);
    order = jx_role_order(hei, &n);
    assert_int_equal(n, 2);
    assert_ptr_equal(jx_fonts_face(f, order[0]), zenhei);
    assert_ptr_equal(jx_fonts_face(f, order[1]), uming);
    assert_int_equal(jx_role_latin(hei), -1);
    assert_int_equal(jx_role_latin(song), 1);
    assert_ptr_equal(jx_fonts_face(f, (size_t)jx_role_latin(lat)), uming);
    /* ， in UMing: a full-width advance, ink in its left half; 中 and ！
     * are no compressible marks (and leave the outputs alone) */
    int x = -7, w = -7;
    int adv = jx_face_punct_ink(uming, 0xFF0C, &x, &w);
    assert_int_equal(adv, jx_face_advance(uming, 0xFF0C));
    assert_true(adv > 0 && x >= 0 && w > 0 && x + w <= adv / 2);
    /* every compressible mark the face has is measured (jx_fonts.h's list) */
    static const uint32_t marks[] = {
        0xFF08, 0xFF09, 0x300A, 0x300B, 0x300C, 0x300D, 0x300E, 0x300F, 0x201C, 0x201D, 0x2018,
        0x2019, 0x3010, 0x3011, 0x3014, 0x3015, 0x3008, 0x3009, 0x3016, 0x3017, 0xFF3B, 0xFF3D,
        0xFF5B, 0xFF5D, 0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0x00B7, 0x30FB};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        int mx, mw;
        for (size_t j = 0; j < 2; j++) {
            const jx_face *face = j ? zenhei : uming;
            if ((jx_face_punct_ink(face, marks[i], &mx, &mw) > 0) !=
                jx_face_has_char(face, marks[i]))
                fail_msg("U+%04X in %s", (unsigned)marks[i], jx_face_family(face));
        }
    }
    x = w = -7;
    assert_int_equal(jx_face_punct_ink(uming, 0x4E2D, &x, &w), 0);
    assert_int_equal(jx_face_punct_ink(uming, 0xFF01, &x, &w), 0);
    assert_true(x == -7 && w == -7);
    /* shaping: one glyph per character at its hmtx advance, as drawn */
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, "\xE4\xB8\xAD\xEF\xBC\x8C", -1, 0, -1); /* 中， */
    assert_int_equal(jx_face_shape(uming, buf), JX_OK);
    unsigned ng = 0;
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &ng);
    assert_int_equal(ng, 2);
    assert_int_equal(pos[0].x_advance, jx_face_advance(uming, 0x4E2D));
    assert_int_equal(pos[1].x_advance, adv);
    assert_int_equal(hb_buffer_get_direction(buf), HB_DIRECTION_LTR);
    assert_ptr_equal(hb_buffer_get_language(buf), hb_language_from_string("zh", -1));
    hb_buffer_destroy(buf);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
    jx_fonts_free(f);
}

static void expect_font_error(const char *path, const char *needle)
{
    jx_fonts *f = jx_fonts_create();
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_fonts_add(f, "song", path, 0, &d), JX_ERR_FONT);
    assert_int_equal(d.errors, 1);
    if (!strstr(d.items[0].message, path) || !strstr(d.items[0].message, needle))
        fail_msg("message '%s' lacks '%s' or '%s'", d.items[0].message, path, needle);
    assert_false(jx_fonts_has_role(f, "song"));
    assert_int_equal(jx_fonts_count(f), 0);
    jx_diags_free(&d);
    jx_fonts_free(f);
}

static void a_missing_font_file_is_an_error(void **state)
{
    (void)state;
    expect_font_error("/nonexistent/fonts/simsun.ttc", "No such file");
    expect_font_error("/tmp", "not a regular file");
}

static void a_non_font_file_is_an_error(void **state)
{
    (void)state;
    const char text[] = "this is a budget filing, not a font\n";
    char *path = temp_file(text, sizeof text - 1);
    expect_font_error(path, "not a TrueType font");
    unlink(path);
    free(path);
    char *empty = temp_file("", 0);
    expect_font_error(empty, "not a TrueType font");
    unlink(empty);
    free(empty);
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

static void a_cff_font_is_rejected(void **state)
{
    (void)state;
    /* the smallest OpenType file with PostScript outlines: 'OTTO', one
     * table 'CFF ' (what Noto Sans CJK .otf files look like to us) */
    unsigned char font[36] = {0};
    memcpy(font, "OTTO", 4);
    put16(font + 4, 1);    /* numTables */
    put16(font + 6, 16);   /* searchRange */
    memcpy(font + 12, "CFF ", 4);
    put32(font + 20, 28);  /* offset */
    put32(font + 24, 8);   /* length */
    memcpy(font + 28, "\x01\x00\x04\x01\x00\x01\x01\x01", 8);
    char *path = temp_file(font, sizeof font);
    expect_font_error(path, "has CFF (PostScript) outlines; libharu can embed TrueType outlines "
                            "only");
    expect_font_error(path, "fonts-arphic-uming");
    unlink(path);
    free(path);
}

/* ------------------------------------------------------------- measuring */

static void widths_come_from_the_real_font(void **state)
{
    (void)state;
    /* uming: ideographs 1024/1024 em, ASCII 512/1024 em */
    assert_true(fabs(width("song", 10, "中文") - 20.0) < 1e-9);
    assert_true(fabs(width("song", 10, "ab") - 10.0) < 1e-9);
    /* Zen Hei: 'A' is 573 units, its curly quotes are proportional (340) */
    assert_true(fabs(width("hei", 10, "A") - 573.0 * 10 / 1024) < 1e-9);
    assert_true(fabs(width("hei", 10, "“中”") - (340.0 + 1024 + 340) * 10 / 1024) < 1e-9);
    assert_true(fabs(width("song", 10, "“中”") - 30.0) < 1e-9);
    assert_true(fabs(width("song", 10, "") - 0.0) < 1e-12);
    /* the widest line; spaces at line ends do not count */
    assert_true(fabs(width("song", 10, "一二\n一二三 ") - 30.0) < 1e-9);
}

static void widths_scale_linearly_with_size(void **state)
{
    (void)state;
    const char *t = "2024年一般公共预算收入3,456.78万元（增长12%）";
    double w10 = width("song", 10, t);
    assert_true(w10 > 100.0);
    const double sizes[] = {5.0, 7.5, 10.5, 12.0, 16.0, 22.0};
    for (size_t i = 0; i < 6; i++) {
        assert_true(fabs(width("song", sizes[i], t) - w10 * sizes[i] / 10) < 1e-9);
        assert_true(fabs(width("hei", sizes[i], t) - width("hei", 10, t) * sizes[i] / 10) < 1e-9);
    }
}

static void fallback_uses_the_face_that_has_the_character(void **state)
{
    (void)state;
    const jx_face *song = jx_fonts_primary(fonts, "song");
    const jx_face *hei = jx_fonts_primary(fonts, "hei");
    /* U+3400 (CJK extension A) is in Zen Hei, not in uming */
    assert_false(jx_face_has_char(song, 0x3400));
    assert_true(jx_face_has_char(hei, 0x3400));
    assert_true(jx_face_has_char(song, 0x4E2D));
    /* Zen Hei maps U+F9EA to a blank glyph: that is not having it */
    assert_false(jx_face_has_char(hei, 0xF9EA));
    assert_true(jx_face_has_char(song, ' '));

    const char *t = "项目㐀测试";
    jx_text_lines L;
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_text_break(fonts, "song", 10, t, strlen(t), 1000, &L, &d, "t", NULL, 0, 0),
                     JX_OK);
    assert_int_equal(L.nlines, 1);
    assert_int_equal(L.lines[0].nruns, 3);
    assert_ptr_equal(L.runs[0].face, song);
    assert_ptr_equal(L.runs[1].face, hei);
    assert_ptr_equal(L.runs[2].face, song);
    assert_int_equal(L.runs[1].start, 6);
    assert_int_equal(L.runs[1].end, 9);
    assert_true(fabs(L.runs[1].x - 20.0) < 1e-9);
    assert_true(fabs(L.runs[1].width - 10.0) < 1e-9);
    assert_true(fabs(L.runs[2].x - 30.0) < 1e-9);
    assert_true(fabs(L.lines[0].width - 50.0) < 1e-9);
    jx_text_lines_free(&L);

    /* the role's own faces come first: in "hei" everything is Zen Hei */
    assert_int_equal(jx_text_break(fonts, "hei", 10, t, strlen(t), 1000, &L, &d, "t", NULL, 0, 0),
                     JX_OK);
    assert_int_equal(L.nruns, 1);
    assert_ptr_equal(L.runs[0].face, hei);
    jx_text_lines_free(&L);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
}

static void a_character_no_face_has_is_an_error(void **state)
{
    (void)state;
    const char *t = "项目𠀀名称";   /* U+20000 is in neither font */
    jx_text_lines L;
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_text_break(fonts, "song", 10, t, strlen(t), 1000, &L, &d,
                                   "budget.items[2].name", "filing.yaml", 12, 9),
                     JX_ERR_GLYPH);
    assert_int_equal(L.nlines, 0);
    assert_null(L.lines);
    assert_int_equal(d.errors, 1);
    const jx_diag *g = &d.items[0];
    assert_string_equal(g->file, "filing.yaml");
    assert_int_equal(g->line, 12);
    assert_int_equal(g->col, 9);
    if (!strstr(g->message, "U+20000 '𠀀'") || !strstr(g->message, "budget.items[2].name") ||
        !strstr(g->message, "AR PL UMing CN") || !strstr(g->message, "WenQuanYi Zen Hei"))
        fail_msg("unexpected message: %s", g->message);
    jx_diags_free(&d);
    assert_true(width("song", 10, t) == -1.0);
    assert_true(jx_text_min_width(fonts, "song", 10, t, strlen(t)) == -1.0);

    /* each distinct character once, and a bounded number of messages */
    jx_diags_init(&d);
    const char *many = "𠀀甲𠀀乙𠀀\xF0\xA0\x80\x81\xF0\xA0\x80\x82";   /* U+20000..20002 */
    assert_int_equal(jx_text_break(fonts, "song", 10, many, strlen(many), 1000, &L, &d, "x",
                                   NULL, 0, 0),
                     JX_ERR_GLYPH);
    assert_int_equal(d.errors, 3);
    jx_diags_free(&d);
    jx_diags_init(&d);
    char lots[256];
    size_t n = 0;
    for (unsigned cp = 0x20000; cp < 0x20000 + 30; cp++) {
        lots[n++] = (char)(0xF0 | (cp >> 18));
        lots[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        lots[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        lots[n++] = (char)(0x80 | (cp & 0x3F));
    }
    assert_int_equal(jx_text_break(fonts, "song", 10, lots, n, 1000, &L, &d, "x", NULL, 0, 0),
                     JX_ERR_GLYPH);
    assert_int_equal(d.errors, 9);
    assert_non_null(strstr(d.items[8].message, "22 more"));
    jx_diags_free(&d);

    /* control characters other than '\n' and '\t' */
    jx_diags_init(&d);
    assert_int_equal(jx_text_break(fonts, "song", 10, "a\x07z", 3, 1000, &L, &d, "remark", NULL,
                                   0, 0),
                     JX_ERR_GLYPH);
    assert_non_null(strstr(d.items[0].message, "U+0007"));
    assert_non_null(strstr(d.items[0].message, "remark"));
    jx_diags_free(&d);
}

static void invisible_characters_are_left_out_of_the_runs(void **state)
{
    (void)state;
    /* BOM, ZWSP and a variation selector: in no face, drawn by none */
    const char *t = "\xEF\xBB\xBF预算\xE2\x80\x8B收入\xEF\xB8\x80";
    jx_text_lines L;
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_text_break(fonts, "song", 10, t, strlen(t), 1000, &L, &d, "t", NULL, 0, 0),
                     JX_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(L.nlines, 1);
    assert_true(fabs(L.lines[0].width - 40.0) < 1e-9);
    assert_int_equal(L.nruns, 2);
    assert_int_equal(L.runs[0].start, 3);
    assert_int_equal(L.runs[0].end, 9);
    assert_int_equal(L.runs[1].start, 12);
    assert_int_equal(L.runs[1].end, 18);
    assert_true(fabs(L.runs[1].x - 20.0) < 1e-9);
    jx_text_lines_free(&L);
    /* the zero width space is a break opportunity, even inside a word */
    const char *u = "ABCDEF\xE2\x80\x8BGHIJKL";
    assert_int_equal(jx_text_break(fonts, "song", 10, u, strlen(u), 40, &L, &d, "t", NULL, 0, 0),
                     JX_OK);
    assert_int_equal(L.nlines, 2);
    assert_int_equal(L.lines[1].start, 9);
    jx_text_lines_free(&L);
    jx_diags_free(&d);
}

static void invalid_utf8_reports_the_byte_offset(void **state)
{
    (void)state;
    jx_text_lines L;
    jx_diags d;
    jx_diags_init(&d);
    const char *t = "预算\xff收入";
    assert_int_equal(jx_text_break(fonts, "song", 10, t, strlen(t), 1000, &L, &d,
                                   "budget.title", "f.yaml", 3, 5),
                     JX_ERR_SYNTAX);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].message, "byte offset 6"));
    assert_non_null(strstr(d.items[0].message, "budget.title"));
    jx_diags_free(&d);
    jx_diags_init(&d);
    assert_int_equal(jx_text_break(fonts, "song", 10, "中\xe4\xb8", 5, 1000, &L, &d, "x", NULL, 0,
                                   0),
                     JX_ERR_SYNTAX);
    assert_non_null(strstr(d.items[0].message, "byte offset 3"));
    jx_diags_free(&d);
    assert_true(width("song", 10, "\xc0\xaf") == -1.0);
}

static void bad_arguments_are_reported(void **state)
{
    (void)state;
    jx_text_lines L;
    jx_diags d;
    jx_diags_init(&d);
    assert_int_equal(jx_text_break(fonts, "kai", 10, "中", 3, 100, &L, &d, "x", NULL, 0, 0),
                     JX_ERR_FONT);
    assert_non_null(strstr(d.items[0].message, "'kai'"));
    assert_int_equal(jx_text_break(fonts, "song", 10, "中", 3, -1, &L, &d, "x", NULL, 0, 0),
                     JX_ERR_INTERNAL);
    assert_int_equal(jx_text_break(fonts, "song", 0, "中", 3, 100, &L, &d, "x", NULL, 0, 0),
                     JX_ERR_INTERNAL);
    assert_int_equal(jx_text_break(fonts, "song", 10, "中", 3, NAN, &L, &d, "x", NULL, 0, 0),
                     JX_ERR_INTERNAL);
    /* an infinite width never wraps; d may be NULL */
    assert_int_equal(jx_text_break(fonts, "song", 10, "一二三四五六七八九十", 30, INFINITY, &L,
                                   NULL, "x", NULL, 0, 0),
                     JX_OK);
    assert_int_equal(L.nlines, 1);
    jx_text_lines_free(&L);
    assert_true(width("kai", 10, "中") == -1.0);
    jx_diags_free(&d);
}

/* -------------------------------------------------------------- threads */

#define THREADS 4

typedef struct job {
    const char *text;
    size_t nlines;
    double total;
    int ok;
} job;

static void *break_many(void *arg)
{
    job *j = arg;
    j->ok = 1;
    for (int rep = 0; rep < 20; rep++) {
        jx_text_lines L;
        if (jx_text_break(fonts, rep % 2 ? "hei" : "song", 10.5, j->text, strlen(j->text), 150,
                          &L, NULL, "t", NULL, 0, 0) != JX_OK) {
            j->ok = 0;
            return NULL;
        }
        double total = 0.0;
        for (size_t i = 0; i < L.nlines; i++)
            total += L.lines[i].width;
        if (rep == 0) {
            j->nlines = L.nlines;
            j->total = total;
        } else if (rep % 2 == 0 && (L.nlines != j->nlines || total != j->total)) {
            j->ok = 0;
        }
        jx_text_lines_free(&L);
    }
    return NULL;
}

static void the_font_set_is_read_from_several_threads(void **state)
{
    (void)state;
    size_t cap = 20000, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    const char *piece = "本部门2024年收入预算3,456.78万元，比上年增长12.5%（含㐀字），";
    while (n + strlen(piece) + 1 < cap) {
        memcpy(text + n, piece, strlen(piece));
        n += strlen(piece);
    }
    text[n] = '\0';
    job ref = {.text = text};
    break_many(&ref);
    assert_true(ref.ok);
    pthread_t th[THREADS];
    job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){.text = text};
        assert_int_equal(pthread_create(&th[i], NULL, break_many, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_true(jobs[i].ok);
        assert_int_equal(jobs[i].nlines, ref.nlines);
        assert_true(jobs[i].total == ref.total);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(faces_load_with_names_and_metrics),
        cmocka_unit_test(ttc_index_selects_the_face),
        cmocka_unit_test(a_loaded_face_is_shared),
        cmocka_unit_test(a_missing_font_file_is_an_error),
        cmocka_unit_test(a_non_font_file_is_an_error),
        cmocka_unit_test(a_cff_font_is_rejected),
        cmocka_unit_test(widths_come_from_the_real_font),
        cmocka_unit_test(widths_scale_linearly_with_size),
        cmocka_unit_test(fallback_uses_the_face_that_has_the_character),
        cmocka_unit_test(a_character_no_face_has_is_an_error),
        cmocka_unit_test(invisible_characters_are_left_out_of_the_runs),
        cmocka_unit_test(invalid_utf8_reports_the_byte_offset),
        cmocka_unit_test(bad_arguments_are_reported),
        cmocka_unit_test(a_role_tells_its_faces_and_a_face_its_marks),
        cmocka_unit_test(the_font_set_is_read_from_several_threads),
    };
    return cmocka_run_group_tests(tests, load_fonts, free_fonts);
}
