/* fuzz_filing.c - libFuzzer target: the filing reader, schema check,
 * composer and page layout.
 *
 * The input bytes are a filing (YAML or JSON), read the way jxgen reads one
 * (jx_render.c): written to filing-PID.yaml in the folder jxfuzz-filing/ in /dev/shm
 * (a RAM disk; $TMPDIR or /tmp when there is none; the file is removed
 * once read) and loaded with
 * jx_include_load(), which parses it (jx_node_parse_buffer), reads the files
 * its include: names and resolves every $ref.  The folder also holds the
 * shared files of tests/data/revision/v1/ (budget.yaml, ...), so seeds that
 * include them resolve.  When it loads, the tree is checked against
 * (jx_schema_check_filing) and composed with every real layout (every
 * layouts/<region>.yaml, the sixth-region demo in tests/data/demo/ and the
 * revision layouts of tests/data/revision/layouts/), loaded once at
 * start-up; messages and sources are remapped to included files as jxgen
 * does.  That exercises the schema check, the arithmetic rules, decimals,
 * rich text (<p>/<ol>) and the row/band/each grammar.  A document that
 * composes is laid out (jx_paginate, fonts of fonts/fonts.yaml) on a device
 * that checks every draw call (fuzz_common.h).
 *
 * Any status is acceptable except JX_ERR_INTERNAL; a failure must say why;
 * a composed document must be a well-formed grid.  Build and run: see
 * tests/fuzz/README.md. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "jx_schema.h"

#define MAX_LAYOUTS 32

static jx_layout *layouts[MAX_LAYOUTS];
static size_t nlayouts;
static char dir[512], filing_path[600];

static void load_layout(const char *path, void *ctx)
{
    (void)ctx;
    if (nlayouts == MAX_LAYOUTS)
        return;
    jx_diags d;
    jx_diags_init(&d);
    jx_layout *l = NULL;
    if (jx_layout_load(path, &l, &d) == JX_OK) {
        layouts[nlayouts++] = l;
    } else {
        fprintf(stderr, "fuzz_filing: skipping layout %s:\n", path);
        jx_diags_print(&d, stderr);
    }
    jx_diags_free(&d);
}

/* Copies a shared file of the revision samples into the private folder. */
static void copy_shared(const char *path, void *ctx)
{
    (void)ctx;
    const char *base = strrchr(path, '/');
    char to[1024];
    snprintf(to, sizeof to, "%s/%s", dir, base ? base + 1 : path);
    FILE *in = fopen(path, "rb"), *out = fopen(to, "wb");
    if (in && out) {
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, out);
    }
    if (in)
        fclose(in);
    if (out)
        fclose(out);
}


int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_glob("layouts/*.yaml", load_layout, NULL);
    fz_glob("tests/data/demo/demo.yaml", load_layout, NULL);
    fz_glob("tests/data/revision/layouts/*.yaml", load_layout, NULL);
    if (nlayouts == 0) {
        fprintf(stderr, "fuzz_filing: no layout loaded from %s (set JX_SOURCE_DIR)\n",
                jx_test_source_dir());
        abort();
    }
    if (!fz_fonts())
        abort();
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/jxfuzz-filing", tmp ? tmp : "/tmp");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        perror(dir);
        abort();
    }
    fz_glob("tests/data/revision/v1/*.yaml", copy_shared, NULL);
    snprintf(filing_path, sizeof filing_path, "%s/filing-%ld.yaml", dir, (long)getpid());
    fprintf(stderr, "fuzz_filing: %zu layouts loaded; filings written to %s\n", nlayouts,
            filing_path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_write_input(filing_path, data, size);
    jx_diags d;
    jx_diags_init(&d);
    jx_node *root = NULL;
    jx_includes *inc = NULL;
    jx_status st = jx_include_load(filing_path, &root, &inc, &d);
    unlink(filing_path);
    fz_print_diags(&d);
    if (st != JX_OK) {
        if (root || inc || d.errors == 0 || st == JX_ERR_INTERNAL)
            abort();
        jx_diags_free(&d);
        return 0;
    }
    if (!root || !inc)
        abort();
    for (size_t i = 0; i < nlayouts; i++) {
        /* jx_compose runs the schema check first; run it alone too, as
         * `jxgen check` does. */
        jx_diags sd;
        jx_diags_init(&sd);
        jx_status cs = jx_schema_check_filing(layouts[i]->schema, root, filing_path, &sd);
        if (cs != JX_OK && cs != JX_ERR_FILING)
            abort();
        if ((cs == JX_OK) != (sd.errors == 0))
            abort();
        jx_includes_remap_diags(inc, &sd, 0);
        fz_print_diags(&sd);
        jx_diags_free(&sd);
        fz_compose_inc(layouts[i], root, filing_path, 1, inc);
    }
    jx_node_free(root);
    jx_includes_free(inc);
    jx_diags_free(&d);
    return 0;
}
