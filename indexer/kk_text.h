/* kk_text.h — small UTF-8 text utilities shared by readers, analysis and query: decoding one code
 * point, classifying Japanese characters, joining lines broken inside Japanese text, and a growable
 * byte buffer. Pure C: no ICU, no Xapian.
 */
#ifndef KK_TEXT_H
#define KK_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "kk_error.h"

/* Decode the code point at s[*i] (n bytes in s) and advance *i past it. An invalid or truncated
 * sequence yields U+FFFD and advances one byte. */
int kk_utf8_next(const char *s, size_t n, size_t *i);

/* Encode code point c into out (4 bytes room); returns the number of bytes written. */
size_t kk_utf8_put(int c, char *out);

/* Number of code points in n bytes of UTF-8 (continuation bytes are not counted). */
size_t kk_utf8_count(const char *s, size_t n);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int kk_utf8_valid(const char *s, size_t n);

/* FNV-1a of n bytes: the hash of the small open-addressing tables of the analysis (a passage's
 * terms, the stop list). */
uint32_t kk_hash_bytes(const char *s, size_t n);

/* 1 if c is a CJK ideograph, kana, the prolonged sound mark or an iteration mark: the characters
 * bigrams are made of. The katakana middle dot is not one of them. */
int kk_is_cjk(int c);

/* 1 if c is written without spaces around it in Japanese: kk_is_cjk, CJK punctuation (、。「」…)
 * and full-width forms. A line break between two such characters is an artefact of layout. */
int kk_is_japanese(int c);

/* Join lines for display: a line break (and horizontal space around it) between two Japanese
 * characters is removed; any other line break becomes one space; trailing space is trimmed.
 * The caller frees *out (NUL-terminated). */
kk_status kk_join_lines(const char *text, size_t len, char **out, size_t *out_len, kk_error *err);

/* A growable byte buffer, always NUL-terminated when data is not NULL. */
typedef struct kk_buf {
    char *data;
    size_t len, cap;
} kk_buf;

/* Append n bytes; KK_ENOMEM on failure (the buffer is unchanged). */
kk_status kk_buf_add(kk_buf *b, const char *s, size_t n);
kk_status kk_buf_addc(kk_buf *b, char c);
kk_status kk_buf_printf(kk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the contents to the caller (who frees them) and reset the buffer to empty. */
char *kk_buf_take(kk_buf *b, size_t *len);
void kk_buf_free(kk_buf *b);

#endif
