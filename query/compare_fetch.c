/* compare_fetch.c — every passage a query matches, read back with its stored fields (see
 * compare_internal.h).
 *
 * Comparison and trend counting need the whole match set, not the ranked page kk_search returns:
 * the query is made boolean (weights do not matter) and walked page by page in docid order, each
 * page's stored JSON parsed into a cmp_passage or handed to a callback. Ranking, collapsing of
 * copies and highlighting are search.c's business and do not happen here.
 */
#include "compare_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

void kk_cmp_set_clear(cmp_set *set)
{
    for (size_t k = 0; k < set->n; k++)
        kk_passage_info_clear(&set->p[k]);
    free(set->p);
    memset(set, 0, sizeof *set);
}

/* One page of matches from rank first; *got receives how many there were, *stop whether cb
 * asked to stop. */
static kk_status each_in_page(kk_searcher *s, const kk_xquery *q, unsigned first, kk_match_cb cb,
                              void *ctx, size_t *got, int *stop, kk_error *err)
{
    kk_search_opts o;
    kk_ranked_opts_init(&o);
    o.first = first;
    o.max = KK_MATCH_PAGE;
    o.collapse_slot = -1;
    o.sort_slot = -1;
    kk_xresults *res = NULL;
    kk_status st = kk_db_search(s->db, q, &o, &res, err);
    *got = st == KK_OK ? kk_xresults_size(res) : 0;
    for (size_t k = 0; st == KK_OK && k < *got && !*stop; k++) {
        kk_xhit hit;
        st = kk_xresults_hit(res, k, &hit, err);
        if (st == KK_OK)
            *stop = cb(&hit, ctx);
    }
    kk_xresults_free(res);
    return st;
}

kk_status kk_match_each(kk_searcher *s, const kk_xquery *q, kk_match_cb cb, void *ctx,
                        kk_error *err)
{
    /* Weight 0 everywhere: Xapian then returns matches in docid order, which is stable from one
     * page to the next, and skips computing weights. */
    kk_xquery *boolean = NULL;
    kk_status st = kk_xquery_scale(q, 0.0, &boolean, err);
    size_t got = KK_MATCH_PAGE;
    int stop = 0;
    for (unsigned first = 0; st == KK_OK && got == KK_MATCH_PAGE && !stop; first += KK_MATCH_PAGE)
        st = each_in_page(s, boolean, first, cb, ctx, &got, &stop, err);
    kk_xquery_free(boolean);
    return st;
}

typedef struct collect_ctx {
    cmp_set *set;
    size_t max;
    kk_status st;
    kk_error *err;
} collect_ctx;

static int collect_one(const kk_xhit *hit, void *vctx)
{
    collect_ctx *c = vctx;
    cmp_set *set = c->set;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        cmp_passage *p = realloc(set->p, cap * sizeof *p);
        if (!p) {
            c->st = kk_error_set(c->err, KK_ENOMEM, "out of memory collecting passages");
            return 1;
        }
        set->p = p;
        set->cap = cap;
    }
    c->st = kk_passage_info_parse(hit->data, hit->data_len, &set->p[set->n], c->err);
    set->n += c->st == KK_OK;
    return c->st != KK_OK || (c->max && set->n >= c->max);
}

kk_status kk_match_collect(kk_searcher *s, const kk_xquery *q, size_t max, cmp_set *set,
                           kk_error *err)
{
    collect_ctx c = {set, max, KK_OK, err};
    kk_status st = kk_match_each(s, q, collect_one, &c, err);
    return st != KK_OK ? st : c.st;
}
