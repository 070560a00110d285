/* analysis_internal.h — private types shared by the files of the analysis module.
 *
 * The module is split along its ideas: analysis.c owns the analyzer and makes tokens,
 * normalize.c turns input bytes into normalized, line-joined characters that remember where they
 * came from, variants.c folds spelling variants, variants_table.c (generated from the .tsv
 * files) holds the variant data, and stopwords.c reads the stop list. Nothing here is visible
 * outside kk_analysis; callers use kk_analysis.h only.
 */
#ifndef KK_ANALYSIS_INTERNAL_H
#define KK_ANALYSIS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>

#include "kk_analysis.h"

/* One character of text being analysed: its code point and the byte range [start, end) of the
 * original input it came from. A character made from several input characters (ヴァ → バ) covers
 * their union; all characters made from one normalization segment cover the whole segment. */
typedef struct kk_char {
    int32_t c;
    uint32_t start, end;
} kk_char;

/* A growable array of characters, reused across calls. */
typedef struct kk_chars {
    kk_char *v;
    size_t len, cap;
} kk_chars;

/* Make room for extra more characters; KK_ENOMEM leaves the array unchanged. */
kk_status kk_chars_reserve(kk_chars *s, size_t extra);
void kk_chars_free(kk_chars *s);

/* Append one character; the caller has reserved room or checks the status. */
static inline kk_status kk_chars_push(kk_chars *s, int32_t c, uint32_t start, uint32_t end)
{
    if (s->len == s->cap && kk_chars_reserve(s, 1) != KK_OK)
        return KK_ENOMEM;
    s->v[s->len++] = (kk_char){c, start, end};
    return KK_OK;
}

/* A (variant, canonical) pair of UTF-8 strings, as written in a variants .tsv file. */
typedef struct kk_variant_pair {
    const char *variant, *canonical;
} kk_variant_pair;

/* The generated tables (variants_table.c). */
extern const kk_variant_pair kk_variants_kanji[];
extern const size_t kk_variants_kanji_count;
extern const kk_variant_pair kk_variants_words[];
extern const size_t kk_variants_words_count;

/* One decoded word variant: its first character, and key and canonical form as code points at
 * offsets of kk_variants.pool. */
typedef struct kk_word_variant {
    int32_t first;
    uint32_t key, key_len, value, value_len;
} kk_word_variant;

/* The variant tables decoded for fast lookup; built once per analyzer, read-only afterwards. */
typedef struct kk_variants {
    int32_t (*kanji)[2];          /* (variant, canonical) code points sorted by variant */
    size_t kanji_count;
    kk_word_variant *words;       /* sorted by first key character, then longest key first */
    size_t words_count;
    int32_t *pool;                /* code points of every key and canonical form */
    uint8_t rules[0x10000];       /* for each BMP code point, the rules that may act on it
                                   * (RULE_* of variants.c): a byte a character, because every
                                   * character of every text is looked up in it */
} kk_variants;

kk_status kk_variants_init(kk_variants *v, kk_error *err);
void kk_variants_free(kk_variants *v);

/* Apply every variant rule to in, leaving the result in in (in and scratch may be swapped: both
 * are reused arrays). */
kk_status kk_variants_fold(const kk_variants *v, kk_chars *in, kk_chars *scratch);

/* The stop list as compiled in (indexer/stopwords.txt, embedded by tools/embed.cmake). */
extern const char kk_builtin_stopwords[];
extern const size_t kk_builtin_stopwords_len;

/* One word of the stop list: len 0 marks an empty slot. */
typedef struct kk_stopword_slot {
    uint32_t hash, at, len; /* at: offset of the word in kk_stopwords.bytes */
} kk_stopword_slot;

/* The stop list normalized, in a hash table; built once per analyzer, read-only afterwards. */
typedef struct kk_stopwords {
    kk_buf bytes;            /* the words, each followed by a NUL */
    kk_stopword_slot *slots; /* open addressing, n_slots a power of two at least twice n */
    size_t n, n_slots;
    size_t min_len, max_len; /* bytes of the shortest and longest word: most words are neither */
} kk_stopwords;

/* Read a stop list (one word a line, # starts a comment), normalizing each word with a, into
 * a->stopwords. On failure the table holds what was read; kk_stopwords_free releases it. */
kk_status kk_stopwords_init(kk_analyzer *a, const char *text, size_t len, kk_error *err);
void kk_stopwords_free(kk_stopwords *s);

struct kk_analyzer {
    const UNormalizer2 *nfkc_cf; /* ICU's shared instance: not freed */
    UBreakIterator *words;       /* UBRK_WORD, locale ja; setText per call */
    kk_variants variants;
    kk_stopwords stopwords;

    /* normalize.c: the pieces of input that go through ICU as UTF-16 with the input byte offset
     * of every unit, a segment buffer for the normalizer, the characters, and a second array for
     * the one variant rule that can lengthen the text. */
    UChar *in16;
    uint32_t *in16_byte;
    size_t in16_cap;
    UChar *seg16;
    int32_t seg16_cap;
    kk_chars chars, scratch;
    /* normalize.c: for each BMP code point, whether it is a stable starter (see there), learnt
     * from ICU a 256-character block at a time as blocks are first met: 0 not learnt yet. */
    uint8_t stable[0x10000];

    /* analysis.c: the normalized text as UTF-8 (token texts point into it) with the byte offset of
     * every character, as UTF-16 with the character index of every unit, and the tokens. */
    kk_buf text;
    int text_chars;              /* 1 while chars are the characters of text (kk_analyze made
                                  * both; kk_analysis_normalize refills chars alone) */
    uint32_t *char_byte;
    size_t char_byte_cap;
    UChar *text16;
    uint32_t *text16_char;
    size_t text16_cap;
    kk_token *tokens, *grams;
    size_t tokens_len, tokens_cap, grams_len, grams_cap;
};

/* Steps 1 and 2 of the pipeline: normalize, join broken lines and fold variants, leaving the
 * characters in a->chars. KK_EINVAL if len does not fit the 32-bit offsets of kk_token. */
kk_status kk_analysis_normalize(kk_analyzer *a, const char *text, size_t len, kk_error *err);

/* Grow *p (an array of elem-sized items with capacity *cap) to hold at least need items. */
kk_status kk_analysis_grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
