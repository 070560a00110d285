/* fuzz_qparse.c — libFuzzer harness for the query side: kk_query_parse on any bytes, then the
 * whole search (query building with analysis, ranking, facets, snippets) on a small index.
 *
 * The index is built once per process from corpus/mitaka (found through KK_SOURCE_DIR or the
 * source folder compiled in) in a temporary folder removed at exit. A parse must succeed or fail
 * with a message; a search of a query that parsed must succeed (a query can match nothing, but
 * not break the search), and every hit's highlight ranges must lie inside its text. Violations
 * abort.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kk_qparse.h"
#include "kk_query.h"
#include "kk_run.h"
#include "kk_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef KK_FUZZ_SOURCE_DIR
#define KK_FUZZ_SOURCE_DIR "."
#endif

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_qparse: %s\n", what);
        abort();
    }
}

static char db_dir[64];

static void remove_db(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", db_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_qparse: could not remove %s\n", db_dir);
}

static kk_searcher *searcher(void)
{
    static kk_searcher *s;
    if (s)
        return s;
    const char *src = getenv("KK_SOURCE_DIR") ? getenv("KK_SOURCE_DIR") : KK_FUZZ_SOURCE_DIR;
    char corpus[4096];
    snprintf(corpus, sizeof corpus, "%s/corpus/mitaka", src);
    snprintf(db_dir, sizeof db_dir, "/tmp/kk-fuzz-qparse-%ld", (long)getpid());
    const char *roots[] = {corpus};
    kk_run_opts o = {0};
    o.db_path = db_dir;
    o.roots = roots;
    o.n_roots = 1;
    kk_run_stats stats;
    kk_error err = {0};
    if (kk_run_index(&o, &stats, &err) != KK_OK) {
        fprintf(stderr, "fuzz_qparse: indexing %s: %s\n", corpus, err.message);
        abort();
    }
    atexit(remove_db);
    check(stats.passages > 0, "no passages in the fuzzing index");
    check(kk_searcher_open(db_dir, &s, &err) == KK_OK, "cannot open the fuzzing index");
    return s;
}

static void check_hits(const kk_hits *h)
{
    for (size_t k = 0; k < h->n; k++) {
        const kk_hit *hit = &h->hits[k];
        size_t len = strlen(hit->text);
        for (size_t m = 0; m < hit->n_marks; m++)
            check(hit->marks[m].start < hit->marks[m].end && hit->marks[m].end <= len,
                  "highlight outside the passage text");
        size_t slen = hit->snippet ? strlen(hit->snippet) : 0;
        for (size_t m = 0; m < hit->n_snippet_marks; m++)
            check(hit->snippet_marks[m].end <= slen, "highlight outside the snippet");
        check(!hit->snippet || kk_utf8_valid(hit->snippet, slen), "snippet is not valid UTF-8");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *query = malloc(size + 1);
    check(query != NULL, "out of memory");
    memcpy(query, data, size);
    query[size] = '\0';
    kk_parsed_query *q = NULL;
    kk_error err = {0};
    kk_status st = kk_query_parse(query, &q, &err);
    check(st == KK_OK || err.message[0], "a parse failure without a message");
    kk_parsed_query_free(q);
    if (st == KK_OK) {
        /* every other input without the marks and other sources a hit need not have */
        unsigned fields = size % 4 < 2 ? 0 : KK_HIT_BIT(KK_HIT_DOC) | KK_HIT_BIT(KK_HIT_LINE);
        kk_search_request req = {query, 0, 10, size % 2, fields};
        kk_hits *h = NULL;
        st = kk_search(searcher(), &req, &h, &err);
        if (st != KK_OK && st != KK_EPARSE) {
            fprintf(stderr, "fuzz_qparse: search failed: %s %s\n", kk_status_name(st),
                    err.message);
            abort();
        }
        if (h)
            check_hits(h);
        kk_hits_free(h);
    }
    free(query);
    return 0;
}
