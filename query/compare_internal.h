/* compare_internal.h — what compare.c, compare_align.c, compare_fetch.c and trend.c share (not
 * part of the query library's API).
 *
 * A passage read back from the index with the fields comparison needs, the iteration over every
 * passage a Xapian query matches (not a ranked top-k), and the alignment of two versions' passages
 * into rows. Fronts include kk_compare.h and kk_trend.h only.
 */
#ifndef KK_COMPARE_INTERNAL_H
#define KK_COMPARE_INTERNAL_H

#include <stddef.h>

#include "kk_compare.h"
#include "kk_passage.h"
#include "query_internal.h"

/* One passage as stored (kk_schema.h), with every string malloc'd; any may be NULL but id, doc
 * and text. */
/* A passage with its stored fields (the public kk_passage_info; compare and trend read the same
 * stored data as show). */
typedef kk_passage_info cmp_passage;

typedef struct cmp_set {
    cmp_passage *p;
    size_t n, cap;
} cmp_set;

void kk_cmp_set_clear(cmp_set *set);

/* Called for each match; return non-zero to stop (not an error). */
typedef int (*kk_match_cb)(const kk_xhit *hit, void *ctx);

/* Call cb for every passage matching q, in docid order, a page of KK_MATCH_PAGE at a time so
 * that the stored data of a large match set is never all in memory. q's weights are ignored.
 * Database errors as kk_xapian.h. */
kk_status kk_match_each(kk_searcher *s, const kk_xquery *q, kk_match_cb cb, void *ctx,
                        kk_error *err);

/* Passages of one page: each holds its stored data (a few KB at most), so 1000 keep a page
 * under a few MB, and a match set of 100,000 passages needs 100 page searches. */
#define KK_MATCH_PAGE 1000

/* Every passage matching q, parsed, appended to set (at most max of them; 0: no limit). */
kk_status kk_match_collect(kk_searcher *s, const kk_xquery *q, size_t max, cmp_set *set,
                           kk_error *err);

/* How a version's section paths are turned into alignment keys: levels naming what the versions
 * differ by are dropped (the plan's title level and what precedes it, a table's section number
 * level and its references to the old plan's chapters, the department, the document title). */
typedef struct cmp_strip {
    const char *plan;    /* normalized plan name, or NULL */
    const char *dept;    /* normalized department, or NULL */
    int section_table;   /* 1 for the columns of a comparison table */
} cmp_strip;

/* Align the passages of two versions (each in document order) into pair->rows with a diff per
 * row (see kk_compare.h). older and newer hold pointers into sets owned by the caller. */
kk_status kk_compare_align(kk_searcher *s, const cmp_strip *strip, kk_diff_unit unit,
                           cmp_passage *const *older, size_t n_older, cmp_passage *const *newer,
                           size_t n_newer, kk_compare_pair *pair, kk_error *err);

/* Free the rows of a pair (not the pair itself). */
void kk_compare_pair_clear(kk_compare_pair *pair);

#endif
