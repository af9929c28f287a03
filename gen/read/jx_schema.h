/* jx_schema.h - the fields a region's filing holds, and checking a filing
 * against them.
 *
 * A schema (the `schema:` map of a layout file) maps each key of the filing
 * to a field spec:
 *     name: {label: 项目名称, type: text, required: true}
 *     fund: {label: 项目资金, type: map, fields: {...}}
 *     spending: {label: 支出, type: list, item: {...field specs...}}
 * Types: text (one value), rich (text that may hold <p>/<ol> markup), amount
 * (an exact decimal; blank, 0, 0.00 and - mean zero; 1,000.50 accepted),
 * map, list.  `unit` names the amount's unit as the form states it.
 * `derived: true` marks an amount that may be left out and is computed by a
 * sum rule; `example:` is the value `jxgen new` writes into a skeleton.
 * docs/filing-schema.md documents the whole format. */
#ifndef JX_SCHEMA_H
#define JX_SCHEMA_H

#include "jx_decimal.h"
#include "jx_diag.h"
#include "jx_node.h"

typedef enum jx_field_type {
    JX_FIELD_TEXT,
    JX_FIELD_RICH,
    JX_FIELD_AMOUNT,
    JX_FIELD_MAP,
    JX_FIELD_LIST
} jx_field_type;

/* Checks the schema definition itself; returns the number of errors added
 * to d (0 when the schema is well formed). */
int jx_schema_check_definition(const jx_node *schema, const char *file, jx_diags *d);

/* Accepts a field's Chinese label written as its key (一般公共预算资金: 500
 * for general_budget: 500): in every map of `filing`, a key that is no field
 * of the map but the label of exactly one field the map does not have is
 * renamed to that field's key, with a note at the key.  Returns the number
 * of keys renamed, or -1 when memory is short (d->oom set). */
int jx_schema_accept_labels(const jx_node *schema, jx_node *filing, const char *file,
                            jx_diags *d);

/* Checks a filing against the schema: unknown keys (with a suggestion of the
 * nearest known key), missing required fields (named by their Chinese
 * label), values of the wrong shape, amounts that are not numbers.  Returns
 * JX_OK or JX_ERR_FILING; every problem is reported at file:line:col. */
jx_status jx_schema_check_filing(const jx_node *schema, const jx_node *filing, const char *file,
                                 jx_diags *d);

/* The field spec for a data path such as "indicators.0.groups.1.level2"
 * (list indexes are skipped), or NULL. */
const jx_node *jx_schema_field(const jx_node *schema, const char *path);

/* The map of child field specs of a map spec (its fields:) or a list spec
 * (its item:), or NULL for a value field. */
const jx_node *jx_schema_children(const jx_node *spec);

/* Type and label of a field spec (label falls back to the key). */
jx_field_type jx_schema_type(const jx_node *spec);
const char *jx_schema_label(const jx_node *spec);
const char *jx_schema_unit(const jx_node *spec);

/* An amount field with `unit: "%"`: a percentage, held as a ratio
 * (0.45 is 45%). */
int jx_schema_is_percent(const jx_node *spec);

/* Reads the amount written at an amount field of this spec (spec may be
 * NULL): "70823.39", "1,000.50"; blank, "0" and "-" are zero; in a
 * percentage field "45%" (or "45％") is 0.45 and "0.45" is taken as
 * written.  Returns JX_OK, or the status of jx_decimal_parse (nothing is
 * reported: the schema check names the field). */
jx_status jx_schema_amount_parse(const jx_node *spec, const char *text, jx_decimal *out);

/* `required: true`: the filing must hold the field (and, for text, not blank). */
int jx_schema_is_required(const jx_node *spec);
/* `derived: true`: an amount the filing may leave out; a sum rule of the
 * layout's `rules:` computes it (jx_rules.h). */
int jx_schema_is_derived(const jx_node *spec);

#endif
