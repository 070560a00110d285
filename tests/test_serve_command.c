/* test_serve_command.c — `keikaku-query serve` as a person runs it: --listen parsing (which
 * addresses are loopback, what a bare port means), starting on a free port and printing the URL,
 * answering, and stopping cleanly with exit status 0 on SIGTERM; usage and database errors with
 * their exit codes. The server's pages and API are test_http.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_client.h"
#include "kk_run.h"
#include "kk_serve.h"
#include "test_util.h"

static char dir[256], db[320];

/* A database of one small bulletin file: enough for the server to open and answer. */
static int setup(void **state)
{
    (void)state;
    static const char csv[] = "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n"
                              "テスト県試験市,2024.06.01,広報テスト 第1号,見出し,防災,"
                              "\"防災訓練のお知らせです。\"\n";
    char docs[300], path[400];
    assert_int_equal(kt_tempdir(dir, sizeof dir, "serve"), 0);
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(path, sizeof path, "%s/bulletin.csv", docs);
    assert_int_equal(mkdir(docs, 0700), 0);
    assert_int_equal(kt_write_file(path, csv, strlen(csv)), 0);
    const char *roots[] = {docs};
    kk_run_opts o = {0};
    kk_run_stats stats;
    kk_error err = {0};
    o.db_path = db;
    o.roots = roots;
    o.n_roots = 1;
    if (kk_run_index(&o, &stats, &err) != KK_OK)
        fail_msg("indexing: %s", err.message);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kt_remove_tree(dir);
    return 0;
}

static void test_listen_parsing(void **state)
{
    (void)state;
    static const struct {
        const char *text, *host;
        unsigned port;
        kk_status st;
    } cases[] = {
        {"127.0.0.1:8080", "127.0.0.1", 8080, KK_OK},
        {"9000", "127.0.0.1", 9000, KK_OK},          /* a port alone keeps loopback */
        {":0", "127.0.0.1", 0, KK_OK},
        {"localhost:80", "127.0.0.1", 80, KK_OK},
        {"[::1]:8081", "::1", 8081, KK_OK},
        {"0.0.0.0:8080", "0.0.0.0", 8080, KK_OK},    /* named: allowed, with a warning */
        {"127.0.0.1:65536", "", 0, KK_EINVAL},
        {"127.0.0.1:", "", 0, KK_EINVAL},
        {"::1:80", "", 0, KK_EINVAL},                /* IPv6 needs brackets */
        {"[::1]80", "", 0, KK_EINVAL},
        {"abc", "", 0, KK_EINVAL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char host[64] = "127.0.0.1";
        unsigned port = 0;
        kk_error err = {0};
        assert_int_equal(kk_serve_parse_listen(cases[k].text, host, sizeof host, &port, &err),
                         cases[k].st);
        if (cases[k].st == KK_OK) {
            assert_string_equal(host, cases[k].host);
            assert_int_equal(port, cases[k].port);
        } else {
            assert_true(err.message[0] != '\0');
        }
    }
    assert_true(kk_serve_is_loopback("127.0.0.1"));
    assert_true(kk_serve_is_loopback("127.1.2.3"));
    assert_true(kk_serve_is_loopback("::1"));
    assert_false(kk_serve_is_loopback("0.0.0.0"));
    assert_false(kk_serve_is_loopback("192.168.1.10"));
    assert_false(kk_serve_is_loopback("::"));
}

static void test_serve_command(void **state)
{
    (void)state;
    char bin[1024];
    snprintf(bin, sizeof bin, "%s/bin/keikaku-query", getenv("KK_BINARY_DIR"));
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execl(bin, bin, "--db", db, "serve", "--listen", "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[2048] = "";
    assert_non_null(fgets(line, sizeof line, f));
    const char *url = strstr(line, "http://127.0.0.1:");
    assert_non_null(url);
    unsigned port = (unsigned)atoi(url + strlen("http://127.0.0.1:"));
    assert_true(port > 0);
    kt_reply r;
    assert_int_equal(kt_get(port, "/?q=%E8%A8%88%E7%94%BB", &r), 0);
    assert_int_equal(r.status, 200);
    kt_reply_free(&r);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    fclose(f);
    /* A bad --listen is a usage error; a missing database an error. */
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' serve --listen 127.0.0.1:99999 2>/dev/null", bin,
             db);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "'%s' --db '%s/none' serve --listen 127.0.0.1:0 2>/dev/null", bin,
             dir);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_parsing),
        cmocka_unit_test(test_serve_command),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
