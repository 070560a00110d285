/* listen.c — where the web server listens: parsing --listen, telling loopback from network
 * addresses, and binding the listening socket (see kk_serve.h).
 *
 * The server binds its socket itself rather than letting libmicrohttpd do it, so that a port in
 * use or an address that is not local is reported with the system's reason, and so that port 0
 * (any free port, for tests) can be read back.
 */
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Pending connections the kernel queues before the server accepts them: a burst of a browser's
 * six parallel connections from each of several staff members. */
#define LISTEN_BACKLOG 64

static kk_status parse_port(const char *text, unsigned *port, kk_error *err)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || *text < '0' || *text > '9' || errno || *end || v < 0 || v > 65535)
        return kk_error_set(err, KK_EINVAL, "--listen: '%s' is not a port number (0–65535)",
                            text);
    *port = (unsigned)v;
    return KK_OK;
}

static kk_status copy_host(const char *text, size_t n, char *host, size_t host_size,
                           kk_error *err)
{
    if (n == 0 || n >= host_size)
        return kk_error_set(err, KK_EINVAL, "--listen: '%.*s' is not an address", (int)n, text);
    if (n == 9 && memcmp(text, "localhost", 9) == 0) {
        text = "127.0.0.1";
        n = 9;
    }
    memcpy(host, text, n);
    host[n] = '\0';
    return KK_OK;
}

kk_status kk_serve_parse_listen(const char *text, char *host, size_t host_size, unsigned *port,
                                kk_error *err)
{
    if (text[0] == '[') { /* [IPv6]:PORT */
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':')
            return kk_error_set(err, KK_EINVAL, "--listen: '%s' is not [ADDRESS]:PORT", text);
        kk_status st = copy_host(text + 1, (size_t)(close - text - 1), host, host_size, err);
        return st == KK_OK ? parse_port(close + 2, port, err) : st;
    }
    const char *colon = strrchr(text, ':');
    if (!colon) /* PORT */
        return parse_port(text, port, err);
    if (strchr(text, ':') != colon)
        return kk_error_set(err, KK_EINVAL, "--listen: write an IPv6 address in brackets: "
                            "[%.*s]:PORT", (int)(colon - text), text);
    if (colon != text) { /* HOST:PORT; ":PORT" keeps the default host */
        kk_status st = copy_host(text, (size_t)(colon - text), host, host_size, err);
        if (st != KK_OK)
            return st;
    }
    return parse_port(colon + 1, port, err);
}

int kk_serve_is_loopback(const char *address)
{
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, address, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, address, &v6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&v6);
    return 0;
}

/* Fill addr for address:port; KK_EINVAL when address is no numeric IP address. */
static kk_status make_address(const char *address, unsigned port, struct sockaddr_storage *addr,
                              socklen_t *len, kk_error *err)
{
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        *len = sizeof *v4;
        return KK_OK;
    }
    if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        *len = sizeof *v6;
        return KK_OK;
    }
    return kk_error_set(err, KK_EINVAL,
                        "listen address '%s' is not a numeric IPv4 or IPv6 address", address);
}

static unsigned bound_port(int fd)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return 0;
    if (a.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&a)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
}

kk_status kk_listen_open(const char *address, unsigned port, int *fd_out, unsigned *port_out,
                         int *ipv6, kk_error *err)
{
    struct sockaddr_storage addr;
    socklen_t len = 0;
    kk_status st = make_address(address, port, &addr, &len, err);
    if (st != KK_OK)
        return st;
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0)
        return kk_error_set(err, KK_EIO, "listening on %s: socket: %s", address,
                            strerror(errno));
    /* SO_REUSEADDR: a restarted server can bind while old connections sit in TIME_WAIT. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0
        || (addr.ss_family == AF_INET6
            && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
        || bind(fd, (struct sockaddr *)&addr, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0
        || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return kk_error_set(err, KK_EIO, "listening on %s port %u: %s", address, port,
                            strerror(e));
    }
    *fd_out = fd;
    *port_out = bound_port(fd);
    *ipv6 = addr.ss_family == AF_INET6;
    return KK_OK;
}
