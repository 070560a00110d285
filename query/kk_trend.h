/* kk_trend.h — since when do we talk about this: matching passages and documents per fiscal year.
 *
 * kk_trend_run counts, over the whole index (never a top-k), the passages that match a query and
 * the distinct documents they come from, for each fiscal year. For a query made of one term or
 * one quoted phrase (with or without field:value filters) a passage counts when its normalized
 * text (kk_normalize: NFKC, case folding, broken lines joined, variants folded) contains the
 * normalized query string, so the counts equal what an exact scan of the text finds: the engine's
 * candidates are checked against the text, because a bigram phrase can match across a piece of
 * text the phrase does not contain. Other queries (several words, OR, -term) count the passages
 * the search engine matches with every content word required.
 *
 * It owns the counting; it reads the index through kk_searcher and never writes it. Drawing the
 * bar chart is the CLI's job; kk_trend_to_json is shared by the CLI's --json and the web API.
 */
#ifndef KK_TREND_H
#define KK_TREND_H

#include <jansson.h>
#include <stddef.h>

#include "kk_error.h"
#include "kk_query.h"

typedef struct kk_trend_year {
    int year;           /* fiscal year */
    unsigned passages;  /* matching passages of that year */
    unsigned documents; /* distinct documents holding them */
} kk_trend_year;

typedef struct kk_trend {
    char *query;             /* as requested */
    int exact;               /* 1 when counted by normalized substring (one term or phrase) */
    kk_trend_year *years;    /* ascending; only years with at least one match */
    size_t n_years;
    unsigned unknown_passages;  /* matching passages without a fiscal year */
    unsigned unknown_documents; /* distinct documents holding them */
    unsigned passages;       /* all matching passages */
    unsigned documents;      /* all distinct documents */
} kk_trend;

/* Count matches of query per fiscal year. A malformed query fails with KK_EPARSE; a query that
 * matches nothing gives a trend with no years. The caller frees *out with kk_trend_free. */
kk_status kk_trend_run(kk_searcher *s, const char *query, kk_trend **out, kk_error *err);
void kk_trend_free(kk_trend *t);

/* JSON form: {"query", "exact", "passages", "documents",
 * "years": [{"year", "passages", "documents"}], "unknown": {"passages", "documents"}}.
 * NULL when out of memory; the caller owns the reference. */
json_t *kk_trend_to_json(const kk_trend *t);

#endif
