/* jx_import_tree.c - the filing tree the importer rebuilds and its YAML
 * text, cell values as filing text, sheet look-ups (see jx_import_impl.h).
 * Split from jx_import.c, which reads the workbook. */
#include "jx_import_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "jx_i18n.h"

/* ---- the filing tree being rebuilt -------------------------------------- */

void inode_free(inode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        inode_free(n->kids[i]);
    free(n->kids);
    free(n->key);
    free(n->text);
    free(n);
}

inode *inode_new(const char *key, jx_value_kind kind, const char *text)
{
    inode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    if ((key && !(n->key = jx_strdup(key))) || (text && !(n->text = jx_strdup(text)))) {
        inode_free(n);
        return NULL;
    }
    return n;
}

int inode_insert(inode *parent, size_t at, inode *kid)
{
    inode **k = jx_grow(parent->kids, &parent->cap, parent->n, sizeof *k, 8);
    if (!k)
        return -1;
    parent->kids = k;
    memmove(parent->kids + at + 1, parent->kids + at, (parent->n - at) * sizeof *parent->kids);
    parent->kids[at] = kid;
    parent->n++;
    return 0;
}

int import_all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* The child of n named by path component s[0..len), or NULL. */
static inode *inode_child(inode *n, const char *s, size_t len)
{
    if (n->kind == JX_VALUE_SEQ) {
        if (!import_all_digits(s, len))
            return NULL;
        size_t i = (size_t)strtoul(s, NULL, 10);
        return i < n->n ? n->kids[i] : NULL;
    }
    if (n->kind != JX_VALUE_MAP)
        return NULL;
    for (size_t i = 0; i < n->n; i++)
        if (strlen(n->kids[i]->key) == len && memcmp(n->kids[i]->key, s, len) == 0)
            return n->kids[i];
    return NULL;
}

inode *inode_path(inode *root, const char *path, int create, int *bad_seq)
{
    inode *n = root;
    const char *p = path;
    while (n && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        inode *k = inode_child(n, p, len);
        if (!k && create) {
            const char *next = dot ? dot + 1 : NULL;
            size_t nlen = next ? (strchr(next, '.') ? (size_t)(strchr(next, '.') - next)
                                                    : strlen(next))
                               : 0;
            jx_value_kind kind = !next ? JX_VALUE_QUOTED
                                 : import_all_digits(next, nlen) ? JX_VALUE_SEQ
                                                          : JX_VALUE_MAP;
            if (n->kind == JX_VALUE_SEQ) {
                if (!import_all_digits(p, len) || strtoul(p, NULL, 10) != n->n) {
                    if (bad_seq)
                        *bad_seq = 1;
                    return NULL;
                }
                k = inode_new(NULL, kind, kind == JX_VALUE_QUOTED ? "" : NULL);
            } else if (n->kind == JX_VALUE_MAP) {
                char *key = malloc(len + 1);
                if (!key)
                    return NULL;
                memcpy(key, p, len);
                key[len] = '\0';
                k = inode_new(key, kind, kind == JX_VALUE_QUOTED ? "" : NULL);
                free(key);
            } else {
                return NULL;
            }
            if (!k || inode_insert(n, n->n, k) != 0) {
                inode_free(k);
                return NULL;
            }
        }
        n = k;
        p = dot ? dot + 1 : p + len;
    }
    return n;
}

void inode_set(inode *n, const char *text, int number)
{
    char *t = jx_strdup(text);
    if (!t)
        return;
    for (size_t i = 0; i < n->n; i++)
        inode_free(n->kids[i]);
    n->n = 0;
    free(n->text);
    n->text = t;
    n->kind = number ? JX_VALUE_PLAIN : JX_VALUE_QUOTED;
}

/* ---- YAML out ------------------------------------------------------------ */

static int yaml_out(void *data, unsigned char *buf, size_t size)
{
    jx_buf_append(data, (const char *)buf, size);
    return 1;
}

static int emit_node(yaml_emitter_t *em, const inode *n)
{
    yaml_event_t ev;
    if (n->kind == JX_VALUE_MAP || n->kind == JX_VALUE_SEQ) {
        int ok = n->kind == JX_VALUE_MAP
                     ? yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)
                     : yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                            YAML_BLOCK_SEQUENCE_STYLE);
        if (!ok || !yaml_emitter_emit(em, &ev))
            return 0;
        for (size_t i = 0; i < n->n; i++) {
            const inode *k = n->kids[i];
            if (k->deleted)
                continue;
            if (n->kind == JX_VALUE_MAP &&
                (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)k->key,
                                               (int)strlen(k->key), 1, 1, YAML_ANY_SCALAR_STYLE) ||
                 !yaml_emitter_emit(em, &ev)))
                return 0;
            if (!emit_node(em, k))
                return 0;
        }
        ok = n->kind == JX_VALUE_MAP ? yaml_mapping_end_event_initialize(&ev)
                                     : yaml_sequence_end_event_initialize(&ev);
        return ok && yaml_emitter_emit(em, &ev);
    }
    static char empty[] = "", tilde[] = "~";
    char *t = n->text ? n->text : empty;
    int plain = n->kind == JX_VALUE_PLAIN;
    if (plain && !*t)
        t = tilde;
    return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)t, (int)strlen(t), plain,
                                        !plain,
                                        plain ? YAML_ANY_SCALAR_STYLE
                                              : YAML_DOUBLE_QUOTED_SCALAR_STYLE) &&
           yaml_emitter_emit(em, &ev);
}

jx_status import_emit_yaml(const inode *root, const char *from, jx_buf *out, jx_diags *d)
{
    jx_buf_printf(out, "# 由 jxgen import 从 %s 读出的填报（filing read back from the workbook）\n",
                  from);
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&em))
        return jx_diag_error(d, JX_ERR_NOMEM, from, 0, 0, _("out of memory"));
    yaml_emitter_set_output(&em, yaml_out, out);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);
    yaml_emitter_set_indent(&em, 2);
    int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
             yaml_emitter_emit(&em, &ev) &&
             yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
             yaml_emitter_emit(&em, &ev) && emit_node(&em, root) &&
             yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
             yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev);
    yaml_emitter_delete(&em);
    if (!ok || out->oom)
        return jx_diag_error(d, JX_ERR_NOMEM, from, 0, 0,
                             _("cannot write the filing: out of memory"));
    return JX_OK;
}

/* ---- values -------------------------------------------------------------- */

int import_number_text(const char *s, char *out, size_t n)
{
    const char *p = s;
    int neg = 0;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    char digits[64];
    int nd = 0, point = -1;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.') {
            if (point >= 0)
                return 0;
            point = nd;
        } else if (nd < 40) {
            digits[nd++] = *p;
        } else {
            return 0;
        }
    }
    if (nd == 0)
        return 0;
    if (point < 0)
        point = nd;
    if (*p == 'e' || *p == 'E') {
        char *end;
        long e = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end || e > 20 || e < -20)
            return 0;
        point += (int)e;
        p = end;
    }
    if (*p)
        return 0;
    /* value = 0.digits * 10^point; lay it out with 6 decimals (+1 to round). */
    char fix[96];
    int k = 0;
    int ip = point > 0 ? point : 0;
    for (int i = 0; i < ip; i++)
        fix[k++] = i < nd ? digits[i] : '0';
    if (ip == 0)
        fix[k++] = '0';
    int intlen = k;
    for (int i = 0; i < 7; i++) {
        int at = point + i;
        fix[k++] = at >= 0 && at < nd ? digits[at] : '0';
    }
    /* round half up at the 7th decimal */
    int carry = fix[k - 1] >= '5';
    k--;
    for (int i = k - 1; i >= 0 && carry; i--) {
        if (fix[i] == '9')
            fix[i] = '0';
        else {
            fix[i]++;
            carry = 0;
        }
    }
    char res[100];
    int r = 0;
    if (neg)
        res[r++] = '-';
    if (carry)
        res[r++] = '1';
    int lead = 0; /* skip leading zeros of the integer part */
    while (lead < intlen - 1 && fix[lead] == '0')
        lead++;
    for (int i = lead; i < intlen; i++)
        res[r++] = fix[i];
    int last = k - 1;
    while (last >= intlen && fix[last] == '0')
        last--;
    if (last >= intlen) {
        res[r++] = '.';
        for (int i = intlen; i <= last; i++)
            res[r++] = fix[i];
    }
    res[r] = '\0';
    if (strcmp(res, "-0") == 0)
        snprintf(res, sizeof res, "0");
    snprintf(out, n, "%s", res);
    return 1;
}

int import_typed_number(const char *s, char *out, size_t n)
{
    char buf[96];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < sizeof buf;) {
        uint32_t cp;
        size_t len = jx_utf8_decode((const char *)p, strlen((const char *)p), &cp);
        if (!len)
            return 0;
        p += len;
        if (cp >= 0xFF10 && cp <= 0xFF19)
            cp = '0' + (cp - 0xFF10);
        else if (cp == 0xFF0E)
            cp = '.';
        else if (cp == 0xFF0D)
            cp = '-';
        if (cp == ' ' || cp == 0x3000 || cp == ',' || cp == 0xFF0C || cp == '\t')
            continue;
        if (cp > 0x7F)
            return 0;
        buf[k++] = (char)cp;
    }
    buf[k] = '\0';
    return k > 0 && import_number_text(buf, out, n);
}

int import_cell_text(const jx_xlsx_cell *c, char *num, size_t n, const char **text, int *number)
{
    *number = 0;
    *text = "";
    if (!c)
        return 0;
    switch (c->type) {
    case JX_XLSX_NUMBER:
        if (import_number_text(c->value, num, n)) {
            *text = num;
            *number = 1;
        } else {
            *text = c->value;
        }
        return 0;
    case JX_XLSX_BOOL:
        *text = strcmp(c->value, "1") == 0 ? "TRUE" : "FALSE";
        return 0;
    case JX_XLSX_ERROR:
        *text = c->value;
        return -1;
    default:
        *text = c->value;
        return 0;
    }
}

/* ---- sheets ------------------------------------------------------------ */

int import_path_steps(const char *path)
{
    int steps = 1;
    for (const char *p = path; *p; p++)
        steps += *p == '.';
    return steps;
}

uint32_t import_last_row(const jx_xlsx_sheet *s)
{
    uint32_t last = 0;
    for (size_t i = 0; i < s->ncells; i++)
        if (s->cells[i].row > last)
            last = s->cells[i].row;
    return last;
}

const char *import_plain_value(const jx_xlsx_sheet *s, uint32_t row, uint32_t col)
{
    const jx_xlsx_cell *c = jx_xlsx_cell_at(s, row, col);
    return c && c->value ? c->value : "";
}


long import_heading(const jx_xlsx_sheet *s, const char *name)
{
    for (size_t i = 0; i < s->ncells && s->cells[i].row == 0; i++)
        if (s->cells[i].type == JX_XLSX_TEXT && strcmp(s->cells[i].value, name) == 0)
            return (long)s->cells[i].col;
    return -1;
}

