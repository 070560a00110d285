/* cli.c — helpers shared by keikaku-query's subcommands (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kk_text.h"

int kk_cli_fail(const kk_error *err)
{
    fprintf(stderr, PROGRAM ": error: %s\n", err->message[0] ? err->message : "unknown error");
    switch (err->code) {
    case KK_EPARSE:
    case KK_EINVAL:
        return KK_EXIT_USAGE;
    default:
        return KK_EXIT_ERROR;
    }
}

int kk_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, PROGRAM ": error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '" PROGRAM " %s%s--help' for more information.\n", command ? command : "",
            command ? " " : "");
    return KK_EXIT_USAGE;
}

int kk_cli_bad_option(const char *command, int argc, char **argv)
{
    int at = optind < argc && argv[optind][0] == '-' ? optind : optind - 1;
    const char *bad = at > 0 && at < argc ? argv[at] : "?";
    if (bad[0] == '-' && bad[1] != '-' && (unsigned char)bad[1] >= 0x80)
        return kk_cli_usage_error(command, "'%s' reads as an option; to exclude a word, put the "
                                  "query after --: %s -- %s", bad, command ? command : "search", bad);
    return kk_cli_usage_error(command, "unknown option '%s'", bad);
}

static int json_out_of_memory(void)
{
    fprintf(stderr, PROGRAM ": error: out of memory writing JSON\n");
    return KK_EXIT_ERROR;
}

int kk_cli_print_json(json_t *o)
{
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!line)
        return json_out_of_memory();
    printf("%s\n", line);
    free(line);
    return KK_EXIT_OK;
}

int kk_cli_print_built(kk_json_builder build, const void *what)
{
    kk_buf line = {0};
    kk_status st = kk_json_append(build, what, &line);
    if (st == KK_OK)
        st = kk_buf_addc(&line, '\n');
    if (st == KK_OK)
        fwrite(line.data, 1, line.len, stdout);
    kk_buf_free(&line);
    return st == KK_OK ? KK_EXIT_OK : json_out_of_memory();
}

kk_searcher *kk_cli_open(const kk_cli *cli, int *exit_code)
{
    kk_searcher *s = NULL;
    kk_error err = {0};
    if (kk_searcher_open(cli->db_path, &s, &err) != KK_OK) {
        fprintf(stderr, PROGRAM ": error: %s\n", err.message);
        *exit_code = KK_EXIT_ERROR;
        return NULL;
    }
    return s;
}

long kk_cli_number(const char *s, long lo, long hi)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    return v;
}

char *kk_cli_join(int argc, char **argv)
{
    kk_buf b = {0};
    for (int k = 0; k < argc; k++) {
        if ((k && kk_buf_addc(&b, ' ') != KK_OK) || kk_buf_add(&b, argv[k], strlen(argv[k])) != KK_OK) {
            kk_buf_free(&b);
            return NULL;
        }
    }
    return kk_buf_take(&b, NULL);
}
