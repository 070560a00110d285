/* impact.c — length-normalized wdfs for a passage's terms (see kk_impact.h). */
#include "kk_impact.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

/* One distinct term of the passage. */
struct kk_impact_entry {
    size_t at;      /* offset of the term in kk_impacts.bytes, which may move while adding */
    size_t len;
    uint32_t hash;
    unsigned count; /* occurrences, heading ones weighted */
};

unsigned kk_impact_wdf(unsigned count, unsigned length)
{
    double relative = (double)length / KK_NOMINAL_LENGTH;
    if (relative < KK_BM25_MIN_NORMLEN)
        relative = KK_BM25_MIN_NORMLEN;
    double k = 1.0 - KK_BM25_B + KK_BM25_B * relative;
    double wdf = round(KK_IMPACT_SCALE * (double)count / k);
    return wdf < 1 ? 1 : wdf > 1e6 ? 1000000u : (unsigned)wdf;
}

void kk_impacts_clear(kk_impacts *im)
{
    im->bytes.len = 0;
    im->n = 0;
    im->unwritten = 0;
    if (im->slots)
        memset(im->slots, 0, im->n_slots * sizeof *im->slots);
}

/* The slot holding the term, or the empty slot where it belongs. */
static size_t find_slot(const kk_impacts *im, const char *term, size_t len, uint32_t hash)
{
    size_t mask = im->n_slots - 1, k = hash & mask;
    for (; im->slots[k]; k = (k + 1) & mask) {
        const kk_impact_entry *e = &im->v[im->slots[k] - 1];
        if (e->hash == hash && e->len == len && memcmp(im->bytes.data + e->at, term, len) == 0)
            break;
    }
    return k;
}

/* Keep the table at most half full, so that probes stay short. */
static kk_status grow_slots(kk_impacts *im)
{
    if (2 * (im->n + 1) <= im->n_slots)
        return KK_OK;
    size_t n_slots = im->n_slots ? im->n_slots * 2 : 1024;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return KK_ENOMEM;
    free(im->slots);
    im->slots = slots;
    im->n_slots = n_slots;
    for (size_t k = 0; k < im->n; k++) {
        size_t at = im->v[k].hash & (n_slots - 1);
        while (slots[at])
            at = (at + 1) & (n_slots - 1);
        slots[at] = (uint32_t)k + 1;
    }
    return KK_OK;
}

kk_status kk_impacts_add(kk_impacts *im, const char *term, size_t len, unsigned count,
                         kk_error *err)
{
    if (grow_slots(im) != KK_OK)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    uint32_t hash = kk_hash_bytes(term, len);
    size_t slot = find_slot(im, term, len, hash);
    if (im->slots[slot]) {
        im->v[im->slots[slot] - 1].count += count;
        return KK_OK;
    }
    if (im->n == im->cap) {
        size_t cap = im->cap ? im->cap * 2 : 256;
        kk_impact_entry *v = realloc(im->v, cap * sizeof *v);
        if (!v)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        im->v = v;
        im->cap = cap;
    }
    size_t at = im->bytes.len;
    if (kk_buf_add(&im->bytes, term, len) != KK_OK || kk_buf_addc(&im->bytes, '\0') != KK_OK)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    im->v[im->n++] = (kk_impact_entry){at, len, hash, count};
    im->slots[slot] = (uint32_t)im->n;
    return KK_OK;
}

kk_status kk_impacts_add_list(kk_impacts *im, const kk_buf *terms, unsigned count,
                              kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t at = 0; st == KK_OK && at < terms->len;) {
        size_t len = strlen(terms->data + at);
        st = kk_impacts_add(im, terms->data + at, len, count, err);
        at += len + 1;
    }
    return st;
}

void kk_impacts_add_unwritten(kk_impacts *im, unsigned count)
{
    im->unwritten += count;
}

kk_status kk_impacts_write(kk_impacts *im, kk_xdoc *doc, kk_error *err)
{
    unsigned length = im->unwritten;
    for (size_t k = 0; k < im->n; k++)
        length += im->v[k].count;
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < im->n; k++)
        st = kk_xdoc_add_term(doc, im->bytes.data + im->v[k].at, im->v[k].len,
                              kk_impact_wdf(im->v[k].count, length), err);
    return st;
}

void kk_impacts_free(kk_impacts *im)
{
    kk_buf_free(&im->bytes);
    free(im->v);
    free(im->slots);
    memset(im, 0, sizeof *im);
}
