/* test_file.c - jx_file: whole-file reads with a limit, the file hash, and
 * the atomic writer (nothing half-written, nothing left behind, the
 * previous file kept on failure, its mode kept on success). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jx_file.h"
#include "jx_util.h"

/* A fresh folder under $TMPDIR (or /tmp); the caller frees the name. */
static char *make_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = malloc(4096);
    assert_non_null(dir);
    snprintf(dir, 4096, "%s/jx_file_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* Number of entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void remove_dir(char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
    free(dir);
}

static void commit_replaces_keeping_the_mode(void **state)
{
    (void)state;
    char *dir = make_dir();
    char path[4200];
    snprintf(path, sizeof path, "%s/out.pdf", dir);
    write_text(path, "old");
    assert_int_equal(chmod(path, 0640), 0);
    jx_diags d;
    jx_diags_init(&d);
    jx_file_out out;
    assert_int_equal(jx_file_out_open(&out, path, &d), JX_OK);
    assert_int_equal(count_entries(dir), 2); /* the target and the temporary file */
    assert_int_equal(jx_file_out_write(&out, "new bytes", 9, &d), JX_OK);
    assert_int_equal(jx_file_out_commit(&out, &d), JX_OK);
    assert_null(out.tmp);
    assert_int_equal(count_entries(dir), 1);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(jx_file_read(path, 100, &buf, &len, &d), JX_OK);
    assert_int_equal(len, 9);
    assert_string_equal(buf, "new bytes");
    free(buf);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0640);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
    remove_dir(dir, "out.pdf");
}

static void abort_and_finish_keep_the_previous_file(void **state)
{
    (void)state;
    char *dir = make_dir();
    char path[4200];
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    write_text(path, "previous");
    jx_diags d;
    jx_diags_init(&d);
    jx_file_out out;
    assert_int_equal(jx_file_out_open(&out, path, &d), JX_OK);
    assert_int_equal(jx_file_out_write(&out, "half", 4, &d), JX_OK);
    jx_file_out_abort(&out);
    jx_file_out_abort(&out); /* harmless twice */
    assert_int_equal(count_entries(dir), 1);
    /* Finished but not committed: still the previous file, until commit. */
    assert_int_equal(jx_file_out_open(&out, path, &d), JX_OK);
    assert_int_equal(jx_file_out_write(&out, "next", 4, &d), JX_OK);
    assert_int_equal(jx_file_out_finish(&out, &d), JX_OK);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(jx_file_read(path, 100, &buf, &len, &d), JX_OK);
    assert_string_equal(buf, "previous");
    free(buf);
    assert_int_equal(jx_file_out_commit(&out, &d), JX_OK);
    assert_int_equal(jx_file_read(path, 100, &buf, &len, &d), JX_OK);
    assert_string_equal(buf, "next");
    free(buf);
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(d.count, 0);
    jx_diags_free(&d);
    remove_dir(dir, "out.xlsx");
}

static void failures_name_the_target(void **state)
{
    (void)state;
    jx_diags d;
    jx_diags_init(&d);
    jx_file_out out;
    const char *path = "/nonexistent-jx-folder/out.pdf";
    assert_int_equal(jx_file_out_open(&out, path, &d), JX_ERR_IO);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, path);
    assert_non_null(strstr(d.items[0].message, "cannot create a temporary file next to "
                                                "/nonexistent-jx-folder/out.pdf"));
    assert_null(strstr(d.items[0].message, ".tmp"));
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(jx_file_read(path, 10, &buf, &len, &d), JX_ERR_IO);
    assert_null(buf);
    jx_diags_free(&d);
}

static void reads_stop_at_the_limit_and_hashes_agree(void **state)
{
    (void)state;
    char *dir = make_dir();
    char path[4200];
    snprintf(path, sizeof path, "%s/a.yaml", dir);
    write_text(path, "region: x\n");
    jx_diags d;
    jx_diags_init(&d);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(jx_file_read(path, 9, &buf, &len, &d), JX_ERR_LIMIT);
    assert_null(buf);
    assert_int_equal(jx_file_read(path, 10, &buf, &len, &d), JX_OK);
    unsigned long long h = 0;
    assert_int_equal(jx_file_hash(path, &h), 0);
    assert_true(h == jx_hash_bytes(JX_HASH_INIT, buf, len));
    assert_true(h == jx_hash_str("region: x\n"));
    assert_true(h != jx_hash_str("region: y\n"));
    free(buf);
    jx_diags_free(&d);
    remove_dir(dir, "a.yaml");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commit_replaces_keeping_the_mode),
        cmocka_unit_test(abort_and_finish_keep_the_previous_file),
        cmocka_unit_test(failures_name_the_target),
        cmocka_unit_test(reads_stop_at_the_limit_and_hashes_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
