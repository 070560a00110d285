/* kk_stored.h — the bytes of a passage's stored data (kk_schema.h): the JSON object of its fields
 * without KK_FIELD_TEXT, one NUL byte, then the passage text as raw UTF-8. The indexer joins the
 * two parts and every reader splits them here, so that the two sides cannot disagree.
 *
 * Why not the text inside the JSON: a reader parsing the JSON lexes every byte of its strings, and
 * the text is most of the bytes; the phrase check and each shown hit paid for it. The first NUL
 * is the split because JSON text never holds a raw NUL (JSON escapes it) and a passage's text is
 * a C string. Pure C: no jansson, no Xapian.
 */
#ifndef KK_STORED_H
#define KK_STORED_H

#include <stddef.h>

#include "kk_error.h"

/* The two parts of stored data; both point into the data that was split. */
typedef struct kk_stored {
    const char *json; /* the JSON object of the fields, not NUL-terminated */
    size_t json_len;
    const char *text; /* the passage text, text_len bytes (NUL-terminated when the data was) */
    size_t text_len;
} kk_stored;

/* Split len bytes of stored data into *out. Data without the NUL (written by an older
 * keikaku-index, or damaged) fails with KK_ECORRUPT. */
kk_status kk_stored_split(const char *data, size_t len, kk_stored *out, kk_error *err);

/* Join the JSON of a passage's fields and its text into stored data: malloc'd (caller frees),
 * *out_len bytes plus a NUL after them. A NUL inside json would move the split: KK_EINVAL. */
kk_status kk_stored_join(const char *json, size_t json_len, const char *text, size_t text_len,
                         char **out, size_t *out_len, kk_error *err);

#endif
