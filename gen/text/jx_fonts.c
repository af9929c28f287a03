/* jx_fonts.c - loading fonts into roles (see jx_fonts.h).
 *
 * jx_fonts_add() validates a file with FreeType (format, outlines,
 * Unicode cmap, names, metrics) and then drops the FreeType face: measuring
 * and glyph look-ups go through a HarfBuzz font made from an mmapped blob
 * with HarfBuzz's own OpenType functions (hb-ot).  Those are thread-safe
 * once the font is immutable, which is why hb_ft fonts (an FT_Face behind a
 * lock) are not used.  Faces of one file share the blob. */
#include "jx_fonts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_FONT_FORMATS_H
#include FT_TRUETYPE_TABLES_H
#include <hb.h>
#include <hb-ot.h>

#include "jx_util.h"
#include "jx_i18n.h"

/* The compressible full-width punctuation (jx_face_punct_ink). */
#define NPUNCT 31

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
    hb_language_t lang; /* the set's, for jx_face_shape */
    /* The ink of each compressible punctuation mark (punct_index), made
     * at load so that composing a paragraph asks HarfBuzz nothing: its left
     * bearing and ink width in font units, with the glyph's advance;
     * punct_adv 0 when the face lacks the mark or it has no ink. */
    int32_t punct_x[NPUNCT], punct_w[NPUNCT], punct_adv[NPUNCT];
};

struct jx_role {
    char *name;
    size_t *own;     /* the role's faces (indices into faces), in order */
    size_t nown, owncap;
    size_t *order;   /* own, then every other face in load order */
    size_t norder;
    int latin;       /* the companion Latin face (index into faces), or -1 */
};

struct jx_fonts {
    FT_Library ft;
    jx_face **faces;
    size_t nfaces, facecap;  /* facecap, rolecap: room in faces, roles */
    jx_role *roles;
    size_t nroles, rolecap;
    hb_language_t lang;
    jx_units *units; /* NULL: jx_units_default() */
};

/* ------------------------------------------------------------------ fonts */

jx_fonts *jx_fonts_create(void)
{
    jx_fonts *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    if (FT_Init_FreeType(&f->ft)) {
        free(f);
        return NULL;
    }
    f->lang = hb_language_from_string("zh", -1);
    return f;
}

static void face_free(jx_face *face)
{
    if (!face)
        return;
    hb_font_destroy(face->hb_font);
    hb_face_destroy(face->hb_face);
    hb_blob_destroy(face->blob);
    free(face->path);
    free(face->family);
    free(face->psname);
    free(face->has_bmp);
    free(face);
}

void jx_fonts_free(jx_fonts *fonts)
{
    if (!fonts)
        return;
    for (size_t i = 0; i < fonts->nfaces; i++)
        face_free(fonts->faces[i]);
    free(fonts->faces);
    for (size_t i = 0; i < fonts->nroles; i++) {
        free(fonts->roles[i].name);
        free(fonts->roles[i].own);
        free(fonts->roles[i].order);
    }
    free(fonts->roles);
    jx_units_free(fonts->units);
    if (fonts->ft)
        FT_Done_FreeType(fonts->ft);
    free(fonts);
}

/* The index of role `name`, or fonts->nroles when there is none. */
static size_t role_index(const jx_fonts *fonts, const char *name)
{
    size_t i = 0;
    while (i < fonts->nroles && strcmp(fonts->roles[i].name, name) != 0)
        i++;
    return i;
}

const jx_role *jx_fonts_role(const jx_fonts *fonts, const char *name)
{
    if (!fonts || !name)
        return NULL;
    size_t i = role_index(fonts, name);
    return i < fonts->nroles ? &fonts->roles[i] : NULL;
}

static int has_table(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *t = hb_face_reference_table(face, tag);
    unsigned len = hb_blob_get_length(t);
    hb_blob_destroy(t);
    return len > 0;
}

static int metrics_sane(long asc, long desc, long gap, int upem)
{
    long h = asc - desc + gap;
    return asc > 0 && desc < 0 && gap >= 0 && h >= (long)upem * 8 / 10 && h <= (long)upem * 2;
}

/* Line metrics: OS/2 typographic ascender/descender/line gap when usable
 * (for CJK fonts they span the ideographic em box: uming 900/-124/0, Zen
 * Hei 819/-205/92), else hhea, else 0.88/-0.12 em.  Half the gap goes above
 * and half below, so ascender - descender is the line height. */
static void choose_metrics(FT_Face ftf, int upem, int *asc, int *desc)
{
    TT_OS2 *os2 = FT_Get_Sfnt_Table(ftf, FT_SFNT_OS2);
    TT_HoriHeader *hh = FT_Get_Sfnt_Table(ftf, FT_SFNT_HHEA);
    long a, d, g;
    if (os2 && os2->version != 0xFFFFu &&
        metrics_sane(os2->sTypoAscender, os2->sTypoDescender, os2->sTypoLineGap, upem)) {
        a = os2->sTypoAscender;
        d = os2->sTypoDescender;
        g = os2->sTypoLineGap;
    } else if (hh && metrics_sane(hh->Ascender, hh->Descender, hh->Line_Gap, upem)) {
        a = hh->Ascender;
        d = hh->Descender;
        g = hh->Line_Gap;
    } else {
        a = (long)upem * 88 / 100;
        d = a - upem;
        g = 0;
    }
    *asc = (int)(a + g / 2);
    *desc = (int)(d - (g - g / 2));
}

/* The OpenType features every shaping call switches off (jx_face_shape). */
#define NSHAPE_FEATURES 4
static const hb_feature_t shape_features[NSHAPE_FEATURES] = {
    {HB_TAG('k', 'e', 'r', 'n'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
    {HB_TAG('l', 'i', 'g', 'a'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
    {HB_TAG('c', 'l', 'i', 'g'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
    {HB_TAG('c', 'a', 'l', 't'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
};
/* The marks of punct_index, in its order. */
static const uint32_t punct_marks[NPUNCT] = {
    0xFF08, 0xFF09, 0x300A, 0x300B, 0x300C, 0x300D, 0x300E, 0x300F, /* （）《》「」『』 */
    0x201C, 0x201D, 0x2018, 0x2019, 0x3010, 0x3011, 0x3014, 0x3015, /* “”‘’【】〔〕 */
    0x3008, 0x3009, 0x3016, 0x3017, 0xFF3B, 0xFF3D, 0xFF5B, 0xFF5D, /* 〈〉〖〗［］｛｝ */
    0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0x00B7, 0x30FB,         /* ，。、；：·・ */
};

/* The index of mark cp in punct_marks, or -1.  Every mark lies in one of
 * four ranges, so most characters (ideographs, Latin) are answered without
 * a search: this is asked for nearly every character composed. */
static int punct_index(uint32_t cp)
{
    if (cp != 0x00B7 && !(cp >= 0x2018 && cp <= 0x201D) && !(cp >= 0x3001 && cp <= 0x30FB) &&
        !(cp >= 0xFF08 && cp <= 0xFF5D))
        return -1;
    for (int i = 0; i < NPUNCT; i++)
        if (punct_marks[i] == cp)
            return i;
    return -1;
}

/* Fills f->punct_x / punct_w / punct_adv (see struct jx_face). */
static void measure_punct(jx_face *f)
{
    for (int i = 0; i < NPUNCT; i++) {
        hb_codepoint_t g;
        hb_glyph_extents_t e;
        f->punct_x[i] = f->punct_w[i] = f->punct_adv[i] = 0;
        if (!hb_font_get_nominal_glyph(f->hb_font, punct_marks[i], &g) || g == 0 ||
            !hb_font_get_glyph_extents(f->hb_font, g, &e) || e.width <= 0)
            continue;
        f->punct_x[i] = e.x_bearing;
        f->punct_w[i] = e.width;
        f->punct_adv[i] = hb_font_get_glyph_h_advance(f->hb_font, g);
    }
}

/* Makes HarfBuzz load what it loads lazily (cmap, metrics, outlines, the
 * shape plan) now, once, rather than in the first document's first call. */
static void warm_up(const jx_face *f)
{
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, "\xE4\xB8\xAD A1", -1, 0, -1);  /* "中 A1" */
    jx_face_shape(f, buf);
    hb_buffer_destroy(buf);
    hb_codepoint_t g;
    hb_glyph_extents_t e;
    if (hb_font_get_nominal_glyph(f->hb_font, 0x4E2D, &g))
        hb_font_get_glyph_extents(f->hb_font, g, &e);
}

static const char *ft_error_text(FT_Error e)
{
    const char *s = FT_Error_String(e);
    return s ? s : "error";
}

/* Tables check_tables() leaves out: the glyph outlines, most of a CJK font's
 * bytes (summing them would read the whole file on every run: +27% of the
 * instructions of a one-page filing), bitmap strikes and vertical metrics,
 * which the PDF subsets drop, and the glyph names in 'post' (nothing reads
 * them; 266 KB in uming.ttc, 440 KB in wqy-zenhei.ttc): −1.4% of a filing's
 * instructions.  Every table jxgen reads (cmap, hmtx, loca, head, hhea,
 * OS/2, name, maxp, the layout tables) is still checked. */
static int unchecked_table(const unsigned char *tag)
{
    static const char skip[][4] = {{'g', 'l', 'y', 'f'}, {'E', 'B', 'D', 'T'},
                                   {'E', 'B', 'L', 'C'}, {'E', 'B', 'S', 'C'},
                                   {'b', 'd', 'a', 't'}, {'b', 'l', 'o', 'c'},
                                   {'v', 'h', 'e', 'a'}, {'v', 'm', 't', 'x'},
                                   {'p', 'o', 's', 't'}};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (memcmp(tag, skip[i], 4) == 0)
            return 1;
    return 0;
}

/* Checks the tables of face `index` in the font file `data` (len bytes)
 * against the checksums its table directory records: a damaged copy of a
 * font (a bad download, a disk error) otherwise maps characters to the wrong
 * glyphs or widths, or to none, without any error from FreeType or
 * HarfBuzz.  Every table must lie inside the file; the outlines and bitmaps
 * are not summed (unchecked_table).  Returns 0 when every table matches;
 * else 1 with the first bad table's tag in tag[5] (or "") and why in *why
 * (a static string marked N_: translate it where it is printed). */
static int check_tables(const unsigned char *data, size_t len, unsigned index, char tag[5],
                        const char **why)
{
    size_t dir = 0;
    tag[0] = '\0';
    *why = N_("the table directory is cut off");
    if (len >= 12 && memcmp(data, "ttcf", 4) == 0) {
        if (len < 12 + 4 * ((size_t)index + 1))
            return 1;
        dir = jx_be32(data + 12 + 4 * (size_t)index);
    }
    if (dir > len || len - dir < 12)
        return 1;
    size_t ntables = (size_t)data[dir + 4] << 8 | data[dir + 5];
    if ((len - dir - 12) / 16 < ntables)
        return 1;
    for (size_t t = 0; t < ntables; t++) {
        const unsigned char *rec = data + dir + 12 + 16 * t;
        memcpy(tag, rec, 4);
        tag[4] = '\0';
        uint32_t want = jx_be32(rec + 4);
        size_t off = jx_be32(rec + 8), n = jx_be32(rec + 12);
        if (off > len || n > len - off) {
            *why = N_("the table runs past the end of the file (a truncated copy?)");
            return 1;
        }
        if (unchecked_table(rec))
            continue;
        uint32_t sum = jx_sfnt_checksum(data + off, n);
        /* The specification counts head's checkSumAdjustment as zero; many
         * fonts (the Debian defaults among them) count it as written. */
        int head_ok =
            memcmp(tag, "head", 4) == 0 && n >= 12 && sum - jx_be32(data + off + 8) == want;
        if (sum != want && !head_ok) {
            *why = N_("the table does not match its checksum (a damaged copy?)");
            return 1;
        }
    }
    return 0;
}

/* Loads face `index` of `path` (already stat()ed) into a new jx_face. */
static jx_status load_face(jx_fonts *fonts, const char *path, int index, const struct stat *st,
                           jx_face **out, jx_diags *d)
{
    const char *advice = _("use a TrueType font (e.g. fonts-arphic-uming: "
                           "/usr/share/fonts/truetype/arphic/uming.ttc, or fonts-wqy-zenhei: "
                           "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc)");
    jx_status status = JX_OK;
    FT_Face ftf = NULL;
    jx_face *f = calloc(1, sizeof *f);
    if (!f)
        return JX_ERR_NOMEM;
    f->has_bmp = calloc(0x10000 / 4, 1); /* NULL: jx_face_has_char() does not remember */
    f->index = index;
    f->dev = st->st_dev;
    f->ino = st->st_ino;
    f->path = jx_strdup(path);
    if (!f->path) {
        status = JX_ERR_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < fonts->nfaces; i++) {
        if (fonts->faces[i]->dev == f->dev && fonts->faces[i]->ino == f->ino) {
            f->blob = hb_blob_reference(fonts->faces[i]->blob);
            break;
        }
    }
    if (!f->blob)
        f->blob = hb_blob_create_from_file_or_fail(path);
    if (!f->blob) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0, _("cannot read font file '%s'"), path);
        goto fail;
    }
    unsigned count = hb_face_count(f->blob);
    if (count == 0) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("'%s' is not a TrueType font file (no OpenType/TrueType header)"), path);
        goto fail;
    }
    if ((unsigned)index >= count) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("font '%s' has %u face(s); face index %d does not exist"), path, count,
                        index);
        goto fail;
    }
    f->hb_face = hb_face_create(f->blob, (unsigned)index);
    if (has_table(f->hb_face, HB_TAG('C', 'F', 'F', ' ')) ||
        has_table(f->hb_face, HB_TAG('C', 'F', 'F', '2'))) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("font '%s' (face %d) has CFF (PostScript) outlines; libharu can embed "
                        "TrueType outlines only — %s"),
                        path, index, advice);
        goto fail;
    }
    unsigned blob_len = 0;
    const char *blob_data = hb_blob_get_data(f->blob, &blob_len);
    char bad_tag[5];
    const char *why = NULL;
    if (check_tables((const unsigned char *)blob_data, blob_len, (unsigned)index, bad_tag,
                     &why)) {
        if (*bad_tag)
            status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                            _("font '%s' (face %d) is damaged: table '%s': %s; install the font "
                            "again"), path, index, bad_tag, _(why));
        else
            status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                            _("font '%s' (face %d) is damaged: %s; install the font again"), path,
                            index, _(why));
        goto fail;
    }
    FT_Error fe = FT_New_Face(fonts->ft, path, index, &ftf);
    if (fe) {
        ftf = NULL;
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("font '%s' (face %d) is corrupt or unsupported: FreeType %s (0x%02x)"),
                        path, index, ft_error_text(fe), (unsigned)fe);
        goto fail;
    }
    const char *format = FT_Get_Font_Format(ftf);
    if (format && strcmp(format, "CFF") == 0) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("font '%s' (face %d) has CFF (PostScript) outlines; libharu can embed "
                        "TrueType outlines only — %s"),
                        path, index, advice);
        goto fail;
    }
    if (!format || strcmp(format, "TrueType") != 0 || !FT_IS_SCALABLE(ftf) ||
        !has_table(f->hb_face, HB_TAG('g', 'l', 'y', 'f')) ||
        !has_table(f->hb_face, HB_TAG('l', 'o', 'c', 'a'))) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("font '%s' (face %d, format %s) has no TrueType (glyf) outlines; "
                        "libharu can embed TrueType outlines only — %s"),
                        path, index, format ? format : _("unknown"), advice);
        goto fail;
    }
    if (FT_Select_Charmap(ftf, FT_ENCODING_UNICODE)) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("font '%s' (face %d) has no Unicode character map"), path, index);
        goto fail;
    }
    f->upem = ftf->units_per_EM;
    if (f->upem < 16 || f->upem > 16384 || hb_face_get_glyph_count(f->hb_face) == 0) {
        status = jx_diag_error(d, JX_ERR_FONT, path, 0, 0,
                        _("font '%s' (face %d) is corrupt: %d units per em, %u glyphs"), path,
                        index, f->upem, hb_face_get_glyph_count(f->hb_face));
        goto fail;
    }
    const char *ps = FT_Get_Postscript_Name(ftf);
    f->family = jx_strdup(ftf->family_name ? ftf->family_name : "");
    f->psname = jx_strdup(ps ? ps : "");
    if (!f->family || !f->psname) {
        status = JX_ERR_NOMEM;
        goto fail;
    }
    choose_metrics(ftf, f->upem, &f->ascender, &f->descender);
    FT_Done_Face(ftf);
    ftf = NULL;

    hb_face_make_immutable(f->hb_face);
    f->hb_font = hb_font_create(f->hb_face);
    if (f->hb_font == hb_font_get_empty()) {
        status = JX_ERR_NOMEM;
        goto fail;
    }
    hb_font_make_immutable(f->hb_font);
    f->lang = fonts->lang;
    warm_up(f);
    measure_punct(f);
    *out = f;
    return JX_OK;
fail:
    if (ftf)
        FT_Done_Face(ftf);
    face_free(f);
    if (status == JX_ERR_NOMEM)
        jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory loading font '%s'"), path);
    return status;
}

/* Recomputes every role's fallback order (own faces, then the rest). */
static jx_status update_orders(jx_fonts *fonts)
{
    for (size_t r = 0; r < fonts->nroles; r++) {
        jx_role *role = &fonts->roles[r];
        size_t *order = realloc(role->order, fonts->nfaces * sizeof *order);
        if (!order)
            return JX_ERR_NOMEM;
        role->order = order;
        size_t n = 0;
        for (size_t i = 0; i < role->nown; i++)
            order[n++] = role->own[i];
        for (size_t i = 0; i < fonts->nfaces; i++) {
            int mine = 0;
            for (size_t k = 0; k < role->nown; k++)
                mine |= role->own[k] == i;
            if (!mine)
                order[n++] = i;
        }
        role->norder = n;
    }
    return JX_OK;
}

static jx_status face_slot(jx_fonts *fonts, const char *path, int index, const struct stat *st,
                           size_t *out, jx_diags *d);
static jx_role *role_slot(jx_fonts *fonts, const char *role);

/* The argument checks of jx_fonts_add; stat()s path into *st. */
static jx_status check_font_path(jx_fonts *fonts, const char *role, const char *path, int index,
                                 struct stat *st, jx_diags *d)
{
    if (!fonts || !role || !path)
        return jx_diag_error(d, JX_ERR_INTERNAL, NULL, 0, 0, _("jx_fonts_add: NULL argument"));
    if (!*role)
        return jx_diag_error(d, JX_ERR_FONT, path, 0, 0, _("font '%s': empty role name"), path);
    if (index < 0)
        return jx_diag_error(d, JX_ERR_FONT, path, 0, 0, _("font '%s': face index %d is negative"),
                      path, index);
    if (stat(path, st) != 0) {
        int err = errno;
        return jx_diag_error(d, JX_ERR_FONT, path, 0, 0, _("cannot open font file '%s': %s"), path,
                             jx_strerror(err));
    }
    if (!S_ISREG(st->st_mode))
        return jx_diag_error(d, JX_ERR_FONT, path, 0, 0, _("font '%s' is not a regular file"), path);
    return JX_OK;
}

/* The role `role` (created when new) and the index in fonts->faces of face
 * `index` of `path` (checked, and loaded when not loaded yet): what
 * jx_fonts_add() and jx_fonts_add_latin() share. */
static jx_status role_face(jx_fonts *fonts, const char *role, const char *path, int index,
                           jx_role **r, size_t *fi, jx_diags *d)
{
    struct stat st;
    jx_status s = check_font_path(fonts, role, path, index, &st, d);
    if (s == JX_OK)
        s = face_slot(fonts, path, index, &st, fi, d);
    if (s != JX_OK)
        return s;
    if (!(*r = role_slot(fonts, role)))
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    return JX_OK;
}

jx_status jx_fonts_add(jx_fonts *fonts, const char *role, const char *path, int index,
                       jx_diags *d)
{
    jx_role *r;
    size_t fi;
    jx_status s = role_face(fonts, role, path, index, &r, &fi, d);
    if (s != JX_OK)
        return s;
    int present = 0;
    for (size_t k = 0; k < r->nown; k++)
        present |= r->own[k] == fi;
    if (!present) {
        size_t *own = jx_grow(r->own, &r->owncap, r->nown, sizeof *own, 4);
        if (!own)
            return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
        r->own = own;
        r->own[r->nown++] = fi;
    }
    if (update_orders(fonts) != JX_OK)
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    return JX_OK;
}

jx_status jx_fonts_add_latin(jx_fonts *fonts, const char *role, const char *path, int index,
                             jx_diags *d)
{
    jx_role *r;
    size_t fi;
    jx_status s = role_face(fonts, role, path, index, &r, &fi, d);
    if (s != JX_OK)
        return s;
    r->latin = (int)fi;
    if (update_orders(fonts) != JX_OK)
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    return JX_OK;
}

/* The index in fonts->faces of face `index` of `path` (stat()ed in *st),
 * loading it when it is not loaded yet. */
static jx_status face_slot(jx_fonts *fonts, const char *path, int index, const struct stat *st,
                           size_t *out, jx_diags *d)
{
    size_t fi = fonts->nfaces;
    for (size_t i = 0; i < fonts->nfaces; i++) {
        const jx_face *f = fonts->faces[i];
        if (f->dev == st->st_dev && f->ino == st->st_ino && f->index == index) {
            fi = i;
            break;
        }
    }
    if (fi == fonts->nfaces) {
        jx_face **faces = jx_grow(fonts->faces, &fonts->facecap, fonts->nfaces, sizeof *faces, 8);
        if (!faces)
            return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory loading '%s'"), path);
        fonts->faces = faces;
        jx_face *face = NULL;
        jx_status st2 = load_face(fonts, path, index, st, &face, d);
        if (st2 != JX_OK)
            return st2;
        fonts->faces[fonts->nfaces++] = face;
    }
    *out = fi;
    return JX_OK;
}

/* Role `role`, created (empty) when missing; NULL when out of memory. */
static jx_role *role_slot(jx_fonts *fonts, const char *role)
{
    size_t ri = role_index(fonts, role);
    if (ri < fonts->nroles)
        return &fonts->roles[ri];
    jx_role *roles = jx_grow(fonts->roles, &fonts->rolecap, fonts->nroles, sizeof *roles, 8);
    if (!roles)
        return NULL;
    fonts->roles = roles;
    jx_role *r = &roles[fonts->nroles];
    memset(r, 0, sizeof *r);
    r->latin = -1;
    r->name = jx_strdup(role);
    if (!r->name)
        return NULL;
    fonts->nroles++;
    return r;
}

void jx_fonts_set_units(jx_fonts *fonts, jx_units *units)
{
    if (!fonts) {
        jx_units_free(units);
        return;
    }
    jx_units_free(fonts->units);
    fonts->units = units;
}

const jx_units *jx_fonts_units(const jx_fonts *fonts)
{
    return fonts && fonts->units ? fonts->units : jx_units_default();
}

size_t jx_role_own_count(const jx_role *role)
{
    return role->nown;
}

const size_t *jx_role_order(const jx_role *role, size_t *n)
{
    *n = role->norder;
    return role->order;
}

int jx_role_latin(const jx_role *role)
{
    return role->latin;
}

int jx_fonts_has_role(const jx_fonts *fonts, const char *role)
{
    const jx_role *r = jx_fonts_role(fonts, role);
    return r && r->nown > 0;
}

const jx_face *jx_fonts_primary(const jx_fonts *fonts, const char *role)
{
    const jx_role *r = jx_fonts_role(fonts, role);
    return r && r->nown > 0 ? fonts->faces[r->own[0]] : NULL;
}

size_t jx_fonts_count(const jx_fonts *fonts)
{
    return fonts ? fonts->nfaces : 0;
}

const jx_face *jx_fonts_face(const jx_fonts *fonts, size_t i)
{
    return fonts && i < fonts->nfaces ? fonts->faces[i] : NULL;
}

const char *jx_face_path(const jx_face *face) { return face->path; }
int jx_face_index(const jx_face *face) { return face->index; }
const char *jx_face_family(const jx_face *face) { return face->family; }
const char *jx_face_postscript_name(const jx_face *face) { return face->psname; }
void *jx_face_hb_face(const jx_face *face) { return face->hb_face; }
int jx_face_upem(const jx_face *face) { return face->upem; }
int jx_face_ascender(const jx_face *face) { return face->ascender; }
int jx_face_descender(const jx_face *face) { return face->descender; }

static int face_has_char(const jx_face *face, uint32_t cp)
{
    hb_codepoint_t g;
    if (!face || !hb_font_get_nominal_glyph(face->hb_font, cp, &g) || g == 0)
        return 0;
    hb_glyph_extents_t e;
    if (hb_font_get_glyph_extents(face->hb_font, g, &e) && (e.width != 0 || e.height != 0))
        return 1;
    hb_unicode_general_category_t gc =
        hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
    return gc == HB_UNICODE_GENERAL_CATEGORY_SPACE_SEPARATOR ||
           gc == HB_UNICODE_GENERAL_CATEGORY_FORMAT;
}

int jx_face_has_char(const jx_face *face, uint32_t cp)
{
    if (!face || cp > 0xFFFF || !face->has_bmp)
        return face_has_char(face, cp);
    unsigned char *b = &face->has_bmp[cp / 4];
    unsigned shift = (cp % 4) * 2;
    if (!(*b >> shift & 1))
        *b |= (unsigned char)((1u | (unsigned)face_has_char(face, cp) << 1) << shift);
    return *b >> (shift + 1) & 1;
}

int jx_face_advance(const jx_face *face, uint32_t cp)
{
    hb_codepoint_t g;
    if (!face || !hb_font_get_nominal_glyph(face->hb_font, cp, &g))
        return 0;
    return (int)hb_font_get_glyph_h_advance(face->hb_font, g);
}

jx_status jx_face_shape(const jx_face *face, hb_buffer_t *buf)
{
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_language(buf, face->lang);
    hb_buffer_guess_segment_properties(buf);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    if (!hb_buffer_allocation_successful(buf))
        return JX_ERR_NOMEM;
    hb_shape(face->hb_font, buf, shape_features, NSHAPE_FEATURES);
    return hb_buffer_allocation_successful(buf) ? JX_OK : JX_ERR_NOMEM;
}

int jx_face_punct_ink(const jx_face *face, uint32_t cp, int *ink_x, int *ink_w)
{
    int i = punct_index(cp);
    if (i < 0 || face->punct_adv[i] <= 0)
        return 0;
    *ink_x = face->punct_x[i];
    *ink_w = face->punct_w[i];
    return face->punct_adv[i];
}

/* The face whose line metrics a role uses. */
static const jx_face *metrics_face(const jx_fonts *fonts, const char *role)
{
    const jx_face *f = jx_fonts_primary(fonts, role);
    if (!f && fonts && fonts->nfaces > 0)
        f = fonts->faces[0];
    return f;
}

double jx_fonts_ascent(const jx_fonts *fonts, const char *role, double size_pt)
{
    const jx_face *f = metrics_face(fonts, role);
    return f ? f->ascender * size_pt / f->upem : 0.0;
}

double jx_fonts_descent(const jx_fonts *fonts, const char *role, double size_pt)
{
    const jx_face *f = metrics_face(fonts, role);
    return f ? -f->descender * size_pt / f->upem : 0.0;
}

double jx_fonts_line_height(const jx_fonts *fonts, const char *role, double size_pt)
{
    const jx_face *f = metrics_face(fonts, role);
    return f ? (f->ascender - f->descender) * size_pt / f->upem : 0.0;
}
