/* params.c — reading a web request's parameters, turning the search form into a query, and the
 * shared error answers (see web.h).
 *
 * Parameters arrive already checked by the server (UTF-8, length); this file gives them meaning.
 * It does not parse the query language: the form's filters are written out as field:value
 * clauses and the query library parses them like typed ones.
 */
#include "web.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Fiscal years a filter may name: the archive's documents run from the Heisei era on, and a
 * year outside this range is a typing slip rather than a search. */
#define YEAR_MIN 1900
#define YEAR_MAX 2100

const char *kk_web_param_get(const kk_web_request *req, const char *name)
{
    for (size_t k = 0; k < req->n_params; k++)
        if (strcmp(req->params[k].name, name) == 0)
            return req->params[k].value;
    return NULL;
}

int kk_web_param_empty(const kk_web_request *req, const char *name)
{
    const char *v = kk_web_param_get(req, name);
    return !v || !*v;
}

int kk_web_param_number(const kk_web_request *req, const char *name, long lo, long hi, long dflt,
                        long *out, kk_error *err)
{
    const char *v = kk_web_param_get(req, name);
    if (!v || !*v) {
        *out = dflt;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < lo || n > hi || (*v < '0' || *v > '9')) {
        kk_error_set(err, KK_EINVAL, "パラメータ %s: %ld〜%ld の整数を指定してください", name, lo,
                     hi);
        return -1;
    }
    *out = n;
    return 0;
}

/* 1 if v holds white space (ASCII or the ideographic space U+3000), which ends a clause. */
static int has_space(const char *v)
{
    for (const char *p = v; *p; p++)
        if (*p == ' ' || (*p >= '\t' && *p <= '\r') || memcmp(p, "\xE3\x80\x80", 3) == 0)
            return 1;
    return 0;
}

static kk_status add_year_filter(const kk_web_request *req, kk_buf *b, kk_error *err)
{
    long from, to;
    if (kk_web_param_number(req, "from", YEAR_MIN, YEAR_MAX, 0, &from, err) < 0
        || kk_web_param_number(req, "to", YEAR_MIN, YEAR_MAX, 0, &to, err) < 0)
        return KK_EINVAL;
    if (from && to && from > to)
        return kk_error_set(err, KK_EINVAL, "年度の範囲: %ld年度から%ld年度は逆順です", from, to);
    if (!from && !to)
        return KK_OK;
    if (b->len && kk_buf_addc(b, ' ') != KK_OK)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = KK_OK;
    if (from && to)
        st = kk_buf_printf(b, "year:%ld..%ld", from, to);
    else if (from)
        st = kk_buf_printf(b, "year:%ld..", from);
    else
        st = kk_buf_printf(b, "year:..%ld", to);
    return st == KK_OK ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
}

static kk_status add_field_filter(const kk_web_request *req, const char *name, kk_buf *b,
                                  kk_error *err)
{
    const char *v = kk_web_param_get(req, name);
    if (!v || !*v)
        return KK_OK;
    if (has_space(v))
        return kk_error_set(err, KK_EINVAL, "パラメータ %s: 空白を含む値では絞り込めません", name);
    if ((b->len && kk_buf_addc(b, ' ') != KK_OK) || kk_buf_printf(b, "%s:%s", name, v) != KK_OK)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    return KK_OK;
}

kk_status kk_web_search_query(const kk_web_request *req, char **out, kk_error *err)
{
    static const char *const fields[] = {"kind", "dept", "city"};
    *out = NULL;
    kk_buf b = {0};
    const char *q = kk_web_param_get(req, "q");
    kk_status st = kk_buf_add(&b, "", 0);
    if (st == KK_OK && q)
        st = kk_buf_add(&b, q, strlen(q));
    if (st != KK_OK)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK)
        st = add_year_filter(req, &b, err);
    for (size_t k = 0; st == KK_OK && k < sizeof fields / sizeof fields[0]; k++)
        st = add_field_filter(req, fields[k], &b, err);
    if (st != KK_OK) {
        kk_buf_free(&b);
        return st;
    }
    *out = kk_buf_take(&b, NULL);
    return KK_OK;
}

unsigned kk_web_status_for(kk_status code)
{
    switch (code) {
    case KK_EINVAL:
    case KK_EPARSE:
    case KK_EENCODING:
        return 400;
    case KK_ENOTFOUND:
        return 404;
    case KK_ELOCKED:
    case KK_EMODIFIED:
        return 503;
    default:
        return 500;
    }
}

kk_status kk_web_json_error(kk_web_response *resp, unsigned status, const char *message)
{
    json_t *o = json_pack("{ss}", "error", message);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return KK_ENOMEM;
    kk_buf_free(&resp->body);
    kk_status st = kk_buf_add(&resp->body, text, strlen(text));
    free(text);
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
    return st;
}
