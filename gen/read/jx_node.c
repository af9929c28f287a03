/* jx_node.c - YAML/JSON reader producing a positioned tree (libyaml). */
#include "jx_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "jx_file.h"
#include "jx_i18n.h"
#include "jx_sniff.h"
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

typedef struct anchor_def {
    char *name;
    const jx_node *node; /* in the tree being built */
} anchor_def;

typedef struct parse_state {
    const char *name;
    jx_diags *d;
    size_t nodes;
    unsigned flags;          /* JX_NODE_ANCHORS */
    anchor_def *anchors;
    size_t nanchors, anchor_cap;
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
        jx_node_free(node->entries[i].value);
        free(node->entries[i].key);
    }
    free(node->entries);
    free(node->text);
    free(node);
}

/* Appends an entry (key NULL in a SEQ) to parent, taking key and value;
 * -1 when out of memory (nothing taken).  The array doubles when full, so a
 * long map or list is read in linear time even where realloc always
 * copies (under ASan it did not finish). */
static int entry_append(jx_node *parent, char *key, int kline, int kcol, jx_node *value)
{
    jx_node_entry *e = jx_grow(parent->entries, &parent->cap, parent->count, sizeof *e, 4);
    if (!e)
        return -1;
    parent->entries = e;
    e[parent->count++] = (jx_node_entry){key, kline, kcol, value};
    return 0;
}

/* The problems and contexts libyaml reports (its own English text), listed
 * so that the catalog translates them; yaml_failure() looks them up. */
static const char *const libyaml_texts[] __attribute__((unused)) = {
    N_("found character that cannot start any token"),
    N_("found unexpected end of stream"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a simple key"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("while parsing a block mapping"),
    N_("mapping values are not allowed in this context"),
    N_("did not find expected '-' indicator"),
    N_("while parsing a block collection"),
    N_("did not find expected ',' or ']'"),
    N_("while parsing a flow sequence"),
    N_("did not find expected ',' or '}'"),
    N_("while parsing a flow mapping"),
    N_("did not find expected <document start>"),
    N_("did not find expected node content"),
    N_("while parsing a block node"),
    N_("while parsing a flow node"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("while scanning for the next token"),
    N_("block sequence entries are not allowed in this context"),
    N_("found unknown escape character"),
    N_("while parsing a quoted scalar"),
    N_("found undefined tag handle"),
    N_("while parsing a node"),
    N_("found unexpected ':'"),
    N_("while scanning a plain scalar"),
    N_("found unexpected document indicator"),
    N_("found incorrect leading UTF-8 octet"),
    N_("found invalid Unicode character escape code"),
    N_("while scanning a block scalar"),
    N_("found extra characters after the header"),
    /* its reader's problems (YAML_READER_ERROR) */
    N_("control characters are not allowed"),
    N_("invalid leading UTF-8 octet"),
    N_("invalid trailing UTF-8 octet"),
    N_("incomplete UTF-8 octet sequence"),
    N_("invalid Unicode character"),
    N_("invalid length of a UTF-8 sequence"),
    N_("input is too long"),
};

static jx_status yaml_failure(parse_state *ps, yaml_parser_t *p)
{
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    if (p->error == YAML_MEMORY_ERROR)
        return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, _("out of memory"));
    if (p->error == YAML_READER_ERROR)
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, 0, 0,
                             _("cannot read the text: %s at byte offset %zu"),
                             p->problem ? _(p->problem) : _("reader error"), p->problem_offset);
    if (p->context_mark.line || p->context_mark.column) {
        /* The problem usually sits where the context points. */
        if (p->problem_mark.line == 0 && p->problem_mark.column == 0) {
            line = (int)p->context_mark.line + 1;
            col = (int)p->context_mark.column + 1;
        }
    }
    const char *problem = p->problem ? _(p->problem) : _("syntax error");
    if (!p->context)
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, line, col,
                             _("malformed YAML/JSON: %s"), problem);
    return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, line, col, _("malformed YAML/JSON: %s %s"),
                         problem, _(p->context));
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
            size_t h = key_hash(map->entries[i].key) & (cap - 1);
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
        if (strcmp(map->entries[ks->slot[h] - 1].key, key) == 0)
            return 1;
    ks->slot[h] = map->count + 1;
    return 0;
}

/* Records `name` as the anchor of node (JX_NODE_ANCHORS); -1 when out of memory. */
static int anchor_add(parse_state *ps, const yaml_char_t *name, const jx_node *node)
{
    anchor_def *a = jx_grow(ps->anchors, &ps->anchor_cap, ps->nanchors, sizeof *a, 4);
    if (!a)
        return -1;
    ps->anchors = a;
    size_t len = strlen((const char *)name);
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, name, len + 1);
    ps->anchors[ps->nanchors].name = copy;
    ps->anchors[ps->nanchors++].node = node;
    return 0;
}

static jx_status parse_node_inner(parse_state *ps, yaml_parser_t *p, yaml_event_t *ev, int depth,
                                  jx_node **out);

/* Parses one node whose first event is `ev` (consumed by the caller); with
 * JX_NODE_ANCHORS, an alias is a copy of the latest value anchored by its
 * name before it, and an anchored value is recorded once parsed. */
static jx_status parse_node(parse_state *ps, yaml_parser_t *p, yaml_event_t *ev, int depth,
                            jx_node **out)
{
    if (!(ps->flags & JX_NODE_ANCHORS))
        return parse_node_inner(ps, p, ev, depth, out);
    *out = NULL;
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (ev->type == YAML_ALIAS_EVENT) {
        const char *name = (const char *)ev->data.alias.anchor;
        for (size_t i = ps->nanchors; i-- > 0;)
            if (strcmp(ps->anchors[i].name, name) == 0) {
                /* Each copied node counts against JX_NODE_MAX_NODES, so
                 * aliases of aliases cannot blow up. */
                jx_status st =
                    jx_node_clone(ps->anchors[i].node, &ps->nodes, JX_NODE_MAX_NODES, out);
                if (st == JX_OK)
                    return JX_OK;
                if (st == JX_ERR_LIMIT)
                    return jx_diag_error(ps->d, JX_ERR_LIMIT, ps->name, line, col,
                                         _("more than %d values in one file (counting each "
                                           "alias *%s as a copy)"),
                                         JX_NODE_MAX_NODES, name);
                return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, _("out of memory"));
            }
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, line, col,
                             _("alias *%s names no anchor &%s above it (an alias cannot be "
                               "used inside its own anchored value)"),
                             name, name);
    }
    yaml_char_t *name = ev->type == YAML_SCALAR_EVENT           ? ev->data.scalar.anchor
                        : ev->type == YAML_MAPPING_START_EVENT  ? ev->data.mapping_start.anchor
                        : ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
                                                                : NULL;
    /* The anchor is read here; the inner parser must not refuse it. */
    if (ev->type == YAML_SCALAR_EVENT)
        ev->data.scalar.anchor = NULL;
    else if (ev->type == YAML_MAPPING_START_EVENT)
        ev->data.mapping_start.anchor = NULL;
    else if (ev->type == YAML_SEQUENCE_START_EVENT)
        ev->data.sequence_start.anchor = NULL;
    jx_status st = parse_node_inner(ps, p, ev, depth, out);
    if (st == JX_OK && name && anchor_add(ps, name, *out) != 0)
        st = jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, _("out of memory"));
    /* Give the anchor back to the event, which frees it. */
    if (ev->type == YAML_SCALAR_EVENT)
        ev->data.scalar.anchor = name;
    else if (ev->type == YAML_MAPPING_START_EVENT)
        ev->data.mapping_start.anchor = name;
    else if (ev->type == YAML_SEQUENCE_START_EVENT)
        ev->data.sequence_start.anchor = name;
    return st;
}

/* Parses one node whose first event is `ev` (consumed by the caller). */
static jx_status parse_node_inner(parse_state *ps, yaml_parser_t *p, yaml_event_t *ev, int depth,
                            jx_node **out)
{
    *out = NULL;
    if (depth > JX_NODE_MAX_DEPTH)
        return jx_diag_error(ps->d, JX_ERR_LIMIT, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1,
                             _("nesting deeper than %d levels is not allowed"), JX_NODE_MAX_DEPTH);
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1,
                             _("YAML aliases (*%s) are not supported in filings; write the value out"),
                             (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.anchor)
            return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, (int)ev->start_mark.line + 1,
                                 (int)ev->start_mark.column + 1,
                                 _("YAML anchors (&%s) are not supported in filings"),
                                 (const char *)ev->data.scalar.anchor);
        jx_node *n = node_new(ps, JX_NODE_SCALAR, ev);
        if (!n)
            goto limit_or_oom;
        n->len = ev->data.scalar.length;
        n->text = malloc(n->len + 1);
        if (!n->text) {
            jx_node_free(n);
            return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, _("out of memory"));
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
                                 _("YAML anchors (&%s) are not supported in filings"),
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
                                         _("a map key must be plain text"));
                }
                kline = (int)child.start_mark.line + 1;
                kcol = (int)child.start_mark.column + 1;
                key = malloc(child.data.scalar.length + 1);
                if (!key) {
                    yaml_event_delete(&child);
                    free(seen.slot);
                    jx_node_free(n);
                    return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, _("out of memory"));
                }
                memcpy(key, child.data.scalar.value, child.data.scalar.length);
                key[child.data.scalar.length] = '\0';
                yaml_event_delete(&child);
                int dup = key_set_add(&seen, n, key);
                if (dup != 0) {
                    jx_status st = dup < 0 ? jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0,
                                                           _("out of memory"))
                                           : jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, kline,
                                                           kcol, _("duplicate key '%s'"), key);
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
            if (st != JX_OK || entry_append(n, key, kline, kcol, c) != 0) {
                free(key);
                free(seen.slot);
                jx_node_free(c);
                jx_node_free(n);
                return st != JX_OK ? st
                                   : jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0,
                                                   _("out of memory"));
            }
        }
        free(seen.slot);
        *out = n;
        return JX_OK;
    }
    default:
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1, _("unexpected YAML event"));
    }
limit_or_oom:
    if (ps->nodes > JX_NODE_MAX_NODES)
        return jx_diag_error(ps->d, JX_ERR_LIMIT, ps->name, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1, _("more than %d values in one file"),
                             JX_NODE_MAX_NODES);
    return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, _("out of memory"));
}

jx_status jx_node_parse_buffer(const char *name, const char *buf, size_t len, jx_node **out,
                               jx_diags *d)
{
    return jx_node_parse_buffer_opts(name, buf, len, 0, out, d);
}

jx_status jx_node_parse_buffer_opts(const char *name, const char *buf, size_t len,
                                    unsigned flags, jx_node **out, jx_diags *d)
{
    *out = NULL;
    if (len > JX_NODE_MAX_BYTES)
        return jx_diag_error(d, JX_ERR_LIMIT, name, 0, 0,
                             _("file is %zu bytes; filings larger than %u bytes are refused"), len,
                             JX_NODE_MAX_BYTES);
    const char *hint;
    const char *kind = jx_sniff_kind(buf, len, &hint);
    if (kind && hint)
        return jx_diag_error(d, JX_ERR_SYNTAX, name, 0, 0,
                             _("this is %s, not a filing (a filing is YAML or JSON text): %s"),
                             _(kind), _(hint));
    if (kind)
        return jx_diag_error(d, JX_ERR_SYNTAX, name, 0, 0,
                             _("this is %s, not a filing (a filing is YAML or JSON text)"),
                             _(kind));
    if (memchr(buf, '\0', len) || jx_utf8_invalid_offset(buf, len) >= 0) {
        /* GB18030/GBK (Chinese Windows' default) or UTF-16 with a BOM: read
         * it converted, with a note. */
        char *conv = NULL;
        size_t conv_len = 0;
        jx_text_encoding enc;
        if (jx_text_to_utf8(buf, len, &conv, &conv_len, &enc) == 0 &&
            !memchr(conv, '\0', conv_len) &&
            jx_utf8_invalid_offset(conv, conv_len) < 0) {
            jx_diags_add(d, JX_SEV_NOTE, name, 1, 1, "encoding",
                         enc == JX_ENC_UTF16
                             ? _("the file is saved as UTF-16, not UTF-8; it was read as "
                                 "UTF-16 (save it as UTF-8 to avoid this note)")
                             : _("the file is saved as GB18030/GBK, not UTF-8; it was read as "
                                 "GB18030 (save it as UTF-8 to avoid this note)"));
            jx_status st = jx_node_parse_buffer(name, conv, conv_len, out, d);
            free(conv);
            return st;
        }
        free(conv);
    }
    if (memchr(buf, '\0', len)) {
        size_t off = (size_t)((const char *)memchr(buf, '\0', len) - buf);
        int line, col;
        offset_position(buf, off, &line, &col);
        int utf16 = len >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0);
        return jx_diag_error(d, JX_ERR_SYNTAX, name, line, col,
                             utf16 ? _("not a text file: NUL byte at byte offset %zu (UTF-16 "
                                       "text: save the file as UTF-8)")
                                   : _("not a text file: NUL byte at byte offset %zu"),
                             off);
    }
    long bad = jx_utf8_invalid_offset(buf, len);
    if (bad >= 0) {
        int line, col;
        offset_position(buf, (size_t)bad, &line, &col);
        return jx_diag_error(d, JX_ERR_SYNTAX, name, line, col,
                             _("invalid UTF-8 at byte offset %ld (save the file as UTF-8)"), bad);
    }
    size_t skip = (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    int blank = 1;
    for (size_t i = skip; i < len && blank; i++)
        if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
            blank = 0;
    if (blank)
        return jx_diag_error(d, JX_ERR_SYNTAX, name, 1, 1, _("the file is empty"));

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return jx_diag_error(d, JX_ERR_NOMEM, name, 0, 0, _("out of memory"));
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    parse_state ps = {name, d, 0, flags, NULL, 0, 0};
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
                               _("a filing holds one document; found a second '---'"));
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
    for (size_t i = 0; i < ps.nanchors; i++)
        free(ps.anchors[i].name);
    free(ps.anchors);
    if (st != JX_OK) {
        jx_node_free(root);
        return st;
    }
    if (!root)
        return jx_diag_error(d, JX_ERR_SYNTAX, name, 1, 1, _("the file is empty"));
    *out = root;
    return JX_OK;
}

jx_status jx_node_parse_file(const char *path, jx_node **out, jx_diags *d)
{
    return jx_node_parse_file_opts(path, 0, out, d);
}

jx_status jx_node_parse_file_opts(const char *path, unsigned flags, jx_node **out, jx_diags *d)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    jx_status st = jx_file_read(path, JX_NODE_MAX_BYTES, &buf, &len, d);
    if (st == JX_OK)
        st = jx_node_parse_buffer_opts(path, buf, len, flags, out, d);
    free(buf);
    return st;
}

long jx_node_key_index(const jx_node *map, const char *key)
{
    if (!map || map->kind != JX_NODE_MAP)
        return -1;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->entries[i].key, key) == 0)
            return (long)i;
    return -1;
}

const jx_node *jx_node_get(const jx_node *map, const char *key)
{
    long i = jx_node_key_index(map, key);
    return i < 0 ? NULL : map->entries[i].value;
}

const char *jx_node_nearest_key(const jx_node *map, const char *word)
{
    if (!map || map->kind != JX_NODE_MAP || map->count == 0)
        return NULL;
    const char **keys = malloc(map->count * sizeof *keys);
    if (!keys)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        keys[i] = map->entries[i].key;
    const char *near = jx_nearest(word, keys, map->count);
    free(keys);
    return near;
}

const jx_node *jx_node_path(const jx_node *root, const char *path)
{
    const jx_node *n = root;
    const char *p = path;
    char seg[256];
    while (n && *p) {
        if (jx_path_next(&p, seg, sizeof seg) != 0)
            return NULL;
        if (n->kind == JX_NODE_MAP) {
            n = jx_node_get(n, seg);
        } else if (n->kind == JX_NODE_SEQ) {
            char *end;
            unsigned long idx = strtoul(seg, &end, 10);
            n = (*end == '\0' && idx < n->count) ? n->entries[idx].value : NULL;
        } else {
            return NULL;
        }
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

jx_node *jx_node_new(jx_node_kind kind, int line, int col)
{
    jx_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = line;
    n->col = col;
    if (kind == JX_NODE_SCALAR && !(n->text = calloc(1, 1))) {
        free(n);
        return NULL;
    }
    return n;
}

jx_status jx_node_seq_append(jx_node *seq, jx_node *value)
{
    return entry_append(seq, NULL, 0, 0, value) == 0 ? JX_OK : JX_ERR_NOMEM;
}

jx_status jx_node_map_append(jx_node *map, char *key, int line, int col, jx_node *value)
{
    return entry_append(map, key, line, col, value) == 0 ? JX_OK : JX_ERR_NOMEM;
}

void jx_node_map_remove(jx_node *map, size_t i)
{
    jx_node_free(map->entries[i].value);
    free(map->entries[i].key);
    memmove(map->entries + i, map->entries + i + 1, (map->count - i - 1) * sizeof *map->entries);
    map->count--;
}

void jx_node_set(jx_node *n, size_t i, jx_node *value)
{
    jx_node_free(n->entries[i].value);
    n->entries[i].value = value;
}

void jx_node_map_replace(jx_node *map, size_t i, int line, int col, jx_node *value)
{
    jx_node_set(map, i, value);
    map->entries[i].key_line = line;
    map->entries[i].key_col = col;
}

void jx_node_map_take(jx_node *map, size_t i, char **key, jx_node **value)
{
    jx_node_entry *e = &map->entries[i];
    if (key)
        *key = e->key;
    else
        free(e->key);
    if (value)
        *value = e->value;
    else
        jx_node_free(e->value);
    e->key = NULL;
    e->value = NULL;
}

jx_status jx_node_clone(const jx_node *n, size_t *made, size_t max, jx_node **out)
{
    *out = NULL;
    if (++*made > max)
        return JX_ERR_LIMIT;
    jx_node *c = calloc(1, sizeof *c);
    if (!c)
        return JX_ERR_NOMEM;
    c->kind = n->kind;
    c->line = n->line;
    c->col = n->col;
    c->plain = n->plain;
    if (n->kind == JX_NODE_SCALAR) {
        c->len = n->len;
        c->text = malloc(n->len + 1);
        if (!c->text) {
            jx_node_free(c);
            return JX_ERR_NOMEM;
        }
        memcpy(c->text, n->text, n->len + 1);
        *out = c;
        return JX_OK;
    }
    if (n->count && !(c->entries = calloc(n->count, sizeof *c->entries))) {
        jx_node_free(c);
        return JX_ERR_NOMEM;
    }
    c->cap = n->count;
    for (size_t i = 0; i < n->count; i++) {
        const jx_node_entry *e = &n->entries[i];
        jx_node_entry *ce = &c->entries[i];
        c->count = i + 1; /* so a failure frees what was made */
        ce->key_line = e->key_line;
        ce->key_col = e->key_col;
        jx_status st = JX_ERR_NOMEM;
        if ((e->key && !(ce->key = jx_strdup(e->key))) ||
            (st = jx_node_clone(e->value, made, max, &ce->value)) != JX_OK) {
            jx_node_free(c);
            return st;
        }
    }
    *out = c;
    return JX_OK;
}

void jx_node_shift_lines(jx_node *n, int delta)
{
    n->line += delta;
    for (size_t i = 0; i < n->count; i++) {
        if (n->kind == JX_NODE_MAP)
            n->entries[i].key_line += delta;
        jx_node_shift_lines(n->entries[i].value, delta);
    }
}
