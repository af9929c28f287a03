/* jx_fontcfg.c - loading font roles from fonts/fonts.yaml. */
#include "jx_fontcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jx_node.h"
#include "jx_util.h"

typedef struct loaded_file {
    char path[1024];
    int index;
} loaded_file;

/* Adds every existing candidate of one role.  Returns the number added. */
static int load_role(jx_fonts *fonts, const char *fonts_dir, const char *role,
                     const jx_node *list, const char *cfg, unsigned long long *fp, jx_diags *d,
                     loaded_file *files, size_t *nfiles)
{
    int added = 0;
    for (size_t i = 0; list && list->kind == JX_NODE_SEQ && i < list->count; i++) {
        const jx_node *c = list->items[i];
        const char *file = c->kind == JX_NODE_SCALAR ? jx_node_text(c)
                                                     : jx_node_text(jx_node_get(c, "file"));
        const char *idx = c->kind == JX_NODE_MAP ? jx_node_text(jx_node_get(c, "index")) : NULL;
        if (!file) {
            jx_diags_add(d, JX_SEV_ERROR, cfg, c->line, c->col, NULL,
                         "a font candidate needs file:");
            continue;
        }
        char path[1024];
        if (file[0] == '/')
            snprintf(path, sizeof path, "%s", file);
        else
            snprintf(path, sizeof path, "%s/%s", fonts_dir, file);
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue;
        int index = idx ? atoi(idx) : 0;
        jx_diags local;
        jx_diags_init(&local);
        jx_status st = jx_fonts_add(fonts, role, path, index, &local);
        if (st == JX_OK) {
            added++;
            *fp = jx_hash_bytes(*fp, path, strlen(path));
            *fp = jx_hash_bytes(*fp, &sb.st_size, sizeof sb.st_size);
            *fp = jx_hash_bytes(*fp, &sb.st_mtime, sizeof sb.st_mtime);
            if (*nfiles < 64) {
                snprintf(files[*nfiles].path, sizeof files[*nfiles].path, "%s", path);
                files[*nfiles].index = index;
                (*nfiles)++;
            }
        } else {
            /* A configured font that cannot be used is reported, not fatal:
             * the next candidate takes its place. */
            for (size_t k = 0; k < local.count; k++)
                jx_diags_add(d, JX_SEV_WARNING, cfg, c->line, c->col, "font-skipped",
                             "%s (skipped for role %s)", local.items[k].message, role);
        }
        jx_diags_free(&local);
    }
    return added;
}

jx_status jx_fontcfg_load(const char *fonts_dir, jx_fonts **out, unsigned long long *fingerprint,
                          jx_diags *d)
{
    *out = NULL;
    char cfg[1024];
    snprintf(cfg, sizeof cfg, "%s/fonts.yaml", fonts_dir);
    jx_node *root = NULL;
    jx_status st = jx_node_parse_file(cfg, &root, d);
    if (st != JX_OK)
        return st;
    const jx_node *roles = jx_node_get(root, "roles");
    if (!roles || roles->kind != JX_NODE_MAP) {
        jx_node_free(root);
        return jx_diag_error(d, JX_ERR_FONT, cfg, root->line, root->col,
                             "fonts.yaml needs roles: (a map of role name to font files)");
    }
    jx_fonts *fonts = jx_fonts_create();
    if (!fonts) {
        jx_node_free(root);
        return jx_diag_error(d, JX_ERR_NOMEM, cfg, 0, 0, "out of memory");
    }
    unsigned long long fp = JX_HASH_INIT;
    loaded_file song[64];
    size_t nsong = 0;
    long song_i = jx_node_key_index(roles, "song");
    if (song_i < 0 || load_role(fonts, fonts_dir, "song", roles->items[song_i], cfg, &fp, d,
                                song, &nsong) == 0) {
        st = jx_diag_error(d, JX_ERR_FONT, cfg, 0, 0,
                           "no usable font for the body-text role 'song': install "
                           "fonts-arphic-uming (apt-get install fonts-arphic-uming) or put "
                           "simsun.ttc in %s",
                           fonts_dir);
        goto fail;
    }
    for (size_t i = 0; i < roles->count; i++) {
        if ((long)i == song_i)
            continue;
        loaded_file unused[64];
        size_t nunused = 0;
        if (load_role(fonts, fonts_dir, roles->keys[i], roles->items[i], cfg, &fp, d, unused,
                      &nunused) > 0)
            continue;
        /* No face of its own: the role borrows the body-text faces. */
        for (size_t k = 0; k < nsong; k++) {
            st = jx_fonts_add(fonts, roles->keys[i], song[k].path, song[k].index, d);
            if (st != JX_OK)
                goto fail;
        }
    }
    jx_node_free(root);
    if (fingerprint)
        *fingerprint = fp;
    *out = fonts;
    return JX_OK;
fail:
    jx_fonts_free(fonts);
    jx_node_free(root);
    return st;
}
