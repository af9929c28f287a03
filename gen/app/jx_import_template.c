/* jx_import_template.c - values a clerk edited inside the form's own
 * texts (the 数据 sheet's 模板 rows): the edited cell is cut at the words
 * jxgen wrote around the values (see jx_import_template_edits() in
 * jx_import.h).  Split from jx_import.c, which reads the workbook. */
#include "jx_import.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jx_i18n.h"

/* ---- values edited inside template texts ------------------------------- */

/* A document cell (or paragraph) that shows filing values in its text. */
typedef struct tsource {
    char *text;               /* as jxgen writes it into the workbook */
    const jx_cell *refs;
    size_t nrefs;
} tsource;

static char *paras_text(const jx_paragraph *p, size_t n)
{
    jx_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            jx_buf_puts(&b, "\n");
        jx_buf_puts(&b, p[i].text ? p[i].text : "");
    }
    if (b.oom || !b.data) {
        jx_buf_free(&b);
        return b.oom ? NULL : jx_strdup("");
    }
    return b.data;
}

/* The split of an edited text into values: the best found so far. */
typedef struct splitter {
    const char *t;            /* the cell's text now */
    size_t tlen;
    const char **lit;         /* k + 1 literals */
    size_t *litlen;
    const char **old;         /* k values as written */
    size_t k;
    size_t *start, *end;      /* the split being tried */
    size_t *bstart, *bend;    /* the best one */
    size_t best;              /* its number of changed values (SIZE_MAX: none) */
    int ties;                 /* another split as good, with other values */
    long steps;               /* bound on the search */
} splitter;

static size_t split_changes(const splitter *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->k; i++) {
        size_t len = s->end[i] - s->start[i];
        n += strlen(s->old[i]) != len || memcmp(s->old[i], s->t + s->start[i], len) != 0;
    }
    return n;
}

static void split_found(splitter *s)
{
    size_t c = split_changes(s);
    if (c < s->best) {
        s->best = c;
        s->ties = 0;
        memcpy(s->bstart, s->start, s->k * sizeof *s->start);
        memcpy(s->bend, s->end, s->k * sizeof *s->end);
    } else if (c == s->best) {
        s->ties = 1;
    }
}

/* Value i starts at pos; literal i + 1 follows it. */
static void split_try(splitter *s, size_t i, size_t pos)
{
    if (--s->steps < 0)
        return;
    size_t ll = s->litlen[i + 1];
    if (i + 1 == s->k) { /* the last value runs to the final literal */
        if (s->tlen < pos + ll || memcmp(s->t + s->tlen - ll, s->lit[i + 1], ll) != 0)
            return;
        s->start[i] = pos;
        s->end[i] = s->tlen - ll;
        split_found(s);
        return;
    }
    for (size_t q = pos; q + ll <= s->tlen && s->steps >= 0; q++) {
        if (memcmp(s->t + q, s->lit[i + 1], ll) != 0)
            continue;
        s->start[i] = pos;
        s->end[i] = q;
        split_try(s, i + 1, q + ll);
    }
}

/* The labels of src's values ("「年度」、「项目名称」") into b. */
static void refs_labels(const tsource *src, jx_buf *b)
{
    for (size_t i = 0; i < src->nrefs; i++) {
        const jx_source *so = &src->refs[i].source;
        jx_buf_printf(b, "%s「%s」", i ? "、" : "", so->label ? so->label : so->path);
    }
}

/* Matches one template cell against the text jxgen wrote (src). */
static jx_status tcell_edits(const jx_import_tcell *tc, const tsource *src, jx_import_edits *out,
                             jx_diags *d)
{
    size_t k = src->nrefs;
    const char **lit = calloc(k + 1, sizeof *lit), **old = calloc(k, sizeof *old);
    size_t *litlen = calloc(k + 1, sizeof *litlen), *pos = calloc(4 * k, sizeof *pos);
    char **vals = calloc(k, sizeof *vals);
    jx_buf pattern = {0}, labels = {0};
    jx_status st = JX_OK;
    if (!lit || !old || !litlen || !pos || !vals) {
        st = jx_diag_error(d, JX_ERR_NOMEM, tc->where, 0, 0, _("out of memory"));
        goto done;
    }
    /* The literals: the text jxgen wrote, cut at each value in turn. */
    const char *p = src->text;
    int cut = 1;
    for (size_t i = 0; i < k; i++) {
        if (!(vals[i] = paras_text(src->refs[i].paras, src->refs[i].npara))) {
            st = jx_diag_error(d, JX_ERR_NOMEM, tc->where, 0, 0, _("out of memory"));
            goto done;
        }
        old[i] = vals[i];
        const char *at = strstr(p, vals[i]);
        if (!at) {
            cut = 0;
            break;
        }
        lit[i] = p;
        litlen[i] = (size_t)(at - p);
        p = at + strlen(vals[i]);
    }
    lit[k] = p;
    litlen[k] = strlen(p);
    splitter s = {tc->text, strlen(tc->text), lit, litlen, old, k, pos, pos + k, pos + 2 * k,
                  pos + 3 * k, SIZE_MAX, 0, 100000};
    if (cut && s.tlen >= litlen[0] && memcmp(s.t, lit[0], litlen[0]) == 0)
        split_try(&s, 0, litlen[0]);
    refs_labels(src, &labels);
    if (!cut || s.best == SIZE_MAX || s.steps < 0) {
        /* The form's own text changed: say what it must read. */
        if (cut) {
            for (size_t i = 0; i < k; i++) {
                jx_buf_append(&pattern, lit[i], litlen[i]);
                const jx_source *so = &src->refs[i].source;
                jx_buf_printf(&pattern, "「%s」", so->label ? so->label : so->path);
            }
            jx_buf_append(&pattern, lit[k], litlen[k]);
        } else {
            jx_buf_puts(&pattern, src->text);
        }
        st = jx_diag_error(d, JX_ERR_FILING, tc->where, 0, 0,
                           _("the form's own text in this cell was changed: only the values in "
                             "it (%s) can be edited here; the rest must read “%s”"),
                           jx_buf_str(&labels), jx_buf_str(&pattern));
        goto done;
    }
    if (s.ties) {
        st = jx_diag_error(d, JX_ERR_FILING, tc->where, 0, 0,
                           _("the values this cell shows (%s) run together and more than one of "
                             "them was changed, so where one ends cannot be told; change one at "
                             "a time and import after each"),
                           jx_buf_str(&labels));
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        size_t len = s.bend[i] - s.bstart[i];
        if (strlen(old[i]) == len && memcmp(old[i], s.t + s.bstart[i], len) == 0)
            continue;
        const char *path = src->refs[i].source.path;
        int listed = 0; /* a value listed elsewhere is read from its own cell */
        for (size_t j = 0; path && j < tc->npaths; j++)
            listed |= strcmp(tc->paths[j], path) == 0;
        if (!listed) {
            st = jx_diag_error(d, JX_ERR_FILING, tc->where, 0, 0,
                               _("the form's own text in this cell was changed: only the values in "
                                 "it (%s) can be edited here; the rest must read “%s”"),
                               jx_buf_str(&labels), src->text);
            goto done;
        }
        jx_import_edit *e = jx_grow(out->items, &out->cap, out->count, sizeof *e, 4);
        if (!e) {
            st = jx_diag_error(d, JX_ERR_NOMEM, tc->where, 0, 0, _("out of memory"));
            goto done;
        }
        out->items = e;
        e[out->count].path = jx_strdup(path);
        e[out->count].text = malloc(len + 1);
        if (!e[out->count].path || !e[out->count].text) {
            free(e[out->count].path);
            free(e[out->count].text);
            st = jx_diag_error(d, JX_ERR_NOMEM, tc->where, 0, 0, _("out of memory"));
            goto done;
        }
        memcpy(e[out->count].text, s.t + s.bstart[i], len);
        e[out->count].text[len] = '\0';
        out->count++;
    }
done:
    for (size_t i = 0; vals && i < k; i++)
        free(vals[i]);
    free(vals);
    free(lit);
    free(old);
    free(litlen);
    free(pos);
    jx_buf_free(&pattern);
    jx_buf_free(&labels);
    return st;
}

/* Whether src shows every field of tc. */
static int tsource_shows(const tsource *src, const jx_import_tcell *tc)
{
    for (size_t j = 0; j < tc->npaths; j++) {
        int found = 0;
        for (size_t i = 0; i < src->nrefs && !found; i++)
            found = src->refs[i].source.path && strcmp(src->refs[i].source.path, tc->paths[j]) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

jx_status jx_import_template_edits(const jx_import_origins *o, const jx_doc *doc,
                                   jx_import_edits *out, jx_diags *d)
{
    memset(out, 0, sizeof *out);
    if (!o || !o->ntcells)
        return JX_OK;
    /* Every text of the document that shows values, in document order. */
    tsource *srcs = NULL;
    size_t n = 0, cap = 0;
    jx_status st = JX_OK;
    for (size_t si = 0; si < doc->nsections && st == JX_OK; si++) {
        const jx_section *sec = &doc->sections[si];
        for (size_t bi = 0; bi < sec->nblocks && st == JX_OK; bi++) {
            const jx_block *b = &sec->blocks[bi];
            size_t ncells = b->kind == JX_BLOCK_TABLE && b->table ? b->table->ncells : 0;
            for (size_t ci = 0; ci <= ncells && st == JX_OK; ci++) {
                const jx_cell *c = ci < ncells ? &b->table->cells[ci] : NULL;
                if (c ? !c->nrefs : (b->kind != JX_BLOCK_PARAGRAPH || !b->nrefs))
                    continue;
                tsource *g = jx_grow(srcs, &cap, n, sizeof *g, 16);
                if (!g) {
                    st = jx_diag_error(d, JX_ERR_NOMEM, NULL, 0, 0, _("out of memory"));
                    break;
                }
                srcs = g;
                srcs[n].text = c ? paras_text(c->paras, c->npara) : paras_text(&b->para, 1);
                srcs[n].refs = c ? c->refs : b->refs;
                srcs[n].nrefs = c ? c->nrefs : b->nrefs;
                if (!srcs[n].text)
                    st = jx_diag_error(d, JX_ERR_NOMEM, NULL, 0, 0, _("out of memory"));
                else
                    n++;
            }
        }
    }
    for (size_t i = 0; i < o->ntcells && st == JX_OK; i++) {
        const jx_import_tcell *tc = &o->tcells[i];
        /* The first text showing its fields, unless another one is the
         * cell's text unchanged (a field shown in two templates is listed
         * at its first cell only). */
        const tsource *first = NULL;
        int same = 0;
        for (size_t j = 0; j < n && !same; j++) {
            if (!tsource_shows(&srcs[j], tc))
                continue;
            if (!first)
                first = &srcs[j];
            same = strcmp(srcs[j].text, tc->text) == 0;
        }
        if (first && !same) {
            jx_status e = tcell_edits(tc, first, out, d);
            if (e == JX_ERR_NOMEM)
                st = e;
            else if (e != JX_OK && st == JX_OK)
                st = JX_ERR_FILING;
        }
    }
    for (size_t j = 0; j < n; j++)
        free(srcs[j].text);
    free(srcs);
    if (st != JX_OK)
        jx_import_edits_free(out);
    return st;
}

void jx_import_edits_free(jx_import_edits *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->count; i++) {
        free(e->items[i].path);
        free(e->items[i].text);
    }
    free(e->items);
    e->items = NULL;
    e->count = e->cap = 0;
}
