/* related_rank.c — from evidence to ranked links: scores, the groups listed, their items.
 *
 * Owns how the evidence related_score.c files under each group combines: a group's best content
 * passages summed with a decay and scaled by what the subject scores against itself; explicit
 * references added with their own decay; which links are too weak to list; and each listed
 * link's evidence (best first, with snippets marking the shared terms or the name) and shared
 * terms. related.c owns the result's memory and JSON.
 */
#include "related_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A plan only named (no passages of its own in the index) gets this share of the explicit
 * weight: its link cannot be shown where it is carried out, and in corpus/mitaka the plans
 * named so are predecessors (6-4-1's 情報化推進計画 of the current plan, which became
 * 地域情報化プラン2022) that must not outrank the plan the archive holds. */
#define KK_RELATED_NAMED_ONLY 0.5

/* Links whose content score is below this share of the best one, with no explicit evidence, are
 * dropped. Measured on corpus/mitaka (5 policies × 3 plans, both directions): the links under
 * 0.3 shared one or two general words (地域, 意識, 参画 alone) with the subject; those over it
 * shared the topic (6-4-1 and 行財政改革: 効率, 事務, 最適化 of the administration's ICT). */
#define KK_RELATED_MIN_SHARE 0.3

/* A link on content alone needs this many distinct key terms in the other side's counted
 * passages: one shared word (6-2-1 and 地域情報化プラン2022 share only 地域) is a coincidence
 * of vocabulary, not a topic. */
#define KK_RELATED_MIN_TERMS 2

/* Shared terms shown per link. */
#define KK_RELATED_SHOWN_TERMS 8

/* ---- aggregation ------------------------------------------------------------------------- */

static int by_score(const void *a, const void *b)
{
    const rel_evidence *x = a, *y = b;
    return x->score > y->score ? -1 : x->score < y->score;
}

/* 1 if an earlier counted evidence of the same kind has the same text (the current-plan column
 * of a comparison table repeats its paragraphs under several policies and within one). */
static int repeats(const rel_acc *a, size_t upto)
{
    const rel_evidence *e = &a->ev[upto];
    for (size_t i = 0; i < upto; i++)
        if (a->ev[i].is_explicit == e->is_explicit && a->ev[i].score > 0
            && strcmp(a->ev[i].cat->p[a->ev[i].index].text, e->cat->p[e->index].text) == 0)
            return 1;
    return 0;
}

/* Content and explicit scores of one group. Each counted evidence keeps its decayed part as its
 * score (content in raw BM25 units until rank_groups normalizes them); repeats and passages
 * past the top KK_RELATED_TOP of their kind get 0 and are not shown. */
static void aggregate(rel_acc *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->ev[i].is_explicit)
            a->ev[i].score = KK_RELATED_EXPLICIT; /* all alike before decay */
    if (a->n > 1)
        qsort(a->ev, a->n, sizeof *a->ev, by_score);
    size_t counted[2] = {0, 0};
    for (size_t i = 0; i < a->n; i++) {
        rel_evidence *e = &a->ev[i];
        int x = e->is_explicit;
        double part = 0;
        if (counted[x] < KK_RELATED_TOP && !repeats(a, i))
            part = e->score * pow(KK_RELATED_DECAY, (double)counted[x]++);
        e->score = part;
        if (x)
            a->explicit_score += part;
        else
            a->content += part;
    }
}

/* ---- results ----------------------------------------------------------------------------- */

typedef struct ranked {
    size_t group;
    double content, explicit_score, score;
} ranked;

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

/* How many distinct key terms the group's counted content evidence holds. */
static size_t shared_terms(const rel_linker *k, const rel_acc *a)
{
    size_t n = 0;
    for (size_t t = 0; t < k->terms.n; t++) {
        int found = 0;
        for (size_t i = 0; i < a->n && !found; i++)
            found = a->ev[i].contrib && a->ev[i].score > 0 && a->ev[i].contrib[t] > 0;
        n += (size_t)found;
    }
    return n;
}

/* Put group g's scores on the subject's scale: content divided by scale, and a plan only named
 * given KK_RELATED_NAMED_ONLY of its explicit weight. */
static void scale_group(rel_linker *k, size_t g, double scale)
{
    rel_acc *a = &k->acc[g];
    int named_only = k->target->g[g].n_members == 0;
    for (size_t i = 0; i < a->n; i++) {
        if (!a->ev[i].is_explicit)
            a->ev[i].score = scale > 0 ? a->ev[i].score / scale : 0;
        else if (named_only)
            a->ev[i].score *= KK_RELATED_NAMED_ONLY;
    }
    if (named_only)
        a->explicit_score *= KK_RELATED_NAMED_ONLY;
}

/* The groups worth listing, best first; *n receives their number. Content scores are shares of
 * what the subject scores against itself (or of the best group's, if that is higher). */
static ranked *rank_groups(rel_linker *k, size_t *n, kk_error *err)
{
    double best = 0;
    for (size_t g = 0; g < k->n_acc; g++) {
        aggregate(&k->acc[g]);
        if (k->acc[g].content > best)
            best = k->acc[g].content;
    }
    ranked *r = calloc(k->n_acc + 1, sizeof *r);
    if (!r) {
        kk_error_set(err, KK_ENOMEM, "out of memory");
        return NULL;
    }
    double scale = k->self > best ? k->self : best;
    *n = 0;
    for (size_t g = 0; g < k->n_acc; g++) {
        rel_acc *a = &k->acc[g];
        double share = scale > 0 ? a->content / scale : 0;
        scale_group(k, g, scale);
        if (a->explicit_score > 0 || (best > 0 && a->content / best >= KK_RELATED_MIN_SHARE
                                      && shared_terms(k, a) >= KK_RELATED_MIN_TERMS))
            r[(*n)++] = (ranked){g, share, a->explicit_score, share + a->explicit_score};
    }
    qsort(r, *n, sizeof *r, by_rank);
    return r;
}

/* Where the evidence's key terms (content) or the name it gives (explicit) are in the text. */
static kk_status evidence_marks(rel_linker *k, const rel_evidence *e, kk_span **out, size_t *n_out,
                                kk_error *err)
{
    const char *text = e->cat->p[e->index].text;
    if (!e->is_explicit)
        return kk_rel_terms_marks(k->w, &k->terms, text, e->contrib, out, n_out, err);
    size_t len = strlen(e->mark), n = 0, m = 0;
    for (const char *at = strstr(text, e->mark); len && at; at = strstr(at + len, e->mark))
        n++;
    kk_span *marks = calloc(n + 1, sizeof *marks);
    if (!marks)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (const char *at = strstr(text, e->mark); len && at; at = strstr(at + len, e->mark))
        marks[m++] = (kk_span){(unsigned)(at - text), (unsigned)(at - text + len)};
    *out = marks;
    *n_out = m;
    return KK_OK;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static kk_status fill_evidence(rel_linker *k, const rel_evidence *e, kk_related_evidence *out,
                               kk_error *err)
{
    const rel_passage *p = &e->cat->p[e->index];
    out->kind = e->is_explicit ? KK_EVIDENCE_EXPLICIT : KK_EVIDENCE_CONTENT;
    out->score = e->score;
    out->id = strdup(p->id);
    out->doc = strdup(p->doc);
    out->section = dup_or_null(p->section);
    out->line = p->line;
    out->year = p->year;
    if (!out->id || !out->doc || (p->section && !out->section))
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_span *marks = NULL;
    size_t n = 0;
    kk_status st = evidence_marks(k, e, &marks, &n, err);
    if (st == KK_OK)
        st = kk_make_snippet(p->text, marks, n, &out->snippet, &out->snippet_marks,
                             &out->n_snippet_marks, err);
    free(marks);
    return st;
}

/* 1 if a passage is already among the item's evidence (as content and explicit both). */
static int shown(const kk_related_item *item, const rel_passage *p)
{
    for (size_t i = 0; i < item->n_evidence; i++)
        if (strcmp(item->evidence[i].id, p->id) == 0)
            return 1;
    return 0;
}

static kk_status item_evidence(rel_linker *k, rel_acc *a, kk_related_item *item, kk_error *err)
{
    if (a->n > 1)
        qsort(a->ev, a->n, sizeof *a->ev, by_score);
    item->evidence = calloc(KK_RELATED_MAX_EVIDENCE, sizeof *item->evidence);
    if (!item->evidence)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = KK_OK;
    for (size_t i = 0; st == KK_OK && i < a->n && item->n_evidence < KK_RELATED_MAX_EVIDENCE;
         i++) {
        if (a->ev[i].score <= 0 || shown(item, &a->ev[i].cat->p[a->ev[i].index]))
            continue;
        st = fill_evidence(k, &a->ev[i], &item->evidence[item->n_evidence++], err);
    }
    return st;
}

/* The key terms behind the link, by their part in the counted content evidence. */
static kk_status item_terms(rel_linker *k, const rel_acc *a, kk_related_item *item, kk_error *err)
{
    size_t n = k->terms.n;
    double *sum = calloc(n + 1, sizeof *sum);
    if (!sum || (item->terms = calloc(KK_RELATED_SHOWN_TERMS, sizeof *item->terms)) == NULL) {
        free(sum);
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < a->n; i++)
        for (size_t t = 0; a->ev[i].contrib && a->ev[i].score > 0 && t < n; t++)
            sum[t] += a->ev[i].contrib[t];
    while (item->n_terms < KK_RELATED_SHOWN_TERMS) {
        size_t best = n;
        for (size_t t = 0; t < n; t++)
            if (sum[t] > 0 && (best == n || sum[t] > sum[best]))
                best = t;
        if (best == n)
            break;
        sum[best] = 0;
        if ((item->terms[item->n_terms] = strdup(k->terms.v[best].text)) == NULL) {
            free(sum);
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        }
        item->n_terms++;
    }
    free(sum);
    return KK_OK;
}

static kk_status make_item(rel_linker *k, const ranked *r, unsigned rank, kk_related_item *item,
                           kk_error *err)
{
    const rel_group *g = &k->target->g[r->group];
    item->rank = rank;
    item->score = r->score;
    item->content_score = r->content;
    item->explicit_score = r->explicit_score;
    item->key = strdup(g->key);
    item->name = strdup(g->name);
    if (!item->key || !item->name)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = kk_rel_copy_versions(g->versions, g->n_versions, &item->versions, err);
    if (st == KK_OK)
        item->n_versions = g->n_versions;
    if (st == KK_OK)
        st = item_terms(k, &k->acc[r->group], item, err);
    if (st == KK_OK)
        st = item_evidence(k, &k->acc[r->group], item, err);
    return st;
}

static kk_status copy_terms(const rel_terms *l, kk_related *out, kk_error *err)
{
    if ((out->terms = calloc(l->n + 1, sizeof *out->terms)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t i = 0; i < l->n; i++) {
        if ((out->terms[i] = strdup(l->v[i].text)) == NULL)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        out->n_terms = i + 1;
    }
    return KK_OK;
}

kk_status kk_rel_rank_items(rel_linker *k, unsigned limit, kk_related *out, kk_error *err)
{
    size_t n = 0;
    ranked *r = rank_groups(k, &n, err);
    if (!r)
        return KK_ENOMEM;
    if (n > limit)
        n = limit;
    kk_status st = KK_OK;
    if ((out->items = calloc(n + 1, sizeof *out->items)) == NULL)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t i = 0; st == KK_OK && i < n; i++) {
        st = make_item(k, &r[i], (unsigned)i + 1, &out->items[i], err);
        out->n = i + 1;
    }
    free(r);
    return st == KK_OK ? copy_terms(&k->terms, out, err) : st;
}
