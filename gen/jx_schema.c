/* jx_schema.c - filing schema definitions and checks. */
#include "jx_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_decimal.h"
#include "jx_util.h"

static const char *const spec_keys[] = {"label", "type", "unit", "required", "fields", "item",
                                        NULL};

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

static int is_required(const jx_node *spec)
{
    const char *r = jx_node_text(jx_node_get(spec, "required"));
    return r && (strcmp(r, "true") == 0 || strcmp(r, "yes") == 0);
}

/* The map of child specs of a map or list spec (a list's item). */
static const jx_node *children_of(const jx_node *spec)
{
    jx_field_type t = jx_schema_type(spec);
    if (t == JX_FIELD_MAP)
        return jx_node_get(spec, "fields");
    if (t == JX_FIELD_LIST)
        return jx_node_get(spec, "item");
    return NULL;
}

static int check_fields_def(const jx_node *fields, const char *file, jx_diags *d, int depth)
{
    int errors = 0;
    if (!fields || fields->kind != JX_NODE_MAP) {
        jx_diags_add(d, JX_SEV_ERROR, file, fields ? fields->line : 0, fields ? fields->col : 0,
                     NULL, "schema fields must be a map of field name to field spec");
        return 1;
    }
    if (depth > 12) {
        jx_diags_add(d, JX_SEV_ERROR, file, fields->line, fields->col, NULL,
                     "schema nested more than 12 deep");
        return 1;
    }
    for (size_t i = 0; i < fields->count; i++) {
        const jx_node *spec = fields->items[i];
        if (spec->kind != JX_NODE_MAP) {
            jx_diags_add(d, JX_SEV_ERROR, file, spec->line, spec->col, NULL,
                         "field '%s' needs a spec map such as {label: …, type: text}",
                         fields->keys[i]);
            errors++;
            continue;
        }
        for (size_t k = 0; k < spec->count; k++) {
            int ok = 0;
            for (size_t a = 0; spec_keys[a] && !ok; a++)
                ok = strcmp(spec->keys[k], spec_keys[a]) == 0;
            if (!ok) {
                const char *near = jx_nearest(spec->keys[k], spec_keys, 6);
                jx_diags_add(d, JX_SEV_ERROR, file, spec->key_lines[k], spec->key_cols[k], NULL,
                             "unknown key '%s' in the spec of field '%s'%s%s%s", spec->keys[k],
                             fields->keys[i], near ? " (did you mean '" : "", near ? near : "",
                             near ? "'?)" : "");
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
                             "field type must be text, rich, amount, map or list, not '%s'", t);
                errors++;
            }
        }
        jx_field_type ft = jx_schema_type(spec);
        if (ft == JX_FIELD_MAP || ft == JX_FIELD_LIST) {
            const jx_node *kids = children_of(spec);
            if (!kids) {
                jx_diags_add(d, JX_SEV_ERROR, file, spec->line, spec->col, NULL,
                             "field '%s' of type %s needs %s", fields->keys[i],
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
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0 || len >= sizeof seg)
            return NULL;
        memcpy(seg, p, len);
        seg[len] = '\0';
        p += len + (dot ? 1 : 0);
        int numeric = 1;
        for (size_t i = 0; i < len && numeric; i++)
            numeric = seg[i] >= '0' && seg[i] <= '9';
        if (numeric) {
            if (!spec || jx_schema_type(spec) != JX_FIELD_LIST)
                return NULL;
            continue;
        }
        long k = jx_node_key_index(fields, seg);
        if (k < 0)
            return NULL;
        spec = fields->items[k];
        fields = children_of(spec);
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

static void check_map(filing_check *fc, const jx_node *fields, const jx_node *map,
                      const char *path)
{
    int root = !path || !*path;
    /* Unknown keys first, each with the nearest known key. */
    const char *names[256];
    size_t nnames = 0;
    for (size_t i = 0; i < fields->count && nnames < 256; i++)
        names[nnames++] = fields->keys[i];
    for (size_t i = 0; i < map->count; i++) {
        if (jx_node_key_index(fields, map->keys[i]) >= 0)
            continue;
        if (root && strcmp(map->keys[i], "region") == 0)
            continue; /* selects the layout; every filing has it */
        char full[512];
        field_path(full, sizeof full, path, map->keys[i]);
        const char *near = jx_nearest(map->keys[i], names, nnames);
        if (near) {
            char nfull[512];
            field_path(nfull, sizeof nfull, path, near);
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, map->key_lines[i], map->key_cols[i],
                         "unknown-key", "未知字段 %s (did you mean %s?)", full, nfull);
        } else {
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, map->key_lines[i], map->key_cols[i],
                         "unknown-key", "未知字段 %s: this form has no such field", full);
        }
        fc->errors++;
    }
    for (size_t i = 0; i < fields->count; i++) {
        const jx_node *spec = fields->items[i];
        char full[512];
        field_path(full, sizeof full, path, fields->keys[i]);
        const char *label = jx_schema_label(spec) ? jx_schema_label(spec) : fields->keys[i];
        long k = jx_node_key_index(map, fields->keys[i]);
        if (k < 0) {
            if (is_required(spec)) {
                jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, map->line, map->col,
                             "missing-field", "缺少必填字段「%s」(%s)", label, full);
                fc->errors++;
            }
            continue;
        }
        map->key_used[k] = 1;
        check_value(fc, spec, map->items[k], full, label);
    }
}

static void check_value(filing_check *fc, const jx_node *spec, const jx_node *value,
                        const char *path, const char *label)
{
    static const char *const kind_names[] = {"a value", "a map", "a list"};
    jx_field_type t = jx_schema_type(spec);
    jx_node_kind want = t == JX_FIELD_MAP ? JX_NODE_MAP
                        : t == JX_FIELD_LIST ? JX_NODE_SEQ
                                             : JX_NODE_SCALAR;
    if (value->kind != want) {
        /* An empty value stands for an empty list/map too. */
        if (value->kind == JX_NODE_SCALAR && jx_node_is_empty(value) && !is_required(spec))
            return;
        jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "wrong-shape",
                     "「%s」(%s) must be %s, not %s", label, path, kind_names[want],
                     kind_names[value->kind]);
        fc->errors++;
        return;
    }
    if (t == JX_FIELD_MAP) {
        check_map(fc, children_of(spec), value, path);
    } else if (t == JX_FIELD_LIST) {
        const jx_node *item = children_of(spec);
        for (size_t i = 0; i < value->count; i++) {
            char full[512];
            if (snprintf(full, sizeof full, "%s.%zu", path, i) >= (int)sizeof full)
                full[sizeof full - 1] = '\0';
            const jx_node *v = value->items[i];
            if (v->kind != JX_NODE_MAP) {
                jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, v->line, v->col, "wrong-shape",
                             "each entry of 「%s」(%s) must be a map of fields", label, path);
                fc->errors++;
                continue;
            }
            check_map(fc, item, v, full);
        }
    } else if (t == JX_FIELD_AMOUNT) {
        jx_decimal dec;
        jx_status st = jx_decimal_parse(value->text,
                                        JX_DEC_ALLOW_SEPARATORS | JX_DEC_ALLOW_DASH_ZERO |
                                            JX_DEC_ALLOW_BLANK_ZERO,
                                        &dec);
        if (st != JX_OK && !jx_node_is_empty(value)) {
            jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "not-a-number",
                         "「%s」(%s) must be an amount%s%s, not '%s'", label, path,
                         jx_schema_unit(spec) ? " in " : "",
                         jx_schema_unit(spec) ? jx_schema_unit(spec) : "", value->text);
            fc->errors++;
        }
    } else if (is_required(spec) && jx_node_is_empty(value)) {
        jx_diags_add(fc->d, JX_SEV_ERROR, fc->file, value->line, value->col, "missing-field",
                     "必填字段「%s」(%s) is empty", label, path);
        fc->errors++;
    }
}

jx_status jx_schema_check_filing(const jx_node *schema, const jx_node *filing, const char *file,
                                 jx_diags *d)
{
    filing_check fc = {file, d, 0};
    if (filing->kind != JX_NODE_MAP) {
        jx_diags_add(d, JX_SEV_ERROR, file, filing->line, filing->col, "wrong-shape",
                     "a filing must be a map of fields (region: …, …)");
        return JX_ERR_FILING;
    }
    check_map(&fc, schema, filing, "");
    return fc.errors ? JX_ERR_FILING : JX_OK;
}
