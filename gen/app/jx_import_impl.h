/* jx_import_impl.h - what the files of the importer share (private to
 * gen/app/jx_import*.c; nothing else includes it).
 *
 * The importer is split by job:
 *   jx_import.c          a workbook jxgen wrote, back into a filing: the
 *                        record sheet, the 数据 sheet's fields, rows the
 *                        clerk inserted or deleted, where each value came
 *                        from; the entry points and jx_import_record()
 *   jx_import_tree.c     the filing tree being rebuilt (inode) and its YAML
 *                        text; cell values as filing text; sheet look-ups
 *   jx_import_table.c    路径/值 tables: a 数据-only workbook, CSV
 *   jx_import_template.c values a clerk edited inside template texts
 *                        (uses only jx_import.h)
 *
 * Library code: never exits; errors are values with messages. */
#ifndef JX_IMPORT_IMPL_H
#define JX_IMPORT_IMPL_H

#include "jx_import.h"

#include <stddef.h>
#include <stdint.h>

#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_util.h"
#include "jx_xlsx_read.h"

#define RECORD_SHEET "jxgen"
#define DATA_SHEET "数据"

/* ---- the filing tree being rebuilt (jx_import_tree.c) ------------------- */

/* A node of the filing being rebuilt.  A node owns its key, text and kids
 * (inode_free() frees the subtree); sheet points into the workbook or the
 * record and is not owned. */
typedef struct inode inode;
struct inode {
    char *key;             /* map key, NULL for the root and sequence items */
    jx_value_kind kind;
    char *text;            /* scalars */
    inode **kids;
    size_t n, cap;
    int deleted;           /* left out when written */
    int fields, gone;      /* 数据 fields under it, and how many were on deleted rows */
    const char *sheet;     /* the form cell that gave the value, or NULL */
    uint32_t row, col;
};

/* Frees n and everything under it; NULL is a no-op. */
void inode_free(inode *n);

/* A new node of `kind` with copies of key and text (either may be NULL),
 * or NULL when memory is short. */
inode *inode_new(const char *key, jx_value_kind kind, const char *text);

/* Inserts kid into parent at index at (<= n); parent then owns kid.
 * Returns 0, or -1 when memory is short (kid stays the caller's). */
int inode_insert(inode *parent, size_t at, inode *kid);

/* Follows a dotted path from root; with `create`, missing steps are made
 * (a step of digits makes a sequence entry when it is the next index).
 * NULL when it cannot be followed (or memory is short).  *bad_seq (may be
 * NULL) is set when a sequence index skips entries. */
inode *inode_path(inode *root, const char *path, int create, int *bad_seq);

/* Makes n a scalar holding a copy of text (plain when `number`, else
 * quoted), dropping its kids.  Leaves n as it was when memory is short. */
void inode_set(inode *n, const char *text, int number);

/* Appends the filing under root as YAML to *out, after a comment naming
 * `from` (deleted nodes left out).  JX_OK, or JX_ERR_NOMEM with a message
 * in d. */
jx_status import_emit_yaml(const inode *root, const char *from, jx_buf *out, jx_diags *d);

/* 1 when s[0..n) is 1 to 9 ASCII digits (a sequence index). */
int import_all_digits(const char *s, size_t n);

/* ---- values and sheets (jx_import_tree.c) ------------------------------- */

/* The exact decimal text of a number as a workbook writes it ("1.5E-3",
 * "70823.389999999999") into out[0..n): exponent expanded, rounded half up
 * to 6 decimals (jx_decimal's scale), trailing zeros dropped.  0 when s is
 * not a number. */
int import_number_text(const char *s, char *out, size_t n);

/* Text a clerk typed into a number cell ("1,000.50", "５００", " 500 "):
 * the decimal it means in out[0..n), or 0 when it is not one. */
int import_typed_number(const char *s, char *out, size_t n);

/* What a form cell (c may be NULL) holds, as filing text: *text points
 * into c, into num[0..n) (numbers) or at a literal; *number: it is a
 * number.  Returns 0, or -1 for an error value (#REF!, #N/A). */
int import_cell_text(const jx_xlsx_cell *c, char *num, size_t n, const char **text, int *number);

/* The number of steps of a dotted path. */
int import_path_steps(const char *path);

/* The last row of sheet s that holds a cell (0: none). */
uint32_t import_last_row(const jx_xlsx_sheet *s);

/* The text of a cell of any kind, or "" (for the record and 数据 sheets). */
const char *import_plain_value(const jx_xlsx_sheet *s, uint32_t row, uint32_t col);

/* Column index of a heading on row 0 of s, or -1. */
long import_heading(const jx_xlsx_sheet *s, const char *name);

/* ---- 路径/值 tables (jx_import_table.c) ---------------------------------- */

/* The filing of the 路径/值 columns of sheet `data` (a workbook without
 * jxgen's record), appended as YAML to *yaml; `file` names the workbook in
 * messages.  JX_OK, or the first error with its message in d. */
jx_status import_table_sheet(const char *file, const jx_xlsx_sheet *data, jx_buf *yaml,
                             jx_diags *d);

/* The same for a CSV table bytes[0..len) (RFC 4180: quotes, doubled
 * quotes, CRLF) in UTF-8 (BOM optional) or GB18030. */
jx_status import_csv(const char *file, const char *bytes, size_t len, jx_buf *yaml, jx_diags *d);

#endif
