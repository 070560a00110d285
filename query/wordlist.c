/* wordlist.c — sorted lists of normalized words read from an embedded data file (boilerplate; the
 * stop words belong to the analysis, kk_analysis.h), looked up by binary search (see
 * query_internal.h).
 *
 * Entries are normalized with the shared analysis path, so a list may be written in any width
 * or spelling variant and still match the words kk_analyze produces.
 */
#include "query_internal.h"

#include <stdlib.h>
#include <string.h>

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

kk_status kk_wordlist_load(kk_wordlist *l, kk_analyzer *a, const char *text, size_t len,
                           kk_error *err)
{
    size_t pos = 0, lines = 1;
    for (size_t k = 0; k < len; k++)
        lines += text[k] == '\n';
    memset(l, 0, sizeof *l);
    if ((l->words = calloc(lines, sizeof *l->words)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    while (pos < len) {
        const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos, out_len = 0;
        pos += n + 1;
        if (n == 0 || line[0] == '#')
            continue;
        kk_status st = kk_normalize(a, line, n, &l->words[l->n], &out_len, err);
        if (st != KK_OK)
            return st;
        l->n++;
    }
    qsort(l->words, l->n, sizeof *l->words, compare_strings);
    return KK_OK;
}

int kk_wordlist_has(const kk_wordlist *l, const char *word, size_t len)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *w = l->words[mid];
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

void kk_wordlist_free(kk_wordlist *l)
{
    for (size_t k = 0; k < l->n; k++)
        free(l->words[k]);
    free(l->words);
    memset(l, 0, sizeof *l);
}
