/* split_table.c — from decoded text to the logical lines (vlines) the text splitter reads.
 *
 * Owns HTML tag stripping (block tags end a paragraph, entities decoded, script and style
 * dropped, unclosed tags tolerated) and two-column comparison tables (新旧対照, as in
 * corpus/mitaka/004): a header row "left label<TAB>right label" switches table mode on; each
 * later row's cells become vlines of their column; untabbed lines are given to a column by the
 * rules in choose_column. It does not decide where passages begin; split_text.c does.
 */
#include "document_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A column label is a short title such as 後期基本計画（素案）. */
#define LABEL_MAX_CHARS 40

static int is_space_at(const char *s, size_t n, size_t i, size_t *next)
{
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
        *next = i + 1;
        return 1;
    }
    if (n - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0) { /* U+3000 */
        *next = i + 3;
        return 1;
    }
    return 0;
}

/* Trim white space (ASCII and U+3000) from both ends of s[*from..*to). */
static void trim(const char *s, size_t *from, size_t *to)
{
    size_t next;
    while (*from < *to && is_space_at(s, *to, *from, &next))
        *from = next;
    while (*to > *from) {
        size_t k = *to - 1;
        if (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
            *to = k;
        } else if (*to - *from >= 3 && memcmp(s + *to - 3, "\xE3\x80\x80", 3) == 0) {
            *to -= 3;
        } else {
            break;
        }
    }
}

static kk_status push(kk_vlines *out, size_t off, size_t len, unsigned line, unsigned last,
                      int column, int soft, int hard, kk_error *err)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 256;
        kk_vline *v = realloc(out->v, cap * sizeof *v);
        if (!v)
            return kk_error_set(err, KK_ENOMEM, "out of memory splitting lines");
        out->v = v;
        out->cap = cap;
    }
    out->v[out->n++] = (kk_vline){off, len, line, last, column, soft, hard};
    return KK_OK;
}

/* The markup reader's state for one run of markup (a cell, a line, a whole HTML file). */
typedef struct markup {
    kk_vlines *out;
    size_t start;     /* where the current vline's text begins in out->text */
    unsigned line;    /* current source line */
    unsigned first;   /* line of the vline's first non-space character, 0 if none yet */
    int column;
    int soft, hard;   /* flags for the next vline */
    int in_list;      /* inside <ul>/<ol>: "・" after white space starts an item */
    size_t no_gt_from; /* no '>' at or after this offset: a '<' there opens no tag */
} markup;

static kk_status flush(markup *m, kk_error *err)
{
    kk_buf *t = &m->out->text;
    size_t from = m->start, to = t->len;
    trim(t->data ? t->data : "", &from, &to);
    kk_status st = KK_OK;
    if (to > from) {
        st = push(m->out, from, to - from, m->first ? m->first : m->line, m->line, m->column,
                  m->soft, m->hard, err);
        m->soft = m->hard = 0;
    }
    m->start = t->len;
    m->first = 0;
    return st;
}

static int tag_is(const char *name, size_t n, const char *const *list)
{
    for (size_t k = 0; list[k]; k++)
        if (strlen(list[k]) == n && strncasecmp(name, list[k], n) == 0)
            return 1;
    return 0;
}

/* Tags that end a paragraph. */
static const char *const block_tags[] = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3",
                                         "h4", "h5", "h6", "tr", "table", "dt", "dd", "dl",
                                         "section", "article", "blockquote", "pre", "hr",
                                         "title", "body", "head", "html", NULL};
static const char *const skipped_tags[] = {"script", "style", NULL};

static unsigned count_newlines(const char *s, size_t from, size_t to)
{
    unsigned k = 0;
    for (size_t i = from; i < to; i++)
        k += s[i] == '\n';
    return k;
}

/* Markup that a browser would not close where it should: counted, with the line of the first,
 * for the reader's warning. */
static void note_unclosed(markup *m)
{
    if (!m->out->unclosed++)
        m->out->unclosed_line = m->line;
}

/* The '>' ending the tag opened at s[i], or NULL when another '<' or the end of s comes first (an
 * unclosed tag such as "<b 本文 <i>": its text is kept rather than swallowed up to the next '>').
 * Looking no further than the next '<' keeps the scan linear in the length of s. */
static const char *tag_end(markup *m, const char *s, size_t n, size_t i)
{
    if (i >= m->no_gt_from)
        return NULL;
    int comment = n - i >= 4 && memcmp(s + i, "<!--", 4) == 0; /* may hold '<' */
    for (size_t j = i + 1; j < n; j++) {
        if (s[j] == '>')
            return s + j;
        if (s[j] == '<' && !comment)
            return NULL;
    }
    m->no_gt_from = i;
    return NULL;
}

/* Handle the tag at s[i] == '<'; returns the offset after it, or i when it is not a tag. */
static size_t read_tag(markup *m, const char *s, size_t n, size_t i, kk_status *st, kk_error *err)
{
    size_t p = i + 1;
    int closing = p < n && s[p] == '/';
    p += closing;
    size_t name = p;
    while (p < n && ((s[p] >= 'a' && s[p] <= 'z') || (s[p] >= 'A' && s[p] <= 'Z') ||
                     (s[p] >= '0' && s[p] <= '9')))
        p++;
    if (p == name && (name >= n || s[name] != '!'))
        return i; /* "< 3" or "<>" is text */
    const char *gt = tag_end(m, s, n, i);
    if (!gt) {
        note_unclosed(m);
        return i;
    }
    size_t end = (size_t)(gt - s) + 1;
    m->line += count_newlines(s, i, end);
    if (!closing && tag_is(s + name, p - name, skipped_tags)) {
        const char *close = strstr(s + end, "</");
        while (close && (size_t)(close - s) < n &&
               strncasecmp(close + 2, s + name, p - name) != 0)
            close = strstr(close + 2, "</");
        size_t stop = close && (size_t)(close - s) < n ? (size_t)(close - s) : n;
        if (stop == n)
            note_unclosed(m);
        m->line += count_newlines(s, end, stop);
        return stop;
    }
    if (tag_is(s + name, p - name, block_tags)) {
        *st = flush(m, err);
        m->hard = !m->soft;
        if (tag_is(s + name, p - name, (const char *const[]){"ul", "ol", NULL}))
            m->in_list = !closing;
    }
    return end;
}

/* Decode the entity at s[i] == '&' into out; returns the offset after it, or i if unknown. */
static size_t read_entity(const char *s, size_t n, size_t i, kk_buf *out, kk_status *st)
{
    static const struct { const char *name; int c; } named[] = {
        {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''},
        {"#39;", '\''}, {"nbsp;", ' '},
    };
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        size_t l = strlen(named[k].name);
        if (n - i - 1 >= l && memcmp(s + i + 1, named[k].name, l) == 0) {
            char c = (char)named[k].c;
            *st = kk_buf_add(out, &c, 1);
            return i + 1 + l;
        }
    }
    if (n - i < 4 || s[i + 1] != '#')
        return i;
    int hex = s[i + 2] == 'x' || s[i + 2] == 'X';
    size_t p = i + 2 + hex;
    long v = 0;
    size_t digits = 0;
    char *endp;
    v = strtol(s + p, &endp, hex ? 16 : 10);
    digits = (size_t)(endp - (s + p));
    if (!digits || digits > 7 || p + digits >= n || s[p + digits] != ';' || v <= 0 ||
        v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return i;
    char buf[4];
    *st = kk_buf_add(out, buf, kk_utf8_put((int)v, buf));
    return p + digits + 1;
}

/* A list item starts at white space followed by ・ inside <ul>. */
static int list_bullet_at(const char *s, size_t n, size_t i)
{
    size_t j = i, next;
    if (!is_space_at(s, n, j, &next))
        return 0;
    while (j < n && is_space_at(s, n, j, &next))
        j = next;
    return n - j >= 3 && memcmp(s + j, "・", 3) == 0;
}

/* Strip markup from s[0..n) (starting on source line `line`) into vlines of `column`. */
static kk_status emit_markup(kk_vlines *out, const char *s, size_t n, unsigned line, int column,
                             int soft, kk_error *err)
{
    markup m = {out, out->text.len, line, 0, column, soft, 0, 0, n};
    kk_status st = kk_buf_add(&out->text, "", 0);
    size_t i = 0;
    while (st == KK_OK && i < n) {
        if (s[i] == '<') {
            size_t after = read_tag(&m, s, n, i, &st, err);
            if (after != i) {
                i = after;
                continue;
            }
        } else if (s[i] == '&') {
            size_t after = read_entity(s, n, i, &out->text, &st);
            if (after != i) {
                if (!m.first)
                    m.first = m.line;
                i = after;
                continue;
            }
        } else if (m.in_list && list_bullet_at(s, n, i)) {
            st = flush(&m, err);
            i++;
            continue;
        }
        if (s[i] == '\n')
            m.line++;
        else if (!m.first && s[i] != ' ' && s[i] != '\t')
            m.first = m.line;
        st = kk_buf_add(&out->text, s + i, 1);
        i++;
    }
    if (st == KK_OK)
        st = flush(&m, err);
    return st;
}

/* Offset of "**" in s[i..n), or n. */
static size_t find_bold(const char *s, size_t n, size_t i)
{
    for (; i + 1 < n; i++)
        if (s[i] == '*' && s[i + 1] == '*')
            return i;
    return n;
}

/* Copy s[i..stop) to out; a run of blanks holding a tab (a column gap) becomes one space. */
static kk_status copy_collapsing_tabs(kk_buf *out, const char *s, size_t i, size_t stop)
{
    kk_status st = KK_OK;
    while (st == KK_OK && i < stop) {
        size_t r = i;
        int tab = 0;
        while (r < stop && (s[r] == ' ' || s[r] == '\t'))
            tab |= s[r++] == '\t';
        if (r > i) {
            st = tab ? kk_buf_addc(out, ' ') : kk_buf_add(out, s + i, r - i);
            i = r;
        } else {
            st = kk_buf_addc(out, s[i++]);
        }
    }
    return st;
}

/* A plain line: tabs become one space; "A**B**" (bold left by conversion) splits into A and B. */
static kk_status emit_plain(kk_vlines *out, const char *s, size_t n, unsigned line, int column,
                            int soft, kk_error *err)
{
    kk_status st = KK_OK;
    size_t i = 0;
    while (st == KK_OK && i < n) {
        size_t stop = find_bold(s, n, i);
        size_t start = out->text.len;
        st = copy_collapsing_tabs(&out->text, s, i, stop);
        size_t from = start, to = out->text.len;
        if (st == KK_OK)
            trim(out->text.data ? out->text.data : "", &from, &to);
        if (st == KK_OK && to > from) {
            st = push(out, from, to - from, line, line, column, soft, 0, err);
            soft = 0;
        }
        i = stop + 2;
    }
    if (st != KK_OK)
        return kk_error_set(err, st, "out of memory splitting lines");
    return st;
}

static int has_markup(const char *text)
{
    return strstr(text, "<p>") || strstr(text, "<p ") || strstr(text, "<br") ||
           strstr(text, "<li") || strstr(text, "<ul") || strstr(text, "<div");
}

/* "後期基本計画（素案）<TAB>現行基本計画": one tab, two short cells, no markup. */
static int header_cells(const char *s, size_t n, size_t *tab)
{
    const char *t = memchr(s, '\t', n);
    if (!t || memchr(t + 1, '\t', n - (size_t)(t - s) - 1) || memchr(s, '<', n))
        return 0;
    size_t a = 0, b = (size_t)(t - s), c = b + 1, d = n;
    trim(s, &a, &b);
    trim(s, &c, &d);
    if (a == b || c == d || kk_count_chars(s + a, b - a) > LABEL_MAX_CHARS ||
        kk_count_chars(s + c, d - c) > LABEL_MAX_CHARS)
        return 0;
    *tab = (size_t)(t - s);
    return 1;
}

/* Find the first comparison header in markup text and keep its labels. */
static kk_status find_labels(kk_vlines *out, const char *text, size_t len, kk_error *err)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len, tab;
        if (header_cells(text + i, end - i, &tab)) {
            size_t a = i, b = i + tab, c = i + tab + 1, d = end;
            trim(text, &a, &b);
            trim(text, &c, &d);
            kk_status st = kk_strdup_n(text + a, b - a, &out->labels[0], err);
            if (st == KK_OK)
                st = kk_strdup_n(text + c, d - c, &out->labels[1], err);
            return st;
        }
        i = end + 1;
    }
    return KK_OK;
}

static int is_header(const kk_vlines *out, const char *s, size_t n)
{
    size_t tab;
    if (!out->labels[0] || !header_cells(s, n, &tab))
        return 0;
    size_t a = 0, b = tab;
    trim(s, &a, &b);
    return b - a == strlen(out->labels[0]) && memcmp(s + a, out->labels[0], b - a) == 0;
}

/* Per-file state of table mode. */
typedef struct table {
    int on;          /* a header row has been seen */
    int last;        /* column that got the latest text: 1 left, 2 right */
    int ended[3];    /* the latest text of the column ended a sentence */
} table;

/* The column an untabbed line belongs to after a table has started. Unfinished text continues
 * in the column it was in (004: a right cell ending in …国際交流など goes on in the plain lines
 * below). Otherwise the heading style decides: the draft (left) writes 《》 [] 〔〕 施策N), the
 * current plan (right) 【】 (N) 第N章 N. — as every section of 004 does. Other lines stay in the
 * column of the latest text. */
static int choose_column(const table *t, const char *s, size_t n)
{
    kk_line_class c = kk_line_classify(s, n);
    if (!t->ended[t->last] && c.kind == KK_LINE_TEXT)
        return t->last;
    static const char *const left[] = {"《", "≪", "[", "［", "〔", "施策", NULL};
    static const char *const right[] = {"【", "(", "（", "第", NULL};
    for (size_t k = 0; left[k]; k++)
        if (n >= strlen(left[k]) && memcmp(s, left[k], strlen(left[k])) == 0)
            return 1;
    for (size_t k = 0; right[k]; k++)
        if (n >= strlen(right[k]) && memcmp(s, right[k], strlen(right[k])) == 0)
            return 2;
    if (n > 2 && s[0] >= '0' && s[0] <= '9' && s[1] == '.')
        return 2;
    return t->last;
}

static void note_end(table *t, const kk_vlines *out, size_t before, int column)
{
    if (out->n == before || column < 1 || column > 2)
        return;
    const kk_vline *v = &out->v[out->n - 1];
    t->ended[column] = kk_ends_sentence(out->text.data + v->off, v->len);
    t->last = column;
}

static int only_rule(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '-' && s[i] != '\t' && s[i] != ' ')
            return 0;
    return 1;
}

static kk_status emit_cell(kk_vlines *out, table *t, const char *s, size_t n, unsigned line,
                           int column, kk_error *err)
{
    size_t a = 0, b = n, before = out->n;
    trim(s, &a, &b);
    if (a == b)
        return KK_OK;
    kk_status st = memchr(s + a, '<', b - a)
                       ? emit_markup(out, s + a, b - a, line, column, 1, err)
                       : emit_plain(out, s + a, b - a, line, column, 1, err);
    note_end(t, out, before, column);
    return st;
}

static kk_status emit_row(kk_vlines *out, table *t, const char *s, size_t n, unsigned line,
                          kk_error *err)
{
    const char *tab = memchr(s, '\t', n);
    size_t left = (size_t)(tab - s);
    if (only_rule(s, n))
        return KK_OK;
    kk_status st = emit_cell(out, t, s, left, line, 1, err);
    if (st == KK_OK)
        st = emit_cell(out, t, tab + 1, n - left - 1, line, 2, err);
    return st;
}

static kk_status emit_line(kk_vlines *out, table *t, int markup_doc, const char *s, size_t n,
                           unsigned line, int soft, kk_error *err)
{
    int column = 0;
    kk_line_class c = kk_line_classify(s, n);
    int numbered = c.kind == KK_LINE_HEADING && c.level == KK_LEVEL_NUMBERED;
    if (out->labels[0] && numbered) {
        column = 3;
        t->last = 1;
        t->ended[1] = t->ended[2] = 1;
    } else if (t->on) {
        column = choose_column(t, s, n);
    }
    size_t before = out->n;
    kk_status st = markup_doc && memchr(s, '<', n)
                       ? emit_markup(out, s, n, line, column, soft, err)
                       : emit_plain(out, s, n, line, column, soft, err);
    note_end(t, out, before, column);
    return st;
}

kk_status kk_vlines_build(kk_vlines *out, const char *text, size_t len, int html, kk_error *err)
{
    memset(out, 0, sizeof *out);
    kk_status st = kk_buf_add(&out->text, "", 0);
    if (st != KK_OK)
        return kk_error_set(err, st, "out of memory splitting lines");
    if (html)
        return emit_markup(out, text, len, 1, 0, 1, err);
    int markup_doc = has_markup(text);
    if (markup_doc)
        st = find_labels(out, text, len, err);
    table t = {0, 1, {1, 1, 1}};
    unsigned line = 1;
    int soft = 1;
    for (size_t i = 0; st == KK_OK && i < len; line++) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len, a = i, b = end;
        trim(text, &a, &b);
        if (a == b) {
            soft = 1;
        } else if (is_header(out, text + i, end - i)) {
            t.on = 1;
            t.last = 1;
            soft = 1;
        } else if (t.on && memchr(text + i, '\t', end - i)) {
            st = emit_row(out, &t, text + i, end - i, line, err);
            soft = 0;
        } else {
            size_t before = out->n;
            st = emit_line(out, &t, markup_doc, text + a, b - a, line, soft, err);
            if (st == KK_OK && out->n > before && !markup_doc && text[i] == ' ')
                out->v[before].hard_before = 1; /* an indented line starts a text box (001) */
            soft = 0;
        }
        i = end + 1;
    }
    return st;
}

void kk_vlines_free(kk_vlines *v)
{
    if (!v)
        return;
    free(v->v);
    kk_buf_free(&v->text);
    free(v->labels[0]);
    free(v->labels[1]);
    memset(v, 0, sizeof *v);
}
