/* compare_align.c — lining up the passages of two versions of a text (see compare_internal.h).
 *
 * Sections, in order: alignment keys from section paths (the levels that name a version dropped,
 * the rest normalized and stripped of list marks and brackets), passage similarity (Dice over the
 * sets of kk_analyze bigrams and non-Japanese words), matching (first sections that hold exactly
 * one passage on each side, then the most similar remaining pairs, greedily), and rows with their
 * diffs in the newer version's order. It does not decide what the versions are; compare.c does.
 */
#include "compare_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kk_text.h"

/* Two passages are the same passage revised when their similarity (see similarity()) is at
 * least 0.45. Measured on every pair of passages of the versions in corpus/mitaka
 * (地域情報化プラン2022 and 男女平等参画のための三鷹市行動計画2022, 000/001; 企画部, 002/003;
 * 6-1-1 … 6-4-1 of 004): the 10 revised pairs of the two plans score 0.54–0.83; other pairs of
 * the plans and goals score at most 0.35, except against the half of a passage that 001 split
 * in two (0.56, 0.68: each matched passage keeps its better counterpart). Between the rewritten
 * columns of 004 three items of 6-2-1 pair (0.46–0.53); the rest score less, up to 0.44 (⑤
 * セキュリティ対策の充実 against ・ 情報セキュリティ対策の向上, left apart). */
#define KK_ALIGN_MIN_SIMILARITY 0.45

/* Of two candidates of nearly equal similarity, the one in the same section wins: 0.1 is at most
 * the margin by which each revised pair of the plans above beats its next candidate (0.10 to
 * 0.55), so it only decides between near-equals. */
#define KK_ALIGN_SECTION_BONUS 0.1

#define SECTION_SEP " \xE2\x80\xBA " /* " › " */

/* ---- alignment keys ------------------------------------------------------------------------ */

typedef struct side_info {
    char *key;      /* normalized section key, NULL when none */
    char *display;  /* the kept levels as written, NULL when none */
    uint64_t *grams;/* sorted, unique */
    size_t n_grams;
    long match;     /* index on the other side, -1 when none */
} side_info;

static char *normalized(kk_searcher *s, const char *text, size_t len)
{
    char *out = NULL;
    size_t n = 0;
    if (kk_normalize(s->analyzer, text, len, &out, &n, NULL) != KK_OK)
        return NULL;
    return out;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A table level that belongs to one column only: the section number (6-4-1 …), a chapter or
 * section of the old plan (第4節 …, 第7章 …) or a reference to it (1. 高度情報社会の構築 より). */
static int is_table_level(const char *norm)
{
    if (norm[0] >= '0' && norm[0] <= '9' && strchr(norm, '-') && strchr(norm, '-') < norm + 4)
        return 1;
    if (starts_with(norm, "第") && (strstr(norm, "章") || strstr(norm, "節")))
        return 1;
    return ends_with(norm, "より");
}

/* Characters dropped from the front of a key level (list marks and numbering) and from
 * anywhere in it (brackets), so that ○主な事業 and 【主な事業】 key alike. */
static int is_mark(int c)
{
    static const int marks[] = {0x25CB, 0x25CE, 0x25CF, 0x25C7, 0x25C6, 0x25A0, 0x25A1, 0x30FB,
                                0x203B, 0x2606, 0x2605, 0x25BC, 0x25BD, 0x25B3, 0x25B2, 0x261E};
    if ((c >= '0' && c <= '9') || c == '(' || c == ')' || c == '.' || c == ' ' || c == '-')
        return 1;
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (marks[k] == c)
            return 1;
    return 0;
}

static int is_bracket(int c)
{
    static const int brackets[] = {0x3010, 0x3011, 0x300A, 0x300B, 0x3014, 0x3015, '[', ']',
                                   0x226A, 0x226B, 0x300C, 0x300D, 0x300E, 0x300F};
    for (size_t k = 0; k < sizeof brackets / sizeof brackets[0]; k++)
        if (brackets[k] == c)
            return 1;
    return 0;
}

/* Append the key form of a normalized level to b. */
static kk_status add_key_level(kk_buf *b, const char *norm)
{
    size_t n = strlen(norm), i = 0, lead = 1;
    kk_status st = b->len ? kk_buf_add(b, "/", 1) : KK_OK;
    while (st == KK_OK && i < n) {
        size_t at = i;
        int c = kk_utf8_next(norm, n, &i);
        if ((lead && is_mark(c)) || is_bracket(c))
            continue;
        lead = 0;
        st = kk_buf_add(b, norm + at, i - at);
    }
    return st;
}

/* Whether the level (normalized) names what the versions differ by. *cut is set when it and
 * every level before it must go (the plan's title level). */
static int drops_level(const cmp_strip *strip, const cmp_passage *p, const char *norm,
                       const char *level, int *cut)
{
    *cut = strip->plan && strstr(norm, strip->plan) != NULL;
    if (*cut)
        return 1;
    if (strip->section_table && is_table_level(norm))
        return 1;
    if (strip->dept && strcmp(norm, strip->dept) == 0)
        return 1;
    return p->title && strcmp(level, p->title) == 0;
}

/* Key and display form of p's section path. */
static kk_status section_key(kk_searcher *s, const cmp_strip *strip, const cmp_passage *p,
                             side_info *info)
{
    kk_buf key = {0}, shown = {0};
    kk_status st = KK_OK;
    const char *at = p->section ? p->section : "";
    while (st == KK_OK && *at) {
        const char *sep = strstr(at, SECTION_SEP);
        size_t len = sep ? (size_t)(sep - at) : strlen(at);
        char *level = strndup(at, len), *norm = level ? normalized(s, at, len) : NULL;
        int cut = 0;
        if (!level || !norm)
            st = KK_ENOMEM;
        else if (drops_level(strip, p, norm, level, &cut)) {
            if (cut)
                key.len = shown.len = 0;
        } else {
            st = add_key_level(&key, norm);
            if (st == KK_OK && shown.len)
                st = kk_buf_add(&shown, SECTION_SEP, strlen(SECTION_SEP));
            if (st == KK_OK)
                st = kk_buf_add(&shown, level, len);
        }
        free(level);
        free(norm);
        at = sep ? sep + strlen(SECTION_SEP) : at + len;
    }
    info->key = st == KK_OK && key.len ? kk_buf_take(&key, NULL) : NULL;
    info->display = st == KK_OK && shown.len ? kk_buf_take(&shown, NULL) : NULL;
    kk_buf_free(&key);
    kk_buf_free(&shown);
    return st;
}

static int same_key(const side_info *a, const side_info *b)
{
    return a->key && b->key && strcmp(a->key, b->key) == 0;
}

/* ---- similarity ---------------------------------------------------------------------------- */

static uint64_t hash_term(const char *s, size_t n, uint64_t seed)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (size_t k = 0; k < n; k++) {
        h ^= (unsigned char)s[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The passage's bigrams and non-Japanese words, as a sorted set of hashes. */
static kk_status gram_set(kk_searcher *s, const char *text, side_info *info, kk_error *err)
{
    kk_status st = kk_analyze(s->analyzer, text, strlen(text), KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS,
                              err);
    size_t n = 0, m = 0;
    const kk_token *t = st == KK_OK ? kk_analyzer_tokens(s->analyzer, &n) : NULL;
    if (st != KK_OK)
        return st;
    if ((info->grams = malloc((n + 1) * sizeof *info->grams)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (t[k].kind == KK_TOKEN_GRAM || !t[k].cjk)
            info->grams[m++] = hash_term(t[k].text, t[k].len, t[k].kind);
    qsort(info->grams, m, sizeof *info->grams, by_value);
    size_t u = 0;
    for (size_t k = 0; k < m; k++)
        if (u == 0 || info->grams[u - 1] != info->grams[k])
            info->grams[u++] = info->grams[k];
    info->n_grams = u;
    return KK_OK;
}

static size_t common_grams(const side_info *a, const side_info *b)
{
    size_t i = 0, j = 0, common = 0;
    while (i < a->n_grams && j < b->n_grams) {
        if (a->grams[i] == b->grams[j])
            common++, i++, j++;
        else if (a->grams[i] < b->grams[j])
            i++;
        else
            j++;
    }
    return common;
}

/* The mean of Dice (shared grams over both sizes) and containment (shared grams over the
 * smaller size). Dice alone misses the commonest revision, a line kept and a description added
 * after it (000 "ICTを活用した地域社会の活性化の促進" → 001 "②ICTを活用した地域社会の活性化の
 * 促進 高齢者、…": Dice 0.50, containment 0.94); containment alone pairs any short line with any
 * long passage that happens to hold its words. */
static double similarity(const side_info *a, const side_info *b)
{
    size_t common = common_grams(a, b), small = a->n_grams < b->n_grams ? a->n_grams : b->n_grams;
    size_t total = a->n_grams + b->n_grams;
    if (!small)
        return total ? 0.0 : 1.0;
    return ((2.0 * (double)common / (double)total) + (double)common / (double)small) / 2.0;
}

/* ---- matching ------------------------------------------------------------------------------ */

typedef struct candidate {
    double score;
    size_t i, j;
} candidate;

static int by_score(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}


static size_t count_key(const side_info *v, size_t n, const char *key)
{
    size_t c = 0;
    for (size_t k = 0; k < n; k++)
        c += v[k].key && strcmp(v[k].key, key) == 0;
    return c;
}

/* Sections holding exactly one passage on each side are the same passage. */
static void match_sections(side_info *l, size_t nl, side_info *r, size_t nr)
{
    for (size_t i = 0; i < nl; i++) {
        if (!l[i].key || count_key(l, nl, l[i].key) != 1 || count_key(r, nr, l[i].key) != 1)
            continue;
        for (size_t j = 0; j < nr; j++)
            if (same_key(&l[i], &r[j]))
                l[i].match = (long)j, r[j].match = (long)i;
    }
}

/* The most similar remaining pairs, best first, each passage used once. */
static kk_status match_similar(side_info *l, size_t nl, side_info *r, size_t nr, kk_error *err)
{
    candidate *c = malloc((nl * nr + 1) * sizeof *c);
    if (!c)
        return kk_error_set(err, KK_ENOMEM, "out of memory aligning %zu × %zu passages", nl, nr);
    size_t n = 0;
    for (size_t i = 0; i < nl; i++) {
        for (size_t j = 0; l[i].match < 0 && j < nr; j++) {
            if (r[j].match >= 0)
                continue;
            double d = similarity(&l[i], &r[j]);
            if (d >= KK_ALIGN_MIN_SIMILARITY)
                c[n++] = (candidate){d + (same_key(&l[i], &r[j]) ? KK_ALIGN_SECTION_BONUS : 0.0),
                                     i, j};
        }
    }
    qsort(c, n, sizeof *c, by_score);
    for (size_t k = 0; k < n; k++)
        if (l[c[k].i].match < 0 && r[c[k].j].match < 0)
            l[c[k].i].match = (long)c[k].j, r[c[k].j].match = (long)c[k].i;
    free(c);
    return KK_OK;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static kk_compare_passage *copy_passage(const cmp_passage *p)
{
    kk_compare_passage *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->id = strdup(p->id);
    c->doc = strdup(p->doc);
    c->text = strdup(p->text);
    c->section = p->section ? strdup(p->section) : NULL;
    c->line = p->line;
    if (!c->id || !c->doc || !c->text || (p->section && !c->section)) {
        free(c->id), free(c->doc), free(c->text), free(c->section), free(c);
        return NULL;
    }
    return c;
}

static void free_passage(kk_compare_passage *p)
{
    if (!p)
        return;
    free(p->id), free(p->doc), free(p->section), free(p->text), free(p);
}

typedef struct row_order {
    long anchor;   /* newer index the row follows or is */
    int removed;   /* 1: a removed row placed after its anchor */
    size_t older;  /* older index, to keep removed rows in their order */
} row_order;

typedef struct aligner {
    kk_searcher *s;
    kk_diff_unit unit;
    cmp_passage *const *older, *const *newer;
    side_info *l, *r;
    size_t nl, nr;
    kk_compare_pair *pair;
    row_order *order;
    kk_error *err;
} aligner;

static kk_status diff_row(aligner *a, kk_compare_row *row, const cmp_passage *o,
                          const cmp_passage *n)
{
    kk_diff_options opts;
    kk_diff_options_init(&opts);
    opts.unit = a->unit;
    opts.analyzer = a->s->analyzer;
    kk_status st = kk_diff_texts(o->text, strlen(o->text), n->text, strlen(n->text), &opts,
                                 &row->diff, a->err);
    if (st != KK_OK)
        return st;
    row->similarity = kk_diff_similarity(row->diff);
    row->status = row->diff->inserted || row->diff->deleted ? KK_ROW_CHANGED : KK_ROW_SAME;
    return KK_OK;
}

/* Add the row of older index i (or -1) and newer index j (or -1). */
static kk_status add_row(aligner *a, long i, long j, row_order order)
{
    kk_compare_row *row = &a->pair->rows[a->pair->n_rows];
    memset(row, 0, sizeof *row);
    a->order[a->pair->n_rows++] = order;
    const side_info *info = j >= 0 ? &a->r[j] : &a->l[i];
    row->section = info->display ? strdup(info->display) : NULL;
    row->left = i >= 0 ? copy_passage(a->older[i]) : NULL;
    row->right = j >= 0 ? copy_passage(a->newer[j]) : NULL;
    if ((info->display && !row->section) || (i >= 0 && !row->left) || (j >= 0 && !row->right))
        return kk_error_set(a->err, KK_ENOMEM, "out of memory");
    if (i >= 0 && j >= 0)
        return diff_row(a, row, a->older[i], a->newer[j]);
    row->status = i >= 0 ? KK_ROW_REMOVED : KK_ROW_ADDED;
    return KK_OK;
}

/* Newer passages in order (matched or added); each removed older passage after the row of the
 * nearest older passage before it that has a match. */
static kk_status make_rows(aligner *a)
{
    size_t cap = a->nl + a->nr + 1;
    a->pair->rows = calloc(cap, sizeof *a->pair->rows);
    a->order = calloc(cap, sizeof *a->order);
    if (!a->pair->rows || !a->order)
        return kk_error_set(a->err, KK_ENOMEM, "out of memory");
    kk_status st = KK_OK;
    for (size_t j = 0; st == KK_OK && j < a->nr; j++)
        st = add_row(a, a->r[j].match, (long)j, (row_order){(long)j, 0, 0});
    long anchor = -1;
    for (size_t i = 0; st == KK_OK && i < a->nl; i++) {
        if (a->l[i].match >= 0)
            anchor = a->l[i].match;
        else
            st = add_row(a, (long)i, -1, (row_order){anchor, 1, i});
    }
    return st;
}

static int by_order(const row_order *x, const row_order *y)
{
    if (x->anchor != y->anchor)
        return x->anchor < y->anchor ? -1 : 1;
    if (x->removed != y->removed)
        return x->removed - y->removed;
    return (x->older > y->older) - (x->older < y->older);
}

/* Insertion sort of rows by their order keys (rows are few; removed rows are already nearly
 * in place). */
static void sort_rows(aligner *a)
{
    kk_compare_row *rows = a->pair->rows;
    for (size_t k = 1; k < a->pair->n_rows; k++) {
        kk_compare_row row = rows[k];
        row_order key = a->order[k];
        size_t m = k;
        for (; m > 0 && by_order(&a->order[m - 1], &key) > 0; m--) {
            rows[m] = rows[m - 1];
            a->order[m] = a->order[m - 1];
        }
        rows[m] = row;
        a->order[m] = key;
    }
}

static void count_rows(kk_compare_pair *pair)
{
    for (size_t k = 0; k < pair->n_rows; k++) {
        switch (pair->rows[k].status) {
        case KK_ROW_SAME: pair->n_same++; break;
        case KK_ROW_CHANGED: pair->n_changed++; break;
        case KK_ROW_ADDED: pair->n_added++; break;
        case KK_ROW_REMOVED: pair->n_removed++; break;
        }
    }
}

static kk_status prepare_side(kk_searcher *s, const cmp_strip *strip, cmp_passage *const *p,
                              size_t n, side_info *info, kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        info[k].match = -1;
        st = section_key(s, strip, p[k], &info[k]);
        if (st != KK_OK)
            st = kk_error_set(err, st, "out of memory");
        else
            st = gram_set(s, p[k]->text, &info[k], err);
    }
    return st;
}

static void free_sides(side_info *v, size_t n)
{
    for (size_t k = 0; v && k < n; k++)
        free(v[k].key), free(v[k].display), free(v[k].grams);
    free(v);
}

kk_status kk_compare_align(kk_searcher *s, const cmp_strip *strip, kk_diff_unit unit,
                           cmp_passage *const *older, size_t n_older, cmp_passage *const *newer,
                           size_t n_newer, kk_compare_pair *pair, kk_error *err)
{
    aligner a = {s, unit, older, newer, calloc(n_older + 1, sizeof(side_info)),
                 calloc(n_newer + 1, sizeof(side_info)), n_older, n_newer, pair, NULL, err};
    kk_status st = a.l && a.r ? KK_OK : kk_error_set(err, KK_ENOMEM, "out of memory");
    if (st == KK_OK)
        st = prepare_side(s, strip, older, n_older, a.l, err);
    if (st == KK_OK)
        st = prepare_side(s, strip, newer, n_newer, a.r, err);
    if (st == KK_OK) {
        match_sections(a.l, n_older, a.r, n_newer);
        st = match_similar(a.l, n_older, a.r, n_newer, err);
    }
    if (st == KK_OK)
        st = make_rows(&a);
    if (st == KK_OK) {
        sort_rows(&a);
        count_rows(pair);
    }
    free(a.order);
    free_sides(a.l, n_older);
    free_sides(a.r, n_newer);
    return st;
}

void kk_compare_pair_clear(kk_compare_pair *pair)
{
    for (size_t k = 0; k < pair->n_rows; k++) {
        kk_compare_row *row = &pair->rows[k];
        free(row->section);
        free_passage(row->left);
        free_passage(row->right);
        kk_diff_free(row->diff);
    }
    free(pair->rows);
    pair->rows = NULL;
    pair->n_rows = 0;
}
