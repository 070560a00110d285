/* test_stopwords.c — the stop list of the analysis (indexer/stopwords.c): the lookup, every entry
 * of indexer/stopwords.txt read and normalized, and which tokens kk_analyze marks as left out of
 * the index (kk_token.stop, kk_token_is_indexed), in index and query mode alike.
 *
 * Data-driven: (input, flags, expected words, why) with sentences from the test corpus. The word
 * lists are what ICU 72's dictionary produces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kk_analysis.h"
#include "test_analyzer.h"
#include "test_util.h"

#define INDEX_FLAGS (KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS)
#define QUERY_FLAGS (KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY)

typedef struct lookup_case {
    const char *word;
    int stop;
    const char *why;
} lookup_case;

static const lookup_case lookups[] = {
    {"です", 1, "an auxiliary ending"},
    {"について", 1, "a compound particle"},
    {"ですか", 1, "listed as a whole: how questions end"},
    {"とは", 1, "the file's last entry: the list is read to its end"},
    {"分かる", 1, "an entry with kanji"},
    {"すか", 0, "a piece of an entry is none"},
    {"ですかね", 0, "nor is an entry with more after it"},
    {"防災", 0, "a content word"},
    {"の", 1, "one-kana particles are listed too (the query drops them by this list)"},
    {"", 0, "the empty word"},
};

static void test_lookup(void **state)
{
    for (size_t k = 0; k < sizeof lookups / sizeof lookups[0]; k++) {
        const lookup_case *c = &lookups[k];
        if (kk_analyzer_is_stopword(*state, c->word, strlen(c->word)) != c->stop)
            fail_msg("[%s] should %sbe a stop word (%s)", c->word, c->stop ? "" : "not ", c->why);
    }
}

/* Every entry of the file, normalized as the analyzer normalizes words, is found. */
static void test_every_entry_is_found(void **state)
{
    char path[512], line[256];
    FILE *fp = fopen(kt_source_path(path, sizeof path, "indexer/stopwords.txt"), "r");
    assert_non_null(fp);
    size_t entries = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        char *norm = NULL;
        size_t len = 0;
        assert_int_equal(kk_normalize(*state, line, strlen(line), &norm, &len, NULL), KK_OK);
        if (!kk_analyzer_is_stopword(*state, norm, len))
            fail_msg("entry [%s] (normalized [%s]) is not found", line, norm);
        free(norm);
        entries++;
    }
    fclose(fp);
    assert_true(entries > 100);
}

/* The words of the tokens: "s:" a stop word (left out of the index), "P:" a particle (left out
 * too, but no stop word: the index never counted particles), "w:" any other word, "g:" a gram. */
static char *describe(const kk_token *t, size_t n)
{
    size_t cap = 64;
    for (size_t i = 0; i < n; i++)
        cap += t[i].len + 4;
    char *s = calloc(1, cap), kind;
    assert_non_null(s);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind == KK_TOKEN_GRAM)
            kind = 'g';
        else
            kind = t[i].stop ? 's' : kk_token_is_particle(&t[i]) ? 'P' : 'w';
        assert_int_equal(kk_token_is_indexed(&t[i]), kind == 'w' || kind == 'g');
        len += (size_t)snprintf(s + len, cap - len, "%s%c:%.*s", len ? " " : "", kind,
                                (int)t[i].len, t[i].text);
    }
    return s;
}

typedef struct token_case {
    const char *input;
    unsigned flags;
    const char *expected, *why;
} token_case;

static const token_case token_cases[] = {
    {"花火をすることは", INDEX_FLAGS, "w:花火 g:花火 g:火 P:を s:する s:こと P:は",
     "test_search's fixture: する and こと are stop words, を and は particles"},
    {"利用できます", INDEX_FLAGS, "w:利用 g:利用 g:用 s:でき s:ます",
     "stop words after a content word"},
    {"何", INDEX_FLAGS, "w:何",
     "a stop word of one kanji stays in the index: its word stands for the run's last character "
     "(no trailing unigram g:何)"},
    {"分かる", INDEX_FLAGS, "s:分かる g:分",
     "a stop word with kanji is left out, its grams are not"},
    {"知りたい", QUERY_FLAGS, "w:知 g:知 P:り s:たい",
     "query mode marks the same words, so a query skips what the index left out"},
};

static void test_marked_tokens(void **state)
{
    for (size_t k = 0; k < sizeof token_cases / sizeof token_cases[0]; k++) {
        const token_case *c = &token_cases[k];
        kk_error err = {0};
        size_t n = 0;
        assert_int_equal(kk_analyze(*state, c->input, strlen(c->input), c->flags, &err), KK_OK);
        const kk_token *t = kk_analyzer_tokens(*state, &n);
        char *got = describe(t, n);
        int same = strcmp(got, c->expected) == 0;
        if (!same)
            fprintf(stderr, "[%s]\n  got      [%s]\n", c->input, got);
        free(got);
        if (!same)
            fail_msg("[%s]: expected [%s] (%s)", c->input, c->expected, c->why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_every_entry_is_found),
        cmocka_unit_test(test_marked_tokens),
    };
    return cmocka_run_group_tests(tests, kt_analyzer_setup, kt_analyzer_teardown);
}
