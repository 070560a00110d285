/* stopwords.c — the stop list of the analysis (indexer/stopwords.txt, compiled in), and the lookup
 * that tells the indexer which words to leave out and the query tool which words carry no topic.
 *
 * Each analyzer reads the list once, normalizing every entry with its own analysis path, so the
 * file may be written in any width or spelling variant and still match the words kk_analyze
 * produces. The words sit in a small open-addressing hash table: kk_analyze asks it about every
 * word it makes, and a hash probe is a handful of instructions where a binary search over the list
 * would be a dozen string compares.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

/* The slot holding word, or the empty slot where it belongs. */
static size_t find_slot(const kk_stopwords *s, const char *word, size_t len, uint32_t hash)
{
    size_t mask = s->n_slots - 1, k = hash & mask;
    for (; s->slots[k].len; k = (k + 1) & mask) {
        const kk_stopword_slot *e = &s->slots[k];
        if (e->hash == hash && e->len == len && memcmp(s->bytes.data + e->at, word, len) == 0)
            break;
    }
    return k;
}

/* Add one normalized word (once: the file may repeat an entry, or two entries fold to one). The
 * table was made for as many words as the file has lines, so there is always an empty slot. */
static kk_status add_word(kk_stopwords *s, const char *word, size_t len)
{
    uint32_t hash = kk_hash_bytes(word, len);
    size_t k = find_slot(s, word, len, hash);
    if (s->slots[k].len)
        return KK_OK;
    uint32_t at = (uint32_t)s->bytes.len;
    if (kk_buf_add(&s->bytes, word, len) != KK_OK || kk_buf_addc(&s->bytes, '\0') != KK_OK)
        return KK_ENOMEM;
    s->slots[k] = (kk_stopword_slot){hash, at, (uint32_t)len};
    s->n++;
    s->min_len = s->n == 1 || len < s->min_len ? len : s->min_len;
    s->max_len = len > s->max_len ? len : s->max_len;
    return KK_OK;
}

/* A table at most half full for lines words: probes stay short. */
static kk_status make_slots(kk_stopwords *s, size_t lines)
{
    s->n_slots = 16;
    while (s->n_slots < 2 * lines)
        s->n_slots *= 2;
    s->slots = calloc(s->n_slots, sizeof *s->slots);
    return s->slots ? KK_OK : KK_ENOMEM;
}

/* Normalize one line of the list and add it. */
static kk_status add_line(kk_analyzer *a, const char *line, size_t n, kk_error *err)
{
    char *norm = NULL;
    size_t len = 0;
    kk_status st = kk_normalize(a, line, n, &norm, &len, err);
    if (st == KK_OK && len > 0 && add_word(&a->stopwords, norm, len) != KK_OK)
        st = kk_error_set(err, KK_ENOMEM, "analysis: out of memory reading the stop list");
    free(norm);
    return st;
}

kk_status kk_stopwords_init(kk_analyzer *a, const char *text, size_t len, kk_error *err)
{
    size_t lines = 1, pos = 0;
    for (size_t k = 0; k < len; k++)
        lines += text[k] == '\n';
    if (make_slots(&a->stopwords, lines) != KK_OK)
        return kk_error_set(err, KK_ENOMEM, "analysis: out of memory reading the stop list");
    kk_status st = KK_OK;
    while (st == KK_OK && pos < len) {
        const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + 1;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n > 0 && line[0] != '#')
            st = add_line(a, line, n, err);
    }
    return st;
}

void kk_stopwords_free(kk_stopwords *s)
{
    kk_buf_free(&s->bytes);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

int kk_analyzer_is_stopword(const kk_analyzer *a, const char *word, size_t len)
{
    const kk_stopwords *s = &a->stopwords;
    if (len < s->min_len || len > s->max_len) /* also an empty list */
        return 0;
    return s->slots[find_slot(s, word, len, kk_hash_bytes(word, len))].len != 0;
}
