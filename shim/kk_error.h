/* kk_error.h — the project's status codes and the error record passed up the call chain.
 *
 * Every library function in keikaku returns a kk_status and, on failure, fills a caller-provided
 * kk_error with a message naming the file, line or parameter at fault. Library code never prints
 * or exits; only main() does. It lives in shim/ because the shim is the bottom layer that every
 * other module links; it holds no Xapian types.
 */
#ifndef KK_ERROR_H
#define KK_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kk_status {
    KK_OK = 0,
    KK_ENOMEM,       /* allocation failed */
    KK_EIO,          /* a file or folder could not be read or written */
    KK_EINVAL,       /* a bad argument or parameter from the caller */
    KK_EENCODING,    /* text is not valid in any supported encoding */
    KK_EFORMAT,      /* a document is malformed (CSV quoting, missing columns, binary) */
    KK_EPARSE,       /* a query could not be parsed */
    KK_ENOTFOUND,    /* database, document or passage does not exist */
    KK_ELOCKED,      /* another writer holds the database lock */
    KK_EMODIFIED,    /* the database changed under a reader and retries ran out */
    KK_ECORRUPT,     /* the database is damaged */
    KK_EDATABASE,    /* any other database error */
    KK_EINTERNAL     /* a bug: an exception or state that should not happen */
} kk_status;

#define KK_ERROR_MESSAGE_MAX 512

typedef struct kk_error {
    kk_status code;
    char message[KK_ERROR_MESSAGE_MAX];
} kk_error;

/* Short stable name of a status, e.g. "KK_EIO". Never NULL. */
const char *kk_status_name(kk_status code);

/* Record code and a printf-style message in err (which may be NULL) and return code, so that
 * callers can write `return kk_error_set(err, KK_EIO, "%s: %s", path, strerror(errno));`. */
kk_status kk_error_set(kk_error *err, kk_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the message already in err with "prefix: ", keeping its code; returns the code. */
kk_status kk_error_prefix(kk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reset err to KK_OK with an empty message. err may be NULL. */
void kk_error_clear(kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
