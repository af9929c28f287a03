/* main.c - the jxgen command line.
 *
 *   jxgen build [FILE|DIR]... [-o OUTDIR]   render filings to PDF and XLSX
 *   jxgen check FILE|DIR...                 read and validate only
 *
 * Exit status: 0 success, 1 a filing is wrong, 2 usage or I/O error. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jx_compose.h"
#include "jx_device.h"
#include "jx_fontcfg.h"
#include "jx_layout.h"
#include "jx_node.h"
#include "jx_paginate.h"
#include "jx_xlsx.h"

#define EXIT_FILING 1
#define EXIT_USAGE 2
#define DEFAULT_EPOCH 946684800LL /* 2000-01-01T00:00:00Z when SOURCE_DATE_EPOCH is unset */

typedef struct options {
    const char *command;
    const char *out_dir;
    const char *home;
    char layouts_dir[PATH_MAX];
    char fonts_dir[PATH_MAX];
    int trace;
    int json;
    char **inputs;
    int ninputs;
} options;

typedef struct layout_cache {
    jx_layout *items[64];
    int count;
} layout_cache;

static void usage(FILE *out)
{
    fputs("usage: jxgen build [FILE|DIR]... [-o OUTDIR]   render filings (default: input/ -> out/)\n"
          "       jxgen check FILE|DIR...                 read and validate filings only\n"
          "       jxgen --help | --version\n"
          "\n"
          "A filing is YAML (or JSON) with `region: NAME` selecting layouts/NAME.yaml.\n"
          "A directory means every .yaml, .yml and .json file in it.\n"
          "Outputs: OUTDIR/<filing name>.pdf and OUTDIR/<filing name>.xlsx, each written\n"
          "to a temporary file and renamed into place, so a failure never leaves a\n"
          "half-written file or destroys the previous one.\n"
          "\n"
          "options:\n"
          "  -o, --out DIR      output directory (default: out)\n"
          "  --layouts DIR      layout files (default: <jxgen home>/layouts)\n"
          "  --fonts DIR        font roles and licensed fonts (default: <jxgen home>/fonts)\n"
          "  --trace            write <name>.trace (every draw call as text) instead of a PDF\n"
          "  --format=json      messages as JSON lines\n"
          "\n"
          "The jxgen home is $JX_HOME, else the folder above the jxgen binary's build\n"
          "folder that holds layouts/, else the source tree jxgen was built from.\n"
          "SOURCE_DATE_EPOCH sets the date written into the files (default 2000-01-01).\n"
          "exit status: 0 success, 1 a filing is wrong, 2 usage or I/O error\n",
          out);
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Finds the folder holding layouts/ and fonts/. */
static const char *find_home(char *buf, size_t n)
{
    const char *env = getenv("JX_HOME");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            char probe[PATH_MAX + 16];
            snprintf(probe, sizeof probe, "%s/layouts", exe);
            if (is_dir(probe)) {
                snprintf(buf, n, "%s", exe);
                return buf;
            }
        }
    }
    if (is_dir("layouts"))
        return ".";
    return JX_SOURCE_DIR;
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && strcmp(name + n - e, ext) == 0;
}

static int is_filing_name(const char *name)
{
    return name[0] != '.' &&
           (has_ext(name, ".yaml") || has_ext(name, ".yml") || has_ext(name, ".json"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expands the inputs into a sorted list of filing paths. */
static int collect_filings(const options *o, char ***out, int *count)
{
    char **list = NULL;
    int n = 0, cap = 0, rc = 0;
    for (int i = 0; i < o->ninputs; i++) {
        const char *in = o->inputs[i];
        if (is_dir(in)) {
            DIR *dir = opendir(in);
            if (!dir) {
                fprintf(stderr, "%s: error: cannot read directory: %s\n", in, strerror(errno));
                rc = EXIT_USAGE;
                continue;
            }
            struct dirent *e;
            int first = n;
            while ((e = readdir(dir))) {
                if (!is_filing_name(e->d_name))
                    continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    char **nl = realloc(list, (size_t)cap * sizeof *nl);
                    if (!nl) {
                        closedir(dir);
                        goto oom;
                    }
                    list = nl;
                }
                size_t len = strlen(in) + strlen(e->d_name) + 2;
                list[n] = malloc(len);
                if (!list[n]) {
                    closedir(dir);
                    goto oom;
                }
                snprintf(list[n], len, "%s/%s", in, e->d_name);
                n++;
            }
            closedir(dir);
            qsort(list + first, (size_t)(n - first), sizeof *list, cmp_str);
        } else {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                char **nl = realloc(list, (size_t)cap * sizeof *nl);
                if (!nl)
                    goto oom;
                list = nl;
            }
            list[n] = strdup(in);
            if (!list[n])
                goto oom;
            n++;
        }
    }
    *out = list;
    *count = n;
    return rc;
oom:
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    fprintf(stderr, "jxgen: error: out of memory\n");
    return EXIT_USAGE;
}

static int valid_region(const char *r)
{
    if (!r || !*r || strlen(r) > 64)
        return 0;
    for (const char *p = r; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* Returns the layout for region (loading it once), or NULL with messages. */
static jx_layout *layout_for(layout_cache *cache, const options *o, const char *region,
                             const jx_node *at, const char *file, jx_diags *d, jx_status *st)
{
    for (int i = 0; i < cache->count; i++)
        if (strcmp(cache->items[i]->region, region) == 0)
            return cache->items[i];
    char path[PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/%s.yaml", o->layouts_dir, region);
    struct stat sb;
    if (!valid_region(region) || stat(path, &sb) != 0) {
        *st = jx_diag_error(d, JX_ERR_FILING, file, at->line, at->col,
                            "unknown region '%s': no layout %s/%s.yaml", region,
                            o->layouts_dir, valid_region(region) ? region : "<name>");
        return NULL;
    }
    jx_layout *l = NULL;
    *st = jx_layout_load(path, &l, d);
    if (*st != JX_OK)
        return NULL;
    if (strcmp(l->region, region) != 0) {
        *st = jx_diag_error(d, JX_ERR_LAYOUT, path, 0, 0,
                            "layout says region: %s but is named %s.yaml", l->region, region);
        jx_layout_free(l);
        return NULL;
    }
    if (cache->count < 64)
        cache->items[cache->count++] = l;
    return l;
}

static long long document_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end == '\0' && v >= 0)
            return v;
    }
    return DEFAULT_EPOCH;
}

/* The output base name of a filing: its file name without extension. */
static void base_name(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    snprintf(buf, n, "%s", name);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
}

/* Exit status class of a failure. */
static int exit_class(jx_status st)
{
    switch (st) {
    case JX_OK: return 0;
    case JX_ERR_IO:
    case JX_ERR_USAGE:
    case JX_ERR_FONT:
    case JX_ERR_PDF:
    case JX_ERR_XLSX:
    case JX_ERR_NOMEM:
    case JX_ERR_LAYOUT:
    case JX_ERR_INTERNAL: return EXIT_USAGE;
    default: return EXIT_FILING;
    }
}

static jx_status render(const options *o, const jx_doc *doc, jx_fonts *fonts, const char *name,
                        jx_diags *d)
{
    char pdf_tmp[PATH_MAX], pdf[PATH_MAX], xlsx_tmp[PATH_MAX], xlsx[PATH_MAX];
    const char *ext = o->trace ? "trace" : "pdf";
    snprintf(pdf, sizeof pdf, "%s/%s.%s", o->out_dir, name, ext);
    snprintf(pdf_tmp, sizeof pdf_tmp, "%s/.%s.new.%s", o->out_dir, name, ext);
    snprintf(xlsx, sizeof xlsx, "%s/%s.xlsx", o->out_dir, name);
    snprintf(xlsx_tmp, sizeof xlsx_tmp, "%s/.%s.new.xlsx", o->out_dir, name);
    jx_status st;
    jx_device *dev;
    FILE *trace = NULL;
    if (o->trace) {
        trace = fopen(pdf_tmp, "w");
        if (!trace)
            return jx_diag_error(d, JX_ERR_IO, pdf_tmp, 0, 0, "cannot write: %s",
                                 strerror(errno));
        dev = jx_trace_device_create(trace, d);
    } else {
        dev = jx_pdf_device_create(pdf_tmp, fonts, d);
    }
    if (!dev) {
        if (trace)
            fclose(trace);
        return jx_diag_error(d, JX_ERR_NOMEM, pdf, 0, 0, "out of memory");
    }
    st = jx_paginate(doc, fonts, dev, d);
    dev->destroy(dev);
    if (trace && fclose(trace) != 0 && st == JX_OK)
        st = jx_diag_error(d, JX_ERR_IO, pdf_tmp, 0, 0, "cannot write: %s", strerror(errno));
    if (st == JX_OK)
        st = jx_xlsx_write(doc, fonts, xlsx_tmp, d);
    if (st == JX_OK && rename(pdf_tmp, pdf) != 0)
        st = jx_diag_error(d, JX_ERR_IO, pdf, 0, 0, "cannot replace: %s", strerror(errno));
    if (st == JX_OK && rename(xlsx_tmp, xlsx) != 0)
        st = jx_diag_error(d, JX_ERR_IO, xlsx, 0, 0, "cannot replace: %s", strerror(errno));
    if (st != JX_OK) {
        unlink(pdf_tmp);
        unlink(xlsx_tmp);
    }
    return st;
}

/* Reads, checks and (for build) renders one filing.  Returns its status. */
static jx_status process(const options *o, layout_cache *cache, jx_fonts *fonts,
                         const char *path, jx_diags *d)
{
    jx_node *filing = NULL;
    jx_doc *doc = NULL;
    jx_status st = jx_node_parse_file(path, &filing, d);
    if (st != JX_OK)
        return st;
    const jx_node *region = jx_node_get(filing, "region");
    if (filing->kind != JX_NODE_MAP || !jx_node_text(region)) {
        st = jx_diag_error(d, JX_ERR_FILING, path, filing->line, filing->col,
                           "a filing needs region: (e.g. region: changzhou) to select its form");
        goto done;
    }
    jx_layout *layout = layout_for(cache, o, jx_node_text(region), region, path, d, &st);
    if (!layout)
        goto done;
    char creator[64];
    snprintf(creator, sizeof creator, "jxgen %s", JX_VERSION);
    jx_compose_options copts = {creator, document_epoch()};
    st = jx_compose(layout, filing, path, &copts, &doc, d);
    if (st != JX_OK || strcmp(o->command, "check") == 0)
        goto done;
    char name[256];
    base_name(path, name, sizeof name);
    st = render(o, doc, fonts, name, d);
done:
    jx_doc_free(doc);
    jx_node_free(filing);
    return st;
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->out_dir = "out";
    const char *layouts = NULL, *fonts = NULL;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return -1;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("jxgen %s\n", JX_VERSION);
        return -1;
    }
    o->command = argv[1];
    if (strcmp(o->command, "build") != 0 && strcmp(o->command, "check") != 0) {
        fprintf(stderr, "jxgen: error: unknown command '%s'\n", o->command);
        usage(stderr);
        return EXIT_USAGE;
    }
    o->inputs = calloc((size_t)argc, sizeof *o->inputs);
    if (!o->inputs)
        return EXIT_USAGE;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) && i + 1 < argc)
            o->out_dir = argv[++i];
        else if (strcmp(a, "--layouts") == 0 && i + 1 < argc)
            layouts = argv[++i];
        else if (strcmp(a, "--fonts") == 0 && i + 1 < argc)
            fonts = argv[++i];
        else if (strcmp(a, "--trace") == 0)
            o->trace = 1;
        else if (strcmp(a, "--format=json") == 0)
            o->json = 1;
        else if (strcmp(a, "--format=text") == 0)
            o->json = 0;
        else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "jxgen: error: unknown option '%s'\n", a);
            return EXIT_USAGE;
        } else
            o->inputs[o->ninputs++] = argv[i];
    }
    static char home_buf[PATH_MAX];
    o->home = find_home(home_buf, sizeof home_buf);
    snprintf(o->layouts_dir, sizeof o->layouts_dir, "%s", layouts ? layouts : "");
    if (!layouts)
        snprintf(o->layouts_dir, sizeof o->layouts_dir, "%s/layouts", o->home);
    if (fonts)
        snprintf(o->fonts_dir, sizeof o->fonts_dir, "%s", fonts);
    else
        snprintf(o->fonts_dir, sizeof o->fonts_dir, "%s/fonts", o->home);
    if (o->ninputs == 0) {
        if (strcmp(o->command, "check") == 0) {
            fprintf(stderr, "jxgen: error: check needs at least one FILE or DIR\n");
            return EXIT_USAGE;
        }
        static char default_input[] = "input";
        o->inputs[o->ninputs++] = default_input;
    }
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        free(o.inputs);
        return rc < 0 ? 0 : rc;
    }
    char **filings = NULL;
    int nfilings = 0;
    rc = collect_filings(&o, &filings, &nfilings);
    jx_diags d;
    jx_diags_init(&d);
    jx_fonts *fonts = NULL;
    layout_cache cache = {0};
    int building = strcmp(o.command, "build") == 0;
    if (building && rc == 0) {
        if (mkdir(o.out_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "%s: error: cannot create output directory: %s\n", o.out_dir,
                    strerror(errno));
            rc = EXIT_USAGE;
        } else if (jx_fontcfg_load(o.fonts_dir, &fonts, NULL, &d) != JX_OK) {
            rc = EXIT_USAGE;
        }
    }
    int failed = 0;
    for (int i = 0; i < nfilings && rc != EXIT_USAGE; i++) {
        jx_status st = process(&o, &cache, fonts, filings[i], &d);
        if (st != JX_OK) {
            failed++;
            int cls = exit_class(st);
            if (cls > rc)
                rc = cls;
        } else if (building) {
            printf("%s -> %s\n", filings[i], o.out_dir);
        }
        if (o.json)
            jx_diags_print_json(&d, stderr);
        else
            jx_diags_print(&d, stderr);
        jx_diags_free(&d);
    }
    if (o.json)
        jx_diags_print_json(&d, stderr);
    else
        jx_diags_print(&d, stderr);
    if (nfilings == 0 && rc == 0) {
        fprintf(stderr, "jxgen: error: no filings found\n");
        rc = EXIT_USAGE;
    }
    if (failed && nfilings > 1)
        fprintf(stderr, "jxgen: %d of %d filings failed\n", failed, nfilings);
    for (int i = 0; i < cache.count; i++)
        jx_layout_free(cache.items[i]);
    jx_fonts_free(fonts);
    jx_diags_free(&d);
    for (int i = 0; i < nfilings; i++)
        free(filings[i]);
    free(filings);
    free(o.inputs);
    return rc;
}
