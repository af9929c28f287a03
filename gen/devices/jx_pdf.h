/* jx_pdf.h - the PDF device (libharu + hb-subset), one implementation of
 * jx_device.h; jx_pdf.c describes what its close() writes. */
#ifndef JX_PDF_H
#define JX_PDF_H

#include "jx_device.h"
#include "jx_file.h"
#include "jx_text.h"

/* A PDF device writing to `path` atomically (a temporary file renamed into
 * place by close()).  Fonts are embedded as subsets made with hb-subset of
 * exactly the characters drawn.  Returns NULL when out of memory. */
jx_device *jx_pdf_device_create(const char *path, jx_fonts *fonts, jx_diags *d);

/* The same, writing into `out` (opened by the caller with
 * jx_file_out_open(), not owned): close() writes the PDF and finishes
 * `out` (jx_file_out_finish()) but does not put it in place; the caller
 * commits it, or aborts it after a failure (a failed close() may leave it
 * open).  Messages name out->path.  Returns NULL when out of memory. */
jx_device *jx_pdf_device_create_into(jx_file_out *out, jx_fonts *fonts, jx_diags *d);

#endif
