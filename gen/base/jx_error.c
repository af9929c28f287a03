/* jx_error.c - names of jx_status values. */
#include "jx_error.h"

static const char *const status_names[JX_STATUS_COUNT] = {
    [JX_OK] = "success",
    [JX_ERR_NOMEM] = "out of memory",
    [JX_ERR_IO] = "input/output error",
    [JX_ERR_SYNTAX] = "syntax error",
    [JX_ERR_FILING] = "invalid filing",
    [JX_ERR_LAYOUT] = "invalid layout",
    [JX_ERR_FONT] = "font error",
    [JX_ERR_GLYPH] = "character not in any font",
    [JX_ERR_LIMIT] = "input exceeds a limit",
    [JX_ERR_PDF] = "PDF output error",
    [JX_ERR_XLSX] = "XLSX output error",
    [JX_ERR_USAGE] = "usage error",
    [JX_ERR_INTERNAL] = "internal error",
};

const char *jx_status_str(jx_status status)
{
    if ((unsigned)status >= JX_STATUS_COUNT || !status_names[status])
        return "unknown status";
    return status_names[status];
}
