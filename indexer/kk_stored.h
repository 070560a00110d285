/* kk_stored.h — the bytes of a passage's stored data (kk_schema.h): its fields in a compact
 * binary layout, the text last. The indexer joins them and every reader splits them here, so
 * that the two sides cannot disagree.
 *
 * The layout (schema 7):
 *  - one layout byte, KK_STORED_LAYOUT;
 *  - then each field that has a value as a tag byte, a varint length and that many bytes, in
 *    ascending tag order (stored.c lists the tags, in the order of the KK_FIELD_* keys); a field
 *    without a value (no string, the number 0) is absent and reads as such; each plan is an
 *    entry of its own, so that tag alone repeats;
 *  - strings are UTF-8 without NUL bytes; line, lines, ordinal and year are varints filling
 *    their entry;
 *  - the text is the last entry and is always there, even empty; nothing follows it.
 * A varint is unsigned LEB128: 7 bits a byte, low bits first, the high bit set on all but the
 * last byte, in as few bytes as the value needs.
 *
 * Why not JSON, as up to schema 6: parsing it with jansson (building a tree, then looking up
 * every key) made reading a hit's fields cost 70–86 k instructions, more than unpacking and
 * highlighting it; this layout is split in one pass with no allocation, and copying the fields
 * out (query/passage.c) costs 3–4 k (callgrind, search --limit 10). Why a length on the text too: data cut
 * short anywhere fails to split instead of giving a shorter text. The layout byte is never the
 * first byte of an older layout ('{' of JSON) nor of any UTF-8 text, so data of another layout
 * is refused, not misread. Pure C: no jansson, no Xapian.
 */
#ifndef KK_STORED_H
#define KK_STORED_H

#include <stddef.h>

#include "kk_error.h"

/* The first byte of stored data. 0xC1 never occurs in UTF-8. */
#define KK_STORED_LAYOUT 0xC1

/* len bytes at ptr, not NUL-terminated; ptr NULL when the field is absent. */
typedef struct kk_stored_str {
    const char *ptr;
    size_t len;
} kk_stored_str;

/* A passage's fields (kk_schema.h KK_FIELD_*). After kk_stored_split the strings point into
 * the data that was split and stay valid as long as it does. */
typedef struct kk_stored {
    kk_stored_str doc; /* always present */
    unsigned line, lines, ordinal;
    kk_stored_str title, section, heading;
    int year; /* 0: unknown */
    kk_stored_str kind, dept, office, city;
    size_t n_plans;              /* plan names: kk_stored_next_plan reads them after a split */
    kk_stored_str plan_entries;  /* after a split: the bytes of the plan entries */
    kk_stored_str version, speaker, date;
    kk_stored_str text; /* always present; ptr non-NULL even when len is 0 */
} kk_stored;

/* Split len bytes of stored data into *out (zeroed first). Fails with KK_ECORRUPT and a message
 * when the data is not this layout (written by an older keikaku-index: the message says to index
 * again), or is cut short, damaged or lacks doc or text; nothing it returns then is valid. */
kk_status kk_stored_split(const char *data, size_t len, kk_stored *out, kk_error *err);

/* The next plan name of s (split by kk_stored_split): *at starts at 0 and is advanced; returns 0
 * with *plan set, or -1 after the last one. */
int kk_stored_next_plan(const kk_stored *s, size_t *at, kk_stored_str *plan);

/* Join the fields of f, plus the n_plans names of plans (f->n_plans and f->plan_entries are not
 * read), into stored data: malloc'd (caller frees), *out_len bytes plus a NUL after them.
 * KK_EINVAL when f lacks doc or text, or holds a NUL inside a string or a negative year; what it
 * joins, kk_stored_split gives back. */
kk_status kk_stored_join(const kk_stored *f, const char *const *plans, size_t n_plans,
                         char **out, size_t *out_len, kk_error *err);

/* A field as a malloc'd C string: NULL when absent, and *oom set when out of memory. */
char *kk_stored_dup(kk_stored_str f, int *oom);

/* The plan names of s (split by kk_stored_split) as malloc'd C strings: *plans NULL when there
 * are none. Out of memory: KK_ENOMEM with a message, *plans then holding the *n copied so far for
 * the caller to free. */
kk_status kk_stored_plans(const kk_stored *s, char ***plans, size_t *n, kk_error *err);

/* The passage id "doc:ordinal" (what search hits call id), malloc'd; NULL when out of memory. */
char *kk_stored_id(kk_stored_str doc, unsigned ordinal);

#endif
