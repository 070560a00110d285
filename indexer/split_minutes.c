/* split_minutes.c — council minutes: one passage per speaker turn.
 *
 * Owns the minutes layout of corpus/minutes (品川区議会): a first line "2008年1月21日 総務委員会"
 * (date and committee), turns that start with ○ and the speaker's name up to a full-width
 * space, agenda headings between ──── rules, ○ lines without a speaker (○会議録署名人選定について,
 * a heading; ○午後１時開議, a note kept in the turn). One pass over the lines, no copy of the
 * file: 481 MB of minutes go through here.
 */
#include "document_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A speaker's name is short (○丸谷教育総合支援センター長 is 15 characters); a ○ line whose
 * full-width space comes later is an agenda title, not a turn. */
#define SPEAKER_MAX_BYTES 120

static const char IDEOGRAPHIC_SPACE[] = "\xE3\x80\x80";
static const char CIRCLE[] = "○";

typedef struct minutes {
    kk_builder *b;
    kk_error *err;
    char date[16];
    int year;
    kk_buf section;            /* headings in force, joined by " › " */
    char *heading;             /* innermost heading */
    kk_buf block;              /* headings read between ──── rules, raw lines */
    kk_buf block_path;         /* the same joined by " › " */
    int in_block;
    char *speaker;             /* speaker of the open turn, NULL for an unattributed passage */
    char *turn_section;        /* section when the turn started */
    char *turn_heading;
    kk_buf body;
    unsigned body_line, body_last; /* body_line 0: no turn open */
    int turn_open;
    size_t chars;
} minutes;

static kk_status nomem(minutes *m)
{
    return kk_error_set(m->err, KK_ENOMEM, "%s: out of memory splitting minutes", m->b->name);
}

/* Append a digit to *value, which stops growing past any date part (a run of digits as long as
 * a phone number must not overflow an int: fuzz_document found it). */
static void add_digit(int *value, int digit)
{
    if (*value < 100000)
        *value = *value * 10 + digit;
}

static int is_digit_at(const char *s, size_t n, size_t *i, int *value)
{
    if (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        add_digit(value, s[*i] - '0');
        (*i)++;
        return 1;
    }
    if (n - *i >= 3 && memcmp(s + *i, "\xEF\xBC", 2) == 0 && (unsigned char)s[*i + 2] >= 0x90 &&
        (unsigned char)s[*i + 2] <= 0x99) { /* full-width ０-９ */
        add_digit(value, (unsigned char)s[*i + 2] - 0x90);
        *i += 3;
        return 1;
    }
    return 0;
}

/* Read digits then the unit (年, 月, 日); 0 when absent. */
static int read_part(const char *s, size_t n, size_t *i, const char *unit, int *value)
{
    int count = 0;
    *value = 0;
    while (is_digit_at(s, n, i, value))
        count++;
    size_t l = strlen(unit);
    if (!count || n - *i < l || memcmp(s + *i, unit, l) != 0)
        return 0;
    *i += l;
    return count;
}

/* "YYYY年M月D日 " at the start of s; *after is the offset of the committee name. */
static int parse_first_line(const char *s, size_t n, int *y, int *mo, int *d, size_t *after)
{
    size_t i = 0;
    if (read_part(s, n, &i, "年", y) != 4 || !read_part(s, n, &i, "月", mo) ||
        !read_part(s, n, &i, "日", d) || *mo < 1 || *mo > 12 || *d < 1 || *d > 31)
        return 0;
    size_t j = i;
    while (j < n && (s[j] == ' ' || (n - j >= 3 && memcmp(s + j, IDEOGRAPHIC_SPACE, 3) == 0)))
        j += s[j] == ' ' ? 1 : 3;
    if (j == i || j >= n)
        return 0;
    *after = j;
    return 1;
}

int kk_minutes_detect(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len, after = 0;
    int y = 0, mo = 0, d = 0;
    return parse_first_line(text, n, &y, &mo, &d, &after) && *(text + after) != '\n';
}

static int is_rule(const char *s, size_t n)
{
    static const char rule[] = "─";
    size_t l = sizeof rule - 1;
    if (n < 3 * l)
        return 0;
    for (size_t i = 0; i + l <= n; i += l)
        if (memcmp(s + i, rule, l) != 0)
            return 0;
    return n % l == 0;
}

static kk_status copy_or_null(const char *s, size_t n, char **out, minutes *m)
{
    *out = NULL;
    if (!s || !n)
        return KK_OK;
    return kk_strdup_n(s, n, out, m->err);
}

static kk_status emit(minutes *m)
{
    if (!m->body_line || !m->body.len)
        return KK_OK;
    kk_passage *p;
    kk_status st = kk_builder_add(m->b, NULL, m->body.data, m->body.len, m->body_line,
                                  m->body_last, &p, m->err);
    if (st != KK_OK || !p)
        return st;
    p->year = m->year;
    st = copy_or_null(m->speaker, m->speaker ? strlen(m->speaker) : 0, &p->speaker, m);
    if (st == KK_OK)
        st = copy_or_null(m->date, strlen(m->date), &p->date, m);
    if (st == KK_OK && m->turn_section)
        st = copy_or_null(m->turn_section, strlen(m->turn_section), &p->section, m);
    if (st == KK_OK && m->turn_heading)
        st = copy_or_null(m->turn_heading, strlen(m->turn_heading), &p->heading, m);
    return st;
}

static kk_status close_turn(minutes *m)
{
    kk_status st = emit(m);
    free(m->speaker);
    free(m->turn_section);
    free(m->turn_heading);
    m->speaker = m->turn_section = m->turn_heading = NULL;
    m->body.len = 0;
    m->body_line = 0;
    m->turn_open = 0;
    m->chars = 0;
    return st;
}

static kk_status open_turn(minutes *m, const char *speaker, size_t sn, unsigned line)
{
    kk_status st = close_turn(m);
    if (st == KK_OK)
        st = copy_or_null(speaker, sn, &m->speaker, m);
    if (st == KK_OK)
        st = copy_or_null(m->section.data, m->section.len, &m->turn_section, m);
    if (st == KK_OK && m->heading)
        st = copy_or_null(m->heading, strlen(m->heading), &m->turn_heading, m);
    m->turn_open = 1;
    m->body_line = line;
    m->body_last = line;
    return st;
}

/* Add a line to the turn; a turn over KK_PASSAGE_MAX_CHARS goes on in a new passage of the
 * same speaker from the next line. */
static kk_status add_line(minutes *m, const char *s, size_t n, unsigned line)
{
    if (!m->body_line)
        m->body_line = line;
    if ((m->body.len && kk_buf_addc(&m->body, '\n') != KK_OK) || kk_buf_add(&m->body, s, n) != KK_OK)
        return nomem(m);
    m->body_last = line;
    m->chars += kk_count_chars(s, n);
    if (m->chars <= KK_PASSAGE_MAX_CHARS)
        return KK_OK;
    kk_status st = emit(m);
    m->body.len = 0;
    m->body_line = 0;
    m->chars = 0;
    return st;
}

/* Make the heading block (or one heading line) the section in force. */
static kk_status set_section(minutes *m, const char *path, size_t n, const char *inner, size_t in)
{
    m->section.len = 0;
    free(m->heading);
    m->heading = NULL;
    if (kk_buf_add(&m->section, "", 0) != KK_OK || kk_buf_add(&m->section, path, n) != KK_OK)
        return nomem(m);
    return copy_or_null(inner, in, &m->heading, m);
}

static kk_status block_add(minutes *m, const char *s, size_t n)
{
    if (m->block.len && kk_buf_addc(&m->block, '\n') != KK_OK)
        return nomem(m);
    if (m->block_path.len && kk_buf_add(&m->block_path, " › ", strlen(" › ")) != KK_OK)
        return nomem(m);
    if (kk_buf_add(&m->block, s, n) != KK_OK || kk_buf_add(&m->block_path, s, n) != KK_OK)
        return nomem(m);
    return KK_OK;
}

/* End a heading block. inline_text: the block was read out inside a turn (the next line goes
 * on with the turn, as in "○議長　────\n日程第１\n…\n────\nを議題に供します。"), so its lines
 * are part of the turn's text as well. Otherwise the block ends the turn before it. */
static kk_status end_block(minutes *m, int inline_text, unsigned line)
{
    kk_status st = KK_OK;
    if (inline_text && m->turn_open) {
        if (m->block.len)
            st = add_line(m, m->block.data, m->block.len, line);
    } else {
        st = close_turn(m);
    }
    if (st == KK_OK && m->block_path.len) {
        const char *last = m->block.data;
        for (const char *nl = strchr(last, '\n'); nl; nl = strchr(last, '\n'))
            last = nl + 1;
        st = set_section(m, m->block_path.data, m->block_path.len, last, strlen(last));
    }
    m->block.len = m->block_path.len = 0;
    m->in_block = 0;
    return st;
}

static int starts_with(const char *s, size_t n, const char *p)
{
    size_t l = strlen(p);
    return n >= l && memcmp(s, p, l) == 0;
}

/* A ○ line: a turn (○林委員長　…), a time note (○午後１時開議) or an agenda title. */
static kk_status on_circle(minutes *m, const char *s, size_t n, unsigned line)
{
    size_t c = sizeof CIRCLE - 1;
    const char *space = NULL;
    for (size_t i = c; i + 3 <= n && i < c + SPEAKER_MAX_BYTES; i++)
        if (memcmp(s + i, IDEOGRAPHIC_SPACE, 3) == 0) {
            space = s + i;
            break;
        }
    if (starts_with(s + c, n - c, "午前") || starts_with(s + c, n - c, "午後")) {
        if (m->turn_open)
            return add_line(m, s, n, line);
        return KK_OK;
    }
    if (!space) {
        kk_status st = close_turn(m);
        return st == KK_OK ? set_section(m, s + c, n - c, s + c, n - c) : st;
    }
    kk_status st = open_turn(m, s + c, (size_t)(space - s) - c, line);
    size_t rest = (size_t)(space - s) + 3;
    if (st == KK_OK && is_rule(s + rest, n - rest)) {
        m->in_block = 1; /* the chair reads out an agenda item between rules */
        return add_line(m, s, (size_t)(space - s), line);
    }
    return st == KK_OK ? add_line(m, s, n, line) : st;
}

static int next_line_goes_on(const char *text, size_t len, size_t from)
{
    if (from >= len || text[from] == '\n')
        return 0;
    return !starts_with(text + from, len - from, CIRCLE);
}

static kk_status on_line(minutes *m, const char *text, size_t len, size_t i, size_t end,
                         unsigned line)
{
    const char *s = text + i;
    size_t n = end - i;
    if (n == 0)
        return m->in_block ? end_block(m, 0, line) : close_turn(m);
    if (is_rule(s, n)) {
        if (m->in_block)
            return end_block(m, next_line_goes_on(text, len, end + 1), line);
        m->in_block = 1;
        return KK_OK;
    }
    if (starts_with(s, n, CIRCLE)) {
        kk_status st = m->in_block ? end_block(m, 0, line) : KK_OK;
        return st == KK_OK ? on_circle(m, s, n, line) : st;
    }
    if (m->in_block)
        return block_add(m, s, n);
    if (m->turn_open || n > KK_PASSAGE_MAX_CHARS / 10) {
        kk_status st = m->turn_open ? KK_OK : open_turn(m, NULL, 0, line);
        return st == KK_OK ? add_line(m, s, n, line) : st;
    }
    return set_section(m, s, n, s, n); /* a short line outside a turn heads what follows */
}

static kk_status describe_document(minutes *m, const char *s, size_t n)
{
    int y = 0, mo = 0, d = 0;
    size_t after = 0;
    parse_first_line(s, n, &y, &mo, &d, &after);
    snprintf(m->date, sizeof m->date, "%04d-%02d-%02d", y, mo, d);
    m->year = mo >= 4 ? y : y - 1; /* the fiscal year starts in April */
    kk_document *doc = m->b->doc;
    doc->year = m->year;
    kk_status st = kk_strdup_n(s, n, &doc->title, m->err);
    if (st == KK_OK)
        st = kk_strdup_n("会議録", strlen("会議録"), &doc->kind, m->err);
    return st;
}

static void minutes_free(minutes *m)
{
    kk_buf_free(&m->section);
    kk_buf_free(&m->block);
    kk_buf_free(&m->block_path);
    kk_buf_free(&m->body);
    free(m->heading);
    free(m->speaker);
    free(m->turn_section);
    free(m->turn_heading);
}

kk_status kk_split_minutes(kk_builder *b, const char *text, size_t len, kk_error *err)
{
    minutes m;
    memset(&m, 0, sizeof m);
    m.b = b;
    m.err = err;
    const char *nl = memchr(text, '\n', len);
    size_t i = nl ? (size_t)(nl - text) : len;
    kk_status st = describe_document(&m, text, i);
    unsigned line = 2;
    for (i = i + 1; st == KK_OK && i < len; line++) {
        nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        st = on_line(&m, text, len, i, end, line);
        i = end + 1;
    }
    if (st == KK_OK && m.in_block)
        st = end_block(&m, 0, line);
    if (st == KK_OK)
        st = close_turn(&m);
    minutes_free(&m);
    return st;
}
