/* jx_pdf_impl.h - what the files of the PDF device share (private to
 * gen/devices/jx_pdf*.c; nothing else includes it).
 *
 * The device is split by job, as MuPDF splits its PDF writer:
 *   jx_pdf.c        the device: checks and records every draw call in memory;
 *                   the libharu error plumbing shared by the others
 *   jx_pdf_font.c   the fonts: hb-subset of the characters drawn, the Type0
 *                   and CIDFont dictionaries, ToUnicode, widths,
 *                   CIDToGIDMap, CIDSet, the embedded font program
 *   jx_pdf_meta.c   the document metadata: Info, XMP, sRGB output intent,
 *                   document ID, PDF/A-1b
 *   jx_pdf_write.c  close(): replays the recording into libharu and saves
 *                   the file atomically
 * See jx_pdf.c for the whole sequence close() follows. */
#ifndef JX_PDF_IMPL_H
#define JX_PDF_IMPL_H

#include "jx_pdf.h"

#include <stddef.h>
#include <stdint.h>

#include <hb.h>
#include <hpdf.h>

enum { OP_TEXT, OP_RULE };

/* pdf_alias.wid of an alias drawn at its glyph's own width. */
#define PDF_OWN_WIDTH INT32_MIN

/* An alias code (Private Use Area) of a face: `code` stands for the
 * character `real`, drawn `wid` thousandths of an em wide, or at the
 * glyph's own width when wid is PDF_OWN_WIDTH.  A character outside the
 * BMP is drawn under an alias at its own width; a narrowed character (a
 * compressed punctuation mark: a run drawn with negative character
 * spacing) under one with its narrower width, so that text extraction,
 * which takes each glyph's box from /W and ignores the character spacing,
 * sees no overlap. */
/* A CID of a face's font program and the glyph (GID) it shows. */
typedef struct pdf_cid_glyph {
    uint32_t cid;
    uint32_t gid;
} pdf_cid_glyph;

typedef struct pdf_alias {
    uint32_t real;
    uint32_t code;
    int32_t wid;
} pdf_alias;

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
    hb_set_t *cps;            /* every code drawn with this face (a character
                               * outside the BMP: its alias code) */
    HPDF_Dict font;           /* the Type0 font dictionary, set by close() */
    HPDF_Dict tounicode;      /* set by close() */
    HPDF_Dict descriptor;     /* the font descriptor, set by close() */
    char name[HPDF_LIMIT_MAX_NAME_LEN + 1];  /* PostScript name as embedded */
    /* Glyphs of the subset that no drawn character maps to (components of
     * composite glyphs): each gets an otherwise unused CID so that the
     * CIDSet can list every glyph of the font program (set by close()). */
    pdf_cid_glyph *extra;
    size_t nextra;
    /* The font program as embedded (hb-subset's output); written by
     * embed_program(), not by libharu. */
    hb_blob_t *program;
    /* Alias codes (Private Use Area, also in cps), see pdf_alias. */
    pdf_alias *alias;
    size_t nalias, alias_cap;
} pdf_face;

typedef struct pdf_device {
    jx_device base;           /* must be first */
    char *path;
    jx_file_out *into;        /* not owned: the output to write and finish but
                               * not commit (jx_pdf_device_create_into); NULL:
                               * close() writes path atomically itself */
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

/* Adds an error about the output file (the device's path) and marks the
 * device failed.  Returns st. */
jx_status pdf_fail(pdf_device *dev, jx_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* JX_OK when a libharu call succeeded (returned HPDF_OK and raised
 * nothing); otherwise reports it ("cannot write the PDF: libharu error ...
 * while <what> <about>") through pdf_fail() and returns its status
 * (JX_ERR_NOMEM, JX_ERR_FONT or JX_ERR_PDF).  `about` may be NULL. */
jx_status pdf_hp(pdf_device *dev, HPDF_Doc pdf, HPDF_STATUS ret, const char *what,
                 const char *about);

/* The same for a libharu call returning a handle (NULL on failure). */
jx_status pdf_hp_ptr(pdf_device *dev, HPDF_Doc pdf, const void *handle, const char *what,
                     const char *about);

/* jx_pdf.c: sets dict's `key` to UTF-8 `text` as a UTF-16BE text string
 * (surrogate pairs) when text holds a character outside the BMP, which
 * libharu's UTF-8 encoder drops; leaves dict alone otherwise.  Reports
 * failures ("... while <what>"). */
jx_status pdf_set_text(pdf_device *dev, HPDF_Doc pdf, HPDF_Dict dict, const char *key,
                       const char *text, const char *what);

/* jx_pdf_font.c: the character code `code` of face pf stands for: the
 * real character of an alias code, else code itself. */
uint32_t pdf_face_real(const pdf_face *pf, uint32_t code);

/* jx_pdf_font.c: subsets face `slot` and writes its font dictionaries
 * (pf->font, a Type0 font whose codes are the characters' Unicode values,
 * or for a character outside the BMP its alias code in the Private Use
 * Area) with the font program, ToUnicode CMap (aliases mapped back to the
 * real characters), widths and CIDToGIDMap; no libharu font is made, so
 * text in it is written by jx_pdf_write.c.  On failure the error is
 * reported and its status returned. */
jx_status pdf_embed_face(pdf_device *dev, HPDF_Doc pdf, size_t slot);

/* jx_pdf_font.c: completes font `slot` for PDF/A-1 after every page is
 * drawn: the font descriptor's CIDSet.  Reports its failures. */
jx_status pdf_finish_font(pdf_device *dev, HPDF_Doc pdf, size_t slot);

/* jx_pdf_meta.c: writes the Info dictionary (the strings given to
 * begin_document(), producer, dates).  Reports its failures. */
jx_status pdf_set_info(pdf_device *dev, HPDF_Doc pdf);

/* jx_pdf_meta.c: makes the document PDF/A-1b where it can (fonts finished,
 * output intent, XMP, document ID, PDF 1.4 header); a warning when no sRGB
 * profile is found.  Reports its failures. */
jx_status pdf_make_pdfa(pdf_device *dev, HPDF_Doc pdf);

/* jx_pdf_write.c: replays the recording into a libharu document and saves
 * it atomically to dev->path.  Reports its failures; dev->path is untouched
 * on failure. */
jx_status pdf_render(pdf_device *dev);

#endif
