/* jx_diag.h - diagnostics: the messages a person reads.
 *
 * Every message carries the file, 1-based line and column it is about (0
 * when unknown), a severity, the text and an optional rule id.  They print as
 *     file:line:col: error: message [rule-id]
 * or, without a known position, as "file: error: message".
 * A jx_diags owns copies of every string passed in. */
#ifndef JX_DIAG_H
#define JX_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include "jx_error.h"

typedef enum jx_severity { JX_SEV_ERROR, JX_SEV_WARNING, JX_SEV_NOTE } jx_severity;

typedef struct jx_diag {
    jx_severity severity;
    char *file;     /* may be NULL */
    int line, col;  /* 1-based; 0 when not known */
    char *message;
    char *rule;     /* may be NULL */
} jx_diag;

typedef struct jx_diags {
    jx_diag *items;
    size_t count, cap;
    size_t errors, warnings;
    int oom;        /* set when a message could not be stored */
} jx_diags;

void jx_diags_init(jx_diags *d);
void jx_diags_free(jx_diags *d);

/* Appends a message (printf-style).  Returns JX_OK or JX_ERR_NOMEM; on
 * failure d->oom is set and the count still advances. */
jx_status jx_diags_add(jx_diags *d, jx_severity sev, const char *file, int line, int col,
                       const char *rule, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* The same with the arguments as a va_list: the base of every
 * format-checked message helper (declare yours with
 * __attribute__((format(printf, N, N + 1))) and pass its va_list here). */
jx_status jx_diags_vadd(jx_diags *d, jx_severity sev, const char *file, int line, int col,
                        const char *rule, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 0)))
#endif
    ;

/* Shorthand: an error with no rule id.  Returns `status` so callers can
 * write `return jx_diag_error(d, JX_ERR_LAYOUT, file, l, c, "...")`.  With d
 * NULL nothing is recorded and `status` is still returned. */
jx_status jx_diag_error(jx_diags *d, jx_status status, const char *file, int line, int col,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

struct jx_buf;

/* Appends g to out as "file:line:col: severity: message [rule]", leaving out
 * what is not known: "file:line: …" without a column, "file: …" without a
 * line, the bare "severity: …" without a file. */
void jx_diag_format(const jx_diag *g, struct jx_buf *out);

/* Prints every message as jx_diag_format() writes it, one a line. */
void jx_diags_print(const jx_diags *d, FILE *out);

/* Prints every message as one JSON object per line. */
void jx_diags_print_json(const jx_diags *d, FILE *out);

/* Moves all messages of src to the end of dst (src is left empty). */
jx_status jx_diags_append(jx_diags *dst, jx_diags *src);

#endif
