/* jx_rules.h - the arithmetic of a form, declared as data.
 *
 * A layout's `rules:` list says which relations between a filing's numbers
 * must hold (errors) or should hold (warnings).  The C code knows no region:
 * each rule names filing fields by path, and the kinds are generic:
 *
 *   sum       total = Σ parts                 (小计 = 一般公共预算 + 政府性基金 + …)
 *   le        left ≤ right                    (半年计划执行数 ≤ 全年预算数)
 *   plan      values never decrease, last = end (资金支出计划 45% 46% 95% 100%)
 *   ratio     value = amount / total          (占比 = 财政拨款 / 合计)
 *   rate_max  a rate indicator's value ≤ max  (资金到位率 ≤ 100%)
 *   yoy       the last value is not below an earlier one (当年 vs 2019, 2020)
 *   match     Σ parts equals one of candidates (任务资金 = some budget line)
 *
 * Paths are the filing's data paths: `fund.total`; `spending.*.full` means
 * that field of every entry of the list (a sum over the list).  With
 * `each: LIST` a rule is checked once per entry of the list (`*` allowed,
 * e.g. `indicators.*.groups.*.items`) and its paths are relative to the
 * entry; `/x.y` starts at the filing root.  `scale: 0.0001` (a power of ten)
 * converts the second operand(s) into the first's unit (Changzhou's 支出 in
 * 元 against 资金总额 in 万元).  docs/filing-schema.md has the full grammar.
 *
 * Derived totals: a schema field with `derived: true` may be left out of a
 * filing; the first `sum` rule with it as its total computes it (a total
 * that is present is checked instead).  The computed values are returned to
 * the composer, which shows them as number cells carrying an Excel formula.
 *
 * Messages: `file:line:col: error|warning: 小计 (fund.subtotal) 500万元 ≠
 * 一般公共预算资金 + … = 450万元（相差 50万元） [fund-subtotal]`. */
#ifndef JX_RULES_H
#define JX_RULES_H

#include <stddef.h>
#include "jx_decimal.h"
#include "jx_diag.h"
#include "jx_node.h"

typedef struct jx_rules jx_rules;

/* Reads and checks a layout's `rules:` list (NULL: no rules) against its
 * schema: unknown keys and kinds (with suggestions), missing operands,
 * paths that are not in the schema or have the wrong type, duplicate ids,
 * scales that are not powers of ten or disagree with the fields' units, and
 * `derived: true` fields that no sum rule computes.  Every problem is an
 * error at the layout's line:col.  Returns JX_OK and *out (free with
 * jx_rules_free; it points into `rules` and `schema`, which must outlive
 * it), JX_ERR_LAYOUT, or JX_ERR_NOMEM. */
jx_status jx_rules_load(const jx_node *rules, const jx_node *schema, const char *layout_file,
                        jx_rules **out, jx_diags *d);
void jx_rules_free(jx_rules *rules);

/* Number of rules. */
size_t jx_rules_count(const jx_rules *rules);

/* The id of the sum rule that computes the field at `pattern` (a schema
 * path with `*` for list entries, e.g. "fund.total", "projects.*.budget")
 * when a filing leaves it out, or NULL. */
const char *jx_rules_deriving(const jx_rules *rules, const char *pattern);

/* One computed value: the filing path it stands for (e.g. "fund.total"),
 * the exact value, the Excel formula that computes it with `{path}`
 * placeholders (jx_doc.h; NULL when it would be too long for Excel), and
 * the id of the rule that computed it. */
typedef struct jx_derived {
    char *path;
    jx_decimal value;
    char *formula;
    const char *rule;
} jx_derived;

typedef struct jx_derivations {
    jx_derived *items;
    size_t count, cap;
    size_t *slots;           /* hash index of items by path (item index + 1; 0: free) */
    size_t nslots;
} jx_derivations;

void jx_derivations_init(jx_derivations *dv);
void jx_derivations_free(jx_derivations *dv);
/* The value computed for `path`, or NULL. */
const jx_derived *jx_derivations_find(const jx_derivations *dv, const char *path);

/* Computes the derived totals a filing leaves out (into dv, which the
 * caller initialised), then checks every rule.  The filing must already
 * have passed the schema check.  Messages go to d at the filing's
 * line:col, with the rule's id and severity.  Returns JX_OK when no rule
 * of severity error failed (warnings do not count), JX_ERR_FILING when one
 * did, JX_ERR_LAYOUT when derived totals depend on each other in a cycle,
 * JX_ERR_NOMEM. */
jx_status jx_rules_check(const jx_rules *rules, const jx_node *schema, const jx_node *filing,
                         const char *file, jx_derivations *dv, jx_diags *d);

#endif
