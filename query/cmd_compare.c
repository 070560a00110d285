/* cmd_compare.c — `keikaku-query compare`: the versions of a plan, a table section, a
 * department's goals or a query's passages, aligned passage by passage with what changed. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kk_compare.h"

/* Unchanged passages are shown by their first characters only: enough to recognise the passage
 * on one 80-column line (a Japanese character takes two columns). */
#define SAME_PREVIEW_CHARS 30

typedef struct compare_args {
    int json;
    kk_compare_request req;
    char *target;
} compare_args;

static void compare_usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [--db DIR] compare [OPTION]... TARGET...\n"
            "Show what a text said in each of its versions and what changed between them.\n"
            "TARGET is a plan (地域情報化プラン2022, plan:地域情報化プラン), a section of a\n"
            "comparison table (6-4-1), a department's goals by fiscal year (企画部, dept:企画部),\n"
            "or any query, whose matching passages are grouped by document. Versions are ordered\n"
            "by fiscal year, then version (策定 before 第1次改定, the current column before the\n"
            "draft); passages are aligned by section, else by similarity.\n\n"
            "  -j, --json              print one JSON object with versions, rows and diffs\n"
            "  -w, --words             diff by words (ICU) rather than characters\n"
            "  -n, --max-versions N    compare at most the N latest versions (default %d)\n"
            "  -h, --help              show this help and exit\n\n"
            "Changes are marked [+inserted+] and [-deleted-] (in colour on a terminal).\n",
            KK_COMPARE_DEFAULT_MAX_VERSIONS);
}

static int parse_compare_args(compare_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},  {"words", no_argument, NULL, 'w'},
        {"max-versions", required_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    long v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+jwn:h", options, NULL)) != -1) {
        switch (opt) {
        case 'j': a->json = 1; break;
        case 'w': a->req.unit = KK_DIFF_WORDS; break;
        case 'n':
            if ((v = kk_cli_number(optarg, 2, 100)) < 0)
                return kk_cli_usage_error("compare", "--max-versions: '%s' is not a number from "
                                          "2 to 100", optarg);
            a->req.max_versions = (unsigned)v;
            break;
        case 'h': compare_usage(stdout); return KK_EXIT_OK;
        default: return kk_cli_bad_option("compare", argc, argv);
        }
    }
    if (optind >= argc)
        return kk_cli_usage_error("compare", "no TARGET");
    a->target = kk_cli_join(argc - optind, argv + optind);
    a->req.target = a->target;
    return a->target ? -1 : KK_EXIT_ERROR;
}

typedef struct style {
    const char *bold, *dim, *reset, *ins_open, *ins_close, *del_open, *del_close;
} style;

static style make_style(int color)
{
    if (color)
        return (style){"\033[1m", "\033[2m", "\033[0m", "\033[32m", "\033[0m", "\033[31;9m",
                       "\033[0m"};
    return (style){"", "", "", "[+", "+]", "[-", "-]"};
}

static void print_version(const style *st, size_t k, const kk_compare_version *v)
{
    char year[32] = "";
    if (v->year)
        snprintf(year, sizeof year, "%d年度", v->year);
    printf("  %s[%zu]%s %s", st->bold, k + 1, st->reset, v->label[0] ? v->label : "(版名なし)");
    if (v->year && strcmp(year, v->label) != 0)
        printf("  %s", year);
    printf("  %s  %zu passage%s\n", v->doc, v->n_passages, v->n_passages == 1 ? "" : "s");
    if (v->title)
        printf("      %s%s%s\n", st->dim, v->title, st->reset);
}

static void print_where(const kk_compare_row *r)
{
    if (r->left)
        printf("%s:%u", r->left->doc, r->left->line);
    if (r->left && r->right)
        printf(" → ");
    if (r->right)
        printf("%s:%u", r->right->doc, r->right->line);
}

/* The first SAME_PREVIEW_CHARS characters of text, with … when cut. */
static void print_preview(const char *text)
{
    size_t k = 0, chars = 0;
    while (text[k] && chars < SAME_PREVIEW_CHARS)
        chars += ((unsigned char)text[++k] & 0xC0) != 0x80;
    printf("%.*s%s\n", (int)k, text, text[k] ? "…" : "");
}

static void print_row(const style *st, const kk_compare_row *r)
{
    static const char marks[] = {'=', '~', '+', '-'};
    printf("%s%c %s%s  %s", st->bold, marks[r->status], kk_row_status_name(r->status), st->reset,
           st->dim);
    print_where(r);
    if (r->status == KK_ROW_CHANGED)
        printf("  similarity %.2f", r->similarity);
    printf("%s\n", st->reset);
    if (r->section)
        printf("  %s%s%s\n", st->dim, r->section, st->reset);
    printf("  ");
    if (r->status == KK_ROW_SAME) {
        print_preview(r->right->text);
    } else if (r->diff) {
        char *s = kk_diff_render(r->diff, st->ins_open, st->ins_close, st->del_open,
                                 st->del_close);
        printf("%s\n", s ? s : r->right->text);
        free(s);
    } else {
        const kk_compare_passage *p = r->right ? r->right : r->left;
        printf("%s%s%s\n", r->right ? st->ins_open : st->del_open, p->text,
               r->right ? st->ins_close : st->del_close);
    }
}

static void print_pair(const style *st, const kk_comparison *c, const kk_compare_pair *p)
{
    const kk_compare_version *o = &c->versions[p->older], *n = &c->versions[p->newer];
    printf("\n%s== [%zu] %s → [%zu] %s: %zu same, %zu changed, %zu added, %zu removed%s\n\n",
           st->bold, p->older + 1, o->label, p->newer + 1, n->label, p->n_same, p->n_changed,
           p->n_added, p->n_removed, st->reset);
    for (size_t k = 0; k < p->n_rows; k++) {
        print_row(st, &p->rows[k]);
        printf("\n");
    }
}

static void print_text(const kk_cli *cli, const kk_comparison *c)
{
    style st = make_style(cli->color);
    printf("%s%s%s (%s): %zu version%s\n", st.bold, c->subject, st.reset,
           kk_compare_kind_name(c->kind), c->n_versions, c->n_versions == 1 ? "" : "s");
    for (size_t k = 0; k < c->n_versions; k++)
        print_version(&st, k, &c->versions[k]);
    if (c->n_versions < 2)
        printf("\nnothing to compare: %s\n",
               c->n_versions ? "only one version was found" : "no passage matches");
    for (size_t k = 0; k < c->n_pairs; k++)
        print_pair(&st, c, &c->pairs[k]);
}

static int print_json(const kk_comparison *c)
{
    return kk_cli_print_json(kk_comparison_to_json(c));
}

int kk_cmd_compare(const kk_cli *cli, int argc, char **argv)
{
    compare_args a = {0};
    a.req.unit = KK_DIFF_CHARS;
    int code = parse_compare_args(&a, argc, argv);
    if (code >= 0)
        return code;
    kk_searcher *s = kk_cli_open(cli, &code);
    if (s) {
        kk_comparison *c = NULL;
        kk_error err = {0};
        if (kk_compare_run_request(s, &a.req, &c, &err) != KK_OK) {
            code = kk_cli_fail(&err);
        } else if (a.json) {
            code = print_json(c);
        } else {
            print_text(cli, c);
            code = KK_EXIT_OK;
        }
        kk_comparison_free(c);
        kk_searcher_free(s);
    }
    free(a.target);
    return code;
}
