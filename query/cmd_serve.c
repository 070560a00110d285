/* cmd_serve.c — `keikaku-query serve`: run the web server (kk_serve.h) until SIGINT or SIGTERM.
 *
 * Owns the command line (--listen, --threads), the refusal to leave loopback unless an address
 * is named, the message saying where the server is, and the clean shutdown; the server itself
 * is the library's.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kk_serve.h"

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 8080

typedef struct serve_args {
    char host[64];
    unsigned port;
    unsigned threads;
} serve_args;

static void serve_usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [--db DIR] serve [--listen [ADDRESS:]PORT] [--threads N]\n"
            "Serve search, passages, related plans, comparisons and trends to a web browser,\n"
            "and the same as JSON under /api/ (search, passage, related, compare, trend).\n"
            "Read-only: what an indexer commits meanwhile is seen by the next request.\n"
            "Prints the URL, then runs until interrupted (Ctrl-C or SIGTERM).\n\n"
            "  -l, --listen ADDR:PORT  where to listen (default " DEFAULT_HOST ":8080); PORT or\n"
            "                          :PORT keeps the loopback address, [::1]:PORT for IPv6,\n"
            "                          0 as PORT picks a free one. Any address other than\n"
            "                          loopback must be named and makes the archive readable\n"
            "                          by everyone who can reach it.\n"
            "  -t, --threads N         worker threads (default %d, at most 64)\n"
            "  -h, --help              show this help and exit\n",
            KK_SERVER_DEFAULT_THREADS);
}

static int parse_serve_args(serve_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    long v;
    kk_error err = {0};
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+l:t:h", options, NULL)) != -1) {
        switch (opt) {
        case 'l':
            if (kk_serve_parse_listen(optarg, a->host, sizeof a->host, &a->port, &err) != KK_OK)
                return kk_cli_usage_error("serve", "%s", err.message);
            break;
        case 't':
            if ((v = kk_cli_number(optarg, 1, 64)) < 0)
                return kk_cli_usage_error("serve", "--threads: '%s' is not a number from 1 to 64",
                                          optarg);
            a->threads = (unsigned)v;
            break;
        case 'h': serve_usage(stdout); return KK_EXIT_OK;
        default: return kk_cli_bad_option("serve", argc, argv);
        }
    }
    if (optind < argc)
        return kk_cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* Print where the server is, on one line that scripts can read (the URL is its last word but
 * one), and warn when it is reachable from the network. */
static void announce(const kk_cli *cli, const serve_args *a, unsigned port)
{
    int v6 = strchr(a->host, ':') != NULL;
    if (!kk_serve_is_loopback(a->host))
        fprintf(stderr, PROGRAM ": warning: listening on %s, not on loopback: everyone who can "
                        "reach this address can read the archive\n", a->host);
    printf("serving %s at http://%s%s%s:%u/ (Ctrl-C to stop)\n", cli->db_path, v6 ? "[" : "",
           a->host, v6 ? "]" : "", port);
    fflush(stdout);
}

int kk_cmd_serve(const kk_cli *cli, int argc, char **argv)
{
    serve_args a = {DEFAULT_HOST, DEFAULT_PORT, 0};
    int code = parse_serve_args(&a, argc, argv);
    if (code >= 0)
        return code;
    /* Block the stop signals in every thread (the server's threads inherit the mask) and wait
     * for them here, so that the server stops between requests rather than inside one. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    kk_server_opts opts = {cli->db_path, a.host, a.port, a.threads};
    kk_server *server = NULL;
    kk_error err = {0};
    if (kk_server_start(&opts, &server, &err) != KK_OK)
        return kk_cli_fail(&err);
    announce(cli, &a, kk_server_port(server));
    int sig = 0;
    sigwait(&stop, &sig);
    kk_server_free(server);
    fprintf(stderr, PROGRAM ": %s received, server stopped\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    return KK_EXIT_OK;
}
