/* jx_trace.c - the trace device: one line of text per drawing call.
 *
 * For tests of the layout pass.  Lines (numbers always with two decimals,
 * formatted without the C locale so the output is the same everywhere;
 * strings in double quotes with \" \\ \n \t and \xHH escapes):
 *
 *   document title="…" author="…" subject="…" keywords="…" creator="…" date=1700000000
 *   page 595.28x841.89
 *   text "AR PL UMing CN" 10.50 x=56.69 y=100.00 "项目名称"
 *   rule 56.69,90.00-538.58,90.00 w=0.50
 *   bookmark 0 y=100.00 "一、收入预算"
 *   endpage
 *   close
 *
 * (the device does not know font roles: a text line names the face's
 * family).  Calls in the wrong order (drawing outside a page, a page inside
 * a page, ...) fail with JX_ERR_INTERNAL, as they would on the PDF device. */
#include "jx_trace.h"
#include "jx_device.h"
#include "jx_i18n.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct trace_device {
    jx_device base; /* must be first */
    FILE *out;
    int in_page, closed;
} trace_device;

/* Reports a call out of order: msg is an N_() message of the catalog,
 * translated here.  Returns JX_ERR_INTERNAL. */
static jx_status trace_fail(trace_device *dev, const char *msg)
{
    if (dev->base.diags)
        jx_diag_error(dev->base.diags, JX_ERR_INTERNAL, NULL, 0, 0, "%s", _(msg));
    return JX_ERR_INTERNAL;
}

/* Prints `before`, then v rounded to hundredths, without printf's
 * locale-dependent point. */
static void put_num(FILE *out, const char *before, double v)
{
    fputs(before, out);
    if (isnan(v)) {
        fputs("nan", out);
        return;
    }
    if (isinf(v)) {
        fputs(v < 0 ? "-inf" : "inf", out);
        return;
    }
    if (fabs(v) >= 9e15) {
        fputs(v < 0 ? "-huge" : "huge", out);
        return;
    }
    long long c = llround(v * 100.0);
    if (c < 0) {
        fputc('-', out);
        c = -c;
    }
    fprintf(out, "%lld.%02lld", c / 100, c % 100);
}

static void put_str(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(out, "\\x%02X", c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

/* JX_OK inside a page, else trace_fail(dev, msg). */
static jx_status check_page(trace_device *dev, const char *msg)
{
    if (dev->closed || !dev->in_page)
        return trace_fail(dev, msg);
    return JX_OK;
}

static jx_status trace_begin_document(jx_device *d, const jx_doc_info *info)
{
    trace_device *dev = (trace_device *)d;
    if (dev->closed || dev->in_page || !info)
        return trace_fail(dev, N_("trace device: begin_document() out of order"));
    const char *names[5] = {"title", "author", "subject", "keywords", "creator"};
    const char *values[5] = {info->title, info->author, info->subject, info->keywords,
                             info->creator};
    fputs("document", dev->out);
    for (int i = 0; i < 5; i++) {
        if (!values[i])
            continue;
        fprintf(dev->out, " %s=", names[i]);
        put_str(dev->out, values[i], strlen(values[i]));
    }
    fprintf(dev->out, " date=%lld\n", info->date_epoch);
    return JX_OK;
}

static jx_status trace_begin_page(jx_device *d, double width_pt, double height_pt)
{
    trace_device *dev = (trace_device *)d;
    if (dev->closed || dev->in_page)
        return trace_fail(dev, N_("trace device: begin_page() inside a page or after close()"));
    dev->in_page = 1;
    put_num(dev->out, "page ", width_pt);
    put_num(dev->out, "x", height_pt);
    fputc('\n', dev->out);
    return JX_OK;
}

static jx_status trace_draw_text_spaced(jx_device *d, const jx_face *face, double size_pt,
                                        double x, double y, const char *text, size_t len,
                                        double spacing);

static jx_status trace_draw_text(jx_device *d, const jx_face *face, double size_pt, double x,
                                 double y, const char *text, size_t len)
{
    return trace_draw_text_spaced(d, face, size_pt, x, y, text, len, 0);
}

/* "text FAMILY SIZE x=X y=Y [cs=SPACING ]"TEXT"" (cs only when non-zero). */
static jx_status trace_draw_text_spaced(jx_device *d, const jx_face *face, double size_pt,
                                        double x, double y, const char *text, size_t len,
                                        double spacing)
{
    trace_device *dev = (trace_device *)d;
    if (check_page(dev, N_("trace device: draw_text() outside a page")))
        return JX_ERR_INTERNAL;
    if (!face || (!text && len))
        return trace_fail(dev, N_("trace device: draw_text() without face or text"));
    const char *family = jx_face_family(face);
    fputs("text ", dev->out);
    put_str(dev->out, family ? family : "?", family ? strlen(family) : 1);
    put_num(dev->out, " ", size_pt);
    put_num(dev->out, " x=", x);
    put_num(dev->out, " y=", y);
    if (spacing != 0)
        put_num(dev->out, " cs=", spacing);
    fputc(' ', dev->out);
    put_str(dev->out, text ? text : "", len);
    fputc('\n', dev->out);
    return JX_OK;
}

static jx_status trace_draw_rule(jx_device *d, double x0, double y0, double x1, double y1,
                                 double width_pt)
{
    trace_device *dev = (trace_device *)d;
    if (check_page(dev, N_("trace device: draw_rule() outside a page")))
        return JX_ERR_INTERNAL;
    put_num(dev->out, "rule ", x0);
    put_num(dev->out, ",", y0);
    put_num(dev->out, "-", x1);
    put_num(dev->out, ",", y1);
    put_num(dev->out, " w=", width_pt);
    fputc('\n', dev->out);
    return JX_OK;
}

static jx_status trace_add_bookmark(jx_device *d, const char *title, int level, double y)
{
    trace_device *dev = (trace_device *)d;
    if (check_page(dev, N_("trace device: add_bookmark() outside a page")))
        return JX_ERR_INTERNAL;
    if (!title)
        return trace_fail(dev, N_("trace device: add_bookmark() without a title"));
    fprintf(dev->out, "bookmark %d", level);
    put_num(dev->out, " y=", y);
    fputc(' ', dev->out);
    put_str(dev->out, title, strlen(title));
    fputc('\n', dev->out);
    return JX_OK;
}

static jx_status trace_end_page(jx_device *d)
{
    trace_device *dev = (trace_device *)d;
    if (check_page(dev, N_("trace device: end_page() outside a page")))
        return JX_ERR_INTERNAL;
    dev->in_page = 0;
    fputs("endpage\n", dev->out);
    return JX_OK;
}

static jx_status trace_close(jx_device *d)
{
    trace_device *dev = (trace_device *)d;
    if (dev->closed || dev->in_page)
        return trace_fail(dev, N_("trace device: close() twice or inside a page"));
    dev->closed = 1;
    fputs("close\n", dev->out);
    if (fflush(dev->out) != 0 || ferror(dev->out)) {
        if (dev->base.diags)
            jx_diag_error(dev->base.diags, JX_ERR_IO, NULL, 0, 0,
                          _("trace device: cannot write the trace"));
        return JX_ERR_IO;
    }
    return JX_OK;
}

static void trace_destroy(jx_device *d)
{
    free(d);
}

/* Creates a device printing one line per call to `out` (which it neither
 * owns nor closes).  Returns NULL when out of memory or out is NULL. */
jx_device *jx_trace_device_create(FILE *out, jx_diags *d)
{
    if (!out)
        return NULL;
    trace_device *dev = calloc(1, sizeof *dev);
    if (!dev)
        return NULL;
    dev->out = out;
    dev->base.begin_document = trace_begin_document;
    dev->base.begin_page = trace_begin_page;
    dev->base.draw_text = trace_draw_text;
    dev->base.draw_text_spaced = trace_draw_text_spaced;
    dev->base.draw_rule = trace_draw_rule;
    dev->base.add_bookmark = trace_add_bookmark;
    dev->base.end_page = trace_end_page;
    dev->base.close = trace_close;
    dev->base.destroy = trace_destroy;
    dev->base.diags = d;
    return &dev->base;
}
