/* fuzz_xlsx.c - libFuzzer target: the workbook reader and the import.
 *
 * At start-up the target composes input/changzhou.yaml and writes its
 * workbook (jx_xlsx_write, no fonts) into memory: the base.  An input is
 * one selector byte and the bytes of a part:
 *
 *   selector % 8 = 0..5  the base workbook with one part replaced by the
 *                        bytes (0 the form sheet, 1 数据, 2 the record sheet
 *                        jxgen, 3 sharedStrings.xml, 4 workbook.xml, 5 the
 *                        workbook's rels), zipped again with libzip, so
 *                        mutations reach the XML and the import logic
 *                        rather than failing the archive's CRCs;
 *                  6     the bytes are the whole .xlsx (the archive itself);
 *                  7     the bytes are a 路径/值 CSV table.
 *
 * Each is read with jx_import_read() (from memory, as jxgen import reads a
 * file).  Any status is acceptable except JX_ERR_INTERNAL; a failure must
 * say why; a success must be a filing jxgen reads (jx_node_parse_buffer)
 * and that composes against changzhou's layout or fails with a message.
 *
 * With JX_FUZZ_XLSX_SEEDS=DIR set, start-up also writes the seeds (each
 * part of the base with its selector, the whole base, a CSV) into DIR
 * (tests/fuzz/replay and tests/fuzz/run do). */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <zip.h>

#include "fuzz_common.h"
#include "jx_import.h"
#include "jx_render.h"
#include "jx_xlsx.h"

static const char *const k_parts[6] = {
    "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
    "xl/sharedStrings.xml",     "xl/workbook.xml",          "xl/_rels/workbook.xml.rels",
};

static unsigned char *base;
static size_t base_len;
static jx_layout *layout;

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0, k;
    unsigned char chunk[65536];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + k > cap) {
            cap = (n + k) * 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        memcpy(buf + n, chunk, k);
        n += k;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* The base workbook with part `which` replaced by data (malloc'd zip bytes). */
static unsigned char *rezip(int which, const uint8_t *data, size_t size, size_t *out_len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *in_src = zip_source_buffer_create(base, base_len, 0, &ze);
    zip_t *in = in_src ? zip_open_from_source(in_src, ZIP_RDONLY, &ze) : NULL;
    zip_source_t *out_src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!in || !out_src)
        abort();
    zip_source_keep(out_src);
    zip_t *out = zip_open_from_source(out_src, ZIP_TRUNCATE, &ze);
    if (!out)
        abort();
    zip_int64_t n = zip_get_num_entries(in, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(in, (zip_uint64_t)i, 0);
        zip_source_t *s;
        if (strcmp(name, k_parts[which]) == 0)
            s = zip_source_buffer(out, size ? data : (const uint8_t *)"", size, 0);
        else
            s = zip_source_zip(out, in, (zip_uint64_t)i, 0, 0, -1);
        if (!s || zip_file_add(out, name, s, ZIP_FL_ENC_UTF_8) < 0)
            abort();
    }
    if (zip_close(out) != 0)
        abort();
    zip_discard(in);
    zip_stat_t st;
    if (zip_source_stat(out_src, &st) != 0 || zip_source_open(out_src) != 0)
        abort();
    unsigned char *buf = malloc(st.size ? st.size : 1);
    if (!buf || zip_source_read(out_src, buf, st.size) != (zip_int64_t)st.size)
        abort();
    zip_source_close(out_src);
    zip_source_free(out_src);
    *out_len = st.size;
    return buf;
}

static void write_seed(const char *dir, int selector, const void *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/seed-xlsx-%d", dir, selector);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputc(selector, f);
    fwrite(data, 1, len, f);
    fclose(f);
}

static void dump_seeds(const char *dir)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(base, base_len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!z)
        abort();
    for (int i = 0; i < 6; i++) {
        zip_stat_t st;
        zip_file_t *f;
        if (zip_stat(z, k_parts[i], 0, &st) != 0 || !(f = zip_fopen(z, k_parts[i], 0)))
            continue;
        unsigned char *buf = malloc(st.size + 1);
        if (buf && zip_fread(f, buf, st.size) == (zip_int64_t)st.size)
            write_seed(dir, i, buf, st.size);
        free(buf);
        zip_fclose(f);
    }
    zip_discard(z);
    write_seed(dir, 6, base, base_len);
    static const char csv[] = "路径,值\nregion,changzhou\nyear,2024年度\nproject.name,甲\n"
                              "fund.total,\"1,000.50\"\nspending.0.name,丙\nspending.0.full,5000000\n";
    write_seed(dir, 7, csv, sizeof csv - 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char path[1024], out[1024];
    jx_diags d;
    jx_diags_init(&d);
    snprintf(path, sizeof path, "%s/layouts/changzhou.yaml", jx_test_source_dir());
    if (jx_layout_load(path, &layout, &d) != JX_OK)
        goto fail;
    snprintf(path, sizeof path, "%s/input/changzhou.yaml", jx_test_source_dir());
    jx_node *root = NULL;
    jx_includes *inc = NULL;
    if (jx_include_load(path, &root, &inc, &d) != JX_OK)
        goto fail;
    jx_compose_options opts = {"jxgen fuzz", 946684800LL};
    jx_doc *doc = NULL;
    if (jx_compose(layout, root, path, &opts, &doc, &d) != JX_OK ||
        jx_import_record(doc, root) != JX_OK)
        goto fail;
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(out, sizeof out, "%s/jxfuzz-xlsx-%ld.xlsx", tmp, (long)getpid());
    if (jx_xlsx_write(doc, NULL, out, &d) != JX_OK)
        goto fail;
    base = slurp(out, &base_len);
    unlink(out);
    jx_doc_free(doc);
    jx_node_free(root);
    jx_includes_free(inc);
    jx_diags_free(&d);
    if (!base)
        abort();
    const char *seeds = getenv("JX_FUZZ_XLSX_SEEDS");
    if (seeds)
        dump_seeds(seeds);
    fprintf(stderr, "fuzz_xlsx: base workbook of %zu bytes\n", base_len);
    return 0;
fail:
    jx_diags_print(&d, stderr);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int sel = data[0] % 8;
    data++, size--;
    unsigned char *book = NULL;
    const void *bytes = data;
    size_t len = size;
    if (sel < 6) {
        book = rezip(sel, data, size, &len);
        bytes = book;
    }
    jx_diags d;
    jx_diags_init(&d);
    jx_buf yaml = {0};
    const char *name = sel == 7 ? "fuzz.csv" : "fuzz.xlsx";
    jx_import_origins origins = {0};
    jx_status st = jx_import_read(name, bytes, len, &yaml, &origins, &d);
    jx_import_remap_diags(&origins, name, &d, 0);
    jx_import_origins_free(&origins);
    fz_print_diags(&d);
    if (st != JX_OK) {
        if (st == JX_ERR_INTERNAL || d.errors == 0)
            abort();
    } else {
        jx_node *root = NULL;
        jx_diags pd;
        jx_diags_init(&pd);
        jx_status ps = jx_node_parse_buffer(name, jx_buf_str(&yaml), yaml.len, &root, &pd);
        fz_print_diags(&pd);
        /* What import writes, jxgen reads (only the reader's size limits may refuse it). */
        if (ps != JX_OK && ps != JX_ERR_LIMIT) {
            fprintf(stderr, "import wrote YAML jxgen cannot read:\n%s\n", jx_buf_str(&yaml));
            abort();
        }
        if (root)
            fz_compose(layout, root, name, 0);
        jx_node_free(root);
        jx_diags_free(&pd);
    }
    jx_buf_free(&yaml);
    jx_diags_free(&d);
    free(book);
    return 0;
}
