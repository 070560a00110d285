/* json.c — JSON objects for hits and facets (see kk_json.h). */
#include "kk_json.h"

#include <stdlib.h>

/* The values are made directly rather than with json_pack, which parses its format string anew
 * for every highlight and source, and set under their literal keys without json_object_set_new's
 * UTF-8 check of each key: a page of ten hits makes some four hundred values. */

static json_t *string_value(const char *s, kk_json_strings strings)
{
    return strings == KK_JSON_TRUSTED ? json_string_nocheck(s) : json_string(s);
}

static json_t *string_or_null(const char *s, kk_json_strings strings)
{
    return s ? string_value(s, strings) : json_null();
}

/* Take value into o under key; -1 (and o unchanged) when value is NULL. */
static int set(json_t *o, const char *key, json_t *value)
{
    return json_object_set_new_nocheck(o, key, value);
}

/* [start, end], or NULL when out of memory. */
static json_t *span_to_json(const kk_span *s)
{
    json_t *a = json_array();
    if (a && (json_array_append_new(a, json_integer((json_int_t)s->start)) != 0
              || json_array_append_new(a, json_integer((json_int_t)s->end)) != 0)) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* {name_key: name, count_key: count}, or NULL when name is NULL or (checked) not UTF-8, as
 * json_pack("{sssI}") gave: the caller then leaves the entry out. */
static json_t *named_count(const char *name_key, const char *name, const char *count_key,
                           json_int_t count, kk_json_strings strings)
{
    json_t *value = name ? string_value(name, strings) : NULL;
    json_t *o = value ? json_object() : NULL;
    if (!o) {
        json_decref(value);
        return NULL;
    }
    if (set(o, name_key, value) != 0 || set(o, count_key, json_integer(count)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *spans_to_json(const kk_span *spans, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < n; k++)
        json_array_append_new(a, span_to_json(&spans[k]));
    return a;
}

static json_t *sources_to_json(const kk_source *s, size_t n, kk_json_strings strings)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < n; k++)
        json_array_append_new(a, named_count("doc", s[k].doc, "line", (json_int_t)s[k].line,
                                             strings));
    return a;
}

/* The fields in the order kk_json.h gives; a value that could not be made is left out. */
static void set_hit_fields(json_t *o, const kk_hit *h, const char *snippet,
                           kk_json_strings strings)
{
    set(o, "rank", json_integer(h->rank));
    set(o, "score", json_real(h->score));
    set(o, "id", string_or_null(h->id, strings));
    set(o, "doc", string_or_null(h->doc, strings));
    set(o, "line", json_integer(h->line));
    set(o, "title", string_or_null(h->title, strings));
    set(o, "section", string_or_null(h->section, strings));
    set(o, "heading", string_or_null(h->heading, strings));
    set(o, "year", h->year ? json_integer(h->year) : json_null());
    set(o, "kind", string_or_null(h->kind, strings));
    set(o, "dept", string_or_null(h->dept, strings));
    set(o, "city", string_or_null(h->city, strings));
    set(o, "version", string_or_null(h->version, strings));
    set(o, "speaker", string_or_null(h->speaker, strings));
    set(o, "date", string_or_null(h->date, strings));
    set(o, "text", string_or_null(h->text, strings));
    set(o, "snippet", string_value(snippet, strings));
    set(o, "highlights", spans_to_json(h->marks, h->n_marks));
    set(o, "also", sources_to_json(h->also, h->n_also, strings));
}

json_t *kk_hit_to_json(const kk_hit *h, kk_json_strings strings)
{
    char *snippet = kk_mark_text(h->snippet, h->snippet_marks, h->n_snippet_marks, "【", "】");
    json_t *o = snippet ? json_object() : NULL;
    if (o)
        set_hit_fields(o, h, snippet, strings);
    free(snippet);
    return o;
}

json_t *kk_facets_to_json(const kk_hits *h, kk_json_strings strings)
{
    json_t *o = json_object();
    for (int f = 0; o && f < KK_FACET_COUNT; f++) {
        json_t *a = json_array();
        for (size_t k = 0; a && k < h->n_facets[f]; k++)
            json_array_append_new(a, named_count("value", h->facets[f][k].value, "count",
                                                 (json_int_t)h->facets[f][k].count, strings));
        set(o, kk_facet_field_name((kk_facet_field)f), a);
    }
    return o;
}
