/* jx_regions.c - listing regions and suggesting one (see jx_regions.h). */
#include "jx_regions.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "jx_diag.h"
#include "jx_i18n.h"
#include "jx_node.h"
#include "jx_util.h"

static void region_clear(jx_region_info *ri)
{
    free(ri->key);
    free(ri->place);
    free(ri->form);
    free(ri->sample);
    memset(ri, 0, sizeof *ri);
}

void jx_regions_free(jx_region_info *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        region_clear(&list[i]);
    free(list);
}

static int cmp_region(const void *a, const void *b)
{
    return strcmp(((const jx_region_info *)a)->key, ((const jx_region_info *)b)->key);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* Reads one layout's keys into *ri; 0, 1 to leave it out, -1 when out of
 * memory. */
static int read_one(const char *path, const char *sample_dir, jx_region_info *ri)
{
    jx_diags scratch;
    jx_diags_init(&scratch);
    jx_node *root = NULL;
    int rc = 1;
    /* A layout may use anchors (layouts/README.md), like the layout loader. */
    if (jx_node_parse_file_opts(path, JX_NODE_ANCHORS, &root, &scratch) == JX_OK &&
        root->kind == JX_NODE_MAP) {
        const char *key = jx_node_text(jx_node_get(root, "region"));
        const char *place = jx_node_text(jx_node_get(root, "place"));
        const char *form = jx_node_text(jx_node_get(root, "name"));
        if (key && *key) {
            memset(ri, 0, sizeof *ri);
            ri->key = jx_strdup(key);
            ri->place = jx_strdup(place ? place : "");
            ri->form = jx_strdup(form ? form : "");
            rc = ri->key && ri->place && ri->form ? 0 : -1;
            if (rc < 0)
                region_clear(ri);
            if (rc == 0 && sample_dir) {
                char sample[PATH_MAX];
                struct stat sb;
                if (snprintf(sample, sizeof sample, "%s/%s.yaml", sample_dir, key) <
                        (int)sizeof sample &&
                    stat(sample, &sb) == 0 && S_ISREG(sb.st_mode) && !(ri->sample = jx_strdup(sample))) {
                    region_clear(ri);
                    rc = -1;
                }
            }
        }
    }
    jx_node_free(root);
    jx_diags_free(&scratch);
    return rc;
}

int jx_regions_list(const char *layouts_dir, const char *sample_dir, jx_region_info **out,
                    size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *dir = opendir(layouts_dir);
    if (!dir)
        return -1;
    jx_region_info *list = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(dir))) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".yaml"))
            continue;
        jx_region_info *nl = jx_grow(list, &cap, count, sizeof *nl, 8);
        if (!nl) {
            rc = -1;
            break;
        }
        list = nl;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", layouts_dir, e->d_name) >= (int)sizeof path)
            continue;
        int r = read_one(path, sample_dir, &list[count]);
        /* The file must be named after its region, as the renderer wants. */
        if (r == 0) {
            size_t kl = strlen(list[count].key);
            if (strncmp(e->d_name, list[count].key, kl) != 0 || strcmp(e->d_name + kl, ".yaml"))
                r = 1;
            if (r)
                region_clear(&list[count]);
        }
        if (r == 0)
            count++;
        else if (r < 0)
            rc = -1;
    }
    closedir(dir);
    if (rc != 0) {
        jx_regions_free(list, count);
        errno = ENOMEM;
        return -1;
    }
    if (count > 1)
        qsort(list, count, sizeof *list, cmp_region);
    *out = list;
    *n = count;
    return 0;
}

const jx_region_info *jx_regions_suggest(const jx_region_info *list, size_t n,
                                         const char *wrong)
{
    if (!wrong || !*wrong)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(list[i].key, wrong) == 0)
            return &list[i];
    /* Chinese: 常州 is in 常州市新北区; 江北新区 and 南京江北新区 too. */
    int ascii = 1;
    for (const unsigned char *p = (const unsigned char *)wrong; *p; p++)
        ascii &= *p < 0x80;
    if (!ascii)
        for (size_t i = 0; i < n; i++)
            if (*list[i].place && (strstr(list[i].place, wrong) || strstr(wrong, list[i].place)))
                return &list[i];
    /* Pinyin typed with a slip or two, spaces or capitals. */
    char lower[128];
    size_t k = 0;
    for (const char *p = wrong; *p && k + 1 < sizeof lower; p++)
        if (*p != ' ' && *p != '-' && *p != '_')
            lower[k++] = (char)tolower((unsigned char)*p);
    lower[k] = '\0';
    const jx_region_info *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = jx_edit_distance(lower, list[i].key);
        if (d < best_d) {
            best_d = d;
            best = &list[i];
        }
    }
    return best;
}

void jx_regions_describe(const jx_region_info *list, size_t n, jx_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            jx_buf_puts(out, _(", "));
        if (*list[i].place)
            jx_buf_printf(out, _("%s (%s)"), list[i].key, list[i].place);
        else
            jx_buf_puts(out, list[i].key);
    }
}

/* Display width: CJK characters take two columns. */
static int width_of(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += *p >= 0xE0 ? 2 : 1;
    return w;
}

static void pad(FILE *out, const char *s, int width)
{
    fputs(s, out);
    for (int w = width_of(s); w < width; w++)
        fputc(' ', out);
}

void jx_regions_print(const jx_region_info *list, size_t n, int json, FILE *out)
{
    if (json) {
        for (size_t i = 0; i < n; i++) {
            fputs("{\"region\":", out);
            jx_json_string(out, list[i].key);
            fputs(",\"place\":", out);
            jx_json_string(out, list[i].place);
            fputs(",\"form\":", out);
            jx_json_string(out, list[i].form);
            fputs(",\"sample\":", out);
            jx_json_string(out, list[i].sample);
            fputs("}\n", out);
        }
        return;
    }
    const char *h[4] = {_("region"), _("Chinese name"), _("form"), _("sample filing")};
    int w[3] = {width_of(h[0]), width_of(h[1]), width_of(h[2])};
    for (size_t i = 0; i < n; i++) {
        const char *c[3] = {list[i].key, list[i].place, list[i].form};
        for (int k = 0; k < 3; k++)
            if (width_of(c[k]) > w[k])
                w[k] = width_of(c[k]);
    }
    for (int k = 0; k < 3; k++) {
        pad(out, h[k], w[k] + 2);
    }
    fprintf(out, "%s\n", h[3]);
    for (size_t i = 0; i < n; i++) {
        pad(out, list[i].key, w[0] + 2);
        pad(out, list[i].place, w[1] + 2);
        pad(out, list[i].form, w[2] + 2);
        if (list[i].sample)
            fprintf(out, "%s\n", list[i].sample);
        else
            fprintf(out, "jxgen new %s\n", list[i].key);
    }
}
