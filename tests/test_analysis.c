/* test_analysis.c — tests of kk_analyze: ICU words, CJK grams, positions, order and offsets, and
 * the way back from normalized text to input bytes (kk_analyzer_source_span).
 *
 * Data-driven where the answer is a list: (input, flags, expected tokens, why) with strings from
 * corpus/mitaka; property checks (order, offsets) over the whole of corpus/mitaka. The word lists
 * are what ICU 72's dictionary produces. Normalization rules themselves are tested in
 * test_normalize.c; here they are checked at the level of terms.
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

#define INDEX_FLAGS (KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS)
#define QUERY_FLAGS (KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY)

static const kk_token *analyze(kk_analyzer *a, const char *s, size_t len, unsigned flags,
                               size_t *n)
{
    kk_error err = {0};
    kk_status st = kk_analyze(a, s, len, flags, &err);
    if (st != KK_OK)
        fail_msg("kk_analyze(%.40s): %s", s, err.message);
    return kk_analyzer_tokens(a, n);
}

/* The tokens as one string: "w:text" for words ("b:" for a bigram word, indexed as its bigram,
 * "s:" for a stop word, not indexed), "g:text@pos" for grams ("p:" for a prefix gram), separated
 * by spaces. The caller frees it. */
static char *describe(const kk_token *t, size_t n, int words, int grams)
{
    size_t cap = 64;
    for (size_t i = 0; i < n; i++)
        cap += t[i].len + 16;
    char *s = calloc(1, cap);
    assert_non_null(s);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int is_word = t[i].kind == KK_TOKEN_WORD;
        if ((is_word && !words) || (!is_word && !grams))
            continue;
        const char *sep = len ? " " : "";
        if (is_word)
            len += (size_t)snprintf(s + len, cap - len, "%s%c:%.*s", sep,
                                    t[i].bigram ? 'b' : t[i].stop ? 's' : 'w', (int)t[i].len,
                                    t[i].text);
        else
            len += (size_t)snprintf(s + len, cap - len, "%s%c:%.*s@%u", sep,
                                    t[i].prefix ? 'p' : 'g', (int)t[i].len, t[i].text, t[i].pos);
    }
    return s;
}

/* ---- expected token lists ------------------------------------------------------------------ */

typedef struct token_case {
    const char *input;
    unsigned flags;
    int words, grams; /* which kinds the expectation lists */
    const char *expected, *why;
} token_case;

static const token_case token_cases[] = {
    {"男女平等参画社会の実現を目指し\nます。", INDEX_FLAGS, 1, 0,
     "w:男女平等 b:参画 b:社会 w:の b:実現 w:を b:目指 w:し s:ます",
     "corpus 001: ICU dictionary words; the broken line joins 目指し and ます, a stop word"},
    {"三鷹市基本\n構想", INDEX_FLAGS, 0, 1,
     "g:三鷹@1 g:鷹市@2 g:市基@3 g:基本@4 g:本構@5 g:構想@6 g:想@7",
     "corpus 001: bigrams across the joined line, then the trailing unigram in index mode"},
    {"三鷹市基本\n構想", QUERY_FLAGS, 0, 1,
     "g:三鷹@1 g:鷹市@2 g:市基@3 g:基本@4 g:本構@5 g:構想@6",
     "query mode: no trailing unigram"},
    {"市", QUERY_FLAGS, 0, 1, "p:市@1", "query mode: a one-character run is a prefix unigram"},
    {"市", INDEX_FLAGS, 0, 1, "", "index mode: ICU makes 市 a word, which finds it; no unigram"},
    {"市", INDEX_FLAGS, 1, 0, "w:市", "…the word"},
    {"ＮＰＯ法人", INDEX_FLAGS, 1, 1, "w:npo b:法人 g:法人@4 g:人@5",
     "full-width letters fold: the word npo, and grams only over the CJK run"},
    {"NPO法人", INDEX_FLAGS, 1, 1, "w:npo b:法人 g:法人@4 g:人@5", "the same terms as ＮＰＯ法人"},
    {"経常収支比率 おおむね80%台を維持", QUERY_FLAGS, 1, 0,
     "b:経常 b:収支 b:比率 w:おおむね w:80 w:台 w:を b:維持",
     "corpus 001: numbers are words, the percent sign and the space are not"},
    {"ワーク・ライフ・バランス", INDEX_FLAGS, 1, 1,
     "w:ワーク g:ワー@1 g:ーク@2 g:クラ@3 w:ライフ g:ライ@4 g:イフ@5 g:フバ@6 "
     "w:バランス g:バラ@7 g:ラン@8 g:ンス@9 g:ス@10",
     "corpus 001: without the dots the compound is one run of grams (ICU still splits words)"},
    {"東京・大阪", INDEX_FLAGS, 0, 1, "g:東京@1 g:京@2 g:大阪@4 g:阪@5",
     "a middle dot between kanji ends the run: no 京大 gram"},
    {"人々", INDEX_FLAGS, 0, 1, "g:人人@1 g:人@2", "corpus 000: 々 repeats the kanji"},
    {"取り組みます", INDEX_FLAGS, 0, 1, "g:取組@1 g:組@2",
     "corpus 001: okurigana folded before the grams; hiragana makes no grams"},
    {"子どもの安全", INDEX_FLAGS, 0, 1, "g:子@1 g:安全@5 g:全@6",
     "hiragana ends a run of grams; its words carry it"},
    {"子どもの安全", QUERY_FLAGS, 0, 1, "p:子@1 g:安全@5",
     "query mode: a lone kanji among kana is a prefix gram (units use it only alone)"},
    {"", INDEX_FLAGS, 1, 1, "", "empty input: no tokens"},
    {" \n\t\u3000", INDEX_FLAGS, 1, 1, "", "only white space: no tokens"},
    {"、。「」", INDEX_FLAGS, 1, 1, "", "only punctuation: no tokens"},
    {"三鷹市", KK_ANALYZE_WORDS, 1, 1, "b:三鷹 w:市", "words only"},
    {"三鷹市", KK_ANALYZE_GRAMS, 1, 1, "g:三鷹@1 g:鷹市@2 g:市@3", "grams only"},
};

static void test_token_table(void **state)
{
    for (size_t i = 0; i < sizeof token_cases / sizeof token_cases[0]; i++) {
        const token_case *c = &token_cases[i];
        size_t n = 0;
        const kk_token *t = analyze(*state, c->input, strlen(c->input), c->flags, &n);
        char *got = describe(t, n, c->words, c->grams);
        int same = strcmp(got, c->expected) == 0;
        if (!same)
            fprintf(stderr, "[%s]\n  got      [%s]\n", c->input, got);
        free(got);
        if (!same)
            fail_msg("[%s]: expected [%s] (%s)", c->input, c->expected, c->why);
    }
}

/* ---- same terms for variant spellings --------------------------------------------------- */

typedef struct pair_case {
    const char *a, *b, *why;
} pair_case;

static const pair_case same_terms[] = {
    {"ＮＰＯ法人の活動", "NPO法人の活動", "width and case"},
    {"ワーク・ライフ・バランスの視点", "ワークライフバランスの視点", "middle dots"},
    {"サーバーの設定", "サーバの設定", "long vowel"},
    {"コンピューター", "コンピュータ", "long vowel at the end"},
    {"ヴァイオリン教室", "バイオリン教室", "small kana"},
    {"髙橋さん", "高橋さん", "old kanji"},
    {"時々", "時時", "iteration mark"},
    {"取り組み", "取組み", "okurigana"},
    {"取り組み", "取組", "okurigana"},
    {"申し込み", "申込み", "okurigana"},
    {"申し込み", "申込", "okurigana"},
    {"買い物", "買物", "okurigana"},
    {"障害者", "障がい者", "spelling"},
    {"障害者", "障碍者", "spelling"},
    {"子ども", "子供", "spelling"},
    {"三鷹市基本\n構想", "三鷹市基本構想", "broken line"},
};

/* 1 if the tokens of x and y have the same kinds, texts, positions and flags; if not and
 * verbose, both lists go to stderr. */
static int same_tokens(kk_analyzer *a, const char *x, const char *y, int verbose)
{
    size_t n = 0, m = 0;
    const kk_token *t = analyze(a, x, strlen(x), INDEX_FLAGS, &n);
    char *dx = describe(t, n, 1, 1);
    t = analyze(a, y, strlen(y), INDEX_FLAGS, &m);
    char *dy = describe(t, m, 1, 1);
    int same = n > 0 && n == m && strcmp(dx, dy) == 0;
    if (!same && verbose)
        fprintf(stderr, "[%s] → %s\n[%s] → %s\n", x, dx, y, dy);
    free(dx);
    free(dy);
    return same;
}

static void test_same_terms(void **state)
{
    for (size_t i = 0; i < sizeof same_terms / sizeof same_terms[0]; i++)
        if (!same_tokens(*state, same_terms[i].a, same_terms[i].b, 1))
            fail_msg("[%s] and [%s] differ (%s)", same_terms[i].a, same_terms[i].b,
                     same_terms[i].why);
}

static void test_unrelated_text_untouched(void **state)
{
    /* 組合 (a union) must not gain the terms of 組み合わせ, nor 子 those of 子ども. */
    assert_false(same_tokens(*state, "労働組合", "労働組み合わせ", 0));
    size_t n = 0;
    const kk_token *t = analyze(*state, "労働組合の子", strlen("労働組合の子"), INDEX_FLAGS, &n);
    char *d = describe(t, n, 0, 1);
    assert_string_equal(d, "g:労働@1 g:働組@2 g:組合@3 g:合@4");
    free(d);
}

/* ---- from normalized text back to the input ------------------------------------------------ */

typedef struct span_case {
    const char *input, *normalized, *source, *why;
} span_case;

/* kk_analyzer_source_span of the first place normalized stands in the analysed input's text:
 * the input bytes it must map to. */
static const span_case span_cases[] = {
    {"ＮＰＯ法人", "npo", "ＮＰＯ", "full-width capitals: 3 bytes each in, 1 lower-case byte out"},
    {"ＮＰＯ法人", "po法", "ＰＯ法", "a range across the end of the letters"},
    {"ＮＰＯ法人", "法人", "法人", "after the letters, offsets differ by 6 bytes"},
    {"三鷹市基本\n構想", "基本構想", "基本\n構想", "corpus 001: the joined line break is inside"},
    {"三鷹市基本\n構想", "構想", "構想", "after the joined line break"},
    {"ワーク・ライフ・バランス", "クラ", "ク・ラ", "a dropped middle dot lies between"},
    {"髙橋さん", "高橋", "髙橋", "an old kanji folded"},
    {"時々", "時時", "時々", "an iteration mark repeats the kanji"},
    {"ｶﾞｲﾄﾞ", "ガ", "ｶﾞ", "half-width kana: two input characters make one"},
    {"ｶﾞｲﾄﾞ", "イド", "ｲﾄﾞ", "…and offsets go on from there"},
    {"㍻元年", "成", "㍻", "one input character makes two: each maps to all of it"},
    {"取り組みます", "組", "取り組み", "a folded okurigana variant: its characters map to the whole"},
    {"取り組みます", "ます", "ます", "after the folded word"},
    {"コンピューター室", "コンピュータ室", "コンピューター室", "a dropped long vowel lies inside"},
    {"子ども　と\n家庭", "も と家", "も　と\n家", "an ideographic space kept as a space, a line joined"},
    {"漢か\u3099字", "が", "か\u3099", "a character composed by ICU maps to both it was made of"},
    {"漢か\u3099字", "字", "字", "…and the character after maps to its own bytes"},
    {"漢Ａ\u0301字", "á", "Ａ\u0301", "a folded letter and its accent"},
    {"令和２年度", "2年", "２年", "a character ICU changes, then one it passes"},
    {"ヴァイオリンの子供たちのサーバー", "子ども", "子供",
     "a word variant after a shortened text maps to its own bytes"},
    {"ヴァイオリンの子供たちのサーバー室", "たちのサーバ室", "たちのサーバー室",
     "characters after a lengthened word keep their bytes"},
};

static void test_source_span_table(void **state)
{
    kk_analyzer *a = *state;
    for (size_t i = 0; i < sizeof span_cases / sizeof span_cases[0]; i++) {
        const span_case *c = &span_cases[i];
        size_t n = 0, text_len = 0;
        analyze(a, c->input, strlen(c->input), KK_ANALYZE_GRAMS, &n);
        const char *text = kk_analyzer_text(a, &text_len);
        const char *at = strstr(text, c->normalized);
        if (!at)
            fail_msg("[%s] normalizes to [%s], without [%s]", c->input, text, c->normalized);
        size_t from = (size_t)(at - text);
        unsigned start = 0, end = 0;
        kk_error err = {0};
        if (kk_analyzer_source_span(a, from, from + strlen(c->normalized), &start, &end, &err))
            fail_msg("[%s] %s: %s", c->input, c->normalized, err.message);
        if (end - start != strlen(c->source) || memcmp(c->input + start, c->source, end - start))
            fail_msg("[%s]: [%s] maps to [%.*s], expected [%s] (%s)", c->input, c->normalized,
                     (int)(end - start), c->input + start, c->source, c->why);
    }
}

static void test_source_span_refuses(void **state)
{
    kk_analyzer *a = *state;
    const char *s = "ＮＰＯ法人"; /* normalized: "npo法人", 9 bytes */
    size_t n = 0, text_len = 0;
    analyze(a, s, strlen(s), KK_ANALYZE_GRAMS, &n);
    kk_analyzer_text(a, &text_len);
    assert_int_equal(text_len, 9);
    const size_t bad[][2] = {
        {0, 0}, {3, 3},   /* empty */
        {4, 2},           /* reversed */
        {0, 10}, {9, 12}, /* past the end */
        {4, 9}, {0, 5},   /* inside 法 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned start = 77, end = 77;
        kk_error err = {0};
        assert_int_equal(kk_analyzer_source_span(a, bad[i][0], bad[i][1], &start, &end, &err),
                         KK_EINVAL);
        assert_int_equal(err.code, KK_EINVAL);
        assert_non_null(strstr(err.message, "kk_analyzer_source_span"));
        assert_true(start == 77 && end == 77);
    }
    unsigned start = 0, end = 0;
    assert_int_equal(kk_analyzer_source_span(a, 0, 9, &start, &end, NULL), KK_OK);
    assert_true(start == 0 && end == strlen(s));
    /* kk_normalize reuses the buffers that remember input offsets: refused until kk_analyze. */
    char *out = NULL;
    assert_int_equal(kk_normalize(a, "三鷹", strlen("三鷹"), &out, NULL, NULL), KK_OK);
    free(out);
    assert_int_equal(kk_analyzer_source_span(a, 0, 3, &start, &end, NULL), KK_EINVAL);
    assert_int_equal(kk_analyze(a, "x", 1, 1u << 7, NULL), KK_EINVAL); /* a failed analysis */
    assert_int_equal(kk_analyzer_source_span(a, 0, 1, &start, &end, NULL), KK_EINVAL);
}

/* Over the text of the last kk_analyze: every token's text maps to the token's own input range,
 * and single characters map to ranges that never go backwards (what lets kk_analyzer_source_span
 * look at the first and last character only). */
static void check_source_spans(kk_analyzer *a, const kk_token *t, size_t n, size_t input_len)
{
    size_t len = 0;
    const char *text = kk_analyzer_text(a, &len);
    unsigned start = 0, end = 0, prev_start = 0, prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        size_t from = (size_t)(t[i].text - text);
        assert_int_equal(kk_analyzer_source_span(a, from, from + t[i].len, &start, &end, NULL),
                         KK_OK);
        if (start != t[i].start || end != t[i].end)
            fail_msg("token [%.*s]: [%u, %u), source span [%u, %u)", (int)t[i].len, t[i].text,
                     t[i].start, t[i].end, start, end);
    }
    for (size_t at = 0, next = 0; at < len; at = next) {
        kk_utf8_next(text, len, &next);
        assert_int_equal(kk_analyzer_source_span(a, at, next, &start, &end, NULL), KK_OK);
        assert_true(start < end && end <= input_len);
        assert_true(start >= prev_start && end >= prev_end);
        prev_start = start;
        prev_end = end;
    }
}

/* ---- properties over real text ------------------------------------------------------------ */

/* Decode s[0, n) into code points, leaving out ー; returns the count. */
static size_t skeleton(const char *s, size_t n, int *out)
{
    size_t i = 0, k = 0;
    while (i < n) {
        int c = kk_utf8_next(s, n, &i);
        if (c != 0x30FC)
            out[k++] = c;
    }
    return k;
}

static int is_ka_ke(int c)
{
    return c == 0x304B || c == 0x30AB || c == 0x30B1 || c == 0x30F5 || c == 0x30F6;
}

/* 1 if hay contains needle, allowing for the rules that depend on context outside a token's own
 * bytes and so apply differently when its bytes are normalized alone: the long vowel rule (ー is
 * ignored), 々 (matches any character) and ケ between a numeral and a counter (any ka/ke). */
static int contains(const char *hay, size_t n, const char *needle, size_t m)
{
    int *h = malloc((n + 1) * sizeof *h), *e = malloc((m + 1) * sizeof *e);
    assert_true(h && e);
    size_t hn = skeleton(hay, n, h), en = skeleton(needle, m, e);
    int found = 0;
    for (size_t i = 0; !found && i + en <= hn; i++) {
        size_t j = 0;
        while (j < en && (h[i + j] == e[j] || h[i + j] == 0x3005
                          || (is_ka_ke(h[i + j]) && is_ka_ke(e[j]))))
            j++;
        found = j == en;
    }
    free(h);
    free(e);
    return found;
}

/* Normalize input[t->start, t->end) and check that it contains (or equals) the token's text. */
static void check_offsets(kk_analyzer *a, const char *input, size_t len, const kk_token *t,
                          int exact)
{
    assert_true(t->start < t->end);
    assert_true(t->end <= len);
    char *out = NULL;
    size_t out_len = 0;
    kk_error err = {0};
    assert_int_equal(kk_normalize(a, input + t->start, t->end - t->start, &out, &out_len, &err),
                     KK_OK);
    int ok = exact ? out_len == t->len && memcmp(out, t->text, t->len) == 0
                   : contains(out, out_len, t->text, t->len);
    if (!ok)
        fail_msg("token [%.*s] @%u: input bytes [%u,%u) normalize to [%s]", (int)t->len, t->text,
                 t->pos, t->start, t->end, out);
    free(out);
}

/* Order and offsets of the tokens of input: positions never go down, words come before grams at
 * one position, grams of a run are consecutive, texts are substrings of the normalized text. */
static void check_tokens(kk_analyzer *a, const char *input, size_t len, int exact)
{
    size_t n = 0, text_len = 0;
    analyze(a, input, len, INDEX_FLAGS, &n);
    /* Copy the tokens: kk_normalize in check_offsets must not disturb them, but be safe. */
    kk_token *t = malloc((n + 1) * sizeof *t);
    assert_non_null(t);
    memcpy(t, kk_analyzer_tokens(a, &n), n * sizeof *t);
    const char *text = kk_analyzer_text(a, &text_len);
    for (size_t i = 0; i < n; i++) {
        assert_true(t[i].text >= text && t[i].text + t[i].len <= text + text_len);
        if (i > 0) {
            assert_true(t[i].pos >= t[i - 1].pos);
            if (t[i].pos == t[i - 1].pos)
                assert_true(t[i].kind >= t[i - 1].kind);
        }
        if (t[i].kind == KK_TOKEN_GRAM)
            assert_true(t[i].cjk);
        check_offsets(a, input, len, &t[i], exact);
    }
    analyze(a, input, len, INDEX_FLAGS, &n); /* kk_normalize above reused the offsets */
    check_source_spans(a, kk_analyzer_tokens(a, &n), n, len);
    free(t);
}

static void test_offsets_exact(void **state)
{
    /* Full-width letters, a line break, dots and a long vowel: every token maps back exactly. */
    const char *s = "ＮＰＯ法人が\n活動する。ワーク・ライフ・バランスとコンピューター";
    check_tokens(*state, s, strlen(s), 1);
    size_t n = 0;
    const kk_token *t = analyze(*state, s, strlen(s), INDEX_FLAGS, &n);
    assert_int_equal(t[0].kind, KK_TOKEN_WORD);
    assert_int_equal(t[0].start, 0);
    assert_int_equal(t[0].end, strlen("ＮＰＯ"));
    assert_false(t[0].cjk);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (set KK_SOURCE_DIR)", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    *len = fread(data, 1, (size_t)size, f);
    data[*len] = '\0';
    fclose(f);
    return data;
}

static const char *const corpus_files[] = {
    "000_148b0aeab5517d59.txt", "001_09e3a432859daf71.txt", "002_14af7f8c1c2b8dac.txt",
    "003_ed473fa6d39f6456.txt", "004_a90150c5bdbb2000.txt",
};

static char *read_corpus(size_t k, size_t *len)
{
    const char *dir = getenv("KK_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/mitaka/%s", dir ? dir : "..", corpus_files[k]);
    return read_file(path, len);
}

static void test_corpus_properties(void **state)
{
    for (size_t k = 0; k < sizeof corpus_files / sizeof corpus_files[0]; k++) {
        size_t len = 0;
        char *data = read_corpus(k, &len);
        check_tokens(*state, data, len, 0);
        free(data);
    }
}

static void test_text_matches_normalize(void **state)
{
    size_t len = 0, text_len = 0, n = 0;
    char *data = read_corpus(1, &len);
    char *out = NULL;
    size_t out_len = 0;
    kk_error err = {0};
    analyze(*state, data, len, INDEX_FLAGS, &n);
    assert_int_equal(kk_normalize(*state, data, len, &out, &out_len, &err), KK_OK);
    const char *text = kk_analyzer_text(*state, &text_len);
    assert_int_equal(text_len, out_len);
    assert_memory_equal(text, out, out_len);
    assert_non_null(strstr(text, "男女平等参画社会の実現を目指します"));
    assert_null(strchr(text, '\n'));
    free(out);
    free(data);
}

/* ---- edge cases --------------------------------------------------------------------------- */

static void test_invalid_utf8(void **state)
{
    const char s[] = "\xff三鷹\xe5\x9f市\xc3";
    size_t n = 0, text_len = 0;
    const kk_token *t = analyze(*state, s, sizeof s - 1, INDEX_FLAGS, &n);
    const char *text = kk_analyzer_text(*state, &text_len);
    assert_string_equal(text, "\xef\xbf\xbd三鷹\xef\xbf\xbd\xef\xbf\xbd市\xef\xbf\xbd");
    char *d = describe(t, n, 0, 1);
    assert_string_equal(d, "g:三鷹@2 g:鷹@3");
    free(d);
    for (size_t i = 0; i < n; i++)
        assert_true(t[i].end <= sizeof s - 1);
}

static void test_empty_and_errors(void **state)
{
    size_t n = 1, len = 1;
    kk_error err = {0};
    assert_int_equal(kk_analyze(*state, NULL, 0, INDEX_FLAGS, &err), KK_OK);
    kk_analyzer_tokens(*state, &n);
    assert_int_equal(n, 0);
    assert_string_equal(kk_analyzer_text(*state, &len), "");
    assert_int_equal(len, 0);
    assert_int_equal(kk_analyze(*state, "a", 1, 1u << 7, &err), KK_EINVAL);
    assert_int_equal(err.code, KK_EINVAL);
    assert_int_equal(kk_analyze(*state, NULL, 3, INDEX_FLAGS, &err), KK_EINVAL);
    kk_analyzer_free(NULL);
}

static void test_reuse_after_long_text(void **state)
{
    size_t len = 0, n = 0;
    char *data = read_corpus(4, &len);
    analyze(*state, data, len, INDEX_FLAGS, &n);
    assert_true(n > 1000);
    free(data);
    const kk_token *t = analyze(*state, "基本構想", strlen("基本構想"), QUERY_FLAGS, &n);
    char *d = describe(t, n, 1, 1);
    assert_string_equal(d, "b:基本 g:基本@1 g:本構@2 b:構想 g:構想@3");
    free(d);
}

static void test_long_input(void **state)
{
    /* One megabyte of real text (corpus 004 repeated): linear time, no overflow. */
    size_t len = 0, total = 0, n = 0, text_len = 0;
    char *data = read_corpus(4, &len);
    size_t want = 1u << 20;
    char *big = malloc(want + len);
    assert_non_null(big);
    while (total < want) {
        memcpy(big + total, data, len);
        total += len;
    }
    const kk_token *t = analyze(*state, big, total, INDEX_FLAGS, &n);
    kk_analyzer_text(*state, &text_len);
    assert_true(n > total / 4);
    assert_true(t[n - 1].end <= total);
    assert_true(t[n - 1].pos <= text_len);
    for (size_t i = 1; i < n; i++)
        assert_true(t[i].pos >= t[i - 1].pos);
    free(big);
    free(data);
}

/* Random strings made of the pieces every rule looks at (and bad bytes): tokens stay in order
 * and inside the input and the text, and kk_normalize agrees with kk_analyzer_text. */
static void test_random_pieces(void **state)
{
    static const char *const pieces[] = {
        "ー", "々", "ヴ", "ァ", "・", "-", "=", "\n", " ", "\u3000", "か", "ヶ", "3", "月",
        "取り", "組み", "\xcc\x81", "\xff", "\xe5", "\xf0\x9f\x98\x80", "\xef\xb7\xba",
        "\xc2\xad", "\xef\xbb\xbf", "ｶ", "ﾞ", "Ａ", "a", "障", "がい", "子供", "ﾜｰｸ", "･",
        "\r", "㍻", "霞", "関", "𠮷", "（", "）",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    uint32_t seed = 42; /* a fixed linear congruential sequence: the same cases on every libc */
    char buf[30 * 8];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0, n = 0, text_len = 0;
        seed = seed * 1664525u + 1013904223u;
        for (uint32_t k = (seed >> 16) % 30; k > 0; k--) {
            seed = seed * 1664525u + 1013904223u;
            const char *p = pieces[(seed >> 16) % npieces];
            memcpy(buf + len, p, strlen(p));
            len += strlen(p);
        }
        const kk_token *t = analyze(*state, buf, len, (seed >> 8) % 8, &n);
        const char *text = kk_analyzer_text(*state, &text_len);
        for (size_t i = 0; i < n; i++) {
            assert_true(t[i].start < t[i].end && t[i].end <= len && t[i].len > 0);
            assert_true(t[i].text >= text && t[i].text + t[i].len <= text + text_len);
            assert_true(i == 0 || t[i].pos > t[i - 1].pos
                        || (t[i].pos == t[i - 1].pos && t[i].kind >= t[i - 1].kind));
        }
        check_source_spans(*state, t, n, len);
        char *out = NULL;
        size_t out_len = 0;
        assert_int_equal(kk_normalize(*state, buf, len, &out, &out_len, NULL), KK_OK);
        assert_int_equal(out_len, text_len);
        assert_memory_equal(out, text, text_len);
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_table),
        cmocka_unit_test(test_same_terms),
        cmocka_unit_test(test_unrelated_text_untouched),
        cmocka_unit_test(test_offsets_exact),
        cmocka_unit_test(test_source_span_table),
        cmocka_unit_test(test_source_span_refuses),
        cmocka_unit_test(test_corpus_properties),
        cmocka_unit_test(test_text_matches_normalize),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty_and_errors),
        cmocka_unit_test(test_reuse_after_long_text),
        cmocka_unit_test(test_long_input),
        cmocka_unit_test(test_random_pieces),
    };
    return cmocka_run_group_tests(tests, kt_analyzer_setup, kt_analyzer_teardown);
}
