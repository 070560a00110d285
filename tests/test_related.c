/* test_related.c — policies linked to individual plans (kk_related.h), on the bundled corpus and
 * on a two-file fixture: the links corpus/mitaka must give, the three ways of naming a policy,
 * the reverse direction, plan versions grouped, boilerplate that must not link, plan keys, the
 * JSON contract and the errors. */
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

#include "kk_related.h"
#include "kk_run.h"
#include "related_internal.h"
#include "test_index.h"
#include "test_util.h"

#define GENDER_PLAN "男女平等参画のための三鷹市行動計画2022"
#define ICT_PLAN "地域情報化プラン2022"
#define REFORM_PLAN_KEY "行財政改革アクションプラン2022"

typedef struct fixture {
    char dir[64];
    char db[128];      /* corpus/ indexed */
    char small_db[128]; /* the fixture below indexed */
    kk_searcher *s, *small;
} fixture;

/* A basic plan of two policies and two individual plans. 7-1-1 shares its topic (公園, 樹木,
 * 緑化 …) with 緑と水の基本計画2030; 7-1-2 shares with 窓口サービス向上プラン2030 only the
 * boilerplate every plan writes (事業, 推進, 充実, 図ります, 取り組みます). */
static const char FIXTURE_POLICIES[] =
    "7-1-1 公園緑化の推進\n\n後期基本計画（素案）\t現行基本計画\n"
    "<p>《現状と課題》</p> <p>公園の樹木と花壇の緑化を推進します。街路樹の充実を図ります。</p>\t"
    "<p>【基本方針】</p> <p>公園と緑地の緑化を推進し、樹木の保全の充実を図ります。</p>\n"
    "<p>施策1) 公園の緑化</p> <p>花壇と樹木の手入れに取り組みます。</p>\t"
    "<p>街路樹の植栽を進めます。</p>\n"
    "\n7-1-2 消防団の充実\n\n後期基本計画（素案）\t現行基本計画\n"
    "<p>《現状と課題》</p> <p>消防団の事業を推進します。充実を図ります。</p>\t"
    "<p>【基本方針】</p> <p>消防団の活動に取り組みます。</p>\n";

static const char FIXTURE_PLANS[] =
    "個別計画にご意見をお寄せください\n\n企画部\n\n窓口サービス向上プラン2030 策定\n\n○目的・概要\n\n"
    "この計画は、窓口サービスの事業を推進します。手続の充実を図ります。取り組みます。\n\n"
    "○主な事業\n\n申請書類の様式の見直しを推進します。\n\n都市整備部\n\n"
    "緑と水の基本計画2030 策定\n\n○目的・概要\n\n"
    "この計画は、公園の樹木と花壇の緑化、街路樹の植栽を進めることを目的とします。\n";

static void index_into(const char *db, const char *root)
{
    const char *roots[] = {root};
    kt_index(db, roots, 1, NULL);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *src = getenv("KK_SOURCE_DIR");
    assert_non_null(src);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "related"), 0);
    char corpus[1024], small[128], path[256];
    snprintf(corpus, sizeof corpus, "%s/corpus", src);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    index_into(f->db, corpus);
    snprintf(small, sizeof small, "%s/small", f->dir);
    assert_int_equal(mkdir(small, 0700), 0);
    snprintf(path, sizeof path, "%s/100_policies.txt", small);
    assert_int_equal(kt_write_text(path, FIXTURE_POLICIES), 0);
    snprintf(path, sizeof path, "%s/101_plans.txt", small);
    assert_int_equal(kt_write_text(path, FIXTURE_PLANS), 0);
    snprintf(f->small_db, sizeof f->small_db, "%s/small_db", f->dir);
    index_into(f->small_db, small);
    assert_int_equal(kk_searcher_open(f->db, &f->s, NULL), KK_OK);
    assert_int_equal(kk_searcher_open(f->small_db, &f->small, NULL), KK_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kk_searcher_free(f->s);
    kk_searcher_free(f->small);
    kt_remove_tree(f->dir);
    free(f);
    return 0;
}

static kk_related *related(kk_searcher *s, kk_related_direction d, const char *subject)
{
    kk_related_request req = {d, subject, 0};
    kk_related *r = NULL;
    kk_error err = {0};
    if (kk_related_find(s, &req, &r, &err) != KK_OK)
        fail_msg("related '%s': %s", subject, err.message);
    return r;
}

static kk_related *policy(const fixture *f, const char *subject)
{
    return related(f->s, KK_RELATED_POLICY_TO_PLANS, subject);
}

/* ---- policy → plans ---------------------------------------------------------------------- */

static void test_gender_policy_puts_gender_plan_first(void **state)
{
    kk_related *r = policy(*state, "6-3-1");
    assert_string_equal(r->key, "6-3-1");
    assert_string_equal(r->name, "男女共同参画社会の形成");
    assert_true(r->n >= 1);
    const kk_related_item *top = &r->items[0];
    assert_string_equal(top->name, GENDER_PLAN);
    assert_int_equal(top->rank, 1);
    for (size_t k = 1; k < r->n; k++) /* first, not merely listed: clearly ahead */
        assert_true(top->score > 2 * r->items[k].score);
    assert_true(top->n_evidence >= 1 && top->n_evidence <= KK_RELATED_MAX_EVIDENCE);
    for (size_t k = 0; k < top->n_evidence; k++) {
        assert_non_null(strstr(top->evidence[k].id, "mitaka/00"));
        assert_true(top->evidence[k].n_snippet_marks > 0);
        assert_true(top->evidence[k].line > 0);
    }
    int has_topic = 0;
    for (size_t k = 0; k < top->n_terms; k++)
        has_topic |= strcmp(top->terms[k], "男女平等") == 0 || strcmp(top->terms[k], "参画") == 0;
    assert_true(has_topic);
    kk_related_free(r);
}

/* The other policies of corpus/mitaka/004, with the plan that carries each out. */
static const struct {
    const char *policy, *plan_key, *why;
} expected_links[] = {
    {"6-1-1", REFORM_PLAN_KEY, "協働 and 主体: the reform plan's 協働の深化"},
    {"6-1-2", ICT_PLAN, "情報 shared with the ICT plan's 情報提供の充実"},
    {"6-2-1", REFORM_PLAN_KEY, "コミュニティ: the reform plan's コミュニティ創生"},
    {"6-3-1", GENDER_PLAN, "男女平等参画 against 男女共同参画"},
    {"6-4-1", ICT_PLAN, "情報, セキュリティ, システム, 通信"},
};

static void test_each_policy_links_its_plan_first(void **state)
{
    for (size_t k = 0; k < sizeof expected_links / sizeof expected_links[0]; k++) {
        kk_related *r = policy(*state, expected_links[k].policy);
        if (r->n == 0 || strcmp(r->items[0].key, expected_links[k].plan_key) != 0)
            fail_msg("%s: expected %s first (%s), got %s", expected_links[k].policy,
                     expected_links[k].plan_key, expected_links[k].why,
                     r->n ? r->items[0].key : "nothing");
        kk_related_free(r);
    }
}

static void test_policy_named_three_ways(void **state)
{
    fixture *f = *state;
    kk_search_request req = {"\"男女共同参画社会の形成\" kind:基本計画", 0, 1, 0, 0};
    kk_hits *h = NULL;
    assert_int_equal(kk_search(f->s, &req, &h, NULL), KK_OK);
    assert_int_equal(h->n, 1);
    const char *forms[] = {"6-3-1", "男女共同参画社会の形成", "男女共同参画", h->hits[0].id,
                           "6-3-1 男女共同参画社会の形成"};
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        kk_related *r = policy(f, forms[k]);
        if (strcmp(r->key, "6-3-1") != 0 || r->n == 0 || strcmp(r->items[0].name, GENDER_PLAN))
            fail_msg("'%s' resolved to %s", forms[k], r->key);
        kk_related_free(r);
    }
    kk_hits_free(h);
}

static void test_number_prefix_takes_its_policies(void **state)
{
    kk_related *r = policy(*state, "6-1");
    assert_string_equal(r->key, "6-1");
    assert_non_null(strstr(r->name, "協働のまちづくり"));
    assert_non_null(strstr(r->name, "情報共有"));
    kk_related_free(r);
}

static void test_named_plan_is_listed_after_the_plan_held(void **state)
{
    kk_related *r = policy(*state, "6-4-1"); /* its current column names 情報化推進計画 */
    size_t named = r->n;
    for (size_t k = 0; k < r->n; k++)
        if (strcmp(r->items[k].name, "情報化推進計画") == 0)
            named = k;
    assert_true(named < r->n);
    assert_true(named > 0);
    assert_int_equal(r->items[named].n_versions, 0);
    assert_true(r->items[named].explicit_score > 0);
    assert_int_equal(r->items[named].evidence[0].kind, KK_EVIDENCE_EXPLICIT);
    assert_non_null(strstr(r->items[named].evidence[0].id, "mitaka/004_"));
    kk_related_free(r);
}

/* ---- plan → policies --------------------------------------------------------------------- */

static void test_plan_lists_its_policy_first(void **state)
{
    fixture *f = *state;
    kk_related *r = related(f->s, KK_RELATED_PLAN_TO_POLICIES, GENDER_PLAN);
    assert_int_equal(r->direction, KK_RELATED_PLAN_TO_POLICIES);
    assert_true(r->n >= 1);
    assert_string_equal(r->items[0].key, "6-3-1");
    assert_string_equal(r->items[0].name, "男女共同参画社会の形成");
    kk_related_free(r);
    r = related(f->s, KK_RELATED_PLAN_TO_POLICIES, ICT_PLAN);
    assert_true(r->n >= 1);
    assert_string_equal(r->items[0].key, "6-4-1");
    kk_related_free(r);
}

static void test_plan_versions_are_grouped(void **state)
{
    fixture *f = *state;
    const char *names[] = {ICT_PLAN, "地域情報化プラン2022 第1次改定", "地域情報化プラン"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        kk_related *r = related(f->s, KK_RELATED_PLAN_TO_POLICIES, names[k]);
        assert_string_equal(r->key, ICT_PLAN);
        assert_int_equal(r->n_versions, 2);
        assert_string_equal(r->versions[0].label, "策定");
        assert_string_equal(r->versions[1].label, "第1次改定");
        assert_non_null(strstr(r->versions[0].doc, "mitaka/000_"));
        assert_non_null(strstr(r->versions[1].doc, "mitaka/001_"));
        assert_int_equal(r->versions[1].year, 2015);
        kk_related_free(r);
    }
    /* listed the same way as a result */
    kk_related *r = policy(f, "6-4-1");
    assert_string_equal(r->items[0].key, ICT_PLAN);
    assert_int_equal(r->items[0].n_versions, 2);
    kk_related_free(r);
}

/* ---- the fixture: boilerplate ------------------------------------------------------------ */

static void test_topic_links_boilerplate_does_not(void **state)
{
    fixture *f = *state;
    kk_related *r = related(f->small, KK_RELATED_POLICY_TO_PLANS, "7-1-1");
    assert_int_equal(r->n, 1);
    assert_string_equal(r->items[0].name, "緑と水の基本計画2030");
    kk_related_free(r);
    /* 7-1-2 and the counter plan do share words in the index … */
    kk_search_request req = {"事業 推進 充実 kind:個別計画", 0, 10, 0, 0};
    kk_hits *h = NULL;
    assert_int_equal(kk_search(f->small, &req, &h, NULL), KK_OK);
    int overlap = 0;
    for (size_t k = 0; k < h->n; k++)
        overlap |= strstr(h->hits[k].text, "窓口サービス") != NULL;
    assert_true(overlap);
    kk_hits_free(h);
    /* … but only boilerplate, which makes no key term and no link */
    r = related(f->small, KK_RELATED_POLICY_TO_PLANS, "7-1-2");
    assert_int_equal(r->n, 0);
    const char *boilerplate[] = {"推進", "充実", "図る", "取組", "事業", "計画", "市民", "する"};
    for (size_t k = 0; k < r->n_terms; k++)
        for (size_t j = 0; j < sizeof boilerplate / sizeof boilerplate[0]; j++)
            if (strcmp(r->terms[k], boilerplate[j]) == 0)
                fail_msg("boilerplate '%s' is a key term of 7-1-2", boilerplate[j]);
    kk_related_free(r);
}

/* ---- plan keys --------------------------------------------------------------------------- */

static const struct {
    const char *name, *key, *why;
} plan_keys[] = {
    {"地域情報化プラン2022", "地域情報化プラン2022", "a name without a version stays"},
    {"地域情報化プラン2022 第1次改定", "地域情報化プラン2022", "001's revision"},
    {"地域情報化プラン2022 策定", "地域情報化プラン2022", "000's first edition"},
    {"健康福祉総合計画2022（第1次改定）", "健康福祉総合計画2022", "003: the revision in brackets"},
    {"新・行財政改革アクションプラン2022", REFORM_PLAN_KEY, "001: 新・ is a new edition"},
    {"（仮称）三鷹市緑と水の基本計画", "三鷹市緑と水の基本計画", "000: 計画名はいずれも仮称"},
    {"ごみ処理総合計画２０２２", "ごみ処理総合計画2022", "width folded like the index"},
    {"第2期子ども・子育て支援事業計画", "第2期子ども・子育て支援事業計画", "第2期 is not a revision"},
};

static void test_plan_keys(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < sizeof plan_keys / sizeof plan_keys[0]; k++) {
        char *key = kk_rel_plan_key(f->s, plan_keys[k].name), *want = NULL;
        size_t len = 0; /* keys are normalized the way the index writes names */
        assert_int_equal(kk_normalize(f->s->analyzer, plan_keys[k].key, strlen(plan_keys[k].key),
                                      &want, &len, NULL), KK_OK);
        if (!key || strcmp(key, want) != 0)
            fail_msg("key of %s: %s, expected %s (%s)", plan_keys[k].name, key ? key : "NULL",
                     want, plan_keys[k].why);
        free(key);
        free(want);
    }
}

/* ---- contract and errors ----------------------------------------------------------------- */

static void test_json_contract(void **state)
{
    kk_related *r = policy(*state, "6-3-1");
    json_t *o = kk_related_to_json(r);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "direction")), "policy-to-plans");
    assert_string_equal(json_string_value(json_object_get(o, "key")), "6-3-1");
    json_t *first = json_array_get(json_object_get(o, "results"), 0);
    const char *keys[] = {"rank", "key", "name", "score", "content_score", "explicit_score",
                          "versions", "terms", "evidence"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!json_object_get(first, keys[k]))
            fail_msg("result lacks '%s'", keys[k]);
    assert_string_equal(json_string_value(json_object_get(first, "name")), GENDER_PLAN);
    json_t *ev = json_array_get(json_object_get(first, "evidence"), 0);
    const char *ev_keys[] = {"kind", "score", "id", "doc", "line", "section", "year", "snippet",
                             "highlights"};
    for (size_t k = 0; k < sizeof ev_keys / sizeof ev_keys[0]; k++)
        if (!json_object_get(ev, ev_keys[k]))
            fail_msg("evidence lacks '%s'", ev_keys[k]);
    assert_non_null(strstr(json_string_value(json_object_get(ev, "snippet")), "【"));
    json_t *version = json_array_get(json_object_get(first, "versions"), 0);
    assert_true(json_is_integer(json_object_get(version, "year"))
                || json_is_null(json_object_get(version, "year")));
    json_decref(o);
    kk_related_free(r);
}

static void test_unknown_subjects_are_not_found(void **state)
{
    fixture *f = *state;
    static const struct {
        kk_related_direction d;
        const char *subject, *message;
    } cases[] = {
        {KK_RELATED_POLICY_TO_PLANS, "6-9-9", "no policy '6-9-9'"},
        {KK_RELATED_POLICY_TO_PLANS, "下水道の整備", "no policy '下水道の整備'"},
        {KK_RELATED_POLICY_TO_PLANS, "mitaka/004_nowhere.txt:3", "no passage"},
        {KK_RELATED_POLICY_TO_PLANS, "mitaka/001_09e3a432859daf71.txt:1", "--plan"},
        {KK_RELATED_PLAN_TO_POLICIES, "下水道再構築計画2050", "no individual plan"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        kk_related_request req = {cases[k].d, cases[k].subject, 0};
        kk_related *r = NULL;
        kk_error err = {0};
        assert_int_equal(kk_related_find(f->s, &req, &r, &err), KK_ENOTFOUND);
        assert_null(r);
        if (!strstr(err.message, cases[k].message))
            fail_msg("'%s': message '%s' lacks '%s'", cases[k].subject, err.message,
                     cases[k].message);
    }
}

static void test_bad_requests_are_invalid(void **state)
{
    fixture *f = *state;
    kk_related_request reqs[] = {
        {KK_RELATED_POLICY_TO_PLANS, "", 0},
        {KK_RELATED_POLICY_TO_PLANS, NULL, 0},
        {KK_RELATED_POLICY_TO_PLANS, "6-3-1", KK_RELATED_MAX_LIMIT + 1},
    };
    for (size_t k = 0; k < sizeof reqs / sizeof reqs[0]; k++) {
        kk_related *r = NULL;
        kk_error err = {0};
        assert_int_equal(kk_related_find(f->s, &reqs[k], &r, &err), KK_EINVAL);
        assert_null(r);
        assert_true(err.message[0] != '\0');
    }
    kk_related_free(NULL);
}

static void test_limit_is_kept(void **state)
{
    fixture *f = *state;
    kk_related_request req = {KK_RELATED_POLICY_TO_PLANS, "6-4-1", 1};
    kk_related *r = NULL;
    assert_int_equal(kk_related_find(f->s, &req, &r, NULL), KK_OK);
    assert_int_equal(r->n, 1);
    kk_related_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gender_policy_puts_gender_plan_first),
        cmocka_unit_test(test_each_policy_links_its_plan_first),
        cmocka_unit_test(test_policy_named_three_ways),
        cmocka_unit_test(test_number_prefix_takes_its_policies),
        cmocka_unit_test(test_named_plan_is_listed_after_the_plan_held),
        cmocka_unit_test(test_plan_lists_its_policy_first),
        cmocka_unit_test(test_plan_versions_are_grouped),
        cmocka_unit_test(test_topic_links_boilerplate_does_not),
        cmocka_unit_test(test_plan_keys),
        cmocka_unit_test(test_json_contract),
        cmocka_unit_test(test_unknown_subjects_are_not_found),
        cmocka_unit_test(test_bad_requests_are_invalid),
        cmocka_unit_test(test_limit_is_kept),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
