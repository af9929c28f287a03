/* jx_util.h - small helpers shared by the engine: a growable string buffer,
 * UTF-8 decoding and "did you mean" suggestions. */
#ifndef JX_UTIL_H
#define JX_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A growable NUL-terminated byte buffer.  Owned by the caller: release with
 * jx_buf_free().  After an allocation failure `oom` is set and further
 * appends do nothing. */
typedef struct jx_buf {
    char *data;
    size_t len, cap;
    int oom;
} jx_buf;

void jx_buf_free(jx_buf *b);
void jx_buf_append(jx_buf *b, const char *s, size_t n);
void jx_buf_puts(jx_buf *b, const char *s);
void jx_buf_printf(jx_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The text so far ("" when empty); valid until the next append. */
const char *jx_buf_str(const jx_buf *b);

/* Writes s as a JSON string literal (quotes, escapes); NULL as null. */
void jx_json_string(FILE *out, const char *s);

/* The one UTF-8 decoder.  Decodes one character at s (n bytes available)
 * into *cp; returns its length (1..4), or 0 (*cp untouched) for n == 0 or
 * an invalid sequence: a bad lead or continuation byte, a truncated
 * sequence, an overlong form, a surrogate or a value above U+10FFFF. */
size_t jx_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Decodes one UTF-8 character of s[0..len) at *pos into *cp and advances
 * *pos.  Strict: rejects overlong forms, surrogates, values above U+10FFFF
 * and truncated sequences.  Returns 1, or 0 (leaving *pos at the offending
 * byte) when the bytes at *pos are not valid UTF-8 or *pos >= len. */
int jx_utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp);

/* The byte offset of the first invalid UTF-8 sequence in s[0..n) (as
 * jx_utf8_decode() judges), or -1 when all of it is valid. */
long jx_utf8_invalid_offset(const char *s, size_t n);

/* The one UTF-8 encoder: writes cp (at most U+10FFFF, no surrogate) as
 * UTF-8 into out, which has room for 4 bytes; returns the length (1..4). */
size_t jx_utf8_encode(uint32_t cp, char *out);

/* Number of characters (code points) in valid UTF-8 text. */
size_t jx_utf8_length(const char *s, size_t n);

/* The one hash: 64-bit FNV-1a of n bytes, continuing from h (start with
 * JX_HASH_INIT).  Not cryptographic: for hash tables, change detection and
 * names derived from content. */
#define JX_HASH_INIT 0xcbf29ce484222325ULL
unsigned long long jx_hash_bytes(unsigned long long h, const void *data, size_t n);

/* jx_hash_bytes() of the NUL-terminated s (without its NUL). */
unsigned long long jx_hash_str(const char *s);

/* 1 when s is a name of the kind layouts give rule ids and regions: 1 to
 * 64 lower-case ASCII letters, digits, '-' and '_' (safe in file names and
 * messages); else 0. */
int jx_name_valid(const char *s);

/* Copies the next segment of the dotted path *path ("fund.total",
 * "projects.2.name") into seg, NUL-terminated, and moves *path past it and
 * its dot.  Returns 0, or -1 when the segment is empty or needs more than
 * cap bytes (*path is then unchanged). */
int jx_path_next(const char **path, char *seg, size_t cap);

/* A malloc'd copy of s (free() it), or NULL when s is NULL or memory is
 * short. */
char *jx_strdup(const char *s);

/* Room for one more element in a growable array: when count == *cap,
 * reallocates items to twice *cap (or `first` elements when empty) of
 * `elem` bytes each and updates *cap.  Returns the array to use (items
 * itself when it had room), or NULL when the memory could not be had or
 * the size would overflow; items is then unchanged and still owned by the
 * caller. */
void *jx_grow(void *items, size_t *cap, size_t count, size_t elem, size_t first);

/* The big-endian 32-bit number at p (font files, ICC profiles). */
uint32_t jx_be32(const unsigned char *p);

/* The OpenType (sfnt) checksum of len bytes at data: the sum of their
 * big-endian 32-bit words, the last one padded with zeros. */
uint32_t jx_sfnt_checksum(const unsigned char *data, size_t len);

/* Edit distance between two UTF-8 strings, in characters: insertions,
 * deletions, substitutions and swaps of two neighbours count one each
 * (optimal string alignment). */
size_t jx_edit_distance(const char *a, const char *b);

/* Returns the candidate closest to word when it is close enough to be a
 * likely typo (distance <= max(1, len/3)), else NULL. */
const char *jx_nearest(const char *word, const char *const *candidates, size_t n);

#endif
