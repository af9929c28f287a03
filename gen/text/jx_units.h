/* jx_units.h - the unit words that stay with the number before them (part of
 * the text engine, jx_text.h).
 *
 * A unit word is data: fonts/fonts.yaml lists them under `units:` (see
 * layouts/README.md, "Units kept with numbers"); a set with no list of its
 * own uses the default below.  Two kinds:
 *
 *   JX_UNIT_AMOUNT   money, percent and measure units: the line breaker
 *                    never breaks between the number and the unit nor
 *                    inside the unit except as a last resort (tier
 *                    JX_TIER_CUT, a split a reader sees: 128.4|万元, 万|元,
 *                    12|%, 平方|米).  Default: 万 亿 千 元 万元 亿元 千元
 *                    百万元 千万元 % ％ ‰ ℃ 平方米 平方公里 立方米 公里.
 *   JX_UNIT_COUNTER  counters and calendar words (个 次 家 人 项 年 月 日 小时
 *                    …): kept with the number before them (tier
 *                    JX_TIER_SOFT: given up only when the number and its
 *                    counter are wider than the line), never inside a
 *                    counter of several characters; a line may end after
 *                    one.  Default: 个 次 份 家 场 条 人 户 项 座 层 年 月 日 号
 *                    周 天 小时 秒 度 岁 倍 台 辆 间 所 张 册 件 套 批 笔 位
 *                    名 例 株 棵 届 期 季 页 字 节 处 百 十 兆 角 分 米 里
 *                    顷 公顷 亩 吨 克 千克 公斤 斤 升 瓦 千瓦 时.
 *
 * After a digit, a run of unit words (and '/' between two: 3元/平方米,
 * 5个月) stays with the number.  A unit word is also kept whole where no
 * number precedes it (the column head "（万元）").  The longest word that
 * matches wins (千元 over 千). */
#ifndef JX_UNITS_H
#define JX_UNITS_H

#include <stddef.h>
#include <stdint.h>
#include "jx_error.h"

typedef struct jx_units jx_units;

enum { JX_UNIT_AMOUNT = 1, JX_UNIT_COUNTER = 2 };

/* Longest unit word, characters. */
#define JX_UNIT_MAX_CHARS 8

/* The default set (static; never freed). */
const jx_units *jx_units_default(void);

/* An empty set; NULL when out of memory.  Free with jx_units_free(). */
jx_units *jx_units_create(void);
void jx_units_free(jx_units *units);

/* Adds the UTF-8 word `word` of kind JX_UNIT_AMOUNT or JX_UNIT_COUNTER.
 * JX_ERR_SYNTAX when it is empty, not UTF-8, longer than
 * JX_UNIT_MAX_CHARS characters or holds a space, digit or line break;
 * JX_ERR_INTERNAL on another kind; JX_ERR_NOMEM (the set is then as it
 * was).  A word added twice keeps its last kind.  The set's index (words
 * by first character) is rebuilt with each word, so matching never
 * changes the set.  Not thread-safe; a filled set is only read. */
jx_status jx_units_add(jx_units *units, const char *word, int kind);

/* The unit word that begins the characters cp[0..n): its length in
 * characters (the longest that matches) and its kind in *kind (untouched
 * when none matches; kind may be NULL); 0 when none.  units may be NULL
 * (the default set).  One hash look-up of cp[0], then only the words that
 * begin with it, longest first.  Thread-safe. */
size_t jx_units_match(const jx_units *units, const uint32_t *cp, size_t n, int *kind);

/* What jx_units_mark() finds at one character of a paragraph. */
typedef struct jx_unit_mark {
    unsigned char len;    /* characters of the unit word starting here (the
                             longest, as jx_units_match); 0: none */
    unsigned char kind;   /* its kind when len > 0, else 0 */
    unsigned char inside; /* 1: the position after this character is inside
                             a unit word (万|元), whichever word it is */
} jx_unit_mark;

/* Marks the unit words of a paragraph of n characters kept in an array of
 * structs: the k-th character is the uint32_t `stride` bytes after the
 * (k-1)-th, starting at *cp (pass &chars[0].cp and sizeof chars[0]).
 * mark[0..n) is overwritten (the caller owns it; room for n entries).
 * units may be NULL (the default set; without memory for that, nothing is
 * marked).  Cannot fail; thread-safe.  The line breaker is the one caller
 * (jx_text_break_tiers_marks, jx_text.h): it marks each paragraph once and
 * hands the marks to the text engine. */
void jx_units_mark(const jx_units *units, const uint32_t *cp, size_t stride, size_t n,
                   jx_unit_mark *mark);

#endif
