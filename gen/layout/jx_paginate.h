/* jx_paginate.h - page layout: from the abstract document to draw calls.
 *
 * Measures and breaks every string with the text engine, sizes table rows
 * to their tallest cell (a cell spanning rows grows the last row it spans),
 * and flows blocks down pages:
 *   - a table breaks between rows; a row taller than the room left is split
 *     across pages between text lines, with its borders closed on both pages;
 *   - header rows (jx_row.header) repeat at the top of each page that
 *     continues the rows they head (jx_row.header_from/until): for each
 *     such scope holding the first row of the page, the nearest block of
 *     its header rows above the break (a table's head and a block's head
 *     both, outer first), unless they would fill more than half a page;
 *   - a cell whose widest unit that must not be cut (a number with its
 *     unit, a Latin word, a web address between its joints) is wider than
 *     its line is set smaller, down to 35% of its size, rather than break
 *     it;
 *   - a cell spanning rows that crosses a page break is drawn on each page
 *     with its label repeated where it fits;
 *   - every section starts a new page; page numbers use the section's
 *     page_number_format ({page}, {pages}).
 * Cells are drawn in reading order (row by row, left to right), so text
 * extracted from the PDF reads in the order of the official table.  The
 * pass never calls libharu: it only calls the device (jx_device.h). */
#ifndef JX_PAGINATE_H
#define JX_PAGINATE_H

#include "jx_device.h"
#include "jx_doc.h"
#include "jx_text.h"

/* Lays out doc and draws it on dev (begin_document .. close).  Returns JX_OK
 * or the first error (a character no font has, a device failure), with
 * messages in d.  On error the device has not been closed. */
jx_status jx_paginate(const jx_doc *doc, jx_fonts *fonts, jx_device *dev, jx_diags *d);

/* Lays doc out exactly as jx_paginate() does and draws nothing: what
 * `jxgen check` runs so that it fails where `build` would (a character no
 * configured font has is the same error, naming the field, the character
 * and its code point).  Returns JX_OK or the first error, messages in d. */
jx_status jx_paginate_check(const jx_doc *doc, jx_fonts *fonts, jx_diags *d);

#endif
