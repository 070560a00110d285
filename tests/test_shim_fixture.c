/* test_shim_fixture.c — the fixture shared by the shim's tests (test_shim.c, test_shim_search.c):
 * a fresh database in a temporary folder, a small corpus of Japanese plan snippets to fill it
 * with, and the collector the iteration callbacks write into.
 *
 * Test support only: linked into those two programs, never into a library. Helpers fail the
 * running cmocka test rather than return errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_shim_fixture.h"
#include "test_util.h"

void ks_expect_ok(kk_status s, const kk_error *err, const char *expr)
{
    if (s != KK_OK)
        fail_msg("%s -> %s: %s", expr, kk_status_name(s), err->message);
}

int ks_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "shim"), 0);
    snprintf(f->path, sizeof f->path, "%s/db", f->dir);
    kk_error err = {0};
    OK(kk_db_open_write(f->path, 0, &f->w, &err));
    *state = f;
    return 0;
}

int ks_teardown(void **state)
{
    fixture *f = *state;
    kk_db_free(f->w);
    int rc = kt_remove_tree(f->dir);
    free(f);
    return rc;
}

const snippet ks_corpus[N_CORPUS] = {
    {"d1", {"男女", "平等", "推進", "計画"}, 2005, "横浜"},
    {"d2", {"男女", "の", "平等", NULL}, 2010, "横浜"},
    {"d3", {"環境", "基本", "計画", NULL}, 2020, "川崎"},
    {"d4", {"男女共同", "参画", "計画", NULL}, 2015, "相模原"},
};
void ks_add_prefixed(kk_xdoc *doc, char prefix, const char *word, unsigned wdf)
{
    char term[64];
    snprintf(term, sizeof term, "%c%s", prefix, word);
    kk_error err = {0};
    OK(kk_xdoc_add_term(doc, term, strlen(term), wdf, &err));
}

/* Add s with data as its stored data; returns its docid. */
unsigned ks_add_snippet_data(kk_db *w, const snippet *s, const char *data)
{
    kk_error err = {0};
    kk_xdoc *doc = NULL;
    OK(kk_xdoc_new(&doc, &err));
    for (unsigned i = 0; i < 4 && s->words[i]; i++)
        OK(kk_xdoc_add_term(doc, s->words[i], strlen(s->words[i]), 1, &err));
    ks_add_prefixed(doc, 'Q', s->id, 0);
    ks_add_prefixed(doc, 'B', s->words[0], 1);
    ks_add_prefixed(doc, 'C', s->city, 0);
    OK(kk_xdoc_set_number(doc, SLOT_YEAR, s->year, &err));
    OK(kk_xdoc_set_value(doc, SLOT_CITY, s->city, strlen(s->city), &err));
    OK(kk_xdoc_set_data(doc, data, strlen(data), &err));
    char id_term[16];
    snprintf(id_term, sizeof id_term, "Q%s", s->id);
    unsigned docid = 0;
    OK(kk_db_replace(w, id_term, strlen(id_term), doc, &docid, &err));
    kk_xdoc_free(doc);
    return docid;
}

/* Add s with its id ("d1"...) as stored data. */
unsigned ks_add_snippet(kk_db *w, const snippet *s)
{
    return ks_add_snippet_data(w, s, s->id);
}

void ks_add_corpus(fixture *f)
{
    kk_error err = {0};
    for (size_t i = 0; i < N_CORPUS; i++)
        assert_int_equal(ks_add_snippet(f->w, &ks_corpus[i]), i + 1);
    OK(kk_db_commit(f->w, &err));
}

void ks_append(collect *c, const char *s, size_t len, double n)
{
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "%s%.*s:%g", used ? "," : "", (int)len, s,
             n);
}

int ks_on_term(const char *t, size_t len, unsigned freq, void *ctx)
{
    collect *c = ctx;
    ks_append(c, t, len, freq);
    return ++c->count == c->stop_after;
}
