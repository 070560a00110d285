/* run.c — one indexing job over files and folders (see kk_run.h).
 *
 * Owns the job's sequence: walk, then either a first build (a database that does not exist yet
 * is built in parallel by bulk.c) or an update: synonyms, per-file change detection by stamp,
 * reading, indexing, batch commits, removal of vanished files. Also the helpers both paths
 * share (run_internal.h) and the passage dump. Reading formats is kk_document's job, terms are
 * kk_index's; this file only decides what to do with each file and when to commit.
 */
#include "run_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kk_document.h"
#include "kk_index.h"
#include "kk_manifest.h"
#include "kk_schema.h"
#include "kk_text.h"
#include "kk_walk.h"

/* Passages per commit. Larger batches index faster (fewer flushes of Xapian's tables) but hold
 * more in memory and lose more work on a crash; 20,000 passages keep the writer well under
 * 1 GB on the minutes corpus. */
#define KK_DEFAULT_BATCH 20000

const char *kk_skip_reason_name(kk_skip_reason r)
{
    static const char *const names[KK_SKIP_COUNT] = {
        "unsupported type", "unreadable", "binary or malformed", "unknown encoding",
        "could not walk",
    };
    return (unsigned)r < KK_SKIP_COUNT ? names[r] : "other";
}

typedef kk_job job;
typedef kk_found_file found_file;

static void lock(job *j)
{
    if (j->lock)
        pthread_mutex_lock(j->lock);
}

static void unlock(job *j)
{
    if (j->lock)
        pthread_mutex_unlock(j->lock);
}

void kk_job_report(job *j, const char *fmt, ...)
{
    if (!j->opts->problem)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lock(j);
    j->opts->problem(msg, j->opts->ctx);
    unlock(j);
}

void kk_job_skip(job *j, kk_skip_reason reason)
{
    lock(j);
    j->stats->files_skipped++;
    j->stats->skipped[reason]++;
    unlock(j);
}

static int on_file(const char *path, const char *doc, void *ctx)
{
    job *j = ctx;
    if (!kk_document_supported(path)) {
        kk_job_skip(j, KK_SKIP_UNSUPPORTED);
        kk_job_report(j, "%s: unsupported file type, skipped", path);
        return 0;
    }
    if (j->n_files == j->cap_files) {
        size_t cap = j->cap_files ? j->cap_files * 2 : 256;
        found_file *p = realloc(j->files, cap * sizeof *p);
        if (!p) {
            j->oom = KK_ENOMEM;
            return 1;
        }
        j->files = p;
        j->cap_files = cap;
    }
    found_file *f = &j->files[j->n_files];
    f->path = strdup(path);
    f->doc = strdup(doc);
    f->id = realpath(path, NULL);
    if (!f->path || !f->doc || !f->id) {
        if (f->path && f->doc && !f->id) {
            kk_job_skip(j, KK_SKIP_UNREADABLE);
            kk_job_report(j, "%s: %s, skipped", path, strerror(errno));
            free(f->path);
            free(f->doc);
            return 0;
        }
        j->oom = KK_ENOMEM;
        return 1;
    }
    j->n_files++;
    j->stats->files_seen++;
    return 0;
}

/* Remember a folder that could not be listed (KK_WALK_UNREADABLE), by its canonical path. */
static void remember_unlisted(job *j, const char *path)
{
    if (j->n_unlisted == j->cap_unlisted) {
        size_t cap = j->cap_unlisted ? j->cap_unlisted * 2 : 8;
        char **p = realloc(j->unlisted, cap * sizeof *p);
        if (!p) {
            j->oom = KK_ENOMEM;
            return;
        }
        j->unlisted = p;
        j->cap_unlisted = cap;
    }
    char *canonical = realpath(path, NULL);
    if (canonical)
        j->unlisted[j->n_unlisted++] = canonical;
}

static void on_walk_problem(const char *path, const char *why, void *ctx)
{
    job *j = ctx;
    kk_job_skip(j, KK_SKIP_WALK);
    kk_job_report(j, "%s: %s", path, why);
    if (strncmp(why, KK_WALK_UNREADABLE, strlen(KK_WALK_UNREADABLE)) == 0)
        remember_unlisted(j, path);
}

static uint64_t fnv1a64_update(uint64_t h, const unsigned char *s, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        h ^= s[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Size and mtime of a file (hash 0). */
static kk_status stat_file(const char *path, kk_file_stamp *s, kk_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return kk_error_set(err, KK_EIO, "%s: %s", path, strerror(errno));
    s->size = (uint64_t)st.st_size;
    s->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    s->hash = 0;
    return KK_OK;
}

/* The content hash of a file (FNV-1a 64). */
static kk_status hash_file(const char *path, uint64_t *hash, kk_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kk_error_set(err, KK_EIO, "%s: %s", path, strerror(errno));
    uint64_t h = 0xcbf29ce484222325ULL;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv1a64_update(h, buf, n);
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return kk_error_set(err, KK_EIO, "%s: read error", path);
    *hash = h;
    return KK_OK;
}

/* Whether the file differs from what the index holds: same size and mtime means unchanged
 * without reading it; otherwise the content hash decides (a touched but unchanged file is not
 * reindexed). Fills now with the current stamp. */
static kk_status file_changed(const found_file *f, const kk_file_stamp *before, int found,
                              kk_file_stamp *now, int *changed, kk_error *err)
{
    kk_status st = stat_file(f->path, now, err);
    if (st != KK_OK)
        return st;
    if (found && before->size == now->size && before->mtime_ns == now->mtime_ns) {
        now->hash = before->hash;
        *changed = 0;
        return KK_OK;
    }
    st = hash_file(f->path, &now->hash, err);
    *changed = !(found && before->size == now->size && before->hash == now->hash);
    return st;
}

kk_status kk_job_stamp(const char *path, kk_file_stamp *stamp, kk_error *err)
{
    kk_status st = stat_file(path, stamp, err);
    return st == KK_OK ? hash_file(path, &stamp->hash, err) : st;
}

static kk_skip_reason reason_of(kk_status st)
{
    switch (st) {
    case KK_EENCODING: return KK_SKIP_ENCODING;
    case KK_EFORMAT: return KK_SKIP_BINARY;
    default: return KK_SKIP_UNREADABLE;
    }
}

kk_document *kk_job_read(job *j, const found_file *f, const char *kept_note)
{
    kk_error ferr = {0};
    kk_document *d = NULL;
    kk_status st = kk_manifest_read_document(f->path, f->doc, &d, &ferr);
    if (st != KK_OK) {
        kk_job_skip(j, reason_of(st));
        kk_job_report(j, "%s, skipped%s", ferr.message, kept_note ? kept_note : "");
        return NULL;
    }
    if (d->n_warnings) {
        lock(j);
        j->stats->warnings += d->n_warnings;
        unlock(j);
        kk_job_report(j, "%s (%zu problem%s in this file)", d->first_warning, d->n_warnings,
               d->n_warnings == 1 ? "" : "s");
    }
    return d;
}

void kk_job_file_done(job *j, const found_file *f, int indexed, size_t passages)
{
    lock(j);
    if (indexed) {
        j->stats->files_indexed++;
        j->stats->passages += passages;
    }
    j->done++;
    if (j->opts->progress)
        j->opts->progress(j->done, j->n_files, f->doc, j->opts->ctx);
    unlock(j);
}

static kk_status commit_batch(job *j, kk_indexer *ix, kk_error *err)
{
    kk_status st = kk_indexer_commit(ix, err);
    if (st == KK_OK)
        st = kk_indexer_begin(ix, err);
    j->since_commit = 0;
    return st;
}

/* Index one file if it is new or changed. Only database errors are returned; problems with the
 * file itself are reported and counted. */
static kk_status index_file(job *j, kk_indexer *ix, const found_file *f, kk_error *err)
{
    kk_file_stamp now, before;
    int found = 0, changed = 1;
    kk_error ferr = {0};
    kk_status st = kk_indexer_stamp(ix, f->id, &before, &found, err);
    if (st != KK_OK)
        return st;
    if (file_changed(f, &before, found, &now, &changed, &ferr) != KK_OK) {
        kk_job_skip(j, KK_SKIP_UNREADABLE);
        kk_job_report(j, "%s, skipped", ferr.message);
        return KK_OK;
    }
    if (!changed && !j->opts->force) {
        j->stats->files_unchanged++;
        return KK_OK;
    }
    kk_document *d = kk_job_read(j, f, found ? " (its earlier passages are kept)" : NULL);
    if (!d)
        return KK_OK;
    size_t n = 0;
    st = kk_indexer_add(ix, f->id, &now, d, &n, err);
    kk_document_free(d);
    if (st != KK_OK)
        return st;
    j->stats->files_indexed++;
    j->stats->passages += n;
    j->since_commit += n;
    size_t batch = j->opts->batch_passages ? j->opts->batch_passages : KK_DEFAULT_BATCH;
    return j->since_commit >= batch ? commit_batch(j, ix, err) : KK_OK;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(((const found_file *)a)->id, ((const found_file *)b)->id);
}

typedef struct removal {
    job *j;
    char **roots; /* canonical paths of the roots */
    char **gone;  /* file ids to remove, collected first: no writes while iterating terms */
    size_t n_gone, cap_gone;
} removal;

static int under_root(const char *id, char *const *roots, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(roots[k]);
        if (strncmp(id, roots[k], len) == 0 && (id[len] == '/' || id[len] == '\0'))
            return 1;
    }
    return 0;
}

static int collect_gone(const char *id, void *ctx)
{
    removal *r = ctx;
    found_file key = {NULL, NULL, (char *)id};
    if (!under_root(id, r->roots, r->j->opts->n_roots)
        || under_root(id, r->j->unlisted, r->j->n_unlisted))
        return 0;
    if (bsearch(&key, r->j->files, r->j->n_files, sizeof key, compare_ids))
        return 0;
    if (r->n_gone == r->cap_gone) {
        size_t cap = r->cap_gone ? r->cap_gone * 2 : 16;
        char **p = realloc(r->gone, cap * sizeof *p);
        if (!p)
            return 1;
        r->gone = p;
        r->cap_gone = cap;
    }
    r->gone[r->n_gone] = strdup(id);
    if (r->gone[r->n_gone])
        r->n_gone++;
    return 0;
}

/* Remove the passages of files that were indexed under one of the roots but are gone now (not
 * those under a folder that could not be listed: they may well be there). */
static kk_status remove_vanished(job *j, kk_indexer *ix, kk_error *err)
{
    removal r = {j, calloc(j->opts->n_roots + 1, sizeof(char *)), NULL, 0, 0};
    if (!r.roots)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < j->opts->n_roots; k++)
        r.roots[k] = realpath(j->opts->roots[k], NULL);
    qsort(j->files, j->n_files, sizeof *j->files, compare_ids);
    kk_status st = kk_indexer_each_file(ix, collect_gone, &r, err);
    for (size_t k = 0; k < r.n_gone; k++) {
        if (st == KK_OK)
            st = kk_indexer_remove(ix, r.gone[k], err);
        if (st == KK_OK)
            j->stats->files_removed++;
        free(r.gone[k]);
    }
    for (size_t k = 0; k < j->opts->n_roots; k++)
        free(r.roots[k]);
    free(r.roots);
    free(r.gone);
    return st;
}

static char *read_whole_file(const char *path, size_t *len, kk_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        kk_error_set(err, KK_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    kk_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (kk_buf_add(&b, chunk, n) != KK_OK)
            break;
    int failed = ferror(f) || n > 0;
    fclose(f);
    if (failed) {
        kk_buf_free(&b);
        kk_error_set(err, KK_EIO, "%s: read error", path);
        return NULL;
    }
    return kk_buf_take(&b, len);
}

kk_status kk_job_load_synonyms(const kk_run_opts *o, kk_indexer *ix, kk_error *err)
{
    size_t n = o->n_synonym_files + 1;
    kk_synonym_table *t = calloc(n, sizeof *t);
    if (!t)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    t[0] = (kk_synonym_table){kk_builtin_synonyms, kk_builtin_synonyms_len, "built-in synonyms"};
    kk_status st = KK_OK;
    for (size_t k = 1; st == KK_OK && k < n; k++) {
        t[k].source = o->synonym_files[k - 1];
        t[k].text = read_whole_file(t[k].source, &t[k].len, err);
        if (!t[k].text)
            st = err ? err->code : KK_EIO;
    }
    if (st == KK_OK)
        st = kk_indexer_set_synonyms(ix, t, n, err);
    for (size_t k = 1; k < n; k++)
        free((char *)t[k].text);
    free(t);
    return st;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static kk_status walk_roots(job *j, kk_error *err)
{
    for (size_t k = 0; k < j->opts->n_roots; k++) {
        kk_status st = kk_walk(j->opts->roots[k], on_file, on_walk_problem, j, err);
        if (st != KK_OK)
            return st;
        if (j->oom)
            return kk_error_set(err, KK_ENOMEM, "out of memory listing files");
    }
    return KK_OK;
}

static kk_status index_files(job *j, kk_indexer *ix, kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < j->n_files; k++) {
        st = index_file(j, ix, &j->files[k], err);
        if (j->opts->progress)
            j->opts->progress(k + 1, j->n_files, j->files[k].doc, j->opts->ctx);
    }
    return st;
}

static void free_files(job *j)
{
    for (size_t k = 0; k < j->n_files; k++) {
        free(j->files[k].path);
        free(j->files[k].doc);
        free(j->files[k].id);
    }
    free(j->files);
    for (size_t k = 0; k < j->n_unlisted; k++)
        free(j->unlisted[k]);
    free(j->unlisted);
}

/* A database written by an older keikaku-index has passages without the fields this one
 * writes; mixing them silently would make filters and facets miss. Only a --force run, which
 * rewrites every file, brings it up to date. */
static kk_status check_outdated(job *j, kk_indexer *ix, kk_error *err)
{
    const char *old = kk_indexer_outdated(ix);
    if (!old || j->opts->force)
        return KK_OK;
    return kk_error_set(err, KK_EINVAL,
                        "database '%s' was written by an older keikaku-index (index layout %s, "
                        "now %s): index again with --force to rewrite its passages",
                        j->opts->db_path, old, KK_SCHEMA_VERSION);
}

/* Bring an existing database up to date with the found files. */
static kk_status update(job *j, kk_error *err)
{
    kk_indexer *ix = NULL;
    kk_status st = kk_indexer_open(j->opts->db_path, j->opts->lock_wait_ms, &ix, err);
    if (st == KK_OK)
        st = check_outdated(j, ix, err);
    if (st == KK_OK)
        st = kk_indexer_begin(ix, err);
    if (st == KK_OK)
        st = kk_job_load_synonyms(j->opts, ix, err);
    if (st == KK_OK)
        st = index_files(j, ix, err);
    if (st == KK_OK)
        st = remove_vanished(j, ix, err);
    if (st == KK_OK && kk_indexer_outdated(ix))
        st = kk_indexer_mark_current(ix, err);
    if (st == KK_OK)
        st = kk_indexer_commit(ix, err);
    kk_indexer_free(ix);
    return st;
}

kk_status kk_run_index(const kk_run_opts *opts, kk_run_stats *stats, kk_error *err)
{
    memset(stats, 0, sizeof *stats);
    double start = now_seconds();
    job j = {.opts = opts, .stats = stats};
    int built = 0;
    kk_status st = walk_roots(&j, err);
    if (st == KK_OK)
        st = kk_bulk_build(&j, &built, err);
    if (st == KK_OK && !built)
        st = update(&j, err);
    free_files(&j);
    stats->seconds = now_seconds() - start;
    return st;
}

static kk_status dump_file(job *j, const found_file *f, FILE *out, kk_error *err)
{
    kk_document *d = kk_job_read(j, f, NULL);
    if (!d)
        return KK_OK;
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < d->n_passages; k++) {
        char *line = kk_index_passage_json(d, k);
        if (!line)
            st = kk_error_set(err, KK_ENOMEM, "out of memory");
        else if (fprintf(out, "%s\n", line) < 0)
            st = kk_error_set(err, KK_EIO, "writing passages: %s", strerror(errno));
        free(line);
    }
    j->stats->files_indexed++;
    j->stats->passages += d->n_passages;
    kk_document_free(d);
    return st;
}

kk_status kk_run_dump(const kk_run_opts *opts, FILE *out, kk_run_stats *stats, kk_error *err)
{
    memset(stats, 0, sizeof *stats);
    double start = now_seconds();
    job j = {.opts = opts, .stats = stats};
    kk_status st = walk_roots(&j, err);
    for (size_t k = 0; st == KK_OK && k < j.n_files; k++)
        st = dump_file(&j, &j.files[k], out, err);
    free_files(&j);
    stats->seconds = now_seconds() - start;
    return st;
}
