/* build.c — turns parsed clauses into the strict and relaxed Xapian queries (see
 * query_internal.h).
 *
 * Text clauses become content units (units.c); phrases become all their terms, their exact
 * wording checked on the stored text (phrase.c); field clauses
 * become filters; OR groups, exclusions, filters and the years the text names are assembled
 * around them. The strict query requires every unit, the relaxed one any unit.
 */
#include "build_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"
#include "kk_year.h"

/* Passages stating the year the query names get this boost on the XY year term: enough to lift
 * a passage of that year over another of similar relevance, not over a much better one. */
#define KK_YEAR_WEIGHT 1.5

/* A passage holding every bigram of a multi-word clause's wording (those that join its words
 * included, a sign that they stand together) gets this extra weight. */
#define KK_EXACT_WEIGHT 0.5

/* ---- clauses ------------------------------------------------------------------------------ */

typedef struct clause_query {
    kk_xquery *strict, *relaxed;
    int is_filter;
} clause_query;

static void add_year(kk_builder *b, int year)
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
static int take_years(kk_builder *b, char *text)
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

static void text_clause(kk_builder *b, const kk_clause *c, clause_query *cq)
{
    char *text = strdup(c->text);
    if (!text || take_years(b, text)) {
        free(text);
        return;
    }
    size_t n_units = 0;
    kk_xquery **units = kk_text_units(b, text, strlen(text), &n_units);
    if (n_units > 1) {
        kk_xquery **copy = calloc(n_units, sizeof *copy);
        for (size_t k = 0; copy && k < n_units; k++)
            copy[k] = kk_q_copy(b, units[k]);
        cq->relaxed = copy ? kk_q_combine(b, KK_QOP_OR, copy, n_units, 0) : NULL;
        free(copy);
        cq->strict = kk_q_pair(b, KK_QOP_AND_MAYBE, kk_q_combine(b, KK_QOP_AND, units, n_units, 0),
                               kk_q_scale(b, kk_phrase_query(b, text, NULL), KK_EXACT_WEIGHT));
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
static kk_xquery *field_query(kk_builder *b, const kk_clause *c)
{
    if (c->field == KK_FILTER_YEAR) {
        kk_xquery *q = NULL;
        kk_xquery_number_range(KK_SLOT_YEAR, c->year_lo, c->year_hi, &q, b->err);
        return q;
    }
    if (c->field == KK_FILTER_DOC)
        return kk_q_wildcard(b, KK_PREFIX_DOC, c->text, strlen(c->text));
    char *norm = NULL;
    size_t n = 0;
    if (kk_normalize(b->s->analyzer, c->text, strlen(c->text), &norm, &n, b->err) != KK_OK)
        return NULL;
    kk_xquery *q = kk_q_wildcard(b, field_prefix(c->field), norm, n);
    free(norm);
    return q;
}

static void build_clause(kk_builder *b, const kk_clause *c, clause_query *cq)
{
    memset(cq, 0, sizeof *cq);
    switch (c->kind) {
    case KK_CLAUSE_FIELD:
        cq->strict = field_query(b, c);
        cq->is_filter = 1;
        break;
    case KK_CLAUSE_PHRASE:
        cq->strict = kk_phrase_query(b, c->text, kk_unit_new(b));
        break;
    case KK_CLAUSE_TEXT:
        text_clause(b, c, cq);
        break;
    }
    if (!cq->relaxed && cq->strict && !cq->is_filter)
        cq->relaxed = kk_q_copy(b, cq->strict);
}

/* ---- assembling the whole query -------------------------------------------------------- */

typedef struct assembly {
    kk_xquery **strict, **relaxed, **filters, **nots;
    size_t n_strict, n_relaxed, n_filters, n_nots;
} assembly;

/* Add one OR group of clauses [from, to) to the assembly. */
/* Forget the units made since index mark: an exclusion's words are not content the hits hold. */
static void drop_units(kk_built_query *q, size_t mark)
{
    while (q->n_units > mark) {
        kk_unit *u = &q->units[--q->n_units];
        for (size_t k = 0; k < u->n_keys; k++)
            free(u->keys[k]);
        free(u->keys);
        free(u->alts);
        free(u->words);
    }
}

static void add_group(kk_builder *b, const kk_parsed_query *pq, size_t from, size_t to, assembly *a)
{
    size_t n = to - from, mark = b->out->n_units;
    kk_xquery **strict = calloc(n, sizeof *strict), **relaxed = calloc(n, sizeof *relaxed);
    int all_filters = 1;
    for (size_t k = 0; strict && relaxed && k < n; k++) {
        clause_query cq;
        build_clause(b, &pq->clauses[from + k], &cq);
        all_filters &= cq.is_filter;
        strict[k] = cq.is_filter && n > 1 ? kk_q_scale(b, cq.strict, 0) : cq.strict;
        relaxed[k] = cq.relaxed;
    }
    kk_xquery *s = strict ? kk_q_combine(b, KK_QOP_OR, strict, n, 0) : NULL;
    kk_xquery *r = relaxed ? kk_q_combine(b, KK_QOP_OR, relaxed, n, 0) : NULL;
    free(strict);
    free(relaxed);
    const kk_clause *only = n == 1 ? &pq->clauses[from] : NULL;
    if (only && only->kind == KK_CLAUSE_PHRASE && b->err->code == KK_OK)
        kk_phrase_check_add(&b->out->phrases, b->s->analyzer, only->text, only->negated, b->err);
    if (pq->clauses[from].negated) {
        /* An excluded phrase is checked on the text alone: its terms would also exclude the
         * passages that hold them apart. */
        if (only && only->kind == KK_CLAUSE_PHRASE)
            kk_xquery_free(s);
        else
            a->nots[a->n_nots++] = s;
        kk_xquery_free(r);
        drop_units(b->out, mark);
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
static kk_xquery *wrap(kk_builder *b, kk_xquery *q, const assembly *a)
{
    if (!q)
        kk_xquery_all(&q, b->err);
    for (size_t k = 0; k < a->n_filters; k++)
        q = kk_q_pair(b, KK_QOP_FILTER, q, kk_q_copy(b, a->filters[k]));
    for (size_t k = 0; k < a->n_nots; k++)
        q = kk_q_pair(b, KK_QOP_AND_NOT, q, kk_q_copy(b, a->nots[k]));
    kk_xquery *years[KK_MAX_YEAR_PREFS];
    for (size_t k = 0; k < b->out->n_years; k++) {
        char y[16];
        int n = snprintf(y, sizeof y, "%d", b->out->years[k]);
        years[k] = kk_q_term(b, KK_PREFIX_YEAR, y, (size_t)n);
    }
    kk_xquery *boost = kk_q_scale(b, kk_q_combine(b, KK_QOP_OR, years, b->out->n_years, 0),
                               KK_YEAR_WEIGHT);
    return boost ? kk_q_pair(b, KK_QOP_AND_MAYBE, q, boost) : q;
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

/* The document frequency of the rarest key of alternative alt (an upper bound on how many
 * passages hold that alternative whole); wildcards count as frequent as the whole index. */
static unsigned alternative_df(kk_searcher *s, const kk_unit *u, unsigned alt)
{
    unsigned df = s->doc_count;
    for (size_t k = 0; k < u->n_keys; k++) {
        size_t len = strlen(u->keys[k]);
        unsigned tf = 0;
        if (u->alts[k] != alt || u->keys[k][len - 1] == '*')
            continue;
        if (kk_db_term_freq(s->db, u->keys[k], len, &tf, NULL) == KK_OK && tf < df)
            df = tf;
    }
    return df;
}

/* A unit's idf: that of its most frequent alternative, since holding any alternative holds it. */
static void weigh_units(kk_searcher *s, kk_built_query *q)
{
    for (size_t u = 0; u < q->n_units; u++) {
        unsigned df = 0;
        for (unsigned alt = 0; alt < q->units[u].n_alts; alt++) {
            unsigned d = alternative_df(s, &q->units[u], alt);
            df = d > df ? d : df;
        }
        q->units[u].idf = log((s->doc_count + 1.0) / (df + 0.5));
    }
}

static int any_query(kk_xquery *const *q, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (q[k])
            return 1;
    return 0;
}

kk_status kk_query_build(kk_searcher *s, const kk_parsed_query *pq, kk_built_query *out,
                         kk_error *err)
{
    memset(out, 0, sizeof *out);
    kk_error local = {0};
    kk_builder b = {s, out, &local};
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
    out->matches_all = !any_query(a.strict, a.n_strict) && a.n_filters == 0 && out->n_years == 0;
    weigh_units(s, out);
    kk_xquery *strict = kk_q_combine(&b, KK_QOP_AND, a.strict, a.n_strict, 0);
    kk_xquery *relaxed = kk_q_combine(&b, KK_QOP_OR, a.relaxed, a.n_relaxed, 0);
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
    drop_units(q, 0);
    free(q->units);
    kk_phrase_check_free(&q->phrases);
    memset(q, 0, sizeof *q);
}

