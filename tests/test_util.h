/* test_util.h — small file-system helpers shared by the tests that build fixtures on disk
 * (temporary folders, copies of corpus/, files written byte for byte).
 *
 * Test support only: it is linked into test programs, never into the libraries. Functions return
 * 0 on success and -1 on failure (errno set), so a test can assert on them.
 */
#ifndef KK_TEST_UTIL_H
#define KK_TEST_UTIL_H

#include <stddef.h>

/* Create a fresh folder /tmp/kk-TAG-XXXXXX; its path goes to buf (size bytes). */
int kt_tempdir(char *buf, size_t size, const char *tag);

/* Remove path and everything under it (symbolic links are removed, not followed). */
int kt_remove_tree(const char *path);

/* Copy the regular files and folders under from into a new folder to (links are copied as the
 * files they point to). */
int kt_copy_tree(const char *from, const char *to);

/* Write n bytes to path, replacing it. */
int kt_write_file(const char *path, const void *bytes, size_t n);

/* Write a string to path, replacing it. */
int kt_write_text(const char *path, const char *text);

/* Append a string to path. */
int kt_append_file(const char *path, const char *text);

/* path joined under the source tree (KK_SOURCE_DIR, or "." when unset), in buf. */
const char *kt_source_path(char *buf, size_t size, const char *rel);

#endif
