/* stored.c — joining and splitting a passage's stored data (the layout is in kk_stored.h).
 *
 * Sections: the tags; varints; splitting (bounds-checked at every byte: stored data is read
 * back from disk, where it may be damaged); joining (measured first, then written into one
 * allocation by the same code).
 */
#include "kk_stored.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- tags ----------------------------------------------------------------------------------- */

/* The tag of each field, in the order they are written (that of the KK_FIELD_* keys). The
 * numbers are the layout: changing one needs a new KK_STORED_LAYOUT and KK_SCHEMA_VERSION. */
enum stored_tag {
    TAG_DOC = 1,
    TAG_LINE,
    TAG_LINES,
    TAG_ORDINAL,
    TAG_TITLE,
    TAG_SECTION,
    TAG_HEADING,
    TAG_YEAR,
    TAG_KIND,
    TAG_DEPT,
    TAG_OFFICE,
    TAG_CITY,
    TAG_PLAN, /* one entry per plan name, the only tag that repeats */
    TAG_VERSION,
    TAG_SPEAKER,
    TAG_DATE,
    TAG_TEXT /* the last entry, always present */
};

/* The member of s holding the string field of tag; NULL for the numbers and plans. */
static kk_stored_str *string_field(kk_stored *s, unsigned tag)
{
    switch (tag) {
    case TAG_DOC: return &s->doc;
    case TAG_TITLE: return &s->title;
    case TAG_SECTION: return &s->section;
    case TAG_HEADING: return &s->heading;
    case TAG_KIND: return &s->kind;
    case TAG_DEPT: return &s->dept;
    case TAG_OFFICE: return &s->office;
    case TAG_CITY: return &s->city;
    case TAG_VERSION: return &s->version;
    case TAG_SPEAKER: return &s->speaker;
    case TAG_DATE: return &s->date;
    case TAG_TEXT: return &s->text;
    default: return NULL;
    }
}

/* ---- varints -------------------------------------------------------------------------------- */

typedef struct reader {
    const unsigned char *p, *end;
} reader;

/* Read an unsigned LEB128 varint. -1 when it is cut short, overflows 64 bits or is not in its
 * fewest bytes (a trailing zero byte): so that each value has one encoding only. */
static int read_varint(reader *r, uint64_t *v)
{
    if (r->p < r->end && *r->p < 0x80) { /* most lengths and numbers fit one byte */
        *v = *r->p++;
        return 0;
    }
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64 && r->p < r->end; shift += 7) {
        unsigned b = *r->p++;
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return (b == 0 && shift > 0) || (shift == 63 && b > 1) ? -1 : 0;
        }
    }
    return -1;
}

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    for (; v >= 0x80; v >>= 7)
        n++;
    return n;
}

/* ---- splitting ------------------------------------------------------------------------------ */

/* One entry: its tag and value; start is where its tag byte is. */
typedef struct entry {
    const char *start;
    unsigned tag;
    const char *value;
    size_t len;
} entry;

static int read_entry(reader *r, entry *e)
{
    uint64_t len = 0;
    e->start = (const char *)r->p;
    e->tag = *r->p++;
    if (read_varint(r, &len) != 0 || len > (uint64_t)(r->end - r->p))
        return -1;
    e->value = (const char *)r->p;
    e->len = (size_t)len;
    r->p += len;
    return 0;
}

/* The number an entry holds: a varint filling it, at most max; -1 otherwise. */
static int entry_number(const entry *e, uint64_t max, uint64_t *v)
{
    reader r = {(const unsigned char *)e->value, (const unsigned char *)e->value + e->len};
    return read_varint(&r, v) == 0 && r.p == r.end && *v <= max ? 0 : -1;
}

/* The plan entries are adjacent (their tags ascend): s keeps their span. */
static void add_plan(kk_stored *s, const entry *e)
{
    if (s->n_plans++ == 0)
        s->plan_entries.ptr = e->start;
    s->plan_entries.len = (size_t)(e->value + e->len - s->plan_entries.ptr);
}

/* Put the value of e into s; NULL, or what is wrong with it. */
static const char *put_field(kk_stored *s, const entry *e)
{
    kk_stored_str *str = string_field(s, e->tag);
    uint64_t v = 0;
    if (str || e->tag == TAG_PLAN) {
        if (memchr(e->value, '\0', e->len))
            return "a string holds a NUL byte";
        if (str)
            *str = (kk_stored_str){e->value, e->len};
        else
            add_plan(s, e);
        return NULL;
    }
    if (e->tag == TAG_YEAR) {
        if (entry_number(e, INT_MAX, &v) != 0)
            return "a number is malformed";
        s->year = (int)v;
        return NULL;
    }
    unsigned *number = e->tag == TAG_LINE      ? &s->line
                       : e->tag == TAG_LINES   ? &s->lines
                       : e->tag == TAG_ORDINAL ? &s->ordinal
                                               : NULL;
    if (!number)
        return "a field is unknown";
    if (entry_number(e, UINT_MAX, &v) != 0)
        return "a number is malformed";
    *number = (unsigned)v;
    return NULL;
}

/* Read every entry of r into s; NULL, or what is wrong with the data. */
static const char *split_entries(reader *r, kk_stored *s)
{
    unsigned last = 0;
    while (r->p < r->end) {
        entry e;
        if (read_entry(r, &e) != 0)
            return "an entry is cut short";
        /* Ascending tags: no field twice, and nothing after the text (the highest tag). */
        if (e.tag < last || (e.tag == last && e.tag != TAG_PLAN))
            return "its fields are out of order";
        last = e.tag;
        const char *why = put_field(s, &e);
        if (why)
            return why;
    }
    if (!s->text.ptr)
        return "it is cut short before its text";
    return s->doc.ptr ? NULL : "it lacks doc";
}

kk_status kk_stored_split(const char *data, size_t len, kk_stored *out, kk_error *err)
{
    memset(out, 0, sizeof *out);
    if (!data || len == 0 || (unsigned char)data[0] != KK_STORED_LAYOUT)
        return kk_error_set(err, KK_ECORRUPT,
                            "stored passage data is of another layout (an index written by an "
                            "older keikaku-index?): index the documents again");
    reader r = {(const unsigned char *)data + 1, (const unsigned char *)data + len};
    const char *why = split_entries(&r, out);
    if (!why)
        return KK_OK;
    memset(out, 0, sizeof *out);
    return kk_error_set(err, KK_ECORRUPT,
                        "stored passage data is damaged (%s, byte %zu of %zu): index the "
                        "documents again", why, (size_t)(r.p - (const unsigned char *)data), len);
}

int kk_stored_next_plan(const kk_stored *s, size_t *at, kk_stored_str *plan)
{
    const unsigned char *entries = (const unsigned char *)s->plan_entries.ptr;
    if (!entries || *at >= s->plan_entries.len)
        return -1;
    reader r = {entries + *at, entries + s->plan_entries.len};
    entry e;
    if (read_entry(&r, &e) != 0 || e.tag != TAG_PLAN) /* not after a split: stop */
        return -1;
    *plan = (kk_stored_str){e.value, e.len};
    *at = (size_t)(r.p - entries);
    return 0;
}

/* ---- joining -------------------------------------------------------------------------------- */

/* Where joined bytes go: with p NULL, they are only counted. */
typedef struct writer {
    char *p;
    size_t n;
} writer;

static void put_byte(writer *w, unsigned b)
{
    if (w->p)
        w->p[w->n] = (char)b;
    w->n++;
}

static void put_varint(writer *w, uint64_t v)
{
    for (; v >= 0x80; v >>= 7)
        put_byte(w, (unsigned)(v & 0x7F) | 0x80);
    put_byte(w, (unsigned)v);
}

static void put_string(writer *w, unsigned tag, const char *s, size_t len)
{
    if (!s)
        return;
    put_byte(w, tag);
    put_varint(w, len);
    if (w->p && len)
        memcpy(w->p + w->n, s, len);
    w->n += len;
}

static void put_number(writer *w, unsigned tag, uint64_t v)
{
    if (v == 0)
        return;
    put_byte(w, tag);
    put_varint(w, varint_size(v));
    put_varint(w, v);
}

static void put_fields(writer *w, const kk_stored *f, const char *const *plans, size_t n_plans)
{
    put_byte(w, KK_STORED_LAYOUT);
    put_string(w, TAG_DOC, f->doc.ptr, f->doc.len);
    put_number(w, TAG_LINE, f->line);
    put_number(w, TAG_LINES, f->lines);
    put_number(w, TAG_ORDINAL, f->ordinal);
    put_string(w, TAG_TITLE, f->title.ptr, f->title.len);
    put_string(w, TAG_SECTION, f->section.ptr, f->section.len);
    put_string(w, TAG_HEADING, f->heading.ptr, f->heading.len);
    put_number(w, TAG_YEAR, (uint64_t)f->year);
    put_string(w, TAG_KIND, f->kind.ptr, f->kind.len);
    put_string(w, TAG_DEPT, f->dept.ptr, f->dept.len);
    put_string(w, TAG_OFFICE, f->office.ptr, f->office.len);
    put_string(w, TAG_CITY, f->city.ptr, f->city.len);
    for (size_t k = 0; k < n_plans; k++)
        put_string(w, TAG_PLAN, plans[k], strlen(plans[k]));
    put_string(w, TAG_VERSION, f->version.ptr, f->version.len);
    put_string(w, TAG_SPEAKER, f->speaker.ptr, f->speaker.len);
    put_string(w, TAG_DATE, f->date.ptr, f->date.len);
    put_string(w, TAG_TEXT, f->text.ptr, f->text.len);
}

/* What kk_stored_split would refuse in f, or NULL. */
static const char *unjoinable(const kk_stored *f, const char *const *plans, size_t n_plans)
{
    if (!f->doc.ptr || !f->text.ptr)
        return "a passage without doc or text";
    if (f->year < 0)
        return "a negative year";
    kk_stored copy = *f;
    for (unsigned tag = TAG_DOC; tag <= TAG_TEXT; tag++) {
        const kk_stored_str *s = string_field(&copy, tag);
        if (s && s->ptr && memchr(s->ptr, '\0', s->len))
            return "a NUL byte inside a field";
    }
    for (size_t k = 0; k < n_plans; k++)
        if (!plans[k])
            return "a plan without a name";
    return NULL;
}

kk_status kk_stored_join(const kk_stored *f, const char *const *plans, size_t n_plans,
                         char **out, size_t *out_len, kk_error *err)
{
    *out = NULL;
    const char *why = unjoinable(f, plans, n_plans);
    if (why)
        return kk_error_set(err, KK_EINVAL, "cannot store %s", why);
    writer w = {NULL, 0};
    put_fields(&w, f, plans, n_plans);
    size_t n = w.n;
    if (!(w.p = malloc(n + 1)))
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    w.n = 0;
    put_fields(&w, f, plans, n_plans);
    w.p[n] = '\0';
    *out = w.p;
    if (out_len)
        *out_len = n;
    return KK_OK;
}

char *kk_stored_dup(kk_stored_str f, int *oom)
{
    if (!f.ptr)
        return NULL;
    char *s = malloc(f.len + 1);
    if (!s) {
        *oom = 1;
        return NULL;
    }
    memcpy(s, f.ptr, f.len);
    s[f.len] = '\0';
    return s;
}

kk_status kk_stored_plans(const kk_stored *s, char ***plans, size_t *n, kk_error *err)
{
    *plans = NULL;
    *n = 0;
    if (s->n_plans == 0)
        return KK_OK;
    if (!(*plans = calloc(s->n_plans, sizeof **plans)))
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    int oom = 0;
    kk_stored_str plan;
    for (size_t at = 0; !oom && kk_stored_next_plan(s, &at, &plan) == 0;)
        if (((*plans)[*n] = kk_stored_dup(plan, &oom)) != NULL)
            (*n)++;
    return oom ? kk_error_set(err, KK_ENOMEM, "out of memory") : KK_OK;
}

/* Written by hand: snprintf cost a quarter of reading a hit's fields. */
char *kk_stored_id(kk_stored_str doc, unsigned ordinal)
{
    char digits[16];
    size_t n = 0;
    do
        digits[n++] = (char)('0' + ordinal % 10);
    while ((ordinal /= 10) > 0);
    char *id = malloc(doc.len + 1 + n + 1), *p = id;
    if (!id)
        return NULL;
    memcpy(p, doc.ptr, doc.len);
    p += doc.len;
    *p++ = ':';
    while (n > 0)
        *p++ = digits[--n];
    *p = '\0';
    return id;
}
