/* searcher_pool.h — searchers shared by the web server's worker threads.
 *
 * A kk_searcher is not thread-safe (it wraps one Xapian database handle and one ICU analyzer),
 * so each request borrows one for its duration. The pool opens them lazily, up to its size, and
 * brings a borrowed searcher up to the latest commit before lending it, so that what the indexer
 * commits while the server runs is seen by the next request. It does not know about HTTP.
 */
#ifndef KK_SEARCHER_POOL_H
#define KK_SEARCHER_POOL_H

#include <stddef.h>

#include "kk_error.h"
#include "kk_query.h"

typedef struct kk_searcher_pool kk_searcher_pool;

/* A pool of at most size searchers over the database at db_path (copied). One searcher is opened
 * at once so that a missing or unreadable database fails here, with kk_searcher_open's status
 * and message, rather than on the first request. The caller frees *out with
 * kk_searcher_pool_free. */
kk_status kk_searcher_pool_new(const char *db_path, size_t size, kk_searcher_pool **out,
                               kk_error *err);

/* Free the pool and its searchers; none may be borrowed. NULL is a no-op. */
void kk_searcher_pool_free(kk_searcher_pool *p);

/* Borrow a searcher, waiting while all size of them are lent. The searcher has been refreshed
 * to the database's latest commit; if that fails it is reopened, and if that fails too the
 * status and message are returned and *out is NULL. Give it back with kk_searcher_pool_return. */
kk_status kk_searcher_pool_borrow(kk_searcher_pool *p, kk_searcher **out, kk_error *err);
void kk_searcher_pool_return(kk_searcher_pool *p, kk_searcher *s);

#endif
