/* json.c — JSON objects for hits and facets (see kk_json.h). */
#include "kk_json.h"

#include <stdlib.h>

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *spans_to_json(const kk_span *spans, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < n; k++)
        json_array_append_new(a, json_pack("[II]", (json_int_t)spans[k].start,
                                           (json_int_t)spans[k].end));
    return a;
}

static json_t *sources_to_json(const kk_source *s, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < n; k++)
        json_array_append_new(a, json_pack("{sssI}", "doc", s[k].doc, "line",
                                           (json_int_t)s[k].line));
    return a;
}

json_t *kk_hit_to_json(const kk_hit *h)
{
    char *snippet = kk_mark_text(h->snippet, h->snippet_marks, h->n_snippet_marks, "【", "】");
    json_t *o = json_object();
    if (!o || !snippet) {
        free(snippet);
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "rank", json_integer(h->rank));
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "id", string_or_null(h->id));
    json_object_set_new(o, "doc", string_or_null(h->doc));
    json_object_set_new(o, "line", json_integer(h->line));
    json_object_set_new(o, "title", string_or_null(h->title));
    json_object_set_new(o, "section", string_or_null(h->section));
    json_object_set_new(o, "heading", string_or_null(h->heading));
    json_object_set_new(o, "year", h->year ? json_integer(h->year) : json_null());
    json_object_set_new(o, "kind", string_or_null(h->kind));
    json_object_set_new(o, "dept", string_or_null(h->dept));
    json_object_set_new(o, "city", string_or_null(h->city));
    json_object_set_new(o, "version", string_or_null(h->version));
    json_object_set_new(o, "speaker", string_or_null(h->speaker));
    json_object_set_new(o, "date", string_or_null(h->date));
    json_object_set_new(o, "text", string_or_null(h->text));
    json_object_set_new(o, "snippet", json_string(snippet));
    json_object_set_new(o, "highlights", spans_to_json(h->marks, h->n_marks));
    json_object_set_new(o, "also", sources_to_json(h->also, h->n_also));
    free(snippet);
    return o;
}

json_t *kk_facets_to_json(const kk_hits *h)
{
    json_t *o = json_object();
    for (int f = 0; o && f < KK_FACET_COUNT; f++) {
        json_t *a = json_array();
        for (size_t k = 0; a && k < h->n_facets[f]; k++)
            json_array_append_new(a, json_pack("{sssI}", "value", h->facets[f][k].value, "count",
                                               (json_int_t)h->facets[f][k].count));
        json_object_set_new(o, kk_facet_field_name((kk_facet_field)f), a);
    }
    return o;
}
