/* jx_regions.h - the regions jxgen knows: one per layouts/<region>.yaml.
 *
 * A region is named by its layout's `region:` key (lower-case pinyin such as
 * changzhou), has a Chinese name (`place:`, e.g. 常州市新北区) and a form
 * (`name:`).  This module lists them (`jxgen regions`) and finds the one a
 * mistyped region most likely means: the same name in another case, a
 * Chinese name that contains or is contained in what was written (常州), or
 * a pinyin name at most two letters away (chanzhou). */
#ifndef JX_REGIONS_H
#define JX_REGIONS_H

#include <stddef.h>
#include <stdio.h>

typedef struct jx_region_info {
    char *key;      /* region: */
    char *place;    /* place: ("" when the layout has none) */
    char *form;     /* name: ("" when the layout has none) */
    char *sample;   /* path of a sample filing, or NULL */
} jx_region_info;

/* Reads the top-level keys of every *.yaml in layouts_dir (a layout that
 * cannot be read is left out; it is reported when a filing selects it),
 * sorted by key.  sample_dir/<key>.yaml, when it exists, is the region's
 * sample filing (sample_dir may be NULL).  Returns 0 and a malloc'd array
 * (free with jx_regions_free), or -1 with errno when the folder cannot be
 * read or memory is short. */
int jx_regions_list(const char *layouts_dir, const char *sample_dir, jx_region_info **out,
                    size_t *n);
void jx_regions_free(jx_region_info *list, size_t n);

/* The region that `wrong` most likely means, or NULL. */
const jx_region_info *jx_regions_suggest(const jx_region_info *list, size_t n,
                                         const char *wrong);

struct jx_buf;
/* Appends "changzhou（常州市新北区）、guanggu（…）…" (in English
 * "changzhou (常州市新北区), guanggu (…)") to out; out->oom is set when
 * memory is short. */
void jx_regions_describe(const jx_region_info *list, size_t n, struct jx_buf *out);

/* Prints the table of `jxgen regions` (or JSON lines) to out. */
void jx_regions_print(const jx_region_info *list, size_t n, int json, FILE *out);

#endif
