/* jx_decimal.h - exact decimal amounts.
 *
 * Money never goes through binary floating point: an amount is an integer
 * count of 10^-scale units (scale 0..JX_DECIMAL_MAX_SCALE).  70823.39 is
 * {7082339, 2}.  Arithmetic checks for overflow.  The only conversion to
 * double is jx_decimal_to_double(), for writing a cell value into a
 * workbook, which stores numbers as IEEE doubles by definition. */
#ifndef JX_DECIMAL_H
#define JX_DECIMAL_H

#include <stddef.h>
#include <stdint.h>
#include "jx_error.h"

#define JX_DECIMAL_MAX_SCALE 6

typedef struct jx_decimal {
    int64_t units;  /* value = units / 10^scale */
    int scale;      /* 0..JX_DECIMAL_MAX_SCALE */
} jx_decimal;

typedef enum jx_decimal_parse_flags {
    JX_DEC_ALLOW_SEPARATORS = 1, /* "1,000.50" */
    JX_DEC_ALLOW_DASH_ZERO = 2,  /* "-" alone means zero */
    JX_DEC_ALLOW_BLANK_ZERO = 4, /* "" means zero */
    JX_DEC_ALLOW_PERCENT = 8,    /* "45%" or "45％" means 0.45 */
} jx_decimal_parse_flags;

/* Parses s (leading/trailing ASCII spaces ignored).  Returns JX_OK, or
 * JX_ERR_SYNTAX when s is not a number, JX_ERR_LIMIT when it has more than
 * JX_DECIMAL_MAX_SCALE decimals (counting the two a percent sign adds:
 * "12.3456%" is 0.123456) or does not fit. */
jx_status jx_decimal_parse(const char *s, int flags, jx_decimal *out);

/* *out = a + b.  JX_ERR_LIMIT on overflow. */
jx_status jx_decimal_add(jx_decimal a, jx_decimal b, jx_decimal *out);
/* *out = a - b.  JX_ERR_LIMIT on overflow. */
jx_status jx_decimal_sub(jx_decimal a, jx_decimal b, jx_decimal *out);
/* *out = a * 10^exp10 (exp10 may be negative only if exact). */
jx_status jx_decimal_shift(jx_decimal a, int exp10, jx_decimal *out);

/* Returns <0, 0, >0 like strcmp (exact, any scales). */
int jx_decimal_cmp(jx_decimal a, jx_decimal b);
int jx_decimal_is_zero(jx_decimal a);

/* Formats a rounded half away from zero to `decimals` places (-1: as many
 * as its scale needs, trailing zeros dropped), with ',' every three digits
 * when `thousands` is set.  Writes at most n bytes including NUL; returns
 * the length it needed (like snprintf). */
int jx_decimal_format(jx_decimal a, int decimals, int thousands, char *buf, size_t n);

/* For workbook cells only. */
double jx_decimal_to_double(jx_decimal a);

#endif
