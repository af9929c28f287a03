/* jx_diag.c - diagnostics list. */
#include "jx_diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jx_i18n.h"
#include "jx_util.h"

void jx_diags_init(jx_diags *d)
{
    memset(d, 0, sizeof *d);
}

void jx_diags_free(jx_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
        free(d->items[i].rule);
    }
    free(d->items);
    jx_diags_init(d);
}

jx_status jx_diags_vadd(jx_diags *d, jx_severity sev, const char *file, int line, int col,
                        const char *rule, const char *fmt, va_list ap)
{
    if (sev == JX_SEV_ERROR)
        d->errors++;
    else if (sev == JX_SEV_WARNING)
        d->warnings++;
    jx_diag *items = jx_grow(d->items, &d->cap, d->count, sizeof *items, 8);
    if (!items)
        goto oom;
    d->items = items;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *msg = malloc((size_t)n + 1);
    if (!msg)
        goto oom;
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    jx_diag *g = &d->items[d->count];
    g->severity = sev;
    g->file = jx_strdup(file);
    g->rule = jx_strdup(rule);
    g->message = msg;
    g->line = line;
    g->col = col;
    if ((file && !g->file) || (rule && !g->rule)) {
        free(g->file);
        free(g->rule);
        free(msg);
        goto oom;
    }
    d->count++;
    return JX_OK;
oom:
    d->oom = 1;
    return JX_ERR_NOMEM;
}

jx_status jx_diags_add(jx_diags *d, jx_severity sev, const char *file, int line, int col,
                       const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_status st = jx_diags_vadd(d, sev, file, line, col, rule, fmt, ap);
    va_end(ap);
    return st;
}

jx_status jx_diag_error(jx_diags *d, jx_status status, const char *file, int line, int col,
                        const char *fmt, ...)
{
    if (!d)
        return status;
    va_list ap;
    va_start(ap, fmt);
    jx_diags_vadd(d, JX_SEV_ERROR, file, line, col, NULL, fmt, ap);
    va_end(ap);
    return status;
}

static const char *severity_name(jx_severity s)
{
    switch (s) {
    case JX_SEV_ERROR: return "error";
    case JX_SEV_WARNING: return "warning";
    default: return "note";
    }
}

/* The severity as the reader sees it (translated; the JSON keeps the
 * English word as a key). */
static const char *severity_text(jx_severity s)
{
    switch (s) {
    case JX_SEV_ERROR: return _("error");
    case JX_SEV_WARNING: return _("warning");
    default: return _("note");
    }
}

void jx_diag_format(const jx_diag *g, jx_buf *out)
{
    if (g->file && g->line > 0 && g->col > 0)
        jx_buf_printf(out, "%s:%d:%d: ", g->file, g->line, g->col);
    else if (g->file && g->line > 0)
        jx_buf_printf(out, "%s:%d: ", g->file, g->line);
    else if (g->file)
        jx_buf_printf(out, "%s: ", g->file);
    jx_buf_printf(out, "%s: %s", severity_text(g->severity), g->message);
    if (g->rule)
        jx_buf_printf(out, " [%s]", g->rule);
}

void jx_diags_print(const jx_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++) {
        jx_buf line = {0};
        jx_diag_format(&d->items[i], &line);
        jx_buf_puts(&line, "\n");
        if (line.oom)
            fputs(_("error: out of memory while printing a message\n"), out);
        else
            fputs(jx_buf_str(&line), out);
        jx_buf_free(&line);
    }
    if (d->oom)
        fputs(_("error: out of memory while recording messages\n"), out);
}

void jx_diags_print_json(const jx_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++) {
        const jx_diag *g = &d->items[i];
        fputs("{\"file\":", out);
        jx_json_string(out, g->file);
        fprintf(out, ",\"line\":%d,\"col\":%d,\"severity\":\"%s\",\"rule\":", g->line, g->col,
                severity_name(g->severity));
        jx_json_string(out, g->rule);
        fputs(",\"message\":", out);
        jx_json_string(out, g->message);
        fputs("}\n", out);
    }
}

jx_status jx_diags_append(jx_diags *dst, jx_diags *src)
{
    for (size_t i = 0; i < src->count; i++) {
        jx_diag *g = &src->items[i];
        jx_status st = jx_diags_add(dst, g->severity, g->file, g->line, g->col, g->rule, "%s",
                                    g->message);
        if (st != JX_OK)
            return st;
    }
    dst->oom |= src->oom;
    jx_diags_free(src);
    return JX_OK;
}
