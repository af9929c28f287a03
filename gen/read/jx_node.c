/* jx_node.c - YAML/JSON reader producing a positioned tree (libyaml). */
#include "jx_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "jx_file.h"
#include "jx_util.h"

/* Line and column (1-based, columns in characters) of a byte offset. */
static void offset_position(const char *buf, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

typedef struct parse_state {
    const char *name;
    jx_diags *d;
    size_t nodes;
} parse_state;

static jx_node *node_new(parse_state *ps, jx_node_kind kind, const yaml_event_t *ev)
{
    if (++ps->nodes > JX_NODE_MAX_NODES)
        return NULL;
    jx_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = (int)ev->start_mark.line + 1;
    n->col = (int)ev->start_mark.column + 1;
    return n;
}

void jx_node_free(jx_node *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->count; i++) {
        jx_node_free(node->items[i]);
        if (node->keys)
            free(node->keys[i]);
    }
    free(node->items);
    free(node->keys);
    free(node->key_lines);
    free(node->key_cols);
    free(node->key_used);
    free(node->text);
    free(node);
}

static int append_child(jx_node *parent, jx_node *child, char *key, int kline, int kcol)
{
    size_t n = parent->count + 1;
    /* The arrays hold the next power of two >= count entries: they double
     * when count reaches one, so a long map or list is read in linear time
     * even where realloc always copies (under ASan it did not finish). */
    if ((parent->count & (parent->count - 1)) == 0) {
        size_t cap = parent->count ? parent->count * 2 : 1;
        jx_node **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            return -1;
        parent->items = items;
        if (parent->kind == JX_NODE_MAP) {
            char **keys = realloc(parent->keys, cap * sizeof *keys);
            if (!keys)
                return -1;
            parent->keys = keys;
            int *kl = realloc(parent->key_lines, cap * sizeof *kl);
            if (!kl)
                return -1;
            parent->key_lines = kl;
            int *kc = realloc(parent->key_cols, cap * sizeof *kc);
            if (!kc)
                return -1;
            parent->key_cols = kc;
            unsigned char *ku = realloc(parent->key_used, cap);
            if (!ku)
                return -1;
            parent->key_used = ku;
        }
    }
    if (parent->kind == JX_NODE_MAP) {
        parent->keys[parent->count] = key;
        parent->key_lines[parent->count] = kline;
        parent->key_cols[parent->count] = kcol;
        parent->key_used[parent->count] = 0;
    }
    parent->items[parent->count] = child;
    parent->count = n;
    return 0;
}

static jx_status yaml_failure(parse_state *ps, yaml_parser_t *p)
{
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    if (p->error == YAML_MEMORY_ERROR)
        return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, "out of memory");
    if (p->error == YAML_READER_ERROR)
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, 0, 0,
                             "cannot read the text: %s at byte offset %zu",
                             p->problem ? p->problem : "reader error", p->problem_offset);
    if (p->context_mark.line || p->context_mark.column) {
        /* The problem usually sits where the context points. */
        if (p->problem_mark.line == 0 && p->problem_mark.column == 0) {
            line = (int)p->context_mark.line + 1;
            col = (int)p->context_mark.column + 1;
        }
    }
    return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, line, col, "malformed YAML/JSON: %s%s%s",
                         p->problem ? p->problem : "syntax error", p->context ? " " : "",
                         p->context ? p->context : "");
}

/* The keys of a map being read, hashed, so that the duplicate-key check
 * stays linear: a map of 200000 keys took minutes with a linear search per
 * key (tests/unit/test_fuzz_regressions.c). */
typedef struct key_set {
    size_t *slot; /* 1 + index of a key in the map; 0: empty */
    size_t cap;   /* a power of two, or 0 */
} key_set;

static size_t key_hash(const char *s)
{
    return (size_t)jx_hash_str(s);
}

/* Returns 1 when `key` is already a key of map, else records it as the key
 * about to be appended (index map->count) and returns 0; -1 when out of
 * memory. */
static int key_set_add(key_set *ks, const jx_node *map, const char *key)
{
    if ((map->count + 1) * 2 > ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 16;
        size_t *slot = calloc(cap, sizeof *slot);
        if (!slot)
            return -1;
        for (size_t i = 0; i < map->count; i++) {
            size_t h = key_hash(map->keys[i]) & (cap - 1);
            while (slot[h])
                h = (h + 1) & (cap - 1);
            slot[h] = i + 1;
        }
        free(ks->slot);
        ks->slot = slot;
        ks->cap = cap;
    }
    size_t h = key_hash(key) & (ks->cap - 1);
    for (; ks->slot[h]; h = (h + 1) & (ks->cap - 1))
        if (strcmp(map->keys[ks->slot[h] - 1], key) == 0)
            return 1;
    ks->slot[h] = map->count + 1;
    return 0;
}

/* Parses one node whose first event is `ev` (consumed by the caller). */
static jx_status parse_node(parse_state *ps, yaml_parser_t *p, yaml_event_t *ev, int depth,
                            jx_node **out)
{
    *out = NULL;
    if (depth > JX_NODE_MAX_DEPTH)
        return jx_diag_error(ps->d, JX_ERR_LIMIT, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1,
                             "nesting deeper than %d levels is not allowed", JX_NODE_MAX_DEPTH);
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1,
                             "YAML aliases (*%s) are not supported in filings; write the value out",
                             (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.anchor)
            return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, (int)ev->start_mark.line + 1,
                                 (int)ev->start_mark.column + 1,
                                 "YAML anchors (&%s) are not supported in filings",
                                 (const char *)ev->data.scalar.anchor);
        jx_node *n = node_new(ps, JX_NODE_SCALAR, ev);
        if (!n)
            goto limit_or_oom;
        n->len = ev->data.scalar.length;
        n->text = malloc(n->len + 1);
        if (!n->text) {
            jx_node_free(n);
            return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, "out of memory");
        }
        memcpy(n->text, ev->data.scalar.value, n->len);
        n->text[n->len] = '\0';
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        *out = n;
        return JX_OK;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *anchor =
            is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        if (anchor)
            return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, (int)ev->start_mark.line + 1,
                                 (int)ev->start_mark.column + 1,
                                 "YAML anchors (&%s) are not supported in filings",
                                 (const char *)anchor);
        jx_node *n = node_new(ps, is_map ? JX_NODE_MAP : JX_NODE_SEQ, ev);
        if (!n)
            goto limit_or_oom;
        key_set seen = {NULL, 0};
        for (;;) {
            yaml_event_t child;
            if (!yaml_parser_parse(p, &child)) {
                free(seen.slot);
                jx_node_free(n);
                return yaml_failure(ps, p);
            }
            if (child.type == YAML_SEQUENCE_END_EVENT || child.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&child);
                break;
            }
            char *key = NULL;
            int kline = 0, kcol = 0;
            if (is_map) {
                if (child.type != YAML_SCALAR_EVENT) {
                    int l = (int)child.start_mark.line + 1, c = (int)child.start_mark.column + 1;
                    yaml_event_delete(&child);
                    free(seen.slot);
                    jx_node_free(n);
                    return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, l, c,
                                         "a map key must be plain text");
                }
                kline = (int)child.start_mark.line + 1;
                kcol = (int)child.start_mark.column + 1;
                key = malloc(child.data.scalar.length + 1);
                if (!key) {
                    yaml_event_delete(&child);
                    free(seen.slot);
                    jx_node_free(n);
                    return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, "out of memory");
                }
                memcpy(key, child.data.scalar.value, child.data.scalar.length);
                key[child.data.scalar.length] = '\0';
                yaml_event_delete(&child);
                int dup = key_set_add(&seen, n, key);
                if (dup != 0) {
                    jx_status st = dup < 0 ? jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0,
                                                           "out of memory")
                                           : jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, kline,
                                                           kcol, "duplicate key '%s'", key);
                    free(key);
                    free(seen.slot);
                    jx_node_free(n);
                    return st;
                }
                if (!yaml_parser_parse(p, &child)) {
                    free(key);
                    free(seen.slot);
                    jx_node_free(n);
                    return yaml_failure(ps, p);
                }
            }
            jx_node *c = NULL;
            jx_status st = parse_node(ps, p, &child, depth + 1, &c);
            yaml_event_delete(&child);
            if (st != JX_OK || append_child(n, c, key, kline, kcol) != 0) {
                free(key);
                free(seen.slot);
                jx_node_free(c);
                jx_node_free(n);
                return st != JX_OK ? st
                                   : jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0,
                                                   "out of memory");
            }
        }
        free(seen.slot);
        *out = n;
        return JX_OK;
    }
    default:
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1, "unexpected YAML event");
    }
limit_or_oom:
    if (ps->nodes > JX_NODE_MAX_NODES)
        return jx_diag_error(ps->d, JX_ERR_LIMIT, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1, "more than %d values in one file",
                             JX_NODE_MAX_NODES);
    return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, "out of memory");
}

jx_status jx_node_parse_buffer(const char *name, const char *buf, size_t len, jx_node **out,
                               jx_diags *d)
{
    *out = NULL;
    if (len > JX_NODE_MAX_BYTES)
        return jx_diag_error(d, JX_ERR_LIMIT, name, 0, 0,
                             "file is %zu bytes; filings larger than %u bytes are refused", len,
                             JX_NODE_MAX_BYTES);
    if (memchr(buf, '\0', len)) {
        size_t off = (size_t)((const char *)memchr(buf, '\0', len) - buf);
        int line, col;
        offset_position(buf, off, &line, &col);
        int utf16 = len >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0);
        return jx_diag_error(d, JX_ERR_SYNTAX, name, line, col,
                             "not a text file: NUL byte at byte offset %zu%s", off,
                             utf16 ? " (UTF-16 text: save the file as UTF-8)" : "");
    }
    long bad = jx_utf8_invalid_offset(buf, len);
    if (bad >= 0) {
        int line, col;
        offset_position(buf, (size_t)bad, &line, &col);
        return jx_diag_error(d, JX_ERR_SYNTAX, name, line, col,
                             "invalid UTF-8 at byte offset %ld (save the file as UTF-8)", bad);
    }
    size_t skip = (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    int blank = 1;
    for (size_t i = skip; i < len && blank; i++)
        if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
            blank = 0;
    if (blank)
        return jx_diag_error(d, JX_ERR_SYNTAX, name, 1, 1, "the file is empty");

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return jx_diag_error(d, JX_ERR_NOMEM, name, 0, 0, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    parse_state ps = {name, d, 0};
    jx_status st = JX_OK;
    jx_node *root = NULL;
    yaml_event_t ev;
    int docs = 0;
    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            st = yaml_failure(&ps, &parser);
            break;
        }
        yaml_event_type_t type = ev.type;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            st = jx_diag_error(d, JX_ERR_SYNTAX, name, (int)ev.start_mark.line + 1,
                               (int)ev.start_mark.column + 1,
                               "a filing holds one document; found a second '---'");
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_SCALAR_EVENT || type == YAML_SEQUENCE_START_EVENT ||
            type == YAML_MAPPING_START_EVENT || type == YAML_ALIAS_EVENT) {
            st = parse_node(&ps, &parser, &ev, 1, &root);
            yaml_event_delete(&ev);
            if (st != JX_OK)
                break;
            continue;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (st != JX_OK) {
        jx_node_free(root);
        return st;
    }
    if (!root)
        return jx_diag_error(d, JX_ERR_SYNTAX, name, 1, 1, "the file is empty");
    *out = root;
    return JX_OK;
}

jx_status jx_node_parse_file(const char *path, jx_node **out, jx_diags *d)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    jx_status st = jx_file_read(path, JX_NODE_MAX_BYTES, &buf, &len, d);
    if (st == JX_OK)
        st = jx_node_parse_buffer(path, buf, len, out, d);
    free(buf);
    return st;
}

long jx_node_key_index(const jx_node *map, const char *key)
{
    if (!map || map->kind != JX_NODE_MAP)
        return -1;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0)
            return (long)i;
    return -1;
}

const jx_node *jx_node_get(const jx_node *map, const char *key)
{
    long i = jx_node_key_index(map, key);
    if (i < 0)
        return NULL;
    map->key_used[i] = 1;
    return map->items[i];
}

const jx_node *jx_node_path(const jx_node *root, const char *path)
{
    const jx_node *n = root;
    const char *p = path;
    char seg[256];
    while (n && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0 || len >= sizeof seg)
            return NULL;
        memcpy(seg, p, len);
        seg[len] = '\0';
        if (n->kind == JX_NODE_MAP) {
            n = jx_node_get(n, seg);
        } else if (n->kind == JX_NODE_SEQ) {
            char *end;
            unsigned long idx = strtoul(seg, &end, 10);
            n = (*end == '\0' && idx < n->count) ? n->items[idx] : NULL;
        } else {
            return NULL;
        }
        p += len;
        if (*p == '.')
            p++;
    }
    return n;
}

int jx_node_is_empty(const jx_node *node)
{
    if (!node)
        return 1;
    if (node->kind != JX_NODE_SCALAR)
        return node->count == 0;
    if (node->len == 0)
        return 1;
    if (node->plain && (strcmp(node->text, "~") == 0 || strcmp(node->text, "null") == 0))
        return 1;
    return 0;
}

const char *jx_node_text(const jx_node *node)
{
    if (!node || node->kind != JX_NODE_SCALAR)
        return NULL;
    if (node->plain && (strcmp(node->text, "~") == 0 || strcmp(node->text, "null") == 0))
        return NULL;
    return node->text;
}
