/* jx_units.c - unit words kept with numbers (see jx_units.h).
 *
 * The words are kept sorted by their first character and, among words of
 * the same first character, longest first; an open-addressing hash table
 * (linear probing, at most half full) maps a first character to its run
 * of words.  A match is one look-up of the first character (most
 * characters of a paragraph begin no unit word and stop there), then a
 * comparison with the few words that begin with it, the first that
 * matches being the longest.  Both are rebuilt by jx_units_add(), so a
 * filled set is only read. */
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

/* The words that begin with cp: w[first .. first+count); count 0: an empty
 * slot. */
typedef struct unit_slot {
    uint32_t cp;
    size_t first, count;
} unit_slot;

struct jx_units {
    unit_word *w; /* by first character, then longest first */
    size_t n, cap;
    unit_slot *slot; /* nslots slots (a power of two), or NULL when n == 0 */
    size_t nslots;
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
    free(units->slot);
    free(units);
}

/* The slot where the search for cp starts: cp times 2^32 / golden ratio
 * (Fibonacci hashing), its 32 low bits scaled to [0, nslots). */
static size_t slot_start(uint32_t cp, size_t nslots)
{
    return (size_t)(((uint64_t)(uint32_t)(cp * 2654435769u) * nslots) >> 32);
}

/* The slot of the words beginning with cp, or NULL when no word does. */
static const unit_slot *slot_find(const jx_units *units, uint32_t cp)
{
    if (!units->nslots)
        return NULL;
    size_t mask = units->nslots - 1;
    for (size_t i = slot_start(cp, units->nslots);; i = (i + 1) & mask) {
        const unit_slot *s = &units->slot[i];
        if (s->count == 0)
            return NULL;
        if (s->cp == cp)
            return s;
    }
}

/* Whether word a sorts before word b: by first character, then longest
 * first. */
static int word_before(const unit_word *a, const unit_word *b)
{
    return a->cp[0] != b->cp[0] ? a->cp[0] < b->cp[0] : a->n > b->n;
}

/* A new hash table over units->w[0..n) in *slot / *nslots (at least twice
 * as many slots as words, so at most half are used); JX_ERR_NOMEM. */
static jx_status slots_build(const jx_units *units, unit_slot **slot, size_t *nslots)
{
    size_t m = 16;
    while (m < 2 * units->n)
        m *= 2;
    unit_slot *t = calloc(m, sizeof *t);
    if (!t)
        return JX_ERR_NOMEM;
    for (size_t i = 0; i < units->n;) {
        size_t j = i + 1;
        while (j < units->n && units->w[j].cp[0] == units->w[i].cp[0])
            j++;
        size_t at = slot_start(units->w[i].cp[0], m);
        while (t[at].count)
            at = (at + 1) & (m - 1);
        t[at] = (unit_slot){.cp = units->w[i].cp[0], .first = i, .count = j - i};
        i = j;
    }
    *slot = t;
    *nslots = m;
    return JX_OK;
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
    /* insert in order, then index the set anew (the old index stays until
     * the new one is made, so a failure leaves the set as it was) */
    size_t at = units->n;
    while (at > 0 && word_before(&u, &w[at - 1]))
        at--;
    memmove(&w[at + 1], &w[at], (units->n - at) * sizeof *w);
    w[at] = u;
    units->n++;
    unit_slot *slot;
    size_t nslots;
    if (slots_build(units, &slot, &nslots) != JX_OK) {
        memmove(&w[at], &w[at + 1], (units->n - at - 1) * sizeof *w);
        units->n--;
        return JX_ERR_NOMEM;
    }
    free(units->slot);
    units->slot = slot;
    units->nslots = nslots;
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

/* The longest unit word of `units` (not NULL) that begins the n
 * characters at `at`, one every `stride` bytes; its kind in *kind. */
static size_t match_at(const jx_units *units, const unsigned char *at, size_t stride, size_t n,
                       int *kind)
{
    if (n == 0)
        return 0;
    uint32_t c0;
    memcpy(&c0, at, sizeof c0);
    const unit_slot *s = slot_find(units, c0);
    if (!s)
        return 0;
    for (size_t i = s->first; i < s->first + s->count; i++) {
        const unit_word *w = &units->w[i];
        if (w->n > n)
            continue;
        size_t k = 1;
        for (; k < w->n; k++) {
            uint32_t c;
            memcpy(&c, at + k * stride, sizeof c);
            if (c != w->cp[k])
                break;
        }
        if (k == w->n) {
            if (kind)
                *kind = w->kind;
            return w->n;
        }
    }
    return 0;
}

size_t jx_units_match(const jx_units *units, const uint32_t *cp, size_t n, int *kind)
{
    if (!units)
        units = jx_units_default();
    return units ? match_at(units, (const unsigned char *)cp, sizeof *cp, n, kind) : 0;
}

void jx_units_mark(const jx_units *units, const uint32_t *cp, size_t stride, size_t n,
                   jx_unit_mark *mark)
{
    if (n == 0)
        return;
    memset(mark, 0, n * sizeof *mark);
    if (!units)
        units = jx_units_default();
    if (!units)
        return;
    const unsigned char *at = (const unsigned char *)cp;
    for (size_t k = 0; k < n; k++, at += stride) {
        int kind = 0;
        size_t len = match_at(units, at, stride, n - k, &kind);
        if (!len)
            continue;
        mark[k].len = (unsigned char)len;
        mark[k].kind = (unsigned char)kind;
        for (size_t i = k; i + 1 < k + len; i++)
            mark[i].inside = 1;
    }
}
