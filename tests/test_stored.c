/* test_stored.c — tests for kk_stored: a passage's stored data joined and split back (JSON, NUL,
 * raw text), empty parts, and data of an older layout refused as corrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kk_stored.h"

static void test_split_normal(void **state)
{
    (void)state;
    static const char data[] = "{\"doc\":\"a.txt\"}\0公園で花火をすることは禁止しています。";
    kk_stored s;
    kk_error err = {0};
    assert_int_equal(kk_stored_split(data, sizeof data - 1, &s, &err), KK_OK);
    assert_ptr_equal(s.json, data);
    assert_int_equal(s.json_len, strlen("{\"doc\":\"a.txt\"}"));
    assert_int_equal(s.text_len, strlen("公園で花火をすることは禁止しています。"));
    assert_memory_equal(s.text, "公園で花火をすることは禁止しています。", s.text_len);
}

static void test_split_empty_text(void **state)
{
    (void)state;
    static const char data[] = "{}\0";
    kk_stored s;
    assert_int_equal(kk_stored_split(data, sizeof data - 1, &s, NULL), KK_OK);
    assert_int_equal(s.json_len, 2);
    assert_int_equal(s.text_len, 0);
    assert_ptr_equal(s.text, data + 3);
}

/* Schema 4 and older stored the text inside the JSON, with no NUL anywhere. */
static void test_split_without_nul_is_corrupt(void **state)
{
    (void)state;
    const char *old = "{\"doc\":\"a.txt\",\"text\":\"公園\"}";
    kk_stored s;
    kk_error err = {0};
    assert_int_equal(kk_stored_split(old, strlen(old), &s, &err), KK_ECORRUPT);
    assert_non_null(strstr(err.message, "index the documents again"));
    assert_null(s.json);
    assert_null(s.text);
    assert_int_equal(kk_stored_split("", 0, &s, NULL), KK_ECORRUPT);
    assert_int_equal(kk_stored_split(NULL, 0, &s, NULL), KK_ECORRUPT);
}

/* What the indexer joins, a reader splits back byte for byte. */
static void test_join_round_trip(void **state)
{
    (void)state;
    const char *json = "{\"doc\":\"a.txt\",\"line\":3}", *text = "市内の公園は、どなたでも利用できます。";
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(kk_stored_join(json, strlen(json), text, strlen(text), &data, &len, NULL),
                     KK_OK);
    assert_int_equal(len, strlen(json) + 1 + strlen(text));
    assert_int_equal(data[len], '\0');
    kk_stored s;
    assert_int_equal(kk_stored_split(data, len, &s, NULL), KK_OK);
    assert_int_equal(s.json_len, strlen(json));
    assert_memory_equal(s.json, json, s.json_len);
    assert_string_equal(s.text, text);
    free(data);

    assert_int_equal(kk_stored_join("{}", 2, "", 0, &data, &len, NULL), KK_OK);
    assert_int_equal(len, 3);
    assert_int_equal(kk_stored_split(data, len, &s, NULL), KK_OK);
    assert_int_equal(s.text_len, 0);
    free(data);
}

static void test_join_refuses_nul_in_json(void **state)
{
    (void)state;
    char *data = NULL;
    kk_error err = {0};
    assert_int_equal(kk_stored_join("{\"a\0\":1}", 8, "x", 1, &data, NULL, &err), KK_EINVAL);
    assert_null(data);
    assert_non_null(strstr(err.message, "NUL"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_normal),
        cmocka_unit_test(test_split_empty_text),
        cmocka_unit_test(test_split_without_nul_is_corrupt),
        cmocka_unit_test(test_join_round_trip),
        cmocka_unit_test(test_join_refuses_nul_in_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
