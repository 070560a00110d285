/* test_http.c — the web server over real HTTP: an index of corpus/mitaka plus a hostile fixture
 * (markup and quotes in a bulletin article) is served on a free loopback port, and the pages and
 * the JSON API are fetched with a tiny socket client (http_client.c).
 *
 * Checks: status codes and content types; every page escapes document and query text; the API
 * gives exactly the objects of the CLI's --json (the CLI is run for the same query) and of the
 * library; malformed, oversized or invalid-UTF-8 parameters get 400 with a message; unknown
 * paths 404, other methods 405, foreign Host names 403; one client cannot take every
 * connection; commits of a running indexer are seen. The command itself (--listen, start and
 * stop) is test_serve_command.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"
#include "kk_compare.h"
#include "kk_json.h"
#include "kk_query.h"
#include "kk_related.h"
#include "kk_run.h"
#include "kk_serve.h"
#include "kk_trend.h"
#include "test_util.h"

/* A bulletin article whose title, body and city hold markup, quotes and ampersands. */
static const char hostile_csv[] =
    "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n"
    "テスト県試験市,2024.06.01,広報テスト 第1号,\"見出し<script>alert(1)</script>\",防災,"
    "\"防災訓練のお知らせ。本文に<script>alert(1)</script>と\"\"二重引用符\"\"と&amp記号と"
    "'単引用符'を含みます。<img src=x onerror=alert(2)>\"\n";

/* Committed while the server runs: a word no other document holds. */
static const char later_csv[] =
    "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n"
    "テスト県試験市,2024.07.01,広報テスト 第2号,追加記事,お知らせ,"
    "\"ゾンネンブルーメ講座を開きます。\"\n";

typedef struct fixture {
    char dir[256], db[320], mitaka[1024], hostile[320], later[320];
    kk_server *server;
    unsigned port;
} fixture;

static fixture *F;

static void write_text(const char *path, const char *text)
{
    assert_int_equal(kt_write_file(path, text, strlen(text)), 0);
}

static void index_roots(const char *db, const char *const *roots, size_t n)
{
    kk_run_opts o = {0};
    kk_run_stats stats;
    kk_error err = {0};
    o.db_path = db;
    o.roots = roots;
    o.n_roots = n;
    o.lock_wait_ms = 10000;
    if (kk_run_index(&o, &stats, &err) != KK_OK)
        fail_msg("indexing: %s", err.message);
}

static int setup(void **state)
{
    (void)state;
    F = calloc(1, sizeof *F);
    assert_int_equal(kt_tempdir(F->dir, sizeof F->dir, "http"), 0);
    snprintf(F->db, sizeof F->db, "%s/db", F->dir);
    snprintf(F->hostile, sizeof F->hostile, "%s/hostile", F->dir);
    snprintf(F->later, sizeof F->later, "%s/later", F->dir);
    kt_source_path(F->mitaka, sizeof F->mitaka, "corpus/mitaka");
    assert_int_equal(mkdir(F->hostile, 0700), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/test_bulletin.csv", F->hostile);
    write_text(path, hostile_csv);
    const char *roots[] = {F->mitaka, F->hostile};
    index_roots(F->db, roots, 2);
    kk_server_opts opts = {F->db, "127.0.0.1", 0, 2};
    kk_error err = {0};
    if (kk_server_start(&opts, &F->server, &err) != KK_OK)
        fail_msg("server: %s", err.message);
    F->port = kk_server_port(F->server);
    assert_true(F->port > 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kk_server_free(F->server);
    kt_remove_tree(F->dir);
    free(F);
    return 0;
}

/* GET target and check the status; the reply is the caller's to free. */
static kt_reply get(const char *target, int status)
{
    kt_reply r;
    if (kt_get(F->port, target, &r) != 0)
        fail_msg("GET %s: no answer", target);
    if (r.status != status)
        fail_msg("GET %s: status %d, expected %d\n%s", target, r.status, status, r.body);
    return r;
}

/* GET a path with one percent-encoded parameter. */
static kt_reply get_param(const char *path, const char *name, const char *value, int status)
{
    char *v = kt_urlencode(value), target[4096];
    snprintf(target, sizeof target, "%s?%s=%s", path, name, v);
    free(v);
    return get(target, status);
}

static json_t *parse_json(const kt_reply *r)
{
    json_error_t e;
    json_t *o = json_loads(r->body, 0, &e);
    if (!o)
        fail_msg("not JSON (%s): %.200s", e.text, r->body);
    return o;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected \"%s\" in:\n%.3000s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    const char *at = strstr(hay, needle);
    if (at)
        fail_msg("did not expect \"%s\", found at: %.200s", needle, at);
}

/* ---- Pages ----------------------------------------------------------------------------------- */

static void test_search_page(void **state)
{
    (void)state;
    kt_reply r = get_param("/", "q", "三鷹市基本構想", 200);
    char type[128];
    assert_string_equal(kt_reply_header(&r, "Content-Type", type, sizeof type),
                        "text/html; charset=utf-8");
    assert_non_null(kt_reply_header(&r, "Content-Security-Policy", type, sizeof type));
    assert_contains(r.body, "<html lang=\"ja\">");
    assert_contains(r.body, "件の文節");
    assert_contains(r.body, "<mark>");
    assert_contains(r.body, "2015年度");
    assert_contains(r.body, "href=\"/passage?id=");
    assert_contains(r.body, "<h2>年度</h2>"); /* facet counts */
    kt_reply_free(&r);
    r = get("/", 200); /* the empty page: the form and examples */
    assert_contains(r.body, "name=\"q\"");
    assert_contains(r.body, "class=\"examples\"");
    kt_reply_free(&r);
}

static void test_search_filters_and_paging(void **state)
{
    (void)state;
    char target[512], *q = kt_urlencode("計画");
    snprintf(target, sizeof target, "/?q=%s&from=2015&to=2015&page=2", q);
    kt_reply r = get(target, 200);
    assert_contains(r.body, "11〜20件目");
    assert_contains(r.body, "rel=\"prev\"");
    assert_lacks(r.body, "2011年度</span>");
    kt_reply_free(&r);
    /* A form submission spells spaces as '+'. */
    snprintf(target, sizeof target, "/api/search?q=%s+year:2015&limit=100", q);
    r = get(target, 200);
    json_t *o = parse_json(&r);
    assert_string_equal(json_string_value(json_object_get(o, "query")), "計画 year:2015");
    json_t *hits = json_object_get(o, "hits"), *h;
    size_t k;
    assert_true(json_array_size(hits) > 0);
    json_array_foreach(hits, k, h) assert_int_equal(json_integer_value(json_object_get(h, "year")),
                                                    2015);
    json_decref(o);
    kt_reply_free(&r);
    free(q);
}

/* Markup in a document and in the query is shown as text, never run. */
static void test_escaping(void **state)
{
    (void)state;
    kt_reply r = get_param("/api/search", "q", "防災訓練 単引用符", 200);
    json_t *o = parse_json(&r);
    json_t *hit = json_array_get(json_object_get(o, "hits"), 0);
    assert_non_null(hit);
    const char *text = json_string_value(json_object_get(hit, "text"));
    assert_contains(text, "<script>alert(1)</script>"); /* the fixture did reach the index */
    char id[256];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(hit, "id")));
    json_decref(o);
    kt_reply_free(&r);

    r = get_param("/", "q", "防災訓練 単引用符", 200);
    assert_contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_lacks(r.body, "<script>alert");
    assert_lacks(r.body, "<img src=x");
    kt_reply_free(&r);
    r = get_param("/passage", "id", id, 200);
    assert_contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_contains(r.body, "&quot;二重引用符&quot;");
    assert_contains(r.body, "&#39;単引用符&#39;");
    assert_contains(r.body, "&amp;amp記号");
    assert_contains(r.body, "出典");
    assert_lacks(r.body, "<script>alert");
    assert_lacks(r.body, "<img src=x");
    kt_reply_free(&r);
    const char *pages[] = {"/", "/trend", "/compare"}, *names[] = {"q", "q", "target"};
    for (size_t k = 0; k < 3; k++) {
        r = get_param(pages[k], names[k], "\"><script>alert(3)</script>", 200);
        assert_contains(r.body, "&quot;&gt;&lt;script&gt;alert(3)");
        assert_lacks(r.body, "<script>alert(3)");
        kt_reply_free(&r);
    }
}

/* fields= gives only those fields of each hit, the same values as without it. */
static void test_search_fields(void **state)
{
    (void)state;
    char *q = kt_urlencode("三鷹市基本構想"), target[512];
    snprintf(target, sizeof target, "/api/search?q=%s&fields=line,doc,snippet", q);
    kt_reply r = get(target, 200);
    json_t *o = parse_json(&r);
    snprintf(target, sizeof target, "/api/search?q=%s", q);
    kt_reply all_r = get(target, 200);
    json_t *all = parse_json(&all_r);
    json_t *hits = json_object_get(o, "hits"), *all_hits = json_object_get(all, "hits");
    assert_true(json_array_size(hits) > 0);
    assert_int_equal(json_array_size(hits), json_array_size(all_hits));
    for (size_t k = 0; k < json_array_size(hits); k++) {
        json_t *hit = json_array_get(hits, k), *full = json_array_get(all_hits, k);
        assert_int_equal(json_object_size(hit), 3);
        const char *keys[] = {"doc", "line", "snippet"};
        for (size_t j = 0; j < 3; j++)
            assert_true(json_equal(json_object_get(hit, keys[j]), json_object_get(full, keys[j])));
    }
    json_decref(o);
    json_decref(all);
    kt_reply_free(&r);
    kt_reply_free(&all_r);
    free(q);
}

static void test_passage_page(void **state)
{
    (void)state;
    kt_reply r = get_param("/api/search", "q", "三鷹市基本構想", 200);
    json_t *o = parse_json(&r);
    json_t *hit = json_array_get(json_object_get(o, "hits"), 0);
    char id[512], target[1024];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(hit, "id")));
    json_decref(o);
    kt_reply_free(&r);
    char *eid = kt_urlencode(id), *q = kt_urlencode("三鷹市基本構想");
    snprintf(target, sizeof target, "/passage?id=%s&q=%s&context=1", eid, q);
    r = get(target, 200);
    assert_contains(r.body, "<textarea id=\"cite\" readonly rows=\"2\">出典: ");
    assert_contains(r.body, "class=\"current\"");
    assert_contains(r.body, "class=\"neighbour\"");
    assert_contains(r.body, "<mark>");
    assert_contains(r.body, "検索結果へ戻る");
    kt_reply_free(&r);
    snprintf(target, sizeof target, "/api/passage?id=%s", eid);
    r = get(target, 200);
    o = parse_json(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "passage"), "id")),
                        id);
    json_decref(o);
    kt_reply_free(&r);
    r = get_param("/passage", "id", "nowhere.txt:3", 404);
    assert_contains(r.body, "class=\"error\"");
    kt_reply_free(&r);
    r = get("/passage", 400);
    kt_reply_free(&r);
    free(eid);
    free(q);
}

/* ---- The API equals the CLI and the library -------------------------------------------------- */

/* The CLI's --json lines for a search, as a JSON array. */
static json_t *cli_search(const char *query, unsigned limit)
{
    char cmd[2048];
    const char *bin = getenv("KK_BINARY_DIR");
    assert_non_null(bin);
    snprintf(cmd, sizeof cmd, "'%s/bin/keikaku-query' --db '%s' search --json --limit %u '%s'",
             bin, F->db, limit, query);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    json_t *a = json_array();
    char line[1 << 16];
    while (fgets(line, sizeof line, p))
        json_array_append_new(a, json_loads(line, 0, NULL));
    assert_int_equal(pclose(p), 0);
    return a;
}

static void test_api_search_equals_cli(void **state)
{
    (void)state;
    const char *queries[] = {"三鷹市基本構想", "男女平等参画", "地域情報化 year:2015"};
    for (size_t k = 0; k < sizeof queries / sizeof queries[0]; k++) {
        char target[512], *q = kt_urlencode(queries[k]);
        snprintf(target, sizeof target, "/api/search?q=%s&limit=7&facets=1", q);
        free(q);
        kt_reply r = get(target, 200);
        char type[128];
        assert_string_equal(kt_reply_header(&r, "Content-Type", type, sizeof type),
                            "application/json; charset=utf-8");
        json_t *o = parse_json(&r), *cli = cli_search(queries[k], 7);
        json_t *hits = json_object_get(o, "hits");
        assert_true(json_array_size(cli) > 0);
        if (!json_equal(hits, cli))
            fail_msg("API and CLI differ for %s", queries[k]);
        assert_non_null(json_object_get(json_object_get(o, "facets"), "year"));
        assert_true(json_integer_value(json_object_get(o, "total"))
                    >= (json_int_t)json_array_size(hits));
        json_decref(cli);
        json_decref(o);
        kt_reply_free(&r);
    }
}

/* The library's JSON for the same request, through a searcher of our own. */
static json_t *library_json(const char *what, const char *arg)
{
    kk_searcher *s = NULL;
    kk_error err = {0};
    assert_int_equal(kk_searcher_open(F->db, &s, &err), KK_OK);
    json_t *o = NULL;
    if (strcmp(what, "trend") == 0) {
        kk_trend *t = NULL;
        assert_int_equal(kk_trend_run(s, arg, &t, &err), KK_OK);
        o = kk_trend_to_json(t);
        kk_trend_free(t);
    } else if (strcmp(what, "compare") == 0) {
        kk_comparison *c = NULL;
        assert_int_equal(kk_compare_run(s, arg, &c, &err), KK_OK);
        o = kk_comparison_to_json(c);
        kk_comparison_free(c);
    } else {
        kk_related_request rr = {KK_RELATED_PLAN_TO_POLICIES, arg, 0};
        kk_related *r = NULL;
        assert_int_equal(kk_related_find(s, &rr, &r, &err), KK_OK);
        o = kk_related_to_json(r);
        kk_related_free(r);
    }
    kk_searcher_free(s);
    return o;
}

static void api_equals_library(const char *path, const char *name, const char *what,
                               const char *arg)
{
    kt_reply r = get_param(path, name, arg, 200);
    json_t *api = parse_json(&r), *lib = library_json(what, arg);
    if (!json_equal(api, lib))
        fail_msg("%s?%s=%s differs from the library", path, name, arg);
    json_decref(api);
    json_decref(lib);
    kt_reply_free(&r);
}

static void test_trend(void **state)
{
    (void)state;
    api_equals_library("/api/trend", "q", "trend", "地域情報化");
    kt_reply r = get_param("/trend", "q", "地域情報化", 200);
    assert_contains(r.body, "<svg viewBox=");
    assert_contains(r.body, "class=\"bar\"");
    assert_contains(r.body, "<table class=\"trend\">");
    kt_reply_free(&r);
}

static void test_compare(void **state)
{
    (void)state;
    api_equals_library("/api/compare", "target", "compare", "地域情報化プラン2022");
    kt_reply r = get_param("/compare", "target", "地域情報化プラン2022", 200);
    assert_contains(r.body, "class=\"sides\"");
    assert_contains(r.body, "<ins>");
    assert_contains(r.body, "<del>");
    kt_reply_free(&r);
    r = get("/compare?target=x&unit=letters", 400);
    kt_reply_free(&r);
}

static void test_related(void **state)
{
    (void)state;
    api_equals_library("/api/related", "plan", "related", "地域情報化プラン2022");
    kt_reply r = get_param("/related", "plan", "地域情報化プラン2022", 200);
    assert_contains(r.body, "関連する施策");
    kt_reply_free(&r);
    r = get("/api/related", 400);
    assert_contains(r.body, "\"error\"");
    kt_reply_free(&r);
    r = get_param("/api/related", "plan", "存在しないプラン名ゾンビ", 404);
    kt_reply_free(&r);
}

/* ---- Refusals -------------------------------------------------------------------------------- */

typedef struct refusal {
    const char *target;
    int status;
    const char *message; /* part of the answer */
} refusal;

static void test_refusals(void **state)
{
    (void)state;
    static char long_q[2200];
    memset(long_q, 0, sizeof long_q);
    strcpy(long_q, "/?q=");
    memset(long_q + 4, 'a', 2000);
    const refusal cases[] = {
        {"/?q=%FF", 400, "UTF-8"},                  /* invalid UTF-8 */
        {"/api/search?q=%E8%A8", 400, "UTF-8"},     /* truncated sequence */
        {"/api/search?q=a%00b", 400, "UTF-8"},      /* NUL */
        {"/?q=%C0%AF", 400, "UTF-8"},               /* overlong '/' */
        {long_q, 400, "長すぎ"},                    /* over KK_WEB_MAX_VALUE */
        {"/api/search?q=a&limit=0", 400, "limit"},
        {"/api/search?q=a&limit=abc", 400, "limit"},
        {"/api/search?q=a&limit=101", 400, "limit"},
        {"/api/search?q=a&offset=-1", 400, "offset"},
        {"/api/search?q=a&fields=doc,txet", 400, "'txet' is not a field"},
        {"/api/search?q=a&fields=", 400, "fields"},
        {"/?q=a&page=0", 400, "page"},
        {"/?q=a&from=20x", 400, "from"},
        {"/?q=a&from=2019&to=2012", 400, "逆順"},
        {"/?q=a&kind=a%20b", 400, "空白"},
        {"/?q=colour:red", 400, "unknown field"},   /* the library's parse error */
        {"/api/search", 400, "q"},
        {"/?a=1&b=1&c=2&d=3&e=4&f=5&g=6&h=7&i=8&j=9&k=10&l=11&m=12&n=13&o=14&p=15&q=16", 400,
         "多すぎ"},
        {"/nowhere", 404, "ありません"},
        {"/api/nowhere", 404, "\"error\""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        kt_reply r = get(cases[k].target, cases[k].status);
        assert_contains(r.body, cases[k].message);
        kt_reply_free(&r);
    }
    /* A request line longer than a connection's memory is refused by libmicrohttpd itself. */
    size_t n = 40000;
    char *huge = malloc(n + 8);
    strcpy(huge, "/?q=");
    memset(huge + 4, 'a', n);
    huge[n + 4] = '\0';
    kt_reply r;
    kt_get(F->port, huge, &r);
    assert_true(r.status == 414 || r.status == 431 || r.status == 0);
    kt_reply_free(&r);
    free(huge);
}

static void test_methods_and_hosts(void **state)
{
    (void)state;
    kt_reply r;
    char allow[64];
    assert_int_equal(kt_http(F->port, "POST", "/", NULL, &r), 0);
    assert_int_equal(r.status, 405);
    assert_string_equal(kt_reply_header(&r, "Allow", allow, sizeof allow), "GET, HEAD");
    kt_reply_free(&r);
    assert_int_equal(kt_http(F->port, "DELETE", "/api/search?q=a", NULL, &r), 0);
    assert_int_equal(r.status, 405);
    assert_contains(r.body, "\"error\"");
    kt_reply_free(&r);
    assert_int_equal(kt_http(F->port, "HEAD", "/?q=a", NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    kt_reply_free(&r);
    assert_int_equal(kt_http(F->port, "GET", "/", "evil.example:80", &r), 0);
    assert_int_equal(r.status, 403);
    kt_reply_free(&r);
    assert_int_equal(kt_http(F->port, "GET", "/", "localhost", &r), 0);
    assert_int_equal(r.status, 200);
    kt_reply_free(&r);
    r = get("/static/style.css", 200);
    assert_contains(r.body, "@media (max-width");
    kt_reply_free(&r);
    r = get("/static/app.js", 200);
    kt_reply_free(&r);
}

/* ---- Load and limits ------------------------------------------------------------------------- */

static void *client_thread(void *arg)
{
    (void)arg;
    long ok = 0;
    for (int k = 0; k < 8; k++) {
        kt_reply r;
        if (kt_get(F->port, k % 2 ? "/?q=%E8%A8%88%E7%94%BB" : "/api/search?q=%E4%BA%8B%E6%A5%AD",
                   &r) == 0 && r.status == 200)
            ok++;
        kt_reply_free(&r);
    }
    return (void *)ok;
}

static void test_parallel_clients(void **state)
{
    (void)state;
    pthread_t t[6];
    for (int k = 0; k < 6; k++)
        assert_int_equal(pthread_create(&t[k], NULL, client_thread, NULL), 0);
    for (int k = 0; k < 6; k++) {
        void *ok;
        pthread_join(t[k], &ok);
        assert_int_equal((long)ok, 8);
    }
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Open a connection and make one keep-alive HEAD request on it, so that the server has
 * certainly accepted (and counted) it; the socket or -1. */
static int held_connection(unsigned port)
{
    static const char req[] = "HEAD /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    int fd = kt_connect(port);
    if (fd < 0 || send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof req - 1))
        return -1;
    char buf[4096];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = recv(fd, buf + n, sizeof buf - 1 - n, 0)) > 0) {
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            return strncmp(buf, "HTTP/1.1 200", 12) == 0 ? fd : -1;
    }
    close(fd);
    return -1;
}

/* Hold n connections in fds; 0, or -1 (none held) when the server refused one. */
static int hold(int *fds, int n)
{
    for (int k = 0; k < n; k++) {
        if ((fds[k] = held_connection(F->port)) < 0) {
            while (k-- > 0)
                close(fds[k]);
            return -1;
        }
    }
    return 0;
}

/* One address holding its share of connections (MAX_CONNECTIONS_PER_IP in serve.c) cannot
 * open more; once it lets go, requests are answered again. The server frees the connections of
 * earlier tests a moment after they close, so holding its share is retried for a while. */
static void test_connection_limit(void **state)
{
    (void)state;
    enum { PER_IP = 32 };
    int fds[PER_IP], held = -1;
    for (int tries = 0; tries < 50 && held < 0; tries++)
        if ((held = hold(fds, PER_IP)) < 0)
            pause_ms(100);
    assert_int_equal(held, 0);
    kt_reply r;
    if (kt_get(F->port, "/", &r) == 0)
        fail_msg("answered with %d over the limit", r.status);
    kt_reply_free(&r);
    for (int k = 0; k < PER_IP; k++)
        close(fds[k]);
    int answered = 0;
    for (int tries = 0; tries < 50 && !answered; tries++) {
        answered = kt_get(F->port, "/", &r) == 0 && r.status == 200;
        kt_reply_free(&r);
        if (!answered)
            pause_ms(100);
    }
    assert_true(answered);
}

/* What the indexer commits while the server runs is found by the next request. */
static void test_sees_new_commits(void **state)
{
    (void)state;
    kt_reply r = get_param("/api/search", "q", "ゾンネンブルーメ", 200);
    assert_contains(r.body, "\"total\":0");
    kt_reply_free(&r);
    assert_int_equal(mkdir(F->later, 0700), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/later_bulletin.csv", F->later);
    write_text(path, later_csv);
    const char *roots[] = {F->later};
    index_roots(F->db, roots, 1);
    r = get_param("/api/search", "q", "ゾンネンブルーメ", 200);
    assert_contains(r.body, "\"total\":1");
    kt_reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_page),
        cmocka_unit_test(test_search_filters_and_paging),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_search_fields),
        cmocka_unit_test(test_passage_page),
        cmocka_unit_test(test_api_search_equals_cli),
        cmocka_unit_test(test_trend),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_related),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_methods_and_hosts),
        cmocka_unit_test(test_parallel_clients),
        cmocka_unit_test(test_connection_limit),
        cmocka_unit_test(test_sees_new_commits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
