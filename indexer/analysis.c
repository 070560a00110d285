/* analysis.c — the analyzer: ICU handles and buffers, and the tokens made from normalized text.
 *
 * Owns kk_analyzer (its ICU normalizer and word break iterator, the decoded variant tables, the
 * stop list and every buffer, all reused across calls so that analysing a passage allocates
 * nothing once the buffers have grown) and step 3 of kk_analysis.h: ICU words (stop words marked)
 * and CJK grams with positions and input byte ranges, and the way back from normalized text to
 * input bytes for a caller that searches the text itself. Normalization and variant folding are
 * in normalize.c and variants.c, the stop list in stopwords.c.
 *
 * Token texts are not copied: every token is a substring of the normalized text, so its text
 * points into a->text, which is built in full before the first token is made.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/utf16.h>

kk_status kk_analyzer_new(kk_analyzer **out, kk_error *err)
{
    *out = NULL;
    kk_analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return kk_error_set(err, KK_ENOMEM, "analysis: out of memory creating an analyzer");
    kk_status s = kk_variants_init(&a->variants, err);
    if (s == KK_OK && kk_buf_add(&a->text, "", 0) != KK_OK)
        s = kk_error_set(err, KK_ENOMEM, "analysis: out of memory creating an analyzer");
    UErrorCode st = U_ZERO_ERROR;
    if (s == KK_OK) {
        a->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
        if (U_SUCCESS(st))
            a->words = ubrk_open(UBRK_WORD, "ja", NULL, 0, &st);
        if (U_FAILURE(st))
            s = kk_error_set(err, KK_EINTERNAL, "analysis: cannot load ICU data: %s",
                             u_errorName(st));
    }
    if (s == KK_OK) /* last: its words are normalized by this analyzer */
        s = kk_stopwords_init(a, kk_builtin_stopwords, kk_builtin_stopwords_len, err);
    if (s != KK_OK) {
        kk_analyzer_free(a);
        return s;
    }
    *out = a;
    return KK_OK;
}

void kk_analyzer_free(kk_analyzer *a)
{
    if (!a)
        return;
    if (a->words)
        ubrk_close(a->words);
    kk_variants_free(&a->variants);
    kk_stopwords_free(&a->stopwords);
    free(a->in16);
    free(a->in16_byte);
    free(a->seg16);
    kk_chars_free(&a->chars);
    kk_chars_free(&a->scratch);
    kk_buf_free(&a->text);
    free(a->char_byte);
    free(a->text16);
    free(a->text16_char);
    free(a->tokens);
    free(a->grams);
    free(a);
}

/* ---- the normalized text in UTF-8 and UTF-16 ---------------------------------------------- */

/* kk_utf8_put, with the commonest lengths written here: this runs on every character analysed. */
static inline size_t put_char(int32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c >= 0x800 && c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    return kk_utf8_put(c, out);
}

/* Write a->chars as UTF-8 into a->text, with the byte offset of every character (and of the end)
 * in a->char_byte. */
static kk_status build_utf8(kk_analyzer *a)
{
    size_t n = a->chars.len;
    if (kk_analysis_grow((void **)&a->text.data, &a->text.cap, 4 * n + 1, 1) != KK_OK
        || kk_analysis_grow((void **)&a->char_byte, &a->char_byte_cap, n + 1,
                            sizeof *a->char_byte) != KK_OK)
        return KK_ENOMEM;
    /* Locals: the bytes written could alias anything reached through a. */
    const kk_char *ch = a->chars.v;
    uint32_t *char_byte = a->char_byte;
    char *out = a->text.data;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        char_byte[i] = (uint32_t)len;
        len += put_char(ch[i].c, out + len);
    }
    char_byte[n] = (uint32_t)len;
    a->text.data[len] = '\0';
    a->text.len = len;
    return KK_OK;
}

/* Write a->chars as UTF-16 into a->text16, with the character index of every unit (and of the
 * end) in a->text16_char; *len16 receives the number of units. */
static kk_status build_utf16(kk_analyzer *a, size_t *len16)
{
    size_t n = a->chars.len, cap = a->text16_cap;
    if (kk_analysis_grow((void **)&a->text16, &cap, 2 * n + 1, sizeof *a->text16) != KK_OK
        || kk_analysis_grow((void **)&a->text16_char, &a->text16_cap, 2 * n + 1,
                            sizeof *a->text16_char) != KK_OK)
        return KK_ENOMEM;
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = a->chars.v[i].c;
        a->text16_char[u] = (uint32_t)i;
        if (c >= 0x10000) {
            a->text16[u++] = U16_LEAD(c);
            a->text16_char[u] = (uint32_t)i;
            a->text16[u++] = U16_TRAIL(c);
        } else {
            a->text16[u++] = (UChar)c;
        }
    }
    a->text16_char[u] = (uint32_t)n;
    *len16 = u;
    return KK_OK;
}

/* ---- tokens -------------------------------------------------------------------------------- */

/* A token over characters [from, to) of the normalized text. */
static kk_token make_token(const kk_analyzer *a, size_t from, size_t to, kk_token_kind kind)
{
    kk_token t = {0};
    t.text = a->text.data + a->char_byte[from];
    t.len = a->char_byte[to] - a->char_byte[from];
    t.pos = (unsigned)from + 1;
    t.start = a->chars.v[from].start;
    t.end = a->chars.v[from].end;
    t.kind = (unsigned char)kind;
    t.cjk = 1;
    for (size_t i = from; i < to; i++) {
        const kk_char *ch = &a->chars.v[i];
        t.start = ch->start < t.start ? ch->start : t.start;
        t.end = ch->end > t.end ? ch->end : t.end;
        t.cjk &= kk_is_cjk(ch->c) != 0;
    }
    return t;
}

static kk_status add_token(kk_token **v, size_t *len, size_t *cap, kk_token t)
{
    if (*len == *cap && kk_analysis_grow((void **)v, cap, *len + 1, sizeof **v) != KK_OK)
        return KK_ENOMEM;
    (*v)[(*len)++] = t;
    return KK_OK;
}

/* Bigrams are made over kanji and katakana only. Hiragana is what the dictionary segments well
 * (particles, okurigana, words like いじめ), so ICU words cover it; its bigrams (の結, ます, して)
 * were a third of all postings and told a search almost nothing. Asked of every character, so
 * the commonest answers (the main kanji block, katakana, hiragana, everything below 々) come
 * first. */
static inline int is_gram_char(int c)
{
    if (c >= 0x4E00 && c <= 0x9FFF)
        return 1;
    if (c >= 0x30A1 && c <= 0x30FA)
        return 1;
    if (c < 0x3005 || (c >= 0x3041 && c <= 0x309F))
        return 0;
    return kk_is_cjk(c);
}

/* make_token for a gram over characters [from, to) of a CJK run: every gram character is
 * kk_is_cjk, so the token is cjk without asking again. */
static inline kk_token make_gram(const kk_analyzer *a, size_t from, size_t to)
{
    const kk_char *ch = &a->chars.v[from];
    kk_token t = {0};
    t.text = a->text.data + a->char_byte[from];
    t.len = a->char_byte[to] - a->char_byte[from];
    t.pos = (unsigned)from + 1;
    t.start = ch[0].start;
    t.end = ch[0].end;
    t.kind = KK_TOKEN_GRAM;
    t.cjk = 1;
    if (to - from == 2) {
        t.start = ch[1].start < t.start ? ch[1].start : t.start;
        t.end = ch[1].end > t.end ? ch[1].end : t.end;
    }
    return t;
}

/* The grams of the CJK run [from, to) into a->grams (see KK_ANALYZE_GRAMS and _QUERY). */
static kk_status add_run_grams(kk_analyzer *a, size_t from, size_t to, unsigned flags)
{
    int query = (flags & KK_ANALYZE_QUERY) != 0;
    size_t count = (to - from - 1) + (!query || to - from == 1);
    if (kk_analysis_grow((void **)&a->grams, &a->grams_cap, a->grams_len + count,
                         sizeof *a->grams) != KK_OK)
        return KK_ENOMEM;
    for (size_t i = from; i + 1 < to; i++)
        a->grams[a->grams_len++] = make_gram(a, i, i + 2);
    if (!query || to - from == 1) {
        kk_token t = make_gram(a, to - 1, to);
        t.prefix = (unsigned char)query;
        a->grams[a->grams_len++] = t;
    }
    return KK_OK;
}

int kk_token_is_particle(const kk_token *t)
{
    if (t->kind != KK_TOKEN_WORD || t->len != 3) /* one hiragana character is 3 bytes */
        return 0;
    size_t i = 0;
    int c = kk_utf8_next(t->text, t->len, &i);
    return i == t->len && c >= 0x3041 && c <= 0x309F;
}

int kk_token_is_indexed(const kk_token *t)
{
    return !t->stop && !kk_token_is_particle(t);
}

static kk_status make_grams(kk_analyzer *a, unsigned flags)
{
    a->grams_len = 0;
    const kk_char *ch = a->chars.v;
    size_t n = a->chars.len, i = 0;
    while (i < n) {
        if (!is_gram_char(ch[i].c)) {
            i++;
            continue;
        }
        size_t run = i;
        while (i < n && is_gram_char(ch[i].c))
            i++;
        if (add_run_grams(a, run, i, flags) != KK_OK)
            return KK_ENOMEM;
    }
    return KK_OK;
}

/* Move the grams before position pos (all if pos is 0) from a->grams[*next..] to the tokens,
 * leaving out those dropped (len 0) by drop_covered_unigram. */
static kk_status flush_grams(kk_analyzer *a, size_t *next, unsigned pos)
{
    for (; *next < a->grams_len && (pos == 0 || a->grams[*next].pos < pos); (*next)++)
        if (a->grams[*next].len > 0
            && add_token(&a->tokens, &a->tokens_len, &a->tokens_cap, a->grams[*next]) != KK_OK)
            return KK_ENOMEM;
    return KK_OK;
}

/* A run's trailing unigram exists so that its last character can be found (as a prefix of some
 * gram); when ICU made that character a word of its own (品川|区), the word already finds it and
 * the unigram is dropped: run ends are frequent, and these unigrams were a tenth of all terms. */
static void drop_covered_unigram(kk_analyzer *a, size_t next, const kk_token *word)
{
    for (size_t j = next; j < a->grams_len && a->grams[j].pos <= word->pos; j++) {
        kk_token *g = &a->grams[j];
        if (g->pos == word->pos && g->len == word->len && memcmp(g->text, word->text, g->len) == 0)
            g->len = 0;
    }
}

/* Without words the tokens are the grams, none of them dropped (drop_covered_unigram needs a
 * word): the two arrays trade places rather than the grams being copied. */
static void grams_as_tokens(kk_analyzer *a)
{
    kk_token *v = a->tokens;
    size_t cap = a->tokens_cap;
    a->tokens = a->grams;
    a->tokens_cap = a->grams_cap;
    a->tokens_len = a->grams_len;
    a->grams = v;
    a->grams_cap = cap;
    a->grams_len = 0;
}

/* kk_token.stop for word t over characters [from, to): a stop word that is neither a particle
 * (left out already) nor one or two kanji/katakana (their terms also find the characters). */
static int is_stop(const kk_analyzer *a, const kk_token *t, size_t from, size_t to)
{
    if (t->bigram || (to - from == 1 && is_gram_char(a->chars.v[from].c))
        || kk_token_is_particle(t))
        return 0;
    return kk_analyzer_is_stopword(a, t->text, t->len);
}

/* The ICU words of the text, merged with a->grams in order of position (words first). */
static kk_status make_tokens(kk_analyzer *a, size_t len16, unsigned flags)
{
    size_t next_gram = 0;
    a->tokens_len = 0;
    if (!(flags & KK_ANALYZE_WORDS)) {
        grams_as_tokens(a);
        return KK_OK;
    }
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(a->words, a->text16, (int32_t)len16, &st);
    if (U_FAILURE(st))
        return KK_EINTERNAL;
    int32_t b = ubrk_first(a->words);
    for (int32_t e = ubrk_next(a->words); e != UBRK_DONE; b = e, e = ubrk_next(a->words)) {
        if (ubrk_getRuleStatus(a->words) < UBRK_WORD_NONE_LIMIT)
            continue; /* spaces and punctuation */
        size_t from = a->text16_char[b], to = a->text16_char[e];
        kk_token t = make_token(a, from, to, KK_TOKEN_WORD);
        t.bigram = to - from == 2 && is_gram_char(a->chars.v[from].c)
                   && is_gram_char(a->chars.v[from + 1].c);
        t.stop = (unsigned char)is_stop(a, &t, from, to);
        if (!(flags & KK_ANALYZE_QUERY) && to - from == 1)
            drop_covered_unigram(a, next_gram, &t);
        if (flush_grams(a, &next_gram, t.pos) != KK_OK
            || add_token(&a->tokens, &a->tokens_len, &a->tokens_cap, t) != KK_OK)
            return KK_ENOMEM;
    }
    return flush_grams(a, &next_gram, 0);
}

kk_status kk_analyze(kk_analyzer *a, const char *text, size_t len, unsigned flags, kk_error *err)
{
    a->tokens_len = 0;
    a->text.len = 0;
    a->text.data[0] = '\0';
    if (flags & ~(unsigned)(KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY))
        return kk_error_set(err, KK_EINVAL, "analysis: unknown flags 0x%x", flags);
    kk_status s = kk_analysis_normalize(a, text, len, err);
    if (s != KK_OK)
        return s;
    size_t len16 = 0;
    s = build_utf8(a);
    if (s == KK_OK && (flags & KK_ANALYZE_WORDS)) /* only ICU's word breaker reads UTF-16 */
        s = build_utf16(a, &len16);
    a->grams_len = 0;
    if (s == KK_OK && (flags & KK_ANALYZE_GRAMS))
        s = make_grams(a, flags);
    if (s == KK_OK)
        s = make_tokens(a, len16, flags);
    if (s != KK_OK) {
        a->tokens_len = 0;
        a->text.len = 0;
        a->text.data[0] = '\0';
        if (s == KK_ENOMEM)
            return kk_error_set(err, s, "analysis: out of memory analysing %zu bytes", len);
        return kk_error_set(err, s, "analysis: ICU word break failed");
    }
    a->text_chars = 1;
    return KK_OK;
}

const kk_token *kk_analyzer_tokens(const kk_analyzer *a, size_t *n)
{
    *n = a->tokens_len;
    return a->tokens;
}

const char *kk_analyzer_text(const kk_analyzer *a, size_t *len)
{
    if (len)
        *len = a->text.len;
    return a->text.data;
}

/* The index of the character starting at byte at of the normalized text, or -1 if none does
 * (char_byte is strictly increasing: every character takes at least one byte). */
static long char_at_byte(const kk_analyzer *a, size_t at)
{
    size_t lo = 0, hi = a->chars.len + 1; /* char_byte[chars.len] is the end of the text */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->char_byte[mid] < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo <= a->chars.len && a->char_byte[lo] == at ? (long)lo : -1;
}

/* Every step of normalize.c and variants.c maps characters left to right, each to input bytes at
 * or after those of the one before, so the first character's start and the last one's end bound
 * the range (make_token's minimum and maximum give the same). */
kk_status kk_analyzer_source_span(const kk_analyzer *a, size_t norm_start, size_t norm_end,
                                  unsigned *start, unsigned *end, kk_error *err)
{
    if (!a->text_chars)
        return kk_error_set(err, KK_EINVAL, "analysis: kk_analyzer_source_span: no analysed text "
                            "(kk_normalize ran after kk_analyze, or kk_analyze failed)");
    long from = norm_start < norm_end && norm_end <= a->text.len ? char_at_byte(a, norm_start) : -1;
    long to = from >= 0 ? char_at_byte(a, norm_end) : -1;
    if (to < 0)
        return kk_error_set(err, KK_EINVAL, "analysis: kk_analyzer_source_span: bytes [%zu, %zu) "
                            "are not whole characters of the %zu-byte normalized text",
                            norm_start, norm_end, a->text.len);
    *start = a->chars.v[from].start;
    *end = a->chars.v[to - 1].end;
    return KK_OK;
}
