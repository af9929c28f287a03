/* jx_render.h - one filing, from its file to its outputs.
 *
 * A renderer holds what is loaded once per process and shared by every
 * filing of a batch: the font set and the layouts met so far.  For each
 * filing it reads the file and the shared files it includes (resolving
 * every `$ref`, jx_include.h), selects the layout by `region:`, composes the
 * document and writes OUTDIR/<name>.pdf and OUTDIR/<name>.xlsx, both first
 * to temporary files beside them (jx_file.h) that are renamed into place
 * only when both are written: a failing filing leaves its previous outputs
 * untouched. */
#ifndef JX_RENDER_H
#define JX_RENDER_H

#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_layout.h"
#include "jx_node.h"
#include "jx_text.h"

typedef struct jx_renderer jx_renderer;

typedef struct jx_render_options {
    const char *layouts_dir;  /* folder of <region>.yaml */
    const char *fonts_dir;    /* folder of fonts.yaml (NULL: check only, no fonts) */
    int trace;                /* write <name>.trace (draw calls as text) instead of a PDF */
    long long date_epoch;     /* date written into the files */
    int strict;               /* warnings about a filing count as errors */
} jx_render_options;

/* Creates a renderer; loads the fonts when fonts_dir is set.  Returns JX_OK
 * and *out, or JX_ERR_FONT/JX_ERR_IO/JX_ERR_NOMEM with messages. */
jx_status jx_renderer_create(const jx_render_options *opts, jx_renderer **out, jx_diags *d);
void jx_renderer_free(jx_renderer *r);

/* A filing read and assembled: its include: files read, every $ref
 * resolved (jx_include.h), its layout selected. */
typedef struct jx_filing {
    const char *path;          /* as given (owned by includes) */
    jx_node *root;             /* the resolved tree */
    struct jx_includes *includes; /* the files it was assembled from; files[0] is the filing */
    const jx_layout *layout;   /* owned by the renderer */
    struct jx_import_origins *origins; /* a workbook: the cell of each value, or NULL */
    struct jx_import_edits *edits; /* a workbook: values edited inside template texts
                                      (jx_import_template_edits), or NULL */
} jx_filing;

/* Reads a filing, resolves its includes and selects its layout (a
 * workbook: with the values a clerk edited inside template texts, found by
 * composing the filing as written and comparing its texts with the
 * workbook's cells; f->edits lists them).  Returns
 * JX_OK and *out (free with jx_filing_free), or the first error with
 * messages (positions in included files name those files). */
jx_status jx_renderer_read(jx_renderer *r, const char *path, jx_filing **out, jx_diags *d);

/* Checks and composes a filing read by jx_renderer_read (the tree's keys are
 * marked used).  Returns JX_OK and *doc (may be NULL to discard), or the
 * first error.  Cell sources of shared values name the included file. */
jx_status jx_renderer_compose_filing(jx_renderer *r, jx_filing *f, jx_doc **doc, jx_diags *d);

void jx_filing_free(jx_filing *f);

/* The options the renderer was made with (layouts_dir is the renderer's copy;
 * fonts_dir is NULL after creation). */
const jx_render_options *jx_renderer_options(const jx_renderer *r);

/* Reads and checks one filing and composes its document (not written).
 * Returns JX_OK and *doc (free with jx_doc_free; may pass NULL to discard),
 * or the first error.  With doc NULL and fonts loaded the document is also
 * laid out (jx_paginate_check), so that `check` fails where `build` would. */
jx_status jx_renderer_compose(jx_renderer *r, const char *path, jx_doc **doc, jx_diags *d);

/* Renders one filing into out_dir.  Returns JX_OK or the first error. */
jx_status jx_renderer_build(jx_renderer *r, const char *path, const char *out_dir, jx_diags *d);

/* The output base name of a filing path: the file name without its
 * extension.  Writes at most n bytes. */
void jx_render_output_name(const char *path, char *buf, size_t n);

/* Fingerprint of the fonts in use (for rebuild decisions); 0 without fonts. */
unsigned long long jx_renderer_fonts_fingerprint(const jx_renderer *r);

/* The layout a filing selects (loading it once), or NULL with messages. */
const jx_layout *jx_renderer_layout(jx_renderer *r, const char *region, const char *file,
                                    int line, int col, jx_diags *d);

#endif
