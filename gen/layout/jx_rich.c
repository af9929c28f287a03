/* jx_rich.c - paragraphs and list lines out of filing rich text. */
#include "jx_rich.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jx_util.h"

typedef struct para_list {
    jx_doc *doc;
    jx_paragraph *items;
    size_t count, cap;
    int oom;
} para_list;

/* Appends text[0..n) trimmed of ASCII spaces as a paragraph, if non-blank. */
static void emit(para_list *pl, jx_para_kind kind, const char *text, size_t n)
{
    while (n > 0 && (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')) {
        text++;
        n--;
    }
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\n' ||
                     text[n - 1] == '\r'))
        n--;
    if (n == 0 || pl->oom)
        return;
    if (pl->count == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 8;
        jx_paragraph *p = jx_doc_alloc(pl->doc, cap * sizeof *p);
        if (!p) {
            pl->oom = 1;
            return;
        }
        if (pl->items)
            memcpy(p, pl->items, pl->count * sizeof *p);
        pl->items = p;
        pl->cap = cap;
    }
    const char *copy = jx_doc_strndup(pl->doc, text, n);
    if (!copy) {
        pl->oom = 1;
        return;
    }
    pl->items[pl->count].kind = kind;
    pl->items[pl->count].text = copy;
    pl->count++;
}

/* Length of a list marker starting at s ("1.", "12、", "(一)", "（3）"), or 0. */
static size_t marker_length(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i > 0 && i <= 3) {
        if (i < n && (s[i] == '.') && !(i + 1 < n && isdigit((unsigned char)s[i + 1])))
            return i + 1;
        if (n - i >= 3 && (memcmp(s + i, "、", 3) == 0 || memcmp(s + i, "．", 3) == 0))
            return i + 3;
        return 0;
    }
    const char *close = NULL;
    size_t open_len = 0;
    if (n >= 1 && s[0] == '(') {
        open_len = 1;
        close = ")";
    } else if (n >= 3 && memcmp(s, "（", 3) == 0) {
        open_len = 3;
        close = "）";
    } else {
        return 0;
    }
    /* 1 to 3 characters of numbering, then the closing bracket. */
    size_t j = open_len, chars = 0;
    while (j < n && chars < 4) {
        size_t cl = strlen(close);
        if (n - j >= cl && memcmp(s + j, close, cl) == 0)
            return chars >= 1 ? j + cl : 0;
        uint32_t cp;
        size_t len = jx_utf8_decode(s + j, n - j, &cp);
        if (!len)
            return 0;
        /* Accept digits and Chinese numerals only. */
        static const uint32_t han[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D,
                                       0x4E03, 0x516B, 0x4E5D, 0x5341, 0x767E};
        int numeral = cp >= '0' && cp <= '9';
        for (size_t h = 0; h < sizeof han / sizeof han[0]; h++)
            if (cp == han[h])
                numeral = 1;
        if (!numeral)
            return 0;
        j += len;
        chars++;
    }
    return 0;
}

/* Emits list text (the content of an <ol> without <li>) as one line per
 * numbered item. */
static void emit_list(para_list *pl, const char *text, size_t n)
{
    size_t start = 0;
    int have_item = 0;
    for (size_t i = 0; i < n; i++) {
        int at_boundary = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' ||
                          text[i - 1] == '\n';
        if (!at_boundary || !marker_length(text + i, n - i))
            continue;
        if (i > start)
            emit(pl, have_item ? JX_PARA_LIST_ITEM : JX_PARA_TEXT, text + start, i - start);
        start = i;
        have_item = 1;
    }
    emit(pl, have_item ? JX_PARA_LIST_ITEM : JX_PARA_TEXT, text + start, n - start);
}

/* Decodes the HTML entities of s[0..n) into out. */
static void append_decoded(jx_buf *out, const char *s, size_t n)
{
    static const struct {
        const char *name, *text;
    } entities[] = {{"&amp;", "&"},  {"&lt;", "<"},   {"&gt;", ">"},
                    {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
    size_t i = 0;
    while (i < n) {
        if (s[i] == '&') {
            int done = 0;
            for (size_t e = 0; e < sizeof entities / sizeof entities[0] && !done; e++) {
                size_t el = strlen(entities[e].name);
                if (n - i >= el && memcmp(s + i, entities[e].name, el) == 0) {
                    jx_buf_puts(out, entities[e].text);
                    i += el;
                    done = 1;
                }
            }
            if (done)
                continue;
        }
        jx_buf_append(out, s + i, 1);
        i++;
    }
}

/* If s starts a known tag, returns its length and sets *name to the
 * lower-case tag name (with '/' for a closing tag); else 0. */
static size_t tag_at(const char *s, size_t n, char name[8])
{
    static const char *const known[] = {"p", "br", "ol", "ul", "li", "span", "div", "strong",
                                        "b", "i", "em", "u", "font"};
    if (n < 3 || s[0] != '<')
        return 0;
    size_t i = 1, k = 0;
    if (s[i] == '/')
        name[k++] = s[i++];
    while (i < n && isalpha((unsigned char)s[i]) && k < 7)
        name[k++] = (char)tolower((unsigned char)s[i++]);
    name[k] = '\0';
    const char *bare = name[0] == '/' ? name + 1 : name;
    int ok = 0;
    for (size_t t = 0; t < sizeof known / sizeof known[0]; t++)
        if (strcmp(bare, known[t]) == 0)
            ok = 1;
    if (!ok || i >= n || !(s[i] == '>' || s[i] == ' ' || s[i] == '/'))
        return 0;
    const char *end = memchr(s + i, '>', n - i);
    return end ? (size_t)(end - s) + 1 : 0;
}

jx_status jx_rich_split(jx_doc *doc, const char *text, jx_paragraph **out, size_t *n)
{
    para_list pl = {doc, NULL, 0, 0, 0};
    size_t len = strlen(text);
    jx_buf cur = {0};
    int in_list = 0, has_tags = 0;
    /* Text without markup is kept exactly as written (no entity decoding). */
    for (size_t i = 0; i < len && !has_tags; i++) {
        char name[8];
        has_tags = text[i] == '<' && tag_at(text + i, len - i, name) > 0;
    }
    if (!has_tags)
        jx_buf_append(&cur, text, len);
    for (size_t i = 0; i < len && has_tags;) {
        char name[8];
        size_t tl = text[i] == '<' ? tag_at(text + i, len - i, name) : 0;
        if (!tl) {
            size_t j = i + 1;
            while (j < len && text[j] != '<')
                j++;
            append_decoded(&cur, text + i, j - i);
            i = j;
            continue;
        }
        has_tags = 1;
        i += tl;
        const char *bare = name[0] == '/' ? name + 1 : name;
        int block = strcmp(bare, "p") == 0 || strcmp(bare, "br") == 0 || strcmp(bare, "ol") == 0 ||
                    strcmp(bare, "ul") == 0 || strcmp(bare, "li") == 0 || strcmp(bare, "div") == 0;
        if (!block)
            continue;
        /* A block boundary: flush what was collected. */
        if (in_list && strcmp(bare, "li") != 0)
            emit_list(&pl, jx_buf_str(&cur), cur.len);
        else
            emit(&pl, in_list ? JX_PARA_LIST_ITEM : JX_PARA_TEXT, jx_buf_str(&cur), cur.len);
        cur.len = 0;
        if (strcmp(name, "ol") == 0 || strcmp(name, "ul") == 0)
            in_list = 1;
        else if (strcmp(name, "/ol") == 0 || strcmp(name, "/ul") == 0)
            in_list = 0;
    }
    if (has_tags) {
        if (in_list)
            emit_list(&pl, jx_buf_str(&cur), cur.len);
        else
            emit(&pl, JX_PARA_TEXT, jx_buf_str(&cur), cur.len);
    } else {
        /* Plain text: one paragraph per line. */
        const char *s = jx_buf_str(&cur);
        size_t start = 0;
        for (size_t i = 0; i <= cur.len; i++)
            if (i == cur.len || s[i] == '\n') {
                emit(&pl, JX_PARA_TEXT, s + start, i - start);
                start = i + 1;
            }
    }
    int oom = pl.oom || cur.oom;
    jx_buf_free(&cur);
    if (oom)
        return JX_ERR_NOMEM;
    *out = pl.items;
    *n = pl.count;
    return JX_OK;
}
