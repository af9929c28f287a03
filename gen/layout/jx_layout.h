/* jx_layout.h - a region's template, read from layouts/<region>.yaml.
 *
 * A layout file is data: page set-up, named text styles, number formats,
 * document properties, the filing schema, and the sections/blocks/tables of
 * the official form with their cells bound to filing fields.  The format is
 * documented in layouts/README.md.  jx_layout_load() reads and checks the
 * whole file (unknown keys, wrong types, bad references) so that a layout
 * error is reported at its line and column before any filing is touched;
 * jx_compose.c then interprets the section/row grammar.
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
    const jx_node *document; /* title/author/subject/keywords templates */
    const jx_node *schema;   /* the filing schema (see jx_schema.h) */
    const jx_node *sections;
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
