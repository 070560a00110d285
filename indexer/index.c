/* index.c — turns passages into Xapian documents (see kk_index.h and kk_schema.h).
 *
 * Owns the mapping from a kk_passage to terms and values; the file stamps kept as database
 * metadata; and the synonym table. The terms come only from kk_analyze, the one analysis path that
 * the query tool also uses. The stored data is serialised in passage_data.c and packed by record.c;
 * reading files and walking folders live elsewhere.
 */
#include "kk_index.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_analysis.h"
#include "kk_impact.h"
#include "kk_record.h"
#include "kk_schema.h"
#include "kk_text.h"
#include "kk_xapian.h"

/* Xapian rejects terms longer than 245 bytes; filter values are cut at a character boundary
 * below that. */
#define KK_TERM_MAX 240

#define KK_STAMP_KEY_PREFIX "file:"

/* The terms of a heading or a title, kept from the last passage that had the same one: every
 * passage of a section repeats its heading and every passage of a file its title, and analysing
 * them again for each passage cost a tenth of the analysis. */
typedef struct term_cache {
    kk_buf source;  /* the text analysed, NUL-terminated; empty when nothing is cached */
    kk_buf terms;   /* its terms, each followed by a NUL */
    unsigned stops; /* its stop words (counted in the length, not indexed) */
} term_cache;

struct kk_indexer {
    kk_db *db;
    kk_analyzer *analyzer;
    kk_xdoc *xdoc;  /* reused for every passage */
    kk_buf term;    /* scratch for prefixed terms */
    kk_buf body;    /* scratch for the terms of a passage text */
    unsigned body_stops; /* and its stop words */
    term_cache heading, title;
    kk_impacts impacts; /* the ranked terms of the passage being added */
    kk_record_codec *codec; /* packs the stored data with the database's dictionary */
    int in_batch;
    int shard;      /* writing scratch shards of a first build: no earlier passages to replace */
    char hash[17];  /* hash of the passage text being added (text_hash) */
    char *outdated; /* the index layout version of an older database, NULL when current */
};

/* Remember in ix->outdated the layout version of a database written by an older keikaku-index:
 * its passages lack fields this one writes, so its files must be reindexed (kk_run does). */
static kk_status check_schema_version(kk_indexer *ix, kk_error *err)
{
    char *seen = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_metadata(ix->db, KK_META_SCHEMA, &seen, &len, err);
    if (st == KK_OK && strcmp(seen, KK_SCHEMA_VERSION) != 0)
        ix->outdated = len ? seen : strdup("none");
    else
        free(seen);
    return st;
}

static kk_status check_analysis_version(kk_indexer *ix, const char *path, kk_error *err)
{
    char *seen = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_metadata(ix->db, KK_META_ANALYSIS, &seen, &len, err);
    if (st != KK_OK)
        return st;
    if (len == 0) {
        free(seen);
        st = kk_db_set_metadata(ix->db, KK_META_ANALYSIS, KK_ANALYSIS_VERSION,
                                strlen(KK_ANALYSIS_VERSION), err);
        if (st == KK_OK)
            st = kk_db_set_metadata(ix->db, KK_META_SCHEMA, KK_SCHEMA_VERSION,
                                    strlen(KK_SCHEMA_VERSION), err);
        return st;
    }
    int same = strcmp(seen, KK_ANALYSIS_VERSION) == 0;
    free(seen);
    if (!same)
        return kk_error_set(err, KK_EINVAL,
                            "database '%s' was built with other analysis rules; "
                            "remove it and index again", path);
    return check_schema_version(ix, err);
}

/* An indexer with its analyzer and document but no database yet. */
static kk_status indexer_new(kk_indexer **out, kk_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = kk_analyzer_new(&(*out)->analyzer, err);
    if (st == KK_OK)
        st = kk_xdoc_new(&(*out)->xdoc, err);
    if (st == KK_OK)
        st = kk_record_codec_new(NULL, 0, &(*out)->codec, err);
    if (st != KK_OK) {
        kk_indexer_free(*out);
        *out = NULL;
    }
    return st;
}

kk_status kk_indexer_open(const char *path, unsigned lock_wait_ms, kk_indexer **out,
                          kk_error *err)
{
    kk_indexer *ix = NULL;
    kk_status st = indexer_new(&ix, err);
    if (st == KK_OK)
        st = kk_db_open_write(path, lock_wait_ms, &ix->db, err);
    if (st == KK_OK)
        st = check_analysis_version(ix, path, err);
    if (st == KK_OK)
        st = kk_db_commit(ix->db, err);
    if (st == KK_OK) {
        kk_record_codec_free(ix->codec);
        ix->codec = NULL;
        st = kk_record_codec_load(ix->db, &ix->codec, err);
    }
    if (st != KK_OK) {
        kk_indexer_free(ix);
        return st;
    }
    *out = ix;
    return KK_OK;
}

kk_status kk_indexer_new_for_shards(kk_indexer **out, kk_error *err)
{
    kk_status st = indexer_new(out, err);
    if (st == KK_OK)
        (*out)->shard = 1;
    return st;
}

kk_status kk_indexer_shard_start(kk_indexer *ix, const char *path, kk_error *err)
{
    if (!ix->shard || ix->db)
        return kk_error_set(err, KK_EINVAL, "indexer: shard '%s' started while %s", path,
                            ix->db ? "another is open" : "writing a real database");
    kk_status st = kk_db_create_shard(path, &ix->db, err);
    if (st == KK_OK)
        st = check_analysis_version(ix, path, err);
    return st;
}

kk_status kk_indexer_set_dictionary(kk_indexer *ix, const char *dict, size_t len,
                                    kk_error *err)
{
    kk_record_codec *c = NULL;
    kk_status st = kk_record_codec_new(dict, len, &c, err);
    if (st == KK_OK && ix->db && len)
        st = kk_db_set_metadata(ix->db, KK_META_DICT, dict, len, err);
    if (st != KK_OK) {
        kk_record_codec_free(c);
        return st;
    }
    kk_record_codec_free(ix->codec);
    ix->codec = c;
    return KK_OK;
}

kk_status kk_indexer_shard_finish(kk_indexer *ix, kk_error *err)
{
    kk_status st = ix->db ? kk_db_commit(ix->db, err) : KK_OK;
    kk_db_free(ix->db);
    ix->db = NULL;
    return st;
}

void kk_indexer_free(kk_indexer *ix)
{
    if (!ix)
        return;
    if (ix->in_batch)
        kk_db_cancel(ix->db, NULL);
    kk_db_free(ix->db);
    kk_analyzer_free(ix->analyzer);
    kk_xdoc_free(ix->xdoc);
    kk_buf_free(&ix->term);
    kk_buf_free(&ix->body);
    kk_buf_free(&ix->heading.source);
    kk_buf_free(&ix->heading.terms);
    kk_buf_free(&ix->title.source);
    kk_buf_free(&ix->title.terms);
    kk_impacts_free(&ix->impacts);
    kk_record_codec_free(ix->codec);
    free(ix->outdated);
    free(ix);
}

kk_status kk_indexer_begin(kk_indexer *ix, kk_error *err)
{
    kk_status st = kk_db_begin(ix->db, err);
    if (st == KK_OK)
        ix->in_batch = 1;
    return st;
}

kk_status kk_indexer_commit(kk_indexer *ix, kk_error *err)
{
    kk_status st = kk_db_commit(ix->db, err);
    ix->in_batch = 0;
    return st;
}

kk_status kk_indexer_cancel(kk_indexer *ix, kk_error *err)
{
    ix->in_batch = 0;
    return kk_db_cancel(ix->db, err);
}

/* Build prefix + s (cut to KK_TERM_MAX at a character boundary) in ix->term. */
static const char *make_term(kk_indexer *ix, const char *prefix, const char *s, size_t n)
{
    ix->term.len = 0;
    size_t room = KK_TERM_MAX - strlen(prefix);
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    if (kk_buf_add(&ix->term, prefix, strlen(prefix)) != KK_OK
        || kk_buf_add(&ix->term, s, n) != KK_OK)
        return NULL;
    return ix->term.data;
}

/* The index terms of text into out, each followed by a NUL, and in *stops the number of its stop
 * words. No positions are kept: they were three fifths of the index and most of the indexing
 * time, and the query tool checks exact wording against the stored text instead
 * (query/phrase.c). Stop words are no terms (8.5 % of all postings, and never searched for) but
 * count in the length, as they did when they were terms; particles never did. */
static kk_status collect_terms(kk_indexer *ix, const char *text, kk_buf *out, unsigned *stops,
                               kk_error *err)
{
    out->len = 0;
    *stops = 0;
    kk_status st = kk_analyze(ix->analyzer, text, strlen(text), KK_ANALYZE_WORDS | KK_ANALYZE_GRAMS,
                              err);
    size_t n = 0;
    const kk_token *tokens = st == KK_OK ? kk_analyzer_tokens(ix->analyzer, &n) : NULL;
    for (size_t k = 0; k < n; k++) {
        const kk_token *t = &tokens[k];
        *stops += t->stop;
        if (!kk_token_is_indexed(t))
            continue;
        const char *term = make_term(ix, KK_TOKEN_PREFIX(t), t->text, t->len);
        if (!term || kk_buf_add(out, term, ix->term.len + 1) != KK_OK)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    return st;
}

/* Add the terms of a heading or title, from the cache when it is the one analysed last. */
static kk_status add_cached_terms(kk_indexer *ix, term_cache *c, const char *text, unsigned weight,
                                  kk_error *err)
{
    if (c->source.len == 0 || strcmp(c->source.data, text) != 0) {
        c->source.len = 0;
        kk_status st = collect_terms(ix, text, &c->terms, &c->stops, err);
        if (st == KK_OK && kk_buf_add(&c->source, text, strlen(text) + 1) != KK_OK)
            st = kk_error_set(err, KK_ENOMEM, "out of memory");
        if (st != KK_OK) {
            c->source.len = 0;
            return st;
        }
    }
    kk_impacts_add_unwritten(&ix->impacts, c->stops * weight);
    return kk_impacts_add_list(&ix->impacts, &c->terms, weight, err);
}

/* Add a filter term prefix + normalized value, with wdf (0: no effect on ranking). */
static kk_status add_filter_term(kk_indexer *ix, const char *prefix, const char *value,
                                 unsigned wdf, kk_error *err)
{
    if (!value || !*value)
        return KK_OK;
    char *norm = NULL;
    size_t n = 0;
    kk_status st = kk_normalize(ix->analyzer, value, strlen(value), &norm, &n, err);
    if (st != KK_OK)
        return st;
    const char *term = make_term(ix, prefix, norm, n);
    st = term ? kk_xdoc_add_term(ix->xdoc, term, ix->term.len, wdf, err)
              : kk_error_set(err, KK_ENOMEM, "out of memory");
    free(norm);
    return st;
}

/* The city as given (岡山県倉敷市) and without its prefecture (倉敷市), so that city:倉敷市 finds
 * it either way. */
static kk_status add_city_terms(kk_indexer *ix, const char *city, kk_error *err)
{
    kk_status st = add_filter_term(ix, KK_PREFIX_CITY, city, 0, err);
    /* 県 and 府 first: 京都府 holds 都 before its end. */
    static const char *const marks[] = {"県", "府", "道", "都"};
    for (size_t k = 0; st == KK_OK && city && k < sizeof marks / sizeof marks[0]; k++) {
        const char *at = strstr(city, marks[k]);
        if (at && at[strlen(marks[k])])
            return add_filter_term(ix, KK_PREFIX_CITY, at + strlen(marks[k]), 0, err);
    }
    return st;
}

static uint64_t fnv1a64(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < n; k++) {
        h ^= (unsigned char)s[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The hash of the passage text as the index sees it, so that copies differing only in width or
 * line breaks are recognised as the same passage: called right after the body was analysed, whose
 * normalized text (kk_analyzer_text) is what kk_normalize would return, without normalizing the
 * passage a second time. */
static void text_hash(kk_indexer *ix)
{
    size_t n = 0;
    const char *norm = kk_analyzer_text(ix->analyzer, &n);
    snprintf(ix->hash, sizeof ix->hash, "%016" PRIx64, fnv1a64(norm, n));
}

static kk_status set_string_value(kk_indexer *ix, unsigned slot, const char *s, kk_error *err)
{
    if (!s)
        return KK_OK;
    return kk_xdoc_set_value(ix->xdoc, slot, s, strlen(s), err);
}

static kk_status add_passage_terms(kk_indexer *ix, const kk_document *d, const kk_passage *p,
                                   kk_error *err)
{
    kk_status st = collect_terms(ix, p->text ? p->text : "", &ix->body, &ix->body_stops, err);
    if (st == KK_OK)
        text_hash(ix); /* of the text just analysed */
    if (st == KK_OK) {
        kk_impacts_add_unwritten(&ix->impacts, ix->body_stops);
        st = kk_impacts_add_list(&ix->impacts, &ix->body, 1, err);
    }
    if (st == KK_OK && p->heading)
        st = add_cached_terms(ix, &ix->heading, p->heading, KK_HEADING_WDF, err);
    if (st == KK_OK && d->title && (!p->heading || strcmp(d->title, p->heading) != 0))
        st = add_cached_terms(ix, &ix->title, d->title, 1, err);
    return st;
}

static kk_status add_passage_filters(kk_indexer *ix, const char *file_id,
                                     const kk_document *d, const kk_passage *p,
                                     const char *passage_id, kk_error *err)
{
    int year = p->year ? p->year : d->year;
    char year_text[16];
    snprintf(year_text, sizeof year_text, "%d", year);
    /* The year term is ranked like a word of the passage, not a wdf-0 filter, so that a query
     * naming a year can prefer its passages by weight without excluding the others. */
    kk_status st = KK_OK;
    if (year) {
        const char *t = make_term(ix, KK_PREFIX_YEAR, year_text, strlen(year_text));
        st = kk_impacts_add(&ix->impacts, t, ix->term.len, 1, err);
    }
    if (st == KK_OK) st = add_filter_term(ix, KK_PREFIX_KIND, d->kind, 0, err);
    if (st == KK_OK) st = add_filter_term(ix, KK_PREFIX_DEPT, p->dept, 0, err);
    if (st == KK_OK) st = add_filter_term(ix, KK_PREFIX_DEPT, p->office, 0, err);
    if (st == KK_OK) st = add_city_terms(ix, d->city, err);
    if (st == KK_OK) st = add_filter_term(ix, KK_PREFIX_VERSION, p->version, 0, err);
    if (st == KK_OK) st = add_filter_term(ix, KK_PREFIX_SPEAKER, p->speaker, 0, err);
    for (size_t k = 0; st == KK_OK && k < p->n_plans; k++)
        st = add_filter_term(ix, KK_PREFIX_PLAN, p->plans[k], 0, err);
    if (st == KK_OK) {
        const char *t = make_term(ix, KK_PREFIX_DOC, d->doc, strlen(d->doc));
        st = kk_xdoc_add_term(ix->xdoc, t, ix->term.len, 0, err);
    }
    if (st == KK_OK) {
        const char *t = make_term(ix, KK_PREFIX_FILE, file_id, strlen(file_id));
        st = kk_xdoc_add_term(ix->xdoc, t, ix->term.len, 0, err);
    }
    if (st == KK_OK) {
        const char *t = make_term(ix, KK_PREFIX_ID, passage_id, strlen(passage_id));
        st = kk_xdoc_add_term(ix->xdoc, t, ix->term.len, 0, err);
    }
    if (st == KK_OK && year)
        st = kk_xdoc_set_number(ix->xdoc, KK_SLOT_YEAR, year, err);
    return st;
}

static kk_status add_passage_values(kk_indexer *ix, const kk_document *d, const kk_passage *p,
                                    size_t ordinal, kk_error *err)
{
    kk_status st = kk_xdoc_set_value(ix->xdoc, KK_SLOT_TEXTHASH, ix->hash, 16, err);
    if (st == KK_OK) {
        const char *t = make_term(ix, KK_PREFIX_HASH, ix->hash, 16);
        st = kk_xdoc_add_term(ix->xdoc, t, ix->term.len, 0, err);
    }
    if (st == KK_OK) st = set_string_value(ix, KK_SLOT_KIND, d->kind, err);
    if (st == KK_OK) st = set_string_value(ix, KK_SLOT_DEPT, p->dept, err);
    if (st == KK_OK) st = set_string_value(ix, KK_SLOT_CITY, d->city, err);
    if (st == KK_OK) st = set_string_value(ix, KK_SLOT_DOC, d->doc, err);
    if (st == KK_OK) st = kk_xdoc_set_number(ix->xdoc, KK_SLOT_LINE, p->line, err);
    if (st == KK_OK) st = kk_xdoc_set_number(ix->xdoc, KK_SLOT_ORDINAL, (double)ordinal, err);
    return st;
}

static kk_status add_passage(kk_indexer *ix, const char *file_id, const kk_document *d,
                             size_t ordinal, kk_error *err)
{
    const kk_passage *p = &d->passages[ordinal];
    char passage_id[KK_TERM_MAX];
    snprintf(passage_id, sizeof passage_id, "%s:%zu", d->doc, ordinal);
    kk_xdoc_clear(ix->xdoc);
    kk_impacts_clear(&ix->impacts);
    kk_status st = add_passage_terms(ix, d, p, err);
    if (st == KK_OK)
        st = add_passage_filters(ix, file_id, d, p, passage_id, err);
    if (st == KK_OK)
        st = kk_impacts_write(&ix->impacts, ix->xdoc, err);
    if (st == KK_OK)
        st = add_passage_values(ix, d, p, ordinal, err);
    if (st != KK_OK)
        return st;
    char *data = NULL;
    const char *packed = NULL;
    size_t len = 0, packed_len = 0;
    st = kk_index_passage_data(d, ordinal, &data, &len, err);
    if (st == KK_OK)
        st = kk_record_pack(ix->codec, data, len, &packed, &packed_len, err);
    if (st == KK_OK)
        st = kk_xdoc_set_data(ix->xdoc, packed, packed_len, err);
    free(data);
    if (st == KK_OK)
        st = kk_db_add(ix->db, ix->xdoc, NULL, err);
    return st;
}

static kk_status put_stamp(kk_indexer *ix, const char *file_id, const kk_file_stamp *s,
                           kk_error *err)
{
    char key[KK_TERM_MAX + 8], value[96];
    snprintf(key, sizeof key, KK_STAMP_KEY_PREFIX "%s", file_id);
    int n = snprintf(value, sizeof value, "%" PRIu64 " %" PRId64 " %016" PRIx64, s->size,
                     s->mtime_ns, s->hash);
    return kk_db_set_metadata(ix->db, key, value, (size_t)n, err);
}

kk_status kk_indexer_add(kk_indexer *ix, const char *file_id, const kk_file_stamp *stamp,
                         const kk_document *d, size_t *n_passages, kk_error *err)
{
    kk_status st = ix->shard ? KK_OK : kk_indexer_remove(ix, file_id, err);
    for (size_t k = 0; st == KK_OK && k < d->n_passages; k++)
        st = add_passage(ix, file_id, d, k, err);
    if (st == KK_OK && stamp)
        st = put_stamp(ix, file_id, stamp, err);
    if (st != KK_OK)
        return kk_error_prefix(err, "indexing %s", d->doc);
    if (n_passages)
        *n_passages = d->n_passages;
    return KK_OK;
}

kk_status kk_indexer_remove(kk_indexer *ix, const char *file_id, kk_error *err)
{
    const char *t = make_term(ix, KK_PREFIX_FILE, file_id, strlen(file_id));
    if (!t)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = kk_db_delete(ix->db, t, ix->term.len, err);
    if (st != KK_OK)
        return st;
    char key[KK_TERM_MAX + 8];
    snprintf(key, sizeof key, KK_STAMP_KEY_PREFIX "%s", file_id);
    return kk_db_set_metadata(ix->db, key, "", 0, err);
}

kk_status kk_indexer_stamp(kk_indexer *ix, const char *file_id, kk_file_stamp *stamp, int *found,
                           kk_error *err)
{
    char key[KK_TERM_MAX + 8];
    snprintf(key, sizeof key, KK_STAMP_KEY_PREFIX "%s", file_id);
    char *value = NULL;
    size_t len = 0;
    *found = 0;
    kk_status st = kk_db_get_metadata(ix->db, key, &value, &len, err);
    if (st != KK_OK)
        return st;
    if (len > 0 && sscanf(value, "%" SCNu64 " %" SCNd64 " %" SCNx64, &stamp->size,
                          &stamp->mtime_ns, &stamp->hash) == 3)
        *found = 1;
    free(value);
    return KK_OK;
}

struct each_file_ctx {
    kk_file_cb cb;
    void *ctx;
    size_t prefix_len;
};

static int each_file_term(const char *term, size_t len, unsigned freq, void *vctx)
{
    (void)freq;
    struct each_file_ctx *c = vctx;
    char id[KK_TERM_MAX + 1];
    size_t n = len - c->prefix_len;
    if (n >= sizeof id)
        n = sizeof id - 1;
    memcpy(id, term + c->prefix_len, n);
    id[n] = '\0';
    return c->cb(id, c->ctx);
}

kk_status kk_indexer_each_file(kk_indexer *ix, kk_file_cb cb, void *ctx, kk_error *err)
{
    struct each_file_ctx c = {cb, ctx, strlen(KK_PREFIX_FILE)};
    return kk_db_each_term(ix->db, KK_PREFIX_FILE, each_file_term, &c, err);
}

/* Normalize one synonym entry to the key the query tool looks up: normalized, spaces removed. */
static char *synonym_key(kk_indexer *ix, const char *s, size_t n)
{
    char *norm = NULL;
    size_t len = 0;
    if (kk_normalize(ix->analyzer, s, n, &norm, &len, NULL) != KK_OK)
        return NULL;
    size_t w = 0;
    for (size_t r = 0; r < len; r++)
        if (norm[r] != ' ')
            norm[w++] = norm[r];
    norm[w] = '\0';
    return norm;
}

/* Split one TSV line into normalized entries; returns how many (at most max). */
static size_t synonym_entries(kk_indexer *ix, const char *line, size_t n, char **out, size_t max)
{
    size_t count = 0, start = 0;
    for (size_t k = 0; k <= n && count < max; k++) {
        if (k < n && line[k] != '\t')
            continue;
        char *key = k > start ? synonym_key(ix, line + start, k - start) : NULL;
        if (key && *key)
            out[count++] = key;
        else
            free(key);
        start = k + 1;
    }
    return count;
}

/* Every entry of a line becomes a synonym of every other: the table lists groups of equivalent
 * expressions, and staff should not have to write each direction. */
static kk_status add_synonym_group(kk_indexer *ix, char **entries, size_t n, kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t a = 0; st == KK_OK && a < n; a++)
        for (size_t b = 0; st == KK_OK && b < n; b++)
            if (a != b && strcmp(entries[a], entries[b]) != 0)
                st = kk_db_add_synonym(ix->db, entries[a], entries[b], err);
    return st;
}

/* Apply one table: add its groups (add != 0) or clear the synonyms of its entries (add == 0). */
static kk_status apply_synonym_table(kk_indexer *ix, const kk_synonym_table *t, int add,
                                     kk_error *err)
{
    enum { MAX_ENTRIES = 32 };
    size_t line_no = 0, pos = 0;
    kk_status st = KK_OK;
    while (st == KK_OK && pos < t->len) {
        const char *line = t->text + pos;
        const char *nl = memchr(line, '\n', t->len - pos);
        size_t n = nl ? (size_t)(nl - line) : t->len - pos;
        pos += n + 1;
        line_no++;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        if (!kk_utf8_valid(line, n))
            return kk_error_set(err, KK_EENCODING, "%s:%zu: not valid UTF-8", t->source, line_no);
        char *entries[MAX_ENTRIES];
        size_t count = synonym_entries(ix, line, n, entries, MAX_ENTRIES);
        if (count < 2)
            st = kk_error_set(err, KK_EFORMAT,
                              "%s:%zu: a synonym line needs at least two tab-separated entries",
                              t->source, line_no);
        else if (add)
            st = add_synonym_group(ix, entries, count, err);
        for (size_t k = 0; k < count && !add && st == KK_OK; k++)
            st = kk_db_clear_synonyms(ix->db, entries[k], err);
        for (size_t k = 0; k < count; k++)
            free(entries[k]);
    }
    return st;
}

#define KK_META_SYNONYMS "keikaku.synonyms"

/* Forget the synonyms of the tables loaded last time (kept as metadata for this purpose). */
static kk_status clear_previous_synonyms(kk_indexer *ix, kk_error *err)
{
    char *old = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_metadata(ix->db, KK_META_SYNONYMS, &old, &len, err);
    if (st == KK_OK && len > 0) {
        kk_synonym_table t = {old, len, "previous synonym table"};
        st = apply_synonym_table(ix, &t, 0, err);
    }
    free(old);
    return st;
}

kk_status kk_indexer_set_synonyms(kk_indexer *ix, const kk_synonym_table *tables, size_t n,
                                  kk_error *err)
{
    kk_status st = clear_previous_synonyms(ix, err);
    kk_buf all = {0};
    for (size_t k = 0; st == KK_OK && k < n; k++) {
        st = apply_synonym_table(ix, &tables[k], 1, err);
        if (st == KK_OK && (kk_buf_add(&all, tables[k].text, tables[k].len) != KK_OK
                            || kk_buf_addc(&all, '\n') != KK_OK))
            st = kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    if (st == KK_OK)
        st = kk_db_set_metadata(ix->db, KK_META_SYNONYMS, all.data ? all.data : "", all.len, err);
    kk_buf_free(&all);
    return st;
}

const char *kk_indexer_outdated(const kk_indexer *ix)
{
    return ix->outdated;
}

kk_status kk_indexer_mark_current(kk_indexer *ix, kk_error *err)
{
    kk_status st = kk_db_set_metadata(ix->db, KK_META_SCHEMA, KK_SCHEMA_VERSION,
                                      strlen(KK_SCHEMA_VERSION), err);
    if (st == KK_OK) {
        free(ix->outdated);
        ix->outdated = NULL;
    }
    return st;
}
