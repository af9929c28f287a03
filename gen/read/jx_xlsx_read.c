/* jx_xlsx_read.c - a workbook as cells, read with libzip and expat within
 * fixed bounds (see jx_xlsx_read.h). */
#include "jx_xlsx_read.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "jx_i18n.h"
#include "jx_util.h"

/* ---- strings ------------------------------------------------------------ */

/* Every string of a book: malloc'd blocks freed together. */
typedef struct jx_xlsx_store {
    char **blocks;
    size_t n, cap;
} jx_xlsx_store;

static const char *store_dup(jx_xlsx_store *st, const char *s, size_t n)
{
    char **b = jx_grow(st->blocks, &st->cap, st->n, sizeof *b, 256);
    if (!b)
        return NULL;
    st->blocks = b;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    st->blocks[st->n++] = p;
    return p;
}

static void store_free(jx_xlsx_store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        free(st->blocks[i]);
    free(st->blocks);
    free(st);
}

/* ---- references --------------------------------------------------------- */

void jx_xlsx_cell_name(uint32_t row, uint32_t col, char *buf)
{
    char letters[8];
    int n = 0;
    uint32_t c = col + 1;
    while (c > 0 && n < 7) {
        letters[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    int k = 0;
    while (n > 0)
        buf[k++] = letters[--n];
    snprintf(buf + k, 16 - (size_t)k, "%lu", (unsigned long)row + 1);
}

size_t jx_xlsx_parse_ref(const char *s, uint32_t *row, uint32_t *col)
{
    const char *p = s;
    if (*p == '$')
        p++;
    uint32_t c = 0;
    int nl = 0;
    while (((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) && nl < 4) {
        c = c * 26 + (uint32_t)((*p | 0x20) - 'a' + 1);
        p++;
        nl++;
    }
    if (nl == 0 || c > JX_XLSX_MAX_COLS)
        return 0;
    if (*p == '$')
        p++;
    uint32_t r = 0;
    int nd = 0;
    while (*p >= '0' && *p <= '9' && nd < 8) {
        r = r * 10 + (uint32_t)(*p - '0');
        p++;
        nd++;
    }
    if (nd == 0 || r == 0 || (*p >= '0' && *p <= '9'))
        return 0;
    *row = r - 1;
    *col = c - 1;
    return (size_t)(p - s);
}

/* ---- reading parts ------------------------------------------------------ */

typedef struct reader {
    jx_xlsx_book *book;
    zip_t *zip;
    jx_diags *d;
    const char *part;        /* being parsed */
    XML_Parser xp;
    jx_status failed;        /* set by a handler that stopped the parser */
    unsigned long long total; /* bytes inflated so far */
    /* text being collected */
    jx_buf text;
    int collect;
    /* workbook.xml */
    struct wsheet { char *name, *rid; int hidden; } *ws;
    size_t nws, wscap;
    int external;
    /* rels */
    struct rel { char *id, *target; int external; } *rels;
    size_t nrels, relcap;
    /* sharedStrings.xml */
    const char **sst;
    size_t nsst, sstcap;
    int in_si, in_rph;
    /* a worksheet */
    jx_xlsx_sheet *sheet;
    size_t cellcap, mergecap;
    size_t total_cells;
    uint32_t row, col;       /* of the cell being read; row of the <row> */
    int in_cell, in_v, in_f, in_is, have_v;
    char ctype[16];
    jx_buf v, f;
} reader;

static const char *local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static const char *attr(const char **atts, const char *want)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), want) == 0)
            return atts[i + 1];
    return NULL;
}

/* Stops the parser with a message (formatted by the caller into msg). */
static void stop(reader *r, jx_status st, const char *msg)
{
    if (r->failed)
        return;
    r->failed = st;
    jx_diags_add(r->d, JX_SEV_ERROR, r->book->name, 0, 0, NULL, "%s", msg);
    XML_StopParser(r->xp, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
                               const XML_Char *pub, int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    reader *r = ud;
    char msg[512];
    snprintf(msg, sizeof msg, _("%s has a DOCTYPE declaration: the XML of a workbook has none, so "
                                "it is refused for safety"),
             r->part);
    stop(r, JX_ERR_SYNTAX, msg);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    reader *r = ud;
    if (r->collect)
        jx_buf_append(&r->text, s, (size_t)len);
}

/* Parses one part of the archive with the handlers already set on r->xp.
 * Returns JX_OK, or an error with a message (missing part when `required`). */
static jx_status parse_part(reader *r, const char *name, int required)
{
    zip_stat_t sb;
    zip_stat_init(&sb);
    char msg[512];
    if (zip_stat(r->zip, name, 0, &sb) != 0) {
        if (!required)
            return JX_OK;
        snprintf(msg, sizeof msg, _("not an Excel workbook (.xlsx): %s is missing"), name);
        return jx_diag_error(r->d, JX_ERR_SYNTAX, r->book->name, 0, 0, "%s", msg);
    }
    if ((sb.valid & ZIP_STAT_SIZE) && sb.size > JX_XLSX_MAX_PART)
        return jx_diag_error(r->d, JX_ERR_LIMIT, r->book->name, 0, 0,
                             _("%s inflates to %llu bytes, more than the limit of %u bytes: this "
                               "is not a form, perhaps a zip bomb"),
                             name, (unsigned long long)sb.size, JX_XLSX_MAX_PART);
    zip_file_t *zf = zip_fopen(r->zip, name, 0);
    if (!zf)
        return jx_diag_error(r->d, JX_ERR_SYNTAX, r->book->name, 0, 0, _("cannot read %s: %s"),
                             name,                             zip_strerror(r->zip));
    r->part = name;
    r->failed = JX_OK;
    XML_SetUserData(r->xp, r);
    XML_SetStartDoctypeDeclHandler(r->xp, on_doctype);
    XML_SetCharacterDataHandler(r->xp, on_text);
    char buf[65536];
    unsigned long long got = 0;
    jx_status st = JX_OK;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            st = jx_diag_error(r->d, JX_ERR_SYNTAX, r->book->name, 0, 0, _("cannot inflate %s: %s"),
                               name,                               zip_file_strerror(zf));
            break;
        }
        got += (unsigned long long)n;
        r->total += (unsigned long long)n;
        if (got > JX_XLSX_MAX_PART || r->total > JX_XLSX_MAX_TOTAL) {
            st = jx_diag_error(r->d, JX_ERR_LIMIT, r->book->name, 0, 0,
                               _("%s inflates to more than %u bytes (%u bytes for the whole "
                                 "workbook): this is not a form, perhaps a zip bomb"),
                               name, JX_XLSX_MAX_PART, JX_XLSX_MAX_TOTAL);
            break;
        }
        if (XML_Parse(r->xp, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (r->failed) {
                st = r->failed;
            } else {
                char where[600];
                snprintf(where, sizeof where, "%s:%s", r->book->name, name);
                st = jx_diag_error(r->d, JX_ERR_SYNTAX, where, (int)XML_GetCurrentLineNumber(r->xp),
                                   (int)XML_GetCurrentColumnNumber(r->xp) + 1,
                                   _("malformed XML (%s): the workbook is damaged"),
                                   XML_ErrorString(XML_GetErrorCode(r->xp)));
            }
            break;
        }
        if (r->failed) {
            st = r->failed;
            break;
        }
        if (n == 0)
            break;
    }
    zip_fclose(zf);
    if (st == JX_OK && (r->text.oom || r->v.oom || r->f.oom))
        st = jx_diag_error(r->d, JX_ERR_NOMEM, r->book->name, 0, 0, _("out of memory"));
    return st;
}

/* A fresh namespace-aware parser for the next part. */
static jx_status new_parser(reader *r)
{
    if (r->xp)
        XML_ParserFree(r->xp);
    r->xp = XML_ParserCreateNS(NULL, '|');
    if (!r->xp)
        return jx_diag_error(r->d, JX_ERR_NOMEM, r->book->name, 0, 0, _("out of memory"));
    r->text.len = 0;
    r->collect = 0;
    return JX_OK;
}

/* ---- relationships ------------------------------------------------------- */

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    reader *r = ud;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"),
               *mode = attr(atts, "TargetMode");
    if (!id || !target)
        return;
    if (r->nrels >= JX_XLSX_MAX_ENTRIES) {
        stop(r, JX_ERR_LIMIT, _("too many relationships: this is not a workbook jxgen reads"));
        return;
    }
    struct rel *n = jx_grow(r->rels, &r->relcap, r->nrels, sizeof *n, 16);
    if (!n) {
        stop(r, JX_ERR_NOMEM, _("out of memory"));
        return;
    }
    r->rels = n;
    n[r->nrels].id = jx_strdup(id);
    n[r->nrels].target = jx_strdup(target);
    n[r->nrels].external = mode && strcmp(mode, "External") == 0;
    r->nrels++;
    if (!n[r->nrels - 1].id || !n[r->nrels - 1].target)
        stop(r, JX_ERR_NOMEM, _("out of memory"));
}

/* ---- workbook.xml --------------------------------------------------------- */

static void XMLCALL book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    reader *r = ud;
    const char *ln = local(name);
    if (strcmp(ln, "externalReference") == 0) {
        r->external = 1;
        return;
    }
    if (strcmp(ln, "sheet") != 0)
        return;
    const char *sname = attr(atts, "name"), *rid = attr(atts, "id"), *state = attr(atts, "state");
    if (!sname || !rid)
        return;
    if (r->nws >= JX_XLSX_MAX_SHEETS) {
        char msg[128];
        snprintf(msg, sizeof msg,
                 _("the workbook has more than %d sheets: this is not a jxgen form"),
                 JX_XLSX_MAX_SHEETS);
        stop(r, JX_ERR_LIMIT, msg);
        return;
    }
    struct wsheet *n = jx_grow(r->ws, &r->wscap, r->nws, sizeof *n, 8);
    if (!n) {
        stop(r, JX_ERR_NOMEM, _("out of memory"));
        return;
    }
    r->ws = n;
    n[r->nws].name = jx_strdup(sname);
    n[r->nws].rid = jx_strdup(rid);
    n[r->nws].hidden = state && strcmp(state, "visible") != 0;
    r->nws++;
    if (!n[r->nws - 1].name || !n[r->nws - 1].rid)
        stop(r, JX_ERR_NOMEM, _("out of memory"));
}

/* ---- sharedStrings.xml ------------------------------------------------- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    reader *r = ud;
    const char *ln = local(name);
    if (strcmp(ln, "si") == 0) {
        r->in_si = 1;
        r->text.len = 0;
    } else if (strcmp(ln, "rPh") == 0) {
        r->in_rph = 1;
    } else if (strcmp(ln, "t") == 0 && r->in_si && !r->in_rph) {
        r->collect = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    reader *r = ud;
    const char *ln = local(name);
    if (strcmp(ln, "t") == 0) {
        r->collect = 0;
    } else if (strcmp(ln, "rPh") == 0) {
        r->in_rph = 0;
    } else if (strcmp(ln, "si") == 0 && r->in_si) {
        r->in_si = 0;
        const char **n = jx_grow(r->sst, &r->sstcap, r->nsst, sizeof *n, 256);
        if (!n) {
            stop(r, JX_ERR_NOMEM, _("out of memory"));
            return;
        }
        r->sst = n;
        const char *s = store_dup(r->book->store, jx_buf_str(&r->text), r->text.len);
        if (!s) {
            stop(r, JX_ERR_NOMEM, _("out of memory"));
            return;
        }
        r->sst[r->nsst++] = s;
        r->text.len = 0;
    }
}

/* ---- a worksheet ---------------------------------------------------------- */

static void sheet_stop(reader *r, jx_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void sheet_stop(reader *r, jx_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    stop(r, st, msg);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    reader *r = ud;
    const char *ln = local(name);
    if (strcmp(ln, "row") == 0) {
        const char *rr = attr(atts, "r");
        r->row = rr ? (uint32_t)strtoul(rr, NULL, 10) - 1 : r->row + 1;
        r->col = (uint32_t)-1;
    } else if (strcmp(ln, "c") == 0) {
        const char *ref = attr(atts, "r"), *t = attr(atts, "t");
        uint32_t row = r->row, col = r->col + 1;
        if (ref && !jx_xlsx_parse_ref(ref, &row, &col)) {
            sheet_stop(r, JX_ERR_SYNTAX, _("sheet “%s” has an invalid cell address"),
                       r->sheet->name);
            return;
        }
        r->row = row;
        r->col = col;
        r->in_cell = 1;
        r->have_v = 0;
        r->v.len = 0;
        r->f.len = 0;
        snprintf(r->ctype, sizeof r->ctype, "%s", t ? t : "n");
    } else if (r->in_cell && strcmp(ln, "v") == 0) {
        r->in_v = 1;
        r->have_v = 1;
        r->collect = 1;
        r->text.len = 0;
    } else if (r->in_cell && strcmp(ln, "f") == 0) {
        r->in_f = 1;
        r->collect = 1;
        r->text.len = 0;
        const char *ft = attr(atts, "t");
        if (ft && strcmp(ft, "shared") == 0 && attr(atts, "ref") == NULL)
            jx_buf_puts(&r->f, ""); /* a shared formula's follower: no text of its own */
    } else if (r->in_cell && strcmp(ln, "is") == 0) {
        r->in_is = 1;
        r->have_v = 1;
        r->text.len = 0;
    } else if (r->in_is && strcmp(ln, "rPh") == 0) {
        r->in_rph = 1;
    } else if (r->in_is && !r->in_rph && strcmp(ln, "t") == 0) {
        r->collect = 1;
    } else if (strcmp(ln, "mergeCell") == 0) {
        const char *ref = attr(atts, "ref");
        jx_xlsx_range m;
        size_t k;
        if (!ref || !(k = jx_xlsx_parse_ref(ref, &m.r0, &m.c0)) || ref[k] != ':' ||
            !jx_xlsx_parse_ref(ref + k + 1, &m.r1, &m.c1) || m.r1 < m.r0 || m.c1 < m.c0)
            return; /* a range we cannot read merges nothing */
        jx_xlsx_sheet *s = r->sheet;
        if (s->nmerges >= JX_XLSX_MAX_CELLS) {
            sheet_stop(r, JX_ERR_LIMIT, _("sheet “%s” has more than %u merged ranges"), s->name,
                       JX_XLSX_MAX_CELLS);
            return;
        }
        jx_xlsx_range *n = jx_grow(s->merges, &r->mergecap, s->nmerges, sizeof *n, 64);
        if (!n) {
            stop(r, JX_ERR_NOMEM, _("out of memory"));
            return;
        }
        s->merges = n;
        s->merges[s->nmerges++] = m;
    }
}

/* Stores the cell just read when it holds anything. */
static void end_cell(reader *r)
{
    jx_xlsx_sheet *s = r->sheet;
    int has_f = r->f.len > 0;
    if (!r->have_v && !has_f)
        return;
    if (r->row >= JX_XLSX_MAX_ROWS) {
        char cell[16];
        jx_xlsx_cell_name(r->row, r->col, cell);
        char msg[512];
        snprintf(msg, sizeof msg, _("sheet “%s” has content in row %lu (%s): jxgen's forms have at "
                                    "most %u rows"),
                 s->name, (unsigned long)r->row + 1, cell, JX_XLSX_MAX_ROWS);
        stop(r, JX_ERR_LIMIT, msg);
        return;
    }
    if (++r->total_cells > JX_XLSX_MAX_CELLS) {
        sheet_stop(r, JX_ERR_LIMIT, _("sheet “%s”: the workbook has more than %u cells with content"),
                   s->name,
                   JX_XLSX_MAX_CELLS);
        return;
    }
    jx_xlsx_cell *n = jx_grow(s->cells, &r->cellcap, s->ncells, sizeof *n, 256);
    if (!n) {
        stop(r, JX_ERR_NOMEM, _("out of memory"));
        return;
    }
    s->cells = n;
    jx_xlsx_cell *c = &s->cells[s->ncells];
    c->row = r->row;
    c->col = r->col;
    c->formula = NULL;
    c->type = JX_XLSX_NONE;
    const char *v = jx_buf_str(&r->v);
    size_t vlen = r->v.len;
    const char *t = r->ctype;
    /* An empty <v/> of a number or formula cell: no cached value. */
    if (r->have_v && vlen == 0 && strcmp(t, "str") != 0 && strcmp(t, "inlineStr") != 0)
        r->have_v = 0;
    if (!r->have_v && !has_f)
        return;
    if (r->have_v) {
        if (strcmp(t, "s") == 0) {
            char *end;
            unsigned long idx = strtoul(v, &end, 10);
            if (end == v || idx >= r->nsst) {
                sheet_stop(r, JX_ERR_SYNTAX, _("sheet “%s” refers to shared string %lu, which does "
                                               "not exist"), s->name,
                           idx);
                return;
            }
            c->type = JX_XLSX_TEXT;
            c->value = r->sst[idx];
        } else {
            c->type = strcmp(t, "str") == 0 || strcmp(t, "inlineStr") == 0 ? JX_XLSX_TEXT
                      : strcmp(t, "b") == 0                              ? JX_XLSX_BOOL
                      : strcmp(t, "e") == 0                              ? JX_XLSX_ERROR
                                                                         : JX_XLSX_NUMBER;
            c->value = store_dup(r->book->store, v, vlen);
        }
    } else {
        c->value = "";
    }
    if (has_f)
        c->formula = store_dup(r->book->store, jx_buf_str(&r->f), r->f.len);
    if (!c->value || (has_f && !c->formula)) {
        stop(r, JX_ERR_NOMEM, _("out of memory"));
        return;
    }
    s->ncells++;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    reader *r = ud;
    const char *ln = local(name);
    if (r->in_v && strcmp(ln, "v") == 0) {
        r->in_v = 0;
        r->collect = 0;
        r->v.len = 0;
        jx_buf_append(&r->v, jx_buf_str(&r->text), r->text.len);
    } else if (r->in_f && strcmp(ln, "f") == 0) {
        r->in_f = 0;
        r->collect = 0;
        jx_buf_append(&r->f, jx_buf_str(&r->text), r->text.len);
    } else if (r->in_is && strcmp(ln, "rPh") == 0) {
        r->in_rph = 0;
    } else if (r->in_is && strcmp(ln, "t") == 0) {
        r->collect = 0;
    } else if (r->in_is && strcmp(ln, "is") == 0) {
        r->in_is = 0;
        r->v.len = 0;
        jx_buf_append(&r->v, jx_buf_str(&r->text), r->text.len);
        snprintf(r->ctype, sizeof r->ctype, "inlineStr");
    } else if (r->in_cell && strcmp(ln, "c") == 0) {
        r->in_cell = 0;
        end_cell(r);
    }
}

static int cmp_cell(const void *a, const void *b)
{
    const jx_xlsx_cell *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return (p->col > q->col) - (p->col < q->col);
}

/* ---- the book -------------------------------------------------------------- */

/* The archive path of a relationship target of xl/workbook.xml. */
static char *part_path(const char *target)
{
    jx_buf b = {0};
    if (target[0] == '/')
        jx_buf_puts(&b, target + 1);
    else {
        jx_buf_puts(&b, "xl/");
        jx_buf_puts(&b, target);
    }
    if (b.oom) {
        jx_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static jx_status check_entries(reader *r)
{
    zip_int64_t n = zip_get_num_entries(r->zip, 0);
    if (n > JX_XLSX_MAX_ENTRIES)
        return jx_diag_error(r->d, JX_ERR_LIMIT, r->book->name, 0, 0,
                             _("the archive holds %lld files, more than %d: this is not a jxgen "
                               "form"), (long long)n,
                             JX_XLSX_MAX_ENTRIES);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(r->zip, (zip_uint64_t)i, 0);
        if (!name)
            continue;
        if (strstr(name, "vbaProject") || strstr(name, "macrosheets/"))
            return jx_diag_error(r->d, JX_ERR_FILING, r->book->name, 0, 0,
                                 _("the workbook has macros (%s): jxgen does not read workbooks "
                                   "with macros (.xlsm); save it as “Excel Workbook (*.xlsx)” and "
                                   "import that"),
                                 name);
        if (strncmp(name, "xl/externalLinks/", 17) == 0)
            return jx_diag_error(r->d, JX_ERR_FILING, r->book->name, 0, 0,
                                 _("the workbook links to other workbooks (%s): import reads only "
                                   "this workbook's values; break the links in Excel or WPS "
                                   "(“Break Link”) and save it again"),
                                 name);
    }
    return JX_OK;
}

static jx_status read_book(reader *r)
{
    jx_status st = check_entries(r);
    if (st == JX_OK && (st = new_parser(r)) == JX_OK) {
        XML_SetElementHandler(r->xp, book_start, NULL);
        st = parse_part(r, "xl/workbook.xml", 1);
    }
    if (st == JX_OK && r->external)
        st = jx_diag_error(r->d, JX_ERR_FILING, r->book->name, 0, 0,
                           _("the workbook links to other workbooks (externalReferences): import "
                             "reads only this workbook's values; break the links in Excel or WPS "
                             "(“Break Link”) and save it again"));
    if (st == JX_OK && (st = new_parser(r)) == JX_OK) {
        XML_SetElementHandler(r->xp, rels_start, NULL);
        st = parse_part(r, "xl/_rels/workbook.xml.rels", 1);
    }
    for (size_t i = 0; st == JX_OK && i < r->nrels; i++)
        if (r->rels[i].external && strstr(r->rels[i].target, ":"))
            st = jx_diag_error(r->d, JX_ERR_FILING, r->book->name, 0, 0,
                               _("the workbook links to an outside file (%s): import reads only "
                                 "this workbook's values; break the links in Excel or WPS (“Break "
                                 "Link”) and save it again"),
                               r->rels[i].target);
    if (st == JX_OK && (st = new_parser(r)) == JX_OK) {
        XML_SetElementHandler(r->xp, sst_start, sst_end);
        st = parse_part(r, "xl/sharedStrings.xml", 0);
    }
    if (st != JX_OK)
        return st;
    r->book->sheets = calloc(r->nws ? r->nws : 1, sizeof *r->book->sheets);
    if (!r->book->sheets)
        return jx_diag_error(r->d, JX_ERR_NOMEM, r->book->name, 0, 0, _("out of memory"));
    for (size_t i = 0; i < r->nws && st == JX_OK; i++) {
        jx_xlsx_sheet *s = &r->book->sheets[i];
        r->book->nsheets = i + 1;
        s->name = store_dup(r->book->store, r->ws[i].name, strlen(r->ws[i].name));
        s->hidden = r->ws[i].hidden;
        if (!s->name)
            return jx_diag_error(r->d, JX_ERR_NOMEM, r->book->name, 0, 0, _("out of memory"));
        const char *target = NULL;
        for (size_t k = 0; k < r->nrels; k++)
            if (strcmp(r->rels[k].id, r->ws[i].rid) == 0)
                target = r->rels[k].target;
        if (!target)
            return jx_diag_error(r->d, JX_ERR_SYNTAX, r->book->name, 0, 0,
                                 _("sheet “%s” is not in the workbook (there is no relationship "
                                   "%s): the workbook is damaged"),
                                 s->name, r->ws[i].rid);
        char *part = part_path(target);
        if (!part)
            return jx_diag_error(r->d, JX_ERR_NOMEM, r->book->name, 0, 0, _("out of memory"));
        r->sheet = s;
        r->cellcap = r->mergecap = 0;
        r->row = (uint32_t)-1;
        r->col = (uint32_t)-1;
        r->in_cell = r->in_v = r->in_f = r->in_is = r->in_rph = 0;
        if ((st = new_parser(r)) == JX_OK) {
            XML_SetElementHandler(r->xp, sheet_start, sheet_end);
            st = parse_part(r, part, 1);
        }
        free(part);
        if (st == JX_OK && s->ncells > 1)
            qsort(s->cells, s->ncells, sizeof *s->cells, cmp_cell);
    }
    return st;
}

jx_status jx_xlsx_read(const char *path, const void *buf, size_t len, jx_xlsx_book **out,
                       jx_diags *d)
{
    *out = NULL;
    reader r;
    memset(&r, 0, sizeof r);
    r.d = d;
    jx_xlsx_book *book = calloc(1, sizeof *book);
    if (!book || !(book->store = calloc(1, sizeof *book->store)) ||
        !(book->name = jx_strdup(path))) {
        jx_xlsx_book_free(book);
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    }
    r.book = book;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = buf ? zip_source_buffer_create(buf, len, 0, &ze)
                            : zip_source_file_create(path, 0, -1, &ze);
    if (src)
        r.zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
    jx_status st = JX_OK;
    if (!r.zip) {
        int code = zip_error_code_zip(&ze);
        st = jx_diag_error(d, code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT
                                  ? JX_ERR_IO
                                  : JX_ERR_SYNTAX,
                           path, 0, 0, _("not an Excel workbook (.xlsx): %s"),
                           zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
    } else {
        st = read_book(&r);
        zip_discard(r.zip);
    }
    zip_error_fini(&ze);
    if (r.xp)
        XML_ParserFree(r.xp);
    jx_buf_free(&r.text);
    jx_buf_free(&r.v);
    jx_buf_free(&r.f);
    for (size_t i = 0; i < r.nws; i++) {
        free(r.ws[i].name);
        free(r.ws[i].rid);
    }
    free(r.ws);
    for (size_t i = 0; i < r.nrels; i++) {
        free(r.rels[i].id);
        free(r.rels[i].target);
    }
    free(r.rels);
    free(r.sst);
    if (st != JX_OK) {
        jx_xlsx_book_free(book);
        return st;
    }
    *out = book;
    return JX_OK;
}

void jx_xlsx_book_free(jx_xlsx_book *book)
{
    if (!book)
        return;
    for (size_t i = 0; i < book->nsheets; i++) {
        free(book->sheets[i].cells);
        free(book->sheets[i].merges);
    }
    free(book->sheets);
    store_free(book->store);
    free(book->name);
    free(book);
}

const jx_xlsx_sheet *jx_xlsx_sheet_named(const jx_xlsx_book *book, const char *name)
{
    for (size_t i = 0; i < book->nsheets; i++)
        if (strcmp(book->sheets[i].name, name) == 0)
            return &book->sheets[i];
    return NULL;
}

/* The index in s->cells where the cell at (row, col) is or would go. */
static size_t cell_index(const jx_xlsx_sheet *s, uint32_t row, uint32_t col)
{
    size_t lo = 0, hi = s->ncells;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const jx_xlsx_cell *c = &s->cells[mid];
        if (c->row < row || (c->row == row && c->col < col))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const jx_xlsx_cell *jx_xlsx_cell_at(const jx_xlsx_sheet *s, uint32_t row, uint32_t col)
{
    size_t i = cell_index(s, row, col);
    if (i < s->ncells && s->cells[i].row == row && s->cells[i].col == col)
        return &s->cells[i];
    return NULL;
}

const jx_xlsx_range *jx_xlsx_merge_at(const jx_xlsx_sheet *s, uint32_t row, uint32_t col)
{
    for (size_t i = 0; i < s->nmerges; i++)
        if (s->merges[i].r0 == row && s->merges[i].c0 == col)
            return &s->merges[i];
    return NULL;
}

/* ---- texts continued over printed pages -------------------------------- */

int jx_xlsx_row_formula_ref(const char *f, char *sheet, size_t n, uint32_t *row, uint32_t *col)
{
    const char *open = f ? strchr(f, '(') : NULL, *bang = f ? strrchr(f, '!') : NULL;
    if (!open || !bang || bang <= open + 1 || strstr(f, "#REF!") ||
        !jx_xlsx_parse_ref(bang + 1, row, col))
        return 0;
    const char *s0 = open + 1, *s1 = bang;
    if (*s0 == '\'' && s1[-1] == '\'' && s1 - s0 >= 2)
        s0++, s1--;
    size_t k = 0;
    for (const char *p = s0; p < s1; p++) {
        if (*p == '\'' && p + 1 < s1 && p[1] == '\'')
            p++;
        if (k + 1 >= n)
            return 0;
        sheet[k++] = *p;
    }
    sheet[k] = '\0';
    return 1;
}

/* A 续 row of the record, read: the cell a text starts in and the cell it
 * goes on in, on `sheet`; `text` the index of its start cell's text. */
typedef struct cont {
    jx_xlsx_sheet *sheet;
    uint32_t r0, c0, r1, c1;
    int para;
    size_t order, text;
} cont;

/* 1 when two 续 rows continue the text of the same start cell. */
static int same_start(const cont *p, const cont *q)
{
    return p->sheet == q->sheet && p->r0 == q->r0 && p->c0 == q->c0;
}

/* Orders 续 rows by start cell, then record order. */
static int cmp_cont(const void *a, const void *b)
{
    const cont *p = *(const cont *const *)a, *q = *(const cont *const *)b;
    if (p->sheet != q->sheet)
        return p->sheet < q->sheet ? -1 : 1;
    if (p->r0 != q->r0)
        return p->r0 < q->r0 ? -1 : 1;
    if (p->c0 != q->c0)
        return p->c0 < q->c0 ? -1 : 1;
    return (p->order > q->order) - (p->order < q->order);
}

/* What joining needs: the texts being joined (one per start cell; a
 * text's cell value points into its buffer until it is stored) and, per
 * sheet, the free cells reserved after ncells. */
typedef struct joining {
    jx_xlsx_book *book;
    jx_buf *texts;
    size_t *room;
    size_t nconts;         /* the most cells a sheet can gain */
} joining;

/* Appends the text of cell (r1, c1) to cell (r0, c0) (made when the clerk
 * emptied it), a line break between them when `para`, and empties (r1,
 * c1).  Nothing happens when (r1, c1) is empty or either holds a formula.
 * The parts of a text gather in its buffer (grown geometrically) and a
 * sheet's cells grow once, by the number of 续 rows, so a text of n parts
 * costs O(n) copying, not a stored copy of the whole per part.  Returns 0,
 * or -1 when out of memory. */
static int join_cells(joining *j, const cont *k)
{
    jx_xlsx_sheet *s = k->sheet;
    const jx_xlsx_cell *from = jx_xlsx_cell_at(s, k->r1, k->c1),
                       *to = jx_xlsx_cell_at(s, k->r0, k->c0);
    if (!from || !*from->value || from->formula || (to && to->formula) ||
        (k->r0 == k->r1 && k->c0 == k->c1))
        return 0;
    size_t si = (size_t)(s - j->book->sheets);
    if (!to) {
        if (j->room[si] == 0) {
            if (j->nconts > SIZE_MAX / sizeof *s->cells - s->ncells)
                return -1;
            jx_xlsx_cell *cells = realloc(s->cells, (s->ncells + j->nconts) * sizeof *cells);
            if (!cells)
                return -1;
            s->cells = cells;
            j->room[si] = j->nconts;
        }
        size_t at = cell_index(s, k->r0, k->c0);
        memmove(&s->cells[at + 1], &s->cells[at], (s->ncells - at) * sizeof *s->cells);
        s->cells[at] = (jx_xlsx_cell){k->r0, k->c0, JX_XLSX_TEXT, "", NULL};
        s->ncells++;
        j->room[si]--;
    }
    jx_xlsx_cell *t = &s->cells[cell_index(s, k->r0, k->c0)];
    jx_xlsx_cell *f = &s->cells[cell_index(s, k->r1, k->c1)];
    jx_buf *text = &j->texts[k->text];
    if (t->value != jx_buf_str(text)) { /* the text's first part */
        text->len = 0;
        jx_buf_puts(text, t->value);
    }
    if (k->para && text->len)
        jx_buf_puts(text, "\n");
    jx_buf_puts(text, f->value);
    if (text->oom)
        return -1;
    t->value = jx_buf_str(text);
    t->type = JX_XLSX_TEXT;
    f->value = "";
    f->type = JX_XLSX_TEXT;
    return 0;
}

jx_status jx_xlsx_join_continued(jx_xlsx_book *book, const jx_xlsx_sheet *record, jx_diags *d)
{
    size_t n = 0, ntexts = 0; /* 续 rows; texts - 1 */
    for (size_t i = 0; i < record->ncells; i++)
        n += record->cells[i].col == 0 && strcmp(record->cells[i].value, "续") == 0;
    if (n == 0)
        return JX_OK;
    cont *conts = malloc(n * sizeof *conts);
    cont **by_start = malloc(n * sizeof *by_start);
    joining j = {book, calloc(n, sizeof *j.texts),
                 calloc(book->nsheets ? book->nsheets : 1, sizeof *j.room), n};
    int failed = !conts || !by_start || !j.texts || !j.room;
    /* The 续 rows that name two cells of one sheet, in record order. */
    n = 0;
    for (size_t i = 0; i < record->ncells && !failed; i++) {
        const jx_xlsx_cell *c = &record->cells[i];
        if (c->col != 0 || strcmp(c->value, "续") != 0)
            continue;
        const jx_xlsx_cell *a = jx_xlsx_cell_at(record, c->row, 2);
        const jx_xlsx_cell *b = jx_xlsx_cell_at(record, c->row, 3);
        const jx_xlsx_cell *p = jx_xlsx_cell_at(record, c->row, 4);
        char sa[512], sb[512];
        cont k = {0};
        if (!a || !b || !jx_xlsx_row_formula_ref(a->formula, sa, sizeof sa, &k.r0, &k.c0) ||
            !jx_xlsx_row_formula_ref(b->formula, sb, sizeof sb, &k.r1, &k.c1) ||
            strcmp(sa, sb) != 0)
            continue;
        const jx_xlsx_sheet *named = jx_xlsx_sheet_named(book, sa);
        if (!named)
            continue;
        k.sheet = &book->sheets[named - book->sheets];
        k.para = p && strcmp(p->value, "1") == 0;
        k.order = n;
        conts[n] = k;
        by_start[n] = &conts[n];
        n++;
    }
    /* One text per start cell. */
    if (!failed && n > 1)
        qsort(by_start, n, sizeof *by_start, cmp_cont);
    for (size_t i = 0; i < n && !failed; i++) {
        if (i > 0 && !same_start(by_start[i], by_start[i - 1]))
            ntexts++;
        by_start[i]->text = ntexts;
    }
    for (size_t i = 0; i < n && !failed; i++)
        failed = join_cells(&j, &conts[i]) != 0;
    /* Each text stored once; a start cell whose text went on into another
     * (its value no longer its buffer) keeps what it holds. */
    for (size_t i = 0; i < n; i++) {
        const cont *k = &conts[i];
        jx_buf *text = &j.texts[k->text];
        size_t at = cell_index(k->sheet, k->r0, k->c0);
        jx_xlsx_cell *c = at < k->sheet->ncells ? &k->sheet->cells[at] : NULL;
        if (c && c->row == k->r0 && c->col == k->c0 && text->data && c->value == text->data) {
            const char *v = failed ? NULL : store_dup(book->store, text->data, text->len);
            failed |= !v;
            c->value = v ? v : "";
        }
    }
    for (size_t i = 0; j.texts && i < n; i++)
        jx_buf_free(&j.texts[i]);
    free(j.texts);
    free(j.room);
    free(conts);
    free(by_start);
    if (failed)
        return jx_diag_error(d, JX_ERR_NOMEM, book->name, 0, 0, _("out of memory"));
    return JX_OK;
}
