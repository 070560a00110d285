/* test_year.c — tests for kk_year: era conversion, year mentions in text, query tokens.
 *
 * Data-driven tables of (input, expected, why), with strings taken from corpus/mitaka where the
 * case comes from a real document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kk_year.h"

typedef struct era_case {
    const char *era;
    int n, expected;
    const char *why;
} era_case;

static const era_case era_cases[] = {
    {"令和", 1, 2019, "令和元年 is 2019"},
    {"令和", 7, 2025, "the current era"},
    {"平成", 1, 1989, "first year of 平成"},
    {"平成", 24, 2012, "002: 平成24年度「各部の運営方針と目標」"},
    {"平成", 31, 2019, "平成31 is the era's last year"},
    {"平成", 34, 2022, "001: (平成27年度～平成34年度), written before the era changed"},
    {"平成", 40, 2028, "the lenient limit for plans written ahead"},
    {"平成", 41, 0, "past the lenient limit"},
    {"昭和", 64, 1989, "last year of 昭和"},
    {"大正", 15, 1926, "last year of 大正"},
    {"大正", 16, 0, "大正 gets no allowance"},
    {"明治", 1, 1868, "first era in the table"},
    {"H", 24, 2012, "letter, upper case"},
    {"h", 24, 2012, "letter, lower case"},
    {"r", 1, 2019, "r1 in a query"},
    {"S", 50, 1975, "昭和50"},
    {"M", 45, 1912, "明治45"},
    {"T", 1, 1912, "大正元年"},
    {"X", 1, 0, "unknown letter"},
    {"慶応", 1, 0, "era before the table"},
    {"令和", 0, 0, "no year 0"},
    {"平成", -1, 0, "negative"},
};

static void test_from_era(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof era_cases / sizeof era_cases[0]; k++) {
        const era_case *c = &era_cases[k];
        int got = kk_year_from_era(c->era, c->n);
        if (got != c->expected)
            fail_msg("%s %d: got %d, expected %d (%s)", c->era, c->n, got, c->expected, c->why);
    }
    assert_int_equal(kk_year_from_era(NULL, 1), 0);
}

typedef struct find_case {
    const char *text;
    int expected;
    const char *match; /* the text of the mention found, or NULL */
    const char *why;
} find_case;

static const find_case find_cases[] = {
    {"各部の取り組みを紹介します\n\n平成\n24年度\n\n「各部の運営方針と目標」を策定しました", 2012,
     "平成\n24年度", "002: era and number split by a line break"},
    {"令和元年度「各部の運営方針と目標」を策定しました", 2019, "令和元年度", "003: 元年度"},
    {"第4次基本計画（第1次改定）（平成27年度～平成34年度）", 2015, "平成27年度",
     "001: the first of a range"},
    {"平成二十四年度の予算", 2012, "平成二十四年度", "kanji numerals"},
    {"令和６年度", 2024, "令和６年度", "full-width digit"},
    {"2019年度の事業", 2019, "2019年度", "Western fiscal year"},
    {"２０２４年度", 2024, "２０２４年度", "full-width Western year"},
    {"2024年11月に実施した。令和元年度の決算", 2019, "令和元年度",
     "a 年度 mention wins over an earlier 年"},
    {"2024年11月に実施した", 2024, "2024年", "no 年度: the first 年"},
    {"平成 24 年度", 2012, "平成 24 年度", "spaces inside"},
    {"H24年度予算", 2012, "H24年度", "letter era in text"},
    {"太宰治生誕110年記念事業", 0, NULL, "003: 110年 is not a year"},
    {"ここ10年でインターネットが", 0, NULL, "004: 10年 is a duration"},
    {"今年度は、個別事業の中に", 0, NULL, "002: 今年度 names no year"},
    {"行財政改革アクションプラン2022 策定", 0, NULL, "000: a plan's year without 年"},
    {"元年度「各部の運営方針と目標」", 0, NULL, "003: 元年度 without its era is not found"},
    {"12024年度", 0, NULL, "five digits are not a year"},
    {"平成99年度", 0, NULL, "beyond 平成's lenient limit"},
    {"", 0, NULL, "empty"},
};

static void test_find(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof find_cases / sizeof find_cases[0]; k++) {
        const find_case *c = &find_cases[k];
        size_t start = 99, end = 99;
        int got = kk_year_find(c->text, strlen(c->text), &start, &end);
        if (got != c->expected)
            fail_msg("\"%s\": got %d, expected %d (%s)", c->text, got, c->expected, c->why);
        if (c->match) {
            size_t l = strlen(c->match);
            if (end - start != l || memcmp(c->text + start, c->match, l) != 0)
                fail_msg("\"%s\": wrong range %zu..%zu (%s)", c->text, start, end, c->why);
        }
    }
    assert_int_equal(kk_year_find("平成24年度", strlen("平成24年度"), NULL, NULL), 2012);
}

typedef struct parse_case {
    const char *token;
    int expected;
    const char *why;
} parse_case;

static const parse_case parse_cases[] = {
    {"R1", 2019, "letter and digit"},
    {"r1", 2019, "lower case"},
    {"H31", 2019, "平成31"},
    {"h24", 2012, "lower case 平成"},
    {"令和元年度", 2019, "元年度"},
    {"令和元年", 2019, "元年"},
    {"令和元", 2019, "era and 元 alone"},
    {"平成24年度", 2012, "digits"},
    {"平成三十一年", 2019, "kanji numerals"},
    {"平成二十四年度", 2012, "kanji numerals with 年度"},
    {"2019年度", 2019, "Western fiscal year"},
    {"2019年", 2019, "Western year"},
    {"2019", 2019, "bare number in range"},
    {"２０１９", 2019, "full-width digits"},
    {"1868", 1868, "lower bound"},
    {"2100", 2100, "upper bound"},
    {"1867", 0, "below the range"},
    {"2101", 0, "above the range"},
    {"24", 0, "small numbers are not years"},
    {"H", 0, "letter alone"},
    {"HR", 0, "two letters"},
    {"平成", 0, "era alone"},
    {"平成24年度予算", 0, "trailing words: not a whole token"},
    {"計画", 0, "not a year"},
    {"", 0, "empty"},
    {"R1 ", 2019, "trailing space trimmed"},
};

static void test_parse(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof parse_cases / sizeof parse_cases[0]; k++) {
        const parse_case *c = &parse_cases[k];
        int got = kk_year_parse(c->token, strlen(c->token));
        if (got != c->expected)
            fail_msg("\"%s\": got %d, expected %d (%s)", c->token, got, c->expected, c->why);
    }
    assert_int_equal(kk_year_parse(NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_era),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
