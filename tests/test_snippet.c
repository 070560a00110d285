/* test_snippet.c — tests of the snippet window (kk_make_snippet in query/snippet.c): which part of
 * a hit is shown around its marks, counted in characters of every UTF-8 length.
 *
 * Where the marks come from is tested end to end in test_search.c; here the marks are given, so
 * that a window's end can be placed exactly one character either side of a mark.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

/* Characters of 1, 2, 3 and 4 bytes in turn, so that characters and bytes never count alike. */
static const char *const cycle[] = {"a", "é", "あ", "𠮷"};

#define TEXT_CHARS 200

typedef struct text {
    char bytes[TEXT_CHARS * 4 + 1];
    unsigned at[TEXT_CHARS + 1]; /* byte offset of each character, and of the end */
} text;

static void make_text(text *t)
{
    size_t len = 0;
    for (size_t i = 0; i < TEXT_CHARS; i++) {
        t->at[i] = (unsigned)len;
        const char *c = cycle[i % 4];
        memcpy(t->bytes + len, c, strlen(c));
        len += strlen(c);
    }
    t->at[TEXT_CHARS] = (unsigned)len;
    t->bytes[len] = '\0';
}

/* A mark over characters [from, to) of t. */
static kk_span chars(const text *t, size_t from, size_t to)
{
    return (kk_span){t->at[from], t->at[to]};
}

/* The snippet of t with marks must show characters [from, to): ellipses, then those. */
static void expect_window(const text *t, const kk_span *marks, size_t n, size_t from, size_t to,
                          const char *why)
{
    char *snippet = NULL, expected[sizeof t->bytes + 8];
    kk_span *sm = NULL;
    size_t n_sm = 0;
    kk_error err = {0};
    assert_int_equal(kk_make_snippet(t->bytes, marks, n, &snippet, &sm, &n_sm, &err), KK_OK);
    size_t len = 0;
    if (from > 0)
        len += (size_t)sprintf(expected, "…");
    memcpy(expected + len, t->bytes + t->at[from], t->at[to] - t->at[from]);
    len += t->at[to] - t->at[from];
    strcpy(expected + len, to < TEXT_CHARS ? "…" : "");
    if (strcmp(snippet, expected) != 0)
        fail_msg("%s: got [%s], expected [%s]", why, snippet, expected);
    free(snippet);
    free(sm);
}

/* A window runs 85 characters from the start of its first mark (a snippet of 110, 25 before),
 * and the one holding the most, and longest, different marks wins. Mark a (1 byte, at character
 * 40) and b (3 bytes, at 50) share a's window; c (5 or 7 bytes) lies in b's window only if it ends
 * by character 135, and then b's window wins, else c's own. So one character either side of the
 * end of b's window moves the snippet by 84. b's window end is found from a's, c's from b's. */
static void test_window_ends_exactly(void **state)
{
    (void)state;
    text t;
    make_text(&t);
    kk_span inside[] = {chars(&t, 40, 41), chars(&t, 50, 51), chars(&t, 133, 135)};
    expect_window(&t, inside, 3, 25, 135, "c ends on the last character of b's window");
    kk_span outside[] = {chars(&t, 40, 41), chars(&t, 50, 51), chars(&t, 134, 136)};
    expect_window(&t, outside, 3, 109, TEXT_CHARS, "c ends one character past b's window");
}

/* Marks close together: every window end is found from the one before. */
static void test_dense_marks(void **state)
{
    (void)state;
    text t;
    make_text(&t);
    kk_span marks[] = {chars(&t, 100, 101), chars(&t, 102, 103), chars(&t, 103, 104),
                       chars(&t, 105, 107), chars(&t, 110, 111)};
    expect_window(&t, marks, 5, 75, 185, "the first of several different marks");
}

/* No marks: the text from its start. */
static void test_no_marks(void **state)
{
    (void)state;
    text t;
    make_text(&t);
    expect_window(&t, NULL, 0, 0, 110, "no marks");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_ends_exactly),
        cmocka_unit_test(test_dense_marks),
        cmocka_unit_test(test_no_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
