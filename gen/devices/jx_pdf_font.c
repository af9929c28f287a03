/* jx_pdf_font.c - the fonts of the PDF device (see jx_pdf_impl.h): an
 * hb-subset of exactly the characters drawn with each face, its Type0 and
 * CIDFontType2 dictionaries written here (libharu makes no font), a real
 * ToUnicode CMap, compact widths, the CIDToGIDMap, the CIDSet and the font
 * program embedded once, the streams deflated with libdeflate.
 *
 * A character outside the BMP (CJK Ext. B-G: 𠮷) is drawn under an alias
 * CID of the Private Use Area (face_alias() in jx_pdf.c, never a code the
 * face draws itself): the subset holds the real character, the
 * CIDToGIDMap maps the alias CID to its glyph, /W gives its width under the
 * alias, and the ToUnicode CMap maps the alias back to the real character
 * (a surrogate pair), so that text extraction and search read it.  A
 * narrowed character (compressed punctuation) is drawn the same way under
 * an alias whose /W width is its narrower advance. */
#include "jx_pdf_impl.h"
#include "jx_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <libdeflate.h>

/* The subset tag: six capitals from a hash of the font's name and the
 * subset itself, so that the same subset always gets the same tag and a
 * different one (other characters, other font version) almost never does. */
static void subset_tag(const char *name, const char *data, size_t len, char tag[7])
{
    unsigned long long h = jx_hash_bytes(JX_HASH_INIT, name, strlen(name) + 1);
    h = jx_hash_bytes(h, data, len);
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '\0';
}

/* Makes the subset of pf's face holding exactly the characters drawn:
 * pf->cps with each alias code replaced by its real character. */
static jx_status make_subset(pdf_device *dev, const pdf_face *pf, hb_blob_t **out)
{
    static const char *const drop[] = {
        "EBDT", "EBLC", "EBSC", "bdat", "bloc", "bhed", "CBDT", "CBLC", "sbix", "COLR", "CPAL",
        "SVG ", "vhea", "vmtx", "VORG", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "DSIG",
        "kern", "morx", "mort", "feat", "gasp", "hdmx", "LTSH", "VDMX", "PCLT", "BDF ", "FFTM",
    };
    const jx_face *face = pf->face;
    hb_face_t *hf = jx_face_hb_face(face);
    if (!hf)
        return pdf_fail(dev, JX_ERR_FONT, "font %s (face %d) has no HarfBuzz face",
                        jx_face_path(face), jx_face_index(face));
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    hb_set_t *unicodes = hb_subset_input_unicode_set(in);
    hb_set_union(unicodes, pf->cps);
    for (size_t i = 0; i < pf->nalias; i++) {
        hb_set_del(unicodes, pf->alias[i].code);
        hb_set_add(unicodes, pf->alias[i].real);
    }
    hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(tables, hb_tag_from_string(drop[i], 4));
    hb_face_t *sub = NULL;
    if (hb_set_allocation_successful(tables) &&
        hb_set_allocation_successful(hb_subset_input_unicode_set(in)))
        sub = hb_subset_or_fail(hf, in);
    hb_subset_input_destroy(in);
    if (!sub)
        return pdf_fail(dev, JX_ERR_FONT, "hb-subset failed on font %s (face %d)",
                        jx_face_path(face), jx_face_index(face));
    hb_blob_t *blob = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    if (hb_blob_get_length(blob) == 0) {
        hb_blob_destroy(blob);
        return pdf_fail(dev, JX_ERR_FONT, "hb-subset made an empty font from %s (face %d)",
                        jx_face_path(face), jx_face_index(face));
    }
    *out = blob;
    return JX_OK;
}

uint32_t pdf_face_real(const pdf_face *pf, uint32_t code)
{
    for (size_t i = 0; i < pf->nalias; i++)
        if (pf->alias[i].code == code)
            return pf->alias[i].real;
    return code;
}

/* Writes a ToUnicode CMap mapping each code (UCS-2, = CID) drawn with pf to
 * itself, and each alias code to its character (UTF-16BE; a surrogate pair
 * outside the BMP). */
static jx_status build_tounicode(pdf_device *dev, const pdf_face *pf, jx_buf *b)
{
    const hb_set_t *cps = pf->cps;
    size_t n = hb_set_get_population(cps);
    uint32_t *cp = malloc((n ? n : 1) * sizeof *cp);
    if (!cp)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    size_t k = 0;
    hb_codepoint_t c = HB_SET_VALUE_INVALID;
    while (hb_set_next(cps, &c) && k < n)
        cp[k++] = c;
    n = k;

    jx_buf_puts(b, "/CIDInit /ProcSet findresource begin\n"
                   "12 dict begin\n"
                   "begincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n"
                   "/CMapType 2 def\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* Runs of consecutive codes sharing the high byte become bfrange
     * entries, the other codes bfchar entries; at most 100 per block. */
    size_t nranges = 0, nsingles = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && cp[j] == cp[j - 1] + 1 && (cp[j] >> 8) == (cp[i] >> 8) &&
                        pdf_face_real(pf, cp[j]) == cp[j] && pdf_face_real(pf, cp[i]) == cp[i];
             j++)
            ;
        if (j - i >= 2)
            nranges++;
        else
            nsingles++;
    }
    for (int pass = 0; pass < 2; pass++) {
        size_t total = pass == 0 ? nranges : nsingles, done = 0;
        const char *begin = pass == 0 ? "beginbfrange" : "beginbfchar";
        const char *end = pass == 0 ? "endbfrange\n" : "endbfchar\n";
        for (size_t i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && cp[j] == cp[j - 1] + 1 && (cp[j] >> 8) == (cp[i] >> 8) &&
                            pdf_face_real(pf, cp[j]) == cp[j] && pdf_face_real(pf, cp[i]) == cp[i];
                 j++)
                ;
            if ((j - i >= 2) != (pass == 0))
                continue;
            if (done % 100 == 0)
                jx_buf_printf(b, "%zu %s\n", total - done < 100 ? total - done : 100, begin);
            if (pass == 0)
                jx_buf_printf(b, "<%04X> <%04X> <%04X>\n", (unsigned)cp[i], (unsigned)cp[j - 1],
                              (unsigned)cp[i]);
            else if (pdf_face_real(pf, cp[i]) > 0xFFFF) {
                uint32_t v = pdf_face_real(pf, cp[i]) - 0x10000;
                jx_buf_printf(b, "<%04X> <%04X%04X>\n", (unsigned)cp[i],
                              (unsigned)(0xD800 + (v >> 10)), (unsigned)(0xDC00 + (v & 0x3FF)));
            } else
                jx_buf_printf(b, "<%04X> <%04X>\n", (unsigned)cp[i],
                              (unsigned)pdf_face_real(pf, cp[i]));
            if (++done % 100 == 0 || done == total)
                jx_buf_puts(b, end);
        }
    }
    jx_buf_puts(b, "endcmap\n"
                   "CMapName currentdict /CMap defineresource pop\n"
                   "end\n"
                   "end\n");
    free(cp);
    if (b->oom)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    return JX_OK;
}

/* Deflate levels (libdeflate's 1-12) of the streams written here.  The
 * font programs are ~85% of a filing's PDF: libdeflate's level 6 makes
 * them as small as zlib's default level (the Changzhou UMing subset: 108.6
 * against 108.7 KB) in about half the instructions; level 9 saves 1% for
 * 2.5 times the work, level 1 costs 6% more bytes.  The CIDToGIDMap and
 * the ToUnicode CMap are small and regular: level 6 too. */
#define FONT_DEFLATE_LEVEL 6
#define MAP_DEFLATE_LEVEL 6

/* One libdeflate compressor per level, made on first use and kept for the
 * life of the process: every filing of a batch reuses it (making one
 * allocates and clears its hash tables, ~1 MB at level 6). */
static struct libdeflate_compressor *compressor(int level)
{
    static struct libdeflate_compressor *cache[13];
    if (level < 1 || level > 12)
        return NULL;
    if (!cache[level])
        cache[level] = libdeflate_alloc_compressor(level);
    return cache[level];
}

/* Deflates data (zlib format, what /FlateDecode reads) into a new buffer
 * *out of *outlen bytes, which the caller frees.  JX_ERR_NOMEM (reported,
 * naming `about`) when memory runs out. */
static jx_status deflate_bytes(pdf_device *dev, const void *data, size_t len, int level,
                               unsigned char **out, size_t *outlen, const char *about)
{
    struct libdeflate_compressor *c = compressor(level);
    size_t bound = c ? libdeflate_zlib_compress_bound(c, len) : 0;
    unsigned char *z = c ? malloc(bound) : NULL;
    size_t n = z ? libdeflate_zlib_compress(c, data, len, z, bound) : 0;
    if (n == 0) {
        free(z);
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory compressing %s", about);
    }
    *out = z;
    *outlen = n;
    return JX_OK;
}

/* libharu drops a /Filter entry from a stream it does not filter itself
 * and writes its dictionary's write_fn last: the entry goes there. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* Makes dict's stream hold data deflated here (deflate_bytes()) instead of
 * by libharu's zlib, with its /Filter /FlateDecode.  Whatever the stream
 * held is dropped.  Reports failures. */
static jx_status write_deflated(pdf_device *dev, HPDF_Doc pdf, HPDF_Dict dict, const void *data,
                                size_t len, int level, const char *what, const char *about)
{
    unsigned char *z = NULL;
    size_t zlen = 0;
    jx_status st = deflate_bytes(dev, data, len, level, &z, &zlen, about);
    if (st)
        return st;
    HPDF_MemStream_FreeData(dict->stream);
    /* A /Filter libharu put in the dictionary itself (the CIDToGIDMap's)
     * would be written twice. */
    if (HPDF_Dict_GetItem(dict, "Filter", HPDF_OCLASS_UNKNOWN))
        HPDF_Dict_RemoveElement(dict, "Filter");
    HPDF_ResetError(pdf);
    dict->filter = HPDF_STREAM_FILTER_NONE; /* the bytes are deflated already */
    dict->write_fn = write_flate_filter;
    st = pdf_hp(dev, pdf, HPDF_Stream_Write(dict->stream, z, (HPDF_UINT)zlen), what, about);
    free(z);
    return st;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* What the font dictionaries need from a face's subset: for each character
 * drawn (pf->cps, ascending; the character's code is its CID, an alias CID
 * getting the glyph of its real character and its width, or the narrower
 * width it was drawn at) its glyph and width, and the subset's bounding
 * box. */
typedef struct subset_glyph {
    uint32_t cid;
    uint32_t gid;
    int32_t wid;              /* advance width, 1/1000 em (truncated) */
} subset_glyph;

typedef struct subset_info {
    size_t n;
    subset_glyph *glyphs;     /* by CID, ascending */
    int32_t bbox[4];          /* head xMin yMin xMax yMax, 1/1000 em (truncated) */
    int flags;                /* the font descriptor's /Flags */
} subset_info;

static void subset_info_free(subset_info *si)
{
    free(si->glyphs);
    memset(si, 0, sizeof *si);
}

static int32_t per_mille(int32_t v, unsigned upem)
{
    return (int32_t)((int64_t)v * 1000 / (int64_t)upem);
}

/* Reads the subset `blob` of pf's face: fills *si, and gives each glyph no
 * drawn character maps to (components of composite glyphs) an otherwise
 * unused CID in pf->extra, CIDs 1..31 (control characters, never
 * drawn) first, so that the CIDSet can list every glyph of the font
 * program.  JX_ERR_FONT when the subset lacks a character or its head
 * table; JX_ERR_NOMEM, JX_ERR_LIMIT (reported). */
static jx_status subset_glyphs(pdf_device *dev, pdf_face *pf, hb_blob_t *blob, subset_info *si)
{
    free(pf->extra);
    pf->extra = NULL;
    pf->nextra = 0;
    memset(si, 0, sizeof *si);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    unsigned upem = hb_face_get_upem(face);
    hb_font_set_scale(font, (int)upem, (int)upem);
    unsigned count = hb_face_get_glyph_count(face);
    size_t n = hb_set_get_population(pf->cps);
    unsigned char *used = calloc(count ? count : 1, 1);
    si->glyphs = malloc((n ? n : 1) * sizeof *si->glyphs);
    jx_status st = JX_OK;
    if (!used || !si->glyphs) {
        st = pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    hb_blob_t *head = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned hlen = 0;
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, &hlen);
    if (hlen >= 44 && upem > 0) {
        for (int i = 0; i < 4; i++)
            si->bbox[i] = per_mille((int16_t)(uint16_t)(h[36 + 2 * i] << 8 | h[37 + 2 * i]), upem);
    }
    hb_blob_destroy(head);
    if (hlen < 44 || upem == 0) {
        st = pdf_fail(dev, JX_ERR_FONT, "the subset of font %s (face %d) has no usable head table",
                      jx_face_path(pf->face), jx_face_index(pf->face));
        goto done;
    }
    /* As libharu: a font whose licence (OS/2 fsType) restricts embedding,
     * forbids subsetting or allows bitmaps only is not embedded; /Flags is
     * nonsymbolic, and serif when the PANOSE family kind says so. */
    si->flags = 32;
    hb_blob_t *os2 = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
    unsigned olen = 0;
    const unsigned char *o = (const unsigned char *)hb_blob_get_data(os2, &olen);
    unsigned fs_type = olen >= 33 ? (unsigned)(o[8] << 8 | o[9]) : 0;
    if (olen >= 33 && (o[32] == 1 || o[32] == 4))
        si->flags |= 2;
    hb_blob_destroy(os2);
    if (fs_type & (0x0002 | 0x0100 | 0x0200)) {
        st = pdf_fail(dev, JX_ERR_FONT,
                      "font %s (face %d): its licence forbids embedding it (OS/2 fsType 0x%04X)",
                      jx_face_path(pf->face), jx_face_index(pf->face), fs_type);
        goto done;
    }
    used[0] = 1;
    hb_codepoint_t c = HB_SET_VALUE_INVALID, g;
    while (si->n < n && hb_set_next(pf->cps, &c)) {
        uint32_t real = pdf_face_real(pf, c);
        if (!hb_font_get_nominal_glyph(font, real, &g) || g >= count) {
            st = pdf_fail(dev, JX_ERR_FONT, "the subset of font %s (face %d) lost U+%04X",
                          jx_face_path(pf->face), jx_face_index(pf->face), (unsigned)real);
            goto done;
        }
        used[g] = 1;
        subset_glyph *sg = &si->glyphs[si->n++];
        sg->cid = c;
        sg->gid = g;
        sg->wid = per_mille(hb_font_get_glyph_h_advance(font, g), upem);
        for (size_t i = 0; i < pf->nalias; i++) /* a narrowed alias */
            if (pf->alias[i].code == c && pf->alias[i].wid != PDF_OWN_WIDTH)
                sg->wid = pf->alias[i].wid;
    }
    size_t extra = 0;
    for (unsigned i = 0; i < count; i++)
        extra += !used[i];
    if (extra == 0)
        goto done;
    pf->extra = malloc(extra * sizeof *pf->extra);
    if (!pf->extra) {
        st = pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    uint32_t next = 1;
    for (unsigned i = 0; i < count; i++) {
        if (used[i])
            continue;
        while (hb_set_has(pf->cps, next))
            next++;
        if (next > 0xFFFF) {
            st = pdf_fail(dev, JX_ERR_LIMIT, "font %s: more glyphs than CIDs",
                          jx_face_path(pf->face));
            goto done;
        }
        pf->extra[pf->nextra++] = (pdf_cid_glyph){next++, i};
    }
done:
    free(used);
    hb_font_destroy(font);
    hb_face_destroy(face);
    if (st)
        subset_info_free(si);
    return st;
}

/* A new dictionary of the document's cross-reference table, or NULL
 * (reported in *st). */
static HPDF_Dict new_dict(pdf_device *dev, HPDF_Doc pdf, const char *about, jx_status *st)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if ((*st = pdf_hp_ptr(dev, pdf, d, "writing the font", about)))
        return NULL;
    /* Frees d on failure. */
    if ((*st = pdf_hp(dev, pdf, HPDF_Xref_Add(pdf->xref, d), "writing the font", about)))
        return NULL;
    return d;
}

/* Adds the CIDFont's /DW (the most common width, the smallest on a tie)
 * and /W (every other width, one "cid [w ...]" group per run of
 * consecutive CIDs; none when all are the default).  In CJK text nearly
 * every glyph is 1000 wide, so this keeps the uncompressed dictionary
 * short. */
static jx_status add_widths(pdf_device *dev, HPDF_Doc pdf, HPDF_Dict cidfont, const subset_info *si,
                            const char *about)
{
    int32_t best = 1000;
    if (si->n) {
        int32_t *sorted = malloc(si->n * sizeof *sorted);
        if (!sorted)
            return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < si->n; i++)
            sorted[i] = si->glyphs[i].wid;
        qsort(sorted, si->n, sizeof *sorted, cmp_i32);
        size_t best_run = 0;
        for (size_t i = 0, j; i < si->n; i = j) {
            for (j = i; j < si->n && sorted[j] == sorted[i]; j++)
                ;
            if (j - i > best_run) {
                best_run = j - i;
                best = sorted[i];
            }
        }
        free(sorted);
    }
    jx_status st;
    if ((st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(cidfont, "DW", best), "writing the widths of",
                     about)))
        return st;
    HPDF_Array w = NULL, group = NULL;
    for (size_t i = 0; i < si->n; i++) {
        if (si->glyphs[i].wid == best) {
            group = NULL;
            continue;
        }
        if (!w) {
            w = HPDF_Array_New(pdf->mmgr);
            /* HPDF_Dict_Add takes the array, also on failure. */
            if ((st = pdf_hp_ptr(dev, pdf, w, "writing the widths of", about)) ||
                (st = pdf_hp(dev, pdf, HPDF_Dict_Add(cidfont, "W", w), "writing the widths of",
                             about)))
                return st;
        }
        if (!group || si->glyphs[i].cid != si->glyphs[i - 1].cid + 1) {
            if ((st = pdf_hp(dev, pdf, HPDF_Array_AddNumber(w, (HPDF_INT32)si->glyphs[i].cid),
                             "writing the widths of", about)))
                return st;
            group = HPDF_Array_New(pdf->mmgr);
            /* HPDF_Array_Add takes the group, also on failure. */
            if ((st = pdf_hp_ptr(dev, pdf, group, "writing the widths of", about)) ||
                (st = pdf_hp(dev, pdf, HPDF_Array_Add(w, group), "writing the widths of", about)))
                return st;
        }
        if ((st = pdf_hp(dev, pdf, HPDF_Array_AddNumber(group, si->glyphs[i].wid), "writing the widths of",
                         about)))
            return st;
    }
    return JX_OK;
}

/* Adds the CIDFont's /CIDToGIDMap: a stream of the glyph of every CID up
 * to the largest (a CID past the end maps to glyph 0, and none is drawn),
 * the extra CIDs of subset_glyphs() mapped to their glyphs. */
static jx_status add_cid_map(pdf_device *dev, HPDF_Doc pdf, HPDF_Dict cidfont, const pdf_face *pf,
                             const subset_info *si, const char *about)
{
    uint32_t maxcid = si->n ? si->glyphs[si->n - 1].cid : 0;
    for (size_t i = 0; i < pf->nextra; i++)
        if (pf->extra[i].cid > maxcid)
            maxcid = pf->extra[i].cid;
    size_t n = (size_t)maxcid + 1;
    unsigned char *map = calloc(n, 2);
    if (!map)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < si->n; i++) {
        map[2 * si->glyphs[i].cid] = (unsigned char)(si->glyphs[i].gid >> 8);
        map[2 * si->glyphs[i].cid + 1] = (unsigned char)si->glyphs[i].gid;
    }
    for (size_t i = 0; i < pf->nextra; i++) {
        map[2 * pf->extra[i].cid] = (unsigned char)(pf->extra[i].gid >> 8);
        map[2 * pf->extra[i].cid + 1] = (unsigned char)pf->extra[i].gid;
    }
    HPDF_Dict ms = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = pdf_hp_ptr(dev, pdf, ms, "writing the CIDToGIDMap of", about);
    if (!st &&
        !(st = write_deflated(dev, pdf, ms, map, n * 2, MAP_DEFLATE_LEVEL,
                              "writing the CIDToGIDMap of", about)))
        st = pdf_hp(dev, pdf, HPDF_Dict_Add(cidfont, "CIDToGIDMap", ms),
                    "writing the CIDToGIDMap of", about);
    free(map);
    return st;
}

/* Adds pf's font program (the hb-subset output) to the font descriptor
 * desc as its /FontFile2, deflated here and written as is.  libharu's own embedding would re-serialise the
 * program table by table through byte-wise copies (~20% of the time of a
 * one-page filing).  Fails with JX_ERR_INTERNAL (no program kept),
 * JX_ERR_NOMEM, or the status of a failed libharu call. */
static jx_status embed_program(pdf_device *dev, HPDF_Doc pdf, const pdf_face *pf, HPDF_Dict desc)
{
    const char *about = pf->name;
    unsigned len = 0;
    const char *data = pf->program ? hb_blob_get_data(pf->program, &len) : NULL;
    if (!data || len == 0)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF font %s has no font program", about);
    HPDF_Dict ff = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = pdf_hp_ptr(dev, pdf, ff, "embedding", about);
    if (!st &&
        !(st = write_deflated(dev, pdf, ff, data, len, FONT_DEFLATE_LEVEL, "embedding", about)) &&
        !(st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(ff, "Length1", len), "embedding", about)))
        st = pdf_hp(dev, pdf, HPDF_Dict_Add(desc, "FontFile2", ff), "embedding", about);
    return st;
}

/* Writes face `slot`'s font dictionaries from its subset `blob`: the Type0
 * font (Identity-H: a code is its CID, = the character's Unicode value or
 * its alias in the Private Use Area), with the ToUnicode CMap of the characters drawn; its CIDFontType2 with
 * /DW, /W, the CIDToGIDMap and the CIDSystemInfo Adobe-Identity-0; the font
 * descriptor (bounding box, ascent and descent from the subset's head
 * table, as libharu computes them) with the font program (embed_program()).
 * libharu's HPDF_Type0Font_New would look up all 65 536 codes in the cmap
 * and write a 128 KB CIDToGIDMap per font (~14% of a one-page filing). */
static jx_status write_font(pdf_device *dev, HPDF_Doc pdf, size_t slot, const subset_info *si,
                            const char *base)
{
    pdf_face *pf = &dev->faces[slot];
    const char *about = pf->name;
    jx_status st;
    HPDF_Dict font = new_dict(dev, pdf, about, &st), cidfont = NULL, desc = NULL, tu = NULL;
    if (!font || !(cidfont = new_dict(dev, pdf, about, &st)) ||
        !(desc = new_dict(dev, pdf, about, &st)))
        return st;
    HPDF_Array descendants = HPDF_Array_New(pdf->mmgr), bbox = NULL;
    HPDF_Dict si_dict = NULL;
    /* HPDF_Dict_Add and HPDF_Array_Add take what they are given, also on
     * failure; what is not added to the document is freed with it (the
     * cross-reference table owns every indirect object). */
    if ((st = pdf_hp_ptr(dev, pdf, descendants, "writing the font", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Array_Add(descendants, cidfont), "writing the font", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(font, "DescendantFonts", descendants),
                     "writing the font", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddName(font, "Type", "Font"), "writing the font",
                     about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddName(font, "BaseFont", base), "writing the font",
                     about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddName(font, "Subtype", "Type0"), "writing the font",
                     about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddName(font, "Encoding", "Identity-H"),
                     "writing the font", about)))
        return st;
    jx_buf b = {0};
    if ((st = build_tounicode(dev, pf, &b))) {
        jx_buf_free(&b);
        return st;
    }
    tu = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!(st = pdf_hp_ptr(dev, pdf, tu, "making the ToUnicode CMap of", about)))
        st = write_deflated(dev, pdf, tu, b.data, b.len, MAP_DEFLATE_LEVEL,
                            "writing the ToUnicode CMap of", about);
    jx_buf_free(&b);
    if (st ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(font, "ToUnicode", tu), "writing the font", about)))
        return st;

    if ((st = pdf_hp(dev, pdf, HPDF_Dict_AddName(cidfont, "Type", "Font"), "writing the font",
                     about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddName(cidfont, "Subtype", "CIDFontType2"),
                     "writing the font", about)) ||
        (st = add_widths(dev, pdf, cidfont, si, about)) ||
        (st = add_cid_map(dev, pdf, cidfont, pf, si, about)))
        return st;
    si_dict = HPDF_Dict_New(pdf->mmgr);
    if ((st = pdf_hp_ptr(dev, pdf, si_dict, "writing the font", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(cidfont, "CIDSystemInfo", si_dict), "writing the font",
                     about)) ||
        (st = pdf_hp(dev, pdf,
                     HPDF_Dict_Add(si_dict, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL)),
                     "writing the font", about)) ||
        (st = pdf_hp(dev, pdf,
                     HPDF_Dict_Add(si_dict, "Ordering",
                                   HPDF_String_New(pdf->mmgr, "Identity", NULL)),
                     "writing the font", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(si_dict, "Supplement", 0), "writing the font",
                     about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddName(cidfont, "BaseFont", base), "writing the font",
                     about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(cidfont, "FontDescriptor", desc), "writing the font",
                     about)))
        return st;

    bbox = HPDF_Array_New(pdf->mmgr);
    if ((st = pdf_hp(dev, pdf, HPDF_Dict_AddName(desc, "Type", "FontDescriptor"),
                     "writing the font descriptor of", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(desc, "Ascent", si->bbox[3]),
                     "writing the font descriptor of", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(desc, "Descent", si->bbox[1]),
                     "writing the font descriptor of", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(desc, "Flags", si->flags),
                     "writing the font descriptor of", about)) ||
        (st = pdf_hp_ptr(dev, pdf, bbox, "writing the font descriptor of", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(desc, "FontBBox", bbox),
                     "writing the font descriptor of", about)))
        return st;
    for (int i = 0; i < 4; i++)
        if ((st = pdf_hp(dev, pdf, HPDF_Array_AddNumber(bbox, si->bbox[i]),
                         "writing the font descriptor of", about)))
            return st;
    if ((st = pdf_hp(dev, pdf, HPDF_Dict_AddName(desc, "FontName", base),
                     "writing the font descriptor of", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(desc, "ItalicAngle", 0),
                     "writing the font descriptor of", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(desc, "StemV", 0),
                     "writing the font descriptor of", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(desc, "XHeight", 0),
                     "writing the font descriptor of", about)) ||
        (st = embed_program(dev, pdf, pf, desc)))
        return st;
    pf->font = font;
    pf->tounicode = tu;
    pf->descriptor = desc;
    return JX_OK;
}

/* Subsets face `slot` and writes its font (write_font()). */
jx_status pdf_embed_face(pdf_device *dev, HPDF_Doc pdf, size_t slot)
{
    pdf_face *pf = &dev->faces[slot];
    const jx_face *face = pf->face;
    char about[600];
    snprintf(about, sizeof about, "font %s (face %d)", jx_face_path(face), jx_face_index(face));

    hb_blob_t *blob = NULL;
    jx_status st = make_subset(dev, pf, &blob);
    if (st)
        return st;
    subset_info si;
    if ((st = subset_glyphs(dev, pf, blob, &si))) {
        hb_blob_destroy(blob);
        return st;
    }
    pf->program = blob; /* embedded by embed_program() */
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    const char *ps = jx_face_postscript_name(face);
    char tag[7];
    subset_tag(ps ? ps : "", data, len, tag);

    /* The PostScript name, unique in this document. */
    char name[sizeof pf->name];
    if (ps && *ps)
        snprintf(name, sizeof name, "%.100s", ps);
    else
        snprintf(name, sizeof name, "Font%zu", slot);
    for (int attempt = 0;; attempt++) {
        size_t i = 0;
        while (i < slot && strcmp(dev->faces[i].name, name) != 0)
            i++;
        if (i == slot)
            break;
        if (attempt == 1) {
            subset_info_free(&si);
            return pdf_fail(dev, JX_ERR_FONT, "two fonts are both named %s", name);
        }
        char unique[sizeof name];
        snprintf(unique, sizeof unique, "%.100s-%zu", name, slot);
        memcpy(name, unique, sizeof name);
    }
    memcpy(pf->name, name, sizeof pf->name);
    char base[sizeof pf->name + 8];
    snprintf(base, sizeof base, "%s+%s", tag, name); /* BaseFont: TAG+name */
    st = write_font(dev, pdf, slot, &si, base);
    subset_info_free(&si);
    return st;
}

static void set_bit(unsigned char *bits, uint32_t cid)
{
    bits[cid / 8] |= (unsigned char)(0x80u >> (cid % 8));
}

/* Completes font `slot` for PDF/A-1 after every page is drawn: adds the
 * font descriptor's /CIDSet, a bit for every CID the font program has (0
 * for .notdef, each character drawn, and the extra CIDs of
 * subset_glyphs()). */
jx_status pdf_finish_font(pdf_device *dev, HPDF_Doc pdf, size_t slot)
{
    pdf_face *pf = &dev->faces[slot];
    const char *about = pf->name;
    HPDF_Dict desc = pf->descriptor;
    if (!desc)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF font %s has no font descriptor", about);
    uint32_t maxcid = 0;
    if (!hb_set_is_empty(pf->cps))
        maxcid = hb_set_get_max(pf->cps);
    for (size_t i = 0; i < pf->nextra; i++)
        if (pf->extra[i].cid > maxcid)
            maxcid = pf->extra[i].cid;
    size_t nbytes = maxcid / 8 + 1;
    unsigned char *bits = calloc(nbytes, 1);
    if (!bits)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    set_bit(bits, 0);
    hb_codepoint_t c = HB_SET_VALUE_INVALID;
    while (hb_set_next(pf->cps, &c))
        set_bit(bits, c);
    for (size_t i = 0; i < pf->nextra; i++)
        set_bit(bits, pf->extra[i].cid);
    HPDF_Dict cidset = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = pdf_hp_ptr(dev, pdf, cidset, "writing the CIDSet of", about);
    if (!st && !(st = write_deflated(dev, pdf, cidset, bits, nbytes, MAP_DEFLATE_LEVEL,
                                     "writing the CIDSet of", about)))
        st = pdf_hp(dev, pdf, HPDF_Dict_Add(desc, "CIDSet", cidset), "writing the CIDSet of",
                    about);
    free(bits);
    return st;
}
