/* compare_json.c — the JSON form of a comparison, shared by `keikaku-query compare --json` and the
 * web API (see kk_compare.h), and the names of its enums. Built with jansson; nothing here
 * computes a comparison.
 */
#include "kk_compare.h"

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

const char *kk_compare_kind_name(kk_compare_kind k)
{
    switch (k) {
    case KK_COMPARE_PLAN: return "plan";
    case KK_COMPARE_SECTION: return "section";
    case KK_COMPARE_DEPT: return "dept";
    case KK_COMPARE_QUERY: return "query";
    }
    return "?";
}

const char *kk_row_status_name(kk_row_status s)
{
    switch (s) {
    case KK_ROW_SAME: return "same";
    case KK_ROW_CHANGED: return "changed";
    case KK_ROW_ADDED: return "added";
    case KK_ROW_REMOVED: return "removed";
    }
    return "?";
}

static json_t *passage_json(const kk_compare_passage *p)
{
    if (!p)
        return json_null();
    return json_pack("{s:s, s:s, s:I, s:o, s:s}", "id", p->id, "doc", p->doc, "line",
                     (json_int_t)p->line, "section", string_or_null(p->section), "text", p->text);
}

static json_t *diff_json(const kk_diff *d)
{
    if (!d)
        return json_null();
    json_t *a = json_array();
    for (size_t k = 0; a && k < d->n; k++) {
        json_t *piece = json_pack("{s:s, s:s}", "op", kk_diff_op_name(d->pieces[k].op), "text",
                                  d->pieces[k].text);
        if (!piece || json_array_append_new(a, piece) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *row_json(const kk_compare_row *r)
{
    return json_pack("{s:o, s:s, s:f, s:o, s:o, s:o}", "section", string_or_null(r->section),
                     "status", kk_row_status_name(r->status), "similarity", r->similarity, "left",
                     passage_json(r->left), "right", passage_json(r->right), "diff",
                     diff_json(r->diff));
}

static json_t *pair_json(const kk_compare_pair *p)
{
    json_t *rows = json_array();
    for (size_t k = 0; rows && k < p->n_rows; k++)
        if (json_array_append_new(rows, row_json(&p->rows[k])) != 0) {
            json_decref(rows);
            return NULL;
        }
    if (!rows)
        return NULL;
    return json_pack("{s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:o}", "older", (json_int_t)p->older,
                     "newer", (json_int_t)p->newer, "counts", "same", (json_int_t)p->n_same,
                     "changed", (json_int_t)p->n_changed, "added", (json_int_t)p->n_added,
                     "removed", (json_int_t)p->n_removed, "rows", rows);
}

static json_t *version_json(const kk_compare_version *v)
{
    return json_pack("{s:s, s:o, s:s, s:o, s:I}", "label", v->label, "title",
                     string_or_null(v->title), "doc", v->doc, "year",
                     v->year ? json_integer(v->year) : json_null(), "passages",
                     (json_int_t)v->n_passages);
}

json_t *kk_comparison_to_json(const kk_comparison *c)
{
    json_t *versions = json_array(), *pairs = json_array();
    int ok = versions && pairs;
    for (size_t k = 0; ok && k < c->n_versions; k++)
        ok = json_array_append_new(versions, version_json(&c->versions[k])) == 0;
    for (size_t k = 0; ok && k < c->n_pairs; k++)
        ok = json_array_append_new(pairs, pair_json(&c->pairs[k])) == 0;
    if (!ok) {
        json_decref(versions);
        json_decref(pairs);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "target", c->target, "kind",
                     kk_compare_kind_name(c->kind), "subject", c->subject, "versions", versions,
                     "pairs", pairs);
}
