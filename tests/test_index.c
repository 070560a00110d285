/* test_index.c — index fixtures for the end-to-end tests (see test_index.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_index.h"

void kt_index(const char *db, const char *const *roots, size_t n, kk_run_stats *stats)
{
    kk_run_opts o = {0};
    o.db_path = db;
    o.roots = roots;
    o.n_roots = n;
    kk_run_stats local;
    kk_error err = {0};
    if (kk_run_index(&o, stats ? stats : &local, &err) != KK_OK)
        fail_msg("indexing into %s: %s", db, err.message);
}

kk_searcher *kt_open(const char *db)
{
    kk_searcher *s = NULL;
    kk_error err = {0};
    if (kk_searcher_open(db, &s, &err) != KK_OK)
        fail_msg("opening %s: %s", db, err.message);
    return s;
}
