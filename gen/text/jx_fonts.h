/* jx_fonts.h - the faces the text engine measures with and the devices draw
 * with (part of the text engine, jx_text.h).
 *
 * A jx_fonts is a process-wide set of loaded faces.  Each face is one font
 * file (and face index inside a .ttc) loaded once with FreeType and wrapped in
 * a HarfBuzz font.  Faces are grouped into roles ("song" for body text, "hei"
 * for bold labels and titles, ...): a role is an ordered list of faces, the
 * first is the primary, the rest are its fallbacks; after them every other
 * loaded face is tried.  A character no face has is an error naming it.
 *
 * All sizes are in points. */
#ifndef JX_FONTS_H
#define JX_FONTS_H

#include <stddef.h>
#include <stdint.h>
#include "jx_diag.h"
#include "jx_error.h"
#include "jx_units.h"

typedef struct jx_fonts jx_fonts;
typedef struct jx_face jx_face;
typedef struct jx_role jx_role;
/* HarfBuzz's buffer (hb_buffer_t), declared here so that this header needs
 * no <hb.h>. */
struct hb_buffer_t;

/* Creates an empty font set.  NULL when out of memory.  Load every font
 * (jx_fonts_add) before sharing the set: after that, every other function
 * only reads it and may be called from several threads at once (HarfBuzz
 * fonts are immutable; all scratch memory is per call).  jx_fonts_free()
 * releases all faces; runs and faces handed out become invalid. */
jx_fonts *jx_fonts_create(void);
void jx_fonts_free(jx_fonts *fonts);

/* Loads `path` (face `index` of a collection) and appends it to `role`
 * (creating the role).  A face file already loaded is shared (same file by
 * device/inode, same index; adding it to a role twice is a no-op).  Not
 * thread-safe.  `d` may be NULL.  Fails with
 * JX_ERR_FONT (and a message) when the file is missing, unreadable, not a
 * font, or has CFF/PostScript outlines (libharu embeds TrueType outlines
 * only, so e.g. Noto CJK .otf/.ttc cannot be used). */
jx_status jx_fonts_add(jx_fonts *fonts, const char *role, const char *path, int index,
                       jx_diags *d);

/* Sets the companion Latin face of `role` (creating the role): ASCII
 * letters, digits and signs and Latin letters (U+00C0..U+024F) are drawn
 * with it when it has them, and a space between two of them too, as
 * Chinese official documents pair 宋体 with Times New Roman and 黑体 with
 * Arial (Liberation Serif/Sans are their metric-compatible free twins).
 * Same size and baseline as the CJK text; the role's line metrics stay
 * those of its primary face, and jx_fonts_primary() (the workbook's font
 * name) is unchanged.  Errors as jx_fonts_add(). */
jx_status jx_fonts_add_latin(jx_fonts *fonts, const char *role, const char *path, int index,
                             jx_diags *d);

/* The unit words kept with numbers when this set's text is broken
 * (jx_units.h): `units` is taken over (freed with the set; NULL
 * restores the default set).  Set before sharing the set. */
void jx_fonts_set_units(jx_fonts *fonts, jx_units *units);
const jx_units *jx_fonts_units(const jx_fonts *fonts);

/* A role's faces, for the text engine's choice of a face for each
 * character.  The role `name` (owned by the set), or NULL when there is
 * none (a NULL fonts or name too). */
const jx_role *jx_fonts_role(const jx_fonts *fonts, const char *name);

/* The number of faces added to `role` with jx_fonts_add() (its Latin face
 * not counted): a role with none has no text face. */
size_t jx_role_own_count(const jx_role *role);

/* The faces tried, in this order, for a character of `role`: its own
 * (jx_fonts_add order), then every other face of the set in load order;
 * *n of them, each an index for jx_fonts_face().  The array is the set's:
 * valid until the next jx_fonts_add() or jx_fonts_free(). */
const size_t *jx_role_order(const jx_role *role, size_t *n);

/* The role's companion Latin face (jx_fonts_add_latin), as an index for
 * jx_fonts_face(), or -1 when it has none. */
int jx_role_latin(const jx_role *role);

/* Returns 1 when `role` has at least one face. */
int jx_fonts_has_role(const jx_fonts *fonts, const char *role);

/* The primary (first) face of `role`, or NULL when the role has no face.
 * Owned by the font set (e.g. for the XLSX writer's font name). */
const jx_face *jx_fonts_primary(const jx_fonts *fonts, const char *role);

/* The number of distinct loaded faces, and face i (0-based, load order;
 * NULL when out of range).  Owned by the font set. */
size_t jx_fonts_count(const jx_fonts *fonts);
const jx_face *jx_fonts_face(const jx_fonts *fonts, size_t i);

/* Face accessors (the face is owned by the font set). */
const char *jx_face_path(const jx_face *face);
int jx_face_index(const jx_face *face);
const char *jx_face_family(const jx_face *face);   /* e.g. "AR PL UMing CN" */
const char *jx_face_postscript_name(const jx_face *face);
/* Opaque HarfBuzz face (hb_face_t *) for subsetting. */
void *jx_face_hb_face(const jx_face *face);
/* Units per em, ascender and descender (font units, descender <= 0).
 * These are the line metrics the engine uses (see jx_fonts_line_height):
 * the OS/2 typographic ascender/descender with half the typographic line
 * gap added to each (hhea when the OS/2 values are unusable), so that
 * ascender - descender is the line height. */
int jx_face_upem(const jx_face *face);
int jx_face_ascender(const jx_face *face);
int jx_face_descender(const jx_face *face);
/* Returns 1 if the face can draw codepoint cp: its cmap maps cp to a glyph
 * and that glyph has an outline (a blank glyph counts only for spaces and
 * format characters, since a printable character drawn blank is a missing
 * character in disguise).  Thread-safe. */
int jx_face_has_char(const jx_face *face, uint32_t cp);
/* The advance width of the glyph the face's cmap maps cp to, font units
 * (0 when it maps cp to none).  Thread-safe. */
int jx_face_advance(const jx_face *face, uint32_t cp);

/* Shapes the Unicode text in `buf` (filled by the caller; its other
 * properties are set here) with the face as the text engine measures it:
 * left to right, language Chinese ("zh"), script guessed, cluster level
 * "monotone characters", and the OpenType features that would make the
 * measured width differ from what the PDF device draws (each character's
 * cmap glyph at its hmtx advance) switched off: kern, liga, clig, calt.
 * JX_OK, or JX_ERR_NOMEM when HarfBuzz could not allocate (buf then holds
 * no usable result).  Thread-safe with one buffer per thread. */
jx_status jx_face_shape(const jx_face *face, struct hb_buffer_t *buf);

/* A compressible full-width punctuation mark (clreq 3.1.6, 标点挤压): the
 * opening and closing brackets and quotes, the pause and stop marks
 * ，。、；： and the middle dots (？！, the dashes and ellipses keep their
 * full width).  When cp is one and the face draws it with ink, returns
 * its glyph's advance and stores the ink's left bearing in *ink_x and its
 * width in *ink_w (font units, measured when the face was loaded); else
 * returns 0 and leaves them alone.  Thread-safe. */
int jx_face_punct_ink(const jx_face *face, uint32_t cp, int *ink_x, int *ink_w);

/* Vertical metrics of a role's primary face at size_pt: ascent (> 0),
 * descent (> 0, below baseline) and line height (ascent + descent + gap).
 * The gap is folded half into the ascent and half into the descent (CSS
 * "half-leading"), so line height == ascent + descent.  Chosen from the OS/2
 * typographic metrics, which for CJK fonts span the ideographic em box:
 * AR PL UMing 1.00 em, WenQuanYi Zen Hei 1.09 em (hhea would give 1.35 em
 * for Zen Hei).  An unknown role uses the first loaded face; 0 when no face
 * is loaded. */
double jx_fonts_ascent(const jx_fonts *fonts, const char *role, double size_pt);
double jx_fonts_descent(const jx_fonts *fonts, const char *role, double size_pt);
double jx_fonts_line_height(const jx_fonts *fonts, const char *role, double size_pt);

#endif
