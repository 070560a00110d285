/* related_catalog.c — the policies of the basic plan and the individual plans, read from the
 * index and grouped (see kk_related.h for what a policy and a plan are).
 *
 * Owns reading the passages of one kind (every document of the XK term, stored data parsed),
 * policy identity (the section number of a passage's top section), plan identity (the plan in
 * force: the plan a passage names that opens one of its section headings; its key, made in
 * related_names.c, strips the version marks) and the versions of each. It does not search or
 * score (related_score.c) and does not decide what the user asked for (related_subject.c).
 */
#include "related_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"
#include "kk_stored.h"

/* Separator of section path levels in the stored data (kk_schema.h KK_FIELD_SECTION). */
#define SECTION_SEP " › "

extern const char kk_builtin_boilerplate[];
extern const size_t kk_builtin_boilerplate_len;

/* ---- small string helpers --------------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *normalize(kk_searcher *s, const char *text, size_t len)
{
    char *out = NULL;
    size_t n = 0;
    if (kk_normalize(s->analyzer, text, len, &out, &n, NULL) != KK_OK)
        return NULL;
    return out;
}

/* ---- groups ------------------------------------------------------------------------------ */

long kk_rel_catalog_group(const rel_catalog *c, const char *key)
{
    for (size_t k = 0; key && k < c->n_groups; k++)
        if (strcmp(c->g[k].key, key) == 0)
            return (long)k;
    return -1;
}

/* The group with key, added (with name and mention) when missing; -1 when out of memory. */
static long find_or_add_group(rel_catalog *c, const char *key, const char *name,
                              const char *mention)
{
    long g = kk_rel_catalog_group(c, key);
    if (g >= 0)
        return g;
    if (c->n_groups == c->cap_groups) {
        size_t cap = c->cap_groups ? c->cap_groups * 2 : 16;
        rel_group *p = realloc(c->g, cap * sizeof *p);
        if (!p)
            return -1;
        c->g = p;
        c->cap_groups = cap;
    }
    rel_group *n = &c->g[c->n_groups];
    memset(n, 0, sizeof *n);
    n->key = strdup(key);
    n->name = strdup(name);
    n->mention = strdup(mention);
    if (!n->key || !n->name || !n->mention) {
        free(n->key), free(n->name), free(n->mention);
        return -1;
    }
    return (long)c->n_groups++;
}

long kk_rel_catalog_add_named(rel_catalog *c, const char *key, const char *name)
{
    return find_or_add_group(c, key, name, key);
}

static kk_status add_member(rel_group *g, size_t passage, kk_error *err)
{
    size_t *p = realloc(g->members, (g->n_members + 1) * sizeof *p);
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "out of memory grouping passages");
    g->members = p;
    g->members[g->n_members++] = passage;
    return KK_OK;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Record that the group exists as name/label in doc (once per distinct version). */
static kk_status add_version(rel_group *g, const char *name, const char *label,
                             const rel_passage *p, kk_error *err)
{
    for (size_t k = 0; k < g->n_versions; k++) {
        kk_related_version *v = &g->versions[k];
        if (same(v->name, name) && same(v->label, label) && same(v->doc, p->doc))
            return KK_OK;
    }
    kk_related_version *grown = realloc(g->versions, (g->n_versions + 1) * sizeof *grown);
    if (!grown)
        return kk_error_set(err, KK_ENOMEM, "out of memory recording versions");
    g->versions = grown;
    kk_related_version *v = &g->versions[g->n_versions++];
    v->name = name ? strdup(name) : NULL;
    v->label = label ? strdup(label) : NULL;
    v->doc = strdup(p->doc);
    v->year = p->year;
    if ((name && !v->name) || (label && !v->label) || !v->doc)
        return kk_error_set(err, KK_ENOMEM, "out of memory recording versions");
    return KK_OK;
}

/* ---- policies: the top section's number ------------------------------------------------- */

/* Length of the section number opening s ("6-3-1" in "6-3-1 男女…"): digits and '-' groups,
 * at least two numbers, followed by a space or the end. 0 when there is none. */
static size_t policy_number_len(const char *s)
{
    size_t i = 0, groups = 0;
    for (;;) {
        size_t d = i;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
        groups++;
        if (s[i] != '-')
            break;
        i++;
    }
    return groups >= 2 && (s[i] == ' ' || s[i] == '\0') ? i : 0;
}

/* The raw heading after the number: past the first space (ASCII or U+3000) of the top level. */
static const char *raw_heading(const char *top, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (top[i] == ' ')
            return top + i + 1;
        if (i + 3 <= len && memcmp(top + i, "\xe3\x80\x80", 3) == 0)
            return top + i + 3;
    }
    return top + len;
}

static kk_status group_policy(rel_world *w, size_t index, kk_error *err)
{
    rel_catalog *c = &w->policies;
    rel_passage *p = &c->p[index];
    if (!p->section)
        return KK_OK;
    const char *sep = strstr(p->section, SECTION_SEP);
    size_t top_len = sep ? (size_t)(sep - p->section) : strlen(p->section);
    char *norm = normalize(w->s, p->section, top_len);
    char *raw = dup_n(p->section, top_len);
    kk_status st = norm && raw ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    size_t num = norm ? policy_number_len(norm) : 0;
    char *key = norm ? (num ? dup_n(norm, num) : strdup(norm)) : NULL;
    const char *heading = num && raw ? raw_heading(raw, top_len) : raw;
    char *mention = heading ? normalize(w->s, heading, strlen(heading)) : NULL;
    if (st == KK_OK && (!key || !mention))
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    long g = st == KK_OK ? find_or_add_group(c, key, *heading ? heading : raw, mention) : -1;
    if (st == KK_OK && g < 0)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK) {
        p->group = g;
        st = add_member(&c->g[g], index, err);
    }
    if (st == KK_OK)
        st = add_version(&c->g[g], c->g[g].name, p->version, p, err);
    free(norm), free(raw), free(key), free(mention);
    return st;
}

/* ---- plans: the plan title in force ----------------------------------------------------- */

/* The version label after the plan's name in a heading: "策定", "第1次改定"; brackets and
 * spaces around it dropped. NULL when nothing is left. */
static char *version_label(const char *rest)
{
    while (*rest == ' ' || *rest == '(')
        rest++;
    size_t n = strlen(rest);
    while (n > 0 && (rest[n - 1] == ' ' || rest[n - 1] == ')'))
        n--;
    return n ? dup_n(rest, n) : NULL;
}

/* Which of the passage's plan names opens one of its section headings: that plan's title is in
 * force. *name gets the plan name as written, *label the version mark after it. */
static kk_status plan_in_force(rel_world *w, const rel_passage *p, const char **name,
                               char **label, kk_error *err)
{
    *name = NULL;
    *label = NULL;
    const char *level = p->section;
    while (level && !*name) {
        const char *sep = strstr(level, SECTION_SEP);
        size_t len = sep ? (size_t)(sep - level) : strlen(level);
        char *heading = normalize(w->s, level, len);
        if (!heading)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        for (size_t k = 0; k < p->n_plans && !*name; k++) {
            char *plan = normalize(w->s, p->plans[k], strlen(p->plans[k]));
            if (plan && *plan && strncmp(heading, plan, strlen(plan)) == 0) {
                *name = p->plans[k];
                *label = version_label(heading + strlen(plan));
            }
            free(plan);
        }
        free(heading);
        level = sep ? sep + strlen(SECTION_SEP) : NULL;
    }
    return KK_OK;
}

static kk_status group_plan(rel_world *w, size_t index, kk_error *err)
{
    rel_catalog *c = &w->plans;
    rel_passage *p = &c->p[index];
    const char *name = NULL;
    char *label = NULL;
    kk_status st = plan_in_force(w, p, &name, &label, err);
    if (st != KK_OK || !name) {
        free(label);
        return st; /* no plan title in force: the passage is not any plan's */
    }
    char *key = kk_rel_plan_key(w->s, name);
    long g = key ? find_or_add_group(c, key, name, key) : -1;
    if (g < 0)
        st = key ? kk_error_set(err, KK_ENOMEM, "out of memory") : KK_OK;
    if (g >= 0) {
        p->group = g;
        st = add_member(&c->g[g], index, err);
        if (st == KK_OK)
            st = add_version(&c->g[g], name, label, p, err);
    }
    free(key);
    free(label);
    return st;
}

/* After grouping: versions oldest first; a plan is called by its latest name. */
static kk_status finish_plans(rel_catalog *c, kk_error *err)
{
    for (size_t k = 0; k < c->n_groups; k++) {
        rel_group *g = &c->g[k];
        kk_rel_sort_versions(g->versions, g->n_versions);
        if (g->n_versions && g->versions[g->n_versions - 1].name) {
            char *name = strdup(g->versions[g->n_versions - 1].name);
            if (!name)
                return kk_error_set(err, KK_ENOMEM, "out of memory");
            free(g->name);
            g->name = name;
        }
    }
    return KK_OK;
}

/* ---- reading passages -------------------------------------------------------------------- */

typedef struct docid_list {
    unsigned *v;
    size_t n, cap;
} docid_list;

static int collect_docid(unsigned docid, unsigned wdf, void *ctx)
{
    (void)wdf;
    docid_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        unsigned *p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return 1;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = docid;
    return 0;
}

/* The fields of p from stored data (kk_stored.h). */
static kk_status fill_passage(rel_passage *p, const char *data, size_t len, kk_error *err)
{
    kk_stored f;
    kk_status st = kk_stored_split(data, len, &f, err);
    if (st != KK_OK)
        return st;
    int oom = 0;
    p->text = kk_stored_dup(f.text, &oom);
    p->doc = kk_stored_dup(f.doc, &oom);
    p->section = kk_stored_dup(f.section, &oom);
    p->version = kk_stored_dup(f.version, &oom);
    p->line = f.line;
    p->year = f.year;
    if (oom || (p->id = kk_stored_id(f.doc, f.ordinal)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    return kk_stored_plans(&f, &p->plans, &p->n_plans, err);
}

static kk_status read_passage(kk_db *db, unsigned docid, rel_passage *p, kk_error *err)
{
    char *data = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_data(db, docid, &data, &len, err);
    if (st != KK_OK)
        return st;
    memset(p, 0, sizeof *p);
    p->docid = docid;
    p->group = -1;
    st = fill_passage(p, data, len, err);
    free(data);
    return st;
}

static kk_status load_kind(rel_world *w, rel_catalog *c, const char *kind, kk_error *err)
{
    char *norm = normalize(w->s, kind, strlen(kind));
    if (!norm)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    size_t n = strlen(KK_PREFIX_KIND) + strlen(norm);
    char *term = malloc(n + 1);
    docid_list ids = {0};
    kk_status st = term ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK) {
        snprintf(term, n + 1, "%s%s", KK_PREFIX_KIND, norm);
        st = kk_db_each_posting(w->s->db, term, n, collect_docid, &ids, err);
    }
    free(term);
    free(norm);
    if (st == KK_OK && (c->p = calloc(ids.n + 1, sizeof *c->p)) == NULL)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; st == KK_OK && k < ids.n; k++) {
        st = read_passage(w->s->db, ids.v[k], &c->p[k], err);
        c->n = k + 1; /* a half-read passage is freed with the others */
    }
    free(ids.v);
    return st;
}

/* ---- boilerplate ------------------------------------------------------------------------- */

static kk_status load_boilerplate(rel_world *w, kk_error *err)
{
    return kk_wordlist_load(&w->boilerplate, w->s->analyzer, kk_builtin_boilerplate,
                            kk_builtin_boilerplate_len, err);
}

int kk_rel_is_boilerplate(const rel_world *w, const char *word, size_t len)
{
    return kk_wordlist_has(&w->boilerplate, word, len);
}

/* ---- entry points ------------------------------------------------------------------------ */

rel_passage *kk_rel_catalog_find(rel_catalog *c, unsigned docid)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->p[mid].docid == docid)
            return &c->p[mid];
        if (c->p[mid].docid < docid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *kk_rel_passage_norm(rel_world *w, rel_passage *p)
{
    if (!p->norm)
        p->norm = normalize(w->s, p->text, strlen(p->text));
    return p->norm;
}

kk_status kk_rel_world_load(rel_world *w, kk_error *err)
{
    kk_status st = load_boilerplate(w, err);
    if (st == KK_OK)
        st = load_kind(w, &w->policies, KK_RELATED_POLICY_KIND, err);
    if (st == KK_OK)
        st = load_kind(w, &w->plans, KK_RELATED_PLAN_KIND, err);
    for (size_t k = 0; st == KK_OK && k < w->policies.n; k++)
        st = group_policy(w, k, err);
    for (size_t k = 0; st == KK_OK && k < w->plans.n; k++)
        st = group_plan(w, k, err);
    if (st == KK_OK)
        st = finish_plans(&w->plans, err);
    return st;
}

static void free_catalog(rel_catalog *c)
{
    for (size_t k = 0; k < c->n; k++) {
        rel_passage *p = &c->p[k];
        free(p->id), free(p->doc), free(p->section), free(p->version), free(p->text);
        free(p->norm);
        for (size_t j = 0; j < p->n_plans; j++)
            free(p->plans[j]);
        free(p->plans);
    }
    free(c->p);
    for (size_t k = 0; k < c->n_groups; k++) {
        rel_group *g = &c->g[k];
        free(g->key), free(g->name), free(g->mention), free(g->members);
        kk_rel_free_versions(g->versions, g->n_versions);
    }
    free(c->g);
}

void kk_rel_world_free(rel_world *w)
{
    free_catalog(&w->policies);
    free_catalog(&w->plans);
    kk_wordlist_free(&w->boilerplate);
}
