/* jx_pdf_write.c - close() of the PDF device (see jx_pdf_impl.h): replays
 * the recorded pages into a libharu document (fonts, rules, text,
 * bookmarks, metadata) and saves it atomically. */
#include "jx_pdf_impl.h"
#include "jx_file.h"
#include "jx_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

static void hpdf_on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    pdf_device *dev = user_data;
    if (!dev->herr) {
        dev->herr = error_no;
        dev->hdetail = detail_no;
    }
}

/* The fonts are the device's own Type0 dictionaries (jx_pdf_font.c), not
 * libharu fonts, so the text operators are written here, into the page's
 * content stream, as libharu writes them: "/F1 10.5 Tf" and "<4E2D> Tj". */

/* Makes font (a Type0 font dictionary) at size pt the current font of
 * page, adding it to the page's resources. */
static jx_status select_font(pdf_device *dev, HPDF_Doc pdf, HPDF_Page page, HPDF_Dict font,
                             double size, const char *about)
{
    const char *local = HPDF_Page_GetLocalFontName(page, font);
    jx_status st = pdf_hp_ptr(dev, pdf, local, "drawing text on", about);
    if (st)
        return st;
    HPDF_Stream out = ((HPDF_PageAttr)page->attr)->stream;
    HPDF_STATUS ret = HPDF_Stream_WriteEscapeName(out, local);
    if (ret == HPDF_OK)
        ret = HPDF_Stream_WriteChar(out, ' ');
    if (ret == HPDF_OK)
        ret = HPDF_Stream_WriteReal(out, (HPDF_REAL)size);
    if (ret == HPDF_OK)
        ret = HPDF_Stream_WriteStr(out, " Tf\012");
    return pdf_hp(dev, pdf, ret, "drawing text on", about);
}

/* Shows UTF-8 text (checked when it was recorded: valid, BMP only) in the
 * current font: each character's code, = its CID, as four hex digits. */
static jx_status show_text(pdf_device *dev, HPDF_Doc pdf, HPDF_Page page, const char *text,
                           const char *about)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(text);
    char *buf = malloc(len * 4 + 8); /* a character of n >= 1 bytes: 4 digits */
    if (!buf)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    size_t k = 0;
    buf[k++] = '<';
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = jx_utf8_decode(text + i, len - i, &cp);
        if (!n || cp > 0xFFFF) {
            free(buf);
            return pdf_fail(dev, JX_ERR_INTERNAL, "PDF device: a recorded text run is not BMP "
                                                  "UTF-8");
        }
        for (int shift = 12; shift >= 0; shift -= 4)
            buf[k++] = hex[(cp >> shift) & 0xF];
        i += n;
    }
    memcpy(buf + k, "> Tj\012", 6);
    k += 6;
    HPDF_Stream out = ((HPDF_PageAttr)page->attr)->stream;
    jx_status st = pdf_hp(dev, pdf, HPDF_Stream_Write(out, (const HPDF_BYTE *)buf, (HPDF_UINT)k),
                          "drawing text on", about);
    free(buf);
    return st;
}

/* Replays page p; `outlines` holds the last outline entry of each level. */
static jx_status draw_page(pdf_device *dev, HPDF_Doc pdf, size_t p, HPDF_Encoder utf8,
                           HPDF_Outline *outlines, size_t *depth, size_t *next_mark)
{
    enum { MAX_DEPTH = 32 };
    const pdf_page *pg = &dev->pages[p];
    char about[64];
    snprintf(about, sizeof about, _("page %zu"), p + 1);
    jx_status st;
    double h = pg->height;

    HPDF_Page page = HPDF_AddPage(pdf);
    if ((st = pdf_hp_ptr(dev, pdf, page, "adding", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Page_SetWidth(page, (HPDF_REAL)pg->width), "sizing", about)) ||
        (st = pdf_hp(dev, pdf, HPDF_Page_SetHeight(page, (HPDF_REAL)h), "sizing", about)))
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
            if ((st = pdf_hp(dev, pdf, HPDF_Page_SetLineCap(page, HPDF_PROJECTING_SCUARE_END),
                             "drawing rules on", about)))
                return st;
        }
        if (op->width != cur_w) {
            if (open_path &&
                (st = pdf_hp(dev, pdf, HPDF_Page_Stroke(page), "drawing rules on", about)))
                return st;
            open_path = 0;
            cur_w = op->width;
            if ((st = pdf_hp(dev, pdf, HPDF_Page_SetLineWidth(page, (HPDF_REAL)cur_w),
                             "drawing rules on", about)))
                return st;
        }
        if ((st = pdf_hp(dev, pdf,
                         HPDF_Page_MoveTo(page, (HPDF_REAL)op->x0, (HPDF_REAL)(h - op->y0)),
                         "drawing rules on", about)) ||
            (st = pdf_hp(dev, pdf,
                         HPDF_Page_LineTo(page, (HPDF_REAL)op->x1, (HPDF_REAL)(h - op->y1)),
                         "drawing rules on", about)))
            return st;
        open_path = 1;
    }
    if (open_path && (st = pdf_hp(dev, pdf, HPDF_Page_Stroke(page), "drawing rules on", about)))
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
            if ((st = pdf_hp(dev, pdf, HPDF_Page_BeginText(page), "drawing text on", about)))
                return st;
        }
        if (op->face != cur_face || op->size != cur_size) {
            cur_face = op->face;
            cur_size = op->size;
            if ((st = select_font(dev, pdf, page, dev->faces[cur_face].font, cur_size, about)))
                return st;
        }
        if (op->spacing != cur_spacing) {
            cur_spacing = op->spacing;
            if ((st = pdf_hp(dev, pdf, HPDF_Page_SetCharSpace(page, (HPDF_REAL)cur_spacing),
                             "drawing text on", about)))
                return st;
        }
        if ((st = pdf_hp(dev, pdf,
                         HPDF_Page_SetTextMatrix(page, 1, 0, 0, 1, (HPDF_REAL)op->x0,
                                                 (HPDF_REAL)(h - op->y0)),
                         "drawing text on", about)) ||
            (st = show_text(dev, pdf, page, dev->pool + op->text, about)))
            return st;
    }
    if (in_text && (st = pdf_hp(dev, pdf, HPDF_Page_EndText(page), "drawing text on", about)))
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
        if ((st = pdf_hp_ptr(dev, pdf, o, "adding a bookmark on", about)) ||
            (st = pdf_set_text(dev, pdf, o, "Title", dev->pool + m->title,
                               N_("adding a bookmark"))))
            return st;
        double top = h - m->y;
        if (top < 0)
            top = 0;
        if (top > h)
            top = h;
        HPDF_Destination dst = HPDF_Page_CreateDestination(page);
        if ((st = pdf_hp_ptr(dev, pdf, dst, "adding a bookmark on", about)) ||
            (st = pdf_hp(dev, pdf, HPDF_Destination_SetFitH(dst, (HPDF_REAL)top),
                         "adding a bookmark on", about)) ||
            (st = pdf_hp(dev, pdf, HPDF_Outline_SetDestination(o, dst), "adding a bookmark on",
                         about)) ||
            (st = pdf_hp(dev, pdf, HPDF_Outline_SetOpened(o, HPDF_TRUE), "adding a bookmark on",
                         about)))
            return st;
        outlines[level] = o;
        *depth = level + 1;
    }

    if (p == 0) {
        HPDF_Destination dst = HPDF_Page_CreateDestination(page);
        if ((st = pdf_hp_ptr(dev, pdf, dst, "setting the open action", NULL)) ||
            (st = pdf_hp(dev, pdf, HPDF_Destination_SetFitH(dst, (HPDF_REAL)h),
                         "setting the open action", NULL)) ||
            (st = pdf_hp(dev, pdf, HPDF_SetOpenAction(pdf, dst), "setting the open action", NULL)))
            return st;
    }
    return JX_OK;
}

/* Saves the document to a temporary file beside dev->path and renames it
 * into place (jx_file_out), or writes and finishes the caller's output
 * (dev->into).  On failure dev->path is untouched. */
static jx_status save_atomically(pdf_device *dev, HPDF_Doc pdf)
{
    jx_status st = pdf_hp(dev, pdf, HPDF_SaveToStream(pdf), "saving", NULL);
    if (st)
        return st;
    HPDF_Stream out = pdf->stream;
    if (!out || out->type != HPDF_STREAM_MEMORY)
        return pdf_fail(dev, JX_ERR_INTERNAL, "libharu saved to an unexpected stream");
    HPDF_UINT32 total = HPDF_GetStreamSize(pdf);
    size_t written = 0;
    HPDF_UINT nbuf = HPDF_MemStream_GetBufCount(out);
    for (HPDF_UINT i = 0; i < nbuf; i++) {
        HPDF_UINT n = 0;
        HPDF_MemStream_GetBufPtr(out, i, &n);
        written += n;
    }
    if (written != total)
        return pdf_fail(dev, JX_ERR_INTERNAL, "libharu's output is %zu bytes, expected %lu",
                        written, (unsigned long)total);

    jx_file_out own = {NULL, NULL, -1}, *file = dev->into ? dev->into : &own;
    if (!dev->into && (st = jx_file_out_open(&own, dev->path, dev->base.diags))) {
        dev->failed = 1;
        return st;
    }
    for (HPDF_UINT i = 0; i < nbuf && st == JX_OK; i++) {
        HPDF_UINT n = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(out, i, &n);
        st = p ? jx_file_out_write(file, p, n, dev->base.diags)
               : pdf_fail(dev, JX_ERR_INTERNAL, "libharu's output has no buffer %u", (unsigned)i);
    }
    /* A caller's output is finished, not put in place: the caller commits
     * it (or aborts it after a failure). */
    if (st == JX_OK)
        st = dev->into ? jx_file_out_finish(file, dev->base.diags)
                       : jx_file_out_commit(file, dev->base.diags);
    else if (!dev->into)
        jx_file_out_abort(file);
    if (st)
        dev->failed = 1;
    return st;
}

jx_status pdf_render(pdf_device *dev)
{
    jx_status st;
    dev->herr = dev->hdetail = 0;
    HPDF_Doc pdf = HPDF_New(hpdf_on_error, dev);
    if (!pdf)
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory (libharu)");

    HPDF_Outline outlines[32];
    size_t depth = 0, next_mark = 0;
    HPDF_Encoder utf8 = NULL;
    if ((st = pdf_hp(dev, pdf, HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL), "starting", NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_UseUTFEncodings(pdf), "starting", NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_SetCurrentEncoder(pdf, "UTF-8"), "starting", NULL)))
        goto done;
    utf8 = HPDF_GetEncoder(pdf, "UTF-8");
    if ((st = pdf_hp_ptr(dev, pdf, utf8, "starting", NULL)))
        goto done;
    for (size_t i = 0; i < dev->nfaces; i++)
        if ((st = pdf_embed_face(dev, pdf, i)))
            goto done;
    if ((st = pdf_set_info(dev, pdf)))
        goto done;
    for (size_t p = 0; p < dev->npages; p++)
        if ((st = draw_page(dev, pdf, p, utf8, outlines, &depth, &next_mark)))
            goto done;
    if (dev->nmarks && (st = pdf_hp(dev, pdf, HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE),
                                    "setting the page mode", NULL)))
        goto done;
    /* Page labels as the pages are numbered on paper: 1, 2, 3 ... */
    if ((st = pdf_hp(dev, pdf, HPDF_AddPageLabel(pdf, 0, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL),
                     "adding page labels", NULL)) ||
        (st = pdf_make_pdfa(dev, pdf)))
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
