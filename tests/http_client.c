/* http_client.c — the tests' tiny HTTP client (see http_client.h). */
#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Seconds to wait for an answer before giving up: a request to the test server takes
 * milliseconds (a few hundred under the sanitizers); a hang must fail, not stall ctest. */
#define REPLY_TIMEOUT_SECONDS 20

int kt_connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {REPLY_TIMEOUT_SECONDS, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static char *read_all(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t r;
    while (buf && (r = recv(fd, buf + n, cap - n, 0)) > 0) {
        n += (size_t)r;
        if (n == cap) {
            char *p = realloc(buf, cap * 2 + 1);
            if (!p) {
                free(buf);
                return NULL;
            }
            buf = p;
            cap *= 2;
        }
    }
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static int parse_reply(char *raw, size_t len, kt_reply *out)
{
    char *end = strstr(raw, "\r\n\r\n");
    if (!end || sscanf(raw, "HTTP/1.%*d %d", &out->status) != 1) {
        out->status = 0;
        return -1;
    }
    size_t head = (size_t)(end - raw) + 2, body = head + 2;
    out->headers = strndup(raw, head);
    out->body_len = len - body;
    out->body = malloc(out->body_len + 1);
    if (!out->headers || !out->body)
        return -1;
    memcpy(out->body, raw + body, out->body_len);
    out->body[out->body_len] = '\0';
    return 0;
}

int kt_http(unsigned port, const char *method, const char *target, const char *host_header,
            kt_reply *out)
{
    memset(out, 0, sizeof *out);
    int fd = kt_connect(port);
    if (fd < 0)
        return -1;
    char host[64];
    snprintf(host, sizeof host, "127.0.0.1:%u", port);
    size_t n = strlen(method) + strlen(target) + strlen(host_header ? host_header : host) + 64;
    char *req = malloc(n);
    int ok = req != NULL;
    if (ok) {
        snprintf(req, n, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method,
                 target, host_header ? host_header : host);
        ok = send_all(fd, req, strlen(req)) == 0;
    }
    free(req);
    size_t len = 0;
    char *raw = ok ? read_all(fd, &len) : NULL;
    close(fd);
    int rc = raw ? parse_reply(raw, len, out) : -1;
    free(raw);
    return rc;
}

int kt_get(unsigned port, const char *target, kt_reply *out)
{
    return kt_http(port, "GET", target, NULL, out);
}

const char *kt_reply_header(const kt_reply *r, const char *name, char *buf, size_t size)
{
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *eol = strstr(line, "\r\n");
        if (!eol)
            break;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(buf, size, "%.*s", (int)(eol - v), v);
            return buf;
        }
        line = eol + 2;
    }
    return NULL;
}

void kt_reply_free(kt_reply *r)
{
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

char *kt_urlencode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; out && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
            || strchr("-._~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    if (out)
        *o = '\0';
    return out;
}
