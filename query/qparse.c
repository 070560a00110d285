/* qparse.c — splits a typed query into clauses (see kk_qparse.h for the syntax).
 *
 * Works on code points so that full-width spaces and quotes separate clauses like ASCII ones.
 * Field values are checked here (years parsed with kk_year_parse) so that a bad filter is
 * reported with its text before any search runs.
 */
#include "kk_qparse.h"

#include <stdlib.h>
#include <string.h>

#include "kk_text.h"
#include "kk_year.h"

static const char *const field_names[KK_FILTER_COUNT] = {
    "year", "kind", "dept", "plan", "city", "doc",
};

const char *kk_filter_name(kk_filter f)
{
    return (unsigned)f < KK_FILTER_COUNT ? field_names[f] : "?";
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000;
}

/* The closing quote for an opening one, or 0 if c opens no phrase. */
static int closing_quote(int c)
{
    switch (c) {
    case '"': return '"';
    case 0x201C: return 0x201D; /* “ ” */
    case 0xFF02: return 0xFF02; /* ＂ */
    default: return 0;
    }
}

typedef struct parser {
    const char *s;
    size_t n, i;
    kk_parsed_query *q;
    size_t cap;
} parser;

static int peek(const parser *p, size_t *next)
{
    *next = p->i;
    return p->i < p->n ? kk_utf8_next(p->s, p->n, next) : 0;
}

static kk_clause *new_clause(parser *p, kk_error *err)
{
    if (p->q->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        kk_clause *c = realloc(p->q->clauses, cap * sizeof *c);
        if (!c) {
            kk_error_set(err, KK_ENOMEM, "out of memory");
            return NULL;
        }
        p->q->clauses = c;
        p->cap = cap;
    }
    kk_clause *c = &p->q->clauses[p->q->n++];
    memset(c, 0, sizeof *c);
    return c;
}

static char *copy_range(const char *s, size_t start, size_t end)
{
    char *t = malloc(end - start + 1);
    if (t) {
        memcpy(t, s + start, end - start);
        t[end - start] = '\0';
    }
    return t;
}

/* Parse "2019", "2012..2019", "令和元年度", "H24～R1" into an inclusive range. */
static kk_status parse_year_range(kk_clause *c, kk_error *err)
{
    static const char *const separators[] = {"..", "\xEF\xBD\x9E" /* ～ */, "\xE3\x80\x9C" /* 〜 */};
    const char *v = c->text;
    for (size_t k = 0; k < sizeof separators / sizeof separators[0]; k++) {
        const char *sep = strstr(v, separators[k]);
        if (!sep)
            continue;
        const char *rhs = sep + strlen(separators[k]);
        c->year_lo = sep == v ? 0 : kk_year_parse(v, (size_t)(sep - v));
        c->year_hi = *rhs ? kk_year_parse(rhs, strlen(rhs)) : 9999;
        if ((sep != v && !c->year_lo) || !c->year_hi || (c->year_lo > c->year_hi))
            return kk_error_set(err, KK_EPARSE, "year:%s is not a year range (try year:2012..2019)",
                                v);
        return KK_OK;
    }
    c->year_lo = c->year_hi = kk_year_parse(v, strlen(v));
    if (!c->year_lo)
        return kk_error_set(err, KK_EPARSE,
                            "year:%s is not a year (try year:2019, year:令和元年度 or year:H24)", v);
    return KK_OK;
}

static kk_status unknown_field(const char *name, size_t len, kk_error *err)
{
    return kk_error_set(err, KK_EPARSE,
                        "unknown field '%.*s:' (known fields: year, kind, dept, plan, city, doc)",
                        (int)len, name);
}

/* If token [start, end) is field:value, fill c and return 1; 0 if it is no field; -1 on error. */
static int parse_field(parser *p, size_t start, size_t end, kk_clause *c, kk_error *err)
{
    size_t k = start;
    while (k < end && ((p->s[k] >= 'a' && p->s[k] <= 'z') || (p->s[k] >= 'A' && p->s[k] <= 'Z')))
        k++;
    size_t colon = 0;
    if (k > start && k < end && p->s[k] == ':')
        colon = 1;
    else if (k > start && end - k >= 3 && memcmp(p->s + k, "\xEF\xBC\x9A", 3) == 0) /* ： */
        colon = 3;
    if (!colon)
        return 0;
    for (int f = 0; f < KK_FILTER_COUNT; f++) {
        if (strlen(field_names[f]) == k - start
            && strncmp(field_names[f], p->s + start, k - start) == 0) {
            c->kind = KK_CLAUSE_FIELD;
            c->field = (kk_filter)f;
            c->text = copy_range(p->s, k + colon, end);
            if (!c->text)
                return kk_error_set(err, KK_ENOMEM, "out of memory"), -1;
            if (!*c->text)
                return kk_error_set(err, KK_EPARSE, "%s: needs a value", field_names[f]), -1;
            if (c->field == KK_FILTER_YEAR && parse_year_range(c, err) != KK_OK)
                return -1;
            return 1;
        }
    }
    /* Only a lowercase ASCII name reads as a field; "NPO:" or "Q:" is text. */
    for (size_t j = start; j < k; j++)
        if (p->s[j] < 'a' || p->s[j] > 'z')
            return 0;
    unknown_field(p->s + start, k - start, err);
    return -1;
}

static kk_status parse_phrase(parser *p, int close, kk_clause *c, kk_error *err)
{
    size_t start = p->i, next;
    int ch;
    while ((ch = peek(p, &next)) != 0 && ch != close)
        p->i = next;
    c->kind = KK_CLAUSE_PHRASE;
    c->text = copy_range(p->s, start, p->i);
    if (ch)
        p->i = next; /* past the closing quote */
    return c->text ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
}

static kk_status parse_word(parser *p, kk_clause *c, kk_error *err)
{
    size_t start = p->i, next;
    int ch;
    while ((ch = peek(p, &next)) != 0 && !is_space(ch))
        p->i = next;
    int field = parse_field(p, start, p->i, c, err);
    if (field < 0)
        return err ? err->code : KK_EPARSE;
    if (field > 0)
        return KK_OK;
    c->kind = KK_CLAUSE_TEXT;
    c->text = copy_range(p->s, start, p->i);
    return c->text ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
}

static int at_or_keyword(const parser *p)
{
    if (p->n - p->i < 2 || memcmp(p->s + p->i, "OR", 2) != 0)
        return 0;
    size_t after = p->i + 2, next = after;
    return after == p->n || is_space(kk_utf8_next(p->s, p->n, &next));
}

static kk_status parse_clause(parser *p, kk_error *err)
{
    int negated = 0;
    size_t next;
    if (peek(p, &next) == '-' && next < p->n) {
        size_t after = next;
        if (!is_space(kk_utf8_next(p->s, p->n, &after))) {
            negated = 1;
            p->i = next;
        }
    }
    kk_clause *c = new_clause(p, err);
    if (!c)
        return KK_ENOMEM;
    c->negated = negated;
    int ch = peek(p, &next);
    int close = closing_quote(ch);
    if (close) {
        p->i = next;
        return parse_phrase(p, close, c, err);
    }
    return parse_word(p, c, err);
}

static kk_status parse_all(parser *p, kk_error *err)
{
    size_t next;
    int ch;
    while ((ch = peek(p, &next)) != 0) {
        if (is_space(ch)) {
            p->i = next;
            continue;
        }
        if (at_or_keyword(p)) {
            p->i += 2;
            if (p->q->n > 0)
                p->q->clauses[p->q->n - 1].or_next = 1;
            continue;
        }
        kk_status st = parse_clause(p, err);
        if (st != KK_OK)
            return st;
    }
    if (p->q->n > 0)
        p->q->clauses[p->q->n - 1].or_next = 0; /* a trailing OR joins nothing */
    return KK_OK;
}

kk_status kk_query_parse(const char *query, kk_parsed_query **out, kk_error *err)
{
    *out = NULL;
    size_t n = strlen(query);
    if (n > KK_QUERY_MAX_BYTES)
        return kk_error_set(err, KK_EINVAL, "query is %zu bytes long; the limit is %d", n,
                            KK_QUERY_MAX_BYTES);
    if (!kk_utf8_valid(query, n))
        return kk_error_set(err, KK_EINVAL, "query is not valid UTF-8");
    kk_parsed_query *q = calloc(1, sizeof *q);
    if (!q)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    parser p = {query, n, 0, q, 0};
    kk_status st = parse_all(&p, err);
    if (st != KK_OK) {
        kk_parsed_query_free(q);
        return st;
    }
    *out = q;
    return KK_OK;
}

void kk_parsed_query_free(kk_parsed_query *q)
{
    if (!q)
        return;
    for (size_t k = 0; k < q->n; k++)
        free(q->clauses[k].text);
    free(q->clauses);
    free(q);
}
