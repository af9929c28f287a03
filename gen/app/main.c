/* main.c - the jxgen command line.
 *
 *   jxgen build [FILE|DIR]... [-o OUTDIR] [-j N] [--force]   render what changed
 *   jxgen check FILE|DIR...                                  read and validate only
 *   jxgen diff OLD NEW                                       what a revision changes
 *   jxgen new REGION                                         a blank filing
 *   jxgen import FORM.xlsx [-o FILING.yaml]                  a workbook back into a filing
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

#include "jx_batch.h"
#include "jx_diff.h"
#include "jx_import.h"
#include "jx_include.h"
#include "jx_render.h"
#include "jx_skeleton.h"

#define EXIT_FILING 1
#define EXIT_USAGE 2
#define DEFAULT_EPOCH 946684800LL /* 2000-01-01T00:00:00Z when SOURCE_DATE_EPOCH is unset */

typedef struct options {
    const char *command;
    const char *out_dir;
    int out_given;            /* -o was given */
    const char *home;
    char layouts_dir[PATH_MAX];
    char fonts_dir[PATH_MAX];
    int trace;
    int json;
    int strict;
    int force;
    int jobs;                 /* 0: number of cores */
    const char *timings;
    char **inputs;
    int ninputs;
} options;

static void usage(FILE *out)
{
    fputs("usage: jxgen build [FILE|DIR]... [-o OUTDIR]   render filings (default: input/ -> out/)\n"
          "       jxgen check FILE|DIR...                 read and validate filings only\n"
          "       jxgen diff OLD NEW                      what changed between two versions of a\n"
          "                                               filing (or two folders of them)\n"
          "       jxgen new REGION                        print a blank filing for REGION\n"
          "       jxgen import FORM.xlsx [-o FILING.yaml] a workbook (or CSV) edited in Excel\n"
          "                                               or WPS back into a filing (stdout\n"
          "                                               without -o)\n"
          "       jxgen --help | --version\n"
          "\n"
          "A filing is YAML (or JSON) with `region: NAME` selecting layouts/NAME.yaml.\n"
          "It may take values from shared files: `include: budget.yaml` and\n"
          "`{$ref: \"projects[P01].amount\"}` (docs/revisions.md).\n"
          "A directory means every .yaml, .yml and .json file in it (a file another one\n"
          "includes is shared data, not a filing).\n"
          "Outputs: OUTDIR/<filing name>.pdf and OUTDIR/<filing name>.xlsx, each written\n"
          "to a temporary file and renamed into place, so a failure never leaves a\n"
          "half-written file or destroys the previous one.  `build` renders only the\n"
          "filings whose file, included files, layout, fonts or jxgen changed since the\n"
          "last build (recorded in OUTDIR/" JX_RECORD_NAME "), in parallel.\n"
          "\n"
          "options:\n"
          "  -o, --out DIR      output directory (default: out)\n"
          "  -j, --jobs N       render N filings at a time (default: the number of cores)\n"
          "  --force            render every filing, changed or not\n"
          "  --strict           warnings about a filing count as errors\n"
          "  --layouts DIR      layout files (default: <jxgen home>/layouts)\n"
          "  --fonts DIR        font roles and licensed fonts (default: <jxgen home>/fonts)\n"
          "  --trace            write <name>.trace (every draw call as text) instead of a PDF\n"
          "  --format=json      messages (and diff output) as JSON\n"
          "  --timings FILE     one line per rendered filing: seconds, status, bytes, path\n"
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

/* Prints and clears the messages collected so far. */
static void print_diags(const options *o, jx_diags *d)
{
    if (o->json)
        jx_diags_print_json(d, stderr);
    else
        jx_diags_print(d, stderr);
    jx_diags_free(d);
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

/* Parses the N of -j N / -jN / --jobs=N.  Returns 0 or -1. */
static int parse_jobs(const char *s, int *jobs)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 256)
        return -1;
    *jobs = (int)v;
    return 0;
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
    if (strcmp(o->command, "build") != 0 && strcmp(o->command, "check") != 0 &&
        strcmp(o->command, "diff") != 0 && strcmp(o->command, "new") != 0 &&
        strcmp(o->command, "import") != 0) {
        fprintf(stderr, "jxgen: error: unknown command '%s'\n", o->command);
        usage(stderr);
        return EXIT_USAGE;
    }
    o->inputs = calloc((size_t)argc, sizeof *o->inputs);
    if (!o->inputs)
        return EXIT_USAGE;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) && i + 1 < argc) {
            o->out_dir = argv[++i];
            o->out_given = 1;
        }
        else if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && i + 1 < argc) {
            if (parse_jobs(argv[++i], &o->jobs) != 0)
                goto bad_jobs;
        } else if (strncmp(a, "-j", 2) == 0 && a[2] != '\0') {
            if (parse_jobs(a + 2, &o->jobs) != 0)
                goto bad_jobs;
        } else if (strncmp(a, "--jobs=", 7) == 0) {
            if (parse_jobs(a + 7, &o->jobs) != 0)
                goto bad_jobs;
        } else if (strcmp(a, "--layouts") == 0 && i + 1 < argc)
            layouts = argv[++i];
        else if (strcmp(a, "--fonts") == 0 && i + 1 < argc)
            fonts = argv[++i];
        else if (strcmp(a, "--timings") == 0 && i + 1 < argc)
            o->timings = argv[++i];
        else if (strcmp(a, "--trace") == 0)
            o->trace = 1;
        else if (strcmp(a, "--strict") == 0)
            o->strict = 1;
        else if (strcmp(a, "--force") == 0)
            o->force = 1;
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
    if (strcmp(o->command, "diff") == 0 && o->ninputs != 2) {
        fprintf(stderr, "jxgen: error: diff needs two files or two folders: OLD NEW\n");
        return EXIT_USAGE;
    }
    if (strcmp(o->command, "import") == 0 && o->ninputs != 1) {
        fprintf(stderr, "jxgen: error: import needs one workbook, e.g. jxgen import 成本.xlsx -o "
                        "成本.yaml\n");
        return EXIT_USAGE;
    }
    if (strcmp(o->command, "new") == 0 && o->ninputs != 1) {
        fprintf(stderr, "jxgen: error: new needs one region name, e.g. jxgen new changzhou\n");
        return EXIT_USAGE;
    }
    if (o->ninputs == 0) {
        if (strcmp(o->command, "check") == 0) {
            fprintf(stderr, "jxgen: error: check needs at least one FILE or DIR\n");
            return EXIT_USAGE;
        }
        static char default_input[] = "input";
        o->inputs[o->ninputs++] = default_input;
    }
    return 0;
bad_jobs:
    fprintf(stderr, "jxgen: error: -j takes a number of jobs from 1 to 256\n");
    return EXIT_USAGE;
}

static jx_render_options render_options(const options *o, int with_fonts)
{
    jx_render_options ro = {o->layouts_dir, with_fonts ? o->fonts_dir : NULL, o->trace,
                            document_epoch(), o->strict};
    return ro;
}

/* Runs body with a renderer that loads layouts but no fonts (commands that
 * draw nothing), then prints the messages.  Returns the exit status. */
static int with_renderer(const options *o,
                         int (*body)(const options *o, jx_renderer *r, jx_diags *d))
{
    jx_diags d;
    jx_diags_init(&d);
    jx_render_options ro = render_options(o, 0);
    jx_renderer *r = NULL;
    int rc = jx_renderer_create(&ro, &r, &d) == JX_OK ? body(o, r, &d) : EXIT_USAGE;
    print_diags(o, &d);
    jx_renderer_free(r);
    return rc;
}

/* jxgen new REGION: the region's blank filing on stdout. */
static int new_body(const options *o, jx_renderer *r, jx_diags *d)
{
    const jx_layout *layout = jx_renderer_layout(r, o->inputs[0], NULL, 0, 0, d);
    if (!layout)
        return EXIT_USAGE;
    if (jx_skeleton_write(layout, stdout) != JX_OK || fflush(stdout) != 0) {
        fprintf(stderr, "jxgen: error: cannot write the skeleton: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return 0;
}

/* jxgen diff OLD NEW. */
static int diff_body(const options *o, jx_renderer *r, jx_diags *d)
{
    jx_diff_options dopt = {o->json, stdout};
    return exit_class(jx_diff_run(r, o->inputs[0], o->inputs[1], &dopt, d));
}

/* jxgen import FORM.xlsx [-o FILING.yaml]: the filing is checked like
 * any other (read, validated, composed) before anything is written; the
 * file is written atomically. */
static int import_body(const options *o, jx_renderer *r, jx_diags *d)
{
    const char *in = o->inputs[0];
    if (!jx_import_handles(in)) {
        fprintf(stderr, "jxgen: error: %s: import reads a workbook (.xlsx) or a table (.csv)\n", in);
        return EXIT_USAGE;
    }
    jx_status st = jx_renderer_compose(r, in, NULL, d);
    if (st != JX_OK)
        return exit_class(st);
    jx_buf yaml = {0};
    st = jx_import_read(in, NULL, 0, &yaml, NULL, d);
    if (st != JX_OK) {
        jx_buf_free(&yaml);
        return exit_class(st);
    }
    int rc = 0;
    if (!o->out_given) {
        if (fwrite(jx_buf_str(&yaml), 1, yaml.len, stdout) != yaml.len || fflush(stdout) != 0)
            rc = EXIT_USAGE;
    } else {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s.new", o->out_dir);
        FILE *f = fopen(tmp, "wb");
        int ok = f && fwrite(jx_buf_str(&yaml), 1, yaml.len, f) == yaml.len;
        if (f && fclose(f) != 0)
            ok = 0;
        if (!ok || rename(tmp, o->out_dir) != 0) {
            fprintf(stderr, "%s: error: cannot write %s: %s\n", o->out_dir, o->out_dir,
                    strerror(errno));
            unlink(tmp);
            rc = EXIT_USAGE;
        }
    }
    jx_buf_free(&yaml);
    return rc;
}

/* jxgen check FILE|DIR...: every filing read, resolved and composed. */
static int cmd_check(const options *o, char **filings, int nfilings)
{
    jx_diags d;
    jx_diags_init(&d);
    jx_render_options ro = render_options(o, 0);
    jx_renderer *r = NULL;
    int rc = 0, failed = 0;
    if (jx_renderer_create(&ro, &r, &d) != JX_OK)
        rc = EXIT_USAGE;
    /* Shared files (included by a listed filing, no region:) are not filings. */
    unsigned char *shared = calloc((size_t)nfilings, 1);
    if (shared && jx_include_mark_shared(filings, (size_t)nfilings, shared) != 0)
        memset(shared, 0, (size_t)nfilings);
    for (int i = 0; i < nfilings && r; i++) {
        if (shared && shared[i])
            continue;
        jx_status st = jx_renderer_compose(r, filings[i], NULL, &d);
        if (st != JX_OK) {
            failed++;
            if (exit_class(st) > rc)
                rc = exit_class(st);
        }
        print_diags(o, &d);
    }
    print_diags(o, &d);
    if (failed && nfilings > 1)
        fprintf(stderr, "jxgen: %d of %d filings failed\n", failed, nfilings);
    free(shared);
    jx_renderer_free(r);
    return rc;
}

/* jxgen build: what changed since the last build, in parallel. */
static int cmd_build(const options *o, char **filings, int nfilings)
{
    if (mkdir(o->out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: error: cannot create output directory: %s\n", o->out_dir,
                strerror(errno));
        return EXIT_USAGE;
    }
    jx_diags d;
    jx_diags_init(&d);
    jx_render_options ro = render_options(o, 1);
    jx_renderer *r = NULL;
    if (jx_renderer_create(&ro, &r, &d) != JX_OK) {
        print_diags(o, &d);
        return EXIT_USAGE;
    }
    print_diags(o, &d); /* font warnings */
    jx_batch_options bo = {o->out_dir, o->jobs, o->force, o->json,
                           !o->json && isatty(fileno(stderr)), o->timings, stdout, stderr};
    jx_batch_summary sum;
    jx_status st = jx_batch_build(r, filings, nfilings, &bo, &sum);
    jx_renderer_free(r);
    if (st != JX_OK)
        return EXIT_USAGE;
    if (sum.failed)
        return exit_class(sum.worst) ? exit_class(sum.worst) : EXIT_FILING;
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
    if (strcmp(o.command, "new") == 0 || strcmp(o.command, "diff") == 0 ||
        strcmp(o.command, "import") == 0) {
        rc = with_renderer(&o, strcmp(o.command, "new") == 0      ? new_body
                               : strcmp(o.command, "import") == 0 ? import_body
                                                                  : diff_body);
        free(o.inputs);
        return rc;
    }
    char **filings = NULL;
    int nfilings = 0;
    rc = collect_filings(&o, &filings, &nfilings);
    if (rc == 0 && nfilings == 0) {
        fprintf(stderr, "jxgen: error: no filings found\n");
        rc = EXIT_USAGE;
    }
    if (rc == 0)
        rc = strcmp(o.command, "build") == 0 ? cmd_build(&o, filings, nfilings)
                                             : cmd_check(&o, filings, nfilings);
    for (int i = 0; i < nfilings; i++)
        free(filings[i]);
    free(filings);
    free(o.inputs);
    return rc;
}
