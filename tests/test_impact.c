/* test_impact.c — impacts: the length-normalized wdfs the indexer stores (indexer/impact.c), and
 * the lengths the indexer gives them (stop words counted, though not written: index.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "kk_analysis.h"
#include "kk_impact.h"
#include "kk_index.h"
#include "kk_schema.h"
#include "test_util.h"

static void test_wdf_grows_with_count_and_falls_with_length(void **state)
{
    (void)state;
    for (unsigned len = 1; len < 20000; len = len * 3 + 1) {
        assert_true(kk_impact_wdf(2, len) > kk_impact_wdf(1, len) || kk_impact_wdf(1, len) == 1);
        assert_true(kk_impact_wdf(1, len) >= kk_impact_wdf(1, len * 2));
        assert_true(kk_impact_wdf(1, len) >= 1);
    }
    /* A passage of the nominal length is neither favoured nor penalised: K is 1. */
    assert_int_equal(kk_impact_wdf(1, KK_NOMINAL_LENGTH), KK_IMPACT_SCALE);
    assert_int_equal(kk_impact_wdf(3, KK_NOMINAL_LENGTH), 3 * KK_IMPACT_SCALE);
    /* Below min_normlen × nominal every passage counts as that long: a bare heading does not win
     * by being short. */
    assert_int_equal(kk_impact_wdf(1, 1), kk_impact_wdf(1, 10));
    /* A very long passage still keeps every term findable. */
    assert_int_equal(kk_impact_wdf(1, 10000000), 1);
}

/* The ranking impacts stand for: BM25 with b at query time over true counts, up to a constant
 * factor, so that the order of any two passages is kept. */
static double bm25_part(double tf, double len)
{
    double rel = len / KK_NOMINAL_LENGTH;
    double k = 1 - KK_BM25_B + KK_BM25_B * (rel < KK_BM25_MIN_NORMLEN ? KK_BM25_MIN_NORMLEN : rel);
    return (KK_BM25_K1 + 1) * tf / (KK_BM25_K1 * k + tf);
}

static double impact_part(unsigned wdf)
{
    double k1 = KK_BM25_K1 * KK_IMPACT_SCALE;
    return (k1 + 1) * wdf / (k1 + wdf);
}

static void test_impacts_keep_bm25_order(void **state)
{
    (void)state;
    const unsigned lens[] = {20, 80, 150, 250, 400, 700, 1500};
    for (unsigned a = 0; a < 7; a++)
        for (unsigned b = 0; b < 7; b++)
            for (unsigned ta = 1; ta <= 4; ta++)
                for (unsigned tb = 1; tb <= 4; tb++) {
                    double want = bm25_part(ta, lens[a]) - bm25_part(tb, lens[b]);
                    double got = impact_part(kk_impact_wdf(ta, lens[a]))
                                 - impact_part(kk_impact_wdf(tb, lens[b]));
                    if (want > 0.05 * bm25_part(ta, lens[a])) /* beyond rounding */
                        assert_true(got > 0);
                    if (want < -0.05 * bm25_part(tb, lens[b]))
                        assert_true(got < 0);
                }
}

typedef struct seen {
    unsigned docs, wdf;
} seen;

static int note_posting(unsigned docid, unsigned wdf, void *ctx)
{
    (void)docid;
    seen *s = ctx;
    s->docs++;
    s->wdf = wdf;
    return 0;
}

static unsigned wdf_of(kk_db *db, const char *term)
{
    seen s = {0, 0};
    kk_error err = {0};
    assert_int_equal(kk_db_each_posting(db, term, strlen(term), note_posting, &s, &err), KK_OK);
    assert_true(s.docs <= 1);
    return s.wdf;
}

/* A writable database in a fresh folder and a document to fill. */
typedef struct scratch {
    char dir[256];
    kk_db *db;
    kk_xdoc *doc;
} scratch;

static void open_scratch(scratch *sc)
{
    char path[300];
    assert_int_equal(kt_tempdir(sc->dir, sizeof sc->dir, "impact"), 0);
    snprintf(path, sizeof path, "%s/db", sc->dir);
    kk_error err = {0};
    assert_int_equal(kk_db_open_write(path, 0, &sc->db, &err), KK_OK);
    assert_int_equal(kk_xdoc_new(&sc->doc, &err), KK_OK);
}

static void close_scratch(scratch *sc)
{
    kk_xdoc_free(sc->doc);
    kk_db_free(sc->db);
    kt_remove_tree(sc->dir);
}

static void test_write_merges_repeats_into_one_term(void **state)
{
    (void)state;
    scratch sc;
    open_scratch(&sc);
    kk_db *db = sc.db;
    kk_xdoc *doc = sc.doc;
    kk_error err = {0};
    kk_impacts im = {0};
    kk_buf body = {0};
    /* body: 防災 ×2 and 訓練; heading: 防災 counted twice more */
    assert_int_equal(kk_buf_add(&body, "B防災\0B訓練\0B防災\0", 24), KK_OK);
    assert_int_equal(kk_impacts_add_list(&im, &body, 1, &err), KK_OK);
    assert_int_equal(kk_impacts_add(&im, "B防災", 7, 2, &err), KK_OK);
    assert_int_equal(kk_impacts_write(&im, doc, &err), KK_OK);
    assert_int_equal(kk_db_add(db, doc, NULL, &err), KK_OK);
    assert_int_equal(kk_db_commit(db, &err), KK_OK);
    assert_int_equal(wdf_of(db, "B防災"), kk_impact_wdf(4, 5));
    assert_int_equal(wdf_of(db, "B訓練"), kk_impact_wdf(1, 5));
    assert_int_equal(wdf_of(db, "B火災"), 0);
    /* the next passage starts from nothing */
    kk_impacts_clear(&im);
    kk_xdoc_clear(doc);
    assert_int_equal(kk_impacts_add(&im, "B火災", 7, 1, &err), KK_OK);
    assert_int_equal(kk_impacts_write(&im, doc, &err), KK_OK);
    assert_int_equal(kk_db_add(db, doc, NULL, &err), KK_OK);
    assert_int_equal(kk_db_commit(db, &err), KK_OK);
    assert_int_equal(wdf_of(db, "B火災"), kk_impact_wdf(1, 1));
    assert_int_equal(wdf_of(db, "B訓練"), kk_impact_wdf(1, 5));
    kk_buf_free(&body);
    kk_impacts_free(&im);
    close_scratch(&sc);
}

/* Passages with thousands of distinct terms (a long table) grow the hash table as they go. */
static void test_many_terms_keep_their_counts(void **state)
{
    (void)state;
    scratch sc;
    open_scratch(&sc);
    kk_db *db = sc.db;
    kk_xdoc *doc = sc.doc;
    kk_error err = {0};
    kk_impacts im = {0};
    char term[32];
    for (unsigned round = 1; round <= 3; round++) /* term k occurs once, k % 3 == 0 thrice */
        for (unsigned k = 0; k < 3000; k++) {
            snprintf(term, sizeof term, "t%u", k);
            if (round == 1 || k % 3 == 0)
                assert_int_equal(kk_impacts_add(&im, term, strlen(term), 1, &err), KK_OK);
        }
    assert_int_equal(im.n, 3000);
    assert_int_equal(kk_impacts_write(&im, doc, &err), KK_OK);
    assert_int_equal(kk_db_add(db, doc, NULL, &err), KK_OK);
    assert_int_equal(kk_db_commit(db, &err), KK_OK);
    unsigned length = 3000 + 2 * 1000;
    assert_int_equal(wdf_of(db, "t0"), kk_impact_wdf(3, length));
    assert_int_equal(wdf_of(db, "t1"), kk_impact_wdf(1, length));
    assert_int_equal(wdf_of(db, "t2997"), kk_impact_wdf(3, length));
    assert_int_equal(wdf_of(db, "t2998"), kk_impact_wdf(1, length));
    kk_impacts_free(&im);
    close_scratch(&sc);
}

/* Words left out of the index still make the passage longer: 3 terms and 2 unwritten
 * occurrences weigh as 5. */
static void test_unwritten_words_count_in_the_length(void **state)
{
    (void)state;
    scratch sc;
    open_scratch(&sc);
    kk_error err = {0};
    kk_impacts im = {0};
    for (unsigned round = 0; round < 2; round++) { /* the second passage must not inherit them */
        kk_impacts_clear(&im);
        kk_xdoc_clear(sc.doc);
        const char *t = round ? "late" : "early";
        assert_int_equal(kk_impacts_add(&im, t, strlen(t), 300, &err), KK_OK);
        if (!round)
            kk_impacts_add_unwritten(&im, 200);
        assert_int_equal(kk_impacts_write(&im, sc.doc, &err), KK_OK);
        assert_int_equal(kk_db_add(sc.db, sc.doc, NULL, &err), KK_OK);
    }
    assert_int_equal(kk_db_commit(sc.db, &err), KK_OK);
    assert_int_equal(wdf_of(sc.db, "early"), kk_impact_wdf(300, 500));
    assert_int_equal(wdf_of(sc.db, "late"), kk_impact_wdf(300, 300));
    assert_true(kk_impact_wdf(300, 500) != kk_impact_wdf(300, 300));
    kk_impacts_free(&im);
    close_scratch(&sc);
}

/* What the index must hold for a passage: the terms of its texts (particles and stop words left
 * out) with their weighted counts, and its length, which counts the stop words too. */
typedef struct expected {
    char terms[128][64];
    unsigned counts[128];
    size_t n;
    unsigned length, stops;
} expected;

static void expect_text(kk_analyzer *a, const char *text, unsigned weight, expected *e)
{
    size_t n = 0;
    kk_error err = {0};
    assert_int_equal(kk_analyze(a, text, strlen(text), KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS, &err),
                     KK_OK);
    const kk_token *t = kk_analyzer_tokens(a, &n);
    for (size_t k = 0; k < n; k++) {
        if (kk_token_is_particle(&t[k]))
            continue; /* never a term, never counted */
        e->length += weight;
        if (t[k].stop) {
            e->stops += weight;
            continue;
        }
        char term[64];
        snprintf(term, sizeof term, "%s%.*s", KK_TOKEN_PREFIX(&t[k]), (int)t[k].len, t[k].text);
        size_t j = 0;
        while (j < e->n && strcmp(e->terms[j], term) != 0)
            j++;
        assert_true(j < 128);
        if (j == e->n)
            strcpy(e->terms[e->n++], term);
        e->counts[j] += weight;
    }
}

/* The impacts of a passage with stop words are those of the index that still held them: the
 * stop words count in the length. The passage is long enough (over KK_BM25_MIN_NORMLEN × the
 * nominal length) for its length to matter. */
static void test_stop_words_are_left_out_but_counted(void **state)
{
    (void)state;
    char dir[256], path[300], text[2048] = "";
    assert_int_equal(kt_tempdir(dir, sizeof dir, "stop"), 0);
    snprintf(path, sizeof path, "%s/db", dir);
    for (int k = 0; k < 8; k++)
        strcat(text, "夜間の公園で花火をすることは、近隣への迷惑となるため禁止しています。");
    kk_passage p = {.text = text, .line = 1, .lines = 1, .heading = (char *)"公園での花火について"};
    kk_document d = {.path = (char *)"/x/hanabi.txt", .doc = (char *)"hanabi.txt",
                     .passages = &p, .n_passages = 1};
    kk_error err = {0};
    kk_indexer *ix = NULL;
    assert_int_equal(kk_indexer_open(path, 0, &ix, &err), KK_OK);
    assert_int_equal(kk_indexer_begin(ix, &err), KK_OK);
    assert_int_equal(kk_indexer_add(ix, "hanabi", NULL, &d, NULL, &err), KK_OK);
    assert_int_equal(kk_indexer_commit(ix, &err), KK_OK);
    kk_indexer_free(ix);

    kk_analyzer *a = NULL;
    assert_int_equal(kk_analyzer_new(&a, &err), KK_OK);
    expected e = {0};
    expect_text(a, text, 1, &e);
    expect_text(a, p.heading, KK_HEADING_WDF, &e);
    kk_db *db = NULL;
    assert_int_equal(kk_db_open_read(path, &db, &err), KK_OK);
    assert_true(e.stops >= 8 * 4 && e.length > KK_BM25_MIN_NORMLEN * KK_NOMINAL_LENGTH);
    for (size_t j = 0; j < e.n; j++)
        if (wdf_of(db, e.terms[j]) != kk_impact_wdf(e.counts[j], e.length))
            fail_msg("%s: wdf %u, expected %u (count %u, length %u)", e.terms[j],
                     wdf_of(db, e.terms[j]), kk_impact_wdf(e.counts[j], e.length), e.counts[j],
                     e.length);
    /* …and without the stop words in the length they would differ. */
    assert_true(kk_impact_wdf(e.counts[0], e.length) != kk_impact_wdf(e.counts[0],
                                                                       e.length - e.stops));
    const char *stops[] = {"する", "こと", "なる", "ため", "ます", "について"};
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++)
        if (wdf_of(db, stops[k]) != 0)
            fail_msg("stop word %s is indexed", stops[k]);
    kk_db_free(db);
    kk_analyzer_free(a);
    kt_remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wdf_grows_with_count_and_falls_with_length),
        cmocka_unit_test(test_impacts_keep_bm25_order),
        cmocka_unit_test(test_write_merges_repeats_into_one_term),
        cmocka_unit_test(test_many_terms_keep_their_counts),
        cmocka_unit_test(test_unwritten_words_count_in_the_length),
        cmocka_unit_test(test_stop_words_are_left_out_but_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
