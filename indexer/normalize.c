/* normalize.c — input bytes to normalized characters that remember their input byte ranges.
 *
 * Owns steps 1 and 2 of kk_analysis.h: decoding UTF-8 (invalid sequences become U+FFFD),
 * NFKC_Casefold through ICU, joining broken lines, and calling the variant folding of variants.c;
 * also kk_normalize, which returns that text. It does not make tokens (analysis.c) and holds no
 * variant rules (variants.c).
 *
 * Offsets: ICU normalizes whole strings and keeps no map back to its input, so the input is cut at
 * normalization boundaries (unorm2_hasBoundaryBefore) and each segment is normalized on its own;
 * every character a segment produces maps to the segment's input bytes. Spans that are already
 * normalized (unorm2_spanQuickCheckYes) are copied one to one.
 *
 * Cost: this runs on every passage indexed and on every hit shown, so most characters go from
 * UTF-8 to characters without ICU. A character that ICU's quick check passes and that has
 * combining class 0 (a "stable starter": kanji, kana, most punctuation, lower-case letters) never
 * combines with what comes before it, and ICU's quick check goes past it alike whatever came
 * before, so the text can be cut before every one without changing what ICU makes of it. A stable
 * starter followed by another (or by the end) is a piece that ICU would copy as it is, so it is
 * copied here; every other piece (a stable starter and the characters up to the next one: か and
 * a combining mark, ＡＢ, a full-width space) goes through ICU as above. The later steps work on
 * the characters in place.
 *
 * Order: lines are joined right after NFKC and before variant folding, so that the variant rules
 * see a word broken across lines whole (取り\n組み, コンピュー\nター). Folding never makes or removes
 * white space, so the result is the same as folding first except where a word was broken.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/utf16.h>

kk_status kk_analysis_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return KK_OK;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return KK_ENOMEM;
    *p = q;
    *cap = n;
    return KK_OK;
}

kk_status kk_chars_reserve(kk_chars *s, size_t extra)
{
    return kk_analysis_grow((void **)&s->v, &s->cap, s->len + extra, sizeof *s->v);
}

void kk_chars_free(kk_chars *s)
{
    free(s->v);
    s->v = NULL;
    s->len = s->cap = 0;
}

/* The code point at byte *i of text (of len bytes), *i moved past it: kk_utf8_next, with the
 * common cases (ASCII, and three-byte sequences that can be neither overlong nor surrogates)
 * decoded here because this runs on every input character. */
static inline int32_t next_char(const char *text, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)text + *i;
    unsigned lead = p[0];
    if (lead < 0x80) {
        *i += 1;
        return (int32_t)lead;
    }
    if (lead - 0xE1u <= 0xEFu - 0xE1u && lead != 0xED && len - *i >= 3) {
        unsigned b1 = p[1] ^ 0x80u, b2 = p[2] ^ 0x80u; /* continuation bytes become 0..0x3F */
        if ((b1 | b2) < 0x40) {
            *i += 3;
            return (int32_t)((lead & 0x0Fu) << 12 | b1 << 6 | b2);
        }
    }
    return kk_utf8_next(text, len, i);
}

/* Decode text[from, to) into a->in16, recording for each UTF-16 unit the input byte it starts at,
 * and to after the last unit. One byte never yields more than one unit. */
static kk_status to_utf16(kk_analyzer *a, const char *text, size_t len, size_t from, size_t to,
                          size_t *len16)
{
    size_t cap = a->in16_cap;
    if (kk_analysis_grow((void **)&a->in16, &cap, to - from + 1, sizeof *a->in16) != KK_OK)
        return KK_ENOMEM;
    if (kk_analysis_grow((void **)&a->in16_byte, &a->in16_cap, to - from + 1,
                         sizeof *a->in16_byte))
        return KK_ENOMEM;
    size_t i = from, n = 0;
    while (i < to) {
        uint32_t at = (uint32_t)i;
        int32_t c = next_char(text, len, &i);
        if (c >= 0x10000) {
            a->in16_byte[n] = at;
            a->in16[n++] = U16_LEAD(c);
            a->in16_byte[n] = at;
            a->in16[n++] = U16_TRAIL(c);
        } else {
            a->in16_byte[n] = at;
            a->in16[n++] = (UChar)c;
        }
    }
    a->in16_byte[n] = (uint32_t)to;
    *len16 = n;
    return KK_OK;
}

/* Copy in16[from, to), already normalized, one character per code point. */
static kk_status copy_normalized(kk_analyzer *a, size_t from, size_t to)
{
    if (kk_chars_reserve(&a->chars, to - from) != KK_OK)
        return KK_ENOMEM;
    size_t i = from;
    while (i < to) {
        size_t at = i;
        UChar32 c;
        U16_NEXT(a->in16, i, to, c);
        a->chars.v[a->chars.len++] = (kk_char){c, a->in16_byte[at], a->in16_byte[i]};
    }
    return KK_OK;
}

/* Index just past the segment of in16 that starts at from: up to the next character with a
 * normalization boundary before it. */
static size_t segment_end(const kk_analyzer *a, size_t from, size_t len16)
{
    size_t i = from;
    UChar32 c;
    U16_NEXT(a->in16, i, len16, c);
    while (i < len16) {
        size_t at = i;
        U16_NEXT(a->in16, i, len16, c);
        if (unorm2_hasBoundaryBefore(a->nfkc_cf, c)) {
            i = at;
            break;
        }
    }
    return i;
}

/* Normalize the segment in16[from, to) and append its characters, all mapped to its bytes. */
static kk_status normalize_segment(kk_analyzer *a, size_t from, size_t to)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = unorm2_normalize(a->nfkc_cf, a->in16 + from, (int32_t)(to - from), a->seg16,
                                 a->seg16_cap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        size_t cap = (size_t)a->seg16_cap;
        if (kk_analysis_grow((void **)&a->seg16, &cap, (size_t)n + 1, sizeof *a->seg16))
            return KK_ENOMEM;
        a->seg16_cap = (int32_t)cap;
        st = U_ZERO_ERROR;
        n = unorm2_normalize(a->nfkc_cf, a->in16 + from, (int32_t)(to - from), a->seg16,
                             a->seg16_cap, &st);
    }
    if (U_FAILURE(st))
        return KK_EINTERNAL;
    uint32_t start = a->in16_byte[from], end = a->in16_byte[to];
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U16_NEXT(a->seg16, i, n, c);
        if (kk_chars_push(&a->chars, c, start, end) != KK_OK)
            return KK_ENOMEM;
    }
    return KK_OK;
}

/* NFKC_Casefold a->in16[0, len16) onto a->chars, segment by segment where it is not already
 * normalized. */
static kk_status normalize_utf16(kk_analyzer *a, size_t len16)
{
    size_t at = 0;
    while (at < len16) {
        UErrorCode st = U_ZERO_ERROR;
        size_t yes = at + (size_t)unorm2_spanQuickCheckYes(a->nfkc_cf, a->in16 + at,
                                                           (int32_t)(len16 - at), &st);
        if (U_FAILURE(st))
            return KK_EINTERNAL;
        kk_status s = copy_normalized(a, at, yes);
        if (s != KK_OK || yes == len16)
            return s;
        size_t end = segment_end(a, yes, len16);
        if ((s = normalize_segment(a, yes, end)) != KK_OK)
            return s;
        at = end;
    }
    return KK_OK;
}

enum { STABLE_UNKNOWN, STABLE_NO, STABLE_YES }; /* kk_analyzer.stable */

/* Learn which characters of c's 256-character block are stable starters (see the file comment);
 * returns c's answer. */
static uint8_t learn_stable_block(kk_analyzer *a, int32_t c)
{
    for (UChar32 d = c & ~0xFF; d <= (c | 0xFF); d++) {
        UChar u = (UChar)d;
        UErrorCode st = U_ZERO_ERROR;
        int yes = !U16_IS_SURROGATE(u) && unorm2_getCombiningClass(a->nfkc_cf, d) == 0
                  && unorm2_quickCheck(a->nfkc_cf, &u, 1, &st) == UNORM_YES && U_SUCCESS(st);
        a->stable[d] = yes ? STABLE_YES : STABLE_NO;
    }
    return a->stable[c];
}

/* 1 if c is a stable starter. Answered from a table of the BMP filled a block at a time, so that
 * an analyzer made for one query does not ask ICU about all 65,536 characters; characters beyond
 * the BMP always go through ICU. */
static inline int is_stable(kk_analyzer *a, int32_t c)
{
    if (c >= 0x10000)
        return 0;
    uint8_t known = a->stable[c];
    return (known != STABLE_UNKNOWN ? known : learn_stable_block(a, c)) == STABLE_YES;
}

/* NFKC_Casefold the piece text[from, to) through ICU. */
static kk_status normalize_piece(kk_analyzer *a, const char *text, size_t len, size_t from,
                                 size_t to)
{
    size_t len16 = 0;
    kk_status s = to_utf16(a, text, len, from, to, &len16);
    if (s == KK_OK)
        s = normalize_utf16(a, len16);
    /* Room again for one character per input byte left: ICU may make more characters than it
     * read bytes (㍻ → 平成). */
    return s == KK_OK ? kk_chars_reserve(&a->chars, len - to) : s;
}

/* Append the stable starters of text from byte i on to a->chars, which has room for them, up to
 * the first other character; returns where that begins (len if none does). */
static size_t append_stable(kk_analyzer *a, const char *text, size_t len, size_t i)
{
    kk_char *out = a->chars.v + a->chars.len, *o = out;
    while (i < len) {
        size_t at = i;
        int32_t c = next_char(text, len, &i);
        if (!is_stable(a, c)) {
            i = at;
            break;
        }
        *o++ = (kk_char){c, (uint32_t)at, (uint32_t)i};
    }
    a->chars.len += (size_t)(o - out);
    return i;
}

/* The end of the piece whose first other character begins at byte i: the next stable starter,
 * or len. */
static size_t piece_end(kk_analyzer *a, const char *text, size_t len, size_t i)
{
    while (i < len) {
        size_t at = i;
        if (is_stable(a, next_char(text, len, &i)))
            return at;
    }
    return len;
}

/* Step 1: NFKC_Casefold text into a->chars, cut into pieces as the file comment says. The stable
 * starters are appended as they are read; when another character follows one, the starter is
 * taken back and its piece goes through ICU. */
static kk_status normalize_nfkc(kk_analyzer *a, const char *text, size_t len)
{
    a->chars.len = 0;
    if (kk_chars_reserve(&a->chars, len) != KK_OK) /* one character per byte at most */
        return KK_ENOMEM;
    size_t i = 0;
    while (i < len) {
        size_t before = a->chars.len, other = append_stable(a, text, len, i), piece = other;
        if (other == len)
            break;
        if (a->chars.len > before) /* the piece begins with the last starter appended */
            piece = a->chars.v[--a->chars.len].start;
        i = piece_end(a, text, len, other);
        kk_status s = normalize_piece(a, text, len, piece, i);
        if (s != KK_OK)
            return s;
    }
    return KK_OK;
}

static inline int is_line_break(int32_t c)
{
    return c == '\n' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* White space after NFKC, which has already made U+3000 and the other Unicode spaces ' '. Asked
 * of every character: kana and kanji, above U+3000, are answered first. */
static inline int is_space(int32_t c)
{
    if (c > 0x3000)
        return 0;
    return c == ' ' || c == '\t' || c == '\r' || c == 0x3000 || is_line_break(c);
}

/* The first and the last code point of the input bytes text[ch->start, ch->end). */
static int input_first(const char *text, const kk_char *ch)
{
    size_t i = ch->start;
    return kk_utf8_next(text, ch->end, &i);
}

static int input_last(const char *text, const kk_char *ch)
{
    size_t i = ch->end - 1;
    while (i > ch->start && ((unsigned char)text[i] & 0xC0) == 0x80)
        i--;
    return kk_utf8_next(text, ch->end, &i);
}

/* 1 if a line break may vanish next to ch: kk_is_japanese on the normalized character, or on the
 * input character, so that full-width punctuation NFKC made ASCII (（）！) still joins as it does
 * in kk_join_lines. */
static int joins(int32_t normalized, int input)
{
    return kk_is_japanese(normalized) || kk_is_japanese(input);
}

/* The index of the first white-space character of s at or after i, or s->len. */
static size_t next_space(const kk_chars *s, size_t i)
{
    while (i < s->len && !is_space(s->v[i].c))
        i++;
    return i;
}

/* Step 2, in place: a white-space run containing a line break between two Japanese characters
 * (see joins) disappears; any other run becomes one space covering the run's bytes; runs at
 * either end are dropped. text is the input the characters point into. The result is never
 * longer, and the characters between runs only move once a run has shrunk. */
static void join_lines(kk_chars *s, const char *text)
{
    size_t i = 0, w = 0, n = s->len;
    for (;;) {
        size_t j = next_space(s, i);
        if (w != i)
            memmove(s->v + w, s->v + i, (j - i) * sizeof *s->v);
        w += j - i;
        if (j == n)
            break;
        int broken = 0;
        for (i = j; j < n && is_space(s->v[j].c); j++)
            broken |= is_line_break(s->v[j].c);
        if (w > 0 && j < n) {
            const kk_char *prev = &s->v[w - 1], *next = &s->v[j];
            kk_char space = {' ', s->v[i].start, s->v[j - 1].end};
            if (!(broken && joins(prev->c, input_last(text, prev))
                  && joins(next->c, input_first(text, next))))
                s->v[w++] = space;
        }
        i = j;
    }
    s->len = w;
}

kk_status kk_analysis_normalize(kk_analyzer *a, const char *text, size_t len, kk_error *err)
{
    if (!text && len)
        return kk_error_set(err, KK_EINVAL, "analysis: NULL text of length %zu", len);
    /* kk_token keeps byte offsets and positions in 32 bits; passages are far smaller. */
    if (len >= UINT32_MAX)
        return kk_error_set(err, KK_EINVAL, "analysis: text of %zu bytes is too long", len);
    a->text_chars = 0; /* chars no longer match a->text (see kk_analyzer_source_span) */
    kk_status s = normalize_nfkc(a, text, len);
    if (s == KK_OK) {
        join_lines(&a->chars, text);
        s = kk_variants_fold(&a->variants, &a->chars, &a->scratch);
    }
    if (s == KK_ENOMEM)
        return kk_error_set(err, s, "analysis: out of memory normalizing %zu bytes", len);
    if (s != KK_OK)
        return kk_error_set(err, s, "analysis: ICU normalization failed");
    return KK_OK;
}

kk_status kk_normalize(kk_analyzer *a, const char *text, size_t len, char **out, size_t *out_len,
                       kk_error *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    kk_status s = kk_analysis_normalize(a, text, len, err);
    if (s != KK_OK)
        return s;
    char *p = malloc(a->chars.len * 4 + 1);
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "analysis: out of memory normalizing %zu bytes", len);
    size_t n = 0;
    for (size_t i = 0; i < a->chars.len; i++)
        n += kk_utf8_put(a->chars.v[i].c, p + n);
    p[n] = '\0';
    *out = p;
    if (out_len)
        *out_len = n;
    return KK_OK;
}
