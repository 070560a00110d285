/* trend_scan.c — kk-trend-scan: the plain-text side of tools/trend-check.
 *
 * Reads the passages `keikaku-index --dump` prints (JSON Lines) on standard input and, for each
 * term given as an argument, counts per fiscal year the passages whose text contains the term
 * and the distinct documents they come from — after kk_normalize on both sides, the definition
 * `keikaku-query trend` promises for one term. It never touches an index: it is the exact scan
 * the engine's counts are checked against. Output: one JSON object per term, in the form of
 * kk_trend_to_json (query, passages, documents, years, unknown).
 *
 * Usage: keikaku-index --dump DIR | kk-trend-scan TERM...
 * Exit status: 0 done, 1 unreadable input or out of memory, 2 usage error.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_analysis.h"

/* Fiscal years counted: the Western years any municipal archive can hold. */
#define FIRST_YEAR 1900
#define N_YEARS 200

typedef struct tally {
    const char *term;
    char *needle;                  /* normalized term */
    unsigned passages[N_YEARS + 1];/* last slot: unknown year */
    unsigned documents[N_YEARS + 1];
    long last_doc[N_YEARS + 1];    /* index of the last document counted in each slot */
    unsigned all_passages, all_documents;
    long last_any_doc;
} tally;

/* Passages of one document are consecutive in the dump, so a document is new to a slot when its
 * index differs from the slot's last one. */
static void count(tally *t, int year, long doc_index)
{
    size_t slot = year >= FIRST_YEAR && year < FIRST_YEAR + N_YEARS ? (size_t)(year - FIRST_YEAR)
                                                                    : N_YEARS;
    t->passages[slot]++;
    t->all_passages++;
    if (t->last_doc[slot] != doc_index) {
        t->documents[slot]++;
        t->last_doc[slot] = doc_index;
    }
    if (t->last_any_doc != doc_index) {
        t->all_documents++;
        t->last_any_doc = doc_index;
    }
}

static int print_tally(const tally *t)
{
    json_t *years = json_array();
    for (size_t k = 0; years && k < N_YEARS; k++)
        if (t->passages[k])
            json_array_append_new(years, json_pack("{s:i, s:i, s:i}", "year",
                                                   (int)(FIRST_YEAR + k), "passages",
                                                   (int)t->passages[k], "documents",
                                                   (int)t->documents[k]));
    json_t *o = json_pack("{s:s, s:i, s:i, s:o, s:{s:i, s:i}}", "query", t->term, "passages",
                          (int)t->all_passages, "documents", (int)t->all_documents, "years",
                          years, "unknown", "passages", (int)t->passages[N_YEARS], "documents",
                          (int)t->documents[N_YEARS]);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return -1;
    printf("%s\n", s);
    free(s);
    return 0;
}

/* Scan one passage (a line of the dump) for every term. */
static int scan_line(kk_analyzer *a, const char *line, size_t len, tally *t, int n,
                     char **last_doc, long *doc_index)
{
    json_t *o = json_loadb(line, len, 0, NULL);
    const char *text = json_string_value(json_object_get(o, "text"));
    const char *doc = json_string_value(json_object_get(o, "doc"));
    if (!o || !text || !doc) {
        json_decref(o);
        return -1;
    }
    if (!*last_doc || strcmp(*last_doc, doc) != 0) {
        free(*last_doc);
        *last_doc = strdup(doc);
        (*doc_index)++;
    }
    int year = (int)json_integer_value(json_object_get(o, "year"));
    char *norm = NULL;
    size_t norm_len = 0;
    int rc = kk_normalize(a, text, strlen(text), &norm, &norm_len, NULL) == KK_OK ? 0 : -1;
    for (int k = 0; rc == 0 && k < n; k++)
        if (strstr(norm, t[k].needle))
            count(&t[k], year, *doc_index);
    free(norm);
    json_decref(o);
    return rc;
}

static int scan(kk_analyzer *a, tally *t, int n)
{
    char *line = NULL, *last_doc = NULL;
    size_t cap = 0;
    ssize_t len;
    long doc_index = 0, line_no = 0;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, stdin)) > 0) {
        line_no++;
        if ((rc = scan_line(a, line, (size_t)len, t, n, &last_doc, &doc_index)) != 0)
            fprintf(stderr, "kk-trend-scan: error: input line %ld is not a passage\n", line_no);
    }
    free(line);
    free(last_doc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "Usage: keikaku-index --dump DIR | kk-trend-scan TERM...\n"
                "Count per fiscal year the passages whose normalized text contains each TERM.\n");
        return argc < 2 ? 2 : 0;
    }
    kk_analyzer *a = NULL;
    kk_error err = {0};
    if (kk_analyzer_new(&a, &err) != KK_OK) {
        fprintf(stderr, "kk-trend-scan: error: %s\n", err.message);
        return 1;
    }
    int n = argc - 1, rc = 0;
    tally *t = calloc((size_t)n, sizeof *t);
    for (int k = 0; t && rc == 0 && k < n; k++) {
        size_t len = 0;
        t[k].term = argv[k + 1];
        t[k].last_any_doc = -1;
        for (size_t s = 0; s <= N_YEARS; s++)
            t[k].last_doc[s] = -1;
        rc = kk_normalize(a, argv[k + 1], strlen(argv[k + 1]), &t[k].needle, &len, &err);
    }
    if (!t || rc != 0 || scan(a, t, n) != 0)
        rc = 1;
    for (int k = 0; t && rc == 0 && k < n; k++)
        rc = print_tally(&t[k]) ? 1 : 0;
    for (int k = 0; t && k < n; k++)
        free(t[k].needle);
    free(t);
    kk_analyzer_free(a);
    return rc;
}
