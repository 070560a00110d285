/* stored.c — joining and splitting a passage's stored data (see kk_stored.h). */
#include "kk_stored.h"

#include <stdlib.h>
#include <string.h>

kk_status kk_stored_split(const char *data, size_t len, kk_stored *out, kk_error *err)
{
    const char *nul = data ? memchr(data, '\0', len) : NULL;
    if (!nul) {
        memset(out, 0, sizeof *out);
        return kk_error_set(err, KK_ECORRUPT,
                            "stored passage data has no separate text (an index of an older "
                            "layout?): index the documents again");
    }
    out->json = data;
    out->json_len = (size_t)(nul - data);
    out->text = nul + 1;
    out->text_len = len - out->json_len - 1;
    return KK_OK;
}

kk_status kk_stored_join(const char *json, size_t json_len, const char *text, size_t text_len,
                         char **out, size_t *out_len, kk_error *err)
{
    *out = NULL;
    if (json_len && memchr(json, '\0', json_len))
        return kk_error_set(err, KK_EINVAL, "passage JSON holds a NUL byte");
    size_t n = json_len + 1 + text_len;
    char *p = malloc(n + 1);
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    if (json_len)
        memcpy(p, json, json_len);
    p[json_len] = '\0';
    if (text_len)
        memcpy(p + json_len + 1, text, text_len);
    p[n] = '\0';
    *out = p;
    if (out_len)
        *out_len = n;
    return KK_OK;
}
