/* kk_index.h — writing documents' passages into the index, and knowing which files it holds.
 *
 * A kk_indexer owns one writable database and one analyzer. It turns each passage of a
 * kk_document into a Xapian document laid out as kk_schema.h describes, replacing whatever the
 * same file contributed before, and records each file's size, mtime and content hash so that a
 * rerun can skip unchanged files. Changes become visible to readers only at kk_indexer_commit,
 * whole files at a time: a crash between commits loses the uncommitted files, never corrupts
 * the committed ones. It does not walk folders or read files: see kk_walk.h and kk_document.h.
 */
#ifndef KK_INDEX_H
#define KK_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "kk_document.h"
#include "kk_error.h"

typedef struct kk_indexer kk_indexer;

/* What the index remembers of a file, to tell whether it changed. */
typedef struct kk_file_stamp {
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash; /* FNV-1a 64 of the file's bytes */
} kk_file_stamp;

/* Open (creating if needed) the database at path for writing, waiting up to lock_wait_ms for
 * another writer. Fails with KK_EINVAL if the database was built with other analysis rules
 * (it must be rebuilt: the message says how). */
kk_status kk_indexer_open(const char *path, unsigned lock_wait_ms, kk_indexer **out,
                          kk_error *err);

/* Commit outstanding changes (if any) and close. */
void kk_indexer_free(kk_indexer *ix);

/* Shards of a first index built in parallel (see bulk.c): an indexer made by
 * kk_indexer_new_for_shards writes one fresh scratch database after another with the same
 * analyzer. kk_indexer_shard_start creates the shard at path (replacing any database there; not
 * synced to disk, see kk_db_create_shard); kk_indexer_add then adds files without looking for
 * earlier passages to replace; kk_indexer_shard_finish commits and closes it, so that it can be
 * compacted. Starting a shard while one is open fails with KK_EINVAL. */
kk_status kk_indexer_new_for_shards(kk_indexer **out, kk_error *err);
kk_status kk_indexer_shard_start(kk_indexer *ix, const char *path, kk_error *err);
kk_status kk_indexer_shard_finish(kk_indexer *ix, kk_error *err);

/* Pack the stored data of the passages added from now on with dict (len bytes; 0: no
 * dictionary), and, when a shard or database is open, keep dict in its metadata (KK_META_DICT,
 * kk_record.h). For the shards of a first build, which share the dictionary the build trained;
 * kk_indexer_open uses the one its database holds. */
kk_status kk_indexer_set_dictionary(kk_indexer *ix, const char *dict, size_t len,
                                    kk_error *err);

/* The index layout version of a database written by an older keikaku-index ("none" when it
 * recorded none), or NULL when the database is current. Its passages lack fields this version
 * writes: reindex its files, then call kk_indexer_mark_current (within the batch). */
const char *kk_indexer_outdated(const kk_indexer *ix);
kk_status kk_indexer_mark_current(kk_indexer *ix, kk_error *err);

/* Start a batch; every add/remove until kk_indexer_commit becomes visible atomically. */
kk_status kk_indexer_begin(kk_indexer *ix, kk_error *err);
kk_status kk_indexer_commit(kk_indexer *ix, kk_error *err);
/* Drop the changes of the open batch. */
kk_status kk_indexer_cancel(kk_indexer *ix, kk_error *err);

/* Replace every passage of the file identified by file_id with the passages of d, and remember
 * stamp for it. *n_passages (may be NULL) receives the count written. */
kk_status kk_indexer_add(kk_indexer *ix, const char *file_id, const kk_file_stamp *stamp,
                         const kk_document *d, size_t *n_passages, kk_error *err);

/* Remove every passage of the file and its stamp. Removing an unknown file is not an error. */
kk_status kk_indexer_remove(kk_indexer *ix, const char *file_id, kk_error *err);

/* The stamp recorded for file_id; *found is 0 when the index holds no such file. */
kk_status kk_indexer_stamp(kk_indexer *ix, const char *file_id, kk_file_stamp *stamp, int *found,
                           kk_error *err);

/* Call cb for every file id the index holds (for removing files that disappeared). */
typedef int (*kk_file_cb)(const char *file_id, void *ctx);
kk_status kk_indexer_each_file(kk_indexer *ix, kk_file_cb cb, void *ctx, kk_error *err);

/* Passage ordinal of d as the JSON line of --dump (loaded into other engines): an object with
 * every KK_FIELD_* key of kk_schema.h, the file's path and the text included, null when unknown.
 * malloc'd (caller frees); NULL when out of memory. */
char *kk_index_passage_json(const kk_document *d, size_t ordinal);

/* Passage ordinal of d as the index stores it: its fields and text in the binary layout of
 * kk_stored.h (the file's path left out: no reader needs it). *out is malloc'd (caller frees),
 * *len bytes and a NUL after them; KK_EINVAL when kk_stored_join refuses the fields. */
kk_status kk_index_passage_data(const kk_document *d, size_t ordinal, char **out, size_t *len,
                                kk_error *err);

/* A synonym table: TSV, each line a group of equivalent expressions separated by tabs, # starts a
 * comment; source names it in messages. */
typedef struct kk_synonym_table {
    const char *text;
    size_t len;
    const char *source;
} kk_synonym_table;

/* Replace the database's synonyms with those of tables. Entries are normalized like text, so a
 * table may use any width or spelling variant. A malformed line fails with KK_EFORMAT naming
 * source and line, leaving the synonyms as they were (within the open batch). */
kk_status kk_indexer_set_synonyms(kk_indexer *ix, const kk_synonym_table *tables, size_t n,
                                  kk_error *err);

#endif
