/* jx_device.h - an output device: what the page layout pass draws on.
 *
 * The layout pass (jx_paginate.c) never calls libharu: it calls these
 * function pointers.  The devices implement them a stage up, in
 * gen/devices: jx_pdf.h (libharu), jx_trace.h (a text listing of every
 * call, for tests).  Coordinates are points with the
 * origin at the top-left corner of the page and y growing downwards; text is
 * positioned by its baseline.
 *
 * Every function returns JX_OK or an error status (and adds a message to the
 * device's diags).  Once a call fails the caller stops drawing and calls
 * destroy().  close() finishes the output; destroy() frees the device and, if
 * close() did not succeed, removes any partial output. */
#ifndef JX_DEVICE_H
#define JX_DEVICE_H

#include <stddef.h>
#include "jx_diag.h"
#include "jx_doc.h"
#include "jx_error.h"
#include "jx_text.h"

typedef struct jx_device jx_device;

struct jx_device {
    jx_status (*begin_document)(jx_device *dev, const jx_doc_info *info);
    jx_status (*begin_page)(jx_device *dev, double width_pt, double height_pt);
    /* Draws `len` bytes of UTF-8 with one face at size_pt, baseline at (x, y). */
    jx_status (*draw_text)(jx_device *dev, const jx_face *face, double size_pt, double x,
                           double y, const char *text, size_t len);
    /* The same with `spacing` points added after every character (a
     * justified line).  May be NULL: the line is then drawn unstretched. */
    jx_status (*draw_text_spaced)(jx_device *dev, const jx_face *face, double size_pt, double x,
                                  double y, const char *text, size_t len, double spacing);
    /* Draws a straight rule from (x0, y0) to (x1, y1). */
    jx_status (*draw_rule)(jx_device *dev, double x0, double y0, double x1, double y1,
                           double width_pt);
    /* An outline entry (bookmark) at level (0 = top) pointing at y on the
     * current page.  May be NULL in a device that has no outline. */
    jx_status (*add_bookmark)(jx_device *dev, const char *title, int level, double y);
    jx_status (*end_page)(jx_device *dev);
    jx_status (*close)(jx_device *dev);
    void (*destroy)(jx_device *dev);
    jx_diags *diags;  /* where the device reports errors (not owned) */
};

#endif
