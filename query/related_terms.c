/* related_terms.c — a subject's key terms and where they occur in a passage.
 *
 * Owns the content side of a link's vocabulary: Xapian's relevance-set expansion over the
 * subject's passages (kk_db_expand), kept to words of the passages' own text — a document's
 * title is indexed on every one of its passages and must not become a key term — and rid of
 * boilerplate, stop words, numbers and single characters. A word of two kanji or katakana is
 * indexed as its bigram (kk_schema.h), so it is expanded over bigram terms. The dictionary splits
 * some administrative compounds into single kanji (協働 → 協|働, whose halves mean nothing
 * alone); such a pair is taken as one word, through its bigram term, and expanded the same way.
 * Counting key terms in a text and marking them use the same analysis path, so what is counted is
 * what is marked. Scoring and evidence are related_score.c's.
 */
#include "related_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

/* Key terms kept, words and kanji pairs together. Measured on corpus/mitaka: with 20 the
 * policies of 004 keep their topic words (男女, 参画, 暴力, 情報, システム, コミュニティ); past 40
 * the tail is words of one passage (慣習, 盆踊り) that link by accident. */
#define KK_RELATED_TERMS 30

/* ---- word sets --------------------------------------------------------------------------- */

typedef struct word_set {
    char **w;
    size_t n, cap;
} word_set;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* strcmp of s against word[0..len). */
static int compare_prefix(const char *s, const char *word, size_t len)
{
    int c = strncmp(s, word, len);
    return c ? c : (s[len] ? 1 : 0);
}

static int word_set_has(const word_set *s, const char *word, size_t len)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = compare_prefix(s->w[mid], word, len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static kk_status word_set_add(word_set *s, const char *word, size_t len, kk_error *err)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        char **p = realloc(s->w, cap * sizeof *p);
        if (!p)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        s->w = p;
        s->cap = cap;
    }
    if ((s->w[s->n] = strndup(word, len)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    s->n++;
    return KK_OK;
}

/* Sort and drop duplicates, for word_set_has. */
static void word_set_seal(word_set *s)
{
    if (s->n == 0)
        return;
    qsort(s->w, s->n, sizeof *s->w, compare_strings);
    size_t out = 1;
    for (size_t k = 1; k < s->n; k++) {
        if (strcmp(s->w[k], s->w[out - 1]) == 0)
            free(s->w[k]);
        else
            s->w[out++] = s->w[k];
    }
    s->n = out;
}

static void word_set_free(word_set *s)
{
    for (size_t k = 0; k < s->n; k++)
        free(s->w[k]);
    free(s->w);
}

/* ---- characters -------------------------------------------------------------------------- */

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t k = 0; k < n; k++)
        c += ((unsigned char)s[k] & 0xC0) != 0x80;
    return c;
}

/* 1 if the word can be a topic: it holds a letter (CJK, kana or Latin), so it is no number or
 * symbol; it does not open with a digit (①ICT is analysed as 1ict) nor with the particle を,
 * which opens no content word but does open the dictionary's phrases (を通じて, をめぐる). */
static int topical(const char *s, size_t n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9') || (n >= 3 && memcmp(s, "を", 3) == 0))
        return 0;
    size_t i = 0;
    while (i < n) {
        int c = kk_utf8_next(s, n, &i);
        if (kk_is_cjk(c) || (c >= 'a' && c <= 'z'))
            return 1;
    }
    return 0;
}

static int is_kana(int c)
{
    return (c >= 0x3041 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF);
}

/* 1 if the token is one kanji (at most 4 bytes of UTF-8). */
static int one_kanji(const kk_token *t)
{
    size_t i = 0;
    int c = kk_utf8_next(t->text, t->len, &i);
    return i == t->len && t->len <= 4 && kk_is_cjk(c) && !is_kana(c);
}

/* Kanji that attach to a word as grammar, not as half of a compound: 審議|会|等 holds no word
 * 会等, 各|種 no 各種 worth a link. */
static const char GRAMMAR_KANJI[] = "等的各及並又当同毎他全諸";

static int grammar_kanji(const kk_token *t)
{
    char one[8];
    memcpy(one, t->text, t->len);
    one[t->len] = '\0';
    return strstr(GRAMMAR_KANJI, one) != NULL;
}

/* 1 if word tokens a and b are single kanji next to each other: halves of one compound. */
static int kanji_pair(const kk_token *a, const kk_token *b)
{
    return a->kind == KK_TOKEN_WORD && b->kind == KK_TOKEN_WORD && a->pos + 1 == b->pos
           && one_kanji(a) && one_kanji(b) && !grammar_kanji(a) && !grammar_kanji(b);
}

/* ---- occurrences ------------------------------------------------------------------------- */

/* Each word of text, and each kanji pair, as cb(text, len, start, end, gram, ctx): text[0..len)
 * normalized, [start, end) its bytes in the input, gram 1 if its index term is a bigram's (a pair,
 * or a word of two kanji or katakana). */
typedef void (*occurrence_cb)(const char *text, size_t len, unsigned start, unsigned end,
                              int gram, void *ctx);

static kk_status each_word(rel_world *w, const char *text, occurrence_cb cb, void *ctx,
                           size_t *n_words, kk_error *err)
{
    kk_status st = kk_analyze(w->s->analyzer, text, strlen(text), KK_ANALYZE_WORDS, err);
    if (st != KK_OK)
        return st;
    size_t n = 0;
    const kk_token *t = kk_analyzer_tokens(w->s->analyzer, &n);
    char pair[16];
    for (size_t k = 0; k < n; k++) {
        cb(t[k].text, t[k].len, t[k].start, t[k].end, t[k].bigram, ctx);
        /* a run of exactly two: 協|働; a longer run (民|学|産|公) is an abbreviation, not a word */
        int two = k + 1 < n && kanji_pair(&t[k], &t[k + 1])
                  && !(k > 0 && kanji_pair(&t[k - 1], &t[k]))
                  && !(k + 2 < n && kanji_pair(&t[k + 1], &t[k + 2]));
        if (two && t[k].len + t[k + 1].len < sizeof pair) {
            memcpy(pair, t[k].text, t[k].len);
            memcpy(pair + t[k].len, t[k + 1].text, t[k + 1].len);
            cb(pair, t[k].len + t[k + 1].len, t[k].start, t[k + 1].end, 1, ctx);
        }
    }
    if (n_words)
        *n_words = n;
    return KK_OK;
}

/* ---- key terms --------------------------------------------------------------------------- */

typedef struct own_words {
    word_set words, grams; /* indexed as words, and as bigrams */
    kk_status st;
    kk_error *err;
} own_words;

static void collect_own(const char *text, size_t len, unsigned start, unsigned end, int gram,
                        void *ctx)
{
    (void)start, (void)end;
    own_words *o = ctx;
    if (o->st == KK_OK)
        o->st = word_set_add(gram ? &o->grams : &o->words, text, len, o->err);
}

typedef struct expand_ctx {
    rel_world *w;
    const word_set *own;
    size_t skip_prefix; /* bytes of the term prefix (B for bigram terms) */
    rel_terms *terms;
    kk_status st;
} expand_ctx;

static int skip_term(const char *t, size_t len, void *vctx)
{
    expand_ctx *c = vctx;
    t += c->skip_prefix;
    len -= c->skip_prefix;
    return count_chars(t, len) < 2 || !topical(t, len) || !word_set_has(c->own, t, len)
           || kk_rel_is_boilerplate(c->w, t, len)
           || kk_analyzer_is_stopword(c->w->s->analyzer, t, len);
}

static int take_term(const char *t, size_t len, double weight, void *vctx)
{
    expand_ctx *c = vctx;
    rel_terms *l = c->terms;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        rel_term *p = realloc(l->v, cap * sizeof *p);
        if (!p) {
            c->st = KK_ENOMEM;
            return 1;
        }
        l->v = p;
        l->cap = cap;
    }
    rel_term *n = &l->v[l->n];
    n->index_term = strndup(t, len);
    n->index_len = len;
    n->text = n->index_term ? n->index_term + c->skip_prefix : NULL;
    n->len = len - c->skip_prefix;
    n->weight = weight;
    if (!n->index_term) {
        c->st = KK_ENOMEM;
        return 1;
    }
    l->n++;
    return 0;
}

static int by_weight(const void *a, const void *b)
{
    const rel_term *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return strcmp(x->text, y->text);
}

/* Best first, at most KK_RELATED_TERMS, the best weighing 1; indexed by text for lookup. */
static kk_status seal_terms(rel_terms *l, kk_error *err)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, by_weight);
    while (l->n > KK_RELATED_TERMS)
        free(l->v[--l->n].index_term);
    if ((l->by_text = malloc((l->n + 1) * sizeof *l->by_text)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    double best = l->n ? l->v[0].weight : 1;
    for (size_t k = 0; k < l->n; k++) {
        l->by_text[k] = k;
        l->v[k].weight = best > 0 ? l->v[k].weight / best : 1;
    }
    for (size_t k = 1; k < l->n; k++) { /* insertion sort: a few dozen terms */
        size_t x = l->by_text[k], j = k;
        while (j > 0 && strcmp(l->v[l->by_text[j - 1]].text, l->v[x].text) > 0) {
            l->by_text[j] = l->by_text[j - 1];
            j--;
        }
        l->by_text[j] = x;
    }
    return KK_OK;
}

static kk_status expand(rel_world *w, const unsigned *docids, size_t n, const word_set *own,
                        const char *prefix, size_t max, rel_terms *out, kk_error *err)
{
    expand_ctx ctx = {w, own, strlen(prefix), out, KK_OK};
    kk_status st = kk_db_expand(w->s->db, docids, n, prefix, max, skip_term, take_term, &ctx,
                                err);
    if (st == KK_OK && ctx.st != KK_OK)
        st = kk_error_set(err, ctx.st, "out of memory collecting key terms");
    return st;
}

kk_status kk_rel_terms_expand(rel_world *w, char *const *texts, const unsigned *docids, size_t n,
                              rel_terms *out, kk_error *err)
{
    memset(out, 0, sizeof *out);
    own_words own = {{0}, {0}, KK_OK, err};
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        st = each_word(w, texts[k], collect_own, &own, NULL, err);
        if (st == KK_OK)
            st = own.st;
    }
    word_set_seal(&own.words);
    word_set_seal(&own.grams);
    if (st == KK_OK && n > 0)
        st = expand(w, docids, n, &own.words, "", KK_RELATED_TERMS, out, err);
    if (st == KK_OK && n > 0 && own.grams.n > 0)
        st = expand(w, docids, n, &own.grams, KK_PREFIX_GRAM, KK_RELATED_TERMS, out, err);
    word_set_free(&own.words);
    word_set_free(&own.grams);
    return st == KK_OK ? seal_terms(out, err) : st;
}

void kk_rel_terms_free(rel_terms *t)
{
    for (size_t k = 0; k < t->n; k++)
        free(t->v[k].index_term);
    free(t->v);
    free(t->by_text);
    memset(t, 0, sizeof *t);
}

long kk_rel_terms_find(const rel_terms *t, const char *text, size_t len)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = compare_prefix(t->v[t->by_text[mid]].text, text, len);
        if (c == 0)
            return (long)t->by_text[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* ---- counting and marking ---------------------------------------------------------------- */

typedef struct count_ctx {
    const rel_terms *terms;
    unsigned *tf;
} count_ctx;

static void count_one(const char *text, size_t len, unsigned start, unsigned end, int gram,
                      void *ctx)
{
    (void)start, (void)end, (void)gram;
    count_ctx *c = ctx;
    long at = kk_rel_terms_find(c->terms, text, len);
    if (at >= 0)
        c->tf[at]++;
}

kk_status kk_rel_terms_count(rel_world *w, const rel_terms *t, const char *text, unsigned *tf,
                             size_t *words, kk_error *err)
{
    count_ctx ctx = {t, tf};
    memset(tf, 0, t->n * sizeof *tf);
    return each_word(w, text, count_one, &ctx, words, err);
}

typedef struct mark_ctx {
    const rel_terms *terms;
    const double *wanted;
    kk_span *spans;
    size_t n, cap;
    int failed;
} mark_ctx;

static void mark_one(const char *text, size_t len, unsigned start, unsigned end, int gram,
                     void *ctx)
{
    (void)gram;
    mark_ctx *c = ctx;
    long at = kk_rel_terms_find(c->terms, text, len);
    if (at < 0 || c->wanted[at] <= 0 || c->failed)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        kk_span *p = realloc(c->spans, cap * sizeof *p);
        if (!p) {
            c->failed = 1;
            return;
        }
        c->spans = p;
        c->cap = cap;
    }
    c->spans[c->n++] = (kk_span){start, end};
}

static int by_start(const void *a, const void *b)
{
    const kk_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

size_t kk_rel_merge_spans(kk_span *s, size_t n)
{
    if (n == 0)
        return 0;
    qsort(s, n, sizeof *s, by_start);
    size_t w = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i].start <= s[w].end) {
            if (s[i].end > s[w].end)
                s[w].end = s[i].end;
        } else {
            s[++w] = s[i];
        }
    }
    return w + 1;
}

kk_status kk_rel_terms_marks(rel_world *w, const rel_terms *t, const char *text,
                             const double *wanted, kk_span **out, size_t *n_out, kk_error *err)
{
    mark_ctx ctx = {t, wanted, NULL, 0, 0, 0};
    kk_status st = each_word(w, text, mark_one, &ctx, NULL, err);
    if (st == KK_OK && ctx.failed)
        st = kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st != KK_OK) {
        free(ctx.spans);
        return st;
    }
    *out = ctx.spans;
    *n_out = kk_rel_merge_spans(ctx.spans, ctx.n);
    return KK_OK;
}
