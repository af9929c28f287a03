/* jx_import_table.c - a 路径/值 table back into a filing: the 数据 sheet
 * of a workbook without jxgen's record (as a bureau's system exports it),
 * or the same table as CSV (see jx_import_impl.h).  Split from
 * jx_import.c, which reads the workbooks jxgen wrote. */
#include "jx_import_impl.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx_i18n.h"
#include "jx_node.h"

/* A table being read: the filing it builds (owned) and where messages go. */
typedef struct table {
    const char *file;
    jx_diags *d;
    inode *root;
} table;

/* Adds one path = value; `where` names the cell for messages. */
static jx_status put_pair(table *tb, const char *where, const char *path, const char *text,
                          int number)
{
    /* A filing nests no deeper than jxgen reads (and the tree is written
     * recursively). */
    int steps = import_path_steps(path);
    if (steps > JX_NODE_MAX_DEPTH - 2)
        return jx_diag_error(tb->d, JX_ERR_LIMIT, where, 0, 0,
                             _("the path has %d steps, more than %d: no field of a filing is that "
                               "deep"), steps,
                             JX_NODE_MAX_DEPTH - 2);
    int bad = 0;
    inode *n = inode_path(tb->root, path, 1, &bad);
    if (!n)
        return bad ? jx_diag_error(tb->d, JX_ERR_FILING, where, 0, 0,
                                   _("path %s skips earlier entries: the entries of a list are "
                                     "numbered from 0 without gaps"),
                                   path)
                   : jx_diag_error(tb->d, JX_ERR_FILING, where, 0, 0,
                                   _("path %s conflicts with an earlier path (the same place is "
                                     "both a value and a map)"), path);
    if (n->kind == JX_VALUE_MAP || n->kind == JX_VALUE_SEQ)
        return jx_diag_error(tb->d, JX_ERR_FILING, where, 0, 0,
                             _("path %s conflicts with an earlier path (the same place is both a "
                               "value and a map)"), path);
    inode_set(n, text, number);
    return JX_OK;
}

static jx_status read_sheet(table *tb, const jx_xlsx_sheet *data, jx_buf *yaml)
{
    long cp = import_heading(data, "路径"), cv = import_heading(data, "值");
    if (cp < 0 || cv < 0)
        return jx_diag_error(tb->d, JX_ERR_FILING, tb->file, 0, 0,
                             _("this is not a jxgen workbook (there is no jxgen record sheet), and "
                               "its sheet “数据” has no columns 路径 and 值: it cannot be imported"));
    uint32_t last = import_last_row(data);
    for (uint32_t r = 1; r <= last; r++) {
        const char *path = import_plain_value(data, r, (uint32_t)cp);
        if (!*path)
            continue;
        const jx_xlsx_cell *c = jx_xlsx_cell_at(data, r, (uint32_t)cv);
        char num[64], cell[16], where[1024];
        const char *text;
        int number;
        jx_xlsx_cell_name(r, (uint32_t)cv, cell);
        snprintf(where, sizeof where, "%s:%s!%s", tb->file, DATA_SHEET, cell);
        if (c && c->formula && c->type == JX_XLSX_NONE)
            return jx_diag_error(tb->d, JX_ERR_FILING, where, 0, 0,
                                 _("this cell is a formula (=%s) whose result the workbook does "
                                   "not hold: open the workbook in Excel or WPS and save it once, "
                                   "or write the number"),
                                 c->formula);
        if (import_cell_text(c, num, sizeof num, &text, &number) != 0)
            return jx_diag_error(tb->d, JX_ERR_FILING, where, 0, 0,
                                 _("this cell holds the error value %s: write the right value"),
                                 text);
        jx_status st = put_pair(tb, where, path, text, number);
        if (st != JX_OK)
            return st;
    }
    return import_emit_yaml(tb->root, tb->file, yaml, tb->d);
}

/* CSV (RFC 4180: quotes, doubled quotes, CRLF) in UTF-8 (BOM optional) or
 * GB18030. */
static jx_status read_csv(table *tb, const char *bytes, size_t len, jx_buf *yaml)
{
    jx_buf utf8 = {0};
    if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0)
        bytes += 3, len -= 3;
    size_t at = 0;
    int valid = 1;
    while (at < len) {
        uint32_t cp;
        size_t k = jx_utf8_decode(bytes + at, len - at, &cp);
        if (!k) {
            valid = 0;
            break;
        }
        at += k;
    }
    if (!valid) {
        iconv_t cd = iconv_open("UTF-8", "GB18030");
        if (cd == (iconv_t)-1)
            return jx_diag_error(tb->d, JX_ERR_IO, tb->file, 0, 0,
                                 _("the table is not UTF-8, and this system cannot convert "
                                   "GB18030: %s"), strerror(errno));
        char *copy = malloc(len ? len : 1), *in = copy;
        if (!copy)
            return jx_diag_error(tb->d, JX_ERR_NOMEM, tb->file, 0, 0, _("out of memory"));
        memcpy(copy, bytes, len);
        size_t inleft = len;
        char out[4096];
        while (inleft > 0) {
            char *o = out;
            size_t oleft = sizeof out;
            size_t rc = iconv(cd, &in, &inleft, &o, &oleft);
            jx_buf_append(&utf8, out, sizeof out - oleft);
            if (rc == (size_t)-1 && errno != E2BIG) {
                size_t at_byte = (size_t)(in - copy) + 1;
                iconv_close(cd);
                free(copy);
                jx_buf_free(&utf8);
                return jx_diag_error(tb->d, JX_ERR_SYNTAX, tb->file, 0, 0,
                                     _("the table is neither UTF-8 nor GB18030 (byte %zu cannot be "
                                       "read)"),
                                     at_byte);
            }
        }
        iconv_close(cd);
        free(copy);
        bytes = jx_buf_str(&utf8);
        len = utf8.len;
    }
    /* Rows of fields. */
    long cp = -1, cv = -1;
    int line = 1, row = 0;
    jx_status st = JX_OK;
    size_t i = 0;
    while (i <= len && st == JX_OK) {
        char *cells[64] = {0};
        int ncell = 0, row_line = line;
        jx_buf cur = {0};
        int quoted = 0, done = 0;
        while (!done) {
            if (i >= len) {
                done = 1;
            } else if (quoted) {
                if (bytes[i] == '"' && i + 1 < len && bytes[i + 1] == '"') {
                    jx_buf_append(&cur, "\"", 1);
                    i += 2;
                    continue;
                }
                if (bytes[i] == '"')
                    quoted = 0;
                else {
                    if (bytes[i] == '\n')
                        line++;
                    jx_buf_append(&cur, bytes + i, 1);
                }
                i++;
                continue;
            } else if (bytes[i] == '"' && cur.len == 0) {
                quoted = 1;
                i++;
                continue;
            } else if (bytes[i] == ',' || bytes[i] == '\n' || bytes[i] == '\r') {
                if (bytes[i] == '\r' && i + 1 < len && bytes[i + 1] == '\n')
                    i++;
                if (bytes[i] != ',') {
                    done = 1;
                    line++;
                }
                i++;
                if (ncell < 64)
                    cells[ncell++] = jx_strdup(jx_buf_str(&cur));
                cur.len = 0;
                if (cur.data)
                    cur.data[0] = '\0';
                continue;
            } else {
                jx_buf_append(&cur, bytes + i, 1);
                i++;
                continue;
            }
        }
        if (i >= len && (cur.len || ncell)) {
            if (ncell < 64)
                cells[ncell++] = jx_strdup(jx_buf_str(&cur));
        }
        jx_buf_free(&cur);
        if (i >= len)
            i = len + 1;
        if (ncell > 0) {
            if (row == 0) {
                for (int c = 0; c < ncell; c++) {
                    if (cells[c] && strcmp(cells[c], "路径") == 0)
                        cp = c;
                    if (cells[c] && strcmp(cells[c], "值") == 0)
                        cv = c;
                }
                if (cp < 0 || cv < 0)
                    st = jx_diag_error(tb->d, JX_ERR_FILING, tb->file, 1, 0,
                                       _("the first row of the table needs the columns 路径 and 值"));
            } else if (cp < ncell && cells[cp] && *cells[cp]) {
                const char *v = cv < ncell && cells[cv] ? cells[cv] : "";
                char num[64], where[1024];
                snprintf(where, sizeof where, "%s:%d", tb->file, row_line);
                int number = *v && import_number_text(v, num, sizeof num) && strcmp(num, v) == 0;
                st = put_pair(tb, where, cells[cp], v, number);
            }
            row++;
        }
        for (int c = 0; c < ncell; c++)
            free(cells[c]);
    }
    jx_buf_free(&utf8);
    if (st == JX_OK && row == 0)
        st = jx_diag_error(tb->d, JX_ERR_FILING, tb->file, 0, 0, _("the table is empty"));
    if (st != JX_OK)
        return st;
    return import_emit_yaml(tb->root, tb->file, yaml, tb->d);
}

/* Sets tb up to read `file` into a new, empty filing tree. */
static jx_status with_tree(const char *file, jx_diags *d, table *tb)
{
    tb->file = file;
    tb->d = d;
    tb->root = inode_new(NULL, JX_VALUE_MAP, NULL);
    return tb->root ? JX_OK : jx_diag_error(d, JX_ERR_NOMEM, file, 0, 0, _("out of memory"));
}

jx_status import_table_sheet(const char *file, const jx_xlsx_sheet *data, jx_buf *yaml,
                             jx_diags *d)
{
    table tb;
    jx_status st = with_tree(file, d, &tb);
    if (st == JX_OK)
        st = read_sheet(&tb, data, yaml);
    inode_free(tb.root);
    return st;
}

jx_status import_csv(const char *file, const char *bytes, size_t len, jx_buf *yaml, jx_diags *d)
{
    table tb;
    jx_status st = with_tree(file, d, &tb);
    if (st == JX_OK)
        st = read_csv(&tb, bytes, len, yaml);
    inode_free(tb.root);
    return st;
}
