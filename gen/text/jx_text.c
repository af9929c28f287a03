/* jx_text.c - fonts, shaping, measuring and line breaking (see jx_text.h).
 *
 * Fonts.  jx_fonts_add() validates a file with FreeType (format, outlines,
 * Unicode cmap, names, metrics) and then drops the FreeType face: measuring
 * and glyph look-ups go through a HarfBuzz font made from an mmapped blob
 * with HarfBuzz's own OpenType functions (hb-ot).  Those are thread-safe
 * once the font is immutable, which is why hb_ft fonts (an FT_Face behind a
 * lock) are not used.  Faces of one file share the blob.
 *
 * Measuring.  A paragraph is split into items: maximal stretches of one face
 * between forced breaks.  Each item is shaped once (LTR, language "zh",
 * script guessed, cluster level "monotone characters") and every cluster's
 * advance is credited to its first character; the breaker only adds those
 * numbers up.  The features that would make the measured width differ from
 * what the PDF back-end draws (libharu places each character's cmap glyph at
 * its hmtx advance) are switched off: kern, liga, clig, calt.
 *
 * Breaking.  jx_text_break_tiers() (jx_linebreak.c) grades every position
 * from "allowed" through "keeps a token together" and "between characters"
 * to "breaks a punctuation rule".  The breaker fills each line greedily and
 * breaks at the rightmost position that fits and is justified: an allowed
 * one, or one whose tier is only worth giving up because the piece it would
 * keep together is wider than a whole line (so 预算|(2020年增设) keeps the
 * group whole, but a 40-letter word is cut to fill the line).  When nothing
 * is justified it takes the rightmost position of the best tier present.
 * Positions inside a shaping cluster are never used; a cluster wider than
 * the line gets a line of its own (jx_text_lines.overflow).  Piece widths
 * per tier level are computed once per paragraph, so breaking is linear in
 * the text plus the backtracking to each chosen break. */
#include "jx_text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_FONT_FORMATS_H
#include FT_TRUETYPE_TABLES_H
#include <hb-ot.h>
#include <hb.h>

#include "jx_util.h"
#include "jx_i18n.h"

/* Longest text accepted by the measuring functions (clusters are 32-bit). */
#define TEXT_MAX ((size_t)1 << 30)
/* At most this many distinct missing characters are reported per call. */
#define MAX_GLYPH_REPORTS 8
/* Widths within this many points of the limit still fit. */
#define WIDTH_EPS 1e-7

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
};

typedef struct jx_role {
    char *name;
    size_t *own;     /* the role's faces (indices into faces), in order */
    size_t nown;
    size_t *order;   /* own, then every other face in load order */
    size_t norder;
} jx_role;

struct jx_fonts {
    FT_Library ft;
    jx_face **faces;
    size_t nfaces;
    jx_role *roles;
    size_t nroles;
    hb_language_t lang;
};

/* ---------------------------------------------------------------- helpers */

/* Adds an error to d (when not NULL) and returns st. */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static jx_status report(jx_diags *d, jx_status st, const char *file, int line, int col,
                        const char *fmt, ...)
{
    if (!d)
        return st;
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return jx_diag_error(d, st, file, line, col, "%s", buf);
}

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

static const jx_role *find_role(const jx_fonts *fonts, const char *name)
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

/* The features the measuring switches off (see the top of this file). */
static const hb_feature_t shape_features[] = {
    {HB_TAG('k', 'e', 'r', 'n'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
    {HB_TAG('l', 'i', 'g', 'a'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
    {HB_TAG('c', 'l', 'i', 'g'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
    {HB_TAG('c', 'a', 'l', 't'), 0, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
};
#define NSHAPE_FEATURES (sizeof shape_features / sizeof shape_features[0])

/* Makes HarfBuzz load what it loads lazily (cmap, metrics, outlines, the
 * shape plan) now, once, rather than in the first document's first call. */
static void warm_up(const jx_face *f, hb_language_t lang)
{
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, "\xE4\xB8\xAD A1", -1, 0, -1);  /* "中 A1" */
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_language(buf, lang);
    hb_buffer_guess_segment_properties(buf);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_shape(f->hb_font, buf, shape_features, NSHAPE_FEATURES);
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
 * instructions of a one-page filing), and bitmap strikes, which the PDF
 * subsets drop. */
static int unchecked_table(const unsigned char *tag)
{
    static const char skip[][4] = {{'g', 'l', 'y', 'f'}, {'E', 'B', 'D', 'T'},
                                   {'E', 'B', 'L', 'C'}, {'E', 'B', 'S', 'C'},
                                   {'b', 'd', 'a', 't'}, {'b', 'l', 'o', 'c'}};
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
 * (a static string). */
static int check_tables(const unsigned char *data, size_t len, unsigned index, char tag[5],
                        const char **why)
{
    size_t dir = 0;
    tag[0] = '\0';
    *why = "the table directory is cut off";
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
            *why = "the table runs past the end of the file (a truncated copy?)";
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
            *why = "the table does not match its checksum (a damaged copy?)";
            return 1;
        }
    }
    return 0;
}

/* Loads face `index` of `path` (already stat()ed) into a new jx_face. */
static jx_status load_face(jx_fonts *fonts, const char *path, int index, const struct stat *st,
                           jx_face **out, jx_diags *d)
{
    const char *advice = "use a TrueType font (e.g. fonts-arphic-uming: "
                         "/usr/share/fonts/truetype/arphic/uming.ttc, or fonts-wqy-zenhei: "
                         "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc)";
    jx_status status = JX_OK;
    FT_Face ftf = NULL;
    jx_face *f = calloc(1, sizeof *f);
    if (!f)
        return JX_ERR_NOMEM;
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
        status = report(d, JX_ERR_FONT, path, 0, 0, "cannot read font file '%s'", path);
        goto fail;
    }
    unsigned count = hb_face_count(f->blob);
    if (count == 0) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "'%s' is not a TrueType font file (no OpenType/TrueType header)", path);
        goto fail;
    }
    if ((unsigned)index >= count) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' has %u face(s); face index %d does not exist", path, count,
                        index);
        goto fail;
    }
    f->hb_face = hb_face_create(f->blob, (unsigned)index);
    if (has_table(f->hb_face, HB_TAG('C', 'F', 'F', ' ')) ||
        has_table(f->hb_face, HB_TAG('C', 'F', 'F', '2'))) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' (face %d) has CFF (PostScript) outlines; libharu can embed "
                        "TrueType outlines only — %s",
                        path, index, advice);
        goto fail;
    }
    unsigned blob_len = 0;
    const char *blob_data = hb_blob_get_data(f->blob, &blob_len);
    char bad_tag[5];
    const char *why = NULL;
    if (check_tables((const unsigned char *)blob_data, blob_len, (unsigned)index, bad_tag,
                     &why)) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' (face %d) is damaged: %s%s%s%s; install the font again", path,
                        index, *bad_tag ? "table '" : "", bad_tag, *bad_tag ? "': " : "", why);
        goto fail;
    }
    FT_Error fe = FT_New_Face(fonts->ft, path, index, &ftf);
    if (fe) {
        ftf = NULL;
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' (face %d) is corrupt or unsupported: FreeType %s (0x%02x)",
                        path, index, ft_error_text(fe), (unsigned)fe);
        goto fail;
    }
    const char *format = FT_Get_Font_Format(ftf);
    if (format && strcmp(format, "CFF") == 0) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' (face %d) has CFF (PostScript) outlines; libharu can embed "
                        "TrueType outlines only — %s",
                        path, index, advice);
        goto fail;
    }
    if (!format || strcmp(format, "TrueType") != 0 || !FT_IS_SCALABLE(ftf) ||
        !has_table(f->hb_face, HB_TAG('g', 'l', 'y', 'f')) ||
        !has_table(f->hb_face, HB_TAG('l', 'o', 'c', 'a'))) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' (face %d, format %s) has no TrueType (glyf) outlines; "
                        "libharu can embed TrueType outlines only — %s",
                        path, index, format ? format : "unknown", advice);
        goto fail;
    }
    if (FT_Select_Charmap(ftf, FT_ENCODING_UNICODE)) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' (face %d) has no Unicode character map", path, index);
        goto fail;
    }
    f->upem = ftf->units_per_EM;
    if (f->upem < 16 || f->upem > 16384 || hb_face_get_glyph_count(f->hb_face) == 0) {
        status = report(d, JX_ERR_FONT, path, 0, 0,
                        "font '%s' (face %d) is corrupt: %d units per em, %u glyphs", path,
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
    warm_up(f, fonts->lang);
    *out = f;
    return JX_OK;
fail:
    if (ftf)
        FT_Done_Face(ftf);
    face_free(f);
    if (status == JX_ERR_NOMEM)
        report(d, JX_ERR_NOMEM, path, 0, 0, "out of memory loading font '%s'", path);
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

jx_status jx_fonts_add(jx_fonts *fonts, const char *role, const char *path, int index,
                       jx_diags *d)
{
    if (!fonts || !role || !path)
        return report(d, JX_ERR_INTERNAL, NULL, 0, 0, "jx_fonts_add: NULL argument");
    if (!*role)
        return report(d, JX_ERR_FONT, path, 0, 0, "font '%s': empty role name", path);
    if (index < 0)
        return report(d, JX_ERR_FONT, path, 0, 0, "font '%s': face index %d is negative",
                      path, index);
    struct stat st;
    if (stat(path, &st) != 0) {
        int err = errno;
        char msg[256];
        if (strerror_r(err, msg, sizeof msg) != 0)
            snprintf(msg, sizeof msg, "errno %d", err);
        return report(d, JX_ERR_FONT, path, 0, 0, "cannot open font file '%s': %s", path, msg);
    }
    if (!S_ISREG(st.st_mode))
        return report(d, JX_ERR_FONT, path, 0, 0, "font '%s' is not a regular file", path);

    size_t fi = fonts->nfaces;
    for (size_t i = 0; i < fonts->nfaces; i++) {
        const jx_face *f = fonts->faces[i];
        if (f->dev == st.st_dev && f->ino == st.st_ino && f->index == index) {
            fi = i;
            break;
        }
    }
    if (fi == fonts->nfaces) {
        jx_face **faces = realloc(fonts->faces, (fonts->nfaces + 1) * sizeof *faces);
        if (!faces)
            return report(d, JX_ERR_NOMEM, path, 0, 0, "out of memory loading '%s'", path);
        fonts->faces = faces;
        jx_face *face = NULL;
        jx_status st2 = load_face(fonts, path, index, &st, &face, d);
        if (st2 != JX_OK)
            return st2;
        fonts->faces[fonts->nfaces++] = face;
    }

    size_t ri = role_index(fonts, role);
    jx_role *r = ri < fonts->nroles ? &fonts->roles[ri] : NULL;
    if (!r) {
        jx_role *roles = realloc(fonts->roles, (fonts->nroles + 1) * sizeof *roles);
        if (!roles)
            return report(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
        fonts->roles = roles;
        r = &roles[fonts->nroles];
        memset(r, 0, sizeof *r);
        r->name = jx_strdup(role);
        if (!r->name)
            return report(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
        fonts->nroles++;
    }
    int present = 0;
    for (size_t k = 0; k < r->nown; k++)
        present |= r->own[k] == fi;
    if (!present) {
        size_t *own = realloc(r->own, (r->nown + 1) * sizeof *own);
        if (!own)
            return report(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
        r->own = own;
        r->own[r->nown++] = fi;
    }
    if (update_orders(fonts) != JX_OK)
        return report(d, JX_ERR_NOMEM, path, 0, 0, "out of memory");
    return JX_OK;
}

int jx_fonts_has_role(const jx_fonts *fonts, const char *role)
{
    const jx_role *r = find_role(fonts, role);
    return r && r->nown > 0;
}

const jx_face *jx_fonts_primary(const jx_fonts *fonts, const char *role)
{
    const jx_role *r = find_role(fonts, role);
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

int jx_face_has_char(const jx_face *face, uint32_t cp)
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

/* -------------------------------------------------------------- paragraph */

enum {
    T_SPACE = 1u << 0,   /* U+0020 or tab: trimmed at line ends */
    T_TAB = 1u << 1,     /* measured as a space, never inside a run */
    T_NEWLINE = 1u << 2, /* '\n', U+2028, U+2029: forced break, not drawn */
    T_CONT = 1u << 3,    /* not the first character of its shaping cluster */
    T_IGNORE = 1u << 4   /* invisible (default ignorable) and in no face:
                            zero width, never inside a run */
};

/* Unicode's Default_Ignorable_Code_Point (ZWSP, ZWJ, BOM, soft hyphen,
 * variation selectors, bidi controls, ...): invisible by definition, so one
 * that no face maps is dropped from the runs instead of being an error. */
static int default_ignorable(uint32_t cp)
{
    return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 ||
           cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
           (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

typedef struct tchar {
    uint32_t cp;
    uint32_t off, end; /* byte range */
    int face;          /* index into fonts->faces; -1: newline, T_IGNORE, error */
    unsigned flags;
    double adv;        /* advance in points (a cluster's on its first character) */
} tchar;

typedef struct para {
    tchar *c;
    size_t n;
} para;

static int joins_previous(uint32_t cp)
{
    if (cp < 0x0300)
        return 0;
    if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x200D ||
        cp == 0x200C || (cp >= 0x1F3FB && cp <= 0x1F3FF))
        return 1;
    hb_unicode_general_category_t gc =
        hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
    return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

static int pick_face(const jx_fonts *fonts, const jx_role *role, uint32_t cp, int prev)
{
    if (prev >= 0 && joins_previous(cp) && jx_face_has_char(fonts->faces[prev], cp))
        return prev;
    for (size_t i = 0; i < role->norder; i++)
        if (jx_face_has_char(fonts->faces[role->order[i]], cp))
            return (int)role->order[i];
    return -1;
}

static void tried_list(const jx_fonts *fonts, const jx_role *role, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < role->norder && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         fonts->faces[role->order[i]]->family);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Shapes c[0..m) (one face, no newline) and stores the advances. */
static jx_status shape_item(const jx_fonts *fonts, hb_buffer_t *buf, tchar *c, size_t m,
                            double size_pt)
{
    const jx_face *face = fonts->faces[c[0].face];
    hb_buffer_clear_contents(buf);
    hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_UNICODE);
    for (size_t k = 0; k < m; k++) {
        hb_buffer_add(buf, (c[k].flags & T_TAB) ? ' ' : c[k].cp, (unsigned)k);
        c[k].flags |= T_CONT;
        c[k].adv = 0.0;
    }
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_language(buf, fonts->lang);
    hb_buffer_guess_segment_properties(buf);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    if (!hb_buffer_allocation_successful(buf))
        return JX_ERR_NOMEM;
    hb_shape(face->hb_font, buf, shape_features, NSHAPE_FEATURES);
    if (!hb_buffer_allocation_successful(buf))
        return JX_ERR_NOMEM;
    unsigned ng = 0;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &ng);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &ng);
    double scale = size_pt / face->upem;
    for (unsigned g = 0; g < ng; g++) {
        size_t k = info[g].cluster;
        if (k >= m)
            return JX_ERR_INTERNAL;
        c[k].flags &= ~(unsigned)T_CONT;
        c[k].adv += pos[g].x_advance * scale;
    }
    return JX_OK;
}

static void para_free(para *p)
{
    free(p->c);
    p->c = NULL;
    p->n = 0;
}

/* Decodes, picks a face for and measures every character of text.  Errors
 * (invalid UTF-8, control or missing characters) go to d when not NULL. */
static jx_status para_prepare(const jx_fonts *fonts, const jx_role *role, double size_pt,
                              const char *text, size_t len, para *p, jx_diags *d,
                              const char *what, const char *file, int line, int col)
{
    memset(p, 0, sizeof *p);
    if (!what)
        what = "text";
    if (len > TEXT_MAX)
        return report(d, JX_ERR_LIMIT, file, line, col, "%s: text of %zu bytes is too long",
                      what, len);
    size_t n = 0, pos = 0;
    uint32_t cp;
    while (pos < len) {
        if (!jx_utf8_next(text, len, &pos, &cp))
            return report(d, JX_ERR_SYNTAX, file, line, col,
                          "%s: invalid UTF-8 at byte offset %zu", what, pos);
        n++;
    }
    tchar *c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return report(d, JX_ERR_NOMEM, file, line, col, "out of memory");
    jx_status status = JX_OK;
    uint32_t reported[MAX_GLYPH_REPORTS];
    size_t nreported = 0, more = 0;
    int prev = -1;
    pos = 0;
    for (size_t k = 0; k < n; k++) {
        c[k].off = (uint32_t)pos;
        jx_utf8_next(text, len, &pos, &c[k].cp);
        c[k].end = (uint32_t)pos;
        cp = c[k].cp;
        c[k].face = -1;
        if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
            c[k].flags = T_NEWLINE;
            prev = -1;
            continue;
        }
        if (cp == '\t')
            c[k].flags = T_SPACE | T_TAB;
        else if (cp == ' ')
            c[k].flags = T_SPACE;
        int control = (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
        if (!control) {
            c[k].face = pick_face(fonts, role, (c[k].flags & T_TAB) ? ' ' : cp, prev);
            if (c[k].face < 0 && default_ignorable(cp)) {
                c[k].flags |= T_IGNORE;
                continue;
            }
            prev = c[k].face;
            if (c[k].face >= 0)
                continue;
        }
        /* each distinct bad character once, at most MAX_GLYPH_REPORTS */
        status = JX_ERR_GLYPH;
        int seen = 0;
        for (size_t i = 0; i < nreported; i++)
            seen |= reported[i] == cp;
        if (seen)
            continue;
        if (nreported == MAX_GLYPH_REPORTS) {
            more++;
            continue;
        }
        reported[nreported++] = cp;
        if (control) {
            report(d, JX_ERR_GLYPH, file, line, col,
                   "%s: control character U+%04X (character %zu) cannot be drawn; only line "
                   "feeds and tabs are allowed in text",
                   what, (unsigned)cp, k + 1);
        } else {
            char tried[1024];
            tried_list(fonts, role, tried, sizeof tried);
            report(d, JX_ERR_GLYPH, file, line, col,
                   "%s: character U+%04X '%.*s' (character %zu) is not in any configured "
                   "font (tried %s)",
                   what, (unsigned)cp, (int)(c[k].end - c[k].off), text + c[k].off, k + 1,
                   tried);
        }
    }
    if (more)
        report(d, JX_ERR_GLYPH, file, line, col,
               "%s: %zu more occurrences of other characters that cannot be drawn", what,
               more);
    if (status != JX_OK) {
        free(c);
        return status;
    }

    hb_buffer_t *buf = hb_buffer_create();
    if (!hb_buffer_allocation_successful(buf)) {
        hb_buffer_destroy(buf);
        free(c);
        return report(d, JX_ERR_NOMEM, file, line, col, "out of memory");
    }
    for (size_t i = 0; i < n && status == JX_OK;) {
        if (c[i].face < 0) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && c[j].face == c[i].face)
            j++;
        status = shape_item(fonts, buf, c + i, j - i, size_pt);
        i = j;
    }
    hb_buffer_destroy(buf);
    if (status != JX_OK) {
        free(c);
        return report(d, status, file, line, col, "%s: shaping failed (%s)", what,
                      jx_status_str(status));
    }
    p->c = c;
    p->n = n;
    return JX_OK;
}

/* Grades of the positions after each character (see jx_text_break_tiers),
 * with positions inside a shaping cluster made JX_TIER_NEVER.  Returns a new
 * array of p->n entries or NULL. */
static unsigned char *para_tiers(const para *p, const char *text, size_t len, jx_status *st)
{
    unsigned char *bytes = malloc(len ? len : 1);
    unsigned char *t = malloc(p->n ? p->n : 1);
    if (!bytes || !t) {
        free(bytes);
        free(t);
        *st = JX_ERR_NOMEM;
        return NULL;
    }
    *st = jx_text_break_tiers(text, len, bytes);
    if (*st != JX_OK) {
        free(bytes);
        free(t);
        return NULL;
    }
    for (size_t k = 0; k < p->n; k++) {
        t[k] = bytes[p->c[k].end - 1];
        if (k + 1 < p->n && (p->c[k + 1].flags & T_CONT))
            t[k] = JX_TIER_NEVER;
    }
    free(bytes);
    return t;
}

/* Width of c[s..e) with spaces at both ends trimmed. */
static double trimmed_width(const tchar *c, size_t s, size_t e)
{
    while (s < e && (c[s].flags & T_SPACE))
        s++;
    while (e > s && (c[e - 1].flags & T_SPACE))
        e--;
    double w = 0.0;
    for (size_t k = s; k < e; k++)
        w += c[k].adv;
    return w;
}

/* ------------------------------------------------------------- breaking */

typedef struct builder {
    const para *p;
    const jx_fonts *fonts;
    double max_width;
    jx_text_lines *out;
    size_t lcap, rcap;
} builder;

static jx_status push_run(builder *b, const jx_text_run *run)
{
    jx_text_lines *o = b->out;
    if (o->nruns == b->rcap) {
        size_t cap = b->rcap ? b->rcap * 2 : 16;
        jx_text_run *r = realloc(o->runs, cap * sizeof *r);
        if (!r)
            return JX_ERR_NOMEM;
        o->runs = r;
        b->rcap = cap;
    }
    o->runs[o->nruns++] = *run;
    return JX_OK;
}

/* Appends the line of characters [s, e) (spaces at its ends trimmed; an
 * all-space line is empty and sits at byte `empty_at`). */
static jx_status emit_line(builder *b, size_t s, size_t e, size_t empty_at)
{
    const tchar *c = b->p->c;
    jx_text_lines *o = b->out;
    while (s < e && (c[s].flags & T_SPACE))
        s++;
    while (e > s && (c[e - 1].flags & T_SPACE))
        e--;
    if (o->nlines == b->lcap) {
        size_t cap = b->lcap ? b->lcap * 2 : 8;
        jx_text_line *l = realloc(o->lines, cap * sizeof *l);
        if (!l)
            return JX_ERR_NOMEM;
        o->lines = l;
        b->lcap = cap;
    }
    jx_text_line line = {0};
    line.start = s < e ? c[s].off : empty_at;
    line.end = s < e ? c[e - 1].end : empty_at;
    line.first_run = o->nruns;
    double x = 0.0;
    jx_text_run run = {0};
    int open = 0;
    for (size_t k = s; k < e; k++) {
        int hidden = (c[k].flags & (T_TAB | T_IGNORE)) != 0;
        if (open && (hidden || run.face != b->fonts->faces[c[k].face])) {
            if (push_run(b, &run) != JX_OK)
                return JX_ERR_NOMEM;
            open = 0;
        }
        if (!hidden) {
            if (!open) {
                run.start = c[k].off;
                run.face = b->fonts->faces[c[k].face];
                run.x = x;
                run.width = 0.0;
                open = 1;
            }
            run.end = c[k].end;
            run.width += c[k].adv;
        }
        x += c[k].adv;
    }
    if (open && push_run(b, &run) != JX_OK)
        return JX_ERR_NOMEM;
    line.nruns = o->nruns - line.first_run;
    line.width = x;
    if (x > b->max_width + WIDTH_EPS)
        o->overflow = 1;
    o->lines[o->nlines++] = line;
    return JX_OK;
}

/* Levels whose piece widths the breaker needs: JX_TIER_ALLOW..JX_TIER_LAST
 * (a position of tier t is justified by its level t-1 piece). */
#define NLEVELS (JX_TIER_PAIR - JX_TIER_ALLOW)

/* pw[(L - JX_TIER_ALLOW) * n + k]: width of the level-L piece holding
 * character k, for the characters [a, b) of one segment. */
static void piece_widths(const tchar *c, size_t n, const unsigned char *tier, size_t a, size_t b,
                         double *pw)
{
    for (int level = JX_TIER_ALLOW; level < JX_TIER_PAIR; level++) {
        double *w = pw + (size_t)(level - JX_TIER_ALLOW) * n;
        size_t ps = a;
        for (size_t k = a; k < b; k++) {
            if (k + 1 == b || tier[k] <= level) {
                double pwidth = trimmed_width(c, ps, k + 1);
                for (size_t i = ps; i <= k; i++)
                    w[i] = pwidth;
                ps = k + 1;
            }
        }
    }
}

/* Breaks the characters [a, b) (no newline inside) into lines. */
static jx_status break_segment(builder *bl, const unsigned char *tier, double *pw, size_t a,
                               size_t b)
{
    const tchar *c = bl->p->c;
    const size_t n = bl->p->n;
    const double limit = bl->max_width + WIDTH_EPS;
    piece_widths(c, n, tier, a, b, pw);
    int emitted = 0;
    size_t k = a;
    for (;;) {
        size_t s = k;
        while (s < b && (c[s].flags & T_SPACE))
            s++;
        if (s == b)
            return emitted ? JX_OK : emit_line(bl, a, b, c[a].off);
        /* best[t]: the last position p (line = [s, p)) of tier t that fits;
         * justified: the last one that may be used (see jx_text.h) */
        size_t best[JX_TIER_NEVER + 1] = {0};
        size_t justified = 0;
        double w = 0.0;
        size_t j = s;
        while (j < b) {
            double nw = w + c[j].adv;
            if (j > s && !(c[j].flags & T_SPACE) && nw > limit)
                break;
            w = nw;
            j++;
            if (j == b)
                break;
            unsigned t = tier[j - 1];
            if (t > JX_TIER_NEVER)
                continue;
            best[t] = j;
            if (t <= JX_TIER_ALLOW ||
                (t <= JX_TIER_PAIR &&
                 pw[(size_t)(t - 1 - JX_TIER_ALLOW) * n + (j - 1)] > limit))
                justified = j;
        }
        if (j == b)
            return emit_line(bl, s, b, c[s].off);
        size_t p = justified;
        for (int t = JX_TIER_MUST; t <= JX_TIER_PAIR && !p; t++)
            p = best[t];
        if (!p) {
            /* one cluster wider than the line: it gets a line of its own */
            p = j;
            while (p < b && tier[p - 1] == JX_TIER_NEVER)
                p++;
        }
        jx_status st = emit_line(bl, s, p, c[s].off);
        if (st != JX_OK)
            return st;
        emitted = 1;
        k = p;
    }
}

/* Calls fn for each newline-separated segment [a, b) of p; an empty segment
 * followed by a newline is passed too, the empty one at the end is not. */
typedef jx_status (*segment_fn)(void *ctx, size_t a, size_t b);

static jx_status for_each_segment(const para *p, segment_fn fn, void *ctx)
{
    size_t k = 0;
    while (k < p->n) {
        size_t e = k;
        while (e < p->n && !(p->c[e].flags & T_NEWLINE))
            e++;
        jx_status st = fn(ctx, k, e);
        if (st != JX_OK)
            return st;
        k = e + 1;
    }
    return JX_OK;
}

typedef struct break_ctx {
    builder *bl;
    const unsigned char *tier;
    double *pw;
} break_ctx;

static jx_status break_fn(void *ctx, size_t a, size_t b)
{
    break_ctx *x = ctx;
    if (a == b) /* an empty line between two newlines */
        return emit_line(x->bl, a, a, x->bl->p->c[a].off);
    return break_segment(x->bl, x->tier, x->pw, a, b);
}

void jx_text_lines_free(jx_text_lines *lines)
{
    if (!lines)
        return;
    free(lines->lines);
    free(lines->runs);
    memset(lines, 0, sizeof *lines);
}

jx_status jx_text_break(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                        size_t len, double max_width_pt, jx_text_lines *out, jx_diags *d,
                        const char *what, const char *file, int line, int col)
{
    if (!out)
        return report(d, JX_ERR_INTERNAL, file, line, col, "jx_text_break: NULL output");
    memset(out, 0, sizeof *out);
    if (!fonts || (!text && len > 0))
        return report(d, JX_ERR_INTERNAL, file, line, col, "jx_text_break: NULL argument");
    if (!(size_pt > 0.0) || !isfinite(size_pt) || isnan(max_width_pt) || max_width_pt < 0.0)
        return report(d, JX_ERR_INTERNAL, file, line, col,
                      "%s: invalid text size %g pt or width %g pt", what ? what : "text",
                      size_pt, max_width_pt);
    const jx_role *r = find_role(fonts, role);
    if (!r || r->nown == 0)
        return report(d, JX_ERR_FONT, file, line, col, "%s: no font configured for role '%s'",
                      what ? what : "text", role ? role : "(null)");
    double line_height = jx_fonts_line_height(fonts, role, size_pt);
    double ascent = jx_fonts_ascent(fonts, role, size_pt);
    out->line_height = line_height;
    out->ascent = ascent;
    if (len == 0)
        return JX_OK;

    para p;
    jx_status st = para_prepare(fonts, r, size_pt, text, len, &p, d, what, file, line, col);
    if (st != JX_OK)
        return st;
    unsigned char *tier = para_tiers(&p, text, len, &st);
    if (!tier) {
        para_free(&p);
        return report(d, st, file, line, col, "%s: line breaking failed (%s)",
                      what ? what : "text", jx_status_str(st));
    }
    builder bl = {.p = &p, .fonts = fonts, .max_width = max_width_pt, .out = out};
    break_ctx ctx = {.bl = &bl, .tier = tier, .pw = malloc(NLEVELS * p.n * sizeof(double))};
    st = ctx.pw ? for_each_segment(&p, break_fn, &ctx) : JX_ERR_NOMEM;
    free(ctx.pw);
    free(tier);
    para_free(&p);
    if (st != JX_OK) {
        jx_text_lines_free(out);
        return report(d, st, file, line, col, "%s: line breaking failed (%s)",
                      what ? what : "text", jx_status_str(st));
    }
    out->line_height = line_height;
    out->ascent = ascent;
    return JX_OK;
}

typedef struct width_ctx {
    const para *p;
    const unsigned char *tier; /* NULL: whole segments */
    double max;
} width_ctx;

static jx_status width_fn(void *ctx, size_t a, size_t b)
{
    width_ctx *x = ctx;
    size_t s = a;
    for (size_t k = a; k < b; k++) {
        if (k + 1 == b || (x->tier && x->tier[k] <= JX_TIER_ALLOW)) {
            double w = trimmed_width(x->p->c, s, k + 1);
            if (w > x->max)
                x->max = w;
            s = k + 1;
        }
    }
    return JX_OK;
}

/* The widest segment (min_content = 0) or piece between allowed breaks. */
static double measure(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                      size_t len, int min_content)
{
    const jx_role *r = find_role(fonts, role);
    if (!r || r->nown == 0 || (!text && len > 0) || !(size_pt > 0.0) || !isfinite(size_pt))
        return -1.0;
    if (len == 0)
        return 0.0;
    para p;
    if (para_prepare(fonts, r, size_pt, text, len, &p, NULL, NULL, NULL, 0, 0) != JX_OK)
        return -1.0;
    unsigned char *tier = NULL;
    if (min_content) {
        jx_status st;
        tier = para_tiers(&p, text, len, &st);
        if (!tier) {
            para_free(&p);
            return -1.0;
        }
    }
    width_ctx ctx = {.p = &p, .tier = tier, .max = 0.0};
    for_each_segment(&p, width_fn, &ctx);
    free(tier);
    para_free(&p);
    return ctx.max;
}

double jx_text_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                     size_t len)
{
    return measure(fonts, role, size_pt, text, len, 0);
}

double jx_text_min_width(jx_fonts *fonts, const char *role, double size_pt, const char *text,
                         size_t len)
{
    return measure(fonts, role, size_pt, text, len, 1);
}
