/* cli.h — what keikaku-query's subcommands share: exit codes, the open database, error
 * messages, colour and number parsing. Each subcommand lives in its own cmd_*.c file.
 */
#ifndef KK_CLI_H
#define KK_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "kk_json.h"
#include "kk_query.h"

#define PROGRAM "keikaku-query"

/* Exit codes (documented in --help and the README). */
enum {
    KK_EXIT_OK = 0,      /* done, results or not */
    KK_EXIT_ERROR = 1,   /* the database is missing, damaged or unreadable; an I/O error */
    KK_EXIT_USAGE = 2,   /* bad options or a malformed query */
};

typedef struct kk_cli {
    const char *db_path;
    int color; /* colour escapes on stdout */
} kk_cli;

/* Print "keikaku-query: error: MESSAGE" and return the exit code for status. */
int kk_cli_fail(const kk_error *err);

/* Print a usage error with a hint to --help and return KK_EXIT_USAGE. */
int kk_cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Report the option getopt_long just rejected (argv as given to it) and return KK_EXIT_USAGE.
 * A query word starting with '-' (an exclusion) looks like an option: the message says to put
 * the query after "--". Subcommands set opterr = 0 so that getopt prints nothing itself. */
int kk_cli_bad_option(const char *command, int argc, char **argv);

/* Print o as one line of compact JSON and release it; o may be NULL (out of memory), which is
 * reported. Returns KK_EXIT_OK or KK_EXIT_ERROR. */
int kk_cli_print_json(json_t *o);

/* Print, as kk_cli_print_json does, the tree build makes of what (through kk_json_append, which
 * checks each string once). */
int kk_cli_print_built(kk_json_builder build, const void *what);

/* Open the database for a subcommand; on failure print the error and return NULL. */
kk_searcher *kk_cli_open(const kk_cli *cli, int *exit_code);

/* Parse a whole unsigned number within [lo, hi]; -1 if it is not one. */
long kk_cli_number(const char *s, long lo, long hi);

/* Join argv[0..argc) with single spaces (the words of a query); caller frees. */
char *kk_cli_join(int argc, char **argv);

/* Subcommands: argv[0] is the subcommand's name. */
int kk_cmd_search(const kk_cli *cli, int argc, char **argv);
int kk_cmd_compare(const kk_cli *cli, int argc, char **argv);
int kk_cmd_trend(const kk_cli *cli, int argc, char **argv);
int kk_cmd_show(const kk_cli *cli, int argc, char **argv);
int kk_cmd_related(const kk_cli *cli, int argc, char **argv);
int kk_cmd_serve(const kk_cli *cli, int argc, char **argv);

#endif
