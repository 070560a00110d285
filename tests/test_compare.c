/* test_compare.c — tests of kk_compare on the bundled corpus: the versions of a plan, of a table
 * section and of a department's goals, aligned with diffs.
 *
 * corpus/ is indexed into a temporary database (as test_e2e does). Checked: 地域情報化プラン2022
 * (000 策定 FY2011 → 001 第1次改定 FY2015) with rows whose diffs say what changed; the two columns
 * of section 6-1-1 and 6-4-1 of the 004 table, current plan first; 企画部's goals FY2012 →
 * FY2019; a query target; targets matching nothing, malformed ones; and the JSON contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_compare.h"
#include "kk_run.h"
#include "test_index.h"
#include "test_util.h"

typedef struct fixture {
    char dir[64], db[128], corpus[1024];
    kk_searcher *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *src = getenv("KK_SOURCE_DIR");
    assert_non_null(f);
    assert_non_null(src);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "compare"), 0);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    snprintf(f->corpus, sizeof f->corpus, "%s/corpus", src);
    const char *roots[] = {f->corpus};
    kt_index(f->db, roots, 1, NULL);
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

static kk_comparison *compare(fixture *f, const char *target)
{
    kk_comparison *c = NULL;
    kk_error err = {0};
    if (kk_compare_run(f->s, target, &c, &err) != KK_OK)
        fail_msg("kk_compare_run(%s): %s", target, err.message);
    return c;
}

static int starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Concatenate the pieces of d whose op is not skip. */
static char *rebuild(const kk_diff *d, kk_diff_op skip)
{
    size_t len = 1;
    for (size_t k = 0; k < d->n; k++)
        len += d->pieces[k].len;
    char *s = calloc(len, 1);
    assert_non_null(s);
    for (size_t k = 0; k < d->n; k++)
        if (d->pieces[k].op != skip)
            strcat(s, d->pieces[k].text);
    return s;
}

/* What every pair must satisfy: sides present as the status says, counts add up, each changed
 * row's diff rebuilds the newer text (equal pieces carry the newer spelling), newer passages in
 * document order. */
static void check_pair(const kk_comparison *c, const kk_compare_pair *p)
{
    size_t counts[4] = {0}, newer_rows = 0;
    unsigned last_line = 0;
    assert_int_equal(p->newer, p->older + 1);
    for (size_t k = 0; k < p->n_rows; k++) {
        const kk_compare_row *r = &p->rows[k];
        counts[r->status]++;
        assert_int_equal(r->left != NULL, r->status != KK_ROW_ADDED);
        assert_int_equal(r->right != NULL, r->status != KK_ROW_REMOVED);
        assert_int_equal(r->diff != NULL, r->left && r->right);
        if (r->left)
            assert_string_equal(r->left->doc, c->versions[p->older].doc);
        if (r->right) {
            assert_string_equal(r->right->doc, c->versions[p->newer].doc);
            assert_true(r->right->line >= last_line);
            last_line = r->right->line;
            newer_rows++;
        }
        if (r->status == KK_ROW_CHANGED) {
            assert_true(r->diff->inserted + r->diff->deleted > 0);
            char *again = rebuild(r->diff, KK_DIFF_DELETE);
            assert_string_equal(again, r->right->text);
            free(again);
        }
    }
    assert_int_equal(counts[KK_ROW_SAME], p->n_same);
    assert_int_equal(counts[KK_ROW_CHANGED], p->n_changed);
    assert_int_equal(counts[KK_ROW_ADDED], p->n_added);
    assert_int_equal(counts[KK_ROW_REMOVED], p->n_removed);
    assert_int_equal(newer_rows, c->versions[p->newer].n_passages);
    assert_int_equal(p->n_same + p->n_changed + p->n_removed, c->versions[p->older].n_passages);
}

/* The row whose older text starts with old_start. */
static const kk_compare_row *row_from(const kk_compare_pair *p, const char *old_start)
{
    for (size_t k = 0; k < p->n_rows; k++)
        if (p->rows[k].left && starts_with(p->rows[k].left->text, old_start))
            return &p->rows[k];
    fail_msg("no row from [%s]", old_start);
    return NULL;
}

static int has_piece(const kk_diff *d, kk_diff_op op, const char *text)
{
    for (size_t k = 0; k < d->n; k++)
        if (d->pieces[k].op == op && strcmp(d->pieces[k].text, text) == 0)
            return 1;
    return 0;
}

static void test_plan_versions(void **state)
{
    kk_comparison *c = compare(*state, "地域情報化プラン2022");
    assert_int_equal(c->kind, KK_COMPARE_PLAN);
    assert_string_equal(c->subject, "地域情報化プラン2022");
    assert_int_equal(c->n_versions, 2);
    assert_true(starts_with(c->versions[0].doc, "mitaka/000_"));
    assert_string_equal(c->versions[0].label, "策定");
    assert_int_equal(c->versions[0].year, 2011);
    assert_true(starts_with(c->versions[1].doc, "mitaka/001_"));
    assert_string_equal(c->versions[1].label, "第1次改定");
    assert_int_equal(c->versions[1].year, 2015);
    assert_string_equal(c->versions[1].title, "地域情報化プラン2022 第1次改定");
    assert_int_equal(c->n_pairs, 1);
    const kk_compare_pair *p = &c->pairs[0];
    check_pair(c, p);
    assert_true(p->n_changed >= 5);
    /* An item kept and described: its number mark and its description are inserted. */
    const kk_compare_row *r = row_from(p, "ICTを活用した地域社会の活性化の促進");
    assert_int_equal(r->status, KK_ROW_CHANGED);
    assert_true(starts_with(r->right->text, "②ICTを活用した地域社会の活性化の促進"));
    assert_true(has_piece(r->diff, KK_DIFF_INSERT, "②"));
    assert_true(has_piece(r->diff, KK_DIFF_EQUAL, "ICTを活用した地域社会の活性化の促進"));
    assert_int_equal(r->diff->deleted, 0);
    /* The purpose, reworded: めざすと同時に became 目指すとともに. */
    r = row_from(p, "地域情報化プラン2022 策定 ○目的・概要");
    assert_int_equal(r->status, KK_ROW_CHANGED);
    assert_true(has_piece(r->diff, KK_DIFF_DELETE, "めざすと同時"));
    assert_true(has_piece(r->diff, KK_DIFF_INSERT, "目指すととも"));
    assert_true(r->similarity > 0.5);
    /* A passage of 000 only is removed. */
    r = row_from(p, "○計画の構成この計画では、情報化をめぐる動向");
    assert_int_equal(r->status, KK_ROW_REMOVED);
    kk_comparison_free(c);
}

/* A plan named by the start of its name, or with a version word: the same two versions. */
static void test_plan_other_names(void **state)
{
    static const char *const targets[] = {"plan:地域情報化プラン", "地域情報化プラン2022 第1次改定",
                                          "地域情報化プラン"};
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
        kk_comparison *c = compare(*state, targets[k]);
        assert_int_equal(c->kind, KK_COMPARE_PLAN);
        assert_string_equal(c->subject, "地域情報化プラン2022");
        assert_int_equal(c->n_versions, 2);
        assert_string_equal(c->versions[0].label, "策定");
        assert_string_equal(c->versions[1].label, "第1次改定");
        kk_comparison_free(c);
    }
}

typedef struct section_case {
    const char *target, *subject, *old_start, *new_start;
    const char *why;
} section_case;

static const section_case sections[] = {
    {"6-1-1", "6-1-1 市民の創意と意欲を活かした協働のまちづくり", "【施策の方向】",
     "≪施策の方向≫", "the heading of both columns, aligned by section"},
    {"6-4-1", "6-4-1 高度情報社会の構築", "【施策の方向】", "《施策の方向》",
     "another section, another bracket"},
    {"section:６－３－１", "6-3-1 男女共同参画社会の形成", "【施策の方向】", "≪施策の方向≫",
     "written in full width, with the field name"},
};

static void test_table_sections(void **state)
{
    for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++) {
        const section_case *t = &sections[k];
        kk_comparison *c = compare(*state, t->target);
        assert_int_equal(c->kind, KK_COMPARE_SECTION);
        assert_string_equal(c->subject, t->subject);
        assert_int_equal(c->n_versions, 2);
        assert_string_equal(c->versions[0].label, "現行基本計画");
        assert_string_equal(c->versions[1].label, "後期基本計画（素案）");
        assert_string_equal(c->versions[0].doc, c->versions[1].doc);
        assert_true(starts_with(c->versions[0].doc, "mitaka/004_"));
        assert_int_equal(c->n_pairs, 1);
        check_pair(c, &c->pairs[0]);
        const kk_compare_row *r = row_from(&c->pairs[0], t->old_start);
        if (!r->right || !starts_with(r->right->text, t->new_start))
            fail_msg("%s (%s): %s aligned with %s", t->target, t->why, t->old_start,
                     r->right ? r->right->text : "nothing");
        assert_int_equal(r->status, KK_ROW_CHANGED);
        kk_comparison_free(c);
    }
}

static void test_department_years(void **state)
{
    static const char *const targets[] = {"企画部", "dept:企画部"};
    for (size_t k = 0; k < 2; k++) {
        kk_comparison *c = compare(*state, targets[k]);
        assert_int_equal(c->kind, KK_COMPARE_DEPT);
        assert_int_equal(c->n_versions, 2);
        assert_int_equal(c->versions[0].year, 2012);
        assert_int_equal(c->versions[1].year, 2019);
        assert_string_equal(c->versions[0].label, "2012年度");
        assert_true(starts_with(c->versions[0].doc, "mitaka/002_"));
        assert_true(starts_with(c->versions[1].doc, "mitaka/003_"));
        check_pair(c, &c->pairs[0]);
        kk_comparison_free(c);
    }
}

static void test_query_target(void **state)
{
    kk_comparison *c = compare(*state, "情報セキュリティ");
    assert_int_equal(c->kind, KK_COMPARE_QUERY);
    assert_true(c->n_versions >= 3);
    for (size_t k = 1; k < c->n_versions; k++) /* by year, unknown years last */
        if (c->versions[k].year)
            assert_true(c->versions[k - 1].year && c->versions[k - 1].year <= c->versions[k].year);
    for (size_t k = 0; k < c->n_pairs; k++)
        check_pair(c, &c->pairs[k]);
    kk_comparison_free(c);
    kk_compare_request req = {"情報セキュリティ", KK_DIFF_WORDS, 2};
    kk_error err = {0};
    assert_int_equal(kk_compare_run_request(((fixture *)*state)->s, &req, &c, &err), KK_OK);
    assert_int_equal(c->n_versions, 2);
    assert_int_equal(c->n_pairs, 1);
    check_pair(c, &c->pairs[0]);
    kk_comparison_free(c);
}

static void test_nothing_and_errors(void **state)
{
    fixture *f = *state;
    kk_comparison *c = compare(f, "存在しない計画の名前です");
    assert_int_equal(c->n_versions, 0);
    assert_int_equal(c->n_pairs, 0);
    kk_comparison_free(c);
    kk_error err = {0};
    c = (kk_comparison *)&err;
    assert_int_equal(kk_compare_run(f->s, "year:", &c, &err), KK_EPARSE);
    assert_null(c);
    assert_int_equal(kk_compare_run(f->s, "  ", &c, &err), KK_EPARSE);
    assert_int_equal(kk_compare_run(f->s, "plan:", &c, &err), KK_EPARSE);
    assert_int_equal(kk_compare_run(f->s, NULL, &c, &err), KK_EINVAL);
    kk_comparison_free(NULL);
    assert_string_equal(kk_row_status_name(KK_ROW_REMOVED), "removed");
    assert_string_equal(kk_compare_kind_name(KK_COMPARE_SECTION), "section");
}

static void test_json(void **state)
{
    kk_comparison *c = compare(*state, "地域情報化プラン2022");
    json_t *o = kk_comparison_to_json(c);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "plan");
    json_t *versions = json_object_get(o, "versions");
    assert_int_equal(json_array_size(versions), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(versions, 1), "year")),
                     2015);
    json_t *pair = json_array_get(json_object_get(o, "pairs"), 0);
    json_t *rows = json_object_get(pair, "rows");
    assert_int_equal(json_array_size(rows), c->pairs[0].n_rows);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(pair, "counts"),
                                                        "changed")), c->pairs[0].n_changed);
    for (size_t k = 0; k < json_array_size(rows); k++) {
        json_t *row = json_array_get(rows, k);
        const char *status = json_string_value(json_object_get(row, "status"));
        json_t *diff = json_object_get(row, "diff");
        assert_int_equal(json_is_array(diff), strcmp(status, "changed") == 0
                                                  || strcmp(status, "same") == 0);
        assert_int_equal(json_is_null(json_object_get(row, "left")), strcmp(status, "added") == 0);
        for (size_t j = 0; json_is_array(diff) && j < json_array_size(diff); j++) {
            const char *op = json_string_value(json_object_get(json_array_get(diff, j), "op"));
            assert_true(strcmp(op, "equal") == 0 || strcmp(op, "insert") == 0
                        || strcmp(op, "delete") == 0);
        }
    }
    json_decref(o);
    kk_comparison_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_versions),   cmocka_unit_test(test_plan_other_names),
        cmocka_unit_test(test_table_sections),  cmocka_unit_test(test_department_years),
        cmocka_unit_test(test_query_target),    cmocka_unit_test(test_nothing_and_errors),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
