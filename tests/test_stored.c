/* test_stored.c — tests for kk_stored: a passage's fields joined into the binary layout and split
 * back, the exact bytes of that layout, and data of an older layout, cut short or damaged
 * refused as corrupt with a message, never misread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kk_stored.h"

static kk_stored_str str(const char *s)
{
    return (kk_stored_str){s, s ? strlen(s) : 0};
}

static void assert_str(kk_stored_str s, const char *want)
{
    if (!want) {
        assert_null(s.ptr);
        return;
    }
    assert_non_null(s.ptr);
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.ptr, want, s.len);
}

/* A passage with every field, as the plan documents and the minutes have them. */
static kk_stored full_passage(void)
{
    kk_stored f = {0};
    f.doc = str("mitaka/004_第4次三鷹市基本計画.txt");
    f.line = 202;
    f.lines = 9;
    f.ordinal = 131;
    f.title = str("第4次三鷹市基本計画");
    f.section = str("第2部 › 第1章 › 1 防災");
    f.heading = str("1 防災");
    f.year = 2012;
    f.kind = str("基本計画");
    f.dept = str("総務部");
    f.office = str("防災課");
    f.city = str("三鷹市");
    f.version = str("後期基本計画（素案）");
    f.speaker = str("福島長期計画担当課長");
    f.date = str("2024-11-01");
    f.text = str("災害に強いまちづくりを進めます。");
    return f;
}

static const char *const plans[] = {"三鷹市地域防災計画", "", "三鷹市国民保護計画"};

static char *join(const kk_stored *f, const char *const *p, size_t n, size_t *len)
{
    char *data = NULL;
    assert_int_equal(kk_stored_join(f, p, n, &data, len, NULL), KK_OK);
    assert_non_null(data);
    assert_int_equal(data[*len], '\0');
    return data;
}

/* What the indexer joins, a reader splits back, field for field. */
static void test_round_trip(void **state)
{
    (void)state;
    kk_stored f = full_passage(), s;
    size_t len = 0;
    char *data = join(&f, plans, 3, &len);
    kk_error err = {0};
    assert_int_equal(kk_stored_split(data, len, &s, &err), KK_OK);
    assert_str(s.doc, f.doc.ptr);
    assert_int_equal(s.line, 202);
    assert_int_equal(s.lines, 9);
    assert_int_equal(s.ordinal, 131);
    assert_int_equal(s.year, 2012);
    const kk_stored_str *want[] = {&f.title, &f.section, &f.heading, &f.kind, &f.dept,
                                   &f.office, &f.city, &f.version, &f.speaker, &f.date, &f.text};
    const kk_stored_str *got[] = {&s.title, &s.section, &s.heading, &s.kind, &s.dept,
                                  &s.office, &s.city, &s.version, &s.speaker, &s.date, &s.text};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        assert_str(*got[k], want[k]->ptr);
    assert_int_equal(s.n_plans, 3);
    kk_stored_str plan;
    size_t at = 0;
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(kk_stored_next_plan(&s, &at, &plan), 0);
        assert_str(plan, plans[k]); /* an empty name stays an empty name */
    }
    assert_int_equal(kk_stored_next_plan(&s, &at, &plan), -1);
    assert_int_equal(kk_stored_next_plan(&s, &at, &plan), -1);
    free(data);
}

/* The largest numbers a reader accepts come back whole. */
static void test_round_trip_extremes(void **state)
{
    (void)state;
    kk_stored f = {0}, s;
    f.doc = str("");
    f.line = UINT_MAX;
    f.lines = 1;
    f.ordinal = 128; /* two varint bytes */
    f.year = INT_MAX;
    f.text = str("");
    size_t len = 0;
    char *data = join(&f, NULL, 0, &len);
    assert_int_equal(kk_stored_split(data, len, &s, NULL), KK_OK);
    assert_str(s.doc, "");
    assert_int_equal(s.line, UINT_MAX);
    assert_int_equal(s.ordinal, 128);
    assert_int_equal(s.year, INT_MAX);
    assert_str(s.text, "");
    free(data);
}

/* The bytes themselves: the layout is what old indexes hold, so it must not drift unnoticed. A
 * field without a value (NULL, 0) is absent and reads back as absent. */
static void test_exact_bytes(void **state)
{
    (void)state;
    kk_stored f = {0}, s;
    f.doc = str("a.txt");
    f.line = 3;
    f.lines = 1;
    f.heading = str("公園");
    f.text = str("花火");
    static const char plan[] = "計画";
    const char *const one_plan[] = {plan};
    size_t len = 0;
    char *data = join(&f, one_plan, 1, &len);
    static const char want[] = "\xC1"
                               "\x01\x05" "a.txt"
                               "\x02\x01\x03"
                               "\x03\x01\x01"
                               "\x07\x06" "公園"
                               "\x0D\x06" "計画"
                               "\x11\x06" "花火";
    assert_int_equal(len, sizeof want - 1);
    assert_memory_equal(data, want, len);
    assert_int_equal(kk_stored_split(data, len, &s, NULL), KK_OK);
    assert_int_equal(s.ordinal, 0);
    assert_int_equal(s.year, 0);
    assert_null(s.title.ptr);
    assert_null(s.section.ptr);
    assert_null(s.date.ptr);
    free(data);
}

static void assert_corrupt(const char *data, size_t len, const char *why)
{
    kk_stored s;
    kk_error err = {0};
    if (kk_stored_split(data, len, &s, &err) != KK_ECORRUPT)
        fail_msg("not refused: %s", why);
    assert_non_null(strstr(err.message, "index the documents again"));
    assert_null(s.doc.ptr);
    assert_null(s.text.ptr);
}

/* Schema 6 stored JSON, a NUL and the text; schema 4 the text inside the JSON. */
static void test_older_layouts_are_corrupt(void **state)
{
    (void)state;
    static const char six[] = "{\"doc\":\"a.txt\"}\0公園で花火をすることは禁止しています。";
    assert_corrupt(six, sizeof six - 1, "schema 6");
    const char *four = "{\"doc\":\"a.txt\",\"text\":\"公園\"}";
    assert_corrupt(four, strlen(four), "schema 4");
    assert_corrupt("", 0, "empty");
    assert_corrupt(NULL, 0, "NULL");
    kk_stored s;
    kk_error err = {0};
    assert_int_equal(kk_stored_split(six, sizeof six - 1, &s, &err), KK_ECORRUPT);
    assert_non_null(strstr(err.message, "older keikaku-index"));
}

/* Damaged data, one case a row: each must be refused, none misread. */
typedef struct damaged {
    const char *data;
    size_t len;
    const char *why;
} damaged;

#define CASE(bytes, why) {bytes, sizeof bytes - 1, why}

static const damaged damaged_cases[] = {
    CASE("\xC1", "no fields at all"),
    CASE("\xC1\x11\x00", "no doc"),
    CASE("\xC1\x01\x01" "a", "no text"),
    CASE("\xC1\x01\x01" "a" "\x11\x05" "ab", "the text cut short"),
    CASE("\xC1\x01\x01" "a" "\x11\x03" "ab", "the text one byte short"),
    CASE("\xC1\x01\x02" "a", "doc one byte short"),
    CASE("\xC1\x01\x01" "a" "\x11", "the text's length missing"),
    CASE("\xC1\x01\x01" "a" "\x11\x80", "the text's length cut short"),
    CASE("\xC1\x01\x01" "a" "\x11\x00" "x", "a byte after the text"),
    CASE("\xC1\x01\x01" "a" "\x11\x00" "\x11\x00", "the text twice"),
    CASE("\xC1\x01\x01" "a" "\x01\x01" "b" "\x11\x00", "doc twice"),
    CASE("\xC1\x05\x01" "t" "\x01\x01" "a" "\x11\x00", "title before doc"),
    CASE("\xC1\x01\x01" "a" "\x12\x00" "\x11\x00", "an unknown tag"),
    CASE("\xC1\x00\x00" "\x01\x01" "a" "\x11\x00", "tag 0"),
    CASE("\xC1\x01\x01" "a" "\x02\x02\x83\x00" "\x11\x00", "a number not in its fewest bytes"),
    CASE("\xC1\x01\x01" "a" "\x02\x00" "\x11\x00", "an empty number"),
    CASE("\xC1\x01\x01" "a" "\x02\x02\x01\x01" "\x11\x00", "a byte after a number"),
    CASE("\xC1\x01\x01" "a" "\x02\x05\x80\x80\x80\x80\x10" "\x11\x00", "a line over UINT_MAX"),
    CASE("\xC1\x01\x01" "a" "\x08\x05\x80\x80\x80\x80\x08" "\x11\x00", "a year over INT_MAX"),
    CASE("\xC1\x01\x01" "a" "\x02\x0B\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01" "\x11\x00",
         "a number over 64 bits"),
    CASE("\xC1\x01\x01" "a" "\x11\x8A\x80\x80\x80\x80\x80\x80\x80\x80\x01",
         "a length of 2^63 + 10"),
    CASE("\xC1\x01\x01" "a" "\x11\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01",
         "a length of 2^64 - 1"),
    CASE("\xC1\x01\x03" "a\0b" "\x11\x00", "a NUL inside doc"),
    CASE("\xC1\x01\x01" "a" "\x0D\x01" "\0" "\x11\x00", "a NUL inside a plan"),
    CASE("\xC1\x01\x01" "a" "\x11\x03" "a\0b", "a NUL inside the text"),
    CASE("\xC0\x01\x01" "a" "\x11\x00", "another layout byte"),
};

static void test_damaged_data_is_corrupt(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof damaged_cases / sizeof damaged_cases[0]; k++) {
        /* An exact copy, so that the sanitizers catch a read past the end. */
        char *copy = malloc(damaged_cases[k].len);
        memcpy(copy, damaged_cases[k].data, damaged_cases[k].len);
        assert_corrupt(copy, damaged_cases[k].len, damaged_cases[k].why);
        free(copy);
    }
}

/* Data cut short anywhere is refused: the text's length reaches the last byte. What follows
 * the cut is a byte that a reader reading past the end would take for more text. */
static void test_every_prefix_is_corrupt(void **state)
{
    (void)state;
    kk_stored f = full_passage();
    size_t len = 0;
    char *data = join(&f, plans, 3, &len);
    for (size_t n = 0; n < len; n++) {
        char *copy = malloc(n + 1);
        memcpy(copy, data, n);
        copy[n] = 'x';
        assert_corrupt(copy, n, "a prefix");
        free(copy);
    }
    free(data);
}

/* Any byte changed: refused, or split into fields that lie inside the data (the sanitizers
 * watch the reads); never a crash. */
static void test_changed_bytes_stay_inside(void **state)
{
    (void)state;
    kk_stored f = full_passage();
    size_t len = 0;
    char *data = join(&f, plans, 3, &len);
    static const unsigned char flips[] = {0x01, 0x80, 0xFF, 0x11};
    for (size_t at = 0; at < len; at++)
        for (size_t k = 0; k < sizeof flips; k++) {
            char *copy = malloc(len);
            memcpy(copy, data, len);
            copy[at] = (char)(copy[at] ^ flips[k]);
            kk_stored s;
            if (kk_stored_split(copy, len, &s, NULL) == KK_OK) {
                assert_true(s.text.ptr >= copy && s.text.ptr + s.text.len <= copy + len);
                assert_true(s.doc.ptr >= copy && s.doc.ptr + s.doc.len <= copy + len);
                kk_stored_str plan;
                size_t n = 0;
                for (size_t pos = 0; kk_stored_next_plan(&s, &pos, &plan) == 0; n++)
                    assert_true(plan.ptr >= copy && plan.ptr + plan.len <= copy + len);
                assert_int_equal(n, s.n_plans);
            }
            free(copy);
        }
    free(data);
}

/* What a reader would refuse, the writer refuses to write. */
static void test_join_refuses_what_split_would(void **state)
{
    (void)state;
    char *data = NULL;
    kk_error err = {0};
    kk_stored f = full_passage();
    f.doc = (kk_stored_str){NULL, 0};
    assert_int_equal(kk_stored_join(&f, NULL, 0, &data, NULL, &err), KK_EINVAL);
    assert_null(data);
    f = full_passage();
    f.text = (kk_stored_str){NULL, 0};
    assert_int_equal(kk_stored_join(&f, NULL, 0, &data, NULL, &err), KK_EINVAL);
    f = full_passage();
    f.heading = (kk_stored_str){"a\0b", 3};
    assert_int_equal(kk_stored_join(&f, NULL, 0, &data, NULL, &err), KK_EINVAL);
    assert_non_null(strstr(err.message, "NUL"));
    f = full_passage();
    f.year = -1;
    assert_int_equal(kk_stored_join(&f, NULL, 0, &data, NULL, &err), KK_EINVAL);
    const char *const no_name[] = {NULL};
    f = full_passage();
    assert_int_equal(kk_stored_join(&f, no_name, 1, &data, NULL, &err), KK_EINVAL);
    assert_null(data);
}

static void test_no_plans(void **state)
{
    (void)state;
    kk_stored s = {0};
    kk_stored_str plan;
    size_t at = 0;
    assert_int_equal(kk_stored_next_plan(&s, &at, &plan), -1);
}

/* A field copied out is a C string, an absent one NULL without an error; the id is doc:ordinal. */
static void test_dup_and_id(void **state)
{
    (void)state;
    int oom = 0;
    char *s = kk_stored_dup((kk_stored_str){"abcdef", 3}, &oom);
    assert_string_equal(s, "abc");
    free(s);
    assert_null(kk_stored_dup((kk_stored_str){NULL, 0}, &oom));
    s = kk_stored_dup((kk_stored_str){"", 0}, &oom);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(oom, 0);
    const unsigned ordinals[] = {0, 7, 10, 4294967295u};
    const char *ids[] = {"a/b.txt:0", "a/b.txt:7", "a/b.txt:10", "a/b.txt:4294967295"};
    for (size_t k = 0; k < 4; k++) {
        char *id = kk_stored_id((kk_stored_str){"a/b.txtXX", 7}, ordinals[k]);
        assert_string_equal(id, ids[k]);
        free(id);
    }
}

/* The plans come out as C strings in order; none gives no array. */
static void test_plans_copied_out(void **state)
{
    (void)state;
    const char *names[] = {"地域情報化プラン2022", "", "第五次基本計画"};
    kk_stored f = {0};
    f.doc = (kk_stored_str){"a.txt", 5};
    f.text = (kk_stored_str){"本文", strlen("本文")};
    for (size_t want = 0; want <= 3; want += 3) {
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(kk_stored_join(&f, names, want, &data, &len, NULL), KK_OK);
        kk_stored s;
        assert_int_equal(kk_stored_split(data, len, &s, NULL), KK_OK);
        char **plans = NULL;
        size_t n = 99;
        assert_int_equal(kk_stored_plans(&s, &plans, &n, NULL), KK_OK);
        assert_int_equal(n, want);
        if (want == 0)
            assert_null(plans);
        for (size_t k = 0; k < n; k++) {
            assert_string_equal(plans[k], names[k]);
            free(plans[k]);
        }
        free(plans);
        free(data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_extremes),
        cmocka_unit_test(test_exact_bytes),
        cmocka_unit_test(test_older_layouts_are_corrupt),
        cmocka_unit_test(test_damaged_data_is_corrupt),
        cmocka_unit_test(test_every_prefix_is_corrupt),
        cmocka_unit_test(test_changed_bytes_stay_inside),
        cmocka_unit_test(test_join_refuses_what_split_would),
        cmocka_unit_test(test_no_plans),
        cmocka_unit_test(test_dup_and_id),
        cmocka_unit_test(test_plans_copied_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
