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
 * normalized (unorm2_spanQuickCheckYes — most Japanese text) are copied one to one.
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

/* Decode text into a->in16, recording for each UTF-16 unit the input byte it starts at, and the
 * input length after the last unit. One byte never yields more than one unit. */
static kk_status to_utf16(kk_analyzer *a, const char *text, size_t len, size_t *len16)
{
    size_t cap = a->in16_cap;
    if (kk_analysis_grow((void **)&a->in16, &cap, len + 1, sizeof *a->in16) != KK_OK)
        return KK_ENOMEM;
    if (kk_analysis_grow((void **)&a->in16_byte, &a->in16_cap, len + 1, sizeof *a->in16_byte))
        return KK_ENOMEM;
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t at = (uint32_t)i;
        int c = kk_utf8_next(text, len, &i);
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
    a->in16_byte[n] = (uint32_t)len;
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

/* NFKC_Casefold a->in16 into a->chars, segment by segment where it is not already normalized. */
static kk_status normalize_nfkc(kk_analyzer *a, size_t len16)
{
    size_t at = 0;
    a->chars.len = 0;
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

static int is_line_break(int32_t c)
{
    return c == '\n' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* White space after NFKC, which has already made U+3000 and the other Unicode spaces ' '. */
static int is_space(int32_t c)
{
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

/* Step 2 from in to out: a white-space run containing a line break between two Japanese
 * characters (see joins) disappears; any other run becomes one space covering the run's bytes;
 * runs at either end are dropped. text is the input the characters point into. */
static kk_status join_lines(const kk_chars *in, kk_chars *out, const char *text)
{
    out->len = 0;
    if (kk_chars_reserve(out, in->len) != KK_OK)
        return KK_ENOMEM;
    size_t i = 0;
    while (i < in->len) {
        if (!is_space(in->v[i].c)) {
            out->v[out->len++] = in->v[i++];
            continue;
        }
        size_t j = i;
        int broken = 0;
        for (; j < in->len && is_space(in->v[j].c); j++)
            broken |= is_line_break(in->v[j].c);
        if (out->len > 0 && j < in->len) {
            const kk_char *prev = &out->v[out->len - 1], *next = &in->v[j];
            if (!(broken && joins(prev->c, input_last(text, prev))
                  && joins(next->c, input_first(text, next))))
                out->v[out->len++] = (kk_char){' ', in->v[i].start, in->v[j - 1].end};
        }
        i = j;
    }
    return KK_OK;
}

/* Swap the two halves of the analyzer's double buffer. */
static void swap_chars(kk_analyzer *a)
{
    kk_chars t = a->chars;
    a->chars = a->scratch;
    a->scratch = t;
}

kk_status kk_analysis_normalize(kk_analyzer *a, const char *text, size_t len, kk_error *err)
{
    if (!text && len)
        return kk_error_set(err, KK_EINVAL, "analysis: NULL text of length %zu", len);
    /* kk_token keeps byte offsets and positions in 32 bits; passages are far smaller. */
    if (len >= UINT32_MAX)
        return kk_error_set(err, KK_EINVAL, "analysis: text of %zu bytes is too long", len);
    a->text_chars = 0; /* chars no longer match a->text (see kk_analyzer_source_span) */
    size_t len16 = 0;
    kk_status s = to_utf16(a, text, len, &len16);
    if (s == KK_OK)
        s = normalize_nfkc(a, len16);
    if (s == KK_OK)
        s = join_lines(&a->chars, &a->scratch, text);
    if (s == KK_OK) {
        swap_chars(a);
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
