/* test_shim.c — unit tests of the C API over libxapian (shim/kk_xapian.h).
 *
 * Each test gets a fresh database in a temporary folder (removed at teardown) holding a small
 * corpus of Japanese plan snippets, then drives the shim only through its C header: writing,
 * transactions, reading, iteration, every query operator, search options (the accept callback
 * among them), expansion and the error codes. It does not test analysis or indexing policy;
 * those have their own tests.
 */
#define _XOPEN_SOURCE 700 /* nftw, for the recursive delete at teardown */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kk_xapian.h"

/* ---- Fixture --------------------------------------------------------------------------------- */

enum { SLOT_YEAR = 0, SLOT_CITY = 1 };

typedef struct fixture {
    char dir[64];
    char path[96];
    kk_db *w; /* writable handle on path */
} fixture;

static void expect_ok(kk_status s, const kk_error *err, const char *expr)
{
    if (s != KK_OK)
        fail_msg("%s -> %s: %s", expr, kk_status_name(s), err->message);
}
#define OK(expr) expect_ok((expr), &err, #expr)

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/kk_test_shim_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/db", f->dir);
    kk_error err = {0};
    OK(kk_db_open_write(f->path, 0, &f->w, &err));
    *state = f;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fixture *f = *state;
    kk_db_free(f->w);
    int rc = nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return rc;
}

/* One plan snippet: its words as terms (wdf 1 each), an id term "Q<id>", a bigram-style
 * prefixed term "B<first word>", a city filter term "C<city>", the year and city as values. */
typedef struct snippet {
    const char *id;
    const char *words[4];
    double year;
    const char *city;
} snippet;

static const snippet corpus[] = {
    {"d1", {"男女", "平等", "推進", "計画"}, 2005, "横浜"},
    {"d2", {"男女", "の", "平等", NULL}, 2010, "横浜"},
    {"d3", {"環境", "基本", "計画", NULL}, 2020, "川崎"},
    {"d4", {"男女共同", "参画", "計画", NULL}, 2015, "相模原"},
};
enum { N_CORPUS = sizeof corpus / sizeof corpus[0] };

static void add_prefixed(kk_xdoc *doc, char prefix, const char *word, unsigned wdf)
{
    char term[64];
    snprintf(term, sizeof term, "%c%s", prefix, word);
    kk_error err = {0};
    OK(kk_xdoc_add_term(doc, term, strlen(term), wdf, &err));
}

/* Add s with data as its stored data; returns its docid. */
static unsigned add_snippet_data(kk_db *w, const snippet *s, const char *data)
{
    kk_error err = {0};
    kk_xdoc *doc = NULL;
    OK(kk_xdoc_new(&doc, &err));
    for (unsigned i = 0; i < 4 && s->words[i]; i++)
        OK(kk_xdoc_add_term(doc, s->words[i], strlen(s->words[i]), 1, &err));
    add_prefixed(doc, 'Q', s->id, 0);
    add_prefixed(doc, 'B', s->words[0], 1);
    add_prefixed(doc, 'C', s->city, 0);
    OK(kk_xdoc_set_number(doc, SLOT_YEAR, s->year, &err));
    OK(kk_xdoc_set_value(doc, SLOT_CITY, s->city, strlen(s->city), &err));
    OK(kk_xdoc_set_data(doc, data, strlen(data), &err));
    char id_term[16];
    snprintf(id_term, sizeof id_term, "Q%s", s->id);
    unsigned docid = 0;
    OK(kk_db_replace(w, id_term, strlen(id_term), doc, &docid, &err));
    kk_xdoc_free(doc);
    return docid;
}

/* Add s with its id ("d1"...) as stored data. */
static unsigned add_snippet(kk_db *w, const snippet *s)
{
    return add_snippet_data(w, s, s->id);
}

static void add_corpus(fixture *f)
{
    kk_error err = {0};
    for (size_t i = 0; i < N_CORPUS; i++)
        assert_int_equal(add_snippet(f->w, &corpus[i]), i + 1);
    OK(kk_db_commit(f->w, &err));
}

/* The corpus with "<id>\t<words run together>" as stored data: the passage text an accept
 * callback checks wording against (d2's 男女 and 平等 are there, but not as 男女平等). */
static void add_corpus_with_text(fixture *f)
{
    kk_error err = {0};
    for (size_t i = 0; i < N_CORPUS; i++) {
        char data[64];
        snprintf(data, sizeof data, "%s\t", corpus[i].id);
        for (unsigned k = 0; k < 4 && corpus[i].words[k]; k++)
            snprintf(data + strlen(data), sizeof data - strlen(data), "%s", corpus[i].words[k]);
        assert_int_equal(add_snippet_data(f->w, &corpus[i], data), i + 1);
    }
    OK(kk_db_commit(f->w, &err));
}

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

/* Collects callback output as "term:freq" joined by ','. */
typedef struct collect {
    char text[512];
    int stop_after; /* stop after this many items; 0: never */
    int count;
    double last_weight; /* of the previous weighted term, to check the order */
} collect;

static void append(collect *c, const char *s, size_t len, double n)
{
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "%s%.*s:%g", used ? "," : "", (int)len, s,
             n);
}

static int on_term(const char *t, size_t len, unsigned freq, void *ctx)
{
    collect *c = ctx;
    append(c, t, len, freq);
    return ++c->count == c->stop_after;
}

static int on_posting(unsigned docid, unsigned wdf, void *ctx)
{
    collect *c = ctx;
    char id[16];
    snprintf(id, sizeof id, "%u", docid);
    append(c, id, strlen(id), wdf);
    return ++c->count == c->stop_after;
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

/* ---- Databases and writing ------------------------------------------------------------------- */

static void test_create_then_open_read(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    assert_int_equal(doc_count(f->w), 0);
    add_corpus(f);
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
    add_corpus(f);
    snippet changed = corpus[1];
    changed.year = 2011;
    assert_int_equal(add_snippet(f->w, &changed), 2);
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
    add_corpus(f);
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
    OK(kk_db_each_doc_term(f->w, docid, on_term, &c, &err));
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
    add_snippet(f->w, &corpus[0]);
    OK(kk_db_cancel(f->w, &err));
    assert_int_equal(doc_count(f->w), 0);

    OK(kk_db_begin(f->w, &err));
    assert_int_equal(kk_db_begin(f->w, &err), KK_EINVAL);
    add_snippet(f->w, &corpus[0]);
    assert_int_equal(doc_count(r), 0);
    OK(kk_db_commit(f->w, &err));
    int changed = 0;
    OK(kk_db_reopen(r, &changed, &err));
    assert_true(changed);
    assert_int_equal(doc_count(r), 1);

    /* closing with a transaction open discards it */
    OK(kk_db_begin(f->w, &err));
    add_snippet(f->w, &corpus[1]);
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
    OK(kk_db_each_synonym(f->w, "男女平等", on_term, &c, &err));
    assert_string_equal(c.text, "ジェンダー平等:0,男女共同参画:0");
    OK(kk_db_clear_synonyms(f->w, "男女平等", &err));
    collect none = {0};
    OK(kk_db_each_synonym(f->w, "男女平等", on_term, &none, &err));
    assert_string_equal(none.text, "");
}

/* ---- Iteration ------------------------------------------------------------------------------- */

static void test_each_term_with_prefix(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    add_corpus(f);
    collect c = {0};
    OK(kk_db_each_term(f->w, "B", on_term, &c, &err));
    /* byte order: 環 (E7 92 B0) sorts before 男 (E7 94 B7) */
    assert_string_equal(c.text, "B環境:1,B男女:2,B男女共同:1");
    collect first = {.stop_after = 1};
    OK(kk_db_each_term(f->w, "男女", on_term, &first, &err));
    assert_string_equal(first.text, "男女:2");
}

static void test_each_posting(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    add_corpus(f);
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
    add_corpus(f);
    collect c = {0};
    OK(kk_db_each_doc_term(f->w, 3, on_term, &c, &err));
    assert_string_equal(c.text, "B環境:1,C川崎:0,Qd3:0,基本:1,環境:1,計画:1");
    collect missing = {0};
    assert_int_equal(kk_db_each_doc_term(f->w, 42, on_term, &missing, &err), KK_ENOTFOUND);
    assert_true(strlen(err.message) > 0);
}

/* ---- Queries and search ---------------------------------------------------------------------- */

static void test_boolean_operators(void **state)
{
    fixture *f = *state;
    add_corpus(f);
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
    add_corpus(f);
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
    add_corpus(f);
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
    add_corpus(f);
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
    add_corpus(f);
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
    add_corpus(f);
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
    OK(kk_xresults_each_facet(r, 0, on_term, &c, &err));
    assert_string_equal(c.text, "横浜:2,川崎:1,相模原:1");
    collect years = {.stop_after = 1};
    OK(kk_xresults_each_facet(r, 1, on_term, &years, &err));
    char buf[16];
    size_t len = kk_number_serialise(2005, buf);
    char expected[32];
    snprintf(expected, sizeof expected, "%.*s:1", (int)len, buf);
    assert_string_equal(years.text, expected);
    assert_int_equal(kk_xresults_each_facet(r, 2, on_term, &c, &err), KK_EINVAL);
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
        OK(kk_xresults_each_facet(r, 0, on_term, &h->facet, &err));
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

static void test_matching_terms(void **state)
{
    fixture *f = *state;
    kk_error err = {0};
    add_corpus(f);
    kk_search_opts o;
    kk_search_opts_init(&o);
    o.sort_slot = SLOT_YEAR;
    char got[64];
    kk_xquery *q = combine(KK_QOP_OR, 0, term("環境"), term("男女"), term("平等"));
    kk_xresults *r = run(f, q, &o, got, sizeof got, 1);
    assert_string_equal(got, "d1,d2,d3");
    collect c = {0};
    OK(kk_xresults_matching_terms(r, 0, on_term, &c, &err));
    assert_string_equal(c.text, "男女:0,平等:0");
    collect d3 = {0};
    OK(kk_xresults_matching_terms(r, 2, on_term, &d3, &err));
    assert_string_equal(d3.text, "環境:0");
    kk_xresults_free(r);
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
    add_corpus(f);
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
    add_corpus(f);
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
        add_prefixed(doc, fill, id + 1, 1);
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
    OK(kk_db_each_term(r, "d150", on_term, &c, &err));
    assert_string_equal(c.text, "d150:1,d1500:1,d1501:1,d1502:1,d1503:1,d1504:1,d1505:1,d1506:1,"
                                "d1507:1,d1508:1,d1509:1");
    kk_db_free(r);
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_then_open_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_by_id_term_keeps_one_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_by_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_and_clear_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_synonyms_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_term_with_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_posting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_doc_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boolean_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wildcard_and_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scale_zero_is_boolean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collapse_and_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_by_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facet_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accept_filters_on_stored_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_matching_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_read_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_is_locked_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_reopens_when_modified, setup, teardown),
        cmocka_unit_test(test_opts_and_numbers),
    };
    return cmocka_run_group_tests_name("shim", tests, NULL, NULL);
}
