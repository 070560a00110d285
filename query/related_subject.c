/* related_subject.c — what `related` was asked about: a policy or an individual plan.
 *
 * Owns the three ways of naming a policy (section number or a prefix of one, heading words, a
 * passage id) and the ways of naming a plan (its name with or without version marks, a part of
 * it, a passage id of one of its passages, or a plan that is only named somewhere). It reads the
 * catalogs built by related_catalog.c and never searches the index.
 */
#include "related_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Heading words resolve to the policy whose heading holds the largest share of them, if that
 * share is at least this: half the words of 男女共同参画の社会 are enough, one word of three
 * (社会) is not. */
#define KK_RELATED_MIN_HEADING_SHARE 0.5

/* Policies listed in a "no such policy" message, so that the user sees how they are named. */
#define KK_RELATED_SUGGESTIONS 6

static char *normalize(kk_searcher *s, const char *text)
{
    char *out = NULL;
    size_t n = 0;
    if (kk_normalize(s->analyzer, text, strlen(text), &out, &n, NULL) != KK_OK)
        return NULL;
    return out;
}

static kk_status set_subject(rel_subject *out, rel_catalog *c, const size_t *groups, size_t n,
                             const char *key, kk_error *err)
{
    out->cat = c;
    out->groups = malloc((n ? n : 1) * sizeof *out->groups);
    if (!out->groups)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    memcpy(out->groups, groups, n * sizeof *groups);
    out->n_groups = n;
    kk_buf names = {0};
    kk_status st = kk_buf_add(&names, "", 0);
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        if (k)
            st = kk_buf_add(&names, "、", strlen("、"));
        if (st == KK_OK)
            st = kk_buf_add(&names, c->g[groups[k]].name, strlen(c->g[groups[k]].name));
    }
    out->name = kk_buf_take(&names, NULL);
    out->key = strdup(n == 1 ? c->g[groups[0]].key : key);
    if (st != KK_OK || !out->name || !out->key)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    return KK_OK;
}

/* ---- passage ids -------------------------------------------------------------------------- */

/* 1 if s looks like a passage id: "doc:number" with a doc part. */
static int looks_like_id(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || !colon[1])
        return 0;
    return strspn(colon + 1, "0123456789") == strlen(colon + 1);
}

/* The passage whose id is s, or ends with "/" + s (the doc relative to a sub-folder). */
static rel_passage *find_id(rel_catalog *c, const char *s)
{
    size_t n = strlen(s);
    for (size_t k = 0; k < c->n; k++) {
        const char *id = c->p[k].id;
        size_t l = strlen(id);
        if (strcmp(id, s) == 0 || (l > n && id[l - n - 1] == '/' && strcmp(id + l - n, s) == 0))
            return &c->p[k];
    }
    return NULL;
}

static kk_status resolve_id(rel_world *w, const kk_related_request *req, rel_subject *out,
                            kk_error *err)
{
    int policy = req->direction == KK_RELATED_POLICY_TO_PLANS;
    rel_catalog *want = policy ? &w->policies : &w->plans;
    rel_catalog *other = policy ? &w->plans : &w->policies;
    rel_passage *p = find_id(want, req->subject);
    if (p && p->group >= 0) {
        size_t g = (size_t)p->group;
        return set_subject(out, want, &g, 1, NULL, err);
    }
    if (p)
        return kk_error_set(err, KK_ENOTFOUND, "passage '%s' belongs to no %s", req->subject,
                            policy ? "numbered policy" : "individual plan title");
    if (find_id(other, req->subject))
        return kk_error_set(err, KK_ENOTFOUND, "passage '%s' is %s, not %s%s", req->subject,
                            policy ? "an individual plan's" : "a policy's",
                            policy ? "a policy's" : "an individual plan's",
                            policy ? " (use --plan for a plan)" : " (leave out --plan)");
    return kk_error_set(err, KK_ENOTFOUND, "no passage '%s' in the %s (kind %s)", req->subject,
                        policy ? "basic plan" : "individual plans",
                        policy ? KK_RELATED_POLICY_KIND : KK_RELATED_PLAN_KIND);
}

/* ---- policies ----------------------------------------------------------------------------- */

/* Length of a section number or number prefix opening s ("6-3-1", "6-3", "6"), followed by a
 * space or the end; 0 when s does not open with one. */
static size_t number_prefix_len(const char *s)
{
    size_t i = strspn(s, "0123456789-");
    if (i == 0 || s[0] == '-' || s[i - 1] == '-' || (s[i] != ' ' && s[i] != '\0'))
        return 0;
    return i;
}

static kk_status not_found_policy(rel_world *w, const char *subject, kk_error *err)
{
    char list[256] = "";
    size_t used = 0;
    for (size_t k = 0; k < w->policies.n_groups && k < KK_RELATED_SUGGESTIONS; k++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "",
                         w->policies.g[k].key);
        if (n < 0 || (size_t)n >= sizeof list - used)
            break;
        used += (size_t)n;
    }
    if (w->policies.n_groups == 0)
        return kk_error_set(err, KK_ENOTFOUND, "no policy '%s': the index holds no basic plan "
                            "(kind %s)", subject, KK_RELATED_POLICY_KIND);
    return kk_error_set(err, KK_ENOTFOUND, "no policy '%s' (policies are named by number, e.g. "
                        "%s%s, or by their heading's words)", subject, list,
                        w->policies.n_groups > KK_RELATED_SUGGESTIONS ? ", …" : "");
}

static kk_status resolve_number(rel_world *w, const char *norm, size_t len, rel_subject *out,
                                kk_error *err)
{
    size_t *hits = calloc(w->policies.n_groups + 1, sizeof *hits), n = 0;
    if (!hits)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < w->policies.n_groups; k++) {
        const char *key = w->policies.g[k].key;
        if (strncmp(key, norm, len) == 0 && (key[len] == '\0' || key[len] == '-'))
            hits[n++] = k;
    }
    char *number = strndup(norm, len);
    kk_status st = number ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK)
        st = n ? set_subject(out, &w->policies, hits, n, number, err)
               : not_found_policy(w, number, err);
    free(number);
    free(hits);
    return st;
}

typedef struct word_set {
    char **w;
    size_t n;
} word_set;

static void free_words(word_set *s)
{
    for (size_t k = 0; k < s->n; k++)
        free(s->w[k]);
    free(s->w);
}

/* The content words of text (stop words, boilerplate and lone kana dropped). */
static kk_status content_words(rel_world *w, const char *text, word_set *out, kk_error *err)
{
    memset(out, 0, sizeof *out);
    kk_status st = kk_analyze(w->s->analyzer, text, strlen(text), KK_ANALYZE_WORDS, err);
    if (st != KK_OK)
        return st;
    size_t n = 0;
    const kk_token *t = kk_analyzer_tokens(w->s->analyzer, &n);
    if ((out->w = calloc(n + 1, sizeof *out->w)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        if (kk_analyzer_is_stopword(w->s->analyzer, t[k].text, t[k].len) || t[k].len <= 3)
            continue; /* one character (3 bytes or fewer) is a particle or a fragment */
        if ((out->w[out->n] = strndup(t[k].text, t[k].len)) != NULL)
            out->n++;
    }
    return KK_OK;
}

static int has_word(const word_set *s, const char *word)
{
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->w[k], word) == 0)
            return 1;
    return 0;
}

/* Share of the subject's words in the policy's heading. */
static double heading_share(rel_world *w, const word_set *subject, const rel_group *g,
                            kk_error *err)
{
    word_set heading;
    if (content_words(w, g->mention, &heading, err) != KK_OK)
        return -1;
    size_t found = 0;
    for (size_t k = 0; k < subject->n; k++)
        found += has_word(&heading, subject->w[k]);
    free_words(&heading);
    return subject->n ? (double)found / (double)subject->n : 0;
}

/* The policy whose heading holds the subject (the shortest such heading: the most specific), or
 * failing that the one holding the largest share of its words. -1 when none is good enough. */
static long best_heading(rel_world *w, const char *norm, kk_error *err)
{
    long best = -1;
    for (size_t k = 0; k < w->policies.n_groups; k++) {
        const rel_group *g = &w->policies.g[k];
        if (strstr(g->mention, norm)
            && (best < 0 || strlen(g->mention) < strlen(w->policies.g[best].mention)))
            best = (long)k;
    }
    if (best >= 0)
        return best;
    word_set subject;
    if (content_words(w, norm, &subject, err) != KK_OK)
        return -1;
    double best_share = KK_RELATED_MIN_HEADING_SHARE;
    for (size_t k = 0; k < w->policies.n_groups; k++) {
        double share = heading_share(w, &subject, &w->policies.g[k], err);
        if (share >= best_share && (best < 0 || share > best_share)) {
            best = (long)k;
            best_share = share;
        }
    }
    free_words(&subject);
    return best;
}

static kk_status resolve_policy(rel_world *w, const char *subject, rel_subject *out,
                                kk_error *err)
{
    char *norm = normalize(w->s, subject);
    if (!norm)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    size_t len = number_prefix_len(norm);
    kk_status st;
    if (len) {
        st = resolve_number(w, norm, len, out, err);
    } else {
        kk_error local = {0};
        long g = best_heading(w, norm, &local);
        size_t one = (size_t)g;
        st = local.code != KK_OK ? kk_error_set(err, local.code, "%s", local.message)
             : g >= 0            ? set_subject(out, &w->policies, &one, 1, NULL, err)
                                 : not_found_policy(w, subject, err);
    }
    free(norm);
    return st;
}

/* ---- plans -------------------------------------------------------------------------------- */

/* The plan group with this key; else the one whose key holds it (地域情報化プラン finds
 * 地域情報化プラン2022), the shortest if several. -1 if none. */
static long match_plan(const rel_catalog *c, const char *key)
{
    long g = kk_rel_catalog_group(c, key);
    if (g >= 0)
        return g;
    for (size_t k = 0; k < c->n_groups; k++)
        if (strstr(c->g[k].key, key)
            && (g < 0 || strlen(c->g[k].key) < strlen(c->g[g].key)))
            g = (long)k;
    return g;
}

/* A plan named in some passage but never titled: found by key among the names passages give. */
static const char *named_plan(rel_world *w, const char *key)
{
    rel_catalog *cats[] = {&w->policies, &w->plans};
    for (size_t c = 0; c < 2; c++)
        for (size_t k = 0; k < cats[c]->n; k++)
            for (size_t j = 0; j < cats[c]->p[k].n_plans; j++) {
                char *other = kk_rel_plan_key(w->s, cats[c]->p[k].plans[j]);
                int same = other && strcmp(other, key) == 0;
                free(other);
                if (same)
                    return cats[c]->p[k].plans[j];
            }
    return NULL;
}

static kk_status resolve_plan(rel_world *w, const char *subject, rel_subject *out,
                              kk_error *err)
{
    char *key = kk_rel_plan_key(w->s, subject);
    if (!key)
        return kk_error_set(err, KK_ENOTFOUND, "no individual plan '%s'", subject);
    long g = match_plan(&w->plans, key);
    const char *named = g < 0 ? named_plan(w, key) : NULL;
    if (g < 0 && named)
        g = kk_rel_catalog_add_named(&w->plans, key, named);
    kk_status st;
    if (g >= 0) {
        size_t one = (size_t)g;
        st = set_subject(out, &w->plans, &one, 1, NULL, err);
    } else if (named) {
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    } else {
        st = kk_error_set(err, KK_ENOTFOUND, "no individual plan '%s' (none of the %zu plans "
                          "titled in the index, nor any plan a passage names)", subject,
                          w->plans.n_groups);
    }
    free(key);
    return st;
}

/* ---- entry points ------------------------------------------------------------------------- */

kk_status kk_rel_subject_resolve(rel_world *w, const kk_related_request *req, rel_subject *out,
                                 kk_error *err)
{
    memset(out, 0, sizeof *out);
    if (looks_like_id(req->subject))
        return resolve_id(w, req, out, err);
    if (req->direction == KK_RELATED_POLICY_TO_PLANS)
        return resolve_policy(w, req->subject, out, err);
    return resolve_plan(w, req->subject, out, err);
}

void kk_rel_subject_free(rel_subject *s)
{
    if (!s)
        return;
    free(s->groups);
    free(s->key);
    free(s->name);
}
