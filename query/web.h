/* web.h — what the parts of the web server share: a validated request, a response being built,
 * and the page and API handlers the router calls.
 *
 * The server (serve.c) turns an HTTP request into a kk_web_request — path, query parameters
 * already percent-decoded and checked (valid UTF-8, no NUL, within KK_WEB_MAX_VALUE) and a
 * searcher lent for the request — and hands it to one handler, which fills a kk_web_response.
 * Handlers know nothing of libmicrohttpd, sockets or threads; they are thin fronts over the
 * query library, like the CLI's cmd_*.c. This header is internal to the server; the program
 * sees kk_serve.h only.
 */
#ifndef KK_WEB_H
#define KK_WEB_H

#include <stddef.h>

#include "kk_error.h"
#include "kk_query.h"
#include "kk_text.h"

/* A request has few parameters (the search form has eight); more is a malformed or hostile URL. */
#define KK_WEB_MAX_PARAMS 16

/* Longest parameter value in bytes. A typed query is a few dozen characters; 1024 bytes hold
 * 340 Japanese characters, far more than any query in the staff query set (longest: 31), and
 * keep analysis time per request bounded (the library itself refuses KK_QUERY_MAX_BYTES). */
#define KK_WEB_MAX_VALUE 1024

/* Search results per page in the HTML view: one screenful of snippets on a laptop. */
#define KK_WEB_PAGE_SIZE 10

/* Largest `limit` of /api/search, and deepest offset of any search. Xapian's cost grows with
 * offset + limit, and nobody pages past a thousand hits; the CLI allows more for scripts that
 * read the database directly. */
#define KK_WEB_MAX_LIMIT 100
#define KK_WEB_MAX_OFFSET 10000

typedef struct kk_web_param {
    const char *name;
    const char *value; /* "" for a name without '=' */
    size_t value_len;
} kk_web_param;

typedef struct kk_web_request {
    const char *path;
    kk_web_param params[KK_WEB_MAX_PARAMS];
    size_t n_params;
    kk_searcher *searcher; /* lent for this request only; NULL for static files */
} kk_web_request;

typedef struct kk_web_response {
    unsigned status;          /* HTTP status */
    const char *content_type; /* a string literal */
    const char *cache;        /* Cache-Control value, a string literal; NULL: no-store */
    kk_buf body;
} kk_web_response;

/* A handler fills resp (status, type, body) and returns KK_OK, also for 4xx answers; any other
 * status means the response could not be built (out of memory) and the server answers 500. */
typedef kk_status (*kk_web_handler)(const kk_web_request *req, kk_web_response *resp);

/* ---- Parameters (params.c) --------------------------------------------------------------- */

/* The value of parameter name (the first one when repeated), or NULL when absent. */
const char *kk_web_param_get(const kk_web_request *req, const char *name);

/* 1 if the parameter is absent or empty. */
int kk_web_param_empty(const kk_web_request *req, const char *name);

/* Parse parameter name as a whole number in [lo, hi]; absent or empty gives dflt. Returns 0, or
 * -1 with a message in err (naming the parameter and the range) when it is not one. */
int kk_web_param_number(const kk_web_request *req, const char *name, long lo, long hi, long dflt,
                        long *out, kk_error *err);

/* The search the form describes: q followed by the filters from, to (fiscal years), kind, dept
 * and city written in the query language (year:2012..2019 kind:個別計画 …), so that the page and
 * /api/search run the same query. KK_EINVAL with a message when a filter is malformed (a year
 * that is not one, a value with white space, which would split into two clauses). The caller
 * frees *out. */
kk_status kk_web_search_query(const kk_web_request *req, char **out, kk_error *err);

/* ---- Responses (params.c) ---------------------------------------------------------------- */

/* Map a library status to an HTTP status: 400 for malformed input, 404 for what does not exist,
 * 503 while the database is being rewritten, 500 otherwise. */
unsigned kk_web_status_for(kk_status code);

/* Fill resp with a JSON error {"error": message} and status. KK_ENOMEM if that fails. */
kk_status kk_web_json_error(kk_web_response *resp, unsigned status, const char *message);

/* ---- Lookups shared by a page and its API endpoint ---------------------------------------- */

struct kk_passage_context;
struct kk_related_request;

/* The passage named by id (a search hit's id) or by doc and line, with `context` neighbours on
 * each side (default 2, at most 10). Fails as kk_passage_by_id / kk_passage_at_line, or with
 * KK_EINVAL and a message for missing or malformed parameters (page_passage.c). */
kk_status kk_web_load_passage(const kk_web_request *req, struct kk_passage_context **out,
                              kk_error *err);

/* Fill rr from policy=… (a policy's individual plans) or plan=… (an individual plan's policies),
 * as the CLI's `related POLICY` and `related --plan PLAN`, and limit (1..KK_RELATED_MAX_LIMIT).
 * rr->subject is NULL when neither is given. KK_EINVAL with a message when both are, or the
 * limit is malformed (page_related.c). */
kk_status kk_web_related_request(const kk_web_request *req, struct kk_related_request *rr,
                                 kk_error *err);

/* ---- Handlers --------------------------------------------------------------------------- */

kk_status kk_page_search(const kk_web_request *req, kk_web_response *resp);
kk_status kk_page_passage(const kk_web_request *req, kk_web_response *resp);
kk_status kk_page_related(const kk_web_request *req, kk_web_response *resp);
kk_status kk_page_compare(const kk_web_request *req, kk_web_response *resp);
kk_status kk_page_trend(const kk_web_request *req, kk_web_response *resp);
/* An HTML error page with status and message (also used by the router for 400/404/405). */
kk_status kk_page_error(kk_web_response *resp, unsigned status, const char *message);

kk_status kk_api_search(const kk_web_request *req, kk_web_response *resp);
kk_status kk_api_passage(const kk_web_request *req, kk_web_response *resp);
kk_status kk_api_related(const kk_web_request *req, kk_web_response *resp);
kk_status kk_api_compare(const kk_web_request *req, kk_web_response *resp);
kk_status kk_api_trend(const kk_web_request *req, kk_web_response *resp);

/* The embedded static files (query/web/style.css, query/web/app.js). */
kk_status kk_static_style(const kk_web_request *req, kk_web_response *resp);
kk_status kk_static_script(const kk_web_request *req, kk_web_response *resp);

#endif
