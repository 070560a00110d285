/* kk_walk.h — finding the files to index under the paths a user names.
 *
 * Walks files and folders depth-first in name order, follows symbolic links but never the same
 * folder twice (so link loops end), skips hidden entries and names matched by a .keikakuignore
 * file in the folder or any folder above it within the walk (one shell glob per line, # for
 * comments, matched against the entry name).
 * It reports what it finds and what it cannot enter through callbacks; it reads no file content.
 */
#ifndef KK_WALK_H
#define KK_WALK_H

#include "kk_error.h"

/* A file found: path as opened, doc its path relative to the named root (the root's own name when
 * the root is a file). Return non-zero to stop the walk. */
typedef int (*kk_walk_file_cb)(const char *path, const char *doc, void *ctx);

/* Something that could not be walked (unreadable folder, broken link, loop): a message naming it.
 * The walk goes on. */
typedef void (*kk_walk_problem_cb)(const char *path, const char *why, void *ctx);

/* The start of `why` for a folder whose entries could not be listed (permissions, I/O): unlike a
 * loop or a broken link, its files may well still exist, so what an index holds under it must
 * not be taken as deleted. */
#define KK_WALK_UNREADABLE "cannot read folder"

/* Walk root. Fails only if root itself does not exist or cannot be read (KK_EIO) or on memory
 * exhaustion; problems below it go to problem_cb. */
kk_status kk_walk(const char *root, kk_walk_file_cb file_cb, kk_walk_problem_cb problem_cb,
                  void *ctx, kk_error *err);

#endif
