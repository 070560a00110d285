/* kk_xapian.h — the C API over libxapian: the only door between keikaku's C and C++.
 *
 * Conventions (they hold for every function below):
 *  - Every function that can fail returns a kk_status and, on failure, fills *err (which may be
 *    NULL) with a message. No C++ exception ever crosses this boundary: each body sits in one
 *    catch-all that maps Xapian's exceptions (lock held, database modified, corrupt, opening,
 *    ...), then std::bad_alloc and std::exception, then anything else, to a kk_status.
 *  - Handles are opaque and each wraps one C++ object. kk_*_free(NULL) is a no-op.
 *  - Strings are UTF-8. Terms and values are passed as pointer + length (they may hold any byte);
 *    other strings are NUL-terminated. Strings handed to callbacks are valid only during the call.
 *  - Data returned through out-parameters belongs to the handle it came from unless the comment
 *    says the caller frees it (with free()).
 *  - A read-only kk_db reopens itself and retries when a writer modified the database under it
 *    (Xapian's DatabaseModifiedError); only after several failed retries is KK_EMODIFIED returned.
 *  - Handles are not thread-safe; use one per thread.
 */
#ifndef KK_XAPIAN_H
#define KK_XAPIAN_H

#include <stddef.h>

#include "kk_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kk_db kk_db;             /* a database, read-only or writable */
typedef struct kk_xdoc kk_xdoc;         /* a document being built for the database */
typedef struct kk_xquery kk_xquery;     /* a query tree built from C */
typedef struct kk_xresults kk_xresults; /* the matches of one search */

/* ---- Databases ---------------------------------------------------------------------------- */

/* Open an existing database read-only. KK_ENOTFOUND if there is none at path. */
kk_status kk_db_open_read(const char *path, kk_db **out, kk_error *err);

/* Open a database for writing, creating it if needed. If another writer holds the lock, waits up to
 * wait_ms milliseconds for it (0: do not wait), then fails with KK_ELOCKED. */
kk_status kk_db_open_write(const char *path, unsigned wait_ms, kk_db **out, kk_error *err);

/* Close the database. Changes of an open transaction that was not committed are discarded. */
void kk_db_free(kk_db *db);

/* Re-read a read-only database to see the latest commit. *changed (may be NULL) tells whether it
 * moved. */
kk_status kk_db_reopen(kk_db *db, int *changed, kk_error *err);

/* Transactions on a writable database: begin, then commit (durable, atomically visible to readers)
 * or cancel. Outside a transaction, changes are committed in batches by Xapian. */
kk_status kk_db_begin(kk_db *db, kk_error *err);
kk_status kk_db_commit(kk_db *db, kk_error *err);
kk_status kk_db_cancel(kk_db *db, kk_error *err);

/* Counts: documents in the database; documents indexed by term (0 when absent). */
kk_status kk_db_doc_count(kk_db *db, unsigned *out, kk_error *err);
kk_status kk_db_term_freq(kk_db *db, const char *term, size_t len, unsigned *out, kk_error *err);
/* Total number of occurrences of term in the whole database. */
kk_status kk_db_collection_freq(kk_db *db, const char *term, size_t len, unsigned long long *out,
                                kk_error *err);

/* Add doc, replacing every document indexed by id_term (the document must carry id_term itself).
 * *docid (may be NULL) receives the new document's id. */
kk_status kk_db_replace(kk_db *db, const char *id_term, size_t id_len, const kk_xdoc *doc,
                        unsigned *docid, kk_error *err);

/* Add doc as a new document. */
kk_status kk_db_add(kk_db *db, const kk_xdoc *doc, unsigned *docid, kk_error *err);

/* Delete every document indexed by term. Deleting nothing is not an error. */
kk_status kk_db_delete(kk_db *db, const char *term, size_t len, kk_error *err);

/* The stored data of a document, through db's decoder if it has one. *out is malloc'd,
 * NUL-terminated, and the caller frees it. KK_ENOTFOUND if there is no such document. */
kk_status kk_db_get_data(kk_db *db, unsigned docid, char **out, size_t *len, kk_error *err);

/* Turns the bytes given to kk_xdoc_set_data back into the data callers read: *out points at
 * *out_len bytes that stay valid until the decoder's next call. A failure makes the read fail
 * with the decoder's status and message. */
typedef kk_status (*kk_data_decoder)(const char *in, size_t len, const char **out,
                                     size_t *out_len, void *ctx, kk_error *err);

/* Decode every stored data db reads from now on (kk_db_get_data, hits, accept) with fn, called
 * with ctx; fn NULL: hand the bytes over as stored. */
void kk_db_set_data_decoder(kk_db *db, kk_data_decoder fn, void *ctx);

/* The value in a slot of a document; *out malloc'd (caller frees), empty when unset or when
 * there is no such document (the value is read without first checking that the document exists,
 * which was most of the cost). */
kk_status kk_db_get_value(kk_db *db, unsigned docid, unsigned slot, char **out, size_t *len,
                          kk_error *err);

/* User metadata (key → value) stored with the database. A missing key gives an empty value.
 * get: *out malloc'd (caller frees). set: writable databases only. */
kk_status kk_db_get_metadata(kk_db *db, const char *key, char **out, size_t *len, kk_error *err);
kk_status kk_db_set_metadata(kk_db *db, const char *key, const char *value, size_t len,
                             kk_error *err);

/* Synonyms (Xapian's synonym table). add: record that term may be replaced by synonym; clear:
 * forget all synonyms of term; writable databases only. each: call cb for every synonym of term. */
kk_status kk_db_add_synonym(kk_db *db, const char *term, const char *synonym, kk_error *err);
kk_status kk_db_clear_synonyms(kk_db *db, const char *term, kk_error *err);

/* Iteration callbacks return 0 to go on, non-zero to stop early (not an error). */
typedef int (*kk_term_cb)(const char *term, size_t len, unsigned freq, void *ctx);
typedef int (*kk_posting_cb)(unsigned docid, unsigned wdf, void *ctx);

kk_status kk_db_each_synonym(kk_db *db, const char *term, kk_term_cb cb, void *ctx,
                             kk_error *err);

/* Every term of the database starting with prefix, in byte order; freq is its document count. */
kk_status kk_db_each_term(kk_db *db, const char *prefix, kk_term_cb cb, void *ctx, kk_error *err);

/* Every document indexed by term, in docid order, with the term's wdf in it. */
kk_status kk_db_each_posting(kk_db *db, const char *term, size_t len, kk_posting_cb cb, void *ctx,
                             kk_error *err);

/* For each of the n documents (docids ascending), whether term indexes it: found[i] is set to 1
 * when it does and left alone otherwise. Skips through the term's posting list, so it costs
 * about n lookups however common the term is. */
kk_status kk_db_term_in_docs(kk_db *db, const char *term, size_t len, const unsigned *docids,
                             size_t n, unsigned char *found, kk_error *err);

/* Every term of one document (its term list); freq is the term's wdf in that document. */
kk_status kk_db_each_doc_term(kk_db *db, unsigned docid, kk_term_cb cb, void *ctx, kk_error *err);

/* Relevance-set expansion (Xapian's ESet): the terms that best characterise the documents in
 * docids, best first, at most max of them. Only terms starting with prefix are considered; with
 * prefix "" only unprefixed terms (those not starting with an ASCII capital letter). Terms for
 * which skip(term, len, ctx) returns non-zero are left out (skip may be NULL). */
typedef int (*kk_term_filter)(const char *term, size_t len, void *ctx);
typedef int (*kk_weighted_term_cb)(const char *term, size_t len, double weight, void *ctx);
kk_status kk_db_expand(kk_db *db, const unsigned *docids, size_t n_docids, const char *prefix,
                       size_t max, kk_term_filter skip, kk_weighted_term_cb cb, void *ctx,
                       kk_error *err);

/* ---- Building from shards ----------------------------------------------------------------- */

/* Create a writable database at path for one shard of a larger build, replacing any database
 * there. Its commits are not synced to disk and it takes no lock wait: only for scratch shards
 * that are compacted into a real database before anyone reads them. */
kk_status kk_db_create_shard(const char *path, kk_db **out, kk_error *err);

/* Merge the databases at sources[0..n) into a new, compacted database at dest, which must not
 * exist (KK_EINVAL). Documents keep the order of the sources and are numbered from 1; user
 * metadata and synonyms are merged (a key set in several sources keeps the first's value). The
 * sources are not changed. On failure a partial dest may be left for the caller to remove. */
kk_status kk_db_compact(const char *const *sources, size_t n, const char *dest, kk_error *err);

/* ---- Documents ---------------------------------------------------------------------------- */

kk_status kk_xdoc_new(kk_xdoc **out, kk_error *err);
void kk_xdoc_free(kk_xdoc *doc);

/* Forget all terms, values and data so the handle can be reused for the next document. */
void kk_xdoc_clear(kk_xdoc *doc);

/* Add term, raising its wdf by wdf_inc (0 for filter terms that should not affect ranking).
 * Documents carry no positions: exact wording is checked on the stored data (kk_search_opts
 * accept). */
kk_status kk_xdoc_add_term(kk_xdoc *doc, const char *term, size_t len, unsigned wdf_inc,
                           kk_error *err);

/* Set value slot to raw bytes, or to a number serialised so that byte order is numeric order
 * (Xapian::sortable_serialise), as value ranges and sorting need. */
kk_status kk_xdoc_set_value(kk_xdoc *doc, unsigned slot, const char *value, size_t len,
                            kk_error *err);
kk_status kk_xdoc_set_number(kk_xdoc *doc, unsigned slot, double number, kk_error *err);

/* Set the stored data returned with matches, as given (a reader's kk_db_set_data_decoder turns
 * it back). It is kept in value slot KK_XDOC_DATA_SLOT, not in Xapian's document data: Xapian
 * deflates document data one document at a time, and callers that compress their data (with a
 * dictionary, kk_record.h) would pay for deflate again over incompressible bytes. Values are
 * stored as given. */
kk_status kk_xdoc_set_data(kk_xdoc *doc, const char *data, size_t len, kk_error *err);

/* The value slot that holds the stored data; callers' own slots must stay below it. */
#define KK_XDOC_DATA_SLOT 255u

/* ---- Queries ------------------------------------------------------------------------------ */

typedef enum kk_qop {
    KK_QOP_AND,       /* all subqueries match */
    KK_QOP_OR,        /* any subquery matches */
    KK_QOP_AND_NOT,   /* the first matches and none of the rest */
    KK_QOP_AND_MAYBE, /* the first matches; the rest only add weight */
    KK_QOP_FILTER,    /* the first matches and all the rest, which add no weight */
    KK_QOP_SYNONYM,   /* like OR, but weighted as if one term */
    KK_QOP_MAX,       /* like OR, weighted by the best-matching subquery */
    KK_QOP_ELITE_SET  /* OR of the window best-weighted subqueries */
} kk_qop;

/* A term, with query frequency wqf (1 for an ordinary term). */
kk_status kk_xquery_term(const char *term, size_t len, unsigned wqf, kk_xquery **out,
                         kk_error *err);

/* Every term starting with prefix (Xapian's OP_WILDCARD), combined as a synonym. */
kk_status kk_xquery_wildcard(const char *prefix, size_t len, kk_xquery **out, kk_error *err);

/* Combine subqueries with op. The subqueries stay owned by the caller (the new query shares
 * them). window is the set size of ELITE_SET, ignored by the other operators. */
kk_status kk_xquery_combine(kk_qop op, kk_xquery *const *subs, size_t n, unsigned window,
                            kk_xquery **out, kk_error *err);

/* Documents whose numeric value in slot (set with kk_xdoc_set_number) lies in [lo, hi]. */
kk_status kk_xquery_number_range(unsigned slot, double lo, double hi, kk_xquery **out,
                                 kk_error *err);

/* Multiply the weight q contributes by factor (>= 0; 0 makes it purely boolean). */
kk_status kk_xquery_scale(const kk_xquery *q, double factor, kk_xquery **out, kk_error *err);

/* Every document (Xapian's MatchAll), for filter-only searches. */
kk_status kk_xquery_all(kk_xquery **out, kk_error *err);

/* A readable form of the query, for debugging (--explain). Caller frees. */
char *kk_xquery_describe(const kk_xquery *q);

void kk_xquery_free(kk_xquery *q);

/* ---- Searching ---------------------------------------------------------------------------- */

#define KK_SEARCH_MAX_FACETS 8

typedef struct kk_search_opts {
    unsigned first;          /* rank of the first match to return, from 0 */
    unsigned max;            /* number of matches to return */
    double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen; /* BM25Weight parameters */
    unsigned check_at_least; /* look at this many matches at least (facets: the doc count) */
    int collapse_slot;       /* collapse matches with equal values in this slot; -1: none */
    int sort_slot;           /* sort by this value slot, then relevance; -1: relevance only */
    int sort_descending;     /* with sort_slot: largest value first */
    size_t n_facets;         /* count values in these slots over all matches looked at */
    unsigned facet_slots[KK_SEARCH_MAX_FACETS];
    /* When set, a match is kept only if accept returns nonzero for its stored data: checks the
     * terms cannot make, such as exact wording in an index without positions. It is called for
     * the candidates that could enter the results (and, with check_at_least, the facets), not
     * necessarily for every match, and must not fail: it answers 0 or nonzero. */
    int (*accept)(const char *data, size_t len, void *ctx);
    void *accept_ctx;
    /* 0 (default): the stored data of the whole page is read with the matches, so hits stay
     * readable whatever writers do later. 1: only when kk_xresults_hit asks, for callers that
     * rank many matches and show few (a hit's data can then fail to read if the database
     * changed twice in between). */
    int lazy_data;
} kk_search_opts;

/* Fill opts with defaults: first 0, max 10, Xapian's BM25 defaults (k1 1, k2 0, k3 1, b 0.5,
 * min_normlen 0.5), no collapse, no sort, no facets, every match accepted. */
void kk_search_opts_init(kk_search_opts *opts);

kk_status kk_db_search(kk_db *db, const kk_xquery *q, const kk_search_opts *opts,
                       kk_xresults **out, kk_error *err);

typedef struct kk_xhit {
    unsigned docid;
    unsigned rank;           /* from 0, over the whole result set */
    double weight;
    int percent;             /* Xapian's percentage score */
    const char *data;        /* stored data, owned by the results */
    size_t data_len;
    unsigned collapse_count; /* how many matches were collapsed into this one */
} kk_xhit;

/* Matches in this page of results. */
size_t kk_xresults_size(const kk_xresults *r);

/* Estimated, lower and upper bounds on the number of matches of the whole search. */
unsigned kk_xresults_estimated(const kk_xresults *r);
unsigned kk_xresults_lower_bound(const kk_xresults *r);
unsigned kk_xresults_upper_bound(const kk_xresults *r);

/* Match i of this page (0 <= i < size). */
kk_status kk_xresults_hit(kk_xresults *r, size_t i, kk_xhit *hit, kk_error *err);

/* Match i without reading anything: hit->data is NULL unless it was read already. */
kk_status kk_xresults_match(kk_xresults *r, size_t i, kk_xhit *hit, kk_error *err);


/* Facet counts for the k-th slot of opts.facet_slots, most frequent first: cb gets each value
 * and the number of matches having it. */
kk_status kk_xresults_each_facet(kk_xresults *r, size_t k, kk_term_cb cb, void *ctx,
                                 kk_error *err);

void kk_xresults_free(kk_xresults *r);

/* Serialise a number the way kk_xdoc_set_number does (for comparing raw facet values).
 * buf must hold 16 bytes; returns the length used. */
size_t kk_number_serialise(double number, char *buf);
double kk_number_unserialise(const char *value, size_t len);

#ifdef __cplusplus
}
#endif

#endif
