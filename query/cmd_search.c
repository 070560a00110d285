/* cmd_search.c — `keikaku-query search`: ranked passages for a query, as text or JSON Lines. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kk_json.h"

typedef struct search_args {
    unsigned limit, offset;
    int json, facets, explain;
    unsigned fields; /* of each hit in --json, KK_HIT_BIT()s; 0 for all */
    char *query;
} search_args;

static void search_usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [--db DIR] search [OPTION]... QUERY...\n"
            "Find passages for QUERY: natural Japanese with or without spaces, \"quoted phrases\"\n"
            "for exact wording, OR between alternatives, -word to exclude, and filters\n"
            "year:2019, year:2012..2019, year:令和元年度, kind:個別計画, dept:企画部,\n"
            "plan:地域情報化プラン, city:倉敷市, doc:mitaka/.\n\n"
            "  -n, --limit N     show N passages (default 10, at most 1000)\n"
            "  -o, --offset N    skip the first N passages (paging)\n"
            "  -j, --json        print JSON Lines, one object per passage, best first\n"
            "  -F, --fields LIST with --json, only these fields of each passage, e.g.\n"
            "                    doc,line,snippet (see the README for the names)\n"
            "  -f, --facets      also count passages per year, kind, department and city\n"
            "  -x, --explain     show how the query is understood instead of searching\n"
            "  -h, --help        show this help and exit\n");
}

static int parse_search_args(search_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"limit", required_argument, NULL, 'n'}, {"offset", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, 'j'},        {"facets", no_argument, NULL, 'f'},
        {"explain", no_argument, NULL, 'x'},     {"fields", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    long v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+n:o:jfxF:h", options, NULL)) != -1) {
        switch (opt) {
        case 'n':
            if ((v = kk_cli_number(optarg, 1, 1000)) < 0)
                return kk_cli_usage_error("search", "--limit: '%s' is not a number from 1 to 1000",
                                          optarg);
            a->limit = (unsigned)v;
            break;
        case 'o':
            if ((v = kk_cli_number(optarg, 0, 100000)) < 0)
                return kk_cli_usage_error("search", "--offset: '%s' is not a number from 0 to "
                                          "100000", optarg);
            a->offset = (unsigned)v;
            break;
        case 'j': a->json = 1; break;
        case 'f': a->facets = 1; break;
        case 'x': a->explain = 1; break;
        case 'F': {
            kk_error err = {0};
            if (kk_hit_fields_parse(optarg, &a->fields, &err) != KK_OK)
                return kk_cli_usage_error("search", "--%s", err.message);
            break;
        }
        case 'h': search_usage(stdout); return KK_EXIT_OK;
        default: return kk_cli_bad_option("search", argc, argv);
        }
    }
    if (optind >= argc)
        return kk_cli_usage_error("search", "no QUERY");
    if (a->fields && !a->json)
        return kk_cli_usage_error("search", "--fields needs --json");
    a->query = kk_cli_join(argc - optind, argv + optind);
    return a->query ? -1 : KK_EXIT_ERROR;
}

typedef struct shown_hit {
    const kk_hit *hit;
    unsigned fields;
} shown_hit;

static json_t *hit_json(const void *what, kk_json_strings strings)
{
    const shown_hit *s = what;
    return kk_hit_to_json(s->hit, s->fields, strings);
}

static int print_json(const kk_hits *hits, int facets, unsigned fields)
{
    int code = KK_EXIT_OK;
    for (size_t k = 0; code == KK_EXIT_OK && k < hits->n; k++)
        code = kk_cli_print_built(hit_json, &(shown_hit){&hits->hits[k], fields});
    if (code == KK_EXIT_OK && facets)
        code = kk_cli_print_json(
            json_pack("{so}", "facets", kk_facets_to_json(hits, KK_JSON_CHECKED)));
    return code;
}

static void print_hit(const kk_cli *cli, const kk_hit *h)
{
    const char *bold = cli->color ? "\033[1m" : "", *dim = cli->color ? "\033[2m" : "";
    const char *reset = cli->color ? "\033[0m" : "";
    printf("%s%u. %s:%u%s", bold, h->rank, h->doc, h->line, reset);
    if (h->year)
        printf("  %d年度", h->year);
    if (h->kind)
        printf("  %s", h->kind);
    if (h->version)
        printf("  [%s]", h->version);
    printf("\n");
    const char *where = h->section ? h->section : h->title;
    if (where)
        printf("   %s%s%s\n", dim, where, reset);
    char *s = kk_mark_text(h->snippet, h->snippet_marks, h->n_snippet_marks,
                           cli->color ? "\033[1;31m" : "【", cli->color ? "\033[0m" : "】");
    printf("   %s\n", s ? s : h->snippet);
    free(s);
    for (size_t k = 0; k < h->n_also; k++)
        printf("   %s(same text also in %s:%u)%s\n", dim, h->also[k].doc, h->also[k].line, reset);
}

static void print_facets(const kk_hits *hits)
{
    for (int f = 0; f < KK_FACET_COUNT; f++) {
        if (!hits->n_facets[f])
            continue;
        printf("%s:", kk_facet_field_name((kk_facet_field)f));
        for (size_t k = 0; k < hits->n_facets[f]; k++)
            printf(" %s (%u)", hits->facets[f][k].value, hits->facets[f][k].count);
        printf("\n");
    }
}

static void print_text(const kk_cli *cli, const search_args *a, const kk_hits *hits)
{
    if (hits->n == 0) {
        printf("no passages match: %s\n", a->query);
        return;
    }
    printf("%u passage%s match%s%s\n\n", hits->total, hits->total == 1 ? "" : "s",
           hits->total == 1 ? "es" : "", hits->relaxed ? " (some hold only part of the query)" : "");
    for (size_t k = 0; k < hits->n; k++) {
        print_hit(cli, &hits->hits[k]);
        printf("\n");
    }
    if (a->facets)
        print_facets(hits);
}

static int explain(kk_searcher *s, const char *query)
{
    char *text = NULL;
    kk_error err = {0};
    if (kk_search_explain(s, query, &text, &err) != KK_OK)
        return kk_cli_fail(&err);
    fputs(text, stdout);
    free(text);
    return KK_EXIT_OK;
}

int kk_cmd_search(const kk_cli *cli, int argc, char **argv)
{
    search_args a = {10, 0, 0, 0, 0, 0, NULL};
    int code = parse_search_args(&a, argc, argv);
    if (code >= 0)
        return code;
    kk_searcher *s = kk_cli_open(cli, &code);
    if (s && a.explain) {
        code = explain(s, a.query);
        kk_searcher_free(s);
        s = NULL;
    }
    if (s) {
        kk_search_request req = {a.query, a.offset, a.limit, a.facets, a.fields};
        kk_hits *hits = NULL;
        kk_error err = {0};
        if (kk_search(s, &req, &hits, &err) != KK_OK) {
            code = kk_cli_fail(&err);
        } else if (a.json) {
            code = print_json(hits, a.facets, a.fields);
        } else {
            print_text(cli, &a, hits);
            code = KK_EXIT_OK;
        }
        kk_hits_free(hits);
        kk_searcher_free(s);
    }
    free(a.query);
    return code;
}
