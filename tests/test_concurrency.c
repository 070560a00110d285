/* test_concurrency.c — searching while the indexer writes, and two indexers on one database.
 *
 * A forked indexer writes corpus/ with many small commits while this process searches in a loop
 * through one long-lived kk_searcher (whose read handle must reopen when Xapian reports the
 * database modified), through fresh searchers, through the keikaku-query program and through the
 * web server's JSON API: every search must succeed. A second writer fails at once with a message naming the lock holder's
 * database when told not to wait (exit 1 from keikaku-index), succeeds when it may wait long
 * enough, and two indexers racing on one database leave it holding each passage once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"
#include "kk_index.h"
#include "kk_query.h"
#include "kk_run.h"
#include "kk_schema.h"
#include "kk_serve.h"
#include "kk_xapian.h"
#include "test_util.h"

/* Passages per commit of the writer: about 45 commits over corpus/, each one a chance for a
 * reader to be caught between revisions. */
#define WRITER_BATCH 50

typedef struct fixture {
    char dir[64], db[128];
    char corpus[4096], mitaka[4096];
    char index_program[4096], query_program[4096];
    unsigned full_passages; /* passages of a whole index of corpus/, from the first test */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "concurrency"), 0);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    kt_source_path(f->corpus, sizeof f->corpus, "corpus");
    kt_source_path(f->mitaka, sizeof f->mitaka, "corpus/mitaka");
    const char *bin = getenv("KK_BINARY_DIR");
    snprintf(f->index_program, sizeof f->index_program, "%s/bin/keikaku-index", bin ? bin : ".");
    snprintf(f->query_program, sizeof f->query_program, "%s/bin/keikaku-query", bin ? bin : ".");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kt_remove_tree(f->dir);
    free(f);
    return 0;
}

static kk_status index_job(const fixture *f, const char *root, size_t batch, int force,
                           unsigned wait_ms, kk_run_stats *stats, kk_error *err)
{
    const char *roots[] = {root};
    kk_run_opts o = {0};
    o.db_path = f->db;
    o.roots = roots;
    o.n_roots = 1;
    o.batch_passages = batch;
    o.force = force;
    o.lock_wait_ms = wait_ms;
    return kk_run_index(&o, stats, err);
}

static pid_t fork_writer(const fixture *f, int force)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        kk_run_stats stats;
        kk_error err = {0};
        kk_status st = index_job(f, f->corpus, WRITER_BATCH, force, 10000, &stats, &err);
        if (st != KK_OK)
            fprintf(stderr, "writer: %s\n", err.message);
        _exit(st == KK_OK ? 0 : 1);
    }
    return pid;
}

/* Run a program with stdout to /dev/null and stderr to err_path; returns its exit code. */
static int run_program(const char *err_path, char *const argv[])
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        int errfd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (null < 0 || errfd < 0)
            _exit(126);
        dup2(null, STDOUT_FILENO);
        dup2(errfd, STDERR_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static char *slurp(const char *path)
{
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    buf[n] = '\0';
    fclose(in);
    return buf;
}

static unsigned doc_count(const fixture *f)
{
    kk_db *db = NULL;
    unsigned n = 0;
    assert_int_equal(kk_db_open_read(f->db, &db, NULL), KK_OK);
    assert_int_equal(kk_db_doc_count(db, &n, NULL), KK_OK);
    kk_db_free(db);
    return n;
}

static int check_unique_id(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)ctx;
    if (freq != 1)
        fail_msg("passage id %.*s is held by %u documents", (int)len, term, freq);
    return 0;
}

static void check_no_duplicates(const fixture *f)
{
    kk_db *db = NULL;
    assert_int_equal(kk_db_open_read(f->db, &db, NULL), KK_OK);
    assert_int_equal(kk_db_each_term(db, KK_PREFIX_ID, check_unique_id, NULL, NULL), KK_OK);
    kk_db_free(db);
}

static void search_ok(kk_searcher *s, const char *query, int facets, unsigned round)
{
    kk_search_request req = {query, 0, 10, facets, 0};
    kk_hits *h = NULL;
    kk_error err = {0};
    kk_status st = kk_search(s, &req, &h, &err);
    if (st != KK_OK)
        fail_msg("search %u '%s' while indexing: %s %s", round, query, kk_status_name(st),
                 err.message);
    for (size_t k = 0; k < h->n; k++)
        assert_non_null(h->hits[k].text);
    kk_hits_free(h);
}

static int writer_running(pid_t pid, int *status)
{
    pid_t done = waitpid(pid, status, WNOHANG);
    assert_true(done >= 0);
    return done == 0;
}

static void test_searches_answer_while_indexing(void **state)
{
    fixture *f = *state;
    kk_run_stats stats;
    kk_error err = {0};
    assert_int_equal(index_job(f, f->mitaka, 0, 0, 0, &stats, &err), KK_OK);
    unsigned before = doc_count(f);
    kk_searcher *kept = NULL;
    assert_int_equal(kk_searcher_open(f->db, &kept, &err), KK_OK);
    static const char *const queries[] = {"三鷹市基本構想", "防災 訓練", "\"地域情報化\"",
                                          "year:2019 計画", "献血 OR 骨髄", "city:倉敷市 子育て"};
    const size_t nq = sizeof queries / sizeof queries[0];
    char err_path[4096];
    snprintf(err_path, sizeof err_path, "%s/query.err", f->dir);
    pid_t writer = fork_writer(f, 1); /* before the server's threads exist */
    kk_server *server = NULL;
    kk_server_opts so = {f->db, "127.0.0.1", 0, 2};
    assert_int_equal(kk_server_start(&so, &server, &err), KK_OK);
    unsigned rounds = 0, program_runs = 0, requests = 0;
    int status = 0;
    while (writer_running(writer, &status)) {
        if (rounds % 10 == 7) {
            char *q = kt_urlencode(queries[rounds % nq]), target[512];
            snprintf(target, sizeof target, "/api/search?q=%s", q);
            kt_reply r;
            if (kt_get(kk_server_port(server), target, &r) != 0 || r.status != 200)
                fail_msg("server answered %d to %s while indexing: %s", r.status, target,
                         r.body ? r.body : "");
            kt_reply_free(&r);
            free(q);
            requests++;
        }
        search_ok(kept, queries[rounds % nq], rounds % 3 == 0, rounds);
        if (rounds % 10 == 5) { /* a searcher opened in the middle of the writing */
            kk_searcher *fresh = NULL;
            if (kk_searcher_open(f->db, &fresh, &err) != KK_OK)
                fail_msg("opening a searcher while indexing: %s", err.message);
            search_ok(fresh, queries[(rounds + 1) % nq], 1, rounds);
            kk_searcher_free(fresh);
        }
        if (rounds % 25 == 12) {
            char *argv[] = {f->query_program, "--db", f->db, "search", "--json", "--facets",
                            (char *)queries[rounds % nq], NULL};
            int code = run_program(err_path, argv);
            if (code != 0)
                fail_msg("keikaku-query exited %d while indexing: %s", code, slurp(err_path));
            program_runs++;
        }
        rounds++;
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    search_ok(kept, queries[0], 1, rounds);
    kk_searcher_free(kept);
    kk_server_free(server);
    print_message("%u searches, %u keikaku-query runs and %u server requests during indexing\n",
                  rounds, program_runs, requests);
    assert_true(rounds >= 20);
    assert_true(program_runs >= 1);
    assert_true(requests >= 1);
    f->full_passages = doc_count(f);
    assert_true(f->full_passages > before);
    check_no_duplicates(f);
}

static void test_second_writer_fails_with_a_clear_message(void **state)
{
    fixture *f = *state;
    kk_run_stats stats;
    kk_error err = {0};
    assert_int_equal(index_job(f, f->mitaka, 0, 0, 0, &stats, &err), KK_OK);
    unsigned before = doc_count(f);
    kk_indexer *holder = NULL;
    assert_int_equal(kk_indexer_open(f->db, 0, &holder, &err), KK_OK);

    assert_int_equal(index_job(f, f->corpus, 0, 0, 0, &stats, &err), KK_ELOCKED);
    assert_non_null(strstr(err.message, "locked by another writer"));
    assert_non_null(strstr(err.message, f->db));

    char err_path[4096];
    snprintf(err_path, sizeof err_path, "%s/index.err", f->dir);
    char *argv[] = {f->index_program, "--wait", "0", "--db", f->db, f->corpus, NULL};
    assert_int_equal(run_program(err_path, argv), 1);
    const char *msg = slurp(err_path);
    if (!strstr(msg, "keikaku-index: error: ") || !strstr(msg, "locked by another writer") ||
        !strstr(msg, f->db))
        fail_msg("unclear message for a locked database: %s", msg);

    kk_indexer_free(holder);
    assert_int_equal(doc_count(f), before);
    check_no_duplicates(f);
}

/* The holder lets go after 300 ms; an indexer told to wait 20 s gets the lock and finishes.
 * The indexer is forked before the lock is taken (and waits on a pipe to start): a child forked
 * while this process holds Xapian's lock would share the lock's open file and keep it held. */
static void test_second_writer_waits(void **state)
{
    fixture *f = *state;
    char err_path[4096];
    snprintf(err_path, sizeof err_path, "%s/wait.err", f->dir);
    int gate[2];
    assert_int_equal(pipe(gate), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char go;
        close(gate[1]);
        if (read(gate[0], &go, 1) != 1)
            _exit(125);
        int errfd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (errfd < 0)
            _exit(126);
        dup2(errfd, STDERR_FILENO);
        execl(f->index_program, f->index_program, "--quiet", "--wait", "20", "--db", f->db,
              f->mitaka, (char *)NULL);
        _exit(127);
    }
    close(gate[0]);
    kk_error err = {0};
    kk_indexer *holder = NULL;
    assert_int_equal(kk_indexer_open(f->db, 0, &holder, &err), KK_OK);
    assert_int_equal(write(gate[1], "g", 1), 1);
    close(gate[1]);
    struct timespec pause = {0, 300 * 1000000L};
    nanosleep(&pause, NULL);
    kk_indexer_free(holder);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("waiting indexer exited %d: %s", WEXITSTATUS(status), slurp(err_path));
}

/* Two indexers started together: with --wait 0 the loser fails cleanly; with a long wait both
 * succeed. Either way the database ends up equal to a clean index. */
static void test_racing_indexers_never_corrupt(void **state)
{
    fixture *f = *state;
    assert_true(f->full_passages > 0);
    for (int wait = 0; wait <= 1; wait++) {
        assert_int_equal(kt_remove_tree(f->db), 0);
        char err_a[4096], err_b[4096];
        snprintf(err_a, sizeof err_a, "%s/a.err", f->dir);
        snprintf(err_b, sizeof err_b, "%s/b.err", f->dir);
        char *seconds = wait ? "60" : "0";
        char *argv[] = {f->index_program, "--quiet", "--wait", seconds, "--db", f->db, f->corpus,
                        NULL};
        pid_t a = fork();
        if (a == 0)
            _exit(run_program(err_a, argv));
        pid_t b = fork();
        if (b == 0)
            _exit(run_program(err_b, argv));
        int sa = 0, sb = 0;
        assert_int_equal(waitpid(a, &sa, 0), a);
        assert_int_equal(waitpid(b, &sb, 0), b);
        int ca = WEXITSTATUS(sa), cb = WEXITSTATUS(sb);
        if (wait) {
            assert_int_equal(ca, 0);
            assert_int_equal(cb, 0);
        } else {
            /* one wins; the other may fail only with the lock message */
            assert_true(ca == 0 || cb == 0);
            if (ca)
                assert_non_null(strstr(slurp(err_a), "locked by another writer"));
            if (cb)
                assert_non_null(strstr(slurp(err_b), "locked by another writer"));
        }
        assert_int_equal(doc_count(f), f->full_passages);
        check_no_duplicates(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_searches_answer_while_indexing),
        cmocka_unit_test(test_second_writer_fails_with_a_clear_message),
        cmocka_unit_test(test_second_writer_waits),
        cmocka_unit_test(test_racing_indexers_never_corrupt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
