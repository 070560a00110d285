/* impact.c — length-normalized wdfs for a passage's terms (see kk_impact.h). */
#include "kk_impact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

struct kk_impact_entry {
    size_t at;        /* offset of the term in kk_impacts.bytes, which may move while adding */
    const char *term; /* set from at once the adding is over (kk_impacts_write) */
    unsigned count;
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
}

kk_status kk_impacts_add(kk_impacts *im, const char *term, size_t len, unsigned count,
                         kk_error *err)
{
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
    im->v[im->n++] = (kk_impact_entry){at, NULL, count};
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

static int by_term(const void *a, const void *b)
{
    return strcmp(((const kk_impact_entry *)a)->term, ((const kk_impact_entry *)b)->term);
}

kk_status kk_impacts_write(kk_impacts *im, kk_xdoc *doc, kk_error *err)
{
    unsigned length = 0;
    for (size_t k = 0; k < im->n; k++) {
        im->v[k].term = im->bytes.data + im->v[k].at;
        length += im->v[k].count;
    }
    qsort(im->v, im->n, sizeof *im->v, by_term);
    kk_status st = KK_OK;
    for (size_t k = 0, j; st == KK_OK && k < im->n; k = j) {
        unsigned count = 0;
        for (j = k; j < im->n && strcmp(im->v[j].term, im->v[k].term) == 0; j++)
            count += im->v[j].count;
        st = kk_xdoc_add_term(doc, im->v[k].term, strlen(im->v[k].term),
                              kk_impact_wdf(count, length), err);
    }
    return st;
}

void kk_impacts_free(kk_impacts *im)
{
    kk_buf_free(&im->bytes);
    free(im->v);
    memset(im, 0, sizeof *im);
}
