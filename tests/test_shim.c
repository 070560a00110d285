/* test_shim.c — unit tests of storing and reading through the C API over libxapian
 * (shim/kk_xapian.h).
 *
 * Each test gets a fresh database from the shared fixture (test_shim_fixture.h) and drives the
 * shim only through its C header: opening and locking, writing, transactions, metadata, synonyms,
 * reading, term/posting/document iteration, reopening after a writer moved on, and the error
 * codes of misuse. Queries, search options and results are test_shim_search.c's; analysis and
 * indexing policy have their own tests.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kk_xapian.h"
#include "test_shim_fixture.h"

/* ---- Reading helpers ------------------------------------------------------------------------- */

static unsigned doc_count(kk_db *db)
{
    kk_error err = {0};
    unsigned n = 99;
    OK(kk_db_doc_count(db, &n, &err));
    return n;
}

/* The data of a document, in a static buffer (enough for these tests). */
static const char *data_of(kk_db *db, unsigned docid)
{
    static char buf[64];
    kk_error err = {0};
    char *data = NULL;
    size_t len = 0;
    OK(kk_db_get_data(db, docid, &data, &len, &err));
    assert_int_equal(len, strlen(data));
    snprintf(buf, sizeof buf, "%s", data);
    free(data);
    return buf;
}

static int on_posting(unsigned docid, unsigned wdf, void *ctx)
{
    collect *c = ctx;
    char id[16];
    snprintf(id, sizeof id, "%u", docid);
    ks_append(c, id, strlen(id), wdf);
    return ++c->count == c->stop_after;
}

/* ---- Databases and writing ------------------------------------------------------------------- */

static void test_create_then_open_read(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    assert_int_equal(doc_count(f->w), 0);
    ks_add_corpus(f);
    kk_db *r = NULL;
    OK(kk_db_open_read(f->path, &r, &err));
    assert_int_equal(doc_count(r), N_CORPUS);
    assert_string_equal(data_of(r, 3), "d3");
    unsigned freq = 0;
    OK(kk_db_term_freq(r, "男女", strlen("男女"), &freq, &err));
    assert_int_equal(freq, 2);
    OK(kk_db_term_freq(r, "存在しない", strlen("存在しない"), &freq, &err));
    assert_int_equal(freq, 0);
    unsigned long long cf = 0;
    OK(kk_db_collection_freq(r, "計画", strlen("計画"), &cf, &err));
    assert_int_equal(cf, 3);
    kk_db_free(r);
}

static void test_replace_by_id_term_keeps_one_copy(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    snippet changed = ks_corpus[1];
    changed.year = 2011;
    assert_int_equal(ks_add_snippet(f->w, &changed), 2);
    assert_int_equal(doc_count(f->w), N_CORPUS);
    unsigned freq = 0;
    OK(kk_db_term_freq(f->w, "Qd2", 3, &freq, &err));
    assert_int_equal(freq, 1);
    char *value = NULL;
    size_t len = 0;
    OK(kk_db_get_value(f->w, 2, SLOT_YEAR, &value, &len, &err));
    assert_true(kk_number_unserialise(value, len) == 2011);
    free(value);
    OK(kk_db_get_value(f->w, 2, 7, &value, &len, &err));
    assert_int_equal(len, 0);
    assert_string_equal(value, "");
    free(value);
}

static void test_delete_by_term(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    OK(kk_db_delete(f->w, "C横浜", strlen("C横浜"), &err));
    assert_int_equal(doc_count(f->w), N_CORPUS - 2);
    OK(kk_db_delete(f->w, "Cどこにもない", strlen("Cどこにもない"), &err));
    assert_int_equal(doc_count(f->w), N_CORPUS - 2);
    char *data = NULL;
    assert_int_equal(kk_db_get_data(f->w, 1, &data, NULL, &err), KK_ENOTFOUND);
    assert_null(data);
}

static void test_add_and_clear_document(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    kk_xdoc *doc = NULL;
    OK(kk_xdoc_new(&doc, &err));
    OK(kk_xdoc_add_term(doc, "古い", strlen("古い"), 1, &err));
    OK(kk_xdoc_set_data(doc, "old", 3, &err));
    kk_xdoc_clear(doc);
    OK(kk_xdoc_add_term(doc, "新しい", strlen("新しい"), 2, &err));
    unsigned docid = 0;
    OK(kk_db_add(f->w, doc, &docid, &err));
    kk_xdoc_free(doc);
    kk_xdoc_free(NULL);
    collect c = {0};
    OK(kk_db_each_doc_term(f->w, docid, ks_on_term, &c, &err));
    assert_string_equal(c.text, "新しい:2");
    assert_string_equal(data_of(f->w, docid), "");
}

static void test_transactions(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    OK(kk_db_commit(f->w, &err)); /* outside a transaction: a plain commit makes the db */
    kk_db *r = NULL;
    OK(kk_db_open_read(f->path, &r, &err));

    OK(kk_db_begin(f->w, &err));
    ks_add_snippet(f->w, &ks_corpus[0]);
    OK(kk_db_cancel(f->w, &err));
    assert_int_equal(doc_count(f->w), 0);

    OK(kk_db_begin(f->w, &err));
    assert_int_equal(kk_db_begin(f->w, &err), KK_EINVAL);
    ks_add_snippet(f->w, &ks_corpus[0]);
    assert_int_equal(doc_count(r), 0);
    OK(kk_db_commit(f->w, &err));
    int changed = 0;
    OK(kk_db_reopen(r, &changed, &err));
    assert_true(changed);
    assert_int_equal(doc_count(r), 1);

    /* closing with a transaction open discards it */
    OK(kk_db_begin(f->w, &err));
    ks_add_snippet(f->w, &ks_corpus[1]);
    kk_db_free(f->w);
    f->w = NULL;
    OK(kk_db_open_write(f->path, 0, &f->w, &err));
    assert_int_equal(doc_count(f->w), 1);
    kk_db_free(r);
}

static void test_metadata(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    const char *v = "第3次男女共同参画計画";
    OK(kk_db_set_metadata(f->w, "plan", v, strlen(v), &err));
    char *out = NULL;
    size_t len = 0;
    OK(kk_db_get_metadata(f->w, "plan", &out, &len, &err));
    assert_string_equal(out, v);
    assert_int_equal(len, strlen(v));
    free(out);
    OK(kk_db_get_metadata(f->w, "missing", &out, &len, &err));
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
    free(out);
}

static void test_synonyms_round_trip(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    OK(kk_db_add_synonym(f->w, "男女平等", "ジェンダー平等", &err));
    OK(kk_db_add_synonym(f->w, "男女平等", "男女共同参画", &err));
    OK(kk_db_commit(f->w, &err));
    collect c = {0};
    OK(kk_db_each_synonym(f->w, "男女平等", ks_on_term, &c, &err));
    assert_string_equal(c.text, "ジェンダー平等:0,男女共同参画:0");
    OK(kk_db_clear_synonyms(f->w, "男女平等", &err));
    collect none = {0};
    OK(kk_db_each_synonym(f->w, "男女平等", ks_on_term, &none, &err));
    assert_string_equal(none.text, "");
}

/* ---- Iteration ------------------------------------------------------------------------------- */

static void test_each_term_with_prefix(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    collect c = {0};
    OK(kk_db_each_term(f->w, "B", ks_on_term, &c, &err));
    /* byte order: 環 (E7 92 B0) sorts before 男 (E7 94 B7) */
    assert_string_equal(c.text, "B環境:1,B男女:2,B男女共同:1");
    collect first = {.stop_after = 1};
    OK(kk_db_each_term(f->w, "男女", ks_on_term, &first, &err));
    assert_string_equal(first.text, "男女:2");
}

static void test_each_posting(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    kk_xdoc *doc = NULL;
    OK(kk_xdoc_new(&doc, &err));
    OK(kk_xdoc_add_term(doc, "計画", strlen("計画"), 1, &err)); /* wdf adds up: 1 + 2 */
    OK(kk_xdoc_add_term(doc, "計画", strlen("計画"), 2, &err));
    OK(kk_db_add(f->w, doc, NULL, &err));
    kk_xdoc_free(doc);
    collect c = {0};
    OK(kk_db_each_posting(f->w, "計画", strlen("計画"), on_posting, &c, &err));
    assert_string_equal(c.text, "1:1,3:1,4:1,5:3");
    collect two = {.stop_after = 2};
    OK(kk_db_each_posting(f->w, "計画", strlen("計画"), on_posting, &two, &err));
    assert_string_equal(two.text, "1:1,3:1");
}

static void test_each_doc_term(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    collect c = {0};
    OK(kk_db_each_doc_term(f->w, 3, ks_on_term, &c, &err));
    assert_string_equal(c.text, "B環境:1,C川崎:0,Qd3:0,基本:1,環境:1,計画:1");
    collect missing = {0};
    assert_int_equal(kk_db_each_doc_term(f->w, 42, ks_on_term, &missing, &err), KK_ENOTFOUND);
    assert_true(strlen(err.message) > 0);
}

/* ---- Errors and small helpers ---------------------------------------------------------------- */

static void test_open_read_missing(void **state)
{
    fixture *f = *state;
    char missing[128];
    snprintf(missing, sizeof missing, "%s/nothing-here", f->dir);
    kk_error err = {0};
    kk_db *db = NULL;
    assert_int_equal(kk_db_open_read(missing, &db, &err), KK_ENOTFOUND);
    assert_null(db);
    assert_int_equal(err.code, KK_ENOTFOUND);
    assert_non_null(strstr(err.message, missing));
    /* an existing folder that holds no database */
    kk_error err2 = {0};
    assert_int_equal(kk_db_open_read(f->dir, &db, &err2), KK_ENOTFOUND);
    assert_true(strlen(err2.message) > 0);
    /* a writer cannot create a database under a folder that does not exist */
    char deep[160];
    snprintf(deep, sizeof deep, "%s/no/such/folder", f->dir);
    kk_error err3 = {0};
    assert_int_equal(kk_db_open_write(deep, 0, &db, &err3), KK_EIO);
    assert_null(db);
    assert_non_null(strstr(err3.message, deep));
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_second_writer_is_locked_out(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    kk_db *second = NULL;
    assert_int_equal(kk_db_open_write(f->path, 0, &second, &err), KK_ELOCKED);
    assert_null(second);
    assert_non_null(strstr(err.message, "locked by another writer"));
    assert_non_null(strstr(err.message, f->path));
    double start = now_ms();
    assert_int_equal(kk_db_open_write(f->path, 120, &second, &err), KK_ELOCKED);
    assert_true(now_ms() - start >= 115);
    kk_db_free(f->w);
    f->w = NULL;
    OK(kk_db_open_write(f->path, 0, &f->w, &err));
}

static void test_misuse_errors(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    char *data = NULL;
    assert_int_equal(kk_db_get_data(f->w, 99, &data, NULL, &err), KK_ENOTFOUND);
    assert_true(strlen(err.message) > 0);
    assert_int_equal(kk_db_get_data(f->w, 0, &data, NULL, &err), KK_ENOTFOUND);
    assert_int_equal(kk_db_cancel(f->w, &err), KK_EINVAL);
    kk_db *r = NULL;
    OK(kk_db_open_read(f->path, &r, &err));
    kk_error ro = {0};
    assert_int_equal(kk_db_set_metadata(r, "k", "v", 1, &ro), KK_EINVAL);
    assert_non_null(strstr(ro.message, "read-only"));
    assert_int_equal(kk_db_begin(r, &err), KK_EINVAL);
    kk_db_free(r);
    kk_db_free(NULL);
    kk_xquery *q = NULL;
    assert_int_equal(kk_xquery_term("", 0, 1, &q, &err), KK_OK); /* "" is Xapian's match-all */
    kk_xquery_free(q);
    kk_xquery *subs[] = {NULL};
    assert_int_equal(kk_xquery_combine(KK_QOP_AND, subs, 1, 0, &q, &err), KK_EINVAL);
    kk_xquery_free(NULL);
    kk_xresults_free(NULL);
    assert_int_equal(kk_xresults_size(NULL), 0);
}

/* Replace documents 1..n with filler data (a run of fill characters), then commit. */
static void fill_documents(kk_db *w, unsigned n, char fill)
{
    kk_error err = {0};
    kk_xdoc *doc = NULL;
    OK(kk_xdoc_new(&doc, &err));
    char data[200];
    memset(data, fill, sizeof data);
    for (unsigned i = 1; i <= n; i++) {
        char id[16];
        snprintf(id, sizeof id, "Q%u", i);
        kk_xdoc_clear(doc);
        OK(kk_xdoc_add_term(doc, id, strlen(id), 0, &err));
        ks_add_prefixed(doc, fill, id + 1, 1);
        OK(kk_xdoc_set_data(doc, data, sizeof data, &err));
        OK(kk_db_replace(w, id, strlen(id), doc, NULL, &err));
    }
    kk_xdoc_free(doc);
    OK(kk_db_commit(w, &err));
}

/* A reader whose revision a writer has overwritten (glass reuses the blocks after two more
 * commits; this layout makes Xapian throw DatabaseModifiedError, checked against libxapian
 * 1.4.22) must reopen and answer from the newest revision instead of failing. */
static void test_reader_reopens_when_modified(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    enum { N = 2000 };
    fill_documents(f->w, N, 'a');
    kk_db *r = NULL;
    OK(kk_db_open_read(f->path, &r, &err));
    fill_documents(f->w, N, 'b');
    fill_documents(f->w, N, 'c');
    fill_documents(f->w, N, 'd');
    assert_int_equal(data_of(r, 1500)[0], 'd');
    collect c = {0};
    OK(kk_db_each_term(r, "d150", ks_on_term, &c, &err));
    assert_string_equal(c.text, "d150:1,d1500:1,d1501:1,d1502:1,d1503:1,d1504:1,d1505:1,d1506:1,"
                                "d1507:1,d1508:1,d1509:1");
    kk_db_free(r);
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_then_open_read, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_replace_by_id_term_keeps_one_copy, ks_setup,
                                        ks_teardown),
        cmocka_unit_test_setup_teardown(test_delete_by_term, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_add_and_clear_document, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_transactions, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_metadata, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_synonyms_round_trip, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_each_term_with_prefix, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_each_posting, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_each_doc_term, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_open_read_missing, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_is_locked_out, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_misuse_errors, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_reader_reopens_when_modified, ks_setup, ks_teardown),
    };
    return cmocka_run_group_tests_name("shim", tests, NULL, NULL);
}
