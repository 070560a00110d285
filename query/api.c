/* api.c — the JSON API: /api/search, /api/passage, /api/related, /api/compare, /api/trend.
 *
 * Each endpoint mirrors a CLI command (search, show, related, compare, trend) and returns the
 * same objects as its --json output, built by the same library functions (kk_hit_to_json,
 * kk_facets_to_json, kk_passage_context_to_json, kk_related_to_json, kk_comparison_to_json,
 * kk_trend_to_json) with jansson; /api/search wraps the hits, which the CLI prints one per line,
 * in one object with the totals. Errors are {"error": message} with a 4xx or 5xx status. This
 * file owns the parameter names of the API, nothing of the results.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "kk_compare.h"
#include "kk_json.h"
#include "kk_passage.h"
#include "kk_related.h"
#include "kk_trend.h"
#include "web.h"

static void answer_ok(kk_web_response *resp)
{
    resp->status = 200;
    resp->content_type = "application/json; charset=utf-8";
}

/* Take a reference to o and answer it with status 200. KK_ENOMEM when o is NULL. */
static kk_status answer(kk_web_response *resp, json_t *o)
{
    kk_status st = kk_json_dump_to(o, &resp->body);
    json_decref(o);
    if (st == KK_OK)
        st = kk_buf_addc(&resp->body, '\n');
    answer_ok(resp);
    return st;
}

static kk_status fail(kk_web_response *resp, const kk_error *err)
{
    return kk_web_json_error(resp, kk_web_status_for(err->code), err->message);
}

static kk_status missing(kk_web_response *resp, const char *name)
{
    kk_error err;
    kk_error_set(&err, KK_EINVAL, "パラメータ %s を指定してください", name);
    return fail(resp, &err);
}

/* What /api/search answers: the hits with the request that found them. */
typedef struct search_answer {
    const char *query;
    const kk_hits *hits;
    long offset, limit;
    int facets;
    unsigned fields; /* of each hit (kk_hit_to_json) */
} search_answer;

static json_t *search_answer_to_json(const void *what, kk_json_strings strings)
{
    const search_answer *a = what;
    json_t *list = json_array();
    for (size_t k = 0; list && k < a->hits->n; k++)
        if (json_array_append_new(list, kk_hit_to_json(&a->hits->hits[k], a->fields, strings)) != 0) {
            json_decref(list);
            return NULL;
        }
    json_t *o = json_pack("{sssIsbsIsIso}", "query", a->query, "total",
                          (json_int_t)a->hits->total, "relaxed", a->hits->relaxed, "offset",
                          (json_int_t)a->offset, "limit", (json_int_t)a->limit, "hits", list);
    if (o && a->facets
        && json_object_set_new(o, "facets", kk_facets_to_json(a->hits, strings)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The answer is most of a search page's JSON work: its strings are checked once, as written
 * (kk_json_append), not also when made. */
static kk_status answer_search(kk_web_response *resp, const search_answer *a)
{
    kk_status st = kk_json_append(search_answer_to_json, a, &resp->body);
    if (st == KK_OK)
        st = kk_buf_addc(&resp->body, '\n');
    answer_ok(resp);
    return st;
}

kk_status kk_api_search(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    long limit, offset, facets;
    char *query = NULL;
    if (kk_web_param_number(req, "limit", 1, KK_WEB_MAX_LIMIT, 10, &limit, &err) < 0
        || kk_web_param_number(req, "offset", 0, KK_WEB_MAX_OFFSET, 0, &offset, &err) < 0
        || kk_web_param_number(req, "facets", 0, 1, 0, &facets, &err) < 0
        || kk_web_search_query(req, &query, &err) != KK_OK)
        return fail(resp, &err);
    unsigned fields = 0;
    const char *names = kk_web_param_get(req, "fields");
    if (names && kk_hit_fields_parse(names, &fields, &err) != KK_OK) {
        free(query);
        return fail(resp, &err);
    }
    if (!*query) {
        free(query);
        return missing(resp, "q");
    }
    kk_search_request sr = {query, (unsigned)offset, (unsigned)limit, (int)facets, fields};
    kk_hits *hits = NULL;
    kk_status st = kk_search(req->searcher, &sr, &hits, &err) == KK_OK
                       ? answer_search(resp, &(search_answer){query, hits, offset, limit,
                                                              (int)facets, fields})
                       : fail(resp, &err);
    kk_hits_free(hits);
    free(query);
    return st;
}

kk_status kk_api_related(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    kk_related_request rr;
    if (kk_web_related_request(req, &rr, &err) != KK_OK)
        return fail(resp, &err);
    if (!rr.subject)
        return missing(resp, "policy（または plan）");
    kk_related *r = NULL;
    kk_status st = kk_related_find(req->searcher, &rr, &r, &err) == KK_OK
                       ? answer(resp, kk_related_to_json(r))
                       : fail(resp, &err);
    kk_related_free(r);
    return st;
}

kk_status kk_api_passage(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    kk_passage_context *c = NULL;
    kk_status st = kk_web_load_passage(req, &c, &err) == KK_OK
                       ? answer(resp, kk_passage_context_to_json(c))
                       : fail(resp, &err);
    kk_passage_context_free(c);
    return st;
}

/* unit: "chars" (the default) or "words". */
static int parse_unit(const kk_web_request *req, kk_diff_unit *unit, kk_error *err)
{
    const char *v = kk_web_param_get(req, "unit");
    if (!v || !*v || strcmp(v, "chars") == 0)
        *unit = KK_DIFF_CHARS;
    else if (strcmp(v, "words") == 0)
        *unit = KK_DIFF_WORDS;
    else
        return kk_error_set(err, KK_EINVAL, "パラメータ unit: chars か words を指定してください"),
               -1;
    return 0;
}

kk_status kk_api_compare(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    long max_versions;
    kk_compare_request cr = {0};
    if (kk_web_param_empty(req, "target"))
        return missing(resp, "target");
    if (parse_unit(req, &cr.unit, &err) < 0
        || kk_web_param_number(req, "max_versions", 2, KK_COMPARE_DEFAULT_MAX_VERSIONS,
                               KK_COMPARE_DEFAULT_MAX_VERSIONS, &max_versions, &err) < 0)
        return fail(resp, &err);
    cr.target = kk_web_param_get(req, "target");
    cr.max_versions = (unsigned)max_versions;
    kk_comparison *c = NULL;
    kk_status st = kk_compare_run_request(req->searcher, &cr, &c, &err) == KK_OK
                       ? answer(resp, kk_comparison_to_json(c))
                       : fail(resp, &err);
    kk_comparison_free(c);
    return st;
}

kk_status kk_api_trend(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    char *query = NULL;
    if (kk_web_search_query(req, &query, &err) != KK_OK)
        return fail(resp, &err);
    if (!*query) {
        free(query);
        return missing(resp, "q");
    }
    kk_trend *t = NULL;
    kk_status st = kk_trend_run(req->searcher, query, &t, &err) == KK_OK
                       ? answer(resp, kk_trend_to_json(t))
                       : fail(resp, &err);
    kk_trend_free(t);
    free(query);
    return st;
}
