/* jx_decimal.c - exact decimal amounts. */
#include "jx_decimal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

jx_status jx_decimal_parse(const char *s, int flags, jx_decimal *out)
{
    const char *p = s, *end = s + strlen(s);
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;
    if (p == end) {
        if (!(flags & JX_DEC_ALLOW_BLANK_ZERO))
            return JX_ERR_SYNTAX;
        *out = (jx_decimal){0, 0};
        return JX_OK;
    }
    if (end - p == 1 && *p == '-' && (flags & JX_DEC_ALLOW_DASH_ZERO)) {
        *out = (jx_decimal){0, 0};
        return JX_OK;
    }
    int percent = 0;
    if (flags & JX_DEC_ALLOW_PERCENT) {
        if (end - p >= 1 && end[-1] == '%') {
            percent = 1;
            end -= 1;
        } else if (end - p >= 3 && memcmp(end - 3, "\xEF\xBC\x85", 3) == 0) { /* ％ */
            percent = 1;
            end -= 3;
        }
        while (percent && end > p && is_space(end[-1]))
            end--;
    }
    int neg = 0;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    int64_t units = 0;
    int scale = 0, digits = 0, in_frac = 0, group = -1;
    for (; p < end; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (in_frac && scale == JX_DECIMAL_MAX_SCALE)
                return JX_ERR_LIMIT;
            if (units > (INT64_MAX - 9) / 10)
                return JX_ERR_LIMIT;
            units = units * 10 + (c - '0');
            digits++;
            if (in_frac)
                scale++;
            else if (group >= 0)
                group++;
        } else if (c == ',' && (flags & JX_DEC_ALLOW_SEPARATORS) && !in_frac && digits > 0 &&
                   (group < 0 || group == 3)) {
            if (group < 0 && digits > 3)
                return JX_ERR_SYNTAX;
            group = 0;
        } else if (c == '.' && !in_frac) {
            if (group >= 0 && group != 3)
                return JX_ERR_SYNTAX;
            group = -1;
            in_frac = 1;
        } else {
            return JX_ERR_SYNTAX;
        }
    }
    if (digits == 0 || (group >= 0 && group != 3))
        return JX_ERR_SYNTAX;
    if (percent) {
        if (scale + 2 > JX_DECIMAL_MAX_SCALE)
            return JX_ERR_LIMIT;
        scale += 2;
    }
    out->units = neg ? -units : units;
    out->scale = scale;
    return JX_OK;
}

/* Brings a and b to one scale. */
static jx_status align(jx_decimal *a, jx_decimal *b)
{
    while (a->scale < b->scale) {
        if (a->units > INT64_MAX / 10 || a->units < INT64_MIN / 10)
            return JX_ERR_LIMIT;
        a->units *= 10;
        a->scale++;
    }
    while (b->scale < a->scale) {
        if (b->units > INT64_MAX / 10 || b->units < INT64_MIN / 10)
            return JX_ERR_LIMIT;
        b->units *= 10;
        b->scale++;
    }
    return JX_OK;
}

jx_status jx_decimal_add(jx_decimal a, jx_decimal b, jx_decimal *out)
{
    jx_status st = align(&a, &b);
    if (st != JX_OK)
        return st;
    if ((b.units > 0 && a.units > INT64_MAX - b.units) ||
        (b.units < 0 && a.units < INT64_MIN - b.units))
        return JX_ERR_LIMIT;
    out->units = a.units + b.units;
    out->scale = a.scale;
    return JX_OK;
}

jx_status jx_decimal_sub(jx_decimal a, jx_decimal b, jx_decimal *out)
{
    if (b.units == INT64_MIN)
        return JX_ERR_LIMIT;
    b.units = -b.units;
    return jx_decimal_add(a, b, out);
}

jx_status jx_decimal_shift(jx_decimal a, int exp10, jx_decimal *out)
{
    while (exp10 > 0) {
        if (a.scale > 0) {
            a.scale--;
        } else {
            if (a.units > INT64_MAX / 10 || a.units < INT64_MIN / 10)
                return JX_ERR_LIMIT;
            a.units *= 10;
        }
        exp10--;
    }
    while (exp10 < 0) {
        if (a.scale >= JX_DECIMAL_MAX_SCALE)
            return JX_ERR_LIMIT;
        a.scale++;
        exp10++;
    }
    *out = a;
    return JX_OK;
}

int jx_decimal_cmp(jx_decimal a, jx_decimal b)
{
    if (align(&a, &b) != JX_OK) {
        /* One side is too large to rescale: compare by sign and size. */
        if ((a.units < 0) != (b.units < 0))
            return a.units < 0 ? -1 : 1;
        return a.scale < b.scale ? (a.units < 0 ? -1 : 1) : (a.units < 0 ? 1 : -1);
    }
    return (a.units > b.units) - (a.units < b.units);
}

int jx_decimal_is_zero(jx_decimal a)
{
    return a.units == 0;
}

int jx_decimal_format(jx_decimal a, int decimals, int thousands, char *buf, size_t n)
{
    int neg = a.units < 0;
    /* Work on the magnitude as unsigned to cover INT64_MIN. */
    uint64_t mag = neg ? (uint64_t)0 - (uint64_t)a.units : (uint64_t)a.units;
    int scale = a.scale;
    if (decimals < 0) {
        while (scale > 0 && mag % 10 == 0) {
            mag /= 10;
            scale--;
        }
        decimals = scale;
    }
    /* Round half away from zero once, on the dropped digits as a whole
     * (digit by digit, 9.45 -> 9.5 -> 10 would round twice). */
    if (scale > decimals) {
        uint64_t div = 1;
        for (int k = scale; k > decimals; k--)
            div *= 10;
        uint64_t rem = mag % div;
        mag /= div;
        if (rem >= div - rem)
            mag++;
        scale = decimals;
    }
    char digits[64];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)mag);
    /* Pad so there is at least one integer digit. */
    char padded[96];
    int zeros = decimals - scale; /* scale < decimals: append zeros */
    int int_digits = nd - scale;
    int lead = int_digits <= 0 ? 1 - int_digits : 0;
    int len = 0;
    for (int i = 0; i < lead; i++)
        padded[len++] = '0';
    memcpy(padded + len, digits, (size_t)nd);
    len += nd;
    int_digits = len - scale;
    char outbuf[160];
    int o = 0;
    if (neg && mag != 0)
        outbuf[o++] = '-';
    for (int i = 0; i < int_digits; i++) {
        outbuf[o++] = padded[i];
        int left = int_digits - 1 - i;
        if (thousands && left > 0 && left % 3 == 0)
            outbuf[o++] = ',';
    }
    if (decimals > 0) {
        outbuf[o++] = '.';
        for (int i = int_digits; i < len; i++)
            outbuf[o++] = padded[i];
        for (int i = 0; i < zeros; i++)
            outbuf[o++] = '0';
    }
    outbuf[o] = '\0';
    if (n > 0) {
        size_t c = (size_t)o < n - 1 ? (size_t)o : n - 1;
        memcpy(buf, outbuf, c);
        buf[c] = '\0';
    }
    return o;
}

double jx_decimal_to_double(jx_decimal a)
{
    /* Via the shortest decimal text, so 70823.39 becomes the double nearest
     * to 70823.39 rather than a product with rounding error. */
    char text[64];
    jx_decimal_format(a, -1, 0, text, sizeof text);
    return strtod(text, NULL);
}
