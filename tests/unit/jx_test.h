/* jx_test.h - what the unit tests (and the fuzz targets) share: where the
 * source tree is, the fonts the tests measure with, loading them, and a
 * document laid out as trace text.
 * Plain C (no cmocka), so tests/fuzz can include it too. */
#ifndef JX_TEST_H
#define JX_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jx_doc.h"
#include "jx_file.h"
#include "jx_paginate.h"
#include "jx_text.h"
#include "jx_trace.h"

/* The fonts the tests measure with (Debian's fonts-arphic-uming and
 * fonts-wqy-zenhei; see scripts/deps). */
#define JX_TEST_UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define JX_TEST_ZENHEI "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

/* The source tree: $JX_SOURCE_DIR, else the one the test was built from. */
static inline const char *jx_test_source_dir(void)
{
    const char *s = getenv("JX_SOURCE_DIR");
    return s && *s ? s : JX_SOURCE_DIR;
}

/* The whole file at `path` (jx_file_load(): malloc'd and NUL-terminated,
 * free it) with its length in *len, or NULL when it cannot be read. */
static inline char *jx_test_read_file(const char *path, size_t *len)
{
    char *buf = NULL;
    int err = 0;
    return jx_file_load(path, (size_t)1 << 30, &buf, len, &err) == 0 ? buf : NULL;
}

/* A font set with AR PL UMing as "song" and WenQuanYi Zen Hei as "hei" (each
 * the other's fallback when `fallbacks` is set).  NULL, with the reason on
 * stderr, when a font is missing or does not load. */
static inline jx_fonts *jx_test_fonts(int fallbacks)
{
    const char *paths[] = {JX_TEST_UMING, JX_TEST_ZENHEI};
    for (size_t i = 0; i < 2; i++) {
        if (access(paths[i], R_OK) != 0) {
            fprintf(stderr,
                    "font %s is missing: install fonts-arphic-uming and fonts-wqy-zenhei "
                    "(the tests measure with the real fonts)\n",
                    paths[i]);
            return NULL;
        }
    }
    jx_diags d;
    jx_diags_init(&d);
    jx_fonts *f = jx_fonts_create();
    if (!f || jx_fonts_add(f, "song", JX_TEST_UMING, 0, &d) != JX_OK ||
        (fallbacks && jx_fonts_add(f, "song", JX_TEST_ZENHEI, 0, &d) != JX_OK) ||
        jx_fonts_add(f, "hei", JX_TEST_ZENHEI, 0, &d) != JX_OK ||
        (fallbacks && jx_fonts_add(f, "hei", JX_TEST_UMING, 0, &d) != JX_OK)) {
        jx_diags_print(&d, stderr);
        jx_fonts_free(f);
        f = NULL;
    }
    jx_diags_free(&d);
    return f;
}

/* Liberation Serif (Debian's fonts-liberation), the companion Latin face
 * the layouts pair with 宋体. */
#define JX_TEST_SERIF "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"

/* A font set whose role "song" is AR PL UMing with Liberation Serif for
 * Latin letters and digits, as the layouts set amounts; NULL, with a
 * message on stderr, when a font is missing or does not load.  Free it
 * with jx_fonts_free(). */
static inline jx_fonts *jx_test_fonts_latin(void)
{
    if (access(JX_TEST_UMING, R_OK) != 0 || access(JX_TEST_SERIF, R_OK) != 0) {
        fprintf(stderr, "install fonts-arphic-uming and fonts-liberation (the tests measure "
                        "with the real fonts)\n");
        return NULL;
    }
    jx_fonts *f = jx_fonts_create();
    if (f && (jx_fonts_add(f, "song", JX_TEST_UMING, 0, NULL) != JX_OK ||
              jx_fonts_add_latin(f, "song", JX_TEST_SERIF, 0, NULL) != JX_OK)) {
        jx_fonts_free(f);
        f = NULL;
    }
    return f;
}

/* cmocka group set-up and tear-down: jx_test_fonts(0) as the state every
 * test of the group receives (*state is the jx_fonts *). */
static inline int jx_test_setup_fonts(void **state)
{
    *state = jx_test_fonts(0);
    return *state ? 0 : -1;
}

static inline int jx_test_teardown_fonts(void **state)
{
    jx_fonts_free(*state);
    *state = NULL;
    return 0;
}

/* Gives `cell` one paragraph per '|'-separated part of `text`, allocated in
 * doc.  Returns 0, or -1 when out of memory. */
static inline int jx_test_set_paras(jx_doc *doc, jx_cell *cell, const char *text)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '|';
    cell->paras = jx_doc_alloc(doc, n * sizeof *cell->paras);
    if (!cell->paras)
        return -1;
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (!(cell->paras[i].text = jx_doc_strndup(doc, p, len)))
            return -1;
        p += len + 1;
    }
    cell->npara = n;
    return 0;
}

/* Lays `doc` out with `fonts` on a trace device and returns the trace
 * (NUL-terminated; the caller frees it), or NULL after printing the
 * paginator's diagnostics to stderr when layout or the trace fails. */
static inline char *jx_test_paginate(jx_fonts *fonts, const jx_doc *doc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return NULL;
    jx_diags d;
    jx_diags_init(&d);
    jx_device *dev = jx_trace_device_create(fp, &d);
    jx_status st = dev ? jx_paginate(doc, fonts, dev, &d) : JX_ERR_NOMEM;
    if (st != JX_OK)
        jx_diags_print(&d, stderr);
    if (dev)
        dev->destroy(dev);
    int closed = fclose(fp);
    jx_diags_free(&d);
    if (st != JX_OK || closed != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

#endif
