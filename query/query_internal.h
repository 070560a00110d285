/* query_internal.h — structures shared inside the query library (not part of its API).
 *
 * The searcher (database, analyzer with the stop list), the built query with its content units
 * (for ranking by how many content words a passage holds), and the helpers that turn analysed
 * text into Xapian queries. Fronts include kk_query.h only.
 */
#ifndef KK_QUERY_INTERNAL_H
#define KK_QUERY_INTERNAL_H

#include <stddef.h>

#include "kk_analysis.h"
#include "kk_qparse.h"
#include "kk_query.h"
#include "kk_record.h"
#include "kk_text.h"
#include "kk_xapian.h"

/* A sorted list of normalized words (wordlist.c). */
typedef struct kk_wordlist {
    char **words;
    size_t n;
} kk_wordlist;

/* Read a word list (one word per line, # starts a comment), normalizing each entry with a.
 * On failure the list holds what was read so far; kk_wordlist_free releases it either way. */
kk_status kk_wordlist_load(kk_wordlist *l, kk_analyzer *a, const char *text, size_t len,
                           kk_error *err);
int kk_wordlist_has(const kk_wordlist *l, const char *word, size_t len);
void kk_wordlist_free(kk_wordlist *l);

struct kk_searcher {
    kk_db *db;
    kk_record_codec *codec; /* decodes db's stored data (kk_record.h) */
    kk_analyzer *analyzer; /* also knows the stop words (kk_analyzer_is_stopword) */
    unsigned doc_count;
};

/* One content unit of a query: a content word, a span with synonyms, or a phrase. A passage
 * "has" the unit when it holds any of its terms (a key ending in '*' matches by prefix). Its
 * alternatives are the words typed and each synonym; within one, the keys form a sequence. */
typedef struct kk_unit {
    char **keys;
    unsigned *alts;   /* for each key, which alternative (the text, or one of its synonyms) */
    unsigned char *words; /* for each key, 1 if it stands for a word of the text: a word term,
                           * or the bigram term of a two-character word (KK_TOKEN_PREFIX) */
    size_t n_keys, cap_keys;
    unsigned n_alts;
    double idf;       /* how informative holding the unit is: log(N / df) of its likeliest form */
} kk_unit;

/* Exact wording (phrase.c). The index keeps no positions: a quoted phrase is found by its terms
 * and confirmed against the stored passage (text, heading or title), normalized as the index saw
 * it and with white space removed. A passage must hold every required phrase and no banned one. */
typedef struct kk_phrase_check {
    kk_analyzer *analyzer;
    char **required, **banned;
    size_t n_required, n_banned;
} kk_phrase_check;

/* Add a phrase (as typed) to the required or, with banned, the excluded ones. */
kk_status kk_phrase_check_add(kk_phrase_check *c, kk_analyzer *a, const char *phrase, int banned,
                              kk_error *err);
int kk_phrase_check_empty(const kk_phrase_check *c);
/* kk_search_opts.accept functions; ctx is the kk_phrase_check. The first checks both lists, the
 * second only the banned phrases (for matches that need not hold every clause). */
int kk_phrase_accept(const char *data, size_t len, void *ctx);
int kk_phrase_accept_unbanned(const char *data, size_t len, void *ctx);
void kk_phrase_check_free(kk_phrase_check *c);

#define KK_MAX_YEAR_PREFS 8

typedef struct kk_built_query {
    kk_xquery *strict;  /* every content unit required; NULL when the query has none */
    kk_xquery *relaxed; /* any content unit; NULL when there is at most one unit */
    kk_unit *units;
    size_t n_units, cap_units;
    int years[KK_MAX_YEAR_PREFS]; /* years the query text names, preferred in ranking */
    size_t n_years;
    int matches_all;    /* no words, phrases, filters or years: strict matches every passage */
    kk_phrase_check phrases; /* exact wording the terms alone cannot confirm */
} kk_built_query;

/* Build the Xapian queries for a parsed query. */
kk_status kk_query_build(kk_searcher *s, const kk_parsed_query *pq, kk_built_query *out,
                         kk_error *err);
void kk_built_query_free(kk_built_query *b);

/* The words of a query clause's text that are not searched for, each once, appended to out
 * separated by ", " (units.c): of a text clause, its stop words and lone kana (知り, たい, の); of
 * a phrase, the particles and stop words the index leaves out (kk_token_is_indexed). Names them
 * when a query has nothing else to search for. */
kk_status kk_unsearched_words(kk_searcher *s, const char *text, int phrase, kk_buf *out,
                              kk_error *err);

/* Search options with the ranking the index was built for (BM25 over impacts, kk_schema.h);
 * every search of the query tool starts from these. */
void kk_ranked_opts_init(kk_search_opts *o);

/* Copies of one passage text (copies.c). A candidate's text hash, read at most once. */
typedef struct kk_text_hash {
    char v[24];
    unsigned char len;   /* 0: the passage has no hash (it is a copy of nothing) */
    unsigned char known; /* 1 once read */
} kk_text_hash;

/* The hashes kept so far on a page. */
typedef struct kk_copy_set {
    kk_text_hash *v;
    size_t n, cap;
} kk_copy_set;

/* Read docid's text hash into *h unless it is known already. */
kk_status kk_text_hash_read(kk_searcher *s, unsigned docid, kk_text_hash *h, kk_error *err);

/* 1 if set holds h already (a copy); otherwise h is added and 0 returned; -1: out of memory. */
int kk_copy_set_add(kk_copy_set *set, const kk_text_hash *h);
void kk_copy_set_free(kk_copy_set *set);

/* Add to h->also, at most max, the other documents holding the text with hash *hash. */
kk_status kk_copies_find(kk_searcher *s, kk_hit *h, unsigned docid, const kk_text_hash *hash,
                         size_t max, kk_error *err);

/* Highlight: the spans of text whose analysed terms belong to the query's units (words, and
 * bigrams where at least two consecutive ones match or the unit has only one). *marks is
 * malloc'd, sorted and not overlapping; the caller frees it. */
kk_status kk_find_marks(kk_searcher *s, const kk_built_query *q, const char *text,
                        kk_span **marks, size_t *n_marks, kk_error *err);

/* A snippet of text around the densest cluster of marks. */
kk_status kk_make_snippet(const char *text, const kk_span *marks, size_t n_marks, char **snippet,
                          kk_span **snippet_marks, size_t *n_snippet_marks, kk_error *err);

#endif
