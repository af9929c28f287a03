/* jx_layout.h - a region's template, read from layouts/<region>.yaml.
 *
 * A layout file is data: page set-up, named text styles, number formats,
 * document properties, the filing schema, and the sections/blocks/tables of
 * the official form with their cells bound to filing fields.  The format is
 * documented in layouts/README.md.  jx_layout_load() reads and checks the
 * whole file (unknown keys, wrong types, bad references) so that a layout
 * error is reported at its line and column before any filing is touched,
 * and compiles `sections:` into the typed specs below, which jx_compose.c
 * walks for every filing.
 *
 * The layout owns its node tree and every string; free with jx_layout_free(). */
#ifndef JX_LAYOUT_H
#define JX_LAYOUT_H

#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_node.h"
#include "jx_rules.h"

typedef struct jx_named_style {
    const char *name;
    jx_style style;
} jx_named_style;

/* How an amount is displayed; the workbook gets the matching Excel format. */
typedef struct jx_number_format {
    const char *name;
    int decimals;           /* -1: as many as the value has ("auto") */
    int thousands;          /* group digits with ',' */
    int percent;            /* value is a ratio shown ×100 with '%' */
    const char *zero_text;  /* display of zero, e.g. "-"; NULL: the number */
    const char *suffix;     /* unit written after the number, e.g. "万元" */
    const char *excel;      /* Excel number format equivalent */
} jx_number_format;

/* ---- The form, compiled ----------------------------------------------
 * `sections:` is checked and compiled once, when the layout loads, into the
 * typed specs below; jx_compose() walks these structs for every filing and
 * never reads the layout's YAML again.  Every string and `at` node points
 * into the layout's node tree; every style and format pointer into its
 * tables.  All of it lives as long as the layout.  `at` is the spec's map in
 * the layout file, for messages at its line and column. */

/* A cell: template words or a filing value. */
typedef struct jx_cell_spec {
    const jx_node *at;
    const char *text;                /* `text:` template ({path} allowed), or NULL */
    const char *field;               /* `field:` path, or NULL; exactly one is set */
    const jx_node *field_at;         /* the `field:` value, for messages */
    int colspan, rowspan;            /* 1..64 */
    const jx_style *style;           /* `style:`; NULL: the table's label/value style */
    const jx_number_format *format;  /* `format:`; NULL: the amount as written */
    const char *numbering;           /* `numbering:` pattern for list items ("目标{n}："),
                                        or NULL: items as written */
} jx_cell_spec;

typedef enum jx_row_kind {
    JX_ROW_CELLS, /* `row: [cells]`: one table row */
    JX_ROW_BAND,  /* `band: cell` + `rows:`: the label spans every row inside */
    JX_ROW_EACH,  /* `each: LIST` + `rows:`: the rows repeated per entry */
    JX_ROW_SIDES  /* `sides: [...]`: row lists side by side from the same row */
} jx_row_kind;

#define JX_MAX_SIDES 8

struct jx_row_spec;

/* One side of a `sides:` item: its rows on `columns:` grid columns. */
typedef struct jx_side_spec {
    const jx_node *at;
    int ncols;                       /* 0: the columns left over (last side only) */
    struct jx_row_spec *rows;
    size_t nrows;
} jx_side_spec;

typedef struct jx_row_spec {
    jx_row_kind kind;
    const jx_node *at;
    /* JX_ROW_CELLS */
    int header;                      /* repeats at the top of a continued table */
    int keep_with_next;              /* never the last row on a page */
    double min_height_pt;
    jx_cell_spec *cells;
    size_t ncells;
    /* JX_ROW_BAND */
    jx_cell_spec band;
    /* JX_ROW_EACH */
    const char *each;                /* the list's path */
    /* JX_ROW_BAND, JX_ROW_EACH */
    struct jx_row_spec *rows;
    size_t nrows;
    /* JX_ROW_SIDES: 2..JX_MAX_SIDES */
    jx_side_spec *sides;
    size_t nsides;
} jx_row_spec;

typedef struct jx_table_spec {
    const jx_node *at;
    int ncols;
    double *col_widths;              /* ncols relative widths, each > 0 */
    jx_col_fit *col_fit;             /* ncols fitted-column ranges, or NULL when
                                        every width is fixed (jx_colfit.h) */
    double border_pt, padding_pt;
    jx_style label_style, value_style; /* defaults resolved */
    jx_row_spec *rows;
    size_t nrows;
} jx_table_spec;

typedef enum jx_block_spec_kind {
    JX_SPEC_PARAGRAPH,  /* text: a template */
    JX_SPEC_PROSE,      /* text: a rich-text field's path */
    JX_SPEC_TABLE,
    JX_SPEC_PAGE_BREAK,
    JX_SPEC_EACH        /* text: a list's path; blocks: repeated per entry */
} jx_block_spec_kind;

typedef struct jx_block_spec {
    jx_block_spec_kind kind;
    const jx_node *at;
    const char *text;
    jx_style style;                  /* resolved (default song 10.5) */
    double space_before_pt, space_after_pt;
    const char *bookmark;            /* template, or NULL */
    int keep_with_next;
    const char *numbering;           /* JX_SPEC_PROSE: as jx_cell_spec.numbering */
    jx_table_spec *table;            /* JX_SPEC_TABLE */
    struct jx_block_spec *blocks;    /* JX_SPEC_EACH */
    size_t nblocks;
} jx_block_spec;

typedef struct jx_section_spec {
    const char *sheet;               /* template; "Sheet" when the layout has none */
    const char *bookmark;            /* template, or NULL */
    const char *each;                /* a list's path (one section per entry), or NULL */
    jx_block_spec *blocks;
    size_t nblocks;
} jx_section_spec;

/* Document property templates (`document:`); NULL when absent. */
typedef struct jx_doc_templates {
    const char *title, *author, *subject, *keywords;
} jx_doc_templates;

typedef struct jx_layout {
    char *path;
    const char *region;     /* the `region:` key filings use to select it */
    const char *name;       /* form name */
    jx_node *root;
    jx_page_setup page;
    jx_named_style *styles;
    size_t nstyles;
    jx_number_format *formats;
    size_t nformats;
    jx_doc_templates document;
    const jx_node *schema;   /* the filing schema (see jx_schema.h) */
    jx_section_spec *sections; /* compiled `sections:` */
    size_t nsections;
    jx_rules *rules;         /* the form's arithmetic (`rules:`, see jx_rules.h); never NULL
                                after a successful load */
    unsigned long long hash; /* of the file bytes, for rebuild decisions */
} jx_layout;

/* Reads and checks a layout file.  Returns JX_OK and *out, or
 * JX_ERR_LAYOUT/JX_ERR_SYNTAX/JX_ERR_IO with messages at the layout's
 * line:col. */
jx_status jx_layout_load(const char *path, jx_layout **out, jx_diags *d);
void jx_layout_free(jx_layout *layout);

/* Named style, or NULL. */
const jx_style *jx_layout_style(const jx_layout *layout, const char *name);
/* Named number format, or NULL. */
const jx_number_format *jx_layout_format(const jx_layout *layout, const char *name);

/* Formats an amount for display with fmt (NULL: as written).  Returns the
 * length needed, like snprintf. */
int jx_number_format_apply(const jx_number_format *fmt, jx_decimal value, char *buf, size_t n);

#endif
