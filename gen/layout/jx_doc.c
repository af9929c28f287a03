/* jx_doc.c - the abstract document and its arena. */
#include "jx_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_i18n.h"
#include "jx_include.h"

/* The arena: a chain of blocks freed together. */
struct jx_arena {
    struct arena_block *head;
};

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 65536

static void *arena_alloc(jx_arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->size = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

jx_doc *jx_doc_create(void)
{
    jx_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return NULL;
    doc->arena = calloc(1, sizeof *doc->arena);
    if (!doc->arena) {
        free(doc);
        return NULL;
    }
    return doc;
}

void jx_doc_free(jx_doc *doc)
{
    if (!doc)
        return;
    struct arena_block *b = doc->arena->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(doc->arena);
    free(doc);
}

void *jx_doc_alloc(jx_doc *doc, size_t size)
{
    return arena_alloc(doc->arena, size ? size : 1);
}

const char *jx_doc_strndup(jx_doc *doc, const char *s, size_t n)
{
    char *p = arena_alloc(doc->arena, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

const char *jx_doc_strdup(jx_doc *doc, const char *s)
{
    return s ? jx_doc_strndup(doc, s, strlen(s)) : NULL;
}

/* Grows an arena array of `count` elements to hold one more; capacity is
 * implied: powers of two from 8. */
static void *grow(jx_doc *doc, void *array, size_t count, size_t elem)
{
    size_t cap = 8;
    while (cap < count)
        cap *= 2;
    if (array && count < cap)
        return array;
    size_t ncap = array ? cap * 2 : cap;
    void *p = arena_alloc(doc->arena, ncap * elem);
    if (p && array)
        memcpy(p, array, count * elem);
    return p;
}

jx_section *jx_doc_add_section(jx_doc *doc)
{
    jx_section *s = grow(doc, doc->sections, doc->nsections, sizeof *s);
    if (!s)
        return NULL;
    doc->sections = s;
    jx_section *sec = &s[doc->nsections++];
    memset(sec, 0, sizeof *sec);
    return sec;
}

jx_block *jx_section_add_block(jx_doc *doc, jx_section *sec, jx_block_kind kind)
{
    jx_block *b = grow(doc, sec->blocks, sec->nblocks, sizeof *b);
    if (!b)
        return NULL;
    sec->blocks = b;
    jx_block *blk = &b[sec->nblocks++];
    memset(blk, 0, sizeof *blk);
    blk->kind = kind;
    if (kind == JX_BLOCK_TABLE) {
        blk->table = jx_doc_alloc(doc, sizeof *blk->table);
        if (!blk->table) {
            sec->nblocks--;
            return NULL;
        }
    }
    return blk;
}

jx_cell *jx_table_add_cell(jx_doc *doc, jx_table *t)
{
    jx_cell *c = grow(doc, t->cells, t->ncells, sizeof *c);
    if (!c)
        return NULL;
    t->cells = c;
    jx_cell *cell = &c[t->ncells++];
    memset(cell, 0, sizeof *cell);
    cell->rowspan = cell->colspan = 1;
    return cell;
}

const jx_cell *jx_table_cell_at(const jx_table *t, int row, int col)
{
    for (size_t i = 0; i < t->ncells; i++) {
        const jx_cell *c = &t->cells[i];
        if (row >= c->row && row < c->row + c->rowspan && col >= c->col &&
            col < c->col + c->colspan)
            return c;
    }
    return NULL;
}

double jx_table_cell_inset(const jx_table *t, const jx_cell *c)
{
    double em = JX_CELL_INSET_EM * c->style.size_pt;
    return em > t->padding_pt ? em : t->padding_pt;
}

jx_status jx_table_check(const jx_table *t, char *msg, size_t msglen)
{
    if (t->ncols <= 0 || t->nrows < 0) {
        snprintf(msg, msglen, _("table has %d columns and %d rows"), t->ncols, t->nrows);
        return JX_ERR_INTERNAL;
    }
    size_t n = (size_t)t->ncols * (size_t)t->nrows;
    unsigned char *cover = calloc(n ? n : 1, 1);
    if (!cover) {
        snprintf(msg, msglen, _("out of memory"));
        return JX_ERR_NOMEM;
    }
    jx_status st = JX_OK;
    for (size_t i = 0; i < t->ncells && st == JX_OK; i++) {
        const jx_cell *c = &t->cells[i];
        if (c->row < 0 || c->col < 0 || c->rowspan < 1 || c->colspan < 1 ||
            c->row + c->rowspan > t->nrows || c->col + c->colspan > t->ncols) {
            snprintf(msg, msglen,
                     _("cell %zu at row %d col %d span %dx%d leaves the %dx%d grid"), i, c->row,
                     c->col, c->rowspan, c->colspan, t->nrows, t->ncols);
            st = JX_ERR_INTERNAL;
            break;
        }
        for (int r = c->row; r < c->row + c->rowspan && st == JX_OK; r++)
            for (int k = c->col; k < c->col + c->colspan; k++) {
                unsigned char *p = &cover[(size_t)r * (size_t)t->ncols + (size_t)k];
                if (*p) {
                    snprintf(msg, msglen, _("cell %zu overlaps another at row %d col %d"), i, r, k);
                    st = JX_ERR_INTERNAL;
                    break;
                }
                *p = 1;
            }
    }
    for (size_t i = 0; i < n && st == JX_OK; i++)
        if (!cover[i]) {
            snprintf(msg, msglen, _("grid position row %zu col %zu is not covered by any cell"),
                     i / (size_t)t->ncols, i % (size_t)t->ncols);
            st = JX_ERR_INTERNAL;
        }
    free(cover);
    return st;
}

void jx_doc_remap_includes(jx_doc *doc, const jx_includes *inc)
{
    if (!inc || inc->count < 1 || !doc)
        return;
    const jx_source_file *filing = &inc->files[0];
    /* Each file name is copied into the arena once. */
    const char *names[JX_INCLUDE_MAX_FILES + 1] = {0};
    for (size_t s = 0; s < doc->nsections; s++) {
        jx_section *sec = &doc->sections[s];
        for (size_t b = 0; b < sec->nblocks; b++) {
            jx_table *t = sec->blocks[b].kind == JX_BLOCK_TABLE ? sec->blocks[b].table : NULL;
            for (size_t c = 0; t && c < t->ncells; c++) {
                jx_source *src = &t->cells[c].source;
                if (!src->file || (src->file != filing->path && src->file != names[0] &&
                                   strcmp(src->file, filing->path) != 0))
                    continue;
                size_t k = 0;
                for (size_t i = 1; i < inc->count; i++)
                    if (src->line > inc->files[i].base &&
                        src->line <= inc->files[i].base + inc->files[i].lines)
                        k = i;
                if (!names[k])
                    names[k] = jx_doc_strdup(doc, inc->files[k].path);
                if (names[k]) {
                    src->file = names[k];
                    src->line -= inc->files[k].base;
                }
            }
        }
    }
}

jx_text_opts jx_style_text_opts(const jx_style *style)
{
    jx_text_opts o = {0};
    o.justify = style->halign == JX_ALIGN_JUSTIFY;
    o.balance = style->halign == JX_ALIGN_CENTER;
    o.enum_lines = style->enum_lines;
    return o;
}
