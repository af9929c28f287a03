/* jx_node.h - a parsed YAML/JSON document with the position of every value.
 *
 * Filings and layout files are read into a tree of jx_node: maps (keys kept
 * in file order), sequences and scalars.  Every node and every map key knows
 * its 1-based line and column, so a message can point at the exact place.
 * JSON is read by the same parser (YAML 1.1 accepts JSON documents).
 *
 * Safety limits (each exceeded limit is a JX_ERR_LIMIT with a message):
 * file size JX_NODE_MAX_BYTES, nesting depth JX_NODE_MAX_DEPTH, node count
 * JX_NODE_MAX_NODES.  Anchors/aliases are refused (no alias bombs) unless
 * the caller asks for them (JX_NODE_ANCHORS, layouts only); invalid
 * UTF-8 is reported with its byte offset.
 *
 * The tree is owned by the caller and freed with jx_node_free(). */
#ifndef JX_NODE_H
#define JX_NODE_H

#include <stddef.h>
#include "jx_diag.h"
#include "jx_error.h"

#define JX_NODE_MAX_BYTES (8u * 1024u * 1024u)
#define JX_NODE_MAX_DEPTH 64
#define JX_NODE_MAX_NODES 200000

typedef enum jx_node_kind { JX_NODE_SCALAR, JX_NODE_MAP, JX_NODE_SEQ } jx_node_kind;

typedef struct jx_node jx_node;

/* One entry of a MAP (key, the key's position, value) or of a SEQ (value
 * only: key NULL, position 0).  An entry emptied by jx_node_map_take() has
 * key and value NULL. */
typedef struct jx_node_entry {
    char *key;             /* MAP: UTF-8, NUL-terminated; SEQ: NULL */
    int key_line, key_col; /* MAP: 1-based position of the key */
    jx_node *value;        /* never NULL but in an emptied entry */
} jx_node_entry;

struct jx_node {
    jx_node_kind kind;
    int line, col;          /* 1-based position of the value */
    /* SCALAR: */
    char *text;             /* UTF-8, NUL-terminated (never NULL for scalars) */
    size_t len;
    int plain;              /* unquoted scalar (so `~`/`null` and empty mean "nothing") */
    /* MAP and SEQ: */
    size_t count;
    jx_node_entry *entries; /* count entries, in file order */
    size_t cap;             /* room in entries (jx_node.c's business) */
};

/* The tree owns its representation: read the fields above, but change a
 * tree only through the functions below. */

/* Reads and parses the file at `path`.  On success *out is the root (a MAP,
 * SEQ or SCALAR).  Fails with JX_ERR_IO (cannot read), JX_ERR_SYNTAX
 * (malformed, invalid UTF-8, empty) or JX_ERR_LIMIT, adding a message at
 * path:line:col. */
jx_status jx_node_parse_file(const char *path, jx_node **out, jx_diags *d);

/* Same for a buffer; `name` is used in messages. */
jx_status jx_node_parse_buffer(const char *name, const char *buf, size_t len, jx_node **out,
                               jx_diags *d);

/* Flags of the _opts readers. */
#define JX_NODE_ANCHORS 1u /* accept YAML anchors (&a) and aliases (*a), for layouts: an alias
                              is a deep copy of the value anchored above it, every copied value
                              counted against JX_NODE_MAX_NODES (no alias bombs) */

/* jx_node_parse_file / jx_node_parse_buffer with flags (0: the same). */
jx_status jx_node_parse_file_opts(const char *path, unsigned flags, jx_node **out, jx_diags *d);
jx_status jx_node_parse_buffer_opts(const char *name, const char *buf, size_t len,
                                    unsigned flags, jx_node **out, jx_diags *d);

void jx_node_free(jx_node *node);

/* Returns the value of `key` in a MAP, or NULL when node is not a map or
 * has no such key. */
const jx_node *jx_node_get(const jx_node *map, const char *key);

/* Index of `key` in a map, or -1. */
long jx_node_key_index(const jx_node *map, const char *key);

/* The key of a MAP closest to `word` when it is a likely typo of it
 * (jx_nearest), else NULL (also when memory is short: it is only a hint). */
const char *jx_node_nearest_key(const jx_node *map, const char *word);

/* Follows a dotted path: "fund.total", "projects.2.name".  NULL when any
 * step is missing. */
const jx_node *jx_node_path(const jx_node *root, const char *path);

/* 1 when node is NULL, a null scalar (`~`, `null`, empty plain) or "". */
int jx_node_is_empty(const jx_node *node);

/* The scalar's text, or NULL when node is not a scalar or is a null. */
const char *jx_node_text(const jx_node *node);

/* An empty MAP or SEQ (or an empty SCALAR) at line:col; NULL when out of
 * memory. */
jx_node *jx_node_new(jx_node_kind kind, int line, int col);

/* Appends value to a SEQ, taking it on JX_OK; JX_ERR_NOMEM leaves it to the
 * caller. */
jx_status jx_node_seq_append(jx_node *seq, jx_node *value);

/* Appends key (at line:col) and value to a MAP, taking both on JX_OK;
 * JX_ERR_NOMEM leaves them to the caller.  Keys are not checked for
 * duplicates. */
jx_status jx_node_map_append(jx_node *map, char *key, int line, int col, jx_node *value);

/* Removes entry i of a MAP, freeing its key and value. */
void jx_node_map_remove(jx_node *map, size_t i);

/* Replaces the value of entry i of a MAP or SEQ by `value` (taken),
 * freeing the old one; the key and its position stay. */
void jx_node_set(jx_node *n, size_t i, jx_node *value);

/* Replaces the value of entry i of a MAP (freeing the old one, taking
 * `value`), and the key's position by line:col. */
void jx_node_map_replace(jx_node *map, size_t i, int line, int col, jx_node *value);

/* Takes entry i out of a MAP without freeing it: *key and *value (either
 * may be NULL: that part is freed) now belong to the caller; the entry
 * stays, empty (key and value NULL), until the map is freed. */
void jx_node_map_take(jx_node *map, size_t i, char **key, jx_node **value);

/* A deep copy of n, positions kept, in *out.  *made counts the nodes made
 * (across calls, so several copies share one budget): JX_ERR_LIMIT when it
 * would exceed max, JX_ERR_NOMEM when out of memory (*out NULL either way,
 * nothing leaked).  The only deep copy: the reader's aliases use it too. */
jx_status jx_node_clone(const jx_node *n, size_t *made, size_t max, jx_node **out);

/* Adds delta to the line of n, of every node under it and of every map
 * key (the positions of a file read into a larger virtual line space). */
void jx_node_shift_lines(jx_node *n, int delta);

#endif
