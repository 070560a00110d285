/* searcher_pool.c — lending searchers to the web server's threads (see searcher_pool.h).
 *
 * A mutex guards the stack of idle searchers and the count of open ones; opening, refreshing
 * and searching happen outside it, so a slow request never holds up another's borrowing.
 */
#include "searcher_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct kk_searcher_pool {
    char *db_path;
    pthread_mutex_t lock;
    pthread_cond_t returned;
    kk_searcher **idle; /* room for size */
    size_t n_idle;
    size_t n_open;      /* idle + lent + being opened */
    size_t size;
};

kk_status kk_searcher_pool_new(const char *db_path, size_t size, kk_searcher_pool **out,
                               kk_error *err)
{
    *out = NULL;
    if (size == 0)
        return kk_error_set(err, KK_EINVAL, "searcher pool: size must be at least 1");
    kk_searcher_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->db_path = strdup(db_path)) || !(p->idle = calloc(size, sizeof *p->idle))) {
        if (p)
            free(p->db_path);
        free(p);
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    p->size = size;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->returned, NULL);
    kk_status st = kk_searcher_open(db_path, &p->idle[0], err);
    if (st != KK_OK) {
        kk_searcher_pool_free(p);
        return st;
    }
    p->n_idle = p->n_open = 1;
    *out = p;
    return KK_OK;
}

void kk_searcher_pool_free(kk_searcher_pool *p)
{
    if (!p)
        return;
    for (size_t k = 0; k < p->n_idle; k++)
        kk_searcher_free(p->idle[k]);
    pthread_cond_destroy(&p->returned);
    pthread_mutex_destroy(&p->lock);
    free(p->idle);
    free(p->db_path);
    free(p);
}

/* Take an idle searcher, or reserve the right to open one (*out NULL), waiting if need be. */
static void take_or_reserve(kk_searcher_pool *p, kk_searcher **out)
{
    pthread_mutex_lock(&p->lock);
    while (p->n_idle == 0 && p->n_open == p->size)
        pthread_cond_wait(&p->returned, &p->lock);
    if (p->n_idle > 0) {
        *out = p->idle[--p->n_idle];
    } else {
        *out = NULL;
        p->n_open++;
    }
    pthread_mutex_unlock(&p->lock);
}

/* Give up a reservation (the searcher could not be opened). */
static void release_slot(kk_searcher_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->n_open--;
    pthread_cond_signal(&p->returned);
    pthread_mutex_unlock(&p->lock);
}

kk_status kk_searcher_pool_borrow(kk_searcher_pool *p, kk_searcher **out, kk_error *err)
{
    kk_searcher *s;
    take_or_reserve(p, &s);
    /* A failed refresh (the database replaced or damaged under us) gets one fresh open. */
    if (s && kk_searcher_refresh(s, NULL, err) != KK_OK) {
        kk_searcher_free(s);
        s = NULL;
    }
    kk_status st = s ? KK_OK : kk_searcher_open(p->db_path, &s, err);
    if (st != KK_OK) {
        release_slot(p);
        *out = NULL;
        return st;
    }
    *out = s;
    return KK_OK;
}

void kk_searcher_pool_return(kk_searcher_pool *p, kk_searcher *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&p->lock);
    p->idle[p->n_idle++] = s;
    pthread_cond_signal(&p->returned);
    pthread_mutex_unlock(&p->lock);
}
