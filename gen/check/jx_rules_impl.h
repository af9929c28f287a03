/* jx_rules_impl.h - the compiled rules, shared by the two files of the
 * rules engine (private to gen/check/jx_rules*.c):
 *   jx_rules_load.c  reads and checks a layout's `rules:` into these structs
 *   jx_rules.c       computes derived totals and checks a filing with them
 * The structs point into the layout's and the schema's trees. */
#ifndef JX_RULES_IMPL_H
#define JX_RULES_IMPL_H

#include "jx_rules.h"

#define MAX_RULES 512
#define MAX_OPERANDS 256
#define MAX_WORDS 32
#define PATH_MAX_LEN 512
#define MAX_EACH 16
#define MAX_FORMULA 8000

/* ------------------------------------------------------------------------ */
/* The compiled rules                                                       */

typedef enum rule_kind { RK_SUM, RK_LE, RK_PLAN, RK_RATIO, RK_RATE_MAX, RK_YOY, RK_MATCH } rule_kind;

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

#endif
