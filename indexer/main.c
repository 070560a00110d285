/* main.c — keikaku-index: the command-line front of the indexer.
 *
 * Parses options, prints progress (on a terminal only), problems and the summary, and maps the
 * result to an exit code. All the work is kk_run_index's.
 *
 * Exit codes: 0 the index is up to date (files that could not be read are listed and counted but
 * do not fail the run); 1 the job failed (database locked, damaged, unwritable …), the index
 * holding the files committed before the failure; 2 misuse of the command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kk_run.h"

#define PROGRAM "keikaku-index"
#define DEFAULT_DB "keikaku.db"

typedef struct cli {
    kk_run_opts run;
    const char **synonyms;
    size_t n_synonyms;
    int quiet, dump, progress_shown;
} cli;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [OPTION]... PATH...\n"
            "Index the documents under each PATH (files or folders) into a keikaku database.\n"
            "Reads .txt (UTF-8, Shift_JIS, EUC-JP, UTF-16; HTML markup stripped), .html and\n"
            ".csv (bulletin export with a header row). Unchanged files are skipped; passages of\n"
            "files deleted under PATH are removed.\n\n"
            "  -d, --db DIR          database folder (default: $KEIKAKU_DB or ./" DEFAULT_DB ")\n"
            "  -s, --synonyms FILE   add a synonym table (TSV, one group of equivalents per\n"
            "                        line) to the built-in one; may be repeated\n"
            "  -f, --force           reindex every file, changed or not\n"
            "  -w, --wait SECONDS    wait this long for another indexer to finish (default 0)\n"
            "  -b, --batch N         commit after every N passages (default 20000); a crash\n"
            "                        loses at most the files of the open batch\n"
            "      --dump            print the passages as JSON Lines instead of indexing\n"
            "  -q, --quiet           print nothing but errors\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n\n"
            "Exit status: 0 index up to date (unreadable files are reported, not fatal),\n"
            "1 the run failed, 2 usage error.\n");
}

static void on_progress(size_t done, size_t total, const char *doc, void *ctx)
{
    cli *c = ctx;
    if (c->quiet || !isatty(STDERR_FILENO))
        return;
    fprintf(stderr, "\r\033[K[%zu/%zu] %.60s", done, total, doc);
    c->progress_shown = 1;
}

static void on_problem(const char *message, void *ctx)
{
    cli *c = ctx;
    if (c->progress_shown) {
        fputs("\r\033[K", stderr);
        c->progress_shown = 0;
    }
    if (!c->quiet)
        fprintf(stderr, PROGRAM ": warning: %s\n", message);
}

static void print_summary(const cli *c, const kk_run_stats *s)
{
    if (c->progress_shown)
        fputs("\r\033[K", stderr);
    if (c->quiet)
        return;
    FILE *out = c->dump ? stderr : stdout;
    fprintf(out, "%s %zu file%s (%zu passages), %zu unchanged, %zu removed, %zu skipped",
            c->dump ? "read" : "indexed", s->files_indexed, s->files_indexed == 1 ? "" : "s",
            s->passages, s->files_unchanged, s->files_removed, s->files_skipped);
    const char *sep = " (";
    for (int r = 0; r < KK_SKIP_COUNT; r++) {
        if (!s->skipped[r])
            continue;
        fprintf(out, "%s%s: %zu", sep, kk_skip_reason_name((kk_skip_reason)r), s->skipped[r]);
        sep = ", ";
    }
    fprintf(out, "%s, %zu warning%s, %.2f s\n", *sep == ',' ? ")" : "", s->warnings,
            s->warnings == 1 ? "" : "s", s->seconds);
}

static int parse_wait(const char *arg, unsigned *ms)
{
    char *end = NULL;
    errno = 0;
    double seconds = strtod(arg, &end);
    if (errno || end == arg || *end || seconds < 0 || seconds > 86400)
        return -1;
    *ms = (unsigned)(seconds * 1000);
    return 0;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(cli *c, int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},   {"synonyms", required_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'},      {"wait", required_argument, NULL, 'w'},
        {"dump", no_argument, NULL, 'D'},       {"quiet", no_argument, NULL, 'q'},
        {"batch", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},       {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "d:s:fw:b:qhV", options, NULL)) != -1) {
        switch (opt) {
        case 'd': c->run.db_path = optarg; break;
        case 's': c->synonyms[c->n_synonyms++] = optarg; break;
        case 'f': c->run.force = 1; break;
        case 'D': c->dump = 1; break;
        case 'q': c->quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf(PROGRAM " " KK_VERSION "\n"); return 0;
        case 'b': {
            char *end = NULL;
            unsigned long n = strtoul(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > 10000000) {
                fprintf(stderr, PROGRAM ": error: --batch: '%s' is not a number from 1 to "
                                "10000000\n", optarg);
                return 2;
            }
            c->run.batch_passages = n;
            break;
        }
        case 'w':
            if (parse_wait(optarg, &c->run.lock_wait_ms) == 0)
                break;
            fprintf(stderr, PROGRAM ": error: --wait: '%s' is not a number of seconds\n", optarg);
            return 2;
        default:
            fprintf(stderr, "Try '" PROGRAM " --help' for more information.\n");
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, PROGRAM ": error: no PATH to index\n"
                        "Try '" PROGRAM " --help' for more information.\n");
        return 2;
    }
    c->run.roots = (const char *const *)argv + optind;
    c->run.n_roots = (size_t)(argc - optind);
    c->run.synonym_files = c->synonyms;
    c->run.n_synonym_files = c->n_synonyms;
    return -1;
}

static int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, PROGRAM ": error: writing output: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cli c = {0};
    c.synonyms = calloc((size_t)argc, sizeof *c.synonyms);
    if (!c.synonyms)
        return 1;
    c.run.db_path = getenv("KEIKAKU_DB") ? getenv("KEIKAKU_DB") : DEFAULT_DB;
    c.run.progress = on_progress;
    c.run.problem = on_problem;
    c.run.ctx = &c;
    int code = parse_args(&c, argc, argv);
    if (code < 0) {
        kk_run_stats stats;
        kk_error err = {0};
        kk_status st = c.dump ? kk_run_dump(&c.run, stdout, &stats, &err)
                              : kk_run_index(&c.run, &stats, &err);
        if (st == KK_OK) {
            print_summary(&c, &stats);
        } else {
            /* A summary would read as success ("indexed 0 files"); the error is the news. */
            if (c.progress_shown)
                fputs("\r\033[K", stderr);
            fprintf(stderr, PROGRAM ": error: %s\n", err.message);
        }
        code = st == KK_OK ? 0 : 1;
    }
    free(c.synonyms);
    int out = finish_stdout();
    return code ? code : out;
}
