/* kk_json.h — the JSON form of query results, shared by the CLI's --json and the web API so
 * that both give the same fields, and the writing of it into a kk_buf. Built with jansson; the
 * caller owns (json_decref) what is returned, and NULL means out of memory.
 */
#ifndef KK_JSON_H
#define KK_JSON_H

#include <jansson.h>

#include "kk_passage.h"
#include "kk_query.h"
#include "kk_text.h"

/* How a builder makes its strings. jansson checks that a string is UTF-8 when the value is made
 * (json_string gives none for one that is not, and its field is left out) and again when it is
 * written (the dump fails). KK_JSON_CHECKED makes them as json_string does; KK_JSON_TRUSTED
 * skips the first check (json_string_nocheck), for a tree that is only written, and only by
 * kk_json_append, which falls back to CHECKED when the dump fails, so that the bytes written do
 * not depend on the mode. The check is most of the cost of making a long text's value. */
typedef enum kk_json_strings { KK_JSON_CHECKED, KK_JSON_TRUSTED } kk_json_strings;

/* One hit: rank, score, id, doc, line, title, section, heading, year (number or null), kind,
 * dept, city, version, speaker, date, text, snippet (matches in 【】), highlights (byte ranges
 * in text as [start, end] pairs) and also (other sources of the same text), in that order; only
 * the KK_HIT_BIT()s set in fields, or all of them when fields is 0. */
json_t *kk_hit_to_json(const kk_hit *h, unsigned fields, kk_json_strings strings);

/* The JSON name of a hit's field ("rank", …, "also"). */
const char *kk_hit_field_name(kk_hit_field f);

/* The fields named in list, separated by commas ("doc,line,snippet"), as KK_HIT_BIT()s in *out,
 * for kk_search_request.fields and kk_hit_to_json. An unknown or empty name fails with
 * KK_EINVAL and a message naming it and the known ones; *out is then unchanged. */
kk_status kk_hit_fields_parse(const char *list, unsigned *out, kk_error *err);

/* Facet counts: {"year": [{"value": "2019", "count": 3}, …], "kind": …, …}. */
json_t *kk_facets_to_json(const kk_hits *h, kk_json_strings strings);

/* A passage in context: {"passage": {id, doc, line, lines, ordinal, title, section, heading,
 * year, kind, dept, office, city, plans, version, speaker, date, text}, "citation": "出典: …",
 * "before": [passages, document order], "after": [passages, document order]}. */
json_t *kk_passage_context_to_json(const kk_passage_context *c);

/* Builds the JSON of `what` with strings made as asked; NULL when out of memory. */
typedef json_t *(*kk_json_builder)(const void *what, kk_json_strings strings);

/* Append the compact JSON (as json_dumps(…, JSON_COMPACT) gives it) of the tree build makes of
 * what to out: built KK_JSON_TRUSTED, and built again KK_JSON_CHECKED only when that dump fails
 * (a string that is not UTF-8, or memory). KK_ENOMEM when no tree could be written; out is then
 * as it was. */
kk_status kk_json_append(kk_json_builder build, const void *what, kk_buf *out);

/* Append the compact JSON of o, an object or array built KK_JSON_CHECKED, to out, without an
 * intermediate string. KK_ENOMEM when o is NULL or out cannot grow; out is then as it was. */
kk_status kk_json_dump_to(const json_t *o, kk_buf *out);

#endif
