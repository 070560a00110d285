/* test_bulk.c — a first index built in parallel shards (indexer/bulk.c) is the index an update
 * builds, document for document.
 *
 * The reference is corpus/ indexed by the one-writer update path (a database created empty
 * first). Parallel builds with several threads and shard sizes — one file per shard, so that 46
 * shards are merged in two levels, and the default — must give the same documents under the same
 * numbers: stored data, every value, every term with its wdf, the file stamps and the synonyms.
 * Also: a scratch folder left by a crashed build is cleared; a second builder waits for the
 * first's lock or fails with the lock message; files that cannot be read are counted the same
 * way as in an update.
 */
#define _DEFAULT_SOURCE /* flock */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kk_record.h"
#include "kk_run.h"
#include "kk_schema.h"
#include "kk_xapian.h"
#include "test_util.h"

typedef struct fixture {
    char dir[64], corpus[128], empty[128], reference[128];
    kk_run_stats ref_stats;
} fixture;

static size_t progress_calls;

static void count_progress(size_t done, size_t total, const char *doc, void *ctx)
{
    (void)done, (void)total, (void)doc, (void)ctx;
    progress_calls++;
}

static kk_status build(const char *db, const char *root, unsigned threads, size_t shard_bytes,
                       unsigned wait_ms, kk_run_stats *stats, kk_error *err)
{
    const char *roots[] = {root};
    kk_run_opts o = {0};
    o.db_path = db;
    o.roots = roots;
    o.n_roots = 1;
    o.threads = threads;
    o.shard_bytes = shard_bytes;
    o.lock_wait_ms = wait_ms;
    o.progress = count_progress;
    return kk_run_index(&o, stats, err);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "bulk"), 0);
    snprintf(f->corpus, sizeof f->corpus, "%s/corpus", f->dir);
    snprintf(f->empty, sizeof f->empty, "%s/empty", f->dir);
    snprintf(f->reference, sizeof f->reference, "%s/reference", f->dir);
    char src[4096];
    assert_int_equal(kt_copy_tree(kt_source_path(src, sizeof src, "corpus"), f->corpus), 0);
    assert_int_equal(mkdir(f->empty, 0755), 0);
    /* The reference: an empty database (a first build of nothing), then an update. */
    kk_run_stats stats;
    kk_error err = {0};
    assert_int_equal(build(f->reference, f->empty, 1, 0, 0, &stats, &err), KK_OK);
    if (build(f->reference, f->corpus, 1, 0, 0, &f->ref_stats, &err) != KK_OK)
        fail_msg("reference index: %s", err.message);
    assert_true(f->ref_stats.passages > 1000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kt_remove_tree(f->dir);
    free(f);
    return 0;
}

/* ---- comparing two databases ---------------------------------------------------------------- */

typedef struct term_list {
    char **terms;
    unsigned *wdf;
    size_t n, cap;
} term_list;

static int collect_term(const char *term, size_t len, unsigned freq, void *ctx)
{
    term_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->terms = realloc(l->terms, l->cap * sizeof *l->terms);
        l->wdf = realloc(l->wdf, l->cap * sizeof *l->wdf);
        assert_true(l->terms && l->wdf);
    }
    l->terms[l->n] = strndup(term, len);
    l->wdf[l->n++] = freq;
    return 0;
}

static void free_terms(term_list *l)
{
    for (size_t k = 0; k < l->n; k++)
        free(l->terms[k]);
    free(l->terms);
    free(l->wdf);
}

static void same_blob(kk_status sa, char *x, size_t lx, kk_status sb, char *y, size_t ly,
                      unsigned docid, const char *what)
{
    assert_int_equal(sa, KK_OK);
    assert_int_equal(sb, KK_OK);
    if (lx != ly || memcmp(x, y, lx) != 0)
        fail_msg("document %u: %s differs", docid, what);
    free(x);
    free(y);
}

static void same_document(kk_db *a, kk_db *b, unsigned docid)
{
    char *x = NULL, *y = NULL;
    size_t lx = 0, ly = 0;
    kk_status sa = kk_db_get_data(a, docid, &x, &lx, NULL);
    kk_status sb = kk_db_get_data(b, docid, &y, &ly, NULL);
    same_blob(sa, x, lx, sb, y, ly, docid, "stored data");
    for (unsigned slot = 0; slot <= KK_SLOT_ORDINAL; slot++) {
        sa = kk_db_get_value(a, docid, slot, &x, &lx, NULL);
        sb = kk_db_get_value(b, docid, slot, &y, &ly, NULL);
        same_blob(sa, x, lx, sb, y, ly, docid, "a value slot");
    }
    term_list ta = {0}, tb = {0};
    assert_int_equal(kk_db_each_doc_term(a, docid, collect_term, &ta, NULL), KK_OK);
    assert_int_equal(kk_db_each_doc_term(b, docid, collect_term, &tb, NULL), KK_OK);
    assert_int_equal(ta.n, tb.n);
    for (size_t k = 0; k < ta.n; k++) {
        assert_string_equal(ta.terms[k], tb.terms[k]);
        assert_int_equal(ta.wdf[k], tb.wdf[k]);
    }
    free_terms(&ta);
    free_terms(&tb);
}

static int same_stamp(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)freq;
    kk_db **dbs = ctx;
    char key[4096];
    snprintf(key, sizeof key, "file:%.*s", (int)(len - strlen(KK_PREFIX_FILE)),
             term + strlen(KK_PREFIX_FILE));
    char *x = NULL, *y = NULL;
    size_t lx = 0, ly = 0;
    assert_int_equal(kk_db_get_metadata(dbs[0], key, &x, &lx, NULL), KK_OK);
    assert_int_equal(kk_db_get_metadata(dbs[1], key, &y, &ly, NULL), KK_OK);
    assert_true(lx > 0);
    if (lx != ly || memcmp(x, y, lx) != 0)
        fail_msg("stamps of %s differ: '%s' and '%s'", key, x, y);
    free(x);
    free(y);
    return 0;
}

static int count_synonym(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)term, (void)len, (void)freq;
    (*(unsigned *)ctx)++;
    return 0;
}

static void same_database(const char *path_a, const char *path_b)
{
    kk_db *a = NULL, *b = NULL;
    kk_record_codec *ca = NULL, *cb = NULL;
    assert_int_equal(kk_db_open_read(path_a, &a, NULL), KK_OK);
    assert_int_equal(kk_db_open_read(path_b, &b, NULL), KK_OK);
    /* Compared unpacked: an update of an empty database packs without a dictionary, a first
     * build with the one it trained. */
    assert_int_equal(kk_record_codec_load(a, &ca, NULL), KK_OK);
    assert_int_equal(kk_record_codec_load(b, &cb, NULL), KK_OK);
    kk_record_attach(a, ca);
    kk_record_attach(b, cb);
    unsigned na = 0, nb = 0;
    assert_int_equal(kk_db_doc_count(a, &na, NULL), KK_OK);
    assert_int_equal(kk_db_doc_count(b, &nb, NULL), KK_OK);
    assert_int_equal(na, nb);
    for (unsigned d = 1; d <= na; d++)
        same_document(a, b, d);
    kk_db *both[2] = {a, b};
    assert_int_equal(kk_db_each_term(a, KK_PREFIX_FILE, same_stamp, both, NULL), KK_OK);
    unsigned sa = 0, sb = 0; /* a synonym from the built-in table (indexer/synonyms.tsv) */
    assert_int_equal(kk_db_each_synonym(a, "男女共同参画", count_synonym, &sa, NULL), KK_OK);
    assert_int_equal(kk_db_each_synonym(b, "男女共同参画", count_synonym, &sb, NULL), KK_OK);
    assert_true(sa > 0);
    assert_int_equal(sa, sb);
    kk_db_free(a);
    kk_db_free(b);
    kk_record_codec_free(ca);
    kk_record_codec_free(cb);
}

static size_t dictionary_size(const char *path)
{
    kk_db *db = NULL;
    char *dict = NULL;
    size_t len = 0;
    assert_int_equal(kk_db_open_read(path, &db, NULL), KK_OK);
    assert_int_equal(kk_db_get_metadata(db, KK_META_DICT, &dict, &len, NULL), KK_OK);
    free(dict);
    kk_db_free(db);
    return len;
}

/* ---- tests ----------------------------------------------------------------------------------- */

/* Data-driven: threads and bytes per shard; 1 byte makes one shard per file (46 shards, merged
 * in two levels); 0 is the default (a few shards, one level). */
static void test_parallel_build_equals_update(void **state)
{
    fixture *f = *state;
    static const struct {
        unsigned threads;
        size_t shard_bytes;
    } cases[] = {{3, 1}, {2, 0}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char db[192];
        snprintf(db, sizeof db, "%s/parallel%zu", f->dir, k);
        kk_run_stats stats;
        kk_error err = {0};
        progress_calls = 0;
        if (build(db, f->corpus, cases[k].threads, cases[k].shard_bytes, 0, &stats, &err)
            != KK_OK)
            fail_msg("threads %u, shard bytes %zu: %s", cases[k].threads, cases[k].shard_bytes,
                     err.message);
        assert_int_equal(stats.files_indexed, f->ref_stats.files_indexed);
        assert_int_equal(stats.passages, f->ref_stats.passages);
        assert_int_equal(stats.files_skipped, f->ref_stats.files_skipped);
        assert_int_equal(stats.warnings, f->ref_stats.warnings);
        assert_int_equal(progress_calls, stats.files_seen);
        same_database(db, f->reference);
        /* Every shard packed with the one dictionary the build trained and kept. */
        assert_true(dictionary_size(db) > 0);
        assert_int_equal(dictionary_size(f->reference), 0);
        char scratch[256];
        snprintf(scratch, sizeof scratch, "%s.kk-build", db);
        assert_int_equal(access(scratch, F_OK), -1); /* scratch removed */
        /* The next run is an update that finds everything unchanged. */
        assert_int_equal(build(db, f->corpus, 0, 0, 0, &stats, &err), KK_OK);
        assert_int_equal(stats.files_unchanged, f->ref_stats.files_indexed);
        assert_int_equal(stats.files_indexed, 0);
    }
}

/* A crashed build leaves shards in the scratch folder: the next first build clears them and
 * builds the same index. */
static void test_stale_scratch_is_cleared(void **state)
{
    fixture *f = *state;
    char db[192], scratch[256], junk[320];
    snprintf(db, sizeof db, "%s/after-crash", f->dir);
    snprintf(scratch, sizeof scratch, "%s.kk-build", db);
    snprintf(junk, sizeof junk, "%s/0-0", scratch);
    assert_int_equal(mkdir(scratch, 0755), 0);
    assert_int_equal(mkdir(junk, 0755), 0);
    snprintf(junk, sizeof junk, "%s/0-0/postlist.glass", scratch);
    assert_int_equal(kt_write_file(junk, "not a table", 11), 0);
    kk_run_stats stats;
    kk_error err = {0};
    if (build(db, f->corpus, 2, 100000, 0, &stats, &err) != KK_OK)
        fail_msg("build after a crash: %s", err.message);
    same_database(db, f->reference);
    assert_int_equal(access(scratch, F_OK), -1);
}

/* While another process holds the scratch lock, a builder told not to wait fails with the lock
 * message and leaves no database; told to wait, it builds once the lock is let go. */
static void test_second_builder_waits_or_fails(void **state)
{
    fixture *f = *state;
    char db[192], scratch[256], lock[320];
    snprintf(db, sizeof db, "%s/locked", f->dir);
    snprintf(scratch, sizeof scratch, "%s.kk-build", db);
    snprintf(lock, sizeof lock, "%s/lock", scratch);
    assert_int_equal(mkdir(scratch, 0755), 0);
    int locked[2], release[2];
    assert_int_equal(pipe(locked), 0);
    assert_int_equal(pipe(release), 0);
    pid_t holder = fork();
    assert_true(holder >= 0);
    if (holder == 0) { /* holds the lock until told to let go */
        int fd = open(lock, O_RDWR | O_CREAT, 0644);
        if (fd < 0 || flock(fd, LOCK_EX) != 0)
            _exit(1);
        char c;
        if (write(locked[1], "l", 1) != 1 || read(release[0], &c, 1) != 1)
            _exit(1);
        _exit(0);
    }
    char c;
    assert_int_equal(read(locked[0], &c, 1), 1);
    kk_run_stats stats;
    kk_error err = {0};
    assert_int_equal(build(db, f->corpus, 2, 0, 0, &stats, &err), KK_ELOCKED);
    assert_non_null(strstr(err.message, "locked by another writer"));
    assert_int_equal(access(db, F_OK), -1);
    assert_int_equal(write(release[1], "u", 1), 1); /* let go: the builder below gets the lock */
    if (build(db, f->corpus, 2, 0, 10000, &stats, &err) != KK_OK)
        fail_msg("waiting builder: %s", err.message);
    int status = 0;
    assert_int_equal(waitpid(holder, &status, 0), holder);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int k = 0; k < 2; k++) {
        close(locked[k]);
        close(release[k]);
    }
    same_database(db, f->reference);
}

/* Files that cannot be indexed are skipped and counted as an update counts them. */
static void test_bad_files_are_counted(void **state)
{
    fixture *f = *state;
    char root[192], path[320], db[192], ref[192];
    snprintf(root, sizeof root, "%s/bad", f->dir);
    assert_int_equal(mkdir(root, 0755), 0);
    static const unsigned char binary[] = {0x7f, 'E', 'L', 'F', 0, 0, 1, 0, 0xff, 0xfe, 0, 0};
    snprintf(path, sizeof path, "%s/a.txt", root);
    assert_int_equal(kt_write_file(path, binary, sizeof binary), 0);
    snprintf(path, sizeof path, "%s/b.txt", root);
    static const char good[] = "防災訓練を実施します。\n";
    assert_int_equal(kt_write_file(path, good, sizeof good - 1), 0);
    snprintf(path, sizeof path, "%s/c.pdf", root);
    assert_int_equal(kt_write_file(path, "%PDF", 4), 0);
    snprintf(db, sizeof db, "%s/bad-parallel", f->dir);
    snprintf(ref, sizeof ref, "%s/bad-update", f->dir);
    kk_run_stats par, upd, ignored;
    kk_error err = {0};
    assert_int_equal(build(db, root, 2, 1, 0, &par, &err), KK_OK);
    assert_int_equal(build(ref, f->empty, 1, 0, 0, &ignored, &err), KK_OK);
    assert_int_equal(build(ref, root, 1, 0, 0, &upd, &err), KK_OK);
    assert_int_equal(par.files_indexed, 1);
    assert_int_equal(par.files_indexed, upd.files_indexed);
    assert_int_equal(par.files_skipped, upd.files_skipped);
    assert_int_equal(par.skipped[KK_SKIP_BINARY], upd.skipped[KK_SKIP_BINARY]);
    assert_int_equal(par.skipped[KK_SKIP_UNSUPPORTED], 1);
    same_database(db, ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_build_equals_update),
        cmocka_unit_test(test_stale_scratch_is_cleared),
        cmocka_unit_test(test_second_builder_waits_or_fails),
        cmocka_unit_test(test_bad_files_are_counted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
