/* jx_units.c - unit words kept with numbers (see jx_units.h). */
#include "jx_units.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "jx_util.h"

typedef struct unit_word {
    uint32_t cp[JX_UNIT_MAX_CHARS];
    size_t n;
    int kind;
} unit_word;

struct jx_units {
    unit_word *w;
    size_t n, cap;
};

/* The default words (jx_units.h; the same list as fonts/fonts.yaml). */
static const char *const default_amounts[] = {
    "万", "亿", "千", "元", "万元", "亿元", "千元", "百万元", "千万元", "%", "％", "‰", "℃",
    "平方米", "平方公里", "立方米", "公里"};
static const char *const default_counters[] = {
    "个", "次", "份", "家", "场", "条", "人", "户", "项", "座", "层", "年", "月", "日",
    "号", "周", "天", "小时", "秒", "度", "岁", "倍", "台", "辆", "间", "所", "张", "册",
    "件", "套", "批", "笔", "位", "名", "例", "株", "棵", "届", "期", "季", "页", "字",
    "节", "处", "百", "十", "兆", "角", "分", "米", "里", "顷", "公顷", "亩", "吨", "克",
    "千克", "公斤", "斤", "升", "瓦", "千瓦", "时"};

jx_units *jx_units_create(void)
{
    return calloc(1, sizeof(jx_units));
}

void jx_units_free(jx_units *units)
{
    if (!units)
        return;
    free(units->w);
    free(units);
}

jx_status jx_units_add(jx_units *units, const char *word, int kind)
{
    if (!units || !word || (kind != JX_UNIT_AMOUNT && kind != JX_UNIT_COUNTER))
        return JX_ERR_INTERNAL;
    unit_word u = {.kind = kind};
    size_t len = strlen(word), pos = 0;
    uint32_t cp;
    while (pos < len) {
        if (!jx_utf8_next(word, len, &pos, &cp) || u.n == JX_UNIT_MAX_CHARS || cp <= ' ' ||
            (cp >= '0' && cp <= '9') || cp == 0x2028 || cp == 0x2029 || cp == 0x3000)
            return JX_ERR_SYNTAX;
        u.cp[u.n++] = cp;
    }
    if (u.n == 0)
        return JX_ERR_SYNTAX;
    for (size_t i = 0; i < units->n; i++) {
        if (units->w[i].n == u.n && memcmp(units->w[i].cp, u.cp, u.n * sizeof u.cp[0]) == 0) {
            units->w[i].kind = kind;
            return JX_OK;
        }
    }
    unit_word *w = jx_grow(units->w, &units->cap, units->n, sizeof *w, 32);
    if (!w)
        return JX_ERR_NOMEM;
    units->w = w;
    units->w[units->n++] = u;
    return JX_OK;
}

static jx_units *default_set;

/* Builds the default set once (jx_units_default). */
static void default_init(void)
{
    jx_units *u = jx_units_create();
    if (!u)
        return;
    for (size_t i = 0; i < sizeof default_amounts / sizeof *default_amounts; i++)
        if (jx_units_add(u, default_amounts[i], JX_UNIT_AMOUNT) != JX_OK)
            goto fail;
    for (size_t i = 0; i < sizeof default_counters / sizeof *default_counters; i++)
        if (jx_units_add(u, default_counters[i], JX_UNIT_COUNTER) != JX_OK)
            goto fail;
    default_set = u;
    return;
fail:
    jx_units_free(u);
}

static pthread_once_t default_once = PTHREAD_ONCE_INIT;

/* Without memory for it the default set is empty: numbers and units then
 * break as plain text, nothing fails. */
const jx_units *jx_units_default(void)
{
    pthread_once(&default_once, default_init);
    return default_set;
}

size_t jx_units_match(const jx_units *units, const uint32_t *cp, size_t n, int *kind)
{
    if (!units)
        units = jx_units_default();
    size_t best = 0;
    for (size_t i = 0; units && i < units->n; i++) {
        const unit_word *w = &units->w[i];
        if (w->n <= best || w->n > n || w->cp[0] != cp[0])
            continue;
        size_t k = 1;
        while (k < w->n && w->cp[k] == cp[k])
            k++;
        if (k == w->n) {
            best = w->n;
            if (kind)
                *kind = w->kind;
        }
    }
    return best;
}

size_t jx_units_match_strided(const jx_units *units, const uint32_t *cp, size_t stride, size_t n,
                              int *kind)
{
    uint32_t word[JX_UNIT_MAX_CHARS];
    size_t m = 0;
    for (const char *at = (const char *)cp; m < JX_UNIT_MAX_CHARS && m < n; m++, at += stride)
        memcpy(&word[m], at, sizeof word[m]);
    return jx_units_match(units, word, m, kind);
}
