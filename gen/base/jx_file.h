/* jx_file.h - files: read whole, hashed, written atomically.
 *
 * The one place jxgen reads a whole file, hashes a file, and writes an
 * output so that a failure never leaves a half-written file or destroys the
 * previous one (as libxlsxwriter keeps lxw_tmpfile in utility.c).
 *
 * Writing: jx_file_out_open() creates a temporary file beside the target
 * with mkstemp() (a name no other process can take), with the mode the
 * target has (a new target: 0666 less the umask); the caller writes it
 * through jx_file_out_write() or, for a library that writes by name (the
 * workbook), lets that library write to out->tmp; jx_file_out_commit()
 * fsyncs the file, renames it onto the target and fsyncs the folder, so
 * the new output is durable once it is in place.  Outputs that go together
 * (a filing's PDF and workbook) are each finished first
 * (jx_file_out_finish()) and committed only when all are written.  jx_file_out_abort()
 * removes the temporary file.  Every failure names the target, never the
 * temporary file. */
#ifndef JX_FILE_H
#define JX_FILE_H

#include <stddef.h>

#include "jx_diag.h"
#include "jx_error.h"

/* Reads the whole file at `path` (at most `max` bytes).  Returns JX_OK with
 * a malloc'd, NUL-terminated *buf (free it) and its length *len, or
 * JX_ERR_IO (cannot open or read), JX_ERR_LIMIT (larger than max) or
 * JX_ERR_NOMEM, each with a message at path. */
jx_status jx_file_read(const char *path, size_t max, char **buf, size_t *len, jx_diags *d);

/* The same without a message: returns 0, or -1 with *err an errno value
 * (EFBIG when larger than max, ENOMEM when out of memory). */
int jx_file_load(const char *path, size_t max, char **buf, size_t *len, int *err);

/* jx_hash_bytes() (jx_util.h) of the bytes of the file at `path`.  Returns 0
 * and sets *hash, or -1 when the file cannot be read. */
int jx_file_hash(const char *path, unsigned long long *hash);

/* An output being written. */
typedef struct jx_file_out {
    char *path;               /* the target */
    char *tmp;                /* the temporary file beside it */
    int fd;                   /* open on tmp; -1 once closed */
} jx_file_out;

/* Creates the temporary file for target `path`.  Returns JX_OK, or
 * JX_ERR_IO ("cannot create a temporary file next to PATH: why") or
 * JX_ERR_NOMEM with a message; *out is then empty (abort is harmless). */
jx_status jx_file_out_open(jx_file_out *out, const char *path, jx_diags *d);

/* Appends n bytes.  JX_ERR_IO ("cannot write PATH: why") on failure. */
jx_status jx_file_out_write(jx_file_out *out, const void *data, size_t n, jx_diags *d);

/* Flushes the file to disk and closes it, leaving it under its temporary
 * name for a later commit (when several outputs must all be written before
 * any is put in place).  Returns JX_OK (also when already closed), or
 * JX_ERR_IO ("cannot flush|close PATH: why") with the temporary file
 * removed and *out released. */
jx_status jx_file_out_finish(jx_file_out *out, jx_diags *d);

/* Finishes the file (when not yet done), renames it onto the target and
 * flushes the folder (best effort).  Returns JX_OK, or JX_ERR_IO with a
 * message ("cannot flush|close|rename the temporary file to PATH: why");
 * on failure the temporary file is removed and the target is untouched.
 * Either way *out is released. */
jx_status jx_file_out_commit(jx_file_out *out, jx_diags *d);

/* Removes the temporary file (when there is one) and releases *out. */
void jx_file_out_abort(jx_file_out *out);

#endif
