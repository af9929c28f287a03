/* jx_sniff.c - recognising non-filings and legacy encodings (see jx_sniff.h). */
#include "jx_sniff.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "jx_i18n.h"

/* Whether needle (n bytes) occurs in the first `within` bytes of buf. */
static int contains(const char *buf, size_t len, const char *needle, size_t n, size_t within)
{
    if (len > within)
        len = within;
    for (size_t i = 0; i + n <= len; i++)
        if (buf[i] == needle[0] && memcmp(buf + i, needle, n) == 0)
            return 1;
    return 0;
}

#define HAS(s) contains(buf, len, s, sizeof(s) - 1, len)
#define STARTS(s) (len >= sizeof(s) - 1 && memcmp(buf, s, sizeof(s) - 1) == 0)

const char *jx_sniff_kind(const char *buf, size_t len, const char **hint)
{
    *hint = NULL;
    if (STARTS("%PDF-")) {
        *hint = N_("jxgen makes PDFs from filings; it does not read them");
        return N_("a PDF document");
    }
    if (STARTS("PK\x03\x04")) {
        if (HAS("word/")) {
            *hint = N_("copy the form's contents into a filing: jxgen new REGION prints a blank one");
            return N_("a Word document (.docx)");
        }
        if (HAS("xl/")) {
            *hint = N_("a workbook of jxgen's import template is read with jxgen import "
                       "(docs/workbook-import.md)");
            return N_("an Excel workbook (.xlsx)");
        }
        if (HAS("mimetype") && HAS("opendocument")) {
            *hint = N_("copy the form's contents into a filing: jxgen new REGION prints a blank one");
            return N_("an OpenDocument file (.odt/.ods)");
        }
        *hint = N_("unpack it and build the folder");
        return N_("a zip archive");
    }
    if (STARTS("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
        /* OLE2 compound file: the stream names are UTF-16LE. */
        if (HAS("W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0")) {
            *hint = N_("copy the form's contents into a filing: jxgen new REGION prints a blank one");
            return N_("a Word document (.doc)");
        }
        if (HAS("W\0o\0r\0k\0b\0o\0o\0k\0") || HAS("B\0o\0o\0k\0")) {
            *hint = N_("save it as .xlsx and read it with jxgen import (docs/workbook-import.md)");
            return N_("an Excel workbook (.xls)");
        }
        return N_("an Office document (.doc/.xls)");
    }
    if (STARTS("\x89PNG\r\n\x1A\n"))
        return N_("a PNG image");
    if (STARTS("\xFF\xD8\xFF"))
        return N_("a JPEG image");
    if (STARTS("GIF87a") || STARTS("GIF89a"))
        return N_("a GIF image");
    if (STARTS("II*\0") || STARTS("MM\0*"))
        return N_("a TIFF image (a scan?)");
    if (len >= 12 && memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WEBP", 4) == 0)
        return N_("a WebP image");
    if (STARTS("BM") && len >= 26 && buf[6] == 0 && buf[7] == 0 && buf[8] == 0 && buf[9] == 0)
        return N_("a BMP image");
    if (STARTS("Rar!\x1A\x07"))
        return N_("a RAR archive");
    if (STARTS("7z\xBC\xAF\x27\x1C"))
        return N_("a 7-Zip archive");
    if (STARTS("\x1F\x8B"))
        return N_("a gzip-compressed file");
    if (STARTS("{\\rtf")) {
        *hint = N_("copy the form's contents into a filing: jxgen new REGION prints a blank one");
        return N_("an RTF document");
    }
    return NULL;
}

/* Converts len bytes from `from` to UTF-8; 0 or -1. */
static int convert(const char *from, const char *buf, size_t len, char **out, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return -1;
    size_t cap = len * 2 + 16; /* GB18030 → UTF-8 grows by at most 3/2; UTF-16 by 3/2 */
    char *dst = malloc(cap + 1);
    if (!dst) {
        iconv_close(cd);
        errno = ENOMEM;
        return -1;
    }
    /* iconv() takes a char ** for its input: give it a copy. */
    char *copy = malloc(len ? len : 1);
    if (!copy) {
        free(dst);
        iconv_close(cd);
        errno = ENOMEM;
        return -1;
    }
    memcpy(copy, buf, len);
    char *in = copy, *o = dst;
    size_t inleft = len, outleft = cap;
    size_t r = iconv(cd, &in, &inleft, &o, &outleft);
    free(copy);
    int bad = r == (size_t)-1 || inleft != 0;
    if (!bad) /* flush the shift state */
        bad = iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1;
    iconv_close(cd);
    if (bad) {
        free(dst);
        errno = EILSEQ;
        return -1;
    }
    *o = '\0';
    *out = dst;
    *out_len = (size_t)(o - dst);
    return 0;
}

int jx_text_to_utf8(const char *buf, size_t len, char **out, size_t *out_len,
                    jx_text_encoding *enc)
{
    *out = NULL;
    *out_len = 0;
    if (len >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0)) {
        const char *from = buf[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
        *enc = JX_ENC_UTF16;
        return convert(from, buf + 2, len - 2, out, out_len);
    }
    *enc = JX_ENC_GB18030;
    return convert("GB18030", buf, len, out, out_len);
}
