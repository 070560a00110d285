/* passage_data.c — a passage's fields serialised: the stored data the index keeps for it (the
 * binary layout of kk_stored.h) and the JSON line of `keikaku-index --dump` (see kk_index.h).
 */
#include "kk_index.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"
#include "kk_stored.h"

/* Set key to value: a string, or null when value is NULL (--dump lines keep every key). */
static void put_string(json_t *o, const char *key, const char *value)
{
    json_object_set_new(o, key, value ? json_string(value) : json_null());
}

char *kk_index_passage_json(const kk_document *d, size_t ordinal)
{
    const kk_passage *p = &d->passages[ordinal];
    json_t *o = json_object();
    int year = p->year ? p->year : d->year;
    json_object_set_new(o, KK_FIELD_DOC, json_string(d->doc));
    json_object_set_new(o, KK_FIELD_PATH, json_string(d->path));
    json_object_set_new(o, KK_FIELD_LINE, json_integer(p->line));
    json_object_set_new(o, KK_FIELD_LINES, json_integer(p->lines));
    json_object_set_new(o, KK_FIELD_ORDINAL, json_integer((json_int_t)ordinal));
    put_string(o, KK_FIELD_TITLE, d->title);
    put_string(o, KK_FIELD_SECTION, p->section);
    put_string(o, KK_FIELD_HEADING, p->heading);
    json_object_set_new(o, KK_FIELD_YEAR, year ? json_integer(year) : json_null());
    put_string(o, KK_FIELD_KIND, d->kind);
    put_string(o, KK_FIELD_DEPT, p->dept);
    put_string(o, KK_FIELD_OFFICE, p->office);
    put_string(o, KK_FIELD_CITY, d->city);
    json_t *plans = json_array();
    for (size_t k = 0; k < p->n_plans; k++)
        json_array_append_new(plans, json_string(p->plans[k]));
    json_object_set_new(o, KK_FIELD_PLANS, plans);
    put_string(o, KK_FIELD_VERSION, p->version);
    put_string(o, KK_FIELD_SPEAKER, p->speaker);
    put_string(o, KK_FIELD_DATE, p->date);
    json_object_set_new(o, KK_FIELD_TEXT, json_string(p->text ? p->text : ""));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* A C string as a stored field: absent when NULL. */
static kk_stored_str field(const char *s)
{
    return (kk_stored_str){s, s ? strlen(s) : 0};
}

kk_status kk_index_passage_data(const kk_document *d, size_t ordinal, char **out, size_t *len,
                                kk_error *err)
{
    const kk_passage *p = &d->passages[ordinal];
    kk_stored f = {0};
    f.doc = field(d->doc);
    f.line = p->line;
    f.lines = p->lines;
    f.ordinal = (unsigned)ordinal;
    f.title = field(d->title);
    f.section = field(p->section);
    f.heading = field(p->heading);
    f.year = p->year ? p->year : d->year;
    f.kind = field(d->kind);
    f.dept = field(p->dept);
    f.office = field(p->office);
    f.city = field(d->city);
    f.version = field(p->version);
    f.speaker = field(p->speaker);
    f.date = field(p->date);
    f.text = field(p->text ? p->text : "");
    return kk_stored_join(&f, (const char *const *)p->plans, p->n_plans, out, len, err);
}
