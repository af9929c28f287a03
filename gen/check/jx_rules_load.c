/* jx_rules_load.c - reading a form's arithmetic rules from its layout:
 * every key, path, unit and scale checked against the schema, compiled into
 * the structs of jx_rules_impl.h. */
#include "jx_rules_impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_indicator.h"
#include "jx_schema.h"
#include "jx_util.h"
#include "jx_i18n.h"

static const char *const kind_names[] = {"sum", "le", "plan", "ratio", "rate_max", "yoy",
                                         "match", NULL};

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

/* Adds a layout error at `at` (printf-style), prefixed with the rule's id. */
static void lerr(loader *ld, const jx_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void lerr(loader *ld, const jx_node *at, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    /* fmt is in the catalog (xgettext -klerr:3) */
    int n = vsnprintf(NULL, 0, _(fmt), ap2);
    va_end(ap2);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg)
        vsnprintf(msg, (size_t)n + 1, _(fmt), ap);
    else
        ld->oom = 1;
    va_end(ap);
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
        snprintf(err, errn, "%s", _("an empty path"));
        return NULL;
    }
    while (*p) {
        size_t len = strcspn(p, ".");
        if (len == 0 || len >= sizeof seg) {
            snprintf(err, errn, _("'%s' is not a field path such as fund.total or spending.*.full"),
                     path);
            return NULL;
        }
        memcpy(seg, p, len);
        seg[len] = '\0';
        p += len + (p[len] == '.');
        if (strcmp(seg, "*") == 0) {
            if (!want_star) {
                snprintf(err, errn, _("'*' in '%s' must follow a list field"), path);
                return NULL;
            }
            if (!allow_pattern) {
                snprintf(err, errn, _("'%s' names every entry of a list; one field is needed here"),
                         path);
                return NULL;
            }
            want_star = 0;
            snprintf(done + strlen(done), sizeof done - strlen(done), ".*");
            continue;
        }
        if (want_star) {
            snprintf(err, errn, _("%s is a list: write %s.*.%s to name a field of its entries"),
                     done, done, seg);
            return NULL;
        }
        if (!fields || fields->kind != JX_NODE_MAP) {
            snprintf(err, errn, _("%s has no fields (no '%s' in it)"), done, seg);
            return NULL;
        }
        long k = jx_node_key_index(fields, seg);
        if (k < 0) {
            const char *near = jx_node_nearest_key(fields, seg);
            if (*done && near)
                snprintf(err, errn, _("the schema has no field '%s' in %s (did you mean '%s'?)"),
                         seg, done, near);
            else if (*done)
                snprintf(err, errn, _("the schema has no field '%s' in %s"), seg, done);
            else if (near)
                snprintf(err, errn, _("the schema has no field '%s' (did you mean '%s'?)"), seg,
                         near);
            else
                snprintf(err, errn, _("the schema has no field '%s'"), seg);
            return NULL;
        }
        spec = fields->entries[k].value;
        snprintf(done + strlen(done), sizeof done - strlen(done), "%s%s", *done ? "." : "",
                 seg);
        jx_field_type t = jx_schema_type(spec);
        fields = jx_schema_children(spec);
        if (t == JX_FIELD_LIST)
            want_star = 1;
    }
    if (want_list) {
        if (!spec || jx_schema_type(spec) != JX_FIELD_LIST || !want_star) {
            snprintf(err, errn, _("%s is not a list field"), path);
            return NULL;
        }
        return spec;
    }
    if (want_star) {
        snprintf(err, errn, _("%s is a list: name a field of its entries (%s.*.FIELD)"), path,
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
        lerr(ld, n, "%s must be a field path such as fund.total", what);
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
        lerr(ld, n, "%s: %s", what, err);
        return 0;
    }
    jx_field_type ft = jx_schema_type(out->spec);
    if (!(types & (1u << ft))) {
        const char *want = types == (1u << JX_FIELD_AMOUNT) ? _("an amount field")
                           : types & (1u << JX_FIELD_AMOUNT)
                               ? _("an amount or text field")
                               : _("a text field");
        lerr(ld, n, "%s %s must be %s", what, t, want);
        return 0;
    }
    for (size_t k = 1; k < em->count && !out->absolute; k++) {
        const jx_node *spec =
            resolve_spec(em->fields[k], out->path, allow_pattern, 0, err, sizeof err);
        if (!spec || !(types & (1u << jx_schema_type(spec)))) {
            char msg[1024];
            if (spec)
                snprintf(msg, sizeof msg,
                         _("%s %s is not the same kind of field of the entries of %s"), what, t,
                         em->patterns[k]);
            else
                snprintf(msg, sizeof msg, _("%s %s is not a field of the entries of %s: %s"),
                         what, t, em->patterns[k], err);
            lerr(ld, n, "%s", msg);
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
        lerr(ld, r, "needs %s: (a list of field paths)", key);
        return 0;
    }
    size_t count = n->kind == JX_NODE_SEQ ? n->count : 1;
    if (n->kind == JX_NODE_MAP || count < min || count > MAX_OPERANDS) {
        char lim[64];
        snprintf(lim, sizeof lim, _("%zu to %d"), min, MAX_OPERANDS);
        lerr(ld, n, "%s: must be a list of %s field paths", key, lim);
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
        const jx_node *item = n->kind == JX_NODE_SEQ ? n->entries[i].value : n;
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
        lerr(ld, n, "%s: must be a list of at most 32 words", key);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        const jx_node *w = n->kind == JX_NODE_SEQ ? n->entries[i].value : n;
        const char *t = jx_node_text(w);
        if (!t || !*t) {
            lerr(ld, w, "%s: each entry must be a word", key);
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
                     _("%s is in %s but %s in %s: add scale: (the power of ten that converts "
                       "%s into %s)"),
                     first->path, u1, seconds[i].path, u2, u2, u1);
            lerr(ld, seconds[i].at, "%s", msg);
            continue;
        }
        if (known && e2 - e1 != r->scale_exp) {
            char msg[256];
            snprintf(msg, sizeof msg, _("scale: 1e%d does not convert %s into %s (that is 1e%d)"),
                     r->scale_exp, u2, u1, e2 - e1);
            lerr(ld, jx_node_get(r->node, "scale"), "%s", msg);
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
            ok = strcmp(r->entries[i].key, all[a]) == 0;
        if (ok)
            continue;
        const char *near = jx_nearest(r->entries[i].key, all, n);
        jx_node at = {0};
        at.line = r->entries[i].key_line;
        at.col = r->entries[i].key_col;
        char kind_msg[64];
        snprintf(kind_msg, sizeof kind_msg, _("a rule of kind %s"), kind_names[k]);
        char sugg[160] = "", valid[512] = "";
        if (near)
            snprintf(sugg, sizeof sugg, _(" (did you mean '%s'?)"), near);
        for (size_t a = 0, len = 0; a < n && len < sizeof valid; a++)
            len += (size_t)snprintf(valid + len, sizeof valid - len, "%s%s", a ? ", " : "", all[a]);
        lerr(ld, &at, "unknown key '%s' in %s%s; valid keys: %s", r->entries[i].key, kind_msg, sugg,
             valid);
    }
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
        lerr(ld, n,
             "a rule is a map such as {id: fund-subtotal, kind: sum, total: …, parts: "
             "[…]}");
        return 0;
    }
    int before = ld->errors;
    const jx_node *id = jx_node_get(n, "id");
    r->id = jx_node_text(id);
    if (!jx_name_valid(r->id)) {
        lerr(ld, id ? id : n,
             "a rule needs id: (lower-case letters, digits and '-', as shown "
             "in messages)");
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
             "kind: must be sum, le, plan, ratio, rate_max, yoy or match, not '%s'%s", kt ? kt : "",
             sugg);
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
            lerr(ld, v, "severity: must be error or warning, not '%s'", s ? s : "");
    }
    if ((v = jx_node_get(n, "label"))) {
        r->label = jx_node_text(v);
        if (!r->label)
            lerr(ld, v, "label: must be text");
    }
    entry_maps em = {{ld->schema}, {""}, 1};
    entry_maps *entry = &em;
    if ((v = jx_node_get(n, "each"))) {
        size_t count = v->kind == JX_NODE_SEQ ? v->count : 1;
        if (v->kind == JX_NODE_MAP || count == 0 || count > MAX_EACH) {
            lerr(ld, v, "each: must name a list field, or be a list of 1 to 16 of them");
            return 0;
        }
        em.count = 0;
        for (size_t i = 0; i < count; i++) {
            const jx_node *pn = v->kind == JX_NODE_SEQ ? v->entries[i].value : v;
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
                lerr(ld, pn, "each: %s", t && *t ? err : _("must name a list field"));
                return 0;
            }
            em.fields[em.count] = jx_schema_children(spec);
            em.patterns[em.count++] = path;
        }
    }
    if ((v = jx_node_get(n, "scale"))) {
        if (!read_scale(v, &r->scale_exp))
            lerr(ld, v, "scale: must be a power of ten such as 10000 or 0.0001, not '%s'",
                 jx_node_text(v) ? jx_node_text(v) : "");
        r->has_scale = 1;
    }
    switch (r->kind) {
    case RK_SUM:
        if (!jx_node_get(n, "total")) {
            lerr(ld, n, "a sum rule needs total: (the field that is the sum)");
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
                lerr(ld, v, "derive: must be true or false");
            r->derive = is_true(v);
        }
        break;
    case RK_LE:
        if (!jx_node_get(n, "left") || !jx_node_get(n, "right")) {
            lerr(ld, n, "an le rule needs left: and right: (left ≤ right)");
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
            lerr(ld, v, "end: must be a number (100 when the values are percentages)");
        break;
    case RK_RATIO: {
        const char *keys[] = {"value", "amount", "total"};
        operand *ops[] = {&r->first, &r->second, &r->third};
        for (int i = 0; i < 3; i++) {
            const jx_node *o = jx_node_get(n, keys[i]);
            if (!o)
                lerr(ld, n,
                     "a ratio rule needs value:, amount: and total: (value = amount / "
                     "total); %s: is missing",
                     keys[i]);
            else
                read_operand(ld, o, entry, 0, i == 0 ? T_NUMERIC : T_AMOUNT, keys[i], ops[i]);
        }
        if ((v = jx_node_get(n, "percent"))) {
            if (!is_bool(v))
                lerr(ld, v, "percent: must be true or false");
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
                lerr(ld, v, "max: must be a number of percent");
            r->nwords = read_words(ld, jx_node_get(n, "suffixes"), r->words, "suffixes");
            if (!jx_node_get(n, "suffixes")) {
                r->words[0] = "率";
                r->nwords = 1;
            }
            r->nexcept = read_words(ld, jx_node_get(n, "except"), r->except, "except");
            if (!r->name.path && r->nwords)
                lerr(ld, n,
                     "a rate_max rule needs name: (the field holding the indicator's "
                     "name, matched against suffixes:)");
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
             "derive: a total of several fields (or a list) cannot be computed");
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
        const jx_node *spec = fields->entries[i].value;
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", fields->entries[i].key);
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
                 "{kind: sum, total: %s, parts: […]})",
                 path, path);
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
        lerr(&ld, rules, "rules: must be a list of rules");
    } else if (rules && rules->kind == JX_NODE_SEQ && rules->count > MAX_RULES) {
        lerr(&ld, rules, "rules: at most 512 rules");
    } else if (rules && rules->kind == JX_NODE_SEQ && rules->count) {
        rs->items = calloc(rules->count, sizeof *rs->items);
        if (!rs->items) {
            jx_rules_free(rs);
            return jx_diag_error(d, JX_ERR_NOMEM, layout_file, 0, 0, _("out of memory"));
        }
        for (size_t i = 0; i < rules->count && !ld.oom; i++) {
            rule *r = &rs->items[rs->count++];
            read_rule(&ld, rules->entries[i].value, r);
            for (size_t k = 0; r->id && k + 1 < rs->count; k++)
                if (rs->items[k].id && strcmp(rs->items[k].id, r->id) == 0) {
                    ld.id = NULL;
                    lerr(&ld, jx_node_get(r->node, "id"), "rule id '%s' is used twice", r->id);
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
