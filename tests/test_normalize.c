/* test_normalize.c — tests of kk_normalize: NFKC, line joining and every variant rule.
 *
 * Data-driven: tables of (input, expected normalized text, why) and of (spelling, spelling, why)
 * that must normalize alike or must stay apart, mostly with strings from corpus/mitaka; plus a
 * check of every row of indexer/variants_kanji.tsv and variants_words.tsv. Tokens, positions and
 * offsets are tested in test_analysis.c.
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

/* Normalize s with a; the caller frees the result. */
static char *norm(kk_analyzer *a, const char *s, size_t len)
{
    char *out = NULL;
    size_t out_len = 0;
    kk_error err = {0};
    kk_status st = kk_normalize(a, s, len, &out, &out_len, &err);
    if (st != KK_OK)
        fail_msg("kk_normalize(%s): %s", s, err.message);
    assert_int_equal(strlen(out), out_len);
    return out;
}

static void assert_normalizes_to(kk_analyzer *a, const char *in, const char *expected,
                                 const char *why)
{
    char *got = norm(a, in, strlen(in)), copy[256];
    int same = strcmp(got, expected) == 0;
    snprintf(copy, sizeof copy, "%s", got);
    free(got);
    if (!same)
        fail_msg("normalize [%s]: got [%s], expected [%s] (%s)", in, copy, expected, why);
}

typedef struct norm_case {
    const char *input, *expected, *why;
} norm_case;

static const norm_case normalize_cases[] = {
    {"ＮＰＯ法人", "npo法人", "NFKC folds width, case folding lowercases"},
    {"ＩＣＴ", "ict", "full-width capitals (corpus 000: ＩＣＴ)"},
    {"ﾜｰｸ", "ワーク", "half-width katakana become full-width"},
    {"８０％台", "80%台", "full-width digits and percent"},
    {"㈱三鷹", "(株)三鷹", "compatibility characters expand"},
    {"三鷹市基本\n構想", "三鷹市基本構想", "corpus 001: a line broken inside a word"},
    {"男女平等参画社会の実現を目指し\nます。", "男女平等参画社会の実現を目指します。",
     "corpus 001: a line broken inside a verb"},
    {"「配偶者等暴力対策基本計画」とし\nての", "「配偶者等暴力対策基本計画」としての",
     "corpus 001: break after kana, with punctuation nearby"},
    {"推進を図りつつ、\n市民", "推進を図りつつ、市民", "Japanese punctuation before the break joins"},
    {"（案）\nについて", "(案)について",
     "full-width punctuation joins like kk_join_lines, though NFKC made it ASCII"},
    {"基本\n\n構想", "基本構想", "a blank line inside Japanese text joins too"},
    {"基本 \u3000\n\t構想", "基本構想", "horizontal space around the break goes with it"},
    {"計画\r\n策定", "計画策定", "CRLF line ends"},
    {"体系１\t 創造的な", "体系1 創造的な", "corpus 001: tab and space without a break: one space"},
    {"公債費比率\u3000おおむね", "公債費比率 おおむね", "an ideographic space stays a space"},
    {"plan\n2022", "plan 2022", "a break between Latin characters becomes a space"},
    {"プラン2022\nの策定", "プラン2022 の策定", "a digit on one side: a space, as kk_join_lines"},
    {"  \n 前後の空白 \n ", "前後の空白", "space at either end is dropped"},
    {"a  \t b", "a b", "a run of spaces becomes one"},
    {"", "", "empty input"},
    {"\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd", "invalid bytes become U+FFFD, one per byte"},
    {"三鷹\xe5\x9f", "三鷹\xef\xbf\xbd\xef\xbf\xbd",
     "a truncated sequence: U+FFFD for each byte, as kk_utf8_next"},
    {"ワーク・ライフ・バランス", "ワークライフバランス", "corpus 001: middle dots in a compound"},
    {"ﾜｰｸ･ﾗｲﾌ･ﾊﾞﾗﾝｽ", "ワークライフバランス", "the half-width middle dot too"},
    {"ワーク＝ライフ", "ワークライフ", "full-width = between katakana"},
    {"ワーク‐ライフ", "ワークライフ", "hyphen U+2010 between katakana"},
    {"東京・大阪", "東京・大阪", "a middle dot between kanji stays"},
    {"家庭・職場・地域", "家庭・職場・地域", "corpus 001: lists of kanji words keep their dots"},
    {"コンピューター", "コンピュータ", "long vowel at the end of a long katakana word"},
    {"ｺﾝﾋﾟｭｰﾀｰ", "コンピュータ", "half-width with the half-width long vowel"},
    {"サーバー", "サーバ", "four characters: three stay"},
    {"ユーザー名", "ユーザ名", "the run ends at a kanji"},
    {"キー", "キー", "two characters: kept"},
    {"エラー", "エラー", "three characters: kept (エラ is not a spelling)"},
    {"コーヒー・ショップ", "コーヒーショップ", "joiners go first, so the ー is inside the run"},
    {"ヴァイオリン", "バイオリン", "ヴァ is バ"},
    {"ヴィジョン", "ビジョン", "ヴィ is ビ"},
    {"ヴェール", "ベール", "ヴェ is ベ"},
    {"ヴォランティア", "ボランティア", "ヴォ is ボ"},
    {"ヴ", "ブ", "a lone ヴ is ブ"},
    {"霞ヶ関", "霞ケ関", "small ke between kanji"},
    {"霞ヵ関", "霞ケ関", "small ka between kanji is the same place name"},
    {"３ヶ月", "3ケ月", "a counter after a digit"},
    {"3か月", "3ケ月", "hiragana か as a counter"},
    {"3カ所", "3ケ所", "katakana カ as a counter"},
    {"数か国", "数ケ国", "a kanji numeral"},
    {"ほか所管", "ほか所管", "か after kana is not a counter"},
    {"市が実施", "市が実施", "が between kanji is a particle, never folded"},
    {"髙橋", "高橋", "old-form kanji"},
    {"山﨑", "山崎", "U+FA11 survives NFKC; the table folds it"},
    {"渡邊", "渡辺", "old-form kanji"},
    {"時々", "時時", "iteration mark repeats the kanji"},
    {"人々の意識", "人人の意識", "corpus 000: 人々"},
    {"様々な団体", "様様な団体", "corpus 002: 様々"},
    {"々", "々", "nothing to repeat"},
    {"取り組みます", "取組ます", "corpus 001: okurigana dropped"},
    {"取り組む", "取組む", "verb stem"},
    {"お問い合わせ", "お問合", "bulletin: 問い合わせ"},
    {"障がい者", "障害者", "corpus 003: 障がい者"},
    {"子ども・子育て支援", "子ども・子育て支援", "corpus 002: canonical already"},
    {"子供", "子ども", "子供 folds to the municipal form"},
    {"一人ひとり", "一人一人", "corpus 001"},
    {"組合", "組合", "組合 (a union) is not 組み合わせ"},
    {"組み合わせ", "組合せ", "so 組み合わせ folds to 組合せ"},
    {"買い替え", "買い替え", "買い alone is not 買い物"},
    {"見積もも", "見積もも", "no stem key swallows a particle (見積も)"},
    /* Characters ICU passes as they are go around it; the piece from one of them up to the next
     * goes through ICU whole, so it must be cut where a character combines with the one before. */
    {"漢か\u3099字", "漢が字", "か and a combining voiced mark go through ICU together"},
    {"cafe\u0301", "café", "a letter and a combining accent compose"},
    {"漢Ａ\u0301字", "漢á字", "a full-width letter folds, then composes with the accent after it"},
    {"令和２年", "令和2年", "a full-width digit between characters ICU passes"},
    {"Ａ\u3000Ｂ", "a b", "a piece of characters ICU changes, one after another"},
    /* The variant rules work in place: later characters move back as earlier ones go. */
    {"サーバー・サーバー", "サーバーサーバ", "the dot goes first: only the last ー ends a run"},
    {"ーーーー", "ーーー", "a run of long vowels alone is a katakana run"},
    {"キー、サーバー", "キー、サーバ", "a kept ー, then a dropped one"},
    {"ヴァイオリンの子供たちのサーバー", "バイオリンの子どもたちのサーバ",
     "one rule shortens the text, another lengthens it, a third shortens it again"},
    {"取り組みと申し込み", "取組と申込", "two word variants in one text"},
};

static void test_normalize_table(void **state)
{
    for (size_t i = 0; i < sizeof normalize_cases / sizeof normalize_cases[0]; i++) {
        const norm_case *c = &normalize_cases[i];
        assert_normalizes_to(*state, c->input, c->expected, c->why);
    }
}

typedef struct pair_case {
    const char *a, *b, *why;
} pair_case;

/* Spellings the product must treat as one. */
static const pair_case same_cases[] = {
    {"ＮＰＯ法人", "NPO法人", "width"},
    {"ワーク・ライフ・バランス", "ワークライフバランス", "middle dots"},
    {"コンピューター", "コンピュータ", "long vowel"},
    {"ヴァイオリン", "バイオリン", "small kana"},
    {"髙橋", "高橋", "old kanji"},
    {"時々", "時時", "iteration mark"},
    {"取り組み", "取組み", "okurigana"},
    {"取り組み", "取組", "okurigana"},
    {"申し込み", "申込み", "okurigana"},
    {"申し込み", "申込", "okurigana"},
    {"買い物", "買物", "okurigana"},
    {"障害", "障がい", "spelling"},
    {"障害", "障碍", "spelling"},
    {"子ども", "子供", "spelling"},
    {"霞ヶ関", "霞ケ関", "small ke"},
    {"3ヶ月", "３か月", "counter"},
    {"受け付けます", "受付けます", "okurigana in a verb form"},
    {"取り扱い", "取扱い", "okurigana"},
    {"手続き", "手続", "okurigana"},
    {"問い合わせ先", "問合せ先", "bulletin: 問い合わせ and 問合せ"},
    {"三鷹市基本\n構想", "三鷹市基本構想", "broken line"},
    {"取り\n組み", "取組", "a word broken across lines is folded whole"},
};

/* Spellings that must stay apart: a rule must not fire where it does not apply. */
static const pair_case apart_cases[] = {
    {"組合", "組み合わせ", "組合 is a union"},
    {"東京・大阪", "東京大阪", "middle dot between kanji"},
    {"キー", "キ", "short katakana words keep ー"},
    {"子ども", "子", "the table matches whole keys only"},
    {"障害", "障", "the table matches whole keys only"},
    {"取組", "取", "the table matches whole keys only"},
};

static void test_same_spellings(void **state)
{
    for (size_t i = 0; i < sizeof same_cases / sizeof same_cases[0]; i++) {
        const pair_case *c = &same_cases[i];
        char *x = norm(*state, c->a, strlen(c->a)), *y = norm(*state, c->b, strlen(c->b));
        if (strcmp(x, y) != 0)
            fail_msg("[%s] → [%s] but [%s] → [%s] (%s)", c->a, x, c->b, y, c->why);
        free(x);
        free(y);
    }
}

static void test_apart_spellings(void **state)
{
    for (size_t i = 0; i < sizeof apart_cases / sizeof apart_cases[0]; i++) {
        const pair_case *c = &apart_cases[i];
        char *x = norm(*state, c->a, strlen(c->a)), *y = norm(*state, c->b, strlen(c->b));
        if (strcmp(x, y) == 0)
            fail_msg("[%s] and [%s] both → [%s] (%s)", c->a, c->b, x, c->why);
        free(x);
        free(y);
    }
}

/* Read a file of the source tree into a NUL-terminated string. */
static char *read_source(const char *relative)
{
    const char *dir = getenv("KK_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "..", relative);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (set KK_SOURCE_DIR)", path);
    static char data[1 << 16];
    size_t n = fread(data, 1, sizeof data - 1, f);
    fclose(f);
    data[n] = '\0';
    char *copy = malloc(n + 1);
    assert_non_null(copy);
    memcpy(copy, data, n + 1);
    return copy;
}

/* Check every row of a variants table: each variant normalizes to the canonical form, which is
 * a fixed point. Returns the number of variants checked. */
static size_t check_table(kk_analyzer *a, const char *relative)
{
    char *data = read_source(relative);
    size_t checked = 0;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        assert_non_null(tab2);
        *tab1 = *tab2 = '\0';
        assert_normalizes_to(a, line, line, "a canonical form is a fixed point");
        for (char *v = tab1 + 1; *v;) {
            size_t n = strcspn(v, " ");
            char *got = norm(a, v, n);
            if (strcmp(got, line) != 0)
                fail_msg("%s: [%.*s] → [%s], expected [%s]", relative, (int)n, v, got, line);
            free(got);
            checked++;
            v += n + (v[n] == ' ');
        }
    }
    free(data);
    return checked;
}

static void test_kanji_table(void **state)
{
    assert_true(check_table(*state, "indexer/variants_kanji.tsv") >= 50);
}

static void test_words_table(void **state)
{
    assert_true(check_table(*state, "indexer/variants_words.tsv") >= 100);
}

static void test_embedded_nul_and_errors(void **state)
{
    char *out = NULL;
    size_t len = 0;
    kk_error err = {0};
    assert_int_equal(kk_normalize(*state, "a\0b", 3, &out, &len, &err), KK_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(out, "a\0b", 3);
    free(out);
    assert_int_equal(kk_normalize(*state, NULL, 0, &out, &len, &err), KK_OK);
    assert_int_equal(len, 0);
    free(out);
    assert_int_equal(kk_normalize(*state, NULL, 5, &out, &len, &err), KK_EINVAL);
    assert_null(out);
    assert_true(strlen(err.message) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_table),
        cmocka_unit_test(test_same_spellings),
        cmocka_unit_test(test_apart_spellings),
        cmocka_unit_test(test_kanji_table),
        cmocka_unit_test(test_words_table),
        cmocka_unit_test(test_embedded_nul_and_errors),
    };
    return cmocka_run_group_tests(tests, kt_analyzer_setup, kt_analyzer_teardown);
}
