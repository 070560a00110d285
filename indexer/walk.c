/* walk.c — depth-first walk of files and folders for the indexer (see kk_walk.h).
 *
 * Keeps the (device, inode) of every folder entered so that symbolic-link loops and folders
 * reached twice are walked once. Reads .keikakuignore patterns per folder. Knows nothing of
 * file formats: the caller decides which files it wants.
 */
#include "kk_walk.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kk_text.h"

#define KK_IGNORE_FILE ".keikakuignore"

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct walker {
    kk_walk_file_cb file_cb;
    kk_walk_problem_cb problem_cb;
    void *ctx;
    dir_id *seen;
    size_t n_seen, cap_seen;
    int stopped;
} walker;

static void problem(walker *w, const char *path, const char *why)
{
    if (w->problem_cb)
        w->problem_cb(path, why, w->ctx);
}

/* Remember a folder; returns 0 if it was seen before, -1 when out of memory. */
static int mark_seen(walker *w, const struct stat *st)
{
    for (size_t k = 0; k < w->n_seen; k++)
        if (w->seen[k].dev == st->st_dev && w->seen[k].ino == st->st_ino)
            return 0;
    if (w->n_seen == w->cap_seen) {
        size_t cap = w->cap_seen ? w->cap_seen * 2 : 32;
        dir_id *p = realloc(w->seen, cap * sizeof *p);
        if (!p)
            return -1;
        w->seen = p;
        w->cap_seen = cap;
    }
    w->seen[w->n_seen++] = (dir_id){st->st_dev, st->st_ino};
    return 1;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .keikakuignore patterns of a folder as one buffer of NUL-separated lines. */
static char *read_ignore(const char *dir, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, KK_IGNORE_FILE);
    FILE *f = fopen(path, "r");
    *len = 0;
    if (!f)
        return NULL;
    kk_buf b = {0};
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#')
            kk_buf_add(&b, line, strlen(line) + 1);
    }
    fclose(f);
    return kk_buf_take(&b, len);
}

static int ignored(const char *patterns, size_t len, const char *name)
{
    for (size_t k = 0; k < len; k += strlen(patterns + k) + 1)
        if (fnmatch(patterns + k, name, 0) == 0)
            return 1;
    return 0;
}

typedef struct patterns {
    const char *data; /* NUL-separated globs, this folder's and its parents' */
    size_t len;
} patterns;

static kk_status walk_path(walker *w, const char *path, const char *doc, const patterns *inherited,
                           kk_error *err);

/* The patterns of a folder: its parents' followed by its own .keikakuignore. Caller frees. */
static char *folder_patterns(const char *path, const patterns *inherited, size_t *len)
{
    size_t own_len = 0;
    char *own = read_ignore(path, &own_len);
    kk_buf b = {0};
    kk_buf_add(&b, inherited->data, inherited->len);
    kk_buf_add(&b, own ? own : "", own_len);
    free(own);
    return kk_buf_take(&b, len);
}

/* Read the names of a folder, sorted, minus hidden and ignored ones. */
static kk_status list_dir(walker *w, const char *path, const patterns *ignore, char ***names,
                          size_t *n, kk_error *err)
{
    *names = NULL;
    *n = 0;
    DIR *dir = opendir(path);
    if (!dir) {
        char why[256];
        snprintf(why, sizeof why, KK_WALK_UNREADABLE ": %s", strerror(errno));
        problem(w, path, why);
        return KK_OK;
    }
    size_t cap = 0;
    struct dirent *e;
    kk_status st = KK_OK;
    while (st == KK_OK && (e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' || ignored(ignore->data, ignore->len, e->d_name))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(*names, cap * sizeof *p);
            if (!p) {
                st = kk_error_set(err, KK_ENOMEM, "out of memory listing %s", path);
                break;
            }
            *names = p;
        }
        if (!((*names)[*n] = strdup(e->d_name)))
            st = kk_error_set(err, KK_ENOMEM, "out of memory listing %s", path);
        else
            (*n)++;
    }
    closedir(dir);
    if (*n)
        qsort(*names, *n, sizeof **names, compare_names);
    return st;
}

/* dir + "/" + name, malloc'd; NULL when out of memory. */
static char *join_path(const char *dir, const char *name)
{
    kk_buf b = {0};
    if (kk_buf_printf(&b, "%s/%s", dir, name) != KK_OK) {
        kk_buf_free(&b);
        return NULL;
    }
    return kk_buf_take(&b, NULL);
}

static kk_status walk_dir(walker *w, const char *path, const char *doc, const patterns *inherited,
                          kk_error *err)
{
    char **names = NULL;
    size_t n = 0;
    patterns mine = {NULL, 0};
    char *data = folder_patterns(path, inherited, &mine.len);
    mine.data = data ? data : "";
    kk_status st = list_dir(w, path, &mine, &names, &n, err);
    for (size_t k = 0; st == KK_OK && k < n && !w->stopped; k++) {
        char *child = join_path(path, names[k]);
        char *child_doc = *doc ? join_path(doc, names[k]) : strdup(names[k]);
        if (!child || !child_doc)
            st = kk_error_set(err, KK_ENOMEM, "out of memory walking %s", path);
        else
            st = walk_path(w, child, child_doc, &mine, err);
        free(child);
        free(child_doc);
    }
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    free(names);
    free(data);
    return st;
}

static kk_status walk_path(walker *w, const char *path, const char *doc, const patterns *inherited,
                           kk_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        problem(w, path, errno == ENOENT ? "broken link or vanished file" : strerror(errno));
        return KK_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        int fresh = mark_seen(w, &st);
        if (fresh < 0)
            return kk_error_set(err, KK_ENOMEM, "out of memory walking %s", path);
        if (!fresh) {
            problem(w, path, "folder already walked (symbolic link loop?), skipped");
            return KK_OK;
        }
        return walk_dir(w, path, doc, inherited, err);
    }
    if (S_ISREG(st.st_mode) && w->file_cb(path, doc, w->ctx))
        w->stopped = 1;
    return KK_OK;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

kk_status kk_walk(const char *root, kk_walk_file_cb file_cb, kk_walk_problem_cb problem_cb,
                  void *ctx, kk_error *err)
{
    struct stat st;
    if (stat(root, &st) != 0)
        return kk_error_set(err, KK_EIO, "%s: %s", root, strerror(errno));
    walker w = {file_cb, problem_cb, ctx, NULL, 0, 0, 0};
    kk_status status;
    if (S_ISDIR(st.st_mode)) {
        patterns none = {"", 0};
        status = walk_path(&w, root, "", &none, err);
    } else if (S_ISREG(st.st_mode)) {
        file_cb(root, base_name(root), ctx);
        status = KK_OK;
    } else {
        status = kk_error_set(err, KK_EIO, "%s: not a file or folder", root);
    }
    free(w.seen);
    return status;
}
