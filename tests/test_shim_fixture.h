/* test_shim_fixture.h — the fixture shared by the shim's tests (test_shim.c, test_shim_search.c):
 * a fresh database per test, the snippet corpus that fills it, and a collector for callbacks.
 *
 * Test support only: each helper fails the running cmocka test with the error's message rather
 * than returning it. The tests themselves live in the two programs.
 */
#ifndef KK_TEST_SHIM_FIXTURE_H
#define KK_TEST_SHIM_FIXTURE_H

#include <stddef.h>

#include "kk_xapian.h"

enum { SLOT_YEAR = 0, SLOT_CITY = 1 };

typedef struct fixture {
    char dir[64];
    char path[96];
    kk_db *w; /* writable handle on path */
} fixture;

/* Fail the running test with expr, the status and err's message unless s is KK_OK. */
void ks_expect_ok(kk_status s, const kk_error *err, const char *expr);
/* Check expr against the kk_error named err in scope. */
#define OK(expr) ks_expect_ok((expr), &err, #expr)

/* cmocka setup and teardown: a writable database in a fresh temporary folder, removed after. */
int ks_setup(void **state);
int ks_teardown(void **state);

/* One plan snippet: its words as terms (wdf 1 each), an id term "Q<id>", a bigram-style
 * prefixed term "B<first word>", a city filter term "C<city>", the year and city as values. */
typedef struct snippet {
    const char *id;
    const char *words[4];
    double year;
    const char *city;
} snippet;

/* d1..d4; d1 and d2 are 横浜, d3 川崎, d4 相模原. */
enum { N_CORPUS = 4 };
extern const snippet ks_corpus[N_CORPUS];

/* Add the term prefix+word with wdf to doc. */
void ks_add_prefixed(kk_xdoc *doc, char prefix, const char *word, unsigned wdf);
/* Add s with data as its stored data; returns its docid. */
unsigned ks_add_snippet_data(kk_db *w, const snippet *s, const char *data);
/* Add s with its id ("d1"...) as stored data. */
unsigned ks_add_snippet(kk_db *w, const snippet *s);
/* Add the corpus (docids 1..N_CORPUS in order) and commit. */
void ks_add_corpus(fixture *f);

/* Collects callback output as "term:freq" joined by ','. */
typedef struct collect {
    char text[512];
    int stop_after; /* stop after this many items; 0: never */
    int count;
    double last_weight; /* of the previous weighted term, to check the order */
} collect;

/* Append "s:n" to c->text, ',' between items. */
void ks_append(collect *c, const char *s, size_t len, double n);
/* Term callback: appends "term:freq"; stops after c->stop_after items. */
int ks_on_term(const char *t, size_t len, unsigned freq, void *ctx);

#endif
