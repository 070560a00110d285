/* main.c — keikaku-query: the command-line front of the query library.
 *
 * Parses the global options, dispatches to a subcommand (cmd_*.c), and checks that standard
 * output was written and closed without error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_DB "keikaku.db"

typedef struct command {
    const char *name;
    int (*run)(const kk_cli *cli, int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"search", kk_cmd_search, "ranked passages for a query"},
    {"compare", kk_cmd_compare, "versions of a plan or section, aligned, with changes"},
    {"trend", kk_cmd_trend, "matching passages and documents per fiscal year"},
    {"show", kk_cmd_show, "a passage in context, with a citation line"},
    {"related", kk_cmd_related, "individual plans carrying out a policy, and back"},
    {"serve", kk_cmd_serve, "search pages and a JSON API for a web browser"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: " PROGRAM " [--db DIR] COMMAND [OPTION]... [ARG]...\n"
                 "Search a keikaku database of municipal plans.\n\nCommands:\n");
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        fprintf(out, "  %-10s %s\n", commands[k].name, commands[k].summary);
    fprintf(out,
            "\nOptions:\n"
            "  -d, --db DIR       database folder (default: $KEIKAKU_DB or ./" DEFAULT_DB ")\n"
            "      --color WHEN   colour the output: auto (on a terminal), always, never\n"
            "  -h, --help         show this help and exit ('COMMAND --help' for a command)\n"
            "  -V, --version      show the version and exit\n\n"
            "Exit status: 0 done (with or without results), 1 database or I/O error,\n"
            "2 usage error or malformed query.\n");
}

static int parse_color(const char *arg, int *color)
{
    if (strcmp(arg, "auto") == 0)
        *color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    else if (strcmp(arg, "always") == 0)
        *color = 1;
    else if (strcmp(arg, "never") == 0)
        *color = 0;
    else
        return -1;
    return 0;
}

/* Returns -1 to go on with the command at argv[optind], or an exit code. */
static int parse_global(kk_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'}, {"color", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},     {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "+d:hV", options, NULL)) != -1) {
        switch (opt) {
        case 'd': cli->db_path = optarg; break;
        case 'c':
            if (parse_color(optarg, &cli->color) == 0)
                break;
            return kk_cli_usage_error(NULL, "--color: '%s' is not auto, always or never", optarg);
        case 'h': usage(stdout); return KK_EXIT_OK;
        case 'V': printf(PROGRAM " " KK_VERSION "\n"); return KK_EXIT_OK;
        default: return kk_cli_bad_option(NULL, argc, argv);
        }
    }
    if (optind >= argc)
        return kk_cli_usage_error(NULL, "no COMMAND");
    return -1;
}

static int run_command(const kk_cli *cli, int argc, char **argv)
{
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[0], commands[k].name) == 0)
            return commands[k].run(cli, argc, argv);
    return kk_cli_usage_error(NULL, "unknown command '%s'", argv[0]);
}

int main(int argc, char **argv)
{
    kk_cli cli = {getenv("KEIKAKU_DB") ? getenv("KEIKAKU_DB") : DEFAULT_DB, 0};
    parse_color("auto", &cli.color);
    opterr = 0; /* options are reported by kk_cli_bad_option, whole and with a hint */
    int code = parse_global(&cli, argc, argv);
    if (code < 0)
        code = run_command(&cli, argc - optind, argv + optind);
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, PROGRAM ": error: writing output: %s\n", strerror(errno));
        return code ? code : KK_EXIT_ERROR;
    }
    return code;
}
