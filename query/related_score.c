/* related_score.c — finding the links of a subject: its evidence (see kk_related.h).
 *
 * Owns the two kinds of evidence:
 *  - content: the subject's key terms are Xapian's relevance-set expansion over its passages
 *    (word terms only; boilerplate, stop words, numbers and single characters left out, and only
 *    words of the passages' own text — a document title indexed on every passage of a file must
 *    not become a key term). A weighted OR of them, restricted to the other side's kind, gives
 *    candidate passages; each is scored again on its own text (BM25 over the key terms, so a
 *    title indexed with it adds nothing) and the scores of a group's passages are summed with
 *    a decay;
 *  - explicit: a passage of one side that names the other (a plan in a policy's `plans`, a policy
 *    heading or plan name in the other's text after normalization).
 * Each passage of evidence is filed under the group (plan or policy) it supports; related_rank.c
 * combines them into scores, ranks the groups and writes the items.
 */
#include "related_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

/* Candidate passages of the other side fetched by the OR query before rescoring: every passage
 * of a small archive, and enough of a large one that each plan's best passages are among them. */
#define KK_RELATED_POOL 300

/* Rescoring is BM25 over the key terms, computed here on the candidates' texts. */
#define KK_RELATED_K1 1.2
#define KK_RELATED_B 0.5

/* A heading or plan key shorter than this (in characters) is not looked for in other passages'
 * text: 広報 or 防災 alone would be found everywhere. */
#define KK_RELATED_MIN_MENTION 5

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t k = 0; k < n; k++)
        c += ((unsigned char)s[k] & 0xC0) != 0x80;
    return c;
}

/* ---- the subject's passages ------------------------------------------------------------- */

static kk_status subject_members(const rel_subject *subj, rel_members *m, kk_error *err)
{
    size_t total = 0;
    for (size_t k = 0; k < subj->n_groups; k++)
        total += subj->cat->g[subj->groups[k]].n_members;
    m->index = malloc((total + 1) * sizeof *m->index);
    m->docid = malloc((total + 1) * sizeof *m->docid);
    if (!m->index || !m->docid)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    m->n = 0;
    for (size_t k = 0; k < subj->n_groups; k++) {
        const rel_group *g = &subj->cat->g[subj->groups[k]];
        for (size_t j = 0; j < g->n_members; j++) {
            m->index[m->n] = g->members[j];
            m->docid[m->n++] = subj->cat->p[g->members[j]].docid;
        }
    }
    return KK_OK;
}

static void members_free(rel_members *m)
{
    free(m->index);
    free(m->docid);
}

/* The subject's key terms (related_terms.c). */
static kk_status key_terms(rel_world *w, const rel_subject *subj, const rel_members *m,
                           rel_terms *terms, kk_error *err)
{
    char **texts = calloc(m->n + 1, sizeof *texts);
    if (!texts)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < m->n; k++)
        texts[k] = subj->cat->p[m->index[k]].text;
    kk_status st = kk_rel_terms_expand(w, texts, m->docid, m->n, terms, err);
    free(texts);
    return st;
}

/* ---- evidence collected per group ------------------------------------------------------- */

static kk_status push_evidence(rel_linker *k, long group, rel_evidence e, kk_error *err)
{
    if (group < 0 || (size_t)group >= k->n_acc) {
        free(e.contrib);
        return KK_OK;
    }
    rel_acc *a = &k->acc[group];
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        rel_evidence *p = realloc(a->ev, cap * sizeof *p);
        if (!p) {
            free(e.contrib);
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        }
        a->ev = p;
        a->cap = cap;
    }
    a->ev[a->n++] = e;
    return KK_OK;
}

/* ---- explicit evidence ------------------------------------------------------------------- */

/* Groups for plans that policies name but that have no passages of their own, so that they can
 * be listed on explicit evidence. Made before the accumulators are sized. */
static kk_status add_named_plans(rel_linker *k, kk_error *err)
{
    for (size_t i = 0; k->forward && i < k->m.n; i++) {
        const rel_passage *p = &k->subj->cat->p[k->m.index[i]];
        for (size_t j = 0; j < p->n_plans; j++) {
            char *key = kk_rel_plan_key(k->w->s, p->plans[j]);
            long g = key ? kk_rel_catalog_group(k->target, key) : 0;
            if (key && g < 0 && kk_rel_catalog_add_named(k->target, key, p->plans[j]) < 0) {
                free(key);
                return kk_error_set(err, KK_ENOMEM, "out of memory");
            }
            free(key);
        }
    }
    return KK_OK;
}

/* A policy passage naming a plan: evidence for the plan (forward) or the policy (reverse). */
static kk_status named_in_policies(rel_linker *k, kk_error *err)
{
    rel_catalog *pol = &k->w->policies;
    kk_status st = KK_OK;
    size_t n = k->forward ? k->m.n : pol->n;
    for (size_t i = 0; st == KK_OK && i < n; i++) {
        size_t index = k->forward ? k->m.index[i] : i;
        const rel_passage *p = &pol->p[index];
        for (size_t j = 0; st == KK_OK && j < p->n_plans; j++) {
            char *key = kk_rel_plan_key(k->w->s, p->plans[j]);
            if (!key)
                continue;
            long g = k->forward ? kk_rel_catalog_group(k->target, key)
                     : strcmp(key, k->subj->key) == 0 ? p->group : -1;
            free(key);
            rel_evidence e = {pol, index, 0, 1, p->plans[j], NULL};
            st = push_evidence(k, g, e, err);
        }
    }
    return st;
}

/* A plan passage whose text names a policy heading (or plan key) of the other side. */
static kk_status mentioned_in_plans(rel_linker *k, kk_error *err)
{
    rel_catalog *plans = &k->w->plans, *pol = &k->w->policies;
    kk_status st = KK_OK;
    size_t n = k->forward ? plans->n : k->m.n;
    for (size_t i = 0; st == KK_OK && i < n; i++) {
        size_t index = k->forward ? i : k->m.index[i];
        rel_passage *p = &plans->p[index];
        if (p->group < 0)
            continue;
        const char *norm = kk_rel_passage_norm(k->w, p);
        if (!norm)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        for (size_t g = 0; st == KK_OK && g < pol->n_groups; g++) {
            const rel_group *policy = &pol->g[g];
            int wanted = !k->forward;
            for (size_t s = 0; !wanted && s < k->subj->n_groups; s++)
                wanted = k->subj->groups[s] == g;
            if (!wanted || count_chars(policy->mention, strlen(policy->mention))
                               < KK_RELATED_MIN_MENTION || !strstr(norm, policy->mention))
                continue;
            rel_evidence e = {plans, index, 0, 1, policy->name, NULL};
            st = push_evidence(k, k->forward ? p->group : (long)g, e, err);
        }
    }
    return st;
}

/* ---- content evidence -------------------------------------------------------------------- */

static kk_status kind_filter(rel_world *w, const char *kind, kk_xquery **out, kk_error *err)
{
    char *norm = NULL;
    size_t n = 0;
    kk_status st = kk_normalize(w->s->analyzer, kind, strlen(kind), &norm, &n, err);
    if (st != KK_OK)
        return st;
    char term[128];
    int len = snprintf(term, sizeof term, "%s%s", KK_PREFIX_KIND, norm);
    free(norm);
    if (len < 0 || (size_t)len >= sizeof term)
        return kk_error_set(err, KK_EINVAL, "kind '%s' is too long", kind);
    return kk_xquery_term(term, (size_t)len, 1, out, err);
}

/* The weighted OR of the key terms, restricted to the other side's kind. */
static kk_status terms_query(rel_linker *k, kk_xquery **out, kk_error *err)
{
    size_t n = k->terms.n;
    kk_xquery **parts = calloc(n + 1, sizeof *parts);
    kk_xquery *or = NULL, *filter = NULL;
    kk_status st = parts ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t i = 0; st == KK_OK && i < n; i++) {
        kk_xquery *t = NULL;
        st = kk_xquery_term(k->terms.v[i].index_term, k->terms.v[i].index_len, 1, &t, err);
        if (st == KK_OK)
            st = kk_xquery_scale(t, k->terms.v[i].weight, &parts[i], err);
        kk_xquery_free(t);
    }
    if (st == KK_OK)
        st = kk_xquery_combine(KK_QOP_OR, parts, n, 0, &or, err);
    if (st == KK_OK)
        st = kind_filter(k->w, k->forward ? KK_RELATED_PLAN_KIND : KK_RELATED_POLICY_KIND,
                         &filter, err);
    if (st == KK_OK) {
        kk_xquery *pair[2] = {or, filter};
        st = kk_xquery_combine(KK_QOP_FILTER, pair, 2, 0, out, err);
    }
    for (size_t i = 0; parts && i < n; i++)
        kk_xquery_free(parts[i]);
    free(parts);
    kk_xquery_free(or);
    kk_xquery_free(filter);
    return st;
}

/* A candidate's key-term counts and length in words. */
typedef struct candidate {
    rel_passage *p;
    size_t index;
    unsigned *tf;
    size_t words;
} candidate;

static kk_status count_terms(rel_linker *k, candidate *c, kk_error *err)
{
    if ((c->tf = calloc(k->terms.n + 1, sizeof *c->tf)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    return kk_rel_terms_count(k->w, &k->terms, c->p->text, c->tf, &c->words, err);
}

/* BM25 of the candidate over the key terms; each term's part goes to contrib. */
static double bm25(const rel_linker *k, const candidate *c, double avg_words, double *contrib)
{
    double norm = 1 - KK_RELATED_B + KK_RELATED_B * (double)c->words / avg_words, total = 0;
    for (size_t i = 0; i < k->terms.n; i++) {
        double tf = c->tf[i];
        contrib[i] = tf ? k->terms.v[i].weight * tf * (KK_RELATED_K1 + 1)
                              / (tf + KK_RELATED_K1 * norm) : 0;
        total += contrib[i];
    }
    return total;
}

static kk_status fetch_candidates(rel_linker *k, candidate **out, size_t *n_out, kk_error *err)
{
    kk_xquery *q = NULL;
    kk_xresults *res = NULL;
    kk_search_opts o;
    kk_ranked_opts_init(&o);
    o.max = KK_RELATED_POOL;
    kk_status st = terms_query(k, &q, err);
    if (st == KK_OK)
        st = kk_db_search(k->w->s->db, q, &o, &res, err);
    size_t n = st == KK_OK ? kk_xresults_size(res) : 0;
    candidate *c = calloc(n + 1, sizeof *c);
    if (st == KK_OK && !c)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; st == KK_OK && i < n; i++) {
        kk_xhit h;
        st = kk_xresults_hit(res, i, &h, err);
        rel_passage *p = st == KK_OK ? kk_rel_catalog_find(k->target, h.docid) : NULL;
        if (!p || p->group < 0)
            continue; /* not any plan's (no title in force) */
        c[m].p = p;
        c[m].index = (size_t)(p - k->target->p);
        st = count_terms(k, &c[m++], err);
    }
    kk_xresults_free(res);
    kk_xquery_free(q);
    *out = c;
    *n_out = m;
    return st;
}

static int by_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

/* What the subject scores against itself, aggregated like a group (best KK_RELATED_TOP
 * passages, decayed; repeated texts once): the scale on which links are reported, so that a
 * plan as close to a policy as the policy's own text is scores 1 and a policy whose best link
 * is weak is not shown a 1. */
static kk_status self_score(rel_linker *k, double avg, kk_error *err)
{
    double *scores = calloc(k->m.n + 1, sizeof *scores), *contrib = calloc(k->terms.n + 1,
                                                                          sizeof *contrib);
    kk_status st = scores && contrib ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t i = 0; st == KK_OK && i < k->m.n; i++) {
        rel_passage *p = &k->subj->cat->p[k->m.index[i]];
        int repeated = 0;
        for (size_t j = 0; j < i && !repeated; j++)
            repeated = strcmp(k->subj->cat->p[k->m.index[j]].text, p->text) == 0;
        candidate c = {p, k->m.index[i], NULL, 0};
        st = count_terms(k, &c, err);
        if (st == KK_OK && !repeated)
            scores[i] = bm25(k, &c, avg, contrib);
        free(c.tf);
    }
    if (st == KK_OK)
        qsort(scores, k->m.n, sizeof *scores, by_double_desc);
    k->self = 0;
    for (size_t i = 0; st == KK_OK && i < k->m.n && i < KK_RELATED_TOP; i++)
        k->self += scores[i] * pow(KK_RELATED_DECAY, (double)i);
    free(scores);
    free(contrib);
    return st;
}

static kk_status content_evidence(rel_linker *k, kk_error *err)
{
    if (k->terms.n == 0)
        return KK_OK;
    candidate *c = NULL;
    size_t n = 0;
    kk_status st = fetch_candidates(k, &c, &n, err);
    double total_words = 0;
    for (size_t i = 0; i < n; i++)
        total_words += (double)c[i].words;
    double avg = n && total_words > 0 ? total_words / (double)n : 1;
    for (size_t i = 0; st == KK_OK && i < n; i++) {
        double *contrib = calloc(k->terms.n + 1, sizeof *contrib);
        if (!contrib) {
            st = kk_error_set(err, KK_ENOMEM, "out of memory");
            break;
        }
        double score = bm25(k, &c[i], avg, contrib);
        rel_evidence e = {k->target, c[i].index, score, 0, NULL, contrib};
        if (score > 0)
            st = push_evidence(k, c[i].p->group, e, err);
        else
            free(contrib);
    }
    for (size_t i = 0; c && i < n; i++)
        free(c[i].tf);
    free(c);
    return st == KK_OK ? self_score(k, avg, err) : st;
}

/* ---- entry point ------------------------------------------------------------------------- */

static void linker_free(rel_linker *k)
{
    for (size_t g = 0; k->acc && g < k->n_acc; g++) {
        for (size_t i = 0; i < k->acc[g].n; i++)
            free(k->acc[g].ev[i].contrib);
        free(k->acc[g].ev);
    }
    free(k->acc);
    kk_rel_terms_free(&k->terms);
    members_free(&k->m);
}

kk_status kk_rel_score_links(rel_world *w, const rel_subject *subj, unsigned limit, kk_related *r,
                             kk_error *err)
{
    rel_linker k = {0};
    k.w = w;
    k.subj = subj;
    k.forward = subj->cat == &w->policies;
    k.target = k.forward ? &w->plans : &w->policies;
    kk_status st = subject_members(subj, &k.m, err);
    if (st == KK_OK)
        st = add_named_plans(&k, err);
    if (st == KK_OK && (k.acc = calloc(k.target->n_groups + 1, sizeof *k.acc)) == NULL)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    k.n_acc = k.acc ? k.target->n_groups : 0;
    if (st == KK_OK)
        st = key_terms(w, subj, &k.m, &k.terms, err);
    if (st == KK_OK)
        st = content_evidence(&k, err);
    if (st == KK_OK)
        st = named_in_policies(&k, err);
    if (st == KK_OK)
        st = mentioned_in_plans(&k, err);
    if (st == KK_OK)
        st = kk_rel_rank_items(&k, limit, r, err);
    r->n_passages = k.m.n;
    linker_free(&k);
    return st;
}
