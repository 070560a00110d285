/* cmd_show.c — `keikaku-query show`: one passage with its section path, its neighbours and a
 * citation line, so that a search hit can be read in context and cited (kk_passage.h).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kk_json.h"
#include "kk_passage.h"

typedef struct show_args {
    const char *ref; /* DOC[:LINE] */
    const char *id;  /* --id DOC:ORDINAL */
    unsigned radius;
    int json;
} show_args;

static void show_usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [--db DIR] show [OPTION]... DOC[:LINE]\n"
            "       " PROGRAM " [--db DIR] show [OPTION]... --id ID\n"
            "Print a passage with its section path and metadata, the passages before and after\n"
            "it in its document, and a citation line (document, title, section, year, lines).\n\n"
            "DOC is a document as search prints it (mitaka/004_a90150c5bdbb2000.txt; its file\n"
            "name alone will do when no other document has it) and LINE a line of its source:\n"
            "the passage holding that line is shown (the first passage without LINE), so the\n"
            "DOC:LINE of a search result can be pasted as it is. ID is the \"id\" field of\n"
            "search --json (DOC:ORDINAL, the passage's number in its document).\n\n"
            "  -i, --id ID        show the passage with this id\n"
            "  -C, --context N    show N passages before and after it (default 1, at most %d)\n"
            "  -j, --json         print one JSON object: passage, citation, before, after\n"
            "  -h, --help         show this help and exit\n\n"
            "Exit status: 0 shown, 1 no such document or a database error, 2 usage error.\n",
            KK_PASSAGE_MAX_RADIUS);
}

static int parse_show_args(show_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"id", required_argument, NULL, 'i'}, {"context", required_argument, NULL, 'C'},
        {"json", no_argument, NULL, 'j'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    long v;
    optind = 0; /* 0, not 1: GNU getopt re-reads the option string (main's "+" stops at the
                 * first operand; options may follow DOC[:LINE] here) */
    while ((opt = getopt_long(argc, argv, "i:C:jh", options, NULL)) != -1) {
        switch (opt) {
        case 'i': a->id = optarg; break;
        case 'C':
            if ((v = kk_cli_number(optarg, 0, KK_PASSAGE_MAX_RADIUS)) < 0)
                return kk_cli_usage_error("show", "--context: '%s' is not a number from 0 to %d",
                                          optarg, KK_PASSAGE_MAX_RADIUS);
            a->radius = (unsigned)v;
            break;
        case 'j': a->json = 1; break;
        case 'h': show_usage(stdout); return KK_EXIT_OK;
        default: return kk_cli_bad_option("show", argc, argv);
        }
    }
    if (a->id && optind < argc)
        return kk_cli_usage_error("show", "give either --id ID or DOC[:LINE], not both");
    if (!a->id && optind >= argc)
        return kk_cli_usage_error("show", "no DOC[:LINE]");
    if (optind + 1 < argc)
        return kk_cli_usage_error("show", "one DOC[:LINE] at a time ('%s' is extra)",
                                  argv[optind + 1]);
    a->ref = a->id ? NULL : argv[optind];
    return -1;
}

static kk_status lookup(kk_searcher *s, const show_args *a, kk_passage_context **c,
                        kk_error *err)
{
    if (a->id)
        return kk_passage_by_id(s, a->id, a->radius, c, err);
    size_t doc_len = 0;
    unsigned line = 0;
    if (kk_passage_split_ref(a->ref, &doc_len, &line) != 0)
        return kk_passage_at_line(s, a->ref, 0, a->radius, c, err);
    char *doc = strndup(a->ref, doc_len);
    if (!doc)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = kk_passage_at_line(s, doc, line, a->radius, c, err);
    free(doc);
    return st;
}

static void print_lines(const kk_passage_info *p)
{
    if (p->lines > 1)
        printf("%s:%u–%u", p->doc, p->line, p->line + p->lines - 1);
    else
        printf("%s:%u", p->doc, p->line);
}

static void print_neighbour(const kk_cli *cli, const kk_passage_info *p)
{
    const char *dim = cli->color ? "\033[2m" : "", *reset = cli->color ? "\033[0m" : "";
    printf("%s", dim);
    print_lines(p);
    if (p->version)
        printf("  [%s]", p->version);
    printf("\n%s%s\n\n", p->text, reset);
}

static void print_meta(const kk_passage_info *p)
{
    if (p->title)
        printf("『%s』\n", p->title);
    if (p->section)
        printf("%s\n", p->section);
    const char *labels[] = {"部", p->dept, "担当", p->office, "発言", p->speaker, "日付", p->date,
                            "市", p->city};
    int any = 0;
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k += 2)
        if (labels[k + 1])
            printf("%s%s: %s", any++ ? "  " : "", labels[k], labels[k + 1]);
    if (p->n_plans)
        printf("%s計画: ", any++ ? "  " : "");
    for (size_t k = 0; k < p->n_plans; k++)
        printf("%s%s", k ? "、" : "", p->plans[k]);
    if (any)
        printf("\n");
}

static void print_text(const kk_cli *cli, const kk_passage_context *c)
{
    const char *bold = cli->color ? "\033[1m" : "", *reset = cli->color ? "\033[0m" : "";
    for (size_t k = 0; k < c->n_before; k++)
        print_neighbour(cli, &c->before[k]);
    const kk_passage_info *p = &c->passage;
    printf("%s", bold);
    print_lines(p);
    printf("%s", reset);
    if (p->year)
        printf("  %d年度", p->year);
    if (p->kind)
        printf("  %s", p->kind);
    if (p->version)
        printf("  [%s]", p->version);
    printf("\n");
    print_meta(p);
    printf("\n%s\n\n", p->text);
    for (size_t k = 0; k < c->n_after; k++)
        print_neighbour(cli, &c->after[k]);
    printf("%s\n", c->citation);
}

static int print_json(const kk_passage_context *c)
{
    return kk_cli_print_json(kk_passage_context_to_json(c));
}

int kk_cmd_show(const kk_cli *cli, int argc, char **argv)
{
    show_args a = {NULL, NULL, 1, 0};
    int code = parse_show_args(&a, argc, argv);
    if (code >= 0)
        return code;
    kk_searcher *s = kk_cli_open(cli, &code);
    if (!s)
        return code;
    kk_passage_context *c = NULL;
    kk_error err = {0};
    if (lookup(s, &a, &c, &err) != KK_OK) {
        code = kk_cli_fail(&err);
    } else if (a.json) {
        code = print_json(c);
    } else {
        print_text(cli, c);
        code = KK_EXIT_OK;
    }
    kk_passage_context_free(c);
    kk_searcher_free(s);
    return code;
}
