/* copies.c — one passage text held by several documents (a paragraph kept from one plan revision
 * to the next, a set answer repeated in the minutes): shown once, at its best rank, with the
 * other documents listed as its sources.
 *
 * Copies share the hash of their normalized text (value KK_SLOT_TEXTHASH, term KK_PREFIX_HASH).
 * Xapian can collapse matches on that value, but it then reads the value of every match that
 * could enter the page: on the council minutes that was a sixth of a typical query's time. The
 * search asks for plain matches instead, and only the hashes of the candidates a page needs are
 * read here, in rank order, until the page has enough distinct texts.
 */
#include "query_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

/* Sources listed for one hit at most (the caller may ask for fewer). */
#define KK_COPIES_MAX 32

kk_status kk_text_hash_read(kk_searcher *s, unsigned docid, kk_text_hash *h, kk_error *err)
{
    if (h->known)
        return KK_OK;
    char *v = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_value(s->db, docid, KK_SLOT_TEXTHASH, &v, &len, err);
    if (st != KK_OK)
        return st;
    /* a passage without a hash (or an odd one) is a copy of nothing */
    h->len = len < sizeof h->v ? (unsigned char)len : 0;
    memcpy(h->v, v ? v : "", h->len);
    h->known = 1;
    free(v);
    return KK_OK;
}

int kk_copy_set_add(kk_copy_set *set, const kk_text_hash *h)
{
    if (h->len == 0)
        return 0;
    for (size_t k = 0; k < set->n; k++)
        if (set->v[k].len == h->len && memcmp(set->v[k].v, h->v, h->len) == 0)
            return 1;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        kk_text_hash *v = realloc(set->v, cap * sizeof *v);
        if (!v)
            return -1;
        set->v = v;
        set->cap = cap;
    }
    set->v[set->n++] = *h;
    return 0;
}

void kk_copy_set_free(kk_copy_set *set)
{
    free(set->v);
    memset(set, 0, sizeof *set);
}

/* Append the source of copy docid to h->also, from its values: parsing its stored JSON cost
 * four times as much, and a hit may list ten copies. */
static kk_status add_also(kk_searcher *s, kk_hit *h, unsigned docid, kk_error *err)
{
    char *doc = NULL, *line = NULL;
    size_t doc_len = 0, line_len = 0;
    kk_status st = kk_db_get_value(s->db, docid, KK_SLOT_DOC, &doc, &doc_len, err);
    if (st == KK_OK)
        st = kk_db_get_value(s->db, docid, KK_SLOT_LINE, &line, &line_len, err);
    kk_source *more = NULL;
    if (st == KK_OK && doc_len > 0) {
        more = realloc(h->also, (h->n_also + 1) * sizeof *more);
        if (!more) {
            st = kk_error_set(err, KK_ENOMEM, "out of memory listing the copies of a passage");
        } else {
            h->also = more;
            more[h->n_also++] = (kk_source){doc, (unsigned)kk_number_unserialise(line, line_len)};
            doc = NULL;
        }
    }
    free(doc);
    free(line);
    return st == KK_ENOTFOUND ? KK_OK : st; /* deleted since the posting list was read */
}

/* Up to max docids of a term's documents other than self, in docid order. */
typedef struct copy_ids {
    unsigned self, ids[KK_COPIES_MAX];
    size_t n, max;
} copy_ids;

static int on_copy(unsigned docid, unsigned wdf, void *ctx)
{
    (void)wdf;
    copy_ids *c = ctx;
    if (docid != c->self)
        c->ids[c->n++] = docid;
    return c->n == c->max;
}

kk_status kk_copies_find(kk_searcher *s, kk_hit *h, unsigned docid, const kk_text_hash *hash,
                         size_t max, kk_error *err)
{
    if (hash->len == 0 || max == 0)
        return KK_OK;
    char term[sizeof hash->v + 8];
    int n = snprintf(term, sizeof term, "%s%.*s", KK_PREFIX_HASH, (int)hash->len, hash->v);
    unsigned holders = 0;
    kk_status st = kk_db_term_freq(s->db, term, (size_t)n, &holders, err);
    if (st != KK_OK || holders < 2) /* most texts are held once: one lookup */
        return st;
    /* the posting list itself, not a search: a search's set-up cost more than the few copies */
    copy_ids ids = {docid, {0}, 0, max < KK_COPIES_MAX ? max : KK_COPIES_MAX};
    st = kk_db_each_posting(s->db, term, (size_t)n, on_copy, &ids, err);
    for (size_t k = 0; st == KK_OK && k < ids.n; k++)
        st = add_also(s, h, ids.ids[k], err);
    return st;
}
