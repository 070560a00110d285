/* document.c — kk_document: reading a file, choosing its splitter, and the document's metadata.
 *
 * Owns the kk_document and kk_passage structs (building, freeing), the choice of reader by
 * extension and content (minutes, CSV, HTML, plain text), and what is inferred for the whole
 * document afterwards: title, kind, fiscal year (cover, last page, file name), plan names,
 * manifest overrides. The splitting itself lives in split_text.c, split_table.c, split_layout.c,
 * read_csv.c and split_minutes.c; decoding in decode.c; manifests in manifest.c.
 */
#include "document_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kk_year.h"

/* The document's year is looked for in its first bytes (the cover) and, failing that, its last
 * bytes: PDF extraction often moves a cover's running title to the end, as in corpus/mitaka/001
 * whose last line is 第4次基本計画（第1次改定）（平成27年度～平成34年度）. Mentions in the body
 * are references to other years, not the document's. */
#define YEAR_HEAD_BYTES 2000
#define YEAR_TAIL_BYTES 1000

size_t kk_count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

kk_status kk_strdup_n(const char *s, size_t n, char **out, kk_error *err)
{
    char *p = malloc(n + 1);
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    memcpy(p, s, n);
    p[n] = '\0';
    *out = p;
    return KK_OK;
}

/* head + " " + joined raw, into *text. */
static kk_status passage_text(const char *head, const char *raw, size_t len, char **text,
                              size_t *text_len, kk_error *err)
{
    kk_status st = kk_join_lines(raw, len, text, text_len, err);
    if (st != KK_OK || !head || !head[0])
        return st;
    kk_buf b = {0};
    st = kk_buf_add(&b, head, strlen(head));
    if (st == KK_OK && *text_len)
        st = kk_buf_addc(&b, ' ');
    if (st == KK_OK)
        st = kk_buf_add(&b, *text, *text_len);
    free(*text);
    if (st != KK_OK) {
        kk_buf_free(&b);
        return kk_error_set(err, st, "out of memory joining a passage");
    }
    *text = kk_buf_take(&b, text_len);
    return KK_OK;
}

kk_status kk_builder_add(kk_builder *b, const char *head, const char *raw, size_t len,
                         unsigned line, unsigned last, kk_passage **out, kk_error *err)
{
    *out = NULL;
    char *text;
    size_t text_len;
    kk_status st = passage_text(head, raw, len, &text, &text_len, err);
    if (st != KK_OK)
        return st;
    if (text_len == 0) {
        free(text);
        return KK_OK;
    }
    kk_document *d = b->doc;
    if (d->n_passages == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        kk_passage *p = realloc(d->passages, cap * sizeof *p);
        if (!p) {
            free(text);
            return kk_error_set(err, KK_ENOMEM, "%s: out of memory adding a passage", b->name);
        }
        d->passages = p;
        b->cap = cap;
    }
    kk_passage *p = &d->passages[d->n_passages++];
    memset(p, 0, sizeof *p);
    p->text = text;
    p->line = line;
    p->lines = last >= line ? last - line + 1 : 1;
    *out = p;
    return KK_OK;
}

void kk_builder_warn(kk_builder *b, const char *fmt, ...)
{
    if (b->doc->n_warnings++ > 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->doc->first_warning, sizeof b->doc->first_warning, fmt, ap);
    va_end(ap);
}

void kk_passage_release(kk_passage *p)
{
    free(p->text);
    free(p->heading);
    free(p->section);
    free(p->dept);
    free(p->office);
    free(p->version);
    free(p->speaker);
    free(p->date);
    for (size_t k = 0; k < p->n_plans; k++)
        free(p->plans[k]);
    free(p->plans);
    memset(p, 0, sizeof *p);
}

void kk_document_free(kk_document *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_passages; i++)
        kk_passage_release(&d->passages[i]);
    free(d->passages);
    free(d->path);
    free(d->doc);
    free(d->encoding);
    free(d->title);
    free(d->kind);
    free(d->city);
    free(d);
}

static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

int kk_document_supported(const char *path)
{
    if (!path)
        return 0;
    const char *ext = extension(path);
    return strcasecmp(ext, "txt") == 0 || strcasecmp(ext, "csv") == 0 ||
           strcasecmp(ext, "html") == 0 || strcasecmp(ext, "htm") == 0;
}

static kk_status set_string(char **field, const char *value, kk_error *err)
{
    if (!value)
        return KK_OK;
    char *p = NULL;
    kk_status st = kk_strdup_n(value, strlen(value), &p, err);
    if (st != KK_OK)
        return st;
    free(*field);
    *field = p;
    return KK_OK;
}

/* The kind a plain-text document's wording gives it; NULL when it says nothing we know. */
static const char *infer_kind(const char *text, const kk_vlines *v)
{
    if (v->labels[0] && (strstr(v->labels[0], "基本計画") || strstr(v->labels[1], "基本計画")))
        return "基本計画";
    if (strstr(text, "各部の運営方針と目標"))
        return "運営方針と目標";
    if (strstr(text, "個別計画"))
        return "個別計画";
    return NULL;
}

static int document_year(const char *text, size_t len)
{
    int y = kk_year_find(text, len < YEAR_HEAD_BYTES ? len : YEAR_HEAD_BYTES, NULL, NULL);
    if (!y && len > YEAR_HEAD_BYTES) {
        size_t from = len > YEAR_TAIL_BYTES ? len - YEAR_TAIL_BYTES : 0;
        if (from < YEAR_HEAD_BYTES)
            from = YEAR_HEAD_BYTES;
        while (from < len && ((unsigned char)text[from] & 0xC0) == 0x80)
            from++;
        y = kk_year_find(text + from, len - from, NULL, NULL);
    }
    return y;
}

static kk_status split_plain(kk_builder *b, const char *text, size_t len, int html,
                             kk_error *err)
{
    kk_vlines v = {0};
    kk_status st = kk_vlines_build(&v, text, len, html, err);
    if (st == KK_OK && v.unclosed)
        kk_builder_warn(b, "%s:%u: HTML markup not closed (%zu in this file): an unclosed tag "
                        "is kept as text, an unclosed script or style ends the text",
                        b->name, v.unclosed_line, v.unclosed);
    if (st == KK_OK)
        st = kk_split_vlines(b, &v, err);
    if (st == KK_OK)
        st = set_string(&b->doc->kind, infer_kind(text, &v), err);
    kk_vlines_free(&v);
    if (st == KK_OK && !b->doc->year)
        b->doc->year = document_year(text, len);
    /* A cover that states no year: the file's name may (令和元年度_運営方針と目標.txt). */
    if (st == KK_OK && !b->doc->year && b->doc->doc)
        b->doc->year = kk_year_find(b->doc->doc, strlen(b->doc->doc), NULL, NULL);
    return st;
}

/* Choose the reader: CSV by extension, minutes by their first line, HTML by extension. */
static kk_status split_any(kk_builder *b, const char *path, const char *text, size_t len,
                           kk_error *err)
{
    const char *ext = path ? extension(path) : "txt";
    if (strcasecmp(ext, "csv") == 0)
        return kk_read_csv(b, text, len, err);
    if (kk_minutes_detect(text, len))
        return kk_split_minutes(b, text, len, err);
    int html = strcasecmp(ext, "html") == 0 || strcasecmp(ext, "htm") == 0;
    return split_plain(b, text, len, html, err);
}

/* Overrides win; then passages without a year of their own take the document's; plan names
 * mentioned in each passage are collected. */
static kk_status finish(kk_document *d, const kk_doc_overrides *o, kk_error *err)
{
    kk_status st = KK_OK;
    if (o) {
        st = set_string(&d->title, o->title, err);
        if (st == KK_OK)
            st = set_string(&d->kind, o->kind, err);
        if (st == KK_OK)
            st = set_string(&d->city, o->city, err);
        if (o->year)
            d->year = o->year > 0 ? o->year : 0;
    }
    for (size_t i = 0; st == KK_OK && i < d->n_passages; i++) {
        kk_passage *p = &d->passages[i];
        if (!p->year)
            p->year = d->year;
        if (o && o->dept)
            st = set_string(&p->dept, o->dept, err);
        if (st == KK_OK)
            st = kk_plans_collect(p, err);
    }
    return st;
}

static kk_status document_new(const char *path, const char *doc, const char *encoding,
                              kk_document **out, kk_error *err)
{
    kk_document *d = calloc(1, sizeof *d);
    if (!d)
        return kk_error_set(err, KK_ENOMEM, "%s: out of memory", doc ? doc : "document");
    kk_status st = set_string(&d->path, path, err);
    if (st == KK_OK)
        st = set_string(&d->doc, doc ? doc : path, err);
    if (st == KK_OK)
        st = set_string(&d->encoding, encoding, err);
    if (st != KK_OK) {
        kk_document_free(d);
        return st;
    }
    *out = d;
    return KK_OK;
}

/* Remove NUL bytes (left in text extracted from PDF; C strings would end at them) with a warning
 * naming the line of the first. Returns the new length. */
static size_t drop_nul_bytes(kk_builder *b, char *text, size_t len)
{
    char *nul = memchr(text, '\0', len);
    if (!nul)
        return len;
    unsigned line = 1;
    for (const char *p = text; p < nul; p++)
        line += *p == '\n';
    size_t w = 0;
    for (size_t r = 0; r < len; r++)
        if (text[r])
            text[w++] = text[r];
    text[w] = '\0';
    kk_builder_warn(b, "%s:%u: %zu NUL byte%s removed", b->name, line, len - w,
                    len - w == 1 ? "" : "s");
    return w;
}

/* Build a document from decoded text (owned by the caller, who lets NUL bytes be removed). */
static kk_status document_build(const char *path, const char *doc, const char *encoding,
                                char *text, size_t len, const kk_doc_overrides *o,
                                kk_document **out, kk_error *err)
{
    kk_document *d = NULL;
    kk_status st = document_new(path, doc, encoding, &d, err);
    if (st != KK_OK)
        return st;
    kk_builder b = {d, 0, doc ? doc : (path ? path : "text")};
    len = drop_nul_bytes(&b, text, len);
    st = split_any(&b, path, text, len, err);
    if (st == KK_OK)
        st = kk_passages_cut_long(&b, err);
    if (st == KK_OK && d->n_passages == 0)
        kk_builder_warn(&b, "%s: %s", b.name, len ? "no text to index" : "empty file");
    if (st == KK_OK)
        st = finish(d, o, err);
    if (st != KK_OK) {
        kk_document_free(d);
        return st;
    }
    *out = d;
    return KK_OK;
}

kk_status kk_document_read(const char *path, const char *doc, const kk_doc_overrides *overrides,
                           kk_document **out, kk_error *err)
{
    if (!path || !out)
        return kk_error_set(err, KK_EINVAL, "kk_document_read: path and out are required");
    char *text = NULL;
    size_t len = 0;
    const char *encoding = NULL;
    kk_status st = kk_decode_file(path, &text, &len, &encoding, err);
    if (st != KK_OK)
        return st;
    st = document_build(path, doc, encoding, text, len, overrides, out, err);
    free(text);
    return st;
}

kk_status kk_document_from_text(const char *text, size_t len, const char *doc,
                                kk_document **out, kk_error *err)
{
    if ((!text && len) || !out)
        return kk_error_set(err, KK_EINVAL, "kk_document_from_text: text and out are required");
    char *copy = NULL;
    kk_status st = kk_strdup_n(text ? text : "", len, &copy, err);
    if (st != KK_OK)
        return st;
    len = kk_normalize_newlines(copy, len);
    if (!kk_utf8_valid(copy, len)) {
        free(copy);
        return kk_error_set(err, KK_EENCODING, "%s: not valid UTF-8", doc ? doc : "text");
    }
    st = document_build(NULL, doc, "UTF-8", copy, len, NULL, out, err);
    free(copy);
    return st;
}
