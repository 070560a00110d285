/* test_trend.c — tests of kk_trend: matching passages and documents per fiscal year.
 *
 * A fixture corpus of five small files with known fiscal years (平成23年度, 平成30年度, two of
 * 令和元年度, one without a year) is written to a temporary folder and indexed. Data-driven: a
 * table of (query, expected counts per year, why) counted by hand, covering a word broken across
 * lines, full-width letters, 子供 = 子ども, a Latin word inside a longer one (ＣＯＶＩＤ１９), a
 * space inside the wording (not a match), a heading that holds the term while the text does not
 * (the index matches it, the count must not), filters, and a query of several words. Every
 * one-term case is also checked against a plain scan of the text (the passages of
 * kk_run_dump, kk_normalize, strstr), the definition trend promises.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_analysis.h"
#include "kk_run.h"
#include "kk_trend.h"
#include "test_index.h"
#include "test_util.h"

typedef struct fixture_file {
    const char *name, *text;
} fixture_file;

static const fixture_file files[] = {
    {"h23.txt", "平成23年度 地域情報化の記録\n\n市は地域情報化を進めます。\n\n"
                "この段落には関係する語がありません。\n\n"
                "市民の暮らしを支える取り組みの柱として地域情\n報化の推進に取り組みます。"
                "地域情報化は重要です。\n\nＩＣＴの活用を図ります。\n"},
    {"h30.txt", "平成30年度 まちづくりの報告\n\n子供の居場所づくりと地域情報化を進めます。\n\n"
                "ＣＯＶＩＤ１９対策を進めました。\n\nict を使った子どもの学習支援。\n\n"
                "地域の情報化は進んでいません。\n"},
    {"r1.txt", "令和元年度 防災の手引き\n\n地域情報化計画の策定。\n\n防災と子ども。\n"},
    {"r1b.txt", "令和元年度 第二報\n\n地域 情報化の話（空白入り）。\n\n子どもの安全と地域情報化。\n"},
    {"none.txt", "地域情報化のお知らせ\n\n地域情報化についてのお知らせ。\n\ncovid対策。\n"},
};

typedef struct year_count {
    int year; /* 0: unknown */
    unsigned passages, documents;
} year_count;

typedef struct trend_case {
    const char *query;
    int exact;
    unsigned passages, documents;
    year_count years[6]; /* ends at passages == 0 */
    const char *why;
} trend_case;

static const trend_case cases[] = {
    {"地域情報化", 1, 6, 5, {{2011, 2, 1}, {2018, 1, 1}, {2019, 2, 2}, {0, 1, 1}},
     "h23 twice (once broken across lines), not r1b's 地域 情報化 (a space), not none.txt's "
     "covid passage though its heading holds the term"},
    {"\"地域情報化\"", 1, 6, 5, {{2011, 2, 1}, {2018, 1, 1}, {2019, 2, 2}, {0, 1, 1}},
     "a quoted phrase counts the same"},
    {"子ども", 1, 4, 3, {{2018, 2, 1}, {2019, 2, 2}}, "子供 and 子ども are one word"},
    {"ICT", 1, 2, 2, {{2011, 1, 1}, {2018, 1, 1}}, "ＩＣＴ in full width and ict in lower case"},
    {"COVID", 1, 2, 2, {{2018, 1, 1}, {0, 1, 1}},
     "ＣＯＶＩＤ１９ is indexed as the word covid19, which holds covid"},
    {"地域情報化計画", 1, 1, 1, {{2019, 1, 1}}, "a longer phrase: one passage"},
    {"存在しない語句", 1, 0, 0, {{0, 0, 0}}, "no match: no years"},
    {"\"地域情報化\" year:2019", 1, 2, 2, {{2019, 2, 2}}, "a filter keeps the exact count"},
    {"地域情報化 -計画", 0, 8, 4, {{2011, 2, 1}, {2018, 2, 1}, {2019, 2, 1}, {0, 2, 1}},
     "an exclusion: the engine's matches, its content words 地域 and 情報化 anywhere (地域の"
     "情報化 too) and the covid passage by its heading; r1's 地域情報化計画 excluded"},
    {"地域 情報化", 0, 9, 5, {{2011, 2, 1}, {2018, 2, 1}, {2019, 3, 2}, {0, 2, 1}},
     "two words: passages holding both, wherever (地域の情報化, 地域 情報化, the heading)"},
};

typedef struct fixture {
    char dir[64], db[128], corpus[128];
    kk_searcher *s;
    kk_analyzer *a;
} fixture;

static void write_file(const char *dir, const fixture_file *f)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(f->text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "trend"), 0);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    snprintf(f->corpus, sizeof f->corpus, "%s/fixture", f->dir);
    assert_int_equal(mkdir(f->corpus, 0700), 0);
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
        write_file(f->corpus, &files[k]);
    const char *roots[] = {f->corpus};
    kk_run_stats stats;
    kt_index(f->db, roots, 1, &stats);
    assert_int_equal(stats.files_indexed, sizeof files / sizeof files[0]);
    f->s = kt_open(f->db);
    kk_error err = {0};
    if (kk_analyzer_new(&f->a, &err) != KK_OK)
        fail_msg("analyzer: %s", err.message);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kk_searcher_free(f->s);
    kk_analyzer_free(f->a);
    kt_remove_tree(f->dir);
    free(f);
    return 0;
}

static kk_trend *run(fixture *f, const char *query)
{
    kk_trend *t = NULL;
    kk_error err = {0};
    if (kk_trend_run(f->s, query, &t, &err) != KK_OK)
        fail_msg("kk_trend_run(%s): %s", query, err.message);
    return t;
}

/* Counts for year (0: unknown) in t. */
static year_count found(const kk_trend *t, int year)
{
    if (!year)
        return (year_count){0, t->unknown_passages, t->unknown_documents};
    for (size_t k = 0; k < t->n_years; k++)
        if (t->years[k].year == year)
            return (year_count){year, t->years[k].passages, t->years[k].documents};
    return (year_count){year, 0, 0};
}

static void test_table(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const trend_case *c = &cases[k];
        kk_trend *t = run(f, c->query);
        if (t->passages != c->passages || t->documents != c->documents || t->exact != c->exact)
            fail_msg("%s (%s): %u passages in %u documents, exact %d; expected %u in %u, %d",
                     c->query, c->why, t->passages, t->documents, t->exact, c->passages,
                     c->documents, c->exact);
        size_t listed = 0, n_expected = 0;
        for (const year_count *y = c->years; y->passages; y++, n_expected++) {
            year_count got = found(t, y->year);
            if (got.passages != y->passages || got.documents != y->documents)
                fail_msg("%s (%s): year %d has %u passages in %u documents, expected %u in %u",
                         c->query, c->why, y->year, got.passages, got.documents, y->passages,
                         y->documents);
            listed += y->year != 0;
        }
        assert_int_equal(t->n_years, listed); /* no other year has matches */
        for (size_t j = 1; j < t->n_years; j++)
            assert_true(t->years[j - 1].year < t->years[j].year);
        (void)n_expected;
        kk_trend_free(t);
    }
}

/* ---- the plain scan ---------------------------------------------------------------------- */

typedef struct scan_result {
    unsigned passages[3000]; /* by year; [0] unknown */
    unsigned total;
} scan_result;

/* Count the dumped passages whose normalized text holds the normalized term. */
static void plain_scan(fixture *f, const char *term, scan_result *r)
{
    memset(r, 0, sizeof *r);
    const char *roots[] = {f->corpus};
    kk_run_opts o = {0};
    o.roots = roots;
    o.n_roots = 1;
    kk_run_stats stats;
    kk_error err = {0};
    FILE *dump = tmpfile();
    assert_non_null(dump);
    assert_int_equal(kk_run_dump(&o, dump, &stats, &err), KK_OK);
    rewind(dump);
    char *needle = NULL, *line = NULL;
    size_t len = 0, cap = 0;
    assert_int_equal(kk_normalize(f->a, term, strlen(term), &needle, &len, &err), KK_OK);
    while (getline(&line, &cap, dump) > 0) {
        json_t *p = json_loads(line, 0, NULL);
        assert_non_null(p);
        const char *text = json_string_value(json_object_get(p, "text"));
        int year = (int)json_integer_value(json_object_get(p, "year"));
        char *norm = NULL;
        assert_int_equal(kk_normalize(f->a, text, strlen(text), &norm, &len, &err), KK_OK);
        if (strstr(norm, needle)) {
            r->passages[year > 0 && year < 3000 ? year : 0]++;
            r->total++;
        }
        free(norm);
        json_decref(p);
    }
    free(line);
    free(needle);
    fclose(dump);
}

static void test_equals_scan(void **state)
{
    fixture *f = *state;
    static const char *const terms[] = {"地域情報化", "子ども", "ICT", "COVID", "情報化",
                                        "地域", "市", "対策。", "ｉｃｔ"};
    for (size_t k = 0; k < sizeof terms / sizeof terms[0]; k++) {
        scan_result r;
        plain_scan(f, terms[k], &r);
        kk_trend *t = run(f, terms[k]);
        assert_int_equal(t->exact, 1);
        if (t->passages != r.total)
            fail_msg("%s: trend %u passages, scan %u", terms[k], t->passages, r.total);
        assert_int_equal(t->unknown_passages, r.passages[0]);
        for (size_t j = 0; j < t->n_years; j++)
            assert_int_equal(t->years[j].passages, r.passages[t->years[j].year]);
        kk_trend_free(t);
    }
}

/* The index alone over-matches: none.txt's covid passage carries its heading's terms. */
static void test_heading_is_not_text(void **state)
{
    fixture *f = *state;
    kk_search_request req = {"\"地域情報化\"", 0, 100, 0, 0};
    kk_hits *h = NULL;
    kk_error err = {0};
    assert_int_equal(kk_search(f->s, &req, &h, &err), KK_OK);
    int heading_only = 0;
    for (size_t k = 0; k < h->n; k++)
        heading_only |= strstr(h->hits[k].text, "covid") != NULL;
    kk_hits_free(h);
    assert_true(heading_only);
    kk_trend *t = run(f, "地域情報化");
    assert_int_equal(t->unknown_passages, 1);
    kk_trend_free(t);
}

static void test_json_and_errors(void **state)
{
    fixture *f = *state;
    kk_trend *t = run(f, "子ども");
    json_t *o = kk_trend_to_json(t);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "query")), "子ども");
    assert_true(json_is_true(json_object_get(o, "exact")));
    assert_int_equal(json_integer_value(json_object_get(o, "passages")), 4);
    json_t *years = json_object_get(o, "years");
    assert_int_equal(json_array_size(years), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(years, 1), "year")), 2019);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(years, 1), "documents")),
                     2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "unknown"),
                                                        "passages")), 0);
    json_decref(o);
    kk_trend_free(t);
    kk_error err = {0};
    t = (kk_trend *)&err;
    assert_int_equal(kk_trend_run(f->s, "year:", &t, &err), KK_EPARSE);
    assert_null(t);
    kk_trend_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_equals_scan),
        cmocka_unit_test(test_heading_is_not_text),
        cmocka_unit_test(test_json_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
