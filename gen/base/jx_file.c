/* jx_file.c - files: read whole, hashed, written atomically (see jx_file.h). */
#include "jx_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jx_util.h"
#include "jx_i18n.h"

int jx_file_load(const char *path, size_t max, char **buf, size_t *len, int *err)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return -1;
    }
    char *b = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (cap - n < 2) {
            if (cap > max) {
                *err = EFBIG;
                rc = -1;
                break;
            }
            char *nb = jx_grow(b, &cap, n + 1, 1, 65536); /* room for n + 2 */
            if (!nb) {
                *err = ENOMEM;
                rc = -1;
                break;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                *err = errno ? errno : EIO;
                rc = -1;
            }
            break;
        }
    }
    fclose(f);
    if (rc == 0 && n > max) {
        *err = EFBIG;
        rc = -1;
    }
    if (rc != 0) {
        free(b);
        return -1;
    }
    if (!b && !(b = malloc(1))) {
        *err = ENOMEM;
        return -1;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

jx_status jx_file_read(const char *path, size_t max, char **buf, size_t *len, jx_diags *d)
{
    int err = 0;
    if (jx_file_load(path, max, buf, len, &err) == 0)
        return JX_OK;
    if (err == EFBIG)
        return jx_diag_error(d, JX_ERR_LIMIT, path, 0, 0, _("file is larger than %zu bytes; refused"),
                             max);
    if (err == ENOMEM)
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    return jx_diag_error(d, JX_ERR_IO, path, 0, 0, _("cannot open: %s"), jx_strerror(err));
}

int jx_file_hash(const char *path, unsigned long long *hash)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned long long h = JX_HASH_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        h = jx_hash_bytes(h, chunk, got);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -1;
    *hash = h;
    return 0;
}

/* The mode for a new output file: the old file's, else 0666 & ~umask. */
static mode_t output_mode(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        return sb.st_mode & 07777;
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            unsigned m;
            if (sscanf(line, "Umask: %o", &m) == 1) {
                mask = (mode_t)(m & 0777);
                break;
            }
        }
        fclose(f);
    }
    return 0666 & ~mask;
}

static void out_release(jx_file_out *out)
{
    if (out->fd >= 0)
        close(out->fd);
    free(out->path);
    free(out->tmp);
    out->path = out->tmp = NULL;
    out->fd = -1;
}

jx_status jx_file_out_open(jx_file_out *out, const char *path, jx_diags *d)
{
    out->fd = -1;
    out->path = jx_strdup(path);
    size_t plen = path ? strlen(path) : 0;
    out->tmp = out->path ? malloc(plen + sizeof ".tmpXXXXXX") : NULL;
    if (!out->tmp) {
        out_release(out);
        return jx_diag_error(d, JX_ERR_NOMEM, path, 0, 0, _("out of memory"));
    }
    memcpy(out->tmp, path, plen);
    memcpy(out->tmp + plen, ".tmpXXXXXX", sizeof ".tmpXXXXXX");
    mode_t mode = output_mode(path);
    out->fd = mkstemp(out->tmp);
    if (out->fd < 0) {
        jx_status st = jx_diag_error(d, JX_ERR_IO, path, 0, 0,
                                     _("cannot create a temporary file next to %s: %s"), path,
                                     jx_strerror(errno));
        out_release(out);
        return st;
    }
    if (fchmod(out->fd, mode) != 0) {
        jx_status st = jx_diag_error(d, JX_ERR_IO, path, 0, 0, _("cannot set the mode of %s: %s"),
                                     path, jx_strerror(errno));
        jx_file_out_abort(out);
        return st;
    }
    return JX_OK;
}

jx_status jx_file_out_write(jx_file_out *out, const void *data, size_t n, jx_diags *d)
{
    const unsigned char *p = data;
    while (n > 0) {
        ssize_t w = write(out->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return jx_diag_error(d, JX_ERR_IO, out->path, 0, 0, _("cannot write %s: %s"), out->path,
                                 jx_strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return JX_OK;
}

/* Best effort: makes a rename in the folder of path durable. */
static void sync_folder(const char *path)
{
    char *dir = jx_strdup(path);
    if (!dir)
        return;
    char *slash = strrchr(dir, '/');
    const char *dname = ".";
    if (slash) {
        slash[slash == dir ? 1 : 0] = '\0';
        dname = dir;
    }
    int dfd = open(dname, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(dir);
}

jx_status jx_file_out_finish(jx_file_out *out, jx_diags *d)
{
    if (out->fd < 0)
        return JX_OK;
    const char *step = NULL;
    int err = 0;
    if (fsync(out->fd) != 0) {
        step = N_("flush");
        err = errno;
    }
    int fd = out->fd;
    out->fd = -1;
    if (close(fd) != 0 && !step) {
        step = N_("close");
        err = errno;
    }
    if (!step)
        return JX_OK;
    jx_status st = jx_diag_error(d, JX_ERR_IO, out->path, 0, 0, _("cannot %s %s: %s"), _(step),
                                 out->path, jx_strerror(err));
    jx_file_out_abort(out);
    return st;
}

jx_status jx_file_out_commit(jx_file_out *out, jx_diags *d)
{
    if (!out->tmp)
        return jx_diag_error(d, JX_ERR_INTERNAL, out->path, 0, 0,
                             _("jx_file_out_commit: no temporary file"));
    jx_status st = jx_file_out_finish(out, d);
    if (st != JX_OK)
        return st;
    if (rename(out->tmp, out->path) != 0) {
        st = jx_diag_error(d, JX_ERR_IO, out->path, 0, 0,
                           _("cannot rename the temporary file to %s: %s"), out->path,
                           jx_strerror(errno));
        jx_file_out_abort(out);
        return st;
    }
    sync_folder(out->path);
    out_release(out);
    return JX_OK;
}

void jx_file_out_abort(jx_file_out *out)
{
    if (out->tmp)
        unlink(out->tmp);
    out_release(out);
}
