/* jx_pdf_meta.c - the PDF device's document metadata (see jx_pdf_impl.h):
 * the Info dictionary, the XMP packet, the sRGB output intent, the document
 * ID and the rest of PDF/A-1b.  Nothing here depends on the clock. */
#include "jx_pdf_impl.h"
#include "jx_file.h"
#include "jx_util.h"
#include "jx_i18n.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <hpdf_objects.h>

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
jx_status pdf_set_info(pdf_device *dev, HPDF_Doc pdf)
{
    static const HPDF_InfoType types[5] = {HPDF_INFO_TITLE, HPDF_INFO_AUTHOR, HPDF_INFO_SUBJECT,
                                           HPDF_INFO_KEYWORDS, HPDF_INFO_CREATOR};
    static const char *const keys[5] = {"Title", "Author", "Subject", "Keywords", "Creator"};
    const char *values[5] = {dev->title, dev->author, dev->subject, dev->keywords,
                             dev->creator};
    jx_status st;
    /* With UTF-8 as the current encoder libharu writes info strings as
     * UTF-16BE with a byte order mark; pdf_set_text() then writes a value
     * with characters outside the BMP, which that encoder drops. */
    for (int i = 0; i < 5; i++)
        if (values[i] && values[i][0] &&
            ((st = pdf_hp(dev, pdf, HPDF_SetInfoAttr(pdf, types[i], values[i]),
                          "setting the document information", NULL)) ||
             (st = pdf_set_text(dev, pdf, pdf->info, keys[i], values[i],
                                N_("setting the document information")))))
            return st;
    HPDF_Date d = info_date(dev->date_epoch);
    if ((st = pdf_hp(dev, pdf, HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, PRODUCER),
                     "setting the document information", NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d),
                     "setting the creation date", NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d),
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
    char *text = NULL;
    size_t got = 0;
    int err = 0;
    if (jx_file_load(path, ICC_MAX_SIZE, &text, &got, &err) != 0) {
        if (err == EFBIG)
            snprintf(why, n, _("%s: not an ICC profile (size)"), path);
        else if (err == ENOMEM)
            snprintf(why, n, _("%s: out of memory"), path);
        else
            snprintf(why, n, _("cannot read %s: %s"), path, jx_strerror(err));
        return 0;
    }
    unsigned char *buf = (unsigned char *)text;
    const char *bad = NULL;
    if (got < 132 || jx_be32(buf) != got)
        bad = N_("not an ICC profile (size)");
    else if (memcmp(buf + 36, "acsp", 4) != 0)
        bad = N_("not an ICC profile (no 'acsp' signature)");
    else if (memcmp(buf + 16, "RGB ", 4) != 0)
        bad = N_("not an RGB profile");
    else if (memcmp(buf + 12, "mntr", 4) != 0 && memcmp(buf + 12, "prtr", 4) != 0)
        bad = N_("not a display or output profile");
    else if (buf[8] != 2)
        bad = N_("not an ICC version 2 profile (PDF/A-1 needs one)");
    if (bad) {
        snprintf(why, n, "%s: %s", path, _(bad));
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
    jx_buf_puts(b,
                "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
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
        return pdf_fail(dev, JX_ERR_NOMEM, "out of memory");
    }
    HPDF_Dict m = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = pdf_hp_ptr(dev, pdf, m, "writing the XMP metadata", NULL);
    if (st == JX_OK) {
        m->filter = HPDF_STREAM_FILTER_NONE;
        if (!(st = pdf_hp(dev, pdf, HPDF_Dict_AddName(m, "Type", "Metadata"),
                          "writing the XMP metadata", NULL)) &&
            !(st = pdf_hp(dev, pdf, HPDF_Dict_AddName(m, "Subtype", "XML"),
                          "writing the XMP metadata", NULL)) &&
            !(st = pdf_hp(dev, pdf,
                          HPDF_Stream_Write(m->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len),
                          "writing the XMP metadata", NULL)))
            st = pdf_hp(dev, pdf, HPDF_Dict_Add(pdf->catalog, "Metadata", m),
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
    static const char *const what = N_("writing the output intent");
    static const char cond[] = "sRGB IEC61966-2.1";
    HPDF_Dict prof = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    jx_status st = pdf_hp_ptr(dev, pdf, prof, what, NULL);
    if (st)
        return st;
    prof->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if ((st = pdf_hp(dev, pdf, HPDF_Dict_AddNumber(prof, "N", 3), what, NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_Stream_Write(prof->stream, icc, (HPDF_UINT)len), what, NULL)))
        return st;
    HPDF_Array intents = HPDF_Array_New(pdf->mmgr);
    if ((st = pdf_hp_ptr(dev, pdf, intents, what, NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(pdf->catalog, "OutputIntents", intents), what, NULL)))
        return st;
    HPDF_Dict intent = HPDF_Dict_New(pdf->mmgr);
    if ((st = pdf_hp_ptr(dev, pdf, intent, what, NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_Array_Add(intents, intent), what, NULL)))
        return st;
    HPDF_String id = HPDF_String_New(pdf->mmgr, cond, NULL);
    if ((st = pdf_hp(dev, pdf, HPDF_Dict_AddName(intent, "Type", "OutputIntent"), what, NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_AddName(intent, "S", "GTS_PDFA1"), what, NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(intent, "OutputConditionIdentifier", id), what,
                     NULL)) ||
        (st =
             pdf_hp(dev, pdf, HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf->mmgr, cond, NULL)),
                    what, NULL)) ||
        (st = pdf_hp(dev, pdf,
                     HPDF_Dict_Add(intent, "RegistryName",
                                   HPDF_String_New(pdf->mmgr, "http://www.color.org", NULL)),
                     what, NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(intent, "DestOutputProfile", prof), what, NULL)))
        return st;
    return JX_OK;
}

static void md5_bytes(HPDF_MD5_CTX *ctx, const void *p, size_t n)
{
    HPDF_MD5Update(ctx, (const HPDF_BYTE *)p, (HPDF_UINT32)n);
}

static void md5_str(HPDF_MD5_CTX *ctx, const char *s)
{
    md5_bytes(ctx, s ? s : "", (s ? strlen(s) : 0) + 1);
}

/* Hashes v in units of 1/10 000 (rounded), as eight bytes, least
 * significant first: the same on every platform, and ~40 times cheaper
 * than formatting it (snprintf was 6% of a one-page filing). */
static void md5_num(HPDF_MD5_CTX *ctx, double v)
{
    double r = v * 10000.0;
    int64_t q = r >= 9.2e18 ? INT64_MAX : r <= -9.2e18 ? INT64_MIN : isnan(r) ? 0 : llround(r);
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)q >> (8 * i));
    md5_bytes(ctx, b, sizeof b);
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

    static const char *const what = N_("writing the document ID");
    HPDF_Array id = HPDF_Array_New(pdf->mmgr);
    jx_status st;
    if ((st = pdf_hp_ptr(dev, pdf, id, what, NULL)) ||
        (st = pdf_hp(dev, pdf, HPDF_Dict_Add(pdf->trailer, "ID", id), what, NULL)))
        return st;
    for (int i = 0; i < 2; i++)
        if ((st = pdf_hp(dev, pdf, HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, key, sizeof key)),
                         what, NULL)))
            return st;
    return JX_OK;
}

/* Makes the document PDF/A-1b where it can: completes every font (CIDSet),
 * adds the sRGB output intent, the XMP metadata identifying part 1,
 * conformance B, and the document ID, and writes the header as PDF 1.4.
 * Without a usable sRGB profile the file gets everything but the output
 * intent and the PDF/A identification, with a warning. */
jx_status pdf_make_pdfa(pdf_device *dev, HPDF_Doc pdf)
{
    jx_status st;
    for (size_t i = 0; i < dev->nfaces; i++)
        if ((st = pdf_finish_font(dev, pdf, i)))
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
