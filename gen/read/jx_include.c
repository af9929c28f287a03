/* jx_include.c - `include:` files and `$ref` values (see jx_include.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "jx_include.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_file.h"
#include "jx_util.h"
#include "jx_i18n.h"

#define MAX_REF_LEN 1024

static int count_lines(const char *buf, size_t len)
{
    int lines = 1;
    for (const char *p = buf; (p = memchr(p, '\n', len - (size_t)(p - buf))); p++)
        lines++;
    return lines;
}

/* Joins an include: entry to the folder of the including file. */
static char *join_path(const char *including, const char *rel)
{
    const char *slash = strrchr(including, '/');
    size_t dir = (rel[0] == '/' || !slash) ? 0 : (size_t)(slash - including) + 1;
    size_t n = dir + strlen(rel) + 1;
    char *p = malloc(n);
    if (p) {
        memcpy(p, including, dir);
        memcpy(p + dir, rel, n - dir);
    }
    return p;
}

size_t jx_include_paths(const jx_node *filing, const char *path, char **out, size_t max)
{
    long i = jx_node_key_index(filing, "include");
    if (i < 0)
        return 0;
    const jx_node *v = filing->entries[i].value;
    size_t n = 0;
    if (v->kind == JX_NODE_SCALAR) {
        if (jx_node_text(v) && *v->text && max > 0 && (out[0] = join_path(path, v->text)))
            n = 1;
        return n;
    }
    if (v->kind != JX_NODE_SEQ)
        return 0;
    for (size_t k = 0; k < v->count && n < max; k++) {
        const char *t = jx_node_text(v->entries[k].value);
        if (t && *t && (out[n] = join_path(path, t)))
            n++;
    }
    return n;
}

int jx_include_mark_shared(char *const *paths, size_t n, unsigned char *shared)
{
    char **included = NULL; /* real paths of every file some listed file includes */
    size_t ninc = 0, cap = 0;
    unsigned char *filing = calloc(n ? n : 1, 1);
    int rc = filing ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        shared[i] = 0;
        jx_diags scratch;
        jx_diags_init(&scratch);
        jx_node *root = NULL;
        if (jx_node_parse_file(paths[i], &root, &scratch) == JX_OK) {
            filing[i] = jx_node_key_index(root, "region") >= 0;
            char *inc[JX_INCLUDE_MAX_FILES];
            size_t k = jx_include_paths(root, paths[i], inc, JX_INCLUDE_MAX_FILES);
            for (size_t j = 0; j < k; j++) {
                char real[PATH_MAX];
                if (rc == 0 && realpath(inc[j], real)) {
                    char **ni = jx_grow(included, &cap, ninc, sizeof *ni, 16);
                    if (ni)
                        included = ni;
                    if (ni && (included[ninc] = strdup(real)))
                        ninc++;
                    else
                        rc = -1;
                }
                free(inc[j]);
            }
        }
        jx_node_free(root);
        jx_diags_free(&scratch);
    }
    for (size_t i = 0; i < n && rc == 0 && ninc; i++) {
        char real[PATH_MAX];
        if (filing[i] || !realpath(paths[i], real))
            continue;
        for (size_t j = 0; j < ninc && !shared[i]; j++)
            shared[i] = strcmp(included[j], real) == 0;
    }
    for (size_t j = 0; j < ninc; j++)
        free(included[j]);
    free(included);
    free(filing);
    return rc;
}

const char *jx_includes_locate(const jx_includes *inc, int line, int *real_line)
{
    *real_line = line;
    if (!inc || line <= 0 || inc->count == 0)
        return inc && inc->count ? inc->files[0].path : NULL;
    for (size_t i = 0; i < inc->count; i++) {
        const jx_source_file *f = &inc->files[i];
        if (line > f->base && line <= f->base + f->lines) {
            *real_line = line - f->base;
            return f->path;
        }
    }
    return inc->files[0].path;
}

void jx_includes_remap_diags(const jx_includes *inc, jx_diags *d, size_t from)
{
    if (!inc || inc->count < 2)
        return;
    const jx_source_file *filing = &inc->files[0];
    for (size_t i = from; i < d->count; i++) {
        jx_diag *g = &d->items[i];
        if (!g->file || g->line <= filing->lines || strcmp(g->file, filing->path) != 0)
            continue;
        int real;
        const char *file = jx_includes_locate(inc, g->line, &real);
        char *copy = file ? strdup(file) : NULL;
        if (!copy)
            continue; /* keep the virtual position rather than lose the message */
        free(g->file);
        g->file = copy;
        g->line = real;
    }
}

void jx_includes_free(jx_includes *inc)
{
    if (!inc)
        return;
    for (size_t i = 0; i < inc->count; i++)
        free(inc->files[i].path);
    free(inc);
}

/* ---- resolution ---------------------------------------------------------- */

typedef struct resolver {
    const char *path;                            /* the filing */
    jx_includes *inc;
    jx_node *roots[JX_INCLUDE_MAX_FILES + 1];    /* included trees, by file index */
    size_t copied;                               /* nodes made by copies */
    jx_diags *d;
    jx_status status;
} resolver;

static jx_status fail_at(resolver *rs, jx_status st, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Adds an error at the filing's line:col and keeps the first status. */
static jx_status fail_at(resolver *rs, jx_status st, int line, int col, const char *fmt, ...)
{
    char msg[MAX_REF_LEN * 2 + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap); /* fmt is in the catalog: xgettext -kfail_at:5 */
    va_end(ap);
    jx_diags_add(rs->d, JX_SEV_ERROR, rs->path, line, col, "include", "%s", msg);
    if (rs->status == JX_OK)
        rs->status = st;
    return st;
}

/* A deep copy of n (positions kept), or NULL when out of memory or past the
 * node limit (rs->status says which). */
static jx_node *copy_node(resolver *rs, const jx_node *n)
{
    jx_node *c = NULL;
    jx_status st = jx_node_clone(n, &rs->copied, JX_NODE_MAX_NODES, &c);
    if (st == JX_ERR_LIMIT && rs->status == JX_OK)
        fail_at(rs, JX_ERR_LIMIT, 0, 0, "$ref copies make more than 200000 values");
    else if (st != JX_OK && rs->status == JX_OK)
        fail_at(rs, JX_ERR_NOMEM, 0, 0, "out of memory");
    return c;
}

/* Merges `value` (taken) into map `dst` under `key` (taken): maps merge key
 * by key, anything else replaces.  Returns 0 or -1 (out of memory; the
 * taken arguments are freed). */
static int merge_into(jx_node *dst, char *key, int kline, int kcol, jx_node *value)
{
    long j = jx_node_key_index(dst, key);
    if (j < 0) {
        if (jx_node_map_append(dst, key, kline, kcol, value) == JX_OK)
            return 0;
        free(key);
        jx_node_free(value);
        return -1;
    }
    jx_node *old = dst->entries[j].value;
    if (old->kind == JX_NODE_MAP && value->kind == JX_NODE_MAP) {
        free(key);
        int rc = 0;
        for (size_t i = 0; i < value->count; i++) {
            int kl = value->entries[i].key_line, kc = value->entries[i].key_col;
            char *k = NULL;
            jx_node *v = NULL;
            jx_node_map_take(value, i, rc == 0 ? &k : NULL, rc == 0 ? &v : NULL);
            if (rc == 0)
                rc = merge_into(old, k, kl, kc, v);
        }
        jx_node_free(value);
        return rc;
    }
    free(key);
    jx_node_map_replace(dst, (size_t)j, kline, kcol, value);
    return 0;
}

static int is_identifier(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* The entries of list `seq` whose `field` is `value`: count, and the first. */
static size_t select_entries(const jx_node *seq, const char *field, const char *value,
                             const jx_node **first)
{
    size_t n = 0;
    for (size_t i = 0; i < seq->count; i++) {
        const jx_node *e = seq->entries[i].value;
        const char *t = jx_node_text(jx_node_get(e, field));
        if (t && strcmp(t, value) == 0 && n++ == 0)
            *first = e;
    }
    return n;
}

/* Finds the value a $ref path names.  `at` is the $ref scalar (for
 * messages).  Returns it or NULL with a message. */
static const jx_node *lookup(resolver *rs, const char *ref, const jx_node *at)
{
    if (rs->inc->count < 2) {
        fail_at(rs, JX_ERR_FILING, at->line, at->col,
                "$ref %s needs include: at the top of the filing naming the file that holds it",
                ref);
        return NULL;
    }
    const jx_node *cur = NULL;
    const char *p = ref;
    char seg[MAX_REF_LEN], sofar[MAX_REF_LEN];
    size_t sofar_len = 0;
    int first = 1;
    while (*p) {
        size_t n = strcspn(p, ".[");
        if (n == 0 && !(*p == '[' && !first)) {
            fail_at(rs, JX_ERR_FILING, at->line, at->col,
                    "$ref '%s' is not a path (write keys separated by dots, e.g. projects[P01].amount)",
                    ref);
            return NULL;
        }
        memcpy(seg, p, n);
        seg[n] = '\0';
        if (n > 0) {
            if (first) {
                for (size_t f = 1; f < rs->inc->count && !cur; f++) {
                    long k = jx_node_key_index(rs->roots[f], seg);
                    if (k >= 0)
                        cur = rs->roots[f]->entries[k].value;
                }
                if (!cur) {
                    /* Suggest the nearest key of the included files. */
                    const char *cands[256];
                    size_t nc = 0;
                    for (size_t f = 1; f < rs->inc->count; f++)
                        for (size_t k = 0; k < rs->roots[f]->count && nc < 256; k++)
                            cands[nc++] = rs->roots[f]->entries[k].key;
                    const char *near = jx_nearest(seg, cands, nc);
                    char hint[300] = "";
                    if (near)
                        snprintf(hint, sizeof hint, _(" (did you mean %s?)"), near);
                    fail_at(rs, JX_ERR_FILING, at->line, at->col,
                            "$ref: '%s' is not defined in the included files%s", seg, hint);
                    return NULL;
                }
            } else if (cur->kind == JX_NODE_MAP) {
                long k = jx_node_key_index(cur, seg);
                if (k < 0) {
                    fail_at(rs, JX_ERR_FILING, at->line, at->col, "$ref: %s has no '%s'", sofar,
                            seg);
                    return NULL;
                }
                cur = cur->entries[k].value;
            } else if (cur->kind == JX_NODE_SEQ) {
                char *end;
                unsigned long idx = strtoul(seg, &end, 10);
                if (*end != '\0' || idx >= cur->count) {
                    fail_at(rs, JX_ERR_FILING, at->line, at->col,
                            "$ref: %s is a list; pick an entry with [id] or [name], not '%s'",
                            sofar, seg);
                    return NULL;
                }
                cur = cur->entries[idx].value;
            } else {
                fail_at(rs, JX_ERR_FILING, at->line, at->col, "$ref: %s is a value and has no '%s'",
                        sofar, seg);
                return NULL;
            }
            first = 0;
            sofar_len += (size_t)snprintf(sofar + sofar_len, sizeof sofar - sofar_len, "%s%s",
                                          sofar_len ? "." : "", seg);
            if (sofar_len >= sizeof sofar)
                sofar_len = sizeof sofar - 1;
        }
        p += n;
        if (*p == '[') {
            const char *close = strchr(p, ']');
            if (!close) {
                fail_at(rs, JX_ERR_FILING, at->line, at->col, "$ref '%s': '[' without ']'", ref);
                return NULL;
            }
            size_t sl = (size_t)(close - p - 1);
            memcpy(seg, p + 1, sl);
            seg[sl] = '\0';
            if (cur->kind != JX_NODE_SEQ) {
                fail_at(rs, JX_ERR_FILING, at->line, at->col,
                        "$ref: %s is not a list, so [%s] picks nothing", sofar, seg);
                return NULL;
            }
            const jx_node *hit = NULL;
            size_t hits;
            char *eq = strchr(seg, '=');
            char field[128] = "id";
            const char *value = seg;
            int by_field = eq && is_identifier(seg, (size_t)(eq - seg)) &&
                           (size_t)(eq - seg) < sizeof field;
            if (by_field) {
                memcpy(field, seg, (size_t)(eq - seg));
                field[eq - seg] = '\0';
                value = eq + 1;
                hits = select_entries(cur, field, value, &hit);
            } else {
                hits = select_entries(cur, "id", value, &hit);
                if (hits == 0) {
                    strcpy(field, "name");
                    hits = select_entries(cur, "name", value, &hit);
                }
            }
            if (hits == 0) {
                fail_at(rs, JX_ERR_FILING, at->line, at->col,
                        "$ref: in the list %s, no entry has %s %s", sofar,
                        by_field ? field : _("id or name"), value);
                return NULL;
            }
            if (hits > 1) {
                fail_at(rs, JX_ERR_FILING, at->line, at->col,
                        "$ref: in the list %s, %zu entries have %s %s; pick one with [id=...]",
                        sofar, hits, field, value);
                return NULL;
            }
            cur = hit;
            sofar_len += (size_t)snprintf(sofar + sofar_len, sizeof sofar - sofar_len, "[%s]", seg);
            if (sofar_len >= sizeof sofar)
                sofar_len = sizeof sofar - 1;
            p = close + 1;
            if (*p != '\0' && *p != '.' && *p != '[') {
                fail_at(rs, JX_ERR_FILING, at->line, at->col,
                        "$ref '%s': expected '.' after ']'", ref);
                return NULL;
            }
        }
        if (*p == '.')
            p++;
    }
    return cur;
}

/* Builds the projection of one map `src` by $fields `fields`. */
static jx_node *project_map(resolver *rs, const jx_node *src, const jx_node *fields)
{
    jx_node *m = jx_node_new(JX_NODE_MAP, src->line, src->col);
    if (!m) {
        fail_at(rs, JX_ERR_NOMEM, 0, 0, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < fields->count; i++) {
        const jx_node *v = jx_node_path(src, fields->entries[i].value->text);
        if (!v)
            continue; /* absent in this entry: the field stays empty */
        jx_node *c = copy_node(rs, v);
        char *key = c ? strdup(fields->entries[i].key) : NULL;
        if (!key || jx_node_map_append(m, key, v->line, v->col, c) != JX_OK) {
            free(key);
            jx_node_free(c);
            jx_node_free(m);
            if (rs->status == JX_OK)
                fail_at(rs, JX_ERR_NOMEM, 0, 0, "out of memory");
            return NULL;
        }
    }
    return m;
}

static jx_node *project(resolver *rs, const jx_node *target, const jx_node *fields,
                        const jx_node *at)
{
    if (target->kind == JX_NODE_MAP)
        return project_map(rs, target, fields);
    if (target->kind != JX_NODE_SEQ) {
        fail_at(rs, JX_ERR_FILING, at->line, at->col,
                "$fields applies to a map or a list of maps; this $ref names a single value");
        return NULL;
    }
    jx_node *list = jx_node_new(JX_NODE_SEQ, target->line, target->col);
    if (!list) {
        fail_at(rs, JX_ERR_NOMEM, 0, 0, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < target->count; i++) {
        const jx_node *e = target->entries[i].value;
        if (e->kind != JX_NODE_MAP) {
            jx_node_free(list);
            fail_at(rs, JX_ERR_FILING, at->line, at->col,
                    "$fields: entry %zu of the list is not a map", i + 1);
            return NULL;
        }
        jx_node *m = project_map(rs, e, fields);
        if (!m) {
            jx_node_free(list);
            return NULL;
        }
        if (jx_node_seq_append(list, m) != JX_OK) {
            jx_node_free(m);
            jx_node_free(list);
            fail_at(rs, JX_ERR_NOMEM, 0, 0, "out of memory");
            return NULL;
        }
    }
    return list;
}

static void resolve_entry(resolver *rs, jx_node *n, size_t i);

/* Out of memory or past a limit: stop.  Other errors are reported and the
 * walk goes on, so one run names every bad $ref. */
static int fatal(const resolver *rs)
{
    return rs->status == JX_ERR_NOMEM || rs->status == JX_ERR_LIMIT;
}

/* The value replacing a map that holds $ref (n is left intact except for
 * override values taken from it). */
static jx_node *expand_ref(resolver *rs, jx_node *n, long ref_index)
{
    const jx_node *refnode = n->entries[ref_index].value;
    const char *ref = jx_node_text(refnode);
    if (refnode->kind != JX_NODE_SCALAR || !ref || !*ref) {
        fail_at(rs, JX_ERR_FILING, refnode->line, refnode->col,
                "$ref takes a path such as projects[P01].amount");
        return NULL;
    }
    if (strlen(ref) >= MAX_REF_LEN) {
        fail_at(rs, JX_ERR_LIMIT, refnode->line, refnode->col, "$ref path too long");
        return NULL;
    }
    const jx_node *fields = NULL;
    for (size_t i = 0; i < n->count; i++) {
        if (n->entries[i].key[0] != '$' || (long)i == ref_index)
            continue;
        if (strcmp(n->entries[i].key, "$fields") != 0) {
            fail_at(rs, JX_ERR_FILING, n->entries[i].key_line, n->entries[i].key_col,
                    "unknown directive '%s' next to $ref (known: $fields)", n->entries[i].key);
            return NULL;
        }
        fields = n->entries[i].value;
        int ok = fields->kind == JX_NODE_MAP && fields->count > 0;
        for (size_t k = 0; ok && k < fields->count; k++)
            ok = jx_node_text(fields->entries[k].value) && *fields->entries[k].value->text;
        if (!ok) {
            fail_at(rs, JX_ERR_FILING, fields->line, fields->col,
                    "$fields is a map from this form's field names to the shared file's, e.g. "
                    "{name: name, full: amount}");
            return NULL;
        }
    }
    const jx_node *target = lookup(rs, ref, refnode);
    if (!target)
        return NULL;
    jx_node *result = fields ? project(rs, target, fields, refnode) : copy_node(rs, target);
    if (!result)
        return NULL;
    /* Other keys override the referenced map's. */
    for (size_t i = 0; i < n->count; i++) {
        if (n->entries[i].key[0] == '$')
            continue;
        if (result->kind != JX_NODE_MAP) {
            fail_at(rs, JX_ERR_FILING, n->entries[i].key_line, n->entries[i].key_col,
                    "'%s' next to $ref: only a $ref naming a map can take other keys",
                    n->entries[i].key);
            jx_node_free(result);
            return NULL;
        }
        resolve_entry(rs, n, i);
        if (fatal(rs)) {
            jx_node_free(result);
            return NULL;
        }
        int kl = n->entries[i].key_line, kc = n->entries[i].key_col;
        char *k;
        jx_node *v;
        jx_node_map_take(n, i, &k, &v);
        if (merge_into(result, k, kl, kc, v) != 0) {
            jx_node_free(result);
            fail_at(rs, JX_ERR_NOMEM, 0, 0, "out of memory");
            return NULL;
        }
    }
    return result;
}

/* Resolves every $ref at or under n, replacing in place the values under
 * it that hold one.  Returns the value to stand for n itself when n holds
 * $ref (n is then the caller's to free), else NULL (n stays, or the error
 * is reported). */
static jx_node *resolve(resolver *rs, jx_node *n, int top)
{
    if (!n || fatal(rs))
        return NULL;
    if (n->kind == JX_NODE_MAP) {
        long r = jx_node_key_index(n, "$ref");
        if (r >= 0) {
            if (top) {
                fail_at(rs, JX_ERR_FILING, n->entries[r].key_line, n->entries[r].key_col,
                        "$ref cannot stand for the whole filing; use it for a field's value");
                return NULL;
            }
            return expand_ref(rs, n, r);
        }
        long f = jx_node_key_index(n, "$fields");
        if (f >= 0) {
            fail_at(rs, JX_ERR_FILING, n->entries[f].key_line, n->entries[f].key_col,
                    "$fields without $ref: it shapes the value a $ref names");
            return NULL;
        }
    }
    if (n->kind == JX_NODE_MAP || n->kind == JX_NODE_SEQ)
        for (size_t i = 0; i < n->count && !fatal(rs); i++)
            resolve_entry(rs, n, i);
    return NULL;
}

/* resolve() of the value of entry i of n, put in its place. */
static void resolve_entry(resolver *rs, jx_node *n, size_t i)
{
    jx_node *rep = resolve(rs, n->entries[i].value, 0);
    if (rep)
        jx_node_set(n, i, rep);
}

/* Reports the first $ref or include: in an included tree (plain values only). */
static const char *find_directive(const jx_node *n, int *line, int *col)
{
    if (n->kind == JX_NODE_MAP)
        for (size_t i = 0; i < n->count; i++)
            if (strcmp(n->entries[i].key, "$ref") == 0 ||
                strcmp(n->entries[i].key, "$fields") == 0) {
                *line = n->entries[i].key_line;
                *col = n->entries[i].key_col;
                return n->entries[i].key;
            }
    for (size_t i = 0; n->kind != JX_NODE_SCALAR && i < n->count; i++) {
        const char *k = find_directive(n->entries[i].value, line, col);
        if (k)
            return k;
    }
    return NULL;
}

/* Reads included file number `idx` named by entry `at` of include:. */
static void load_include(resolver *rs, const jx_node *at, size_t idx)
{
    jx_source_file *f = &rs->inc->files[idx];
    char *buf = NULL;
    size_t len = 0;
    int err = 0;
    if (jx_file_load(f->path, JX_NODE_MAX_BYTES, &buf, &len, &err) != 0) {
        /* A missing file is the filing's mistake; a disk failure is not. */
        fail_at(rs, err == EFBIG ? JX_ERR_LIMIT : err == ENOENT ? JX_ERR_FILING : JX_ERR_IO,
                at->line, at->col,
                "cannot read the included file %s: %s", f->path,
                err == EFBIG ? _("larger than the limit") : jx_strerror(err));
        return;
    }
    f->hash = jx_hash_bytes(JX_HASH_INIT, buf, len);
    f->lines = count_lines(buf, len);
    const jx_source_file *prev = &rs->inc->files[idx - 1];
    f->base = prev->base + prev->lines;
    jx_node *root = NULL;
    jx_status st = jx_node_parse_buffer(f->path, buf, len, &root, rs->d);
    free(buf);
    if (st != JX_OK) {
        rs->status = st;
        return;
    }
    rs->roots[idx] = root;
    if (root->kind != JX_NODE_MAP) {
        jx_diags_add(rs->d, JX_SEV_ERROR, f->path, root->line, root->col, "include",
                     _("an included file is a map of shared values (key: value lines)"));
        rs->status = JX_ERR_FILING;
        return;
    }
    int line = 0, col = 0;
    long k = jx_node_key_index(root, "include");
    const char *dir = k >= 0 ? "include" : find_directive(root, &line, &col);
    if (k >= 0) {
        line = root->entries[k].key_line;
        col = root->entries[k].key_col;
    }
    if (dir) {
        jx_diags_add(rs->d, JX_SEV_ERROR, f->path, line, col, "include",
                     _("an included file holds plain values; '%s' is only allowed in a filing "
                     "(include every shared file from the filing itself)"),
                     dir);
        rs->status = JX_ERR_FILING;
        return;
    }
    /* A key may come from one included file only. */
    for (size_t i = 0; i < root->count; i++)
        for (size_t p = 1; p < idx; p++) {
            long j = jx_node_key_index(rs->roots[p], root->entries[i].key);
            if (j < 0)
                continue;
            jx_diags_add(
                rs->d, JX_SEV_ERROR, f->path, root->entries[i].key_line, root->entries[i].key_col,
                "include",
                _("'%s' is also defined in %s:%d:%d; a shared key comes from one file only"),
                root->entries[i].key, rs->inc->files[p].path,
                rs->roots[p]->entries[j].key_line - rs->inc->files[p].base,
                rs->roots[p]->entries[j].key_col);
            rs->status = JX_ERR_FILING;
            return;
        }
    jx_node_shift_lines(root, f->base);
}

/* Reads every file the include: key names. */
static void load_includes(resolver *rs, jx_node *filing)
{
    long k = jx_node_key_index(filing, "include");
    if (k < 0)
        return;
    const jx_node *v = filing->entries[k].value;
    size_t n = v->kind == JX_NODE_SEQ ? v->count : 1;
    if (v->kind == JX_NODE_MAP) {
        fail_at(rs, JX_ERR_FILING, v->line, v->col,
                "include: takes a file name or a list of them, e.g. include: [budget.yaml]");
        return;
    }
    if (n > JX_INCLUDE_MAX_FILES) {
        fail_at(rs, JX_ERR_LIMIT, v->line, v->col, "more than 16 included files");
        return;
    }
    for (size_t i = 0; i < n && rs->status == JX_OK; i++) {
        const jx_node *e = v->kind == JX_NODE_SEQ ? v->entries[i].value : v;
        const char *t = jx_node_text(e);
        if (!t || !*t) {
            fail_at(rs, JX_ERR_FILING, e->line, e->col, "include: an entry is not a file name");
            return;
        }
        size_t idx = rs->inc->count;
        if (!(rs->inc->files[idx].path = join_path(rs->path, t))) {
            fail_at(rs, JX_ERR_NOMEM, 0, 0, "out of memory");
            return;
        }
        rs->inc->count++;
        for (size_t p = 1; p < idx; p++)
            if (strcmp(rs->inc->files[p].path, rs->inc->files[idx].path) == 0) {
                fail_at(rs, JX_ERR_FILING, e->line, e->col, "%s is included twice", t);
                return;
            }
        load_include(rs, e, idx);
    }
}

jx_status jx_include_load(const char *path, jx_node **root, jx_includes **inc, jx_diags *d)
{
    *root = NULL;
    *inc = NULL;
    char *buf = NULL;
    size_t len = 0;
    jx_status st = jx_file_read(path, JX_NODE_MAX_BYTES, &buf, &len, d);
    if (st != JX_OK)
        return st;
    jx_includes *in = calloc(1, sizeof *in);
    if (!in || !(in->files[0].path = strdup(path))) {
        free(in);
        free(buf);
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    }
    in->count = 1;
    in->files[0].hash = jx_hash_bytes(JX_HASH_INIT, buf, len);
    in->files[0].lines = count_lines(buf, len);
    jx_node *filing = NULL;
    st = jx_node_parse_buffer(path, buf, len, &filing, d);
    free(buf);
    if (st != JX_OK) {
        jx_includes_free(in);
        return st;
    }
    resolver rs = {.path = path, .inc = in, .d = d, .status = JX_OK};
    if (filing->kind == JX_NODE_MAP) {
        load_includes(&rs, filing);
        if (rs.status == JX_OK)
            resolve(&rs, filing, 1); /* never a replacement at the top */
        long k = jx_node_key_index(filing, "include");
        if (rs.status == JX_OK && k >= 0)
            jx_node_map_remove(filing, (size_t)k);
    }
    for (size_t i = 1; i < in->count; i++)
        jx_node_free(rs.roots[i]);
    if (rs.status != JX_OK) {
        jx_node_free(filing);
        jx_includes_free(in);
        return rs.status;
    }
    *root = filing;
    *inc = in;
    return JX_OK;
}
