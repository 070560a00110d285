/* dictionary.c — the compression dictionary of a first build: sample passages from across the
 * job's files, laid out as the index stores them, and train on them (kk_record.h).
 *
 * Samples come from files spread evenly over the walk, a bounded share from each: the passages
 * of one file repeat its title, speaker and headings, and a dictionary learnt from the first
 * files alone would know one year's vocabulary. A file that cannot be read is passed over
 * silently here; the worker that indexes it reports it.
 */
#include "run_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kk_manifest.h"
#include "kk_record.h"
#include "kk_text.h"

/* Files read for samples, and the most one file may give. Reading is about a twentieth of the
 * indexing cost per byte, so 32 files of the minutes (some 16 MB) add a fraction of a second. */
#define KK_SAMPLE_FILES 32
#define KK_SAMPLE_FILE_BYTES (KK_DICT_SAMPLE_BYTES / KK_SAMPLE_FILES)

typedef struct samples {
    kk_buf bytes;
    size_t *sizes;
    size_t n, cap;
} samples;

static kk_status add_sample(samples *s, const char *data, size_t len, kk_error *err)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        size_t *p = realloc(s->sizes, cap * sizeof *p);
        if (!p)
            return kk_error_set(err, KK_ENOMEM, "out of memory");
        s->sizes = p;
        s->cap = cap;
    }
    if (kk_buf_add(&s->bytes, data, len) != KK_OK)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    s->sizes[s->n++] = len;
    return KK_OK;
}

static kk_status sample_file(samples *s, const kk_found_file *f, kk_error *err)
{
    kk_document *d = NULL;
    if (kk_manifest_read_document(f->path, f->doc, &d, NULL) != KK_OK)
        return KK_OK;
    kk_status st = KK_OK;
    size_t taken = 0;
    for (size_t k = 0; st == KK_OK && k < d->n_passages && taken < KK_SAMPLE_FILE_BYTES; k++) {
        char *data = NULL;
        size_t len = 0;
        st = kk_index_passage_data(d, k, &data, &len, err);
        if (st == KK_OK)
            st = add_sample(s, data, len, err);
        taken += len;
        free(data);
    }
    kk_document_free(d);
    return st;
}

kk_status kk_job_train_dictionary(kk_job *j, char **dict, size_t *len, kk_error *err)
{
    *dict = NULL;
    *len = 0;
    samples s = {0};
    size_t step = j->n_files > KK_SAMPLE_FILES ? j->n_files / KK_SAMPLE_FILES : 1;
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < j->n_files && s.bytes.len < KK_DICT_SAMPLE_BYTES;
         k += step)
        st = sample_file(&s, &j->files[k], err);
    if (st == KK_OK)
        st = kk_record_train(s.bytes.data, s.sizes, s.n, dict, len, err);
    kk_buf_free(&s.bytes);
    free(s.sizes);
    return st;
}
