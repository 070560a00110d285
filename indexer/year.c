/* year.c — Japanese era years and fiscal-year mentions (see kk_year.h).
 *
 * Owns the era table, the numeral readers (ASCII, full-width, kanji, 元) and the two scanners:
 * kk_year_find over running text and kk_year_parse over one query token. It does not decide
 * which year a passage belongs to; the document readers do.
 */
#include "kk_year.h"

#include <string.h>

#include "kk_text.h"

typedef struct era {
    const char *name; /* kanji name, UTF-8 */
    char letter;      /* upper-case abbreviation */
    int first;        /* Western year of the era's first year */
    int last;         /* the last era year accepted */
} era;

/* `last` is lenient on purpose for 昭和 and 平成: plans are written years ahead, so a plan adopted
 * in 2015 names its end as 平成34年度 (2022, corpus/mitaka/001) although 平成 ended in its 31st
 * year. 平成40 (2028) covers a ten-year plan written in the era's last year; 昭和 gets the same
 * allowance. The ended eras before them are kept to their real length. */
static const era eras[] = {
    {"明治", 'M', 1868, 45},
    {"大正", 'T', 1912, 15},
    {"昭和", 'S', 1926, 75},
    {"平成", 'H', 1989, 40},
    {"令和", 'R', 2019, 99},
};
#define N_ERAS (sizeof eras / sizeof eras[0])

/* The era named by s (kanji name or one letter in either case), or NULL. */
static const era *era_lookup(const char *s)
{
    for (size_t k = 0; k < N_ERAS; k++) {
        if (strcmp(s, eras[k].name) == 0)
            return &eras[k];
        if (s[0] && !s[1] && (s[0] == eras[k].letter || s[0] == eras[k].letter + 32))
            return &eras[k];
    }
    return NULL;
}

int kk_year_from_era(const char *era_name, int n)
{
    const era *e = era_name ? era_lookup(era_name) : NULL;
    if (!e || n < 1 || n > e->last)
        return 0;
    return e->first + n - 1;
}

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 0xFF10 && c <= 0xFF19) /* full-width ０-９ */
        return c - 0xFF10;
    return -1;
}

static int kanji_digit(int c)
{
    static const int digits[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
                                 0x516D, 0x4E03, 0x516B, 0x4E5D}; /* 〇一二三四五六七八九 */
    for (int k = 0; k < 10; k++)
        if (c == digits[k])
            return k;
    return -1;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000;
}

/* Skip white space (line breaks included: PDF text breaks "平成\n24年度"). */
static size_t skip_space(const char *s, size_t n, size_t i)
{
    while (i < n) {
        size_t j = i;
        if (!is_space(kk_utf8_next(s, n, &j)))
            break;
        i = j;
    }
    return i;
}

/* Read a run of digits (ASCII or full-width) at s[*i]; returns the value or -1, and in *count
 * the number of digits. */
static int read_digits(const char *s, size_t n, size_t *i, int *count)
{
    int v = 0, k = 0;
    while (*i < n) {
        size_t j = *i;
        int d = digit_value(kk_utf8_next(s, n, &j));
        if (d < 0)
            break;
        if (k < 6)
            v = v * 10 + d;
        k++;
        *i = j;
    }
    *count = k;
    return k ? v : -1;
}

/* Read kanji numerals: 二十四 (24), 三十一, 十, or positional 二〇一九. -1 if none. */
static int read_kanji(const char *s, size_t n, size_t *i)
{
    int total = 0, cur = 0, any = 0, has_ten = 0;
    while (*i < n) {
        size_t j = *i;
        int c = kk_utf8_next(s, n, &j);
        int d = kanji_digit(c);
        if (c == 0x5341) { /* 十 */
            total += (cur ? cur : 1) * 10;
            cur = 0;
            has_ten = 1;
        } else if (d >= 0) {
            cur = has_ten ? d : cur * 10 + d;
        } else {
            break;
        }
        any = 1;
        *i = j;
        if (total + cur > 9999)
            return -1;
    }
    return any ? total + cur : -1;
}

/* The era year at s[*i]: 元 (1), digits or kanji numerals. -1 if none. */
static int read_era_number(const char *s, size_t n, size_t *i)
{
    size_t j = *i;
    if (j < n && kk_utf8_next(s, n, &j) == 0x5143) { /* 元 */
        *i = j;
        return 1;
    }
    int count;
    int v = read_digits(s, n, i, &count);
    if (v >= 0)
        return count <= 3 ? v : -1;
    return read_kanji(s, n, i);
}

/* The era whose name or letter starts at s[i], with *after set past it; NULL if none. Letters
 * count only when not part of a longer ASCII word (so "PH24" is not 平成24). */
static const era *read_era(const char *s, size_t n, size_t i, size_t *after)
{
    for (size_t k = 0; k < N_ERAS; k++) {
        size_t len = strlen(eras[k].name);
        if (n - i >= len && memcmp(s + i, eras[k].name, len) == 0) {
            *after = i + len;
            return &eras[k];
        }
    }
    char c = s[i];
    if (i > 0) {
        char p = s[i - 1];
        if ((p >= 'A' && p <= 'Z') || (p >= 'a' && p <= 'z') || (p >= '0' && p <= '9'))
            return NULL;
    }
    for (size_t k = 0; k < N_ERAS; k++) {
        if (c == eras[k].letter || c == eras[k].letter + 32) {
            *after = i + 1;
            return &eras[k];
        }
    }
    return NULL;
}

/* 年度 → 2, 年 → 1 at s[*i] (moving past it), else 0. */
static int read_year_word(const char *s, size_t n, size_t *i)
{
    static const char nendo[] = "年度", nen[] = "年";
    if (n - *i >= sizeof nendo - 1 && memcmp(s + *i, nendo, sizeof nendo - 1) == 0) {
        *i += sizeof nendo - 1;
        return 2;
    }
    if (n - *i >= sizeof nen - 1 && memcmp(s + *i, nen, sizeof nen - 1) == 0) {
        *i += sizeof nen - 1;
        return 1;
    }
    return 0;
}

typedef struct mention {
    int year;
    int strength; /* 2 for 年度, 1 for 年, 0 for none */
    size_t end;
} mention;

/* An era mention at s[i]: ERA space* NUMBER space* (年度|年). Letters need digits. */
static mention era_mention(const char *s, size_t n, size_t i)
{
    mention m = {0, 0, i};
    size_t j;
    const era *e = read_era(s, n, i, &j);
    if (!e)
        return m;
    int letter = (j == i + 1);
    j = skip_space(s, n, j);
    size_t before = j;
    int v = read_era_number(s, n, &j);
    if (v < 1 || v > e->last)
        return m;
    if (letter && digit_value((unsigned char)s[before]) < 0)
        return m;
    j = skip_space(s, n, j);
    int strength = read_year_word(s, n, &j);
    if (!strength)
        return m;
    m.year = e->first + v - 1;
    m.strength = strength;
    m.end = j;
    return m;
}

/* A Western mention at s[i]: exactly four digits (not following a digit) then 年度 or 年. */
static mention western_mention(const char *s, size_t n, size_t i)
{
    mention m = {0, 0, i};
    if (i > 0) {
        size_t k = i - 1;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        size_t kk = k;
        if (digit_value(kk_utf8_next(s, n, &kk)) >= 0)
            return m;
    }
    size_t j = i;
    int count;
    int v = read_digits(s, n, &j, &count);
    if (count != 4 || v < 1868 || v > 2100)
        return m;
    int strength = read_year_word(s, n, &j);
    if (!strength)
        return m;
    m.year = v;
    m.strength = strength;
    m.end = j;
    return m;
}

int kk_year_find(const char *text, size_t len, size_t *start, size_t *end)
{
    mention first = {0, 0, 0};
    size_t first_start = 0;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        int c = kk_utf8_next(text, len, &i);
        mention m = {0, 0, 0};
        if (digit_value(c) >= 0)
            m = western_mention(text, len, at);
        else if (c >= 0x80 || (c >= 'A' && c <= 'z'))
            m = era_mention(text, len, at);
        if (!m.strength)
            continue;
        /* The tool is about fiscal years: the first 年度 wins; a plain 年 only when none. */
        if (m.strength == 2 || !first.strength) {
            first = m;
            first_start = at;
            if (m.strength == 2)
                break;
        }
        i = m.end;
    }
    if (!first.strength)
        return 0;
    if (start)
        *start = first_start;
    if (end)
        *end = first.end;
    return first.year;
}

/* ERA NUMBER [年度|年] filling the whole token. */
static int parse_era_token(const char *s, size_t n)
{
    size_t j;
    const era *e = read_era(s, n, 0, &j);
    if (!e)
        return 0;
    int v = read_era_number(s, n, &j);
    if (v < 1 || v > e->last)
        return 0;
    read_year_word(s, n, &j);
    return j == n ? e->first + v - 1 : 0;
}

/* DIGITS [年度|年] filling the whole token, 1868..2100. */
static int parse_western_token(const char *s, size_t n)
{
    size_t j = 0;
    int count;
    int v = read_digits(s, n, &j, &count);
    if (v < 0)
        v = read_kanji(s, n, &j);
    if (v < 1868 || v > 2100)
        return 0;
    read_year_word(s, n, &j);
    return j == n ? v : 0;
}

int kk_year_parse(const char *token, size_t len)
{
    if (!token)
        return 0;
    while (len > 0 && is_space((unsigned char)token[len - 1]))
        len--;
    while (len > 0 && is_space((unsigned char)token[0]))
        token++, len--;
    if (len == 0)
        return 0;
    int y = parse_era_token(token, len);
    return y ? y : parse_western_token(token, len);
}
