/* passage_data.c — a passage's fields serialised: the stored data the index keeps for it (the
 * kk_stored.h layout) and the JSON line of `keikaku-index --dump` (see kk_index.h).
 */
#include "kk_index.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"
#include "kk_stored.h"

/* Set key to value: a string, or null when value is NULL and the form keeps empty fields. */
static void put_string(json_t *o, const char *key, const char *value, kk_json_form form)
{
    if (value)
        json_object_set_new(o, key, json_string(value));
    else if (form == KK_JSON_DUMP)
        json_object_set_new(o, key, json_null());
}

char *kk_index_passage_json(const kk_document *d, size_t ordinal, kk_json_form form)
{
    const kk_passage *p = &d->passages[ordinal];
    json_t *o = json_object();
    int year = p->year ? p->year : d->year;
    json_object_set_new(o, KK_FIELD_DOC, json_string(d->doc));
    if (form == KK_JSON_DUMP)
        json_object_set_new(o, KK_FIELD_PATH, json_string(d->path));
    json_object_set_new(o, KK_FIELD_LINE, json_integer(p->line));
    json_object_set_new(o, KK_FIELD_LINES, json_integer(p->lines));
    json_object_set_new(o, KK_FIELD_ORDINAL, json_integer((json_int_t)ordinal));
    put_string(o, KK_FIELD_TITLE, d->title, form);
    put_string(o, KK_FIELD_SECTION, p->section, form);
    put_string(o, KK_FIELD_HEADING, p->heading, form);
    if (year)
        json_object_set_new(o, KK_FIELD_YEAR, json_integer(year));
    else if (form == KK_JSON_DUMP)
        json_object_set_new(o, KK_FIELD_YEAR, json_null());
    put_string(o, KK_FIELD_KIND, d->kind, form);
    put_string(o, KK_FIELD_DEPT, p->dept, form);
    put_string(o, KK_FIELD_OFFICE, p->office, form);
    put_string(o, KK_FIELD_CITY, d->city, form);
    if (p->n_plans > 0 || form == KK_JSON_DUMP) {
        json_t *plans = json_array();
        for (size_t k = 0; k < p->n_plans; k++)
            json_array_append_new(plans, json_string(p->plans[k]));
        json_object_set_new(o, KK_FIELD_PLANS, plans);
    }
    put_string(o, KK_FIELD_VERSION, p->version, form);
    put_string(o, KK_FIELD_SPEAKER, p->speaker, form);
    put_string(o, KK_FIELD_DATE, p->date, form);
    if (form == KK_JSON_DUMP) /* stored data keeps the text out of the JSON (kk_stored.h) */
        json_object_set_new(o, KK_FIELD_TEXT, json_string(p->text ? p->text : ""));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

kk_status kk_index_passage_data(const kk_document *d, size_t ordinal, char **out, size_t *len,
                                kk_error *err)
{
    *out = NULL;
    char *json = kk_index_passage_json(d, ordinal, KK_JSON_STORED);
    if (!json)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    const char *text = d->passages[ordinal].text ? d->passages[ordinal].text : "";
    kk_status st = kk_stored_join(json, strlen(json), text, strlen(text), out, len, err);
    free(json);
    return st;
}
