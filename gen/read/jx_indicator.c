/* jx_indicator.c - indicator values: comparator, exact number, unit. */
#include "jx_indicator.h"

#include <stdio.h>
#include <string.h>

#include "jx_util.h"

#define TEXT_MAX 256   /* longer values are prose, never a single quantity */
#define UNIT_MAX_CHARS 8

typedef struct word_op {
    const char *word;
    jx_ind_op op;
} word_op;

/* Longest first where one is a prefix of another (">=" before ">"). */
static const word_op prefixes[] = {
    {">=", JX_IND_GE},       {"<=", JX_IND_LE},       {"\xe2\x89\xa5", JX_IND_GE}, /* ≥ */
    {"\xe2\x89\xa7", JX_IND_GE}, /* ≧ */                {"\xe2\x89\xa4", JX_IND_LE}, /* ≤ */
    {"\xe2\x89\xa6", JX_IND_LE}, /* ≦ */                {"\xef\xbc\x9e", JX_IND_GT}, /* ＞ */
    {"\xef\xbc\x9c", JX_IND_LT}, /* ＜ */                {"\xef\xbc\x9d", JX_IND_EQ}, /* ＝ */
    {">", JX_IND_GT},        {"<", JX_IND_LT},        {"=", JX_IND_EQ},
    {"不少于", JX_IND_GE},   {"不低于", JX_IND_GE},   {"不小于", JX_IND_GE},
    {"大于等于", JX_IND_GE}, {"小于等于", JX_IND_LE}, {"不超过", JX_IND_LE},
    {"不高于", JX_IND_LE},   {"不大于", JX_IND_LE},   {"控制在", JX_IND_LE},
    {"达到", JX_IND_GE},     {"超过", JX_IND_GT},     {"高于", JX_IND_GT},
    {"大于", JX_IND_GT},     {"低于", JX_IND_LT},     {"小于", JX_IND_LT},
    {"超", JX_IND_GT},
};

static const word_op suffixes[] = {
    {"及以上", JX_IND_GE}, {"以上", JX_IND_GE}, {"及以下", JX_IND_LE},
    {"以下", JX_IND_LE},   {"以内", JX_IND_LE}, {"左右", JX_IND_APPROX},
};

/* Characters that end a quantity: a unit never holds them. */
static const char *const clause_marks[] = {"，", "。", "；", "：", "、", "！", "？", ",", ";",
                                           ":", "!", "?", "=", "<", ">", "\xe2\x89\xa5",
                                           "\xe2\x89\xa4", "\xe2\x89\xa7", "\xe2\x89\xa6", NULL};

static int starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Trims ASCII white space and U+3000 from both ends, in place. */
static char *trim(char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        else if (starts_with(s, "\xe3\x80\x80"))
            s += 3;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
            n--;
        else if (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    s[n] = '\0';
    return s;
}

/* An ASCII or full-width digit at s: its value, with *len its byte length;
 * -1 otherwise. */
static int digit_at(const char *s, size_t *len)
{
    if (*s >= '0' && *s <= '9') {
        *len = 1;
        return *s - '0';
    }
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
        *len = 3;
        return u[2] - 0x90;
    }
    return -1;
}

static int has_digit(const char *s)
{
    size_t len;
    for (; *s; s++)
        if (digit_at(s, &len) >= 0)
            return 1;
    return 0;
}

/* Reads [+-]digits[,ddd][.digits] at *p into an exact decimal; advances *p. */
static int read_number(const char **p, jx_decimal *out)
{
    char num[64];
    size_t k = 0, len;
    const char *s = *p;
    int digits = 0;
    if (*s == '+' || *s == '-')
        num[k++] = *s++;
    for (;;) {
        int dv = digit_at(s, &len);
        if (dv >= 0) {
            num[k++] = (char)('0' + dv);
            digits++;
            s += len;
        } else if (*s == ',' && digits) {
            num[k++] = ',';
            s++;
        } else if (*s == '.') {
            num[k++] = '.';
            s++;
        } else if (starts_with(s, "\xef\xbc\x8e")) { /* ． */
            num[k++] = '.';
            s += 3;
        } else {
            break;
        }
        if (k >= sizeof num - 1)
            return 0;
    }
    num[k] = '\0';
    if (!digits || jx_decimal_parse(num, JX_DEC_ALLOW_SEPARATORS, out) != JX_OK)
        return 0;
    *p = s;
    return 1;
}

/* A unit: short, no digits, no clause punctuation, valid UTF-8. */
static int valid_unit(const char *u)
{
    if (has_digit(u))
        return 0;
    for (size_t i = 0; clause_marks[i]; i++)
        if (strstr(u, clause_marks[i]))
            return 0;
    size_t n = strlen(u), chars = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = jx_utf8_decode(u + i, n - i, &cp);
        if (!l)
            return 0;
        i += l;
        chars++;
    }
    return chars <= UNIT_MAX_CHARS && n < JX_IND_UNIT_MAX;
}

int jx_indicator_parse(const char *text, jx_indicator *out)
{
    memset(out, 0, sizeof *out);
    if (!text || strlen(text) >= TEXT_MAX)
        return 0;
    char buf[TEXT_MAX];
    memcpy(buf, text, strlen(text) + 1);
    char *s = trim(buf);
    jx_ind_op op = JX_IND_NONE;
    int need_suffix = 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (starts_with(s, prefixes[i].word)) {
            op = prefixes[i].op;
            s = trim(s + strlen(prefixes[i].word));
            break;
        }
    if (op == JX_IND_NONE && starts_with(s, "在")) { /* 在90%以上 */
        need_suffix = 1;
        s = trim(s + strlen("在"));
    }
    const char *p = s;
    jx_decimal number;
    if (!read_number(&p, &number))
        return 0;
    char rest[TEXT_MAX];
    snprintf(rest, sizeof rest, "%s", p);
    char *r = trim(rest);
    size_t rn = strlen(r);
    jx_ind_op suffix_op = JX_IND_NONE;
    int has_suffix = 0;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t wn = strlen(suffixes[i].word);
        if (rn >= wn && strcmp(r + rn - wn, suffixes[i].word) == 0) {
            suffix_op = suffixes[i].op;
            has_suffix = 1;
            r[rn - wn] = '\0';
            r = trim(r);
            break;
        }
    }
    if (need_suffix && !has_suffix)
        return 0;
    if (op == JX_IND_NONE)
        op = suffix_op;
    const char *unit = r;
    if (starts_with(r, "%") || starts_with(r, "\xef\xbc\x85")) { /* ％ */
        const char *after = r + (r[0] == '%' ? 1 : 3);
        if (*after)
            return 0; /* "100%回应" says more than a quantity */
        unit = "%";
    } else if (!valid_unit(r)) {
        return 0;
    }
    out->op = op;
    out->number = number;
    snprintf(out->unit, sizeof out->unit, "%s", unit);
    return 1;
}

const char *jx_ind_op_symbol(jx_ind_op op)
{
    switch (op) {
    case JX_IND_EQ: return "=";
    case JX_IND_GE: return "\xe2\x89\xa5";
    case JX_IND_GT: return ">";
    case JX_IND_LE: return "\xe2\x89\xa4";
    case JX_IND_LT: return "<";
    case JX_IND_APPROX: return "约";
    default: return "";
    }
}

int jx_indicator_format(const jx_indicator *v, char *buf, size_t n)
{
    char num[80];
    jx_decimal_format(v->number, v->number.scale, 0, num, sizeof num);
    return snprintf(buf, n, "%s%s%s", jx_ind_op_symbol(v->op), num, v->unit);
}

int jx_unit_family(const char *unit, const char **base, int *exp10)
{
    static const struct {
        const char *unit, *base;
        int exp10;
    } units[] = {
        {"元", "元", 0},       {"千元", "元", 3},     {"万元", "元", 4},
        {"百万元", "元", 6},   {"亿元", "元", 8},     {"美元", "美元", 0},
        {"万美元", "美元", 4}, {"亿美元", "美元", 8},
    };
    for (size_t i = 0; unit && i < sizeof units / sizeof *units; i++)
        if (strcmp(unit, units[i].unit) == 0) {
            *base = units[i].base;
            *exp10 = units[i].exp10;
            return 1;
        }
    return 0;
}

int jx_indicator_compare(const jx_indicator *a, const jx_indicator *b, int *cmp)
{
    if (strcmp(a->unit, b->unit) == 0) {
        *cmp = jx_decimal_cmp(a->number, b->number);
        return 1;
    }
    const char *ba, *bb;
    int ea, eb;
    if (!jx_unit_family(a->unit, &ba, &ea) || !jx_unit_family(b->unit, &bb, &eb) ||
        strcmp(ba, bb) != 0)
        return 0;
    jx_decimal x = a->number, y = b->number;
    if (ea > eb && jx_decimal_shift(x, ea - eb, &x) != JX_OK)
        return 0;
    if (eb > ea && jx_decimal_shift(y, eb - ea, &y) != JX_OK)
        return 0;
    *cmp = jx_decimal_cmp(x, y);
    return 1;
}
