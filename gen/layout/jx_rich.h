/* jx_rich.h - the rich text found in filings, as paragraphs.
 *
 * Filings copy cell text from the official systems, markup included:
 * "<p>一、…</p> <p>…</p>", and lists written as `<ol style="…"> 1.… 2.… `
 * with no <li> and no </ol>.  jx_rich_split() turns such text into
 * paragraphs and list lines; the words, numbering and punctuation stay
 * exactly as written, the markup never shows.  Text without markup is one
 * paragraph per line ('\n'). */
#ifndef JX_RICH_H
#define JX_RICH_H

#include "jx_doc.h"

/* Splits `text` into paragraphs allocated in doc's arena.  Sets *out and
 * *n (0 paragraphs for empty text).  Returns JX_OK or JX_ERR_NOMEM. */
jx_status jx_rich_split(jx_doc *doc, const char *text, jx_paragraph **out, size_t *n);

#endif
