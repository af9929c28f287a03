/* jx_doc.h - the abstract document both back-ends draw.
 *
 * A document is a list of sections; a section is a run of pages in the PDF
 * and one sheet in the workbook.  A section holds blocks: paragraphs (titles,
 * prose) and tables.  A table has its own column grid (relative widths over
 * the full content width) and a list of cells placed on that grid with row
 * and column spans, exactly as the official template merges them.
 *
 * Nothing here knows a region: the layout engine (jx_compose.c) builds a
 * jx_doc from a filing and a layout file; jx_paginate.c measures and breaks
 * it into pages for the PDF and trace devices; jx_xlsx.c writes it as sheets.
 *
 * Ownership: the document owns everything reachable from it; all strings and
 * arrays live in its arena and are freed by jx_doc_free().  Strings passed to
 * jx_doc_* functions are copied. */
#ifndef JX_DOC_H
#define JX_DOC_H

#include <stddef.h>
#include "jx_decimal.h"
#include "jx_error.h"
#include "jx_text.h"

typedef enum jx_halign { JX_ALIGN_LEFT, JX_ALIGN_CENTER, JX_ALIGN_RIGHT, JX_ALIGN_JUSTIFY } jx_halign;
typedef enum jx_valign { JX_VALIGN_MIDDLE, JX_VALIGN_TOP, JX_VALIGN_BOTTOM } jx_valign;

/* How a run of text looks.  font_role names a role of the font set
 * ("song", "hei", ...; see fonts/README.md). */
typedef struct jx_style {
    const char *font_role;
    double size_pt;
    int bold;              /* the role is already a bold face (黑体); kept for XLSX */
    jx_halign halign;
    jx_valign valign;
    double first_indent_em;/* first-line indent of each paragraph, in em */
    double leading;        /* line height = leading * font line height (1.0 = font's own) */
    int enum_lines;        /* each enumeration item "（2）" starts a new line */
} jx_style;

/* The style of text whose layout names none: 宋体 ("song") at 10.5 pt (五号),
 * left and middle, the font's own line height.  JX_DEFAULT_STYLE is an
 * initializer (also for static objects). */
#define JX_DEFAULT_FONT_ROLE "song"
#define JX_DEFAULT_SIZE_PT 10.5
#define JX_DEFAULT_STYLE                                                                       \
    {JX_DEFAULT_FONT_ROLE, JX_DEFAULT_SIZE_PT, 0, JX_ALIGN_LEFT, JX_VALIGN_MIDDLE, 0, 1.0, 0}

/* The text engine's composition options for a style: justified text is
 * justified, centred text balanced, enumerations as the style says. */
jx_text_opts jx_style_text_opts(const jx_style *style);

/* One paragraph of a cell or a prose block: plain UTF-8 text with no
 * markup.  kind LIST_ITEM is a line of a list (numbering kept in text). */
typedef enum jx_para_kind { JX_PARA_TEXT, JX_PARA_LIST_ITEM } jx_para_kind;
typedef struct jx_paragraph {
    jx_para_kind kind;
    const char *text;
} jx_paragraph;

/* Where a value came from, for messages and the workbook's 数据 sheet. */
typedef struct jx_source {
    const char *file;      /* filing file, or NULL for template text */
    int line, col;
    const char *path;      /* filing path such as "fund.total", or NULL */
    const char *label;     /* the field's Chinese label, or NULL */
    const char *unit;      /* the amount's unit as the form states it (万元, 元), or NULL */
} jx_source;

typedef enum jx_cell_kind {
    JX_CELL_LABEL,         /* template text: locked in the workbook */
    JX_CELL_TEXT,          /* a filing value shown as text */
    JX_CELL_NUMBER,        /* a filing amount/count: a number in the workbook */
    JX_CELL_EMPTY          /* an empty value cell (still bordered, unlocked) */
} jx_cell_kind;

typedef struct jx_cell {
    int row, col;          /* top-left grid position inside its table, 0-based */
    int rowspan, colspan;  /* >= 1 */
    jx_cell_kind kind;
    jx_paragraph *paras;   /* display text; NUMBER cells hold the formatted number */
    size_t npara;
    jx_style style;
    /* NUMBER cells: the exact value and the Excel number format that shows
     * it exactly as paras[0].text does (e.g. "0.00", "#,##0.00", "0\"万元\""). */
    jx_decimal number;
    const char *number_format;
    const char *formula;   /* NUMBER cells derived from others: an Excel formula
                              without '=' whose result is `number`, or NULL.  In it
                              `{path}` stands for the cell showing filing field
                              `path` in the same workbook; the workbook back-end
                              rewrites it to that cell's reference, e.g.
                              "SUM({fund.general_budget},{fund.gov_fund})". */
    jx_source source;
    /* LABEL cells whose template text shows filing values ("中期目标（{goals.mid_start}
     * 年－…）"): each value as a TEXT cell with its source, so the workbook lists it on
     * its 数据 sheet at this cell; NULL/0 otherwise.  Never drawn. */
    const struct jx_cell *refs;
    size_t nrefs;
} jx_cell;

typedef struct jx_row {
    int header;            /* repeated at the top of each page that continues the rows it heads */
    /* header rows: the rows they head, [header_from, header_until): the row
     * list they open (a band's or list entry's rows, or the whole table);
     * header_until 0 means the whole table.  A page break inside that range
     * repeats the nearest block of header rows of the range above it. */
    int header_from, header_until;
    double min_height_pt;  /* 0: as tall as the content needs */
    int keep_with_next;    /* never the last row on a page (a goal line above its header) */
} jx_row;

/* A column whose width follows its content (jx_colfit.h), within bounds in
 * the units of jx_table.col_widths (0: no bound). */
typedef struct jx_col_fit {
    int fit;               /* 0: a fixed width */
    double min, max;
} jx_col_fit;

typedef struct jx_table {
    int ncols;
    double *col_widths;    /* ncols relative widths (any positive scale) */
    jx_col_fit *col_fit;   /* ncols entries, or NULL when every width is fixed;
                              jx_doc_fit_columns() sets the fitted widths */
    int nrows;
    jx_row *rows;
    jx_cell *cells;        /* in reading order: by row, then column */
    size_t ncells;
    double border_pt;      /* rule width of the grid; 0: no borders */
    double padding_pt;     /* inner cell padding, each side (across the line:
                              at least jx_table_cell_inset()) */
} jx_table;

typedef enum jx_block_kind { JX_BLOCK_PARAGRAPH, JX_BLOCK_TABLE, JX_BLOCK_PAGE_BREAK } jx_block_kind;

typedef struct jx_block {
    jx_block_kind kind;
    /* PARAGRAPH: */
    jx_paragraph para;
    jx_style style;
    double space_before_pt, space_after_pt;
    /* TABLE: */
    jx_table *table;
    const char *bookmark;  /* outline entry starting at this block, or NULL */
    int keep_with_next;    /* PARAGRAPH: on the same page as the start of the next block */
    /* PARAGRAPH: the filing values its template text shows ("（{year}年度）"), as for
     * jx_cell.refs. */
    const jx_cell *refs;
    size_t nrefs;
} jx_block;

typedef struct jx_page_setup {
    double width_pt, height_pt;     /* already in the section's orientation */
    int landscape;
    double margin_top_pt, margin_right_pt, margin_bottom_pt, margin_left_pt;
    const char *page_number_format; /* e.g. "第 {page} 页 共 {pages} 页", "— {page} —", NULL for none */
    jx_style page_number_style;
} jx_page_setup;

typedef struct jx_section {
    const char *sheet_name;  /* workbook sheet name (<= 31 chars, no []:*?/\) */
    const char *bookmark;    /* outline entry for the section, or NULL */
    jx_page_setup page;
    jx_block *blocks;
    size_t nblocks;
} jx_section;

typedef struct jx_doc_info {
    const char *title;
    const char *author;      /* the filing unit */
    const char *subject;
    const char *keywords;
    const char *creator;     /* "jxgen x.y.z" */
    long long date_epoch;    /* creation date (seconds since 1970, UTC) */
} jx_doc_info;

typedef struct jx_arena jx_arena;

/* One node of the filing a document was made from, as written: the
 * workbook keeps them all (jx_xlsx.h) so that an import gives the filing
 * back value for value (jx_import.h).  Listed in pre-order: a node's
 * children follow it at depth + 1. */
typedef enum jx_value_kind {
    JX_VALUE_MAP, JX_VALUE_SEQ,   /* a map (key order kept) or a sequence */
    JX_VALUE_PLAIN,               /* an unquoted scalar (`500`, `~`, empty) */
    JX_VALUE_QUOTED               /* a quoted scalar (`"500"`, `""`) */
} jx_value_kind;
typedef struct jx_doc_value {
    int depth;             /* 0 for the root */
    const char *key;       /* the map key, or NULL for the root and sequence items */
    jx_value_kind kind;
    const char *text;      /* scalars: the text; NULL for maps and sequences */
} jx_doc_value;

typedef struct jx_doc {
    jx_doc_info info;
    jx_section *sections;
    size_t nsections;
    jx_doc_value *values;    /* the filing as written, or NULL (nvalues 0) */
    size_t nvalues;
    jx_arena *arena;
} jx_doc;

/* Creates an empty document.  Returns NULL when out of memory. */
jx_doc *jx_doc_create(void);
void jx_doc_free(jx_doc *doc);

/* Copies s into the document's arena.  NULL when out of memory. */
const char *jx_doc_strdup(jx_doc *doc, const char *s);
const char *jx_doc_strndup(jx_doc *doc, const char *s, size_t n);
/* Zeroed memory owned by the document.  NULL when out of memory. */
void *jx_doc_alloc(jx_doc *doc, size_t size);

/* Appends a section / block / table; returns a pointer owned by the document
 * (valid until the next add on the same list), or NULL when out of memory. */
jx_section *jx_doc_add_section(jx_doc *doc);
jx_block *jx_section_add_block(jx_doc *doc, jx_section *sec, jx_block_kind kind);
/* Appends a cell to a table (cells must be added in reading order). */
jx_cell *jx_table_add_cell(jx_doc *doc, jx_table *t);

/* Returns the cell whose span covers (row, col), or NULL. O(ncells). */
const jx_cell *jx_table_cell_at(const jx_table *t, int row, int col);

/* The room between a cell's side borders and its text, each side, points:
 * the table's padding, or JX_CELL_INSET_EM of the cell's type size when that
 * is more.  Two neighbouring cells then keep their texts more than one em of
 * the larger size apart (sizes that differ by up to a fifth included), so a
 * reader that gathers text into blocks (poppler: words nearer than one em
 * beside a block join it, minColSpacing2) never reads the lines of two cells
 * as one interleaved text; copy and paste from the PDF keeps cells apart.
 * Above and below the text the padding stays padding_pt. */
#define JX_CELL_INSET_EM 0.56
double jx_table_cell_inset(const jx_table *t, const jx_cell *c);

/* Checks that every cell lies inside the grid, no two cells overlap, and
 * every grid position is covered.  Returns JX_OK or JX_ERR_INTERNAL with a
 * description in msg. */
jx_status jx_table_check(const jx_table *t, char *msg, size_t msglen);

/* For a filing assembled from several files (jx_include.h): rewrites every
 * cell source that names the filing with a line beyond its own to the
 * included file and real line (jx_includes_remap_diags() does the same for
 * messages).  File names are copied into the document's arena, so the
 * document no longer points at `inc` (it may outlive it). */
typedef struct jx_includes jx_includes;
void jx_doc_remap_includes(jx_doc *doc, const jx_includes *inc);

#endif
