/* listen.h — binding the web server's listening socket (internal to the server; the address
 * parsing it shares with the CLI is declared in kk_serve.h). */
#ifndef KK_LISTEN_H
#define KK_LISTEN_H

#include "kk_error.h"
#include "kk_serve.h"

/* Create a non-blocking TCP socket listening on address (numeric IPv4 or IPv6) and port (0: any
 * free one). *fd_out receives the socket (the caller closes it, or hands it to libmicrohttpd),
 * *port_out the bound port, *ipv6 whether it is an IPv6 socket. KK_EINVAL for an address that is
 * not numeric, KK_EIO with the system's reason when it cannot be bound. */
kk_status kk_listen_open(const char *address, unsigned port, int *fd_out, unsigned *port_out,
                         int *ipv6, kk_error *err);

#endif
