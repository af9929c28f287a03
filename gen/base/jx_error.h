/* jx_error.h - status codes shared by every jxgen module.
 *
 * Library code never aborts or exits: every fallible function returns a
 * jx_status and, where a person must read why, appends a message to a
 * jx_diags list (jx_diag.h).  jx_status_str() gives a short name in the
 * message language (jx_i18n.h); the table in jx_error.c is kept in step
 * with this enum by a unit test. */
#ifndef JX_ERROR_H
#define JX_ERROR_H

typedef enum jx_status {
    JX_OK = 0,
    JX_ERR_NOMEM,      /* allocation failed */
    JX_ERR_IO,         /* a file could not be read or written */
    JX_ERR_SYNTAX,     /* malformed YAML/JSON, invalid UTF-8 */
    JX_ERR_FILING,     /* the filing breaks a rule of its region's schema */
    JX_ERR_LAYOUT,     /* a layout file is malformed */
    JX_ERR_FONT,       /* a font is missing, corrupt or cannot be embedded */
    JX_ERR_GLYPH,      /* a character that no configured font can draw */
    JX_ERR_LIMIT,      /* input exceeds a safety limit (size, depth, count) */
    JX_ERR_PDF,        /* the PDF back-end failed */
    JX_ERR_XLSX,       /* the XLSX back-end failed */
    JX_ERR_USAGE,      /* bad command line */
    JX_ERR_INTERNAL,   /* a bug: an invariant did not hold */
    JX_STATUS_COUNT
} jx_status;

/* Returns a static, never-NULL name for status in the message language
 * (e.g. "out of memory"; 内存不足 in Chinese). */
const char *jx_status_str(jx_status status);

#endif
