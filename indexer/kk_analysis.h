/* kk_analysis.h — the one analysis path of keikaku, shared by the indexer and the query tool.
 *
 * Text goes through exactly these steps, in this order, whether it is a document or a query, so a
 * query term is always produced the way the index term was:
 *   1. normalize: ICU NFKC with case folding (NFKC_Casefold);
 *   2. join broken lines: a line break between two Japanese characters disappears
 *      (三鷹市基本\n構想 → 三鷹市基本構想); any other run of white space becomes one space;
 *      then keikaku's variant folding (middle dots and hyphens inside katakana compounds,
 *      long-vowel and small-kana variants, old and variant kanji, iteration marks, administrative
 *      okurigana and spelling variants) — after joining, so a word broken across lines folds whole;
 *   3. terms: ICU dictionary words (UBRK_WORD, locale ja; punctuation and spaces dropped) and
 *      overlapping bigrams over runs of kanji and katakana (hiragana is left to the words), both
 *      with positions (the query tool uses them; the index keeps terms and counts only).
 * Every token keeps the byte range of the original input it came from, for snippets, and any
 * range of the normalized text can be traced back the same way (kk_analyzer_source_span).
 *
 * Some words are marked as left out of the index: one-kana particles (kk_token_is_particle) and
 * the words of the stop list (indexer/stopwords.txt, kk_token.stop); queries never look for them.
 *
 * It owns ICU's normalizer and break iterator and the stop list; it knows nothing of Xapian, term
 * prefixes or documents. An analyzer is not thread-safe: make one per thread.
 */
#ifndef KK_ANALYSIS_H
#define KK_ANALYSIS_H

#include <stddef.h>

#include "kk_error.h"
#include "kk_text.h" /* kk_is_cjk, kk_join_lines */

typedef enum kk_token_kind {
    KK_TOKEN_WORD, /* an ICU dictionary word (CJK or not) */
    KK_TOKEN_GRAM  /* a kanji/katakana bigram, or a unigram (see the flags below) */
} kk_token_kind;

typedef struct kk_token {
    const char *text;    /* normalized UTF-8, not NUL-terminated; owned by the analyzer */
    unsigned len;        /* bytes in text */
    unsigned pos;        /* position: 1 + index in code points of the token's first character in
                          * the normalized text; grams of one run have consecutive positions */
    unsigned start, end; /* byte range [start, end) of the input text that produced the token */
    unsigned char kind;  /* kk_token_kind */
    unsigned char cjk;   /* 1 if the token is made of CJK ideographs or kana only */
    unsigned char prefix;/* query mode only: a one-character gram to be matched as a prefix of
                          * bigrams (a lone character in the index ends a run or starts one) */
    unsigned char bigram;/* a word of exactly two kanji/katakana (防災, 品川): the same characters
                          * as the bigram at its position, so one index term serves both (see
                          * KK_TOKEN_PREFIX in kk_schema.h) */
    unsigned char stop;  /* a word of the stop list (kk_analyzer_is_stopword), which the index
                          * leaves out; 0 for a particle (left out already, and never counted)
                          * and for a word of one or two kanji/katakana (何, 誰): such a word's
                          * term is also what finds its characters (the bigram's term, or the
                          * word that replaces a run's trailing unigram), so it stays */
} kk_token;

/* Flags for kk_analyze. */
enum {
    KK_ANALYZE_WORDS = 1u << 0, /* emit ICU words */
    KK_ANALYZE_GRAMS = 1u << 1, /* emit bigrams; in index mode the last character of each run
                                   is also emitted as a unigram, so that any single character can
                                   be found as a prefix of some gram, unless ICU made that
                                   character a word of its own (then the word finds it) */
    KK_ANALYZE_QUERY = 1u << 2  /* query mode: no trailing unigrams; a run of one character yields
                                   a unigram with prefix = 1 */
};

typedef struct kk_analyzer kk_analyzer;

/* Create an analyzer (loads ICU data). On failure *out is NULL and err says why. */
kk_status kk_analyzer_new(kk_analyzer **out, kk_error *err);
void kk_analyzer_free(kk_analyzer *a);

/* Analyse len bytes of UTF-8 text. Invalid UTF-8 sequences are replaced by U+FFFD (never an
 * error). The tokens, in order of position then kind (words before grams at the same position),
 * stay valid until the next call on a. */
kk_status kk_analyze(kk_analyzer *a, const char *text, size_t len, unsigned flags, kk_error *err);

/* 1 for a word of one hiragana character (の, を, し, っ): a particle, or a fragment the
 * dictionary split off. The index leaves these out (they were a sixth of all postings, in nearly
 * every passage) and queries never look for them, so both ask this one function. */
int kk_token_is_particle(const kk_token *t);

/* 0 for a token the index leaves out, a particle or a stop word (t->stop); 1 for every other.
 * The indexer and the query tool both ask this, so a query never looks for a term the index
 * cannot hold. (The indexer still counts stop words in a passage's length: kk_impact.h.) */
int kk_token_is_indexed(const kk_token *t);

/* 1 if the len bytes at word, normalized text, are a word of the stop list (indexer/stopwords.txt:
 * particles, endings and question words that carry no topic). Also for text that is no single
 * token, like the query tool's content words (知り, okurigana joined). */
int kk_analyzer_is_stopword(const kk_analyzer *a, const char *word, size_t len);

/* Tokens of the last kk_analyze; *n receives their count. */
const kk_token *kk_analyzer_tokens(const kk_analyzer *a, size_t *n);

/* The normalized, line-joined text of the last kk_analyze (NUL-terminated, owned by a). */
const char *kk_analyzer_text(const kk_analyzer *a, size_t *len);

/* Where normalized text came from: the byte range [*start, *end) of the input of the last
 * kk_analyze that produced bytes [norm_start, norm_end) of kk_analyzer_text — from the first
 * input byte of its first character to the last of its last, the range a token over those
 * characters gets. Lets a caller that finds something in the normalized text (a substring
 * search) mark it in the original (full-width letters, broken lines and folded variants make the
 * two differ). O(log n): a binary search of the characters' offsets.
 * KK_EINVAL, with *start and *end unchanged, when the range is empty, runs past the text or does
 * not begin and end on character boundaries, or when kk_normalize has run on a since the last
 * kk_analyze (it reuses the buffers that remember the input offsets). */
kk_status kk_analyzer_source_span(const kk_analyzer *a, size_t norm_start, size_t norm_end,
                                  unsigned *start, unsigned *end, kk_error *err);

/* Normalize and join lines (steps 1 and 2) into a new NUL-terminated string; the caller frees
 * *out. Used where text must be compared the way the index sees it (filters, plan names). */
kk_status kk_normalize(kk_analyzer *a, const char *text, size_t len, char **out, size_t *out_len,
                       kk_error *err);

/* Version of the analysis rules; stored in the index so that a database built with other rules
 * is detected and rebuilt rather than queried with mismatched terms. Bump it whenever the output
 * of kk_analyze changes for any input, or which tokens the index leaves out (4: stop words; 5:
 * demonstratives, conjunctions and pieces of endings added to the stop list). */
#define KK_ANALYSIS_VERSION "5"

#endif
