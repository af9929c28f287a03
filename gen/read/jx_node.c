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
    size_t nanchors;
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
        }
    }
    if (parent->kind == JX_NODE_MAP) {
        parent->keys[parent->count] = key;
        parent->key_lines[parent->count] = kline;
        parent->key_cols[parent->count] = kcol;
    }
    parent->items[parent->count] = child;
    parent->count = n;
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
    return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, line, col, _("malformed YAML/JSON: %s%s%s"),
                         p->problem ? _(p->problem) : _("syntax error"), p->context ? " " : "",
                         p->context ? _(p->context) : "");
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

/* A deep copy of src (an alias of an anchored value), each copied node
 * counted against JX_NODE_MAX_NODES so aliases of aliases cannot blow up;
 * NULL when out of memory or over the limit. */
static jx_node *clone_node(parse_state *ps, const jx_node *src)
{
    if (++ps->nodes > JX_NODE_MAX_NODES)
        return NULL;
    jx_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = src->kind;
    n->line = src->line;
    n->col = src->col;
    n->plain = src->plain;
    if (src->kind == JX_NODE_SCALAR) {
        n->len = src->len;
        n->text = malloc(src->len + 1);
        if (!n->text) {
            free(n);
            return NULL;
        }
        memcpy(n->text, src->text, src->len + 1);
        return n;
    }
    for (size_t i = 0; i < src->count; i++) {
        char *key = NULL;
        if (src->kind == JX_NODE_MAP && !(key = malloc(strlen(src->keys[i]) + 1)))
            goto fail;
        if (key)
            memcpy(key, src->keys[i], strlen(src->keys[i]) + 1);
        jx_node *c = clone_node(ps, src->items[i]);
        if (!c || append_child(n, c, key, src->kind == JX_NODE_MAP ? src->key_lines[i] : 0,
                               src->kind == JX_NODE_MAP ? src->key_cols[i] : 0) != 0) {
            free(key);
            jx_node_free(c);
            goto fail;
        }
    }
    return n;
fail:
    jx_node_free(n);
    return NULL;
}

/* Records `name` as the anchor of node (JX_NODE_ANCHORS); -1 when out of memory. */
static int anchor_add(parse_state *ps, const yaml_char_t *name, const jx_node *node)
{
    if ((ps->nanchors & (ps->nanchors - 1)) == 0) {
        anchor_def *a = realloc(ps->anchors, (ps->nanchors ? ps->nanchors * 2 : 1) * sizeof *a);
        if (!a)
            return -1;
        ps->anchors = a;
    }
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
                *out = clone_node(ps, ps->anchors[i].node);
                if (*out)
                    return JX_OK;
                if (ps->nodes > JX_NODE_MAX_NODES)
                    return jx_diag_error(ps->d, JX_ERR_LIMIT, ps->name, line, col,
                                         "more than %d values in one file (counting each "
                                         "alias *%s as a copy)",
                                         JX_NODE_MAX_NODES, name);
                return jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, "out of memory");
            }
        return jx_diag_error(ps->d, JX_ERR_SYNTAX, ps->name, line, col,
                             "alias *%s names no anchor &%s above it (an alias cannot be used "
                             "inside its own anchored value)",
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
        st = jx_diag_error(ps->d, JX_ERR_NOMEM, ps->name, 0, 0, "out of memory");
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
            if (st != JX_OK || append_child(n, c, key, kline, kcol) != 0) {
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
    parse_state ps = {name, d, 0, flags, NULL, 0};
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
        if (strcmp(map->keys[i], key) == 0)
            return (long)i;
    return -1;
}

const jx_node *jx_node_get(const jx_node *map, const char *key)
{
    long i = jx_node_key_index(map, key);
    return i < 0 ? NULL : map->items[i];
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
    jx_node **items = realloc(seq->items, (seq->count + 1) * sizeof *items);
    if (!items)
        return JX_ERR_NOMEM;
    seq->items = items;
    items[seq->count++] = value;
    return JX_OK;
}

jx_status jx_node_map_append(jx_node *map, char *key, int line, int col, jx_node *value)
{
    /* Exactly count + 1 entries (a clone's arrays are exactly count long,
     * unlike the parser's, which append_child() keeps at powers of two). */
    size_t n = map->count + 1;
    jx_node **items = realloc(map->items, n * sizeof *items);
    if (!items)
        return JX_ERR_NOMEM;
    map->items = items;
    char **keys = realloc(map->keys, n * sizeof *keys);
    if (!keys)
        return JX_ERR_NOMEM;
    map->keys = keys;
    int *kl = realloc(map->key_lines, n * sizeof *kl);
    if (!kl)
        return JX_ERR_NOMEM;
    map->key_lines = kl;
    int *kc = realloc(map->key_cols, n * sizeof *kc);
    if (!kc)
        return JX_ERR_NOMEM;
    map->key_cols = kc;
    items[map->count] = value;
    keys[map->count] = key;
    kl[map->count] = line;
    kc[map->count] = col;
    map->count = n;
    return JX_OK;
}

void jx_node_map_remove(jx_node *map, size_t i)
{
    jx_node_free(map->items[i]);
    free(map->keys[i]);
    size_t tail = map->count - i - 1;
    memmove(map->items + i, map->items + i + 1, tail * sizeof *map->items);
    memmove(map->keys + i, map->keys + i + 1, tail * sizeof *map->keys);
    memmove(map->key_lines + i, map->key_lines + i + 1, tail * sizeof *map->key_lines);
    memmove(map->key_cols + i, map->key_cols + i + 1, tail * sizeof *map->key_cols);
    map->count--;
}

void jx_node_map_replace(jx_node *map, size_t i, int line, int col, jx_node *value)
{
    jx_node_free(map->items[i]);
    map->items[i] = value;
    map->key_lines[i] = line;
    map->key_cols[i] = col;
}

void jx_node_map_take(jx_node *map, size_t i, char **key, jx_node **value)
{
    if (key)
        *key = map->keys[i];
    else
        free(map->keys[i]);
    if (value)
        *value = map->items[i];
    else
        jx_node_free(map->items[i]);
    map->keys[i] = NULL;
    map->items[i] = NULL;
}

/* jx_node_clone() of n into *out; on failure *out is NULL. */
static jx_status clone_into(const jx_node *n, size_t *made, size_t max, jx_node **out)
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
    jx_status st = JX_OK;
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
    if (n->count == 0) {
        *out = c;
        return JX_OK;
    }
    c->items = calloc(n->count, sizeof *c->items);
    if (!c->items)
        goto oom;
    if (n->kind == JX_NODE_MAP) {
        c->keys = calloc(n->count, sizeof *c->keys);
        c->key_lines = malloc(n->count * sizeof *c->key_lines);
        c->key_cols = malloc(n->count * sizeof *c->key_cols);
        if (!c->keys || !c->key_lines || !c->key_cols)
            goto oom;
        memcpy(c->key_lines, n->key_lines, n->count * sizeof *c->key_lines);
        memcpy(c->key_cols, n->key_cols, n->count * sizeof *c->key_cols);
    }
    for (size_t i = 0; i < n->count; i++) {
        c->count = i + 1; /* so a failure frees what was made */
        if (n->kind == JX_NODE_MAP && !(c->keys[i] = jx_strdup(n->keys[i])))
            goto oom;
        if ((st = clone_into(n->items[i], made, max, &c->items[i])) != JX_OK) {
            jx_node_free(c);
            return st;
        }
    }
    *out = c;
    return JX_OK;
oom:
    jx_node_free(c);
    return JX_ERR_NOMEM;
}

jx_status jx_node_clone(const jx_node *n, size_t *made, size_t max, jx_node **out)
{
    return clone_into(n, made, max, out);
}

void jx_node_shift_lines(jx_node *n, int delta)
{
    n->line += delta;
    for (size_t i = 0; i < n->count; i++) {
        if (n->kind == JX_NODE_MAP)
            n->key_lines[i] += delta;
        jx_node_shift_lines(n->items[i], delta);
    }
}
