/* kk_impact.h — a passage's term occurrences turned into impacts: wdfs that already hold BM25's
 * length normalization (see KK_IMPACT_SCALE in kk_schema.h).
 *
 * Xapian's BM25 reads the length of every matching document to normalize term frequency; on the
 * council minutes that read was three quarters of the time of a search for a common word. The
 * index stores tf / K instead, K being BM25's length factor 1 − b + b·max(len/nominal,
 * min_normlen), scaled by KK_IMPACT_SCALE to an integer, so that BM25 with b = 0 at query time
 * ranks as BM25 with b did, and never reads a length.
 */
#ifndef KK_IMPACT_H
#define KK_IMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "kk_error.h"
#include "kk_text.h"
#include "kk_xapian.h"

typedef struct kk_impact_entry kk_impact_entry;

/* The terms of one passage being collected; reused from passage to passage. */
typedef struct kk_impacts {
    kk_buf bytes;         /* the distinct terms, copied, each followed by a NUL */
    kk_impact_entry *v;   /* one per distinct term, in the order first added */
    size_t n, cap;
    uint32_t *slots;      /* hash table over v: index + 1, 0 when empty */
    size_t n_slots;       /* a power of two, at least twice n */
    unsigned unwritten;   /* occurrences of words left out of the index (stop words) */
} kk_impacts;

/* The wdf stored for a term occurring count times in a passage whose terms occur length times in
 * all (heading occurrences counted with their extra weight): at least 1. */
unsigned kk_impact_wdf(unsigned count, unsigned length);

/* Forget the terms collected so far (keeping the memory). */
void kk_impacts_clear(kk_impacts *im);

/* Count term [len bytes] count more times. */
kk_status kk_impacts_add(kk_impacts *im, const char *term, size_t len, unsigned count,
                         kk_error *err);

/* Count each term of a list of NUL-terminated terms laid end to end count times. */
kk_status kk_impacts_add_list(kk_impacts *im, const kk_buf *terms, unsigned count,
                              kk_error *err);

/* Count count occurrences of words that are not written (stop words, kk_analysis.h): the passage
 * is that much longer, so every other term's impact is what it was when they were indexed. */
void kk_impacts_add_unwritten(kk_impacts *im, unsigned count);

/* Add every term collected to doc once, with its impact as wdf; the length is the sum of all
 * counts, unwritten ones included. kk_impacts_clear starts the next passage. */
kk_status kk_impacts_write(kk_impacts *im, kk_xdoc *doc, kk_error *err);

void kk_impacts_free(kk_impacts *im);

#endif
