/* serve.c — the web server's daemon: libmicrohttpd set-up and limits, checking each request
 * (method, host, parameters), routing it to a page or API handler with a borrowed searcher, and
 * sending the answer with the security headers every response carries (see kk_serve.h).
 *
 * Sections: limits; the server; decoding and checking parameters; routing; answering; start
 * and stop. What a page shows is in page_*.c, what the API returns in api.c, the HTML builder in
 * html.c, the listening socket in listen.c and the searchers in searcher_pool.c.
 */
#include "kk_serve.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "searcher_pool.h"
#include "web.h"

/* ---- Limits ------------------------------------------------------------------------------- */

/* Connections at once: each staff member's browser opens up to six; 64 serves ten at once and
 * stays far below the default limit of 1024 file descriptors. */
#define MAX_CONNECTIONS 64
/* Per client address, so that one client cannot hold them all. Half the total, not fewer,
 * because behind a reverse proxy every staff member has the proxy's address. */
#define MAX_CONNECTIONS_PER_IP 32
/* Seconds an idle connection is kept: long enough for a browser's keep-alive between clicks,
 * short enough that clients trickling bytes cannot pin every connection for long. */
#define IDLE_TIMEOUT_SECONDS 15
/* Memory per connection for the request line and headers. libmicrohttpd answers 414/431 itself
 * when a request does not fit; 32 KiB holds a URL with every parameter at KK_WEB_MAX_VALUE,
 * percent-encoded (16 × 3 KiB would not, but the search form has eight). */
#define CONNECTION_MEMORY 32768
/* Longest parameter name: ours are short words. */
#define MAX_PARAM_NAME 32

/* Every answer: no sniffing, no framing, scripts and styles only from this server (the pages
 * use no inline script or style), no referrer leaking queries to other sites. */
static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Content-Security-Policy",
     "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
     "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

/* ---- The server --------------------------------------------------------------------------- */

struct kk_server {
    struct MHD_Daemon *daemon;
    kk_searcher_pool *pool;
    unsigned port;
    int loopback; /* listening on a loopback address: only loopback Host names are accepted */
};

/* ---- Decoding and checking parameters ------------------------------------------------------ */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decoding in place, with '+' as a space as HTML forms send it (libmicrohttpd's own
 * decoder keeps '+'). A '%' not followed by two hex digits is kept as it is. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    char *out = s;
    for (const char *in = s; *in; in++) {
        int hi, lo;
        if (*in == '+') {
            *out++ = ' ';
        } else if (*in == '%' && (hi = hex_value(in[1])) >= 0 && (lo = hex_value(in[2])) >= 0) {
            *out++ = (char)(hi * 16 + lo);
            in += 2;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

typedef struct collector {
    kk_web_request *req;
    const char *problem; /* why the request is refused, or NULL */
} collector;

static int text_ok(const char *s, size_t n)
{
    return memchr(s, '\0', n) == NULL && kk_utf8_valid(s, n);
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    collector *c = cls;
    kk_web_request *r = c->req;
    if (!value)
        value = "", value_size = 0;
    if (r->n_params == KK_WEB_MAX_PARAMS)
        c->problem = "パラメータが多すぎます（16個まで）";
    else if (key_size > MAX_PARAM_NAME || value_size > KK_WEB_MAX_VALUE)
        c->problem = "パラメータが長すぎます（1つ1024バイトまで）";
    else if (!text_ok(key, key_size) || !text_ok(value, value_size))
        c->problem = "パラメータが正しいUTF-8ではありません";
    if (c->problem)
        return MHD_NO;
    r->params[r->n_params++] = (kk_web_param){key, value, value_size};
    return MHD_YES;
}

/* 1 if the Host header names this machine by a loopback name, or is absent (HTTP/1.0). A page
 * of another site can make a browser resolve its own name to 127.0.0.1 (DNS rebinding); the
 * Host header still carries that name, and such requests are refused. */
static int host_ok(struct MHD_Connection *c)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!host)
        return 1;
    char name[64];
    size_t n;
    if (host[0] == '[') {
        const char *close = strchr(host, ']');
        n = close ? (size_t)(close - host - 1) : 0;
        host++;
    } else {
        const char *colon = strchr(host, ':');
        n = colon ? (size_t)(colon - host) : strlen(host);
    }
    if (n == 0 || n >= sizeof name)
        return 0;
    memcpy(name, host, n);
    name[n] = '\0';
    return strcmp(name, "localhost") == 0 || kk_serve_is_loopback(name);
}

/* ---- Routing ------------------------------------------------------------------------------ */

typedef struct route {
    const char *path;
    kk_web_handler handler;
    int needs_searcher;
} route;

static const route routes[] = {
    {"/", kk_page_search, 1},
    {"/search", kk_page_search, 1},
    {"/passage", kk_page_passage, 1},
    {"/related", kk_page_related, 1},
    {"/compare", kk_page_compare, 1},
    {"/trend", kk_page_trend, 1},
    {"/api/search", kk_api_search, 1},
    {"/api/passage", kk_api_passage, 1},
    {"/api/related", kk_api_related, 1},
    {"/api/compare", kk_api_compare, 1},
    {"/api/trend", kk_api_trend, 1},
    {"/static/style.css", kk_static_style, 0},
    {"/static/app.js", kk_static_script, 0},
};

static const route *find_route(const char *path)
{
    for (size_t k = 0; k < sizeof routes / sizeof routes[0]; k++)
        if (strcmp(routes[k].path, path) == 0)
            return &routes[k];
    return NULL;
}

static int is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0;
}

/* An error answer in the form the client reads: JSON under /api/, an HTML page elsewhere. */
static kk_status refuse(const char *path, kk_web_response *resp, unsigned status,
                        const char *message)
{
    return is_api(path) ? kk_web_json_error(resp, status, message)
                        : kk_page_error(resp, status, message);
}

/* Run the handler for req->path with a borrowed searcher. */
static kk_status dispatch(kk_server *s, kk_web_request *req, kk_web_response *resp)
{
    const route *r = find_route(req->path);
    if (!r)
        return refuse(req->path, resp, 404, "そのページはありません");
    if (!r->needs_searcher)
        return r->handler(req, resp);
    kk_error err = {0};
    if (kk_searcher_pool_borrow(s->pool, &req->searcher, &err) != KK_OK)
        return refuse(req->path, resp, 503, err.message);
    kk_status st = r->handler(req, resp);
    kk_searcher_pool_return(s->pool, req->searcher);
    req->searcher = NULL;
    return st;
}

static int is_get_or_head(const char *method)
{
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

/* Check the request and answer it into resp. */
static kk_status handle(kk_server *s, struct MHD_Connection *c, const char *path,
                        const char *method, kk_web_response *resp)
{
    if (!is_get_or_head(method))
        return refuse(path, resp, 405, "GET と HEAD だけを受け付けます");
    if (s->loopback && !host_ok(c))
        return refuse(path, resp, 403, "Host ヘッダーがこのサーバーの名前ではありません");
    if (!text_ok(path, strlen(path)))
        return refuse("", resp, 400, "URL が正しいUTF-8ではありません");
    kk_web_request req = {.path = path};
    collector col = {&req, NULL};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_param, &col);
    if (col.problem)
        return refuse(path, resp, 400, col.problem);
    return dispatch(s, &req, resp);
}

/* ---- Answering ---------------------------------------------------------------------------- */

static enum MHD_Result send_response(struct MHD_Connection *c, kk_web_response *resp)
{
    size_t len = 0;
    char *body = kk_buf_take(&resp->body, &len);
    struct MHD_Response *r = body
        ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)
        : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            resp->cache ? resp->cache : "no-store");
    for (size_t k = 0; k < sizeof security_headers / sizeof security_headers[0]; k++)
        MHD_add_response_header(r, security_headers[k][0], security_headers[k][1]);
    if (resp->status == 405)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result ok = MHD_queue_response(c, resp->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* libmicrohttpd calls this once when the headers are in, then again for each piece of body and
 * once more at its end. A GET or HEAD is answered at that last call: a response queued at the
 * first call makes libmicrohttpd close the connection afterwards (it cannot know whether a body
 * follows), which would cost browsers their keep-alive. Other methods, and GETs that carry a
 * body, are refused at once and their connection closed. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state)
{
    (void)version, (void)upload_data;
    kk_web_response resp = {0};
    kk_status st;
    if (!*state && is_get_or_head(method)) {
        *state = cls; /* any non-NULL value: "headers seen" */
        return MHD_YES;
    }
    if (*upload_size != 0)
        st = refuse(url, &resp, 400, "リクエスト本文は受け付けません");
    else
        st = handle(cls, c, url, method, &resp);
    if (st != KK_OK) {
        kk_buf_free(&resp.body);
        resp = (kk_web_response){.status = 500, .content_type = "text/plain; charset=utf-8"};
        if (kk_buf_add(&resp.body, "out of memory\n", 14) != KK_OK)
            return MHD_NO;
    }
    return send_response(c, &resp);
}

/* ---- Start and stop ----------------------------------------------------------------------- */

static kk_status start_daemon(kk_server *s, int fd, int ipv6, unsigned threads, kk_error *err)
{
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | (ipv6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)MAX_CONNECTIONS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)IDLE_TIMEOUT_SECONDS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!s->daemon) {
        close(fd);
        return kk_error_set(err, KK_EIO, "the HTTP server (libmicrohttpd) did not start");
    }
    return KK_OK;
}

kk_status kk_server_start(const kk_server_opts *opts, kk_server **out, kk_error *err)
{
    *out = NULL;
    unsigned threads = opts->threads ? opts->threads : KK_SERVER_DEFAULT_THREADS;
    kk_server *s = calloc(1, sizeof *s);
    if (!s)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    int fd = -1, ipv6 = 0;
    s->loopback = kk_serve_is_loopback(opts->address);
    kk_status st = kk_searcher_pool_new(opts->db_path, threads, &s->pool, err);
    if (st == KK_OK)
        st = kk_listen_open(opts->address, opts->port, &fd, &s->port, &ipv6, err);
    if (st == KK_OK)
        st = start_daemon(s, fd, ipv6, threads, err);
    if (st != KK_OK) {
        kk_server_free(s);
        return st;
    }
    *out = s;
    return KK_OK;
}

unsigned kk_server_port(const kk_server *s)
{
    return s->port;
}

void kk_server_free(kk_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    kk_searcher_pool_free(s->pool);
    free(s);
}
