/* record.c — packing a passage's stored data with zstd and the database's dictionary, and
 * training that dictionary (see kk_record.h). */
#include "kk_record.h"

#include <stdlib.h>
#include <string.h>

#include <zdict.h>
#include <zstd.h>

/* zstd's default level: on passages with a dictionary, level 1 was no faster and 3 points worse;
 * level 5 twice as slow for under a point. */
#define KK_RECORD_LEVEL 3

/* Fewer samples than this train no useful dictionary (zstd itself asks for thousands). */
#define KK_DICT_MIN_SAMPLES 100
#define KK_DICT_MIN_BYTES (8u * KK_DICT_MAX)

/* No passage's data comes near this; a frame claiming more is damaged. */
#define KK_RECORD_MAX (64u * 1024u * 1024u)

struct kk_record_codec {
    char *dict;
    size_t dict_len;
    unsigned dict_id;  /* 0 without a dictionary */
    ZSTD_CCtx *cctx;   /* made on first pack */
    ZSTD_CDict *cdict;
    ZSTD_DCtx *dctx;   /* made on first unpack */
    ZSTD_DDict *ddict;
    char *buf;         /* the last result */
    size_t cap;
};

kk_status kk_record_codec_new(const void *dict, size_t dict_len, kk_record_codec **out,
                              kk_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    if (dict_len == 0)
        return KK_OK;
    (*out)->dict = malloc(dict_len);
    if (!(*out)->dict) {
        kk_record_codec_free(*out);
        *out = NULL;
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    memcpy((*out)->dict, dict, dict_len);
    (*out)->dict_len = dict_len;
    (*out)->dict_id = ZSTD_getDictID_fromDict(dict, dict_len);
    return KK_OK;
}

void kk_record_codec_free(kk_record_codec *c)
{
    if (!c)
        return;
    ZSTD_freeCCtx(c->cctx);
    ZSTD_freeCDict(c->cdict);
    ZSTD_freeDCtx(c->dctx);
    ZSTD_freeDDict(c->ddict);
    free(c->dict);
    free(c->buf);
    free(c);
}

kk_status kk_record_codec_load(kk_db *db, kk_record_codec **out, kk_error *err)
{
    char *dict = NULL;
    size_t len = 0;
    kk_status st = kk_db_get_metadata(db, KK_META_DICT, &dict, &len, err);
    if (st == KK_OK)
        st = kk_record_codec_new(dict, len, out, err);
    free(dict);
    return st;
}

static kk_status reserve(kk_record_codec *c, size_t n, kk_error *err)
{
    if (n <= c->cap)
        return KK_OK;
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < n)
        cap *= 2;
    char *p = realloc(c->buf, cap);
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    c->buf = p;
    c->cap = cap;
    return KK_OK;
}

static kk_status make_compressor(kk_record_codec *c, kk_error *err)
{
    if (!c->cctx)
        c->cctx = ZSTD_createCCtx();
    if (c->dict_len && !c->cdict)
        c->cdict = ZSTD_createCDict(c->dict, c->dict_len, KK_RECORD_LEVEL);
    if (!c->cctx || (c->dict_len && !c->cdict))
        return kk_error_set(err, KK_ENOMEM, "out of memory for the record compressor");
    return KK_OK;
}

kk_status kk_record_pack(kk_record_codec *c, const char *data, size_t len, const char **out,
                         size_t *out_len, kk_error *err)
{
    kk_status st = make_compressor(c, err);
    if (st == KK_OK)
        st = reserve(c, ZSTD_compressBound(len), err);
    if (st != KK_OK)
        return st;
    size_t n = c->cdict ? ZSTD_compress_usingCDict(c->cctx, c->buf, c->cap, data, len, c->cdict)
                        : ZSTD_compressCCtx(c->cctx, c->buf, c->cap, data, len, KK_RECORD_LEVEL);
    if (ZSTD_isError(n))
        return kk_error_set(err, KK_EINVAL, "compressing a passage's data: %s",
                            ZSTD_getErrorName(n));
    *out = c->buf;
    *out_len = n;
    return KK_OK;
}

static kk_status make_decompressor(kk_record_codec *c, kk_error *err)
{
    if (!c->dctx)
        c->dctx = ZSTD_createDCtx();
    if (c->dict_len && !c->ddict)
        c->ddict = ZSTD_createDDict(c->dict, c->dict_len);
    if (!c->dctx || (c->dict_len && !c->ddict))
        return kk_error_set(err, KK_ENOMEM, "out of memory for the record decompressor");
    return KK_OK;
}

/* The size a frame says it holds, after checking that c can decode it. */
static kk_status frame_size(const kk_record_codec *c, const char *packed, size_t len,
                            size_t *size, kk_error *err)
{
    unsigned long long n = ZSTD_getFrameContentSize(packed, len);
    if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > KK_RECORD_MAX)
        return kk_error_set(err, KK_ECORRUPT,
                            "stored passage data is damaged or of an older layout: "
                            "index the documents again");
    unsigned id = ZSTD_getDictID_fromFrame(packed, len);
    if (id != 0 && id != c->dict_id)
        return kk_error_set(err, KK_ECORRUPT,
                            "stored passage data needs compression dictionary %u, the database "
                            "holds %u: index the documents again", id, c->dict_id);
    *size = (size_t)n;
    return KK_OK;
}

kk_status kk_record_unpack(kk_record_codec *c, const char *packed, size_t len, const char **out,
                           size_t *out_len, kk_error *err)
{
    size_t size = 0;
    kk_status st = frame_size(c, packed, len, &size, err);
    if (st == KK_OK)
        st = make_decompressor(c, err);
    if (st == KK_OK)
        st = reserve(c, size + 1, err);
    if (st != KK_OK)
        return st;
    size_t n = c->ddict ? ZSTD_decompress_usingDDict(c->dctx, c->buf, size, packed, len, c->ddict)
                        : ZSTD_decompressDCtx(c->dctx, c->buf, size, packed, len);
    if (ZSTD_isError(n) || n != size)
        return kk_error_set(err, KK_ECORRUPT, "stored passage data is damaged: %s",
                            ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
    c->buf[n] = '\0';
    *out = c->buf;
    *out_len = n;
    return KK_OK;
}

static kk_status decode(const char *in, size_t len, const char **out, size_t *out_len, void *ctx,
                        kk_error *err)
{
    return kk_record_unpack(ctx, in, len, out, out_len, err);
}

void kk_record_attach(kk_db *db, kk_record_codec *c)
{
    kk_db_set_data_decoder(db, decode, c);
}

kk_status kk_record_train(const char *samples, const size_t *sizes, size_t n, char **dict,
                          size_t *dict_len, kk_error *err)
{
    *dict = NULL;
    *dict_len = 0;
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += sizes[k];
    if (n < KK_DICT_MIN_SAMPLES || total < KK_DICT_MIN_BYTES || n > 0xFFFFFFFFu)
        return KK_OK;
    char *d = malloc(KK_DICT_MAX);
    if (!d)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    size_t got = ZDICT_trainFromBuffer(d, KK_DICT_MAX, samples, sizes, (unsigned)n);
    if (ZDICT_isError(got)) { /* samples zstd cannot learn from: no dictionary, as for few */
        free(d);
        return KK_OK;
    }
    *dict = d;
    *dict_len = got;
    return KK_OK;
}
