/* main.c - the jxgen command line.
 *
 *   jxgen build [FILE|DIR]... [-o OUTDIR] [-j N] [--force]   render what changed
 *   jxgen check FILE|DIR...                                  read and validate only
 *   jxgen diff OLD NEW                                       what a revision changes
 *   jxgen new REGION                                         a blank filing
 *   jxgen regions                                            the regions and their forms
 *   jxgen help [COMMAND]
 *   jxgen import FORM.xlsx [-o FILING.yaml]                  a workbook back into a filing
 *
 * Options are parsed with getopt_long (--out DIR, --out=DIR, -oDIR, -j4);
 * each command accepts only the options that apply to it.  Messages are in
 * Chinese unless --lang=en or the locale asks for English (jx_i18n.h).
 *
 * Exit status: 0 success, 1 a filing is wrong (diff: the filings differ),
 * 2 usage or I/O error, 130/143 a build stopped by SIGINT/SIGTERM. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jx_batch.h"
#include "jx_diff.h"
#include "jx_file.h"
#include "jx_i18n.h"
#include "jx_import.h"
#include "jx_include.h"
#include "jx_regions.h"
#include "jx_render.h"
#include "jx_skeleton.h"
#include "jx_util.h"

#define EXIT_FILING 1
#define EXIT_USAGE 2
#define DEFAULT_EPOCH 946684800LL /* 2000-01-01T00:00:00Z when SOURCE_DATE_EPOCH is unset */

/* The commands, as bits, so that each option lists those it applies to. */
enum {
    C_BUILD = 1,
    C_CHECK = 2,
    C_DIFF = 4,
    C_NEW = 8,
    C_REGIONS = 16,
    C_HELP = 32,
    C_IMPORT = 64,
    C_ALL = 127
};

typedef struct options {
    const char *command;
    int cmd;                  /* one C_* bit */
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

static const struct {
    const char *name;
    int cmd;
} commands[] = {{"build", C_BUILD}, {"check", C_CHECK},     {"diff", C_DIFF},
                {"new", C_NEW},     {"regions", C_REGIONS}, {"help", C_HELP},
                {"import", C_IMPORT}};

static void usage(FILE *out)
{
    fputs(_("usage: jxgen build [FILE|DIR]... [-o OUTDIR]   render filings (default: input/ -> out/)\n"
            "       jxgen check FILE|DIR...                 read and validate filings only\n"
            "       jxgen diff OLD NEW                      what changed between two versions of a\n"
            "                                               filing (or two folders of them)\n"
            "       jxgen new REGION                        print a blank filing for REGION\n"
            "       jxgen import FORM.xlsx [-o FILING.yaml] a workbook (or CSV) edited in Excel\n"
            "                                               or WPS back into a filing (stdout\n"
            "                                               without -o)\n"
            "       jxgen regions                           list the regions and their forms\n"
            "       jxgen help [COMMAND] | --help | --version\n"
            "\n"
            "A filing is YAML (or JSON) with `region: NAME` selecting layouts/NAME.yaml.\n"
            "It may take values from shared files: `include: budget.yaml` and\n"
            "`{$ref: \"projects[P01].amount\"}` (docs/revisions.md).\n"
            "A directory means every .yaml, .yml and .json file in it and in its\n"
            "subfolders (a file another one includes is shared data, not a filing); the\n"
            "outputs of a subfolder's filings go to the same subfolder of OUTDIR.\n"
            "Outputs: OUTDIR/<filing name>.pdf and OUTDIR/<filing name>.xlsx, each written\n"
            "to a temporary file and renamed into place, so a failure never leaves a\n"
            "half-written file or destroys the previous one.  `build` renders only the\n"
            "filings whose file, included files, layout, fonts or jxgen changed since the\n"
            "last build (recorded in OUTDIR/.jxgen-record), in parallel.\n"
            "\n"
            "options:\n"
            "  -o, --out DIR      output directory, created if missing (default: out)\n"
            "  -j, --jobs N       render N filings at a time (default: the number of cores)\n"
            "  --force            render every filing, changed or not\n"
            "  --strict           warnings about a filing count as errors\n"
            "  --layouts DIR      layout files (default: <jxgen home>/layouts)\n"
            "  --fonts DIR        font roles and licensed fonts (default: <jxgen home>/fonts)\n"
            "  --trace            write <name>.trace (every draw call as text) instead of a PDF\n"
            "  --format FORMAT    text (default) or json: messages and results as JSON lines\n"
            "  --timings FILE     one line per rendered filing: seconds, status, bytes, path\n"
            "  --lang LANG        zh (default) or en; also from LANGUAGE, LC_ALL, LC_MESSAGES, LANG\n"
            "  -h, --help         this help; jxgen COMMAND --help: the options of COMMAND\n"
            "  -V, --version      the version of jxgen\n"
            "\n"
            "The jxgen home is $JX_HOME, else ../share/jxgen beside the jxgen binary (an\n"
            "installed jxgen), else the folder above the binary that holds layouts/ (a build\n"
            "tree), else the source tree jxgen was built from.\n"
            "SOURCE_DATE_EPOCH sets the date written into the files (default 2000-01-01).\n"
            "exit status: 0 success, 1 a filing is wrong (diff: the filings differ),\n"
            "2 usage or I/O error, 130 or 143 a build stopped by Ctrl-C or SIGTERM\n"),
          out);
}

/* The help of one command (jxgen CMD --help, jxgen help CMD). */
static void command_usage(int cmd, FILE *out)
{
    switch (cmd) {
    case C_BUILD:
        fputs(_("usage: jxgen build [FILE|DIR]... [options]\n"
                "Renders each filing into OUTDIR/<name>.pdf and OUTDIR/<name>.xlsx; only the\n"
                "filings that changed since the last build (default: input/ -> out/).\n"
                "  -o, --out DIR      output directory, created if missing (default: out)\n"
                "  -j, --jobs N       render N filings at a time (default: the number of cores)\n"
                "  --force            render every filing, changed or not\n"
                "  --strict           warnings about a filing count as errors\n"
                "  --layouts DIR      layout files\n"
                "  --fonts DIR        font roles and licensed fonts\n"
                "  --trace            write <name>.trace instead of a PDF\n"
                "  --format FORMAT    text or json (JSON lines only)\n"
                "  --timings FILE     one line per rendered filing\n"
                "  --lang LANG        zh or en\n"),
              out);
        break;
    case C_CHECK:
        fputs(_("usage: jxgen check FILE|DIR... [options]\n"
                "Reads and validates filings without rendering them.\n"
                "  --strict           warnings about a filing count as errors\n"
                "  --layouts DIR      layout files\n"
                "  --format FORMAT    text or json\n"
                "  --lang LANG        zh or en\n"),
              out);
        break;
    case C_DIFF:
        fputs(_("usage: jxgen diff OLD NEW [options]\n"
                "What changed between two versions of a filing (or two folders of them).\n"
                "Exit status 0 when nothing changed, 1 when something did, 2 on error.\n"
                "  --layouts DIR      layout files\n"
                "  --format FORMAT    text or json\n"
                "  --lang LANG        zh or en\n"),
              out);
        break;
    case C_NEW:
        fputs(_("usage: jxgen new REGION [options]\n"
                "Prints a blank filing for REGION (see jxgen regions).\n"
                "  --layouts DIR      layout files\n"
                "  --lang LANG        zh or en\n"),
              out);
        break;
    case C_IMPORT:
        fputs(_("usage: jxgen import FORM.xlsx|TABLE.csv [-o FILING.yaml] [options]\n"
                "Reads a workbook jxgen wrote (after a clerk edited it in Excel, WPS or\n"
                "LibreOffice), a 数据 sheet or a 路径/值 CSV back into a filing.\n"
                "  -o, --out FILE     the filing to write (default: standard output)\n"
                "  --layouts DIR      layout files\n"
                "  --lang LANG        zh or en\n"),
              out);
        break;
    case C_REGIONS:
        fputs(_("usage: jxgen regions [options]\n"
                "Lists the regions: name, Chinese name, form and a sample filing.\n"
                "  --layouts DIR      layout files\n"
                "  --format FORMAT    text or json\n"
                "  --lang LANG        zh or en\n"),
              out);
        break;
    default:
        usage(out);
    }
}

/* A short hint after a usage error. */
static void usage_hint(FILE *out)
{
    fputs(_("Try 'jxgen --help' for more information.\n"), out);
}

/* Set by parse_args() before any usage message when the command line asks
 * for --format=json (or --format json): usage errors are then JSON lines. */
static int usage_json;

/* Prints one usage error on stderr: the formatted text as it is (it ends
 * with a newline), or with --format=json one JSON line with severity
 * "error", rule "usage" and the text without its newline as the message,
 * so that a JSON reader sees only JSON. */
static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!usage_json) {
        fputs(msg, stderr);
        return;
    }
    msg[strcspn(msg, "\n")] = '\0';
    jx_diags d;
    jx_diags_init(&d);
    jx_diags_add(&d, JX_SEV_ERROR, NULL, 0, 0, "usage", "%s", msg);
    jx_diags_print_json(&d, stderr);
    jx_diags_free(&d);
}

/* usage_hint() on stderr, in text mode only. */
static void usage_error_hint(void)
{
    if (!usage_json)
        usage_hint(stderr);
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The folder of the running jxgen binary into buf; 0 or -1. */
static int exe_dir(char *buf, size_t n)
{
    ssize_t len = readlink("/proc/self/exe", buf, n - 1);
    if (len <= 0)
        return -1;
    buf[len] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return 0;
}

/* Finds the folder holding layouts/ and fonts/: $JX_HOME; an installed
 * jxgen's <prefix>/share/jxgen; a build tree's source folder (up to three
 * levels above the binary); ./layouts; the source tree it was built from. */
static const char *find_home(char *buf, size_t n)
{
    const char *env = getenv("JX_HOME");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    if (exe_dir(exe, sizeof exe) == 0) {
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/../share/jxgen/layouts", exe);
        if (is_dir(probe) && snprintf(buf, n, "%s/../share/jxgen", exe) < (int)n) {
            char *real = realpath(buf, NULL);
            if (real) {
                snprintf(buf, n, "%s", real);
                free(real);
            }
            return buf;
        }
        for (int up = 0; up < 3; up++) {
            snprintf(probe, sizeof probe, "%s/layouts", exe);
            if (is_dir(probe)) {
                snprintf(buf, n, "%s", exe);
                return buf;
            }
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
    }
    if (is_dir("layouts"))
        return ".";
    return JX_SOURCE_DIR;
}

/* The folder of the message catalogs: <bin>/locale in a build tree,
 * <prefix>/share/locale beside an installed binary, else the configured
 * one. */
static const char *find_localedir(char *buf, size_t n)
{
    char exe[PATH_MAX];
    if (exe_dir(exe, sizeof exe) == 0) {
        if (snprintf(buf, n, "%s/locale", exe) < (int)n && is_dir(buf))
            return buf;
        if (snprintf(buf, n, "%s/../share/locale", exe) < (int)n && is_dir(buf))
            return buf;
    }
    return JX_LOCALEDIR;
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

typedef struct path_list {
    char **items;
    int n;
    size_t cap;
} path_list;

/* Appends path (taken on 0); -1 when out of memory (path is the caller's). */
static int path_list_push(path_list *l, char *path)
{
    char **nl = jx_grow(l->items, &l->cap, (size_t)l->n, sizeof *nl, 16);
    if (!nl)
        return -1;
    l->items = nl;
    l->items[l->n++] = path;
    return 0;
}

/* Appends a copy of "dir/name" (or of dir when name is NULL).  0 or -1. */
static int path_list_add(path_list *l, const char *dir, const char *name)
{
    size_t len = strlen(dir) + (name ? strlen(name) + 1 : 0) + 1;
    char *p = malloc(len);
    if (!p)
        return -1;
    if (name)
        snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    else
        snprintf(p, len, "%s", dir);
    if (path_list_push(l, p) != 0) {
        free(p);
        return -1;
    }
    return 0;
}

/* Adds the filings of folder `dir` and of its subfolders (hidden entries
 * and the output folder `skip` left out), sorted.  Returns 0, EXIT_USAGE
 * after a message, or -1 when out of memory. */
static int collect_dir(const char *dir, const char *skip, path_list *l, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, _("%s: error: cannot read the folder: %s\n"), dir, jx_strerror(errno));
        return EXIT_USAGE;
    }
    path_list names = {0}, subdirs = {0};
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) && rc == 0) {
        if (e->d_name[0] == '.')
            continue;
        char full[PATH_MAX];
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        if (is_dir(full)) {
            char *rs = skip ? realpath(skip, NULL) : NULL, *rf = realpath(full, NULL);
            int same = rs && rf && strcmp(rs, rf) == 0;
            free(rs);
            free(rf);
            if (!same && depth < 16 && path_list_add(&subdirs, dir, e->d_name) != 0)
                rc = -1;
        } else if (is_filing_name(e->d_name) && path_list_add(&names, dir, e->d_name) != 0) {
            rc = -1;
        }
    }
    closedir(d);
    if (names.n > 1)
        qsort(names.items, (size_t)names.n, sizeof *names.items, cmp_str);
    if (subdirs.n > 1)
        qsort(subdirs.items, (size_t)subdirs.n, sizeof *subdirs.items, cmp_str);
    for (int i = 0; i < names.n; i++) {
        if (rc == 0 && path_list_push(l, names.items[i]) != 0)
            rc = -1;
        if (rc != 0)
            free(names.items[i]);
    }
    for (int i = 0; i < subdirs.n; i++) {
        if (rc == 0) {
            int r = collect_dir(subdirs.items[i], skip, l, depth + 1);
            if (r != 0)
                rc = r;
        }
        free(subdirs.items[i]);
    }
    free(names.items);
    free(subdirs.items);
    return rc;
}

static void path_list_free(path_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* The subfolder of `path` under folder `root` ("" when directly in it),
 * appended to subs.  0 or -1. */
static int add_subdir(path_list *subs, const char *root, const char *path)
{
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    const char *rel = strncmp(path, root, n) == 0 && path[n] == '/' ? path + n + 1 : "";
    const char *slash = strrchr(rel, '/');
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%.*s", slash ? (int)(slash - rel) : 0, rel);
    return path_list_add(subs, sub, NULL);
}

/* Expands the inputs into a list of filing paths: a folder gives its
 * filings and those of its subfolders, sorted.  A folder with none is an
 * error that names it.  *subdirs gets, per filing, its subfolder under the
 * input folder ("" for files given by name): where its outputs go. */
static int collect_filings(const options *o, char ***out, char ***subdirs, int *count)
{
    path_list l = {0}, subs = {0};
    int rc = 0;
    for (int i = 0; i < o->ninputs && rc >= 0; i++) {
        const char *in = o->inputs[i];
        if (is_dir(in)) {
            int before = l.n;
            int r = collect_dir(in, o->cmd == C_BUILD ? o->out_dir : NULL, &l, 0);
            if (r < 0) {
                rc = -1;
            } else if (r > 0) {
                rc = r;
            } else if (l.n == before) {
                fprintf(stderr,
                        _("%s: error: no filings in this folder or its subfolders "
                          "(.yaml, .yml or .json files)\n"),
                        in);
                rc = EXIT_USAGE;
            }
            for (int k = before; k < l.n && rc >= 0; k++)
                if (add_subdir(&subs, in, l.items[k]) != 0)
                    rc = -1;
        } else if (path_list_add(&l, in, NULL) != 0 || path_list_add(&subs, "", NULL) != 0) {
            rc = -1;
        }
    }
    if (rc < 0) {
        path_list_free(&l);
        path_list_free(&subs);
        fprintf(stderr, _("jxgen: error: out of memory\n"));
        return EXIT_USAGE;
    }
    *out = l.items;
    *subdirs = subs.items;
    *count = l.n;
    return rc;
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

enum {
    OPT_FORCE = 256,
    OPT_STRICT,
    OPT_LAYOUTS,
    OPT_FONTS,
    OPT_TRACE,
    OPT_FORMAT,
    OPT_TIMINGS,
    OPT_LANG
};

static const struct option long_options[] = {
    {"out", required_argument, NULL, 'o'},     {"jobs", required_argument, NULL, 'j'},
    {"force", no_argument, NULL, OPT_FORCE},   {"strict", no_argument, NULL, OPT_STRICT},
    {"layouts", required_argument, NULL, OPT_LAYOUTS},
    {"fonts", required_argument, NULL, OPT_FONTS},
    {"trace", no_argument, NULL, OPT_TRACE},   {"format", required_argument, NULL, OPT_FORMAT},
    {"timings", required_argument, NULL, OPT_TIMINGS},
    {"lang", required_argument, NULL, OPT_LANG}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0}};

/* The commands each option applies to. */
static int option_commands(int opt)
{
    switch (opt) {
    case 'o': return C_BUILD | C_IMPORT;
    case 'j':
    case OPT_FORCE:
    case OPT_FONTS:
    case OPT_TRACE:
    case OPT_TIMINGS: return C_BUILD;
    case OPT_STRICT: return C_BUILD | C_CHECK;
    case OPT_LAYOUTS: return C_BUILD | C_CHECK | C_DIFF | C_NEW | C_REGIONS | C_IMPORT;
    case OPT_FORMAT: return C_BUILD | C_CHECK | C_DIFF | C_REGIONS;
    default: return C_ALL;
    }
}

/* The option as the user wrote it, e.g. "--out" or "-o". */
static void option_name(int opt, char *buf, size_t n)
{
    for (const struct option *lo = long_options; lo->name; lo++)
        if (lo->val == opt) {
            if (opt < 256)
                snprintf(buf, n, "-%c/--%s", opt, lo->name);
            else
                snprintf(buf, n, "--%s", lo->name);
            return;
        }
    snprintf(buf, n, "-%c", opt);
}

typedef struct seen_option {
    int opt;
    const char *arg;
} seen_option;

/* An option read before getopt_long runs (so that its effect covers the
 * messages about the other options): the value of the next `--NAME=V` or
 * `--NAME V` from argv[*i] on, stopping at "--"; *i moves past it.  NULL
 * when there is none. */
static const char *next_early_option(int argc, char **argv, const char *name, int *i)
{
    size_t len = strlen(name);
    for (; *i < argc && strcmp(argv[*i], "--") != 0; (*i)++) {
        const char *a = argv[*i];
        if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, len) != 0)
            continue;
        if (a[2 + len] == '=') {
            (*i)++;
            return a + 3 + len;
        }
        if (!a[2 + len] && *i + 1 < argc) {
            *i += 2;
            return argv[*i - 1];
        }
    }
    return NULL;
}

/* Decides the language from --lang (looked for before anything else, so
 * that every message, including those about the other options, is in it)
 * and loads the catalog.  Returns 0, or EXIT_USAGE for a bad --lang. */
static int setup_language(int argc, char **argv)
{
    jx_lang lang = jx_lang_from_env();
    const char *bad = NULL, *v;
    for (int i = 1; (v = next_early_option(argc, argv, "lang", &i));)
        if (jx_lang_parse(v, &lang) != 0)
            bad = v;
    char buf[PATH_MAX];
    jx_i18n_init(lang, find_localedir(buf, sizeof buf));
    if (bad) {
        fprintf(stderr, _("jxgen: error: --lang must be zh (Chinese) or en (English), not '%s'\n"),
                bad);
        return EXIT_USAGE;
    }
    return 0;
}

/* Returns 0 to run the command, -1 when done (help, version), or an exit
 * status after a usage message. */
static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->out_dir = "out";
    const char *layouts = NULL, *fonts = NULL;
    int help = 0, version = 0;
    usage_json = 0;
    const char *format;
    for (int i = 1; (format = next_early_option(argc, argv, "format", &i));)
        usage_json = strcmp(format, "json") == 0; /* the last one counts, as below */
    seen_option *seen = calloc((size_t)argc + 1, sizeof *seen);
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (!seen || !o->inputs) {
        free(seen);
        usage_error(_("jxgen: error: out of memory\n"));
        return EXIT_USAGE;
    }
    int nseen = 0, rc = 0;
    opterr = 0;
    optind = 1;
    int c, idx;
    while (rc == 0 && (c = getopt_long(argc, argv, ":o:j:hV", long_options, &idx)) != -1) {
        char name[64];
        switch (c) {
        case ':':
            option_name(optopt, name, sizeof name);
            usage_error(_("jxgen: error: option %s needs a value\n"), name);
            rc = EXIT_USAGE;
            break;
        case '?': {
            const char *a = argv[optind - 1];
            if (optopt && optopt < 256 && !(a[0] == '-' && a[1] == '-'))
                snprintf(name, sizeof name, "-%c", optopt);
            else
                snprintf(name, sizeof name, "%.*s", (int)strcspn(a, "="), a);
            usage_error(_("jxgen: error: unknown option '%s'\n"), name);
            rc = EXIT_USAGE;
            break;
        }
        case 'h': help = 1; break;
        case 'V': version = 1; break;
        default: seen[nseen++] = (seen_option){c, optarg};
        }
    }
    if (rc == 0 && version) {
        printf("jxgen %s\n", JX_VERSION);
        rc = -1;
    }
    if (rc == 0 && optind >= argc) {
        if (help) {
            usage(stdout);
            rc = -1;
        } else if (usage_json) {
            /* JSON lines only: the usage text is not one */
            usage_error(_("jxgen: error: no command given; the commands are build, check, diff, "
                          "new, import, regions and help\n"));
            rc = EXIT_USAGE;
        } else {
            usage(stderr);
            rc = EXIT_USAGE;
        }
    }
    if (rc == 0) {
        o->command = argv[optind++];
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(commands[i].name, o->command) == 0)
                o->cmd = commands[i].cmd;
        if (!o->cmd) {
            const char *near = NULL; /* two slips at most: biuld, chekc */
            size_t best = 3;
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
                size_t dist = jx_edit_distance(o->command, commands[i].name);
                if (dist < best) {
                    best = dist;
                    near = commands[i].name;
                }
            }
            if (near)
                usage_error(_("jxgen: error: unknown command '%s' (did you mean '%s'?)\n"),
                        o->command, near);
            else
                usage_error(_("jxgen: error: unknown command '%s'; the commands are build, check, "
                          "diff, new, import, regions and help\n"),
                        o->command);
            usage_error_hint();
            rc = EXIT_USAGE;
        }
    }
    if (rc == 0 && o->cmd == C_HELP) {
        int which = 0;
        if (optind < argc)
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(commands[i].name, argv[optind]) == 0)
                    which = commands[i].cmd;
        if (optind < argc && !which) {
            usage_error(_("jxgen: error: unknown command '%s'\n"), argv[optind]);
            rc = EXIT_USAGE;
        } else {
            command_usage(which, stdout);
            rc = -1;
        }
    }
    if (rc == 0 && help) {
        command_usage(o->cmd, stdout);
        rc = -1;
    }
    for (int i = 0; i < nseen && rc == 0; i++) {
        const seen_option *so = &seen[i];
        if (!(option_commands(so->opt) & o->cmd)) {
            char name[64];
            option_name(so->opt, name, sizeof name);
            usage_error(_("jxgen: error: option %s does not apply to 'jxgen %s'\n"), name,
                    o->command);
            if (!usage_json)
                fprintf(stderr, _("Try 'jxgen %s --help' for its options.\n"), o->command);
            rc = EXIT_USAGE;
            break;
        }
        switch (so->opt) {
        case 'o':
            o->out_dir = so->arg;
            o->out_given = 1;
            break;
        case 'j':
            if (parse_jobs(so->arg, &o->jobs) != 0) {
                usage_error(_("jxgen: error: -j takes a number of jobs from 1 to 256, not '%s'\n"),
                        so->arg);
                rc = EXIT_USAGE;
            }
            break;
        case OPT_FORCE: o->force = 1; break;
        case OPT_STRICT: o->strict = 1; break;
        case OPT_LAYOUTS: layouts = so->arg; break;
        case OPT_FONTS: fonts = so->arg; break;
        case OPT_TRACE: o->trace = 1; break;
        case OPT_TIMINGS: o->timings = so->arg; break;
        case OPT_FORMAT:
            if (strcmp(so->arg, "json") == 0)
                o->json = 1;
            else if (strcmp(so->arg, "text") == 0)
                o->json = 0;
            else {
                usage_error(_("jxgen: error: --format must be text or json, not '%s'\n"),
                        so->arg);
                rc = EXIT_USAGE;
            }
            break;
        default: break; /* --lang: already applied */
        }
        if (rc == 0 && (so->opt == 'o' || so->opt == OPT_LAYOUTS || so->opt == OPT_FONTS ||
                        so->opt == OPT_TIMINGS) && !*so->arg) {
            char name[64];
            option_name(so->opt, name, sizeof name);
            usage_error(_("jxgen: error: option %s needs a value\n"), name);
            rc = EXIT_USAGE;
        }
    }
    free(seen);
    if (rc != 0)
        return rc;
    while (optind < argc)
        o->inputs[o->ninputs++] = argv[optind++];
    static char home_buf[PATH_MAX];
    o->home = find_home(home_buf, sizeof home_buf);
    if (layouts)
        snprintf(o->layouts_dir, sizeof o->layouts_dir, "%s", layouts);
    else
        snprintf(o->layouts_dir, sizeof o->layouts_dir, "%s/layouts", o->home);
    if (fonts)
        snprintf(o->fonts_dir, sizeof o->fonts_dir, "%s", fonts);
    else
        snprintf(o->fonts_dir, sizeof o->fonts_dir, "%s/fonts", o->home);
    if (o->cmd == C_DIFF && o->ninputs != 2) {
        usage_error(_("jxgen: error: diff needs two files or two folders: OLD NEW\n"));
        return EXIT_USAGE;
    }
    if (o->cmd == C_IMPORT && o->ninputs != 1) {
        usage_error(_("jxgen: error: import needs one workbook, e.g. jxgen import 成本.xlsx -o "
                          "成本.yaml\n"));
        return EXIT_USAGE;
    }
    if (o->cmd == C_NEW && o->ninputs != 1) {
        usage_error(_("jxgen: error: new needs one region name, e.g. jxgen new changzhou "
                          "(jxgen regions lists them)\n"));
        return EXIT_USAGE;
    }
    if (o->cmd == C_REGIONS && o->ninputs != 0) {
        usage_error(_("jxgen: error: regions takes no arguments\n"));
        return EXIT_USAGE;
    }
    if (o->ninputs == 0 && o->cmd == C_CHECK) {
        usage_error(_("jxgen: error: check needs at least one FILE or DIR\n"));
        return EXIT_USAGE;
    }
    if (o->ninputs == 0 && o->cmd == C_BUILD) {
        static char default_input[] = "input";
        o->inputs[o->ninputs++] = default_input;
    }
    return 0;
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
        fprintf(stderr, _("jxgen: error: cannot write the blank filing: %s\n"), jx_strerror(errno));
        return EXIT_USAGE;
    }
    return 0;
}

/* jxgen diff OLD NEW: 0 when nothing changed, 1 when something did (as
 * diff(1)), 2 when a version could not be read. */
static int diff_body(const options *o, jx_renderer *r, jx_diags *d)
{
    int changed = 0;
    jx_diff_options dopt = {o->json, stdout, &changed};
    int rc = exit_class(jx_diff_run(r, o->inputs[0], o->inputs[1], &dopt, d));
    if (rc == EXIT_FILING)
        rc = EXIT_USAGE; /* a version could not be read: not "they differ" */
    return rc ? rc : changed ? EXIT_FILING : 0;
}

/* jxgen regions: every layout of the layouts folder. */
static int cmd_regions(const options *o)
{
    jx_region_info *list = NULL;
    size_t n = 0;
    char samples[PATH_MAX + 8];
    snprintf(samples, sizeof samples, "%s/input", o->home);
    if (jx_regions_list(o->layouts_dir, samples, &list, &n) != 0) {
        fprintf(stderr, _("%s: error: cannot read the layouts folder: %s\n"), o->layouts_dir,
                jx_strerror(errno));
        return EXIT_USAGE;
    }
    if (n == 0) {
        fprintf(stderr, _("%s: error: no layouts (<region>.yaml) in this folder\n"),
                o->layouts_dir);
        jx_regions_free(list, n);
        return EXIT_USAGE;
    }
    jx_regions_print(list, n, o->json, stdout);
    jx_regions_free(list, n);
    return 0;
}

/* jxgen import FORM.xlsx [-o FILING.yaml]: the filing is checked like
 * any other (read, validated, composed) before anything is written; the
 * file is written atomically. */
static int import_body(const options *o, jx_renderer *r, jx_diags *d)
{
    const char *in = o->inputs[0];
    if (!jx_import_handles(in)) {
        fprintf(stderr, _("jxgen: error: %s: import reads a workbook (.xlsx) or a table (.csv)\n"),
                in);
        return EXIT_USAGE;
    }
    /* Read (with the values edited inside template texts) and composed as
     * build would; the YAML written is that filing. */
    jx_filing *f = NULL;
    jx_status st = jx_renderer_read(r, in, &f, d);
    if (st == JX_OK)
        st = jx_renderer_compose_filing(r, f, NULL, d);
    jx_buf yaml = {0};
    if (st == JX_OK)
        st = jx_import_read_edited(in, NULL, 0, f->edits, &yaml, NULL, d);
    jx_filing_free(f);
    if (st != JX_OK) {
        jx_buf_free(&yaml);
        return exit_class(st);
    }
    int rc = 0;
    if (!o->out_given) {
        if (fwrite(jx_buf_str(&yaml), 1, yaml.len, stdout) != yaml.len || fflush(stdout) != 0)
            rc = EXIT_USAGE;
    } else {
        /* The one atomic writer: a temporary file beside the target,
         * fsynced and renamed onto it; a failure leaves the target as it
         * was. */
        jx_file_out out;
        st = jx_file_out_open(&out, o->out_dir, d);
        if (st == JX_OK)
            st = jx_file_out_write(&out, jx_buf_str(&yaml), yaml.len, d);
        if (st == JX_OK)
            st = jx_file_out_commit(&out, d);
        else
            jx_file_out_abort(&out);
        if (st != JX_OK)
            rc = EXIT_USAGE;
    }
    jx_buf_free(&yaml);
    return rc;
}

/* jxgen check FILE|DIR...: every filing read, resolved and composed. */
static int cmd_check(const options *o, char **filings, int nfilings)
{
    jx_diags d;
    jx_diags_init(&d);
    /* Fonts loaded: a filing is laid out as build lays it out (#11). */
    jx_render_options ro = render_options(o, 1);
    jx_renderer *r = NULL;
    int rc = 0, failed = 0, checked = 0;
    if (jx_renderer_create(&ro, &r, &d) != JX_OK)
        rc = EXIT_USAGE;
    /* Shared files (included by a listed filing, no region:) are not filings. */
    unsigned char *shared = calloc((size_t)nfilings, 1);
    if (shared && jx_include_mark_shared(filings, (size_t)nfilings, shared) != 0)
        memset(shared, 0, (size_t)nfilings);
    for (int i = 0; i < nfilings && r; i++) {
        if (shared && shared[i])
            continue;
        checked++;
        jx_status st = jx_renderer_compose(r, filings[i], NULL, &d);
        if (st != JX_OK) {
            failed++;
            if (exit_class(st) > rc)
                rc = exit_class(st);
        }
        print_diags(o, &d);
    }
    print_diags(o, &d);
    if (o->json && r)
        fprintf(stderr, "{\"summary\":{\"checked\":%d,\"failed\":%d}}\n", checked, failed);
    else if (failed && nfilings > 1)
        fprintf(stderr, _("jxgen: %d of %d filings failed\n"), failed, nfilings);
    free(shared);
    jx_renderer_free(r);
    return rc;
}

/* Creates dir and its missing parents (mkdir -p).  0, or -1 with errno. */
static int make_dirs(const char *dir)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        return -1;
    if (!is_dir(p)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Whether files can be created in dir (tried, not guessed from the mode
 * bits: root, ACLs and read-only mounts all answer truthfully).  0 or -1
 * with errno. */
static int check_writable(const char *dir)
{
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/.jxgen-probe.%ld", dir, (long)getpid());
    FILE *f = fopen(probe, "w");
    if (!f)
        return -1;
    fclose(f);
    unlink(probe);
    return 0;
}

/* jxgen build: what changed since the last build, in parallel. */
static int cmd_build(const options *o, char **filings, char **subdirs, int nfilings)
{
    if (make_dirs(o->out_dir) != 0 || check_writable(o->out_dir) != 0) {
        jx_diags d;
        jx_diags_init(&d);
        jx_diags_add(&d, JX_SEV_ERROR, o->out_dir, 0, 0, NULL,
                     _("cannot write into the output folder: %s"), jx_strerror(errno));
        print_diags(o, &d);
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
                           !o->json && isatty(fileno(stderr)), o->timings, stdout, stderr,
                           (const char *const *)subdirs};
    jx_batch_summary sum;
    jx_status st = jx_batch_build(r, filings, nfilings, &bo, &sum);
    jx_renderer_free(r);
    if (sum.stopped_by)
        return 128 + sum.stopped_by;
    if (st != JX_OK)
        return EXIT_USAGE;
    if (sum.failed)
        return exit_class(sum.worst) ? exit_class(sum.worst) : EXIT_FILING;
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    int rc = setup_language(argc, argv);
    if (rc != 0)
        return rc;
    rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        free(o.inputs);
        return rc < 0 ? 0 : rc;
    }
    if (o.cmd == C_NEW || o.cmd == C_DIFF || o.cmd == C_IMPORT) {
        rc = with_renderer(&o, o.cmd == C_NEW      ? new_body
                               : o.cmd == C_IMPORT ? import_body
                                                   : diff_body);
        free(o.inputs);
        return rc;
    }
    if (o.cmd == C_REGIONS) {
        rc = cmd_regions(&o);
        free(o.inputs);
        return rc;
    }
    char **filings = NULL, **subdirs = NULL;
    int nfilings = 0;
    rc = collect_filings(&o, &filings, &subdirs, &nfilings);
    if (rc == 0)
        rc = o.cmd == C_BUILD ? cmd_build(&o, filings, subdirs, nfilings)
                              : cmd_check(&o, filings, nfilings);
    for (int i = 0; i < nfilings; i++) {
        free(filings[i]);
        free(subdirs[i]);
    }
    free(filings);
    free(subdirs);
    free(o.inputs);
    return rc;
}
