/* cmd_related.c — `keikaku-query related`: the individual plans that carry out a policy of the
 * basic plan, or (--plan) the policies an individual plan serves, with their evidence. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kk_related.h"

typedef struct related_args {
    unsigned limit;
    int json;
    const char *plan;
    char *subject;
} related_args;

static void related_usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [--db DIR] related [OPTION]... POLICY...\n"
            "   or: " PROGRAM " [--db DIR] related [OPTION]... --plan PLAN\n"
            "List the individual plans (個別計画) that carry out a policy (施策) of the basic\n"
            "plan, best first, with the passages that show it and the key terms they share.\n"
            "POLICY is a section number (6-3-1, or a prefix such as 6-1), words of its heading\n"
            "(男女共同参画社会の形成) or a passage id from search output (mitaka/004_….txt:98).\n"
            "With --plan, list the policies that PLAN (a plan name, with or without its\n"
            "version: 地域情報化プラン2022) serves instead.\n\n"
            "  -p, --plan PLAN   the policies an individual plan serves\n"
            "  -n, --limit N     show N results (default %d, at most %d)\n"
            "  -j, --json        print one JSON object (the web API's form)\n"
            "  -h, --help        show this help and exit\n\n"
            "Exit status: 0 done (with or without links), 1 no such policy or plan, or a\n"
            "database error, 2 usage error.\n",
            KK_RELATED_DEFAULT_LIMIT, KK_RELATED_MAX_LIMIT);
}

static int parse_related_args(related_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"plan", required_argument, NULL, 'p'}, {"limit", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    long v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+p:n:jh", options, NULL)) != -1) {
        switch (opt) {
        case 'p': a->plan = optarg; break;
        case 'n':
            if ((v = kk_cli_number(optarg, 1, KK_RELATED_MAX_LIMIT)) < 0)
                return kk_cli_usage_error("related", "--limit: '%s' is not a number from 1 to %d",
                                          optarg, KK_RELATED_MAX_LIMIT);
            a->limit = (unsigned)v;
            break;
        case 'j': a->json = 1; break;
        case 'h': related_usage(stdout); return KK_EXIT_OK;
        default: return kk_cli_bad_option("related", argc, argv);
        }
    }
    if (a->plan && optind < argc)
        return kk_cli_usage_error("related", "give a POLICY or --plan PLAN, not both");
    if (!a->plan && optind >= argc)
        return kk_cli_usage_error("related", "no POLICY (or --plan PLAN)");
    if (a->plan && !*a->plan)
        return kk_cli_usage_error("related", "--plan: empty plan name");
    a->subject = a->plan ? strdup(a->plan) : kk_cli_join(argc - optind, argv + optind);
    return a->subject ? -1 : KK_EXIT_ERROR;
}

static int print_json(const kk_related *r)
{
    return kk_cli_print_json(kk_related_to_json(r));
}

/* Versions as "label year (doc)", with the version's own name when it is not the current one
 * (行財政改革アクションプラン2022 策定 before 新・行財政改革アクションプラン2022). */
static void print_versions(const char *current, const kk_related_version *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        printf("%s", k ? "; " : "");
        if (v[k].name && (!v[k].label || (current && strcmp(current, v[k].name) != 0)))
            printf("%s%s", v[k].name, v[k].label ? " " : "");
        printf("%s", v[k].label ? v[k].label : "");
        if (v[k].year)
            printf(" %d年度", v[k].year);
        printf(" (%s)", v[k].doc ? v[k].doc : "?");
    }
}

/* Key terms shown on a terminal: one line's worth; --json has them all. */
#define SHOWN_TERMS 12

static void print_terms(const char *label, char *const *terms, size_t n)
{
    if (n == 0)
        return;
    printf("%s", label);
    for (size_t k = 0; k < n && k < SHOWN_TERMS; k++)
        printf("%s%s", k ? "、" : "", terms[k]);
    printf("%s\n", n > SHOWN_TERMS ? " …" : "");
}

static void print_evidence(const kk_cli *cli, const kk_related_evidence *e)
{
    const char *dim = cli->color ? "\033[2m" : "", *reset = cli->color ? "\033[0m" : "";
    printf("   %s:%u", e->doc, e->line);
    if (e->year)
        printf("  %d年度", e->year);
    printf("  %s\n", e->kind == KK_EVIDENCE_EXPLICIT ? "names it" : "shares terms");
    if (e->section)
        printf("      %s%s%s\n", dim, e->section, reset);
    char *s = kk_mark_text(e->snippet, e->snippet_marks, e->n_snippet_marks,
                           cli->color ? "\033[1;31m" : "【", cli->color ? "\033[0m" : "】");
    printf("      %s\n", s ? s : e->snippet);
    free(s);
}

static void print_item(const kk_cli *cli, const kk_related_item *item, int policies)
{
    const char *bold = cli->color ? "\033[1m" : "", *reset = cli->color ? "\033[0m" : "";
    printf("%s%u. %s%s%s%s  score %.2f (content %.2f, named %.2f)\n", bold, item->rank,
           policies ? item->key : "", policies ? " " : "", item->name, reset, item->score,
           item->content_score, item->explicit_score);
    if (item->n_versions && !policies) {
        printf("   versions: ");
        print_versions(item->name, item->versions, item->n_versions);
        printf("\n");
    }
    if (item->n_versions == 0 && !policies)
        printf("   (named only: no passages of its own in the index)\n");
    print_terms("   shared terms: ", item->terms, item->n_terms);
    for (size_t k = 0; k < item->n_evidence; k++)
        print_evidence(cli, &item->evidence[k]);
}

static void print_text(const kk_cli *cli, const kk_related *r)
{
    int policies = r->direction == KK_RELATED_PLAN_TO_POLICIES;
    if (policies)
        printf("%s — policies it serves\n", r->name);
    else
        printf("%s %s — individual plans that carry it out\n", r->key, r->name);
    printf("   %zu passage%s; ", r->n_passages, r->n_passages == 1 ? "" : "s");
    print_versions(policies ? r->name : NULL, r->versions, r->n_versions);
    printf("\n");
    print_terms("   key terms: ", r->terms, r->n_terms);
    printf("\n");
    if (r->n == 0)
        printf("no %s linked\n", policies ? "policies" : "individual plans");
    for (size_t k = 0; k < r->n; k++) {
        print_item(cli, &r->items[k], policies);
        printf("\n");
    }
}

int kk_cmd_related(const kk_cli *cli, int argc, char **argv)
{
    related_args a = {0, 0, NULL, NULL};
    int code = parse_related_args(&a, argc, argv);
    if (code >= 0)
        return code;
    kk_searcher *s = kk_cli_open(cli, &code);
    if (s) {
        kk_related_request req = {a.plan ? KK_RELATED_PLAN_TO_POLICIES
                                         : KK_RELATED_POLICY_TO_PLANS,
                                  a.subject, a.limit};
        kk_related *r = NULL;
        kk_error err = {0};
        if (kk_related_find(s, &req, &r, &err) != KK_OK) {
            code = kk_cli_fail(&err);
        } else if (a.json) {
            code = print_json(r);
        } else {
            print_text(cli, r);
            code = KK_EXIT_OK;
        }
        kk_related_free(r);
        kk_searcher_free(s);
    }
    free(a.subject);
    return code;
}
