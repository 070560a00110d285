/* build.c — turns parsed clauses into Xapian queries through the shared analysis path.
 *
 * Each text clause is analysed with kk_analyze (query mode), stop words are dropped, and each
 * remaining content word — or a longer span of words that the synonym table knows — becomes a
 * unit: the word terms, or the exact sequence of its bigrams, or any of its synonyms. The strict
 * query requires every unit; the relaxed one any unit. Filters, exclusions and year preferences
 * wrap both. Ranking weights live here, each with the reason for its value.
 */
#include "query_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"
#include "kk_year.h"

/* A unit's word terms weigh this much against its bigram phrase. Words are what tell 京都 from
 * 東京都 (ICU splits the latter 東京|都, so only its bigrams match 京都); bigrams give recall
 * where the dictionary splits document and query differently. Tuned on dev.tsv (nDCG@10). */
#define KK_WORD_WEIGHT 1.0
#define KK_GRAM_WEIGHT 0.6

/* A one-character word matches any bigram starting with it; such a wildcard spreads over many
 * terms, so it counts for less than a real bigram. */
#define KK_PREFIX_WEIGHT 0.3

/* Passages stating the year the query names get this boost on the XY year term: enough to lift
 * a passage of that year over another of similar relevance, not over a much better one. */
#define KK_YEAR_WEIGHT 1.5

/* A passage containing a multi-word clause's exact wording gets this extra weight. */
#define KK_EXACT_WEIGHT 0.5

/* A synonym counts for less than the word typed: both are found, the typed wording first. */
#define KK_SYNONYM_WEIGHT 0.5

/* Words joined into one synonym lookup at most: entries like 男女共同参画社会 are 3–4 ICU words. */
#define KK_SYNONYM_SPAN 4

#define KK_MAX_TERM 240

typedef struct builder {
    kk_searcher *s;
    kk_built_query *out;
    kk_error *err;
} builder;

/* ---- small helpers over kk_xquery ------------------------------------------------------- */

static kk_xquery *q_term(builder *b, const char *prefix, const char *t, size_t n)
{
    char term[KK_MAX_TERM + 8];
    size_t pl = strlen(prefix);
    if (n > KK_MAX_TERM)
        n = KK_MAX_TERM;
    memcpy(term, prefix, pl);
    memcpy(term + pl, t, n);
    kk_xquery *q = NULL;
    kk_xquery_term(term, pl + n, 1, &q, b->err);
    return q;
}

static kk_xquery *q_wildcard(builder *b, const char *prefix, const char *t, size_t n)
{
    char term[KK_MAX_TERM + 8];
    size_t pl = strlen(prefix);
    if (n > KK_MAX_TERM)
        n = KK_MAX_TERM;
    memcpy(term, prefix, pl);
    memcpy(term + pl, t, n);
    kk_xquery *q = NULL;
    kk_xquery_wildcard(term, pl + n, &q, b->err);
    return q;
}

/* Combine and free the parts; NULL parts are skipped. Returns NULL if none is left. */
static kk_xquery *q_combine(builder *b, kk_qop op, kk_xquery **parts, size_t n, unsigned window)
{
    size_t w = 0;
    for (size_t k = 0; k < n; k++)
        if (parts[k])
            parts[w++] = parts[k];
    kk_xquery *q = NULL;
    if (w == 1) { /* one term in a phrase or a group is the term itself */
        q = parts[0];
        return q;
    }
    if (w > 0)
        kk_xquery_combine(op, parts, w, window, &q, b->err);
    for (size_t k = 0; k < w; k++)
        kk_xquery_free(parts[k]);
    return q;
}

static kk_xquery *q_pair(builder *b, kk_qop op, kk_xquery *x, kk_xquery *y)
{
    kk_xquery *parts[2] = {x, y};
    return q_combine(b, op, parts, 2, 0);
}

static kk_xquery *q_scale(builder *b, kk_xquery *q, double factor)
{
    if (!q)
        return NULL;
    kk_xquery *scaled = NULL;
    kk_xquery_scale(q, factor, &scaled, b->err);
    kk_xquery_free(q);
    return scaled;
}

/* A new handle on the same query (the original stays the caller's). */
static kk_xquery *q_copy(builder *b, const kk_xquery *q)
{
    kk_xquery *c = NULL;
    if (!q)
        return NULL;
    kk_xquery_scale(q, 1.0, &c, b->err);
    return c;
}

static unsigned count_chars(const char *s, size_t n)
{
    unsigned c = 0;
    for (size_t k = 0; k < n; k++)
        c += ((unsigned char)s[k] & 0xC0) != 0x80;
    return c;
}

/* ---- units --------------------------------------------------------------------------------- */

static kk_unit *new_unit(builder *b)
{
    kk_built_query *o = b->out;
    if (o->n_units == o->cap_units) {
        size_t cap = o->cap_units ? o->cap_units * 2 : 8;
        kk_unit *u = realloc(o->units, cap * sizeof *u);
        if (!u)
            return NULL;
        o->units = u;
        o->cap_units = cap;
    }
    kk_unit *u = &o->units[o->n_units++];
    memset(u, 0, sizeof *u);
    return u;
}

static void unit_add_key(kk_unit *u, const char *prefix, const char *t, size_t n, int wildcard)
{
    if (u->n_keys == u->cap_keys) {
        size_t cap = u->cap_keys ? u->cap_keys * 2 : 8;
        char **k = realloc(u->keys, cap * sizeof *k);
        if (!k)
            return; /* a missing key only weakens ranking of the relaxed query */
        u->keys = k;
        u->cap_keys = cap;
    }
    size_t pl = strlen(prefix);
    char *key = malloc(pl + n + 2);
    if (!key)
        return;
    memcpy(key, prefix, pl);
    memcpy(key + pl, t, n);
    key[pl + n] = wildcard ? '*' : '\0';
    key[pl + n + 1] = '\0';
    u->keys[u->n_keys++] = key;
}

/* The query for one piece of normalized text (a word, a span, a synonym): its word terms
 * together, or its bigrams in sequence. Keys for coordination go to u (may be NULL). */
static kk_xquery *text_query(builder *b, const char *text, size_t len, kk_unit *u)
{
    if (kk_analyze(b->s->analyzer, text, len,
                   KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY, b->err) != KK_OK)
        return NULL;
    size_t n = 0, n_words = 0, n_grams = 0;
    const kk_token *t = kk_analyzer_tokens(b->s->analyzer, &n);
    kk_xquery **words = calloc(n + 1, sizeof *words), **grams = calloc(n + 1, sizeof *grams);
    kk_xquery *prefix = NULL;
    unsigned first_gram = 0, last_gram = 0, first_word = 0, last_word = 0;
    for (size_t k = 0; words && grams && k < n; k++) {
        if (t[k].kind == KK_TOKEN_WORD) {
            if (!n_words)
                first_word = t[k].pos;
            last_word = t[k].pos + count_chars(t[k].text, t[k].len) - 1;
            words[n_words++] = q_term(b, "", t[k].text, t[k].len);
            if (u)
                unit_add_key(u, "", t[k].text, t[k].len, 0);
        } else if (t[k].prefix) {
            prefix = q_scale(b, q_wildcard(b, KK_PREFIX_GRAM, t[k].text, t[k].len),
                             KK_PREFIX_WEIGHT);
            if (u)
                unit_add_key(u, KK_PREFIX_GRAM, t[k].text, t[k].len, 1);
        } else {
            if (!n_grams)
                first_gram = t[k].pos;
            last_gram = t[k].pos;
            grams[n_grams++] = q_term(b, KK_PREFIX_GRAM, t[k].text, t[k].len);
            if (u)
                unit_add_key(u, KK_PREFIX_GRAM, t[k].text, t[k].len, 0);
        }
    }
    /* The words of one unit were typed together: they must stand together, in order, within the
     * characters they span (positions are character offsets). */
    kk_xquery *wq = words ? q_combine(b, KK_QOP_PHRASE, words, n_words,
                                      n_words ? last_word - first_word + 1 : 0) : NULL;
    kk_xquery *gq = grams ? q_combine(b, KK_QOP_PHRASE, grams, n_grams,
                                      n_grams ? last_gram - first_gram + 1 : 0) : NULL;
    free(words);
    free(grams);
    wq = q_scale(b, wq, KK_WORD_WEIGHT);
    gq = q_scale(b, gq, KK_GRAM_WEIGHT / (n_grams ? (double)n_grams : 1.0));
    kk_xquery *parts[3] = {wq, gq, prefix};
    return q_combine(b, KK_QOP_OR, parts, 3, 0);
}

/* A phrase clause: the exact sequence of its terms, bigrams for Japanese and words for the rest,
 * at their relative positions. */
static kk_xquery *phrase_query(builder *b, const char *text, kk_unit *u)
{
    if (kk_analyze(b->s->analyzer, text, strlen(text),
                   KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY, b->err) != KK_OK)
        return NULL;
    size_t n = 0, m = 0;
    const kk_token *t = kk_analyzer_tokens(b->s->analyzer, &n);
    kk_xquery **parts = calloc(n + 1, sizeof *parts);
    unsigned first = 0, last = 0;
    for (size_t k = 0; parts && k < n; k++) {
        int is_gram = t[k].kind == KK_TOKEN_GRAM;
        if ((is_gram && t[k].prefix) || (!is_gram && t[k].cjk))
            continue; /* Japanese is matched by its bigrams; lone characters below */
        if (!m)
            first = t[k].pos;
        last = t[k].pos;
        const char *prefix = is_gram ? KK_PREFIX_GRAM : "";
        parts[m++] = q_term(b, prefix, t[k].text, t[k].len);
        if (u)
            unit_add_key(u, prefix, t[k].text, t[k].len, 0);
    }
    kk_xquery *q = NULL;
    if (parts && m == 0 && n > 0) /* a one-character phrase: every bigram that starts with it */
        q = text_query(b, text, strlen(text), u);
    else if (parts)
        q = q_combine(b, KK_QOP_PHRASE, parts, m, m ? last - first + 1 : 0);
    free(parts);
    return q;
}

/* ---- content words of a text clause ---------------------------------------------------- */

typedef struct content_word {
    char *text;
    size_t len;
    unsigned pos, end_pos; /* code-point positions [pos, end_pos) in the normalized clause */
} content_word;

static int is_katakana(int c)
{
    return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC;
}

/* 1 if every character of the token satisfies the class. */
static int all_chars(const kk_token *t, int (*cls)(int))
{
    size_t i = 0;
    while (i < t->len)
        if (!cls(kk_utf8_next(t->text, t->len, &i)))
            return 0;
    return t->len > 0;
}

static int is_kana(int c)
{
    return (c >= 0x3041 && c <= 0x309F) || is_katakana(c);
}

static int is_kanji(int c)
{
    return kk_is_cjk(c) && !is_kana(c);
}

/* Whether token b continues the word that ends with token a. ICU's dictionary breaks unknown
 * loanwords into single katakana and compounds into single kanji (市|税, 収納|率); a lone
 * character searched on its own matches far too much, so a single kanji joins its kanji
 * neighbour, and katakana runs are kept whole as the loanword compounds they are. */
static int continues_word(const kk_token *a, const kk_token *b)
{
    if (a->pos + count_chars(a->text, a->len) != b->pos)
        return 0;
    if (all_chars(a, is_katakana) && all_chars(b, is_katakana))
        return 1;
    return all_chars(a, is_kanji) && all_chars(b, is_kanji)
           && (count_chars(a->text, a->len) == 1 || count_chars(b->text, b->len) == 1);
}

/* A word that is one token, a stop word or a lone kana (a particle or a fragment), carries no
 * topic. */
static int is_content(const kk_searcher *s, const kk_token *only)
{
    if (!only)
        return 1;
    if (kk_searcher_is_stopword(s, only->text, only->len))
        return 0;
    return !(count_chars(only->text, only->len) == 1 && all_chars(only, is_kana));
}

static int append_word(content_word *w, const kk_token *t)
{
    char *p = realloc(w->text, w->len + t->len + 1);
    if (!p)
        return -1;
    memcpy(p + w->len, t->text, t->len);
    w->text = p;
    w->len += t->len;
    w->text[w->len] = '\0';
    w->end_pos = t->pos + count_chars(t->text, t->len);
    return 0;
}

/* Group the clause's word tokens into words (see continues_word); firsts[k] is the single token
 * of group k, or NULL when the group joined several. */
static size_t group_words(const kk_token *t, size_t n, content_word *w, const kk_token **firsts)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (m && continues_word(&t[k - 1], &t[k])) {
            if (append_word(&w[m - 1], &t[k]) != 0)
                break;
            firsts[m - 1] = NULL;
            continue;
        }
        w[m].pos = t[k].pos;
        firsts[m] = &t[k];
        if (append_word(&w[m++], &t[k]) != 0)
            break;
    }
    return m;
}

/* Analyse the clause and keep its content words (stop words dropped, unless nothing else is
 * left: a query of only stop words still searches for them). */
static content_word *content_words(builder *b, const char *text, size_t len, size_t *n_out)
{
    *n_out = 0;
    if (kk_analyze(b->s->analyzer, text, len, KK_ANALYZE_WORDS | KK_ANALYZE_QUERY, b->err) != KK_OK)
        return NULL;
    size_t n = 0, kept = 0, out = 0;
    const kk_token *t = kk_analyzer_tokens(b->s->analyzer, &n);
    content_word *w = calloc(n + 1, sizeof *w);
    const kk_token **firsts = calloc(n + 1, sizeof *firsts);
    size_t m = w && firsts ? group_words(t, n, w, firsts) : 0;
    for (size_t k = 0; k < m; k++)
        kept += is_content(b->s, firsts[k]);
    for (size_t k = 0; k < m; k++) {
        if (kept && !is_content(b->s, firsts[k])) {
            free(w[k].text);
            continue;
        }
        w[out++] = w[k];
    }
    free(firsts);
    *n_out = out;
    return w;
}

static void free_content_words(content_word *w, size_t n)
{
    for (size_t k = 0; w && k < n; k++)
        free(w[k].text);
    free(w);
}

typedef struct synonym_list {
    char **items;
    size_t n;
} synonym_list;

static int collect_synonym(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)freq;
    synonym_list *l = ctx;
    char **p = realloc(l->items, (l->n + 1) * sizeof *p);
    if (!p)
        return 1;
    l->items = p;
    if ((l->items[l->n] = malloc(len + 1)) != NULL) {
        memcpy(l->items[l->n], term, len);
        l->items[l->n++][len] = '\0';
    }
    return 0;
}

/* Concatenate words [i, i+span) if they are adjacent in the clause; NULL otherwise. */
static char *span_text(const content_word *w, size_t i, size_t span, size_t *len)
{
    size_t total = 0;
    for (size_t k = i; k < i + span; k++) {
        if (k > i && w[k].pos != w[k - 1].end_pos)
            return NULL;
        total += w[k].len;
    }
    char *s = malloc(total + 1);
    if (!s)
        return NULL;
    *len = 0;
    for (size_t k = i; k < i + span; k++) {
        memcpy(s + *len, w[k].text, w[k].len);
        *len += w[k].len;
    }
    s[*len] = '\0';
    return s;
}

/* The unit query for span text with its synonyms; *found tells whether there were any. */
static kk_xquery *unit_query(builder *b, const char *text, size_t len, int *found)
{
    synonym_list syn = {NULL, 0};
    kk_db_each_synonym(b->s->db, text, collect_synonym, &syn, NULL);
    *found = syn.n > 0;
    kk_unit *u = new_unit(b);
    kk_xquery **parts = calloc(syn.n + 1, sizeof *parts);
    if (parts) {
        parts[0] = text_query(b, text, len, u);
        for (size_t k = 0; k < syn.n; k++)
            parts[k + 1] = q_scale(b, text_query(b, syn.items[k], strlen(syn.items[k]), u),
                                   KK_SYNONYM_WEIGHT);
    }
    kk_xquery *q = parts ? q_combine(b, KK_QOP_OR, parts, syn.n + 1, 0) : NULL;
    for (size_t k = 0; k < syn.n; k++)
        free(syn.items[k]);
    free(syn.items);
    free(parts);
    return q;
}

static int count_one(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)term, (void)len, (void)freq;
    *(int *)ctx = 1;
    return 1;
}

static int has_synonyms(builder *b, const char *text)
{
    int found = 0;
    kk_db_each_synonym(b->s->db, text, count_one, &found, NULL);
    return found;
}

/* The longest span of words from i (up to KK_SYNONYM_SPAN, at least 1) that the synonym table
 * knows; 1 when none does. */
static size_t synonym_span(builder *b, const content_word *w, size_t n, size_t i)
{
    size_t span = n - i < KK_SYNONYM_SPAN ? n - i : KK_SYNONYM_SPAN;
    for (; span > 1; span--) {
        size_t len = 0;
        char *s = span_text(w, i, span, &len);
        int found = s && has_synonyms(b, s);
        free(s);
        if (found)
            return span;
    }
    return 1;
}

/* Units of a clause's content words: a span the synonym table knows becomes one unit, any other
 * word a unit of its own. Returns the number of unit queries written to units. */
static size_t clause_units(builder *b, const content_word *w, size_t n, kk_xquery **units)
{
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t span = synonym_span(b, w, n, i), len = 0;
        char *s = span_text(w, i, span, &len);
        int found = 0;
        kk_xquery *q = s ? unit_query(b, s, len, &found) : NULL;
        free(s);
        if (q)
            units[m++] = q;
        i += span;
    }
    return m;
}

/* ---- clauses ------------------------------------------------------------------------------ */

typedef struct clause_query {
    kk_xquery *strict, *relaxed;
    int is_filter;
} clause_query;

static void add_year(builder *b, int year)
{
    kk_built_query *o = b->out;
    for (size_t k = 0; k < o->n_years; k++)
        if (o->years[k] == year)
            return;
    if (o->n_years < KK_MAX_YEAR_PREFS)
        o->years[o->n_years++] = year;
}

/* Take the years named in text (令和元年度, 2019年度 …) as preferences and blank them out so that
 * their characters do not also have to match as words. A clause that is only a year token
 * (R1, H31, 2019) is a preference; a bare number stays a content word too. Returns 1 when
 * nothing but the year is left. */
static int take_years(builder *b, char *text)
{
    size_t len = strlen(text), start = 0, end = 0;
    int year, guard = 0;
    while (guard++ < KK_MAX_YEAR_PREFS && (year = kk_year_find(text, len, &start, &end)) != 0) {
        add_year(b, year);
        memset(text + start, ' ', end - start);
    }
    size_t lead = strspn(text, " ");
    size_t n = strlen(text + lead);
    while (n > 0 && text[lead + n - 1] == ' ')
        n--;
    if (n == 0)
        return 1;
    if ((year = kk_year_parse(text + lead, n)) != 0) {
        add_year(b, year);
        return strspn(text + lead, "0123456789") != n;
    }
    return 0;
}

static void text_clause(builder *b, const kk_clause *c, clause_query *cq)
{
    char *text = strdup(c->text);
    if (!text || take_years(b, text)) {
        free(text);
        return;
    }
    size_t n_words = 0;
    content_word *w = content_words(b, text, strlen(text), &n_words);
    kk_xquery **units = calloc(n_words + 1, sizeof *units);
    size_t n_units = units ? clause_units(b, w, n_words, units) : 0;
    free_content_words(w, n_words);
    if (n_units > 1) {
        kk_xquery **copy = calloc(n_units, sizeof *copy);
        for (size_t k = 0; copy && k < n_units; k++)
            copy[k] = q_copy(b, units[k]);
        cq->relaxed = copy ? q_combine(b, KK_QOP_OR, copy, n_units, 0) : NULL;
        free(copy);
        kk_xquery *exact = q_scale(b, phrase_query(b, text, NULL), KK_EXACT_WEIGHT);
        cq->strict = q_pair(b, KK_QOP_AND_MAYBE, q_combine(b, KK_QOP_AND, units, n_units, 0),
                            exact);
    } else if (n_units == 1) {
        cq->strict = units[0];
    }
    free(units);
    free(text);
}

static const char *field_prefix(kk_filter f)
{
    switch (f) {
    case KK_FILTER_KIND: return KK_PREFIX_KIND;
    case KK_FILTER_DEPT: return KK_PREFIX_DEPT;
    case KK_FILTER_PLAN: return KK_PREFIX_PLAN;
    case KK_FILTER_CITY: return KK_PREFIX_CITY;
    case KK_FILTER_DOC: return KK_PREFIX_DOC;
    default: return "";
    }
}

/* A filter: a year range, or a value matched as a prefix of the indexed (normalized) values,
 * so that plan:地域情報化プラン finds 地域情報化プラン2022 and dept:企画 finds 企画部. */
static kk_xquery *field_query(builder *b, const kk_clause *c)
{
    if (c->field == KK_FILTER_YEAR) {
        kk_xquery *q = NULL;
        kk_xquery_number_range(KK_SLOT_YEAR, c->year_lo, c->year_hi, &q, b->err);
        return q;
    }
    if (c->field == KK_FILTER_DOC)
        return q_wildcard(b, KK_PREFIX_DOC, c->text, strlen(c->text));
    char *norm = NULL;
    size_t n = 0;
    if (kk_normalize(b->s->analyzer, c->text, strlen(c->text), &norm, &n, b->err) != KK_OK)
        return NULL;
    kk_xquery *q = q_wildcard(b, field_prefix(c->field), norm, n);
    free(norm);
    return q;
}

static void build_clause(builder *b, const kk_clause *c, clause_query *cq)
{
    memset(cq, 0, sizeof *cq);
    switch (c->kind) {
    case KK_CLAUSE_FIELD:
        cq->strict = field_query(b, c);
        cq->is_filter = 1;
        break;
    case KK_CLAUSE_PHRASE:
        cq->strict = phrase_query(b, c->text, new_unit(b));
        break;
    case KK_CLAUSE_TEXT:
        text_clause(b, c, cq);
        break;
    }
    if (!cq->relaxed && cq->strict && !cq->is_filter)
        cq->relaxed = q_copy(b, cq->strict);
}

/* ---- assembling the whole query -------------------------------------------------------- */

typedef struct assembly {
    kk_xquery **strict, **relaxed, **filters, **nots;
    size_t n_strict, n_relaxed, n_filters, n_nots;
} assembly;

/* Add one OR group of clauses [from, to) to the assembly. */
static void add_group(builder *b, const kk_parsed_query *pq, size_t from, size_t to, assembly *a)
{
    size_t n = to - from;
    kk_xquery **strict = calloc(n, sizeof *strict), **relaxed = calloc(n, sizeof *relaxed);
    int all_filters = 1;
    for (size_t k = 0; strict && relaxed && k < n; k++) {
        clause_query cq;
        build_clause(b, &pq->clauses[from + k], &cq);
        all_filters &= cq.is_filter;
        strict[k] = cq.is_filter && n > 1 ? q_scale(b, cq.strict, 0) : cq.strict;
        relaxed[k] = cq.relaxed;
    }
    kk_xquery *s = strict ? q_combine(b, KK_QOP_OR, strict, n, 0) : NULL;
    kk_xquery *r = relaxed ? q_combine(b, KK_QOP_OR, relaxed, n, 0) : NULL;
    free(strict);
    free(relaxed);
    if (pq->clauses[from].negated) {
        a->nots[a->n_nots++] = s;
        kk_xquery_free(r);
    } else if (all_filters) {
        a->filters[a->n_filters++] = s;
        kk_xquery_free(r);
    } else {
        a->strict[a->n_strict++] = s;
        a->relaxed[a->n_relaxed++] = r;
    }
}

/* Apply filters, exclusions and year preferences around a content query (which may be NULL
 * for a query of filters only: then every passage passing them matches). Consumes q. */
static kk_xquery *wrap(builder *b, kk_xquery *q, const assembly *a)
{
    if (!q)
        kk_xquery_all(&q, b->err);
    for (size_t k = 0; k < a->n_filters; k++)
        q = q_pair(b, KK_QOP_FILTER, q, q_copy(b, a->filters[k]));
    for (size_t k = 0; k < a->n_nots; k++)
        q = q_pair(b, KK_QOP_AND_NOT, q, q_copy(b, a->nots[k]));
    kk_xquery *years[KK_MAX_YEAR_PREFS];
    for (size_t k = 0; k < b->out->n_years; k++) {
        char y[16];
        int n = snprintf(y, sizeof y, "%d", b->out->years[k]);
        years[k] = q_term(b, KK_PREFIX_YEAR, y, (size_t)n);
    }
    kk_xquery *boost = q_scale(b, q_combine(b, KK_QOP_OR, years, b->out->n_years, 0),
                               KK_YEAR_WEIGHT);
    return boost ? q_pair(b, KK_QOP_AND_MAYBE, q, boost) : q;
}

static void free_assembly(assembly *a)
{
    for (size_t k = 0; k < a->n_filters; k++)
        kk_xquery_free(a->filters[k]);
    for (size_t k = 0; k < a->n_nots; k++)
        kk_xquery_free(a->nots[k]);
    free(a->strict);
    free(a->relaxed);
    free(a->filters);
    free(a->nots);
}

kk_status kk_query_build(kk_searcher *s, const kk_parsed_query *pq, kk_built_query *out,
                         kk_error *err)
{
    memset(out, 0, sizeof *out);
    kk_error local = {0};
    builder b = {s, out, &local};
    size_t n = pq->n + 1;
    assembly a = {calloc(n, sizeof(kk_xquery *)), calloc(n, sizeof(kk_xquery *)),
                  calloc(n, sizeof(kk_xquery *)), calloc(n, sizeof(kk_xquery *)), 0, 0, 0, 0};
    if (!a.strict || !a.relaxed || !a.filters || !a.nots) {
        free_assembly(&a);
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    for (size_t from = 0, to; from < pq->n; from = to) {
        to = from + 1;
        while (to < pq->n && pq->clauses[to - 1].or_next && !pq->clauses[to].negated)
            to++;
        add_group(&b, pq, from, to, &a);
    }
    size_t units = out->n_units;
    kk_xquery *strict = q_combine(&b, KK_QOP_AND, a.strict, a.n_strict, 0);
    kk_xquery *relaxed = q_combine(&b, KK_QOP_OR, a.relaxed, a.n_relaxed, 0);
    out->strict = wrap(&b, strict, &a);
    out->relaxed = units > 1 ? wrap(&b, relaxed, &a) : (kk_xquery_free(relaxed), NULL);
    free_assembly(&a);
    if (local.code != KK_OK || !out->strict) {
        kk_built_query_free(out);
        if (local.code == KK_OK)
            kk_error_set(&local, KK_EINTERNAL, "could not build the query");
        if (err)
            *err = local;
        return local.code;
    }
    return KK_OK;
}

void kk_built_query_free(kk_built_query *q)
{
    kk_xquery_free(q->strict);
    kk_xquery_free(q->relaxed);
    for (size_t k = 0; k < q->n_units; k++) {
        for (size_t j = 0; j < q->units[k].n_keys; j++)
            free(q->units[k].keys[j]);
        free(q->units[k].keys);
    }
    free(q->units);
    memset(q, 0, sizeof *q);
}
