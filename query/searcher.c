/* searcher.c — opening a database for searching: the read-only handle, the analyzer (with the
 * stop list the index was built with) and the stored-data codec (see kk_query.h).
 *
 * Checks that the index was built with the analysis rules this program uses, since terms from
 * other rules would silently fail to match.
 */
#include "query_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kk_record.h"
#include "kk_schema.h"

/* 1 if metadata key is absent (an empty database) or holds want. */
static kk_status meta_is(kk_searcher *s, const char *key, const char *want, int *same,
                         kk_error *err)
{
    char *seen = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_metadata(s->db, key, &seen, &len, err);
    *same = st == KK_OK && (len == 0 || strcmp(seen, want) == 0);
    free(seen);
    return st;
}

/* Terms from other analysis rules would silently fail to match, and wdfs of another layout would
 * rank wrongly (kk_schema.h). */
static kk_status check_version(kk_searcher *s, const char *path, kk_error *err)
{
    int analysis = 0, schema = 0;
    kk_status st = meta_is(s, KK_META_ANALYSIS, KK_ANALYSIS_VERSION, &analysis, err);
    if (st == KK_OK)
        st = meta_is(s, KK_META_SCHEMA, KK_SCHEMA_VERSION, &schema, err);
    if (st == KK_OK && !(analysis && schema))
        return kk_error_set(err, KK_EINVAL,
                            "database '%s' was built by another version of keikaku-index; "
                            "index the documents again", path);
    return st;
}

void kk_ranked_opts_init(kk_search_opts *o)
{
    kk_search_opts_init(o);
    o->bm25_k1 = KK_BM25_K1 * KK_IMPACT_SCALE;
    o->bm25_b = 0; /* the index holds normalized wdfs: no document length is read */
}

/* Decode the stored data with the dictionary the database holds now: a database rebuilt at the
 * same path has another. */
static kk_status load_codec(kk_searcher *s, kk_error *err)
{
    kk_record_codec *c = NULL;
    kk_status st = kk_record_codec_load(s->db, &c, err);
    if (st != KK_OK)
        return st;
    kk_record_attach(s->db, c);
    kk_record_codec_free(s->codec);
    s->codec = c;
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
        st = load_codec(s, err);
    if (st == KK_OK)
        st = kk_analyzer_new(&s->analyzer, err);
    if (st == KK_OK)
        st = kk_db_doc_count(s->db, &s->doc_count, err);
    if (st != KK_OK) {
        kk_searcher_free(s);
        return st;
    }
    *out = s;
    return KK_OK;
}

kk_status kk_searcher_refresh(kk_searcher *s, int *changed, kk_error *err)
{
    int moved = 0;
    kk_status st = kk_db_reopen(s->db, &moved, err);
    if (st == KK_OK && moved)
        st = kk_db_doc_count(s->db, &s->doc_count, err);
    if (st == KK_OK && moved)
        st = load_codec(s, err);
    if (changed)
        *changed = moved;
    return st;
}

void kk_searcher_free(kk_searcher *s)
{
    if (!s)
        return;
    kk_db_free(s->db);
    kk_record_codec_free(s->codec);
    kk_analyzer_free(s->analyzer);
    free(s);
}
