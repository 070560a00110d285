/* json_out.c — writing a jansson tree into a kk_buf, and the trusted-then-checked build of
 * kk_json_append (see kk_json.h).
 */
#include "kk_json.h"

#include <string.h>

/* Straight into the caller's buffer: json_dumps would fill its own, copy it into a new string,
 * and leave the caller to measure and copy it again. jansson calls this for every quote, comma
 * and run of text (a hundred times a hit), so what fits is copied here and only growing the
 * buffer goes through kk_buf_add. */
static int append_bytes(const char *bytes, size_t n, void *out)
{
    kk_buf *b = out;
    if (b->len + n < b->cap) { /* room for the bytes and the NUL after them */
        memcpy(b->data + b->len, bytes, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
    }
    return kk_buf_add(b, bytes, n) == KK_OK ? 0 : -1;
}

/* Drop what a failed dump left after `len`. */
static void truncate_to(kk_buf *b, size_t len)
{
    b->len = len;
    if (b->data)
        b->data[len] = '\0';
}

kk_status kk_json_dump_to(const json_t *o, kk_buf *out)
{
    size_t before = out->len;
    if (o && json_dump_callback(o, append_bytes, out, JSON_COMPACT) == 0)
        return KK_OK;
    truncate_to(out, before);
    return KK_ENOMEM;
}

/* Build what in the given mode and append it; KK_ENOMEM, out unchanged, when either fails. */
static kk_status build_and_dump(kk_json_builder build, const void *what, kk_json_strings strings,
                                kk_buf *out)
{
    json_t *o = build(what, strings);
    kk_status st = kk_json_dump_to(o, out);
    json_decref(o);
    return st;
}

kk_status kk_json_append(kk_json_builder build, const void *what, kk_buf *out)
{
    /* The dump checks every string the trusted build did not: when it fails, a value that
     * json_string refuses may be in the tree, and the checked build leaves its field out. */
    if (build_and_dump(build, what, KK_JSON_TRUSTED, out) == KK_OK)
        return KK_OK;
    return build_and_dump(build, what, KK_JSON_CHECKED, out);
}
