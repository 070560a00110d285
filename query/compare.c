/* compare.c — from a target to its versions, ordered, and consecutive versions aligned (see
 * kk_compare.h).
 *
 * Sections, in order: reading the target (plan, table section, department or query), fetching its
 * passages, grouping them into versions (a plan by the version word after its title — 策定,
 * 第1次改定 —, a table by its columns, a department by fiscal year, a query by document), ordering
 * the versions, and the entry points. Alignment and diffs are compare_align.c's, JSON is
 * compare_json.c's.
 */
#include "compare_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

/* A query target is compared over its most relevant matching passages: enough for every
 * passage of several versions of a plan (a version of a plan in corpus/mitaka has 8–90
 * passages), few enough that aligning two versions (a similarity for each pair) stays instant. */
#define KK_COMPARE_QUERY_PASSAGES 500

/* A plan, department or table section has at most this many passages over all its versions;
 * beyond it the target is too broad to be one text (e.g. plan:計画 matches every plan). */
#define KK_COMPARE_MAX_PASSAGES 5000

#define KIND_GOALS "運営方針と目標"
#define SECTION_SEP " \xE2\x80\xBA " /* " › " */

/* ---- the target ------------------------------------------------------------------------------- */

typedef struct target {
    kk_compare_kind kind;
    char *value;  /* the plan, department, section number or query as given */
    char *norm;   /* its normalized form (kk_normalize) */
    int prefix;   /* plan or department matched as a prefix of the indexed names */
} target;

static char *normalize(kk_searcher *s, const char *text)
{
    char *out = NULL;
    size_t n = 0;
    return kk_normalize(s->analyzer, text, strlen(text), &out, &n, NULL) == KK_OK ? out : NULL;
}

/* Length of a section number (6-4-1) at the start of norm, 0 when there is none. */
static size_t section_number_len(const char *norm)
{
    size_t k = 0, groups = 0;
    while (isdigit((unsigned char)norm[k])) {
        while (isdigit((unsigned char)norm[k]))
            k++;
        groups++;
        if (norm[k] != '-' || !isdigit((unsigned char)norm[k + 1]))
            break;
        k++;
    }
    return groups >= 2 && (norm[k] == '\0' || norm[k] == ' ') ? k : 0;
}

static unsigned term_freq(kk_searcher *s, const char *prefix, const char *value)
{
    char term[512];
    int n = snprintf(term, sizeof term, "%s%s", prefix, value);
    unsigned freq = 0;
    if (n > 0 && (size_t)n < sizeof term)
        kk_db_term_freq(s->db, term, (size_t)n, &freq, NULL);
    return freq;
}

static int found_term(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)term, (void)len, (void)freq;
    *(int *)ctx = 1;
    return 1;
}

/* 1 if some indexed name with this prefix starts with norm. */
static int any_term(kk_searcher *s, const char *prefix, const char *norm)
{
    char term[512];
    int found = 0;
    if ((size_t)snprintf(term, sizeof term, "%s%s", prefix, norm) < sizeof term)
        kk_db_each_term(s->db, term, found_term, &found, NULL);
    return found;
}

static const char *after_field(const char *t, const char *field)
{
    size_t n = strlen(field);
    return strncmp(t, field, n) == 0 ? t + n : NULL;
}

/* Decide what the target names. Plan and department names are looked up in the index (XP, XD
 * terms); a plan may be followed by a version word (地域情報化プラン2022 第1次改定); anything
 * else is a query. */
static kk_status read_target(kk_searcher *s, const char *text, target *t, kk_error *err)
{
    const char *v;
    memset(t, 0, sizeof *t);
    t->kind = KK_COMPARE_QUERY;
    if ((v = after_field(text, "plan:")) != NULL)
        t->kind = KK_COMPARE_PLAN;
    else if ((v = after_field(text, "dept:")) != NULL)
        t->kind = KK_COMPARE_DEPT;
    else if ((v = after_field(text, "section:")) != NULL)
        t->kind = KK_COMPARE_SECTION;
    else
        v = text;
    t->value = strdup(v);
    t->norm = t->value ? normalize(s, v) : NULL;
    if (!t->value || !t->norm)
        return kk_error_set(err, KK_ENOMEM, "out of memory reading the target");
    if (t->kind != KK_COMPARE_QUERY && !t->norm[0])
        return kk_error_set(err, KK_EPARSE, "compare: '%s' names nothing", text);
    size_t sn = section_number_len(t->norm);
    if ((t->kind == KK_COMPARE_QUERY || t->kind == KK_COMPARE_SECTION) && sn) {
        t->kind = KK_COMPARE_SECTION;
        t->norm[sn] = '\0';
    } else if (t->kind == KK_COMPARE_QUERY && !strpbrk(t->norm, ":\"")) {
        char *space = strchr(t->norm, ' ');
        if (space) /* a plan named with its version (… 第1次改定): every version is shown */
            *space = '\0';
        if (term_freq(s, KK_PREFIX_PLAN, t->norm)
            || (!space && any_term(s, KK_PREFIX_PLAN, t->norm)))
            t->kind = KK_COMPARE_PLAN;
        else if (!space && term_freq(s, KK_PREFIX_DEPT, t->norm))
            t->kind = KK_COMPARE_DEPT;
        else if (space)
            *space = ' ';
    }
    if (t->kind == KK_COMPARE_PLAN)
        t->prefix = !term_freq(s, KK_PREFIX_PLAN, t->norm);
    if (t->kind == KK_COMPARE_DEPT)
        t->prefix = !term_freq(s, KK_PREFIX_DEPT, t->norm);
    return KK_OK;
}

static void target_clear(target *t)
{
    free(t->value);
    free(t->norm);
}

/* ---- fetching passages --------------------------------------------------------------------- */

static kk_status name_query(const char *prefix, const char *norm, int wildcard, kk_xquery **q,
                            kk_error *err)
{
    char term[512];
    int n = snprintf(term, sizeof term, "%s%s", prefix, norm);
    if (n < 0 || (size_t)n >= sizeof term)
        return kk_error_set(err, KK_EINVAL, "compare: name too long: %s", norm);
    return wildcard ? kk_xquery_wildcard(term, (size_t)n, q, err)
                    : kk_xquery_term(term, (size_t)n, 1, q, err);
}

/* The most relevant passages of a query target. */
static kk_status fetch_query(kk_searcher *s, const char *query, cmp_set *set, kk_error *err)
{
    kk_parsed_query *pq = NULL;
    kk_built_query b = {0};
    kk_xresults *res = NULL;
    kk_status st = kk_query_parse(query, &pq, err);
    if (st == KK_OK)
        st = kk_query_build(s, pq, &b, err);
    kk_search_opts o;
    kk_ranked_opts_init(&o);
    o.max = KK_COMPARE_QUERY_PASSAGES;
    if (!kk_phrase_check_empty(&b.phrases)) {
        o.accept = kk_phrase_accept;
        o.accept_ctx = &b.phrases;
    }
    if (st == KK_OK)
        st = kk_db_search(s->db, b.strict, &o, &res, err);
    size_t n = st == KK_OK ? kk_xresults_size(res) : 0;
    if (st == KK_OK && (set->p = calloc(n + 1, sizeof *set->p)) == NULL)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        kk_xhit hit;
        st = kk_xresults_hit(res, k, &hit, err);
        if (st == KK_OK)
            st = kk_passage_info_parse(hit.data, hit.data_len, &set->p[set->n], err);
        set->n += st == KK_OK;
    }
    set->cap = n + 1;
    kk_xresults_free(res);
    kk_built_query_free(&b);
    kk_parsed_query_free(pq);
    return st;
}

static kk_status fetch(kk_searcher *s, const target *t, cmp_set *set, kk_error *err)
{
    if (t->kind == KK_COMPARE_QUERY)
        return fetch_query(s, t->value, set, err);
    kk_xquery *q = NULL;
    kk_status st;
    if (t->kind == KK_COMPARE_SECTION) /* every passage of a comparison column */
        st = kk_xquery_wildcard(KK_PREFIX_VERSION, strlen(KK_PREFIX_VERSION), &q, err);
    else
        st = name_query(t->kind == KK_COMPARE_PLAN ? KK_PREFIX_PLAN : KK_PREFIX_DEPT, t->norm,
                        t->prefix, &q, err);
    if (st == KK_OK)
        st = kk_match_collect(s, q, KK_COMPARE_MAX_PASSAGES + 1, set, err);
    kk_xquery_free(q);
    if (st == KK_OK && set->n > KK_COMPARE_MAX_PASSAGES)
        st = kk_error_set(err, KK_EINVAL, "compare: '%s' matches more than %d passages; name "
                          "one plan, section or department", t->value, KK_COMPARE_MAX_PASSAGES);
    return st;
}

/* ---- grouping into versions --------------------------------------------------------------- */

typedef struct group {
    char *doc;          /* borrowed from a passage */
    char *label, *title; /* owned; title may be NULL */
    int year, rank;
    double order_year;
    cmp_passage **p;
    size_t n;
} group;

typedef struct grouping {
    kk_searcher *s;
    const target *t;
    group *g;
    size_t n;
    kk_error *err;
} grouping;

/* How far along a version label is: 策定, 現行 and 旧 are first (0), 第N次改定 is N, any other
 * revision, draft or new column (改定, 素案, 後期, 新) 1. */
static int version_rank(const char *label)
{
    const char *at = label ? strstr(label, "第") : NULL;
    if (at && strstr(at, "次改定"))
        return atoi(at + strlen("第")) > 0 ? atoi(at + strlen("第")) : 1;
    if (!label || strstr(label, "策定") || strstr(label, "現行") || strstr(label, "旧"))
        return 0;
    static const char *const later[] = {"改定", "改訂", "素案", "後期", "新", "案"};
    for (size_t k = 0; k < sizeof later / sizeof later[0]; k++)
        if (strstr(label, later[k]))
            return 1;
    return 0;
}

static kk_status add_to_group(grouping *gr, cmp_passage *p, const char *label, const char *title)
{
    group *g = NULL;
    for (size_t k = 0; k < gr->n && !g; k++)
        if (strcmp(gr->g[k].doc, p->doc) == 0 && strcmp(gr->g[k].label, label) == 0)
            g = &gr->g[k];
    if (!g) {
        group *more = realloc(gr->g, (gr->n + 1) * sizeof *more);
        if (!more)
            return kk_error_set(gr->err, KK_ENOMEM, "out of memory");
        gr->g = more;
        g = &gr->g[gr->n++];
        memset(g, 0, sizeof *g);
        g->doc = p->doc;
        if (!title)
            title = p->title;
        g->title = title ? strdup(title) : NULL;
        g->year = p->year;
        g->rank = version_rank(label);
        if ((g->label = strdup(label)) == NULL || (title && !g->title))
            return kk_error_set(gr->err, KK_ENOMEM, "out of memory");
    }
    cmp_passage **more = realloc(g->p, (g->n + 1) * sizeof *more);
    if (!more)
        return kk_error_set(gr->err, KK_ENOMEM, "out of memory");
    g->p = more;
    g->p[g->n++] = p;
    if (!g->year)
        g->year = p->year;
    return KK_OK;
}

/* The version word after a plan's name in one of p's section levels (策定, 第1次改定), copied
 * into label (empty when none); *level_title points into p->section at the start of that
 * level, or is NULL. */
static void plan_label(grouping *gr, const cmp_passage *p, char *label, size_t size,
                       const char **level_title)
{
    label[0] = '\0';
    *level_title = NULL;
    const char *at = p->section ? p->section : "";
    while (*at && !label[0]) {
        const char *sep = strstr(at, SECTION_SEP);
        size_t len = sep ? (size_t)(sep - at) : strlen(at);
        char *level = strndup(at, len), *norm = level ? normalize(gr->s, level) : NULL;
        const char *name = norm ? strstr(norm, gr->t->norm) : NULL;
        if (name) {
            name += strlen(gr->t->norm);
            if (gr->t->prefix) /* the rest of a longer name: 地域情報化プラン → 2022 */
                name += strcspn(name, " ");
            name += strspn(name, " ");
            snprintf(label, size, "%s", name);
            *level_title = at;
        }
        free(level);
        free(norm);
        at = sep ? sep + strlen(SECTION_SEP) : at + len;
    }
}

/* A plan: each document's passages by version word; passages without one join the document's
 * only labelled version, or else form a version named by their fiscal year. */
static kk_status group_plan(grouping *gr, cmp_set *set)
{
    char **labels = calloc(set->n + 1, sizeof *labels);
    char **titles = calloc(set->n + 1, sizeof *titles);
    kk_status st = labels && titles ? KK_OK : kk_error_set(gr->err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; st == KK_OK && k < set->n; k++) {
        char label[128];
        const char *title = NULL;
        plan_label(gr, &set->p[k], label, sizeof label, &title);
        labels[k] = label[0] ? strdup(label) : NULL;
        const char *end = title ? strstr(title, SECTION_SEP) : NULL;
        titles[k] = title ? (end ? strndup(title, (size_t)(end - title)) : strdup(title)) : NULL;
        if ((label[0] && !labels[k]) || (title && !titles[k]))
            st = kk_error_set(gr->err, KK_ENOMEM, "out of memory");
    }
    for (size_t k = 0; st == KK_OK && k < set->n; k++) {
        const char *label = labels[k], *title = titles[k];
        for (size_t j = 0; !label && j < set->n; j++) /* the document's labelled version */
            if (labels[j] && strcmp(set->p[j].doc, set->p[k].doc) == 0)
                label = labels[j], title = titles[j];
        char year[32];
        snprintf(year, sizeof year, "%d年度", set->p[k].year);
        st = add_to_group(gr, &set->p[k], label ? label : set->p[k].year ? year : "", title);
    }
    for (size_t k = 0; k < set->n && labels && titles; k++)
        free(labels[k]), free(titles[k]);
    free(labels);
    free(titles);
    return st;
}

static int in_section(grouping *gr, const cmp_passage *p)
{
    if (!p->section || !p->version)
        return 0;
    char *norm = normalize(gr->s, p->section);
    size_t n = strlen(gr->t->norm);
    int in = norm && strncmp(norm, gr->t->norm, n) == 0
             && (norm[n] == '\0' || norm[n] == ' ');
    free(norm);
    return in;
}

static int is_goals(grouping *gr, const cmp_passage *p)
{
    char *norm = p->kind ? normalize(gr->s, p->kind) : NULL;
    int goals = norm && strcmp(norm, KIND_GOALS) == 0;
    free(norm);
    return goals;
}

/* Table section, department and query targets: by column, fiscal year or document. */
static kk_status group_other(grouping *gr, cmp_set *set)
{
    int any_goals = 0;
    for (size_t k = 0; gr->t->kind == KK_COMPARE_DEPT && k < set->n; k++)
        any_goals |= is_goals(gr, &set->p[k]);
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < set->n; k++) {
        cmp_passage *p = &set->p[k];
        char year[32];
        snprintf(year, sizeof year, "%d年度", p->year);
        if (gr->t->kind == KK_COMPARE_SECTION && !in_section(gr, p))
            continue;
        if (gr->t->kind == KK_COMPARE_DEPT && any_goals && !is_goals(gr, p))
            continue;
        const char *label = gr->t->kind == KK_COMPARE_DEPT ? (p->year ? year : "")
                            : p->version ? p->version : p->year ? year : "";
        st = add_to_group(gr, p, label, NULL);
    }
    return st;
}

/* ---- ordering ------------------------------------------------------------------------------ */

/* A version without a fiscal year is placed last; a plan's version is placed by its rank among
 * the plan's versions with one (a 策定 without a year before a dated 第1次改定): just before the
 * earliest later-ranked version, else just after the latest earlier-ranked one. Ranks of
 * different texts (a query's documents) say nothing about their order, so only plans infer. */
static void place_unknown_years(group *g, size_t n, int infer)
{
    for (size_t k = 0; k < n; k++) {
        g[k].order_year = g[k].year ? g[k].year : 1e9;
        double before = 1e9, after = -1e9;
        for (size_t j = 0; infer && !g[k].year && j < n; j++) {
            if (g[j].year && g[j].rank > g[k].rank && g[j].year < before)
                before = g[j].year;
            if (g[j].year && g[j].rank < g[k].rank && g[j].year > after)
                after = g[j].year;
        }
        if (!g[k].year && before < 1e9)
            g[k].order_year = before - 0.5;
        else if (!g[k].year && after > -1e9)
            g[k].order_year = after + 0.5;
    }
}

static int by_version(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->order_year != y->order_year)
        return x->order_year < y->order_year ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    int c = strcmp(x->doc, y->doc);
    return c ? c : strcmp(x->label, y->label);
}

static int by_position(const void *a, const void *b)
{
    const cmp_passage *x = *(cmp_passage *const *)a, *y = *(cmp_passage *const *)b;
    int c = strcmp(x->doc, y->doc);
    return c ? c : (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
}

/* ---- the comparison ------------------------------------------------------------------------ */

static kk_status make_versions(kk_comparison *c, group *g, size_t n, kk_error *err)
{
    if ((c->versions = calloc(n + 1, sizeof *c->versions)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        kk_compare_version *v = &c->versions[c->n_versions++];
        v->label = strdup(g[k].label);
        v->title = g[k].title ? strdup(g[k].title) : NULL;
        v->doc = strdup(g[k].doc);
        v->year = g[k].year;
        v->n_passages = g[k].n;
        if (!v->label || !v->doc || (g[k].title && !v->title))
            return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    return KK_OK;
}

static kk_status make_pairs(kk_searcher *s, const target *t, const kk_compare_request *req,
                            kk_comparison *c, group *g, size_t n, kk_error *err)
{
    cmp_strip strip = {t->kind == KK_COMPARE_PLAN ? t->norm : NULL,
                       t->kind == KK_COMPARE_DEPT ? t->norm : NULL,
                       t->kind == KK_COMPARE_SECTION};
    if (n < 2)
        return KK_OK;
    if ((c->pairs = calloc(n - 1, sizeof *c->pairs)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = KK_OK;
    for (size_t k = 1; st == KK_OK && k < n; k++) {
        kk_compare_pair *pair = &c->pairs[c->n_pairs++];
        pair->older = k - 1;
        pair->newer = k;
        st = kk_compare_align(s, &strip, req->unit, g[k - 1].p, g[k - 1].n, g[k].p, g[k].n,
                              pair, err);
    }
    return st;
}

/* The plan's name as written in the first passage naming it, a table section's heading, or
 * the target as given. */
static char *subject_of(kk_searcher *s, const target *t, group *g, size_t n)
{
    if (t->kind == KK_COMPARE_SECTION && n && g[0].n && g[0].p[0]->section) {
        const char *sec = g[0].p[0]->section;
        const char *sep = strstr(sec, SECTION_SEP);
        return sep ? strndup(sec, (size_t)(sep - sec)) : strdup(sec);
    }
    for (size_t k = 0; t->kind == KK_COMPARE_PLAN && k < n; k++) {
        for (size_t j = 0; j < g[k].n; j++) {
            for (size_t m = 0; m < g[k].p[j]->n_plans; m++) {
                char *norm = normalize(s, g[k].p[j]->plans[m]);
                int named = norm && strncmp(norm, t->norm, strlen(t->norm)) == 0;
                free(norm);
                if (named)
                    return strdup(g[k].p[j]->plans[m]);
            }
        }
    }
    return strdup(t->value);
}

static kk_status build(kk_searcher *s, const kk_compare_request *req, const target *t,
                       kk_comparison *c, kk_error *err)
{
    cmp_set set = {0};
    grouping gr = {s, t, NULL, 0, err};
    kk_status st = fetch(s, t, &set, err);
    if (st == KK_OK)
        st = t->kind == KK_COMPARE_PLAN ? group_plan(&gr, &set) : group_other(&gr, &set);
    for (size_t k = 0; st == KK_OK && k < gr.n; k++)
        qsort(gr.g[k].p, gr.g[k].n, sizeof *gr.g[k].p, by_position);
    place_unknown_years(gr.g, gr.n, t->kind == KK_COMPARE_PLAN);
    if (gr.n > 1)
        qsort(gr.g, gr.n, sizeof *gr.g, by_version);
    unsigned max = req->max_versions ? req->max_versions : KK_COMPARE_DEFAULT_MAX_VERSIONS;
    size_t skip = gr.n > max ? gr.n - max : 0;
    c->kind = t->kind;
    if (st == KK_OK && (c->subject = subject_of(s, t, gr.g + skip, gr.n - skip)) == NULL)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK)
        st = make_versions(c, gr.g + skip, gr.n - skip, err);
    if (st == KK_OK)
        st = make_pairs(s, t, req, c, gr.g + skip, gr.n - skip, err);
    for (size_t k = 0; k < gr.n; k++)
        free(gr.g[k].label), free(gr.g[k].title), free(gr.g[k].p);
    free(gr.g);
    kk_cmp_set_clear(&set);
    return st;
}

kk_status kk_compare_run_request(kk_searcher *s, const kk_compare_request *req,
                                 kk_comparison **out, kk_error *err)
{
    *out = NULL;
    if (!s || !req || !req->target)
        return kk_error_set(err, KK_EINVAL, "kk_compare_run: no searcher or target");
    kk_compare_request trimmed = *req;
    trimmed.target += strspn(trimmed.target, " \t");
    req = &trimmed;
    if (!*req->target)
        return kk_error_set(err, KK_EPARSE, "compare: empty target");
    target t;
    kk_comparison *c = calloc(1, sizeof *c);
    kk_status st = c ? read_target(s, req->target, &t, err)
                     : kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK && (c->target = strdup(req->target)) == NULL)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK)
        st = build(s, req, &t, c, err);
    if (c)
        target_clear(&t);
    if (st != KK_OK) {
        kk_comparison_free(c);
        return st;
    }
    *out = c;
    return KK_OK;
}

kk_status kk_compare_run(kk_searcher *s, const char *target, kk_comparison **out, kk_error *err)
{
    kk_compare_request req = {target, KK_DIFF_CHARS, 0};
    return kk_compare_run_request(s, &req, out, err);
}

void kk_comparison_free(kk_comparison *c)
{
    if (!c)
        return;
    for (size_t k = 0; k < c->n_versions; k++) {
        free(c->versions[k].label);
        free(c->versions[k].title);
        free(c->versions[k].doc);
    }
    free(c->versions);
    for (size_t k = 0; k < c->n_pairs; k++)
        kk_compare_pair_clear(&c->pairs[k]);
    free(c->pairs);
    free(c->target);
    free(c->subject);
    free(c);
}
