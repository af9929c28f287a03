/* fuzz_filing.c - libFuzzer target: the filing reader, schema check and
 * composer.
 *
 * The input bytes are a filing (YAML or JSON).  They are parsed with
 * jx_node_parse_buffer(); when they parse, the tree is checked against and
 * composed with every real layout (every layouts/<region>.yaml and the sixth-region demo
 * in tests/data/demo/), loaded once at start-up.  That exercises the schema
 * check, decimals, rich text (<p>/<ol>) and the row/band/each grammar.  A
 * document that composes is laid out (jx_paginate, fonts of fonts/fonts.yaml)
 * on a device that checks every draw call (fuzz_common.h).
 *
 * Any status is acceptable except JX_ERR_INTERNAL; a failure must say why;
 * a composed document must be a well-formed grid.  Build and run: see
 * tests/fuzz/README.md. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "jx_schema.h"

#define MAX_LAYOUTS 32

static jx_layout *layouts[MAX_LAYOUTS];
static size_t nlayouts;

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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_glob("layouts/*.yaml", load_layout, NULL);
    fz_glob("tests/data/demo/demo.yaml", load_layout, NULL);
    if (nlayouts == 0) {
        fprintf(stderr, "fuzz_filing: no layout loaded from %s (set JX_SOURCE_DIR)\n",
                fz_source_dir());
        abort();
    }
    if (!fz_fonts())
        abort();
    fprintf(stderr, "fuzz_filing: %zu layouts loaded\n", nlayouts);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jx_diags d;
    jx_diags_init(&d);
    jx_node *root = NULL;
    jx_status st = jx_node_parse_buffer("fuzz.yaml", (const char *)data, size, &root, &d);
    fz_print_diags(&d);
    if (st != JX_OK) {
        if (root || d.errors == 0 || st == JX_ERR_INTERNAL)
            abort();
        jx_diags_free(&d);
        return 0;
    }
    if (!root)
        abort();
    for (size_t i = 0; i < nlayouts; i++) {
        /* jx_compose runs the schema check first; run it alone too, as
         * `jxgen check` does. */
        jx_diags sd;
        jx_diags_init(&sd);
        jx_status cs = jx_schema_check_filing(layouts[i]->schema, root, "fuzz.yaml", &sd);
        if (cs != JX_OK && cs != JX_ERR_FILING)
            abort();
        if ((cs == JX_OK) != (sd.errors == 0))
            abort();
        fz_print_diags(&sd);
        jx_diags_free(&sd);
        fz_compose(layouts[i], root, "fuzz.yaml", 1);
    }
    jx_node_free(root);
    jx_diags_free(&d);
    return 0;
}
