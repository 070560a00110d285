/* read_csv.c — bulletin CSV files: one passage per article.
 *
 * Owns the CSV reading (libcsv in strict mode, fed line by line so that every record and field
 * knows its source line), the mapping of header names to metadata (自治体名 → city, 公開年月 →
 * date and fiscal year, 発行号タイトル → document title, カテゴリ and 記事タイトル → section,
 * 記事本文 → text), recovery from broken rows, and the splitting of long articles. The header
 * must name 記事本文; a broken row is skipped with a warning, not a failure.
 */
#include "document_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

/* Rows wider than this are broken (the bulletin format has six columns). */
#define MAX_FIELDS 32

enum { COL_CITY, COL_DATE, COL_ISSUE, COL_TITLE, COL_CATEGORY, COL_BODY, N_COLS };
static const char *const column_names[N_COLS] = {"自治体名", "公開年月", "発行号タイトル",
                                                 "記事タイトル", "カテゴリ", "記事本文"};

typedef struct reader {
    kk_builder *b;
    kk_error *err;
    kk_status st;
    unsigned line;              /* the line being fed */
    unsigned last_field_line;   /* line where the latest field ended */
    kk_buf fields[MAX_FIELDS];
    unsigned field_line[MAX_FIELDS];
    size_t n_fields;            /* fields of the current record (may exceed MAX_FIELDS) */
    int header_done;
    int col[N_COLS];            /* field index of each known column, -1 if absent */
    size_t n_header;
} reader;

static void on_field(void *data, size_t len, void *r_)
{
    reader *r = r_;
    if (r->st != KK_OK)
        return;
    size_t k = r->n_fields++;
    unsigned start = k == 0 ? r->line : r->last_field_line;
    r->last_field_line = r->line;
    if (k >= MAX_FIELDS)
        return;
    r->fields[k].len = 0;
    if (kk_buf_add(&r->fields[k], data ? data : "", data ? len : 0) != KK_OK)
        r->st = kk_error_set(r->err, KK_ENOMEM, "%s: out of memory reading CSV", r->b->name);
    /* A field starts on the line where the one before it ended (its comma is there); the
     * first field of a record is assumed to fit on one line (自治体名). */
    r->field_line[k] = start;
}

static const char *field(const reader *r, int column)
{
    int k = r->col[column];
    return k >= 0 && (size_t)k < r->n_fields ? r->fields[k].data : NULL;
}

static void trim_in_place(kk_buf *f)
{
    size_t a = 0, n = f->len;
    while (a < n && (f->data[a] == ' ' || f->data[a] == '\t'))
        a++;
    while (n > a && (f->data[n - 1] == ' ' || f->data[n - 1] == '\t'))
        n--;
    memmove(f->data, f->data + a, n - a);
    f->len = n - a;
    f->data[f->len] = '\0';
}

static kk_status read_header(reader *r)
{
    int known = 0;
    for (int c = 0; c < N_COLS; c++)
        r->col[c] = -1;
    for (size_t k = 0; k < r->n_fields && k < MAX_FIELDS; k++) {
        trim_in_place(&r->fields[k]);
        for (int c = 0; c < N_COLS; c++)
            if (r->col[c] < 0 && strcmp(r->fields[k].data, column_names[c]) == 0) {
                r->col[c] = (int)k;
                known++;
            }
    }
    r->n_header = r->n_fields;
    r->header_done = 1;
    if (!known)
        return kk_error_set(r->err, KK_EFORMAT,
                            "%s:1: no header row (expected 自治体名,公開年月,発行号タイトル,"
                            "記事タイトル,カテゴリ,記事本文)",
                            r->b->name);
    if (r->col[COL_BODY] < 0)
        return kk_error_set(r->err, KK_EFORMAT, "%s:1: the header has no 記事本文 column",
                            r->b->name);
    return KK_OK;
}

/* 2024.11.01 (or 2024/11/01, 2024-11) → "2024-11-01" and the fiscal year, which starts in
 * April: 2025.02 is in FY2024, 2025.04 in FY2025. Returns 0 when the date does not parse. */
static int parse_date(const char *s, char *iso, size_t size)
{
    int y = 0, m = 0, d = 0;
    char sep1 = 0, sep2 = 0;
    int got = sscanf(s, "%4d%c%2d%c%2d", &y, &sep1, &m, &sep2, &d);
    if (got < 3 || y < 1868 || y > 2100 || m < 1 || m > 12 ||
        (sep1 != '.' && sep1 != '/' && sep1 != '-'))
        return 0;
    if (got == 5 && d >= 1 && d <= 31)
        snprintf(iso, size, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(iso, size, "%04d-%02d", y, m);
    return m >= 4 ? y : y - 1;
}

static kk_status dup_or_null(const char *s, char **out, kk_error *err)
{
    *out = NULL;
    return s && s[0] ? kk_strdup_n(s, strlen(s), out, err) : KK_OK;
}

/* Where an article of n bytes may be cut: at a blank line, or before a ■ line (a bulletin
 * sub-heading). */
static int cut_before(const char *body, size_t n, size_t at)
{
    if (at == 0)
        return 0;
    if (body[at] == '\n')
        return 1;
    return n - at >= strlen("■") && memcmp(body + at, "■", strlen("■")) == 0 &&
           body[at - 1] == '\n';
}

typedef struct article {
    const char *title, *section, *date, *city;
    int year;
    unsigned body_line; /* line where the body field starts */
} article;

static kk_status add_part(reader *r, const article *a, const char *raw, size_t n, unsigned line,
                          unsigned last)
{
    kk_passage *p;
    kk_status st = kk_builder_add(r->b, a->title, raw, n, line, last, &p, r->err);
    if (st != KK_OK || !p)
        return st;
    p->year = a->year;
    st = dup_or_null(a->title, &p->heading, r->err);
    if (st == KK_OK)
        st = dup_or_null(a->section, &p->section, r->err);
    if (st == KK_OK)
        st = dup_or_null(a->date, &p->date, r->err);
    return st;
}

static unsigned count_lines(const char *s, size_t from, size_t to)
{
    unsigned k = 0;
    for (size_t i = from; i < to; i++)
        k += s[i] == '\n';
    return k;
}

/* One passage per article; an article over KK_PASSAGE_MAX_CHARS is cut at its paragraphs,
 * every part keeping the article title in front. */
static kk_status add_article(reader *r, const article *a, unsigned record_line, const char *body)
{
    size_t n = strlen(body), start = 0, chars = 0;
    kk_status st = KK_OK;
    for (size_t i = 0; i < n && st == KK_OK; i++) {
        if (chars > KK_PASSAGE_MAX_CHARS / 2 && cut_before(body, n, i) && i > start) {
            size_t next_chars = 0;
            size_t j = i + 1;
            while (j < n && !cut_before(body, n, j))
                next_chars += ((unsigned char)body[j++] & 0xC0) != 0x80;
            if (chars + next_chars > KK_PASSAGE_MAX_CHARS) {
                unsigned line = start ? a->body_line + count_lines(body, 0, start) : record_line;
                st = add_part(r, a, body + start, i - start, line,
                              a->body_line + count_lines(body, 0, i));
                start = i;
                chars = 0;
            }
        }
        chars += ((unsigned char)body[i] & 0xC0) != 0x80;
    }
    if (st == KK_OK) {
        unsigned line = start ? a->body_line + count_lines(body, 0, start) : record_line;
        st = add_part(r, a, body + start, n - start, line, a->body_line + count_lines(body, 0, n));
    }
    return st;
}

static kk_status section_of(const char *category, const char *title, char **out, kk_error *err)
{
    kk_buf b = {0};
    kk_status st = kk_buf_add(&b, "", 0);
    if (st == KK_OK && category && category[0])
        st = kk_buf_add(&b, category, strlen(category));
    if (st == KK_OK && category && category[0] && title && title[0])
        st = kk_buf_add(&b, " › ", strlen(" › "));
    if (st == KK_OK && title && title[0])
        st = kk_buf_add(&b, title, strlen(title));
    if (st != KK_OK) {
        kk_buf_free(&b);
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    *out = kk_buf_take(&b, NULL);
    return KK_OK;
}

/* The first article names the document: its city, issue title and fiscal year. */
static kk_status describe_document(reader *r, const article *a)
{
    kk_document *d = r->b->doc;
    kk_status st = KK_OK;
    if (!d->city)
        st = dup_or_null(a->city, &d->city, r->err);
    if (st == KK_OK && !d->title)
        st = dup_or_null(field(r, COL_ISSUE), &d->title, r->err);
    if (!d->year)
        d->year = a->year;
    return st;
}

static kk_status read_row(reader *r)
{
    unsigned line = r->field_line[0];
    if (r->n_fields != r->n_header) {
        kk_builder_warn(r->b, "%s:%u: %zu fields where the header has %zu; row skipped",
                        r->b->name, line, r->n_fields, r->n_header);
        return KK_OK;
    }
    char iso[16] = "";
    const char *date = field(r, COL_DATE);
    article a = {field(r, COL_TITLE), NULL, NULL, field(r, COL_CITY), 0,
                 r->field_line[r->col[COL_BODY]]};
    if (date)
        a.year = parse_date(date, iso, sizeof iso);
    a.date = iso[0] ? iso : NULL;
    char *section = NULL;
    kk_status st = section_of(field(r, COL_CATEGORY), a.title, &section, r->err);
    if (st != KK_OK)
        return st;
    a.section = section[0] ? section : NULL;
    st = describe_document(r, &a);
    if (st == KK_OK)
        st = add_article(r, &a, line, field(r, COL_BODY));
    free(section);
    return st;
}

static void on_record(int c, void *r_)
{
    (void)c;
    reader *r = r_;
    if (r->st == KK_OK)
        r->st = r->header_done ? read_row(r) : read_header(r);
    r->n_fields = 0;
}

static kk_status parser_start(struct csv_parser *p, reader *r)
{
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return kk_error_set(r->err, KK_ENOMEM, "%s: cannot start the CSV parser", r->b->name);
    return KK_OK;
}

/* Feed one line; on a quoting error, warn, drop the record and start afresh on the next line. */
static kk_status feed_line(struct csv_parser *p, reader *r, const char *s, size_t n)
{
    size_t done = csv_parse(p, s, n, on_field, on_record, r);
    if (r->st != KK_OK || done == n)
        return r->st;
    if (csv_error(p) != CSV_EPARSE)
        return kk_error_set(r->err, KK_ENOMEM, "%s:%u: %s", r->b->name, r->line,
                            csv_strerror(csv_error(p)));
    kk_builder_warn(r->b, "%s:%u: broken quoting; row skipped", r->b->name, r->line);
    csv_free(p);
    r->n_fields = 0;
    return parser_start(p, r);
}

static kk_status read_lines(struct csv_parser *p, reader *r, const char *text, size_t len)
{
    size_t i = 0;
    kk_status st = KK_OK;
    for (r->line = 1; st == KK_OK && i < len; r->line++) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        st = feed_line(p, r, text + i, end - i);
        i = end;
    }
    if (st == KK_OK && csv_fini(p, on_field, on_record, r) != 0 && r->st == KK_OK)
        kk_builder_warn(r->b, "%s:%u: quoted field not closed at the end; row skipped",
                        r->b->name, r->line - 1);
    return st != KK_OK ? st : r->st;
}

kk_status kk_read_csv(kk_builder *b, const char *text, size_t len, kk_error *err)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.b = b;
    r.err = err;
    struct csv_parser p;
    kk_status st = parser_start(&p, &r);
    if (st != KK_OK)
        return st;
    st = read_lines(&p, &r, text, len);
    csv_free(&p);
    for (size_t k = 0; k < MAX_FIELDS; k++)
        kk_buf_free(&r.fields[k]);
    if (st == KK_OK && !r.header_done && len > 0)
        st = kk_error_set(err, KK_EFORMAT, "%s: no header row", b->name);
    if (st == KK_OK) {
        free(b->doc->kind);
        st = kk_strdup_n("広報", strlen("広報"), &b->doc->kind, err);
    }
    return st;
}
