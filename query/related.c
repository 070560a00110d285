/* related.c — kk_related_find, its result and the result's JSON (see kk_related.h).
 *
 * Checks the request, loads the catalogs (related_catalog.c), resolves the subject
 * (related_subject.c), scores the links (related_score.c) and owns the kk_related that comes
 * back: its freeing and its JSON form, shared by the CLI and the web API.
 */
#include "related_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- versions ---------------------------------------------------------------------------- */

void kk_rel_free_versions(kk_related_version *v, size_t n)
{
    for (size_t k = 0; v && k < n; k++) {
        free(v[k].name);
        free(v[k].label);
        free(v[k].doc);
    }
    free(v);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

kk_status kk_rel_copy_versions(const kk_related_version *from, size_t n, kk_related_version **to,
                               kk_error *err)
{
    *to = calloc(n + 1, sizeof **to);
    if (!*to)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        kk_related_version *v = &(*to)[k];
        v->name = dup_or_null(from[k].name);
        v->label = dup_or_null(from[k].label);
        v->doc = dup_or_null(from[k].doc);
        v->year = from[k].year;
        if ((from[k].name && !v->name) || (from[k].label && !v->label)
            || (from[k].doc && !v->doc))
            return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    return KK_OK;
}

/* The subject's versions: a plan's, or the columns of each of its policies. */
static kk_status subject_versions(const rel_subject *subj, kk_related *r, kk_error *err)
{
    size_t total = 0;
    for (size_t k = 0; k < subj->n_groups; k++)
        total += subj->cat->g[subj->groups[k]].n_versions;
    if ((r->versions = calloc(total + 1, sizeof *r->versions)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < subj->n_groups; k++) {
        const rel_group *g = &subj->cat->g[subj->groups[k]];
        kk_related_version *copy = NULL;
        kk_status st = kk_rel_copy_versions(g->versions, g->n_versions, &copy, err);
        if (st == KK_OK)
            memcpy(r->versions + r->n_versions, copy, g->n_versions * sizeof *copy);
        free(copy);
        if (st != KK_OK)
            return st;
        r->n_versions += g->n_versions;
    }
    return KK_OK;
}

/* ---- finding ----------------------------------------------------------------------------- */

static kk_status check_request(const kk_related_request *req, kk_error *err)
{
    if (!req->subject || !*req->subject)
        return kk_error_set(err, KK_EINVAL, "no policy or plan to relate");
    if (req->limit > KK_RELATED_MAX_LIMIT)
        return kk_error_set(err, KK_EINVAL, "limit %u is over %d", req->limit,
                            KK_RELATED_MAX_LIMIT);
    if (req->direction != KK_RELATED_POLICY_TO_PLANS
        && req->direction != KK_RELATED_PLAN_TO_POLICIES)
        return kk_error_set(err, KK_EINVAL, "unknown direction %d", (int)req->direction);
    return KK_OK;
}

kk_status kk_related_find(kk_searcher *s, const kk_related_request *req, kk_related **out,
                          kk_error *err)
{
    *out = NULL;
    kk_status st = check_request(req, err);
    if (st != KK_OK)
        return st;
    rel_world w = {0};
    w.s = s;
    rel_subject subj = {0};
    kk_related *r = calloc(1, sizeof *r);
    st = r ? kk_rel_world_load(&w, err) : kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK)
        st = kk_rel_subject_resolve(&w, req, &subj, err);
    if (st == KK_OK) {
        r->direction = req->direction;
        r->key = strdup(subj.key);
        r->name = strdup(subj.name);
        if (!r->key || !r->name)
            st = kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    if (st == KK_OK)
        st = subject_versions(&subj, r, err);
    if (st == KK_OK)
        st = kk_rel_score_links(&w, &subj, req->limit ? req->limit : KK_RELATED_DEFAULT_LIMIT, r,
                                err);
    kk_rel_subject_free(&subj);
    kk_rel_world_free(&w);
    if (st != KK_OK) {
        kk_related_free(r);
        return st;
    }
    *out = r;
    return KK_OK;
}

/* ---- freeing ----------------------------------------------------------------------------- */

static void free_strings(char **v, size_t n)
{
    for (size_t k = 0; v && k < n; k++)
        free(v[k]);
    free(v);
}

static void free_item(kk_related_item *item)
{
    free(item->key);
    free(item->name);
    kk_rel_free_versions(item->versions, item->n_versions);
    for (size_t k = 0; item->evidence && k < item->n_evidence; k++) {
        kk_related_evidence *e = &item->evidence[k];
        free(e->id), free(e->doc), free(e->section), free(e->snippet), free(e->snippet_marks);
    }
    free(item->evidence);
    free_strings(item->terms, item->n_terms);
}

void kk_related_free(kk_related *r)
{
    if (!r)
        return;
    free(r->key);
    free(r->name);
    kk_rel_free_versions(r->versions, r->n_versions);
    free_strings(r->terms, r->n_terms);
    for (size_t k = 0; r->items && k < r->n; k++)
        free_item(&r->items[k]);
    free(r->items);
    free(r);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *year_or_null(int year)
{
    return year ? json_integer(year) : json_null();
}

static json_t *strings_to_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < n; k++)
        json_array_append_new(a, json_string(v[k]));
    return a;
}

static json_t *versions_to_json(const kk_related_version *v, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < n; k++)
        json_array_append_new(a, json_pack("{sosososo}", "name", string_or_null(v[k].name),
                                           "label", string_or_null(v[k].label), "doc",
                                           string_or_null(v[k].doc), "year",
                                           year_or_null(v[k].year)));
    return a;
}

static json_t *evidence_to_json(const kk_related_evidence *e)
{
    char *snippet = kk_mark_text(e->snippet, e->snippet_marks, e->n_snippet_marks, "【", "】");
    json_t *marks = json_array();
    for (size_t k = 0; marks && k < e->n_snippet_marks; k++)
        json_array_append_new(marks, json_pack("[II]", (json_int_t)e->snippet_marks[k].start,
                                               (json_int_t)e->snippet_marks[k].end));
    json_t *o = snippet && marks ? json_pack("{sssfsssssIsosososo}", "kind",
                                             e->kind == KK_EVIDENCE_EXPLICIT ? "explicit"
                                                                             : "content",
                                             "score", e->score, "id", e->id, "doc", e->doc,
                                             "line", (json_int_t)e->line, "section",
                                             string_or_null(e->section), "year",
                                             year_or_null(e->year), "snippet",
                                             json_string(snippet), "highlights", marks)
                                 : NULL;
    if (!o)
        json_decref(marks);
    free(snippet);
    return o;
}

static json_t *item_to_json(const kk_related_item *item)
{
    json_t *evidence = json_array();
    for (size_t k = 0; evidence && k < item->n_evidence; k++)
        json_array_append_new(evidence, evidence_to_json(&item->evidence[k]));
    return json_pack("{sIsssssfsfsfsososo}", "rank", (json_int_t)item->rank, "key", item->key,
                     "name", item->name, "score", item->score, "content_score",
                     item->content_score, "explicit_score", item->explicit_score, "versions",
                     versions_to_json(item->versions, item->n_versions), "terms",
                     strings_to_json(item->terms, item->n_terms), "evidence", evidence);
}

json_t *kk_related_to_json(const kk_related *r)
{
    json_t *results = json_array();
    for (size_t k = 0; results && k < r->n; k++)
        json_array_append_new(results, item_to_json(&r->items[k]));
    return json_pack("{sssssssosIsoso}", "direction",
                     r->direction == KK_RELATED_POLICY_TO_PLANS ? "policy-to-plans"
                                                                : "plan-to-policies",
                     "key", r->key, "name", r->name, "versions",
                     versions_to_json(r->versions, r->n_versions), "passages",
                     (json_int_t)r->n_passages, "terms", strings_to_json(r->terms, r->n_terms),
                     "results", results);
}
