/* fuzz_analysis.c — libFuzzer harness for the analysis module (kk_analysis.h): normalization,
 * line joining, variant folding, ICU words and CJK grams with their offsets.
 *
 * The first input byte chooses the flags (words, grams, query mode); the rest is the text, any
 * bytes (invalid UTF-8 becomes U+FFFD, never an error). Every token must be non-empty, point
 * into the input with start < end <= length, and come in order of position; kk_normalize must
 * give valid UTF-8. Violations abort.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_analysis: %s\n", what);
        abort();
    }
}

/* One analyzer for the whole run, as a searcher keeps one: state must not leak between texts. */
static kk_analyzer *analyzer(void)
{
    static kk_analyzer *a;
    if (!a) {
        kk_error err = {0};
        check(kk_analyzer_new(&a, &err) == KK_OK, "cannot create an analyzer");
    }
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const unsigned flag_sets[] = {
        KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS, KK_ANALYZE_WORDS, KK_ANALYZE_GRAMS,
        KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY,
    };
    unsigned flags = flag_sets[data[0] % 4];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    kk_analyzer *a = analyzer();
    kk_error err = {0};
    kk_status st = kk_analyze(a, text, len, flags, &err);
    check(st == KK_OK || st == KK_ENOMEM, "kk_analyze failed on some input");
    if (st != KK_OK)
        return 0;
    size_t n = 0;
    const kk_token *t = kk_analyzer_tokens(a, &n);
    for (size_t k = 0; k < n; k++) {
        check(t[k].len > 0, "empty token");
        check(kk_utf8_valid(t[k].text, t[k].len), "token is not valid UTF-8");
        check(t[k].start < t[k].end && t[k].end <= len, "token offsets outside the input");
        check(t[k].pos >= 1, "token position below 1");
        check(k == 0 || t[k].pos >= t[k - 1].pos, "tokens out of position order");
    }
    size_t norm_len = 0;
    const char *norm = kk_analyzer_text(a, &norm_len);
    check(norm && kk_utf8_valid(norm, norm_len), "normalized text is not valid UTF-8");
    char *out = NULL;
    size_t out_len = 0;
    st = kk_normalize(a, text, len, &out, &out_len, &err);
    check(st == KK_OK || st == KK_ENOMEM, "kk_normalize failed on some input");
    if (st == KK_OK)
        check(kk_utf8_valid(out, out_len) && out[out_len] == '\0', "bad kk_normalize output");
    free(out);
    return 0;
}
