/* jx_pdf.c - the PDF device (libharu 2.3.0 + hb-subset).
 *
 * Every call is buffered in memory: pages, text runs (face, size, baseline
 * position, UTF-8 text), rules and bookmarks.  close() then
 *   1. makes, for every face drawn, an hb-subset of exactly the characters
 *      drawn with it, and hands the subset to libharu from memory (no temp
 *      files: HPDF_TTFontDef_Load on a memory stream), as a Type0/CIDFontType2
 *      font in libharu's UTF-8 mode (Identity-H, CID = Unicode, BMP only),
 *      after replacing the subset's cmap by one of few segments
 *      (compact_cmap(): libharu looks up all 65 536 codes linearly);
 *   2. names the embedded font TAG+PostScriptName, TAG being six capitals
 *      derived from a hash of the PostScript name and the subset's bytes, so
 *      the same input always gives the same name (libharu would use
 *      HPDFAA, HPDFAB, ... in load order);
 *   3. replaces libharu's ToUnicode stream (a copy of its encoding CMap using
 *      `begincidrange`, which is not valid in a ToUnicode CMap) with a real
 *      one (bfrange/bfchar of the characters used) and corrects the
 *      descendant font's CIDSystemInfo /Ordering (libharu writes
 *      "Identity-H", the encoding name, instead of "Identity");
 *   4. replays the pages: per page all rules first (one path per line width,
 *      projecting square caps so that grid corners close), then all text in
 *      one text object with absolute text matrices (no drift);
 *   5. writes the document info (UTF-16 strings, dates in UTC from
 *      date_epoch), the outline, decimal page labels and an open action
 *      (page 1, fit width);
 *   6. makes the file PDF/A-1b (make_pdfa()): every font program embedded
 *      by embed_program() (deflated once; libharu's own copy is switched
 *      off), a CIDSet in every font descriptor (libharu writes none), an
 *      sRGB output intent (Debian's
 *      icc-profiles-free profile, read at run time; libharu's
 *      HPDF_PDFA_AppendOutputIntents misspells /DestOutputProfile), XMP
 *      metadata written here (libharu's HPDF_PDFA_SetPDFAConformance does
 *      not escape XML, writes /SubType, and stamps the /ID with the clock)
 *      equal to the Info dictionary, a document /ID that is an MD5 of the
 *      content, and a PDF 1.4 header;
 *   7. saves to memory, writes a temporary file next to the target, fsyncs
 *      it and rename()s it into place.  Nothing of libharu's output depends
 *      on the clock or on chance: the same calls give byte-identical files.
 *
 * libharu reports errors through a handler: ours records the first error
 * code and returns (no longjmp); every libharu call is also checked through
 * its return value, since some failures are only recorded, not raised.
 *
 * This file uses libharu's internal (installed, exported) API: hpdf_doc.h
 * for the document's memory manager and xref, hpdf_fontdef.h to load a font
 * from memory and to set its name and tag, hpdf_font.h / hpdf_objects.h to
 * patch the font dictionaries.  It is written against Debian 12's
 * libhpdf 2.3.0+dfsg-1, whose UTF-8 support writes text as UCS-2 codes with
 * /Encoding /Identity-H; see the tests in tests/unit/test_pdf.c. */
#include "jx_device.h"
#include "jx_util.h"
#include "jx_i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <zlib.h>

enum { OP_TEXT, OP_RULE };

typedef struct pdf_op {
    int kind;
    size_t face;              /* TEXT: index into dev->faces */
    double size;              /* TEXT: font size, pt */
    double x0, y0, x1, y1;    /* TEXT: baseline origin in x0,y0; RULE: ends */
    double width;             /* RULE: line width, pt */
    size_t text;              /* TEXT: offset of the NUL-terminated text in pool */
    double spacing;           /* TEXT: extra space after each character, pt (Tc) */
} pdf_op;

typedef struct pdf_page {
    double width, height;
    size_t first_op, nops;
} pdf_page;

typedef struct pdf_mark {
    size_t title;             /* offset in pool */
    int level;
    size_t page;
    double y;
} pdf_mark;

typedef struct pdf_face {
    const jx_face *face;
    hb_set_t *cps;            /* every code point drawn with this face */
    HPDF_Font font;           /* set by close() */
    HPDF_Dict tounicode;      /* set by close() */
    char name[HPDF_LIMIT_MAX_NAME_LEN + 1];  /* PostScript name as embedded */
    /* Glyphs of the subset that no drawn character maps to (components of
     * composite glyphs): each gets an otherwise unused CID so that the
     * CIDSet can list every glyph of the font program (set by close()). */
    uint32_t *xcid, *xgid;
    size_t nextra;
    /* The font program as embedded (the subset with its compact cmap);
     * written by embed_program(), not by libharu. */
    hb_blob_t *program;
} pdf_face;

typedef struct pdf_device {
    jx_device base;           /* must be first */
    char *path;
    jx_fonts *fonts;          /* not owned; faces must live until close() */

    int have_info;
    char *title, *author, *subject, *keywords, *creator;
    long long date_epoch;

    pdf_page *pages;
    size_t npages, pages_cap;
    pdf_op *ops;
    size_t nops, ops_cap;
    pdf_mark *marks;
    size_t nmarks, marks_cap;
    pdf_face *faces;
    size_t nfaces, faces_cap;
    char *pool;
    size_t pool_len, pool_cap;

    int in_page, closed, failed;

    /* libharu's error handler writes here. */
    HPDF_STATUS herr, hdetail;
} pdf_device;

/* The largest date libharu's "D:YYYYMMDDHHmmSS" form can hold. */
#define MAX_DATE_EPOCH 253402300799LL /* 9999-12-31T23:59:59Z */

/* ---- small helpers ------------------------------------------------------ */

/* Adds an error about the output file and marks the device failed. */
static jx_status fail(pdf_device *dev, jx_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static jx_status fail(pdf_device *dev, jx_status st, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dev->failed = 1;
    if (dev->base.diags)
        jx_diag_error(dev->base.diags, st, dev->path, 0, 0, "%s", msg);
    return st;
}

/* Makes room for one more element in *arr (of *cap elements of size sz). */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap < *cap || ncap > SIZE_MAX / sz)
        return 0;
    void *p = realloc(*arr, ncap * sz);
    if (!p)
        return 0;
    *arr = p;
    *cap = ncap;
    return 1;
}

/* Copies s[0..len) plus a NUL into the pool; returns its offset in *off. */
static int pool_add(pdf_device *dev, const char *s, size_t len, size_t *off)
{
    if (len > SIZE_MAX - dev->pool_len - 1)
        return 0;
    size_t need = dev->pool_len + len + 1;
    if (need > dev->pool_cap) {
        size_t ncap = dev->pool_cap ? dev->pool_cap : 4096;
        while (ncap < need) {
            if (ncap > SIZE_MAX / 2)
                return 0;
            ncap *= 2;
        }
        char *p = realloc(dev->pool, ncap);
        if (!p)
            return 0;
        dev->pool = p;
        dev->pool_cap = ncap;
    }
    memcpy(dev->pool + dev->pool_len, s, len);
    dev->pool[dev->pool_len + len] = '\0';
    *off = dev->pool_len;
    dev->pool_len = need;
    return 1;
}

/* Checks that a drawing call comes inside a page of a live device. */
static jx_status check_in_page(pdf_device *dev, const char *what)
{
    if (dev->failed)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: %s after an earlier error", what);
    if (dev->closed)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: %s after close()", what);
    if (!dev->in_page)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: %s outside a page", what);
    return JX_OK;
}

/* ---- the buffering calls ------------------------------------------------ */

static jx_status pdf_begin_document(jx_device *d, const jx_doc_info *info)
{
    pdf_device *dev = (pdf_device *)d;
    if (dev->failed || dev->closed)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: begin_document() on a finished device");
    if (dev->have_info || dev->npages || dev->in_page)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: begin_document() called twice or late");
    if (!info)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: begin_document() without info");
    if (info->date_epoch < 0 || info->date_epoch > MAX_DATE_EPOCH)
        return fail(dev, JX_ERR_LIMIT,
                    "document date %lld is outside 1970-01-01 .. 9999-12-31 (seconds since 1970)",
                    info->date_epoch);
    const char *fields[5] = {info->title, info->author, info->subject, info->keywords,
                             info->creator};
    static const char *const names[5] = {"title", "author", "subject", "keywords", "creator"};
    char **dst[5] = {&dev->title, &dev->author, &dev->subject, &dev->keywords, &dev->creator};
    for (int i = 0; i < 5; i++) {
        if (!fields[i])
            continue;
        size_t n = strlen(fields[i]);
        for (size_t k = 0; k < n;) {
            uint32_t cp;
            size_t l = jx_utf8_decode(fields[i] + k, n - k, &cp);
            if (!l)
                return fail(dev, JX_ERR_SYNTAX, "document %s: invalid UTF-8 at byte %zu",
                            names[i], k);
            k += l;
        }
        if (!(*dst[i] = jx_strdup(fields[i])))
            return fail(dev, JX_ERR_NOMEM, "out of memory");
        /* Control characters become spaces: XMP (XML) cannot hold them,
         * and PDF/A wants the Info dictionary and the XMP equal. */
        for (char *p = *dst[i]; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                *p = ' ';
    }
    dev->date_epoch = info->date_epoch;
    dev->have_info = 1;
    return JX_OK;
}

static jx_status pdf_begin_page(jx_device *d, double width_pt, double height_pt)
{
    pdf_device *dev = (pdf_device *)d;
    if (dev->failed || dev->closed)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: begin_page() on a finished device");
    if (dev->in_page)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: begin_page() inside page %zu",
                    dev->npages);
    /* libharu itself checks its limits (3 .. 14400 pt) when the page is
     * written; here only what cannot be a size at all. */
    if (!isfinite(width_pt) || !isfinite(height_pt) || width_pt <= 0 || height_pt <= 0)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: invalid page size %g x %g pt", width_pt,
                    height_pt);
    if (!grow((void **)&dev->pages, &dev->pages_cap, dev->npages, sizeof *dev->pages))
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    pdf_page *p = &dev->pages[dev->npages++];
    p->width = width_pt;
    p->height = height_pt;
    p->first_op = dev->nops;
    p->nops = 0;
    dev->in_page = 1;
    return JX_OK;
}

/* Returns the slot of `face`, adding it on first use. */
static jx_status face_slot(pdf_device *dev, const jx_face *face, size_t *slot)
{
    for (size_t i = 0; i < dev->nfaces; i++) {
        if (dev->faces[i].face == face) {
            *slot = i;
            return JX_OK;
        }
    }
    if (!grow((void **)&dev->faces, &dev->faces_cap, dev->nfaces, sizeof *dev->faces))
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    hb_set_t *set = hb_set_create();
    if (!hb_set_allocation_successful(set)) {
        hb_set_destroy(set);
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    }
    pdf_face *pf = &dev->faces[dev->nfaces];
    memset(pf, 0, sizeof *pf);
    pf->face = face;
    pf->cps = set;
    *slot = dev->nfaces++;
    return JX_OK;
}

static jx_status pdf_draw_text_spaced(jx_device *d, const jx_face *face, double size_pt,
                                      double x, double y, const char *text, size_t len,
                                      double spacing);

/* Appends a zeroed operation of `kind` to the current page.  NULL when out
 * of memory. */
static pdf_op *new_op(pdf_device *dev, int kind)
{
    if (!grow((void **)&dev->ops, &dev->ops_cap, dev->nops, sizeof *dev->ops))
        return NULL;
    pdf_op *op = &dev->ops[dev->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    dev->pages[dev->npages - 1].nops++;
    return op;
}

static jx_status pdf_draw_text(jx_device *d, const jx_face *face, double size_pt, double x,
                               double y, const char *text, size_t len)
{
    return pdf_draw_text_spaced(d, face, size_pt, x, y, text, len, 0);
}

/* Records a text run; `spacing` becomes the run's character spacing (Tc). */
static jx_status pdf_draw_text_spaced(jx_device *d, const jx_face *face, double size_pt,
                                      double x, double y, const char *text, size_t len,
                                      double spacing)
{
    pdf_device *dev = (pdf_device *)d;
    jx_status st = check_in_page(dev, "draw_text()");
    if (st)
        return st;
    if (!face || (!text && len))
        return fail(dev, JX_ERR_INTERNAL, "PDF device: draw_text() without face or text");
    if (!isfinite(size_pt) || size_pt <= 0 || size_pt > HPDF_MAX_FONTSIZE)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: font size %g pt outside (0, %d]", size_pt,
                    HPDF_MAX_FONTSIZE);
    if (!isfinite(x) || !isfinite(y))
        return fail(dev, JX_ERR_INTERNAL, "PDF device: text position is not finite");
    if (!isfinite(spacing) || spacing < 0 || spacing > size_pt)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: character spacing %g pt out of range",
                    spacing);
    if (len == 0)
        return JX_OK;
    if (len > HPDF_LIMIT_MAX_STRING_LEN / 2)
        return fail(dev, JX_ERR_LIMIT, "PDF device: a text run of %zu bytes is too long", len);

    size_t slot = 0;
    if ((st = face_slot(dev, face, &slot)))
        return st;
    hb_set_t *cps = dev->faces[slot].cps;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = jx_utf8_decode(text + i, len - i, &cp);
        if (!n)
            return fail(dev, JX_ERR_SYNTAX, "PDF device: invalid UTF-8 at byte %zu of \"%.*s\"",
                        i, (int)(len > 200 ? 200 : len), text);
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            return fail(dev, JX_ERR_GLYPH, "control character U+%04X cannot be drawn (in \"%.*s\")",
                        (unsigned)cp, (int)(len > 200 ? 200 : len), text);
        if (cp > 0xFFFF)
            return fail(dev, JX_ERR_PDF,
                        "U+%05X (%.*s) is outside the Basic Multilingual Plane: libharu 2.3.0 "
                        "cannot put it in a PDF",
                        (unsigned)cp, (int)n, text + i);
        if (!jx_face_has_char(face, cp))
            return fail(dev, JX_ERR_GLYPH, "U+%04X (%.*s) is not in font %s (%s, face %d)",
                        (unsigned)cp, (int)n, text + i, jx_face_family(face), jx_face_path(face),
                        jx_face_index(face));
        hb_set_add(cps, cp);
        i += n;
    }
    if (!hb_set_allocation_successful(cps))
        return fail(dev, JX_ERR_NOMEM, "out of memory");

    size_t off;
    pdf_op *op = pool_add(dev, text, len, &off) ? new_op(dev, OP_TEXT) : NULL;
    if (!op)
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    op->face = slot;
    op->size = size_pt;
    op->x0 = x;
    op->y0 = y;
    op->text = off;
    op->spacing = spacing;
    return JX_OK;
}

static jx_status pdf_draw_rule(jx_device *d, double x0, double y0, double x1, double y1,
                               double width_pt)
{
    pdf_device *dev = (pdf_device *)d;
    jx_status st = check_in_page(dev, "draw_rule()");
    if (st)
        return st;
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
        return fail(dev, JX_ERR_INTERNAL, "PDF device: rule end points are not finite");
    if (!isfinite(width_pt) || width_pt <= 0 || width_pt > HPDF_MAX_LINEWIDTH)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: rule width %g pt outside (0, %d]",
                    width_pt, HPDF_MAX_LINEWIDTH);
    pdf_op *op = new_op(dev, OP_RULE);
    if (!op)
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    op->x0 = x0;
    op->y0 = y0;
    op->x1 = x1;
    op->y1 = y1;
    op->width = width_pt;
    return JX_OK;
}

static jx_status pdf_add_bookmark(jx_device *d, const char *title, int level, double y)
{
    pdf_device *dev = (pdf_device *)d;
    jx_status st = check_in_page(dev, "add_bookmark()");
    if (st)
        return st;
    if (!title || level < 0 || !isfinite(y))
        return fail(dev, JX_ERR_INTERNAL, "PDF device: invalid bookmark");
    size_t n = strlen(title);
    for (size_t k = 0; k < n;) {
        uint32_t cp;
        size_t l = jx_utf8_decode(title + k, n - k, &cp);
        if (!l)
            return fail(dev, JX_ERR_SYNTAX, "bookmark \"%s\": invalid UTF-8 at byte %zu", title,
                        k);
        k += l;
    }
    size_t off;
    if (!grow((void **)&dev->marks, &dev->marks_cap, dev->nmarks, sizeof *dev->marks) ||
        !pool_add(dev, title, n, &off))
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    pdf_mark *m = &dev->marks[dev->nmarks++];
    m->title = off;
    m->level = level;
    m->page = dev->npages - 1;
    m->y = y;
    return JX_OK;
}

static jx_status pdf_end_page(jx_device *d)
{
    pdf_device *dev = (pdf_device *)d;
    jx_status st = check_in_page(dev, "end_page()");
    if (st)
        return st;
    dev->in_page = 0;
    return JX_OK;
}

/* ---- libharu plumbing --------------------------------------------------- */

static void hpdf_on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    pdf_device *dev = user_data;
    if (!dev->herr) {
        dev->herr = error_no;
        dev->hdetail = detail_no;
    }
}

static const char *hpdf_error_name(HPDF_STATUS code)
{
    switch (code) {
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_FILE_IO_ERROR: return "file I/O error";
    case HPDF_PAGE_INVALID_SIZE: return "page size outside 3..14400 pt";
    case HPDF_PAGE_INVALID_FONT_SIZE: return "invalid font size";
    case HPDF_PAGE_INVALID_GMODE: return "operator not allowed here";
    case HPDF_PAGE_FONT_NOT_FOUND: return "no font selected";
    case HPDF_TTF_CANNOT_EMBEDDING_FONT: return "the font's licence forbids embedding";
    case HPDF_TTF_INVALID_FOMAT: return "invalid TrueType data";
    case HPDF_TTF_MISSING_TABLE: return "a required TrueType table is missing";
    case HPDF_INVALID_FONTDEF_DATA: return "invalid font data";
    case HPDF_DUPLICATE_REGISTRATION: return "font registered twice";
    case HPDF_STRING_OUT_OF_RANGE: return "string too long";
    case HPDF_INVALID_DATE_TIME: return "invalid date";
    case HPDF_INVALID_PARAMETER: return "invalid parameter";
    case HPDF_INVALID_DESTINATION: return "invalid destination";
    case HPDF_INVALID_OBJECT: return "invalid object";
    default: return NULL;
    }
}

/* Turns a failed libharu call into a status and a message.  `ret` is the
 * call's return value (HPDF_OK when it returned a NULL handle). */
static jx_status hpdf_fail(pdf_device *dev, HPDF_Doc pdf, HPDF_STATUS ret, const char *what,
                           const char *about)
{
    HPDF_STATUS code = dev->herr, detail = dev->hdetail;
    if (!code) {
        code = ret != HPDF_OK ? ret : (pdf ? HPDF_GetError(pdf) : 0);
        detail = pdf ? HPDF_GetErrorDetail(pdf) : 0;
    }
    const char *name = hpdf_error_name(code);
    jx_status st = JX_ERR_PDF;
    if (code == HPDF_FAILD_TO_ALLOC_MEM)
        st = JX_ERR_NOMEM;
    else if (code == HPDF_TTF_CANNOT_EMBEDDING_FONT || code == HPDF_TTF_INVALID_FOMAT ||
             code == HPDF_TTF_MISSING_TABLE || code == HPDF_INVALID_FONTDEF_DATA)
        st = JX_ERR_FONT;
    return fail(dev, st,
                "cannot write the PDF: libharu error 0x%04X%s%s%s (detail %u) while %s%s%s",
                (unsigned)code, name ? " (" : "", name ? name : "", name ? ")" : "",
                (unsigned)detail, what, about ? " " : "", about ? about : "");
}

/* JX_OK when a libharu call succeeded (and raised nothing). */
static jx_status hp(pdf_device *dev, HPDF_Doc pdf, HPDF_STATUS ret, const char *what,
                    const char *about)
{
    if (ret == HPDF_OK && !dev->herr)
        return JX_OK;
    return hpdf_fail(dev, pdf, ret, what, about);
}

/* The same for a call returning a handle. */
static jx_status hp_ptr(pdf_device *dev, HPDF_Doc pdf, const void *handle, const char *what,
                        const char *about)
{
    if (handle && !dev->herr)
        return JX_OK;
    return hpdf_fail(dev, pdf, HPDF_OK, what, about);
}

/* ---- fonts -------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001B3ULL;
    }
    return h;
}

/* The subset tag: six capitals from a hash of the font's name and the
 * subset itself, so that the same subset always gets the same tag and a
 * different one (other characters, other font version) almost never does. */
static void subset_tag(const char *name, const char *data, size_t len, char tag[7])
{
    uint64_t h = fnv1a(0xCBF29CE484222325ULL, name, strlen(name) + 1);
    h = fnv1a(h, data, len);
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
        return fail(dev, JX_ERR_FONT, "font %s (face %d) has no HarfBuzz face", jx_face_path(face),
                    jx_face_index(face));
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
        return fail(dev, JX_ERR_FONT, "hb-subset failed on font %s (face %d)",
                    jx_face_path(face), jx_face_index(face));
    hb_blob_t *blob = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    if (hb_blob_get_length(blob) == 0) {
        hb_blob_destroy(blob);
        return fail(dev, JX_ERR_FONT, "hb-subset made an empty font from %s (face %d)",
                    jx_face_path(face), jx_face_index(face));
    }
    *out = blob;
    return JX_OK;
}

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
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
static jx_status compact_cmap(pdf_device *dev, const pdf_face *pf, hb_blob_t **blob,
                              const char *about)
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
        st = fail(dev, JX_ERR_NOMEM, "out of memory");
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
        st = fail(dev, JX_ERR_INTERNAL,
                  "%s: the compact cmap maps U+%04lX to glyph %ld, hb-subset's to %u", about, bad,
                  got, (unsigned)want[bad]);
        goto done;
    }
    if (font_len > 0xFFFFFFFFu / 2)
        goto done;
    nb = hb_blob_create((const char *)font, (unsigned)font_len, HB_MEMORY_MODE_READONLY, font,
                        free);
    font = NULL; /* the blob owns it, also when creation failed */
    if (hb_blob_get_length(nb) != font_len) {
        st = fail(dev, JX_ERR_NOMEM, "out of memory");
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
            st = fail(dev, JX_ERR_INTERNAL,
                      "%s: HarfBuzz reads glyph %u for U+%04X from the compact cmap, not %u",
                      about, (unsigned)g, (unsigned)c, (unsigned)want[c]);
    }
    if (st == JX_OK && hb_face_get_glyph_count(nf) != nglyphs)
        st = fail(dev, JX_ERR_INTERNAL, "%s: the rebuilt subset has %u glyphs, not %u", about,
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

/* Writes a ToUnicode CMap mapping each code (UCS-2, = CID) in cps to itself. */
static jx_status build_tounicode(pdf_device *dev, const hb_set_t *cps, jx_buf *b)
{
    size_t n = hb_set_get_population(cps);
    uint32_t *cp = malloc((n ? n : 1) * sizeof *cp);
    if (!cp)
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
        st = fail(dev, JX_ERR_NOMEM, "out of memory");
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
    if ((st = hp_ptr(dev, pdf, nw, "writing the widths of", about)))
        goto done;
    HPDF_Array group = NULL;
    for (size_t i = 0; i < n; i++) {
        if (wid[i] == best) {
            group = NULL;
            continue;
        }
        if (!group || cid[i] != cid[i - 1] + 1) {
            /* HPDF_Array_Add takes the group, also on failure. */
            if ((st = hp(dev, pdf, HPDF_Array_AddNumber(nw, (HPDF_INT32)cid[i]),
                         "writing the widths of", about)))
                goto done;
            group = HPDF_Array_New(pdf->mmgr);
            if ((st = hp_ptr(dev, pdf, group, "writing the widths of", about)) ||
                (st = hp(dev, pdf, HPDF_Array_Add(nw, group), "writing the widths of", about)))
                goto done;
        }
        if ((st = hp(dev, pdf, HPDF_Array_AddNumber(group, wid[i]), "writing the widths of",
                     about)))
            goto done;
    }
    if ((st = hp(dev, pdf, HPDF_Dict_AddNumber(desc, "DW", best), "writing the widths of",
                 about)))
        goto done;
    if (HPDF_Array_Items(nw) == 0) {
        HPDF_Dict_RemoveElement(desc, "W");
    } else {
        /* HPDF_Dict_Add takes the array, also on failure. */
        HPDF_Array a = nw;
        nw = NULL;
        st = hp(dev, pdf, HPDF_Dict_Add(desc, "W", a), "writing the widths of", about);
    }
done:
    if (nw)
        HPDF_Array_Free(nw);
    free(cid);
    free(wid);
    free(sorted);
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
        if ((st = hp_ptr(dev, pdf, tu, "making the ToUnicode CMap of", about)))
            return st;
        tu->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        if ((st = hp(dev, pdf, HPDF_Dict_Add(font, "ToUnicode", tu),
                     "adding the ToUnicode CMap of", about)))
            return st;
    }
    pf->tounicode = tu;

    jx_buf b = {0};
    if ((st = build_tounicode(dev, pf->cps, &b))) {
        jx_buf_free(&b);
        return st;
    }
    st = hp(dev, pdf, HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len),
            "writing the ToUnicode CMap of", about);
    jx_buf_free(&b);
    if (st)
        return st;

    HPDF_FontAttr fa = (HPDF_FontAttr)font->attr;
    if (fa && fa->descendant_font) {
        HPDF_Dict si = HPDF_Dict_GetItem(fa->descendant_font, "CIDSystemInfo", HPDF_OCLASS_DICT);
        if (si) {
            HPDF_String s = HPDF_String_New(pdf->mmgr, "Identity", NULL);
            if ((st = hp_ptr(dev, pdf, s, "fixing the CIDSystemInfo of", about)) ||
                (st = hp(dev, pdf, HPDF_Dict_Add(si, "Ordering", s),
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
        st = fail(dev, JX_ERR_NOMEM, "out of memory");
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
        st = fail(dev, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    uint32_t next = 1;
    for (unsigned i = 0; i < count; i++) {
        if (used[i])
            continue;
        while (hb_set_has(pf->cps, next))
            next++;
        if (next > 0xFFFF) {
            st = fail(dev, JX_ERR_LIMIT, "font %s: more glyphs than CIDs", jx_face_path(pf->face));
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
static jx_status embed_face(pdf_device *dev, HPDF_Doc pdf, size_t slot)
{
    pdf_face *pf = &dev->faces[slot];
    const jx_face *face = pf->face;
    char about[600];
    snprintf(about, sizeof about, "font %s (face %d)", jx_face_path(face), jx_face_index(face));

    hb_blob_t *blob = NULL;
    jx_status st = make_subset(dev, pf, &blob);
    if (st)
        return st;
    if ((st = compact_cmap(dev, pf, &blob, about)) ||
        (st = subset_extras(dev, pf, blob))) {
        hb_blob_destroy(blob);
        return st;
    }
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    char tag[7];
    subset_tag(jx_face_postscript_name(face) ? jx_face_postscript_name(face) : "", data, len, tag);

    HPDF_Stream stream = HPDF_MemStream_New(pdf->mmgr, 64 * 1024);
    if ((st = hp_ptr(dev, pdf, stream, "loading", about))) {
        hb_blob_destroy(blob);
        return st;
    }
    st = hp(dev, pdf, HPDF_Stream_Write(stream, (const HPDF_BYTE *)data, len), "loading", about);
    pf->program = blob; /* embedded by embed_program() */
    if (st) {
        HPDF_Stream_Free(stream);
        return st;
    }
    /* Takes the stream, also on failure. */
    HPDF_FontDef def = HPDF_TTFontDef_Load(pdf->mmgr, stream, HPDF_TRUE);
    if ((st = hp_ptr(dev, pdf, def, "loading the subset of", about)))
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
            st = fail(dev, JX_ERR_FONT, "two fonts are both named %s", def->base_font);
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
    if ((st = hp(dev, pdf, HPDF_Doc_RegisterFontDef(pdf, def), "registering", about)))
        return st;
    pf->font = HPDF_GetFont(pdf, pf->name, "UTF-8");
    if ((st = hp_ptr(dev, pdf, pf->font, "creating the PDF font for", about)))
        return st;
    return patch_font(dev, pdf, slot);
}

/* ---- document ----------------------------------------------------------- */

/* Seconds since 1970 to a UTC calendar date (proleptic Gregorian). */
static HPDF_Date utc_date(long long t)
{
    long long days = t / 86400, rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    days += 719468;
    long long era = (days >= 0 ? days : days - 146096) / 146097;
    long long doe = days - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long day = doy - (153 * mp + 2) / 5 + 1;
    long long month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2);
    HPDF_Date d;
    memset(&d, 0, sizeof d);
    d.year = (HPDF_INT)year;
    d.month = (HPDF_INT)month;
    d.day = (HPDF_INT)day;
    d.hour = (HPDF_INT)(rem / 3600);
    d.minutes = (HPDF_INT)(rem / 60 % 60);
    d.seconds = (HPDF_INT)(rem % 60);
    d.ind = 'Z';
    return d;
}

/* Producer of the Info dictionary and the XMP metadata. */
#define PRODUCER "Haru Free PDF Library " HPDF_VERSION_TEXT

/* The document's date for the Info dictionary: UTC written as +00'00'
 * (libharu writes 'Z' as "Z00'00'", which some PDF/A validators misread),
 * the same instant as the XMP date (xmp_date()). */
static HPDF_Date info_date(long long t)
{
    HPDF_Date d = utc_date(t);
    d.ind = '+';
    d.off_hour = 0;
    d.off_minutes = 0;
    return d;
}

/* The same date in XMP form: "2024-06-15T00:00:00+00:00". */
static void xmp_date(long long t, char out[40])
{
    HPDF_Date d = utc_date(t);
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", (int)d.year, (int)d.month,
             (int)d.day, (int)d.hour, (int)d.minutes, (int)d.seconds);
}

/* Writes the Info dictionary: title, author, subject, keywords, creator
 * (those given and not empty), producer, and the creation and modification
 * dates, both the document's date. */
static jx_status set_info(pdf_device *dev, HPDF_Doc pdf)
{
    static const HPDF_InfoType types[5] = {HPDF_INFO_TITLE, HPDF_INFO_AUTHOR, HPDF_INFO_SUBJECT,
                                           HPDF_INFO_KEYWORDS, HPDF_INFO_CREATOR};
    const char *values[5] = {dev->title, dev->author, dev->subject, dev->keywords,
                             dev->creator};
    jx_status st;
    /* With UTF-8 as the current encoder libharu writes info strings as
     * UTF-16BE with a byte order mark. */
    for (int i = 0; i < 5; i++)
        if (values[i] && values[i][0] &&
            (st = hp(dev, pdf, HPDF_SetInfoAttr(pdf, types[i], values[i]),
                     "setting the document information", NULL)))
            return st;
    HPDF_Date d = info_date(dev->date_epoch);
    if ((st = hp(dev, pdf, HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, PRODUCER),
                 "setting the document information", NULL)) ||
        (st = hp(dev, pdf, HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d),
                 "setting the creation date", NULL)) ||
        (st = hp(dev, pdf, HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d),
                 "setting the modification date", NULL)))
        return st;
    return JX_OK;
}

/* ---- PDF/A-1b ------------------------------------------------------------ */

/* Where the sRGB profile of the output intent comes from: Debian's
 * icc-profiles-free (zlib licence; ICC v2.3 "sRGB", 6922 bytes), unless
 * $JX_SRGB_ICC names another file. */
#define SRGB_ICC_PATH "/usr/share/color/icc/sRGB.icc"
#define SRGB_ICC_PACKAGE "icc-profiles-free"
#define ICC_MAX_SIZE (1 << 20)

/* Reads the sRGB ICC profile for the output intent into *data (malloc'd)
 * and *len.  Returns 1, or 0 with the reason in why when there is no file,
 * or the file is not an ICC profile PDF/A-1 accepts (version 2, RGB, a
 * display or output device class). */
static int load_icc(const char *path, unsigned char **data, size_t *len, char *why, size_t n)
{
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, n, "cannot read %s: %s", path, strerror(errno));
        return 0;
    }
    unsigned char *buf = malloc(ICC_MAX_SIZE);
    size_t got = buf ? fread(buf, 1, ICC_MAX_SIZE, f) : 0;
    int err = ferror(f);
    fclose(f);
    const char *bad = NULL;
    if (!buf)
        bad = "out of memory";
    else if (err)
        bad = "read error";
    else if (got < 132 || got == ICC_MAX_SIZE || jx_be32(buf) != got)
        bad = "not an ICC profile (size)";
    else if (memcmp(buf + 36, "acsp", 4) != 0)
        bad = "not an ICC profile (no 'acsp' signature)";
    else if (memcmp(buf + 16, "RGB ", 4) != 0)
        bad = "not an RGB profile";
    else if (memcmp(buf + 12, "mntr", 4) != 0 && memcmp(buf + 12, "prtr", 4) != 0)
        bad = "not a display or output profile";
    else if (buf[8] != 2)
        bad = "not an ICC version 2 profile (PDF/A-1 needs one)";
    if (bad) {
        snprintf(why, n, "%s: %s", path, bad);
        free(buf);
        return 0;
    }
    *data = buf;
    *len = got;
    return 1;
}

/* Appends s with XML's special characters escaped and the control
 * characters XML 1.0 does not allow left out. */
static void xml_text(jx_buf *b, const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
            continue;
        switch (*s) {
        case '&': jx_buf_puts(b, "&amp;"); break;
        case '<': jx_buf_puts(b, "&lt;"); break;
        case '>': jx_buf_puts(b, "&gt;"); break;
        case '"': jx_buf_puts(b, "&quot;"); break;
        default: jx_buf_append(b, s, 1);
        }
    }
}

static int given(const char *s)
{
    return s && *s;
}

/* The XMP packet: the Info dictionary's entries, the same text and the
 * same instant (PDF/A-1 requires them equivalent), in the Dublin Core
 * (title, creator = author, description = subject), XMP basic (creator
 * tool, dates) and Adobe PDF (keywords, producer) schemas, and, when pdfa
 * is set, the PDF/A identification: part 1, conformance B. */
static void build_xmp(const pdf_device *dev, int pdfa, jx_buf *b)
{
    char date[40];
    xmp_date(dev->date_epoch, date);
    jx_buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                   "<dc:format>application/pdf</dc:format>\n");
    if (given(dev->title)) {
        jx_buf_puts(b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(b, dev->title);
        jx_buf_puts(b, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (given(dev->author)) {
        jx_buf_puts(b, "<dc:creator><rdf:Seq><rdf:li>");
        xml_text(b, dev->author);
        jx_buf_puts(b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (given(dev->subject)) {
        jx_buf_puts(b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(b, dev->subject);
        jx_buf_puts(b, "</rdf:li></rdf:Alt></dc:description>\n");
    }
    jx_buf_puts(b, "</rdf:Description>\n"
                   "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    if (given(dev->creator)) {
        jx_buf_puts(b, "<xmp:CreatorTool>");
        xml_text(b, dev->creator);
        jx_buf_puts(b, "</xmp:CreatorTool>\n");
    }
    jx_buf_printf(b, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
                     "<xmp:MetadataDate>%s</xmp:MetadataDate>\n", date, date, date);
    jx_buf_puts(b, "</rdf:Description>\n"
                   "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
    if (given(dev->keywords)) {
        jx_buf_puts(b, "<pdf:Keywords>");
        xml_text(b, dev->keywords);
        jx_buf_puts(b, "</pdf:Keywords>\n");
    }
    jx_buf_puts(b, "<pdf:Producer>" PRODUCER "</pdf:Producer>\n</rdf:Description>\n");
    if (pdfa)
        jx_buf_puts(b, "<rdf:Description rdf:about=\"\" "
                       "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                       "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
                       "</rdf:Description>\n");
    jx_buf_puts(b, "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
}

/* Adds the XMP packet (build_xmp()) as the catalog's /Metadata, an
 * unfiltered stream as PDF/A-1 requires. */
static jx_status add_metadata(pdf_device *dev, HPDF_Doc pdf, int pdfa)
{
    jx_buf b = {0};
    build_xmp(dev, pdfa, &b);
    if (b.oom) {
        jx_buf_free(&b);
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    }
    HPDF_Dict m = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = hp_ptr(dev, pdf, m, "writing the XMP metadata", NULL);
    if (st == JX_OK) {
        m->filter = HPDF_STREAM_FILTER_NONE;
        if (!(st = hp(dev, pdf, HPDF_Dict_AddName(m, "Type", "Metadata"), "writing the XMP metadata",
                      NULL)) &&
            !(st = hp(dev, pdf, HPDF_Dict_AddName(m, "Subtype", "XML"), "writing the XMP metadata",
                      NULL)) &&
            !(st = hp(dev, pdf, HPDF_Stream_Write(m->stream, (const HPDF_BYTE *)b.data,
                                                  (HPDF_UINT)b.len),
                      "writing the XMP metadata", NULL)))
            st = hp(dev, pdf, HPDF_Dict_Add(pdf->catalog, "Metadata", m),
                    "writing the XMP metadata", NULL);
    }
    jx_buf_free(&b);
    return st;
}

/* Adds the PDF/A-1 output intent (/S /GTS_PDFA1) with the sRGB profile
 * icc[0..len) as its DestOutputProfile. */
static jx_status add_output_intent(pdf_device *dev, HPDF_Doc pdf, const unsigned char *icc,
                                   size_t len)
{
    static const char what[] = "writing the output intent";
    static const char cond[] = "sRGB IEC61966-2.1";
    HPDF_Dict prof = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = hp_ptr(dev, pdf, prof, what, NULL);
    if (st)
        return st;
    prof->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if ((st = hp(dev, pdf, HPDF_Dict_AddNumber(prof, "N", 3), what, NULL)) ||
        (st = hp(dev, pdf, HPDF_Stream_Write(prof->stream, icc, (HPDF_UINT)len), what, NULL)))
        return st;
    HPDF_Array intents = HPDF_Array_New(pdf->mmgr);
    if ((st = hp_ptr(dev, pdf, intents, what, NULL)) ||
        (st = hp(dev, pdf, HPDF_Dict_Add(pdf->catalog, "OutputIntents", intents), what, NULL)))
        return st;
    HPDF_Dict intent = HPDF_Dict_New(pdf->mmgr);
    if ((st = hp_ptr(dev, pdf, intent, what, NULL)) ||
        (st = hp(dev, pdf, HPDF_Array_Add(intents, intent), what, NULL)))
        return st;
    HPDF_String id = HPDF_String_New(pdf->mmgr, cond, NULL);
    if ((st = hp(dev, pdf, HPDF_Dict_AddName(intent, "Type", "OutputIntent"), what, NULL)) ||
        (st = hp(dev, pdf, HPDF_Dict_AddName(intent, "S", "GTS_PDFA1"), what, NULL)) ||
        (st = hp(dev, pdf, HPDF_Dict_Add(intent, "OutputConditionIdentifier", id), what, NULL)) ||
        (st = hp(dev, pdf,
                 HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf->mmgr, cond, NULL)), what,
                 NULL)) ||
        (st = hp(dev, pdf,
                 HPDF_Dict_Add(intent, "RegistryName",
                               HPDF_String_New(pdf->mmgr, "http://www.color.org", NULL)),
                 what, NULL)) ||
        (st = hp(dev, pdf, HPDF_Dict_Add(intent, "DestOutputProfile", prof), what, NULL)))
        return st;
    return JX_OK;
}

static void set_bit(unsigned char *bits, uint32_t cid)
{
    bits[cid / 8] |= (unsigned char)(0x80u >> (cid % 8));
}

/* zlib level of the embedded font programs (what libharu uses for its
 * streams; Z_BEST_SPEED saves ~8% of a one-page filing's time for ~9% more
 * bytes). */
#define FONT_DEFLATE_LEVEL Z_DEFAULT_COMPRESSION

/* libharu drops a /Filter entry from a stream it does not filter itself
 * and writes its dictionary's write_fn last: the entry goes there. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
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
        return fail(dev, JX_ERR_INTERNAL, "PDF font %s has no font program", about);
    uLongf zlen = compressBound(len);
    unsigned char *z = malloc(zlen);
    if (!z)
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    if (compress2(z, &zlen, (const Bytef *)data, len, FONT_DEFLATE_LEVEL) != Z_OK) {
        free(z);
        return fail(dev, JX_ERR_NOMEM, "out of memory compressing the font program of %s", about);
    }
    HPDF_Dict ff = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = hp_ptr(dev, pdf, ff, "embedding", about);
    if (!st) {
        ff->filter = HPDF_STREAM_FILTER_NONE; /* the bytes are deflated already */
        ff->write_fn = write_flate_filter;
        if (!(st = hp(dev, pdf, HPDF_Stream_Write(ff->stream, z, (HPDF_UINT)zlen), "embedding",
                      about)) &&
            !(st = hp(dev, pdf, HPDF_Dict_AddNumber(ff, "Length1", len), "embedding", about)))
            st = hp(dev, pdf, HPDF_Dict_Add(desc, "FontFile2", ff), "embedding", about);
    }
    free(z);
    return st;
}

/* Completes font `slot` for PDF/A-1 after every page is drawn: has libharu
 * create the font descriptor now (it would at save time, and does not
 * again) without its copy of the font program, adds the program itself
 * (embed_program()), then adds the descriptor's /CIDSet: a
 * bit for every CID the font program has (0 for .notdef, each character
 * drawn, and the extra CIDs of subset_extras()), and, when there are such
 * extras, rewrites the CIDToGIDMap so that they map to their glyphs. */
static jx_status finish_font(pdf_device *dev, HPDF_Doc pdf, size_t slot)
{
    pdf_face *pf = &dev->faces[slot];
    HPDF_Font font = pf->font;
    HPDF_FontAttr fa = font ? (HPDF_FontAttr)font->attr : NULL;
    const char *about = pf->name;
    jx_status st;
    if (!fa || !fa->fontdef || !fa->descendant_font)
        return fail(dev, JX_ERR_INTERNAL, "PDF font %s has no CID font", about);
    if (!fa->fontdef->descriptor) {
        if (!font->before_write_fn || fa->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
            return fail(dev, JX_ERR_INTERNAL, "PDF font %s: libharu makes no font descriptor",
                        about);
        /* The descriptor without libharu's copy of the font program:
         * embed_program() writes the subset itself. */
        ((HPDF_TTFontDefAttr)fa->fontdef->attr)->embedding = HPDF_FALSE;
        if ((st = hp(dev, pdf, font->before_write_fn(font), "embedding", about)))
            return st;
    }
    HPDF_Dict desc = fa->fontdef->descriptor;
    if (!desc)
        return fail(dev, JX_ERR_INTERNAL, "PDF font %s has no font descriptor", about);
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
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    set_bit(bits, 0);
    hb_codepoint_t c = HB_SET_VALUE_INVALID;
    while (hb_set_next(pf->cps, &c))
        set_bit(bits, c);
    for (size_t i = 0; i < pf->nextra; i++)
        set_bit(bits, pf->xcid[i]);
    HPDF_Dict cidset = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    st = hp_ptr(dev, pdf, cidset, "writing the CIDSet of", about);
    if (!st) {
        cidset->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        if (!(st = hp(dev, pdf, HPDF_Stream_Write(cidset->stream, bits, (HPDF_UINT)nbytes),
                      "writing the CIDSet of", about)))
            st = hp(dev, pdf, HPDF_Dict_Add(desc, "CIDSet", cidset), "writing the CIDSet of",
                    about);
    }
    free(bits);
    if (st || pf->nextra == 0)
        return st;
    if (!fa->map_stream || !fa->map_stream->stream ||
        fa->map_stream->stream->type != HPDF_STREAM_MEMORY)
        return fail(dev, JX_ERR_INTERNAL, "PDF font %s has no CIDToGIDMap stream", about);
    size_t n = (size_t)maxcid + 1;
    unsigned char *map = calloc(n, 2);
    if (!map)
        return fail(dev, JX_ERR_NOMEM, "out of memory");
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
    HPDF_MemStream_FreeData(fa->map_stream->stream);
    st = hp(dev, pdf, HPDF_Stream_Write(fa->map_stream->stream, map, (HPDF_UINT)(n * 2)),
            "writing the CIDToGIDMap of", about);
    free(map);
    HPDF_ResetError(pdf);
    return st;
}

static void md5_bytes(HPDF_MD5_CTX *ctx, const void *p, size_t n)
{
    HPDF_MD5Update(ctx, (const HPDF_BYTE *)p, (HPDF_UINT32)n);
}

static void md5_str(HPDF_MD5_CTX *ctx, const char *s)
{
    md5_bytes(ctx, s ? s : "", (s ? strlen(s) : 0) + 1);
}

static void md5_num(HPDF_MD5_CTX *ctx, double v)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.4f;", v);
    md5_bytes(ctx, buf, n > 0 ? (size_t)n : 0);
}

/* Sets the trailer's /ID to two copies of an MD5 digest of everything the
 * file is made from: the document information and date, every page's size
 * and drawing calls, the bookmarks, and each font's name and characters.
 * The same document always gets the same ID (no clock, no chance). */
static jx_status set_id(pdf_device *dev, HPDF_Doc pdf)
{
    HPDF_MD5_CTX ctx;
    HPDF_BYTE key[HPDF_MD5_KEY_LEN];
    HPDF_MD5Init(&ctx);
    md5_str(&ctx, "jxgen PDF");
    md5_str(&ctx, dev->title);
    md5_str(&ctx, dev->author);
    md5_str(&ctx, dev->subject);
    md5_str(&ctx, dev->keywords);
    md5_str(&ctx, dev->creator);
    md5_num(&ctx, (double)dev->date_epoch);
    for (size_t i = 0; i < dev->nfaces; i++) {
        const pdf_face *pf = &dev->faces[i];
        md5_str(&ctx, pf->name);
        hb_codepoint_t c = HB_SET_VALUE_INVALID;
        while (hb_set_next(pf->cps, &c))
            md5_num(&ctx, c);
    }
    for (size_t p = 0; p < dev->npages; p++) {
        const pdf_page *pg = &dev->pages[p];
        md5_num(&ctx, pg->width);
        md5_num(&ctx, pg->height);
        for (size_t k = 0; k < pg->nops; k++) {
            const pdf_op *op = &dev->ops[pg->first_op + k];
            md5_num(&ctx, op->kind);
            md5_num(&ctx, op->x0);
            md5_num(&ctx, op->y0);
            if (op->kind == OP_TEXT) {
                md5_num(&ctx, (double)op->face);
                md5_num(&ctx, op->size);
                md5_str(&ctx, dev->pool + op->text);
            } else {
                md5_num(&ctx, op->x1);
                md5_num(&ctx, op->y1);
                md5_num(&ctx, op->width);
            }
        }
    }
    for (size_t i = 0; i < dev->nmarks; i++) {
        md5_str(&ctx, dev->pool + dev->marks[i].title);
        md5_num(&ctx, dev->marks[i].level);
        md5_num(&ctx, (double)dev->marks[i].page);
        md5_num(&ctx, dev->marks[i].y);
    }
    HPDF_MD5Final(key, &ctx);

    static const char what[] = "writing the document ID";
    HPDF_Array id = HPDF_Array_New(pdf->mmgr);
    jx_status st;
    if ((st = hp_ptr(dev, pdf, id, what, NULL)) ||
        (st = hp(dev, pdf, HPDF_Dict_Add(pdf->trailer, "ID", id), what, NULL)))
        return st;
    for (int i = 0; i < 2; i++)
        if ((st = hp(dev, pdf, HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, key, sizeof key)),
                     what, NULL)))
            return st;
    return JX_OK;
}

/* Makes the document PDF/A-1b where it can: completes every font (CIDSet),
 * adds the sRGB output intent, the XMP metadata identifying part 1,
 * conformance B, and the document ID, and writes the header as PDF 1.4.
 * Without a usable sRGB profile the file gets everything but the output
 * intent and the PDF/A identification, with a warning. */
static jx_status make_pdfa(pdf_device *dev, HPDF_Doc pdf)
{
    jx_status st;
    for (size_t i = 0; i < dev->nfaces; i++)
        if ((st = finish_font(dev, pdf, i)))
            return st;
    const char *env = getenv("JX_SRGB_ICC");
    const char *icc_path = env && *env ? env : SRGB_ICC_PATH;
    unsigned char *icc = NULL;
    size_t icc_len = 0;
    char why[600];
    int pdfa = load_icc(icc_path, &icc, &icc_len, why, sizeof why);
    if (!pdfa && dev->base.diags)
        jx_diags_add(dev->base.diags, JX_SEV_WARNING, dev->path, 0, 0, "pdf-a",
                     _("no sRGB ICC profile for the PDF/A output intent (%s; Debian package %s): "
                     "the PDF is written without it and does not claim PDF/A-1b"),
                     why, SRGB_ICC_PACKAGE);
    st = pdfa ? add_output_intent(dev, pdf, icc, icc_len) : JX_OK;
    free(icc);
    if (st || (st = add_metadata(dev, pdf, pdfa)) || (st = set_id(dev, pdf)))
        return st;
    pdf->pdf_version = HPDF_VER_14;
    return JX_OK;
}

/* Replays page p; `outlines` holds the last outline entry of each level. */
static jx_status draw_page(pdf_device *dev, HPDF_Doc pdf, size_t p, HPDF_Encoder utf8,
                           HPDF_Outline *outlines, size_t *depth, size_t *next_mark)
{
    enum { MAX_DEPTH = 32 };
    const pdf_page *pg = &dev->pages[p];
    char about[64];
    snprintf(about, sizeof about, "page %zu", p + 1);
    jx_status st;
    double h = pg->height;

    HPDF_Page page = HPDF_AddPage(pdf);
    if ((st = hp_ptr(dev, pdf, page, "adding", about)) ||
        (st = hp(dev, pdf, HPDF_Page_SetWidth(page, (HPDF_REAL)pg->width), "sizing", about)) ||
        (st = hp(dev, pdf, HPDF_Page_SetHeight(page, (HPDF_REAL)h), "sizing", about)))
        return st;

    const pdf_op *ops = dev->ops + pg->first_op;
    /* Rules first: one path per run of equal widths. */
    double cur_w = -1;
    int open_path = 0, any_rule = 0;
    for (size_t i = 0; i < pg->nops; i++) {
        const pdf_op *op = &ops[i];
        if (op->kind != OP_RULE)
            continue;
        if (!any_rule) {
            any_rule = 1;
            if ((st = hp(dev, pdf, HPDF_Page_SetLineCap(page, HPDF_PROJECTING_SCUARE_END),
                         "drawing rules on", about)))
                return st;
        }
        if (op->width != cur_w) {
            if (open_path && (st = hp(dev, pdf, HPDF_Page_Stroke(page), "drawing rules on", about)))
                return st;
            open_path = 0;
            cur_w = op->width;
            if ((st = hp(dev, pdf, HPDF_Page_SetLineWidth(page, (HPDF_REAL)cur_w),
                         "drawing rules on", about)))
                return st;
        }
        if ((st = hp(dev, pdf, HPDF_Page_MoveTo(page, (HPDF_REAL)op->x0, (HPDF_REAL)(h - op->y0)),
                     "drawing rules on", about)) ||
            (st = hp(dev, pdf, HPDF_Page_LineTo(page, (HPDF_REAL)op->x1, (HPDF_REAL)(h - op->y1)),
                     "drawing rules on", about)))
            return st;
        open_path = 1;
    }
    if (open_path && (st = hp(dev, pdf, HPDF_Page_Stroke(page), "drawing rules on", about)))
        return st;

    /* Then the text, in one text object. */
    size_t cur_face = SIZE_MAX;
    double cur_size = -1, cur_spacing = 0;
    int in_text = 0;
    for (size_t i = 0; i < pg->nops; i++) {
        const pdf_op *op = &ops[i];
        if (op->kind != OP_TEXT)
            continue;
        if (!in_text) {
            in_text = 1;
            if ((st = hp(dev, pdf, HPDF_Page_BeginText(page), "drawing text on", about)))
                return st;
        }
        if (op->face != cur_face || op->size != cur_size) {
            cur_face = op->face;
            cur_size = op->size;
            if ((st = hp(dev, pdf,
                         HPDF_Page_SetFontAndSize(page, dev->faces[cur_face].font,
                                                  (HPDF_REAL)cur_size),
                         "drawing text on", about)))
                return st;
        }
        if (op->spacing != cur_spacing) {
            cur_spacing = op->spacing;
            if ((st = hp(dev, pdf, HPDF_Page_SetCharSpace(page, (HPDF_REAL)cur_spacing),
                         "drawing text on", about)))
                return st;
        }
        if ((st = hp(dev, pdf,
                     HPDF_Page_SetTextMatrix(page, 1, 0, 0, 1, (HPDF_REAL)op->x0,
                                             (HPDF_REAL)(h - op->y0)),
                     "drawing text on", about)) ||
            (st = hp(dev, pdf, HPDF_Page_ShowText(page, dev->pool + op->text), "drawing text on",
                     about)))
            return st;
    }
    if (in_text && (st = hp(dev, pdf, HPDF_Page_EndText(page), "drawing text on", about)))
        return st;

    /* Bookmarks of this page. */
    for (; *next_mark < dev->nmarks && dev->marks[*next_mark].page == p; (*next_mark)++) {
        const pdf_mark *m = &dev->marks[*next_mark];
        size_t level = (size_t)m->level;
        if (level > *depth)
            level = *depth; /* no parent at level-1: hang it on the deepest */
        if (level >= MAX_DEPTH)
            level = MAX_DEPTH - 1;
        HPDF_Outline parent = level ? outlines[level - 1] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(pdf, parent, dev->pool + m->title, utf8);
        if ((st = hp_ptr(dev, pdf, o, "adding a bookmark on", about)))
            return st;
        double top = h - m->y;
        if (top < 0)
            top = 0;
        if (top > h)
            top = h;
        HPDF_Destination dst = HPDF_Page_CreateDestination(page);
        if ((st = hp_ptr(dev, pdf, dst, "adding a bookmark on", about)) ||
            (st = hp(dev, pdf, HPDF_Destination_SetFitH(dst, (HPDF_REAL)top),
                     "adding a bookmark on", about)) ||
            (st = hp(dev, pdf, HPDF_Outline_SetDestination(o, dst), "adding a bookmark on",
                     about)) ||
            (st = hp(dev, pdf, HPDF_Outline_SetOpened(o, HPDF_TRUE), "adding a bookmark on",
                     about)))
            return st;
        outlines[level] = o;
        *depth = level + 1;
    }

    if (p == 0) {
        HPDF_Destination dst = HPDF_Page_CreateDestination(page);
        if ((st = hp_ptr(dev, pdf, dst, "setting the open action", NULL)) ||
            (st = hp(dev, pdf, HPDF_Destination_SetFitH(dst, (HPDF_REAL)h),
                     "setting the open action", NULL)) ||
            (st = hp(dev, pdf, HPDF_SetOpenAction(pdf, dst), "setting the open action", NULL)))
            return st;
    }
    return JX_OK;
}

/* The mode for a new output file: the old file's, else 0666 & ~umask. */
static mode_t output_mode(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        return sb.st_mode & 07777;
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            unsigned m;
            if (sscanf(line, "Umask: %o", &m) == 1) {
                mask = (mode_t)(m & 0777);
                break;
            }
        }
        fclose(f);
    }
    return 0666 & ~mask;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Saves the document to a temporary file beside dev->path and renames it
 * into place.  On failure nothing is left behind and dev->path is untouched. */
static jx_status save_atomically(pdf_device *dev, HPDF_Doc pdf)
{
    jx_status st = hp(dev, pdf, HPDF_SaveToStream(pdf), "saving", NULL);
    if (st)
        return st;
    HPDF_Stream out = pdf->stream;
    if (!out || out->type != HPDF_STREAM_MEMORY)
        return fail(dev, JX_ERR_INTERNAL, "libharu saved to an unexpected stream");
    HPDF_UINT32 total = HPDF_GetStreamSize(pdf);

    size_t plen = strlen(dev->path);
    char *tmp = malloc(plen + sizeof ".tmpXXXXXX");
    if (!tmp)
        return fail(dev, JX_ERR_NOMEM, "out of memory");
    memcpy(tmp, dev->path, plen);
    memcpy(tmp + plen, ".tmpXXXXXX", sizeof ".tmpXXXXXX");

    mode_t mode = output_mode(dev->path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = fail(dev, JX_ERR_IO, "cannot create a temporary file next to %s: %s", dev->path,
                  strerror(errno));
        free(tmp);
        return st;
    }
    const char *step = "write";
    int ok = fchmod(fd, mode) == 0;
    if (!ok)
        step = "set the mode of";
    size_t written = 0;
    HPDF_UINT nbuf = HPDF_MemStream_GetBufCount(out);
    for (HPDF_UINT i = 0; ok && i < nbuf; i++) {
        HPDF_UINT n = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(out, i, &n);
        if (!p || write_all(fd, p, n) != 0)
            ok = 0;
        written += n;
    }
    if (ok && written != total) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return fail(dev, JX_ERR_INTERNAL, "libharu's output is %zu bytes, expected %lu", written,
                    (unsigned long)total);
    }
    if (ok && fsync(fd) != 0) {
        ok = 0;
        step = "flush";
    }
    int saved_errno = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        step = "close";
        saved_errno = errno;
    }
    if (ok && rename(tmp, dev->path) != 0) {
        ok = 0;
        step = "rename the temporary file to";
        saved_errno = errno;
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return fail(dev, JX_ERR_IO, "cannot %s %s: %s", step, dev->path, strerror(saved_errno));
    }
    free(tmp);

    /* Best effort: make the rename itself durable. */
    char *dir = jx_strdup(dev->path);
    if (dir) {
        char *slash = strrchr(dir, '/');
        const char *dname = ".";
        if (slash) {
            slash[slash == dir ? 1 : 0] = '\0';
            dname = dir;
        }
        int dfd = open(dname, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return JX_OK;
}

static jx_status render(pdf_device *dev)
{
    jx_status st;
    dev->herr = dev->hdetail = 0;
    HPDF_Doc pdf = HPDF_New(hpdf_on_error, dev);
    if (!pdf)
        return fail(dev, JX_ERR_NOMEM, "out of memory (libharu)");

    HPDF_Outline outlines[32];
    size_t depth = 0, next_mark = 0;
    HPDF_Encoder utf8 = NULL;
    if ((st = hp(dev, pdf, HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL), "starting", NULL)) ||
        (st = hp(dev, pdf, HPDF_UseUTFEncodings(pdf), "starting", NULL)) ||
        (st = hp(dev, pdf, HPDF_SetCurrentEncoder(pdf, "UTF-8"), "starting", NULL)))
        goto done;
    utf8 = HPDF_GetEncoder(pdf, "UTF-8");
    if ((st = hp_ptr(dev, pdf, utf8, "starting", NULL)))
        goto done;
    for (size_t i = 0; i < dev->nfaces; i++)
        if ((st = embed_face(dev, pdf, i)))
            goto done;
    if ((st = set_info(dev, pdf)))
        goto done;
    for (size_t p = 0; p < dev->npages; p++)
        if ((st = draw_page(dev, pdf, p, utf8, outlines, &depth, &next_mark)))
            goto done;
    if (dev->nmarks &&
        (st = hp(dev, pdf, HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE),
                 "setting the page mode", NULL)))
        goto done;
    /* Page labels as the pages are numbered on paper: 1, 2, 3 ... */
    if ((st = hp(dev, pdf, HPDF_AddPageLabel(pdf, 0, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL),
                 "adding page labels", NULL)) ||
        (st = make_pdfa(dev, pdf)))
        goto done;
    st = save_atomically(dev, pdf);
done:
    HPDF_Free(pdf);
    for (size_t i = 0; i < dev->nfaces; i++) {
        dev->faces[i].font = NULL;
        dev->faces[i].tounicode = NULL;
    }
    return st;
}

static jx_status pdf_close(jx_device *d)
{
    pdf_device *dev = (pdf_device *)d;
    if (dev->failed)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: close() after an earlier error");
    if (dev->closed)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: close() called twice");
    if (dev->in_page)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: close() while page %zu is open",
                    dev->npages);
    if (dev->npages == 0)
        return fail(dev, JX_ERR_INTERNAL, "PDF device: no pages to write");
    jx_status st = render(dev);
    if (st == JX_OK)
        dev->closed = 1;
    else
        dev->failed = 1;
    return st;
}

/* Frees the device.  The output is only ever written by a successful
 * close(), so there is never partial output to remove. */
static void pdf_destroy(jx_device *d)
{
    pdf_device *dev = (pdf_device *)d;
    if (!dev)
        return;
    for (size_t i = 0; i < dev->nfaces; i++) {
        hb_set_destroy(dev->faces[i].cps);
        hb_blob_destroy(dev->faces[i].program);
        free(dev->faces[i].xcid);
        free(dev->faces[i].xgid);
    }
    free(dev->faces);
    free(dev->pages);
    free(dev->ops);
    free(dev->marks);
    free(dev->pool);
    free(dev->title);
    free(dev->author);
    free(dev->subject);
    free(dev->keywords);
    free(dev->creator);
    free(dev->path);
    free(dev);
}

/* Creates a PDF device writing to `path` when close() succeeds (see
 * jx_device.h).  The faces drawn must stay alive until close() returns.
 * Returns NULL when out of memory or when path is NULL. */
jx_device *jx_pdf_device_create(const char *path, jx_fonts *fonts, jx_diags *d)
{
    pdf_device *dev = NULL;
    if (!path)
        goto fail;
    dev = calloc(1, sizeof *dev);
    if (!dev)
        goto fail;
    dev->path = jx_strdup(path);
    if (!dev->path)
        goto fail;
    dev->fonts = fonts;
    dev->base.begin_document = pdf_begin_document;
    dev->base.begin_page = pdf_begin_page;
    dev->base.draw_text = pdf_draw_text;
    dev->base.draw_text_spaced = pdf_draw_text_spaced;
    dev->base.draw_rule = pdf_draw_rule;
    dev->base.add_bookmark = pdf_add_bookmark;
    dev->base.end_page = pdf_end_page;
    dev->base.close = pdf_close;
    dev->base.destroy = pdf_destroy;
    dev->base.diags = d;
    return &dev->base;
fail:
    if (dev)
        free(dev->path);
    free(dev);
    return NULL;
}
