/* kk_json.h — the JSON form of query results, shared by the CLI's --json and the web API so
 * that both give the same fields. Built with jansson; the caller owns (json_decref) what is
 * returned, and NULL means out of memory.
 */
#ifndef KK_JSON_H
#define KK_JSON_H

#include <jansson.h>

#include "kk_passage.h"
#include "kk_query.h"

/* One hit: rank, score, id, doc, line, title, section, heading, year (number or null), kind,
 * dept, city, version, speaker, date, text, snippet (matches in 【】), highlights (byte ranges
 * in text as [start, end] pairs) and also (other sources of the same text). */
json_t *kk_hit_to_json(const kk_hit *h);

/* Facet counts: {"year": [{"value": "2019", "count": 3}, …], "kind": …, …}. */
json_t *kk_facets_to_json(const kk_hits *h);

/* A passage in context: {"passage": {id, doc, line, lines, ordinal, title, section, heading,
 * year, kind, dept, office, city, plans, version, speaker, date, text}, "citation": "出典: …",
 * "before": [passages, document order], "after": [passages, document order]}. */
json_t *kk_passage_context_to_json(const kk_passage_context *c);

#endif
