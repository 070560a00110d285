/* text.c — UTF-8 decoding, Japanese character classes, display line joining and kk_buf
 * (see kk_text.h). */
#include "kk_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kk_utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = n - *i;
    unsigned c = p[0];
    size_t need;
    unsigned min;
    if (c < 0x80) {
        *i += 1;
        return (int)c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 1, min = 0x80, c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, min = 0x800, c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, min = 0x10000, c &= 0x07;
    } else {
        *i += 1;
        return 0xFFFD;
    }
    if (left <= need) {
        *i += 1;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= need; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *i += 1;
            return 0xFFFD;
        }
        c = (c << 6) | (p[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *i += 1;
        return 0xFFFD;
    }
    *i += need + 1;
    return (int)c;
}

size_t kk_utf8_put(int c, char *out)
{
    unsigned u = (unsigned)c;
    if (u < 0x80) {
        out[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        out[0] = (char)(0xC0 | (u >> 6));
        out[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        out[0] = (char)(0xE0 | (u >> 12));
        out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
        out[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (u >> 18));
    out[1] = (char)(0x80 | ((u >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((u >> 6) & 0x3F));
    out[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

size_t kk_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t k = 0; k < n; k++)
        count += ((unsigned char)s[k] & 0xC0) != 0x80;
    return count;
}

int kk_utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t before = i;
        int c = kk_utf8_next(s, n, &i);
        /* A real U+FFFD is three bytes; a one-byte advance means an invalid sequence. */
        if (c == 0xFFFD && i - before == 1)
            return 0;
    }
    return 1;
}

int kk_is_cjk(int c)
{
    return (c >= 0x3041 && c <= 0x309F)      /* hiragana, with ゝゞ */
        || (c >= 0x30A1 && c <= 0x30FA)      /* katakana */
        || (c >= 0x30FC && c <= 0x30FF)      /* ー ヽ ヾ ヿ (not the middle dot 30FB) */
        || (c >= 0x31F0 && c <= 0x31FF)      /* small katakana extension */
        || (c >= 0xFF66 && c <= 0xFF9F)      /* half-width katakana */
        || (c >= 0x3005 && c <= 0x3007)      /* 々 〆 〇 */
        || (c >= 0x3400 && c <= 0x4DBF)      /* CJK extension A */
        || (c >= 0x4E00 && c <= 0x9FFF)      /* CJK unified ideographs */
        || (c >= 0xF900 && c <= 0xFAFF)      /* CJK compatibility ideographs */
        || (c >= 0x20000 && c <= 0x3134F);   /* CJK extensions B–G */
}

int kk_is_japanese(int c)
{
    return kk_is_cjk(c)
        || (c >= 0x3000 && c <= 0x303F)      /* CJK symbols and punctuation */
        || c == 0x30FB                        /* katakana middle dot */
        || (c >= 0xFF01 && c <= 0xFFEF)      /* full-width and half-width forms */
        /* Symbols that Japanese layout sets without spaces: ※ … ― ① ■ ○ ◎ ● ☆ ☞ ☎. */
        || c == 0x203B || c == 0x2025 || c == 0x2026 || c == 0x2015
        || (c >= 0x2460 && c <= 0x24FF) || (c >= 0x25A0 && c <= 0x27BF);
}

static int is_horizontal_space(int c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == '\r';
}

/* The code point just before byte offset end in out (0 if none). */
static int last_char(const kk_buf *out)
{
    if (out->len == 0)
        return 0;
    size_t i = out->len - 1;
    while (i > 0 && ((unsigned char)out->data[i] & 0xC0) == 0x80)
        i--;
    size_t j = i;
    return kk_utf8_next(out->data, out->len, &j);
}

static void trim_trailing_space(kk_buf *out)
{
    for (;;) {
        if (out->len > 0 && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\t'
                             || out->data[out->len - 1] == '\r'))
            out->len -= 1;
        else if (out->len >= 3 && memcmp(out->data + out->len - 3, "\xe3\x80\x80", 3) == 0)
            out->len -= 3; /* U+3000 ideographic space */
        else
            break;
        out->data[out->len] = '\0';
    }
}

kk_status kk_join_lines(const char *text, size_t len, char **out, size_t *out_len, kk_error *err)
{
    kk_buf b = {0};
    size_t i = 0;
    kk_status st = kk_buf_add(&b, "", 0);
    while (st == KK_OK && i < len) {
        size_t at = i;
        int c = kk_utf8_next(text, len, &i);
        if (c != '\n') {
            st = kk_buf_add(&b, text + at, i - at);
            continue;
        }
        /* A line break: look past the white space that surrounds it (further breaks included). */
        trim_trailing_space(&b);
        size_t k = i;
        int next = 0;
        while (k < len) {
            size_t here = k;
            next = kk_utf8_next(text, len, &k);
            if (!is_horizontal_space(next) && next != '\n') {
                k = here;
                break;
            }
            next = 0;
        }
        i = k;
        int prev = last_char(&b);
        if (prev == 0 || next == 0)
            continue;
        if (!(kk_is_japanese(prev) && kk_is_japanese(next)))
            st = kk_buf_addc(&b, ' ');
    }
    if (st != KK_OK) {
        kk_buf_free(&b);
        return kk_error_set(err, st, "joining lines: out of memory");
    }
    trim_trailing_space(&b);
    *out = kk_buf_take(&b, out_len);
    return KK_OK;
}

static kk_status buf_reserve(kk_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return KK_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return KK_ENOMEM;
    b->data = p;
    b->cap = cap;
    return KK_OK;
}

kk_status kk_buf_add(kk_buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) != KK_OK)
        return KK_ENOMEM;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return KK_OK;
}

kk_status kk_buf_addc(kk_buf *b, char c)
{
    return kk_buf_add(b, &c, 1);
}

kk_status kk_buf_printf(kk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) != KK_OK)
        return KK_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return KK_OK;
}

char *kk_buf_take(kk_buf *b, size_t *len)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    if (len)
        *len = p ? b->len : 0;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void kk_buf_free(kk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

uint32_t kk_hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t k = 0; k < n; k++)
        h = (h ^ (unsigned char)s[k]) * 16777619u;
    return h;
}
