/* jx_indicator.h - reading an indicator value (指标值) as written.
 *
 * An indicator value is kept as written; this module only tells what it
 * says when it says something quantitative:
 *     [comparator] number [unit] [comparator suffix]
 * e.g. "≥90%", "=2.45元", "≤2小时", "≧95%", "85%及以上", "95%", "12.50%",
 * "63.17亿元", "不少于50家", "80家（次）".  Comparators are the symbols
 * ≥ ≤ ≧ ≦ > < = (ASCII and full-width, also >= <=) and the words 不少于,
 * 不低于, 不小于, 达到, 超过, 超, 高于, 大于, 不超过, 不高于, 不大于, 低于,
 * 小于, 控制在 before the number, 及以上, 以上, 及以下, 以下, 以内, 左右
 * after it.  The number is an exact decimal (full-width digits and 1,000
 * separators accepted).  Anything else — 充分, 序时进度, 2024年12月底前,
 * 增长率8% — is free text: legal, just not quantitative.
 *
 * Nothing here allocates; results live in the caller's struct. */
#ifndef JX_INDICATOR_H
#define JX_INDICATOR_H

#include <stddef.h>
#include "jx_decimal.h"

typedef enum jx_ind_op {
    JX_IND_NONE,   /* no comparator: "95%" */
    JX_IND_EQ,     /* = */
    JX_IND_GE,     /* ≥, ≧, 及以上, 不少于 */
    JX_IND_GT,     /* >, 超过 */
    JX_IND_LE,     /* ≤, ≦, 以下, 以内, 不超过 */
    JX_IND_LT,     /* <, 低于 */
    JX_IND_APPROX  /* 左右 */
} jx_ind_op;

#define JX_IND_UNIT_MAX 48

typedef struct jx_indicator {
    jx_ind_op op;
    jx_decimal number;            /* exact, with the decimals as written ("12.50" keeps scale 2) */
    char unit[JX_IND_UNIT_MAX];   /* "%", "元", "小时", "家（次）"; "" when none.  ％ reads as % */
} jx_indicator;

/* Reads text.  Returns 1 and fills *out when it is a quantitative value,
 * 0 when it is free text or empty (*out is then zeroed).  text may be NULL. */
int jx_indicator_parse(const char *text, jx_indicator *out);

/* The comparator's canonical symbol: "", "=", "≥", ">", "≤", "<", "约". */
const char *jx_ind_op_symbol(jx_ind_op op);

/* Writes the value canonically ("≥90%", "=2.45元") into buf (at most n
 * bytes); returns the length needed, like snprintf. */
int jx_indicator_format(const jx_indicator *v, char *buf, size_t n);

/* The family of a money unit: 元, 万元, 亿元 are 元 × 10^0/4/8; 美元,
 * 万美元, 亿美元 likewise.  Returns 1 with *base and *exp10 set, 0 for any
 * other unit (such a unit only compares with itself). */
int jx_unit_family(const char *unit, const char **base, int *exp10);

/* Compares two values' numbers after bringing money units to one scale.
 * Returns 1 and sets *cmp (<0, 0, >0) when comparable (same unit, or the
 * same money family), 0 when the units differ. */
int jx_indicator_compare(const jx_indicator *a, const jx_indicator *b, int *cmp);

#endif
