/* snippet.c — highlights and snippets: where a hit's text matches the query, and which part of
 * it to show.
 *
 * Highlights are found in the passage text normalized by the same analysis path as the index,
 * with offsets mapped back to the original text. Bigram and prefix keys are matched against the
 * text's grams (kk_analyze with KK_ANALYZE_GRAMS); word keys are searched for in the normalized
 * text itself rather than among ICU's words, because running ICU's dictionary word breaker over
 * each hit was over a quarter of a search's time. Rendering marks (【】, colour, <mark>) is the
 * fronts' business; kk_mark_text is a helper for the plain forms.
 *
 * All of it runs for every hit shown, so the query's gram keys are prepared once per hit and
 * tried on a gram by its length and last byte before its bytes are compared, and the end of a
 * snippet window is moved on from the previous mark's rather than counted afresh.
 */
#include "query_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "kk_schema.h"

/* Snippet width in characters: two lines of a terminal or a result card, enough to read the
 * clause around a match in Japanese. Lead: characters shown before the first match. */
#define KK_SNIPPET_CHARS 110
#define KK_SNIPPET_LEAD 25

static const char ELLIPSIS[] = "…";

/* 1 for a gram key (bigram or prefix). Word keys are normalized text, which NFKC_Casefold has
 * left without upper-case letters, so they never begin with KK_PREFIX_GRAM. */
static int is_gram_key(const char *key)
{
    return strncmp(key, KK_PREFIX_GRAM, strlen(KK_PREFIX_GRAM)) == 0;
}

static int is_prefix_key(const char *key)
{
    return key[0] != '\0' && key[strlen(key) - 1] == '*';
}

/* The text a word key stands for: the key itself, or a bigram word's characters after the gram
 * prefix (see kk_unit.words). */
static const char *word_text(const char *key)
{
    return is_gram_key(key) ? key + strlen(KK_PREFIX_GRAM) : key;
}

/* 1 if key k is the only one of its kind (word, or bigram; prefixes aside) in its alternative:
 * then it may be marked alone; otherwise it is one of a sequence, marked only beside another.
 * The key of a two-character word is of both kinds, and counts as the word in words mode. */
static int alone_in_alternative(const kk_unit *unit, size_t k, int words)
{
    size_t same_kind = 0;
    for (size_t j = 0; j < unit->n_keys; j++) {
        if (unit->alts[j] != unit->alts[k] || is_prefix_key(unit->keys[j]))
            continue;
        same_kind += words ? unit->words[j] != 0 : is_gram_key(unit->keys[j]);
    }
    return same_kind <= 1;
}

/* A growable list of spans of the original text. */
typedef struct span_list {
    kk_span *v;
    size_t n, cap;
} span_list;

static kk_status push_span(span_list *l, unsigned start, unsigned end)
{
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 16;
        kk_span *p = realloc(l->v, c * sizeof *p);
        if (!p)
            return KK_ENOMEM;
        l->v = p;
        l->cap = c;
    }
    l->v[l->n++] = (kk_span){start, end};
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

/* ---- bigram and prefix keys: the text's grams ---------------------------------------------- */

/* A unit key as a test of a gram's text, made once per hit rather than per gram: the key matches
 * the gram term (KK_PREFIX_GRAM and the gram) when equal to it or, for a key ending in '*', when
 * the rest of the key begins it. Keys that no gram term can match (word keys) are left out. */
typedef struct gram_key {
    const char *text;    /* the key's bytes after those the gram prefix accounts for */
    size_t len;
    unsigned char prefix;/* the key ends in '*': text need only begin the gram */
    unsigned char mark;  /* 2 if a match may be marked alone (a prefix, or the only bigram of its
                          * alternative); 1 if only beside another matching gram */
} gram_key;

/* The gram keys of a query: the prefix keys first, tried on every gram, then those a gram must
 * equal, tried only on grams ending in the byte one of them ends in (most grams match no key). */
typedef struct gram_keys {
    gram_key *v;
    size_t n, n_prefix;
    unsigned char last_byte[256];
} gram_keys;

/* Unit key k as a gram key *g; 0 if no gram term can match it. */
static int as_gram_key(const kk_unit *unit, size_t k, gram_key *g)
{
    const char *key = unit->keys[k];
    size_t kl = strlen(key), pl = strlen(KK_PREFIX_GRAM);
    int prefix = kl > 0 && key[kl - 1] == '*';
    size_t want = prefix ? kl - 1 : kl; /* bytes of the term the key fixes */
    size_t shared = want < pl ? want : pl;
    if (memcmp(key, KK_PREFIX_GRAM, shared) != 0 || (!prefix && want < pl))
        return 0;
    int alone = prefix || alone_in_alternative(unit, k, 0);
    *g = (gram_key){key + shared, want - shared, (unsigned char)prefix,
                    (unsigned char)(alone ? 2 : 1)};
    return 1;
}

/* The gram keys of q into keys; keys->v is malloc'd. */
static kk_status prepare_gram_keys(const kk_built_query *q, gram_keys *keys)
{
    memset(keys, 0, sizeof *keys);
    size_t total = 0;
    for (size_t u = 0; u < q->n_units; u++)
        total += q->units[u].n_keys;
    if (!(keys->v = malloc((total + 1) * sizeof *keys->v)))
        return KK_ENOMEM;
    for (int prefix = 1; prefix >= 0; prefix--) {
        for (size_t u = 0; u < q->n_units; u++)
            for (size_t k = 0; k < q->units[u].n_keys; k++) {
                gram_key g;
                if (!as_gram_key(&q->units[u], k, &g) || g.prefix != prefix)
                    continue;
                keys->v[keys->n++] = g;
                if (!prefix && g.len > 0)
                    keys->last_byte[(unsigned char)g.text[g.len - 1]] = 1;
            }
        if (prefix)
            keys->n_prefix = keys->n;
    }
    return KK_OK;
}

/* For the gram text[0, len): 0 if no key matches it; otherwise the best mark of those that do. */
static int gram_match(const gram_keys *keys, const char *text, size_t len)
{
    size_t n = len == 0 || keys->last_byte[(unsigned char)text[len - 1]] ? keys->n : keys->n_prefix;
    int best = 0;
    for (size_t i = 0; i < n && best < 2; i++) {
        const gram_key *g = &keys->v[i];
        if (g->prefix ? len < g->len : len != g->len)
            continue;
        if (g->len > 0 && (g->text[g->len - 1] != text[g->len - 1]
                           || memcmp(g->text, text, g->len - 1) != 0))
            continue;
        best = g->mark > best ? g->mark : best;
    }
    return best;
}

/* The grams of the analysed text whose terms belong to the query's units: a bigram that matches
 * only as one of several counts when the gram before or after it matches too. Grams come in
 * position order with consecutive positions within a run (the run's trailing unigram last), so a
 * gram's neighbours in the text are its neighbours in the array. */
static kk_status mark_grams(kk_analyzer *a, const kk_built_query *q, span_list *out)
{
    size_t n = 0;
    const kk_token *t = kk_analyzer_tokens(a, &n);
    gram_keys keys;
    if (prepare_gram_keys(q, &keys) != KK_OK)
        return KK_ENOMEM;
    unsigned char *match = keys.n ? calloc(n + 1, 1) : NULL;
    kk_status st = keys.n && !match ? KK_ENOMEM : KK_OK;
    for (size_t k = 0; match && k < n; k++)
        if (t[k].kind == KK_TOKEN_GRAM)
            match[k] = (unsigned char)gram_match(&keys, t[k].text, t[k].len);
    for (size_t k = 0; match && st == KK_OK && k < n; k++) {
        int ok = match[k] == 2
                 || (match[k] == 1 && ((k > 0 && match[k - 1] && t[k - 1].pos + 1 == t[k].pos)
                                       || (match[k + 1] && t[k].pos + 1 == t[k + 1].pos)));
        if (ok)
            st = push_span(out, t[k].start, t[k].end);
    }
    free(match);
    free(keys.v);
    return st;
}

/* ---- word keys: the normalized text ------------------------------------------------------- */

/* 1 for a letter or digit of a script written with spaces (Latin, Greek, digits...): a word of
 * these is not to be matched inside a longer one (npo in npos). Japanese is written without
 * spaces, so kanji and kana never count: its keys match anywhere, as its bigrams do. */
static int is_alnum(int c)
{
    return !kk_is_cjk(c) && u_isalnum(c);
}

/* The code point ending at byte at of s (at > 0). */
static int char_before(const char *s, size_t at)
{
    size_t i = at - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return kk_utf8_next(s, at, &i);
}

/* 1 if key stands at text[at, at + strlen(key)) and does not cut a word of letters or digits
 * there: if it begins (ends) with one, the character before (after) it is not one. */
static int word_at(const char *text, size_t len, size_t at, const char *key)
{
    size_t kl = strlen(key), i = 0, next = at + kl;
    if (next > len || memcmp(text + at, key, kl) != 0)
        return 0;
    if (at > 0 && is_alnum(kk_utf8_next(key, kl, &i)) && is_alnum(char_before(text, at)))
        return 0;
    return next == len || !is_alnum(char_before(key, kl))
           || !is_alnum(kk_utf8_next(text, len, &next));
}

/* 1 if key k of unit u, found at text[start, end), stands beside another word the query looks
 * for: the words of a unit in sequence (待機|児童, 高齢|者), as ICU would have found them, or a key
 * of two or more characters beside another unit's word (学校|給食). A one-character key found in
 * the text may sit inside any word, so only its own alternative's words count for it (not 者 in
 * 介護者, nor 会 in 町会会長); a repeat of the key itself never counts (等 in 等等). */
static int has_partner(const kk_built_query *q, size_t u, size_t k, const char *text, size_t len,
                       size_t start, size_t end)
{
    const kk_unit *unit = &q->units[u];
    const char *key = word_text(unit->keys[k]);
    int one_char = kk_utf8_count(key, strlen(key)) == 1;
    for (size_t v = 0; v < q->n_units; v++)
        for (size_t j = 0; j < q->units[v].n_keys; j++) {
            const char *other = word_text(q->units[v].keys[j]);
            size_t ol = strlen(other);
            int own = v == u && q->units[v].alts[j] == unit->alts[k];
            if (ol == 0 || !q->units[v].words[j] || strcmp(other, key) == 0 || (one_char && !own))
                continue;
            if (word_at(text, len, end, other)
                || (ol <= start && word_at(text, len, start - ol, other)))
                return 1;
        }
    return 0;
}

/* Marks for word key k of unit u: every place the key stands in the normalized text (a valid
 * UTF-8 key found in valid UTF-8 starts and ends on character boundaries), mapped back to the
 * original text. */
static kk_status mark_word_key(kk_analyzer *a, const kk_built_query *q, size_t u, size_t k,
                               span_list *out, kk_error *err)
{
    size_t len = 0;
    const kk_unit *unit = &q->units[u];
    const char *text = kk_analyzer_text(a, &len), *key = word_text(unit->keys[k]);
    size_t kl = strlen(key);
    int alone = alone_in_alternative(unit, k, 1);
    kk_status st = KK_OK;
    for (const char *p = strstr(text, key); st == KK_OK && p; p = strstr(p + 1, key)) {
        size_t at = (size_t)(p - text);
        unsigned start = 0, end = 0;
        if (!word_at(text, len, at, key)
            || (!alone && !has_partner(q, u, k, text, len, at, at + kl)))
            continue;
        st = kk_analyzer_source_span(a, at, at + kl, &start, &end, err);
        if (st == KK_OK && push_span(out, start, end) != KK_OK)
            st = KK_ENOMEM;
    }
    return st;
}

/* Marks for the word keys of every unit. A key that two units share is looked for twice; the
 * spans merge, and queries have a handful of units. */
static kk_status mark_words(kk_analyzer *a, const kk_built_query *q, span_list *out,
                            kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t u = 0; st == KK_OK && u < q->n_units; u++)
        for (size_t k = 0; st == KK_OK && k < q->units[u].n_keys; k++)
            if (q->units[u].words[k] && q->units[u].keys[k][0] != '\0')
                st = mark_word_key(a, q, u, k, out, err);
    return st;
}

kk_status kk_find_marks(kk_searcher *s, const kk_built_query *q, const char *text,
                        kk_span **marks, size_t *n_marks, kk_error *err)
{
    *marks = NULL;
    *n_marks = 0;
    /* Grams only: no ICU word break iterator runs (see the file comment). */
    kk_status st = kk_analyze(s->analyzer, text, strlen(text), KK_ANALYZE_GRAMS, err);
    if (st != KK_OK)
        return st;
    span_list l = {0};
    st = mark_grams(s->analyzer, q, &l);
    if (st == KK_OK)
        st = mark_words(s->analyzer, q, &l, err);
    if (st != KK_OK) {
        free(l.v);
        return st == KK_ENOMEM ? kk_error_set(err, st, "highlighting: out of memory") : st;
    }
    *marks = l.v;
    *n_marks = merge_spans(l.v, l.n);
    return KK_OK;
}

static int is_continuation(const char *s, size_t at)
{
    return ((unsigned char)s[at] & 0xC0) == 0x80;
}

/* The byte after the character at byte at (< len): the next one that is not a continuation
 * byte, or len. Most characters here are three bytes long, so two continuation bytes are passed
 * at once. */
static size_t char_after(const char *s, size_t len, size_t at)
{
    at += at + 2 < len && is_continuation(s, at + 1) && is_continuation(s, at + 2) ? 3 : 1;
    while (at < len && is_continuation(s, at))
        at++;
    return at;
}

/* Byte offset of the character `chars` characters after (or before, if negative) byte at. */
static size_t move_chars(const char *s, size_t len, size_t at, long chars)
{
    for (; chars > 0 && at < len; chars--)
        at = char_after(s, len, at);
    for (; chars < 0 && at > 0; chars++)
        do
            at--;
        while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80);
    return at;
}

/* 1 if byte at of s begins a character (s[at] is not a UTF-8 continuation byte). */
static int starts_char(const char *s, size_t len, size_t at)
{
    return at < len && !is_continuation(s, at);
}

/* The end of the window that begins at mark k: move_chars from its start. Marks are often close
 * together, so when the previous mark's window (ending at prev_limit) reaches past mark k, the
 * end is moved on from prev_limit a character for every character between the two starts rather
 * than counted afresh (both starts must begin characters for the two to agree). */
static size_t window_limit(const char *text, size_t len, const kk_span *marks, size_t k,
                           size_t prev_limit)
{
    size_t from = k > 0 ? marks[k - 1].start : 0, to = marks[k].start, limit = prev_limit;
    if (k == 0 || from > to || to >= prev_limit || !starts_char(text, len, from)
        || !starts_char(text, len, to))
        return move_chars(text, len, to, KK_SNIPPET_CHARS - KK_SNIPPET_LEAD);
    for (size_t at = from; at < to; at = char_after(text, len, at))
        limit = limit < len ? char_after(text, len, limit) : len;
    return limit;
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
    size_t best = 0, best_count = 0, limit = 0;
    for (size_t k = 0; k < n; k++) {
        limit = window_limit(text, len, marks, k, limit);
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
