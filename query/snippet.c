/* snippet.c — highlights and snippets: where a hit's text matches the query, and which part of
 * it to show.
 *
 * Highlights come from analysing the passage text with kk_analyze, the same path as indexing,
 * and keeping tokens whose terms belong to the query's units — so what is marked is exactly
 * what matched, with offsets into the original text. Rendering marks (【】, colour, <mark>) is
 * the fronts' business; kk_mark_text is a helper for the plain forms.
 */
#include "query_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

/* Snippet width in characters: two lines of a terminal or a result card, enough to read the
 * clause around a match in Japanese. Lead: characters shown before the first match. */
#define KK_SNIPPET_CHARS 110
#define KK_SNIPPET_LEAD 25

static const char ELLIPSIS[] = "…";

int kk_unit_key_matches(const char *key, const char *term, size_t len)
{
    size_t kl = strlen(key);
    if (kl > 0 && key[kl - 1] == '*')
        return len >= kl - 1 && memcmp(key, term, kl - 1) == 0;
    return kl == len && memcmp(key, term, len) == 0;
}

/* 0: no unit holds the term; 1: it matches as one of several terms of a sequence (a unit of
 * several words or bigrams); 2: it matches and may be marked alone (the unit's only word or
 * bigram, or a prefix). */
static int term_match(const kk_built_query *q, const char *term, size_t len, int is_gram)
{
    size_t pl = strlen(KK_PREFIX_GRAM);
    int best = 0;
    for (size_t u = 0; u < q->n_units && best < 2; u++) {
        const kk_unit *unit = &q->units[u];
        for (size_t k = 0; k < unit->n_keys && best < 2; k++) {
            const char *key = unit->keys[k];
            if (!kk_unit_key_matches(key, term, len))
                continue;
            if (key[strlen(key) - 1] == '*') {
                best = 2;
                break;
            }
            size_t same_kind = 0; /* keys of this kind in the same alternative */
            for (size_t j = 0; j < unit->n_keys; j++) {
                const char *other = unit->keys[j];
                int gram_key = strncmp(other, KK_PREFIX_GRAM, pl) == 0;
                same_kind += unit->alts[j] == unit->alts[k] && gram_key == is_gram
                             && other[strlen(other) - 1] != '*';
            }
            best = same_kind <= 1 ? 2 : 1;
        }
    }
    return best;
}

/* Whether tokens a and b of the same kind stand next to each other in the text. */
static int adjacent(const kk_token *a, const kk_token *b)
{
    if (a->kind != b->kind)
        return 0;
    unsigned a_end = a->pos + (a->kind == KK_TOKEN_GRAM ? 1 : (unsigned)kk_utf8_count(a->text, a->len));
    unsigned b_end = b->pos + (b->kind == KK_TOKEN_GRAM ? 1 : (unsigned)kk_utf8_count(b->text, b->len));
    return a_end == b->pos || b_end == a->pos;
}

static kk_status push_span(kk_span **spans, size_t *n, size_t *cap, unsigned start, unsigned end)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        kk_span *p = realloc(*spans, c * sizeof *p);
        if (!p)
            return KK_ENOMEM;
        *spans = p;
        *cap = c;
    }
    (*spans)[(*n)++] = (kk_span){start, end};
    return KK_OK;
}

static int by_start(const void *a, const void *b)
{
    const kk_span *x = a, *y = b;
    return x->start != y->start ? (x->start < y->start ? -1 : 1) : (x->end < y->end ? -1 : 1);
}

/* Sort and merge overlapping or touching spans in place. */
static size_t merge_spans(kk_span *s, size_t n)
{
    if (n == 0)
        return 0;
    qsort(s, n, sizeof *s, by_start);
    size_t w = 0;
    for (size_t k = 1; k < n; k++) {
        if (s[k].start <= s[w].end) {
            if (s[k].end > s[w].end)
                s[w].end = s[k].end;
        } else {
            s[++w] = s[k];
        }
    }
    return w + 1;
}

kk_status kk_find_marks(kk_searcher *s, const kk_built_query *q, const char *text,
                        kk_span **marks, size_t *n_marks, kk_error *err)
{
    *marks = NULL;
    *n_marks = 0;
    kk_status st = kk_analyze(s->analyzer, text, strlen(text), KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS,
                              err);
    if (st != KK_OK)
        return st;
    size_t n = 0, cap = 0, m = 0;
    const kk_token *t = kk_analyzer_tokens(s->analyzer, &n);
    unsigned char *match = calloc(n + 1, 1);
    if (!match)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    char term[256];
    for (size_t k = 0; k < n; k++) {
        int gram = t[k].kind == KK_TOKEN_GRAM;
        size_t pl = gram ? strlen(KK_PREFIX_GRAM) : 0;
        if (t[k].len + pl >= sizeof term)
            continue;
        memcpy(term, KK_PREFIX_GRAM, pl);
        memcpy(term + pl, t[k].text, t[k].len);
        match[k] = (unsigned char)term_match(q, term, pl + t[k].len, gram);
    }
    /* A word or bigram that matches only as part of a longer sequence counts when a neighbour of
     * the same kind matches too; tokens are in position order, so neighbours are near in the
     * array (a word's bigrams lie between it and the next word). */
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        int ok = match[k] == 2;
        for (size_t j = k > 8 ? k - 8 : 0; match[k] == 1 && !ok && j < n && j <= k + 8; j++)
            ok = j != k && match[j] && adjacent(&t[j], &t[k]);
        if (ok && push_span(marks, &m, &cap, t[k].start, t[k].end) != KK_OK)
            st = kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    free(match);
    *n_marks = merge_spans(*marks, m);
    return st;
}

/* Byte offset of the character `chars` characters after (or before, if negative) byte at. */
static size_t move_chars(const char *s, size_t len, size_t at, long chars)
{
    for (; chars > 0 && at < len; chars--)
        do
            at++;
        while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80);
    for (; chars < 0 && at > 0; chars++)
        do
            at--;
        while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80);
    return at;
}

/* 1 if the text of mark j equals that of an earlier mark in [from, j). */
static int repeats(const char *text, const kk_span *marks, size_t from, size_t j)
{
    size_t len = marks[j].end - marks[j].start;
    for (size_t i = from; i < j; i++)
        if (marks[i].end - marks[i].start == len
            && memcmp(text + marks[i].start, text + marks[j].start, len) == 0)
            return 1;
    return 0;
}

/* The window [start, end) holding the most, and longest, different matches, begun a little
 * before its first mark: where the query's words meet, not where one of them repeats. */
static void choose_window(const char *text, size_t len, const kk_span *marks, size_t n,
                          size_t *start, size_t *end)
{
    size_t best = 0, best_count = 0;
    for (size_t k = 0; k < n; k++) {
        size_t limit = move_chars(text, len, marks[k].start, KK_SNIPPET_CHARS - KK_SNIPPET_LEAD);
        size_t count = 0;
        /* A different match outweighs any number of repeats, and a longer one (a whole phrase
         * rather than one of its words) a shorter one. */
        for (size_t j = k; j < n && marks[j].end <= limit; j++)
            count += repeats(text, marks, k, j) ? 1 : (n + 1) * (marks[j].end - marks[j].start);
        if (count > best_count) {
            best_count = count;
            best = k;
        }
    }
    *start = n ? move_chars(text, len, marks[best].start, -KK_SNIPPET_LEAD) : 0;
    /* Prefer to begin at a sentence start if one lies between the window start and the match. */
    const char *stop = "。";
    for (size_t p = *start; n && p + 3 <= marks[best].start; p++)
        if (memcmp(text + p, stop, 3) == 0) {
            *start = p + 3;
            break;
        }
    *end = move_chars(text, len, *start, KK_SNIPPET_CHARS);
}

kk_status kk_make_snippet(const char *text, const kk_span *marks, size_t n_marks, char **snippet,
                          kk_span **snippet_marks, size_t *n_snippet_marks, kk_error *err)
{
    size_t len = strlen(text), start = 0, end = 0;
    choose_window(text, len, marks, n_marks, &start, &end);
    kk_buf b = {0};
    size_t lead = start > 0 ? strlen(ELLIPSIS) : 0;
    kk_status st = kk_buf_add(&b, ELLIPSIS, lead);
    if (st == KK_OK)
        st = kk_buf_add(&b, text + start, end - start);
    if (st == KK_OK && end < len)
        st = kk_buf_add(&b, ELLIPSIS, strlen(ELLIPSIS));
    kk_span *sm = calloc(n_marks + 1, sizeof *sm);
    size_t m = 0;
    for (size_t k = 0; sm && k < n_marks; k++) {
        if (marks[k].start < start || marks[k].end > end)
            continue;
        sm[m++] = (kk_span){(unsigned)(marks[k].start - start + lead),
                            (unsigned)(marks[k].end - start + lead)};
    }
    if (st != KK_OK || !sm) {
        kk_buf_free(&b);
        free(sm);
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    *snippet = kk_buf_take(&b, NULL);
    *snippet_marks = sm;
    *n_snippet_marks = m;
    return KK_OK;
}

char *kk_mark_text(const char *text, const kk_span *marks, size_t n, const char *open,
                   const char *close)
{
    kk_buf b = {0};
    size_t at = 0, len = strlen(text);
    kk_status st = kk_buf_add(&b, "", 0);
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        if (marks[k].start < at || marks[k].end > len)
            continue;
        st = kk_buf_add(&b, text + at, marks[k].start - at);
        if (st == KK_OK) st = kk_buf_add(&b, open, strlen(open));
        if (st == KK_OK) st = kk_buf_add(&b, text + marks[k].start, marks[k].end - marks[k].start);
        if (st == KK_OK) st = kk_buf_add(&b, close, strlen(close));
        at = marks[k].end;
    }
    if (st == KK_OK)
        st = kk_buf_add(&b, text + at, len - at);
    if (st != KK_OK) {
        kk_buf_free(&b);
        return NULL;
    }
    return kk_buf_take(&b, NULL);
}
