/* jx_fontcfg.h - the font roles of fonts/fonts.yaml, loaded into a jx_fonts.
 *
 * Every candidate file of a role that exists is added to the role in order
 * (first = primary, rest = fallbacks).  A role with no file present falls
 * back to the "song" role's faces.  A CFF-outline font is reported as a
 * warning and skipped (libharu embeds TrueType outlines only).  The "song"
 * role must end up with at least one face.  `units:` (amount: and counter:
 * lists) replaces the default unit words kept with numbers (jx_units.h). */
#ifndef JX_FONTCFG_H
#define JX_FONTCFG_H

#include "jx_diag.h"
#include "jx_text.h"

/* Loads fonts_dir/fonts.yaml.  Returns JX_OK and *out (free with
 * jx_fonts_free), or JX_ERR_FONT / JX_ERR_IO / JX_ERR_SYNTAX with messages.
 * *fingerprint (may be NULL) receives a hash of the chosen font files'
 * paths, sizes and modification times, for rebuild decisions. */
jx_status jx_fontcfg_load(const char *fonts_dir, jx_fonts **out, unsigned long long *fingerprint,
                          jx_diags *d);

#endif
