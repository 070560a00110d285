/* cmd_trend.c — `keikaku-query trend`: matching passages and documents per fiscal year, as a bar
 * chart on the terminal or JSON. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "kk_trend.h"

/* Columns when stdout is not a terminal (or its width is unknown): the classic terminal. */
#define DEFAULT_WIDTH 80
/* Columns beside the bar: "2019  " before it, " 12345 passages  1234 docs" after it. */
#define LABEL_COLUMNS 8
#define COUNT_COLUMNS 26
/* A gap of more than this many years between the first and last year is listed by year with
 * matches only; a contiguous axis would be mostly empty rows. */
#define MAX_AXIS_YEARS 60

typedef struct trend_args {
    int json;
    char *query;
} trend_args;

static void trend_usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [--db DIR] trend [OPTION]... QUERY...\n"
            "Count the passages and documents matching QUERY in each fiscal year, over the\n"
            "whole database, and draw them as a bar chart. A single term or \"quoted phrase\"\n"
            "(field filters such as kind:会議録 allowed) counts the passages whose text contains\n"
            "it, after the same normalization as search (width, line breaks, variants); other\n"
            "queries count the passages holding every content word.\n\n"
            "  -j, --json   print one JSON object: years with passages and documents\n"
            "  -h, --help   show this help and exit\n");
}

static int parse_trend_args(trend_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+jh", options, NULL)) != -1) {
        switch (opt) {
        case 'j': a->json = 1; break;
        case 'h': trend_usage(stdout); return KK_EXIT_OK;
        default: return kk_cli_bad_option("trend", argc, argv);
        }
    }
    if (optind >= argc)
        return kk_cli_usage_error("trend", "no QUERY");
    a->query = kk_cli_join(argc - optind, argv + optind);
    return a->query ? -1 : KK_EXIT_ERROR;
}

static int terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return DEFAULT_WIDTH;
}

static unsigned bar_length(unsigned count, unsigned max, unsigned width)
{
    if (!count || !max)
        return 0;
    unsigned len = (unsigned)(((unsigned long long)count * width + max - 1) / max);
    return len ? len : 1;
}

static void print_bar(const char *label, unsigned passages, unsigned documents, unsigned max,
                      unsigned width, const char *on, const char *off)
{
    unsigned len = bar_length(passages, max, width);
    if (!passages) { /* a year without matches: its row shows the gap */
        printf("%s\n", label);
        return;
    }
    printf("%-*s%s", LABEL_COLUMNS, label, on);
    for (unsigned k = 0; k < len; k++)
        fputs("\xE2\x96\x88", stdout); /* █ */
    printf("%s%*s %6u passage%s %5u doc%s\n", off, (int)(width - len), "", passages,
           passages == 1 ? " " : "s", documents, documents == 1 ? "" : "s");
}

static void print_text(const kk_cli *cli, const kk_trend *t)
{
    const char *on = cli->color ? "\033[36m" : "", *off = cli->color ? "\033[0m" : "";
    printf("%s: %u passage%s in %u document%s (%s)\n\n", t->query, t->passages,
           t->passages == 1 ? "" : "s", t->documents, t->documents == 1 ? "" : "s",
           t->exact ? "text containing it" : "holding every content word");
    if (!t->passages)
        return;
    int width = terminal_width() - LABEL_COLUMNS - COUNT_COLUMNS;
    unsigned bar = width > 10 ? (unsigned)width : 10, max = t->unknown_passages;
    for (size_t k = 0; k < t->n_years; k++)
        max = t->years[k].passages > max ? t->years[k].passages : max;
    int contiguous = t->n_years
                     && t->years[t->n_years - 1].year - t->years[0].year < MAX_AXIS_YEARS;
    size_t k = 0;
    for (int y = t->n_years ? t->years[0].year : 0; k < t->n_years; y++) {
        char label[16];
        snprintf(label, sizeof label, "%d", contiguous ? y : t->years[k].year);
        if (!contiguous || t->years[k].year == y) {
            print_bar(label, t->years[k].passages, t->years[k].documents, max, bar, on, off);
            k++;
        } else {
            print_bar(label, 0, 0, max, bar, on, off);
        }
    }
    if (t->unknown_passages)
        print_bar("unknown", t->unknown_passages, t->unknown_documents, max, bar, on, off);
}

static int print_json(const kk_trend *t)
{
    return kk_cli_print_json(kk_trend_to_json(t));
}

int kk_cmd_trend(const kk_cli *cli, int argc, char **argv)
{
    trend_args a = {0, NULL};
    int code = parse_trend_args(&a, argc, argv);
    if (code >= 0)
        return code;
    kk_searcher *s = kk_cli_open(cli, &code);
    if (s) {
        kk_trend *t = NULL;
        kk_error err = {0};
        if (kk_trend_run(s, a.query, &t, &err) != KK_OK) {
            code = kk_cli_fail(&err);
        } else if (a.json) {
            code = print_json(t);
        } else {
            print_text(cli, t);
            code = KK_EXIT_OK;
        }
        kk_trend_free(t);
        kk_searcher_free(s);
    }
    free(a.query);
    return code;
}
