/* jx_trace.h - the trace device: one line of text per draw call, the
 * implementation of jx_device.h the tests read (jxgen build --trace). */
#ifndef JX_TRACE_H
#define JX_TRACE_H

#include <stdio.h>

#include "jx_device.h"

/* A device that prints one line per call to `out` (not closed). */
jx_device *jx_trace_device_create(FILE *out, jx_diags *d);

#endif
