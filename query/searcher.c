/* searcher.c — opening a database for searching: the read-only handle, the analyzer and the
 * stop-word table (see kk_query.h).
 *
 * Checks that the index was built with the analysis rules this program uses, since terms from
 * other rules would silently fail to match.
 */
#include "query_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kk_schema.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load the stop words, normalized the way query words are, so the table may be written in any
 * width. */
static kk_status load_stopwords(kk_searcher *s, kk_error *err)
{
    const char *t = kk_builtin_stopwords;
    size_t len = kk_builtin_stopwords_len, pos = 0, cap = 0;
    while (pos < len) {
        const char *nl = memchr(t + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (t + pos)) : len - pos;
        const char *line = t + pos;
        pos += n + 1;
        if (n == 0 || line[0] == '#')
            continue;
        if (s->n_stopwords == cap) {
            cap = cap ? cap * 2 : 128;
            char **p = realloc(s->stopwords, cap * sizeof *p);
            if (!p)
                return kk_error_set(err, KK_ENOMEM, "out of memory");
            s->stopwords = p;
        }
        size_t out_len = 0;
        kk_status st = kk_normalize(s->analyzer, line, n, &s->stopwords[s->n_stopwords], &out_len,
                                    err);
        if (st != KK_OK)
            return st;
        s->n_stopwords++;
    }
    qsort(s->stopwords, s->n_stopwords, sizeof *s->stopwords, compare_strings);
    return KK_OK;
}

int kk_searcher_is_stopword(const kk_searcher *s, const char *word, size_t len)
{
    size_t lo = 0, hi = s->n_stopwords;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *w = s->stopwords[mid];
        int c = strncmp(w, word, len);
        if (c == 0)
            c = w[len] ? 1 : 0;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static kk_status check_version(kk_searcher *s, const char *path, kk_error *err)
{
    char *seen = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_metadata(s->db, KK_META_ANALYSIS, &seen, &len, err);
    if (st != KK_OK)
        return st;
    int same = len == 0 || strcmp(seen, KK_ANALYSIS_VERSION) == 0;
    free(seen);
    if (!same)
        return kk_error_set(err, KK_EINVAL,
                            "database '%s' was built by another version of keikaku-index; "
                            "index the documents again", path);
    return KK_OK;
}

kk_status kk_searcher_open(const char *path, kk_searcher **out, kk_error *err)
{
    *out = NULL;
    struct stat st_buf;
    if (stat(path, &st_buf) != 0)
        return kk_error_set(err, KK_ENOTFOUND,
                            "no database at '%s' (create one with: keikaku-index --db %s PATH...)",
                            path, path);
    kk_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = kk_db_open_read(path, &s->db, err);
    if (st == KK_OK)
        st = check_version(s, path, err);
    if (st == KK_OK)
        st = kk_analyzer_new(&s->analyzer, err);
    if (st == KK_OK)
        st = load_stopwords(s, err);
    if (st == KK_OK)
        st = kk_db_doc_count(s->db, &s->doc_count, err);
    if (st != KK_OK) {
        kk_searcher_free(s);
        return st;
    }
    *out = s;
    return KK_OK;
}

void kk_searcher_free(kk_searcher *s)
{
    if (!s)
        return;
    kk_db_free(s->db);
    kk_analyzer_free(s->analyzer);
    for (size_t k = 0; k < s->n_stopwords; k++)
        free(s->stopwords[k]);
    free(s->stopwords);
    free(s);
}
