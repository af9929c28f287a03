/* jx_i18n.c - choosing the message language (see jx_i18n.h). */
#include "jx_i18n.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static jx_lang current = JX_LANG_EN;

int jx_lang_parse(const char *s, jx_lang *out)
{
    if (!s)
        return -1;
    if (strncasecmp(s, "zh", 2) == 0 || strcasecmp(s, "cn") == 0 || strcmp(s, "中文") == 0 ||
        strcasecmp(s, "chinese") == 0) {
        *out = JX_LANG_ZH;
        return 0;
    }
    if (strncasecmp(s, "en", 2) == 0) { /* en, en_US, en-GB, english */
        *out = JX_LANG_EN;
        return 0;
    }
    return -1;
}

jx_lang jx_lang_from_env(void)
{
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncmp(v, "en", 2) == 0 ? JX_LANG_EN : JX_LANG_ZH;
    }
    return JX_LANG_ZH;
}

void jx_i18n_init(jx_lang lang, const char *localedir)
{
    current = lang;
    if (lang == JX_LANG_EN) {
        /* The msgids are the English text: under the plain "C" locale
         * gettext returns them (also after an earlier call chose Chinese). */
        setlocale(LC_MESSAGES, "C");
        return;
    }
    /* gettext looks the catalog up by LANGUAGE, which glibc ignores while
     * LC_MESSAGES is the plain "C" locale; C.UTF-8 (always installed on
     * Debian) is not, and changes nothing else.  Only LC_MESSAGES is set:
     * LC_NUMERIC must stay "C" so that numbers print with a '.'. */
    if (!setlocale(LC_MESSAGES, "C.UTF-8") && !setlocale(LC_MESSAGES, "C.utf8"))
        setlocale(LC_MESSAGES, "");
    /* strerror() texts come from glibc's own catalog, converted to the
     * LC_CTYPE character set: UTF-8, not ASCII question marks. */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
    setenv("LANGUAGE", "zh_CN", 1);
    if (localedir)
        bindtextdomain(JX_TEXT_DOMAIN, localedir);
    bind_textdomain_codeset(JX_TEXT_DOMAIN, "UTF-8");
}

jx_lang jx_i18n_lang(void)
{
    return current;
}

const char *jx_strerror(int err)
{
    static const struct {
        int err;
        const char *text; /* glibc's English text */
    } own[] = {
        {ENOENT, N_("No such file or directory")},
        {EACCES, N_("Permission denied")},
        {EPERM, N_("Operation not permitted")},
        {ENOTDIR, N_("Not a directory")},
        {EISDIR, N_("Is a directory")},
        {ENOSPC, N_("No space left on device")},
        {EDQUOT, N_("Disk quota exceeded")},
        {EROFS, N_("Read-only file system")},
        {EEXIST, N_("File exists")},
        {ENAMETOOLONG, N_("File name too long")},
        {ELOOP, N_("Too many levels of symbolic links")},
        {EMFILE, N_("Too many open files")},
        {EFBIG, N_("File too large")},
        {EIO, N_("Input/output error")},
        {ENOMEM, N_("Cannot allocate memory")},
        {EBUSY, N_("Device or resource busy")},
        {ETXTBSY, N_("Text file busy")},
        {EXDEV, N_("Invalid cross-device link")},
    };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (own[i].err == err)
            return _(own[i].text);
    return strerror(err);
}
