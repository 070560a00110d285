/* kk_query.h — the query library: what a person types in, ranked passages out.
 *
 * A kk_searcher holds a read-only database, an analyzer and the stop words. kk_search parses the
 * query (natural Japanese, "quoted phrases", OR, -term, field:value filters), analyses its text
 * with the same kk_analyze the indexer used, builds a Xapian query (every content word required,
 * relaxed to "most content words" when that finds too little), and returns hits with their
 * fields, highlight ranges and a snippet. The CLI and the web server are thin fronts over this;
 * the library never writes the index.
 */
#ifndef KK_QUERY_H
#define KK_QUERY_H

#include <stddef.h>

#include "kk_error.h"

typedef struct kk_searcher kk_searcher;

/* Open the database at path read-only. KK_ENOTFOUND (with a message saying how to create one)
 * when there is none; KK_EINVAL when it was built with other analysis rules. */
kk_status kk_searcher_open(const char *path, kk_searcher **out, kk_error *err);
void kk_searcher_free(kk_searcher *s);

/* Bring s up to the database's latest commit (an indexer may have committed since it was opened
 * or last refreshed); *changed (may be NULL) tells whether it moved. Long-running fronts (the
 * web server) call it before each request. Fails as kk_xapian.h's kk_db_reopen. */
kk_status kk_searcher_refresh(kk_searcher *s, int *changed, kk_error *err);

/* Facet fields counted by kk_search when asked. */
typedef enum kk_facet_field {
    KK_FACET_YEAR,
    KK_FACET_KIND,
    KK_FACET_DEPT,
    KK_FACET_CITY,
    KK_FACET_COUNT
} kk_facet_field;

const char *kk_facet_field_name(kk_facet_field f); /* "year", "kind", "dept", "city" */

/* The fields of a hit (kk_hit, and its JSON in kk_json.h), to ask for only some of them: a
 * caller that shows no highlights and no other sources spares their work for every hit. */
typedef enum kk_hit_field {
    KK_HIT_RANK, KK_HIT_SCORE, KK_HIT_ID, KK_HIT_DOC, KK_HIT_LINE, KK_HIT_TITLE, KK_HIT_SECTION,
    KK_HIT_HEADING, KK_HIT_YEAR, KK_HIT_KIND, KK_HIT_DEPT, KK_HIT_CITY, KK_HIT_VERSION,
    KK_HIT_SPEAKER, KK_HIT_DATE, KK_HIT_TEXT, KK_HIT_SNIPPET, KK_HIT_HIGHLIGHTS, KK_HIT_ALSO,
    KK_HIT_FIELD_COUNT
} kk_hit_field;

#define KK_HIT_BIT(f) (1u << (f))
#define KK_HIT_ALL (KK_HIT_BIT(KK_HIT_FIELD_COUNT) - 1u)

typedef struct kk_search_request {
    const char *query;  /* as typed; UTF-8 */
    unsigned offset;    /* hits to skip (paging) */
    unsigned limit;     /* hits to return, 1..1000 */
    int facets;         /* count values of each kk_facet_field over all matches */
    unsigned fields;    /* KK_HIT_BIT()s of the fields wanted; 0 means all. The rest may be left
                         * empty: no marks or snippet without SNIPPET or HIGHLIGHTS, no other
                         * sources without ALSO. */
} kk_search_request;

typedef struct kk_span {
    unsigned start, end; /* byte range [start, end) */
} kk_span;

typedef struct kk_source {
    char *doc;
    unsigned line;
} kk_source;

typedef struct kk_hit {
    unsigned rank;      /* from 1 */
    double score;
    char *id;           /* passage id, "doc:ordinal" */
    char *doc, *title, *section, *heading, *kind, *dept, *city, *version, *speaker, *date;
    unsigned line;
    int year;           /* 0 when unknown */
    char *text;         /* the whole passage */
    kk_span *marks;     /* matches in text, in order, not overlapping */
    size_t n_marks;
    char *snippet;      /* an excerpt of text around the best cluster of matches */
    kk_span *snippet_marks; /* matches in snippet */
    size_t n_snippet_marks;
    kk_source *also;    /* other documents holding the same passage text */
    size_t n_also;
} kk_hit;

typedef struct kk_facet_value {
    char *value;
    unsigned count;
} kk_facet_value;

typedef struct kk_hits {
    kk_hit *hits;
    size_t n;
    unsigned total;     /* estimated number of matching passages */
    int relaxed;        /* 1 when not every content word is in every hit */
    kk_facet_value *facets[KK_FACET_COUNT]; /* most frequent first (years: by year) */
    size_t n_facets[KK_FACET_COUNT];
} kk_hits;

/* Run a search. A malformed query (unknown field, bad year range) fails with KK_EPARSE and a
 * message naming the part at fault; a query that matches nothing gives zero hits, not an error.
 * The caller frees *out with kk_hits_free. */
kk_status kk_search(kk_searcher *s, const kk_search_request *req, kk_hits **out, kk_error *err);
void kk_hits_free(kk_hits *h);

/* How query is understood: its content units (each with the terms that can match it), the
 * years it prefers, and the Xapian queries run (strict, then relaxed). For people checking why
 * a passage is or is not found. The caller frees *out. */
kk_status kk_search_explain(kk_searcher *s, const char *query, char **out, kk_error *err);

/* Render text with its marks wrapped in open/close (e.g. "【", "】"). Caller frees. */
char *kk_mark_text(const char *text, const kk_span *marks, size_t n, const char *open,
                   const char *close);

#endif
