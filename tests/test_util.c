/* test_util.c — file-system helpers for tests (see test_util.h).
 *
 * Plain POSIX; no cmocka here so that forked children of a test can use it too.
 */
#include "test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kt_tempdir(char *buf, size_t size, const char *tag)
{
    if (snprintf(buf, size, "/tmp/kk-%s-XXXXXX", tag) >= (int)size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(buf) ? 0 : -1;
}

int kt_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    chmod(path, 0700); /* a test may have made it unreadable */
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        rc |= kt_remove_tree(child);
    }
    closedir(d);
    return rmdir(path) | rc;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode & 0777);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    if (n < 0)
        rc = -1;
    close(in);
    return close(out) | rc;
}

int kt_copy_tree(const char *from, const char *to)
{
    struct stat st;
    if (stat(from, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? copy_file(from, to, st.st_mode) : 0;
    if (mkdir(to, 0755) != 0)
        return -1;
    DIR *d = opendir(from);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char a[4096], b[4096];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        rc = kt_copy_tree(a, b);
    }
    closedir(d);
    return rc;
}

static int put(const char *path, const char *mode, const void *bytes, size_t n)
{
    FILE *f = fopen(path, mode);
    if (!f)
        return -1;
    int rc = fwrite(bytes, 1, n, f) == n ? 0 : -1;
    return fclose(f) | rc;
}

int kt_write_file(const char *path, const void *bytes, size_t n)
{
    return put(path, "wb", bytes, n);
}

int kt_write_text(const char *path, const char *text)
{
    return kt_write_file(path, text, strlen(text));
}

int kt_append_file(const char *path, const char *text)
{
    return put(path, "ab", text, strlen(text));
}

const char *kt_source_path(char *buf, size_t size, const char *rel)
{
    const char *root = getenv("KK_SOURCE_DIR");
    snprintf(buf, size, "%s/%s", root ? root : ".", rel);
    return buf;
}
