/* jx_sniff.h - what a file that is not a UTF-8 filing is, from its bytes.
 *
 * Clerks rename files: a Word form saved as .yaml, a scanned image, the
 * Excel sheet, a zip of a whole folder.  jx_sniff_kind() names such a file
 * from its first bytes (magic numbers; for zip and OLE2 containers, the
 * names of their parts), so the message can say what it is.  Filings saved
 * as GB18030/GBK (Chinese Windows' "ANSI") or UTF-16 ("Unicode" in
 * Notepad) are converted to UTF-8 with jx_text_to_utf8() (iconv, glibc) and
 * read with a note. */
#ifndef JX_SNIFF_H
#define JX_SNIFF_H

#include <stddef.h>

/* A translatable description of the file (e.g. "a Word document (.docx)"),
 * or NULL when the bytes are not a known binary format.  Also gives, in
 * *hint, what to do instead (a msgid; NULL if nothing particular). */
const char *jx_sniff_kind(const char *buf, size_t len, const char **hint);

typedef enum jx_text_encoding { JX_ENC_UTF8, JX_ENC_UTF16, JX_ENC_GB18030 } jx_text_encoding;

/* Converts text that is not valid UTF-8: UTF-16 with a byte order mark, or
 * else GB18030 (a superset of GBK and GB2312).  Returns 0 with a malloc'd
 * NUL-terminated UTF-8 copy in *out (*out_len bytes, without the BOM) and
 * the encoding found in *enc, or -1 when the bytes are neither (errno
 * ENOMEM when memory is short). */
int jx_text_to_utf8(const char *buf, size_t len, char **out, size_t *out_len,
                    jx_text_encoding *enc);

#endif
