/* units.c — the content units of query text: which words of what a person typed carry its
 * topic, and how each is matched.
 *
 * Text is analysed with kk_analyze (query mode); stop words and lone kana are dropped; pieces
 * that ICU's dictionary splits too finely (single kanji, katakana runs) are joined again; each
 * remaining word — or a longer span that the synonym table knows — becomes a unit: all its words,
 * or all its bigrams, or any of its synonyms (the index has no positions; a passage short enough
 * to hold them all is about them). The weights of those choices
 * live here. Combining units with filters and other clauses is build.c's job.
 */
#include "build_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kk_schema.h"

/* A unit's word terms weigh this much against its bigram phrase. Words are what tell 京都 from
 * 東京都 (ICU splits the latter 東京|都, so only its bigrams match 京都); bigrams give recall
 * where the dictionary splits document and query differently. Tuned on dev.tsv (nDCG@10). */
#define KK_WORD_WEIGHT 1.0
#define KK_GRAM_WEIGHT 0.6

/* A one-character word matches any bigram starting with it; such a wildcard spreads over many
 * terms, so it counts for less than a real bigram. */
#define KK_PREFIX_WEIGHT 0.3

/* A synonym counts for less than the word typed: both are found, the typed wording first. */
#define KK_SYNONYM_WEIGHT 0.5

/* Words joined into one synonym lookup at most: entries like 男女共同参画社会 are 3–4 ICU words. */
#define KK_SYNONYM_SPAN 4

/* ---- units --------------------------------------------------------------------------------- */

kk_unit *kk_unit_new(kk_builder *b)
{
    kk_built_query *o = b->out;
    if (o->n_units == o->cap_units) {
        size_t cap = o->cap_units ? o->cap_units * 2 : 8;
        kk_unit *u = realloc(o->units, cap * sizeof *u);
        if (!u)
            return NULL;
        o->units = u;
        o->cap_units = cap;
    }
    kk_unit *u = &o->units[o->n_units++];
    memset(u, 0, sizeof *u);
    return u;
}

/* The index of key prefix + t[0..n) (wildcard: followed by '*') in alternative alt of u, or -1. */
static long unit_find_key(const kk_unit *u, unsigned alt, const char *prefix, const char *t,
                          size_t n, int wildcard)
{
    size_t pl = strlen(prefix);
    for (size_t j = 0; j < u->n_keys; j++) {
        const char *key = u->keys[j];
        if (u->alts[j] == alt && strncmp(key, prefix, pl) == 0 && strncmp(key + pl, t, n) == 0
            && strcmp(key + pl + n, wildcard ? "*" : "") == 0)
            return (long)j;
    }
    return -1;
}

static int unit_grow_keys(kk_unit *u)
{
    size_t cap = u->cap_keys ? u->cap_keys * 2 : 8;
    char **k = realloc(u->keys, cap * sizeof *k);
    if (!k)
        return -1;
    u->keys = k;
    unsigned *a = realloc(u->alts, cap * sizeof *a);
    if (!a)
        return -1;
    u->alts = a;
    unsigned char *w = realloc(u->words, cap * sizeof *w);
    if (!w)
        return -1;
    u->words = w;
    u->cap_keys = cap;
    return 0;
}

/* Add a key to the current alternative of u, once: a bigram word and its bigram are one term,
 * which stands for a word (word = 1) if either does. A key that cannot be added only weakens
 * highlighting and relaxed ranking. */
static void unit_add_key(kk_unit *u, const char *prefix, const char *t, size_t n, int wildcard,
                         int word)
{
    unsigned alt = u->n_alts ? u->n_alts - 1 : 0;
    long at = unit_find_key(u, alt, prefix, t, n, wildcard);
    if (at >= 0) {
        u->words[at] |= (unsigned char)word;
        return;
    }
    if (u->n_keys == u->cap_keys && unit_grow_keys(u) != 0)
        return;
    size_t pl = strlen(prefix);
    char *key = malloc(pl + n + 2);
    if (!key)
        return;
    memcpy(key, prefix, pl);
    memcpy(key + pl, t, n);
    key[pl + n] = wildcard ? '*' : '\0';
    key[pl + n + 1] = '\0';
    u->alts[u->n_keys] = alt;
    u->words[u->n_keys] = (unsigned char)word;
    u->keys[u->n_keys++] = key;
}

/* The terms of tokens t[0..n) that are words (words = 1) or bigrams (words = 0), prefix
 * unigrams aside, into v; each scaled by weight, or by shared_weight when it is a bigram word or
 * the bigram that word's term is (see KK_TOKEN_PREFIX); skip_shared leaves the latter out. */
static size_t unit_terms(kk_builder *b, const kk_token *t, size_t n, int words, double weight,
                         double shared_weight, int skip_shared, kk_xquery **v)
{
    size_t m = 0;
    unsigned bigram_word_at = 0;
    for (size_t k = 0; k < n; k++) {
        int is_word = t[k].kind == KK_TOKEN_WORD;
        if (is_word && t[k].bigram)
            bigram_word_at = t[k].pos;
        if (!kk_token_is_indexed(&t[k]) || t[k].prefix || is_word != words)
            continue;
        int shared = is_word ? t[k].bigram : t[k].pos == bigram_word_at;
        if (!(shared && skip_shared))
            v[m++] = kk_q_scale(b, kk_q_term(b, KK_TOKEN_PREFIX(&t[k]), t[k].text, t[k].len),
                                shared ? shared_weight : weight);
    }
    return m;
}

/* The query for one piece of normalized text (a word, a span, a synonym): its word terms
 * together, or its bigrams together. Keys for coordination go to u (may be NULL). */
static kk_xquery *text_query(kk_builder *b, const char *text, size_t len, kk_unit *u)
{
    if (u)
        u->n_alts++;
    if (kk_analyze(b->s->analyzer, text, len,
                   KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY, b->err) != KK_OK)
        return NULL;
    size_t n = 0, n_words = 0, n_grams = 0, n_bigram_words = 0;
    const kk_token *t = kk_analyzer_tokens(b->s->analyzer, &n);
    kk_xquery *prefix = NULL;
    /* A lone kanji or katakana between kana (子ども, 取り組み) also comes out as a one-character
     * gram; only a text that is that one character is looked for as a prefix of bigrams. */
    int one_char = kk_utf8_count(text, len) == 1;
    for (size_t k = 0; k < n; k++) {
        if (!kk_token_is_indexed(&t[k]) || (t[k].prefix && !one_char))
            continue; /* not in the index; or a lone character inside a longer text */
        if (t[k].prefix) {
            kk_xquery_free(prefix); /* the last lone character counts (fuzz_qparse: leaked) */
            prefix = kk_q_scale(b, kk_q_wildcard(b, KK_PREFIX_GRAM, t[k].text, t[k].len),
                                KK_PREFIX_WEIGHT);
        }
        n_words += t[k].kind == KK_TOKEN_WORD;
        n_bigram_words += t[k].bigram;
        n_grams += t[k].kind == KK_TOKEN_GRAM && !t[k].prefix;
        if (u)
            unit_add_key(u, KK_TOKEN_PREFIX(&t[k]), t[k].text, t[k].len, t[k].prefix,
                         t[k].kind == KK_TOKEN_WORD);
    }
    double gram_weight = KK_GRAM_WEIGHT / (n_grams ? (double)n_grams : 1.0);
    kk_xquery **words = calloc(n + 1, sizeof *words), **grams = calloc(n + 1, sizeof *grams);
    kk_xquery *terms = NULL;
    if (words && grams && n_words > 0 && n_bigram_words == n_words) {
        /* Every word is a bigram (防災, 防災|計画): a passage with the words holds those grams,
         * so the words are required, weighing as word and gram at once, and the other grams
         * only add weight. Each term's posting list is read once. */
        size_t nw = unit_terms(b, t, n, 1, KK_WORD_WEIGHT, KK_WORD_WEIGHT + gram_weight, 0, words);
        size_t ng = unit_terms(b, t, n, 0, gram_weight, 0, 1, grams);
        terms = kk_q_combine(b, KK_QOP_AND, words, nw, 0);
        if (ng > 0)
            terms = kk_q_pair(b, KK_QOP_AND_MAYBE, terms, kk_q_combine(b, KK_QOP_AND, grams, ng, 0));
    } else if (words && grams) {
        /* The words of one unit were typed together; the index has no positions, so they are
         * only required in the same passage. All the bigrams of a kanji compound in one short
         * passage rarely come from anything but the compound itself. */
        size_t nw = unit_terms(b, t, n, 1, KK_WORD_WEIGHT, KK_WORD_WEIGHT, 0, words);
        size_t ng = unit_terms(b, t, n, 0, gram_weight, gram_weight, 0, grams);
        kk_xquery *either[2] = {nw ? kk_q_combine(b, KK_QOP_AND, words, nw, 0) : NULL,
                                ng ? kk_q_combine(b, KK_QOP_AND, grams, ng, 0) : NULL};
        terms = kk_q_combine(b, KK_QOP_OR, either, 2, 0);
    }
    free(words);
    free(grams);
    kk_xquery *parts[2] = {terms, prefix};
    return kk_q_combine(b, KK_QOP_OR, parts, 2, 0);
}

/* A phrase clause: all of its terms, bigrams for kanji and katakana and words for the rest.
 * Whether they stand in sequence is checked against the stored text (phrase.c). */
kk_xquery *kk_phrase_query(kk_builder *b, const char *text, kk_unit *u)
{
    if (u)
        u->n_alts++;
    if (kk_analyze(b->s->analyzer, text, strlen(text),
                   KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS | KK_ANALYZE_QUERY, b->err) != KK_OK)
        return NULL;
    size_t n = 0, m = 0;
    const kk_token *t = kk_analyzer_tokens(b->s->analyzer, &n);
    kk_xquery **parts = calloc(n + 1, sizeof *parts);
    for (size_t k = 0; parts && k < n; k++) {
        int is_gram = t[k].kind == KK_TOKEN_GRAM;
        if ((is_gram && t[k].prefix) || (!is_gram && t[k].cjk) || !kk_token_is_indexed(&t[k]))
            continue; /* Japanese is matched by its bigrams; kana-only phrases below; stop
                       * words are not in the index (the stored text confirms them) */
        const char *prefix = KK_TOKEN_PREFIX(&t[k]);
        parts[m++] = kk_q_term(b, prefix, t[k].text, t[k].len);
        if (u)
            unit_add_key(u, prefix, t[k].text, t[k].len, 0, !is_gram);
    }
    kk_xquery *q = NULL;
    if (parts && m == 0 && n > 0) /* one character, or kana only: matched as a unit's words */
        q = text_query(b, text, strlen(text), u);
    else if (parts)
        q = kk_q_combine(b, KK_QOP_AND, parts, m, 0);
    free(parts);
    return q;
}

/* ---- content words of a text clause ---------------------------------------------------- */

typedef struct content_word {
    char *text;
    size_t len;
    unsigned pos, end_pos; /* code-point positions [pos, end_pos) in the normalized clause */
} content_word;

static int is_katakana(int c)
{
    return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC;
}


/* 1 if every character of the n bytes of UTF-8 at t satisfies the class. */
static int all_chars(const char *t, size_t n, int (*cls)(int))
{
    size_t i = 0;
    while (i < n)
        if (!cls(kk_utf8_next(t, n, &i)))
            return 0;
    return n > 0;
}

static int is_hiragana(int c)
{
    return c >= 0x3041 && c <= 0x309F;
}

static int is_kana(int c)
{
    return is_hiragana(c) || is_katakana(c);
}

static int is_kanji(int c)
{
    return kk_is_cjk(c) && !is_kana(c);
}

static int last_is_kanji(const content_word *w)
{
    size_t i = w->len;
    while (i > 0 && ((unsigned char)w->text[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0)
        i--;
    size_t at = i;
    return is_kanji(kk_utf8_next(w->text, w->len, &at));
}

static unsigned chars_of(const content_word *w)
{
    return w->end_pos - w->pos;
}

static int append_text(content_word *w, const char *text, size_t len, unsigned end_pos)
{
    char *p = realloc(w->text, w->len + len + 1);
    if (!p)
        return -1;
    memcpy(p + w->len, text, len);
    w->text = p;
    w->len += len;
    w->text[w->len] = '\0';
    w->end_pos = end_pos;
    return 0;
}

/* ICU leaves okurigana as a token of its own (知|り|たい): a lone hiragana right after a kanji,
 * unless it is a particle (a stop word), belongs to that kanji's word. */
static int is_okurigana(const kk_searcher *s, const content_word *prev, const kk_token *t)
{
    return prev->end_pos == t->pos && kk_utf8_count(t->text, t->len) == 1
           && all_chars(t->text, t->len, is_hiragana) && last_is_kanji(prev)
           && !kk_analyzer_is_stopword(s->analyzer, t->text, t->len);
}

/* ICU's dictionary breaks unknown loanwords into single katakana (ド|メ|スティック); a katakana
 * run is one loanword or compound, kept whole. */
static int continues_katakana(const content_word *prev, const kk_token *t)
{
    return prev->end_pos == t->pos && all_chars(prev->text, prev->len, is_katakana)
           && all_chars(t->text, t->len, is_katakana);
}

/* Tokens to words: each token, with its okurigana attached, katakana runs whole. */
static size_t tokens_to_words(const kk_searcher *s, const kk_token *t, size_t n, content_word *w)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned end = t[k].pos + (unsigned)kk_utf8_count(t[k].text, t[k].len);
        if (m && (is_okurigana(s, &w[m - 1], &t[k]) || continues_katakana(&w[m - 1], &t[k]))) {
            if (append_text(&w[m - 1], t[k].text, t[k].len, end) != 0)
                break;
            continue;
        }
        w[m].pos = t[k].pos;
        if (append_text(&w[m++], t[k].text, t[k].len, end) != 0)
            break;
    }
    return m;
}

/* A stop word or a lone kana (a particle or a fragment) carries no topic. */
static int is_content(const kk_searcher *s, const content_word *w)
{
    if (kk_analyzer_is_stopword(s->analyzer, w->text, w->len))
        return 0;
    return !(chars_of(w) == 1 && all_chars(w->text, w->len, is_kana));
}

/* Whether content word b continues content word a. ICU's dictionary breaks compounds into
 * single kanji (市|税, 収納|率, 出し|方); a lone kanji searched on its own matches far too much, so
 * it joins its neighbour. */
static int continues_word(const content_word *a, const content_word *b)
{
    if (a->end_pos != b->pos)
        return 0;
    int a_single = chars_of(a) == 1 && all_chars(a->text, a->len, is_kanji);
    int b_single = chars_of(b) == 1 && all_chars(b->text, b->len, is_kanji);
    return (a_single && all_chars(b->text, b->len, kk_is_cjk))
           || (b_single && all_chars(a->text, a->len, kk_is_cjk));
}

/* Keep content words and join the pieces that continue each other. When there are none, the
 * lone kana are kept (a katakana ア is indexed, a particle gives no terms) but not the stop words:
 * the index leaves most out, and a query of only stop words is refused, naming them (search.c),
 * rather than answered by what is left of them (知 of 知りたい). Returns the new count. */
static size_t keep_content(const kk_searcher *s, content_word *w, size_t m)
{
    size_t kept = 0, out = 0;
    for (size_t k = 0; k < m; k++)
        kept += is_content(s, &w[k]);
    for (size_t k = 0; k < m; k++) {
        if (kept ? !is_content(s, &w[k])
                 : kk_analyzer_is_stopword(s->analyzer, w[k].text, w[k].len)) {
            free(w[k].text);
        } else if (out && continues_word(&w[out - 1], &w[k])) {
            append_text(&w[out - 1], w[k].text, w[k].len, w[k].end_pos);
            free(w[k].text);
        } else {
            w[out++] = w[k];
        }
    }
    return out;
}

/* Analyse the clause into *out: its words, okurigana and katakana runs joined (*n of them). */
static kk_status clause_words(kk_searcher *s, const char *text, size_t len, content_word **out,
                              size_t *n, kk_error *err)
{
    *out = NULL;
    *n = 0;
    kk_status st = kk_analyze(s->analyzer, text, len, KK_ANALYZE_WORDS | KK_ANALYZE_QUERY, err);
    if (st != KK_OK)
        return st;
    size_t n_tokens = 0;
    const kk_token *t = kk_analyzer_tokens(s->analyzer, &n_tokens);
    if ((*out = calloc(n_tokens + 1, sizeof **out)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    *n = tokens_to_words(s, t, n_tokens, *out);
    return KK_OK;
}

/* Analyse the clause and return its content words. */
static content_word *content_words(kk_builder *b, const char *text, size_t len, size_t *n_out)
{
    content_word *w = NULL;
    if (clause_words(b->s, text, len, &w, n_out, b->err) == KK_OK)
        *n_out = keep_content(b->s, w, *n_out);
    return w;
}

static void free_content_words(content_word *w, size_t n)
{
    for (size_t k = 0; w && k < n; k++)
        free(w[k].text);
    free(w);
}

typedef struct synonym_list {
    char **items;
    size_t n;
} synonym_list;

static int collect_synonym(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)freq;
    synonym_list *l = ctx;
    char **p = realloc(l->items, (l->n + 1) * sizeof *p);
    if (!p)
        return 1;
    l->items = p;
    if ((l->items[l->n] = malloc(len + 1)) != NULL) {
        memcpy(l->items[l->n], term, len);
        l->items[l->n++][len] = '\0';
    }
    return 0;
}

/* Concatenate words [i, i+span) if they are adjacent in the clause; NULL otherwise. */
static char *span_text(const content_word *w, size_t i, size_t span, size_t *len)
{
    size_t total = 0;
    for (size_t k = i; k < i + span; k++) {
        if (k > i && w[k].pos != w[k - 1].end_pos)
            return NULL;
        total += w[k].len;
    }
    char *s = malloc(total + 1);
    if (!s)
        return NULL;
    *len = 0;
    for (size_t k = i; k < i + span; k++) {
        memcpy(s + *len, w[k].text, w[k].len);
        *len += w[k].len;
    }
    s[*len] = '\0';
    return s;
}

/* The unit query for span text with its synonyms; *found tells whether there were any. */
static kk_xquery *unit_query(kk_builder *b, const char *text, size_t len, int *found)
{
    synonym_list syn = {NULL, 0};
    kk_db_each_synonym(b->s->db, text, collect_synonym, &syn, NULL);
    *found = syn.n > 0;
    kk_unit *u = kk_unit_new(b);
    kk_xquery **parts = calloc(syn.n + 1, sizeof *parts);
    if (parts) {
        parts[0] = text_query(b, text, len, u);
        for (size_t k = 0; k < syn.n; k++)
            parts[k + 1] = kk_q_scale(b, text_query(b, syn.items[k], strlen(syn.items[k]), u),
                                   KK_SYNONYM_WEIGHT);
    }
    kk_xquery *q = parts ? kk_q_combine(b, KK_QOP_OR, parts, syn.n + 1, 0) : NULL;
    for (size_t k = 0; k < syn.n; k++)
        free(syn.items[k]);
    free(syn.items);
    free(parts);
    return q;
}

static int count_one(const char *term, size_t len, unsigned freq, void *ctx)
{
    (void)term, (void)len, (void)freq;
    *(int *)ctx = 1;
    return 1;
}

static int has_synonyms(kk_builder *b, const char *text)
{
    int found = 0;
    kk_db_each_synonym(b->s->db, text, count_one, &found, NULL);
    return found;
}

/* The longest span of words from i (up to KK_SYNONYM_SPAN, at least 1) that the synonym table
 * knows; 1 when none does. */
static size_t synonym_span(kk_builder *b, const content_word *w, size_t n, size_t i)
{
    size_t span = n - i < KK_SYNONYM_SPAN ? n - i : KK_SYNONYM_SPAN;
    for (; span > 1; span--) {
        size_t len = 0;
        char *s = span_text(w, i, span, &len);
        int found = s && has_synonyms(b, s);
        free(s);
        if (found)
            return span;
    }
    return 1;
}

/* Units of a clause's content words: a span the synonym table knows becomes one unit, any other
 * word a unit of its own. Returns the number of unit queries written to units. */
static size_t clause_units(kk_builder *b, const content_word *w, size_t n, kk_xquery **units)
{
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t span = synonym_span(b, w, n, i), len = 0;
        char *s = span_text(w, i, span, &len);
        int found = 0;
        kk_xquery *q = s ? unit_query(b, s, len, &found) : NULL;
        free(s);
        if (q)
            units[m++] = q;
        i += span;
    }
    return m;
}

kk_xquery **kk_text_units(kk_builder *b, const char *text, size_t len, size_t *n)
{
    size_t n_words = 0;
    content_word *w = content_words(b, text, len, &n_words);
    kk_xquery **units = calloc(n_words + 1, sizeof *units);
    *n = units ? clause_units(b, w, n_words, units) : 0;
    free_content_words(w, n_words);
    return units;
}

/* ---- words that are not searched for --------------------------------------------------- */

/* Append word to the ", "-separated list unless it holds it already. */
static kk_status list_add(kk_buf *list, const char *word, size_t len, kk_error *err)
{
    for (const char *p = list->data; p && *p;) {
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && memcmp(p, word, len) == 0)
            return KK_OK;
        p = end ? end + 2 : p + n;
    }
    if (kk_buf_printf(list, "%s%.*s", list->len ? ", " : "", (int)len, word) != KK_OK)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    return KK_OK;
}

/* A phrase's tokens that the index leaves out: its terms skip them. */
static kk_status phrase_unsearched(kk_searcher *s, const char *text, kk_buf *out, kk_error *err)
{
    kk_status st = kk_analyze(s->analyzer, text, strlen(text),
                              KK_ANALYZE_WORDS | KK_ANALYZE_QUERY, err);
    size_t n = 0;
    const kk_token *t = st == KK_OK ? kk_analyzer_tokens(s->analyzer, &n) : NULL;
    for (size_t k = 0; st == KK_OK && k < n; k++)
        if (!kk_token_is_indexed(&t[k]))
            st = list_add(out, t[k].text, t[k].len, err);
    return st;
}

kk_status kk_unsearched_words(kk_searcher *s, const char *text, int phrase, kk_buf *out,
                              kk_error *err)
{
    if (phrase)
        return phrase_unsearched(s, text, out, err);
    size_t n = 0;
    content_word *w = NULL;
    kk_status st = clause_words(s, text, strlen(text), &w, &n, err);
    for (size_t k = 0; st == KK_OK && k < n; k++)
        if (!is_content(s, &w[k]))
            st = list_add(out, w[k].text, w[k].len, err);
    free_content_words(w, n);
    return st;
}
