/* search.c — runs a built query and turns matches into hits (see kk_query.h).
 *
 * Owns the ranking policy around BM25 (whose parameters the index holds, kk_schema.h): passages
 * holding every content word come first; when they are too few, passages holding some of them
 * follow, ordered by how many they hold and then by weight. Copies of one passage text are shown
 * once with their other sources (copies.c).
 * Reading the stored JSON of a hit and computing highlights and snippets happen here too.
 */
#include "query_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_passage.h"
#include "kk_schema.h"

/* How many relaxed matches are re-ranked by the number of content words they hold: enough to
 * bring a passage holding all but one word from far down the BM25 order. */
#define KK_RELAXED_POOL 200

#define KK_MAX_LIMIT 1000
#define KK_MAX_OFFSET 100000
#define KK_MAX_ALSO 10

/* Matches fetched beyond a page, for the copies dropped from it (copies.c): a quarter of it,
 * and one; when more are dropped, the search runs again with twice as many. Each extra match
 * asked for slows Xapian's matcher (on the minutes, 0 extra cost 4 % less CPU than 10 over the
 * bench queries, refetches included). */
#define KK_COPY_SLACK(want) ((want) / 4 + 1)

typedef struct candidate {
    kk_xresults *from;
    size_t index;
    unsigned docid;
    double weight;
    double coord;     /* summed idf of the content units held (relaxed matches only) */
    int relaxed;
    kk_text_hash hash; /* read when the candidate is looked at for copies */
} candidate;

typedef struct run {
    kk_searcher *s;
    const kk_search_request *req;
    kk_built_query q;
    kk_xresults *strict, *relaxed;
    candidate *c;
    size_t n, cap;
} run;

static kk_status push_candidate(run *r, candidate c, kk_error *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        candidate *p = realloc(r->c, cap * sizeof *p);
        if (!p)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        r->c = p;
        r->cap = cap;
    }
    r->c[r->n++] = c;
    return KK_OK;
}

/* Options for one of q's searches; strict ones must hold q's phrases, others only avoid the
 * excluded ones. */
static void init_opts(kk_search_opts *o, unsigned max, kk_built_query *q, int strict)
{
    kk_ranked_opts_init(o);
    o->max = max;
    o->lazy_data = 1; /* only the page's texts are read, in make_hit */
    if (!kk_phrase_check_empty(&q->phrases)) {
        o->accept = strict ? kk_phrase_accept : kk_phrase_accept_unbanned;
        o->accept_ctx = &q->phrases;
    }
}

static kk_status collect(run *r, kk_xresults *res, int relaxed, kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < kk_xresults_size(res); k++) {
        kk_xhit h;
        st = kk_xresults_match(res, k, &h, err);
        int seen = 0;
        for (size_t j = 0; st == KK_OK && j < r->n && relaxed; j++)
            seen |= r->c[j].docid == h.docid;
        if (st == KK_OK && !seen)
            st = push_candidate(r, (candidate){res, k, h.docid, h.weight, 0, relaxed, {{0}, 0, 0}},
                                err);
    }
    return st;
}

/* The docids of candidates [first, n) in ascending order, with where each one is in r->c. */
typedef struct by_docid {
    unsigned docid;
    size_t at;
} by_docid;

static int docid_order(const void *a, const void *b)
{
    unsigned x = ((const by_docid *)a)->docid, y = ((const by_docid *)b)->docid;
    return (x > y) - (x < y);
}

/* Mark in held[c * n_units + u] whether candidate c holds unit u: one of its keys indexes it. The
 * keys are looked up in the candidates through their posting lists, a few hundred skips per key,
 * instead of reading each candidate's term list. A key ending in '*' (a lone character as the
 * start of a bigram) is left out: the unit's word key stands for it. */
static kk_status find_held_units(run *r, size_t first, char *held, kk_error *err)
{
    size_t n = r->n - first, n_units = r->q.n_units;
    by_docid *order = malloc((n + 1) * sizeof *order);
    unsigned *docids = malloc((n + 1) * sizeof *docids);
    unsigned char *found = malloc(n + 1);
    kk_status st = order && docids && found ? KK_OK
                                             : kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; st == KK_OK && k < n; k++)
        order[k] = (by_docid){r->c[first + k].docid, k};
    if (st == KK_OK)
        qsort(order, n, sizeof *order, docid_order);
    for (size_t k = 0; st == KK_OK && k < n; k++)
        docids[k] = order[k].docid;
    for (size_t u = 0; st == KK_OK && u < n_units; u++) {
        const kk_unit *unit = &r->q.units[u];
        memset(found, 0, n);
        for (size_t j = 0; st == KK_OK && j < unit->n_keys; j++) {
            const char *key = unit->keys[j];
            size_t len = strlen(key);
            if (len && key[len - 1] != '*')
                st = kk_db_term_in_docs(r->s->db, key, len, docids, n, found, err);
        }
        for (size_t k = 0; st == KK_OK && k < n; k++)
            held[order[k].at * n_units + u] = (char)found[k];
    }
    free(order);
    free(docids);
    free(found);
    return st;
}

/* How much of the query each relaxed candidate from first on holds: the idf of each unit it
 * holds, added up, so that a passage with the rare topic word comes before one with two common
 * words. */
static kk_status coordinate(run *r, size_t first, kk_error *err)
{
    size_t n = r->n - first, n_units = r->q.n_units;
    char *held = calloc(n * n_units + 1, 1);
    if (!held)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = find_held_units(r, first, held, err);
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        double sum = 0;
        for (size_t u = 0; u < n_units; u++)
            sum += held[k * n_units + u] ? r->q.units[u].idf : 0;
        r->c[first + k].coord = sum;
    }
    free(held);
    return st;
}

static int by_coordination(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->coord != y->coord)
        return x->coord > y->coord ? -1 : 1; /* exact ties only: equal sets of units held */
    return x->weight > y->weight ? -1 : x->weight < y->weight;
}

/* Drop each candidate whose text an earlier one holds, in rank order, until want distinct ones
 * are kept; the rest are dropped unread, as no page reaches them. */
static kk_status drop_copies(run *r, size_t want, kk_error *err)
{
    kk_copy_set seen = {0};
    size_t kept = 0;
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < r->n && kept < want; k++) {
        candidate c = r->c[k];
        st = kk_text_hash_read(r->s, c.docid, &c.hash, err);
        int copy = st == KK_OK ? kk_copy_set_add(&seen, &c.hash) : 0;
        if (copy < 0)
            st = kk_error_set(err, KK_ENOMEM, "out of memory");
        else if (st == KK_OK && !copy)
            r->c[kept++] = c;
    }
    kk_copy_set_free(&seen);
    if (st == KK_OK)
        r->n = kept;
    return st;
}

static kk_status search_relaxed(run *r, unsigned want, kk_error *err)
{
    kk_search_opts o;
    init_opts(&o, want > KK_RELAXED_POOL ? want : KK_RELAXED_POOL, &r->q, 0);
    o.lazy_data = 1; /* most of the pool is ranked, not shown */
    size_t first = r->n;
    kk_status st = kk_db_search(r->s->db, r->q.relaxed, &o, &r->relaxed, err);
    if (st == KK_OK)
        st = collect(r, r->relaxed, 1, err);
    if (st == KK_OK && r->n > first)
        st = coordinate(r, first, err);
    if (st == KK_OK && r->n > first)
        qsort(r->c + first, r->n - first, sizeof *r->c, by_coordination);
    return st == KK_OK ? drop_copies(r, want, err) : st;
}

/* The strict search: every match must hold all units and pass the phrase check, which Xapian
 * applies to each match that could enter the page. */
static kk_status search_strict(run *r, unsigned want, kk_hits *hits, kk_error *err)
{
    kk_status st = KK_OK;
    for (unsigned max = want + KK_COPY_SLACK(want);; max *= 2) {
        kk_search_opts o;
        init_opts(&o, max, &r->q, 1);
        st = kk_db_search(r->s->db, r->q.strict, &o, &r->strict, err);
        if (st == KK_OK)
            st = collect(r, r->strict, 0, err);
        if (st == KK_OK)
            st = drop_copies(r, want, err);
        if (st != KK_OK || r->n >= want || kk_xresults_size(r->strict) < max)
            break;
        kk_xresults_free(r->strict); /* copies took places on the page: fetch more */
        r->strict = NULL;
        r->n = 0;
    }
    /* copies left in the estimate: Xapian's own collapse only estimates them too */
    hits->total = r->strict ? kk_xresults_estimated(r->strict) : 0;
    return st;
}

/* The strict search of a query with phrases, checked in rank order: the best KK_CHECK_FIRST ×
 * want matches are fetched unchecked and their texts checked until the page is full. A phrase's
 * terms mostly stand together, so this reads about as many texts as the page shows, where
 * Xapian's check reads every match that could enter the page (hundreds for a common phrase).
 * When too few of them pass, search_strict does it Xapian's way. */
#define KK_CHECK_FIRST 3

static kk_status search_strict_checked(run *r, unsigned want, kk_hits *hits, kk_error *err)
{
    kk_search_opts o;
    init_opts(&o, want * KK_CHECK_FIRST + 10, &r->q, 1);
    o.accept = NULL;
    o.lazy_data = 1;
    kk_status st = kk_db_search(r->s->db, r->q.strict, &o, &r->strict, err);
    size_t size = st == KK_OK ? kk_xresults_size(r->strict) : 0, checked = 0;
    for (; st == KK_OK && checked < size && r->n < want; checked++) {
        kk_xhit h;
        st = kk_xresults_hit(r->strict, checked, &h, err);
        if (st == KK_OK && kk_phrase_accept(h.data, h.data_len, &r->q.phrases))
            st = push_candidate(r, (candidate){r->strict, checked, h.docid, h.weight, 0, 0,
                                               {{0}, 0, 0}}, err);
    }
    if (st == KK_OK)
        st = drop_copies(r, want, err);
    if (st == KK_OK && r->n < want && size == o.max) { /* unchecked matches remain */
        kk_xresults_free(r->strict);
        r->strict = NULL;
        r->n = 0;
        return search_strict(r, want, hits, err);
    }
    /* exact when every match was checked; else the share that passed, applied to the rest */
    double matches = size < o.max ? (double)size : (double)kk_xresults_estimated(r->strict);
    hits->total = checked == size && size < o.max
                      ? (unsigned)r->n
                      : (unsigned)(matches * (double)r->n / (double)checked + 0.5);
    return st;
}

static kk_status run_searches(run *r, kk_hits *hits, kk_error *err)
{
    unsigned want = r->req->offset + r->req->limit;
    kk_status st = kk_phrase_check_empty(&r->q.phrases) ? search_strict(r, want, hits, err)
                                                        : search_strict_checked(r, want, hits, err);
    if (st == KK_OK && r->q.relaxed && r->n < want) {
        st = search_relaxed(r, want, err);
        hits->relaxed = r->relaxed && kk_xresults_size(r->relaxed) > 0;
        if (r->relaxed && kk_xresults_estimated(r->relaxed) > hits->total)
            hits->total = kk_xresults_estimated(r->relaxed);
    }
    return st;
}

/* ---- turning a candidate into a hit --------------------------------------------------- */

/* Move the stored fields of the hit's passage into h (kk_passage_info_parse reads them). */
static kk_status fill_fields(kk_hit *h, const char *data, size_t len, kk_error *err)
{
    kk_passage_info p;
    kk_status st = kk_passage_info_parse(data, len, &p, err);
    if (st != KK_OK)
        return st;
    h->id = p.id, h->doc = p.doc, h->title = p.title, h->section = p.section;
    h->heading = p.heading, h->kind = p.kind, h->dept = p.dept, h->city = p.city;
    h->version = p.version, h->speaker = p.speaker, h->date = p.date, h->text = p.text;
    h->line = p.line;
    h->year = p.year;
    p.id = p.doc = p.title = p.section = p.heading = p.kind = p.dept = p.city = NULL;
    p.version = p.speaker = p.date = p.text = NULL;
    kk_passage_info_clear(&p); /* what a hit does not show: office, plans */
    return KK_OK;
}

static int wants(const run *r, unsigned bits)
{
    return r->req->fields == 0 || (r->req->fields & bits) != 0;
}

/* The hit of candidate c, with marks, snippet and other sources only when asked for: they are
 * most of the work of a hit. */
static kk_status make_hit(run *r, const candidate *c, kk_hit *h, unsigned rank, kk_error *err)
{
    kk_xhit x;
    kk_status st = kk_xresults_hit(c->from, c->index, &x, err);
    if (st != KK_OK)
        return st;
    h->rank = rank;
    h->score = x.weight;
    st = fill_fields(h, x.data, x.data_len, err);
    int marked = wants(r, KK_HIT_BIT(KK_HIT_SNIPPET) | KK_HIT_BIT(KK_HIT_HIGHLIGHTS));
    if (st == KK_OK && marked)
        st = kk_find_marks(r->s, &r->q, h->text, &h->marks, &h->n_marks, err);
    if (st == KK_OK && marked)
        st = kk_make_snippet(h->text, h->marks, h->n_marks, &h->snippet, &h->snippet_marks,
                             &h->n_snippet_marks, err);
    if (st == KK_OK && wants(r, KK_HIT_BIT(KK_HIT_ALSO)))
        /* drop_copies has read the hash of every candidate kept */
        st = kk_copies_find(r->s, h, c->docid, &c->hash, KK_MAX_ALSO, err);
    return st;
}

static kk_status make_hits(run *r, kk_hits *hits, kk_error *err)
{
    size_t from = r->req->offset < r->n ? r->req->offset : r->n;
    size_t to = from + r->req->limit < r->n ? from + r->req->limit : r->n;
    hits->hits = calloc(to - from + 1, sizeof *hits->hits);
    if (!hits->hits)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = KK_OK;
    for (size_t k = from; st == KK_OK && k < to; k++) {
        st = make_hit(r, &r->c[k], &hits->hits[hits->n], (unsigned)k + 1, err);
        hits->n++;
    }
    return st;
}

/* ---- facets ----------------------------------------------------------------------------- */

static const unsigned facet_slots[KK_FACET_COUNT] = {
    KK_SLOT_YEAR, KK_SLOT_KIND, KK_SLOT_DEPT, KK_SLOT_CITY,
};

const char *kk_facet_field_name(kk_facet_field f)
{
    static const char *const names[KK_FACET_COUNT] = {"year", "kind", "dept", "city"};
    return (unsigned)f < KK_FACET_COUNT ? names[f] : "?";
}

typedef struct facet_ctx {
    kk_hits *hits;
    kk_facet_field field;
} facet_ctx;

static int add_facet_value(const char *value, size_t len, unsigned freq, void *vctx)
{
    facet_ctx *c = vctx;
    kk_hits *h = c->hits;
    kk_facet_value *p = realloc(h->facets[c->field], (h->n_facets[c->field] + 1) * sizeof *p);
    if (!p)
        return 1;
    h->facets[c->field] = p;
    char *v = NULL;
    if (c->field == KK_FACET_YEAR) {
        v = malloc(16);
        if (v)
            snprintf(v, 16, "%d", (int)kk_number_unserialise(value, len));
    } else if ((v = malloc(len + 1)) != NULL) {
        memcpy(v, value, len);
        v[len] = '\0';
    }
    if (!v)
        return 1;
    p[h->n_facets[c->field]++] = (kk_facet_value){v, freq};
    return 0;
}

static int by_year_desc(const void *a, const void *b)
{
    return atoi(((const kk_facet_value *)b)->value) - atoi(((const kk_facet_value *)a)->value);
}

/* Counts over every match (not just the page): a search with max 0 that looks at all. */
static kk_status count_facets(run *r, kk_hits *hits, kk_error *err)
{
    kk_search_opts o;
    init_opts(&o, 0, &r->q, !hits->relaxed || !r->q.relaxed);
    o.collapse_slot = -1;
    o.check_at_least = r->s->doc_count;
    o.n_facets = KK_FACET_COUNT;
    memcpy(o.facet_slots, facet_slots, sizeof facet_slots);
    const kk_xquery *q = hits->relaxed && r->q.relaxed ? r->q.relaxed : r->q.strict;
    kk_xresults *res = NULL;
    kk_status st = kk_db_search(r->s->db, q, &o, &res, err);
    for (int f = 0; st == KK_OK && f < KK_FACET_COUNT; f++) {
        facet_ctx ctx = {hits, (kk_facet_field)f};
        st = kk_xresults_each_facet(res, (size_t)f, add_facet_value, &ctx, err);
    }
    kk_xresults_free(res);
    if (hits->n_facets[KK_FACET_YEAR] > 1)
        qsort(hits->facets[KK_FACET_YEAR], hits->n_facets[KK_FACET_YEAR],
              sizeof(kk_facet_value), by_year_desc);
    return st;
}

/* ---- entry points ----------------------------------------------------------------------- */

static kk_status check_request(const kk_search_request *req, kk_error *err)
{
    if (!req->query)
        return kk_error_set(err, KK_EINVAL, "no query");
    if (req->limit < 1 || req->limit > KK_MAX_LIMIT)
        return kk_error_set(err, KK_EINVAL, "limit %u is outside 1..%d", req->limit, KK_MAX_LIMIT);
    if (req->offset > KK_MAX_OFFSET)
        return kk_error_set(err, KK_EINVAL, "offset %u is over %d", req->offset, KK_MAX_OFFSET);
    return KK_OK;
}

/* Why a query without content is refused: it had only exclusions and operators, or its words
 * were all ones the index leaves out (one-kana particles like の, stop words like です), which
 * the message names so that the person sees what to add. */
static kk_status nothing_to_search(kk_searcher *s, const kk_parsed_query *pq, kk_error *err)
{
    kk_buf words = {0};
    int has_text = 0;
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < pq->n; k++) {
        const kk_clause *c = &pq->clauses[k];
        if (c->kind != KK_CLAUSE_FIELD && !c->negated && c->text[0]) {
            has_text = 1;
            st = kk_unsearched_words(s, c->text, c->kind == KK_CLAUSE_PHRASE, &words, err);
        }
    }
    if (st == KK_OK && words.len)
        st = kk_error_set(err, KK_EPARSE, "nothing to search for: the query's words (%s) are all "
                                          "stop words or one-kana particles, which are not "
                                          "indexed; add a word that names the topic", words.data);
    else if (st == KK_OK && has_text)
        st = kk_error_set(err, KK_EPARSE, "nothing to search for: the query holds no word that "
                                          "is indexed");
    else if (st == KK_OK)
        st = kk_error_set(err, KK_EPARSE, "nothing to search for: the query has no words, "
                                          "phrases or filters, only exclusions or operators");
    kk_buf_free(&words);
    return st;
}

static void free_run(run *r)
{
    kk_built_query_free(&r->q);
    kk_xresults_free(r->strict);
    kk_xresults_free(r->relaxed);
    free(r->c);
}

/* One try at a search: parse, build, match, read the hits. */
static kk_status search_once(kk_searcher *s, const kk_search_request *req, kk_hits **out,
                             kk_error *err)
{
    kk_parsed_query *pq = NULL;
    kk_status st = kk_query_parse(req->query, &pq, err);
    if (st != KK_OK)
        return st;
    run r = {.s = s, .req = req};
    kk_hits *hits = calloc(1, sizeof *hits);
    st = hits ? kk_query_build(s, pq, &r.q, err) : kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK && r.q.matches_all)
        st = nothing_to_search(s, pq, err);
    kk_parsed_query_free(pq);
    if (st == KK_OK)
        st = run_searches(&r, hits, err);
    if (st == KK_OK)
        st = make_hits(&r, hits, err);
    if (st == KK_OK && req->facets)
        st = count_facets(&r, hits, err);
    free_run(&r);
    if (st != KK_OK) {
        kk_hits_free(hits);
        return st;
    }
    *out = hits;
    return KK_OK;
}

/* Searches run again when a writer deleted a ranked passage before its text was read (the
 * relaxed pool reads only the passages it shows, after ranking). */
#define KK_SEARCH_ATTEMPTS 3

kk_status kk_search(kk_searcher *s, const kk_search_request *req, kk_hits **out, kk_error *err)
{
    *out = NULL;
    kk_status st = check_request(req, err);
    for (int attempt = 1; st == KK_OK; attempt++) {
        st = search_once(s, req, out, err);
        if ((st != KK_ENOTFOUND && st != KK_EMODIFIED) || attempt == KK_SEARCH_ATTEMPTS)
            break;
        kk_error_clear(err);
        st = KK_OK;
    }
    return st;
}

static void explain_units(const kk_built_query *q, kk_buf *b)
{
    for (size_t u = 0; u < q->n_units; u++) {
        kk_buf_printf(b, "unit %zu:", u + 1);
        for (size_t k = 0; k < q->units[u].n_keys; k++)
            kk_buf_printf(b, " %s", q->units[u].keys[k]);
        kk_buf_printf(b, "\n");
    }
    for (size_t k = 0; k < q->n_years; k++)
        kk_buf_printf(b, "prefers year: %d\n", q->years[k]);
}

kk_status kk_search_explain(kk_searcher *s, const char *query, char **out, kk_error *err)
{
    *out = NULL;
    kk_parsed_query *pq = NULL;
    kk_status st = kk_query_parse(query, &pq, err);
    if (st != KK_OK)
        return st;
    kk_built_query q;
    st = kk_query_build(s, pq, &q, err);
    kk_parsed_query_free(pq);
    if (st != KK_OK)
        return st;
    kk_buf b = {0};
    explain_units(&q, &b);
    char *strict = kk_xquery_describe(q.strict);
    char *relaxed = q.relaxed ? kk_xquery_describe(q.relaxed) : NULL;
    kk_buf_printf(&b, "strict: %s\n", strict ? strict : "?");
    if (relaxed)
        kk_buf_printf(&b, "relaxed: %s\n", relaxed);
    free(strict);
    free(relaxed);
    kk_built_query_free(&q);
    *out = kk_buf_take(&b, NULL);
    return *out ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
}

static void free_hit(kk_hit *h)
{
    char *fields[] = {h->id, h->doc, h->title, h->section, h->heading, h->kind, h->dept,
                      h->city, h->version, h->speaker, h->date, h->text, h->snippet};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        free(fields[k]);
    for (size_t k = 0; k < h->n_also; k++)
        free(h->also[k].doc);
    free(h->also);
    free(h->marks);
    free(h->snippet_marks);
}

void kk_hits_free(kk_hits *h)
{
    if (!h)
        return;
    for (size_t k = 0; k < h->n; k++)
        free_hit(&h->hits[k]);
    free(h->hits);
    for (int f = 0; f < KK_FACET_COUNT; f++) {
        for (size_t k = 0; k < h->n_facets[f]; k++)
            free(h->facets[f][k].value);
        free(h->facets[f]);
    }
    free(h);
}
