/* kk_qparse.h — the query language: splitting what a person typed into clauses.
 *
 * Syntax: clauses separated by white space (ASCII or U+3000). A clause is
 *   text          natural Japanese or words (analysed later, stop words dropped);
 *   "a phrase"    exact wording (also “…” and ＂…＂); an unclosed quote runs to the end;
 *   field:value   a filter: year:2019, year:2012..2019, year:令和元年度, kind:個別計画,
 *                 dept:企画部, plan:地域情報化プラン, city:倉敷市, doc:mitaka/001… (prefix);
 *   -clause       excludes passages matching the clause;
 *   a OR b        either clause (OR in capitals).
 * This module only splits and classifies; it knows nothing of analysis or Xapian.
 */
#ifndef KK_QPARSE_H
#define KK_QPARSE_H

#include <stddef.h>

#include "kk_error.h"

typedef enum kk_clause_kind {
    KK_CLAUSE_TEXT,
    KK_CLAUSE_PHRASE,
    KK_CLAUSE_FIELD
} kk_clause_kind;

typedef enum kk_filter {
    KK_FILTER_YEAR,
    KK_FILTER_KIND,
    KK_FILTER_DEPT,
    KK_FILTER_PLAN,
    KK_FILTER_CITY,
    KK_FILTER_DOC,
    KK_FILTER_COUNT
} kk_filter;

typedef struct kk_clause {
    kk_clause_kind kind;
    kk_filter field;    /* KK_CLAUSE_FIELD only */
    char *text;        /* the text, phrase or field value (NUL-terminated) */
    int year_lo, year_hi; /* KK_FILTER_YEAR: the range, inclusive */
    int negated;       /* preceded by - */
    int or_next;       /* joined to the next clause by OR */
} kk_clause;

typedef struct kk_parsed_query {
    kk_clause *clauses;
    size_t n;
} kk_parsed_query;

/* Parse query. KK_EPARSE for an unknown field (the message lists the known ones), an empty field
 * value or a year that is not one; KK_EINVAL for invalid UTF-8 or a query over
 * KK_QUERY_MAX_BYTES. The caller frees *out with kk_parsed_query_free. */
kk_status kk_query_parse(const char *query, kk_parsed_query **out, kk_error *err);
void kk_parsed_query_free(kk_parsed_query *q);

/* Longer queries are refused: a person does not type them, and analysis time grows with them. */
#define KK_QUERY_MAX_BYTES 4096

const char *kk_filter_name(kk_filter f);

#endif
