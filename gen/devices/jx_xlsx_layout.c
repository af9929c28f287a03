/* jx_xlsx_layout.c - the workbook writer's sheet layout (see
 * jx_xlsx_impl.h): text measured with the text engine, sheet columns from
 * the union of the tables' column boundaries, rows, and row heights that fit
 * every cell's text (see jx_xlsx.c for the units). */
#include "jx_xlsx_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jx_util.h"
#include "jx_i18n.h"

/* ---- measuring --------------------------------------------------------- */

/* The role to measure a style with: the role Excel's font stands for, if
 * the font set has it, else "song", else the style's own role; NULL when
 * none is loaded (estimate instead). */
static const char *measure_role(const xl_writer *x, const char *role)
{
    if (!x->fonts)
        return NULL;
    const char *canon = xl_canonical_role(role);
    if (jx_fonts_has_role(x->fonts, canon))
        return canon;
    if (jx_fonts_has_role(x->fonts, "song"))
        return "song";
    if (role && jx_fonts_has_role(x->fonts, role))
        return role;
    return NULL;
}

/* Number of lines `text` (len bytes, no '\n') takes at `avail` points when
 * no font can measure it: CJK and other wide characters 1 em, the rest
 * 0.55 em. */
static size_t estimate_lines(const char *text, size_t len, double size, double avail)
{
    double w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0xFFFD;
        size_t k = jx_utf8_decode(text + i, len - i, &cp);
        i += k ? k : 1;
        w += (cp >= 0x1100 ? 1.0 : 0.55) * size;
    }
    size_t lines = (size_t)ceil(w / avail - 1e-9);
    return lines ? lines : 1;
}

/* A measured piece: what piece_lines() was given and its answer. */
struct xl_lines_memo {
    uint64_t hash;            /* 0: empty slot */
    const char *role;         /* one of the font set's role names */
    double size, avail;
    char *text;
    size_t len, lines;
};

static uint64_t memo_hash(const char *role, double size, double avail, const char *text,
                          size_t len)
{
    uint64_t h = jx_hash_bytes(JX_HASH_INIT, role, strlen(role) + 1);
    h = jx_hash_bytes(h, &size, sizeof size);
    h = jx_hash_bytes(h, &avail, sizeof avail);
    h = jx_hash_bytes(h, text, len);
    return h ? h : 1;
}

/* The slot of (role, size, avail, text) in x's memo: its entry, or the
 * empty slot where it goes.  NULL when there is no memo. */
static struct xl_lines_memo *memo_slot(xl_writer *x, uint64_t h, const char *role, double size,
                                       double avail, const char *text, size_t len)
{
    if (!x->memo)
        return NULL;
    for (size_t i = h & (x->memocap - 1);; i = (i + 1) & (x->memocap - 1)) {
        struct xl_lines_memo *m = &x->memo[i];
        if (!m->hash || (m->hash == h && m->len == len && m->size == size &&
                         m->avail == avail && strcmp(m->role, role) == 0 &&
                         memcmp(m->text, text, len) == 0))
            return m;
    }
}

/* Remembers that (role, size, avail, text) takes `lines` lines; out of
 * memory, it just does not. */
static void memo_add(xl_writer *x, uint64_t h, const char *role, double size, double avail,
                     const char *text, size_t len, size_t lines)
{
    if ((x->nmemo + 1) * 2 > x->memocap) {
        size_t cap = x->memocap ? x->memocap * 2 : 256;
        struct xl_lines_memo *old = x->memo, *m = calloc(cap, sizeof *m);
        if (!m)
            return;
        size_t oldcap = x->memocap;
        x->memo = m;
        x->memocap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].hash)
                *memo_slot(x, old[i].hash, old[i].role, old[i].size, old[i].avail, old[i].text,
                           old[i].len) = old[i];
        free(old);
    }
    struct xl_lines_memo *m = memo_slot(x, h, role, size, avail, text, len);
    char *copy = m && !m->hash ? malloc(len + 1) : NULL;
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    *m = (struct xl_lines_memo){h, role, size, avail, copy, len, lines};
    x->nmemo++;
}

void xl_memo_free(xl_writer *x)
{
    for (size_t i = 0; i < x->memocap; i++)
        free(x->memo[i].text);
    free(x->memo);
    x->memo = NULL;
    x->nmemo = x->memocap = 0;
}

/* Sets *lines to the number of lines one '\n'-free piece of text takes in a
 * cell of text width `avail`.  An empty piece is one (empty) line, as Excel
 * shows it.  A character no font has falls back to an estimate with a
 * warning; other text-engine errors are moved to x->d and returned as
 * JX_ERR_XLSX (JX_ERR_NOMEM stays). */
static jx_status piece_lines(xl_writer *x, const char *role, double size, const char *text,
                             size_t len, double avail, const jx_source *src, size_t *lines)
{
    if (len == 0) {
        *lines = 1;
        return JX_OK;
    }
    if (!role) {
        *lines = estimate_lines(text, len, size, avail);
        return JX_OK;
    }
    /* The same piece at the same width breaks the same way: a clean answer
     * of the text engine is remembered for the rest of the workbook. */
    uint64_t h = memo_hash(role, size, avail, text, len);
    struct xl_lines_memo *m = memo_slot(x, h, role, size, avail, text, len);
    if (m && m->hash) {
        *lines = m->lines;
        return JX_OK;
    }
    const char *what = src->path ? src->path : src->label ? src->label : _("workbook cell");
    jx_diags tmp;
    jx_diags_init(&tmp);
    jx_text_lines tl;
    memset(&tl, 0, sizeof tl);
    jx_status st = jx_text_break(x->fonts, role, size, text, len, avail, &tl, &tmp, what,
                                 src->file, src->line, src->col);
    if (st == JX_OK) {
        *lines = tl.nlines ? tl.nlines : 1;
        memo_add(x, h, role, size, avail, text, len, *lines);
    } else if (st == JX_ERR_GLYPH) {
        *lines = estimate_lines(text, len, size, avail);
        jx_diags_add(x->d, JX_SEV_WARNING, src->file, src->line, src->col, "xlsx-measure",
                     _("%s: text has a character no font can draw; its workbook row height is "
                     "estimated"), what);
        st = JX_OK;
    } else {
        jx_diags_append(x->d, &tmp);
        if (st != JX_ERR_NOMEM)
            st = jx_diag_error(x->d, JX_ERR_XLSX, src->file, src->line, src->col,
                               _("%s: cannot measure text for the workbook (%s)"), what,
                               jx_status_str(st));
    }
    jx_text_lines_free(&tl);
    jx_diags_free(&tmp);
    return st;
}

/* The least height, points, of one line of text of `size` in a workbook:
 * what Excel gives a line of 宋体 (the font's pixel size + 3 px: 14.25 pt
 * at 12 pt), and at least XL_LINE_EM em, which leaves ~9% for viewers that
 * substitute a taller font for 宋体. */
double xl_min_line(double size)
{
    double excel = (ceil(size / XL_PT_PER_PX - 1e-9) + 3) * XL_PT_PER_PX;
    return excel > XL_LINE_EM * size ? excel : XL_LINE_EM * size;
}

/* Line height, points, of style st in the workbook: the text engine's
 * line height (times the style's leading) of the measuring role, but at
 * least xl_min_line(). */
static double line_height(const xl_writer *x, const char *role, const jx_style *st)
{
    double size = xl_style_size(st);
    double lh = xl_min_line(size);
    if (role) {
        double own = jx_fonts_line_height(x->fonts, role, size);
        if (st->leading > 0)
            own *= st->leading;
        if (own > lh)
            lh = own;
    }
    return lh;
}

/* The width lines of style st are broken to in a cell width_pt wide: the
 * width inside the padding, less the slack (at least one em). */
static double text_width(const jx_style *st, double width_pt)
{
    double size = xl_style_size(st);
    double slack = XL_SLACK + (st->bold ? XL_BOLD_SLACK : 0);
    double avail = (width_pt - 2 * XL_PAD_X_PT) * (1 - slack);
    return avail < size ? size : avail;
}

/* Height in points that paragraphs paras[0..npara) need in a cell
 * width_pt wide (padding included); *max_piece_lines is the most lines any
 * one forced line ('\n'-separated piece) broke into. */
jx_status xl_measure(xl_writer *x, const jx_style *st, const jx_paragraph *paras,
                         size_t npara, double width_pt, const jx_source *src, double *h,
                         size_t *max_piece_lines)
{
    const char *role = measure_role(x, st->font_role);
    double size = xl_style_size(st), avail = text_width(st, width_pt);
    size_t total = 0, maxp = 0;
    for (size_t i = 0; i < npara; i++) {
        const char *t = paras[i].text ? paras[i].text : "";
        for (;;) {
            const char *nl = strchr(t, '\n');
            size_t len = nl ? (size_t)(nl - t) : strlen(t);
            if (len && t[len - 1] == '\r')
                len--;
            size_t lines;
            jx_status s = piece_lines(x, role, size, t, len, avail, src, &lines);
            if (s != JX_OK)
                return s;
            total += lines;
            if (lines > maxp)
                maxp = lines;
            if (!nl)
                break;
            t = nl + 1;
        }
    }
    if (total == 0)
        total = 1;
    *h = (double)total * line_height(x, role, st) + 2 * XL_PAD_Y_PT;
    if (max_piece_lines)
        *max_piece_lines = maxp;
    return JX_OK;
}

/* The line height, points, of style st as xl_measure() counts it. */
double xl_line_height(const xl_writer *x, const jx_style *st)
{
    return line_height(x, measure_role(x, st->font_role), st);
}

/* Appends offset `at` to the line starts *v (n entries, capacity *cap). */
static int push_start(size_t **v, size_t *n, size_t *cap, size_t at)
{
    size_t *p = jx_grow(*v, cap, *n, sizeof *p, 16);
    if (!p)
        return -1;
    *v = p;
    p[(*n)++] = at;
    return 0;
}

/* The starts of the lines estimate_lines() counts for text[0..len):
 * estimate_lines() of them, each line beginning at the first character
 * past its share of the estimated width (text shown with a character no
 * font has, or without fonts). */
static int estimate_starts(const char *text, size_t len, double size, double avail, size_t base,
                           size_t **v, size_t *n, size_t *cap)
{
    size_t lines = estimate_lines(text, len, size, avail), k = 1;
    double total = 0, w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0xFFFD;
        size_t b = jx_utf8_decode(text + i, len - i, &cp);
        i += b ? b : 1;
        total += (cp >= 0x1100 ? 1.0 : 0.55) * size;
    }
    if (push_start(v, n, cap, base) != 0)
        return -1;
    for (size_t i = 0; i < len && k < lines;) {
        if (w >= total * (double)k / (double)lines) {
            if (push_start(v, n, cap, base + i) != 0)
                return -1;
            k++;
            continue;
        }
        uint32_t cp = 0xFFFD;
        size_t b = jx_utf8_decode(text + i, len - i, &cp);
        i += b ? b : 1;
        w += (cp >= 0x1100 ? 1.0 : 0.55) * size;
    }
    for (; k < lines; k++) /* a share past the last character: an empty line */
        if (push_start(v, n, cap, base + len) != 0)
            return -1;
    return 0;
}

jx_status xl_line_starts(xl_writer *x, const jx_style *st, const char *text, double width_pt,
                         const jx_source *src, size_t **starts, size_t *nlines)
{
    const char *role = measure_role(x, st->font_role);
    double size = xl_style_size(st), avail = text_width(st, width_pt);
    size_t *v = NULL, n = 0, cap = 0;
    jx_status st_ = JX_OK;
    for (const char *t = text; st_ == JX_OK;) {
        const char *nl = strchr(t, '\n');
        size_t len = nl ? (size_t)(nl - t) : strlen(t), base = (size_t)(t - text);
        if (len && t[len - 1] == '\r')
            len--;
        jx_text_lines tl;
        memset(&tl, 0, sizeof tl);
        jx_status b = len && role ? jx_text_break(x->fonts, role, size, t, len, avail, &tl, NULL,
                                                  NULL, NULL, 0, 0)
                                  : JX_ERR_GLYPH;
        if (len == 0) {
            if (push_start(&v, &n, &cap, base) != 0)
                st_ = JX_ERR_NOMEM;
        } else if (b == JX_OK) {
            /* A line starts where the text engine's does, the spaces
             * between two lines staying at the end of the first. */
            for (size_t k = 0; k < (tl.nlines ? tl.nlines : 1) && st_ == JX_OK; k++)
                if (push_start(&v, &n, &cap, base + (k ? tl.lines[k].start : 0)) != 0)
                    st_ = JX_ERR_NOMEM;
        } else if (b == JX_ERR_GLYPH) {
            if (estimate_starts(t, len, size, avail, base, &v, &n, &cap) != 0)
                st_ = JX_ERR_NOMEM;
        } else {
            st_ = b == JX_ERR_NOMEM ? b
                                    : jx_diag_error(x->d, JX_ERR_XLSX, src->file, src->line,
                                                    src->col,
                                                    _("%s: cannot measure text for the workbook "
                                                      "(%s)"),
                                                    src->path ? src->path : "workbook cell",
                                                    jx_status_str(b));
        }
        jx_text_lines_free(&tl);
        if (!nl)
            break;
        t = nl + 1;
    }
    if (st_ == JX_OK && n == 0 && push_start(&v, &n, &cap, 0) != 0)
        st_ = JX_ERR_NOMEM;
    if (st_ != JX_OK) {
        free(v);
        return st_ == JX_ERR_NOMEM ? xl_oom(x) : st_;
    }
    *starts = v;
    *nlines = n;
    return JX_OK;
}

/* ---- sheet layout ------------------------------------------------------ */

typedef struct xl_bound {
    double x;               /* points from the content's left edge */
    size_t block;
    int k;                  /* boundary index inside its table */
} xl_bound;

static int cmp_bound(const void *a, const void *b)
{
    const xl_bound *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->block != q->block)
        return p->block < q->block ? -1 : 1;
    return (p->k > q->k) - (p->k < q->k);
}

/* Excel column width whose pixel width is exactly px (see the top). */
double xl_px_to_width(int px)
{
    if (px >= XL_DIGIT_PX + XL_COL_PAD_PX)
        return (double)(px - XL_COL_PAD_PX) / XL_DIGIT_PX;
    return px / (double)(XL_DIGIT_PX + XL_COL_PAD_PX);
}

/* Width in points of sheet columns [c0, c1). */
double xl_cols_pt(const xl_sheet *s, int c0, int c1)
{
    long px = 0;
    for (int c = c0; c < c1; c++)
        px += s->col_px[c];
    return (double)px * XL_PT_PER_PX;
}

void xl_sheet_free(xl_sheet *s)
{
    if (s->bmap && s->sec)
        for (size_t i = 0; i < s->sec->nblocks; i++)
            free(s->bmap[i]);
    free(s->bmap);
    free(s->col_px);
    if (s->trow && s->sec)
        for (size_t i = 0; i < s->sec->nblocks; i++)
            free(s->trow[i]);
    if (s->need && s->sec)
        for (size_t i = 0; i < s->sec->nblocks; i++)
            free(s->need[i]);
    free(s->trow);
    free(s->need);
    free(s->lrow_pt);
    free(s->lblock);
    free(s->ltrow);
    free(s->lflag);
    free(s->fin);
    free(s->copies);
    free(s->row_pt);
    free(s->breaks);
    free(s->tall);
    free(s->name);
    memset(s, 0, sizeof *s);
}

/* Computes the sheet's columns: the union of every table's column
 * boundaries (merged within XL_MERGE_TOL_PT, never two of one table),
 * rounded to pixels, and for every table the sheet boundary of each of its
 * boundaries (s->bmap). */
jx_status xl_layout_columns(xl_writer *x, xl_sheet *s)
{
    const jx_section *sec = s->sec;
    jx_status st = JX_ERR_NOMEM;
    size_t nb = 0;
    for (size_t i = 0; i < sec->nblocks; i++)
        if (sec->blocks[i].kind == JX_BLOCK_TABLE)
            nb += (size_t)sec->blocks[i].table->ncols + 1;
    xl_bound *b = malloc((nb ? nb : 1) * sizeof *b);
    int *cluster = malloc((nb ? nb : 1) * sizeof *cluster);
    double *cx = malloc((nb + 2 > XL_PLAIN_COLS + 1 ? nb + 2 : XL_PLAIN_COLS + 1) * sizeof *cx);
    s->bmap = calloc(sec->nblocks ? sec->nblocks : 1, sizeof *s->bmap);
    if (!b || !cluster || !cx || !s->bmap)
        goto done;

    nb = 0;
    for (size_t i = 0; i < sec->nblocks; i++) {
        const jx_table *t = sec->blocks[i].table;
        if (sec->blocks[i].kind != JX_BLOCK_TABLE)
            continue;
        double total = 0, acc = 0;
        for (int k = 0; k < t->ncols; k++)
            total += t->col_widths && t->col_widths[k] > 0 ? t->col_widths[k] : 0;
        for (int k = 0; k <= t->ncols; k++) {
            b[nb++] = (xl_bound){total > 0 ? s->width_pt * acc / total
                                           : s->width_pt * k / t->ncols,
                                 i, k};
            if (k < t->ncols)
                acc += t->col_widths && t->col_widths[k] > 0 ? t->col_widths[k] : 0;
        }
        s->bmap[i] = malloc(((size_t)t->ncols + 1) * sizeof **s->bmap);
        if (!s->bmap[i])
            goto done;
    }
    if (nb)
        qsort(b, nb, sizeof *b, cmp_bound);

    /* Sweep: a boundary joins the current cluster when it is within the
     * tolerance of the cluster's first member and its table has no member
     * there yet. */
    int nc = 0;
    size_t cstart = 0;
    for (size_t i = 0; i < nb; i++) {
        int join = nc > 0 && b[i].x - cx[nc - 1] < XL_MERGE_TOL_PT;
        for (size_t j = cstart; join && j < i; j++)
            if (b[j].block == b[i].block)
                join = 0;
        if (!join) {
            cx[nc++] = b[i].x;
            cstart = i;
        }
        cluster[i] = nc - 1;
    }
    if (nc < 3) {
        /* No table, or only one-column tables: XL_PLAIN_COLS equal columns
         * (LibreOffice does not scale a sheet whose only column is wider
         * than the page down to fit it; it cuts the text off). */
        for (nc = 0; nc <= XL_PLAIN_COLS; nc++)
            cx[nc] = s->width_pt * nc / XL_PLAIN_COLS;
    }
    cx[0] = 0;
    cx[nc - 1] = s->width_pt;
    for (size_t i = 0; i < nb; i++) {
        const jx_table *t = sec->blocks[b[i].block].table;
        int c = cluster[i];
        if (b[i].k == 0)
            c = 0; /* every table starts and ends at the sheet's edges */
        else if (b[i].k == t->ncols)
            c = nc - 1;
        s->bmap[b[i].block][b[i].k] = c;
    }
    s->ncols = nc - 1;
    if (s->ncols > LXW_COL_MAX) {
        st = jx_diag_error(x->d, JX_ERR_XLSX, NULL, 0, 0,
                           _("workbook sheet '%s' would need %d columns (Excel allows %d)"), s->name,
                           s->ncols, LXW_COL_MAX);
        goto done;
    }
    s->col_px = malloc((size_t)s->ncols * sizeof *s->col_px);
    if (!s->col_px)
        goto done;
    long prev = 0;
    for (int c = 0; c < s->ncols; c++) {
        long edge = lround(cx[c + 1] / XL_PT_PER_PX);
        if (edge <= prev)
            edge = prev + 1;
        s->col_px[c] = (int)(edge - prev);
        prev = edge;
    }
    st = JX_OK;
done:
    free(b);
    free(cluster);
    free(cx);
    if (st == JX_ERR_NOMEM)
        xl_oom(x);
    return st;
}

/* ---- layout rows and their heights ------------------------------------- */

/* A layout row never gets more than this from one cell's text, so that
 * rounding to whole pixels keeps it under Excel's 409 pt. */
#define XL_PART_PT (XL_MAX_ROW_PT - 4.0)

/* Rows a block takes in its own terms: a table's rows, 1 for a paragraph,
 * 0 for a page break. */
static size_t block_rows(const jx_block *blk)
{
    return blk->kind == JX_BLOCK_TABLE ? (size_t)blk->table->nrows
           : blk->kind == JX_BLOCK_PARAGRAPH ? 1
                                             : 0;
}

/* Layout rows needed to show need_pt of text: one per XL_PART_PT. */
static size_t parts_for(double need_pt)
{
    size_t n = (size_t)ceil(need_pt / XL_PART_PT - 1e-9);
    return n ? n : 1;
}

/* The lines of a text needing need_pt at line height lh (xl_measure()). */
static size_t lines_in(double need_pt, double lh)
{
    double n = floor((need_pt - 2 * XL_PAD_Y_PT) / lh + 0.5);
    return n > 1 ? (size_t)n : 1;
}

/* Lines a layout row of a text taller than XL_PART_PT holds: a printed
 * page can end after any of its rows, so they are short (the page is
 * filled to within one of them), but each has its own padding. */
#define XL_TALL_LINES 6

/* Layout rows for a row whose tallest text needs need_pt in lines of lh:
 * XL_TALL_LINES lines each (aligned_height()), so that a printed page
 * ending between two of them ends between two lines of the text. */
static size_t aligned_parts(double need_pt, double lh)
{
    size_t lines = lines_in(need_pt, lh), p = (lines + XL_TALL_LINES - 1) / XL_TALL_LINES;
    if (p < parts_for(need_pt))
        p = parts_for(need_pt);
    while (p < lines && (double)((lines + p - 1) / p) * lh + 2 * XL_PAD_Y_PT > XL_PART_PT)
        p++;
    return p;
}

/* The height of part k of `parts` layout rows that share a text of `lines`
 * lines of lh: whole lines (the first parts one more when they do not
 * share evenly) and the padding. */
static double aligned_height(size_t lines, size_t parts, size_t k, double lh)
{
    size_t n = lines / parts + (k < lines % parts);
    return (double)n * lh + 2 * XL_PAD_Y_PT;
}

/* Sheet columns [*c0, *c1) that a table cell covers. */
void xl_cell_cols(const xl_sheet *s, size_t block, const jx_cell *c, int *c0, int *c1)
{
    *c0 = s->bmap[block][c->col];
    *c1 = s->bmap[block][c->col + c->colspan];
}

void xl_cell_rows(const xl_sheet *s, size_t block, const jx_cell *c, size_t *a, size_t *z)
{
    *a = s->trow[block][c->row];
    *z = s->trow[block][c->row + c->rowspan] - 1;
}

static int cmp_tall(const void *a, const void *b)
{
    const xl_tall *p = a, *q = b;
    if (p->span != q->span)
        return p->span < q->span ? -1 : 1;
    return (p->order > q->order) - (p->order < q->order);
}

/* Spreads the excess of a cell over several layout rows evenly over them,
 * moving what would push a row past XL_PART_PT onto rows that still have
 * room (there is room: the rows were counted for it). */
static void spread(xl_sheet *s, const xl_tall *t)
{
    double have = 0;
    for (size_t r = 0; r < t->span; r++)
        have += s->lrow_pt[t->first + r];
    double excess = t->need_pt - have;
    for (size_t pass = 0; pass < t->span && excess > 1e-6; pass++) {
        size_t open = 0;
        for (size_t r = 0; r < t->span; r++)
            if (s->lrow_pt[t->first + r] < XL_PART_PT)
                open++;
        if (!open)
            break;
        double each = excess / (double)open;
        excess = 0;
        for (size_t r = 0; r < t->span; r++) {
            double *h = &s->lrow_pt[t->first + r];
            if (*h >= XL_PART_PT)
                continue;
            *h += each;
            if (*h > XL_PART_PT) {
                excess += *h - XL_PART_PT;
                *h = XL_PART_PT;
            }
        }
    }
}

/* Adds a cell of `span` layout rows from `first` needing need_pt to s->tall. */
static jx_status add_tall(xl_writer *x, xl_sheet *s, double need_pt, size_t first, size_t span)
{
    xl_tall *p = jx_grow(s->tall, &s->tallcap, s->ntall, sizeof *p, 16);
    if (!p)
        return xl_oom(x);
    s->tall = p;
    s->tall[s->ntall] = (xl_tall){need_pt, first, span, s->ntall};
    s->ntall++;
    return JX_OK;
}

/* Measures every cell and paragraph of the sheet (s->need), gives each
 * table row and paragraph as many layout rows as its tallest text needs at
 * XL_PART_PT a row (a cell spanning rows whose text needs more than its
 * rows can hold gets more on its last row), and sets the layout rows'
 * heights: a row is as tall as its tallest cell of that row (shared by its
 * parts), and a cell over several layout rows spreads its excess over
 * them. */
jx_status xl_layout_rows(xl_writer *x, xl_sheet *s)
{
    const jx_section *sec = s->sec;
    size_t nb = sec->nblocks;
    jx_status st;
    s->trow = calloc(nb ? nb : 1, sizeof *s->trow);
    s->need = calloc(nb ? nb : 1, sizeof *s->need);
    if (!s->trow || !s->need)
        return xl_oom(x);
    /* First the rows' needs, in table-row terms. */
    size_t nl = 0;
    double **rowneed = calloc(nb ? nb : 1, sizeof *rowneed);
    /* The line height of the text a row (or paragraph) taller than
     * XL_PART_PT is as tall for (else 0: its layout rows share its height
     * evenly). */
    double **rowlh = calloc(nb ? nb : 1, sizeof *rowlh);
    if (!rowneed || !rowlh) {
        free(rowneed);
        free(rowlh);
        return xl_oom(x);
    }
    st = JX_OK;
    for (size_t i = 0; i < nb && st == JX_OK; i++) {
        const jx_block *blk = &sec->blocks[i];
        size_t n = block_rows(blk);
        s->trow[i] = calloc(n + 1, sizeof **s->trow);
        rowneed[i] = calloc(n ? n : 1, sizeof **rowneed);
        rowlh[i] = calloc(n ? n : 1, sizeof **rowlh);
        if (!s->trow[i] || !rowneed[i] || !rowlh[i]) {
            st = xl_oom(x);
            break;
        }
        if (blk->kind == JX_BLOCK_PARAGRAPH) {
            jx_source none = {0};
            double h;
            s->need[i] = malloc(sizeof **s->need);
            if (!s->need[i]) {
                st = xl_oom(x);
                break;
            }
            st = xl_measure(x, &blk->style, &blk->para, 1, xl_cols_pt(s, 0, s->ncols), &none, &h,
                            NULL);
            h += (blk->space_before_pt > 0 ? blk->space_before_pt : 0) +
                 (blk->space_after_pt > 0 ? blk->space_after_pt : 0);
            s->need[i][0] = rowneed[i][0] = h;
            s->trow[i][0] = nl;
            if (h > XL_PART_PT) { /* its rows hold whole lines, as a table row's */
                rowlh[i][0] = xl_line_height(x, &blk->style);
                nl += aligned_parts(h, rowlh[i][0]);
            } else {
                nl += parts_for(h);
            }
            s->trow[i][1] = nl;
            continue;
        }
        if (blk->kind != JX_BLOCK_TABLE) {
            s->trow[i][0] = nl;
            continue;
        }
        const jx_table *t = blk->table;
        s->need[i] = calloc(t->ncells ? t->ncells : 1, sizeof **s->need);
        size_t *parts = calloc(n ? n : 1, sizeof *parts);
        if (!s->need[i] || !parts) {
            free(parts);
            st = xl_oom(x);
            break;
        }
        /* A row is at least one line of the table's smallest text. */
        double least = xl_min_line(XL_DEFAULT_SIZE_PT) + 2 * XL_PAD_Y_PT;
        for (size_t k = 0; k < t->ncells; k++) {
            double h = xl_min_line(xl_style_size(&t->cells[k].style)) + 2 * XL_PAD_Y_PT;
            if (k == 0 || h < least)
                least = h;
        }
        for (int r = 0; r < t->nrows; r++) {
            double m = t->rows ? t->rows[r].min_height_pt : 0;
            rowneed[i][r] = m > least ? m : least;
        }
        for (size_t k = 0; k < t->ncells && st == JX_OK; k++) {
            const jx_cell *c = &t->cells[k];
            int c0, c1;
            xl_cell_cols(s, i, c, &c0, &c1);
            double h;
            size_t maxp = 0;
            st = xl_measure(x, &c->style, c->paras, c->npara, xl_cols_pt(s, c0, c1), &c->source, &h,
                            &maxp);
            if (st != JX_OK)
                break;
            if (c->kind == JX_CELL_NUMBER && maxp > 1) {
                const char *what = c->source.path ? c->source.path : "a number";
                jx_diags_add(x->d, JX_SEV_WARNING, c->source.file, c->source.line,
                             c->source.col, "xlsx-number-width",
                             _("%s is wider than its workbook cell; Excel may show it as ####"),
                             what);
            }
            s->need[i][k] = h;
            if (c->rowspan == 1 && h > rowneed[i][c->row]) {
                rowneed[i][c->row] = h;
                rowlh[i][c->row] = xl_line_height(x, &c->style);
            }
        }
        for (size_t r = 0; r < n; r++)
            parts[r] = rowlh[i][r] > 0 && rowneed[i][r] > XL_PART_PT
                           ? aligned_parts(rowneed[i][r], rowlh[i][r])
                           : parts_for(rowneed[i][r]);
        /* A cell over several rows that needs more than they hold gets
         * more layout rows on its last row. */
        for (size_t k = 0; k < t->ncells; k++) {
            const jx_cell *c = &t->cells[k];
            if (c->rowspan == 1)
                continue;
            size_t have = 0;
            for (int r = c->row; r < c->row + c->rowspan; r++)
                have += parts[r];
            if (s->need[i][k] > XL_PART_PT * (double)have)
                parts[c->row + c->rowspan - 1] +=
                    parts_for(s->need[i][k] - XL_PART_PT * (double)have);
        }
        for (size_t r = 0; r < n; r++) {
            s->trow[i][r] = nl;
            nl += parts[r];
        }
        s->trow[i][n] = nl;
        free(parts);
    }
    if (st == JX_OK && nl > LXW_ROW_MAX)
        st = jx_diag_error(x->d, JX_ERR_XLSX, NULL, 0, 0,
                           _("workbook sheet '%s' would need more than %d rows"), s->name,
                           LXW_ROW_MAX);
    if (st == JX_OK) {
        s->nlrows = nl;
        s->lrow_pt = calloc(nl ? nl : 1, sizeof *s->lrow_pt);
        s->lblock = calloc(nl ? nl : 1, sizeof *s->lblock);
        s->ltrow = calloc(nl ? nl : 1, sizeof *s->ltrow);
        s->lflag = calloc(nl + 1, 1);
        if (!s->lrow_pt || !s->lblock || !s->ltrow || !s->lflag)
            st = xl_oom(x);
    }
    /* Then the layout rows: a row's need shared by its parts, and the cells
     * over several layout rows spread over them. */
    for (size_t i = 0; i < nb && st == JX_OK; i++) {
        const jx_block *blk = &sec->blocks[i];
        size_t n = block_rows(blk);
        if (blk->kind == JX_BLOCK_PAGE_BREAK && s->trow[i][0] > 0)
            s->lflag[s->trow[i][0]] |= XL_L_FORCED;
        for (size_t r = 0; r < n; r++) {
            size_t a = s->trow[i][r], e = s->trow[i][r + 1];
            for (size_t l = a; l < e; l++) {
                s->lrow_pt[l] = rowneed[i][r] / (double)(e - a);
                if (e - a > 1 && rowlh[i][r] > 0 && rowneed[i][r] > XL_PART_PT)
                    s->lrow_pt[l] = aligned_height(lines_in(rowneed[i][r], rowlh[i][r]), e - a,
                                                   l - a, rowlh[i][r]);
                s->lblock[l] = i;
                s->ltrow[l] = (int)r;
                if (l > a)
                    s->lflag[l] |= XL_L_PART;
            }
        }
        if (blk->kind != JX_BLOCK_TABLE)
            continue;
        const jx_table *t = blk->table;
        for (size_t k = 0; k < t->ncells && st == JX_OK; k++) {
            size_t a, z;
            xl_cell_rows(s, i, &t->cells[k], &a, &z);
            if (z > a)
                st = add_tall(x, s, s->need[i][k], a, z - a + 1);
        }
    }
    for (size_t i = 0; i < nb; i++) {
        free(rowneed[i]);
        free(rowlh[i]);
    }
    free(rowneed);
    free(rowlh);
    if (st != JX_OK)
        return st;
    /* Narrow spans first: a wider span then sees the rows they grew. */
    if (s->ntall)
        qsort(s->tall, s->ntall, sizeof *s->tall, cmp_tall);
    for (size_t i = 0; i < s->ntall; i++)
        spread(s, &s->tall[i]);
    for (size_t r = 0; r < nl; r++) {
        double h = ceil(s->lrow_pt[r] / XL_PT_PER_PX - 1e-9) * XL_PT_PER_PX;
        s->lrow_pt[r] = h > XL_MAX_ROW_PT ? XL_MAX_ROW_PT : h;
    }
    return JX_OK;
}

