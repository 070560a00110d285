/* test_shim_search.c — unit tests of querying through the C API over libxapian
 * (shim/kk_xapian.h).
 *
 * Each test gets a fresh database from the shared fixture (test_shim_fixture.h) holding a small
 * corpus of Japanese plan snippets, then builds queries (every operator, wildcards, ranges,
 * scaling), searches them with options (collapse, paging, sort, facets, the accept callback) and
 * reads the results (hits, bounds, lazily read data, term lookups), plus expansion. Storing and reading documents
 * are test_shim.c's; analysis and indexing policy have their own tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_xapian.h"
#include "test_shim_fixture.h"

/* ---- Corpus with text ------------------------------------------------------------------------ */

/* The corpus with "<id>\t<words run together>" as stored data: the passage text an accept
 * callback checks wording against (d2's 男女 and 平等 are there, but not as 男女平等). */
static void add_corpus_with_text(fixture *f)
{
    kk_error err = {0};
    for (size_t i = 0; i < N_CORPUS; i++) {
        char data[64];
        snprintf(data, sizeof data, "%s\t", ks_corpus[i].id);
        for (unsigned k = 0; k < 4 && ks_corpus[i].words[k]; k++)
            snprintf(data + strlen(data), sizeof data - strlen(data), "%s", ks_corpus[i].words[k]);
        assert_int_equal(ks_add_snippet_data(f->w, &ks_corpus[i], data), i + 1);
    }
    OK(kk_db_commit(f->w, &err));
}

/* ---- Query helpers --------------------------------------------------------------------------- */

static kk_xquery *term(const char *t)
{
    kk_error err = {0};
    kk_xquery *q = NULL;
    OK(kk_xquery_term(t, strlen(t), 1, &q, &err));
    return q;
}

/* Combine two or three fresh subqueries with op, freeing them (the result shares them). */
static kk_xquery *combine(kk_qop op, unsigned window, kk_xquery *a, kk_xquery *b, kk_xquery *c)
{
    kk_error err = {0};
    kk_xquery *subs[] = {a, b, c};
    size_t n = c ? 3 : 2;
    kk_xquery *q = NULL;
    OK(kk_xquery_combine(op, subs, n, window, &q, &err));
    for (size_t i = 0; i < n; i++)
        kk_xquery_free(subs[i]);
    return q;
}

/* Run q with opts (NULL: defaults), write the data ("d1"...) of the hits joined by ',' into out,
 * free q, and return the results for further checks if keep is set (else free them). */
static kk_xresults *run(fixture *f, kk_xquery *q, const kk_search_opts *opts, char *out,
                        size_t size, int keep)
{
    kk_error err = {0};
    kk_search_opts defaults;
    kk_search_opts_init(&defaults);
    kk_xresults *r = NULL;
    OK(kk_db_search(f->w, q, opts ? opts : &defaults, &r, &err));
    kk_xquery_free(q);
    out[0] = '\0';
    for (size_t i = 0; i < kk_xresults_size(r); i++) {
        kk_xhit hit;
        OK(kk_xresults_hit(r, i, &hit, &err));
        assert_int_equal(hit.data_len, strlen(hit.data));
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "", hit.data);
    }
    if (keep)
        return r;
    kk_xresults_free(r);
    return NULL;
}

/* The hits of q in relevance order (ties in docid order), then sorted by id for set checks. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void expect_set(fixture *f, kk_xquery *q, const char *expected)
{
    char got[128];
    run(f, q, NULL, got, sizeof got, 0);
    const char *ids[8];
    size_t n = 0;
    for (char *tok = strtok(got, ","); tok && n < 8; tok = strtok(NULL, ","))
        ids[n++] = tok;
    qsort(ids, n, sizeof ids[0], cmp_str);
    char sorted[128] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(sorted + strlen(sorted), sizeof sorted - strlen(sorted), "%s%s", i ? "," : "",
                 ids[i]);
    assert_string_equal(sorted, expected);
}

static int on_weighted(const char *t, size_t len, double weight, void *ctx)
{
    collect *c = ctx;
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "%s%.*s", used ? "," : "", (int)len, t);
    if (c->count > 0)
        assert_true(weight <= c->last_weight);
    c->last_weight = weight;
    return ++c->count == c->stop_after;
}

/* ---- Queries and search ---------------------------------------------------------------------- */

static void test_boolean_operators(void **state)
{
    fixture *f = *state;
    ks_add_corpus(f);
    expect_set(f, combine(KK_QOP_AND, 0, term("男女"), term("平等"), NULL), "d1,d2");
    expect_set(f, combine(KK_QOP_OR, 0, term("平等"), term("環境"), NULL), "d1,d2,d3");
    expect_set(f, combine(KK_QOP_AND_NOT, 0, term("計画"), term("環境"), NULL), "d1,d4");
    expect_set(f, combine(KK_QOP_AND_NOT, 0, term("計画"), term("環境"), term("参画")), "d1");
    expect_set(f, combine(KK_QOP_FILTER, 0, term("計画"), term("C横浜"), NULL), "d1");
    expect_set(f, combine(KK_QOP_AND_MAYBE, 0, term("平等"), term("推進"), NULL), "d1,d2");
    expect_set(f, combine(KK_QOP_SYNONYM, 0, term("環境"), term("参画"), NULL), "d3,d4");
    expect_set(f, combine(KK_QOP_MAX, 0, term("環境"), term("参画"), NULL), "d3,d4");
    /* a set of one keeps the rarer, so heavier, term */
    expect_set(f, combine(KK_QOP_ELITE_SET, 1, term("計画"), term("環境"), NULL), "d3");
    expect_set(f, combine(KK_QOP_ELITE_SET, 2, term("計画"), term("環境"), NULL), "d1,d3,d4");
}

static void test_wildcard_and_range(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    kk_xquery *q = NULL;
    OK(kk_xquery_wildcard("男女", strlen("男女"), &q, &err));
    expect_set(f, q, "d1,d2,d4");
    OK(kk_xquery_number_range(SLOT_YEAR, 2008, 2015, &q, &err));
    expect_set(f, q, "d2,d4");
    OK(kk_xquery_number_range(SLOT_YEAR, 2021, 2030, &q, &err));
    expect_set(f, q, "");
    OK(kk_xquery_all(&q, &err));
    expect_set(f, q, "d1,d2,d3,d4");
}

static void test_scale_zero_is_boolean(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    kk_xquery *t = term("男女"), *q = NULL;
    OK(kk_xquery_scale(t, 0, &q, &err));
    char *text = kk_xquery_describe(q);
    assert_non_null(strstr(text, "男女"));
    free(text);
    kk_xquery_free(t);
    char got[64];
    kk_xresults *r = run(f, q, NULL, got, sizeof got, 1);
    assert_string_equal(got, "d1,d2");
    for (size_t i = 0; i < kk_xresults_size(r); i++) {
        kk_xhit hit;
        OK(kk_xresults_hit(r, i, &hit, &err));
        assert_true(hit.weight == 0);
    }
    kk_xresults_free(r);
    t = term("男女");
    assert_int_equal(kk_xquery_scale(t, -1, &q, &err), KK_EINVAL);
    kk_xquery_free(t);
}

static void test_collapse_and_paging(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    kk_search_opts o;
    kk_search_opts_init(&o);
    o.collapse_slot = SLOT_CITY;
    o.sort_slot = SLOT_YEAR; /* deterministic order: d1 (2005), d4 (2015), d3 (2020) */
    char got[64];
    kk_xquery *q = NULL;
    OK(kk_xquery_all(&q, &err));
    kk_xresults *r = run(f, q, &o, got, sizeof got, 1);
    assert_string_equal(got, "d1,d4,d3");
    kk_xhit hit;
    OK(kk_xresults_hit(r, 0, &hit, &err));
    assert_int_equal(hit.collapse_count, 1);
    assert_int_equal(hit.docid, 1);
    assert_int_equal(kk_xresults_hit(r, 3, &hit, &err), KK_EINVAL);
    kk_xresults_free(r);

    o.first = 1;
    o.max = 1;
    OK(kk_xquery_all(&q, &err));
    r = run(f, q, &o, got, sizeof got, 1);
    assert_string_equal(got, "d4");
    OK(kk_xresults_hit(r, 0, &hit, &err));
    assert_int_equal(hit.rank, 1);
    assert_true(kk_xresults_lower_bound(r) <= kk_xresults_estimated(r));
    assert_true(kk_xresults_estimated(r) <= kk_xresults_upper_bound(r));
    kk_xresults_free(r);
}

static void test_sort_by_value(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    kk_search_opts o;
    kk_search_opts_init(&o);
    o.sort_slot = SLOT_YEAR;
    char got[64];
    kk_xquery *q = NULL;
    OK(kk_xquery_all(&q, &err));
    run(f, q, &o, got, sizeof got, 0);
    assert_string_equal(got, "d1,d2,d4,d3");
    o.sort_descending = 1;
    OK(kk_xquery_all(&q, &err));
    run(f, q, &o, got, sizeof got, 0);
    assert_string_equal(got, "d3,d4,d2,d1");
}

static void test_facet_counts(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    kk_search_opts o;
    kk_search_opts_init(&o);
    o.max = 1;
    o.check_at_least = N_CORPUS;
    o.n_facets = 2;
    o.facet_slots[0] = SLOT_CITY;
    o.facet_slots[1] = SLOT_YEAR;
    char got[64];
    kk_xquery *q = NULL;
    OK(kk_xquery_all(&q, &err));
    kk_xresults *r = run(f, q, &o, got, sizeof got, 1);
    collect c = {0};
    OK(kk_xresults_each_facet(r, 0, ks_on_term, &c, &err));
    assert_string_equal(c.text, "横浜:2,川崎:1,相模原:1");
    collect years = {.stop_after = 1};
    OK(kk_xresults_each_facet(r, 1, ks_on_term, &years, &err));
    char buf[16];
    size_t len = kk_number_serialise(2005, buf);
    char expected[32];
    snprintf(expected, sizeof expected, "%.*s:1", (int)len, buf);
    assert_string_equal(years.text, expected);
    assert_int_equal(kk_xresults_each_facet(r, 2, ks_on_term, &c, &err), KK_EINVAL);
    kk_xresults_free(r);
}

/* ---- The accept callback --------------------------------------------------------------------- */

/* The accept callback's context: the wording a passage must hold, and what the callback saw. */
typedef struct wording {
    const char *marker;
    unsigned calls;
    int bad_data; /* set if some data did not read "<id>\t<text>" */
} wording;

/* Accepts stored data that contains w->marker, reading no further than len. */
static int has_wording(const char *data, size_t len, void *ctx)
{
    wording *w = ctx;
    w->calls++;
    if (len < 3 || data[0] != 'd' || memchr(data, '\t', len) == NULL)
        w->bad_data = 1;
    size_t m = strlen(w->marker);
    for (size_t i = 0; i + m <= len; i++)
        if (memcmp(data + i, w->marker, m) == 0)
            return 1;
    return 0;
}

/* One page of hits: ids (stored data up to the tab), weights, and the first facet's counts. */
typedef struct hit_list {
    char ids[N_CORPUS][8];
    double weight[N_CORPUS];
    size_t n;
    collect facet;
} hit_list;

/* Search 男女 OR 平等 OR 計画 OR 環境 (every document matches, with different weights) with o. */
static void search_hits(fixture *f, const kk_search_opts *o, hit_list *h)
{
    kk_error err = {0};
    kk_xquery *q = combine(KK_QOP_OR, 0, term("男女"), term("平等"),
                           combine(KK_QOP_OR, 0, term("計画"), term("環境"), NULL));
    kk_xresults *r = NULL;
    OK(kk_db_search(f->w, q, o, &r, &err));
    kk_xquery_free(q);
    memset(h, 0, sizeof *h);
    h->n = kk_xresults_size(r);
    assert_true(h->n <= N_CORPUS);
    for (size_t i = 0; i < h->n; i++) {
        kk_xhit hit;
        OK(kk_xresults_hit(r, i, &hit, &err));
        assert_int_equal(hit.rank, o->first + i);
        snprintf(h->ids[i], sizeof h->ids[i], "%.*s", (int)strcspn(hit.data, "\t"), hit.data);
        h->weight[i] = hit.weight;
    }
    if (o->n_facets > 0)
        OK(kk_xresults_each_facet(r, 0, ks_on_term, &h->facet, &err));
    kk_xresults_free(r);
}

/* got must be all without the hits whose id is not in keep ("d1,d3"), in all's order, each with
 * the very weight it had there. */
static void expect_subset(const hit_list *all, const hit_list *got, const char *keep)
{
    size_t j = 0;
    for (size_t i = 0; i < all->n; i++) {
        if (!strstr(keep, all->ids[i]))
            continue;
        if (j >= got->n)
            fail_msg("keep %s: %s missing", keep, all->ids[i]);
        assert_string_equal(got->ids[j], all->ids[i]);
        assert_true(got->weight[j] == all->weight[i]);
        j++;
    }
    assert_int_equal(got->n, j);
}

/* accept drops the matches whose stored data lacks the wording — d2 holds 男女 and 平等 but not
 * 男女平等, which is how query/phrase.c confirms a phrase without positions. The rest keep their
 * order and weights, and with every match looked at the facets count only what was accepted. */
static void test_accept_filters_on_stored_data(void **state)
{
    fixture *f = *state;
    add_corpus_with_text(f);
    kk_search_opts o;
    kk_search_opts_init(&o);
    o.check_at_least = N_CORPUS;
    o.n_facets = 1;
    o.facet_slots[0] = SLOT_CITY;
    hit_list all, got;
    search_hits(f, &o, &all);
    assert_int_equal(all.n, N_CORPUS);
    assert_string_equal(all.facet.text, "横浜:2,川崎:1,相模原:1");
    assert_true(all.weight[0] > all.weight[N_CORPUS - 1]);

    static const struct {
        const char *marker, *keep, *cities; /* cities: most frequent first, then byte order */
    } cases[] = {
        {"計画", "d1,d3,d4", "川崎:1,横浜:1,相模原:1"},
        {"男女平等", "d1", "横浜:1"},
        {"男女の平等", "d2", "横浜:1"},
        {"条例", "", ""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wording w = {.marker = cases[k].marker};
        o.accept = has_wording;
        o.accept_ctx = &w;
        search_hits(f, &o, &got);
        expect_subset(&all, &got, cases[k].keep);
        assert_string_equal(got.facet.text, cases[k].cities);
        assert_true(w.calls >= N_CORPUS); /* every match was looked at, through this ctx */
        assert_false(w.bad_data);
    }

    /* Paging counts accepted matches only: the second of d1, d3, d4 in relevance order. */
    hit_list kept;
    wording w = {.marker = "計画"};
    o.accept_ctx = &w;
    search_hits(f, &o, &kept);
    o.first = 1;
    o.max = 1;
    search_hits(f, &o, &got);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.ids[0], kept.ids[1]);
    assert_true(got.weight[0] == kept.weight[1]);

    /* No accept: everything matches as before, and accept_ctx is not looked at. */
    o.first = 0;
    o.max = 10;
    o.accept = NULL;
    o.accept_ctx = (void *)1;
    search_hits(f, &o, &got);
    expect_subset(&all, &got, "d1,d2,d3,d4");
    assert_string_equal(got.facet.text, all.facet.text);
}

static int skip_byodo(const char *t, size_t len, void *ctx)
{
    (void)ctx;
    return len == strlen("平等") && memcmp(t, "平等", len) == 0;
}

static void test_expand(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    ks_add_corpus(f);
    const unsigned rset[] = {1, 2};
    collect c = {0};
    OK(kk_db_expand(f->w, rset, 2, "", 2, NULL, on_weighted, &c, &err));
    assert_true(strcmp(c.text, "男女,平等") == 0 || strcmp(c.text, "平等,男女") == 0);
    collect skipped = {0};
    OK(kk_db_expand(f->w, rset, 2, "", 10, skip_byodo, on_weighted, &skipped, &err));
    assert_non_null(strstr(skipped.text, "男女"));
    assert_null(strstr(skipped.text, "平等"));
    assert_null(strchr(skipped.text, 'B'));
    assert_null(strchr(skipped.text, 'Q'));
    collect prefixed = {0};
    OK(kk_db_expand(f->w, rset, 2, "B", 10, NULL, on_weighted, &prefixed, &err));
    assert_string_equal(prefixed.text, "B男女");
    collect none = {0};
    OK(kk_db_expand(f->w, NULL, 0, "", 10, NULL, on_weighted, &none, &err));
    assert_string_equal(none.text, "");
}

/* ---- Options and numbers --------------------------------------------------------------------- */

static void test_opts_and_numbers(void **state)
{
    (void)state;
    kk_search_opts o;
    memset(&o, 0x55, sizeof o);
    kk_search_opts_init(&o);
    assert_int_equal(o.first, 0);
    assert_int_equal(o.max, 10);
    assert_true(o.bm25_k1 == 1 && o.bm25_k2 == 0 && o.bm25_k3 == 1);
    assert_true(o.bm25_b == 0.5 && o.bm25_min_normlen == 0.5);
    assert_int_equal(o.check_at_least, 0);
    assert_int_equal(o.collapse_slot, -1);
    assert_int_equal(o.sort_slot, -1);
    assert_int_equal(o.sort_descending, 0);
    assert_int_equal(o.n_facets, 0);
    assert_null(o.accept);
    assert_null(o.accept_ctx);
    char a[16], b[16];
    size_t la = kk_number_serialise(-3.5, a), lb = kk_number_serialise(2024, b);
    assert_true(la > 0 && la <= 16 && lb > 0 && lb <= 16);
    assert_true(kk_number_unserialise(a, la) == -3.5);
    assert_true(kk_number_unserialise(b, lb) == 2024);
    size_t common = la < lb ? la : lb;
    int order = memcmp(a, b, common);
    assert_true(order < 0 || (order == 0 && la < lb));
}

/* With lazy_data, a hit's stored data is read only when kk_xresults_hit asks for it;
 * kk_xresults_match never reads it. */
static void test_lazy_data(void **state)
{
    fixture *f = *state;
    ks_add_corpus(f);
    kk_error err = {0};
    kk_search_opts o;
    kk_search_opts_init(&o);
    o.lazy_data = 1;
    kk_xquery *q = term("計画");
    kk_xresults *r = NULL;
    OK(kk_db_search(f->w, q, &o, &r, &err));
    assert_int_equal(kk_xresults_size(r), 3);
    kk_xhit h;
    OK(kk_xresults_match(r, 1, &h, &err));
    assert_null(h.data);
    assert_true(h.docid >= 1 && h.docid <= 4);
    unsigned docid = h.docid;
    OK(kk_xresults_hit(r, 1, &h, &err));
    assert_non_null(h.data);
    assert_int_equal(h.docid, docid);
    char want[8];
    snprintf(want, sizeof want, "d%u", docid);
    assert_string_equal(h.data, want);
    OK(kk_xresults_match(r, 1, &h, &err)); /* read now, so match gives it too */
    assert_string_equal(h.data, want);
    assert_int_equal(kk_xresults_match(r, 3, &h, &err), KK_EINVAL);
    kk_xresults_free(r);
    kk_xquery_free(q);
}

/* kk_db_term_in_docs sets found[i] for the listed documents the term indexes, leaves the others
 * alone, and copes with docids past the end of the posting list or of the database. */
static void test_term_in_docs(void **state)
{
    fixture *f = *state;
    ks_add_corpus(f);
    kk_error err = {0};
    const unsigned docids[] = {1, 2, 3, 4, 99};
    unsigned char found[5] = {0, 0, 0, 0, 7};
    OK(kk_db_term_in_docs(f->w, "男女", 6, docids, 5, found, &err));
    assert_memory_equal(found, ((unsigned char[]){1, 1, 0, 0, 7}), 5);
    OK(kk_db_term_in_docs(f->w, "計画", 6, docids + 2, 2, found + 2, &err));
    assert_memory_equal(found, ((unsigned char[]){1, 1, 1, 1, 7}), 5);
    memset(found, 0, sizeof found);
    OK(kk_db_term_in_docs(f->w, "ない", 6, docids, 5, found, &err));
    assert_memory_equal(found, ((unsigned char[]){0, 0, 0, 0, 0}), 5);
    OK(kk_db_term_in_docs(f->w, "男女", 6, docids, 0, NULL, &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_boolean_operators, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_wildcard_and_range, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_scale_zero_is_boolean, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_collapse_and_paging, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_sort_by_value, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_facet_counts, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_accept_filters_on_stored_data, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_expand, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_lazy_data, ks_setup, ks_teardown),
        cmocka_unit_test_setup_teardown(test_term_in_docs, ks_setup, ks_teardown),
        cmocka_unit_test(test_opts_and_numbers),
    };
    return cmocka_run_group_tests_name("shim_search", tests, NULL, NULL);
}
