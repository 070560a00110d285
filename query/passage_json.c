/* passage_json.c — the JSON form of a passage in context (kk_passage.h), shared by
 * `keikaku-query show --json` and the web API so that both give the same fields.
 */
#include "kk_json.h"

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *info_to_json(const kk_passage_info *p)
{
    json_t *o = json_object(), *plans = json_array();
    if (!o || !plans) {
        json_decref(o);
        json_decref(plans);
        return NULL;
    }
    for (size_t k = 0; k < p->n_plans; k++)
        json_array_append_new(plans, json_string(p->plans[k]));
    json_object_set_new(o, "id", string_or_null(p->id));
    json_object_set_new(o, "doc", string_or_null(p->doc));
    json_object_set_new(o, "line", json_integer(p->line));
    json_object_set_new(o, "lines", json_integer(p->lines));
    json_object_set_new(o, "ordinal", json_integer(p->ordinal));
    json_object_set_new(o, "title", string_or_null(p->title));
    json_object_set_new(o, "section", string_or_null(p->section));
    json_object_set_new(o, "heading", string_or_null(p->heading));
    json_object_set_new(o, "year", p->year ? json_integer(p->year) : json_null());
    json_object_set_new(o, "kind", string_or_null(p->kind));
    json_object_set_new(o, "dept", string_or_null(p->dept));
    json_object_set_new(o, "office", string_or_null(p->office));
    json_object_set_new(o, "city", string_or_null(p->city));
    json_object_set_new(o, "plans", plans);
    json_object_set_new(o, "version", string_or_null(p->version));
    json_object_set_new(o, "speaker", string_or_null(p->speaker));
    json_object_set_new(o, "date", string_or_null(p->date));
    json_object_set_new(o, "text", string_or_null(p->text));
    return o;
}

static json_t *infos_to_json(const kk_passage_info *p, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < n; k++)
        json_array_append_new(a, info_to_json(&p[k]));
    return a;
}

json_t *kk_passage_context_to_json(const kk_passage_context *c)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "passage", info_to_json(&c->passage));
    json_object_set_new(o, "citation", string_or_null(c->citation));
    json_object_set_new(o, "before", infos_to_json(c->before, c->n_before));
    json_object_set_new(o, "after", infos_to_json(c->after, c->n_after));
    return o;
}
