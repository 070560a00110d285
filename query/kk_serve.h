/* kk_serve.h — the web server: the query library's search, passage, related-plans, compare and
 * trend views as HTML pages and a JSON API, over HTTP with libmicrohttpd.
 *
 * The server is read-only: it opens the database read-only and sees new commits of a running
 * indexer at the next request. It listens on one address (loopback unless the caller names
 * another), answers GET and HEAD only, and bounds what one client can take: connections in all
 * and per address, idle time, request size, parameter length and result size. The pages and the
 * API are built in page_*.c and api.c from the same library calls as the CLI; this header is what
 * `keikaku-query serve` and the tests use.
 */
#ifndef KK_SERVE_H
#define KK_SERVE_H

#include <stddef.h>

#include "kk_error.h"

typedef struct kk_server kk_server;

typedef struct kk_server_opts {
    const char *db_path;
    const char *address; /* numeric IPv4 or IPv6 address, e.g. "127.0.0.1" or "::1" */
    unsigned port;       /* 0: any free port (kk_server_port tells which) */
    unsigned threads;    /* worker threads; 0: KK_SERVER_DEFAULT_THREADS */
} kk_server_opts;

/* A search page takes ~20 ms (median over the 15 staff dev-set queries, 40 ms at most;
 * Release build on the 2-core development machine), the other pages less. Four threads keep two
 * cores busy while others wait on slow clients; with four searchers open the whole server stays
 * under 20 MB resident. Measured: 48 search pages/s for 8 keep-alive clients on a loaded
 * machine (load average 7). */
#define KK_SERVER_DEFAULT_THREADS 4

/* Open the database (read-only), bind the address and start answering in background threads.
 * Failures: the database's (KK_ENOTFOUND …, see kk_searcher_open), KK_EINVAL for an address that
 * is not a numeric IP address, KK_EIO when the address cannot be bound (in use, not local), each
 * with a message. The caller stops the server with kk_server_free. */
kk_status kk_server_start(const kk_server_opts *opts, kk_server **out, kk_error *err);

/* The port the server listens on (the one chosen when opts->port was 0). */
unsigned kk_server_port(const kk_server *s);

/* Stop answering, wait for requests in progress, close the database. NULL is a no-op. */
void kk_server_free(kk_server *s);

/* Split a --listen argument: "HOST:PORT", "[IPv6]:PORT", ":PORT" or "PORT" (the last two keep
 * the default loopback host, which is written to host first by the caller). host receives the
 * address (at most host_size - 1 bytes), *port the port (0–65535). KK_EINVAL with a message
 * when the text is none of these. */
kk_status kk_serve_parse_listen(const char *text, char *host, size_t host_size, unsigned *port,
                                kk_error *err);

/* 1 if address (numeric) is a loopback address (127.0.0.0/8, ::1), 0 otherwise. */
int kk_serve_is_loopback(const char *address);

#endif
