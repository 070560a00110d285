/* bulk.c — a first index built in parallel: scratch shards written by worker threads, merged by
 * compaction into the new database (kk_bulk_build in run_internal.h).
 *
 * When the database does not exist yet, the found files, in walk order, are cut into chunks of
 * about KK_CHUNK_BYTES. Worker threads, one per core, take the chunks in order and write each
 * into a fresh scratch shard of its own, with their own analyzer and Xapian writer: they share
 * only the chunk counter, the statistics and the callbacks. When the KK_FANIN consecutive shards
 * of a group are all written, the worker that finished the last of them compacts the group into
 * one shard of the next level. At the end one shard holding the synonyms and the top level's
 * shards are compacted into the database, which appears at its path by a single rename: a
 * reader, or the next job after a crash, sees no database or the whole one. Shards are merged in
 * file order, so documents get the numbers a one-thread build gives them.
 *
 * Why shards: Xapian's writer keeps each batch in maps keyed by term and merges it into the
 * tables it flushes to; both costs grow with the batch and with the database. A small batch
 * flushed once into an empty shard is several times cheaper per passage, compaction is a
 * sequential merge, and two writers use two cores (see the README's performance section).
 *
 * Scratch lives in the folder "<db>.kk-build" beside the database, guarded by an flock on its
 * lock file: a second job building the same database waits for the first (and then updates the
 * database it built); a folder left by a crash is removed by the next job.
 */
#define _DEFAULT_SOURCE /* flock */
#include "run_internal.h"
#include "kk_xapian.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Input bytes per scratch shard, in whole files (a larger file makes a shard of its own). A
 * shard's batch is added and flushed faster the smaller it is, but each shard leaves one more
 * postlist chunk per term in the merged index. Measured with one thread on 13 MB of the minutes
 * (h20): 256 KiB 12.0 s and 125 MB, 512 KiB 10.5 s and 122 MB, 1 MiB 13.0 s and 120 MB, 2 MiB
 * 14.9 s and 119 MB (a one-writer build: 19.5 s, and 116 MB only after xapian-compact). */
#define KK_CHUNK_BYTES (512u * 1024u)

/* Shards merged into one of the next level. Each level rewrites the index once, so fewer levels
 * are cheaper; 32 keeps the final merge of a 500 MB corpus to one level below the top, with
 * about 200 files open at once (six tables per shard). */
#define KK_FANIN 32

/* Enough levels for 32^7 shards, far beyond any archive. */
#define KK_MAX_LEVELS 8

/* More threads than this would only wait on each other's compactions. */
#define KK_MAX_THREADS 16

/* Room in path buffers for a shard's name after the scratch folder's. */
#define KK_DIR_MAX (PATH_MAX - 64)

/* Between attempts to take another builder's lock: short enough not to add to a build's time,
 * long enough not to spin. */
#define KK_LOCK_POLL_MS 50

typedef struct chunk {
    size_t first, end; /* files [first, end) of the job */
} chunk;

typedef struct bulk {
    kk_job *j;
    char dir[KK_DIR_MAX];          /* scratch folder */
    chunk *chunks;
    size_t n_chunks;
    size_t top;                    /* the level whose shards the final merge takes */
    size_t count[KK_MAX_LEVELS];   /* shards at each level */
    unsigned *done[KK_MAX_LEVELS]; /* levels below top: shards finished, per group */
    pthread_mutex_t mu;            /* guards next, done, failed, err; also the job's lock */
    size_t next;                   /* next chunk to take */
    char *dict;                    /* the record dictionary every shard packs with */
    size_t dict_len;
    kk_status failed;              /* the first worker error, which stops every worker */
    kk_error err;
} bulk;

typedef struct worker {
    bulk *b;
    kk_indexer *ix;
    pthread_t thread;
} worker;

/* ---- scratch folder ------------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Remove path and everything under it; a missing path is not an error. */
static kk_status remove_tree(const char *path, kk_error *err)
{
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
        return kk_error_set(err, KK_EIO, "removing '%s': %s", path, strerror(errno));
    return KK_OK;
}

static int remove_unless_lock(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (ftw->level == 0 || (ftw->level == 1 && strcmp(path + ftw->base, "lock") == 0))
        return 0;
    return remove_entry(path, st, type, ftw);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Open and flock dir/lock without waiting: the fd, -1 when another process holds it (errno
 * EWOULDBLOCK), -2 on another error (errno says which). A lock file that was removed and made
 * again while we waited is not the lock any more: then try again. */
static int try_lock(const char dir[KK_DIR_MAX])
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lock", dir);
    for (int attempt = 0; attempt < 100; attempt++) {
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return -2;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0 && errno == ENOENT)
            continue; /* the folder went away under us */
        if (fd < 0)
            return -2;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return e == EWOULDBLOCK ? -1 : -2;
        }
        struct stat held, now;
        if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_ino == now.st_ino
            && held.st_dev == now.st_dev)
            return fd;
        close(fd);
    }
    errno = EAGAIN;
    return -2;
}

/* Take the scratch folder's lock, waiting up to wait_ms for another builder. */
static kk_status lock_scratch(const bulk *b, unsigned wait_ms, int *fd, kk_error *err)
{
    double deadline = now_ms() + wait_ms;
    for (;;) {
        *fd = try_lock(b->dir);
        if (*fd >= 0)
            return KK_OK;
        if (*fd == -2)
            return kk_error_set(err, KK_EIO, "creating '%s': %s", b->dir, strerror(errno));
        if (now_ms() >= deadline)
            return kk_error_set(err, KK_ELOCKED,
                                "database '%s' is locked by another writer (waited %u ms): "
                                "another keikaku-index is building it", b->j->opts->db_path,
                                wait_ms);
        struct timespec pause = {0, KK_LOCK_POLL_MS * 1000000L};
        nanosleep(&pause, NULL);
    }
}

/* Remove the scratch folder and let go of its lock. */
static void release_scratch(const bulk *b, int fd)
{
    nftw(b->dir, remove_unless_lock, 16, FTW_DEPTH | FTW_PHYS);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lock", b->dir);
    unlink(path);
    rmdir(b->dir);
    close(fd);
}

/* A scratch folder left by a build that crashed: remove it if nobody holds its lock. */
static void remove_stale_scratch(const bulk *b)
{
    struct stat st;
    if (stat(b->dir, &st) != 0)
        return;
    int fd = try_lock(b->dir);
    if (fd >= 0)
        release_scratch(b, fd);
}

static void shard_path(const bulk *b, size_t level, size_t index, char *out, size_t n)
{
    snprintf(out, n, "%s/%zu-%zu", b->dir, level, index);
}

/* ---- plan ---------------------------------------------------------------------------------- */

/* Cut the files into chunks of about KK_CHUNK_BYTES or opts->shard_bytes (by their size now; a
 * file that cannot be stat'ed counts as empty and is reported when its worker reads it). */
static kk_status plan_chunks(bulk *b, kk_error *err)
{
    kk_job *j = b->j;
    b->chunks = calloc(j->n_files + 1, sizeof *b->chunks);
    if (!b->chunks)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    size_t bytes = 0, limit = j->opts->shard_bytes ? j->opts->shard_bytes : KK_CHUNK_BYTES;
    for (size_t k = 0; k < j->n_files; k++) {
        struct stat st;
        if (bytes == 0)
            b->chunks[b->n_chunks++].first = k;
        bytes += stat(j->files[k].path, &st) == 0 ? (size_t)st.st_size : 0;
        b->chunks[b->n_chunks - 1].end = k + 1;
        if (bytes >= limit)
            bytes = 0;
    }
    return KK_OK;
}

/* Levels: KK_FANIN shards of one level make one of the next, until a level has no more than
 * KK_FANIN shards for the final merge. */
static kk_status plan_levels(bulk *b, kk_error *err)
{
    b->count[0] = b->n_chunks;
    while (b->count[b->top] > KK_FANIN && b->top + 1 < KK_MAX_LEVELS) {
        size_t groups = (b->count[b->top] + KK_FANIN - 1) / KK_FANIN;
        b->done[b->top] = calloc(groups, sizeof **b->done);
        if (!b->done[b->top])
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        b->count[++b->top] = groups;
    }
    return KK_OK;
}

/* ---- workers ------------------------------------------------------------------------------- */

static void fail(bulk *b, kk_status st, const kk_error *e)
{
    pthread_mutex_lock(&b->mu);
    if (b->failed == KK_OK) {
        b->failed = st;
        b->err = *e;
    }
    pthread_mutex_unlock(&b->mu);
}

/* The next chunk to write, or SIZE_MAX when none is left or a worker failed. */
static size_t take_chunk(bulk *b)
{
    pthread_mutex_lock(&b->mu);
    size_t c = b->failed == KK_OK && b->next < b->n_chunks ? b->next++ : SIZE_MAX;
    pthread_mutex_unlock(&b->mu);
    return c;
}

/* Index one file into the worker's shard. Only database errors are returned. */
static kk_status index_one(kk_job *j, kk_indexer *ix, const kk_found_file *f, kk_error *err)
{
    kk_file_stamp stamp;
    kk_error ferr = {0};
    if (kk_job_stamp(f->path, &stamp, &ferr) != KK_OK) {
        kk_job_skip(j, KK_SKIP_UNREADABLE);
        kk_job_report(j, "%s, skipped", ferr.message);
        kk_job_file_done(j, f, 0, 0);
        return KK_OK;
    }
    kk_document *d = kk_job_read(j, f, NULL);
    size_t n = 0;
    kk_status st = d ? kk_indexer_add(ix, f->id, &stamp, d, &n, err) : KK_OK;
    kk_document_free(d);
    if (st == KK_OK)
        kk_job_file_done(j, f, d != NULL, n);
    return st;
}

static kk_status write_chunk(worker *w, size_t c, kk_error *err)
{
    char path[PATH_MAX];
    shard_path(w->b, 0, c, path, sizeof path);
    kk_status st = kk_indexer_shard_start(w->ix, path, err);
    const chunk *ch = &w->b->chunks[c];
    for (size_t k = ch->first; st == KK_OK && k < ch->end; k++)
        st = index_one(w->b->j, w->ix, &w->b->j->files[k], err);
    kk_status done = kk_indexer_shard_finish(w->ix, st == KK_OK ? err : NULL);
    return st == KK_OK ? done : st;
}

/* Compact the n shards of group g of a level into shard g of the next level and remove them. */
static kk_status merge_group(const bulk *b, size_t level, size_t g, size_t n, kk_error *err)
{
    char paths[KK_FANIN][PATH_MAX], dest[PATH_MAX];
    const char *sources[KK_FANIN];
    for (size_t k = 0; k < n; k++) {
        shard_path(b, level, g * KK_FANIN + k, paths[k], sizeof paths[k]);
        sources[k] = paths[k];
    }
    shard_path(b, level + 1, g, dest, sizeof dest);
    kk_status st = kk_db_compact(sources, n, dest, err);
    for (size_t k = 0; st == KK_OK && k < n; k++)
        st = remove_tree(paths[k], err);
    return st;
}

/* Shard index of level is written: when that completes its group, merge the group, and so on
 * up the levels. */
static kk_status shard_written(bulk *b, size_t level, size_t index, kk_error *err)
{
    for (; level < b->top; level++, index /= KK_FANIN) {
        size_t g = index / KK_FANIN, left = b->count[level] - g * KK_FANIN;
        size_t size = left < KK_FANIN ? left : KK_FANIN;
        pthread_mutex_lock(&b->mu);
        int complete = ++b->done[level][g] == size;
        pthread_mutex_unlock(&b->mu);
        if (!complete)
            return KK_OK;
        kk_status st = merge_group(b, level, g, size, err);
        if (st != KK_OK)
            return st;
    }
    return KK_OK;
}

static void *work(void *arg)
{
    worker *w = arg;
    kk_error err = {0};
    kk_status st = kk_indexer_new_for_shards(&w->ix, &err);
    if (st == KK_OK)
        st = kk_indexer_set_dictionary(w->ix, w->b->dict, w->b->dict_len, &err);
    for (size_t c; st == KK_OK && (c = take_chunk(w->b)) != SIZE_MAX;) {
        st = write_chunk(w, c, &err);
        if (st == KK_OK)
            st = shard_written(w->b, 0, c, &err);
    }
    if (st != KK_OK)
        fail(w->b, st, &err);
    kk_indexer_free(w->ix);
    w->ix = NULL;
    return NULL;
}

static unsigned thread_count(const bulk *b)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = b->j->opts->threads ? b->j->opts->threads : (cores > 0 ? (size_t)cores : 1);
    if (n > KK_MAX_THREADS)
        n = KK_MAX_THREADS;
    if (n > b->n_chunks)
        n = b->n_chunks;
    return n ? (unsigned)n : 1;
}

/* Write every chunk with the workers; the first error of any worker is returned. */
static kk_status run_workers(bulk *b, kk_error *err)
{
    unsigned n = thread_count(b), started = 0;
    worker *w = calloc(n, sizeof *w);
    if (!w)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (; started < n; started++) {
        w[started].b = b;
        if (pthread_create(&w[started].thread, NULL, work, &w[started]) != 0)
            break;
    }
    if (started == 0)
        work(&w[0]); /* no thread could be made: do the work on this one */
    for (unsigned k = 0; k < started; k++)
        pthread_join(w[k].thread, NULL);
    free(w);
    if (b->failed != KK_OK && err)
        *err = b->err;
    return b->failed;
}

/* ---- the build ----------------------------------------------------------------------------- */

/* The shard holding what is not a passage: synonyms, the analysis version and the record
 * dictionary. */
static kk_status write_meta(bulk *b, char *path, size_t n, kk_error *err)
{
    snprintf(path, n, "%s/meta", b->dir);
    kk_indexer *ix = NULL;
    kk_status st = kk_indexer_new_for_shards(&ix, err);
    if (st == KK_OK)
        st = kk_indexer_shard_start(ix, path, err);
    if (st == KK_OK)
        st = kk_indexer_set_dictionary(ix, b->dict, b->dict_len, err);
    if (st == KK_OK)
        st = kk_job_load_synonyms(b->j->opts, ix, err);
    kk_status done = ix ? kk_indexer_shard_finish(ix, st == KK_OK ? err : NULL) : KK_OK;
    kk_indexer_free(ix);
    return st == KK_OK ? done : st;
}

/* Merge the meta shard and the top level's shards into the database and move it into place. */
static kk_status finish(bulk *b, const char *meta, kk_error *err)
{
    size_t n = b->count[b->top] + 1;
    char (*paths)[PATH_MAX] = calloc(n, sizeof *paths);
    const char **sources = calloc(n, sizeof *sources);
    char final[PATH_MAX];
    kk_status st = paths && sources ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        if (k == 0)
            snprintf(paths[k], PATH_MAX, "%s", meta);
        else
            shard_path(b, b->top, k - 1, paths[k], PATH_MAX);
        sources[k] = paths[k];
    }
    snprintf(final, sizeof final, "%s/final", b->dir);
    if (st == KK_OK)
        st = kk_db_compact(sources, n, final, err);
    if (st == KK_OK && rename(final, b->j->opts->db_path) != 0)
        st = errno == EEXIST || errno == ENOTEMPTY
                 ? kk_error_set(err, KK_ELOCKED, "database '%s' was created by another writer "
                                "while this one built it", b->j->opts->db_path)
                 : kk_error_set(err, KK_EIO, "moving the new database to '%s': %s",
                                b->j->opts->db_path, strerror(errno));
    free(paths);
    free(sources);
    return st;
}

static kk_status build(bulk *b, kk_error *err)
{
    char meta[PATH_MAX];
    kk_status st = plan_chunks(b, err);
    if (st == KK_OK)
        st = plan_levels(b, err);
    if (st == KK_OK)
        st = kk_job_train_dictionary(b->j, &b->dict, &b->dict_len, err);
    if (st == KK_OK)
        st = write_meta(b, meta, sizeof meta, err);
    if (st == KK_OK)
        st = run_workers(b, err);
    if (st == KK_OK)
        st = finish(b, meta, err);
    return st;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 || errno != ENOENT;
}

kk_status kk_bulk_build(kk_job *j, int *built, kk_error *err)
{
    *built = 0;
    bulk b = {.j = j};
    if (snprintf(b.dir, sizeof b.dir, "%s.kk-build", j->opts->db_path) >= (int)sizeof b.dir)
        return kk_error_set(err, KK_EINVAL, "database path '%s' is too long", j->opts->db_path);
    if (exists(j->opts->db_path)) {
        remove_stale_scratch(&b);
        return KK_OK; /* an update; a path that cannot be checked is reported by the update */
    }
    int fd = -1;
    kk_status st = lock_scratch(&b, j->opts->lock_wait_ms, &fd, err);
    if (st != KK_OK)
        return st;
    if (exists(j->opts->db_path)) { /* built by the writer we waited for */
        release_scratch(&b, fd);
        return KK_OK;
    }
    nftw(b.dir, remove_unless_lock, 16, FTW_DEPTH | FTW_PHYS); /* a crashed build's shards */
    pthread_mutex_init(&b.mu, NULL);
    j->lock = &b.mu;
    st = build(&b, err);
    j->lock = NULL;
    pthread_mutex_destroy(&b.mu);
    release_scratch(&b, fd);
    free(b.chunks);
    free(b.dict);
    for (size_t k = 0; k < KK_MAX_LEVELS; k++)
        free(b.done[k]);
    *built = st == KK_OK;
    return st;
}
