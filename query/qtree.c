/* qtree.c — small helpers for building kk_xquery trees (see build_internal.h): prefixed terms,
 * wildcards, and combinations that skip missing parts and free what they consume, so the builder
 * reads as a description of the query rather than of its memory.
 */
#include "build_internal.h"

#include <string.h>

kk_xquery *kk_q_term(kk_builder *b, const char *prefix, const char *t, size_t n)
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

kk_xquery *kk_q_wildcard(kk_builder *b, const char *prefix, const char *t, size_t n)
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
kk_xquery *kk_q_combine(kk_builder *b, kk_qop op, kk_xquery **parts, size_t n, unsigned window)
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

kk_xquery *kk_q_pair(kk_builder *b, kk_qop op, kk_xquery *x, kk_xquery *y)
{
    kk_xquery *parts[2] = {x, y};
    return kk_q_combine(b, op, parts, 2, 0);
}

kk_xquery *kk_q_scale(kk_builder *b, kk_xquery *q, double factor)
{
    if (!q)
        return NULL;
    kk_xquery *scaled = NULL;
    kk_xquery_scale(q, factor, &scaled, b->err);
    kk_xquery_free(q);
    return scaled;
}

/* A new handle on the same query (the original stays the caller's). */
kk_xquery *kk_q_copy(kk_builder *b, const kk_xquery *q)
{
    kk_xquery *c = NULL;
    if (!q)
        return NULL;
    kk_xquery_scale(q, 1.0, &c, b->err);
    return c;
}
