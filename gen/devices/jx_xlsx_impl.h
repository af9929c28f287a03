/* jx_xlsx_impl.h - what the files of the workbook writer share (private
 * to gen/devices/jx_xlsx*.c), one job each:
 *   jx_xlsx.c         formats, sheet names, number formats, cells and
 *                     formulas, the form sheets and the file
 *   jx_xlsx_layout.c  measuring text and laying a sheet out: columns, rows
 *                     and row heights
 *   jx_xlsx_print.c   the printed pages: page breaks, the header rows
 *                     copied to each page continuing a table, page set-up
 *   jx_xlsx_data.c    what importers read: the 数据 sheet, the record
 *                     sheet and the defined names (docs/workbook-import.md)
 * Ownership: the xl_writer owns its sheets, formats, places and names and
 * frees them in jx_xlsx_write_into(); each xl_sheet owns its layout arrays
 * (xl_sheet_free()); the jx_doc and everything its cells point at is
 * borrowed for the whole write.  Functions returning jx_status report
 * their failure into x->d before returning it.
 * See jx_xlsx.c for units and the rules they follow. */
#ifndef JX_XLSX_IMPL_H
#define JX_XLSX_IMPL_H

#include <stddef.h>

#include <xlsxwriter.h>

#include "jx_util.h"
#include "jx_xlsx.h"

#define XL_PT_PER_PX 0.75
#define XL_DIGIT_PX 7            /* Calibri 11 maximum digit width */
#define XL_COL_PAD_PX 5          /* column padding Excel adds to w * digit width */
#define XL_MERGE_TOL_PT 1.0      /* column boundaries closer than this merge */
#define XL_PAD_X_PT 2.0          /* text inset from each side of a cell */
#define XL_PAD_Y_PT 2.0          /* and from its top and bottom */
#define XL_SLACK 0.06            /* fraction of a cell's text width left unused */
#define XL_BOLD_SLACK 0.03       /* extra for Excel's synthetic bold */
#define XL_LINE_EM 1.3           /* least line height, em (see line_height()) */
#define XL_MAX_ROW_PT 409.0      /* Excel's maximum row height */
#define XL_DEFAULT_SIZE_PT 12.0  /* a style without a size */
#define XL_SHEET_NAME_MAX 31     /* UTF-16 code units */
#define XL_PLAIN_COLS 8          /* columns of a sheet without a multi-column table */
#define XL_CHARSET_GB2312 134
#define XL_FAMILY_MODERN 3
#define XL_DATA_SHEET "数据"    /* the field list importers read */
#define XL_RECORD_SHEET "jxgen" /* the hidden record of the filing */

/* One distinct cell format and the libxlsxwriter format made for it. */
typedef struct xl_format {
    int font;               /* index into k_fonts */
    int size_tw;            /* font size, twentieths of a point */
    int bold, halign, valign, border, locked;
    const char *num_format; /* borrowed from the document; NULL: General */
    lxw_format *fmt;
} xl_format;

/* A cell spanning several rows whose height is settled after the others. */
typedef struct xl_tall {
    double need_pt;
    size_t first;           /* first layout row */
    size_t span;            /* layout rows */
    size_t order;           /* for a stable sort */
} xl_tall;

/* Header rows of a table repeated at the top of a printed page (a sheet has
 * one print-titles range; each table its own header, so they are copies). */
typedef struct xl_copy {
    size_t before;          /* the layout row they stand above */
    size_t block;           /* the table's block */
    int first, last;        /* its header rows copied (table rows) */
    size_t lfirst, nrows;   /* their layout rows: [lfirst, lfirst + nrows) */
} xl_copy;

/* The layout of one section's sheet.  Layout rows are the sheet's rows
 * before pagination: each table row takes one, or more when its text needs
 * more than Excel's 409 pt (the cell is merged over them); a paragraph
 * likewise.  Pagination then places page breaks and, at each break inside
 * a table, copies of the table's header rows, giving the sheet rows. */
typedef struct xl_sheet {
    const jx_section *sec;
    char *name;
    double width_pt;        /* page content width */
    int ncols;              /* sheet columns */
    int *col_px;            /* ncols pixel widths */
    int **bmap;             /* per table block: sheet boundary of each table boundary */
    size_t **trow;          /* per block: the first layout row of each of its rows, and the
                               end (table: nrows + 1 entries; paragraph 2; page break 1) */
    double **need;          /* per block: height each cell (table) or the paragraph needs */
    size_t nlrows;          /* layout rows */
    double *lrow_pt;        /* their heights */
    size_t *lblock;         /* block of each layout row */
    int *ltrow;             /* table row (0 for a paragraph) of each layout row */
    unsigned char *lflag;   /* per layout row (nlrows + 1): XL_L_* flags */
    size_t *fin;            /* layout row -> sheet row (nlrows + 1 entries) */
    xl_copy *copies;        /* header copies, by `before` */
    size_t ncopies;
    size_t nrows;           /* sheet rows */
    double *row_pt;         /* height of each sheet row */
    lxw_row_t *breaks;      /* zero-terminated horizontal page breaks (sheet rows) */
    size_t nbreaks;
    xl_tall *tall;
    size_t ntall, tallcap;
} xl_sheet;

/* lflag bits of a layout row j. */
#define XL_L_PART 1     /* j continues the table row (or paragraph) above it */
#define XL_L_BAD 2      /* a value cell crosses the boundary above j, or a label that
                           would not fit above it */
#define XL_L_FORCED 4   /* a page break of the document stands above j */
#define XL_L_CUT 8      /* a printed page starts at j: cells crossing it are split */
#define XL_L_CROSS 32   /* a cell crosses the boundary above j */
#define XL_L_TALL 64    /* j is inside a row taller than a page: a page may start
                           at j (its texts are split at a line) */

/* A value cell of the form (kind other than LABEL, with a source path), or
 * a value shown inside a template text (`cell` is then one of the text's
 * refs, placed at its paragraph or label cell): where it is, for formulas,
 * the 数据 sheet and the defined names. */
typedef struct xl_place {
    const char *path;       /* the filing path (borrowed from the document) */
    const jx_cell *cell;
    size_t sheet;           /* index into xl_writer.sheets */
    lxw_row_t row;          /* top-left sheet cell */
    lxw_col_t col;
    size_t order;           /* document order */
    int in_text;            /* a value shown inside the template text at row, col */
} xl_place;

/* A text taller than a printed page goes on in a new cell on the next
 * page (one cell per page, under that page's header copy): where one of
 * those cells is, for the record sheet's 续 rows (docs/workbook-import.md),
 * which let an importer join the text back. */
typedef struct xl_cont {
    size_t sheet;           /* index into xl_writer.sheets */
    lxw_row_t first;        /* the cell the text starts in (the field's cell) */
    lxw_row_t row;          /* the cell it goes on in, in the same column */
    lxw_col_t col;
    int para;               /* 1: a line break joins it to the text before */
} xl_cont;

/* One piece of a text split over printed pages: text[start, end). */
typedef struct xl_part {
    size_t start, end;
    int para;               /* 1: the '\n' between the text before and this piece
                               is not shown (the page ends at a paragraph's end) */
} xl_part;

typedef struct xl_writer {
    const jx_doc *doc;
    jx_fonts *fonts;        /* NULL: estimate text widths */
    jx_diags *d;
    lxw_workbook *wb;
    xl_format *fmts;
    size_t nfmts, fmtcap;
    char **used;            /* case-folded sheet names already taken */
    size_t nused, usedcap;
    int next_blank;         /* next N to try for a blank name's "SheetN" */
    xl_sheet *sheets;       /* one per section, laid out before anything is written */
    size_t nsheets;
    xl_place *places;       /* every value cell, in document order */
    size_t nplaces, placecap;
    const xl_place **by_path; /* the same, sorted by path, then document order */
    char **shown;           /* number formats made by cell_num_format(), owned */
    size_t nshown, shown_cap;
    /* piece_lines()'s answers in this workbook (open addressing, a power
     * of two slots, at most half full): the 数据 sheet measures the same
     * labels, units, kinds and sheet name on row after row. */
    struct xl_lines_memo *memo;
    size_t nmemo, memocap;
    xl_cont *conts;         /* texts continued on a new page, in writing order */
    size_t nconts, contcap;
} xl_writer;

/* What a value cell holds or is meant to hold (xl_number_kind()). */
enum { XL_NUM_NONE, XL_NUM_AMOUNT, XL_NUM_PERCENT };

/* jx_xlsx.c: reports "out of memory writing the workbook"; JX_ERR_NOMEM. */
jx_status xl_oom(xl_writer *x);

/* jx_xlsx.c: the jx_status of a libxlsxwriter error. */
jx_status xl_lxw_status(lxw_error e);

/* jx_xlsx.c: what libxlsxwriter error e means, in the message language
 * (jxgen's catalog; the library's own words in English).  A static string. */
const char *xl_lxw_text(lxw_error e);

/* jx_xlsx.c: reports a failed libxlsxwriter call (`what`: an N_() phrase,
 * translated when printed) on sheet `sheet` at (row, col), row < 0 when it
 * is not about a cell; returns xl_lxw_status(e). */
jx_status xl_fail(xl_writer *x, lxw_error e, const char *what, const char *sheet, long row,
                  long col);

/* jx_xlsx.c: the workbook's format for style st with or without a border,
 * locked or not, in number format num_format (NULL: General); made once
 * and owned by the workbook.  NULL when out of memory (not reported). */
lxw_format *xl_get_format(xl_writer *x, const jx_style *st, int border, int locked,
                          const char *num_format);

/* jx_xlsx.c: 1 when c is an ASCII digit. */
int xl_is_digit(char c);

/* jx_xlsx.c: the number format of NUMBER cell c (one that shows exactly
 * what the PDF shows; owned by x), or NULL for General. */
const char *xl_cell_num_format(xl_writer *x, const jx_cell *c);

/* jx_xlsx.c: XL_NUM_PERCENT, XL_NUM_AMOUNT or XL_NUM_NONE for cell c. */
int xl_number_kind(const jx_cell *c);

/* jx_xlsx.c: 1 when c is a derived total written as a formula. */
int xl_is_formula(const jx_cell *c);

/* jx_xlsx.c: the first cell (document order) showing filing field
 * path[0..len), or NULL.  Valid once the places are indexed. */
const xl_place *xl_find_place(const xl_writer *x, const char *path, size_t len);

/* jx_xlsx.c: appends 'name'! to b, apostrophes doubled. */
void xl_append_sheet_prefix(jx_buf *b, const char *name);

/* jx_xlsx.c: appends the reference of cell (row, col) of sheet `to` as
 * written on sheet `from` (SIZE_MAX: from no sheet), "$C$12" when abs. */
void xl_append_ref(jx_buf *b, const xl_writer *x, size_t from, size_t to, lxw_row_t row,
                   lxw_col_t col, int abs);

/* jx_xlsx.c: the paragraphs joined with '\n' (malloc'd, the caller frees),
 * or NULL when out of memory. */
char *xl_join_paras(const jx_paragraph *paras, size_t npara);

/* jx_xlsx.c: writes text into rows [r0, r1] x columns [c0, c1] (merged
 * when more than one cell) as a string, whatever it looks like. */
lxw_error xl_put_text(lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1,
                      const char *text, lxw_format *fmt);

/* jx_xlsx.c: protects ws without a password (rows and columns resizable;
 * the filter usable when autofilter is set). */
void xl_protect(lxw_worksheet *ws, int autofilter);

/* jx_xlsx.c: the font role Excel's font for `role` stands for ("song" for
 * a role without an Excel font of its own). */
const char *xl_canonical_role(const char *role);

/* jx_xlsx.c: the font size of st in the workbook, points (1 .. 409). */
double xl_style_size(const jx_style *st);

/* jx_xlsx_layout.c: frees x's memo of measured lines. */
void xl_memo_free(xl_writer *x);

/* jx_xlsx_layout.c: the least height, points, of one line of text of
 * `size` in a workbook. */
double xl_min_line(double size);

/* jx_xlsx_layout.c: the height in points paragraphs paras[0..npara) need
 * in a cell width_pt wide (padding included); *max_piece_lines (when not
 * NULL) is the most lines any one forced line broke into.  Errors other
 * than a character no font has are reported and returned. */
jx_status xl_measure(xl_writer *x, const jx_style *st, const jx_paragraph *paras, size_t npara,
                     double width_pt, const jx_source *src, double *h, size_t *max_piece_lines);

/* jx_xlsx_layout.c: the line height, points, of style st in the workbook,
 * as xl_measure() counts lines. */
double xl_line_height(const xl_writer *x, const jx_style *st);

/* jx_xlsx_layout.c: where the lines of `text` (paragraphs joined with
 * '\n') begin in a cell width_pt wide, as xl_measure() breaks and counts
 * them: (*starts)[k] is the byte offset of line k, *nlines >= 1 of them
 * (malloc'd; the caller frees).  A line starts where the text engine's
 * does (the spaces between two lines end the first), at a paragraph's
 * first byte, or after its '\n'.  Reports its failures. */
jx_status xl_line_starts(xl_writer *x, const jx_style *st, const char *text, double width_pt,
                         const jx_source *src, size_t **starts, size_t *nlines);

/* jx_xlsx_layout.c: the Excel column width whose pixel width is exactly px. */
double xl_px_to_width(int px);

/* jx_xlsx_layout.c: the width, points, of sheet columns [c0, c1). */
double xl_cols_pt(const xl_sheet *s, int c0, int c1);

/* jx_xlsx_layout.c: the sheet columns [*c0, *c1) table cell c of block
 * `block` covers. */
void xl_cell_cols(const xl_sheet *s, size_t block, const jx_cell *c, int *c0, int *c1);

/* jx_xlsx_layout.c: the layout rows [*a, *z] table cell c of block `block`
 * covers. */
void xl_cell_rows(const xl_sheet *s, size_t block, const jx_cell *c, size_t *a, size_t *z);


/* jx_xlsx_layout.c: lays out the sheet's columns (s->ncols, s->col_px,
 * s->bmap), then its layout rows and their heights (s->trow, s->need,
 * s->lrow_pt, ...).  Report their failures. */
jx_status xl_layout_columns(xl_writer *x, xl_sheet *s);
jx_status xl_layout_rows(xl_writer *x, xl_sheet *s);

/* jx_xlsx_layout.c: frees what the layout of s holds. */
void xl_sheet_free(xl_sheet *s);

/* jx_xlsx_print.c: the printed pages of a laid-out sheet (after
 * xl_layout_rows()): s->fin, s->copies, s->nrows, s->row_pt and the page
 * breaks s->breaks.  Reports its failures. */
jx_status xl_layout_pages(xl_writer *x, xl_sheet *s);

/* jx_xlsx_print.c: the sum of the heights of layout rows [a, b). */
double xl_rows_pt(const xl_sheet *s, size_t a, size_t b);

/* jx_xlsx_print.c: the end (exclusive) of the piece of layout rows [a, z]
 * that starts at a: the next printed page's start inside (a, z] where cells
 * are split (XL_L_CUT), else z + 1. */
size_t xl_piece_end(const xl_sheet *s, size_t a, size_t z);

/* jx_xlsx_print.c: splits `text`, shown width_pt wide in style st over
 * layout rows [a, z] that printed pages cut into pieces (xl_piece_end()),
 * at line boundaries: each piece gets the whole lines its rows hold, the
 * last what is left.  *parts (malloc'd, the caller frees) has one entry
 * per piece, in order; joined with '\n' where `para` is set, they give
 * `text` back byte for byte.  Reports its failures. */
jx_status xl_split_text(xl_writer *x, const xl_sheet *s, const jx_style *st, const char *text,
                        double width_pt, const jx_source *src, size_t a, size_t z,
                        xl_part **parts, size_t *nparts);

/* jx_xlsx_print.c: writes `text` in style st (at the top of its cells,
 * with a border or not, locked or not) over layout rows [a, z] x sheet
 * columns [c0, c1) of sheet si: one cell per printed piece, split by
 * xl_split_text(), each continuation noted in x->conts.  For a text taller
 * than the rows its first printed page leaves it. */
jx_status xl_write_split(xl_writer *x, size_t si, lxw_worksheet *ws, const jx_style *st,
                         const char *text, const jx_source *src, size_t a, size_t z, int c0,
                         int c1, int border, int locked);

/* What xl_each_copy_cell() calls for cell k of table block `block`, copied
 * over its layout rows [a, z] as sheet rows [r0, r1]. */
typedef jx_status (*xl_copy_fn)(xl_writer *x, void *arg, const xl_sheet *s, size_t block,
                                size_t k, size_t a, size_t z, lxw_row_t r0, lxw_row_t r1);

/* jx_xlsx_print.c: calls fn for each cell the header copies of s show,
 * clipped to the copied rows; returns fn's first failure, else JX_OK. */
jx_status xl_each_copy_cell(xl_writer *x, void *arg, const xl_sheet *s, xl_copy_fn fn);

/* jx_xlsx_print.c: writes the header copies of sheet si into ws. */
jx_status xl_write_copies(xl_writer *x, size_t si, lxw_worksheet *ws);

/* jx_xlsx_print.c: sets ws's footer from a page-number template
 * ("第 {page} 页 共 {pages} 页"), in a bottom margin of bottom_in inches;
 * a template too long for Excel gives a warning and no footer. */
jx_status xl_set_footer(xl_writer *x, const char *sheet, lxw_worksheet *ws, const char *tmpl,
                        double bottom_in);

/* jx_xlsx_print.c: the page set-up of a form sheet as the paper form. */
jx_status xl_setup_page(xl_writer *x, xl_sheet *s, lxw_worksheet *ws);

/* jx_xlsx_data.c: writes the 数据 sheet, the record sheet and the defined
 * names (docs/workbook-import.md), after the form sheets. */
jx_status xl_write_data_sheet(xl_writer *x);
jx_status xl_write_record_sheet(xl_writer *x);
jx_status xl_define_names(xl_writer *x);

#endif
