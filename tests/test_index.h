/* test_index.h — the index fixtures shared by the end-to-end tests: build a database from some
 * folders with the real indexing job, and open it for searching. Test support only; each helper
 * fails the running cmocka test with the error's message rather than returning it.
 */
#ifndef KK_TEST_INDEX_H
#define KK_TEST_INDEX_H

#include <stddef.h>

#include "kk_query.h"
#include "kk_run.h"

/* Index roots into db with kk_run_index; stats (may be NULL) receives the counts. */
void kt_index(const char *db, const char *const *roots, size_t n, kk_run_stats *stats);

/* Open db for searching (the caller frees it with kk_searcher_free). */
kk_searcher *kt_open(const char *db);

#endif
