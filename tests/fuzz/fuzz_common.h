/* fuzz_common.h - helpers shared by the libFuzzer targets (tests/fuzz/).
 *
 * Header-only so each target is one translation unit.  Nothing here is part
 * of the engine: the targets call the library exactly as jxgen does. */
#ifndef JX_FUZZ_COMMON_H
#define JX_FUZZ_COMMON_H

#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "jx_compose.h"
#include "jx_device.h"
#include "jx_diag.h"
#include "jx_fontcfg.h"
#include "jx_include.h"
#include "jx_doc.h"
#include "jx_layout.h"
#include "jx_node.h"
#include "jx_paginate.h"
#include "../unit/jx_test.h"

/* The libFuzzer entry points each target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* Calls fn(path, ctx) for every file matching source_dir/pattern, sorted. */
static inline void fz_glob(const char *pattern, void (*fn)(const char *, void *), void *ctx)
{
    char full[4096];
    snprintf(full, sizeof full, "%s/%s", jx_test_source_dir(), pattern);
    glob_t g;
    if (glob(full, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++)
        fn(g.gl_pathv[i], ctx);
    globfree(&g);
}

/* Writes the fuzzer's input data[0..size) to path, the file the target
 * then reads; aborts when it cannot (no finding would mean anything). */
static inline void fz_write_input(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();
}

/* Prints the messages somewhere harmless: formatting them is part of what
 * the fuzzer exercises (messages quote input text). */
static inline void fz_print_diags(const jx_diags *d)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (!sink)
        return;
    jx_diags_print(d, sink);
    jx_diags_print_json(d, sink);
}

/* Reads every string and array of a composed document, so that ASan sees a
 * dangling or short pointer left in it; aborts on a broken invariant. */
static inline size_t fz_touch_text(const char *s)
{
    return s ? strlen(s) : 0;
}

static inline void fz_walk_doc(const jx_doc *doc)
{
    volatile size_t sum = 0;
    sum += fz_touch_text(doc->info.title) + fz_touch_text(doc->info.author) +
           fz_touch_text(doc->info.subject) + fz_touch_text(doc->info.keywords) +
           fz_touch_text(doc->info.creator);
    for (size_t s = 0; s < doc->nsections; s++) {
        const jx_section *sec = &doc->sections[s];
        sum += fz_touch_text(sec->sheet_name) + fz_touch_text(sec->bookmark) +
               fz_touch_text(sec->page.page_number_format);
        for (size_t b = 0; b < sec->nblocks; b++) {
            const jx_block *blk = &sec->blocks[b];
            sum += fz_touch_text(blk->bookmark) + fz_touch_text(blk->style.font_role);
            if (blk->kind == JX_BLOCK_PARAGRAPH)
                sum += fz_touch_text(blk->para.text);
            if (blk->kind != JX_BLOCK_TABLE)
                continue;
            const jx_table *t = blk->table;
            if (!t)
                abort();
            char msg[256];
            if (jx_table_check(t, msg, sizeof msg) != JX_OK) {
                fprintf(stderr, "composed table is not a grid: %s\n", msg);
                abort();
            }
            for (int c = 0; c < t->ncols; c++)
                sum += (size_t)(t->col_widths[c] > 0);
            for (int r = 0; r < t->nrows; r++)
                sum += (size_t)t->rows[r].header;
            for (size_t i = 0; i < t->ncells; i++) {
                const jx_cell *cell = &t->cells[i];
                sum += fz_touch_text(cell->number_format) + fz_touch_text(cell->formula) +
                       fz_touch_text(cell->style.font_role) + fz_touch_text(cell->source.file) +
                       fz_touch_text(cell->source.path) + fz_touch_text(cell->source.label) +
                       fz_touch_text(cell->source.unit);
                for (size_t p = 0; p < cell->npara; p++) {
                    if (!cell->paras[p].text)
                        abort();
                    sum += fz_touch_text(cell->paras[p].text);
                }
            }
        }
    }
    (void)sum;
}

/* A device that draws nothing and checks every call: coordinates, sizes
 * and widths finite, calls in order, and a bounded number of pages (a
 * layout or filing must not make the paginator run away). */
#define FZ_MAX_PAGES 20000

typedef struct fz_device {
    jx_device base; /* first */
    int in_page, closed;
    long pages;
} fz_device;

#define FZ_CHECK(cond)                                                                         \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz device: %s (%s:%d)\n", #cond, __FILE__, __LINE__);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static jx_status fz_begin_document(jx_device *d, const jx_doc_info *info)
{
    (void)d;
    FZ_CHECK(info != NULL);
    return JX_OK;
}

static jx_status fz_begin_page(jx_device *d, double w, double h)
{
    fz_device *dev = (fz_device *)d;
    FZ_CHECK(!dev->in_page && !dev->closed);
    FZ_CHECK(isfinite(w) && isfinite(h) && w > 0 && h > 0);
    FZ_CHECK(++dev->pages <= FZ_MAX_PAGES);
    dev->in_page = 1;
    return JX_OK;
}

static jx_status fz_draw_text(jx_device *d, const jx_face *face, double size, double x, double y,
                              const char *text, size_t len)
{
    fz_device *dev = (fz_device *)d;
    FZ_CHECK(dev->in_page);
    FZ_CHECK(face != NULL && text != NULL && len > 0);
    FZ_CHECK(isfinite(size) && size > 0 && isfinite(x) && isfinite(y));
    volatile char last = text[len - 1];
    (void)last;
    return JX_OK;
}

static jx_status fz_draw_text_spaced(jx_device *d, const jx_face *face, double size, double x,
                                     double y, const char *text, size_t len, double spacing)
{
    FZ_CHECK(isfinite(spacing));
    return fz_draw_text(d, face, size, x, y, text, len);
}

static jx_status fz_draw_rule(jx_device *d, double x0, double y0, double x1, double y1,
                              double w)
{
    fz_device *dev = (fz_device *)d;
    FZ_CHECK(dev->in_page);
    FZ_CHECK(isfinite(x0) && isfinite(y0) && isfinite(x1) && isfinite(y1));
    FZ_CHECK(isfinite(w) && w >= 0);
    return JX_OK;
}

static jx_status fz_add_bookmark(jx_device *d, const char *title, int level, double y)
{
    fz_device *dev = (fz_device *)d;
    FZ_CHECK(dev->in_page && title != NULL && level >= 0 && isfinite(y));
    return JX_OK;
}

static jx_status fz_end_page(jx_device *d)
{
    fz_device *dev = (fz_device *)d;
    FZ_CHECK(dev->in_page);
    dev->in_page = 0;
    return JX_OK;
}

static jx_status fz_close(jx_device *d)
{
    fz_device *dev = (fz_device *)d;
    FZ_CHECK(!dev->in_page && !dev->closed);
    dev->closed = 1;
    return JX_OK;
}

static inline void fz_destroy(jx_device *d)
{
    (void)d;
}

/* The font roles of fonts/fonts.yaml, loaded once (NULL when none load). */
static inline jx_fonts *fz_fonts(void)
{
    static jx_fonts *fonts;
    static int tried;
    if (!tried) {
        tried = 1;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/fonts", jx_test_source_dir());
        jx_diags d;
        jx_diags_init(&d);
        if (jx_fontcfg_load(dir, &fonts, NULL, &d) != JX_OK) {
            jx_diags_print(&d, stderr);
            fonts = NULL;
        }
        jx_diags_free(&d);
    }
    return fonts;
}

/* Lays a composed document out on the checking device.  Errors (a
 * character no font has, ...) are fine; JX_ERR_INTERNAL is a bug. */
static inline void fz_paginate(const jx_doc *doc)
{
    jx_fonts *fonts = fz_fonts();
    if (!fonts)
        abort();
    jx_diags d;
    jx_diags_init(&d);
    fz_device dev = {.base = {.begin_document = fz_begin_document,
                              .begin_page = fz_begin_page,
                              .draw_text = fz_draw_text,
                              .draw_text_spaced = fz_draw_text_spaced,
                              .draw_rule = fz_draw_rule,
                              .add_bookmark = fz_add_bookmark,
                              .end_page = fz_end_page,
                              .close = fz_close,
                              .destroy = fz_destroy,
                              .diags = &d}};
    jx_status st = jx_paginate(doc, fonts, &dev.base, &d);
    fz_print_diags(&d);
    if (st == JX_OK) {
        FZ_CHECK(dev.closed);
    } else if (st == JX_ERR_INTERNAL || d.errors == 0) {
        jx_diags_print(&d, stderr);
        fprintf(stderr, "jx_paginate: %s\n", jx_status_str(st));
        abort();
    }
    jx_diags_free(&d);
}

/* Composes `filing` against `layout` the way jxgen does, checks and walks
 * the result, and lays it out when `paginate` is set.  Any status is fine
 * except JX_ERR_INTERNAL (a broken invariant); JX_OK must come with a
 * document, a failure with a message. */
static inline void fz_compose_inc(const jx_layout *layout, const jx_node *filing, const char *name,
                           int paginate, const jx_includes *inc)
{
    jx_diags d;
    jx_diags_init(&d);
    jx_compose_options opts = {"jxgen fuzz", 946684800LL};
    jx_doc *doc = NULL;
    jx_status st = jx_compose(layout, filing, name, &opts, &doc, &d);
    if (inc) {
        /* As jx_render.c does: messages and sources name the included file. */
        jx_includes_remap_diags(inc, &d, 0);
        if (st == JX_OK && doc)
            jx_doc_remap_includes(doc, inc);
    }
    fz_print_diags(&d);
    if (st == JX_OK) {
        if (!doc)
            abort();
        fz_walk_doc(doc);
        if (paginate)
            fz_paginate(doc);
    } else if (doc || st == JX_ERR_INTERNAL || d.errors == 0) {
        /* A failure always says why, and leaves nothing to free. */
        fprintf(stderr, "jx_compose: status %s with %zu errors, doc %p\n", jx_status_str(st),
                d.errors, (void *)doc);
        abort();
    }
    jx_doc_free(doc);
    jx_diags_free(&d);
}

static inline void fz_compose(const jx_layout *layout, const jx_node *filing,
                              const char *name, int paginate)
{
    fz_compose_inc(layout, filing, name, paginate, NULL);
}

#endif
