/* jx_diff.c - comparing two versions of a filing (see jx_diff.h). */
#include "jx_diff.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jx_i18n.h"
#include "jx_include.h"
#include "jx_schema.h"
#include "jx_util.h"

#define MAX_PATH_LEN 512
#define SHOWN_CHARS 40   /* text values longer than this are cut in the text report */

enum { CH_CHANGED, CH_ADDED, CH_REMOVED };
static const char *const kind_names[] = {"changed", "added", "removed"};
/* The same words for the text report, translated. */
static const char *const kind_text[] = {N_("changed"), N_("added"), N_("removed")};

/* One line of the report: a field change or a consequence. */
typedef struct item {
    int kind;
    char *path;
    char *label;
    const char *unit;        /* owned by the layout */
    char *old_text, *new_text; /* NULL: absent or empty */
    char *from;              /* "file:line:col" of a new value written in an included file */
    int percent;
} item;

typedef struct item_list {
    item *items;
    size_t count, cap;
    int oom;
} item_list;

static void items_free(item_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].path);
        free(l->items[i].label);
        free(l->items[i].old_text);
        free(l->items[i].new_text);
        free(l->items[i].from);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static item *items_add(item_list *l)
{
    item *ni = jx_grow(l->items, &l->cap, l->count, sizeof *ni, 16);
    if (!ni) {
        l->oom = 1;
        return NULL;
    }
    l->items = ni;
    item *it = &l->items[l->count++];
    memset(it, 0, sizeof *it);
    return it;
}

/* ---- labels ------------------------------------------------------------------ */

/* A child of a map by key, or of a list by index, without marking keys used. */
static const jx_node *child(const jx_node *n, const char *seg)
{
    if (!n)
        return NULL;
    if (n->kind == JX_NODE_MAP) {
        long k = jx_node_key_index(n, seg);
        return k >= 0 ? n->entries[k].value : NULL;
    }
    if (n->kind == JX_NODE_SEQ) {
        char *end;
        unsigned long i = strtoul(seg, &end, 10);
        return *end == '\0' && i < n->count ? n->entries[i].value : NULL;
    }
    return NULL;
}

/* How a list entry is named: its name (or level1/level2/id), else its first
 * value, else its position. */
static void entry_name(const jx_node *entry, const char *index, jx_buf *out)
{
    static const char *const keys[] = {"name", "level1", "level2", "id", "title"};
    const char *t = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !t; i++)
        t = jx_node_text(child(entry, keys[i]));
    for (size_t i = 0; !t && entry && entry->kind == JX_NODE_MAP && i < entry->count; i++)
        t = jx_node_text(entry->entries[i].value);
    if (t && *t)
        jx_buf_printf(out, "[%s]", t);
    else
        jx_buf_printf(out, "[#%lu]", strtoul(index, NULL, 10) + 1);
}

/* "项目资金 › 资金总额", "支出[大楼运行费] › 全年预算数" for a data path. */
static char *make_label(const jx_node *schema, const jx_node *tree, const jx_node *other,
                        const char *path)
{
    jx_buf out = {0};
    char prefix[MAX_PATH_LEN];
    const jx_node *n = tree, *m = other;
    const char *p = path;
    size_t plen = 0;
    while (*p) {
        size_t len = strcspn(p, ".");
        char seg[MAX_PATH_LEN];
        if (len >= sizeof seg || plen + len + 2 >= sizeof prefix)
            break;
        memcpy(seg, p, len);
        seg[len] = '\0';
        plen += (size_t)snprintf(prefix + plen, sizeof prefix - plen, "%s%s", plen ? "." : "",
                                 seg);
        n = child(n, seg);
        m = child(m, seg);
        if (seg[0] >= '0' && seg[0] <= '9') {
            entry_name(n ? n : m, seg, &out);
        } else {
            const jx_node *spec = jx_schema_field(schema, prefix);
            const char *label = spec ? jx_schema_label(spec) : NULL;
            if (out.len)
                jx_buf_puts(&out, " › ");
            jx_buf_puts(&out, label && *label ? label : seg);
        }
        p += len;
        if (*p == '.')
            p++;
    }
    if (out.oom) {
        jx_buf_free(&out);
        return NULL;
    }
    return out.data ? out.data : strdup("");
}

/* ---- field changes ------------------------------------------------------------ */

typedef struct differ {
    const jx_filing *old_f, *new_f;
    const jx_node *schema;       /* the new version's */
    item_list changes;
    char path[MAX_PATH_LEN];
} differ;

static int is_amount(const differ *df, const char *path)
{
    const jx_node *spec = jx_schema_field(df->schema, path);
    return spec && jx_schema_type(spec) == JX_FIELD_AMOUNT;
}

static int same_leaf(const differ *df, const jx_node *a, const jx_node *b)
{
    int ea = jx_node_is_empty(a) || !jx_node_text(a), eb = jx_node_is_empty(b) || !jx_node_text(b);
    if (ea || eb)
        return ea && eb;
    const char *ta = jx_node_text(a), *tb = jx_node_text(b);
    if (strcmp(ta, tb) == 0)
        return 1;
    if (is_amount(df, df->path)) {
        const jx_node *spec = jx_schema_field(df->schema, df->path);
        jx_decimal x, y;
        if (jx_schema_amount_parse(spec, ta, &x) == JX_OK &&
            jx_schema_amount_parse(spec, tb, &y) == JX_OK)
            return jx_decimal_cmp(x, y) == 0;
    }
    return 0;
}

static void add_change(differ *df, const jx_node *a, const jx_node *b)
{
    item *it = items_add(&df->changes);
    if (!it)
        return;
    it->kind = !a ? CH_ADDED : !b ? CH_REMOVED : CH_CHANGED;
    it->path = strdup(df->path);
    const jx_node *spec = jx_schema_field(df->schema, df->path);
    it->unit = spec ? jx_schema_unit(spec) : NULL;
    it->label = make_label(df->schema, df->new_f->root, df->old_f->root, df->path);
    it->old_text = jx_strdup(jx_node_is_empty(a) ? NULL : jx_node_text(a));
    it->new_text = jx_strdup(jx_node_is_empty(b) ? NULL : jx_node_text(b));
    if (b && b->line > df->new_f->includes->files[0].lines) {
        int line;
        const char *file = jx_includes_locate(df->new_f->includes, b->line, &line);
        jx_buf buf = {0};
        jx_buf_printf(&buf, "%s:%d:%d", file ? file : "?", line, b->col);
        it->from = buf.oom ? NULL : buf.data;
        if (buf.oom)
            jx_buf_free(&buf);
    }
    if (!it->path || !it->label)
        df->changes.oom = 1;
}

static int is_container(const jx_node *n)
{
    return n && (n->kind == JX_NODE_MAP || n->kind == JX_NODE_SEQ);
}

/* Compares a and b (either may be NULL: absent) at df->path. */
static void walk(differ *df, const jx_node *a, const jx_node *b)
{
    if (!is_container(a) && !is_container(b)) {
        if (!same_leaf(df, a, b))
            add_change(df, a, b);
        return;
    }
    int shape_changed = (a && b && a->kind != b->kind) ||
                        (a && !is_container(a) && !jx_node_is_empty(a)) ||
                        (b && !is_container(b) && !jx_node_is_empty(b));
    if (shape_changed) {
        walk(df, a, NULL);
        walk(df, NULL, b);
        return;
    }
    const jx_node *ca = is_container(a) ? a : NULL, *cb = is_container(b) ? b : NULL;
    size_t base = strlen(df->path);
    const jx_node *shape = cb ? cb : ca;
    if (shape->kind == JX_NODE_MAP) {
        for (int side = 0; side < 2; side++) {
            const jx_node *from = side == 0 ? cb : ca;
            for (size_t i = 0; from && i < from->count; i++) {
                const char *key = from->entries[i].key;
                if (side == 1 && cb && jx_node_key_index(cb, key) >= 0)
                    continue; /* already compared */
                if (base + strlen(key) + 2 >= sizeof df->path)
                    continue;
                snprintf(df->path + base, sizeof df->path - base, "%s%s", base ? "." : "", key);
                walk(df, child(ca, key), child(cb, key));
                df->path[base] = '\0';
            }
        }
    } else {
        size_t n = (ca ? ca->count : 0) > (cb ? cb->count : 0) ? ca->count : (cb ? cb->count : 0);
        for (size_t i = 0; i < n; i++) {
            if (base + 24 >= sizeof df->path)
                break;
            snprintf(df->path + base, sizeof df->path - base, "%s%zu", base ? "." : "", i);
            walk(df, ca && i < ca->count ? ca->entries[i].value : NULL,
                 cb && i < cb->count ? cb->entries[i].value : NULL);
            df->path[base] = '\0';
        }
    }
}

/* ---- consequences: number cells ------------------------------------------- */

typedef struct shown {
    const char *path;
    const char *text;
    int percent;
} shown;

typedef struct shown_list {
    shown *items;
    size_t count, cap;
    int oom;
} shown_list;

static const shown *shown_find(const shown_list *l, const char *path)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].path, path) == 0)
            return &l->items[i];
    return NULL;
}

/* Every number cell of a document, first one per source path. */
static void collect_numbers(const jx_doc *doc, shown_list *l)
{
    for (size_t s = 0; doc && s < doc->nsections; s++) {
        const jx_section *sec = &doc->sections[s];
        for (size_t b = 0; b < sec->nblocks; b++) {
            const jx_table *t = sec->blocks[b].kind == JX_BLOCK_TABLE ? sec->blocks[b].table : NULL;
            for (size_t c = 0; t && c < t->ncells; c++) {
                const jx_cell *cell = &t->cells[c];
                if (cell->kind != JX_CELL_NUMBER || !cell->source.path || shown_find(l, cell->source.path))
                    continue;
                shown *ni = jx_grow(l->items, &l->cap, l->count, sizeof *ni, 64);
                if (!ni) {
                    l->oom = 1;
                    return;
                }
                l->items = ni;
                l->items[l->count++] = (shown){
                    cell->source.path, cell->npara ? cell->paras[0].text : "",
                    cell->number_format && strchr(cell->number_format, '%') != NULL};
            }
        }
    }
}

static int changed_field(const item_list *changes, const char *path)
{
    for (size_t i = 0; i < changes->count; i++)
        if (strcmp(changes->items[i].path, path) == 0)
            return 1;
    return 0;
}

static void add_consequence(differ *df, item_list *out, const char *path, const shown *o,
                            const shown *n)
{
    item *it = items_add(out);
    if (!it)
        return;
    it->kind = CH_CHANGED;
    it->path = strdup(path);
    it->label = make_label(df->schema, df->new_f->root, df->old_f->root, path);
    it->old_text = jx_strdup(o ? o->text : NULL);
    it->new_text = jx_strdup(n ? n->text : NULL);
    it->percent = (o && o->percent) || (n && n->percent);
    const jx_node *spec = jx_schema_field(df->schema, path);
    /* A percentage shows its '%' in the text already. */
    it->unit = spec && !it->percent ? jx_schema_unit(spec) : NULL;
    if (it->unit && strcmp(it->unit, "%") == 0)
        it->unit = NULL;
    if (!it->path || !it->label)
        out->oom = 1;
}

static void consequences(differ *df, const jx_doc *old_doc, const jx_doc *new_doc, item_list *out)
{
    shown_list lo = {0}, ln = {0};
    collect_numbers(old_doc, &lo);
    collect_numbers(new_doc, &ln);
    for (int side = 0; side < 2; side++) {
        const shown_list *l = side == 0 ? &ln : &lo;
        for (size_t i = 0; i < l->count; i++) {
            const char *path = l->items[i].path;
            const shown *o = shown_find(&lo, path), *n = shown_find(&ln, path);
            if (side == 1 && n)
                continue;
            if (o && n && strcmp(o->text, n->text) == 0)
                continue;
            if (changed_field(&df->changes, path))
                continue;
            add_consequence(df, out, path, o, n);
        }
    }
    out->oom |= lo.oom || ln.oom;
    free(lo.items);
    free(ln.items);
}

/* ---- output ------------------------------------------------------------------------ */

typedef struct report {
    const jx_diff_options *o;
    int nfilings, changed, unchanged, added, removed, failed;
    int json_first;
} report;

/* A value for the text report: whitespace runs as one space, long text cut. */
static void print_value(FILE *f, const char *s)
{
    if (!s) {
        fputs(_("(empty)"), f);
        return;
    }
    size_t chars = 0;
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
            space = 1;
            continue;
        }
        if ((*p & 0xC0) != 0x80) {
            if (chars == SHOWN_CHARS) {
                fputs("…", f);
                return;
            }
            if (space && chars)
                fputc(' ', f);
            space = 0;
            chars++;
        }
        fputc(*p, f);
    }
}

static void print_items_text(FILE *f, const item_list *l, int consequence)
{
    for (size_t i = 0; i < l->count; i++) {
        const item *it = &l->items[i];
        if (consequence)
            fprintf(f, "           %s (%s): ", it->label, it->path);
        else
        {
            const char *k = _(kind_text[it->kind]);
            int w = 0;
            for (const unsigned char *p = (const unsigned char *)k; *p; p++)
                if ((*p & 0xC0) != 0x80)
                    w += *p >= 0xE0 ? 2 : 1;
            fprintf(f, "  %s%*s  %s (%s): ", k, w < 7 ? 7 - w : 0, "", it->label, it->path);
        }
        print_value(f, it->old_text);
        fputs(" → ", f);
        print_value(f, it->new_text);
        if (it->unit && *it->unit && (it->old_text || it->new_text))
            fprintf(f, " %s", it->unit);
        if (it->from)
            fprintf(f, "  [%s]", it->from);
        fputc('\n', f);
    }
}

static void print_items_json(FILE *f, const item_list *l, int consequence)
{
    fputc('[', f);
    for (size_t i = 0; i < l->count; i++) {
        const item *it = &l->items[i];
        fputs(i ? ",{" : "{", f);
        if (!consequence) {
            fprintf(f, "\"kind\":\"%s\",", kind_names[it->kind]);
        }
        fputs("\"path\":", f);
        jx_json_string(f, it->path);
        fputs(",\"label\":", f);
        jx_json_string(f, it->label);
        /* The unit the form states (万元, 元) for changes and the totals
         * that follow alike, as the text diff prints it; null for texts
         * and percentages (their '%' is in the value). */
        fputs(",\"unit\":", f);
        jx_json_string(f, it->unit && *it->unit ? it->unit : NULL);
        if (consequence)
            fprintf(f, ",\"percent\":%s", it->percent ? "true" : "false");
        fputs(",\"old\":", f);
        jx_json_string(f, it->old_text);
        fputs(",\"new\":", f);
        jx_json_string(f, it->new_text);
        if (!consequence) {
            fputs(",\"from\":", f);
            jx_json_string(f, it->from);
        }
        fputc('}', f);
    }
    fputc(']', f);
}

/* Prints one filing's result.  status: "changed", "unchanged", "added",
 * "removed", "failed". */
static void print_filing(report *rp, const char *old_path, const char *new_path,
                         const char *status, const item_list *changes, const item_list *cons)
{
    FILE *f = rp->o->out;
    if (rp->o->json) {
        fputs(rp->json_first ? "{" : ",{", f);
        rp->json_first = 0;
        fputs("\"old\":", f);
        jx_json_string(f, old_path);
        fputs(",\"new\":", f);
        jx_json_string(f, new_path);
        fprintf(f, ",\"status\":\"%s\",\"changes\":", status);
        print_items_json(f, changes, 0);
        fputs(",\"consequences\":", f);
        print_items_json(f, cons, 1);
        fputs("}", f);
        return;
    }
    if (strcmp(status, "unchanged") == 0)
        return;
    fprintf(f, "--- %s\n+++ %s\n", old_path ? old_path : "/dev/null",
            new_path ? new_path : "/dev/null");
    if (strcmp(status, "added") == 0)
        fputs(_("  new filing\n"), f);
    else if (strcmp(status, "removed") == 0)
        fputs(_("  filing removed\n"), f);
    else if (strcmp(status, "failed") == 0)
        fputs(_("  not compared: a version cannot be read (see the messages)\n"), f);
    print_items_text(f, changes, 0);
    if (cons->count) {
        fputs(_("  totals that follow:\n"), f);
        print_items_text(f, cons, 1);
    }
}

/* Compares one pair of filings (either path may be NULL: added/removed). */
static jx_status diff_pair(jx_renderer *r, report *rp, const char *old_path, const char *new_path,
                           jx_diags *d)
{
    item_list changes = {0}, cons = {0};
    rp->nfilings++;
    if (!old_path || !new_path) {
        print_filing(rp, old_path, new_path, old_path ? "removed" : "added", &changes, &cons);
        if (old_path)
            rp->removed++;
        else
            rp->added++;
        return JX_OK;
    }
    jx_filing *fo = NULL, *fn = NULL;
    jx_doc *doc_o = NULL, *doc_n = NULL;
    jx_status st = jx_renderer_read(r, old_path, &fo, d);
    jx_status st2 = jx_renderer_read(r, new_path, &fn, d);
    if (st == JX_OK)
        st = st2;
    if (st == JX_OK) {
        /* Compose first: the schema check finds unknown keys by the keys never
         * looked up, and the comparison below looks keys up. */
        st = jx_renderer_compose_filing(r, fo, &doc_o, d);
        st2 = jx_renderer_compose_filing(r, fn, &doc_n, d);
        if (st == JX_OK)
            st = st2;
    }
    if (fo && fn) {
        differ df = {0};
        df.old_f = fo;
        df.new_f = fn;
        df.schema = fn->layout->schema;
        if (fo->layout != fn->layout)
            jx_diags_add(d, JX_SEV_WARNING, new_path, 0, 0, "diff-region",
                         _("the two versions are of different regions (%s in %s, %s here): "
                           "fields are compared by key, with the labels of %s"),
                         fo->layout->region, old_path, fn->layout->region, fn->layout->region);
        walk(&df, fo->root, fn->root);
        if (doc_o && doc_n)
            consequences(&df, doc_o, doc_n, &cons);
        changes = df.changes;
    }
    const char *status = st != JX_OK && !(fo && fn) ? "failed"
                         : changes.count || cons.count ? "changed"
                                                       : "unchanged";
    print_filing(rp, old_path, new_path, status, &changes, &cons);
    if (strcmp(status, "failed") == 0)
        rp->failed++;
    else if (strcmp(status, "changed") == 0)
        rp->changed++;
    else
        rp->unchanged++;
    if ((changes.oom || cons.oom) && st == JX_OK)
        st = jx_diag_error(d, JX_ERR_NOMEM, new_path, 0, 0, _("out of memory"));
    items_free(&changes);
    items_free(&cons);
    jx_doc_free(doc_o);
    jx_doc_free(doc_n);
    jx_filing_free(fo);
    jx_filing_free(fn);
    return st;
}

/* ---- folders ----------------------------------------------------------------------- */

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && strcmp(name + n - e, ext) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The filing names of a folder (sorted), leaving out shared files: those a
 * filing of the folder includes that have no region: of their own.
 * Returns 0, or -1 with a message. */
static int folder_filings(const char *dir, char ***out, size_t *count, jx_diags *d)
{
    *out = NULL;
    *count = 0;
    DIR *dp = opendir(dir);
    if (!dp) {
        jx_diag_error(d, JX_ERR_IO, dir, 0, 0, _("cannot read the folder: %s"), jx_strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int oom = 0;
    while ((e = readdir(dp)) && !oom) {
        const char *nm = e->d_name;
        if (nm[0] == '.' || !(has_ext(nm, ".yaml") || has_ext(nm, ".yml") || has_ext(nm, ".json")))
            continue;
        char **nn = jx_grow(names, &cap, n, sizeof *nn, 16);
        if (!nn) {
            oom = 1;
            break;
        }
        names = nn;
        if (!(names[n] = strdup(nm)))
            oom = 1;
        else
            n++;
    }
    closedir(dp);
    if (oom) {
        free_names(names, n);
        jx_diag_error(d, JX_ERR_NOMEM, dir, 0, 0, _("out of memory"));
        return -1;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    /* Shared files (included by a filing of the folder) are not filings. */
    char **paths = calloc(n ? n : 1, sizeof *paths);
    unsigned char *shared = calloc(n ? n : 1, 1);
    int bad = !paths || !shared;
    for (size_t i = 0; i < n && !bad; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        if ((paths[i] = malloc(len)))
            snprintf(paths[i], len, "%s/%s", dir, names[i]);
        else
            bad = 1;
    }
    if (!bad)
        bad = jx_include_mark_shared(paths, n, shared) != 0;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!bad && shared[i])
            free(names[i]);
        else
            names[kept++] = names[i];
    }
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    free(shared);
    if (bad) {
        free_names(names, kept);
        jx_diag_error(d, JX_ERR_NOMEM, dir, 0, 0, _("out of memory"));
        return -1;
    }
    *out = names;
    *count = kept;
    return 0;
}

static int rank(jx_status st)
{
    return st == JX_OK ? 0 : (st == JX_ERR_FILING || st == JX_ERR_SYNTAX) ? 1 : 2;
}

jx_status jx_diff_run(jx_renderer *r, const char *old_path, const char *new_path,
                      const jx_diff_options *o, jx_diags *d)
{
    report rp = {0};
    rp.o = o;
    rp.json_first = 1;
    if (o->json)
        fputs("{\"filings\":[", o->out);
    jx_status worst = JX_OK;
    int dirs = is_dir(old_path), dirs2 = is_dir(new_path);
    if (dirs != dirs2) {
        worst = jx_diag_error(d, JX_ERR_USAGE, dirs ? new_path : old_path, 0, 0,
                              _("diff compares two files or two folders, not a file with a folder"));
    } else if (!dirs) {
        worst = diff_pair(r, &rp, old_path, new_path, d);
    } else {
        char **a = NULL, **b = NULL;
        size_t na = 0, nb = 0;
        if (folder_filings(old_path, &a, &na, d) != 0 || folder_filings(new_path, &b, &nb, d) != 0)
            worst = JX_ERR_IO;
        size_t i = 0, j = 0;
        while (worst != JX_ERR_IO && (i < na || j < nb)) {
            int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
            char po[PATH_MAX], pn[PATH_MAX];
            if (c <= 0)
                snprintf(po, sizeof po, "%s/%s", old_path, a[i]);
            if (c >= 0)
                snprintf(pn, sizeof pn, "%s/%s", new_path, b[j]);
            jx_status st = diff_pair(r, &rp, c <= 0 ? po : NULL, c >= 0 ? pn : NULL, d);
            if (rank(st) > rank(worst))
                worst = st;
            if (c <= 0)
                i++;
            if (c >= 0)
                j++;
        }
        free_names(a, na);
        free_names(b, nb);
    }
    if (o->json) {
        fprintf(o->out,
                "],\"summary\":{\"filings\":%d,\"changed\":%d,\"unchanged\":%d,\"added\":%d,"
                "\"removed\":%d,\"failed\":%d}}\n",
                rp.nfilings, rp.changed, rp.unchanged, rp.added, rp.removed, rp.failed);
    } else if (rp.nfilings > 1 || (rp.nfilings == 1 && rp.changed + rp.added + rp.removed +
                                                              rp.failed == 0)) {
        fprintf(o->out, _("%d changed, %d unchanged, %d added, %d removed"), rp.changed,
                rp.unchanged, rp.added, rp.removed);
        if (rp.failed)
            fprintf(o->out, _(", %d not compared"), rp.failed);
        fputc('\n', o->out);
    }
    if (o->changed)
        *o->changed = rp.changed + rp.added + rp.removed > 0;
    return worst;
}
