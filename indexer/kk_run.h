/* kk_run.h — one indexing job: walk the named paths, index new and changed files, remove the
 * passages of files that disappeared, and count what happened.
 *
 * A database that does not exist yet is built in parallel, one worker thread per core, and
 * appears whole when the job ends: an interrupted first build leaves no database (the next job
 * starts it again). An existing database is updated in batches of whole files, so an
 * interrupted update leaves an index holding exactly the files committed so far; the next job
 * finishes the work. Either way the index is the same, document numbers included. A file that
 * cannot be read is reported through the problem callback and counted, never fatal: only
 * database errors stop a job. keikaku-index is a thin front over this.
 */
#ifndef KK_RUN_H
#define KK_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "kk_error.h"

/* Why a file was skipped; counted per reason in the summary. */
typedef enum kk_skip_reason {
    KK_SKIP_UNSUPPORTED, /* not a file type keikaku reads */
    KK_SKIP_UNREADABLE,  /* permissions, I/O error, vanished */
    KK_SKIP_BINARY,      /* binary or malformed content */
    KK_SKIP_ENCODING,    /* text in no supported encoding */
    KK_SKIP_WALK,        /* a folder or link that could not be walked */
    KK_SKIP_COUNT
} kk_skip_reason;

const char *kk_skip_reason_name(kk_skip_reason r);

typedef struct kk_run_stats {
    size_t files_seen;      /* supported files found */
    size_t files_indexed;   /* new or changed, (re)indexed */
    size_t files_unchanged; /* same size, mtime and content as indexed before */
    size_t files_removed;   /* gone from disk, their passages removed */
    size_t files_skipped;   /* see skipped[] */
    size_t skipped[KK_SKIP_COUNT];
    size_t passages;        /* passages written */
    size_t warnings;        /* problems inside files that did not stop them (a bad CSV row) */
    double seconds;
} kk_run_stats;

typedef struct kk_run_opts {
    const char *db_path;
    const char *const *roots;       /* files and folders to index */
    size_t n_roots;
    const char *const *synonym_files; /* extra synonym tables, loaded after the built-in one */
    size_t n_synonym_files;
    int force;                      /* reindex files even when unchanged */
    unsigned lock_wait_ms;          /* how long to wait for another writer */
    size_t batch_passages;          /* commit after this many passages (0: default); an update
                                       only: a first build commits once, at the end */
    unsigned threads;               /* worker threads of a first build (0: one per core) */
    size_t shard_bytes;             /* input bytes per scratch shard of a first build (0: the
                                       tuned default; tests make it small to merge in levels) */
    /* Called after each file (done of total; from the workers of a first build, one at a
     * time, in the order files finish); may be NULL. */
    void (*progress)(size_t done, size_t total, const char *doc, void *ctx);
    /* Called for each skipped file or warning with a message naming it (one call at a time);
     * may be NULL. */
    void (*problem)(const char *message, void *ctx);
    void *ctx;
} kk_run_opts;

/* Run the job. Returns KK_OK when the database is consistent and every readable file indexed,
 * even if some files were skipped (see stats). */
kk_status kk_run_index(const kk_run_opts *opts, kk_run_stats *stats, kk_error *err);

/* Read the files like kk_run_index but write each passage as one line of JSON (the fields and
 * text of kk_index_passage_json) to out instead of indexing: the same passages, for loading into
 * another engine or for inspection. No database is opened. */
kk_status kk_run_dump(const kk_run_opts *opts, FILE *out, kk_run_stats *stats, kk_error *err);

/* The built-in synonym table (indexer/synonyms.tsv, compiled in). */
extern const char kk_builtin_synonyms[];
extern const size_t kk_builtin_synonyms_len;

#endif
