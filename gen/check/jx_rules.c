/* jx_rules.c - checking a filing against its form's rules (compiled by
 * jx_rules_load.c): derived totals first, then every rule, each message at
 * the filing's line and column. */
#include "jx_rules_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_indicator.h"
#include "jx_schema.h"
#include "jx_util.h"
#include "jx_i18n.h"

/* ------------------------------------------------------------------------ */
/* Derived values                                                           */

/* A hash index of strings: slots hold item index + 1 (0: free), found by
 * open addressing; key(ctx, i) is item i's string.  Lookups stay O(1) for
 * filings with tens of thousands of entries. */
typedef const char *(*key_fn)(const void *ctx, size_t i);

/* Index of the item whose key is k, or -1. */
static long ix_find(const size_t *slots, size_t nslots, const char *k, key_fn key,
                    const void *ctx)
{
    if (!nslots)
        return -1;
    for (size_t i = jx_hash_str(k) & (nslots - 1);; i = (i + 1) & (nslots - 1)) {
        if (!slots[i])
            return -1;
        if (strcmp(key(ctx, slots[i] - 1), k) == 0)
            return (long)(slots[i] - 1);
    }
}

/* Adds item `item` (count items exist, item included), growing the table to
 * keep it at most half full.  Returns 0 when out of memory. */
static int ix_add(size_t **slots, size_t *nslots, size_t count, size_t item, key_fn key,
                  const void *ctx)
{
    if (count * 2 > *nslots) {
        size_t n = 16;
        while (n < count * 4)
            n *= 2;
        size_t *ns = calloc(n, sizeof *ns);
        if (!ns)
            return 0;
        free(*slots);
        *slots = ns;
        *nslots = n;
        for (size_t i = 0; i < count; i++)
            if (i != item && !ix_add(slots, nslots, count, i, key, ctx))
                return 0;
    }
    size_t i = jx_hash_str(key(ctx, item)) & (*nslots - 1);
    while ((*slots)[i])
        i = (i + 1) & (*nslots - 1);
    (*slots)[i] = item + 1;
    return 1;
}

static const char *derived_key(const void *ctx, size_t i)
{
    return ((const jx_derivations *)ctx)->items[i].path;
}

void jx_derivations_init(jx_derivations *dv)
{
    memset(dv, 0, sizeof *dv);
}

void jx_derivations_free(jx_derivations *dv)
{
    for (size_t i = 0; i < dv->count; i++) {
        free(dv->items[i].path);
        free(dv->items[i].formula);
    }
    free(dv->items);
    free(dv->slots);
    jx_derivations_init(dv);
}

const jx_derived *jx_derivations_find(const jx_derivations *dv, const char *path)
{
    long i = dv ? ix_find(dv->slots, dv->nslots, path, derived_key, dv) : -1;
    return i < 0 ? NULL : &dv->items[i];
}

static jx_status derivations_add(jx_derivations *dv, const char *path, jx_decimal v,
                                 const char *formula, const char *rule_id)
{
    jx_derived *items = jx_grow(dv->items, &dv->cap, dv->count, sizeof *items, 8);
    if (!items)
        return JX_ERR_NOMEM;
    dv->items = items;
    jx_derived *x = &dv->items[dv->count];
    x->path = strdup(path);
    x->formula = formula ? strdup(formula) : NULL;
    if (!x->path || (formula && !x->formula)) {
        free(x->path);
        free(x->formula);
        return JX_ERR_NOMEM;
    }
    x->value = v;
    x->rule = rule_id;
    dv->count++;
    if (!ix_add(&dv->slots, &dv->nslots, dv->count, dv->count - 1, derived_key, dv)) {
        dv->count--;
        free(x->path);
        free(x->formula);
        return JX_ERR_NOMEM;
    }
    return JX_OK;
}

/* ------------------------------------------------------------------------ */
/* Finding the fields a rule names in a filing                              */

/* A concrete field: its data path and node (NULL when the filing leaves it
 * out; `near` is then the closest node, for the message position). */
typedef struct ref {
    char *path;
    const jx_node *node;
    const jx_node *near;
} ref;

typedef struct refs {
    ref *items;
    size_t count, cap;
    int oom;
} refs;

static void refs_free(refs *rs)
{
    for (size_t i = 0; i < rs->count; i++)
        free(rs->items[i].path);
    free(rs->items);
    memset(rs, 0, sizeof *rs);
}

static void refs_push(refs *rs, const char *path, const jx_node *node, const jx_node *near)
{
    if (rs->oom)
        return;
    ref *items = jx_grow(rs->items, &rs->cap, rs->count, sizeof *items, 8);
    if (!items) {
        rs->oom = 1;
        return;
    }
    rs->items = items;
    char *p = strdup(path);
    if (!p) {
        rs->oom = 1;
        return;
    }
    rs->items[rs->count++] = (ref){p, node, near};
}

static void join_path(char *buf, size_t n, const char *base, const char *seg)
{
    if (*base)
        snprintf(buf, n, "%s.%s", base, seg);
    else
        snprintf(buf, n, "%s", seg);
}

/* Appends to out every field matching `pattern` below node (whose path is
 * base).  A missing last key is pushed with node NULL; a missing key
 * earlier, or an empty list, yields nothing. */
static void expand(const jx_node *node, const char *base, const char *pattern, refs *out)
{
    if (!*pattern) {
        refs_push(out, base, node, node);
        return;
    }
    size_t len = strcspn(pattern, ".");
    char seg[128];
    if (len >= sizeof seg)
        return;
    memcpy(seg, pattern, len);
    seg[len] = '\0';
    const char *rest = pattern + len + (pattern[len] == '.');
    char path[PATH_MAX_LEN];
    if (strcmp(seg, "*") == 0) {
        if (!node || node->kind != JX_NODE_SEQ)
            return;
        for (size_t i = 0; i < node->count && !out->oom; i++) {
            char idx[32];
            snprintf(idx, sizeof idx, "%zu", i);
            join_path(path, sizeof path, base, idx);
            expand(node->entries[i].value, path, rest, out);
        }
        return;
    }
    join_path(path, sizeof path, base, seg);
    long k = node && node->kind == JX_NODE_MAP ? jx_node_key_index(node, seg) : -1;
    if (k < 0) {
        if (!*rest && node)
            refs_push(out, path, NULL, node);
        return;
    }
    expand(node->entries[k].value, path, rest, out);
}

/* ------------------------------------------------------------------------ */
/* Checking a filing                                                        */

typedef enum vstate { V_ABSENT, V_STATED, V_DERIVED, V_PENDING } vstate;

typedef struct pending {
    const rule *r;
    char *entry_path;
    const jx_node *entry;
    char *total_path;
    const jx_node *near;
    int done;
} pending;

typedef struct checker {
    const jx_rules *rules;
    const jx_node *filing;
    const char *file;
    jx_diags *d;
    jx_derivations *dv;
    pending *pend;
    size_t npend, cappend;
    size_t *pend_slots;      /* hash index of pend by total_path */
    size_t npend_slots;
    int errors;
    int oom;
} checker;

static const jx_decimal ZERO = {0, 0};

static const char *pend_key(const void *ctx, size_t i)
{
    return ((const checker *)ctx)->pend[i].total_path;
}

/* 1 when t reads as an amount of the field spec (jx_schema_amount_parse). */
static int parse_amount(const jx_node *spec, const char *t, jx_decimal *out)
{
    return jx_schema_amount_parse(spec, t, out) == JX_OK;
}

/* The amount at a field: stated in the filing, computed, still to be
 * computed, or absent (zero). */
static vstate amount_of(const checker *c, const operand *o, const ref *f, jx_decimal *out)
{
    *out = ZERO;
    if (f->node && f->node->kind == JX_NODE_SCALAR) {
        if (!parse_amount(o->spec, jx_node_text(f->node), out))
            *out = ZERO; /* the schema check reported it */
        return V_STATED;
    }
    if (f->node)
        return V_ABSENT;
    const jx_derived *x = jx_derivations_find(c->dv, f->path);
    if (x) {
        *out = x->value;
        return V_DERIVED;
    }
    long i = ix_find(c->pend_slots, c->npend_slots, f->path, pend_key, c);
    return i >= 0 && !c->pend[i].done ? V_PENDING : V_ABSENT;
}

static int field_given(const ref *f)
{
    return f->node != NULL;
}

/* The entries a rule is checked for: every entry of its each: list, or the
 * filing itself. */
static void rule_entries(const checker *c, const rule *r, refs *out)
{
    if (!r->neach) {
        refs_push(out, "", c->filing, c->filing);
        return;
    }
    for (size_t k = 0; k < r->neach; k++) {
        char pat[PATH_MAX_LEN + 2];
        snprintf(pat, sizeof pat, "%s.*", r->each[k]);
        refs all = {0};
        expand(c->filing, "", pat, &all);
        for (size_t i = 0; i < all.count; i++)
            if (all.items[i].node && all.items[i].node->kind == JX_NODE_MAP)
                refs_push(out, all.items[i].path, all.items[i].node, all.items[i].node);
        out->oom |= all.oom;
        refs_free(&all);
    }
}

/* The concrete fields of one operand within an entry. */
static void operand_refs(const checker *c, const operand *o, const ref *entry, refs *out)
{
    if (!o->path)
        return;
    if (o->absolute)
        expand(c->filing, "", o->path, out);
    else
        expand(entry->node, entry->path, o->path, out);
}

/* One field of an operand (the first match), or a zero ref. */
static int operand_one(const checker *c, const operand *o, const ref *entry, refs *tmp, ref *out)
{
    refs_free(tmp);
    operand_refs(c, o, entry, tmp);
    if (!tmp->count) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    *out = tmp->items[0];
    return 1;
}

static const char *label_of(const operand *o)
{
    const char *l = o->spec ? jx_schema_label(o->spec) : NULL;
    if (l)
        return l;
    const char *dot = o->path ? strrchr(o->path, '.') : NULL;
    return dot ? dot + 1 : o->path ? o->path : "";
}

static const char *unit_of(const operand *o)
{
    const char *u = o->spec ? jx_schema_unit(o->spec) : NULL;
    return u ? u : "";
}

static void fmt_dec(jx_decimal v, char *buf, size_t n)
{
    jx_decimal_format(v, -1, 0, buf, n);
}

/* Where a message about field f points. */
static void loc(const ref *f, int *line, int *col)
{
    const jx_node *n = f->node ? f->node : f->near;
    *line = n ? n->line : 0;
    *col = n ? n->col : 0;
}

/* Adds a message of the rule's severity at field `at`.  Line breaks and
 * tabs of filing values quoted in it become spaces: one message, one line. */
static void report(checker *c, const rule *r, const ref *at, const char *msg)
{
    int line, col;
    loc(at, &line, &col);
    char *flat = strdup(msg);
    if (!flat) {
        c->oom = 1;
        return;
    }
    for (char *p = flat; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    /* A message cut short by its buffer ends on a whole character. */
    for (size_t i = 0, n = strlen(flat); i < n;) {
        uint32_t cp;
        size_t l = jx_utf8_decode(flat + i, n - i, &cp);
        if (!l) {
            flat[i] = '\0';
            break;
        }
        i += l;
    }
    if (jx_diags_add(c->d, r->severity, c->file, line, col, r->id, "%s%s%s",
                     r->label ? r->label : "", r->label ? _(": ") : "", flat) != JX_OK)
        c->oom = 1;
    free(flat);
    if (r->severity == JX_SEV_ERROR)
        c->errors++;
}

/* Sums an operand list within an entry.  *state: V_PENDING when a part is
 * still to be computed, V_STATED when any part is given or computed,
 * V_ABSENT when none is.  formula (may be NULL) gets "{p1},{p2},…";
 * *first gets the first given part (for message positions). */
static jx_status sum_parts(checker *c, const operands *ops, const ref *entry, jx_decimal *sum,
                           vstate *state, jx_buf *formula, ref *first, refs *keep)
{
    *sum = ZERO;
    *state = V_ABSENT;
    jx_status st = JX_OK;
    for (size_t i = 0; i < ops->count; i++) {
        refs fs = {0};
        operand_refs(c, &ops->items[i], entry, &fs);
        if (fs.oom)
            c->oom = 1;
        for (size_t k = 0; k < fs.count; k++) {
            jx_decimal v;
            vstate s = amount_of(c, &ops->items[i], &fs.items[k], &v);
            if (s == V_PENDING)
                *state = V_PENDING;
            else if ((s == V_STATED || s == V_DERIVED) && *state != V_PENDING)
                *state = V_STATED;
            if (formula)
                jx_buf_printf(formula, "%s{%s}", formula->len ? "," : "", fs.items[k].path);
            if (first && !first->path && (s == V_STATED || s == V_DERIVED)) {
                refs_push(keep, fs.items[k].path, fs.items[k].node, fs.items[k].near);
                if (keep->count)
                    *first = keep->items[keep->count - 1];
            }
            if (st == JX_OK && jx_decimal_add(*sum, v, sum) != JX_OK)
                st = JX_ERR_LIMIT;
        }
        refs_free(&fs);
    }
    return st;
}

/* Describes an operand list for messages: 一般公共预算资金 + 政府性基金 + … */
static void describe_parts(const operands *ops, jx_buf *b)
{
    size_t shown = ops->count > 4 ? 3 : ops->count;
    for (size_t i = 0; i < shown; i++)
        jx_buf_printf(b, "%s%s%s", i ? " + " : "", ops->items[i].pattern ? "Σ" : "",
                      label_of(&ops->items[i]));
    if (shown < ops->count)
        jx_buf_puts(b, " + …");
}

static void scale_text(int exp10, char *buf, size_t n)
{
    if (exp10 >= 0) {
        snprintf(buf, n, "1");
        for (int i = 0; i < exp10 && strlen(buf) + 1 < n; i++)
            strcat(buf, "0");
    } else {
        snprintf(buf, n, "0.");
        for (int i = 1; i < -exp10 && strlen(buf) + 1 < n; i++)
            strcat(buf, "0");
        if (strlen(buf) + 1 < n)
            strcat(buf, "1");
    }
}

static jx_status pend_add(checker *c, const rule *r, const ref *entry, const ref *total)
{
    if (ix_find(c->pend_slots, c->npend_slots, total->path, pend_key, c) >= 0)
        return JX_OK; /* an earlier rule computes it */
    pending *grown = jx_grow(c->pend, &c->cappend, c->npend, sizeof *grown, 8);
    if (!grown)
        return JX_ERR_NOMEM;
    c->pend = grown;
    pending *p = &c->pend[c->npend];
    p->r = r;
    p->entry = entry->node;
    p->near = total->near;
    p->done = 0;
    p->entry_path = strdup(entry->path);
    p->total_path = strdup(total->path);
    if (!p->entry_path || !p->total_path) {
        free(p->entry_path);
        free(p->total_path);
        return JX_ERR_NOMEM;
    }
    c->npend++;
    if (!ix_add(&c->pend_slots, &c->npend_slots, c->npend, c->npend - 1, pend_key, c)) {
        c->npend--;
        free(p->entry_path);
        free(p->total_path);
        return JX_ERR_NOMEM;
    }
    return JX_OK;
}

/* Computes one pending total if its parts are known.  Returns 1 when done. */
static int derive_one(checker *c, pending *p)
{
    ref entry = {p->entry_path, p->entry, p->entry};
    jx_decimal sum;
    vstate state;
    jx_buf f = {0};
    jx_status st = sum_parts(c, &p->r->list, &entry, &sum, &state, &f, NULL, NULL);
    if (state == V_PENDING) {
        jx_buf_free(&f);
        return 0;
    }
    p->done = 1;
    if (state == V_ABSENT) { /* nothing to add up: the cell stays empty */
        jx_buf_free(&f);
        return 1;
    }
    if (st == JX_OK && p->r->scale_exp)
        st = jx_decimal_shift(sum, p->r->scale_exp, &sum);
    if (st != JX_OK) {
        ref at = {p->total_path, NULL, p->near};
        char msg[512];
        snprintf(msg, sizeof msg, _("%s (%s) cannot be computed exactly: the amounts are too large or have too many decimals"),
                 label_of(&p->r->first), p->total_path);
        report(c, p->r, &at, msg);
        jx_buf_free(&f);
        return 1;
    }
    jx_buf formula = {0};
    jx_buf_printf(&formula, "SUM(%s)", jx_buf_str(&f));
    if (p->r->scale_exp) {
        char s[32];
        scale_text(p->r->scale_exp < 0 ? -p->r->scale_exp : p->r->scale_exp, s, sizeof s);
        jx_buf_printf(&formula, "%s%s", p->r->scale_exp < 0 ? "/" : "*", s);
    }
    /* Excel takes formulas of up to 8192 characters; a placeholder is never
     * shorter than the cell reference replacing it.  Longer: the value alone. */
    const char *text = formula.len <= MAX_FORMULA ? jx_buf_str(&formula) : NULL;
    if (f.oom || formula.oom ||
        derivations_add(c->dv, p->total_path, sum, text, p->r->id) != JX_OK)
        c->oom = 1;
    jx_buf_free(&f);
    jx_buf_free(&formula);
    return 1;
}

static jx_status derive_all(checker *c)
{
    for (size_t i = 0; i < c->rules->count; i++) {
        const rule *r = &c->rules->items[i];
        /* A total the schema lets a filing leave out (derived, or simply
         * not required) is computed when left out (#11: Jiangbei's 小计). */
        if (r->kind != RK_SUM || !r->derive || !r->first.path || r->totals.count > 1 ||
            (!jx_schema_is_derived(r->first.spec) && jx_schema_is_required(r->first.spec)))
            continue;
        refs entries = {0}, tmp = {0};
        rule_entries(c, r, &entries);
        for (size_t e = 0; e < entries.count; e++) {
            ref total;
            if (operand_one(c, &r->first, &entries.items[e], &tmp, &total) && !total.node &&
                !jx_derivations_find(c->dv, total.path) &&
                pend_add(c, r, &entries.items[e], &total) != JX_OK)
                c->oom = 1;
        }
        if (entries.oom || tmp.oom)
            c->oom = 1;
        refs_free(&tmp);
        refs_free(&entries);
    }
    int progress = 1;
    while (progress && !c->oom) {
        progress = 0;
        for (size_t i = 0; i < c->npend; i++)
            if (!c->pend[i].done && derive_one(c, &c->pend[i]))
                progress = 1;
    }
    jx_status st = JX_OK;
    for (size_t i = 0; i < c->npend && !c->oom; i++)
        if (!c->pend[i].done) {
            jx_diags_add(c->d, JX_SEV_ERROR, c->rules->layout_file, c->pend[i].r->node->line,
                         c->pend[i].r->node->col, c->pend[i].r->id,
                         _("rule %s: %s cannot be computed: the derived totals depend on each "
                         "other in a cycle"),
                         c->pend[i].r->id, c->pend[i].total_path);
            st = JX_ERR_LAYOUT;
            break;
        }
    return c->oom ? JX_ERR_NOMEM : st;
}

/* Compares a with b × 10^exp10 exactly (shifting whichever side needs a
 * positive power).  Returns 1 and *cmp, or 0 when out of range. */
static int cmp_scaled(jx_decimal a, jx_decimal b, int exp10, int *cmp)
{
    if (exp10 >= 0) {
        if (jx_decimal_shift(b, exp10, &b) != JX_OK)
            return 0;
    } else if (jx_decimal_shift(a, -exp10, &a) != JX_OK) {
        return 0;
    }
    *cmp = jx_decimal_cmp(a, b);
    return 1;
}

/* sum: total (or Σ totals) = Σ parts × 10^scale. */
static void check_sum(checker *c, const rule *r, const ref *entry)
{
    refs tmp = {0}, keep = {0}, tkeep = {0};
    ref total = {0}, tfirst = {0};
    jx_decimal tv;
    const jx_derived *x = NULL;
    if (r->first.path) {
        if (!operand_one(c, &r->first, entry, &tmp, &total))
            goto done;
        vstate ts = amount_of(c, &r->first, &total, &tv);
        if (ts == V_ABSENT || ts == V_PENDING)
            goto done; /* not stated, not computed: nothing to check */
        x = ts == V_DERIVED ? jx_derivations_find(c->dv, total.path) : NULL;
        if (x && x->rule == r->id)
            goto done; /* computed by this very rule */
    } else {
        vstate ts;
        if (sum_parts(c, &r->totals, entry, &tv, &ts, NULL, &tfirst, &tkeep) != JX_OK ||
            ts != V_STATED)
            goto done;
    }
    /* conv is formatted below even when the shift fails (an uninitialised
     * scale overran jx_decimal_format's buffer: tests/data/fuzz-crashers/). */
    jx_decimal sum, conv = {0, 0};
    vstate ps;
    ref first = {0};
    int cmp;
    if (sum_parts(c, &r->list, entry, &sum, &ps, NULL, &first, &keep) != JX_OK ||
        !cmp_scaled(tv, sum, r->scale_exp, &cmp) || cmp == 0)
        goto done;
    int exact = jx_decimal_shift(sum, r->scale_exp, &conv) == JX_OK;
    jx_buf b = {0};
    char tvs[64], sums[64], convs[64], diffs[64] = "";
    jx_decimal diff;
    fmt_dec(tv, tvs, sizeof tvs);
    fmt_dec(sum, sums, sizeof sums);
    fmt_dec(conv, convs, sizeof convs);
    if (exact && jx_decimal_sub(tv, conv, &diff) == JX_OK) {
        if (diff.units < 0)
            diff.units = -diff.units;
        fmt_dec(diff, diffs, sizeof diffs);
    }
    const operand *t0 = &r->totals.items[0];
    const char *tu = unit_of(t0), *pu = unit_of(&r->list.items[0]);
    if (r->first.path) {
        jx_buf_printf(&b, "%s (%s) %s%s%s ≠ ", label_of(&r->first), total.path,
                      x ? _("computed ") : "", tvs, tu);
    } else {
        describe_parts(&r->totals, &b);
        jx_buf_printf(&b, " = %s%s ≠ ", tvs, tu);
    }
    describe_parts(&r->list, &b);
    if (r->scale_exp && exact)
        jx_buf_printf(&b, " = %s%s = %s%s", sums, pu, convs, tu);
    else
        jx_buf_printf(&b, " = %s%s", r->scale_exp ? sums : convs, r->scale_exp ? pu : tu);
    if (*diffs)
        jx_buf_printf(&b, _(" (a difference of %s%s)"), diffs, tu);
    const ref *at = r->first.path ? (field_given(&total) ? &total : first.path ? &first : &total)
                                  : tfirst.path ? &tfirst : entry;
    if (b.oom)
        c->oom = 1;
    else
        report(c, r, at, jx_buf_str(&b));
    jx_buf_free(&b);
done:
    refs_free(&keep);
    refs_free(&tkeep);
    refs_free(&tmp);
}

/* le: left ≤ right × 10^scale. */
static void check_le(checker *c, const rule *r, const ref *entry)
{
    refs t1 = {0}, t2 = {0};
    ref left, right;
    if (!operand_one(c, &r->first, entry, &t1, &left) ||
        !operand_one(c, &r->second, entry, &t2, &right))
        goto done;
    jx_decimal lv, rv, rc;
    vstate ls = amount_of(c, &r->first, &left, &lv), rs = amount_of(c, &r->second, &right, &rv);
    if (ls == V_ABSENT || rs == V_ABSENT || ls == V_PENDING || rs == V_PENDING)
        goto done;
    int cmp;
    if (!cmp_scaled(lv, rv, r->scale_exp, &cmp) || cmp <= 0)
        goto done;
    if (jx_decimal_shift(rv, r->scale_exp, &rc) != JX_OK)
        rc = rv;
    char ls_[64], rs_[64], rcs[64], msg[1024];
    fmt_dec(lv, ls_, sizeof ls_);
    fmt_dec(rv, rs_, sizeof rs_);
    fmt_dec(rc, rcs, sizeof rcs);
    char conv[96] = "";
    if (r->scale_exp)
        snprintf(conv, sizeof conv, _(" (that is %s%s)"), rcs, unit_of(&r->first));
    snprintf(msg, sizeof msg, "%s (%s) %s%s > %s (%s) %s%s%s", label_of(&r->first), left.path,
             ls_, unit_of(&r->first), label_of(&r->second), right.path, rs_,
             unit_of(&r->second), conv);
    report(c, r, field_given(&left) ? &left : &right, msg);
done:
    refs_free(&t1);
    refs_free(&t2);
}

/* A numeric reading of an amount or text field.  Returns 1 with *v and
 * *unit (a % for percentages, the schema unit for amounts, or ""), 0 when
 * the text says something else; blank and "-" read as zero. */
static int numeric_of(const operand *o, const ref *f, jx_decimal *v, jx_indicator *ind,
                      const char **unit)
{
    memset(ind, 0, sizeof *ind);
    *v = ZERO;
    *unit = unit_of(o);
    const char *t = f->node ? jx_node_text(f->node) : NULL;
    if (jx_schema_type(o->spec) == JX_FIELD_AMOUNT) {
        if (t && !parse_amount(o->spec, t, v))
            *v = ZERO;
        /* A percentage field holds a ratio; rules compare percent points
         * (45, as "45%" written in a text field reads). */
        if (jx_schema_is_percent(o->spec) && jx_decimal_shift(*v, 2, v) != JX_OK)
            *v = ZERO;
        return 1;
    }
    if (!t || parse_amount(NULL, t, v) /* blank, "-" */)
        return 1;
    if (!jx_indicator_parse(t, ind))
        return 0;
    *v = ind->number;
    *unit = ind->unit;
    return 1;
}

/* Filing text quoted in a message: at most 40 characters (then "…"), cut
 * on a character boundary. */
static void quote(const char *t, char *buf, size_t n)
{
    size_t len = t ? strlen(t) : 0, i = 0, chars = 0, o = 0;
    while (i < len && chars < 40) {
        uint32_t cp;
        size_t l = jx_utf8_decode(t + i, len - i, &cp);
        if (!l || o + l + 4 >= n)
            break;
        memcpy(buf + o, t + i, l);
        o += l;
        i += l;
        chars++;
    }
    if (i < len && o + 4 < n) {
        memcpy(buf + o, "…", 3);
        o += 3;
    }
    buf[o] = '\0';
}

/* The text of a field as shown in a message. */
static void shown(const operand *o, const ref *f, jx_decimal v, const char *unit, char *buf,
                  size_t n)
{
    const char *t = f->node ? jx_node_text(f->node) : NULL;
    if (jx_schema_type(o->spec) != JX_FIELD_AMOUNT && t && *t) {
        snprintf(buf, n, "%s", t);
        return;
    }
    char num[64];
    fmt_dec(v, num, sizeof num);
    snprintf(buf, n, "%s%s", num, unit);
}

/* A field the filing leaves out or leaves blank. */
static int blank(const ref *f)
{
    const char *t = f->node ? jx_node_text(f->node) : NULL;
    return !t || strspn(t, " \t") == strlen(t);
}

/* The fields of an operand list within an entry, with the operand each came
 * from (*owner, to free). */
static void list_refs(checker *c, const operands *ops, const ref *entry, refs *fs,
                      size_t **owner)
{
    *owner = NULL;
    for (size_t i = 0; i < ops->count && !fs->oom; i++) {
        size_t before = fs->count;
        operand_refs(c, &ops->items[i], entry, fs);
        size_t *no = realloc(*owner, (fs->count ? fs->count : 1) * sizeof *no);
        if (!no) {
            fs->oom = 1;
            break;
        }
        *owner = no;
        for (size_t k = before; k < fs->count; k++)
            (*owner)[k] = i;
    }
    if (fs->oom)
        c->oom = 1;
}

/* plan: the values never decrease and the last is `end`.  Blank values in
 * between are skipped; a blank last one is reported; a plan left wholly
 * blank is not checked. */
static void check_plan(checker *c, const rule *r, const ref *entry)
{
    refs fs = {0};
    size_t *owner = NULL;
    list_refs(c, &r->list, entry, &fs, &owner);
    size_t given = 0;
    for (size_t k = 0; k < fs.count; k++)
        given += !blank(&fs.items[k]);
    jx_decimal prev = ZERO;
    size_t prev_k = 0;
    int have_prev = 0;
    char prev_shown[256] = "", end[64], msg[1536];
    fmt_dec(r->limit, end, sizeof end);
    for (size_t k = 0; k < fs.count && given && !c->oom; k++) {
        const operand *o = &r->list.items[owner[k]];
        const ref *f = &fs.items[k];
        const char *unit = jx_schema_type(o->spec) == JX_FIELD_AMOUNT ? unit_of(o) : "%";
        if (blank(f)) {
            if (k + 1 < fs.count)
                continue;
            snprintf(msg, sizeof msg, _("%s (%s) is empty: the last period of the plan should be %s%s"), label_of(o),
                     f->path, end, unit);
            report(c, r, f, msg);
            break;
        }
        jx_decimal v;
        jx_indicator ind;
        const char *vunit;
        if (!numeric_of(o, f, &v, &ind, &vunit) || (*vunit && strcmp(vunit, "%") != 0 &&
                                                    jx_schema_type(o->spec) != JX_FIELD_AMOUNT) ||
            (ind.op != JX_IND_NONE && ind.op != JX_IND_EQ)) {
            char q[256];
            quote(jx_node_text(f->node), q, sizeof q);
            snprintf(msg, sizeof msg, _("%s (%s) '%s' is not a percentage"), label_of(o), f->path, q);
            report(c, r, f, msg);
            break;
        }
        char cur[256];
        shown(o, f, v, unit, cur, sizeof cur);
        if (have_prev && jx_decimal_cmp(v, prev) < 0) {
            snprintf(msg, sizeof msg, _("%s (%s) %s is below the period before, %s (%s) %s: a plan should not decrease"),
                     label_of(o), f->path, cur, label_of(&r->list.items[owner[prev_k]]),
                     fs.items[prev_k].path, prev_shown);
            report(c, r, f, msg);
            break;
        }
        if (k + 1 == fs.count && jx_decimal_cmp(v, r->limit) != 0) {
            snprintf(msg, sizeof msg, _("%s (%s) %s ≠ %s%s: the last period of the plan should be %s%s"), label_of(o),
                     f->path, cur, end, unit, end, unit);
            report(c, r, f, msg);
            break;
        }
        prev = v;
        prev_k = k;
        have_prev = 1;
        snprintf(prev_shown, sizeof prev_shown, "%s", cur);
    }
    free(owner);
    refs_free(&fs);
}

/* a * 10^k with overflow check. */
static int mul_pow10(int64_t a, int k, int64_t *out)
{
    while (k-- > 0) {
        if (a > INT64_MAX / 10 || a < INT64_MIN / 10)
            return 0;
        a *= 10;
    }
    *out = a;
    return 1;
}

/* ratio: value = amount / total (× 100 for percentages), to the value's
 * own decimals. */
static void check_ratio(checker *c, const rule *r, const ref *entry)
{
    refs t1 = {0}, t2 = {0}, t3 = {0};
    ref value, amount, total;
    if (!operand_one(c, &r->first, entry, &t1, &value) ||
        !operand_one(c, &r->second, entry, &t2, &amount) ||
        !operand_one(c, &r->third, entry, &t3, &total) || !field_given(&value))
        goto done;
    jx_decimal v, a, t;
    jx_indicator ind;
    const char *vunit;
    vstate as = amount_of(c, &r->second, &amount, &a),
           ts = amount_of(c, &r->third, &total, &t);
    if (as == V_PENDING || ts == V_PENDING || jx_decimal_is_zero(t))
        goto done;
    char msg[1536];
    if (!numeric_of(&r->first, &value, &v, &ind, &vunit) || (*vunit && strcmp(vunit, "%"))) {
        char q[256];
        quote(jx_node_text(value.node), q, sizeof q);
        snprintf(msg, sizeof msg, _("%s (%s) '%s' is not a ratio"), label_of(&r->first), value.path, q);
        report(c, r, &value, msg);
        goto done;
    }
    /* The value in percent when it is written with %, else as the rule says. */
    int pct = strcmp(vunit, "%") == 0 || r->percent;
    /* Compared to the decimals written, and a fraction to whole percent at least. */
    int d = v.scale;
    if (!pct && d < 2) {
        if (!mul_pow10(v.units, 2 - d, &v.units))
            goto done;
        v.scale = d = 2;
    }
    int64_t num, den;
    /* expected × 10^d = a.units × 10^(t.scale + d [+2]) / (t.units × 10^a.scale) */
    if (!mul_pow10(a.units, t.scale + d + (pct ? 2 : 0), &num) ||
        !mul_pow10(t.units, a.scale, &den) || den == 0)
        goto done;
    int64_t q = num / den, rem = num % den;
    int64_t arem = rem < 0 ? -rem : rem, aden = den < 0 ? -den : den;
    if (arem >= aden - arem) /* |rem| ≥ |den|/2: round half away from zero */
        q += ((num < 0) != (den < 0)) ? -1 : 1;
    if (q == v.units)
        goto done;
    char vs[256], as_[64], ts_[64], es[64];
    shown(&r->first, &value, v, pct && !*vunit && jx_schema_type(r->first.spec) != JX_FIELD_AMOUNT
                                    ? "%"
                                    : vunit,
          vs, sizeof vs);
    fmt_dec(a, as_, sizeof as_);
    fmt_dec(t, ts_, sizeof ts_);
    jx_decimal_format((jx_decimal){q, d}, d, 0, es, sizeof es);
    snprintf(msg, sizeof msg, "%s (%s) %s ≠ %s (%s) %s%s ÷ %s (%s) %s%s = %s%s",
             label_of(&r->first), value.path, vs, label_of(&r->second), amount.path, as_,
             unit_of(&r->second), label_of(&r->third), total.path, ts_, unit_of(&r->third), es,
             pct ? "%" : "");
    report(c, r, &value, msg);
done:
    refs_free(&t1);
    refs_free(&t2);
    refs_free(&t3);
}

/* The indicator's name in an entry ("" when the rule names none). */
static void name_of(const checker *c, const rule *r, const ref *entry, char *buf, size_t n)
{
    refs tmp = {0};
    ref f;
    buf[0] = '\0';
    if (r->name.path && operand_one(c, &r->name, entry, &tmp, &f) && f.node &&
        jx_node_text(f.node)) {
        char raw[512];
        snprintf(raw, sizeof raw, "%s", jx_node_text(f.node));
        size_t len = strlen(raw);
        while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\n'))
            raw[--len] = '\0';
        snprintf(buf, n, "%s", raw);
    }
    refs_free(&tmp);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* rate_max: an indicator that is a rate (its name ends with a suffix) has
 * no percentage above max, unless it is only a ceiling (≤). */
static void check_rate(checker *c, const rule *r, const ref *entry)
{
    char name[512];
    name_of(c, r, entry, name, sizeof name);
    int rate = r->nwords == 0;
    for (size_t i = 0; i < r->nwords && !rate; i++)
        rate = ends_with(name, r->words[i]);
    for (size_t i = 0; i < r->nexcept && rate; i++)
        rate = strstr(name, r->except[i]) == NULL;
    if (!rate)
        return;
    for (size_t i = 0; i < r->list.count; i++) {
        refs fs = {0};
        operand_refs(c, &r->list.items[i], entry, &fs);
        for (size_t k = 0; k < fs.count; k++) {
            const char *t = fs.items[k].node ? jx_node_text(fs.items[k].node) : NULL;
            jx_indicator ind;
            if (!t || !jx_indicator_parse(t, &ind) || strcmp(ind.unit, "%") != 0 ||
                ind.op == JX_IND_LE || ind.op == JX_IND_LT ||
                jx_decimal_cmp(ind.number, r->limit) <= 0)
                continue;
            char lim[64], msg[1536];
            fmt_dec(r->limit, lim, sizeof lim);
            snprintf(msg, sizeof msg, _("%s%s%s%s (%s) %s is over %s%%: a rate should not be higher than %s%%"),
                     *name ? "「" : "", name, *name ? "」" : "", label_of(&r->list.items[i]),
                     fs.items[k].path, t, lim, lim);
            report(c, r, &fs.items[k], msg);
        }
        refs_free(&fs);
    }
}

/* yoy: the last value (this year's target) is not below an earlier year's,
 * unless it is a ceiling (≤, <). */
static void check_yoy(checker *c, const rule *r, const ref *entry)
{
    refs fs = {0};
    size_t *owner = NULL;
    list_refs(c, &r->list, entry, &fs, &owner);
    if (fs.count < 2 || fs.oom)
        goto done;
    const ref *cur = &fs.items[fs.count - 1];
    jx_indicator now;
    const char *nt = cur->node ? jx_node_text(cur->node) : NULL;
    if (!nt || !jx_indicator_parse(nt, &now) || now.op == JX_IND_LE || now.op == JX_IND_LT)
        goto done;
    for (size_t k = fs.count - 1; k-- > 0;) {
        const char *pt = fs.items[k].node ? jx_node_text(fs.items[k].node) : NULL;
        jx_indicator past;
        int cmp;
        if (!pt || !jx_indicator_parse(pt, &past) || !jx_indicator_compare(&now, &past, &cmp))
            continue;
        if (cmp >= 0)
            continue;
        char name[512], msg[2048];
        name_of(c, r, entry, name, sizeof name);
        snprintf(msg, sizeof msg, _("%s%s%s%s (%s) %s is below %s (%s) %s: the target is lower than in earlier years"),
                 *name ? "「" : "", name, *name ? "」" : "",
                 label_of(&r->list.items[owner[fs.count - 1]]), cur->path, nt,
                 label_of(&r->list.items[owner[k]]), fs.items[k].path, pt);
        report(c, r, cur, msg);
        break;
    }
done:
    free(owner);
    refs_free(&fs);
}

/* match: Σ parts × 10^scale equals one of the candidates. */
static void check_match(checker *c, const rule *r, const ref *entry)
{
    refs keep = {0};
    ref first = {0};
    jx_decimal sum, conv;
    vstate ps;
    if (sum_parts(c, &r->list, entry, &sum, &ps, NULL, &first, &keep) != JX_OK ||
        ps != V_STATED || jx_decimal_shift(sum, r->scale_exp, &conv) != JX_OK)
        goto done;
    jx_buf b = {0};
    int any = 0;
    for (size_t i = 0; i < r->candidates.count; i++) {
        refs fs = {0};
        operand_refs(c, &r->candidates.items[i], entry, &fs);
        for (size_t k = 0; k < fs.count; k++) {
            jx_decimal v;
            if (amount_of(c, &r->candidates.items[i], &fs.items[k], &v) == V_ABSENT)
                continue;
            if (jx_decimal_cmp(v, conv) == 0) {
                refs_free(&fs);
                jx_buf_free(&b);
                goto done;
            }
            char vs[64];
            fmt_dec(v, vs, sizeof vs);
            jx_buf_printf(&b, "%s%s (%s) %s%s", any++ ? "、" : "",
                          label_of(&r->candidates.items[i]), fs.items[k].path, vs,
                          unit_of(&r->candidates.items[i]));
        }
        refs_free(&fs);
    }
    if (!any) {
        jx_buf_free(&b);
        goto done;
    }
    jx_buf m = {0};
    char ss[64];
    fmt_dec(conv, ss, sizeof ss);
    describe_parts(&r->list, &m);
    if (r->list.count == 1)
        jx_buf_printf(&m, " (%s)", r->list.items[0].path);
    jx_buf_printf(&m, _(" = %s%s, equal to none of %s"), ss,
                  unit_of(&r->candidates.items[0]), jx_buf_str(&b));
    if (m.oom || b.oom)
        c->oom = 1;
    else
        report(c, r, first.path ? &first : entry, jx_buf_str(&m));
    jx_buf_free(&m);
    jx_buf_free(&b);
done:
    refs_free(&keep);
}

jx_status jx_rules_check(const jx_rules *rules, const jx_node *schema, const jx_node *filing,
                         const char *file, jx_derivations *dv, jx_diags *d)
{
    (void)schema;
    if (!rules || !rules->count || !filing)
        return JX_OK;
    checker c = {rules, filing, file, d, dv, NULL, 0, 0, NULL, 0, 0, 0};
    jx_status st = derive_all(&c);
    for (size_t i = 0; i < rules->count && st == JX_OK && !c.oom; i++) {
        const rule *r = &rules->items[i];
        refs entries = {0};
        rule_entries(&c, r, &entries);
        if (entries.oom)
            c.oom = 1;
        for (size_t e = 0; e < entries.count && !c.oom; e++) {
            const ref *en = &entries.items[e];
            switch (r->kind) {
            case RK_SUM: check_sum(&c, r, en); break;
            case RK_LE: check_le(&c, r, en); break;
            case RK_PLAN: check_plan(&c, r, en); break;
            case RK_RATIO: check_ratio(&c, r, en); break;
            case RK_RATE_MAX: check_rate(&c, r, en); break;
            case RK_YOY: check_yoy(&c, r, en); break;
            case RK_MATCH: check_match(&c, r, en); break;
            }
        }
        refs_free(&entries);
    }
    for (size_t i = 0; i < c.npend; i++) {
        free(c.pend[i].entry_path);
        free(c.pend[i].total_path);
    }
    free(c.pend);
    free(c.pend_slots);
    if (c.oom)
        return jx_diag_error(d, JX_ERR_NOMEM, file, 0, 0, _("out of memory"));
    if (st != JX_OK)
        return st;
    return c.errors ? JX_ERR_FILING : JX_OK;
}
