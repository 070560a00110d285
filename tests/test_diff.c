/* test_diff.c — tests of kk_diff: the Japanese-aware diff behind `keikaku-query compare`.
 *
 * Data-driven: a table of (old, new, unit, merge, normalize?, expected rendering with [+…+] and
 * [-…-], why), mostly with wording from the two versions of 地域情報化プラン2022 in corpus/mitaka;
 * then properties every diff must have (the pieces rebuild both texts, counts add up), the
 * cost limit, and the word mode's need for an analyzer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kk_diff.h"
#include "test_analyzer.h"

typedef struct diff_case {
    const char *old_text, *new_text;
    kk_diff_unit unit;
    unsigned merge;
    int normalize; /* compare by kk_normalize form (analyzer given) */
    const char *expected;
    const char *why;
} diff_case;

static const diff_case cases[] = {
    {"三鷹市基本構想", "三鷹市基本構想", KK_DIFF_CHARS, 2, 0, "三鷹市基本構想",
     "identical texts are one equal piece"},
    {"", "相談体制の充実", KK_DIFF_CHARS, 2, 0, "[+相談体制の充実+]", "all inserted"},
    {"推進体制の整備", "", KK_DIFF_CHARS, 2, 0, "[-推進体制の整備-]", "all deleted"},
    {"", "", KK_DIFF_CHARS, 2, 0, "", "two empty texts"},
    {"地域情報化プラン2022 策定", "地域情報化プラン2022 第1次改定", KK_DIFF_CHARS, 2, 0,
     "地域情報化プラン2022 [-策-][+第1次改+]定",
     "000 → 001 heading: code points, never white-space words; the shared 定 stays equal"},
    {"相談体制の充実", "◎相談体制の充実", KK_DIFF_CHARS, 2, 0, "[+◎+]相談体制の充実",
     "001 adds a bullet mark in front of the 000 item"},
    {"生涯を通じた男女の健康づくりの支援", "生涯を通じた男女の健康づくり支援", KK_DIFF_CHARS, 2,
     0, "生涯を通じた男女の健康づくり[-の-]支援", "000 → 001: one particle dropped"},
    {"「市民間の豊かな情報交流の実現」をめざす", "「市民間の豊かな情報交流の実現」を目指す",
     KK_DIFF_CHARS, 2, 0, "「市民間の豊かな情報交流の実現」を[-めざ-][+目指+]す",
     "000 → 001: めざす became 目指す"},
    {"情報通信技術(ICT)の活用", "情報通信技術（ICT）の活用", KK_DIFF_CHARS, 2, 1,
     "情報通信技術（ICT）の活用",
     "000 → 001: width of the brackets is no change when compared normalized"},
    {"情報通信技術(ICT)の活用", "情報通信技術（ICT）の活用", KK_DIFF_CHARS, 0, 0,
     "情報通信技術[-(-][+（+]ICT[-)-][+）+]の活用", "compared raw, the width change shows"},
    {"情報交流の実現", "情報交換の実現", KK_DIFF_CHARS, 2, 0, "情報交[-流-][+換+]の実現",
     "characters: only the differing character"},
    {"情報交流の実現", "情報交換の実現", KK_DIFF_WORDS, 2, 1, "情報[-交流-][+交換+]の実現",
     "ICU words: the whole word 交流 is replaced"},
    {"aXbYc", "aPbQc", KK_DIFF_CHARS, 0, 0, "a[-X-][+P+]b[-Y-][+Q+]c",
     "no folding: every equal island kept"},
    {"aXbYc", "aPbQc", KK_DIFF_CHARS, 1, 0, "a[-XbY-][+PbQ+]c",
     "a one-character island between two changes folds into one region"},
    {"安全・安心な生活環境の実現", "安全安心な生活環境の実現", KK_DIFF_CHARS, 2, 0,
     "安全[-・-]安心な生活環境の実現", "001 dropped the middle dot of 000"},
    {"a\xff" "b", "a\xfe" "b", KK_DIFF_CHARS, 2, 0, "a[-\xff-][+\xfe+]b",
     "invalid bytes are units of their own and differ from each other"},
};

static char *render(const kk_diff *d)
{
    char *s = kk_diff_render(d, "[+", "+]", "[-", "-]");
    assert_non_null(s);
    return s;
}

static kk_diff *run(kk_analyzer *a, const char *o, const char *n, kk_diff_unit unit,
                    unsigned merge, int normalize, unsigned max_cost)
{
    kk_diff_options opts;
    kk_diff_options_init(&opts);
    opts.unit = unit;
    opts.merge_equal = merge;
    opts.analyzer = normalize ? a : NULL;
    opts.max_cost = max_cost;
    kk_diff *d = NULL;
    kk_error err = {0};
    if (kk_diff_texts(o, strlen(o), n, strlen(n), &opts, &d, &err) != KK_OK)
        fail_msg("kk_diff_texts(%s, %s): %s", o, n, err.message);
    return d;
}

/* Concatenate the pieces whose op is keep_a or keep_b. */
static char *rebuild(const kk_diff *d, kk_diff_op keep_a, kk_diff_op keep_b)
{
    size_t len = 0;
    for (size_t k = 0; k < d->n; k++)
        len += d->pieces[k].len;
    char *s = calloc(len + 1, 1);
    assert_non_null(s);
    for (size_t k = 0; k < d->n; k++)
        if (d->pieces[k].op == keep_a || d->pieces[k].op == keep_b)
            strcat(s, d->pieces[k].text);
    return s;
}

/* Properties of every diff: no two neighbouring equal pieces, no empty piece, counts match, and
 * (when compared raw) the pieces rebuild both texts. */
static void check_properties(const kk_diff *d, const char *o, const char *n, int raw)
{
    size_t ins = 0, del = 0;
    for (size_t k = 0; k < d->n; k++) {
        assert_true(d->pieces[k].len > 0);
        assert_int_equal(strlen(d->pieces[k].text), d->pieces[k].len);
        if (k && d->pieces[k].op == KK_DIFF_EQUAL)
            assert_int_not_equal(d->pieces[k - 1].op, KK_DIFF_EQUAL);
        ins += d->pieces[k].op == KK_DIFF_INSERT;
        del += d->pieces[k].op == KK_DIFF_DELETE;
    }
    assert_int_equal(ins > 0, d->inserted > 0);
    assert_int_equal(del > 0, d->deleted > 0);
    if (!raw)
        return;
    char *old_again = rebuild(d, KK_DIFF_EQUAL, KK_DIFF_DELETE);
    char *new_again = rebuild(d, KK_DIFF_EQUAL, KK_DIFF_INSERT);
    assert_string_equal(old_again, o);
    assert_string_equal(new_again, n);
    free(old_again);
    free(new_again);
}

static void test_table(void **state)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const diff_case *c = &cases[k];
        kk_diff *d = run(*state, c->old_text, c->new_text, c->unit, c->merge, c->normalize, 0);
        char *got = render(d);
        if (strcmp(got, c->expected) != 0)
            fail_msg("case %zu (%s): got [%s], expected [%s]", k, c->why, got, c->expected);
        check_properties(d, c->old_text, c->new_text, !c->normalize);
        assert_int_equal(d->truncated, 0);
        free(got);
        kk_diff_free(d);
    }
}

/* A whole passage of each version of 地域情報化プラン2022 (000 line 49, 001 line 83–87). */
static const char plan_2011[] =
    "この計画は、情報通信技術(ICT)の活用による「安全・安心な生活環境の実現」、「より利便性の"
    "高い市民サービスの提供」、「市民間の豊かな情報交流の実現」をめざすと同時に、「情報セキュリ"
    "ティの確立や個人情報保護」、「災害時等における事業継続性の確保」を図ることを目的とします。";
static const char plan_2015[] =
    "この計画は、情報通信技術（ICT）の活用による「安全・安心な生活環境の実現」「より利便性の高"
    "い市民サービスの提供」「市民間の豊かな情報交流の実現」を目指すとともに、「個人情報保護と"
    "情報セキュリティの確立」「災害時等における事業継続性の確保」などを図ることを目的として、"
    "ICT環境の整備と利活用を推進するものです。";

static void test_real_passages(void **state)
{
    for (int unit = KK_DIFF_CHARS; unit <= KK_DIFF_WORDS; unit++) {
        kk_diff *d = run(*state, plan_2011, plan_2015, (kk_diff_unit)unit, 2, 1, 0);
        check_properties(d, plan_2011, plan_2015, 0);
        char *got = render(d);
        /* The added purpose is inside one insertion; the shared opening is kept whole, in the
         * newer spelling (full-width brackets). */
        int inserted = 0;
        for (size_t k = 0; k < d->n; k++)
            inserted |= d->pieces[k].op == KK_DIFF_INSERT
                        && strstr(d->pieces[k].text, "ICT環境の整備と利活用を推進するもの");
        if (!inserted)
            fail_msg("unit %d: %s", unit, got);
        assert_int_equal(d->pieces[0].op, KK_DIFF_EQUAL);
        assert_true(strncmp(got, "この計画は、情報通信技術（ICT）の活用による", 60) == 0);
        /* Characters: the reworded phrase without its shared に; words: whole ICU words. */
        if (!strstr(got, unit == KK_DIFF_CHARS ? "[-めざすと同時-][+目指すととも+]"
                                                 : "目的[-とします-][+として、ICT環境の整備"))
            fail_msg("unit %d: %s", unit, got);
        double sim = kk_diff_similarity(d);
        assert_true(sim > 0.6 && sim < 0.95);
        free(got);
        kk_diff_free(d);
    }
    /* Raw characters: the pieces rebuild both passages byte for byte. */
    kk_diff *d = run(*state, plan_2011, plan_2015, KK_DIFF_CHARS, 2, 0, 0);
    check_properties(d, plan_2011, plan_2015, 1);
    kk_diff_free(d);
}

static void test_cost_limit(void **state)
{
    kk_diff *d = run(*state, "xabcdefx", "xuvwyzx", KK_DIFF_CHARS, 0, 0, 3);
    char *got = render(d);
    assert_string_equal(got, "x[-abcdef-][+uvwyz+]x");
    assert_int_equal(d->truncated, 1);
    free(got);
    kk_diff_free(d);
    /* The default limit: two unrelated long passages still give a correct (replace) result. */
    size_t n = 3000;
    char *a = malloc(n * 3 + 1), *b = malloc(n * 3 + 1);
    assert_non_null(a);
    assert_non_null(b);
    for (size_t k = 0; k < n; k++) {
        memcpy(a + 3 * k, k % 2 ? "市" : "民", 3);
        memcpy(b + 3 * k, k % 3 ? "計" : "画", 3);
    }
    a[3 * n] = b[3 * n] = '\0';
    d = run(*state, a, b, KK_DIFF_CHARS, 2, 0, 0);
    check_properties(d, a, b, 1);
    assert_int_equal(d->truncated, 1);
    assert_int_equal(d->deleted, n);
    assert_int_equal(d->inserted, n);
    kk_diff_free(d);
    free(a);
    free(b);
}

static void test_words_need_analyzer(void **state)
{
    (void)state;
    kk_diff_options opts;
    kk_diff_options_init(&opts);
    opts.unit = KK_DIFF_WORDS;
    kk_diff *d = (kk_diff *)&opts;
    kk_error err = {0};
    assert_int_equal(kk_diff_texts("a", 1, "b", 1, &opts, &d, &err), KK_EINVAL);
    assert_null(d);
    assert_non_null(strstr(err.message, "analyzer"));
    kk_diff_free(NULL);
    assert_string_equal(kk_diff_op_name(KK_DIFF_INSERT), "insert");
    assert_string_equal(kk_diff_op_name(KK_DIFF_DELETE), "delete");
    assert_string_equal(kk_diff_op_name(KK_DIFF_EQUAL), "equal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_real_passages),
        cmocka_unit_test(test_cost_limit),
        cmocka_unit_test(test_words_need_analyzer),
    };
    return cmocka_run_group_tests(tests, kt_analyzer_setup, kt_analyzer_teardown);
}
