/* diff.c — Myers' O(ND) diff over characters or ICU words, folded into readable pieces
 * (see kk_diff.h).
 *
 * Sections, in order: cutting a text into units (code points, or kk_analyze words with the text
 * between them), comparing units by their normalized form, Myers' greedy forward search with a
 * trace and its backtrack into an edit script, turning the script into segments with byte ranges
 * on both sides, folding tiny equal islands, and the public entry points. It owns no analysis of
 * its own: words and normalization come from the analyzer it is given. It is written here
 * because no Debian C library diffs sequences of tokens: libgit2's xdiff compares lines, and
 * dtl is C++ templates (C++ stays in shim/).
 */
#include "kk_diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kk_text.h"

/* ---- units ------------------------------------------------------------------------------- */

typedef struct unit {
    size_t start, end; /* byte range in its text */
    uint64_t key;      /* equal keys: equal units */
} unit;

typedef struct side {
    const char *text;
    size_t len;
    unit *u;
    size_t n, cap;
} side;

/* Code points seen in the two texts of one diff, with the key of their normalized form. 1024
 * slots: two passages rarely hold more than a few hundred distinct characters; when the table
 * is full, characters are compared raw. */
#define KEY_CACHE_SLOTS 1024

typedef struct key_cache {
    int cp[KEY_CACHE_SLOTS];
    uint64_t key[KEY_CACHE_SLOTS];
    unsigned char used[KEY_CACHE_SLOTS];
} key_cache;

typedef struct differ {
    const kk_diff_options *opts;
    key_cache *cache; /* NULL without an analyzer */
    kk_error *err;
} differ;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < n; k++) {
        h ^= (unsigned char)s[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t k = 0; k < n; k++)
        c += ((unsigned char)s[k] & 0xC0) != 0x80;
    return c;
}

static kk_status push_unit(side *s, size_t start, size_t end, uint64_t key, kk_error *err)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        unit *p = realloc(s->u, cap * sizeof *p);
        if (!p)
            return kk_error_set(err, KK_ENOMEM, "diff: out of memory for %zu units", cap);
        s->u = p;
        s->cap = cap;
    }
    s->u[s->n++] = (unit){start, end, key};
    return KK_OK;
}

/* The key of the code point cp spelled by bytes [start, end): its normalized form when an
 * analyzer is given (so ＩＣＴ and ICT, （ and ( are the same), else the code point itself. A
 * normalized form of one ASCII byte keys as that byte, like an ASCII character (lowercased when
 * normalizing, as NFKC_Casefold does); longer forms key by their hash. An invalid byte keys as
 * itself, never as another invalid byte. */
static uint64_t char_key(differ *d, const char *bytes, size_t n, int cp)
{
    if (cp == 0xFFFD && !(n == 3 && memcmp(bytes, "\xEF\xBF\xBD", 3) == 0))
        return 0x100000000ULL | (unsigned char)bytes[0];
    if (!d->cache || cp < 0x80)
        return (uint64_t)(cp >= 'A' && cp <= 'Z' && d->cache ? cp + 32 : cp);
    unsigned slot = (unsigned)cp % KEY_CACHE_SLOTS;
    for (unsigned probe = 0; probe < KEY_CACHE_SLOTS; probe++) {
        unsigned k = (slot + probe) % KEY_CACHE_SLOTS;
        if (d->cache->used[k] && d->cache->cp[k] == cp)
            return d->cache->key[k];
        if (!d->cache->used[k]) {
            char *norm = NULL;
            size_t len = 0;
            if (kk_normalize(d->opts->analyzer, bytes, n, &norm, &len, NULL) != KK_OK)
                return (uint64_t)cp;
            /* A character that normalizes to nothing (a space, a lone ー) keys as itself, so that
             * such characters are not all equal to each other. */
            uint64_t key = len == 1 ? (unsigned char)norm[0] : len ? hash_bytes(norm, len)
                                                                  : (uint64_t)cp;
            free(norm);
            d->cache->used[k] = 1;
            d->cache->cp[k] = cp;
            d->cache->key[k] = key;
            return key;
        }
    }
    return (uint64_t)cp;
}

/* Every code point of [from, to) as a unit of its own. */
static kk_status char_units(differ *d, side *s, size_t from, size_t to)
{
    kk_status st = KK_OK;
    size_t i = from;
    while (st == KK_OK && i < to) {
        size_t start = i;
        int cp = kk_utf8_next(s->text, to, &i);
        st = push_unit(s, start, i, char_key(d, s->text + start, i - start, cp), d->err);
    }
    return st;
}

/* ICU words of the text as units, and every code point between them (punctuation, spaces). */
static kk_status word_units(differ *d, side *s)
{
    kk_status st = kk_analyze(d->opts->analyzer, s->text, s->len, KK_ANALYZE_WORDS, d->err);
    size_t n = 0, cursor = 0;
    const kk_token *t = st == KK_OK ? kk_analyzer_tokens(d->opts->analyzer, &n) : NULL;
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        if (t[k].kind != KK_TOKEN_WORD || t[k].start < cursor || t[k].end > s->len)
            continue;
        st = char_units(d, s, cursor, t[k].start);
        if (st == KK_OK)
            st = push_unit(s, t[k].start, t[k].end, hash_bytes(t[k].text, t[k].len), d->err);
        cursor = t[k].end;
    }
    return st == KK_OK ? char_units(d, s, cursor, s->len) : st;
}

static kk_status make_units(differ *d, side *s)
{
    if (d->opts->unit == KK_DIFF_WORDS)
        return word_units(d, s);
    return char_units(d, s, 0, s->len);
}

/* ---- Myers' algorithm -------------------------------------------------------------------- */

typedef enum edit { EDIT_EQUAL, EDIT_INSERT, EDIT_DELETE } edit;

typedef struct script {
    unsigned char *ops; /* edits in order, over the middle part (common ends stripped) */
    size_t n;
    int truncated;
} script;

typedef struct trace {
    int *v;      /* V after each step d: entries for k = -d..d, 2d+1 of them */
    size_t n, cap;
} trace;

static kk_status trace_push(trace *t, const int *v, long d, kk_error *err)
{
    size_t need = (size_t)(2 * d + 1);
    if (t->n + need > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        while (cap < t->n + need)
            cap *= 2;
        int *p = realloc(t->v, cap * sizeof *p);
        if (!p)
            return kk_error_set(err, KK_ENOMEM, "diff: out of memory for the trace");
        t->v = p;
        t->cap = cap;
    }
    memcpy(t->v + t->n, v - d, need * sizeof *v);
    t->n += need;
    return KK_OK;
}

/* V of step d as saved in the trace, indexable by k in -d..d. */
static const int *trace_at(const trace *t, long d)
{
    return t->v + (size_t)(d * d) + (size_t)d; /* steps 0..d-1 hold d² entries */
}

/* Forward search. Returns the number of edits D of a shortest script, or -1 when it exceeds
 * max_cost. a and b are the middle units of the two sides. */
static long forward(const unit *a, long n, const unit *b, long m, long max_cost, trace *t,
                    kk_error *err)
{
    long limit = n + m < max_cost ? n + m : max_cost;
    int *store = calloc((size_t)(2 * limit + 3), sizeof *store);
    if (!store) {
        kk_error_set(err, KK_ENOMEM, "diff: out of memory");
        return -2;
    }
    int *v = store + limit + 1;
    long found = -1;
    for (long d = 0; d <= limit && found < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[k - 1] < v[k + 1])) ? v[k + 1] : v[k - 1] + 1;
            long y = x - k;
            while (x < n && y < m && a[x].key == b[y].key)
                x++, y++;
            v[k] = x;
            if (x >= n && y >= m)
                found = d;
        }
        if (trace_push(t, v, d, err) != KK_OK) {
            found = -2;
            break;
        }
    }
    free(store);
    return found;
}

/* Walk the trace back from (n, m) and write the edits into s->ops, in order. */
static void backtrack(const trace *t, long n, long m, long dmax, script *s)
{
    long x = n, y = m;
    size_t w = s->n;
    for (long d = dmax; d > 0; d--) {
        const int *prev = trace_at(t, d - 1);
        long k = x - y;
        long pk = (k == -d || (k != d && prev[k - 1] < prev[k + 1])) ? k + 1 : k - 1;
        long px = prev[pk], py = px - pk;
        while (x > px && y > py && x > 0 && y > 0)
            s->ops[--w] = EDIT_EQUAL, x--, y--;
        s->ops[--w] = pk == k + 1 ? EDIT_INSERT : EDIT_DELETE;
        x = px, y = py;
    }
    while (x > 0 && y > 0)
        s->ops[--w] = EDIT_EQUAL, x--, y--;
}

/* The edit script of the middle parts a[0..n) and b[0..m). */
static kk_status diff_middle(const unit *a, long n, const unit *b, long m, long max_cost,
                             script *s, kk_error *err)
{
    trace t = {0};
    long dmax = forward(a, n, b, m, max_cost, &t, err);
    kk_status st = dmax == -2 ? KK_ENOMEM : KK_OK;
    if (st == KK_OK && dmax >= 0) {
        /* D edits and (n + m - D) / 2 equal steps. */
        s->n = (size_t)(dmax + (n + m - dmax) / 2);
        s->ops = malloc(s->n + 1);
        if (!s->ops)
            st = kk_error_set(err, KK_ENOMEM, "diff: out of memory");
        else
            backtrack(&t, n, m, dmax, s);
    } else if (st == KK_OK) {
        /* Too costly: the whole middle is replaced. */
        s->n = (size_t)(n + m);
        s->truncated = 1;
        if ((s->ops = malloc(s->n + 1)) == NULL)
            st = kk_error_set(err, KK_ENOMEM, "diff: out of memory");
        for (long k = 0; st == KK_OK && k < n + m; k++)
            s->ops[k] = k < n ? EDIT_DELETE : EDIT_INSERT;
    }
    free(t.v);
    return st;
}

/* ---- segments ---------------------------------------------------------------------------- */

typedef struct segment {
    int equal;
    size_t oa, ob, na, nb; /* byte ranges [oa, ob) in the old text, [na, nb) in the new one */
} segment;

typedef struct segments {
    segment *s;
    size_t n, cap;
} segments;

static kk_status add_segment(segments *g, int equal, size_t oa, size_t ob, size_t na, size_t nb,
                             kk_error *err)
{
    if (oa == ob && na == nb)
        return KK_OK;
    if (g->n && g->s[g->n - 1].equal == equal) { /* contiguous on both sides: extend */
        g->s[g->n - 1].ob = ob;
        g->s[g->n - 1].nb = nb;
        return KK_OK;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        segment *p = realloc(g->s, cap * sizeof *p);
        if (!p)
            return kk_error_set(err, KK_ENOMEM, "diff: out of memory");
        g->s = p;
        g->cap = cap;
    }
    g->s[g->n++] = (segment){equal, oa, ob, na, nb};
    return KK_OK;
}

/* Segments of the whole texts: common prefix (p units), the script over the middle, common
 * suffix. Changes of one region share a segment (equal = 0). */
static kk_status build_segments(const side *o, const side *w, size_t p, size_t q,
                                const script *s, segments *g, kk_error *err)
{
    size_t ox = p, nx = p;
    kk_status st = p ? add_segment(g, 1, 0, o->u[p - 1].end, 0, w->u[p - 1].end, err) : KK_OK;
    for (size_t k = 0; st == KK_OK && k < s->n; k++) {
        size_t oa = ox < o->n ? o->u[ox].start : o->len, na = nx < w->n ? w->u[nx].start : w->len;
        if (s->ops[k] == EDIT_EQUAL)
            st = add_segment(g, 1, oa, o->u[ox].end, na, w->u[nx].end, err), ox++, nx++;
        else if (s->ops[k] == EDIT_DELETE)
            st = add_segment(g, 0, oa, o->u[ox].end, na, na, err), ox++;
        else
            st = add_segment(g, 0, oa, oa, na, w->u[nx].end, err), nx++;
    }
    if (st == KK_OK && q)
        st = add_segment(g, 1, o->u[o->n - q].start, o->len, w->u[w->n - q].start, w->len, err);
    return st;
}

/* Fold equal segments of at most max code points that sit between two changes into them, then
 * join the neighbouring changes into one region. */
static void fold_islands(segments *g, const side *w, unsigned max)
{
    for (size_t k = 1; max && k + 1 < g->n; k++)
        if (g->s[k].equal && !g->s[k - 1].equal && !g->s[k + 1].equal
            && count_chars(w->text + g->s[k].na, g->s[k].nb - g->s[k].na) <= max)
            g->s[k].equal = 0;
    size_t out = 0;
    for (size_t k = 0; k < g->n; k++) {
        if (out && !g->s[k].equal && !g->s[out - 1].equal) {
            g->s[out - 1].ob = g->s[k].ob;
            g->s[out - 1].nb = g->s[k].nb;
            continue;
        }
        g->s[out++] = g->s[k];
    }
    g->n = out;
}

/* ---- pieces and entry points ------------------------------------------------------------- */

static kk_status add_piece(kk_diff *d, kk_diff_op op, const char *text, size_t len,
                           kk_error *err)
{
    if (len == 0)
        return KK_OK;
    kk_diff_piece *p = realloc(d->pieces, (d->n + 1) * sizeof *p);
    char *copy = malloc(len + 1);
    if (p)
        d->pieces = p;
    if (!p || !copy) {
        free(copy);
        return kk_error_set(err, KK_ENOMEM, "diff: out of memory");
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    d->pieces[d->n++] = (kk_diff_piece){op, copy, len};
    size_t chars = count_chars(text, len);
    *(op == KK_DIFF_EQUAL ? &d->equal : op == KK_DIFF_INSERT ? &d->inserted : &d->deleted) += chars;
    return KK_OK;
}

/* Equal pieces carry the newer text's spelling (the two may differ in width or variant). */
static kk_status make_pieces(const segments *g, const side *o, const side *w, kk_diff *d,
                             kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < g->n; k++) {
        const segment *s = &g->s[k];
        if (s->equal) {
            st = add_piece(d, KK_DIFF_EQUAL, w->text + s->na, s->nb - s->na, err);
            continue;
        }
        st = add_piece(d, KK_DIFF_DELETE, o->text + s->oa, s->ob - s->oa, err);
        if (st == KK_OK)
            st = add_piece(d, KK_DIFF_INSERT, w->text + s->na, s->nb - s->na, err);
    }
    return st;
}

void kk_diff_options_init(kk_diff_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->unit = KK_DIFF_CHARS;
    opts->merge_equal = KK_DIFF_DEFAULT_MERGE;
    opts->max_cost = KK_DIFF_DEFAULT_MAX_COST;
}

const char *kk_diff_op_name(kk_diff_op op)
{
    switch (op) {
    case KK_DIFF_EQUAL: return "equal";
    case KK_DIFF_INSERT: return "insert";
    case KK_DIFF_DELETE: return "delete";
    }
    return "?";
}

/* Units of both sides and the lengths of their common prefix and suffix. */
static kk_status prepare(differ *d, side *o, side *w, size_t *p, size_t *q)
{
    kk_status st = make_units(d, o);
    if (st == KK_OK)
        st = make_units(d, w);
    if (st != KK_OK)
        return st;
    size_t lim = o->n < w->n ? o->n : w->n;
    for (*p = 0; *p < lim && o->u[*p].key == w->u[*p].key;)
        (*p)++;
    for (*q = 0; *q < lim - *p && o->u[o->n - 1 - *q].key == w->u[w->n - 1 - *q].key;)
        (*q)++;
    return KK_OK;
}

static kk_status run_diff(differ *d, side *o, side *w, kk_diff *out)
{
    size_t p = 0, q = 0;
    script s = {0};
    segments g = {0};
    kk_status st = prepare(d, o, w, &p, &q);
    if (st == KK_OK)
        st = diff_middle(o->u + p, (long)(o->n - p - q), w->u + p, (long)(w->n - p - q),
                         d->opts->max_cost ? d->opts->max_cost : KK_DIFF_DEFAULT_MAX_COST, &s,
                         d->err);
    if (st == KK_OK)
        st = build_segments(o, w, p, q, &s, &g, d->err);
    if (st == KK_OK) {
        fold_islands(&g, w, d->opts->merge_equal);
        st = make_pieces(&g, o, w, out, d->err);
    }
    out->truncated = s.truncated;
    free(s.ops);
    free(g.s);
    return st;
}

kk_status kk_diff_texts(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
                        const kk_diff_options *opts, kk_diff **out, kk_error *err)
{
    *out = NULL;
    kk_diff_options defaults;
    kk_diff_options_init(&defaults);
    if (!opts)
        opts = &defaults;
    if (opts->unit == KK_DIFF_WORDS && !opts->analyzer)
        return kk_error_set(err, KK_EINVAL, "kk_diff_texts: the word mode needs an analyzer");
    if ((!old_text && old_len) || (!new_text && new_len))
        return kk_error_set(err, KK_EINVAL, "kk_diff_texts: NULL text");
    differ d = {opts, NULL, err};
    if (opts->analyzer && (d.cache = calloc(1, sizeof *d.cache)) == NULL)
        return kk_error_set(err, KK_ENOMEM, "diff: out of memory");
    side o = {old_text ? old_text : "", old_len, NULL, 0, 0};
    side w = {new_text ? new_text : "", new_len, NULL, 0, 0};
    kk_diff *r = calloc(1, sizeof *r);
    kk_status st = r ? run_diff(&d, &o, &w, r) : kk_error_set(err, KK_ENOMEM, "out of memory");
    free(o.u);
    free(w.u);
    free(d.cache);
    if (st != KK_OK) {
        kk_diff_free(r);
        return st;
    }
    *out = r;
    return KK_OK;
}

void kk_diff_free(kk_diff *d)
{
    if (!d)
        return;
    for (size_t k = 0; k < d->n; k++)
        free(d->pieces[k].text);
    free(d->pieces);
    free(d);
}

double kk_diff_similarity(const kk_diff *d)
{
    size_t total = 2 * d->equal + d->inserted + d->deleted;
    return total ? 2.0 * (double)d->equal / (double)total : 1.0;
}

char *kk_diff_render(const kk_diff *d, const char *ins_open, const char *ins_close,
                     const char *del_open, const char *del_close)
{
    kk_buf b = {0};
    kk_status st = kk_buf_add(&b, "", 0);
    for (size_t k = 0; st == KK_OK && k < d->n; k++) {
        const kk_diff_piece *p = &d->pieces[k];
        const char *open = p->op == KK_DIFF_INSERT ? ins_open : p->op == KK_DIFF_DELETE ? del_open
                                                                                         : "";
        const char *close = p->op == KK_DIFF_INSERT ? ins_close
                            : p->op == KK_DIFF_DELETE ? del_close : "";
        st = kk_buf_add(&b, open, strlen(open));
        if (st == KK_OK)
            st = kk_buf_add(&b, p->text, p->len);
        if (st == KK_OK)
            st = kk_buf_add(&b, close, strlen(close));
    }
    if (st != KK_OK) {
        kk_buf_free(&b);
        return NULL;
    }
    return kk_buf_take(&b, NULL);
}
