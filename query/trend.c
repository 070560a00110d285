/* trend.c — matching passages and documents per fiscal year, counted over the whole index (see
 * kk_trend.h).
 *
 * Sections, in order: deciding whether the query is one term or phrase (then counted by
 * normalized substring), building the candidate query that is sure to hold every passage whose
 * text contains that string, counting one year's matches (candidates checked against the text),
 * and the entry points. Years are counted one at a time (XY terms list the years present) so that
 * each walk over matches stays small. It reads the index and never ranks.
 */
#include "kk_trend.h"

#include <stdlib.h>
#include <string.h>

#include "compare_internal.h"
#include "kk_schema.h"

/* ---- the query --------------------------------------------------------------------------- */

typedef struct plan {
    kk_xquery *candidates; /* a superset of the matches (exact) or the matches themselves */
    char *needle;          /* exact mode: the normalized term or phrase; NULL otherwise */
    kk_phrase_check phrases; /* otherwise: the quoted wording the matches must hold */
} plan;

/* The content clause of a one-term or one-phrase query (field filters aside), or -1. */
static long exact_clause(const kk_parsed_query *pq)
{
    long found = -1;
    for (size_t k = 0; k < pq->n; k++) {
        const kk_clause *c = &pq->clauses[k];
        if (c->or_next)
            return -1;
        if (c->kind == KK_CLAUSE_FIELD)
            continue;
        if (found >= 0 || c->negated)
            return -1;
        found = (long)k;
    }
    return found;
}

static int contains(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t k = 0; k + m <= n; k++)
        if (memcmp(hay + k, needle, m) == 0)
            return 1;
    return 0;
}

static int collect_term(const char *term, size_t len, unsigned freq, void *vctx)
{
    (void)freq;
    void **ctx = vctx;
    const char *word = ctx[0];
    kk_xquery ***parts = ctx[1];
    size_t *n = ctx[2];
    if (contains(term, len, word, strlen(word))) {
        kk_xquery **more = realloc(*parts, (*n + 1) * sizeof *more);
        if (!more)
            return 1;
        *parts = more;
        if (kk_xquery_term(term, len, 1, &more[*n], NULL) == KK_OK)
            (*n)++;
    }
    return 0;
}

/* Every indexed word containing a non-Japanese query word (covid is inside covid19): Latin
 * letters and digits are indexed as whole ICU words, not grams. Lists the unprefixed terms —
 * those not starting with a capital, the prefixes of kk_schema.h; words are case-folded — one
 * first byte at a time, which skips the far more numerous gram (B) and filter terms. */
static kk_status words_containing(kk_searcher *s, const char *word, size_t len, kk_xquery **out,
                                  kk_error *err)
{
    char *w = strndup(word, len);
    kk_xquery **parts = NULL;
    size_t n = 0;
    void *ctx[3] = {w, &parts, &n};
    kk_status st = w ? KK_OK : KK_ENOMEM;
    for (int c = 1; st == KK_OK && c < 256; c++) {
        char first[2] = {(char)c, '\0'};
        if (c < 'A' || c > 'Z')
            st = kk_db_each_term(s->db, first, collect_term, ctx, err);
    }
    if (st == KK_OK && n == 0) /* no such word: nothing can match. The bare id prefix is never
                                  a term (every id term has an id after it). */
        st = kk_xquery_term(KK_PREFIX_ID, strlen(KK_PREFIX_ID), 1, out, err);
    else if (st == KK_OK)
        st = kk_xquery_combine(KK_QOP_OR, parts, n, 0, out, err);
    for (size_t k = 0; k < n; k++)
        kk_xquery_free(parts[k]);
    free(parts);
    free(w);
    return st == KK_ENOMEM ? kk_error_set(err, st, "out of memory") : st;
}

typedef struct parts {
    kk_xquery **q;
    size_t n;
} parts;

/* Every passage holding the character of t: grams starting with it (term holds the gram prefix
 * and the character, prefix_len bytes of prefix), or the word it is when ICU split it off (the
 * index then drops the run's trailing unigram, see kk_analysis.h). */
static kk_status lone_char_query(const char *term, size_t prefix_len, const kk_token *t,
                                 kk_xquery **out, kk_error *err)
{
    kk_xquery *both[2] = {NULL, NULL};
    kk_status st = kk_xquery_wildcard(term, prefix_len + t->len, &both[0], err);
    if (st == KK_OK)
        st = kk_xquery_term(t->text, t->len, 1, &both[1], err);
    if (st == KK_OK)
        st = kk_xquery_combine(KK_QOP_OR, both, 2, 0, out, err);
    kk_xquery_free(both[0]);
    kk_xquery_free(both[1]);
    return st;
}

static kk_status gram_query(const kk_token *t, kk_xquery **out, kk_error *err)
{
    char term[256];
    size_t n = strlen(KK_PREFIX_GRAM);
    if (t->len + n >= sizeof term)
        return kk_error_set(err, KK_EINVAL, "trend: term too long");
    memcpy(term, KK_PREFIX_GRAM, n);
    memcpy(term + n, t->text, t->len);
    if (t->prefix) /* one character alone: it starts some gram, or is a word of its own */
        return lone_char_query(term, n, t, out, err);
    return kk_xquery_term(term, n + t->len, 1, out, err);
}

/* Close the run of consecutive bigrams run[0..n) into one AND (every passage holding the run
 * holds them all; the index has no positions to say more, the stored-text check does). */
static kk_status close_run(kk_xquery **run, size_t *n, parts *p, kk_error *err)
{
    kk_status st = KK_OK;
    if (*n == 1)
        p->q[p->n++] = run[0];
    else if (*n > 1) {
        st = kk_xquery_combine(KK_QOP_AND, run, *n, 0, &p->q[p->n], err);
        p->n += st == KK_OK;
        for (size_t k = 0; k < *n; k++)
            kk_xquery_free(run[k]);
    }
    *n = 0;
    return st;
}

/* A query every passage containing needle matches: per run of kanji and katakana its bigrams
 * (a lone character as a prefix of grams), per non-Japanese word any indexed word holding it; all
 * of them required. Kana words add nothing: the dictionary may split them differently in the
 * passage, and a superset is what the count needs. */
static kk_status needle_query(kk_searcher *s, const char *needle, kk_xquery **out, kk_error *err)
{
    kk_status st = kk_analyze(s->analyzer, needle, strlen(needle),
                              KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY, err);
    size_t n = 0, n_run = 0;
    const kk_token *t = st == KK_OK ? kk_analyzer_tokens(s->analyzer, &n) : NULL;
    parts p = {calloc(n + 1, sizeof(kk_xquery *)), 0};
    kk_xquery **run = calloc(n + 1, sizeof *run);
    if (st == KK_OK && (!p.q || !run))
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    unsigned last_pos = 0;
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        if (t[k].kind == KK_TOKEN_WORD && t[k].cjk)
            continue; /* Japanese is matched by its grams */
        if (t[k].kind != KK_TOKEN_GRAM || t[k].prefix || (n_run && t[k].pos != last_pos + 1))
            st = close_run(run, &n_run, &p, err);
        if (st != KK_OK)
            break;
        if (t[k].kind == KK_TOKEN_WORD) /* the tokens stay valid: no analysis happens here */
            st = words_containing(s, t[k].text, t[k].len, &p.q[p.n], err), p.n += st == KK_OK;
        else if (t[k].prefix)
            st = gram_query(&t[k], &p.q[p.n], err), p.n += st == KK_OK;
        else
            st = gram_query(&t[k], &run[n_run], err), n_run += st == KK_OK, last_pos = t[k].pos;
    }
    if (st == KK_OK)
        st = close_run(run, &n_run, &p, err);
    if (st == KK_OK && p.n == 0) /* nothing indexable (punctuation only): check every passage */
        st = kk_xquery_all(out, err);
    else if (st == KK_OK)
        st = kk_xquery_combine(KK_QOP_AND, p.q, p.n, 0, out, err);
    for (size_t k = 0; p.q && k < p.n; k++)
        kk_xquery_free(p.q[k]);
    for (size_t k = 0; k < n_run; k++)
        kk_xquery_free(run[k]);
    free(p.q);
    free(run);
    return st;
}

/* The filters of the query alone (field clauses), built the way search builds them. */
static kk_status filters_query(kk_searcher *s, kk_parsed_query *pq, size_t skip, kk_xquery **out,
                               kk_error *err)
{
    kk_clause saved = pq->clauses[skip];
    memmove(&pq->clauses[skip], &pq->clauses[skip + 1], (pq->n - skip - 1) * sizeof saved);
    pq->n--;
    kk_built_query b = {0};
    kk_status st = kk_query_build(s, pq, &b, err);
    pq->n++;
    memmove(&pq->clauses[skip + 1], &pq->clauses[skip], (pq->n - skip - 1) * sizeof saved);
    pq->clauses[skip] = saved;
    if (st == KK_OK)
        st = kk_xquery_scale(b.strict, 0.0, out, err);
    kk_built_query_free(&b);
    return st;
}

static kk_status make_plan(kk_searcher *s, const char *query, plan *pl, kk_error *err)
{
    kk_parsed_query *pq = NULL;
    kk_built_query b = {0};
    kk_status st = kk_query_parse(query, &pq, err);
    long exact = st == KK_OK ? exact_clause(pq) : -1;
    if (st == KK_OK && exact < 0) { /* several words, OR, -term: the engine's strict matches */
        st = kk_query_build(s, pq, &b, err);
        if (st == KK_OK)
            st = kk_xquery_scale(b.strict, 0.0, &pl->candidates, err);
        pl->phrases = b.phrases;
        memset(&b.phrases, 0, sizeof b.phrases);
        kk_built_query_free(&b);
    } else if (st == KK_OK) {
        const char *text = pq->clauses[exact].text;
        size_t len = 0;
        kk_xquery *content = NULL, *filters = NULL;
        st = kk_normalize(s->analyzer, text, strlen(text), &pl->needle, &len, err);
        if (st == KK_OK && len == 0)
            st = kk_error_set(err, KK_EPARSE, "trend: '%s' is empty once normalized", text);
        if (st == KK_OK)
            st = needle_query(s, pl->needle, &content, err);
        if (st == KK_OK)
            st = filters_query(s, pq, (size_t)exact, &filters, err);
        kk_xquery *both[2] = {content, filters};
        if (st == KK_OK)
            st = kk_xquery_combine(KK_QOP_FILTER, both, 2, 0, &pl->candidates, err);
        kk_xquery_free(content);
        kk_xquery_free(filters);
    }
    kk_parsed_query_free(pq);
    return st;
}

/* ---- counting ---------------------------------------------------------------------------- */

typedef struct docs {
    char **doc; /* distinct after finish_docs */
    size_t n, cap;
} docs;

static kk_status add_doc(docs *d, const char *doc, size_t len)
{
    if (d->n && strlen(d->doc[d->n - 1]) == len && memcmp(d->doc[d->n - 1], doc, len) == 0)
        return KK_OK; /* passages of one document are neighbours in docid order */
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        char **p = realloc(d->doc, cap * sizeof *p);
        if (!p)
            return KK_ENOMEM;
        d->doc = p;
        d->cap = cap;
    }
    if ((d->doc[d->n] = strndup(doc, len)) == NULL)
        return KK_ENOMEM;
    d->n++;
    return KK_OK;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort, drop duplicates; returns the number of distinct documents. */
static size_t finish_docs(docs *d)
{
    if (d->n > 1)
        qsort(d->doc, d->n, sizeof *d->doc, by_string);
    size_t u = 0;
    for (size_t k = 0; k < d->n; k++) {
        if (u && strcmp(d->doc[u - 1], d->doc[k]) == 0)
            free(d->doc[k]);
        else
            d->doc[u++] = d->doc[k];
    }
    d->n = u;
    return u;
}

static void free_docs(docs *d)
{
    for (size_t k = 0; k < d->n; k++)
        free(d->doc[k]);
    free(d->doc);
}

typedef struct counter {
    kk_searcher *s;
    const plan *pl;
    unsigned passages;
    docs year_docs, all_docs;
    kk_status st;
    kk_error *err;
} counter;

/* Whether the passage holds the needle: its normalized text contains the normalized needle. */
static int holds_needle(counter *c, const cmp_passage *p)
{
    char *norm = NULL;
    size_t len = 0;
    c->st = kk_normalize(c->s->analyzer, p->text, strlen(p->text), &norm, &len, c->err);
    int holds = c->st == KK_OK && strstr(norm, c->pl->needle) != NULL;
    free(norm);
    return holds;
}

static int count_one(const kk_xhit *hit, void *vctx)
{
    counter *c = vctx;
    cmp_passage p;
    c->st = kk_passage_info_parse(hit->data, hit->data_len, &p, c->err);
    if (c->st != KK_OK)
        return 1;
    int holds = c->pl->needle ? holds_needle(c, &p)
                              : kk_phrase_check_empty(&c->pl->phrases)
                                    || kk_phrase_accept(hit->data, hit->data_len,
                                                        (void *)&c->pl->phrases);
    if (holds) {
        c->passages++;
        if (add_doc(&c->year_docs, p.doc, strlen(p.doc)) != KK_OK
            || add_doc(&c->all_docs, p.doc, strlen(p.doc)) != KK_OK)
            c->st = kk_error_set(c->err, KK_ENOMEM, "out of memory counting documents");
    }
    kk_passage_info_clear(&p);
    return c->st != KK_OK;
}

/* Count the candidates restricted by `only` (a year, or no year); *passages and *documents
 * receive the counts for that restriction. */
static kk_status count_part(counter *c, kk_xquery *only, kk_qop op, unsigned *passages,
                            unsigned *documents)
{
    kk_xquery *q = NULL, *both[2] = {c->pl->candidates, only};
    kk_status st = kk_xquery_combine(op, both, 2, 0, &q, c->err);
    c->passages = 0;
    c->year_docs.n = 0;
    if (st == KK_OK)
        st = kk_match_each(c->s, q, count_one, c, c->err);
    if (st == KK_OK)
        st = c->st;
    kk_xquery_free(q);
    *passages = c->passages;
    *documents = (unsigned)finish_docs(&c->year_docs);
    for (size_t k = 0; k < c->year_docs.n; k++)
        free(c->year_docs.doc[k]);
    c->year_docs.n = 0;
    return st;
}

/* ---- entry points ------------------------------------------------------------------------ */

typedef struct year_list {
    int *y;
    size_t n;
} year_list;

static int collect_year(const char *term, size_t len, unsigned freq, void *vctx)
{
    (void)freq;
    year_list *l = vctx;
    size_t pl = strlen(KK_PREFIX_YEAR);
    char digits[16];
    if (len <= pl || len - pl >= sizeof digits)
        return 0;
    memcpy(digits, term + pl, len - pl);
    digits[len - pl] = '\0';
    int *more = realloc(l->y, (l->n + 1) * sizeof *more);
    if (!more)
        return 1;
    l->y = more;
    l->y[l->n++] = atoi(digits);
    return 0;
}

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static kk_status count_year(counter *c, kk_trend *t, int year)
{
    kk_xquery *range = NULL;
    unsigned passages = 0, documents = 0;
    kk_status st = kk_xquery_number_range(KK_SLOT_YEAR, year, year, &range, c->err);
    if (st == KK_OK)
        st = count_part(c, range, KK_QOP_FILTER, &passages, &documents);
    kk_xquery_free(range);
    if (st == KK_OK && passages)
        t->years[t->n_years++] = (kk_trend_year){year, passages, documents};
    t->passages += passages;
    return st;
}

static kk_status count_all(counter *c, kk_trend *t)
{
    year_list years = {NULL, 0};
    kk_status st = kk_db_each_term(c->s->db, KK_PREFIX_YEAR, collect_year, &years, c->err);
    if (st == KK_OK && years.n > 1)
        qsort(years.y, years.n, sizeof *years.y, by_int);
    if (st == KK_OK && (t->years = calloc(years.n + 1, sizeof *t->years)) == NULL)
        st = kk_error_set(c->err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; st == KK_OK && k < years.n; k++)
        if (k == 0 || years.y[k] != years.y[k - 1])
            st = count_year(c, t, years.y[k]);
    kk_xquery *any_year = NULL;
    if (st == KK_OK) /* passages without a year: no value in the year slot */
        st = kk_xquery_number_range(KK_SLOT_YEAR, -1e9, 1e9, &any_year, c->err);
    if (st == KK_OK)
        st = count_part(c, any_year, KK_QOP_AND_NOT, &t->unknown_passages,
                        &t->unknown_documents);
    t->passages += t->unknown_passages;
    t->documents = (unsigned)finish_docs(&c->all_docs);
    kk_xquery_free(any_year);
    free(years.y);
    return st;
}

kk_status kk_trend_run(kk_searcher *s, const char *query, kk_trend **out, kk_error *err)
{
    *out = NULL;
    if (!s || !query)
        return kk_error_set(err, KK_EINVAL, "kk_trend_run: no searcher or query");
    plan pl = {0};
    kk_trend *t = calloc(1, sizeof *t);
    kk_status st = t && (t->query = strdup(query)) != NULL
                       ? make_plan(s, query, &pl, err)
                       : kk_error_set(err, KK_ENOMEM, "out of memory");
    counter c = {s, &pl, 0, {0}, {0}, KK_OK, err};
    if (st == KK_OK) {
        t->exact = pl.needle != NULL;
        st = count_all(&c, t);
    }
    free_docs(&c.year_docs);
    free_docs(&c.all_docs);
    kk_xquery_free(pl.candidates);
    free(pl.needle);
    kk_phrase_check_free(&pl.phrases);
    if (st != KK_OK) {
        kk_trend_free(t);
        return st;
    }
    *out = t;
    return KK_OK;
}

void kk_trend_free(kk_trend *t)
{
    if (!t)
        return;
    free(t->query);
    free(t->years);
    free(t);
}

json_t *kk_trend_to_json(const kk_trend *t)
{
    json_t *years = json_array();
    for (size_t k = 0; years && k < t->n_years; k++) {
        const kk_trend_year *y = &t->years[k];
        if (json_array_append_new(years, json_pack("{s:i, s:I, s:I}", "year", y->year,
                                                   "passages", (json_int_t)y->passages,
                                                   "documents", (json_int_t)y->documents))) {
            json_decref(years);
            return NULL;
        }
    }
    if (!years)
        return NULL;
    return json_pack("{s:s, s:b, s:I, s:I, s:o, s:{s:I, s:I}}", "query", t->query, "exact",
                     t->exact, "passages", (json_int_t)t->passages, "documents",
                     (json_int_t)t->documents, "years", years, "unknown", "passages",
                     (json_int_t)t->unknown_passages, "documents",
                     (json_int_t)t->unknown_documents);
}
