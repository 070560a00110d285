/* test_qparse.c — tests for the query language (kk_qparse): clause kinds, phrases, OR, exclusion,
 * field filters and the errors a person gets for a malformed query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_qparse.h"

/* A compact picture of a parse: one letter per clause (T text, P phrase, F field), then '-' if
 * negated, '|' if OR-joined to the next, and the text in brackets. */
static void describe(const kk_parsed_query *q, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t k = 0; k < q->n; k++) {
        const kk_clause *c = &q->clauses[k];
        char one[256];
        const char kinds[] = {'T', 'P', 'F'};
        snprintf(one, sizeof one, "%s%c%s[%s%s%s]%s", k ? " " : "", kinds[c->kind],
                 c->negated ? "-" : "", c->kind == KK_CLAUSE_FIELD ? kk_filter_name(c->field) : "",
                 c->kind == KK_CLAUSE_FIELD ? "=" : "", c->text, c->or_next ? "|" : "");
        strncat(out, one, cap - strlen(out) - 1);
    }
}

struct parse_case {
    const char *query, *expected, *why;
};

static const struct parse_case cases[] = {
    {"夜に公園で花火をしてもいいか", "T[夜に公園で花火をしてもいいか]",
     "a natural question without spaces is one text clause"},
    {"男女平等参画　条例", "T[男女平等参画] T[条例]", "a full-width space separates clauses"},
    {"\"三鷹市基本構想\"", "P[三鷹市基本構想]", "ASCII quotes make a phrase"},
    {"“地域ケアネットワーク”の推進", "P[地域ケアネットワーク] T[の推進]",
     "curly quotes make a phrase; text after it is a new clause"},
    {"\"未完の引用", "P[未完の引用]", "an unclosed quote runs to the end"},
    {"献血 OR 骨髄", "T[献血]| T[骨髄]", "OR joins its neighbours"},
    {"OR 献血", "T[献血]", "a leading OR joins nothing"},
    {"献血 OR", "T[献血]", "a trailing OR joins nothing"},
    {"ごみ -粗大", "T[ごみ] T-[粗大]", "a minus excludes"},
    {"- 単独", "T[-] T[単独]", "a lone minus is text"},
    {"year:2019 防災", "F[year=2019] T[防災]", "a year filter"},
    {"kind:個別計画 dept:企画部", "F[kind=個別計画] F[dept=企画部]", "kind and department"},
    {"plan：地域情報化プラン", "F[plan=地域情報化プラン]", "a full-width colon works too"},
    {"NPO:法人", "T[NPO:法人]", "capital letters before a colon are not a field"},
    {"-city:倉敷市 献血", "F-[city=倉敷市] T[献血]", "an excluded filter"},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        kk_parsed_query *q = NULL;
        kk_error err = {0};
        if (kk_query_parse(cases[k].query, &q, &err) != KK_OK)
            fail_msg("%s: parse failed: %s", cases[k].why, err.message);
        char got[1024];
        describe(q, got, sizeof got);
        if (strcmp(got, cases[k].expected) != 0)
            fail_msg("%s: got '%s', want '%s'", cases[k].why, got, cases[k].expected);
        kk_parsed_query_free(q);
    }
}

struct year_case {
    const char *query;
    int lo, hi;
};

static const struct year_case year_cases[] = {
    {"year:2019", 2019, 2019},
    {"year:2012..2019", 2012, 2019},
    {"year:令和元年度", 2019, 2019},
    {"year:H24", 2012, 2012},
    {"year:H24～R1", 2012, 2019},
    {"year:..2015", 0, 2015},
    {"year:2020..", 2020, 9999},
};

static void test_year_ranges(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof year_cases / sizeof year_cases[0]; k++) {
        kk_parsed_query *q = NULL;
        kk_error err = {0};
        if (kk_query_parse(year_cases[k].query, &q, &err) != KK_OK)
            fail_msg("%s: %s", year_cases[k].query, err.message);
        assert_int_equal(q->n, 1);
        assert_int_equal(q->clauses[0].year_lo, year_cases[k].lo);
        assert_int_equal(q->clauses[0].year_hi, year_cases[k].hi);
        kk_parsed_query_free(q);
    }
}

struct error_case {
    const char *query;
    kk_status code;
    const char *message_part;
};

static void test_errors_name_the_problem(void **state)
{
    (void)state;
    char big[KK_QUERY_MAX_BYTES + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const struct error_case errors[] = {
        {"foo:bar 献血", KK_EPARSE, "unknown field 'foo:' (known fields: year"},
        {"year:昨年", KK_EPARSE, "year:昨年 is not a year"},
        {"year:2019..2012", KK_EPARSE, "not a year range"},
        {"dept:", KK_EPARSE, "dept: needs a value"},
        {"\xff\xfe", KK_EINVAL, "not valid UTF-8"},
        {big, KK_EINVAL, "the limit is"},
    };
    for (size_t k = 0; k < sizeof errors / sizeof errors[0]; k++) {
        kk_parsed_query *q = NULL;
        kk_error err = {0};
        assert_int_equal(kk_query_parse(errors[k].query, &q, &err), errors[k].code);
        assert_null(q);
        if (!strstr(err.message, errors[k].message_part))
            fail_msg("message '%s' lacks '%s'", err.message, errors[k].message_part);
    }
}

static void test_empty_query_has_no_clauses(void **state)
{
    (void)state;
    kk_parsed_query *q = NULL;
    assert_int_equal(kk_query_parse("  \xe3\x80\x80 ", &q, NULL), KK_OK);
    assert_int_equal(q->n, 0);
    kk_parsed_query_free(q);
    kk_parsed_query_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_year_ranges),
        cmocka_unit_test(test_errors_name_the_problem),
        cmocka_unit_test(test_empty_query_has_no_clauses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
