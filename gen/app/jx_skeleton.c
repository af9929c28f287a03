/* jx_skeleton.c - a blank filing with every field, commented with its label. */
#include "jx_skeleton.h"

#include <string.h>

#include "jx_rules.h"
#include "jx_schema.h"
#include "jx_util.h"

#define COMMENT_COLUMN 32
#define PATH_LEN 512

typedef struct writer {
    const jx_layout *layout;
    FILE *out;
} writer;

/* A label or text on one line: newlines become spaces. */
static void put_oneline(jx_buf *b, const char *s)
{
    for (; s && *s; s++)
        jx_buf_append(b, *s == '\n' || *s == '\r' ? " " : s, 1);
}

/* A YAML double-quoted scalar. */
static void put_quoted(jx_buf *b, const char *s)
{
    jx_buf_puts(b, "\"");
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            jx_buf_printf(b, "\\%c", ch);
        else if (ch == '\n')
            jx_buf_puts(b, "\\n");
        else if (ch < 0x20)
            jx_buf_printf(b, "\\x%02x", ch);
        else
            jx_buf_append(b, s, 1);
    }
    jx_buf_puts(b, "\"");
}

/* The comment of a field: its label and, in brackets, what it takes. */
static void put_comment(jx_buf *b, const char *key, const jx_node *spec, const char *derived_by)
{
    jx_field_type t = jx_schema_type(spec);
    const char *label = jx_schema_label(spec);
    const char *unit = jx_schema_unit(spec);
    jx_buf_puts(b, "# ");
    put_oneline(b, label ? label : key);
    const char *notes[4];
    size_t n = 0;
    if (jx_schema_is_required(spec))
        notes[n++] = "必填";
    if (t == JX_FIELD_AMOUNT && jx_schema_is_percent(spec)) {
        notes[n++] = "百分比，如 45%";
        unit = NULL;
    } else if (t == JX_FIELD_AMOUNT) {
        notes[n++] = "金额";
    }
    if (t == JX_FIELD_RICH)
        notes[n++] = "可用 <p>…</p> 分段";
    if (t == JX_FIELD_LIST)
        notes[n++] = "列表：每项一个 \"- \" 条目";
    if (n || unit) {
        jx_buf_puts(b, "（");
        for (size_t i = 0; i < n; i++)
            jx_buf_printf(b, "%s%s", i ? "，" : "", notes[i]);
        if (unit) {
            jx_buf_puts(b, n ? "，" : "");
            put_oneline(b, unit);
        }
        jx_buf_puts(b, "）");
    }
    if (derived_by)
        jx_buf_printf(b, "可省略：由规则 %s 计算", derived_by);
}

/* Writes `left` padded to the comment column, then the comment. */
static void put_line(writer *w, const char *left, const char *comment)
{
    size_t n = strlen(left);
    fputs(left, w->out);
    if (comment && *comment) {
        for (size_t i = n; i < COMMENT_COLUMN; i++)
            fputc(' ', w->out);
        fprintf(w->out, "%s%s", n >= COMMENT_COLUMN ? " " : "", comment);
    }
    fputc('\n', w->out);
}

static void write_fields(writer *w, const jx_node *fields, int indent, int first_dash,
                         const char *pattern, int depth);

/* One field: `key: value  # comment`, and the fields below a map or list. */
static void write_field(writer *w, const char *key, const jx_node *spec, int indent,
                        const char *lead, const char *pattern, int depth)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s%s%s", pattern, *pattern ? "." : "", key);
    jx_field_type t = jx_schema_type(spec);
    const char *derived_by =
        jx_schema_is_derived(spec) ? jx_rules_deriving(w->layout->rules, path) : NULL;
    jx_buf left = {0}, comment = {0};
    for (int i = 0; i < indent; i++)
        jx_buf_puts(&left, " ");
    jx_buf_puts(&left, lead);
    if (derived_by)
        jx_buf_puts(&left, "# ");
    jx_buf_printf(&left, "%s:", key);
    if (t != JX_FIELD_MAP && t != JX_FIELD_LIST) {
        const jx_node *ex = jx_node_get(spec, "example");
        jx_buf_puts(&left, " ");
        put_quoted(&left, ex ? jx_node_text(ex) : "");
    }
    put_comment(&comment, key, spec, derived_by);
    put_line(w, jx_buf_str(&left), jx_buf_str(&comment));
    jx_buf_free(&left);
    jx_buf_free(&comment);
    if (depth > 16)
        return;
    /* Keys inside start below the key itself (after a "- " lead too). */
    int inner = indent + (int)strlen(lead) + 2;
    const jx_node *kids;
    if (t == JX_FIELD_MAP && (kids = jx_node_get(spec, "fields")))
        write_fields(w, kids, inner, 0, path, depth + 1);
    else if (t == JX_FIELD_LIST && (kids = jx_node_get(spec, "item"))) {
        char inner_path[PATH_LEN + 2];
        snprintf(inner_path, sizeof inner_path, "%s.*", path);
        write_fields(w, kids, inner, 1, inner_path, depth + 1);
    }
}

/* The fields of a map (first_dash: they form one list entry, the first
 * written after "- "). */
static void write_fields(writer *w, const jx_node *fields, int indent, int first_dash,
                         const char *pattern, int depth)
{
    if (!fields || fields->kind != JX_NODE_MAP)
        return;
    for (size_t i = 0; i < fields->count; i++) {
        if (depth == 0 && strcmp(fields->entries[i].key, "region") == 0)
            continue; /* written first, with the region's name */
        const char *lead = first_dash ? (i == 0 ? "- " : "  ") : "";
        write_field(w, fields->entries[i].key, fields->entries[i].value, indent, lead, pattern,
                    depth);
    }
}

jx_status jx_skeleton_write(const jx_layout *layout, FILE *out)
{
    writer w = {layout, out};
    fprintf(out, "# %s — 填报模板（jxgen new %s）\n", layout->name ? layout->name : layout->region,
            layout->region);
    fputs("# 在引号内填写；注释是各字段在官方表上的名称。金额只写数字（如 70823.39、1,000.50），\n"
          "# 空白、0、0.00、- 都表示零。列表可复制 \"- \" 条目增减行数。\n"
          "# 标「可省略」的合计不填时按规则计算；填了则核对。写好后运行 jxgen check 检查。\n",
          out);
    jx_buf left = {0}, comment = {0};
    jx_buf_printf(&left, "region: %s", layout->region);
    const jx_node *rs = jx_node_get(layout->schema, "region");
    jx_buf_puts(&comment, "# ");
    put_oneline(&comment, rs && jx_schema_label(rs) ? jx_schema_label(rs) : "地区");
    jx_buf_puts(&comment, "（选择表样，勿改）");
    put_line(&w, jx_buf_str(&left), jx_buf_str(&comment));
    jx_buf_free(&left);
    jx_buf_free(&comment);
    write_fields(&w, layout->schema, 0, 0, "", 0);
    return fflush(out) == 0 && !ferror(out) ? JX_OK : JX_ERR_IO;
}
