/* kk_error.c — status names and message formatting for kk_error (see kk_error.h). */
#include "kk_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *kk_status_name(kk_status code)
{
    static const char *const names[] = {
        "KK_OK", "KK_ENOMEM", "KK_EIO", "KK_EINVAL", "KK_EENCODING", "KK_EFORMAT", "KK_EPARSE",
        "KK_ENOTFOUND", "KK_ELOCKED", "KK_EMODIFIED", "KK_ECORRUPT", "KK_EDATABASE", "KK_EINTERNAL",
    };
    if ((size_t)code < sizeof names / sizeof names[0])
        return names[code];
    return "KK_EUNKNOWN";
}

kk_status kk_error_set(kk_error *err, kk_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

kk_status kk_error_prefix(kk_error *err, const char *fmt, ...)
{
    if (!err)
        return KK_EINTERNAL;
    char prefix[KK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Shift the old message right to make room, truncating its tail if the whole is too long. */
    size_t cap = sizeof err->message - 1;
    size_t plen = strnlen(prefix, cap - 2);
    size_t olen = strnlen(err->message, cap);
    if (plen + 2 + olen > cap)
        olen = cap - plen - 2;
    memmove(err->message + plen + 2, err->message, olen);
    memcpy(err->message, prefix, plen);
    memcpy(err->message + plen, ": ", 2);
    err->message[plen + 2 + olen] = '\0';
    return err->code;
}

void kk_error_clear(kk_error *err)
{
    if (err) {
        err->code = KK_OK;
        err->message[0] = '\0';
    }
}
