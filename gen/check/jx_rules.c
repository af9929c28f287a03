/* jx_rules.c - a form's arithmetic rules: reading them from the layout,
 * computing derived totals, checking a filing. */
#include "jx_rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_indicator.h"
#include "jx_schema.h"
#include "jx_util.h"
#include "jx_i18n.h"

#define MAX_RULES 512
#define MAX_OPERANDS 256
#define MAX_WORDS 32
#define PATH_MAX_LEN 512
#define MAX_EACH 16
#define MAX_FORMULA 8000

/* ------------------------------------------------------------------------ */
/* The compiled rules                                                        */

typedef enum rule_kind { RK_SUM, RK_LE, RK_PLAN, RK_RATIO, RK_RATE_MAX, RK_YOY, RK_MATCH } rule_kind;

static const char *const kind_names[] = {"sum", "le", "plan", "ratio", "rate_max", "yoy",
                                         "match", NULL};

/* One field a rule names. */
typedef struct operand {
    const char *path;        /* without the leading '/'; NULL when not given */
    int absolute;            /* written "/x.y": from the filing root even inside each: */
    int pattern;             /* holds '*': every entry of a list */
    const jx_node *spec;     /* the field's schema spec */
    const jx_node *at;       /* where the layout names it */
} operand;

typedef struct operands {
    operand *items;
    size_t count;
} operands;

typedef struct rule {
    const char *id;
    rule_kind kind;
    jx_severity severity;
    const char *label;       /* optional subject named before the message */
    char *each[MAX_EACH];    /* list patterns without a trailing ".*" (none: the filing) */
    size_t neach;
    const jx_node *node;
    operands totals;         /* sum: the total (Σ of them when several) */
    operand first;           /* sum: the total when it is one field; le: left; ratio: value */
    operand second;          /* le: right; ratio: amount */
    operand third;           /* ratio: total */
    operand name;            /* rate_max, yoy: the indicator's name field (optional) */
    operands list;           /* sum, match: parts; plan, rate_max, yoy: values */
    operands candidates;     /* match */
    int scale_exp;           /* the second operand(s) are multiplied by 10^scale_exp */
    int has_scale;
    int derive;              /* sum: computes its total when the filing leaves it out */
    int percent;             /* ratio: the value is a percentage (100 = all) */
    jx_decimal limit;        /* rate_max: max; plan: end */
    const char *words[MAX_WORDS]; /* rate_max: name suffixes that mark a rate */
    size_t nwords;
    const char *except[MAX_WORDS]; /* rate_max: names holding one of these are no rate */
    size_t nexcept;
} rule;

struct jx_rules {
    rule *items;
    size_t count;
    const char *layout_file;
};

size_t jx_rules_count(const jx_rules *rules)
{
    return rules ? rules->count : 0;
}

static void free_rule(rule *r)
{
    for (size_t i = 0; i < r->neach; i++)
        free(r->each[i]);
    free(r->totals.items);
    free(r->list.items);
    free(r->candidates.items);
}

void jx_rules_free(jx_rules *rules)
{
    if (!rules)
        return;
    for (size_t i = 0; i < rules->count; i++)
        free_rule(&rules->items[i]);
    free(rules->items);
    free(rules);
}

/* ------------------------------------------------------------------------ */
/* Reading and checking rule definitions                                    */

typedef struct loader {
    const char *file;
    const jx_node *schema;
    jx_diags *d;
    int errors;
    int oom;
    const char *id;          /* of the rule being read, for messages */
} loader;

/* Adds a layout error at `at`: fmt takes exactly three %s (a, b, c; NULL
 * reads as ""), prefixed with the rule's id. */
static void lerr(loader *ld, const jx_node *at, const char *fmt, const char *a, const char *b,
                 const char *c)
{
    a = a ? a : "";
    b = b ? b : "";
    c = c ? c : "";
    fmt = _(fmt); /* in the catalog: xgettext -klerr:3 */
    int n = snprintf(NULL, 0, fmt, a, b, c);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg)
        snprintf(msg, (size_t)n + 1, fmt, a, b, c);
    else
        ld->oom = 1;
    jx_diags_add(ld->d, JX_SEV_ERROR, ld->file, at ? at->line : 0, at ? at->col : 0, NULL,
                 "%s%s%s%s", ld->id ? _("rule ") : "", ld->id ? ld->id : "", ld->id ? _(": ") : "",
                 msg ? msg : fmt);
    free(msg);
    ld->errors++;
}

static int is_true(const jx_node *n)
{
    const char *t = jx_node_text(n);
    return t && (strcmp(t, "true") == 0 || strcmp(t, "yes") == 0);
}

static int is_bool(const jx_node *n)
{
    const char *t = jx_node_text(n);
    return t && (strcmp(t, "true") == 0 || strcmp(t, "yes") == 0 || strcmp(t, "false") == 0 ||
                 strcmp(t, "no") == 0);
}

/* Resolves a rule path in the schema.  base: the field map paths start in.
 * want_list: the path must end at a list (for each:).  Returns the spec or
 * NULL with a reason in err. */
static const jx_node *resolve_spec(const jx_node *base, const char *path, int allow_pattern,
                                   int want_list, char *err, size_t errn)
{
    const jx_node *fields = base, *spec = NULL;
    int want_star = 0;
    char seg[128], done[PATH_MAX_LEN] = "";
    const char *p = path;
    if (!*p) {
        snprintf(err, errn, "an empty path");
        return NULL;
    }
    while (*p) {
        size_t len = strcspn(p, ".");
        if (len == 0 || len >= sizeof seg) {
            snprintf(err, errn, "'%s' is not a field path such as fund.total or spending.*.full",
                     path);
            return NULL;
        }
        memcpy(seg, p, len);
        seg[len] = '\0';
        p += len + (p[len] == '.');
        if (strcmp(seg, "*") == 0) {
            if (!want_star) {
                snprintf(err, errn, "'*' in '%s' must follow a list field", path);
                return NULL;
            }
            if (!allow_pattern) {
                snprintf(err, errn, "'%s' names every entry of a list; one field is needed here",
                         path);
                return NULL;
            }
            want_star = 0;
            snprintf(done + strlen(done), sizeof done - strlen(done), ".*");
            continue;
        }
        if (want_star) {
            snprintf(err, errn, "%s is a list: write %s.*.%s to name a field of its entries",
                     done, done, seg);
            return NULL;
        }
        if (!fields || fields->kind != JX_NODE_MAP) {
            snprintf(err, errn, "%s has no fields (no '%s' in it)", done, seg);
            return NULL;
        }
        long k = jx_node_key_index(fields, seg);
        if (k < 0) {
            const char *near =
                jx_nearest(seg, (const char *const *)fields->keys, fields->count);
            snprintf(err, errn, "the schema has no field '%s'%s%s%s%s%s", seg,
                     *done ? " in " : "", done, near ? _(" (did you mean '") : "",
                     near ? near : "", near ? _("'?)") : "");
            return NULL;
        }
        spec = fields->items[k];
        snprintf(done + strlen(done), sizeof done - strlen(done), "%s%s", *done ? "." : "",
                 seg);
        jx_field_type t = jx_schema_type(spec);
        fields = jx_schema_children(spec);
        if (t == JX_FIELD_LIST)
            want_star = 1;
    }
    if (want_list) {
        if (!spec || jx_schema_type(spec) != JX_FIELD_LIST || !want_star) {
            snprintf(err, errn, "%s is not a list field", path);
            return NULL;
        }
        return spec;
    }
    if (want_star) {
        snprintf(err, errn, "%s is a list: name a field of its entries (%s.*.FIELD)", path,
                 path);
        return NULL;
    }
    return spec;
}

/* The field maps a rule's relative paths start in: the item fields of each
 * list of its each: (or the schema itself). */
typedef struct entry_maps {
    const jx_node *fields[MAX_EACH];
    const char *patterns[MAX_EACH];
    size_t count;
} entry_maps;

/* Reads one operand from node `n` (a path string); it must name a field of
 * the right type in every entry map. */
static int read_operand(loader *ld, const jx_node *n, const entry_maps *em, int allow_pattern,
                        unsigned types, const char *what, operand *out)
{
    const jx_node *entry_fields = em->fields[0];
    memset(out, 0, sizeof *out);
    const char *t = jx_node_text(n);
    if (!t || !*t) {
        lerr(ld, n, "%s must be a field path such as fund.total%s%s", what, NULL, NULL);
        return 0;
    }
    out->at = n;
    out->absolute = t[0] == '/';
    out->path = t + out->absolute;
    out->pattern = strchr(out->path, '*') != NULL;
    char err[768];
    out->spec = resolve_spec(out->absolute ? ld->schema : entry_fields, out->path,
                             allow_pattern, 0, err, sizeof err);
    if (!out->spec) {
        lerr(ld, n, "%s: %s%s", what, err, NULL);
        return 0;
    }
    jx_field_type ft = jx_schema_type(out->spec);
    if (!(types & (1u << ft))) {
        const char *want = types == (1u << JX_FIELD_AMOUNT) ? "an amount field"
                           : types & (1u << JX_FIELD_AMOUNT)
                               ? "an amount or text field"
                               : "a text field";
        lerr(ld, n, "%s %s must be %s", what, t, want);
        return 0;
    }
    for (size_t k = 1; k < em->count && !out->absolute; k++) {
        const jx_node *spec =
            resolve_spec(em->fields[k], out->path, allow_pattern, 0, err, sizeof err);
        if (!spec || !(types & (1u << jx_schema_type(spec)))) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s %s is not %s field of the entries of %s%s%s", what, t,
                     spec ? "the same kind of" : "a", em->patterns[k], spec ? "" : ": ",
                     spec ? "" : err);
            lerr(ld, n, "%s%s%s", msg, NULL, NULL);
            return 0;
        }
    }
    return 1;
}

/* Reads `key:` of a rule as a list of operands (a single path is a list of one). */
static int read_operand_list(loader *ld, const jx_node *r, const char *key,
                             const entry_maps *entry_fields, unsigned types, size_t min,
                             operands *out)
{
    const jx_node *n = jx_node_get(r, key);
    if (!n) {
        lerr(ld, r, "needs %s: (a list of field paths)%s%s", key, NULL, NULL);
        return 0;
    }
    size_t count = n->kind == JX_NODE_SEQ ? n->count : 1;
    if (n->kind == JX_NODE_MAP || count < min || count > MAX_OPERANDS) {
        char lim[64];
        snprintf(lim, sizeof lim, "%zu to %d", min, MAX_OPERANDS);
        lerr(ld, n, "%s: must be a list of %s field paths%s", key, lim, NULL);
        return 0;
    }
    out->items = calloc(count, sizeof *out->items);
    if (!out->items) {
        ld->oom = 1;
        return 0;
    }
    out->count = count;
    int ok = 1;
    for (size_t i = 0; i < count; i++) {
        const jx_node *item = n->kind == JX_NODE_SEQ ? n->items[i] : n;
        ok &= read_operand(ld, item, entry_fields, 1, types, key, &out->items[i]);
    }
    return ok;
}

/* A power of ten such as 10000 or 0.0001 -> its exponent. */
static int read_scale(const jx_node *n, int *exp10)
{
    const char *t = jx_node_text(n);
    jx_decimal v;
    if (!t || jx_decimal_parse(t, 0, &v) != JX_OK || v.units <= 0)
        return 0;
    int64_t u = v.units;
    int e = -v.scale;
    while (u % 10 == 0) {
        u /= 10;
        e++;
    }
    if (u != 1)
        return 0;
    *exp10 = e;
    return 1;
}

/* Reads a list of words (or one word). */
static size_t read_words(loader *ld, const jx_node *n, const char **out, const char *key)
{
    if (!n)
        return 0;
    size_t count = n->kind == JX_NODE_SEQ ? n->count : 1;
    if (n->kind == JX_NODE_MAP || count > MAX_WORDS) {
        lerr(ld, n, "%s: must be a list of at most 32 words%s%s", key, NULL, NULL);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        const jx_node *w = n->kind == JX_NODE_SEQ ? n->items[i] : n;
        const char *t = jx_node_text(w);
        if (!t || !*t) {
            lerr(ld, w, "%s: each entry must be a word%s%s", key, NULL, NULL);
            return 0;
        }
        out[i] = t;
    }
    return count;
}

/* The unit check of sum, le and match: the second operand(s), times the
 * scale, must be in the first's unit. */
static void check_units(loader *ld, const rule *r, const operand *first, const operand *seconds,
                        size_t n)
{
    const char *u1 = jx_schema_unit(first->spec);
    for (size_t i = 0; i < n; i++) {
        const char *u2 = jx_schema_unit(seconds[i].spec);
        if (!u1 || !u2)
            continue;
        const char *b1, *b2;
        int e1, e2;
        int known = jx_unit_family(u1, &b1, &e1) && jx_unit_family(u2, &b2, &e2) &&
                    strcmp(b1, b2) == 0;
        if (strcmp(u1, u2) == 0) {
            if (r->has_scale && r->scale_exp != 0)
                lerr(ld, seconds[i].at, "%s and %s are both in %s, yet scale: is not 1",
                     first->path, seconds[i].path, u1);
            continue;
        }
        if (!r->has_scale) {
            char msg[512];
            snprintf(msg, sizeof msg,
                     "%s is in %s but %s in %s: add scale: (the power of ten that converts %s "
                     "into %s)",
                     first->path, u1, seconds[i].path, u2, u2, u1);
            lerr(ld, seconds[i].at, "%s%s%s", msg, NULL, NULL);
            continue;
        }
        if (known && e2 - e1 != r->scale_exp) {
            char msg[256];
            snprintf(msg, sizeof msg, "scale: 1e%d does not convert %s into %s (that is 1e%d)",
                     r->scale_exp, u2, u1, e2 - e1);
            lerr(ld, jx_node_get(r->node, "scale"), "%s%s%s", msg, NULL, NULL);
        }
    }
}

static const char *const common_keys[] = {"id", "kind", "severity", "label", "each", NULL};

/* The keys a rule of each kind may have besides common_keys. */
static const char *const *kind_keys(rule_kind k)
{
    static const char *const sum[] = {"total", "parts", "scale", "derive", NULL};
    static const char *const le[] = {"left", "right", "scale", NULL};
    static const char *const plan[] = {"values", "end", NULL};
    static const char *const ratio[] = {"value", "amount", "total", "percent", NULL};
    static const char *const rate[] = {"values", "name", "suffixes", "except", "max", NULL};
    static const char *const yoy[] = {"values", "name", NULL};
    static const char *const match[] = {"parts", "candidates", "scale", NULL};
    switch (k) {
    case RK_SUM: return sum;
    case RK_LE: return le;
    case RK_PLAN: return plan;
    case RK_RATIO: return ratio;
    case RK_RATE_MAX: return rate;
    case RK_YOY: return yoy;
    default: return match;
    }
}

static void check_rule_keys(loader *ld, const jx_node *r, rule_kind k)
{
    const char *all[32];
    size_t n = 0;
    for (size_t i = 0; common_keys[i]; i++)
        all[n++] = common_keys[i];
    for (const char *const *p = kind_keys(k); *p; p++)
        all[n++] = *p;
    for (size_t i = 0; i < r->count; i++) {
        int ok = 0;
        for (size_t a = 0; a < n && !ok; a++)
            ok = strcmp(r->keys[i], all[a]) == 0;
        if (ok)
            continue;
        const char *near = jx_nearest(r->keys[i], all, n);
        jx_node at = {0};
        at.line = r->key_lines[i];
        at.col = r->key_cols[i];
        char kind_msg[64];
        snprintf(kind_msg, sizeof kind_msg, "a rule of kind %s", kind_names[k]);
        char sugg[160] = "";
        if (near)
            snprintf(sugg, sizeof sugg, _(" (did you mean '%s'?)"), near);
        lerr(ld, &at, "unknown key '%s' in %s%s", r->keys[i], kind_msg, sugg);
    }
}

static int valid_id(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

static const unsigned T_AMOUNT = 1u << JX_FIELD_AMOUNT;
static const unsigned T_NUMERIC = (1u << JX_FIELD_AMOUNT) | (1u << JX_FIELD_TEXT);
static const unsigned T_TEXT = (1u << JX_FIELD_TEXT) | (1u << JX_FIELD_RICH);

/* Reads one rule map into r.  Returns 1 when it is well formed. */
static int read_rule(loader *ld, const jx_node *n, rule *r)
{
    memset(r, 0, sizeof *r);
    r->node = n;
    r->severity = JX_SEV_ERROR;
    r->derive = 1;
    r->percent = 1;
    ld->id = NULL;
    if (n->kind != JX_NODE_MAP) {
        lerr(ld, n, "a rule is a map such as {id: fund-subtotal, kind: sum, total: …, parts: "
                    "[…]}%s%s%s",
             NULL, NULL, NULL);
        return 0;
    }
    int before = ld->errors;
    const jx_node *id = jx_node_get(n, "id");
    r->id = jx_node_text(id);
    if (!valid_id(r->id)) {
        lerr(ld, id ? id : n, "a rule needs id: (lower-case letters, digits and '-', as shown "
                              "in messages)%s%s%s",
             NULL, NULL, NULL);
        return 0;
    }
    ld->id = r->id;
    const jx_node *kind = jx_node_get(n, "kind");
    const char *kt = jx_node_text(kind);
    size_t k = 0;
    while (kind_names[k] && !(kt && strcmp(kt, kind_names[k]) == 0))
        k++;
    if (!kind_names[k]) {
        const char *near = kt ? jx_nearest(kt, kind_names, 7) : NULL;
        char sugg[96] = "";
        if (near)
            snprintf(sugg, sizeof sugg, _(" (did you mean '%s'?)"), near);
        lerr(ld, kind ? kind : n,
             "kind: must be sum, le, plan, ratio, rate_max, yoy or match, not '%s'%s%s",
             kt ? kt : "", sugg, NULL);
        return 0;
    }
    r->kind = (rule_kind)k;
    check_rule_keys(ld, n, r->kind);
    const jx_node *v;
    if ((v = jx_node_get(n, "severity"))) {
        const char *s = jx_node_text(v);
        if (s && strcmp(s, "error") == 0)
            r->severity = JX_SEV_ERROR;
        else if (s && strcmp(s, "warning") == 0)
            r->severity = JX_SEV_WARNING;
        else
            lerr(ld, v, "severity: must be error or warning, not '%s'%s%s", s ? s : "", NULL,
                 NULL);
    }
    if ((v = jx_node_get(n, "label"))) {
        r->label = jx_node_text(v);
        if (!r->label)
            lerr(ld, v, "label: must be text%s%s%s", NULL, NULL, NULL);
    }
    entry_maps em = {{ld->schema}, {""}, 1};
    entry_maps *entry = &em;
    if ((v = jx_node_get(n, "each"))) {
        size_t count = v->kind == JX_NODE_SEQ ? v->count : 1;
        if (v->kind == JX_NODE_MAP || count == 0 || count > MAX_EACH) {
            lerr(ld, v, "each: must name a list field, or be a list of 1 to 16 of them%s%s%s",
                 NULL, NULL, NULL);
            return 0;
        }
        em.count = 0;
        for (size_t i = 0; i < count; i++) {
            const jx_node *pn = v->kind == JX_NODE_SEQ ? v->items[i] : v;
            const char *t = jx_node_text(pn);
            char err[768];
            char *path = strdup(t ? t : "");
            if (!path) {
                ld->oom = 1;
                return 0;
            }
            r->each[r->neach++] = path;
            size_t pl = strlen(path);
            if (pl >= 2 && strcmp(path + pl - 2, ".*") == 0)
                path[pl - 2] = '\0';
            const jx_node *spec =
                t && *t ? resolve_spec(ld->schema, path, 1, 1, err, sizeof err) : NULL;
            if (!spec) {
                lerr(ld, pn, "each: %s%s%s", t && *t ? err : "must name a list field", NULL,
                     NULL);
                return 0;
            }
            em.fields[em.count] = jx_schema_children(spec);
            em.patterns[em.count++] = path;
        }
    }
    if ((v = jx_node_get(n, "scale"))) {
        if (!read_scale(v, &r->scale_exp))
            lerr(ld, v, "scale: must be a power of ten such as 10000 or 0.0001, not '%s'%s%s",
                 jx_node_text(v) ? jx_node_text(v) : "", NULL, NULL);
        r->has_scale = 1;
    }
    switch (r->kind) {
    case RK_SUM:
        if (!jx_node_get(n, "total")) {
            lerr(ld, n, "a sum rule needs total: (the field that is the sum)%s%s%s", NULL, NULL,
                 NULL);
        } else if (read_operand_list(ld, n, "total", entry, T_AMOUNT, 1, &r->totals) &&
                   read_operand_list(ld, n, "parts", entry, T_AMOUNT, 1, &r->list)) {
            if (r->totals.count == 1 && !r->totals.items[0].pattern)
                r->first = r->totals.items[0];
            check_units(ld, r, &r->totals.items[0], r->list.items, r->list.count);
            for (size_t i = 1; i < r->totals.count; i++)
                check_units(ld, r, &r->totals.items[0], &r->totals.items[i], 1);
        }
        if ((v = jx_node_get(n, "derive"))) {
            if (!is_bool(v))
                lerr(ld, v, "derive: must be true or false%s%s%s", NULL, NULL, NULL);
            r->derive = is_true(v);
        }
        break;
    case RK_LE:
        if (!jx_node_get(n, "left") || !jx_node_get(n, "right")) {
            lerr(ld, n, "an le rule needs left: and right: (left ≤ right)%s%s%s", NULL, NULL,
                 NULL);
            break;
        }
        if (read_operand(ld, jx_node_get(n, "left"), entry, 0, T_AMOUNT, "left", &r->first) &&
            read_operand(ld, jx_node_get(n, "right"), entry, 0, T_AMOUNT, "right",
                         &r->second))
            check_units(ld, r, &r->first, &r->second, 1);
        break;
    case RK_PLAN:
        read_operand_list(ld, n, "values", entry, T_NUMERIC, 2, &r->list);
        r->limit = (jx_decimal){100, 0};
        if ((v = jx_node_get(n, "end")) &&
            (!jx_node_text(v) || jx_decimal_parse(jx_node_text(v), 0, &r->limit) != JX_OK))
            lerr(ld, v, "end: must be a number (100 when the values are percentages)%s%s%s",
                 NULL, NULL, NULL);
        break;
    case RK_RATIO: {
        const char *keys[] = {"value", "amount", "total"};
        operand *ops[] = {&r->first, &r->second, &r->third};
        for (int i = 0; i < 3; i++) {
            const jx_node *o = jx_node_get(n, keys[i]);
            if (!o)
                lerr(ld, n, "a ratio rule needs value:, amount: and total: (value = amount / "
                            "total); %s: is missing%s%s",
                     keys[i], NULL, NULL);
            else
                read_operand(ld, o, entry, 0, i == 0 ? T_NUMERIC : T_AMOUNT, keys[i], ops[i]);
        }
        if ((v = jx_node_get(n, "percent"))) {
            if (!is_bool(v))
                lerr(ld, v, "percent: must be true or false%s%s%s", NULL, NULL, NULL);
            r->percent = is_true(v);
        }
        break;
    }
    case RK_RATE_MAX:
    case RK_YOY:
        read_operand_list(ld, n, "values", entry, T_NUMERIC, r->kind == RK_YOY ? 2 : 1,
                          &r->list);
        if ((v = jx_node_get(n, "name")))
            read_operand(ld, v, entry, 0, T_TEXT, "name", &r->name);
        if (r->kind == RK_RATE_MAX) {
            r->limit = (jx_decimal){100, 0};
            if ((v = jx_node_get(n, "max")) &&
                (!jx_node_text(v) || jx_decimal_parse(jx_node_text(v), 0, &r->limit) != JX_OK))
                lerr(ld, v, "max: must be a number of percent%s%s%s", NULL, NULL, NULL);
            r->nwords = read_words(ld, jx_node_get(n, "suffixes"), r->words, "suffixes");
            if (!jx_node_get(n, "suffixes")) {
                r->words[0] = "率";
                r->nwords = 1;
            }
            r->nexcept = read_words(ld, jx_node_get(n, "except"), r->except, "except");
            if (!r->name.path && r->nwords)
                lerr(ld, n, "a rate_max rule needs name: (the field holding the indicator's "
                            "name, matched against suffixes:)%s%s%s",
                     NULL, NULL, NULL);
        }
        break;
    case RK_MATCH:
        if (read_operand_list(ld, n, "parts", entry, T_AMOUNT, 1, &r->list) &&
            read_operand_list(ld, n, "candidates", entry, T_AMOUNT, 1, &r->candidates))
            check_units(ld, r, &r->candidates.items[0], r->list.items, r->list.count);
        break;
    }
    if (r->kind == RK_SUM && !r->first.path && r->derive && jx_node_get(n, "derive") &&
        ld->errors == before)
        lerr(ld, jx_node_get(n, "derive"),
             "derive: a total of several fields (or a list) cannot be computed%s%s%s", NULL,
             NULL, NULL);
    return ld->errors == before && !ld->oom;
}

/* The pattern path from the filing root of a sum rule's total in the
 * entries of its i-th each: list. */
static void total_pattern(const rule *r, size_t i, char *buf, size_t n)
{
    if (r->first.absolute || !r->neach)
        snprintf(buf, n, "%s", r->first.path ? r->first.path : "");
    else
        snprintf(buf, n, "%s.*.%s", r->each[i], r->first.path ? r->first.path : "");
}

const char *jx_rules_deriving(const jx_rules *rules, const char *pattern)
{
    for (size_t k = 0; rules && k < rules->count; k++) {
        const rule *r = &rules->items[k];
        if (r->kind != RK_SUM || !r->derive || !r->first.path)
            continue;
        for (size_t i = 0; i < (r->neach ? r->neach : 1); i++) {
            char tp[PATH_MAX_LEN * 2];
            total_pattern(r, i, tp, sizeof tp);
            if (strcmp(tp, pattern) == 0)
                return r->id;
        }
    }
    return NULL;
}

/* Every `derived: true` field must be the total of a deriving sum rule. */
static void check_derived(loader *ld, const jx_rules *rs, const jx_node *fields,
                          const char *prefix, int depth)
{
    if (!fields || fields->kind != JX_NODE_MAP || depth > 16)
        return;
    for (size_t i = 0; i < fields->count; i++) {
        const jx_node *spec = fields->items[i];
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", fields->keys[i]);
        jx_field_type t = jx_schema_type(spec);
        if (t == JX_FIELD_LIST) {
            char inner[PATH_MAX_LEN + 2];
            snprintf(inner, sizeof inner, "%s.*", path);
            check_derived(ld, rs, jx_schema_children(spec), inner, depth + 1);
            continue;
        }
        if (t == JX_FIELD_MAP) {
            check_derived(ld, rs, jx_schema_children(spec), path, depth + 1);
            continue;
        }
        const jx_node *dn = jx_node_get(spec, "derived");
        if (!dn || !is_true(dn))
            continue;
        if (!jx_rules_deriving(rs, path))
            lerr(ld, dn,
                 "field %s is derived: true, but no sum rule has it as its total (add a rule "
                 "{kind: sum, total: %s, parts: […]})%s",
                 path, path, NULL);
    }
}

jx_status jx_rules_load(const jx_node *rules, const jx_node *schema, const char *layout_file,
                        jx_rules **out, jx_diags *d)
{
    *out = NULL;
    jx_rules *rs = calloc(1, sizeof *rs);
    if (!rs)
        return jx_diag_error(d, JX_ERR_NOMEM, layout_file, 0, 0, _("out of memory"));
    rs->layout_file = layout_file;
    loader ld = {layout_file, schema, d, 0, 0, NULL};
    if (rules && !(rules->kind == JX_NODE_SEQ || jx_node_is_empty(rules))) {
        lerr(&ld, rules, "rules: must be a list of rules%s%s%s", NULL, NULL, NULL);
    } else if (rules && rules->kind == JX_NODE_SEQ && rules->count > MAX_RULES) {
        lerr(&ld, rules, "rules: at most 512 rules%s%s%s", NULL, NULL, NULL);
    } else if (rules && rules->kind == JX_NODE_SEQ && rules->count) {
        rs->items = calloc(rules->count, sizeof *rs->items);
        if (!rs->items) {
            jx_rules_free(rs);
            return jx_diag_error(d, JX_ERR_NOMEM, layout_file, 0, 0, _("out of memory"));
        }
        for (size_t i = 0; i < rules->count && !ld.oom; i++) {
            rule *r = &rs->items[rs->count++];
            read_rule(&ld, rules->items[i], r);
            for (size_t k = 0; r->id && k + 1 < rs->count; k++)
                if (rs->items[k].id && strcmp(rs->items[k].id, r->id) == 0) {
                    ld.id = NULL;
                    lerr(&ld, jx_node_get(r->node, "id"), "rule id '%s' is used twice%s%s",
                         r->id, NULL, NULL);
                }
        }
    }
    ld.id = NULL;
    if (!ld.errors && !ld.oom && schema && schema->kind == JX_NODE_MAP)
        check_derived(&ld, rs, schema, "", 0);
    if (ld.oom) {
        jx_rules_free(rs);
        return jx_diag_error(d, JX_ERR_NOMEM, layout_file, 0, 0, _("out of memory"));
    }
    if (ld.errors) {
        jx_rules_free(rs);
        return JX_ERR_LAYOUT;
    }
    *out = rs;
    return JX_OK;
}

/* ------------------------------------------------------------------------ */
/* Derived values                                                           */

/* A hash index of strings: slots hold item index + 1 (0: free), found by
 * open addressing; key(ctx, i) is item i's string.  Lookups stay O(1) for
 * filings with tens of thousands of entries. */
typedef const char *(*key_fn)(const void *ctx, size_t i);

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Index of the item whose key is k, or -1. */
static long ix_find(const size_t *slots, size_t nslots, const char *k, key_fn key,
                    const void *ctx)
{
    if (!nslots)
        return -1;
    for (size_t i = hash_str(k) & (nslots - 1);; i = (i + 1) & (nslots - 1)) {
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
    size_t i = hash_str(key(ctx, item)) & (*nslots - 1);
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
    if (dv->count == dv->cap) {
        size_t cap = dv->cap ? dv->cap * 2 : 8;
        jx_derived *items = realloc(dv->items, cap * sizeof *items);
        if (!items)
            return JX_ERR_NOMEM;
        dv->items = items;
        dv->cap = cap;
    }
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
    if (rs->count == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 8;
        ref *items = realloc(rs->items, cap * sizeof *items);
        if (!items) {
            rs->oom = 1;
            return;
        }
        rs->items = items;
        rs->cap = cap;
    }
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
            expand(node->items[i], path, rest, out);
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
    expand(node->items[k], path, rest, out);
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
    if (c->npend == c->cappend) {
        size_t cap = c->cappend ? c->cappend * 2 : 8;
        pending *p = realloc(c->pend, cap * sizeof *p);
        if (!p)
            return JX_ERR_NOMEM;
        c->pend = p;
        c->cappend = cap;
    }
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
        if (r->kind != RK_SUM || !r->derive || !r->first.path ||
            !is_true(jx_node_get(r->first.spec, "derived")))
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
