/* jx_import.c - a workbook (or a 路径/值 table) back into a filing (see
 * jx_import.h; how the importer's files divide the work: jx_import_impl.h). */
#include "jx_import_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jx_file.h"
#include "jx_i18n.h"

/* ---- the record -------------------------------------------------------- */

jx_status jx_import_record(jx_doc *doc, const jx_node *root)
{
    /* Pre-order with an explicit stack (a filing may nest deeply). */
    struct frame { const jx_node *n; int depth; const char *key; } *stack = NULL;
    size_t top = 0, cap = 0;
    jx_doc_value *vals = NULL;
    size_t nvals = 0, valcap = 0;
    jx_status st = JX_OK;
    if (!(stack = jx_grow(stack, &cap, top, sizeof *stack, 64)))
        return JX_ERR_NOMEM;
    stack[top++] = (struct frame){root, 0, NULL};
    while (top > 0 && st == JX_OK) {
        struct frame f = stack[--top];
        jx_doc_value *nv = jx_grow(vals, &valcap, nvals, sizeof *nv, 256);
        if (!nv) {
            st = JX_ERR_NOMEM;
            break;
        }
        vals = nv;
        jx_doc_value *v = &vals[nvals++];
        v->depth = f.depth;
        v->key = f.key ? jx_doc_strdup(doc, f.key) : NULL;
        v->text = NULL;
        if (f.key && !v->key)
            st = JX_ERR_NOMEM;
        if (f.n->kind == JX_NODE_SCALAR) {
            v->kind = f.n->plain ? JX_VALUE_PLAIN : JX_VALUE_QUOTED;
            v->text = jx_doc_strndup(doc, f.n->text, f.n->len);
            if (!v->text)
                st = JX_ERR_NOMEM;
            continue;
        }
        v->kind = f.n->kind == JX_NODE_MAP ? JX_VALUE_MAP : JX_VALUE_SEQ;
        for (size_t i = f.n->count; i-- > 0 && st == JX_OK;) {
            struct frame *ns = jx_grow(stack, &cap, top, sizeof *ns, 64);
            if (!ns) {
                st = JX_ERR_NOMEM;
                break;
            }
            stack = ns;
            stack[top++] = (struct frame){f.n->entries[i].value, f.depth + 1,
                                          f.n->kind == JX_NODE_MAP ? f.n->entries[i].key : NULL};
        }
    }
    free(stack);
    if (st != JX_OK) {
        free(vals);
        return st;
    }
    doc->values = jx_doc_alloc(doc, (nvals ? nvals : 1) * sizeof *vals);
    if (!doc->values) {
        free(vals);
        return JX_ERR_NOMEM;
    }
    memcpy(doc->values, vals, nvals * sizeof *vals);
    doc->nvalues = nvals;
    free(vals);
    return JX_OK;
}

/* ---- importing --------------------------------------------------------- */

/* One 数据 row: a field and where the form showed it. */
typedef struct field {
    const char *path;
    const char *kind;        /* 数值 公式 文本 空白 */
    const char *unit;
    const char *sheet;
    uint32_t row, col;       /* original cell */
    const jx_xlsx_cell *snap;/* the 值 cell on 数据 (what the form showed) */
    inode *node;             /* in the recorded filing, or NULL */
    char *item;              /* the innermost list entry it belongs to ("a.0.b.2"), or NULL */
    int depth;               /* list nesting of item */
    int deleted;             /* its row was deleted */
} field;

/* A field shown inside a template text (a 模板 row of 数据): its cell. */
typedef struct tfield {
    const char *path;
    const char *sheet;
    uint32_t row, col;       /* original cell */
} tfield;

/* One original row of a form sheet, as recorded, and where it is now. */
typedef struct formrow {
    long cur;                /* the current row (-1: deleted) */
    char *cols;              /* the columns where cells start ("A C D"); owned */
    const char *role;        /* the innermost entry shown on it, or NULL */
} formrow;

/* The form rows of one sheet, as recorded and where they are now. */
typedef struct formsheet {
    const char *name;
    const jx_xlsx_sheet *sheet;
    formrow *rows;           /* by original row */
    size_t nrows, rowcap;
    long *orig;              /* current row -> original row (-1: inserted), ncur long */
    size_t ncur;
} formsheet;

typedef struct importer {
    const char *file;
    jx_diags *d;
    jx_xlsx_book *book;
    inode *root;
    field *fields;
    size_t nfields;
    formsheet *sheets;
    size_t nsheets, sheetcap;
    int changed;             /* anything differs from the record */
    tfield *tfields;         /* the 数据 sheet's 模板 rows */
    size_t ntfields, tcap;
    const jx_import_edits *edits; /* values read from template texts, or NULL */
} importer;

/* Error at sheet!cell (fmt: printf-style). */
static jx_status cell_error(importer *im, jx_status st, const char *sheet, uint32_t row,
                            uint32_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
static jx_status cell_error(importer *im, jx_status st, const char *sheet, uint32_t row,
                            uint32_t col, const char *fmt, ...)
{
    char cell[16], where[1024];
    jx_xlsx_cell_name(row, col, cell);
    snprintf(where, sizeof where, "%s:%s!%s", im->file, sheet, cell);
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return jx_diag_error(im->d, st, where, 0, 0, "%s", msg);
}

/* Rebuilds the recorded filing tree from the 值 rows of the record sheet,
 * and the form rows from its 行 rows. */
static jx_status read_record(importer *im, const jx_xlsx_sheet *rec)
{
    inode *stack[JX_NODE_MAX_DEPTH + 2];
    int top = -1;
    uint32_t last = import_last_row(rec);
    for (uint32_t r = 1; r <= last; r++) {
        const char *what = import_plain_value(rec, r, 0);
        if (strcmp(what, "值") == 0) {
            int depth = atoi(import_plain_value(rec, r, 1));
            const char *key = import_plain_value(rec, r, 2), *kind = import_plain_value(rec, r, 3);
            jx_buf text = {0};
            for (uint32_t c = 4; c < 64; c++) {
                const jx_xlsx_cell *t = jx_xlsx_cell_at(rec, r, c);
                if (!t)
                    break;
                jx_buf_puts(&text, t->value);
            }
            jx_value_kind k = strcmp(kind, "map") == 0   ? JX_VALUE_MAP
                              : strcmp(kind, "seq") == 0 ? JX_VALUE_SEQ
                              : strcmp(kind, "plain") == 0 ? JX_VALUE_PLAIN
                                                           : JX_VALUE_QUOTED;
            if (depth < 0 || depth > top + 1 || depth > JX_NODE_MAX_DEPTH ||
                (depth == 0) != (im->root == NULL)) {
                jx_buf_free(&text);
                return cell_error(im, JX_ERR_SYNTAX, RECORD_SHEET, r, 1,
                                  _("jxgen's record sheet is damaged (wrong depth): this workbook "
                                    "cannot be imported"));
            }
            inode *n = inode_new(depth > 0 && stack[depth - 1]->kind == JX_VALUE_MAP ? key : NULL,
                                 k, k >= JX_VALUE_PLAIN ? jx_buf_str(&text) : NULL);
            jx_buf_free(&text);
            if (!n || (depth > 0 && inode_insert(stack[depth - 1], stack[depth - 1]->n, n) != 0)) {
                inode_free(n);
                return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            }
            if (depth == 0)
                im->root = n;
            stack[depth] = n;
            top = depth;
        } else if (strcmp(what, "行") == 0) {
            const char *sname = import_plain_value(rec, r, 1);
            const jx_xlsx_cell *fc = jx_xlsx_cell_at(rec, r, 2);
            const char *cols = import_plain_value(rec, r, 3);
            formsheet *fs = NULL;
            for (size_t k = 0; k < im->nsheets; k++)
                if (strcmp(im->sheets[k].name, sname) == 0)
                    fs = &im->sheets[k];
            if (!fs) {
                formsheet *ns = jx_grow(im->sheets, &im->sheetcap, im->nsheets, sizeof *ns, 4);
                if (!ns)
                    return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
                im->sheets = ns;
                fs = &ns[im->nsheets++];
                memset(fs, 0, sizeof *fs);
                fs->name = sname;
            }
            if (fs->nrows >= JX_XLSX_MAX_ROWS)
                return cell_error(im, JX_ERR_LIMIT, RECORD_SHEET, r, 0,
                                  _("jxgen's record sheet is damaged (too many rows)"));
            formrow *rows = jx_grow(fs->rows, &fs->rowcap, fs->nrows, sizeof *rows, 64);
            if (!rows)
                return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            fs->rows = rows;
            rows[fs->nrows] = (formrow){-1, NULL, NULL};
            /* The formula ROW('sheet'!$A$n) as the editor left it. */
            long now = -1;
            const char *f = fc && fc->formula ? fc->formula : NULL;
            char nm[512];
            uint32_t rr, cc;
            if (f && jx_xlsx_row_formula_ref(f, nm, sizeof nm, &rr, &cc)) {
                now = (long)rr;
                /* The sheet the formula names now: a rename shows here. */
                if (!jx_xlsx_sheet_named(im->book, sname) && *nm && strcmp(nm, sname) != 0 &&
                    jx_xlsx_sheet_named(im->book, nm)) {
                    char where[600];
                    snprintf(where, sizeof where, "%s:%s", im->file, nm);
                    return jx_diag_error(
                        im->d, JX_ERR_FILING, where, 0, 0,
                        _("sheet “%s” was renamed to “%s”: import finds the parts of the form "
                          "by their sheet names; rename it back to “%s”"),
                        sname, nm, sname);
                }
            } else if (!f) {
                now = (long)fs->nrows; /* no formula kept: assume it did not move */
            }
            rows[fs->nrows].cur = now;
            if (!(rows[fs->nrows].cols = jx_strdup(cols)))
                return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            fs->nrows++;
        }
    }
    if (!im->root || im->root->kind != JX_VALUE_MAP)
        return jx_diag_error(im->d, JX_ERR_SYNTAX, im->file, 0, 0,
                             _("jxgen's record sheet is empty: this workbook cannot be imported"));
    return JX_OK;
}

static formsheet *find_formsheet(importer *im, const char *name)
{
    for (size_t k = 0; k < im->nsheets; k++)
        if (strcmp(im->sheets[k].name, name) == 0)
            return &im->sheets[k];
    return NULL;
}

/* The innermost list entry of a path ("a.0.b.2.name" -> "a.0.b.2", depth 2). */
static char *item_of(const char *path, int *depth)
{
    const char *end = NULL;
    *depth = 0;
    for (const char *p = path; *p;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (p != path && import_all_digits(p, len)) {
            end = p + len;
            (*depth)++;
        }
        p = dot ? dot + 1 : p + len;
    }
    if (!end)
        return NULL;
    char *s = malloc((size_t)(end - path) + 1);
    if (s) {
        memcpy(s, path, (size_t)(end - path));
        s[end - path] = '\0';
    }
    return s;
}

static jx_status read_fields(importer *im, const jx_xlsx_sheet *data)
{
    long cp = import_heading(data, "路径"), ck = import_heading(data, "类型"), cs = import_heading(data, "工作表"),
         cc = import_heading(data, "单元格"), cv = import_heading(data, "值"), cu = import_heading(data, "单位");
    if (cp < 0 || ck < 0 || cs < 0 || cc < 0 || cv < 0)
        return jx_diag_error(im->d, JX_ERR_SYNTAX, im->file, 0, 0,
                             _("the sheet “数据” lacks columns (路径, 值, 类型, 工作表, 单元格): this workbook "
                               "cannot be imported"));
    uint32_t last = import_last_row(data);
    im->fields = calloc(last + 1, sizeof *im->fields);
    if (!im->fields)
        return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
    for (uint32_t r = 1; r <= last; r++) {
        const char *path = import_plain_value(data, r, (uint32_t)cp);
        if (!*path)
            continue;
        /* A field shown inside a template text ("{year}年度…", "{title}{content}")
         * shares its cell with the template: the cell is not the field's
         * value, which comes back from the record sheet as written unless
         * the clerk edited it there (jx_import_template_edits()). */
        if (strcmp(import_plain_value(data, r, (uint32_t)ck), "模板") == 0) {
            uint32_t row, col;
            const char *sheet = import_plain_value(data, r, (uint32_t)cs);
            if (!jx_xlsx_parse_ref(import_plain_value(data, r, (uint32_t)cc), &row, &col) ||
                !find_formsheet(im, sheet))
                continue;
            tfield *t = jx_grow(im->tfields, &im->tcap, im->ntfields, sizeof *t, 8);
            if (!t)
                return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            im->tfields = t;
            im->tfields[im->ntfields++] = (tfield){path, sheet, row, col};
            continue;
        }
        field *f = &im->fields[im->nfields];
        f->path = path;
        f->kind = import_plain_value(data, r, (uint32_t)ck);
        f->unit = cu >= 0 ? import_plain_value(data, r, (uint32_t)cu) : "";
        f->sheet = import_plain_value(data, r, (uint32_t)cs);
        f->snap = jx_xlsx_cell_at(data, r, (uint32_t)cv);
        if (import_path_steps(path) > JX_NODE_MAX_DEPTH - 2)
            return cell_error(im, JX_ERR_LIMIT, DATA_SHEET, r, (uint32_t)cp,
                              _("the path has %d steps, more than %d: no field of a filing is that "
                                "deep"), import_path_steps(path),
                              JX_NODE_MAX_DEPTH - 2);
        if (!jx_xlsx_parse_ref(import_plain_value(data, r, (uint32_t)cc), &f->row, &f->col) ||
            !find_formsheet(im, f->sheet))
            return cell_error(im, JX_ERR_SYNTAX, DATA_SHEET, r, (uint32_t)cc,
                              _("the sheet “数据” has a wrong cell address “%s”: this workbook "
                                "cannot be imported"),
                              import_plain_value(data, r, (uint32_t)cc));
        f->node = inode_path(im->root, path, 0, NULL);
        f->item = item_of(path, &f->depth);
        im->nfields++;
    }
    return JX_OK;
}

/* Maps every form sheet's rows both ways and the role of each row. */
static jx_status map_rows(importer *im)
{
    for (size_t k = 0; k < im->nsheets; k++) {
        formsheet *fs = &im->sheets[k];
        fs->sheet = jx_xlsx_sheet_named(im->book, fs->name);
        if (!fs->sheet) {
            char where[600];
            snprintf(where, sizeof where, "%s", im->file);
            return jx_diag_error(im->d, JX_ERR_FILING, where, 0, 0,
                                 _("there is no sheet “%s”: it was renamed or deleted; import "
                                   "finds the parts of the form by their sheet names: rename it "
                                   "back to “%s”"),
                                 fs->name, fs->name);
        }
        uint32_t last = import_last_row(fs->sheet);
        for (size_t r = 0; r < fs->nrows; r++)
            if (fs->rows[r].cur > (long)last)
                last = (uint32_t)fs->rows[r].cur;
        fs->ncur = (size_t)last + 1;
        fs->orig = malloc(fs->ncur * sizeof *fs->orig);
        if (!fs->orig)
            return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
        for (size_t r = 0; r < fs->ncur; r++)
            fs->orig[r] = -1;
        for (size_t r = 0; r < fs->nrows; r++)
            if (fs->rows[r].cur >= 0 && (size_t)fs->rows[r].cur < fs->ncur)
                fs->orig[fs->rows[r].cur] = (long)r;
    }
    for (size_t i = 0; i < im->nfields; i++) {
        field *f = &im->fields[i];
        formsheet *fs = find_formsheet(im, f->sheet);
        if (f->row >= fs->nrows || !f->item)
            continue;
        int have = 0;
        char *cur = fs->rows[f->row].role ? item_of(fs->rows[f->row].role, &have) : NULL;
        free(cur);
        if (!fs->rows[f->row].role || f->depth > have)
            fs->rows[f->row].role = f->item;
    }
    return JX_OK;
}

static int in_cols(const char *cols, uint32_t col)
{
    char name[16];
    jx_xlsx_cell_name(0, col, name);
    name[strcspn(name, "0123456789")] = '\0';
    size_t n = strlen(name);
    for (const char *p = cols; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && memcmp(p, name, n) == 0)
            return 1;
        p += len;
        while (*p == ' ')
            p++;
    }
    return 0;
}

/* Whether the form cell's value differs from what the 数据 sheet recorded. */
static int differs(const field *f, const char *text, int number)
{
    char snum[64];
    const char *stext;
    int snumber;
    import_cell_text(f->snap, snum, sizeof snum, &stext, &snumber);
    if (number && snumber) {
        jx_decimal a, b;
        if (jx_decimal_parse(text, 0, &a) == JX_OK && jx_decimal_parse(stext, 0, &b) == JX_OK)
            return jx_decimal_cmp(a, b) != 0;
    }
    return strcmp(text, stext) != 0;
}

/* The filing text of a value read for field f (percent fields: 0.45 -> 45%). */
static void field_text(const field *f, const char *text, int number, char *buf, size_t n,
                       const char **out, int *is_number)
{
    *out = text;
    *is_number = number;
    int numeric = strcmp(f->kind, "数值") == 0 || strcmp(f->kind, "公式") == 0;
    if (!number && numeric && *text && import_typed_number(text, buf, n)) {
        *out = buf;
        *is_number = number = 1;
        text = buf;
    }
    if (number && f->unit && strcmp(f->unit, "%") == 0) {
        jx_decimal v;
        char tmp[64];
        if (jx_decimal_parse(text, 0, &v) == JX_OK && jx_decimal_shift(v, 2, &v) == JX_OK &&
            jx_decimal_format(v, -1, 0, tmp, sizeof tmp) > 0) {
            snprintf(buf, n, "%s%%", tmp);
            *out = buf;
            *is_number = 0;
        }
    }
}

/* Sets the value of field f from the form (creating the node when the
 * filing left the field out). */
static jx_status set_field(importer *im, field *f, const char *text, int number)
{
    if (!f->node) {
        int bad = 0;
        f->node = inode_path(im->root, f->path, 1, &bad);
        if (!f->node)
            return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
    }
    inode_set(f->node, text, number);
    formsheet *fs = find_formsheet(im, f->sheet);
    f->node->sheet = fs->name;
    f->node->row = f->row < fs->nrows && fs->rows[f->row].cur >= 0 ? (uint32_t)fs->rows[f->row].cur
                                                                    : f->row;
    f->node->col = f->col;
    im->changed = 1;
    return JX_OK;
}

/* Reads the form cell of every field that is still there. */
static jx_status read_cells(importer *im, int derived)
{
    for (size_t i = 0; i < im->nfields; i++) {
        field *f = &im->fields[i];
        int is_derived = strcmp(f->kind, "公式") == 0;
        if (is_derived != derived)
            continue;
        formsheet *fs = find_formsheet(im, f->sheet);
        long cur = f->row < fs->nrows ? fs->rows[f->row].cur : (long)f->row;
        if (cur < 0) {
            f->deleted = 1;
            continue;
        }
        const jx_xlsx_cell *c = jx_xlsx_cell_at(fs->sheet, (uint32_t)cur, f->col);
        if (f->node) {
            f->node->sheet = fs->name;
            f->node->row = (uint32_t)cur;
            f->node->col = f->col;
        }
        if (c && c->formula) {
            if (is_derived) {
                /* Still a formula: the total follows its parts. */
                if (f->node && im->changed)
                    f->node->deleted = 1;
                continue;
            }
            if (c->type == JX_XLSX_NONE)
                return cell_error(im, JX_ERR_FILING, fs->name, (uint32_t)cur, f->col,
                                  _("this cell is a formula (=%s) whose result the workbook does "
                                    "not hold: open the workbook in Excel or WPS and save it once, "
                                    "or write the number"),
                                  c->formula);
        }
        char num[64], buf[96];
        const char *text, *out;
        int number, out_number;
        if (import_cell_text(c, num, sizeof num, &text, &number) != 0)
            return cell_error(im, JX_ERR_FILING, fs->name, (uint32_t)cur, f->col,
                              _("this cell holds the error value %s: write the right value"),
                                 text);
        if (!differs(f, text, number))
            continue;
        field_text(f, text, number, buf, sizeof buf, &out, &out_number);
        jx_status st = set_field(im, f, out, out_number);
        if (st != JX_OK)
            return st;
    }
    return JX_OK;
}

/* Entries whose every field was on deleted rows are dropped. */
static jx_status drop_deleted(importer *im)
{
    for (size_t k = 0; k < im->nsheets; k++) {
        formsheet *fs = &im->sheets[k];
        for (size_t r = 0; r < fs->nrows; r++)
            if (fs->rows[r].cur < 0 && !fs->rows[r].role) {
                char n[24];
                snprintf(n, sizeof n, "%zu", r + 1);
                return cell_error(im, JX_ERR_FILING, fs->name, (uint32_t)r, 0,
                                  _("row %s of a fixed part of the form was deleted: only rows of "
                                    "a list (indicators, projects and the like) can be deleted; "
                                    "undo the deletion"),
                                  n);
            }
    }
    for (size_t i = 0; i < im->nfields; i++) {
        field *f = &im->fields[i];
        /* Count the field in every entry around it. */
        for (int depth = f->depth; depth >= 1 && f->item; depth--) {
            char *prefix = jx_strdup(f->path);
            if (!prefix)
                return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            /* cut after the depth-th numeric component */
            int seen = 0;
            for (char *p = prefix; *p;) {
                char *dot = strchr(p, '.');
                size_t len = dot ? (size_t)(dot - p) : strlen(p);
                if (p != prefix && import_all_digits(p, len) && ++seen == depth) {
                    p[len] = '\0';
                    break;
                }
                p = dot ? dot + 1 : p + len;
            }
            inode *entry = inode_path(im->root, prefix, 0, NULL);
            free(prefix);
            if (entry) {
                entry->fields++;
                entry->gone += f->deleted;
            }
        }
    }
    /* Mark entries in a pass over the tree. */
    inode *stack[4096];
    size_t top = 0;
    stack[top++] = im->root;
    while (top) {
        inode *n = stack[--top];
        if (n->fields && n->gone == n->fields) {
            n->deleted = 1;
            im->changed = 1;
            continue;
        }
        for (size_t i = 0; i < n->n && top < 4096; i++)
            stack[top++] = n->kids[i];
    }
    return JX_OK;
}

/* A row the clerk inserted at current row `cur` of fs: a new entry of the
 * list of the entry on the row above (or below).  *after holds, per entry,
 * how many were already inserted after it. */
static jx_status insert_row(importer *im, formsheet *fs, size_t cur)
{
    /* Which entry: the one on the nearest original row above, else below. */
    const char *entry = NULL;
    int below = 0;
    for (long r = (long)cur - 1; r >= 0 && !entry; r--)
        if (fs->orig[r] >= 0) {
            entry = fs->rows[fs->orig[r]].role;
            break;
        }
    if (!entry)
        for (size_t r = cur + 1; r < fs->ncur; r++)
            if (fs->orig[r] >= 0) {
                entry = fs->rows[fs->orig[r]].role;
                below = 1;
                break;
            }
    const jx_xlsx_cell *first = NULL;
    for (size_t i = 0; i < fs->sheet->ncells; i++)
        if (fs->sheet->cells[i].row == cur) {
            first = &fs->sheet->cells[i];
            break;
        }
    if (!entry)
        return cell_error(im, JX_ERR_FILING, fs->name, (uint32_t)cur, first ? first->col : 0,
                          _("this row was inserted in a fixed part of the form: rows can be "
                            "inserted only in a list (indicators, projects and the like: "
                            "right-click a row of an entry, “Insert”); delete this row"));
    size_t elen = strlen(entry);
    /* The entry's fields on its first row: column -> sub-path. */
    uint32_t first_row = UINT32_MAX;
    for (size_t i = 0; i < im->nfields; i++) {
        field *f = &im->fields[i];
        if (f->item && strcmp(f->item, entry) == 0 && strcmp(f->sheet, fs->name) == 0 &&
            f->row < first_row)
            first_row = f->row;
    }
    inode *old = inode_path(im->root, entry, 0, NULL);
    const char *dot = strrchr(entry, '.');
    char *list_path = jx_strdup(entry);
    if (!list_path || !dot)
        return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
    list_path[dot - entry] = '\0';
    inode *list = inode_path(im->root, list_path, 0, NULL);
    free(list_path);
    inode *item = inode_new(NULL, JX_VALUE_MAP, NULL);
    if (!item || !list || !old)
        return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
    jx_status st = JX_OK;
    for (size_t i = 0; i < fs->sheet->ncells && st == JX_OK; i++) {
        const jx_xlsx_cell *c = &fs->sheet->cells[i];
        if (c->row != cur)
            continue;
        char num[64];
        const char *text;
        int number;
        if (import_cell_text(c, num, sizeof num, &text, &number) != 0) {
            st = cell_error(im, JX_ERR_FILING, fs->name, c->row, c->col,
                            _("this cell holds the error value %s: write the right value"),
                                 text);
            break;
        }
        if (!*text)
            continue;
        if (c->formula && c->type == JX_XLSX_NONE) {
            st = cell_error(im, JX_ERR_FILING, fs->name, c->row, c->col,
                            _("this cell is a formula (=%s) whose result the workbook does not "
                              "hold: open the workbook in Excel or WPS and save it once, or write "
                              "the number"),
                            c->formula);
            break;
        }
        const field *match = NULL;
        for (size_t k = 0; k < im->nfields; k++) {
            const field *f = &im->fields[k];
            if (f->item && strcmp(f->item, entry) == 0 && f->row == first_row &&
                f->col == c->col && strcmp(f->sheet, fs->name) == 0)
                match = f;
        }
        if (!match) {
            st = cell_error(im, JX_ERR_FILING, fs->name, c->row, c->col,
                            _("this cell of an inserted row is not part of the form: “%s” would "
                              "appear in no output; write it into a column of the row's entry, or "
                              "delete it"),
                            text);
            break;
        }
        char buf[96];
        const char *out;
        int out_number;
        field_text(match, text, number, buf, sizeof buf, &out, &out_number);
        inode *leaf = inode_path(item, match->path + elen + 1, 1, NULL);
        if (!leaf) {
            st = jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            break;
        }
        inode_set(leaf, out, out_number);
        leaf->sheet = fs->name;
        leaf->row = c->row;
        leaf->col = c->col;
    }
    if (st != JX_OK || item->n == 0) {
        inode_free(item);
        return st;
    }
    size_t at = 0;
    while (at < list->n && list->kids[at] != old)
        at++;
    /* After the entry above, and after rows inserted after it already. */
    if (!below) {
        at++;
        while (at < list->n && list->kids[at]->fields == -1)
            at++;
    }
    item->fields = -1; /* marks an inserted entry */
    if (inode_insert(list, at, item) != 0) {
        inode_free(item);
        return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
    }
    im->changed = 1;
    return JX_OK;
}

#define JX_ERR_NOT_FOUND_ ((jx_status)-1)

/* A value at a column where row `orig` has no cell of its own: the
 * top-left of a merged range (a 一级指标 spanning its entries) whose first
 * row was deleted, moved down by the editor with its value.  It is that
 * field, still (edited or not).  Returns JX_OK when it is one,
 * JX_ERR_NOT_FOUND_ when not, or an error. */
static jx_status moved_merge(importer *im, formsheet *fs, size_t orig, const jx_xlsx_cell *cell)
{
    for (size_t i = 0; i < im->nfields; i++) {
        field *f = &im->fields[i];
        if (!f->deleted || f->col != cell->col || f->row >= orig || !f->node || f->node->deleted ||
            strcmp(f->sheet, fs->name) != 0)
            continue;
        /* The rows between the field's and this one were all deleted. */
        int gap = 1;
        for (size_t r = f->row; r < orig && gap; r++)
            gap = fs->rows[r].cur < 0;
        if (!gap)
            continue;
        f->deleted = 0;
        char num[64], buf[96];
        const char *text, *out;
        int number, out_number;
        if (import_cell_text(cell, num, sizeof num, &text, &number) != 0)
            return cell_error(im, JX_ERR_FILING, fs->name, cell->row, cell->col,
                              _("this cell holds the error value %s: write the right value"),
                                 text);
        jx_status st = JX_OK;
        if (differs(f, text, number)) {
            field_text(f, text, number, buf, sizeof buf, &out, &out_number);
            st = set_field(im, f, out, out_number);
        }
        f->node->sheet = fs->name;
        f->node->row = cell->row;
        f->node->col = cell->col;
        return st;
    }
    return JX_ERR_NOT_FOUND_;
}

/* Inserted rows, and values in cells the form does not use. */
static jx_status read_rows(importer *im)
{
    for (size_t k = 0; k < im->nsheets; k++) {
        formsheet *fs = &im->sheets[k];
        long last_orig_cur = -1;
        for (size_t r = 0; r < fs->nrows; r++)
            if (fs->rows[r].cur > last_orig_cur)
                last_orig_cur = fs->rows[r].cur;
        size_t i = 0;
        const jx_xlsx_sheet *s = fs->sheet;
        while (i < s->ncells) {
            uint32_t row = s->cells[i].row;
            size_t j = i;
            int content = 0;
            while (j < s->ncells && s->cells[j].row == row) {
                if (s->cells[j].formula || (s->cells[j].value && *s->cells[j].value))
                    content = 1;
                j++;
            }
            long orig = row < fs->ncur ? fs->orig[row] : -1;
            if (orig >= 0) {
                for (size_t c = i; c < j; c++) {
                    const jx_xlsx_cell *cell = &s->cells[c];
                    if (!(cell->formula || *cell->value) || in_cols(fs->rows[orig].cols, cell->col))
                        continue;
                    jx_status st = moved_merge(im, fs, (size_t)orig, cell);
                    if (st == JX_OK)
                        continue;
                    if (st != JX_ERR_NOT_FOUND_)
                        return st;
                    return cell_error(im, JX_ERR_FILING, fs->name, cell->row, cell->col,
                                      _("the form does not use this cell: “%s” written here would "
                                        "appear in no output; write it into its column, or delete "
                                        "it"),
                                      cell->value);
                }
            } else if (content) {
                if ((long)row > last_orig_cur) {
                    const jx_xlsx_cell *cell = &s->cells[i];
                    while (!(cell->formula || *cell->value))
                        cell++;
                    return cell_error(im, JX_ERR_FILING, fs->name, cell->row, cell->col,
                                      _("the form does not use this cell: “%s” written here would "
                                        "appear in no output; write it into its column, or delete "
                                        "it"),
                                      cell->value);
                }
                jx_status st = insert_row(im, fs, row);
                if (st != JX_OK)
                    return st;
            } else if ((long)row < last_orig_cur && row < fs->ncur) {
                /* An empty inserted row: harmless inside a list, not in a fixed part. */
            }
            i = j;
        }
    }
    return JX_OK;
}

/* Walks the tree written and the same tree read back side by side, noting
 * the line of every value that came from a form cell. */
static void collect_origins(importer *im, const inode *n, const jx_node *j, jx_import_origins *o)
{
    if (n->sheet && j->kind == JX_NODE_SCALAR) {
        jx_import_origin *items = jx_grow(o->items, &o->cap, o->count, sizeof *items, 64);
        if (!items)
            return;
        o->items = items;
        char cell[16];
        jx_xlsx_cell_name(n->row, n->col, cell);
        jx_buf w = {0};
        jx_buf_printf(&w, "%s:%s!%s", im->file, n->sheet, cell);
        if (w.oom)
            return;
        items[o->count].line = j->line;
        items[o->count].where = w.data;
        o->count++;
    }
    size_t k = 0;
    for (size_t i = 0; i < n->n && k < j->count; i++) {
        if (n->kids[i]->deleted)
            continue;
        collect_origins(im, n->kids[i], j->entries[k++].value, o);
    }
}

static int cmp_origin(const void *a, const void *b)
{
    const jx_import_origin *p = a, *q = b;
    return (p->line > q->line) - (p->line < q->line);
}

static void find_origins(importer *im, const jx_buf *yaml, jx_import_origins *o)
{
    jx_diags d;
    jx_diags_init(&d);
    jx_node *root = NULL;
    if (jx_node_parse_buffer(im->file, jx_buf_str(yaml), yaml->len, &root, &d) == JX_OK)
        collect_origins(im, im->root, root, o);
    jx_node_free(root);
    jx_diags_free(&d);
    if (o->count > 1)
        qsort(o->items, o->count, sizeof *o->items, cmp_origin);
}

void jx_import_origins_free(jx_import_origins *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->count; i++)
        free(o->items[i].where);
    free(o->items);
    o->items = NULL;
    o->count = o->cap = 0;
    for (size_t i = 0; i < o->ntcells; i++) {
        for (size_t k = 0; k < o->tcells[i].npaths; k++)
            free(o->tcells[i].paths[k]);
        free(o->tcells[i].paths);
        free(o->tcells[i].where);
        free(o->tcells[i].text);
    }
    free(o->tcells);
    o->tcells = NULL;
    o->ntcells = o->tcap = 0;
}

void jx_import_remap_diags(const jx_import_origins *o, const char *file, jx_diags *d,
                           size_t from)
{
    if (!o || !o->count)
        return;
    for (size_t i = from; i < d->count; i++) {
        jx_diag *g = &d->items[i];
        if (!g->file || strcmp(g->file, file) != 0 || g->line <= 0)
            continue;
        size_t lo = 0, hi = o->count;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (o->items[mid].line < g->line)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == o->count || o->items[lo].line != g->line)
            continue;
        char *w = jx_strdup(o->items[lo].where);
        if (!w)
            continue;
        free(g->file);
        g->file = w;
        g->line = g->col = 0;
    }
}

/* The current cell of a template field (row -1 when its row was deleted). */
static long tfield_row(importer *im, const tfield *t)
{
    formsheet *fs = find_formsheet(im, t->sheet);
    return t->row < fs->nrows ? fs->rows[t->row].cur : (long)t->row;
}

/* Sets the values read from template texts (im->edits): a number as written
 * stays a plain number, anything else is text. */
static jx_status apply_edits(importer *im)
{
    for (size_t i = 0; im->edits && i < im->edits->count; i++) {
        const jx_import_edit *e = &im->edits->items[i];
        int bad = 0;
        inode *n = inode_path(im->root, e->path, 1, &bad);
        if (!n)
            return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
        char num[64];
        int number = n->kind == JX_VALUE_PLAIN && import_number_text(e->text, num, sizeof num) &&
                     strcmp(num, e->text) == 0;
        inode_set(n, e->text, number);
        for (size_t k = 0; k < im->ntfields; k++) {
            const tfield *t = &im->tfields[k];
            long cur = tfield_row(im, t);
            if (strcmp(t->path, e->path) == 0 && cur >= 0) {
                n->sheet = find_formsheet(im, t->sheet)->name;
                n->row = (uint32_t)cur;
                n->col = t->col;
                break;
            }
        }
        im->changed = 1;
    }
    return JX_OK;
}

/* Lists the template cells (im->tfields grouped by cell) with their text
 * as the workbook holds it now, for jx_import_template_edits(). */
static jx_status find_tcells(importer *im, jx_import_origins *o)
{
    for (size_t i = 0; i < im->ntfields; i++) {
        const tfield *t = &im->tfields[i];
        long cur = tfield_row(im, t);
        if (cur < 0)
            continue; /* the row is gone: its values stay as written */
        char cell[16], where[1024];
        jx_xlsx_cell_name((uint32_t)cur, t->col, cell);
        snprintf(where, sizeof where, "%s:%s!%s", im->file, t->sheet, cell);
        jx_import_tcell *tc = NULL;
        for (size_t k = 0; k < o->ntcells; k++)
            if (strcmp(o->tcells[k].where, where) == 0)
                tc = &o->tcells[k];
        if (!tc) {
            jx_import_tcell *g = jx_grow(o->tcells, &o->tcap, o->ntcells, sizeof *g, 4);
            if (!g)
                return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            o->tcells = g;
            tc = &o->tcells[o->ntcells];
            memset(tc, 0, sizeof *tc);
            char num[64];
            const char *text;
            int number;
            const formsheet *fs = find_formsheet(im, t->sheet);
            import_cell_text(jx_xlsx_cell_at(fs->sheet, (uint32_t)cur, t->col), num, sizeof num, &text,
                      &number);
            tc->where = jx_strdup(where);
            tc->text = jx_strdup(text);
            if (!tc->where || !tc->text) {
                free(tc->where);
                free(tc->text);
                return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
            }
            o->ntcells++;
        }
        char **p = jx_grow(tc->paths, &tc->pathcap, tc->npaths, sizeof *p, 2);
        if (!p)
            return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
        tc->paths = p;
        if (!(tc->paths[tc->npaths] = jx_strdup(t->path)))
            return jx_diag_error(im->d, JX_ERR_NOMEM, im->file, 0, 0, _("out of memory"));
        tc->npaths++;
    }
    return JX_OK;
}

static jx_status import_jxgen(importer *im, const jx_xlsx_sheet *rec, jx_buf *yaml)
{
    const jx_xlsx_sheet *data = jx_xlsx_sheet_named(im->book, DATA_SHEET);
    if (!data)
        return jx_diag_error(im->d, JX_ERR_FILING, im->file, 0, 0,
                             _("there is no sheet “数据”: it was renamed or deleted; rename it back "
                               "to “数据”"));
    jx_status st;
    if ((st = read_record(im, rec)) != JX_OK || (st = read_fields(im, data)) != JX_OK ||
        (st = map_rows(im)) != JX_OK || (st = read_cells(im, 0)) != JX_OK ||
        (st = drop_deleted(im)) != JX_OK || (st = read_rows(im)) != JX_OK ||
        (st = read_cells(im, 1)) != JX_OK || (st = apply_edits(im)) != JX_OK)
        return st;
    return import_emit_yaml(im->root, im->file, yaml, im->d);
}

/* ---- entry points ------------------------------------------------------ */

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        char a = s[n - k + i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != tail[i])
            return 0;
    }
    return 1;
}

int jx_import_handles(const char *path)
{
    return ends_with(path, ".xlsx") || ends_with(path, ".xlsm") || ends_with(path, ".csv");
}

jx_status jx_import_read(const char *path, const void *buf, size_t len, jx_buf *yaml,
                         jx_import_origins *origins, jx_diags *d)
{
    return jx_import_read_edited(path, buf, len, NULL, yaml, origins, d);
}

jx_status jx_import_read_edited(const char *path, const void *buf, size_t len,
                                const jx_import_edits *edits, jx_buf *yaml,
                                jx_import_origins *origins, jx_diags *d)
{
    importer im;
    memset(&im, 0, sizeof im);
    im.file = path;
    im.d = d;
    im.edits = edits;
    jx_status st;
    if (ends_with(path, ".csv")) {
        char *own = NULL;
        if (!buf) {
            if ((st = jx_file_read(path, JX_NODE_MAX_BYTES, &own, &len, d)) != JX_OK)
                return st;
            buf = own;
        }
        st = import_csv(path, buf, len, yaml, d);
        free(own);
        return st;
    }
    st = jx_xlsx_read(path, buf, len, &im.book, d);
    if (st == JX_OK) {
        const jx_xlsx_sheet *rec = jx_xlsx_sheet_named(im.book, RECORD_SHEET);
        if (rec && strcmp(import_plain_value(rec, 0, 0), "jxgen") == 0) {
            /* A text over several printed pages reads as one, in its first cell. */
            st = jx_xlsx_join_continued(im.book, rec, d);
            if (st == JX_OK)
                st = import_jxgen(&im, rec, yaml);
            if (st == JX_OK && origins) {
                find_origins(&im, yaml, origins);
                st = find_tcells(&im, origins);
            }
        } else {
            const jx_xlsx_sheet *data = jx_xlsx_sheet_named(im.book, DATA_SHEET);
            if (!data)
                st = jx_diag_error(d, JX_ERR_FILING, path, 0, 0,
                                   _("this is not a jxgen workbook: it has neither jxgen's record "
                                     "sheet nor a sheet “数据” (columns 路径 and 值)"));
            else
                st = import_table_sheet(path, data, yaml, d);
        }
    }
    for (size_t i = 0; i < im.nfields; i++)
        free(im.fields[i].item);
    free(im.fields);
    free(im.tfields);
    for (size_t k = 0; k < im.nsheets; k++) {
        for (size_t r = 0; r < im.sheets[k].nrows; r++)
            free(im.sheets[k].rows[r].cols);
        free(im.sheets[k].rows);
        free(im.sheets[k].orig);
    }
    free(im.sheets);
    inode_free(im.root);
    jx_xlsx_book_free(im.book);
    return st;
}
