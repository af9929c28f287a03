/* jx_i18n.h - the language of messages: Chinese by default, English on
 * request, from one gettext catalog (po/zh_CN.po).
 *
 * Every message a person reads is written in English in the source, inside
 * _("...") (or N_("...") where the text is stored and translated later with
 * _()).  The catalog translates it into Chinese.  jx_i18n_init() decides the
 * language once, before the first message: Chinese unless --lang=en or the
 * locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, the first one set) names
 * English.  A program that never calls jx_i18n_init() (the unit tests) gets
 * the English text.  Rule ids, file:line:col, field keys and JSON keys are
 * never translated. */
#ifndef JX_I18N_H
#define JX_I18N_H

#include <libintl.h>

#define JX_TEXT_DOMAIN "jxgen"

/* The message text in the chosen language (a static string: never free it). */
#define _(msgid) dgettext(JX_TEXT_DOMAIN, msgid)
/* Marks a text for the catalog without translating it here. */
#define N_(msgid) (msgid)

typedef enum jx_lang { JX_LANG_ZH, JX_LANG_EN } jx_lang;

/* Parses a --lang value: "zh", "zh_CN", "zh-CN", "cn", "中文" → JX_LANG_ZH;
 * "en", "en_US", "en-GB", "English" … → JX_LANG_EN.  Returns 0, or -1 for
 * anything else. */
int jx_lang_parse(const char *s, jx_lang *out);

/* The language the environment asks for: English when the first of
 * LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set (non-empty) starts with
 * "en", else Chinese (also for C and POSIX). */
jx_lang jx_lang_from_env(void);

/* Selects lang for every later _() of the process and binds the catalog
 * found in localedir (<localedir>/zh_CN/LC_MESSAGES/jxgen.mo).  Messages
 * are UTF-8 whatever the locale's character set.  Without a readable
 * catalog the English text is used.  Call before the first message; a
 * later call switches the language (tests). */
void jx_i18n_init(jx_lang lang, const char *localedir);

/* The language selected by jx_i18n_init() (JX_LANG_EN before it). */
jx_lang jx_i18n_lang(void);

/* The text of errno value err in the chosen language, for a message that
 * names a system error.  The errors a clerk meets (no such file, permission
 * denied, not a folder, disk full, read-only disk, ...) come from jxgen's own
 * catalog, so their Chinese text does not depend on whether glibc's
 * translations are installed; their English text is glibc's.  Any other
 * errno gives strerror(err).  A static string: never free it; valid until
 * the next call. */
const char *jx_strerror(int err);

#endif
