/* passage.c — one passage read back with its neighbours and a citation (see kk_passage.h).
 *
 * Owns finding a passage by document and line or by id, and its neighbours by ordinal, through
 * the document term (KK_PREFIX_DOC) and the line and ordinal value slots, sorted by Xapian; and
 * turning stored passage data into kk_passage_info. It neither ranks nor highlights (search.c)
 * nor prints (cmd_show.c).
 */
#include "kk_passage.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"
#include "kk_stored.h"
#include "query_internal.h"

/* ---- stored data to kk_passage_info --------------------------------------------------------- */

void kk_passage_info_clear(kk_passage_info *p)
{
    char *fields[] = {p->id,   p->doc,     p->title,   p->section, p->heading, p->kind,
                      p->dept, p->city,    p->version, p->speaker, p->date,    p->office,
                      p->text};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        free(fields[k]);
    for (size_t k = 0; k < p->n_plans; k++)
        free(p->plans[k]);
    free(p->plans);
    memset(p, 0, sizeof *p);
}

static kk_status info_from_data(kk_passage_info *p, const char *data, size_t len, kk_error *err);

kk_status kk_passage_info_parse(const char *data, size_t len, kk_passage_info *p, kk_error *err)
{
    memset(p, 0, sizeof *p);
    kk_status st = info_from_data(p, data, len, err);
    if (st != KK_OK)
        kk_passage_info_clear(p);
    return st;
}

static kk_status info_from_data(kk_passage_info *p, const char *data, size_t len, kk_error *err)
{
    kk_stored f;
    kk_status st = kk_stored_split(data, len, &f, err);
    if (st != KK_OK)
        return st;
    int oom = 0;
    p->doc = kk_stored_dup(f.doc, &oom);
    p->title = kk_stored_dup(f.title, &oom);
    p->section = kk_stored_dup(f.section, &oom);
    p->heading = kk_stored_dup(f.heading, &oom);
    p->kind = kk_stored_dup(f.kind, &oom);
    p->dept = kk_stored_dup(f.dept, &oom);
    p->office = kk_stored_dup(f.office, &oom);
    p->city = kk_stored_dup(f.city, &oom);
    p->version = kk_stored_dup(f.version, &oom);
    p->speaker = kk_stored_dup(f.speaker, &oom);
    p->date = kk_stored_dup(f.date, &oom);
    p->text = kk_stored_dup(f.text, &oom);
    p->line = f.line;
    p->lines = f.lines;
    p->ordinal = f.ordinal;
    p->year = f.year;
    if (oom || !(p->id = kk_stored_id(f.doc, f.ordinal)))
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    return kk_stored_plans(&f, &p->plans, &p->n_plans, err);
}

/* ---- queries over one document ------------------------------------------------------------ */

typedef struct doc_search {
    unsigned range_slot; /* passages whose value here lies in [lo, hi] */
    double lo, hi;
    unsigned sort_slot;  /* sorted by this value */
    int descending;
    unsigned max;
} doc_search;

static kk_status search_doc(kk_searcher *s, const char *doc, const doc_search *ds,
                            kk_xresults **out, kk_error *err)
{
    size_t n = strlen(KK_PREFIX_DOC) + strlen(doc) + 1;
    char *term = malloc(n);
    if (!term)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    snprintf(term, n, "%s%s", KK_PREFIX_DOC, doc);
    kk_xquery *subs[2] = {NULL, NULL}, *q = NULL;
    kk_status st = kk_xquery_term(term, strlen(term), 1, &subs[0], err);
    if (st == KK_OK)
        st = kk_xquery_number_range(ds->range_slot, ds->lo, ds->hi, &subs[1], err);
    if (st == KK_OK)
        st = kk_xquery_combine(KK_QOP_FILTER, subs, 2, 0, &q, err);
    kk_search_opts o;
    kk_ranked_opts_init(&o);
    o.max = ds->max;
    o.sort_slot = (int)ds->sort_slot;
    o.sort_descending = ds->descending;
    if (st == KK_OK)
        st = kk_db_search(s->db, q, &o, out, err);
    kk_xquery_free(q);
    kk_xquery_free(subs[0]);
    kk_xquery_free(subs[1]);
    free(term);
    return st;
}

/* The first passage a search finds; *found 0 when there is none. */
static kk_status first_passage(kk_searcher *s, const char *doc, const doc_search *ds,
                               kk_passage_info *p, int *found, kk_error *err)
{
    kk_xresults *r = NULL;
    kk_status st = search_doc(s, doc, ds, &r, err);
    *found = st == KK_OK && kk_xresults_size(r) > 0;
    kk_xhit x;
    if (*found)
        st = kk_xresults_hit(r, 0, &x, err);
    if (*found && st == KK_OK)
        st = kk_passage_info_parse(x.data, x.data_len, p, err);
    kk_xresults_free(r);
    return st;
}

/* The ordinal of the passage holding `line` in doc (see kk_passage_at_line). */
static kk_status ordinal_at_line(kk_searcher *s, const char *doc, unsigned line,
                                 unsigned *ordinal, kk_error *err)
{
    *ordinal = 0;
    if (line == 0)
        return KK_OK;
    kk_passage_info p = {0};
    int found = 0;
    doc_search last_start = {KK_SLOT_LINE, 0, line, KK_SLOT_LINE, 1, 1};
    kk_status st = first_passage(s, doc, &last_start, &p, &found, err);
    unsigned start = p.line;
    kk_passage_info_clear(&p);
    if (st != KK_OK || !found)
        return st;
    /* Several passages may start on that line (table columns, markup paragraphs): the first. */
    doc_search first_there = {KK_SLOT_LINE, start, start, KK_SLOT_ORDINAL, 0, 1};
    st = first_passage(s, doc, &first_there, &p, &found, err);
    *ordinal = p.ordinal;
    kk_passage_info_clear(&p);
    return st;
}

/* ---- finding the document ----------------------------------------------------------------- */

typedef struct suffix_ctx {
    const char *doc;
    size_t doc_len, prefix_len;
    char *match;   /* the first document ending in "/doc" */
    size_t count;
} suffix_ctx;

static int match_suffix(const char *term, size_t len, unsigned freq, void *vctx)
{
    (void)freq;
    suffix_ctx *c = vctx;
    size_t n = len - c->prefix_len;
    const char *path = term + c->prefix_len;
    if (n <= c->doc_len || path[n - c->doc_len - 1] != '/' ||
        memcmp(path + n - c->doc_len, c->doc, c->doc_len) != 0)
        return 0;
    if (c->count++ == 0 && (c->match = malloc(n + 1)) != NULL) {
        memcpy(c->match, path, n);
        c->match[n] = '\0';
    }
    return 0;
}

/* The indexed path of doc: itself, or the only indexed path ending in "/doc". *out is malloc'd. */
static kk_status resolve_doc(kk_searcher *s, const char *doc, char **out, kk_error *err)
{
    *out = NULL;
    size_t n = strlen(KK_PREFIX_DOC) + strlen(doc) + 1;
    char *term = malloc(n);
    if (!term)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    snprintf(term, n, "%s%s", KK_PREFIX_DOC, doc);
    unsigned freq = 0;
    kk_status st = kk_db_term_freq(s->db, term, strlen(term), &freq, err);
    free(term);
    if (st != KK_OK)
        return st;
    if (freq > 0)
        return (*out = strdup(doc)) ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    suffix_ctx c = {doc, strlen(doc), strlen(KK_PREFIX_DOC), NULL, 0};
    st = kk_db_each_term(s->db, KK_PREFIX_DOC, match_suffix, &c, err);
    if (st == KK_OK && c.count == 0)
        st = kk_error_set(err, KK_ENOTFOUND, "no document '%s' in the index", doc);
    else if (st == KK_OK && c.count > 1)
        st = kk_error_set(err, KK_EINVAL, "'%s' names %zu documents (one is '%s'); give more of "
                          "its path", doc, c.count, c.match ? c.match : "?");
    if (st != KK_OK) {
        free(c.match);
        return st;
    }
    *out = c.match;
    return c.match ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
}

/* ---- the context ---------------------------------------------------------------------------- */

/* Append p (moved: the list owns its strings now). */
static kk_status push_info(kk_passage_info **list, size_t *n, kk_passage_info *p, kk_error *err)
{
    kk_passage_info *grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    *list = grown;
    grown[(*n)++] = *p;
    memset(p, 0, sizeof *p);
    return KK_OK;
}

/* Fill c with the passage `ordinal` of doc and its neighbours. */
static kk_status gather(kk_searcher *s, const char *doc, unsigned ordinal, unsigned radius,
                        kk_passage_context *c, kk_error *err)
{
    double lo = ordinal > radius ? ordinal - radius : 0;
    doc_search around = {KK_SLOT_ORDINAL, lo, (double)ordinal + radius, KK_SLOT_ORDINAL, 0,
                         2 * radius + 1};
    kk_xresults *r = NULL;
    kk_status st = search_doc(s, doc, &around, &r, err);
    int found = 0;
    for (size_t k = 0; st == KK_OK && k < kk_xresults_size(r); k++) {
        kk_xhit x;
        kk_passage_info p = {0};
        st = kk_xresults_hit(r, k, &x, err);
        if (st == KK_OK)
            st = kk_passage_info_parse(x.data, x.data_len, &p, err);
        if (st == KK_OK && p.ordinal == ordinal && !found) {
            c->passage = p;
            found = 1;
            continue;
        }
        if (st == KK_OK)
            st = push_info(p.ordinal < ordinal ? &c->before : &c->after,
                           p.ordinal < ordinal ? &c->n_before : &c->n_after, &p, err);
        kk_passage_info_clear(&p);
    }
    kk_xresults_free(r);
    if (st == KK_OK && !found)
        st = kk_error_set(err, KK_ENOTFOUND, "no passage %s:%u in the index", doc, ordinal);
    if (st == KK_OK && !(c->citation = kk_passage_citation(&c->passage)))
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    return st;
}

static kk_status context_for(kk_searcher *s, const char *doc, int by_line, unsigned number,
                             unsigned radius, kk_passage_context **out, kk_error *err)
{
    *out = NULL;
    if (!s || !doc)
        return kk_error_set(err, KK_EINVAL, "kk_passage: searcher and document are required");
    if (radius > KK_PASSAGE_MAX_RADIUS)
        return kk_error_set(err, KK_EINVAL, "context of %u passages is over %d", radius,
                            KK_PASSAGE_MAX_RADIUS);
    char *path = NULL;
    kk_status st = resolve_doc(s, doc, &path, err);
    unsigned ordinal = number;
    if (st == KK_OK && by_line)
        st = ordinal_at_line(s, path, number, &ordinal, err);
    kk_passage_context *c = NULL;
    if (st == KK_OK && !(c = calloc(1, sizeof *c)))
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK)
        st = gather(s, path, ordinal, radius, c, err);
    free(path);
    if (st != KK_OK) {
        kk_passage_context_free(c);
        return st;
    }
    *out = c;
    return KK_OK;
}

kk_status kk_passage_at_line(kk_searcher *s, const char *doc, unsigned line, unsigned radius,
                             kk_passage_context **out, kk_error *err)
{
    return context_for(s, doc, 1, line, radius, out, err);
}

kk_status kk_passage_by_id(kk_searcher *s, const char *id, unsigned radius,
                           kk_passage_context **out, kk_error *err)
{
    *out = NULL;
    size_t doc_len = 0;
    unsigned ordinal = 0;
    if (!id || kk_passage_split_ref(id, &doc_len, &ordinal) != 0 || doc_len == 0)
        return kk_error_set(err, KK_EINVAL, "passage id '%s' is not DOC:NUMBER", id ? id : "");
    char *doc = strndup(id, doc_len);
    if (!doc)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = context_for(s, doc, 0, ordinal, radius, out, err);
    free(doc);
    return st;
}

void kk_passage_context_free(kk_passage_context *c)
{
    if (!c)
        return;
    kk_passage_info_clear(&c->passage);
    for (size_t k = 0; k < c->n_before; k++)
        kk_passage_info_clear(&c->before[k]);
    for (size_t k = 0; k < c->n_after; k++)
        kk_passage_info_clear(&c->after[k]);
    free(c->before);
    free(c->after);
    free(c->citation);
    free(c);
}

int kk_passage_split_ref(const char *text, size_t *doc_len, unsigned *number)
{
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (!colon || !colon[1])
        return -1;
    unsigned long long v = 0;
    for (const char *p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned)(*p - '0');
        if (v > UINT_MAX)
            return -1;
    }
    *doc_len = (size_t)(colon - text);
    *number = (unsigned)v;
    return 0;
}

/* ---- citation ----------------------------------------------------------------------------- */

char *kk_passage_citation(const kk_passage_info *p)
{
    kk_buf b = {0};
    kk_status st = kk_buf_printf(&b, "出典: %s", p->doc ? p->doc : "?");
    if (st == KK_OK && p->title)
        st = kk_buf_printf(&b, "『%s』", p->title);
    if (st == KK_OK && p->section)
        st = kk_buf_printf(&b, " %s", p->section);
    if (st == KK_OK && p->version)
        st = kk_buf_printf(&b, " [%s]", p->version);
    if (st == KK_OK && p->speaker)
        st = kk_buf_printf(&b, " %s", p->speaker);
    if (st == KK_OK && p->year)
        st = kk_buf_printf(&b, " (%d年度)", p->year);
    if (st == KK_OK && p->lines > 1)
        st = kk_buf_printf(&b, " %u–%u行", p->line, p->line + p->lines - 1);
    else if (st == KK_OK)
        st = kk_buf_printf(&b, " %u行", p->line);
    if (st != KK_OK) {
        kk_buf_free(&b);
        return NULL;
    }
    return kk_buf_take(&b, NULL);
}
