/* fuzz_layout.c - libFuzzer target: the layout reader.
 *
 * The input bytes are a layout file.  jx_layout_load() reads files only, so
 * the bytes are written to a per-process file in /dev/shm (a RAM disk; $TMPDIR
 * or /tmp when there is none), loaded from there and removed: nothing is added to the
 * library for fuzzing.  A layout that loads has passed every check, so it
 * must also compose: every sample filing (the input/ folder, the demo filing and
 * the revision filings of tests/data/revision/v1/)
 * parsed once at start-up is composed with it, and the result must be a
 * well-formed document or an error with a message, never a crash; a
 * document that composes is laid out (jx_paginate) on a device that checks
 * every draw call: finite coordinates and sizes, a bounded page count.
 *
 * Build and run: see tests/fuzz/README.md. */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"

#define MAX_FILINGS 32

static jx_node *filings[MAX_FILINGS];
static char *filing_names[MAX_FILINGS];
static size_t nfilings;
static char layout_path[512];

static void load_filing(const char *path, void *ctx)
{
    (void)ctx;
    if (nfilings == MAX_FILINGS)
        return;
    jx_diags d;
    jx_diags_init(&d);
    jx_node *root = NULL;
    jx_includes *inc = NULL;
    /* Read as jxgen reads filings: include: and $ref resolved. */
    if (jx_include_load(path, &root, &inc, &d) == JX_OK) {
        if (jx_node_get(root, "region")) {
            filing_names[nfilings] = strdup(path);
            filings[nfilings++] = root;
        } else {
            jx_node_free(root); /* shared data, not a filing */
        }
        jx_includes_free(inc);
    }
    jx_diags_free(&d);
}

static void remove_layout_file(void)
{
    if (layout_path[0])
        unlink(layout_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_glob("input/*.yaml", load_filing, NULL);
    fz_glob("input/*.json", load_filing, NULL);
    fz_glob("tests/data/demo/filing.yaml", load_filing, NULL);
    fz_glob("tests/data/revision/v1/*.yaml", load_filing, NULL);
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(layout_path, sizeof layout_path, "%s/jxfuzz-layout-%ld.yaml", dir ? dir : "/tmp",
             (long)getpid());
    atexit(remove_layout_file);
    if (!fz_fonts())
        abort();
    fprintf(stderr, "fuzz_layout: %zu sample filings; layouts written to %s\n", nfilings,
            layout_path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_write_input(layout_path, data, size);
    jx_diags d;
    jx_diags_init(&d);
    jx_layout *l = NULL;
    jx_status st = jx_layout_load(layout_path, &l, &d);
    unlink(layout_path); /* read; nothing is left behind by a crash later on */
    fz_print_diags(&d);
    if (st != JX_OK) {
        if (l || d.errors == 0 || st == JX_ERR_INTERNAL)
            abort();
    } else {
        if (!l || !l->root || !l->region || !l->schema || !l->sections)
            abort();
        for (size_t i = 0; i < nfilings; i++)
            fz_compose(l, filings[i], filing_names[i], 1);
        /* A second run over the same layout: composing must not depend on
         * state left in the layout by the first. */
        if (nfilings)
            fz_compose(l, filings[0], filing_names[0], 0);
    }
    jx_layout_free(l);
    jx_diags_free(&d);
    return 0;
}
