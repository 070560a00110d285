/* run_internal.h — what the two paths of an indexing job share (private to run.c and bulk.c).
 *
 * A job walks its roots into a list of found files, then either updates an existing database
 * file by file (run.c) or, when there is no database yet, builds it in parallel shards (bulk.c).
 * Both count into the same statistics and report through the same callbacks, which in a
 * parallel build are called under the job's lock, one thread at a time.
 */
#ifndef KK_RUN_INTERNAL_H
#define KK_RUN_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "kk_document.h"
#include "kk_index.h"
#include "kk_run.h"

typedef struct kk_found_file {
    char *path, *doc, *id; /* as opened, relative to its root, canonical (the file id) */
} kk_found_file;

typedef struct kk_job {
    const kk_run_opts *opts;
    kk_run_stats *stats;
    kk_found_file *files; /* in walk order */
    size_t n_files, cap_files;
    kk_status oom;
    size_t since_commit;
    pthread_mutex_t *lock; /* held around statistics and callbacks; NULL with one thread */
    size_t done;           /* files finished in a parallel build, for progress */
    char **unlisted;       /* canonical folders whose entries could not be listed: what the
                              index holds under them is not taken as deleted */
    size_t n_unlisted, cap_unlisted;
} kk_job;

/* Call the job's problem callback with a formatted message (under the lock, if any). */
void kk_job_report(kk_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Count a skipped file (under the lock, if any). */
void kk_job_skip(kk_job *j, kk_skip_reason reason);

/* A file of a parallel build is finished: count it as indexed with its passages (if indexed)
 * and call the progress callback (under the lock). */
void kk_job_file_done(kk_job *j, const kk_found_file *f, int indexed, size_t passages);

/* The size, mtime and content hash of the file at path. */
kk_status kk_job_stamp(const char *path, kk_file_stamp *stamp, kk_error *err);

/* Read and split f (with the facts of its manifests). A file that cannot be read is counted and
 * reported (kept_note is appended to the message, e.g. that its earlier passages are kept) and
 * NULL returned; warnings inside a file are counted and reported. The caller frees the result. */
kk_document *kk_job_read(kk_job *j, const kk_found_file *f, const char *kept_note);

/* Train the compression dictionary of a first build on passages sampled across the job's files
 * (dictionary.c). *dict is malloc'd (caller frees); NULL and *len 0 when the files are too few
 * to train one. */
kk_status kk_job_train_dictionary(kk_job *j, char **dict, size_t *len, kk_error *err);

/* Load the built-in synonyms and the job's synonym files into ix. */
kk_status kk_job_load_synonyms(const kk_run_opts *o, kk_indexer *ix, kk_error *err);

/* If the job's database does not exist, build it from every found file in parallel (bulk.c)
 * and set *built; if it exists (or appears while waiting for another builder), leave *built 0
 * for the caller to update it. Another builder of the same database is waited for up to
 * opts->lock_wait_ms, then KK_ELOCKED. */
kk_status kk_bulk_build(kk_job *j, int *built, kk_error *err);

#endif
