/* variants.c — keikaku's variant folding: spellings that mean the same become the same characters.
 *
 * Owns the rules applied after NFKC_Casefold and line joining (normalize.c), in this order:
 *   1. characters: old and variant kanji (variants_kanji.tsv); ヴァ ヴィ ヴ ヴェ ヴォ → バ ビ ブ ベ ボ;
 *      ヶ ヵ → ケ カ, and ケ for any of ヶ ヵ ケ between two kanji (霞ヶ関 = 霞ケ関) or, with か and
 *      カ too, between a numeral and a counter (3か月 = 3ヶ月 = 3カ月); 々 → the kanji before it;
 *   2. joiners: a middle dot, hyphen, dash or = between two katakana is removed
 *      (ワーク・ライフ・バランス = ワークライフバランス);
 *   3. long vowels: ー ending a katakana run is dropped when at least three characters remain
 *      (コンピューター = コンピュータ, サーバー = サーバ, but キー and エラー stay): the JIS Z 8301
 *      habit of dropping it concerns long words, and 2-character stubs (コピ, カバ) would be spellings
 *      nobody uses that collide with other words;
 *   4. words: administrative okurigana and spelling variants (variants_words.tsv), longest match.
 * Joiners go before long vowels so that コーヒー・ショップ and コーヒーショップ agree.
 * Every rule maps characters to characters with their input ranges; it never sees bytes, ICU or
 * tokens. The data lives in the .tsv files; this file only says how it is applied.
 *
 * Cost: the rules run on every passage indexed and every hit shown, and most characters are left
 * alone by all of them, so rules 1 to 3 (which never lengthen the text) work in place and touch a
 * character only where a rule may apply to it, and rule 4 copies the text only once a word folds.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
    KANA_SMALL_A = 0x30A1, KANA_SMALL_I = 0x30A3, KANA_SMALL_E = 0x30A7, KANA_SMALL_O = 0x30A9,
    KANA_KA = 0x30AB, KANA_KE = 0x30B1, KANA_BA = 0x30D0, KANA_BI = 0x30D3, KANA_BU = 0x30D6,
    KANA_BE = 0x30D9, KANA_BO = 0x30DC, KANA_VU = 0x30F4, KANA_SMALL_KA = 0x30F5,
    KANA_SMALL_KE = 0x30F6, KANA_LONG = 0x30FC, HIRA_KA = 0x304B, ITERATION_MARK = 0x3005
};

/* What kk_variants.rules says of a character: which rules may act on it. Characters beyond the
 * BMP are not in the table and are looked up as variant kanji and word beginnings. */
enum {
    RULE_KANJI = 1u << 0,  /* rule 1: a variant kanji */
    RULE_CHAR = 1u << 1,   /* rule 1: ヴ, 々, ヶ, ヵ, and カ or か (3か月) */
    RULE_JOINER = 1u << 2, /* rule 2 */
    RULE_LONG = 1u << 3,   /* rule 3: ー */
    RULE_WORD = 1u << 4    /* rule 4: the first character of some word variant */
};

static inline unsigned rules_of(const kk_variants *v, int32_t c)
{
    return c < 0x10000 ? v->rules[c] : RULE_KANJI | RULE_WORD;
}

static int is_kanji(int32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

static inline int is_katakana(int32_t c)
{
    return (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FE)
        || (c >= 0x31F0 && c <= 0x31FF);
}

/* Characters that join the parts of a katakana compound (after NFKC: ･ is ・, － is -, ＝ is =). */
static int is_joiner(int32_t c)
{
    return c == 0x30FB || c == '-' || c == '=' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212
        || c == 0x30A0;
}

/* A numeral that can precede a counter written with ケ: 3ヶ月, 一か所, 数か国. */
static int is_numeral(int32_t c)
{
    static const int32_t numerals[] = {0x4E00 /* 一 */, 0x4E8C /* 二 */, 0x4E09 /* 三 */,
                                       0x56DB /* 四 */, 0x4E94 /* 五 */, 0x516D /* 六 */,
                                       0x4E03 /* 七 */, 0x516B /* 八 */, 0x4E5D /* 九 */,
                                       0x5341 /* 十 */, 0x767E /* 百 */, 0x5343 /* 千 */,
                                       0x6570 /* 数 */};
    if (c >= '0' && c <= '9')
        return 1;
    for (size_t i = 0; i < sizeof numerals / sizeof *numerals; i++)
        if (numerals[i] == c)
            return 1;
    return 0;
}

/* A counter written after ケ: 月 (months), 所 (places), 国 (countries), 年 (years), 条 (articles). */
static int is_counter(int32_t c)
{
    return c == 0x6708 || c == 0x6240 || c == 0x56FD || c == 0x5E74 || c == 0x6761;
}

/* ---- decoding the tables ------------------------------------------------------------------ */

/* Decode UTF-8 s into pool at *used; returns the number of code points. */
static uint32_t decode_into(const char *s, int32_t *pool, size_t *used)
{
    size_t n = strlen(s), i = 0;
    uint32_t count = 0;
    while (i < n) {
        pool[(*used)++] = kk_utf8_next(s, n, &i);
        count++;
    }
    return count;
}

static int compare_kanji(const void *x, const void *y)
{
    int32_t a = ((const int32_t *)x)[0], b = ((const int32_t *)y)[0];
    return (a > b) - (a < b);
}

/* Sorted by first character, then longest key first, so the first full match is the longest. */
static int compare_words(const void *x, const void *y)
{
    const kk_word_variant *a = x, *b = y;
    if (a->first != b->first)
        return (a->first > b->first) - (a->first < b->first);
    return (a->key_len < b->key_len) - (a->key_len > b->key_len);
}

static kk_status init_kanji(kk_variants *v, kk_error *err)
{
    v->kanji = calloc(kk_variants_kanji_count + 1, sizeof *v->kanji);
    if (!v->kanji)
        return kk_error_set(err, KK_ENOMEM, "analysis: out of memory loading variant kanji");
    for (size_t i = 0; i < kk_variants_kanji_count; i++) {
        const kk_variant_pair *p = &kk_variants_kanji[i];
        size_t j = 0, k = 0;
        v->kanji[i][0] = kk_utf8_next(p->variant, strlen(p->variant), &j);
        v->kanji[i][1] = kk_utf8_next(p->canonical, strlen(p->canonical), &k);
        if (p->variant[j] || p->canonical[k])
            return kk_error_set(err, KK_EINTERNAL, "analysis: variant kanji %s → %s is not one "
                                "character each", p->variant, p->canonical);
    }
    v->kanji_count = kk_variants_kanji_count;
    qsort(v->kanji, v->kanji_count, sizeof *v->kanji, compare_kanji);
    for (size_t i = 0; i < v->kanji_count; i++)
        if (v->kanji[i][0] < 0x10000)
            v->rules[v->kanji[i][0]] |= RULE_KANJI;
    return KK_OK;
}

/* The rules that act on characters the tables do not list. ケ is not among them: fold_ke leaves it
 * as it is. */
static void init_char_rules(kk_variants *v)
{
    static const int32_t kana[] = {KANA_VU, ITERATION_MARK, KANA_SMALL_KE, KANA_SMALL_KA, KANA_KA,
                                   HIRA_KA};
    for (size_t i = 0; i < sizeof kana / sizeof *kana; i++)
        v->rules[kana[i]] |= RULE_CHAR;
    for (int32_t c = 0; c < 0x10000; c++) {
        v->rules[c] |= is_joiner(c) ? RULE_JOINER : 0;
        v->rules[c] |= c == KANA_LONG ? RULE_LONG : 0;
    }
}

static kk_status init_words(kk_variants *v, kk_error *err)
{
    size_t bytes = 0, used = 0;
    for (size_t i = 0; i < kk_variants_words_count; i++)
        bytes += strlen(kk_variants_words[i].variant) + strlen(kk_variants_words[i].canonical);
    v->words = calloc(kk_variants_words_count + 1, sizeof *v->words);
    v->pool = calloc(bytes + 1, sizeof *v->pool); /* a code point takes at least one byte */
    if (!v->words || !v->pool)
        return kk_error_set(err, KK_ENOMEM, "analysis: out of memory loading variant words");
    for (size_t i = 0; i < kk_variants_words_count; i++) {
        kk_word_variant *w = &v->words[i];
        w->key = (uint32_t)used;
        w->key_len = decode_into(kk_variants_words[i].variant, v->pool, &used);
        w->value = (uint32_t)used;
        w->value_len = decode_into(kk_variants_words[i].canonical, v->pool, &used);
        if (w->key_len == 0)
            return kk_error_set(err, KK_EINTERNAL, "analysis: empty variant word");
        w->first = v->pool[w->key];
        if (w->first < 0x10000)
            v->rules[w->first] |= RULE_WORD;
    }
    v->words_count = kk_variants_words_count;
    qsort(v->words, v->words_count, sizeof *v->words, compare_words);
    return KK_OK;
}

kk_status kk_variants_init(kk_variants *v, kk_error *err)
{
    memset(v, 0, sizeof *v);
    kk_status s = init_kanji(v, err);
    if (s == KK_OK)
        init_char_rules(v);
    if (s == KK_OK)
        s = init_words(v, err);
    if (s != KK_OK)
        kk_variants_free(v);
    return s;
}

void kk_variants_free(kk_variants *v)
{
    free(v->kanji);
    free(v->words);
    free(v->pool);
    memset(v, 0, sizeof *v);
}

/* ---- rule 1: characters ---------------------------------------------------------------- */

/* Most characters have no variant: the rules table answers for them without a search. */
static int32_t fold_kanji(const kk_variants *v, int32_t c)
{
    if (!(rules_of(v, c) & RULE_KANJI))
        return c;
    int32_t key[2] = {c, 0};
    const int32_t(*hit)[2] = bsearch(key, v->kanji, v->kanji_count, sizeof *v->kanji,
                                     compare_kanji);
    return hit ? (*hit)[1] : c;
}

/* バ ビ ベ ボ for ヴ followed by the small vowel s, or 0. */
static int32_t fold_vu(int32_t s)
{
    switch (s) {
    case KANA_SMALL_A: return KANA_BA;
    case KANA_SMALL_I: return KANA_BI;
    case KANA_SMALL_E: return KANA_BE;
    case KANA_SMALL_O: return KANA_BO;
    default: return 0;
    }
}

/* The folded form of a ka/ke character c between prev (already folded) and next. */
static int32_t fold_ke(int32_t c, int32_t prev, int32_t next)
{
    int ke_like = c == KANA_SMALL_KE || c == KANA_SMALL_KA || c == KANA_KE;
    if (ke_like && is_kanji(prev) && is_kanji(next))
        return KANA_KE;
    if ((ke_like || c == KANA_KA || c == HIRA_KA) && is_numeral(prev) && is_counter(next))
        return KANA_KE;
    if (c == KANA_SMALL_KE)
        return KANA_KE;
    return c == KANA_SMALL_KA ? KANA_KA : c;
}

/* ---- moving through the text -------------------------------------------------------------- */

/* The index of the first character of s at or after i on which one of the rules may act. */
static inline size_t next_with(const kk_variants *v, const kk_chars *s, size_t i, unsigned rules)
{
    const kk_char *ch = s->v;
    size_t n = s->len;
    while (i < n && !(rules_of(v, ch[i].c) & rules))
        i++;
    return i;
}

/* Move the characters [from, to) of s, which no rule changes, to w (the rules in place only ever
 * shorten the text, so w <= from); returns the new end of the result. */
static size_t keep(kk_chars *s, size_t w, size_t from, size_t to)
{
    if (w != from)
        memmove(s->v + w, s->v + from, (to - from) * sizeof *s->v);
    return w + (to - from);
}

/* Rule 1 for the character at s->v[*i] after prev (already folded); *i moves on past a small
 * vowel that ヴ takes with it. */
static kk_char fold_char(const kk_variants *v, const kk_chars *s, size_t *i, int32_t prev)
{
    kk_char ch = s->v[*i];
    int32_t next = *i + 1 < s->len ? s->v[*i + 1].c : 0;
    if (ch.c == KANA_VU) {
        int32_t b = fold_vu(next);
        ch.c = b ? b : KANA_BU;
        if (b)
            ch.end = s->v[++*i].end;
    } else if (ch.c == ITERATION_MARK && is_kanji(prev)) {
        ch.c = prev;
    } else if (ch.c == KANA_SMALL_KE || ch.c == KANA_SMALL_KA || ch.c == KANA_KE
               || ch.c == KANA_KA || ch.c == HIRA_KA) {
        ch.c = fold_ke(ch.c, prev, next);
    } else {
        ch.c = fold_kanji(v, ch.c);
    }
    return ch;
}

/* The index of the first character of s at or after i that rule 1 may change, or s->len; the
 * rules that may act on the characters passed over are added to *seen. */
static inline size_t next_for_rule1(const kk_variants *v, const kk_chars *s, size_t i,
                                    unsigned *seen)
{
    const kk_char *ch = s->v;
    size_t n = s->len;
    unsigned any = *seen;
    for (; i < n; i++) {
        unsigned r = rules_of(v, ch[i].c);
        if (r & (RULE_KANJI | RULE_CHAR))
            break;
        any |= r;
    }
    *seen = any;
    return i;
}

/* Rule 1 in place (ヴァ → バ is the only change of length, and shortens). Returns the rules that
 * may act on the result, for the later ones to be skipped where they have nothing to do. */
static unsigned fold_chars(const kk_variants *v, kk_chars *s)
{
    size_t w = 0, i = 0;
    unsigned seen = 0;
    for (;;) {
        size_t next = next_for_rule1(v, s, i, &seen);
        w = keep(s, w, i, next);
        if (next == s->len)
            break;
        i = next;
        s->v[w] = fold_char(v, s, &i, w ? s->v[w - 1].c : 0);
        seen |= rules_of(v, s->v[w].c);
        w++, i++;
    }
    s->len = w;
    return seen;
}

/* ---- rules 2 and 3: katakana compounds and long vowels ----------------------------------- */

/* Rule 2 in place: a joiner between two katakana goes. */
static void drop_joiners(const kk_variants *v, kk_chars *s)
{
    size_t w = 0, i = 0;
    for (;;) {
        size_t next = next_with(v, s, i, RULE_JOINER);
        w = keep(s, w, i, next);
        if (next == s->len)
            break;
        i = next;
        if (!(w && is_katakana(s->v[w - 1].c) && i + 1 < s->len && is_katakana(s->v[i + 1].c)))
            s->v[w++] = s->v[i];
        i++;
    }
    s->len = w;
}

/* A run must be this long, ー included, for its final ー to go: three characters stay. */
#define LONG_VOWEL_MIN_RUN 4

/* 1 if the katakana run of s->v[0, w) followed by one more katakana is long enough. A dropped ー
 * ended its run, so the run before w holds no dropped character: it is the input's run. */
static int long_run_before(const kk_chars *s, size_t w)
{
    size_t run = 1;
    while (run < LONG_VOWEL_MIN_RUN && run <= w && is_katakana(s->v[w - run].c))
        run++;
    return run >= LONG_VOWEL_MIN_RUN;
}

/* Rule 3 in place: a ー that ends a long enough katakana run goes. */
static void drop_long_vowels(const kk_variants *v, kk_chars *s)
{
    size_t w = 0, i = 0;
    for (;;) {
        size_t next = next_with(v, s, i, RULE_LONG);
        w = keep(s, w, i, next);
        if (next == s->len)
            break;
        i = next;
        int ends_run = i + 1 == s->len || !is_katakana(s->v[i + 1].c);
        if (!(ends_run && long_run_before(s, w)))
            s->v[w++] = s->v[i];
        i++;
    }
    s->len = w;
}

/* ---- rule 4: words ----------------------------------------------------------------------- */

/* Index of the longest word variant whose key matches in at i, or -1. */
static long match_word(const kk_variants *v, const kk_chars *in, size_t i)
{
    int32_t c = in->v[i].c;
    if (!(rules_of(v, c) & RULE_WORD))
        return -1;
    size_t lo = 0, hi = v->words_count;
    while (lo < hi) { /* first entry whose first character is >= c */
        size_t mid = lo + (hi - lo) / 2;
        if (v->words[mid].first < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < v->words_count && v->words[k].first == c; k++) {
        const kk_word_variant *w = &v->words[k];
        if (w->key_len > in->len - i)
            continue;
        size_t j = 1;
        while (j < w->key_len && in->v[i + j].c == v->pool[w->key + j])
            j++;
        if (j == w->key_len)
            return (long)k;
    }
    return -1;
}

/* Append to out, which has room, the canonical form of word variant w found at in->v[i], each of
 * its characters covering the input of the whole variant. */
static void put_canonical(const kk_variants *v, const kk_word_variant *w, const kk_chars *in,
                          size_t i, kk_chars *out)
{
    uint32_t start = in->v[i].start, end = in->v[i].end;
    for (size_t j = 1; j < w->key_len; j++) {
        start = in->v[i + j].start < start ? in->v[i + j].start : start;
        end = in->v[i + j].end > end ? in->v[i + j].end : end;
    }
    for (size_t j = 0; j < w->value_len; j++)
        out->v[out->len++] = (kk_char){v->pool[w->value + j], start, end};
}

/* The index of the first word variant in s at or after i (*k: which), or s->len. */
static size_t next_word(const kk_variants *v, const kk_chars *s, size_t i, long *k)
{
    for (;; i++) {
        i = next_with(v, s, i, RULE_WORD);
        if (i == s->len || (*k = match_word(v, s, i)) >= 0)
            return i;
    }
}

/* Append in->v[from, to) to out, which has room. */
static void append(kk_chars *out, const kk_chars *in, size_t from, size_t to)
{
    memcpy(out->v + out->len, in->v + from, (to - from) * sizeof *in->v);
    out->len += to - from;
}

/* Rule 4 from in to out, then the two swapped: a canonical form may be longer than its variant
 * (子供 → 子ども). A text where no word folds is left in place, uncopied. */
static kk_status fold_words(const kk_variants *v, kk_chars *in, kk_chars *out)
{
    long k = -1;
    size_t i = next_word(v, in, 0, &k);
    if (i == in->len)
        return KK_OK;
    out->len = 0;
    if (kk_chars_reserve(out, in->len) != KK_OK)
        return KK_ENOMEM;
    append(out, in, 0, i);
    /* out has room for the rest of in copied one for one; a canonical form makes more. */
    while (i < in->len) {
        const kk_word_variant *w = &v->words[k];
        if (kk_chars_reserve(out, w->value_len + (in->len - i)) != KK_OK)
            return KK_ENOMEM;
        put_canonical(v, w, in, i, out);
        size_t next = next_word(v, in, i + w->key_len, &k);
        append(out, in, i + w->key_len, next);
        i = next;
    }
    kk_chars t = *in;
    *in = *out;
    *out = t;
    return KK_OK;
}

/* ---- all rules ------------------------------------------------------------------------------ */

kk_status kk_variants_fold(const kk_variants *v, kk_chars *in, kk_chars *scratch)
{
    /* Rules 2 and 3 only drop characters, so what rule 1 saw is all the later rules can meet. */
    unsigned seen = fold_chars(v, in);
    if (seen & RULE_JOINER)
        drop_joiners(v, in);
    if (seen & RULE_LONG)
        drop_long_vowels(v, in);
    return seen & RULE_WORD ? fold_words(v, in, scratch) : KK_OK;
}
