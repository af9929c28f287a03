/* jx_pdf_font.c - the fonts of the PDF device (see jx_pdf_impl.h): an
 * hb-subset of exactly the characters drawn with each face, loaded into
 * libharu from memory, a real ToUnicode CMap, compact widths, the CIDSet
 * and the font program embedded once, deflated with libdeflate. */
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
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
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

/* Makes the subset of pf's face holding exactly pf->cps. */
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
    hb_set_union(hb_subset_input_unicode_set(in), pf->cps);
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

/* Writes a ToUnicode CMap mapping each code (UCS-2, = CID) in cps to itself. */
static jx_status build_tounicode(pdf_device *dev, const hb_set_t *cps, jx_buf *b)
{
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
        for (j = i + 1; j < n && cp[j] == cp[j - 1] + 1 && (cp[j] >> 8) == (cp[i] >> 8); j++)
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
            for (j = i + 1; j < n && cp[j] == cp[j - 1] + 1 && (cp[j] >> 8) == (cp[i] >> 8); j++)
                ;
            if ((j - i >= 2) != (pass == 0))
                continue;
            if (done % 100 == 0)
                jx_buf_printf(b, "%zu %s\n", total - done < 100 ? total - done : 100, begin);
            if (pass == 0)
                jx_buf_printf(b, "<%04X> <%04X> <%04X>\n", (unsigned)cp[i], (unsigned)cp[j - 1],
                              (unsigned)cp[i]);
            else
                jx_buf_printf(b, "<%04X> <%04X>\n", (unsigned)cp[i], (unsigned)cp[i]);
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

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* libharu sets the CIDFont's /DW to the width of glyph 0 and lists every
 * other width in /W, one "cid [w]" group per run of consecutive CIDs.  In
 * CJK text nearly every glyph is 1000 wide, so /W costs ~15 bytes per
 * character in a dictionary that is not compressed.  Makes the most common
 * width the default and lists only the others.  Leaves the font alone if
 * /W is not in the form libharu writes. */
static jx_status compact_widths(pdf_device *dev, HPDF_Doc pdf, HPDF_Dict desc, const hb_set_t *cps,
                                const char *about)
{
    HPDF_Array w = HPDF_Dict_GetItem(desc, "W", HPDF_OCLASS_ARRAY);
    HPDF_Number dw = HPDF_Dict_GetItem(desc, "DW", HPDF_OCLASS_NUMBER);
    HPDF_ResetError(pdf);
    if (!w || !dw)
        return JX_OK;
    size_t n = hb_set_get_population(cps);
    if (n == 0)
        return JX_OK;
    HPDF_Array nw = NULL;
    uint32_t *cid = malloc(n * sizeof *cid);
    int32_t *wid = malloc(n * sizeof *wid), *sorted = malloc(n * sizeof *sorted);
    jx_status st = JX_OK;
    if (!cid || !wid || !sorted) {
        st = pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t k = 0;
    hb_codepoint_t c = HB_SET_VALUE_INVALID;
    while (k < n && hb_set_next(cps, &c)) {
        cid[k] = c;
        wid[k++] = dw->value;
    }
    n = k;
    /* Read libharu's groups: CID, [w w ...]. */
    HPDF_UINT items = HPDF_Array_Items(w);
    for (HPDF_UINT i = 0; i < items; i += 2) {
        HPDF_Number first = HPDF_Array_GetItem(w, i, HPDF_OCLASS_NUMBER);
        HPDF_Array ws = i + 1 < items ? HPDF_Array_GetItem(w, i + 1, HPDF_OCLASS_ARRAY) : NULL;
        if (!first || !ws || first->value < 0) {
            HPDF_ResetError(pdf);
            goto done; /* not libharu's form: keep it */
        }
        HPDF_UINT count = HPDF_Array_Items(ws);
        for (HPDF_UINT j = 0; j < count; j++) {
            HPDF_Number v = HPDF_Array_GetItem(ws, j, HPDF_OCLASS_NUMBER);
            if (!v) {
                HPDF_ResetError(pdf);
                goto done;
            }
            uint32_t target = (uint32_t)first->value + j;
            size_t lo = 0, hi = n; /* binary search: cid[] is sorted */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cid[mid] < target)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < n && cid[lo] == target)
                wid[lo] = v->value;
        }
    }
    /* The most common width (the smallest on a tie). */
    memcpy(sorted, wid, n * sizeof *wid);
    qsort(sorted, n, sizeof *sorted, cmp_i32);
    int32_t best = sorted[0];
    size_t best_run = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && sorted[j] == sorted[i]; j++)
            ;
        if (j - i > best_run) {
            best_run = j - i;
            best = sorted[i];
        }
    }
    nw = HPDF_Array_New(pdf->mmgr);
    if ((st = pdf_hp_ptr(dev, pdf, nw, "writing the widths of", about)))
        goto done;
    HPDF_Array group = NULL;
    for (size_t i = 0; i < n; i++) {
        if (wid[i] == best) {
            group = NULL;
            continue;
        }
        if (!group || cid[i] != cid[i - 1] + 1) {
            /* HPDF_Array_Add takes the group, also on failure. */
            if ((st = pdf_hp(dev, pdf, HPDF_Array_AddNumber(nw, (HPDF_INT32)cid[i]),
                             "writing the widths of", about)))
                goto done;
            group = HPDF_Array_New(pdf->mmgr);
            if ((st = pdf_hp_ptr(dev, pdf, group, "writing the widths of", about)) ||
                (st = pdf_hp(dev, pdf, HPDF_Array_Add(nw, group), "writing the widths of", about)))
                goto done;
        }
        if ((st = pdf_hp(dev, pdf, HPDF_Array_AddNumber(group, wid[i]), "writing the widths of",
                         about)))
            goto done;
    }
    if ((st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(desc, "DW", best), "writing the widths of",
                     about)))
        goto done;
    if (HPDF_Array_Items(nw) == 0) {
        HPDF_Dict_RemoveElement(desc, "W");
    } else {
        /* HPDF_Dict_Add takes the array, also on failure. */
        HPDF_Array a = nw;
        nw = NULL;
        st = pdf_hp(dev, pdf, HPDF_Dict_Add(desc, "W", a), "writing the widths of", about);
    }
done:
    if (nw)
        HPDF_Array_Free(nw);
    free(cid);
    free(wid);
    free(sorted);
    return st;
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

/* Replaces the font's ToUnicode CMap and fixes the CIDSystemInfo ordering. */
static jx_status patch_font(pdf_device *dev, HPDF_Doc pdf, size_t slot)
{
    pdf_face *pf = &dev->faces[slot];
    HPDF_Font font = pf->font;
    const char *about = pf->name;
    jx_status st;

    HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    for (size_t i = 0; tu && i < slot; i++)
        if (dev->faces[i].tounicode == tu)
            tu = NULL; /* shared with another font: make our own */
    if (tu && tu->stream && tu->stream->type == HPDF_STREAM_MEMORY) {
        HPDF_MemStream_FreeData(tu->stream);
        /* Keys of libharu's encoding CMap that do not belong here. */
        HPDF_Dict_RemoveElement(tu, "Type");
        HPDF_Dict_RemoveElement(tu, "CMapName");
        HPDF_Dict_RemoveElement(tu, "CIDSystemInfo");
        HPDF_Dict_RemoveElement(tu, "WMode");
    } else {
        HPDF_ResetError(pdf);
        tu = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
        if ((st = pdf_hp_ptr(dev, pdf, tu, "making the ToUnicode CMap of", about)))
            return st;
        tu->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        if ((st = pdf_hp(dev, pdf, HPDF_Dict_Add(font, "ToUnicode", tu),
                         "adding the ToUnicode CMap of", about)))
            return st;
    }
    pf->tounicode = tu;

    jx_buf b = {0};
    if ((st = build_tounicode(dev, pf->cps, &b))) {
        jx_buf_free(&b);
        return st;
    }
    st = write_deflated(dev, pdf, tu, b.data, b.len, MAP_DEFLATE_LEVEL,
                        "writing the ToUnicode CMap of", about);
    jx_buf_free(&b);
    if (st)
        return st;
    /* libharu's fonts copy their own filter to the ToUnicode CMap and the
     * CIDToGIDMap when they are written: none, so that both stay as
     * deflated here (pdf_finish_font() writes the map).  Neither font
     * dictionary has a stream of its own. */
    font->filter = HPDF_STREAM_FILTER_NONE;

    HPDF_FontAttr fa = (HPDF_FontAttr)font->attr;
    if (fa && fa->descendant_font)
        fa->descendant_font->filter = HPDF_STREAM_FILTER_NONE;
    if (fa && fa->descendant_font) {
        HPDF_Dict si = HPDF_Dict_GetItem(fa->descendant_font, "CIDSystemInfo", HPDF_OCLASS_DICT);
        if (si) {
            HPDF_String s = HPDF_String_New(pdf->mmgr, "Identity", NULL);
            if ((st = pdf_hp_ptr(dev, pdf, s, "fixing the CIDSystemInfo of", about)) ||
                (st = pdf_hp(dev, pdf, HPDF_Dict_Add(si, "Ordering", s),
                             "fixing the CIDSystemInfo of", about)))
                return st;
        }
        if ((st = compact_widths(dev, pdf, fa->descendant_font, pf->cps, about)))
            return st;
    }
    HPDF_ResetError(pdf);
    return JX_OK;
}

/* Finds the glyphs of the subset `blob` that no character of pf->cps maps
 * to (components of composite glyphs) and gives each an unused CID:
 * pf->xcid / pf->xgid.  CIDs 1..31 (control characters, never drawn) are
 * used first. */
static jx_status subset_extras(pdf_device *dev, pdf_face *pf, hb_blob_t *blob)
{
    free(pf->xcid);
    free(pf->xgid);
    pf->xcid = pf->xgid = NULL;
    pf->nextra = 0;
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    unsigned count = hb_face_get_glyph_count(face);
    unsigned char *used = calloc(count ? count : 1, 1);
    jx_status st = JX_OK;
    if (!used) {
        st = pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    used[0] = 1;
    hb_codepoint_t c = HB_SET_VALUE_INVALID, g;
    while (hb_set_next(pf->cps, &c))
        if (hb_font_get_nominal_glyph(font, c, &g) && g < count)
            used[g] = 1;
    size_t n = 0;
    for (unsigned i = 0; i < count; i++)
        n += !used[i];
    if (n == 0)
        goto done;
    pf->xcid = malloc(n * sizeof *pf->xcid);
    pf->xgid = malloc(n * sizeof *pf->xgid);
    if (!pf->xcid || !pf->xgid) {
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
        pf->xcid[pf->nextra] = next++;
        pf->xgid[pf->nextra++] = i;
    }
done:
    free(used);
    hb_font_destroy(font);
    hb_face_destroy(face);
    return st;
}

/* Subsets face `slot`, loads it into libharu and creates its UTF-8 font. */
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
    if ((st = pdf_compact_cmap(dev, pf, &blob, about)) || (st = subset_extras(dev, pf, blob))) {
        hb_blob_destroy(blob);
        return st;
    }
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    char tag[7];
    subset_tag(jx_face_postscript_name(face) ? jx_face_postscript_name(face) : "", data, len, tag);

    HPDF_Stream stream = HPDF_MemStream_New(pdf->mmgr, 64 * 1024);
    if ((st = pdf_hp_ptr(dev, pdf, stream, "loading", about))) {
        hb_blob_destroy(blob);
        return st;
    }
    st =
        pdf_hp(dev, pdf, HPDF_Stream_Write(stream, (const HPDF_BYTE *)data, len), "loading", about);
    pf->program = blob; /* embedded by embed_program() */
    if (st) {
        HPDF_Stream_Free(stream);
        return st;
    }
    /* Takes the stream, also on failure. */
    HPDF_FontDef def = HPDF_TTFontDef_Load(pdf->mmgr, stream, HPDF_TRUE);
    if ((st = pdf_hp_ptr(dev, pdf, def, "loading the subset of", about)))
        return st;

    /* libharu names the font "PSName,Subfamily" (e.g. "UMingCN,Light"):
     * keep the PostScript name, and make it unique in this document. */
    char *comma = strchr(def->base_font, ',');
    if (comma)
        *comma = '\0';
    if (!def->base_font[0])
        snprintf(def->base_font, sizeof def->base_font, "Font%zu", slot);
    for (int attempt = 0;; attempt++) {
        size_t i = 0;
        while (i < slot && strcmp(dev->faces[i].name, def->base_font) != 0)
            i++;
        if (i == slot)
            break;
        if (attempt == 1) {
            st = pdf_fail(dev, JX_ERR_FONT, "two fonts are both named %s", def->base_font);
            HPDF_FontDef_Free(def);
            return st;
        }
        char unique[sizeof def->base_font];
        snprintf(unique, sizeof unique, "%.100s-%zu", def->base_font, slot);
        memcpy(def->base_font, unique, sizeof unique);
    }
    memcpy(pf->name, def->base_font, sizeof pf->name);
    HPDF_TTFontDef_SetTagName(def, tag); /* BaseFont becomes TAG+name */

    /* Frees def on failure. */
    if ((st = pdf_hp(dev, pdf, HPDF_Doc_RegisterFontDef(pdf, def), "registering", about)))
        return st;
    pf->font = HPDF_GetFont(pdf, pf->name, "UTF-8");
    if ((st = pdf_hp_ptr(dev, pdf, pf->font, "creating the PDF font for", about)))
        return st;
    return patch_font(dev, pdf, slot);
}

static void set_bit(unsigned char *bits, uint32_t cid)
{
    bits[cid / 8] |= (unsigned char)(0x80u >> (cid % 8));
}

/* Adds pf's font program (the hb-subset output with its compact cmap, as
 * given to libharu) to the font descriptor desc as its /FontFile2, deflated
 * here and written as is.  libharu's own embedding would re-serialise the
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

/* Completes font `slot` for PDF/A-1 after every page is drawn: has libharu
 * create the font descriptor now (it would at save time, and does not
 * again) without its copy of the font program, adds the program itself
 * (embed_program()), then adds the descriptor's /CIDSet: a
 * bit for every CID the font program has (0 for .notdef, each character
 * drawn, and the extra CIDs of subset_extras()), and rewrites the
 * CIDToGIDMap: up to the largest CID only (libharu's has all 65 536, two
 * 128 KB streams to deflate per document; a CID past the end of the map
 * maps to glyph 0, and none is drawn), the extras mapped to their glyphs,
 * deflated by write_deflated(). */
jx_status pdf_finish_font(pdf_device *dev, HPDF_Doc pdf, size_t slot)
{
    pdf_face *pf = &dev->faces[slot];
    HPDF_Font font = pf->font;
    HPDF_FontAttr fa = font ? (HPDF_FontAttr)font->attr : NULL;
    const char *about = pf->name;
    jx_status st;
    if (!fa || !fa->fontdef || !fa->descendant_font)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF font %s has no CID font", about);
    if (!fa->fontdef->descriptor) {
        if (!font->before_write_fn || fa->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
            return pdf_fail(dev, JX_ERR_INTERNAL, "PDF font %s: libharu makes no font descriptor",
                            about);
        /* The descriptor without libharu's copy of the font program:
         * embed_program() writes the subset itself. */
        ((HPDF_TTFontDefAttr)fa->fontdef->attr)->embedding = HPDF_FALSE;
        if ((st = pdf_hp(dev, pdf, font->before_write_fn(font), "embedding", about)))
            return st;
    }
    HPDF_Dict desc = fa->fontdef->descriptor;
    if (!desc)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF font %s has no font descriptor", about);
    if (!HPDF_Dict_GetItem(desc, "FontFile2", HPDF_OCLASS_DICT) &&
        (st = embed_program(dev, pdf, pf, desc)))
        return st;

    uint32_t maxcid = 0;
    if (!hb_set_is_empty(pf->cps))
        maxcid = hb_set_get_max(pf->cps);
    for (size_t i = 0; i < pf->nextra; i++)
        if (pf->xcid[i] > maxcid)
            maxcid = pf->xcid[i];
    size_t nbytes = maxcid / 8 + 1;
    unsigned char *bits = calloc(nbytes, 1);
    if (!bits)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    set_bit(bits, 0);
    hb_codepoint_t c = HB_SET_VALUE_INVALID;
    while (hb_set_next(pf->cps, &c))
        set_bit(bits, c);
    for (size_t i = 0; i < pf->nextra; i++)
        set_bit(bits, pf->xcid[i]);
    HPDF_Dict cidset = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    st = pdf_hp_ptr(dev, pdf, cidset, "writing the CIDSet of", about);
    if (!st) {
        cidset->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        if (!(st = pdf_hp(dev, pdf, HPDF_Stream_Write(cidset->stream, bits, (HPDF_UINT)nbytes),
                          "writing the CIDSet of", about)))
            st = pdf_hp(dev, pdf, HPDF_Dict_Add(desc, "CIDSet", cidset), "writing the CIDSet of",
                        about);
    }
    free(bits);
    if (st)
        return st;
    if (!fa->map_stream || !fa->map_stream->stream ||
        fa->map_stream->stream->type != HPDF_STREAM_MEMORY)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF font %s has no CIDToGIDMap stream", about);
    size_t n = (size_t)maxcid + 1;
    unsigned char *map = calloc(n, 2);
    if (!map)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    c = HB_SET_VALUE_INVALID;
    while (hb_set_next(pf->cps, &c)) {
        HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(fa->fontdef, (HPDF_UINT16)c);
        map[2 * c] = (unsigned char)(gid >> 8);
        map[2 * c + 1] = (unsigned char)gid;
    }
    for (size_t i = 0; i < pf->nextra; i++) {
        map[2 * pf->xcid[i]] = (unsigned char)(pf->xgid[i] >> 8);
        map[2 * pf->xcid[i] + 1] = (unsigned char)pf->xgid[i];
    }
    st = write_deflated(dev, pdf, fa->map_stream, map, n * 2, MAP_DEFLATE_LEVEL,
                        "writing the CIDToGIDMap of", about);
    /* (patch_font() made libharu leave the map's filter alone.) */
    free(map);
    HPDF_ResetError(pdf);
    return st;
}
