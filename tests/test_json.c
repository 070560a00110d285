/* test_json.c — tests for kk_json.h: the bytes of a hit's JSON, and kk_json_append writing
 * exactly what json_dumps writes of the checked tree, also when a string is not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kk_json.h"

static kk_span text_marks[] = {{0, 6}, {6, 12}};
static kk_span snippet_marks[] = {{0, 6}};
static kk_source sources[] = {{"b.txt", 7}};

/* A hit with every kind of value: strings that need escaping, nulls, spans and a source. */
static kk_hit sample_hit(void)
{
    return (kk_hit){
        .rank = 1, .score = 2.5, .id = "a.txt:0", .doc = "a.txt", .title = "題", .line = 3,
        .year = 2019, .text = "防災訓練\n\"x\"\\", .marks = text_marks, .n_marks = 2,
        .snippet = "防災訓練", .snippet_marks = snippet_marks, .n_snippet_marks = 1,
        .also = sources, .n_also = 1,
    };
}

static json_t *hit_json(const void *hit, kk_json_strings strings)
{
    return kk_hit_to_json(hit, 0, strings);
}

typedef struct some_fields {
    const kk_hit *hit;
    unsigned fields;
} some_fields;

static json_t *some_fields_json(const void *what, kk_json_strings strings)
{
    const some_fields *s = what;
    return kk_hit_to_json(s->hit, s->fields, strings);
}

static json_t *facets_json(const void *hits, kk_json_strings strings)
{
    return kk_facets_to_json(hits, strings);
}

static json_t *no_json(const void *what, kk_json_strings strings)
{
    (void)what, (void)strings;
    return NULL;
}

/* What kk_json_append wrote, checked against json_dumps of the checked tree; caller frees. */
static char *append_and_compare(kk_json_builder build, const void *what)
{
    kk_buf out = {0};
    assert_int_equal(kk_json_append(build, what, &out), KK_OK);
    json_t *o = build(what, KK_JSON_CHECKED);
    char *expected = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    assert_non_null(expected);
    assert_string_equal(out.data, expected);
    assert_int_equal(out.len, strlen(expected));
    free(expected);
    return kk_buf_take(&out, NULL);
}

static void test_hit_bytes(void **state)
{
    (void)state;
    kk_hit h = sample_hit();
    char *got = append_and_compare(hit_json, &h);
    assert_string_equal(
        got, "{\"rank\":1,\"score\":2.5,\"id\":\"a.txt:0\",\"doc\":\"a.txt\",\"line\":3,"
             "\"title\":\"題\",\"section\":null,\"heading\":null,\"year\":2019,\"kind\":null,"
             "\"dept\":null,\"city\":null,\"version\":null,\"speaker\":null,\"date\":null,"
             "\"text\":\"防災訓練\\n\\\"x\\\"\\\\\",\"snippet\":\"【防災】訓練\","
             "\"highlights\":[[0,6],[6,12]],\"also\":[{\"doc\":\"b.txt\",\"line\":7}]}");
    free(got);
}

static void test_unknown_year_and_no_matches(void **state)
{
    (void)state;
    kk_hit h = sample_hit();
    h.year = 0, h.n_marks = 0, h.n_snippet_marks = 0, h.n_also = 0;
    char *got = append_and_compare(hit_json, &h);
    assert_non_null(strstr(got, "\"year\":null"));
    assert_non_null(strstr(got, "\"snippet\":\"防災訓練\",\"highlights\":[],\"also\":[]}"));
    free(got);
}

/* A text that is not UTF-8 (a damaged index) gives the checked build's answer: the fields
 * json_string refuses are left out, the rest written, as before the trusted build existed. */
static void test_text_not_utf8_is_left_out(void **state)
{
    (void)state;
    kk_source bad_source = {"\xc0\xaf", 9}; /* overlong '/' */
    kk_hit h = sample_hit();
    h.text = "ok\xff";
    h.snippet = "\xed\xa0\x80"; /* a surrogate */
    h.n_snippet_marks = 0;
    h.also = &bad_source;
    json_t *trusted = kk_hit_to_json(&h, 0, KK_JSON_TRUSTED);
    char *unwritable = json_dumps(trusted, JSON_COMPACT);
    json_decref(trusted);
    assert_null(unwritable); /* so kk_json_append must fall back */
    char *got = append_and_compare(hit_json, &h);
    assert_null(strstr(got, "\"text\""));
    assert_null(strstr(got, "\"snippet\""));
    assert_non_null(strstr(got, "\"date\":null,\"highlights\":[[0,6],[6,12]],\"also\":[]}"));
    free(got);
}

/* Only the fields asked for, in the usual order whatever the order of the list; all of them
 * named one by one give what asking for none gives. */
static void test_some_fields(void **state)
{
    (void)state;
    kk_hit h = sample_hit();
    unsigned fields = 0;
    kk_error err = {0};
    assert_int_equal(kk_hit_fields_parse("snippet,line,doc,score", &fields, &err), KK_OK);
    char *got = append_and_compare(some_fields_json, &(some_fields){&h, fields});
    assert_string_equal(got, "{\"score\":2.5,\"doc\":\"a.txt\",\"line\":3,"
                             "\"snippet\":\"【防災】訓練\"}");
    free(got);
    assert_int_equal(kk_hit_fields_parse("also", &fields, &err), KK_OK);
    assert_int_equal(fields, KK_HIT_BIT(KK_HIT_ALSO));
    got = append_and_compare(some_fields_json, &(some_fields){&h, fields});
    assert_string_equal(got, "{\"also\":[{\"doc\":\"b.txt\",\"line\":7}]}");
    free(got);
    kk_buf all = {0};
    for (int f = 0; f < KK_HIT_FIELD_COUNT; f++)
        assert_int_equal(kk_buf_printf(&all, "%s%s", f ? "," : "", kk_hit_field_name(f)), KK_OK);
    assert_int_equal(kk_hit_fields_parse(all.data, &fields, &err), KK_OK);
    assert_int_equal(fields, KK_HIT_ALL);
    kk_buf_free(&all);
}

/* A name that is no field, or an empty one, is refused by name; nothing is set. */
static void test_fields_refused(void **state)
{
    (void)state;
    const char *bad[] = {"doc,txet", "", "doc,", ",doc", "doc,,line", "Doc", "doc line"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        unsigned fields = 12345;
        kk_error err = {0};
        assert_int_equal(kk_hit_fields_parse(bad[k], &fields, &err), KK_EINVAL);
        assert_int_equal(fields, 12345);
        assert_non_null(strstr(err.message, "fields: '"));
        assert_non_null(strstr(err.message, "highlights"));
    }
    kk_error err = {0};
    unsigned fields = 0;
    kk_hit_fields_parse("doc,txet", &fields, &err);
    assert_non_null(strstr(err.message, "'txet'"));
}

static void test_facets(void **state)
{
    (void)state;
    kk_facet_value years[] = {{"2019", 3}, {"\xff", 1}, {"2018", 2}};
    kk_facet_value kinds[] = {{"会議録", 5}};
    kk_hits hits = {.facets = {years, kinds}, .n_facets = {3, 1}};
    char *got = append_and_compare(facets_json, &hits);
    assert_string_equal(got, "{\"year\":[{\"value\":\"2019\",\"count\":3},{\"value\":\"2018\","
                             "\"count\":2}],\"kind\":[{\"value\":\"会議録\",\"count\":5}],"
                             "\"dept\":[],\"city\":[]}");
    free(got);
}

/* A text far longer than the buffer's first size is written whole, after what was there. */
static void test_append_grows_and_keeps_what_was_there(void **state)
{
    (void)state;
    size_t n = 30000;
    char *text = malloc(3 * n + 1);
    assert_non_null(text);
    for (size_t k = 0; k < n; k++)
        memcpy(text + 3 * k, k % 50 ? "あ" : "\n\t\x01", 3);
    text[3 * n] = '\0';
    kk_hit h = sample_hit();
    h.text = text;
    json_t *o = kk_hit_to_json(&h, 0, KK_JSON_CHECKED);
    char *expected = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    kk_buf out = {0};
    assert_int_equal(kk_buf_add(&out, "x", 1), KK_OK);
    assert_int_equal(kk_json_append(hit_json, &h, &out), KK_OK);
    assert_int_equal(out.len, 1 + strlen(expected));
    assert_int_equal(out.data[0], 'x');
    assert_string_equal(out.data + 1, expected);
    free(expected);
    kk_buf_free(&out);
    free(text);
}

static void test_nothing_built_leaves_the_buffer(void **state)
{
    (void)state;
    kk_buf out = {0};
    assert_int_equal(kk_buf_add(&out, "x", 1), KK_OK);
    assert_int_equal(kk_json_append(no_json, NULL, &out), KK_ENOMEM);
    assert_int_equal(kk_json_dump_to(NULL, &out), KK_ENOMEM);
    assert_int_equal(out.len, 1);
    assert_string_equal(out.data, "x");
    kk_buf_free(&out);
}

static void test_dump_to(void **state)
{
    (void)state;
    json_t *o = json_pack("{sisn}", "a", 1, "b");
    kk_buf out = {0};
    assert_int_equal(kk_json_dump_to(o, &out), KK_OK);
    assert_int_equal(kk_json_dump_to(o, &out), KK_OK);
    assert_string_equal(out.data, "{\"a\":1,\"b\":null}{\"a\":1,\"b\":null}");
    json_decref(o);
    kk_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_bytes),
        cmocka_unit_test(test_unknown_year_and_no_matches),
        cmocka_unit_test(test_text_not_utf8_is_left_out),
        cmocka_unit_test(test_some_fields),
        cmocka_unit_test(test_fields_refused),
        cmocka_unit_test(test_facets),
        cmocka_unit_test(test_append_grows_and_keeps_what_was_there),
        cmocka_unit_test(test_nothing_built_leaves_the_buffer),
        cmocka_unit_test(test_dump_to),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
