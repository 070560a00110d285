/* test_record.c — packing stored data with zstd and a trained dictionary (indexer/record.c), and
 * the shim handing it back through the database's decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_record.h"
#include "kk_text.h"
#include "kk_xapian.h"
#include "test_util.h"

/* Records shaped like stored data: a JSON part, a NUL, a text; alike but not equal, as the
 * passages of minutes are. */
typedef struct corpus {
    kk_buf bytes;
    size_t sizes[3000];
    size_t n;
} corpus;

static const char *const speakers[] = {"委員長", "区長", "教育長", "副委員長", "議長"};
static const char *const topics[] = {"防災訓練", "保育園の待機児童", "自転車駐輪場", "公園の整備",
                                     "高齢者の見守り", "学校給食費", "羽田空港の騒音"};

static void make_corpus(corpus *c, size_t n)
{
    memset(c, 0, sizeof *c);
    unsigned seed = 7;
    for (size_t k = 0; k < n; k++) {
        size_t before = c->bytes.len;
        seed = seed * 1103515245u + 12345u;
        const char *who = speakers[(seed >> 8) % 5], *what = topics[(seed >> 12) % 7];
        assert_int_equal(kk_buf_printf(&c->bytes,
                                       "{\"doc\":\"h%u/h%u-%04zu.txt\",\"line\":%zu,\"ordinal\":%zu,"
                                       "\"speaker\":\"%s\"}",
                                       seed % 30, seed % 30, k / 40, 3 + k % 97, k % 40, who),
                         KK_OK);
        assert_int_equal(kk_buf_addc(&c->bytes, '\0'), KK_OK);
        assert_int_equal(kk_buf_printf(&c->bytes,
                                       "○%s　%sについて、区の考えを伺います。%sは令和%u年度から"
                                       "進めてまいりました。引き続き%sに取り組んでまいります。",
                                       who, what, what, 1 + seed % 6, topics[(seed >> 16) % 7]),
                         KK_OK);
        c->sizes[c->n++] = c->bytes.len - before;
    }
}

static const char *record(const corpus *c, size_t k)
{
    size_t at = 0;
    for (size_t i = 0; i < k; i++)
        at += c->sizes[i];
    return c->bytes.data + at;
}

static void round_trip(kk_record_codec *c, const char *data, size_t len, size_t *packed_len)
{
    const char *packed = NULL, *out = NULL;
    size_t n = 0, out_len = 0;
    assert_int_equal(kk_record_pack(c, data, len, &packed, &n, NULL), KK_OK);
    char *copy = malloc(n ? n : 1);
    memcpy(copy, packed, n);
    assert_int_equal(kk_record_unpack(c, copy, n, &out, &out_len, NULL), KK_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, data, len);
    assert_int_equal(out[out_len], '\0');
    free(copy);
    if (packed_len)
        *packed_len = n;
}

/* A corpus of 3000 records, the dictionary trained on it, and codecs with and without it. */
typedef struct trained {
    corpus *c;
    char *dict;
    size_t dict_len;
    kk_record_codec *with, *without;
} trained;

static trained *trained_new(void)
{
    trained *t = calloc(1, sizeof *t);
    t->c = malloc(sizeof *t->c);
    make_corpus(t->c, 3000);
    assert_int_equal(
        kk_record_train(t->c->bytes.data, t->c->sizes, t->c->n, &t->dict, &t->dict_len, NULL),
        KK_OK);
    assert_non_null(t->dict);
    assert_true(t->dict_len > 0 && t->dict_len <= KK_DICT_MAX);
    assert_int_equal(kk_record_codec_new(t->dict, t->dict_len, &t->with, NULL), KK_OK);
    assert_int_equal(kk_record_codec_new(NULL, 0, &t->without, NULL), KK_OK);
    return t;
}

static void trained_free(trained *t)
{
    kk_record_codec_free(t->with);
    kk_record_codec_free(t->without);
    free(t->dict);
    kk_buf_free(&t->c->bytes);
    free(t->c);
    free(t);
}

static void test_round_trip_without_dictionary(void **state)
{
    (void)state;
    kk_record_codec *c = NULL;
    assert_int_equal(kk_record_codec_new(NULL, 0, &c, NULL), KK_OK);
    const char data[] = "{\"doc\":\"a.txt\"}\0公園で花火をしてもよいか";
    round_trip(c, data, sizeof data - 1, NULL);
    round_trip(c, "", 0, NULL);
    kk_record_codec_free(c);
}

static void test_few_samples_train_no_dictionary(void **state)
{
    (void)state;
    corpus *c = malloc(sizeof *c);
    make_corpus(c, 20);
    char *dict = (char *)1;
    size_t len = 1;
    assert_int_equal(kk_record_train(c->bytes.data, c->sizes, c->n, &dict, &len, NULL), KK_OK);
    assert_null(dict);
    assert_int_equal(len, 0);
    kk_buf_free(&c->bytes);
    free(c);
}

/* The point of the dictionary: a small record packs far smaller with it than without. */
static void test_dictionary_packs_smaller(void **state)
{
    (void)state;
    trained *t = trained_new();
    size_t packed_with = 0, packed_without = 0, total = 0;
    for (size_t k = 0; k < t->c->n; k += 100) {
        size_t a = 0, b = 0;
        round_trip(t->with, record(t->c, k), t->c->sizes[k], &a);
        round_trip(t->without, record(t->c, k), t->c->sizes[k], &b);
        packed_with += a;
        packed_without += b;
        total += t->c->sizes[k];
    }
    assert_true(packed_with * 2 < packed_without);
    assert_true(packed_without < total);
    trained_free(t);
}

/* A record packed with one dictionary is refused by a codec with another or none, and damaged
 * bytes are refused, each with a message instead of garbage. */
static void test_wrong_dictionary_and_damage_are_refused(void **state)
{
    (void)state;
    trained *t = trained_new();
    const char *packed = NULL, *out = NULL;
    size_t n = 0, out_len = 0;
    assert_int_equal(kk_record_pack(t->with, record(t->c, 5), t->c->sizes[5], &packed, &n, NULL),
                     KK_OK);
    char *copy = malloc(n);
    memcpy(copy, packed, n);
    kk_error err = {0};
    assert_int_equal(kk_record_unpack(t->without, copy, n, &out, &out_len, &err), KK_ECORRUPT);
    assert_non_null(strstr(err.message, "dictionary"));
    copy[n - 1] ^= 0x5A;
    copy[n / 2] ^= 0x5A;
    assert_int_not_equal(kk_record_unpack(t->with, copy, n, &out, &out_len, &err), KK_OK);
    assert_int_equal(kk_record_unpack(t->with, "{\"doc\":1}", 9, &out, &out_len, &err),
                     KK_ECORRUPT);
    assert_non_null(strstr(err.message, "index the documents again"));
    free(copy);
    trained_free(t);
}

/* Through a database: the dictionary kept in its metadata, the data packed into the document,
 * read back unpacked through the decoder on every read path of the shim. */
static void test_database_reads_through_decoder(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(kt_tempdir(dir, sizeof dir, "record"), 0);
    char path[300];
    snprintf(path, sizeof path, "%s/db", dir);
    trained *t = trained_new();
    const corpus *c = t->c;
    kk_db *w = NULL;
    kk_xdoc *doc = NULL;
    assert_int_equal(kk_db_open_write(path, 0, &w, NULL), KK_OK);
    assert_int_equal(kk_db_set_metadata(w, KK_META_DICT, t->dict, t->dict_len, NULL), KK_OK);
    assert_int_equal(kk_xdoc_new(&doc, NULL), KK_OK);
    const char *packed = NULL;
    size_t n = 0;
    assert_int_equal(kk_record_pack(t->with, record(c, 9), c->sizes[9], &packed, &n, NULL),
                     KK_OK);
    assert_int_equal(kk_xdoc_add_term(doc, "公園", strlen("公園"), 1, NULL), KK_OK);
    assert_int_equal(kk_xdoc_set_data(doc, packed, n, NULL), KK_OK);
    assert_int_equal(kk_db_add(w, doc, NULL, NULL), KK_OK);
    assert_int_equal(kk_db_commit(w, NULL), KK_OK);
    kk_db_free(w);

    kk_db *r = NULL;
    kk_record_codec *reader = NULL;
    assert_int_equal(kk_db_open_read(path, &r, NULL), KK_OK);
    assert_int_equal(kk_record_codec_load(r, &reader, NULL), KK_OK);
    kk_record_attach(r, reader);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(kk_db_get_data(r, 1, &data, &len, NULL), KK_OK);
    assert_int_equal(len, c->sizes[9]);
    assert_memory_equal(data, record(c, 9), len);
    free(data);

    kk_xquery *q = NULL;
    kk_xresults *res = NULL;
    kk_search_opts o;
    kk_search_opts_init(&o);
    assert_int_equal(kk_xquery_term("公園", strlen("公園"), 1, &q, NULL), KK_OK);
    assert_int_equal(kk_db_search(r, q, &o, &res, NULL), KK_OK);
    kk_xhit hit;
    assert_int_equal(kk_xresults_hit(res, 0, &hit, NULL), KK_OK);
    assert_int_equal(hit.data_len, c->sizes[9]);
    assert_memory_equal(hit.data, record(c, 9), hit.data_len);
    kk_xresults_free(res);

    /* A reader with the wrong dictionary fails with the codec's message. */
    kk_error err = {0};
    kk_record_attach(r, t->without);
    assert_int_equal(kk_db_get_data(r, 1, &data, &len, &err), KK_ECORRUPT);
    assert_non_null(strstr(err.message, "dictionary"));
    assert_int_equal(kk_db_search(r, q, &o, &res, &err), KK_ECORRUPT);
    kk_xquery_free(q);
    kk_db_free(r);
    kk_record_codec_free(reader);
    kk_xdoc_free(doc);
    trained_free(t);
    assert_int_equal(kt_remove_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_without_dictionary),
        cmocka_unit_test(test_few_samples_train_no_dictionary),
        cmocka_unit_test(test_dictionary_packs_smaller),
        cmocka_unit_test(test_wrong_dictionary_and_damage_are_refused),
        cmocka_unit_test(test_database_reads_through_decoder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
