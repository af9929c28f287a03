/* jx_render.c - one filing, from its file to its outputs. */
#include "jx_render.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jx_colfit.h"
#include "jx_compose.h"
#include "jx_pdf.h"
#include "jx_fontcfg.h"
#include "jx_i18n.h"
#include "jx_import.h"
#include "jx_include.h"
#include "jx_paginate.h"
#include "jx_trace.h"
#include "jx_regions.h"
#include "jx_schema.h"
#include "jx_util.h"
#include "jx_xlsx.h"

#define MAX_LAYOUTS 64

struct jx_renderer {
    jx_render_options opts;
    char *layouts_dir;
    jx_fonts *fonts;
    unsigned long long fonts_fp;
    jx_layout *layouts[MAX_LAYOUTS];
    int nlayouts;
};

jx_status jx_renderer_create(const jx_render_options *opts, jx_renderer **out, jx_diags *d)
{
    *out = NULL;
    jx_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return jx_diag_error(d, JX_ERR_NOMEM, NULL, 0, 0, _("out of memory"));
    r->opts = *opts;
    r->layouts_dir = strdup(opts->layouts_dir ? opts->layouts_dir : "layouts");
    jx_status st = r->layouts_dir ? JX_OK : JX_ERR_NOMEM;
    if (st == JX_OK && opts->fonts_dir)
        st = jx_fontcfg_load(opts->fonts_dir, &r->fonts, &r->fonts_fp, d);
    if (st != JX_OK) {
        jx_renderer_free(r);
        return st;
    }
    r->opts.layouts_dir = r->layouts_dir;
    r->opts.fonts_dir = NULL;
    *out = r;
    return JX_OK;
}

void jx_renderer_free(jx_renderer *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->nlayouts; i++)
        jx_layout_free(r->layouts[i]);
    jx_fonts_free(r->fonts);
    free(r->layouts_dir);
    free(r);
}

unsigned long long jx_renderer_fonts_fingerprint(const jx_renderer *r)
{
    return r->fonts ? r->fonts_fp : 0;
}

/* Reports a region that has no layout: which regions there are, and the
 * one it most likely means. */
static void unknown_region(const jx_renderer *r, const char *region, const char *file, int line,
                           int col, jx_diags *d)
{
    jx_region_info *list = NULL;
    size_t n = 0;
    if (jx_regions_list(r->layouts_dir, NULL, &list, &n) != 0 || n == 0) {
        jx_diags_add(d, JX_SEV_ERROR, file, line, col, "unknown-region",
                     _("unknown region '%s': there are no layouts in %s"), region,
                     r->layouts_dir);
        jx_regions_free(list, n);
        return;
    }
    jx_buf all = {0};
    jx_regions_describe(list, n, &all);
    const jx_region_info *near = jx_regions_suggest(list, n, region);
    if (near && *near->place)
        jx_diags_add(d, JX_SEV_ERROR, file, line, col, "unknown-region",
                     _("unknown region '%s': did you mean region: %s (%s)? The regions are "
                       "%s (jxgen regions lists them)"),
                     region, near->key, near->place, jx_buf_str(&all));
    else if (near)
        jx_diags_add(d, JX_SEV_ERROR, file, line, col, "unknown-region",
                     _("unknown region '%s': did you mean region: %s? The regions are "
                       "%s (jxgen regions lists them)"),
                     region, near->key, jx_buf_str(&all));
    else
        jx_diags_add(d, JX_SEV_ERROR, file, line, col, "unknown-region",
                     _("unknown region '%s'. The regions are %s (jxgen regions lists them)"),
                     region, jx_buf_str(&all));
    jx_buf_free(&all);
    jx_regions_free(list, n);
}

const jx_layout *jx_renderer_layout(jx_renderer *r, const char *region, const char *file,
                                    int line, int col, jx_diags *d)
{
    for (int i = 0; i < r->nlayouts; i++)
        if (strcmp(r->layouts[i]->region, region) == 0)
            return r->layouts[i];
    char path[PATH_MAX];
    struct stat sb;
    int ok = jx_name_valid(region);
    if (ok)
        snprintf(path, sizeof path, "%s/%s.yaml", r->layouts_dir, region);
    if (!ok || stat(path, &sb) != 0) {
        unknown_region(r, region, file, line, col, d);
        return NULL;
    }
    jx_layout *l = NULL;
    if (jx_layout_load(path, &l, d) != JX_OK)
        return NULL;
    if (strcmp(l->region, region) != 0) {
        jx_diag_error(d, JX_ERR_LAYOUT, path, 0, 0, _("the layout says region: %s but is named %s.yaml"),
                      l->region, region);
        jx_layout_free(l);
        return NULL;
    }
    if (r->nlayouts == MAX_LAYOUTS) {
        jx_diag_error(d, JX_ERR_LIMIT, path, 0, 0, _("more than %d regions in one run"), MAX_LAYOUTS);
        jx_layout_free(l);
        return NULL;
    }
    r->layouts[r->nlayouts++] = l;
    return l;
}

const jx_render_options *jx_renderer_options(const jx_renderer *r)
{
    return &r->opts;
}

void jx_filing_free(jx_filing *f)
{
    if (!f)
        return;
    jx_node_free(f->root);
    jx_includes_free(f->includes);
    jx_import_origins_free(f->origins);
    free(f->origins);
    jx_import_edits_free(f->edits);
    free(f->edits);
    free(f);
}


/* Frees what reading a workbook put into f (its tree, includes and
 * origins) and leaves those fields NULL; f's other fields stay. */
static void drop_read(jx_filing *f)
{
    jx_node_free(f->root);
    jx_includes_free(f->includes);
    jx_import_origins_free(f->origins);
    free(f->origins);
    f->root = NULL;
    f->includes = NULL;
    f->origins = NULL;
}
/* A workbook or CSV table as a filing (jx_import.h): the filing it reads
 * back, standalone (no include:), with f->edits set inside template texts. */
static jx_status read_workbook(const char *path, jx_filing *f, jx_diags *d)
{
    jx_buf yaml = {0};
    f->origins = calloc(1, sizeof *f->origins);
    jx_status st = f->origins ? jx_import_read_edited(path, NULL, 0, f->edits, &yaml, f->origins, d)
                              : jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    if (st == JX_OK)
        st = jx_node_parse_buffer(path, jx_buf_str(&yaml), yaml.len, &f->root, d);
    jx_buf_free(&yaml);
    if (st == JX_OK && !(f->includes = calloc(1, sizeof *f->includes)))
        st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    if (st == JX_OK) {
        f->includes->count = 1;
        f->includes->files[0].path = jx_strdup(path);
        f->includes->files[0].lines = 1 << 30;
        if (!f->includes->files[0].path)
            st = jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    }
    if (st != JX_OK)
        drop_read(f);
    return st;
}

/* The values a clerk edited inside the template texts of a workbook: the
 * filing as written is composed (its messages discarded: the real
 * composition reports them) and its texts compared with the workbook's
 * cells; when any value changed, the workbook is read again with them. */
static jx_status read_template_edits(jx_renderer *r, const char *path, jx_filing *f, jx_diags *d)
{
    if (!f->origins || !f->origins->ntcells)
        return JX_OK;
    jx_diags scratch;
    jx_diags_init(&scratch);
    jx_compose_options copts = {"jxgen", r->opts.date_epoch};
    jx_doc *doc = NULL;
    jx_status st = JX_OK;
    if (jx_compose(f->layout, f->root, f->path, &copts, &doc, &scratch) == JX_OK) {
        jx_import_edits *e = calloc(1, sizeof *e);
        st = e ? jx_import_template_edits(f->origins, doc, e, d)
               : jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
        if (st == JX_OK && e->count) {
            drop_read(f);
            f->edits = e;
            e = NULL;
            st = read_workbook(path, f, d);
            f->path = st == JX_OK ? f->includes->files[0].path : NULL;
        }
        jx_import_edits_free(e);
        free(e);
    }
    jx_doc_free(doc);
    jx_diags_free(&scratch);
    return st;
}

jx_status jx_renderer_read(jx_renderer *r, const char *path, jx_filing **out, jx_diags *d)
{
    *out = NULL;
    jx_filing *f = calloc(1, sizeof *f);
    if (!f)
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    jx_status st = jx_import_handles(path) ? read_workbook(path, f, d)
                                           : jx_include_load(path, &f->root, &f->includes, d);
    if (st != JX_OK) {
        free(f);
        return st;
    }
    f->path = f->includes->files[0].path;
    const jx_node *region = jx_node_get(f->root, "region");
    if (f->root->kind != JX_NODE_MAP || !jx_node_text(region)) {
        const jx_node *at = region ? region : f->root;
        st = jx_diag_error(d, JX_ERR_FILING, path, at->line, at->col,
                           _("a filing needs region: (e.g. region: changzhou) to select its form; jxgen regions lists them"));
        jx_filing_free(f);
        return st;
    }
    f->layout = jx_renderer_layout(r, jx_node_text(region), path, region->line, region->col, d);
    if (!f->layout) {
        st = d->count && d->items[d->count - 1].rule &&
                     strcmp(d->items[d->count - 1].rule, "unknown-region") == 0
                 ? JX_ERR_FILING
                 : JX_ERR_LAYOUT;
        jx_filing_free(f);
        return st;
    }
    if (f->layout->schema && jx_schema_accept_labels(f->layout->schema, f->root, path, d) < 0) {
        jx_filing_free(f);
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    }
    if ((st = read_template_edits(r, path, f, d)) != JX_OK) {
        jx_filing_free(f);
        return st;
    }
    *out = f;
    return JX_OK;
}

jx_status jx_renderer_compose_filing(jx_renderer *r, jx_filing *f, jx_doc **doc, jx_diags *d)
{
    if (doc)
        *doc = NULL;
    char creator[64];
    snprintf(creator, sizeof creator, "jxgen %s", JX_VERSION);
    jx_compose_options copts = {creator, r->opts.date_epoch};
    size_t warnings = d->warnings, from = d->count;
    jx_doc *result = NULL;
    jx_status st = jx_compose(f->layout, f->root, f->path, &copts, &result, d);
    if (st == JX_OK && r->fonts) /* columns fitted to their content, for both outputs */
        st = jx_doc_fit_columns(result, r->fonts, d);
    /* A text the workbook cannot hold fails check as it fails build. */
    if (st == JX_OK)
        st = jx_xlsx_check(result, d);
    if (st == JX_OK && r->opts.strict && d->warnings > warnings)
        st = jx_diag_error(d, JX_ERR_FILING, f->path, 0, 0,
                           _("%zu warning(s) treated as errors (--strict)"), d->warnings - warnings);
    /* Messages and cell sources about shared values name the included file. */
    jx_includes_remap_diags(f->includes, d, from);
    /* ...and messages about a value read from a workbook name its cell. */
    jx_import_remap_diags(f->origins, f->path, d, from);
    if (st == JX_OK)
        jx_doc_remap_includes(result, f->includes);
    /* The workbook keeps the filing as written, for jxgen import. */
    if (st == JX_OK && jx_import_record(result, f->root) != JX_OK)
        st = jx_diag_error(d, JX_ERR_NOMEM, f->path, 0, 0, _("out of memory"));
    if (st == JX_OK && doc)
        *doc = result;
    else
        jx_doc_free(result);
    return st;
}

jx_status jx_renderer_compose(jx_renderer *r, const char *path, jx_doc **doc, jx_diags *d)
{
    if (doc)
        *doc = NULL;
    jx_filing *f = NULL;
    jx_status st = jx_renderer_read(r, path, &f, d);
    jx_doc *laid = NULL;
    if (st == JX_OK)
        st = jx_renderer_compose_filing(r, f, doc || r->fonts ? &laid : NULL, d);
    jx_filing_free(f);
    /* Discarded with fonts loaded (jxgen check): the document is laid out
     * as build lays it out, so that check fails where build would (#11). */
    if (st == JX_OK && laid && !doc && r->fonts)
        st = jx_paginate_check(laid, r->fonts, d);
    if (st == JX_OK && doc)
        *doc = laid;
    else
        jx_doc_free(laid);
    return st;
}

void jx_render_output_name(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    snprintf(buf, n, "%s", name);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
}

/* Draws the document into `out` (opened, not owned) with the PDF (or
 * trace) device and finishes it; the caller commits or aborts it. */
static jx_status write_pages(jx_renderer *r, const jx_doc *doc, jx_file_out *out, jx_diags *d)
{
    FILE *trace = NULL;
    jx_device *dev;
    if (r->opts.trace) {
        int fd = dup(out->fd);
        trace = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!trace) {
            if (fd >= 0)
                close(fd);
            return jx_diag_error(d, JX_ERR_IO, out->path, 0, 0, _("cannot write: %s"),
                                 jx_strerror(errno));
        }
        dev = jx_trace_device_create(trace, d);
    } else {
        dev = jx_pdf_device_create_into(out, r->fonts, d);
    }
    if (!dev) {
        if (trace)
            fclose(trace);
        return jx_diag_error(d, JX_ERR_NOMEM, out->path, 0, 0, _("out of memory"));
    }
    jx_status st = jx_paginate(doc, r->fonts, dev, d);
    dev->destroy(dev);
    if (trace && fclose(trace) != 0 && st == JX_OK)
        st = jx_diag_error(d, JX_ERR_IO, out->path, 0, 0, _("cannot write: %s"),
                           jx_strerror(errno));
    if (trace && st == JX_OK)
        st = jx_file_out_finish(out, d);
    return st;
}

/* Says which of the outputs `path` (one of a failed pair) a person finds. */
static void report_output(jx_diags *d, const char *path, int replaced)
{
    if (replaced)
        jx_diags_add(d, JX_SEV_NOTE, NULL, 0, 0, NULL, _("%s was written"), path);
    else if (access(path, F_OK) == 0)
        jx_diags_add(d, JX_SEV_NOTE, NULL, 0, 0, NULL,
                     _("%s was not replaced: the previous one is kept"), path);
    else
        jx_diags_add(d, JX_SEV_NOTE, NULL, 0, 0, NULL, _("%s was not written"), path);
}

jx_status jx_renderer_build(jx_renderer *r, const char *path, const char *out_dir, jx_diags *d)
{
    if (!r->fonts)
        return jx_diag_error(d, JX_ERR_USAGE, path, 0, 0, _("the renderer has no fonts loaded"));
    jx_doc *doc = NULL;
    jx_status st = jx_renderer_compose(r, path, &doc, d);
    if (st != JX_OK)
        return st;
    char name[NAME_MAX + 1];
    jx_render_output_name(path, name, sizeof name);
    const char *ext = r->opts.trace ? "trace" : "pdf";
    char pages[PATH_MAX], book[PATH_MAX];
    int n1 = snprintf(pages, sizeof pages, "%s/%s.%s", out_dir, name, ext);
    int n2 = snprintf(book, sizeof book, "%s/%s.xlsx", out_dir, name);
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof pages || (size_t)n2 >= sizeof book) {
        jx_doc_free(doc);
        return jx_diag_error(d, JX_ERR_IO, path, 0, 0, _("output path too long"));
    }
    struct stat in_sb, out_sb;
    if (jx_import_handles(path) && stat(path, &in_sb) == 0 && stat(book, &out_sb) == 0 &&
        in_sb.st_dev == out_sb.st_dev && in_sb.st_ino == out_sb.st_ino) {
        jx_doc_free(doc);
        return jx_diag_error(d, JX_ERR_USAGE, path, 0, 0,
                             _("the workbook would replace itself: build it into another "
                               "folder (-o)"));
    }
    /* Both outputs are written and finished under temporary names first;
     * only then is each put in place, so a failure keeps both previous
     * outputs (or, when the second commit fails, the first is new). */
    jx_file_out pages_out = {NULL, NULL, -1}, book_out = {NULL, NULL, -1};
    int pages_replaced = 0;
    st = jx_file_out_open(&pages_out, pages, d);
    if (st == JX_OK)
        st = write_pages(r, doc, &pages_out, d);
    if (st == JX_OK)
        st = jx_file_out_open(&book_out, book, d);
    if (st == JX_OK)
        st = jx_xlsx_write_into(doc, r->fonts, &book_out, d);
    if (st == JX_OK && (st = jx_file_out_commit(&pages_out, d)) == JX_OK)
        pages_replaced = 1;
    if (st == JX_OK)
        st = jx_file_out_commit(&book_out, d);
    if (st != JX_OK) {
        jx_file_out_abort(&pages_out);
        jx_file_out_abort(&book_out);
        report_output(d, pages, pages_replaced);
        report_output(d, book, 0);
    }
    jx_doc_free(doc);
    return st;
}
