/* jx_fontcfg.c - loading font roles from fonts/fonts.yaml. */
#include "jx_fontcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jx_node.h"
#include "jx_util.h"
#include "jx_i18n.h"

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
        const jx_node *c = list->entries[i].value;
        const char *file = c->kind == JX_NODE_SCALAR ? jx_node_text(c)
                                                     : jx_node_text(jx_node_get(c, "file"));
        const char *idx = c->kind == JX_NODE_MAP ? jx_node_text(jx_node_get(c, "index")) : NULL;
        if (!file) {
            jx_diags_add(d, JX_SEV_ERROR, cfg, c->line, c->col, NULL,
                         _("a font candidate needs file:"));
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
                             _("%s (skipped for role %s)"), local.items[k].message, role);
        }
        jx_diags_free(&local);
    }
    return added;
}

/* The unit words of `units:` (amount: [...], counter: [...]) into a new
 * set for the font set, hashed into *fp (they change how text breaks);
 * without the key the default set stays.  A word that is not text without
 * spaces or digits, or an unknown key, is an error. */
static jx_status load_units(jx_fonts *fonts, const jx_node *units, const char *cfg,
                            unsigned long long *fp, jx_diags *d)
{
    if (!units)
        return JX_OK;
    if (units->kind != JX_NODE_MAP)
        return jx_diag_error(d, JX_ERR_SYNTAX, cfg, units->line, units->col,
                             _("units: needs amount: and counter: lists of unit words"));
    jx_units *set = jx_units_create();
    if (!set)
        return jx_diag_error(d, JX_ERR_NOMEM, cfg, 0, 0, _("out of memory"));
    jx_status st = JX_OK;
    for (size_t i = 0; i < units->count && st == JX_OK; i++) {
        const char *key = units->entries[i].key;
        const jx_node *list = units->entries[i].value;
        int kind = strcmp(key, "amount") == 0    ? JX_UNIT_AMOUNT
                   : strcmp(key, "counter") == 0 ? JX_UNIT_COUNTER
                                                 : 0;
        if (!kind || !list || list->kind != JX_NODE_SEQ) {
            const jx_node *at = list ? list : units;
            st = jx_diag_error(d, JX_ERR_SYNTAX, cfg, at->line, at->col,
                               _("units: needs amount: and counter: lists of unit words"));
            break;
        }
        for (size_t k = 0; k < list->count && st == JX_OK; k++) {
            const jx_node *w = list->entries[k].value;
            const char *word = jx_node_text(w);
            st = word ? jx_units_add(set, word, kind) : JX_ERR_SYNTAX;
            if (st == JX_OK) {
                *fp = jx_hash_bytes(*fp, &kind, sizeof kind);
                *fp = jx_hash_bytes(*fp, word, strlen(word) + 1);
            }
            if (st == JX_ERR_NOMEM)
                jx_diag_error(d, st, cfg, w->line, w->col, _("out of memory"));
            else if (st != JX_OK)
                jx_diag_error(d, st, cfg, w->line, w->col,
                              _("'%s' is not a unit word: a word of 1 to %d characters "
                                "without spaces or digits"),
                              word ? word : "", JX_UNIT_MAX_CHARS);
        }
    }
    if (st != JX_OK) {
        jx_units_free(set);
        return st;
    }
    jx_fonts_set_units(fonts, set);
    return JX_OK;
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
                             _("fonts.yaml needs roles: (a map of role name to font files)"));
    }
    jx_fonts *fonts = jx_fonts_create();
    if (!fonts) {
        jx_node_free(root);
        return jx_diag_error(d, JX_ERR_NOMEM, cfg, 0, 0, _("out of memory"));
    }
    unsigned long long fp = JX_HASH_INIT;
    loaded_file song[64];
    size_t nsong = 0;
    long song_i = jx_node_key_index(roles, "song");
    if (song_i < 0 || load_role(fonts, fonts_dir, "song", roles->entries[song_i].value, cfg, &fp, d,
                                song, &nsong) == 0) {
        st = jx_diag_error(d, JX_ERR_FONT, cfg, 0, 0,
                           _("no usable font for the body-text role 'song': install "
                           "fonts-arphic-uming (apt-get install fonts-arphic-uming) or put "
                           "simsun.ttc in %s"),
                           fonts_dir);
        goto fail;
    }
    for (size_t i = 0; i < roles->count; i++) {
        if ((long)i == song_i)
            continue;
        loaded_file unused[64];
        size_t nunused = 0;
        if (load_role(fonts, fonts_dir, roles->entries[i].key, roles->entries[i].value, cfg, &fp, d,
                      unused, &nunused) > 0)
            continue;
        /* No face of its own: the role borrows the body-text faces. */
        for (size_t k = 0; k < nsong; k++) {
            st = jx_fonts_add(fonts, roles->entries[i].key, song[k].path, song[k].index, d);
            if (st != JX_OK)
                goto fail;
        }
    }
    /* latin: ROLE: [candidates]: the first that loads is the role's
     * companion Latin face */
    const jx_node *latin = jx_node_get(root, "latin");
    for (size_t i = 0; latin && latin->kind == JX_NODE_MAP && i < latin->count; i++) {
        const jx_node *list = latin->entries[i].value;
        for (size_t k = 0; list && list->kind == JX_NODE_SEQ && k < list->count; k++) {
            const jx_node *c = list->entries[k].value;
            const char *file = c->kind == JX_NODE_SCALAR ? jx_node_text(c)
                                                         : jx_node_text(jx_node_get(c, "file"));
            const char *idx =
                c->kind == JX_NODE_MAP ? jx_node_text(jx_node_get(c, "index")) : NULL;
            char path[1024];
            struct stat sb;
            if (!file)
                continue;
            if (file[0] == '/')
                snprintf(path, sizeof path, "%s", file);
            else
                snprintf(path, sizeof path, "%s/%s", fonts_dir, file);
            if (stat(path, &sb) != 0)
                continue;
            jx_diags local;
            jx_diags_init(&local);
            st =
                jx_fonts_add_latin(fonts, latin->entries[i].key, path, idx ? atoi(idx) : 0, &local);
            for (size_t m = 0; st != JX_OK && m < local.count; m++)
                jx_diags_add(d, JX_SEV_WARNING, cfg, c->line, c->col, "font-skipped",
                             _("%s (skipped as the Latin face of role %s)"), local.items[m].message,
                             latin->entries[i].key);
            jx_diags_free(&local);
            if (st == JX_OK) {
                fp = jx_hash_bytes(fp, path, strlen(path));
                fp = jx_hash_bytes(fp, &sb.st_size, sizeof sb.st_size);
                fp = jx_hash_bytes(fp, &sb.st_mtime, sizeof sb.st_mtime);
                break;
            }
        }
    }
    st = load_units(fonts, jx_node_get(root, "units"), cfg, &fp, d);
    if (st != JX_OK)
        goto fail;
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
