/* build_internal.h — what the query builder's files share: the builder context, small helpers
 * over kk_xquery that skip NULL parts and free what they consume, and the content units of text.
 * Private to query/build.c, query/units.c and query/qtree.c.
 */
#ifndef KK_BUILD_INTERNAL_H
#define KK_BUILD_INTERNAL_H

#include "query_internal.h"

#define KK_MAX_TERM 240

typedef struct kk_builder {
    kk_searcher *s;
    kk_built_query *out;
    kk_error *err; /* the first error sticks; helpers return NULL after one */
} kk_builder;

/* Query-tree helpers (qtree.c). Each returns a new query or NULL (error recorded in b->err).
 * kk_q_combine and kk_q_pair consume their parts; kk_q_scale consumes q; kk_q_copy does not. */
kk_xquery *kk_q_term(kk_builder *b, const char *prefix, const char *t, size_t n);
kk_xquery *kk_q_wildcard(kk_builder *b, const char *prefix, const char *t, size_t n);
kk_xquery *kk_q_combine(kk_builder *b, kk_qop op, kk_xquery **parts, size_t n, unsigned window);
kk_xquery *kk_q_pair(kk_builder *b, kk_qop op, kk_xquery *x, kk_xquery *y);
kk_xquery *kk_q_scale(kk_builder *b, kk_xquery *q, double factor);
kk_xquery *kk_q_copy(kk_builder *b, const kk_xquery *q);

/* Units (units.c). The unit queries of a text clause's content words, written to a new array
 * (*n of them; caller frees the array and the queries). */
kk_xquery **kk_text_units(kk_builder *b, const char *text, size_t len, size_t *n);

/* The exact wording of text as a phrase of bigrams and non-Japanese words; its keys go to u
 * (a new unit, or NULL for a query that is not a unit, like an exactness boost). */
kk_xquery *kk_phrase_query(kk_builder *b, const char *text, kk_unit *u);

/* A new, empty unit of b->out (NULL when out of memory). */
kk_unit *kk_unit_new(kk_builder *b);

#endif
