/* json.c — JSON objects for hits and facets (see kk_json.h). */
#include "kk_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- hits ---------------------------------------------------------------------------------- */

static const char *const hit_field_names[KK_HIT_FIELD_COUNT] = {
    "rank",    "score", "id",   "doc",     "line",       "title", "section",
    "heading", "year",  "kind", "dept",    "city",       "version", "speaker",
    "date",    "text",  "snippet", "highlights", "also",
};

const char *kk_hit_field_name(kk_hit_field f)
{
    return (unsigned)f < KK_HIT_FIELD_COUNT ? hit_field_names[f] : "?";
}

static int hit_field_named(const char *name, size_t len)
{
    for (int f = 0; f < KK_HIT_FIELD_COUNT; f++)
        if (strlen(hit_field_names[f]) == len && memcmp(hit_field_names[f], name, len) == 0)
            return f;
    return -1;
}

/* The refusal of a name that is no field, listing the names there are. */
static kk_status unknown_field(const char *name, size_t len, kk_error *err)
{
    char known[256] = "";
    size_t at = 0;
    for (int f = 0; f < KK_HIT_FIELD_COUNT && at < sizeof known; f++)
        at += (size_t)snprintf(known + at, sizeof known - at, "%s%s", f ? ", " : "",
                               hit_field_names[f]);
    return kk_error_set(err, KK_EINVAL, "fields: '%.*s' is not a field of a hit (%s)",
                        (int)(len > 64 ? 64 : len), name, known);
}

kk_status kk_hit_fields_parse(const char *list, unsigned *out, kk_error *err)
{
    unsigned fields = 0;
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        int f = hit_field_named(p, len);
        if (f < 0)
            return unknown_field(p, len, err);
        fields |= KK_HIT_BIT(f);
        p += len;
        if (!*p)
            break;
    }
    *out = fields;
    return KK_OK;
}

static json_t *hit_field_value(const kk_hit *h, kk_hit_field f, const char *snippet,
                               kk_json_strings strings)
{
    switch (f) {
    case KK_HIT_RANK: return json_integer(h->rank);
    case KK_HIT_SCORE: return json_real(h->score);
    case KK_HIT_ID: return string_or_null(h->id, strings);
    case KK_HIT_DOC: return string_or_null(h->doc, strings);
    case KK_HIT_LINE: return json_integer(h->line);
    case KK_HIT_TITLE: return string_or_null(h->title, strings);
    case KK_HIT_SECTION: return string_or_null(h->section, strings);
    case KK_HIT_HEADING: return string_or_null(h->heading, strings);
    case KK_HIT_YEAR: return h->year ? json_integer(h->year) : json_null();
    case KK_HIT_KIND: return string_or_null(h->kind, strings);
    case KK_HIT_DEPT: return string_or_null(h->dept, strings);
    case KK_HIT_CITY: return string_or_null(h->city, strings);
    case KK_HIT_VERSION: return string_or_null(h->version, strings);
    case KK_HIT_SPEAKER: return string_or_null(h->speaker, strings);
    case KK_HIT_DATE: return string_or_null(h->date, strings);
    case KK_HIT_TEXT: return string_or_null(h->text, strings);
    case KK_HIT_SNIPPET: return string_value(snippet, strings);
    case KK_HIT_HIGHLIGHTS: return spans_to_json(h->marks, h->n_marks);
    case KK_HIT_ALSO: return sources_to_json(h->also, h->n_also, strings);
    case KK_HIT_FIELD_COUNT: break;
    }
    return NULL;
}

/* The fields asked for, in kk_hit_field order; a value that could not be made is left out. */
json_t *kk_hit_to_json(const kk_hit *h, unsigned fields, kk_json_strings strings)
{
    if (fields == 0)
        fields = KK_HIT_ALL;
    char *snippet = NULL;
    if ((fields & KK_HIT_BIT(KK_HIT_SNIPPET))
        && !(snippet = kk_mark_text(h->snippet ? h->snippet : "", h->snippet_marks,
                                    h->n_snippet_marks, "【", "】")))
        return NULL;
    json_t *o = json_object();
    for (int f = 0; o && f < KK_HIT_FIELD_COUNT; f++)
        if (fields & KK_HIT_BIT(f))
            set(o, hit_field_names[f], hit_field_value(h, (kk_hit_field)f, snippet, strings));
    free(snippet);
    return o;
}

/* ---- facets -------------------------------------------------------------------------------- */

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
