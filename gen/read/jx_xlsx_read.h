/* jx_xlsx_read.h - reading a workbook (.xlsx) as cells, within fixed bounds.
 *
 * A workbook is a zip archive of XML parts.  The archive is read with
 * libzip and every part with expat, a streaming parser, so the memory used
 * grows with the cells that hold something, never with the size a part
 * claims: a part larger than JX_XLSX_MAX_PART bytes once inflated, an
 * archive inflating to more than JX_XLSX_MAX_TOTAL bytes in all (a zip
 * bomb), more than JX_XLSX_MAX_CELLS cells with a value, a value in a row
 * below JX_XLSX_MAX_ROWS, more than JX_XLSX_MAX_ENTRIES entries or
 * JX_XLSX_MAX_SHEETS sheets is refused with a message, as are a DOCTYPE (no
 * entity expansion at all), malformed XML, macros (an .xlsm's
 * vbaProject.bin) and links to other workbooks (xl/externalLinks/).
 *
 * What is kept of each sheet: every cell that holds a value or a formula
 * (its cached value as the file writes it, its formula text), and the merged
 * ranges.  Shared strings, inline strings and rich-text runs all read as
 * plain text; phonetic runs (rPh) are left out.  Element names are matched
 * by their local name in the spreadsheetml namespace whatever prefix a
 * writer uses, so files re-saved by Excel, WPS or LibreOffice read alike.
 *
 * Messages are in Chinese and name the workbook as given (`name`), the part
 * and its line and column for XML errors.
 *
 * Ownership: a jx_xlsx_book owns everything reachable from it; free it with
 * jx_xlsx_book_free().  Library code: never exits, errors are values. */
#ifndef JX_XLSX_READ_H
#define JX_XLSX_READ_H

#include <stddef.h>
#include <stdint.h>

#include "jx_diag.h"
#include "jx_error.h"

#define JX_XLSX_MAX_PART (64u * 1024u * 1024u)
#define JX_XLSX_MAX_TOTAL (256u * 1024u * 1024u)
#define JX_XLSX_MAX_CELLS 500000u
#define JX_XLSX_MAX_ROWS 100000u
#define JX_XLSX_MAX_COLS 16384u
#define JX_XLSX_MAX_ENTRIES 10000
#define JX_XLSX_MAX_SHEETS 256

typedef enum jx_xlsx_type {
    JX_XLSX_NONE,     /* no cached value (a formula whose result was never stored) */
    JX_XLSX_NUMBER,   /* value: the number as the file writes it ("500", "1.5E-3") */
    JX_XLSX_TEXT,     /* value: the text */
    JX_XLSX_BOOL,     /* value: "0" or "1" */
    JX_XLSX_ERROR     /* value: the error ("#REF!") */
} jx_xlsx_type;

typedef struct jx_xlsx_cell {
    uint32_t row, col;     /* 0-based */
    jx_xlsx_type type;
    const char *value;     /* "" for NONE */
    const char *formula;   /* without '=', or NULL */
} jx_xlsx_cell;

typedef struct jx_xlsx_range {
    uint32_t r0, c0, r1, c1;  /* 0-based, inclusive */
} jx_xlsx_range;

typedef struct jx_xlsx_sheet {
    const char *name;
    int hidden;               /* state="hidden" or "veryHidden" */
    jx_xlsx_cell *cells;      /* sorted by row, then column */
    size_t ncells;
    jx_xlsx_range *merges;
    size_t nmerges;
} jx_xlsx_sheet;

typedef struct jx_xlsx_book {
    char *name;               /* as given, for messages */
    jx_xlsx_sheet *sheets;    /* in workbook order */
    size_t nsheets;
    struct jx_xlsx_store *store; /* the strings */
} jx_xlsx_book;

/* Reads the workbook at `path` (buf NULL) or in buf[0..len) (path used for
 * messages only).  Returns JX_OK and *out, or JX_ERR_IO (unreadable),
 * JX_ERR_SYNTAX (not a workbook, malformed XML), JX_ERR_LIMIT (a bound
 * above) or JX_ERR_FILING (macros, external links) with a message. */
jx_status jx_xlsx_read(const char *path, const void *buf, size_t len, jx_xlsx_book **out,
                       jx_diags *d);

void jx_xlsx_book_free(jx_xlsx_book *book);

/* The sheet named `name`, or NULL. */
const jx_xlsx_sheet *jx_xlsx_sheet_named(const jx_xlsx_book *book, const char *name);

/* The cell at (row, col) when it holds a value or a formula, else NULL.
 * O(log ncells). */
const jx_xlsx_cell *jx_xlsx_cell_at(const jx_xlsx_sheet *s, uint32_t row, uint32_t col);

/* The merged range whose top-left cell is (row, col), or NULL. */
const jx_xlsx_range *jx_xlsx_merge_at(const jx_xlsx_sheet *s, uint32_t row, uint32_t col);

/* Joins back the texts a jxgen workbook shows over several printed pages
 * (docs/workbook-import.md, "The record"): for each 续 row of `record` (A
 * 续, C and D the formulas ROW('sheet'!$C$12) of the cell a text starts in
 * and of a cell it goes on in, E 1 when a line break joins them), the text
 * of the second cell is appended to the first (made when a clerk emptied
 * it) and the second left empty.  A row whose formulas no longer name a
 * cell (#REF!: a deleted row) or name cells on two sheets is passed over,
 * as are an empty second cell and cells holding formulas.  Returns JX_OK,
 * or JX_ERR_NOMEM with a message. */
jx_status jx_xlsx_join_continued(jx_xlsx_book *book, const jx_xlsx_sheet *record, jx_diags *d);

/* Writes the A1 name of (row, col) ("D12") into buf (at least 16 bytes). */
void jx_xlsx_cell_name(uint32_t row, uint32_t col, char *buf);

/* Parses an A1 reference ("D12", "$D$12") at s; returns the characters
 * read (0 when there is none) and sets *row, *col (0-based). */
size_t jx_xlsx_parse_ref(const char *s, uint32_t *row, uint32_t *col);

/* Reads the record sheet's formula ROW('sheet'!$C$12) (the cell it names,
 * as the spreadsheet editor keeps it up to date): the sheet's name into
 * sheet[n] (quotes removed, doubled apostrophes undoubled) and the cell
 * into *row, *col.  Returns 1, or 0 when f is NULL, names no cell any more
 * (#REF!: the row was deleted), does not read so or the name does not fit. */
int jx_xlsx_row_formula_ref(const char *f, char *sheet, size_t n, uint32_t *row, uint32_t *col);

#endif
