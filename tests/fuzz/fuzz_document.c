/* fuzz_document.c — libFuzzer harness for the document readers: decoding, markup stripping,
 * plain-text, minutes and CSV splitting, the long-passage cut, metadata, and the stored data.
 *
 * The first input byte chooses the path: 0 kk_document_from_text (already UTF-8, the splitters
 * alone); 1 a .txt file, 2 a .csv file, 3 an .html file read by kk_document_read (bytes through
 * the decoder: BOMs, UTF-16, Shift_JIS, EUC-JP, binary, NULs). The rest is the content. On
 * success every passage must be non-empty valid UTF-8 of at most twice KK_PASSAGE_MAX_CHARS
 * characters with a line from 1, must serialise to JSON and to stored data that splits back into
 * its fields and text; any failure must carry a message. Violations abort, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kk_document.h"
#include "kk_index.h"
#include "kk_stored.h"
#include "kk_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Readers close passages after 1500 characters where they may; split_long.c cuts the rest. */
#define MAX_PASSAGE_CHARS 3000

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_document: %s\n", what);
        abort();
    }
}

static int same(kk_stored_str s, const char *want)
{
    return want ? s.ptr && s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0 : !s.ptr;
}

/* Stored data splits back into the passage's fields (a sample of them) and its text. */
static void check_stored(const kk_document *d, size_t k)
{
    const kk_passage *p = &d->passages[k];
    char *stored = NULL;
    size_t len = 0;
    kk_stored f;
    check(kk_index_passage_data(d, k, &stored, &len, NULL) == KK_OK
              && kk_stored_split(stored, len, &f, NULL) == KK_OK,
          "stored data does not split");
    check(same(f.text, p->text) && same(f.doc, d->doc) && same(f.heading, p->heading)
              && same(f.title, d->title) && f.line == p->line && f.ordinal == k
              && f.n_plans == p->n_plans,
          "stored data does not split back into the passage");
    kk_stored_str plan;
    size_t at = 0;
    for (size_t i = 0; i < p->n_plans; i++)
        check(kk_stored_next_plan(&f, &at, &plan) == 0 && same(plan, p->plans[i]),
              "stored data does not give back the plans");
    check(kk_stored_next_plan(&f, &at, &plan) != 0, "stored data gives back a plan too many");
    free(stored);
}

static void check_document(const kk_document *d)
{
    for (size_t k = 0; k < d->n_passages; k++) {
        const kk_passage *p = &d->passages[k];
        size_t n = strlen(p->text), chars = 0;
        check(n > 0, "empty passage");
        check(kk_utf8_valid(p->text, n), "passage text is not valid UTF-8");
        for (size_t i = 0; i < n; i++)
            chars += ((unsigned char)p->text[i] & 0xC0) != 0x80;
        check(chars <= MAX_PASSAGE_CHARS, "passage longer than the hard limit");
        check(p->line >= 1 && p->lines >= 1, "passage without a line");
        char *json = kk_index_passage_json(d, k);
        check(json != NULL, "passage does not serialise to JSON");
        free(json);
        check_stored(d, k);
    }
}

/* One scratch file per extension, rewritten for every input. */
static const char *scratch(unsigned mode)
{
    static char paths[4][64];
    static const char *const ext[4] = {"", ".txt", ".csv", ".html"};
    if (!paths[mode][0])
        snprintf(paths[mode], sizeof paths[mode], "/tmp/kk-fuzz-%ld%s", (long)getpid(),
                 ext[mode]);
    return paths[mode];
}

static kk_status read_as_file(unsigned mode, const uint8_t *data, size_t size, kk_document **d,
                              kk_error *err)
{
    const char *path = scratch(mode);
    FILE *f = fopen(path, "wb");
    check(f != NULL, "cannot write the scratch file");
    check(fwrite(data, 1, size, f) == size && fclose(f) == 0, "cannot write the scratch file");
    kk_status st = kk_document_read(path, "fuzz", NULL, d, err);
    unlink(path);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0] % 4;
    kk_document *d = NULL;
    kk_error err = {0};
    kk_status st = mode == 0 ? kk_document_from_text((const char *)data + 1, size - 1, "fuzz",
                                                     &d, &err)
                             : read_as_file(mode, data + 1, size - 1, &d, &err);
    if (st == KK_OK) {
        check(d != NULL, "success without a document");
        check_document(d);
    } else {
        check(d == NULL, "a document on failure");
        check(err.message[0] != '\0', "a failure without a message");
        check(st != KK_EINTERNAL, "an internal error");
    }
    kk_document_free(d);
    return 0;
}
