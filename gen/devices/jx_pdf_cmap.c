/* jx_pdf_cmap.c - the compact cmap of the PDF device's subset fonts (see
 * jx_pdf_impl.h): a format-4 cmap of few segments, written into the
 * hb-subset output by rebuilding its sfnt table directory. */
#include "jx_pdf_impl.h"
#include "jx_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

/* ---- compact cmap ------------------------------------------------------- */

/* libharu's HPDF_Type0Font_New looks up every code 0..0xFFFF with
 * HPDF_TTFontDef_GetGlyphid, a linear scan of the format-4 segments; the
 * cmap hb-subset writes for a few hundred scattered CJK characters has
 * hundreds of segments.  compact_cmap() replaces it by a format-4 table with
 * few segments: used codes at most CMAP_MAX_GAP apart share one
 * segment whose glyphIdArray holds glyph 0 for the codes in between.  Each
 * joined gap costs 2 bytes per code (mostly zeros, which deflate to almost
 * nothing) and saves a segment of 8 bytes and ~65 536 * 0.7 comparisons. */
#define CMAP_MAX_GAP 256

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One format-4 segment: codes start..end; ro_index is the index of the
 * first of its end - start + 1 glyphIdArray entries, or -1 for a segment
 * mapped by idDelta alone (delta). */
typedef struct cmap_seg {
    unsigned start, end;
    long ro_index;
    unsigned delta;
} cmap_seg;

/* Splits the sorted codes code[0..n) (each < 0xFFFF, glyph[i] != 0) into
 * segments, joining codes at most max_gap (>= 1) apart, and appends the final
 * 0xFFFF segment.  seg must hold n + 1 entries.  Returns the number of
 * segments; *narray is the number of glyphIdArray entries. */
static size_t cmap_segments(const uint32_t *code, const uint16_t *glyph, size_t n,
                            unsigned max_gap, cmap_seg *seg, size_t *narray)
{
    size_t nseg = 0, arr = 0;
    for (size_t i = 0, j; i < n; i = j) {
        int by_delta = 1; /* consecutive codes, consecutive glyphs */
        for (j = i + 1; j < n && code[j] - code[j - 1] <= max_gap; j++)
            if (code[j] != code[j - 1] + 1 || glyph[j] != glyph[j - 1] + 1)
                by_delta = 0;
        cmap_seg *s = &seg[nseg++];
        s->start = code[i];
        s->end = code[j - 1];
        if (by_delta) {
            s->ro_index = -1;
            s->delta = (glyph[i] - code[i]) & 0xFFFFu;
        } else {
            s->ro_index = (long)arr;
            s->delta = 0;
            arr += s->end - s->start + 1;
        }
    }
    seg[nseg].start = seg[nseg].end = 0xFFFF;
    seg[nseg].ro_index = -1;
    seg[nseg].delta = 1; /* 0xFFFF + 1 = glyph 0 */
    *narray = arr;
    return nseg + 1;
}

/* Checks that the format-4 subtable sub[0..len), looked up as libharu
 * 2.3.0's HPDF_TTFontDef_GetGlyphid does (the first segment whose endCode
 * >= c; idDelta, or the glyphIdArray entry plus idDelta), maps every code
 * c to want[c].  Since the endCodes must ascend (checked), the first
 * segment for each code is found by walking the codes in order.  Returns
 * the first code that maps otherwise (*got its glyph, -1 for an index
 * outside the table or no segment), or -1 when all agree. */
static long cmap4_check(const unsigned char *sub, size_t len, const uint16_t *want, long *got)
{
    unsigned segx2 = get16(sub + 6), nseg = segx2 / 2;
    const unsigned char *ends = sub + 14, *starts = ends + segx2 + 2, *deltas = starts + segx2,
                        *ros = deltas + segx2;
    size_t array_count = (len - (size_t)(ros + segx2 - sub)) / 2;
    unsigned i = 0;
    for (unsigned c = 0; c <= 0xFFFF; c++) {
        while (i < nseg && c > get16(ends + 2 * i)) {
            i++;
            if (i < nseg && get16(ends + 2 * i) <= get16(ends + 2 * i - 2)) {
                *got = -1;
                return (long)c;
            }
        }
        long g;
        unsigned start = i < nseg ? get16(starts + 2 * i) : 0;
        if (i == nseg) {
            g = -1;
        } else if (start > c) {
            g = 0;
        } else {
            unsigned ro = get16(ros + 2 * i), delta = get16(deltas + 2 * i);
            long idx = (long)(ro / 2) + (long)(c - start) - (long)(nseg - i);
            if (ro == 0)
                g = (long)((c + delta) & 0xFFFFu);
            else if (idx < 0 || (size_t)idx >= array_count)
                g = -1;
            else
                g = (long)((get16(ros + segx2 + 2 * (size_t)idx) + delta) & 0xFFFFu);
        }
        if (g != want[c]) {
            *got = g;
            return (long)c;
        }
    }
    return -1;
}

/* Writes into *out (malloc'd, *out_len bytes) a cmap table with one
 * (3, 1) format-4 subtable mapping code[i] to glyph[i] (sorted codes below
 * 0xFFFF, glyphs != 0) and every other code to glyph 0, in few segments.
 * Returns JX_OK; JX_ERR_LIMIT (no message) when the mapping does not fit a
 * format-4 subtable; JX_ERR_NOMEM (reported) when out of memory. */
static jx_status build_cmap(pdf_device *dev, const uint32_t *code, const uint16_t *glyph,
                            size_t n, unsigned char **out, size_t *out_len)
{
    cmap_seg *seg = malloc((n + 1) * sizeof *seg);
    if (!seg)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    /* A smaller gap until the subtable fits its 16-bit length. */
    size_t nseg = 0, narray = 0, sublen = 0;
    for (unsigned gap = CMAP_MAX_GAP;; gap /= 2) {
        nseg = cmap_segments(code, glyph, n, gap, seg, &narray);
        sublen = 16 + 8 * nseg + 2 * narray;
        if (sublen <= 0xFFFF)
            break;
        if (gap == 1) {
            free(seg);
            return JX_ERR_LIMIT;
        }
    }
    size_t len = 12 + sublen;
    unsigned char *t = calloc(len, 1);
    if (!t) {
        free(seg);
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    }
    put16(t, 0);      /* version */
    put16(t + 2, 1);  /* one encoding record: */
    put16(t + 4, 3);  /* Windows */
    put16(t + 6, 1);  /* Unicode BMP */
    put32(t + 8, 12); /* subtable offset */
    unsigned char *sub = t + 12;
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= nseg) {
        pow2 *= 2;
        log2++;
    }
    put16(sub, 4);
    put16(sub + 2, (unsigned)sublen);
    put16(sub + 4, 0); /* language */
    put16(sub + 6, (unsigned)(2 * nseg));
    put16(sub + 8, 2 * pow2);
    put16(sub + 10, log2);
    put16(sub + 12, (unsigned)(2 * nseg - 2 * pow2));
    unsigned char *ends = sub + 14, *starts = ends + 2 * nseg + 2, *deltas = starts + 2 * nseg,
                  *ros = deltas + 2 * nseg, *array = ros + 2 * nseg;
    for (size_t i = 0; i < nseg; i++) {
        put16(ends + 2 * i, seg[i].end);
        put16(starts + 2 * i, seg[i].start);
        put16(deltas + 2 * i, seg[i].delta);
        /* idRangeOffset: bytes from this entry to the segment's first
         * glyphIdArray entry. */
        put16(ros + 2 * i,
              seg[i].ro_index < 0 ? 0 : (unsigned)(2 * (nseg - i + (size_t)seg[i].ro_index)));
    }
    /* glyphIdArray: the glyph of every used code of array segments, 0 in
     * the gaps (calloc). */
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        while (code[i] > seg[s].end)
            s++;
        if (seg[s].ro_index >= 0)
            put16(array + 2 * ((size_t)seg[s].ro_index + code[i] - seg[s].start), glyph[i]);
    }
    free(seg);
    *out = t;
    *out_len = len;
    return JX_OK;
}

/* A table of an sfnt being rebuilt. */
typedef struct sfnt_table {
    uint32_t tag;
    const unsigned char *data;
    size_t len;
} sfnt_table;

static int cmp_table_tag(const void *a, const void *b)
{
    uint32_t x = ((const sfnt_table *)a)->tag, y = ((const sfnt_table *)b)->tag;
    return (x > y) - (x < y);
}

/* Rebuilds the sfnt font[0..len) with its cmap table replaced by
 * cmap[0..cmap_len): table directory sorted by tag, every table at a
 * 4-byte aligned offset and zero-padded, table checksums and
 * head.checkSumAdjustment recomputed.  Sets *out (malloc'd) and *out_len.
 * Returns JX_OK, JX_ERR_FONT (no message) when font is not a well-formed
 * sfnt with cmap and head tables, or JX_ERR_NOMEM (reported). */
static jx_status sfnt_replace_cmap(pdf_device *dev, const unsigned char *font, size_t len,
                                   const unsigned char *cmap, size_t cmap_len,
                                   unsigned char **out, size_t *out_len)
{
    if (len < 12)
        return JX_ERR_FONT;
    size_t ntab = get16(font + 4);
    if (ntab == 0 || len < 12 + 16 * ntab)
        return JX_ERR_FONT;
    sfnt_table *tab = malloc(ntab * sizeof *tab);
    if (!tab)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    int have_cmap = 0, have_head = 0;
    size_t total = 12 + 16 * ntab;
    for (size_t i = 0; i < ntab; i++) {
        const unsigned char *rec = font + 12 + 16 * i;
        uint32_t off = jx_be32(rec + 8), tlen = jx_be32(rec + 12);
        if (off > len || tlen > len - off) {
            free(tab);
            return JX_ERR_FONT;
        }
        tab[i].tag = jx_be32(rec);
        tab[i].data = font + off;
        tab[i].len = tlen;
        if (tab[i].tag == 0x636D6170u) { /* 'cmap' */
            tab[i].data = cmap;
            tab[i].len = cmap_len;
            have_cmap++;
        } else if (tab[i].tag == 0x68656164u) { /* 'head' */
            have_head = tab[i].len >= 12 ? have_head + 1 : 2;
        }
        total += (tab[i].len + 3) & ~(size_t)3;
    }
    qsort(tab, ntab, sizeof *tab, cmp_table_tag);
    for (size_t i = 1; i < ntab; i++)
        if (tab[i].tag == tab[i - 1].tag)
            have_head = 2; /* a duplicate tag: not well-formed */
    if (have_cmap != 1 || have_head != 1 || total > 0xFFFFFFFFu) {
        free(tab);
        return JX_ERR_FONT;
    }
    unsigned char *f = calloc(total, 1);
    if (!f) {
        free(tab);
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    }
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= ntab) {
        pow2 *= 2;
        log2++;
    }
    memcpy(f, font, 4); /* sfnt version */
    put16(f + 4, (unsigned)ntab);
    put16(f + 6, 16 * pow2);
    put16(f + 8, log2);
    put16(f + 10, (unsigned)(16 * ntab - 16 * pow2));
    size_t off = 12 + 16 * ntab, head_off = 0;
    for (size_t i = 0; i < ntab; i++) {
        unsigned char *rec = f + 12 + 16 * i;
        memcpy(f + off, tab[i].data, tab[i].len);
        if (tab[i].tag == 0x68656164u) {
            head_off = off;
            put32(f + off + 8, 0); /* checkSumAdjustment, while summing */
        }
        put32(rec, tab[i].tag);
        put32(rec + 4, jx_sfnt_checksum(f + off, tab[i].len));
        put32(rec + 8, (uint32_t)off);
        put32(rec + 12, (uint32_t)tab[i].len);
        off += (tab[i].len + 3) & ~(size_t)3;
    }
    put32(f + head_off + 8, 0xB1B0AFBAu - jx_sfnt_checksum(f, total));
    free(tab);
    *out = f;
    *out_len = total;
    return JX_OK;
}

/* Replaces *blob, the hb-subset of pf->cps, by the same font with a compact
 * cmap (build_cmap()), after checking that the new table gives, looked up as
 * libharu does, every code of pf->cps the glyph hb-subset's cmap gives it
 * and every other code glyph 0, and that HarfBuzz reads the same mapping
 * from the rebuilt font.  Leaves *blob alone (and returns JX_OK) when the
 * subset is not in a form this handles, so the font is only slower to
 * load.  A mismatch is JX_ERR_INTERNAL. */
jx_status pdf_compact_cmap(pdf_device *dev, const pdf_face *pf, hb_blob_t **blob, const char *about)
{
    size_t n = hb_set_get_population(pf->cps);
    if (n == 0 || hb_set_get_max(pf->cps) >= 0xFFFF)
        return JX_OK;
    uint32_t *code = malloc(n * sizeof *code);
    uint16_t *glyph = malloc(n * sizeof *glyph);
    uint16_t *want = calloc(0x10000, sizeof *want);
    unsigned char *cmap = NULL, *font = NULL;
    size_t cmap_len = 0, font_len = 0;
    hb_blob_t *nb = NULL;
    jx_status st = JX_OK;
    if (!code || !glyph || !want) {
        st = pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* The mapping of hb-subset's cmap for the codes drawn. */
    hb_face_t *of = hb_face_create(*blob, 0);
    hb_font_t *ofont = hb_font_create(of);
    unsigned nglyphs = hb_face_get_glyph_count(of);
    size_t k = 0;
    hb_codepoint_t c = HB_SET_VALUE_INVALID, g;
    while (k < n && hb_set_next(pf->cps, &c)) {
        if (!hb_font_get_nominal_glyph(ofont, c, &g) || g == 0)
            continue;
        if (g >= nglyphs || g > 0xFFFF) {
            k = 0; /* a glyph the font does not have: leave it alone */
            break;
        }
        code[k] = c;
        glyph[k++] = (uint16_t)g;
        want[c] = (uint16_t)g;
    }
    hb_font_destroy(ofont);
    hb_face_destroy(of);
    if (k == 0)
        goto done;

    unsigned len = 0;
    const char *data = hb_blob_get_data(*blob, &len);
    if ((st = build_cmap(dev, code, glyph, k, &cmap, &cmap_len)) ||
        (st = sfnt_replace_cmap(dev, (const unsigned char *)data, len, cmap, cmap_len, &font,
                                &font_len))) {
        if (st == JX_ERR_LIMIT || st == JX_ERR_FONT)
            st = JX_OK; /* keep hb-subset's cmap */
        goto done;
    }
    /* Every code, looked up as libharu will. */
    const unsigned char *sub = cmap + 12;
    size_t sublen = cmap_len - 12;
    long got = 0, bad = cmap4_check(sub, sublen, want, &got);
    if (bad >= 0) {
        st = pdf_fail(dev, JX_ERR_INTERNAL,
                      "%s: the compact cmap maps U+%04lX to glyph %ld, hb-subset's to %u", about,
                      bad, got, (unsigned)want[bad]);
        goto done;
    }
    if (font_len > 0xFFFFFFFFu / 2)
        goto done;
    nb = hb_blob_create((const char *)font, (unsigned)font_len, HB_MEMORY_MODE_READONLY, font,
                        free);
    font = NULL; /* the blob owns it, also when creation failed */
    if (hb_blob_get_length(nb) != font_len) {
        st = pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* HarfBuzz reads the rebuilt font the same way. */
    hb_face_t *nf = hb_face_create(nb, 0);
    hb_font_t *nfont = hb_font_create(nf);
    c = HB_SET_VALUE_INVALID;
    while (st == JX_OK && hb_set_next(pf->cps, &c)) {
        if (!hb_font_get_nominal_glyph(nfont, c, &g))
            g = 0;
        if (g != want[c])
            st = pdf_fail(dev, JX_ERR_INTERNAL,
                          "%s: HarfBuzz reads glyph %u for U+%04X from the compact cmap, not %u",
                          about, (unsigned)g, (unsigned)c, (unsigned)want[c]);
    }
    if (st == JX_OK && hb_face_get_glyph_count(nf) != nglyphs)
        st = pdf_fail(dev, JX_ERR_INTERNAL, "%s: the rebuilt subset has %u glyphs, not %u", about,
                      hb_face_get_glyph_count(nf), nglyphs);
    hb_font_destroy(nfont);
    hb_face_destroy(nf);
    if (st == JX_OK) {
        hb_blob_destroy(*blob);
        *blob = nb;
        nb = NULL;
    }
done:
    if (nb)
        hb_blob_destroy(nb);
    free(font);
    free(cmap);
    free(want);
    free(glyph);
    free(code);
    return st;
}
