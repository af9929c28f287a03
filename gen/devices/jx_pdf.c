/* jx_pdf.c - the PDF device (libharu 2.3.0 + hb-subset): the device
 * itself, recording every draw call, and the libharu error plumbing.  Its
 * other jobs live beside it (jx_pdf_impl.h): fonts in jx_pdf_font.c,
 * metadata and PDF/A in jx_pdf_meta.c, the replay and the save in
 * jx_pdf_write.c.
 *
 * Every call is buffered in memory: pages, text runs (face, size, baseline
 * position, UTF-8 text), rules and bookmarks.  close() then
 *   1. makes, for every face drawn, an hb-subset of exactly the characters
 *      drawn with it and writes its font dictionaries itself (not libharu's
 *      HPDF_Type0Font_New, which looks up all 65 536 codes and writes a
 *      128 KB CIDToGIDMap per font): a Type0 font, Identity-H, a code being
 *      its CID and the character's Unicode value (BMP only); a CIDFontType2
 *      with compact widths and a CIDToGIDMap up to the largest CID; the font
 *      program and the small streams deflated with libdeflate.
 *      A character outside the BMP (CJK Ext. B-G: 𠮷) is drawn under an
 *      alias code of the Private Use Area (face_alias(), from U+F8FF down,
 *      never a code the face draws itself): the alias is its CID, the
 *      CIDToGIDMap maps it to the character's glyph, /W gives its width,
 *      and the ToUnicode CMap maps it back to the character, so text
 *      extraction and search read the real character.  A run drawn with
 *      negative spacing (compressed punctuation, "）、" half an em closer)
 *      is drawn the same way: each character under an alias whose /W
 *      width is its narrowed advance, and no character spacing, since
 *      text extraction (poppler) takes a glyph's box from /W and ignores
 *      Tc: boxes overlapping by 0.2 em or more are read as new words or
 *      lines;
 *   2. names the embedded font TAG+PostScriptName, TAG being six capitals
 *      derived from a hash of the PostScript name and the subset's bytes, so
 *      the same input always gives the same name;
 *   3. writes a ToUnicode CMap (bfrange/bfchar of the characters used) and
 *      the CIDSystemInfo Adobe-Identity-0;
 *   4. replays the pages: per page all rules first (one path per line width,
 *      projecting square caps so that grid corners close), then all text in
 *      one text object with absolute text matrices (no drift);
 *   5. writes the document info (UTF-16 strings, dates in UTC from
 *      date_epoch), the outline, decimal page labels and an open action
 *      (page 1, fit width);
 *   6. makes the file PDF/A-1b (make_pdfa()): every font program embedded
 *      by embed_program(), a CIDSet in every font descriptor, an
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
 * These files use libharu's internal (installed, exported) API: hpdf_doc.h
 * for the document's memory manager and xref, hpdf_objects.h /
 * hpdf_streams.h to build the font dictionaries and streams, hpdf_pages.h
 * for a page's content stream and font resources (the text operators of
 * the device's own fonts).  It is written against Debian 12's
 * libhpdf 2.3.0+dfsg-1; see the tests in tests/unit/test_pdf.c. */
#include "jx_pdf_impl.h"
#include "jx_util.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>

/* The largest date libharu's "D:YYYYMMDDHHmmSS" form can hold. */
#define MAX_DATE_EPOCH 253402300799LL /* 9999-12-31T23:59:59Z */

/* ---- small helpers ------------------------------------------------------ */

jx_status pdf_fail(pdf_device *dev, jx_status st, const char *fmt, ...)
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
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: %s after an earlier error", what);
    if (dev->closed)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: %s after close()", what);
    if (!dev->in_page)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: %s outside a page", what);
    return JX_OK;
}

/* ---- the buffering calls ------------------------------------------------ */

static jx_status pdf_begin_document(jx_device *d, const jx_doc_info *info)
{
    pdf_device *dev = (pdf_device *)d;
    if (dev->failed || dev->closed)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: begin_document() on a finished device");
    if (dev->have_info || dev->npages || dev->in_page)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: begin_document() called twice or late");
    if (!info)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: begin_document() without info");
    if (info->date_epoch < 0 || info->date_epoch > MAX_DATE_EPOCH)
        return pdf_fail(
            dev, JX_ERR_LIMIT,
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
                return pdf_fail(dev, JX_ERR_SYNTAX, "document %s: invalid UTF-8 at byte %zu",
                                names[i], k);
            k += l;
        }
        if (!(*dst[i] = jx_strdup(fields[i])))
            return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
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
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: begin_page() on a finished device");
    if (dev->in_page)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: begin_page() inside page %zu",
                        dev->npages);
    /* libharu itself checks its limits (3 .. 14400 pt) when the page is
     * written; here only what cannot be a size at all. */
    if (!isfinite(width_pt) || !isfinite(height_pt) || width_pt <= 0 || height_pt <= 0)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: invalid page size %g x %g pt", width_pt,
                        height_pt);
    pdf_page *pages = jx_grow(dev->pages, &dev->pages_cap, dev->npages, sizeof *pages, 16);
    if (!pages)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    dev->pages = pages;
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
    pdf_face *faces = jx_grow(dev->faces, &dev->faces_cap, dev->nfaces, sizeof *faces, 16);
    if (!faces)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    dev->faces = faces;
    hb_set_t *set = hb_set_create();
    if (!hb_set_allocation_successful(set)) {
        hb_set_destroy(set);
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
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
    pdf_op *ops = jx_grow(dev->ops, &dev->ops_cap, dev->nops, sizeof *ops, 16);
    if (!ops)
        return NULL;
    dev->ops = ops;
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

/* The code under which character cp of face pf is drawn `wid` thousandths
 * of an em wide (PDF_OWN_WIDTH: at its glyph's own width; that is how a
 * character outside the BMP is drawn): its alias, made on first use from
 * U+F8FF down, skipping every code the face draws.  When the Private Use
 * Area is used up: JX_ERR_LIMIT, reported unless `quiet`. */
static jx_status face_alias(pdf_device *dev, pdf_face *pf, uint32_t cp, int32_t wid, int quiet,
                            uint32_t *code)
{
    for (size_t i = 0; i < pf->nalias; i++)
        if (pf->alias[i].real == cp && pf->alias[i].wid == wid) {
            *code = pf->alias[i].code;
            return JX_OK;
        }
    uint32_t next = 0xF8FF;
    for (size_t i = 0; i < pf->nalias; i++)
        if (pf->alias[i].code <= next)
            next = pf->alias[i].code - 1;
    while (next >= 0xE000 && hb_set_has(pf->cps, next))
        next--;
    if (next < 0xE000)
        return quiet ? JX_ERR_LIMIT
                     : pdf_fail(dev, JX_ERR_LIMIT,
                                "PDF device: too many characters outside the BMP in font %s",
                                jx_face_path(pf->face));
    pdf_alias *a = jx_grow(pf->alias, &pf->alias_cap, pf->nalias, sizeof *a, 16);
    if (!a)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    pf->alias = a;
    pf->alias[pf->nalias++] = (pdf_alias){cp, next, wid};
    *code = next;
    return JX_OK;
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
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: draw_text() without face or text");
    if (!isfinite(size_pt) || size_pt <= 0 || size_pt > HPDF_MAX_FONTSIZE)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: font size %g pt outside (0, %d]",
                        size_pt, HPDF_MAX_FONTSIZE);
    if (!isfinite(x) || !isfinite(y))
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: text position is not finite");
    if (!isfinite(spacing) || spacing < -size_pt || spacing > size_pt) /* < 0: compressed */
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: character spacing %g pt out of range",
                        spacing);
    if (len == 0)
        return JX_OK;
    if (len > HPDF_LIMIT_MAX_STRING_LEN / 2)
        return pdf_fail(dev, JX_ERR_LIMIT, "PDF device: a text run of %zu bytes is too long", len);

    size_t slot = 0;
    if ((st = face_slot(dev, face, &slot)))
        return st;
    pdf_face *pf = &dev->faces[slot];
    hb_set_t *cps = pf->cps;
    /* A run with negative spacing (compressed punctuation) is drawn with
     * each character under a narrowed alias and no character spacing: the
     * same picture, and boxes that text extraction reads without overlap. */
    int narrow = spacing < 0;
    double upem = jx_face_upem(face);
    jx_buf drawn = {0}; /* the text with aliases */
again:
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = jx_utf8_decode(text + i, len - i, &cp);
        if (!n)
            return pdf_fail(dev, JX_ERR_SYNTAX, "PDF device: invalid UTF-8 at byte %zu of \"%.*s\"",
                            i, (int)(len > 200 ? 200 : len), text);
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            return pdf_fail(dev, JX_ERR_GLYPH,
                            "control character U+%04X cannot be drawn (in \"%.*s\")", (unsigned)cp,
                            (int)(len > 200 ? 200 : len), text);
        if (!jx_face_has_char(face, cp)) {
            jx_buf_free(&drawn);
            return pdf_fail(dev, JX_ERR_GLYPH, "U+%04X (%.*s) is not in font %s (%s, face %d)",
                            (unsigned)cp, (int)n, text + i, jx_face_family(face),
                            jx_face_path(face), jx_face_index(face));
        }
        if (cp > 0xFFFF || narrow) {
            uint32_t code = 0;
            int32_t wid = PDF_OWN_WIDTH;
            if (narrow) /* the width subset_glyphs() gives, less the spacing */
                wid = (int32_t)((int64_t)jx_face_advance(face, cp) * 1000 / (int64_t)upem) +
                      (int32_t)lround(spacing * 1000.0 / size_pt);
            st = face_alias(dev, pf, cp, wid, narrow, &code);
            if (st == JX_ERR_LIMIT && narrow) { /* no code left: character spacing */
                jx_buf_free(&drawn);
                narrow = 0;
                goto again;
            }
            if (st) {
                jx_buf_free(&drawn);
                return st;
            }
            if (!drawn.len)
                jx_buf_append(&drawn, text, i);
            char u[4];
            jx_buf_append(&drawn, u, jx_utf8_encode(code, u));
            cp = code;
        } else {
            if (pdf_face_real(pf, cp) != cp) {
                jx_buf_free(&drawn);
                return pdf_fail(dev, JX_ERR_LIMIT,
                                "PDF device: U+%04X (Private Use Area) is drawn with font %s, "
                                "where that code already stands for U+%05X",
                                (unsigned)cp, jx_face_path(face), (unsigned)pdf_face_real(pf, cp));
            }
            if (drawn.len)
                jx_buf_append(&drawn, text + i, n);
        }
        hb_set_add(cps, cp);
        i += n;
    }
    if (!hb_set_allocation_successful(cps) || drawn.oom) {
        jx_buf_free(&drawn);
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    }

    size_t off;
    int pooled = drawn.len ? pool_add(dev, drawn.data, drawn.len, &off)
                           : pool_add(dev, text, len, &off);
    jx_buf_free(&drawn);
    pdf_op *op = pooled ? new_op(dev, OP_TEXT) : NULL;
    if (!op)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    op->face = slot;
    op->size = size_pt;
    op->x0 = x;
    op->y0 = y;
    op->text = off;
    op->spacing = narrow ? 0.0 : spacing;
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
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: rule end points are not finite");
    if (!isfinite(width_pt) || width_pt <= 0 || width_pt > HPDF_MAX_LINEWIDTH)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: rule width %g pt outside (0, %d]",
                        width_pt, HPDF_MAX_LINEWIDTH);
    pdf_op *op = new_op(dev, OP_RULE);
    if (!op)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
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
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: invalid bookmark");
    size_t n = strlen(title);
    for (size_t k = 0; k < n;) {
        uint32_t cp;
        size_t l = jx_utf8_decode(title + k, n - k, &cp);
        if (!l)
            return pdf_fail(dev, JX_ERR_SYNTAX, "bookmark \"%s\": invalid UTF-8 at byte %zu", title,
                            k);
        k += l;
    }
    size_t off;
    pdf_mark *marks = jx_grow(dev->marks, &dev->marks_cap, dev->nmarks, sizeof *marks, 16);
    if (marks)
        dev->marks = marks;
    if (!marks || !pool_add(dev, title, n, &off))
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
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
    return pdf_fail(dev, st,
                    "cannot write the PDF: libharu error 0x%04X%s%s%s (detail %u) while %s%s%s",
                    (unsigned)code, name ? " (" : "", name ? name : "", name ? ")" : "",
                    (unsigned)detail, what, about ? " " : "", about ? about : "");
}

/* JX_OK when a libharu call succeeded (and raised nothing). */
jx_status pdf_hp(pdf_device *dev, HPDF_Doc pdf, HPDF_STATUS ret, const char *what,
                 const char *about)
{
    if (ret == HPDF_OK && !dev->herr)
        return JX_OK;
    return hpdf_fail(dev, pdf, ret, what, about);
}

/* The same for a call returning a handle. */
jx_status pdf_hp_ptr(pdf_device *dev, HPDF_Doc pdf, const void *handle, const char *what,
                     const char *about)
{
    if (handle && !dev->herr)
        return JX_OK;
    return hpdf_fail(dev, pdf, HPDF_OK, what, about);
}

/* Sets dict's `key` to UTF-8 `text` as a PDF text string (UTF-16BE with a
 * byte order mark) when text holds a character outside the BMP, which
 * libharu's UTF-8 encoder drops from the strings it writes itself (Info
 * entries, bookmark titles): such a character becomes a surrogate pair, so
 * that no character of a filing is lost.  Leaves dict alone (JX_OK) when
 * text is all BMP or not valid UTF-8.  Reports failures. */
jx_status pdf_set_text(pdf_device *dev, HPDF_Doc pdf, HPDF_Dict dict, const char *key,
                       const char *text, const char *what)
{
    size_t len = strlen(text);
    int wide = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = jx_utf8_decode(text + i, len - i, &cp);
        if (!n)
            return JX_OK;
        wide |= cp > 0xFFFF;
        i += n;
    }
    if (!wide)
        return JX_OK;
    /* At most 4 bytes of UTF-16 per character, and a character is >= 1 byte. */
    unsigned char *u = malloc(2 + 4 * len);
    if (!u)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    size_t k = 0;
    u[k++] = 0xFE;
    u[k++] = 0xFF;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        i += jx_utf8_decode(text + i, len - i, &cp);
        if (cp > 0xFFFF) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            u[k++] = (unsigned char)(hi >> 8);
            u[k++] = (unsigned char)hi;
            cp = lo;
        }
        u[k++] = (unsigned char)(cp >> 8);
        u[k++] = (unsigned char)cp;
    }
    HPDF_Binary b = HPDF_Binary_New(pdf->mmgr, u, (HPDF_UINT)k);
    free(u);
    jx_status st = pdf_hp_ptr(dev, pdf, b, what, NULL);
    if (!st) /* takes b, also on failure; replaces what key held */
        st = pdf_hp(dev, pdf, HPDF_Dict_Add(dict, key, b), what, NULL);
    return st;
}

static jx_status pdf_close(jx_device *d)
{
    pdf_device *dev = (pdf_device *)d;
    if (dev->failed)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: close() after an earlier error");
    if (dev->closed)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: close() called twice");
    if (dev->in_page)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: close() while page %zu is open",
                        dev->npages);
    if (dev->npages == 0)
        return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: no pages to write");
    jx_status st = pdf_render(dev);
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
        free(dev->faces[i].extra);
        free(dev->faces[i].alias);
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

/* The device of jx_pdf_device_create() and jx_pdf_device_create_into(). */
static jx_device *pdf_create(const char *path, jx_file_out *into, jx_fonts *fonts, jx_diags *d)
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
    dev->into = into;
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

/* Creates a PDF device writing to `path` when close() succeeds (see
 * jx_device.h).  The faces drawn must stay alive until close() returns.
 * Returns NULL when out of memory or when path is NULL. */
jx_device *jx_pdf_device_create(const char *path, jx_fonts *fonts, jx_diags *d)
{
    return pdf_create(path, NULL, fonts, d);
}

jx_device *jx_pdf_device_create_into(jx_file_out *out, jx_fonts *fonts, jx_diags *d)
{
    return out ? pdf_create(out->path, out, fonts, d) : NULL;
}
