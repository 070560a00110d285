/* http_client.h — a tiny blocking HTTP/1.1 client for the web server's tests: one request per
 * connection, the whole answer read until the server closes.
 *
 * Test support only, linked into test programs. It speaks just enough HTTP for keikaku's server
 * (Content-Length bodies, no chunking, no TLS), so that the tests need no curl.
 */
#ifndef KK_HTTP_CLIENT_H
#define KK_HTTP_CLIENT_H

#include <stddef.h>

typedef struct kt_reply {
    int status;     /* 0 when the connection failed or closed without an answer */
    char *headers;  /* the header block, NUL-terminated */
    char *body;     /* NUL-terminated (the body itself may hold NULs) */
    size_t body_len;
} kt_reply;

/* Send `METHOD target HTTP/1.1` to 127.0.0.1:port with Host 127.0.0.1:port (or host_header when
 * not NULL) and Connection: close, and read the answer into *out. Returns 0 when an HTTP answer
 * came back, -1 otherwise (out->status is then 0). Free with kt_reply_free. */
int kt_http(unsigned port, const char *method, const char *target, const char *host_header,
            kt_reply *out);

/* GET target. */
int kt_get(unsigned port, const char *target, kt_reply *out);

/* The value of header name (case-insensitive) in r, copied into buf; NULL when absent. */
const char *kt_reply_header(const kt_reply *r, const char *name, char *buf, size_t size);

void kt_reply_free(kt_reply *r);

/* Open a TCP connection to 127.0.0.1:port; the socket or -1. */
int kt_connect(unsigned port);

/* Percent-encode s for a query string into a malloc'd string. */
char *kt_urlencode(const char *s);

#endif
