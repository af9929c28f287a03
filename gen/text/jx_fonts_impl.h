/* jx_fonts_impl.h - the font set's representation, shared by the font
 * loader (jx_fonts.c) and the shaper and breaker (jx_text.c); private to
 * gen/text. */
#ifndef JX_FONTS_IMPL_H
#define JX_FONTS_IMPL_H

#include <sys/types.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

#include "jx_fonts.h"

/* The full-width punctuation whose blank half may be compressed (clreq
 * 3.1.6, 标点挤压): opening and closing brackets and quotes, the pause and
 * stop marks ，。、；： and the middle dots (？！ and the dashes and
 * ellipses keep their full width).  jx_punct_index(cp) is the mark's index
 * (0 .. JX_NPUNCT-1) or -1 for any other character. */
#define JX_NPUNCT 31
int jx_punct_index(uint32_t cp);

struct jx_face {
    char *path;
    int index;
    char *family;
    char *psname;
    dev_t dev;
    ino_t ino;
    hb_blob_t *blob;
    hb_face_t *hb_face;
    hb_font_t *hb_font;
    int upem;
    int ascender, descender; /* line metrics in font units, gap folded in */
    /* jx_face_has_char()'s answers for the BMP, two bits per code point
     * (asked, has), made on first use: every character of a filing is
     * asked about several times, and each answer costs two HarfBuzz
     * lookups.  16 KB, made with the face; NULL when memory was short (no
     * remembering). */
    unsigned char *has_bmp;
    /* The ink of each compressible punctuation mark (jx_punct_index), made
     * at load so that composing a paragraph asks HarfBuzz nothing: its left
     * bearing and ink width in font units, with the glyph's advance;
     * punct_adv 0 when the face lacks the mark or it has no ink. */
    int32_t punct_x[JX_NPUNCT], punct_w[JX_NPUNCT], punct_adv[JX_NPUNCT];
};

typedef struct jx_role {
    char *name;
    size_t *own;     /* the role's faces (indices into faces), in order */
    size_t nown, owncap;
    size_t *order;   /* own, then every other face in load order */
    size_t norder;
    int latin;       /* the companion Latin face (index into faces), or -1 */
} jx_role;

struct jx_fonts {
    FT_Library ft;
    jx_face **faces;
    size_t nfaces, facecap;  /* facecap, rolecap: room in faces, roles */
    jx_role *roles;
    size_t nroles, rolecap;
    hb_language_t lang;
    jx_units *units; /* NULL: jx_units_default() */
};

/* The OpenType features every shaping call switches off, so that the
 * measured width is what the PDF device draws (libharu places each
 * character's cmap glyph at its hmtx advance): kern, liga, clig, calt.
 * Used by the measuring (jx_text.c) and by the warm-up of a new face. */
#define JX_NSHAPE_FEATURES 4
extern const hb_feature_t jx_shape_features[JX_NSHAPE_FEATURES];

/* The role named `name`, or NULL when there is none. */
const jx_role *jx_fonts_role(const jx_fonts *fonts, const char *name);

#endif
