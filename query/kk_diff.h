/* kk_diff.h — a Japanese-aware text diff: what was inserted and deleted between two passages.
 *
 * Two texts are cut into units — Unicode code points, or the ICU dictionary words of kk_analyze
 * (never white-space words, which do not exist in Japanese) — and compared with Myers' O(ND)
 * algorithm. The result is a list of pieces (equal, insert, delete) whose texts, read in order,
 * rebuild both inputs: equal + delete pieces give the old text, equal + insert the new one. Tiny
 * equal islands between changes are merged into the changes so that a rewritten sentence reads
 * as one deletion and one insertion rather than a confetti of single characters.
 *
 * It owns only the diff; it does not know passages, versions or the index. The word mode needs an
 * analyzer (the one analysis path); the character mode needs none.
 */
#ifndef KK_DIFF_H
#define KK_DIFF_H

#include <stddef.h>

#include "kk_analysis.h"
#include "kk_error.h"

typedef enum kk_diff_op {
    KK_DIFF_EQUAL = 0, /* in both texts */
    KK_DIFF_INSERT,    /* only in the new text */
    KK_DIFF_DELETE     /* only in the old text */
} kk_diff_op;

/* "equal", "insert", "delete". Never NULL. */
const char *kk_diff_op_name(kk_diff_op op);

typedef enum kk_diff_unit {
    KK_DIFF_CHARS = 0, /* code points */
    KK_DIFF_WORDS      /* ICU words from kk_analyze; the text between words (punctuation, spaces)
                          is a unit of its own, so nothing of the input is lost */
} kk_diff_unit;

typedef struct kk_diff_options {
    kk_diff_unit unit;
    kk_analyzer *analyzer; /* required for KK_DIFF_WORDS, unused for KK_DIFF_CHARS */
    unsigned merge_equal;  /* equal runs of at most this many code points between two changes are
                              folded into the changes; 0 keeps every equal run */
    unsigned max_cost;     /* give up on finding a minimal diff after this many edit steps (D in
                              Myers' algorithm) and report the rest as one delete + one insert;
                              0 = KK_DIFF_DEFAULT_MAX_COST */
} kk_diff_options;

/* Two code points between changes. Measured on the changed rows of 地域情報化プラン2022 and
 * 男女平等参画のための三鷹市行動計画2022 (000 → 001): no folding gives 77 pieces, full of one-kana
 * islands (女, が, 別 between confetti changes); 1 gives 65; 2 gives 57 and reads as whole
 * reworded phrases ([-めざすと同時-][+目指すととも+]に); 3 begins to swallow clause boundaries
 * that both versions keep ([-めざすと同時に、「情報-] hides the shared に、「). */
#define KK_DIFF_DEFAULT_MERGE 2

/* Myers' algorithm costs O((N+M)·D) time and O(D²) memory for the trace (4-byte entries). Passages
 * are at most a few thousand characters; 2000 steps bound the trace at 16 MB and the time well
 * under a second (see tests/test_diff.c). Revisions need far fewer: the aligned pairs of every
 * plan, table section and department in corpus/mitaka differ by at most 111 characters; the
 * most seen, 1142, was two loosely related passages of a query target (男女共同参画). */
#define KK_DIFF_DEFAULT_MAX_COST 2000

/* Defaults: characters, no analyzer, KK_DIFF_DEFAULT_MERGE, KK_DIFF_DEFAULT_MAX_COST. */
void kk_diff_options_init(kk_diff_options *opts);

typedef struct kk_diff_piece {
    kk_diff_op op;
    char *text;  /* NUL-terminated copy of the piece, owned by the diff */
    size_t len;  /* bytes in text */
} kk_diff_piece;

typedef struct kk_diff {
    kk_diff_piece *pieces; /* in text order; no two neighbours are both equal */
    size_t n;
    size_t inserted, deleted, equal; /* code points in insert, delete and equal pieces */
    int truncated; /* 1 when max_cost was reached and the tail is a plain replace */
} kk_diff;

/* Diff old_text (old_len bytes) against new_text (new_len bytes), both UTF-8 (invalid bytes are
 * kept as single units). opts may be NULL (defaults). KK_EINVAL when the word mode has no
 * analyzer, KK_ENOMEM on allocation failure; *out is then NULL. The caller frees *out with
 * kk_diff_free. */
kk_status kk_diff_texts(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
                        const kk_diff_options *opts, kk_diff **out, kk_error *err);
void kk_diff_free(kk_diff *d);

/* Similarity in [0, 1]: 2·equal / (2·equal + inserted + deleted). 1 for two empty texts. */
double kk_diff_similarity(const kk_diff *d);

/* The diff as text: equal pieces as they are, inserts as ins_open TEXT ins_close, deletes as
 * del_open TEXT del_close (e.g. "[+", "+]", "[-", "-]" or colour escapes). NULL when out of
 * memory; the caller frees. */
char *kk_diff_render(const kk_diff *d, const char *ins_open, const char *ins_close,
                     const char *del_open, const char *del_close);

#endif
