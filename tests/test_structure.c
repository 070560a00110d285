/* test_structure.c — the structure of plan documents as the query side sees it: field filters
 * (year, year range, kind, dept, plan, city, combined with text), facet counts over the whole
 * result set (each count is what drilling down on that value finds), and passages read back in
 * context (kk_passage.h: by line and by id, neighbours, citations, errors).
 *
 * One index of corpus/ (with the shipped mitaka manifest) plus a small folder of its own (two
 * files of one name, council minutes) is built in a temporary folder with kk_run_index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kk_json.h"
#include "kk_passage.h"
#include "kk_query.h"
#include "kk_run.h"
#include "test_index.h"
#include "test_util.h"

#define M000 "mitaka/000_148b0aeab5517d59.txt"
#define M003 "mitaka/003_ed473fa6d39f6456.txt"
#define M004 "mitaka/004_a90150c5bdbb2000.txt"

typedef struct fixture {
    char dir[64];
    char db[128];
    char extra[128];
    kk_searcher *s;
} fixture;

static const char minutes[] =
    "2008年1月21日 総務委員会\n"
    "\n"
    "○林委員長　ただいまより総務委員会を開会いたします。\n"
    "\n"
    "○福島長期計画担当課長　それでは私から、基本構想等の策定状況についてご報告いたします。\n"
    "まず１としまして、第６回品川区基本構想等策定委員会が開催されました。\n";

/* extra/a/same.txt and extra/b/same.txt (one name, two documents); extra/a/minutes.txt. */
static void make_extra(fixture *f)
{
    char path[256];
    snprintf(f->extra, sizeof f->extra, "%s/extra", f->dir);
    assert_int_equal(mkdir(f->extra, 0700), 0);
    const char *subs[] = {"a", "b"};
    for (size_t k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", f->extra, subs[k]);
        assert_int_equal(mkdir(path, 0700), 0);
        snprintf(path, sizeof path, "%s/%s/same.txt", f->extra, subs[k]);
        assert_int_equal(kt_write_text(path, "同じ名前の文書です。\n"), 0);
    }
    snprintf(path, sizeof path, "%s/a/minutes.txt", f->extra);
    assert_int_equal(kt_write_text(path, minutes), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *src = getenv("KK_SOURCE_DIR");
    assert_non_null(src);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "structure"), 0);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    make_extra(f);
    char corpus[1024];
    snprintf(corpus, sizeof corpus, "%s/corpus", src);
    const char *roots[] = {corpus, f->extra};
    kk_run_stats stats;
    kt_index(f->db, roots, 2, &stats);
    assert_int_equal(stats.files_skipped, 0); /* the hidden manifest is not a document */
    f->s = kt_open(f->db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kk_searcher_free(f->s);
    kt_remove_tree(f->dir);
    free(f);
    return 0;
}

static kk_hits *search(const fixture *f, const char *query, int facets)
{
    kk_search_request req = {query, 0, 1000, facets, 0};
    kk_hits *h = NULL;
    kk_error err = {0};
    if (kk_search(f->s, &req, &h, &err) != KK_OK)
        fail_msg("%s: %s", query, err.message);
    return h;
}

/* --- filters --- */

typedef struct filter_case {
    const char *query;
    size_t hits;          /* exact number of passages, 0: at least one */
    int year_from, year_to; /* every hit's year within, 0: not checked */
    const char *kind, *dept, *city, *doc_prefix, *text; /* every hit has these, NULL: any */
    const char *why;
} filter_case;

static const filter_case filter_cases[] = {
    {"year:2019", 28, 2019, 2019, "運営方針と目標", NULL, NULL, M003, NULL,
     "003 is FY2019 (令和元年度), no bulletin is"},
    {"year:2012..2019", 88, 2012, 2019, NULL, NULL, "東京都三鷹市", "mitaka/", NULL,
     "002 (2012), 001 (2015), 003 (2019)"},
    {"year:H23", 32, 2011, 2011, "個別計画", NULL, NULL, M000, NULL,
     "000's year comes from the manifest: the text states none"},
    {"kind:個別計画", 60, 2011, 2015, "個別計画", NULL, NULL, "mitaka/00", NULL, "000 and 001"},
    {"dept:企画部", 56, 0, 0, NULL, "企画部", NULL, "mitaka/", NULL,
     "000 and 001 (their page's department), 002 and 003's 企画部 items"},
    {"dept:都市整備部 year:2019", 3, 2019, 2019, NULL, "都市整備部", NULL, M003, NULL,
     "the second label of 003's stacked pair names the three items before the next block"},
    {"dept:企画経営課行政評価担当", 7, 2015, 2015, "個別計画", "企画部", NULL,
     "mitaka/001", NULL, "a 担当課 is a dept: term too"},
    {"plan:地域情報化プラン", 18, 2011, 2015, "個別計画", "企画部", NULL, "mitaka/00", NULL,
     "plan names match by prefix (地域情報化プラン2022)"},
    {"plan:新・行財政改革アクションプラン", 7, 2015, 2015, NULL, NULL, NULL, "mitaka/001", NULL,
     "the plan whose title 001 prints after its text"},
    {"city:倉敷市 献血", 0, 2024, 2025, "広報", NULL, "岡山県倉敷市", "bulletin/332020_", "献血",
     "a city without its prefecture, with text"},
    {"city:三鷹市 防災 year:2019", 3, 2019, 2019, "運営方針と目標", NULL, "東京都三鷹市", M003,
     "防災", "three filters and a word"},
    {"kind:基本計画 男女共同参画", 0, 0, 0, "基本計画", NULL, "東京都三鷹市", M004, NULL,
     "004 has no year (year=unknown in the manifest)"},
};

static void check_hit(const filter_case *c, const kk_hit *h)
{
    if (c->year_from && (h->year < c->year_from || h->year > c->year_to))
        fail_msg("%s: %s year %d (%s)", c->query, h->id, h->year, c->why);
    const char *want[] = {c->kind, c->dept, c->city};
    const char *got[] = {h->kind, h->dept, h->city};
    for (size_t k = 0; k < 3; k++)
        if (want[k] && (!got[k] || strcmp(want[k], got[k]) != 0))
            fail_msg("%s: %s has \"%s\", expected \"%s\" (%s)", c->query, h->id,
                     got[k] ? got[k] : "(null)", want[k], c->why);
    if (c->doc_prefix && strncmp(h->doc, c->doc_prefix, strlen(c->doc_prefix)) != 0)
        fail_msg("%s: %s (%s)", c->query, h->id, c->why);
    if (c->text && !strstr(h->text, c->text))
        fail_msg("%s: %s lacks %s (%s)", c->query, h->id, c->text, c->why);
}

static void test_filters(void **state)
{
    const fixture *f = *state;
    for (size_t k = 0; k < sizeof filter_cases / sizeof filter_cases[0]; k++) {
        const filter_case *c = &filter_cases[k];
        kk_hits *h = search(f, c->query, 0);
        if (c->hits ? h->n != c->hits : h->n == 0)
            fail_msg("%s: %zu passages, expected %zu (%s)", c->query, h->n, c->hits, c->why);
        for (size_t i = 0; i < h->n; i++)
            check_hit(c, &h->hits[i]);
        kk_hits_free(h);
    }
}

static void test_unknown_field(void **state)
{
    const fixture *f = *state;
    kk_search_request req = {"yaer:2019 防災", 0, 10, 0, 0};
    kk_hits *h = NULL;
    kk_error err = {0};
    assert_int_equal(kk_search(f->s, &req, &h, &err), KK_EPARSE);
    assert_null(h);
    assert_non_null(strstr(err.message, "yaer"));
    assert_non_null(strstr(err.message, "year, kind, dept, plan, city"));
}

/* --- facets --- */

static const kk_facet_value *facet(const kk_hits *h, kk_facet_field f, const char *value)
{
    for (size_t k = 0; k < h->n_facets[f]; k++)
        if (strcmp(h->facets[f][k].value, value) == 0)
            return &h->facets[f][k];
    return NULL;
}

/* Every facet value's count is what adding that filter to the query finds (a drilldown). The
 * query must match no copies of one text: copies are shown once but counted each. */
static void check_drilldown(const fixture *f, const char *query, kk_facet_field field,
                            const char *name, const kk_hits *h)
{
    size_t sum = 0;
    for (size_t k = 0; k < h->n_facets[field]; k++) {
        char q[512];
        snprintf(q, sizeof q, "%s %s:%s", query, name, h->facets[field][k].value);
        kk_hits *d = search(f, q, 0);
        if (d->n != h->facets[field][k].count)
            fail_msg("%s: facet says %u, the drilldown finds %zu", q, h->facets[field][k].count,
                     d->n);
        sum += d->n;
        kk_hits_free(d);
    }
    if (field != KK_FACET_DEPT && sum != h->n) /* passages without a department are not counted */
        fail_msg("%s: %s facets add up to %zu, %zu passages match", query, name, sum, h->n);
}

static void test_facets(void **state)
{
    const fixture *f = *state;
    const char *q = "year:2011..2019";
    kk_hits *h = search(f, q, 1);
    assert_int_equal(h->n, 120);
    static const struct { kk_facet_field f; const char *value; unsigned count; } expected[] = {
        {KK_FACET_YEAR, "2011", 32},           {KK_FACET_YEAR, "2012", 32},
        {KK_FACET_YEAR, "2015", 28},           {KK_FACET_YEAR, "2019", 28},
        {KK_FACET_KIND, "運営方針と目標", 60}, {KK_FACET_KIND, "個別計画", 60},
        {KK_FACET_DEPT, "企画部", 56},         {KK_FACET_DEPT, "子ども政策部", 6},
        {KK_FACET_CITY, "東京都三鷹市", 120},
    };
    for (size_t k = 0; k < sizeof expected / sizeof expected[0]; k++) {
        const kk_facet_value *v = facet(h, expected[k].f, expected[k].value);
        if (!v || v->count != expected[k].count)
            fail_msg("%s %s: %u, expected %u", kk_facet_field_name(expected[k].f),
                     expected[k].value, v ? v->count : 0, expected[k].count);
    }
    assert_string_equal(h->facets[KK_FACET_YEAR][0].value, "2019"); /* years newest first */
    check_drilldown(f, q, KK_FACET_YEAR, "year", h);
    check_drilldown(f, q, KK_FACET_KIND, "kind", h);
    check_drilldown(f, q, KK_FACET_DEPT, "dept", h);
    kk_hits_free(h);

    /* Counted over every match, not the page: a page of 1 still counts all of 003. */
    kk_search_request req = {"year:2019", 0, 1, 1, 0};
    kk_error err = {0};
    assert_int_equal(kk_search(f->s, &req, &h, &err), KK_OK);
    assert_int_equal(h->n, 1);
    assert_int_equal(facet(h, KK_FACET_YEAR, "2019")->count, 28);
    assert_int_equal(h->n_facets[KK_FACET_DEPT], 8); /* 003's eight departments */
    kk_hits_free(h);
}

/* --- passages in context --- */

static kk_passage_context *at_line(const fixture *f, const char *doc, unsigned line,
                                   unsigned radius)
{
    kk_passage_context *c = NULL;
    kk_error err = {0};
    if (kk_passage_at_line(f->s, doc, line, radius, &c, &err) != KK_OK)
        fail_msg("%s:%u: %s", doc, line, err.message);
    return c;
}

static void test_show_line(void **state)
{
    const fixture *f = *state;
    kk_passage_context *c = at_line(f, M004, 208, 1);
    const kk_passage_info *p = &c->passage;
    assert_string_equal(p->text, "〔主要事業〕 ・配偶者からの暴力の被害者に対する支援");
    assert_string_equal(p->section,
                        "6-3-1 男女共同参画社会の形成 › 施策3) 相談・支援体制の充実 › 〔主要事業〕");
    assert_string_equal(p->version, "後期基本計画（素案）");
    assert_int_equal(p->year, 0);
    assert_int_equal(c->n_before, 1);
    assert_int_equal(c->n_after, 1);
    assert_int_equal(c->before[0].ordinal, p->ordinal - 1);
    assert_int_equal(c->after[0].ordinal, p->ordinal + 1);
    assert_string_equal(c->after[0].text, "・生き方相談の実施"); /* the next item, same line */
    assert_string_equal(c->citation,
                        "出典: " M004 "『後期基本計画（素案）と現行基本計画の対照』 6-3-1 "
                        "男女共同参画社会の形成 › 施策3) 相談・支援体制の充実 › 〔主要事業〕 "
                        "[後期基本計画（素案）] 208行");
    kk_passage_context_free(c);

    /* A line inside a passage gives that passage; the file name alone names the document. */
    c = at_line(f, "003_ed473fa6d39f6456.txt", 148, 2);
    assert_int_equal(c->passage.line, 146);
    assert_string_equal(c->passage.dept, "子ども政策部");
    assert_int_equal(c->n_before, 2);
    assert_int_equal(c->n_after, 2);
    assert_int_equal(c->after[1].line, 157);
    assert_string_equal(c->citation, "出典: " M003 "『令和元年度「各部の運営方針と目標」』 子ども"
                                     "政策部 (2019年度) 146–149行");
    kk_passage_context_free(c);

    /* Line 0, or a line before the first passage: the first passage; nothing before it. */
    c = at_line(f, M000, 1, 3);
    assert_int_equal(c->passage.ordinal, 0);
    assert_int_equal(c->passage.line, 3);
    assert_int_equal(c->n_before, 0);
    assert_int_equal(c->n_after, 3);
    kk_passage_context_free(c);
    c = at_line(f, M000, 100000, 1); /* past the end: the last passage */
    assert_int_equal(c->n_after, 0);
    assert_int_equal(c->passage.line, 97);
    kk_passage_context_free(c);
}

static void test_show_id(void **state)
{
    const fixture *f = *state;
    kk_hits *h = search(f, "\"配偶者等暴力対策基本計画\"", 0);
    assert_true(h->n >= 1);
    kk_passage_context *c = NULL;
    kk_error err = {0};
    assert_int_equal(kk_passage_by_id(f->s, h->hits[0].id, 0, &c, &err), KK_OK);
    assert_string_equal(c->passage.id, h->hits[0].id);
    assert_string_equal(c->passage.text, h->hits[0].text);
    assert_int_equal(c->passage.line, h->hits[0].line);
    assert_int_equal(c->n_before + c->n_after, 0);
    assert_string_equal(c->passage.office, "企画経営課平和・女性・国際化推進係");
    assert_int_equal(c->passage.n_plans, 2);
    json_t *o = kk_passage_context_to_json(c);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "passage"), "dept")),
                        "企画部");
    assert_string_equal(json_string_value(json_object_get(o, "citation")), c->citation);
    assert_int_equal(json_array_size(json_object_get(o, "before")), 0);
    json_decref(o);
    kk_passage_context_free(c);
    kk_hits_free(h);

    /* A minutes turn: the speaker is cited. */
    assert_int_equal(kk_passage_by_id(f->s, "a/minutes.txt:1", 1, &c, &err), KK_OK);
    assert_string_equal(c->passage.speaker, "福島長期計画担当課長");
    assert_int_equal(c->n_before, 1);
    assert_string_equal(c->citation, "出典: a/minutes.txt『2008年1月21日 総務委員会』 "
                                     "福島長期計画担当課長 (2007年度) 5–6行");
    kk_passage_context_free(c);
}

typedef struct show_error {
    int by_id;
    const char *ref;
    unsigned number, radius;
    kk_status status;
    const char *message;
} show_error;

static const show_error show_errors[] = {
    {0, "nope.txt", 3, 1, KK_ENOTFOUND, "no document 'nope.txt'"},
    {0, "same.txt", 1, 1, KK_EINVAL, "'same.txt' names 2 documents"},
    {0, M000, 3, KK_PASSAGE_MAX_RADIUS + 1, KK_EINVAL, "context of 51 passages"},
    {1, M000, 0, 1, KK_EINVAL, "is not DOC:NUMBER"},
    {1, M000 ":9999", 0, 1, KK_ENOTFOUND, "no passage " M000 ":9999"},
};

static void test_show_errors(void **state)
{
    const fixture *f = *state;
    for (size_t k = 0; k < sizeof show_errors / sizeof show_errors[0]; k++) {
        const show_error *e = &show_errors[k];
        kk_passage_context *c = NULL;
        kk_error err = {0};
        kk_status st = e->by_id ? kk_passage_by_id(f->s, e->ref, e->radius, &c, &err)
                                : kk_passage_at_line(f->s, e->ref, e->number, e->radius, &c, &err);
        if (st != e->status || c || !strstr(err.message, e->message))
            fail_msg("%s: %s \"%s\", expected \"%s\"", e->ref, kk_status_name(st), err.message,
                     e->message);
    }
    kk_passage_context_free(NULL);
}

static void test_split_ref(void **state)
{
    (void)state;
    static const struct { const char *text; int ok; size_t doc_len; unsigned number; } cases[] = {
        {"mitaka/a.txt:202", 0, 12, 202}, {"a:b:7", 0, 3, 7},   {"a.txt", -1, 0, 0},
        {"a.txt:", -1, 0, 0},             {"a.txt:2x", -1, 0, 0}, {"a:4294967296", -1, 0, 0},
        {":5", 0, 0, 5},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t doc_len = 99;
        unsigned number = 99;
        int ok = kk_passage_split_ref(cases[k].text, &doc_len, &number);
        if (ok != cases[k].ok || (ok == 0 && (doc_len != cases[k].doc_len ||
                                              number != cases[k].number)))
            fail_msg("%s: %d %zu %u", cases[k].text, ok, doc_len, number);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filters),     cmocka_unit_test(test_unknown_field),
        cmocka_unit_test(test_facets),      cmocka_unit_test(test_show_line),
        cmocka_unit_test(test_show_id),     cmocka_unit_test(test_show_errors),
        cmocka_unit_test(test_split_ref),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
