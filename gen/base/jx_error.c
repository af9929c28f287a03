/* jx_error.c - names of jx_status values. */
#include "jx_error.h"

#include "jx_i18n.h"

static const char *const status_names[JX_STATUS_COUNT] = {
    [JX_OK] = N_("success"),
    [JX_ERR_NOMEM] = N_("out of memory"),
    [JX_ERR_IO] = N_("input/output error"),
    [JX_ERR_SYNTAX] = N_("syntax error"),
    [JX_ERR_FILING] = N_("invalid filing"),
    [JX_ERR_LAYOUT] = N_("invalid layout"),
    [JX_ERR_FONT] = N_("font error"),
    [JX_ERR_GLYPH] = N_("character not in any font"),
    [JX_ERR_LIMIT] = N_("input exceeds a limit"),
    [JX_ERR_PDF] = N_("PDF output error"),
    [JX_ERR_XLSX] = N_("XLSX output error"),
    [JX_ERR_USAGE] = N_("usage error"),
    [JX_ERR_INTERNAL] = N_("internal error"),
};

const char *jx_status_str(jx_status status)
{
    if ((unsigned)status >= JX_STATUS_COUNT || !status_names[status])
        return _("unknown status");
    return _(status_names[status]);
}
