/* test_text.c — tests for kk_text: UTF-8 decoding, character classes, display line joining and
 * kk_buf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kk_text.h"

static void test_utf8_next_decodes_and_rejects(void **state)
{
    (void)state;
    const char *s = "a構\xff\xe6\x96";
    size_t n = strlen(s), i = 0;
    assert_int_equal(kk_utf8_next(s, n, &i), 'a');
    assert_int_equal(kk_utf8_next(s, n, &i), 0x69CB); /* 構 */
    assert_int_equal(kk_utf8_next(s, n, &i), 0xFFFD); /* stray 0xFF */
    assert_int_equal(i, 5);
    assert_int_equal(kk_utf8_next(s, n, &i), 0xFFFD); /* truncated sequence */
    assert_int_equal(i, 6);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(kk_utf8_valid("三鷹市", strlen("三鷹市")));
    assert_false(kk_utf8_valid("\xc0\xaf", 2));       /* overlong '/' */
    assert_false(kk_utf8_valid("\xed\xa0\x80", 3));   /* surrogate */
    assert_true(kk_utf8_valid("\xef\xbf\xbd", 3));    /* a real U+FFFD is valid */
}

static void test_utf8_put_round_trip(void **state)
{
    (void)state;
    const int cps[] = {'A', 0xE9, 0x69CB, 0x20B9F};
    for (size_t k = 0; k < sizeof cps / sizeof cps[0]; k++) {
        char buf[4];
        size_t n = kk_utf8_put(cps[k], buf), i = 0;
        assert_int_equal(kk_utf8_next(buf, n, &i), cps[k]);
        assert_int_equal(i, n);
    }
}

static void test_character_classes(void **state)
{
    (void)state;
    assert_true(kk_is_cjk(0x4E09));   /* 三 */
    assert_true(kk_is_cjk(0x3042));   /* あ */
    assert_true(kk_is_cjk(0x30A2));   /* ア */
    assert_true(kk_is_cjk(0x30FC));   /* ー */
    assert_true(kk_is_cjk(0x3005));   /* 々 */
    assert_false(kk_is_cjk(0x30FB));  /* ・ separates words, it is not part of a bigram */
    assert_false(kk_is_cjk(0x3001));  /* 、 */
    assert_false(kk_is_cjk('A'));
    assert_true(kk_is_japanese(0x3001));
    assert_true(kk_is_japanese(0xFF08)); /* （ */
    assert_false(kk_is_japanese('('));
}

struct join_case {
    const char *input, *expected, *why;
};

static const struct join_case join_cases[] = {
    {"三鷹市基本\n構想", "三鷹市基本構想", "a word broken across lines (corpus/mitaka/001)"},
    {"男女平等参画社会の実現を目指し\nます。", "男女平等参画社会の実現を目指します。", "kana after kanji"},
    {"誰もが\n\n個人として", "誰もが個人として", "a blank line from a PDF page break"},
    {"事業を進めます。\n◎生涯", "事業を進めます。◎生涯", "Japanese punctuation joins too"},
    {"NPO\nsupport", "NPO support", "Latin words keep a space"},
    {"2022\n策定", "2022 策定", "digits then kanji keep a space"},
    {"平成\n24年度", "平成 24年度", "ASCII digits are not Japanese characters"},
    {"行頭　\n  行末", "行頭行末", "spaces around the break go with it"},
    {"末尾  \n", "末尾", "trailing space trimmed"},
    {"", "", "empty"},
};

static void test_join_lines_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof join_cases / sizeof join_cases[0]; k++) {
        const struct join_case *c = &join_cases[k];
        char *out = NULL;
        size_t n = 0;
        kk_error err = {0};
        assert_int_equal(kk_join_lines(c->input, strlen(c->input), &out, &n, &err), KK_OK);
        if (strcmp(out, c->expected) != 0)
            fail_msg("%s: got '%s', want '%s'", c->why, out, c->expected);
        assert_int_equal(n, strlen(c->expected));
        free(out);
    }
}

static void test_buf_grows_and_takes(void **state)
{
    (void)state;
    kk_buf b = {0};
    for (int k = 0; k < 1000; k++)
        assert_int_equal(kk_buf_printf(&b, "%d,", k), KK_OK);
    assert_int_equal(kk_buf_add(&b, "終", strlen("終")), KK_OK);
    size_t n = 0;
    char *s = kk_buf_take(&b, &n);
    assert_int_equal(n, strlen(s));
    assert_memory_equal(s, "0,1,2,", 6);
    assert_null(b.data);
    free(s);
    kk_buf_free(&b);
}

/* FNV-1a's published values, so that a table built by one module is probed alike by another. */
static void test_hash_bytes(void **state)
{
    (void)state;
    assert_int_equal(kk_hash_bytes("", 0), 0x811c9dc5u);
    assert_int_equal(kk_hash_bytes("a", 1), 0xe40c292cu);
    assert_int_equal(kk_hash_bytes("foobar", 6), 0xbf9cf968u);
    assert_int_equal(kk_hash_bytes("foobarX", 6), 0xbf9cf968u); /* n bytes, not the string */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_next_decodes_and_rejects),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_put_round_trip),
        cmocka_unit_test(test_character_classes),
        cmocka_unit_test(test_join_lines_table),
        cmocka_unit_test(test_buf_grows_and_takes),
        cmocka_unit_test(test_hash_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
