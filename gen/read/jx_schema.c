/* jx_schema.c - filing schema definitions and checks. */
#include "jx_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_decimal.h"
#include "jx_util.h"
#include "jx_i18n.h"

static const char *const spec_keys[] = {"label",   "type",    "unit",     "required", "fields",
                                        "item",    "derived", "example",  "negative", NULL};

jx_field_type jx_schema_type(const jx_node *spec)
{
    const char *t = jx_node_text(jx_node_get(spec, "type"));
    if (!t)
        return jx_node_get(spec, "fields") ? JX_FIELD_MAP
               : jx_node_get(spec, "item") ? JX_FIELD_LIST
                                           : JX_FIELD_TEXT;
    if (strcmp(t, "rich") == 0)
        return JX_FIELD_RICH;
    if (strcmp(t, "amount") == 0)
        return JX_FIELD_AMOUNT;
    if (strcmp(t, "map") == 0)
        return JX_FIELD_MAP;
    if (strcmp(t, "list") == 0)
        return JX_FIELD_LIST;
    return JX_FIELD_TEXT;
}

const char *jx_schema_label(const jx_node *spec)
{
    return jx_node_text(jx_node_get(spec, "label"));
}

const char *jx_schema_unit(const jx_node *spec)
{
    return jx_node_text(jx_node_get(spec, "unit"));
}

int jx_schema_is_percent(const jx_node *spec)
{
    const char *u = spec ? jx_schema_unit(spec) : NULL;
    return u && (strcmp(u, "%") == 0 || strcmp(u, "\xEF\xBC\x85") == 0);
}

/* Copies text into buf with the full-width forms Chinese input methods
 * type (０-９ ．，－＋ and the ideographic space) made ASCII.  Returns buf,
 * or text itself when it has none or does not fit. */
static const char *ascii_digits(const char *text, char *buf, size_t n)
{
    size_t k = 0;
    int changed = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (k + 2 > n)
            return text;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x8B && p[2] <= 0x99 && p[2] != 0x8F) {
            buf[k++] = (char)(p[2] - 0x8B + '+'); /* U+FF0B..U+FF19: ＋，－．０-９ */
            p += 2;
            changed = 1;
        } else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            buf[k++] = ' '; /* U+3000 */
            p += 2;
            changed = 1;
        } else {
            buf[k++] = (char)*p;
        }
    }
    buf[k] = '\0';
    return changed ? buf : text;
}

jx_status jx_schema_amount_parse(const jx_node *spec, const char *text, jx_decimal *out)
{
    int flags = JX_DEC_ALLOW_SEPARATORS | JX_DEC_ALLOW_DASH_ZERO | JX_DEC_ALLOW_BLANK_ZERO;
    if (jx_schema_is_percent(spec))
        flags |= JX_DEC_ALLOW_PERCENT;
    char buf[128];
    return jx_decimal_parse(text ? ascii_digits(text, buf, sizeof buf) : "", flags, out);
}

static int is_required(const jx_node *spec)
{
    const char *r = jx_node_text(jx_node_get(spec, "required"));
    return r && (strcmp(r, "true") == 0 || strcmp(r, "yes") == 0);
}

static int is_derived(const jx_node *spec)
{
    const char *r = jx_node_text(jx_node_get(spec, "derived"));
    return r && (strcmp(r, "true") == 0 || strcmp(r, "yes") == 0);
}

int jx_schema_is_derived(const jx_node *spec)
{
    return is_derived(spec);
}

int jx_schema_is_required(const jx_node *spec)
{
    return is_required(spec);
}

const jx_node *jx_schema_children(const jx_node *spec)
{
    jx_field_type t = jx_schema_type(spec);
    if (t == JX_FIELD_MAP)
        return jx_node_get(spec, "fields");
    if (t == JX_FIELD_LIST)
        return jx_node_get(spec, "item");
    return NULL;
}

/* required:, derived: and example: of one field spec.  Returns the number
 * of errors. */
static int check_flags(const jx_node *spec, const char *name, jx_field_type ft,
                       const char *file, jx_diags *d)
{
    int errors = 0;
    static const char *const flags[] = {"required", "derived", "negative"};
    for (int i = 0; i < 3; i++) {
        const jx_node *f = jx_node_get(spec, flags[i]);
        const char *t = jx_node_text(f);
        if (f && !(t && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0 ||
                         strcmp(t, "yes") == 0 || strcmp(t, "no") == 0))) {
            jx_diags_add(d, JX_SEV_ERROR, file, f->line, f->col, NULL,
                         _("%s: of field '%s' must be true or false"), flags[i], name);
            errors++;
        }
    }
    if (is_derived(spec)) {
        const jx_node *f = jx_node_get(spec, "derived");
        if (ft != JX_FIELD_AMOUNT) {
            jx_diags_add(d, JX_SEV_ERROR, file, f->line, f->col, NULL,
                         _("field '%s' is derived: true but not an amount (type: amount)"), name);
            errors++;
        } else if (is_required(spec)) {
            jx_diags_add(d, JX_SEV_ERROR, file, f->line, f->col, NULL,
                         _("field '%s' cannot be both required: and derived: (a derived total "
                         "may be left out)"),
                         name);
            errors++;
        }
    }
    const jx_node *ex = jx_node_get(spec, "example");
    if (ex && (ex->kind != JX_NODE_SCALAR || ft == JX_FIELD_MAP || ft == JX_FIELD_LIST)) {
        jx_diags_add(d, JX_SEV_ERROR, file, ex->line, ex->col, NULL,
                     _("example: of field '%s' must be one value, and only text, rich and amount "
                     "fields have one"),
                     name);
        errors++;
    }
    return errors;
}

static int check_fields_def(const jx_node *fields, const char *file, jx_diags *d, int depth)
{
    int errors = 0;
    if (!fields || fields->kind != JX_NODE_MAP) {
        jx_diags_add(d, JX_SEV_ERROR, file, fields ? fields->line : 0, fields ? fields->col : 0,
                     NULL, _("schema fields must be a map of field name to field spec"));
        return 1;
    }
    if (depth > 12) {
        jx_diags_add(d, JX_SEV_ERROR, file, fields->line, fields->col, NULL,
                     _("schema nested more than 12 deep"));
        return 1;
    }
    for (size_t i = 0; i < fields->count; i++) {
        const jx_node *spec = fields->entries[i].value;
        if (spec->kind != JX_NODE_MAP) {
            jx_diags_add(d, JX_SEV_ERROR, file, spec->line, spec->col, NULL,
                         _("field '%s' needs a spec map such as {label: …, type: text}"),
                         fields->entries[i].key);
            errors++;
            continue;
        }
        for (size_t k = 0; k < spec->count; k++) {
            int ok = 0;
            for (size_t a = 0; spec_keys[a] && !ok; a++)
                ok = strcmp(spec->entries[k].key, spec_keys[a]) == 0;
            if (!ok) {
                const char *near = jx_nearest(spec->entries[k].key, spec_keys,
                                              sizeof spec_keys / sizeof *spec_keys - 1);
                char valid[256] = "";
                for (size_t a = 0, len = 0; spec_keys[a] && len < sizeof valid; a++)
                    len += (size_t)snprintf(valid + len, sizeof valid - len, "%s%s",
                                            a ? ", " : "", spec_keys[a]);
                const jx_node_entry *e = &spec->entries[k];
                if (near)
                    jx_diags_add(d, JX_SEV_ERROR, file, e->key_line, e->key_col, NULL,
                                 _("unknown key '%s' in the spec of field '%s' (did you mean "
                                   "'%s'?); valid keys: %s"),
                                 e->key, fields->entries[i].key, near, valid);
                else
                    jx_diags_add(d, JX_SEV_ERROR, file, e->key_line, e->key_col, NULL,
                                 _("unknown key '%s' in the spec of field '%s'; valid keys: %s"),
                                 e->key, fields->entries[i].key, valid);
                errors++;
            }
        }
        const char *t = jx_node_text(jx_node_get(spec, "type"));
        static const char *const types[] = {"text", "rich", "amount", "map", "list"};
        if (t) {
            int ok = 0;
            for (size_t a = 0; a < 5 && !ok; a++)
                ok = strcmp(t, types[a]) == 0;
            if (!ok) {
                const jx_node *tn = jx_node_get(spec, "type");
                jx_diags_add(d, JX_SEV_ERROR, file, tn->line, tn->col, NULL,
                             _("field type must be text, rich, amount, map or list, not '%s'"), t);
                errors++;
            }
        }
        jx_field_type ft = jx_schema_type(spec);
        errors += check_flags(spec, fields->entries[i].key, ft, file, d);
        if (ft == JX_FIELD_MAP || ft == JX_FIELD_LIST) {
            const jx_node *kids = jx_schema_children(spec);
            if (!kids) {
                jx_diags_add(d, JX_SEV_ERROR, file, spec->line, spec->col, NULL,
                             _("field '%s' of type %s needs %s"), fields->entries[i].key,
                             ft == JX_FIELD_MAP ? "map" : "list",
                             ft == JX_FIELD_MAP ? "fields:" : "item:");
                errors++;
            } else {
                errors += check_fields_def(kids, file, d, depth + 1);
            }
        }
    }
    return errors;
}

int jx_schema_check_definition(const jx_node *schema, const char *file, jx_diags *d)
{
    return check_fields_def(schema, file, d, 0);
}

const jx_node *jx_schema_field(const jx_node *schema, const char *path)
{
    const jx_node *fields = schema, *spec = NULL;
    const char *p = path;
    char seg[128];
    while (*p) {
        if (jx_path_next(&p, seg, sizeof seg) != 0)
            return NULL;
        int numeric = 1;
        for (size_t i = 0; seg[i] && numeric; i++)
            numeric = seg[i] >= '0' && seg[i] <= '9';
        if (numeric) {
            if (!spec || jx_schema_type(spec) != JX_FIELD_LIST)
                return NULL;
            continue;
        }
        long k = jx_node_key_index(fields, seg);
        if (k < 0)
            return NULL;
        spec = fields->entries[k].value;
        fields = jx_schema_children(spec);
        if (!fields && *p && !(p[0] >= '0' && p[0] <= '9'))
            return NULL;
    }
    return spec;
}

typedef struct filing_check {
    const char *file;
    jx_diags *d;
    int errors;
} filing_check;

static void field_path(char *buf, size_t n, const char *parent, const char *key)
{
    if (parent && *parent)
        snprintf(buf, n, "%s.%s", parent, key);
    else
        snprintf(buf, n, "%s", key);
}

static void check_value(filing_check *fc, const jx_node *spec, const jx_node *value,
                        const char *path, const char *label);

/* The key of the one field of `fields` whose label is `label` (also with
 * the label's parenthesised unit left out: 资金总额 for 资金总额（万元）), or
 * NULL when none or several have it. */
static const char *label_key(const jx_node *fields, const char *label)
{
    const char *found = NULL;
    size_t n = strlen(label);
    for (size_t i = 0; i < fields->count; i++) {
        const char *l = jx_schema_label(fields->entries[i].value);
        if (!l)
            continue;
        size_t ln = strcspn(l, "(（");
        if (strcmp(l, label) == 0 || (ln == n && ln && strncmp(l, label, n) == 0)) {
            if (found)
                return NULL;
            found = fields->entries[i].key;
        }
    }
    return found;
}

static void check_map(filing_check *fc, const jx_node *fields, const jx_node *map,
                      const char *path)
{
    int root = !path || !*path;
    /* Unknown keys first, each with the nearest known key. */
    for (size_t i = 0; i < map->count; i++) {
        const jx_node_entry *e = &map->entries[i];
        if (jx_node_key_index(fields, e->key) >= 0)
            continue;
        if (root && strcmp(e->key, "region") == 0)
            continue; /* selects the layout; every filing has it */
        char full[512], nfull[512] = "";
        field_path(full, sizeof full, path, e->key);
        const char *by_label = label_key(fields, e->key);
        const char *near = by_label ? NULL : jx_node_nearest_key(fields, e->key);
        if (by_label || near)
            field_path(nfull, sizeof nfull, path, by_label ? by_label : near);
        if (by_label && jx_node_key_index(map, by_label) >= 0)
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, e->key_line, e->key_col, "unknown-key",
                         _("「%s」 is the label of field %s, which is written too: keep one of "
                           "them"),
                         e->key, nfull);
        else if (by_label)
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, e->key_line, e->key_col, "unknown-key",
                         _("「%s」 is the label of field %s: write its key, %s: (the form prints "
                           "the label)"),
                         e->key, nfull, by_label);
        else if (near)
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, e->key_line, e->key_col, "unknown-key",
                         _("unknown field %s (did you mean %s?)"), full, nfull);
        else
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, e->key_line, e->key_col, "unknown-key",
                         _("unknown field %s: this form has no such field"), full);
        fc->errors++;
    }
    for (size_t i = 0; i < fields->count; i++) {
        const jx_node *spec = fields->entries[i].value;
        char full[512];
        field_path(full, sizeof full, path, fields->entries[i].key);
        const char *label = jx_schema_label(spec) ? jx_schema_label(spec) : fields->entries[i].key;
        long k = jx_node_key_index(map, fields->entries[i].key);
        if (k < 0) {
            if (is_required(spec)) {
                jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, map->line, map->col,
                             "missing-field", _("missing required field 「%s」(%s)"), label, full);
                fc->errors++;
            }
            continue;
        }
        check_value(fc, spec, map->entries[k].value, full, label);
    }
}

static int allows_negative(const jx_node *spec)
{
    const char *t = jx_node_text(jx_node_get(spec, "negative"));
    return t && (strcmp(t, "true") == 0 || strcmp(t, "yes") == 0);
}

static int is_wan(const char *unit)
{
    return unit && strcmp(unit, "万元") == 0;
}

static int is_yuan(const char *unit)
{
    return unit && strcmp(unit, "元") == 0;
}

/* An amount written with a unit: 12万 or 12万元 in a 万元 field ("write
 * 12"), in a 元 field ("write 120000"); 1200元 in a 万元 field ("write
 * 0.12").  Reports it and returns 1, else returns 0. */
static int unit_hint(filing_check *fc, const jx_node *spec, const jx_node *value,
                     const char *path, const char *label)
{
    const char *unit = jx_schema_unit(spec);
    if (!is_wan(unit) && !is_yuan(unit))
        return 0;
    static const struct {
        const char *suffix;
        int exp10; /* power of ten of the written unit in 元 */
    } units[] = {{"万元", 4}, {"万", 4}, {"元", 0}, {"亿元", 8}, {"亿", 8}};
    const char *text = value->text;
    size_t n = strlen(text);
    while (n && text[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t k = strlen(units[i].suffix);
        if (n <= k || strncmp(text + n - k, units[i].suffix, k) != 0)
            continue;
        char num[128];
        if (n - k >= sizeof num)
            return 0;
        memcpy(num, text, n - k);
        num[n - k] = '\0';
        jx_decimal dec, want;
        if (jx_schema_amount_parse(spec, num, &dec) != JX_OK)
            return 0;
        int shift = units[i].exp10 - (is_wan(unit) ? 4 : 0);
        if (jx_decimal_shift(dec, shift, &want) != JX_OK)
            return 0;
        char shown[64];
        jx_decimal_format(want, -1, 0, shown, sizeof shown);
        jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "not-a-number",
                     _("「%s」(%s) is in %s: write %s (the form prints the unit), not '%s'"),
                     label, path, unit, shown, value->text);
        fc->errors++;
        return 1;
    }
    return 0;
}

/* An amount whose size says it was written in 元 into a 万元 field: a
 * million 万元 (100 亿元) and more. */
static void magnitude_warning(filing_check *fc, const jx_node *spec, const jx_node *value,
                              jx_decimal dec, const char *path, const char *label)
{
    if (!is_wan(jx_schema_unit(spec)))
        return;
    jx_decimal limit = {1000000, 0}, neg = {-1000000, 0}, in_wan;
    if (jx_decimal_cmp(dec, limit) < 0 && jx_decimal_cmp(dec, neg) > 0)
        return;
    if (jx_decimal_shift(dec, -4, &in_wan) != JX_OK) {
        /* more than 6 decimals after the shift: round for the message */
        jx_decimal t = dec;
        while (t.scale > 2) {
            t.units /= 10;
            t.scale--;
        }
        if (jx_decimal_shift(t, -4, &in_wan) != JX_OK)
            return;
    }
    char shown[64];
    jx_decimal_format(in_wan, -1, 0, shown, sizeof shown);
    jx_diags_add(fc->d, JX_SEV_WARNING, fc->file, value->line, value->col, "unit-magnitude",
                 _("「%s」(%s) is %s 万元, which is more than 100 亿元: was it written in 元? "
                   "In 万元 it is %s"),
                 label, path, value->text, shown);
}

static void check_value(filing_check *fc, const jx_node *spec, const jx_node *value,
                        const char *path, const char *label)
{
    static const char *const kind_names[] = {N_("a single value"), N_("a map (key: value)"),
                                             N_("a list (- entries)")};
    jx_field_type t = jx_schema_type(spec);
    jx_node_kind want = t == JX_FIELD_MAP ? JX_NODE_MAP
                        : t == JX_FIELD_LIST ? JX_NODE_SEQ
                                             : JX_NODE_SCALAR;
    if (value->kind != want) {
        /* An empty value stands for an empty list/map too. */
        if (value->kind == JX_NODE_SCALAR && jx_node_is_empty(value) && !is_required(spec))
            return;
        jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "wrong-shape",
                     _("「%s」(%s) should be %s, not %s"), label, path, _(kind_names[want]),
                     _(kind_names[value->kind]));
        fc->errors++;
        return;
    }
    if (t == JX_FIELD_MAP) {
        check_map(fc, jx_schema_children(spec), value, path);
    } else if (t == JX_FIELD_LIST) {
        const jx_node *item = jx_schema_children(spec);
        for (size_t i = 0; i < value->count; i++) {
            char full[512];
            if (snprintf(full, sizeof full, "%s.%zu", path, i) >= (int)sizeof full)
                full[sizeof full - 1] = '\0';
            const jx_node *v = value->entries[i].value;
            if (v->kind != JX_NODE_MAP) {
                jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, v->line, v->col, "wrong-shape",
                             _("each entry of 「%s」(%s) should be a map (key: value)"), label, path);
                fc->errors++;
                continue;
            }
            check_map(fc, item, v, full);
        }
    } else if (t == JX_FIELD_AMOUNT) {
        jx_decimal dec;
        jx_status st = jx_schema_amount_parse(spec, value->text, &dec);
        if (st != JX_OK && !jx_node_is_empty(value) && jx_schema_is_percent(spec)) {
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "not-a-number",
                         _("「%s」(%s) should be a percentage (such as 45%% or 0.45), not '%s'"), label, path,
                         value->text);
            fc->errors++;
        } else if (st != JX_OK && !jx_node_is_empty(value) &&
                   unit_hint(fc, spec, value, path, label)) {
            /* reported with the number to write */
        } else if (st != JX_OK && !jx_node_is_empty(value)) {
            if (jx_schema_unit(spec))
                jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col,
                             "not-a-number", _("「%s」(%s) should be an amount in %s, not '%s'"),
                             label, path, jx_schema_unit(spec), value->text);
            else
                jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col,
                             "not-a-number", _("「%s」(%s) should be an amount, not '%s'"), label,
                             path, value->text);
            fc->errors++;
        } else if (st == JX_OK && dec.units < 0 && !allows_negative(spec)) {
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "negative-amount",
                         _("「%s」(%s) is %s: amounts of this form cannot be negative"), label,
                         path, value->text);
            fc->errors++;
        } else if (st == JX_OK) {
            magnitude_warning(fc, spec, value, dec, path, label);
        }
    } else if (is_required(spec) && jx_node_is_empty(value)) {
        jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "missing-field",
                     _("required field 「%s」(%s) is empty"), label, path);
        fc->errors++;
    }
}

static int accept_labels(const jx_node *fields, jx_node *map, const char *path, int root,
                         const char *file, jx_diags *d, int depth)
{
    if (!fields || fields->kind != JX_NODE_MAP || !map || map->kind != JX_NODE_MAP || depth > 16)
        return 0;
    int renamed = 0;
    for (size_t i = 0; i < map->count; i++) {
        const char *key = map->entries[i].key;
        if (jx_node_key_index(fields, key) >= 0 || (root && strcmp(key, "region") == 0))
            continue;
        const char *by = label_key(fields, key);
        if (!by || jx_node_key_index(map, by) >= 0)
            continue; /* unknown, or the key is written too: reported by the check */
        char *copy = strdup(by);
        if (!copy) {
            d->oom = 1;
            return -1;
        }
        char full[512];
        field_path(full, sizeof full, path, by);
        jx_diags_add(d, JX_SEV_NOTE, file, map->entries[i].key_line, map->entries[i].key_col,
                     "label-as-key", _("「%s」 read as %s (the field it labels)"), key, full);
        free(map->entries[i].key);
        map->entries[i].key = copy;
        renamed++;
    }
    for (size_t i = 0; i < fields->count; i++) {
        long k = jx_node_key_index(map, fields->entries[i].key);
        const jx_node *kids = jx_schema_children(fields->entries[i].value);
        if (k < 0 || !kids)
            continue;
        char full[512];
        field_path(full, sizeof full, path, fields->entries[i].key);
        jx_node *v = map->entries[k].value;
        int r = 0;
        if (jx_schema_type(fields->entries[i].value) == JX_FIELD_MAP) {
            r = accept_labels(kids, v, full, 0, file, d, depth + 1);
        } else if (v->kind == JX_NODE_SEQ) {
            for (size_t e = 0; e < v->count && r >= 0; e++) {
                char entry[544];
                if (snprintf(entry, sizeof entry, "%s.%zu", full, e) >= (int)sizeof entry)
                    entry[sizeof entry - 1] = '\0';
                int re = accept_labels(kids, v->entries[e].value, entry, 0, file, d, depth + 1);
                r = re < 0 ? -1 : r + re;
            }
        }
        if (r < 0)
            return -1;
        renamed += r;
    }
    return renamed;
}

int jx_schema_accept_labels(const jx_node *schema, jx_node *filing, const char *file,
                            jx_diags *d)
{
    return accept_labels(schema, filing, "", 1, file, d, 0);
}

jx_status jx_schema_check_filing(const jx_node *schema, const jx_node *filing, const char *file,
                                 jx_diags *d)
{
    filing_check fc = {file, d, 0};
    if (filing->kind != JX_NODE_MAP) {
        jx_diags_add(d, JX_SEV_ERROR, file, filing->line, filing->col, "wrong-shape",
                     _("a filing should be a map (region: …, …)"));
        return JX_ERR_FILING;
    }
    check_map(&fc, schema, filing, "");
    return fc.errors ? JX_ERR_FILING : JX_OK;
}
