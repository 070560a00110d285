/* test_e2e.c — end to end on the bundled corpus: index corpus/ into a temporary database with
 * the indexing job, search it with the query library, and check real results, the JSON contract,
 * filters, the layout of the stored data, and that reindexing neither duplicates nor loses
 * passages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kk_json.h"
#include "kk_passage.h"
#include "kk_query.h"
#include "kk_record.h"
#include "kk_run.h"
#include "kk_schema.h"
#include "kk_stored.h"
#include "kk_xapian.h"
#include "test_util.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    char corpus[1024];
    kk_run_stats first;
} fixture;

static kk_status index_paths(const char *db, const char *const *roots, size_t n, int force,
                             kk_run_stats *stats)
{
    kk_run_opts o = {0};
    o.db_path = db;
    o.roots = roots;
    o.n_roots = n;
    o.force = force;
    kk_error err = {0};
    kk_status st = kk_run_index(&o, stats, &err);
    if (st != KK_OK)
        print_error("indexing failed: %s\n", err.message);
    return st;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *src = getenv("KK_SOURCE_DIR");
    assert_non_null(src);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "e2e"), 0);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    snprintf(f->corpus, sizeof f->corpus, "%s/corpus", src);
    const char *roots[] = {f->corpus};
    assert_int_equal(index_paths(f->db, roots, 1, 0, &f->first), KK_OK);
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

static kk_hits *search(const fixture *f, const char *query, unsigned limit)
{
    kk_searcher *s = NULL;
    kk_error err = {0};
    if (kk_searcher_open(f->db, &s, &err) != KK_OK)
        fail_msg("open: %s", err.message);
    kk_search_request req = {query, 0, limit, 0, 0};
    kk_hits *h = NULL;
    if (kk_search(s, &req, &h, &err) != KK_OK)
        fail_msg("search '%s': %s", query, err.message);
    kk_searcher_free(s);
    return h;
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

static void test_corpus_is_indexed(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->first.files_indexed, 46); /* 5 plan documents and 41 bulletin issues */
    assert_int_equal(f->first.files_skipped, 0);  /* the licence is in .keikakuignore */
    assert_true(f->first.passages > 1814);        /* at least one per bulletin article */
    assert_int_equal(doc_count(f), f->first.passages);
}

static void test_word_broken_across_lines_is_found(void **state)
{
    kk_hits *h = search(*state, "三鷹市基本構想", 10);
    int found = 0;
    for (size_t k = 0; k < h->n; k++)
        found |= strstr(h->hits[k].doc, "mitaka/001_") != NULL
                 && strstr(h->hits[k].text, "三鷹市基本構想") != NULL;
    assert_true(found);
    kk_hits_free(h);
}

static void test_bulletin_article_found_by_body_words(void **state)
{
    kk_hits *h = search(*state, "全市一斉の地震対応訓練", 5);
    assert_true(h->n > 0);
    assert_non_null(strstr(h->hits[0].doc, "bulletin/332020_広報くらしき2024年11月号.csv"));
    assert_non_null(strstr(h->hits[0].text, "全市一斉の地震対応訓練"));
    assert_int_equal(h->hits[0].year, 2024);
    kk_hits_free(h);
}

static void test_json_contract(void **state)
{
    kk_hits *h = search(*state, "男女平等参画", 3);
    assert_true(h->n > 0);
    json_t *o = kk_hit_to_json(&h->hits[0], 0, KK_JSON_CHECKED);
    const char *keys[] = {"rank", "score", "doc", "line", "title", "section", "year", "text",
                          "snippet"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!json_object_get(o, keys[k]))
            fail_msg("JSON hit lacks '%s'", keys[k]);
    assert_int_equal(json_integer_value(json_object_get(o, "rank")), 1);
    assert_true(json_is_integer(json_object_get(o, "year")) || json_is_null(json_object_get(o, "year")));
    assert_non_null(strstr(json_string_value(json_object_get(o, "snippet")), "【"));
    assert_null(strchr(json_string_value(json_object_get(o, "doc")), '\n'));
    assert_true(json_string_value(json_object_get(o, "doc"))[0] != '/'); /* relative to the root */
    json_decref(o);
    kk_hits_free(h);
}

/* Stored data is the binary layout of kk_stored.h, the text last; what a reader gets back from
 * it are the fields and that text. The index keeps it packed with the dictionary the first build
 * trained (kk_record.h), in fewer bytes. */
static void test_stored_data_layout(void **state)
{
    fixture *f = *state;
    kk_db *db = NULL;
    kk_record_codec *codec = NULL;
    assert_int_equal(kk_db_open_read(f->db, &db, NULL), KK_OK);
    assert_int_equal(kk_record_codec_load(db, &codec, NULL), KK_OK);
    char *dict = NULL;
    size_t dict_len = 0, packed_total = 0, total = 0;
    assert_int_equal(kk_db_get_metadata(db, KK_META_DICT, &dict, &dict_len, NULL), KK_OK);
    assert_true(dict_len > 0);
    free(dict);
    for (unsigned docid = 1; docid <= 40; docid++) {
        char *packed = NULL, *data = NULL;
        size_t packed_len = 0, len = 0;
        kk_db_set_data_decoder(db, NULL, NULL);
        assert_int_equal(kk_db_get_data(db, docid, &packed, &packed_len, NULL), KK_OK);
        kk_record_attach(db, codec);
        assert_int_equal(kk_db_get_data(db, docid, &data, &len, NULL), KK_OK);
        packed_total += packed_len;
        total += len;
        assert_int_equal((unsigned char)data[0], KK_STORED_LAYOUT);
        kk_stored f;
        assert_int_equal(kk_stored_split(data, len, &f, NULL), KK_OK);
        assert_true(f.text.len > 0);
        assert_ptr_equal(f.text.ptr + f.text.len, data + len); /* the text is last */
        assert_true(f.doc.len > 0 && f.line >= 1 && f.lines >= 1);
        kk_passage_info p;
        assert_int_equal(kk_passage_info_parse(data, len, &p, NULL), KK_OK);
        assert_int_equal(strlen(p.text), f.text.len);
        assert_memory_equal(p.text, f.text.ptr, f.text.len);
        assert_int_equal(strlen(p.doc), f.doc.len);
        assert_int_equal(p.ordinal, f.ordinal);
        assert_int_equal(p.n_plans, f.n_plans);
        kk_passage_info_clear(&p);
        free(packed);
        free(data);
    }
    assert_true(packed_total < total / 2);
    kk_db_free(db);
    kk_record_codec_free(codec);
}

/* Schema 6 stored JSON, a NUL and the text; schema 4 the text inside the JSON: such data, or
 * data cut short, is refused as corrupt, not misread. */
static void test_old_stored_data_is_corrupt(void **state)
{
    (void)state;
    static const char six[] = "{\"doc\":\"a.txt\",\"line\":1,\"ordinal\":0}\0公園";
    static const char cut[] = "\xC1\x01\x05" "a.txt" "\x11\x06" "公";
    const char *four = "{\"doc\":\"a.txt\",\"line\":1,\"ordinal\":0,\"text\":\"公園\"}";
    const struct {
        const char *data;
        size_t len;
    } cases[] = {{four, strlen(four)}, {six, sizeof six - 1}, {cut, sizeof cut - 1}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        kk_passage_info p;
        kk_error err = {0};
        assert_int_equal(kk_passage_info_parse(cases[k].data, cases[k].len, &p, &err),
                         KK_ECORRUPT);
        assert_non_null(strstr(err.message, "index the documents again"));
        assert_null(p.text);
        assert_null(p.doc);
    }
}

static void test_no_result_is_not_an_error(void **state)
{
    kk_hits *h = search(*state, "ズヴェズダチェルノボグ", 10);
    assert_int_equal(h->n, 0);
    kk_hits_free(h);
}

static void test_malformed_query_fails_with_message(void **state)
{
    fixture *f = *state;
    kk_searcher *s = NULL;
    assert_int_equal(kk_searcher_open(f->db, &s, NULL), KK_OK);
    kk_search_request req = {"colour:red 献血", 0, 10, 0, 0};
    kk_hits *h = NULL;
    kk_error err = {0};
    assert_int_equal(kk_search(s, &req, &h, &err), KK_EPARSE);
    assert_non_null(strstr(err.message, "unknown field"));
    assert_null(h);
    kk_searcher_free(s);
}

static void test_missing_database_says_how_to_create_one(void **state)
{
    (void)state;
    kk_searcher *s = NULL;
    kk_error err = {0};
    assert_int_equal(kk_searcher_open("/nonexistent/keikaku.db", &s, &err), KK_ENOTFOUND);
    assert_non_null(strstr(err.message, "keikaku-index"));
}

static void test_filters_restrict_hits(void **state)
{
    kk_hits *h = search(*state, "防災 city:倉敷市", 20);
    assert_true(h->n > 0);
    for (size_t k = 0; k < h->n; k++)
        assert_non_null(strstr(h->hits[k].city, "倉敷市"));
    kk_hits_free(h);
    h = search(*state, "事業 year:2012", 20);
    assert_true(h->n > 0);
    for (size_t k = 0; k < h->n; k++)
        assert_int_equal(h->hits[k].year, 2012);
    kk_hits_free(h);
}

static void test_reindex_does_not_duplicate(void **state)
{
    fixture *f = *state;
    const char *roots[] = {f->corpus};
    kk_run_stats again;
    assert_int_equal(index_paths(f->db, roots, 1, 0, &again), KK_OK);
    assert_int_equal(again.files_unchanged, 46);
    assert_int_equal(again.files_indexed, 0);
    assert_int_equal(doc_count(f), f->first.passages);
    assert_int_equal(index_paths(f->db, roots, 1, 1, &again), KK_OK); /* --force */
    assert_int_equal(again.files_indexed, 46);
    assert_int_equal(doc_count(f), f->first.passages);
}

static void test_older_layout_needs_force(void **state)
{
    fixture *f = *state;
    kk_db *db = NULL;
    assert_int_equal(kk_db_open_write(f->db, 0, &db, NULL), KK_OK);
    assert_int_equal(kk_db_set_metadata(db, KK_META_SCHEMA, "1", 1, NULL), KK_OK);
    assert_int_equal(kk_db_commit(db, NULL), KK_OK);
    kk_db_free(db);

    const char *roots[] = {f->corpus};
    kk_run_opts o = {0};
    o.db_path = f->db;
    o.roots = roots;
    o.n_roots = 1;
    kk_run_stats stats;
    kk_error err = {0};
    assert_int_equal(kk_run_index(&o, &stats, &err), KK_EINVAL);
    assert_non_null(strstr(err.message, "older keikaku-index"));
    assert_non_null(strstr(err.message, "--force"));
    assert_int_equal(doc_count(f), f->first.passages); /* refused, nothing lost */

    o.force = 1;
    assert_int_equal(kk_run_index(&o, &stats, &err), KK_OK);
    assert_int_equal(doc_count(f), f->first.passages);
    char *version = NULL;
    size_t len = 0;
    assert_int_equal(kk_db_open_read(f->db, &db, NULL), KK_OK);
    assert_int_equal(kk_db_get_metadata(db, KK_META_SCHEMA, &version, &len, NULL), KK_OK);
    assert_string_equal(version, KK_SCHEMA_VERSION);
    free(version);
    kk_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_is_indexed),
        cmocka_unit_test(test_word_broken_across_lines_is_found),
        cmocka_unit_test(test_bulletin_article_found_by_body_words),
        cmocka_unit_test(test_json_contract),
        cmocka_unit_test(test_stored_data_layout),
        cmocka_unit_test(test_old_stored_data_is_corrupt),
        cmocka_unit_test(test_no_result_is_not_an_error),
        cmocka_unit_test(test_malformed_query_fails_with_message),
        cmocka_unit_test(test_missing_database_says_how_to_create_one),
        cmocka_unit_test(test_filters_restrict_hits),
        cmocka_unit_test(test_reindex_does_not_duplicate),
        cmocka_unit_test(test_older_layout_needs_force),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
