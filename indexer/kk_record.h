/* kk_record.h — a passage's stored data as kept in the index: compressed with zstd and the
 * database's own dictionary.
 *
 * Why not Xapian's document data: Xapian deflates each document's data on its own, at zlib's
 * default level. On the council minutes that was a sixth of all indexing CPU and left the text at
 * three quarters of its size, since a passage of a few hundred bytes gives deflate no history to
 * match against. A zstd dictionary trained on the corpus's own passages is that history: the data
 * shrinks to about 28 % at an eighth of deflate's cost. The shim keeps the compressed bytes in a
 * value slot, which Xapian does not compress again (kk_xdoc_set_data).
 *
 * The dictionary is trained once, when a database is first built (kk_record_train), and kept in
 * the database's metadata (KK_META_DICT): every later writer and reader loads it from there. A
 * database too small to train one has none, and its records are compressed without. zstd writes
 * the dictionary's id into each frame, so a record is never decoded with another dictionary.
 *
 * A codec holds zstd's contexts and one output buffer; it is not thread-safe (one per thread).
 */
#ifndef KK_RECORD_H
#define KK_RECORD_H

#include <stddef.h>

#include "kk_error.h"
#include "kk_xapian.h"

/* Metadata key of the dictionary (raw bytes; absent when the database has none). */
#define KK_META_DICT "keikaku.dictionary"

/* The dictionary's size limit, and how many bytes of records to train it on. Measured on 30 k
 * passages of the minutes, zstd level 3: 32 KiB 29.3 %, 64 KiB 27.9 %, 110 KiB 27.3 % of the
 * data; zlib as Xapian uses it 51.5 % at 7.5 × the time. */
#define KK_DICT_MAX (64u * 1024u)
#define KK_DICT_SAMPLE_BYTES (2u * 1024u * 1024u)

typedef struct kk_record_codec kk_record_codec;

/* A codec using dict (dict_len bytes, copied) or, with dict_len 0, no dictionary. */
kk_status kk_record_codec_new(const void *dict, size_t dict_len, kk_record_codec **out,
                              kk_error *err);
void kk_record_codec_free(kk_record_codec *c);

/* A codec with the dictionary held in db's metadata (none if it holds none). */
kk_status kk_record_codec_load(kk_db *db, kk_record_codec **out, kk_error *err);

/* Compress len bytes of stored data; *out points into the codec's buffer, valid until its next
 * call. */
kk_status kk_record_pack(kk_record_codec *c, const char *data, size_t len, const char **out,
                         size_t *out_len, kk_error *err);

/* Decompress a packed record; *out (NUL-terminated, *out_len bytes without the NUL) points into
 * the codec's buffer, valid until its next call. Damaged bytes, or a record packed with another
 * dictionary, fail with KK_ECORRUPT. */
kk_status kk_record_unpack(kk_record_codec *c, const char *packed, size_t len, const char **out,
                           size_t *out_len, kk_error *err);

/* Make db decode its stored data with c whenever it is read (kk_db_set_data_decoder). c must
 * outlive db's reads. */
void kk_record_attach(kk_db *db, kk_record_codec *c);

/* Train a dictionary on n sample records laid end to end in samples (sizes[i] bytes each).
 * *dict is malloc'd (caller frees). Too few or too small samples give no dictionary: *dict NULL
 * and *dict_len 0, and KK_OK, since records are then packed without one. */
kk_status kk_record_train(const char *samples, const size_t *sizes, size_t n, char **dict,
                          size_t *dict_len, kk_error *err);

#endif
