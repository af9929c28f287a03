/* jx_include.h - one source of truth for amounts: `include:` and `$ref`.
 *
 * A filing may name shared files at its top level:
 *
 *     include: budget.yaml             # or [budget.yaml, ../district.yaml]
 *
 * Paths are relative to the including file's folder.  Each included file is
 * a YAML/JSON map of plain values (no include: of its own, no $ref); their
 * top-level keys together form the shared namespace (a key defined by two
 * included files is an error).  Anywhere in the filing, a map holding
 * `$ref: PATH` is replaced by a copy of the value PATH names:
 *
 *     fund:
 *       total: {$ref: "projects[P02].amount"}
 *
 * PATH is dotted keys; `list[SEL]` picks the one entry of a list whose `id`
 * (else `name`) is SEL, `list[FIELD=SEL]` the one whose FIELD is SEL.  Next
 * to `$ref` a map may hold
 *   - `$fields: {key: source, ...}`: keep only these keys, each taken from
 *     the `source` path of the value (of every entry when the value is a
 *     list), to fit a shared list to a form's field names;
 *   - other keys: they override the referenced map's keys (maps merge key
 *     by key, the filing's side wins).
 * The `include:` key is removed from the filing once resolved.  The whole
 * mechanism is documented for users in docs/revisions.md.
 *
 * Positions.  jx_node positions carry no file name, so the filing and the
 * files it includes share one "virtual" line space: the filing's own lines
 * are 1..filing_lines, the first included file's lines follow, and so on.
 * Copied values keep their virtual line; jx_includes_locate() maps it back
 * to the included file and its real line, and jx_includes_remap_diags()
 * (messages) and jx_doc_remap_includes() (document sources, jx_doc.h)
 * rewrite them in place, so every message about a shared
 * value points into the shared file (budget.yaml:7:13), where it is edited.
 *
 * Library code: no exit, errors as values with file:line:col messages. */
#ifndef JX_INCLUDE_H
#define JX_INCLUDE_H

#include <stddef.h>

#include "jx_diag.h"
#include "jx_node.h"

#define JX_INCLUDE_MAX_FILES 16

/* One file read for a filing: the filing itself (index 0) or an included one. */
typedef struct jx_source_file {
    char *path;               /* as opened (an include: joined to the filing's folder) */
    unsigned long long hash;  /* jx_hash_bytes() of the bytes read */
    int base;                 /* virtual line of the file's line 0 */
    int lines;                /* number of lines of the file */
} jx_source_file;

/* The files one filing was assembled from. */
typedef struct jx_includes {
    size_t count;                                 /* files[0] is the filing */
    jx_source_file files[JX_INCLUDE_MAX_FILES + 1];
} jx_includes;

/* Reads and parses the filing at `path` and resolves its include: list and
 * every $ref in place.  On JX_OK, *root is the resolved filing (free with
 * jx_node_free) and *inc the files it was assembled from (free with
 * jx_includes_free).  On failure both are NULL and messages name the file,
 * line and column (real ones, also for included files). */
jx_status jx_include_load(const char *path, jx_node **root, jx_includes **inc, jx_diags *d);

/* The include: paths a parsed (unresolved) filing names, joined to the
 * filing's folder, without reading them.  Returns the count (0 when none or
 * when malformed; jx_include_load reports that) and fills up to max
 * malloc'd strings (free each). */
size_t jx_include_paths(const jx_node *filing, const char *path, char **out, size_t max);

/* Marks shared[i] = 1 for each of paths[0..n) that another file of the list
 * includes and that has no region: of its own: shared data, not a filing
 * (`jxgen check DIR`, `jxgen diff` of folders).  Unreadable files are left
 * unmarked (they are reported when read as filings).  Returns 0, or -1 when
 * out of memory. */
int jx_include_mark_shared(char *const *paths, size_t n, unsigned char *shared);

/* The file and real line of a virtual line; returns the file's path (the
 * filing's for its own lines, NULL for line <= 0). */
const char *jx_includes_locate(const jx_includes *inc, int line, int *real_line);

/* Rewrites the messages d->items[from..] that name the filing with a line
 * beyond its own to the included file and real line. */
void jx_includes_remap_diags(const jx_includes *inc, jx_diags *d, size_t from);

void jx_includes_free(jx_includes *inc);

#endif
