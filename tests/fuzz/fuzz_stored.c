/* fuzz_stored.c — libFuzzer harness for a passage's stored data (kk_stored.h): the bytes a reader
 * gets back from disk, which may be damaged, and the fields the indexer joins.
 *
 * The first input byte chooses the path. Even: the rest is stored data; it is split, and on
 * success every field must lie inside it, kk_stored_next_plan must give n_plans names, joining
 * the fields again must give data that splits back to the same fields, and kk_passage_info_parse
 * must agree (same status, same doc and text); on failure there must be a message. Odd: the rest
 * makes a passage (three numbers, then strings cut at 0xFF bytes: doc, title, section, heading,
 * kind, dept, office, city, version, speaker, date, text, then plans); joining must fail exactly
 * when a string holds a NUL, and otherwise the joined data must split back to the passage, every
 * shorter piece of it must be refused, and the data with one byte changed goes through the even
 * path. Violations abort, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_passage.h"
#include "kk_stored.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_stored: %s\n", what);
        abort();
    }
}

/* The strings of kk_stored in the order the odd path fills them. */
#define N_STRINGS 12

static kk_stored_str *strings_of(kk_stored *s, size_t k)
{
    kk_stored_str *all[N_STRINGS] = {&s->doc,  &s->title,  &s->section, &s->heading,
                                     &s->kind, &s->dept,   &s->office,  &s->city,
                                     &s->version, &s->speaker, &s->date, &s->text};
    return all[k];
}

static int same_str(kk_stored_str a, kk_stored_str b)
{
    return (!a.ptr && !b.ptr)
           || (a.ptr && b.ptr && a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int inside(kk_stored_str s, const char *data, size_t len)
{
    return !s.ptr || (s.ptr >= data && s.len <= len && s.ptr - data <= (ptrdiff_t)(len - s.len));
}

/* The plans of a split, each a view into its data; malloc'd array (caller frees). */
static const char **plan_names(const kk_stored *s, size_t *n, size_t *lens)
{
    const char **names = calloc(s->n_plans + 1, sizeof *names);
    check(names != NULL, "out of memory");
    kk_stored_str plan;
    size_t at = 0;
    *n = 0;
    while (kk_stored_next_plan(s, &at, &plan) == 0) {
        check(*n < s->n_plans, "more plans than n_plans");
        names[*n] = plan.ptr;
        lens[*n] = plan.len;
        (*n)++;
    }
    check(*n == s->n_plans, "fewer plans than n_plans");
    return names;
}

static int same_fields(kk_stored *a, kk_stored *b)
{
    for (size_t k = 0; k < N_STRINGS; k++)
        if (!same_str(*strings_of(a, k), *strings_of(b, k)))
            return 0;
    return a->line == b->line && a->lines == b->lines && a->ordinal == b->ordinal
           && a->year == b->year && a->n_plans == b->n_plans;
}

/* The plans of s are names[0..n). */
static int same_plans(const kk_stored *s, char *const *names, size_t n)
{
    kk_stored_str plan;
    size_t at = 0, k = 0;
    for (; kk_stored_next_plan(s, &at, &plan) == 0; k++)
        if (k >= n || !same_str(plan, (kk_stored_str){names[k], strlen(names[k])}))
            return 0;
    return k == n;
}

/* Split fields joined again: the same fields, the same plans. */
static void check_rejoin(kk_stored *s)
{
    size_t *lens = calloc(s->n_plans + 1, sizeof *lens), n = 0;
    check(lens != NULL, "out of memory");
    const char **views = plan_names(s, &n, lens);
    char **names = calloc(n + 1, sizeof *names);
    check(names != NULL, "out of memory");
    for (size_t k = 0; k < n; k++) {
        check((names[k] = strndup(views[k], lens[k])) != NULL, "out of memory");
        check(strlen(names[k]) == lens[k], "a plan holds a NUL");
    }
    char *joined = NULL;
    size_t len = 0;
    kk_stored again;
    check(kk_stored_join(s, (const char *const *)names, n, &joined, &len, NULL) == KK_OK,
          "split fields do not join");
    check(kk_stored_split(joined, len, &again, NULL) == KK_OK && same_fields(s, &again)
              && same_plans(&again, names, n),
          "split fields joined do not split back the same");
    free(joined);
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    free(names);
    free(views);
    free(lens);
}

/* Any bytes, as a reader finds them. */
static void check_split(const char *data, size_t len)
{
    kk_stored s;
    kk_error err = {0};
    kk_status st = kk_stored_split(data, len, &s, &err);
    kk_passage_info p;
    kk_error perr = {0};
    kk_status pst = kk_passage_info_parse(data, len, &p, &perr);
    check(pst == st || pst == KK_ENOMEM, "kk_passage_info_parse and kk_stored_split disagree");
    if (st != KK_OK) {
        check(st == KK_ECORRUPT && err.message[0] && perr.message[0], "a failure without a message");
        return;
    }
    for (size_t k = 0; k < N_STRINGS; k++)
        check(inside(*strings_of(&s, k), data, len), "a field outside the data");
    check(s.doc.ptr && s.text.ptr, "a split without doc or text");
    check(pst != KK_OK || (strlen(p.doc) == s.doc.len && strlen(p.text) == s.text.len
                           && memcmp(p.text, s.text.ptr, s.text.len) == 0
                           && p.n_plans == s.n_plans && p.ordinal == s.ordinal),
          "kk_passage_info_parse reads other fields");
    kk_passage_info_clear(&p);
    check_rejoin(&s);
}

/* A passage made of the input (see the file comment); its strings point into in, its plans are
 * malloc'd C strings (the pieces cut at a NUL) in *plans. Returns whether a string holds a NUL. */
typedef struct made {
    kk_stored f;
    char **plans;
    size_t n_plans;
    int has_nul;
} made;

static void make_passage(const uint8_t *in, size_t size, made *m)
{
    uint32_t num[3] = {0, 0, 0};
    size_t used = size < sizeof num ? size : sizeof num;
    memcpy(num, in, used);
    memset(m, 0, sizeof *m);
    m->f.line = num[0];
    m->f.lines = num[1] & 0xFFFF;
    m->f.ordinal = num[1] >> 16;
    m->f.year = (int)(num[2] & 0x7FFFFFFF);
    check((m->plans = calloc(size + 1, sizeof *m->plans)) != NULL, "out of memory");
    size_t field = 0;
    for (size_t at = used, end; at <= size; at = end + 1) {
        for (end = at; end < size && in[end] != 0xFF; end++)
            ;
        const char *piece = (const char *)in + at;
        if (field < N_STRINGS) {
            *strings_of(&m->f, field++) = (kk_stored_str){piece, end - at};
            m->has_nul |= memchr(piece, '\0', end - at) != NULL;
        } else {
            check((m->plans[m->n_plans++] = strndup(piece, end - at)) != NULL, "out of memory");
        }
    }
    if (!m->f.doc.ptr)
        m->f.doc = (kk_stored_str){"", 0};
    if (!m->f.text.ptr)
        m->f.text = (kk_stored_str){"", 0};
}

/* Data cut short anywhere is refused (a sample of the places, to keep each run short). */
static void check_cuts(const char *joined, size_t len)
{
    for (size_t n = 0; n < len; n += 1 + n / 8) {
        char *cut = malloc(n + 1);
        check(cut != NULL, "out of memory");
        memcpy(cut, joined, n);
        kk_stored s;
        check(kk_stored_split(cut, n, &s, NULL) == KK_ECORRUPT, "data cut short splits");
        free(cut);
    }
}

static void check_join(const uint8_t *in, size_t size)
{
    made m;
    make_passage(in, size, &m);
    char *joined = NULL;
    size_t len = 0;
    kk_status st = kk_stored_join(&m.f, (const char *const *)m.plans, m.n_plans, &joined, &len,
                                  NULL);
    check((st == KK_EINVAL) == m.has_nul && (st == KK_OK || st == KK_EINVAL),
          "join fails other than on a NUL");
    if (st == KK_OK) {
        kk_stored s;
        m.f.n_plans = m.n_plans;
        check(kk_stored_split(joined, len, &s, NULL) == KK_OK && same_fields(&m.f, &s)
              && same_plans(&s, m.plans, m.n_plans),
              "joined fields do not split back");
        check_cuts(joined, len);
        char *changed = malloc(len);
        check(changed != NULL, "out of memory");
        memcpy(changed, joined, len);
        changed[size % len] ^= (char)(in[size - 1] | 1);
        check_split(changed, len);
        free(changed);
    }
    free(joined);
    for (size_t k = 0; k < m.n_plans; k++)
        free(m.plans[k]);
    free(m.plans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] % 2 == 0) {
        /* An exact copy, so that a read past the end is caught. */
        char *copy = malloc(size - 1 ? size - 1 : 1);
        check(copy != NULL, "oom");
        memcpy(copy, data + 1, size - 1);
        check_split(copy, size - 1);
        free(copy);
    } else if (size > 1) {
        check_join(data + 1, size - 1);
    }
    return 0;
}
