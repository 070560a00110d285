/* split_long.c — the last guard on passage length: a passage far longer than a reader meant it
 * to be is cut into pieces.
 *
 * Readers end passages only where the text allows (a sentence end, a paragraph, a speaker's
 * turn), so text that never offers such a place — a 10 MB line, a table without sentence ends,
 * a CSV article without paragraphs — would become one huge passage: useless as a search hit and
 * slow to analyse. This file owns only that cut, run on the finished passage list (document.c):
 * where to cut (a sentence end, else a comma or blank, else any character boundary) and giving
 * every piece the metadata of the passage it came from. Where passages normally end is the
 * readers' business, not this file's.
 */
#include "document_internal.h"

#include <stdlib.h>
#include <string.h>

/* A passage of more than this many characters is cut. Twice KK_PASSAGE_MAX_CHARS: readers close
 * a passage at the first place they may after KK_PASSAGE_MAX_CHARS, and in corpus/ the longest
 * passage they make is 1514 characters, so no passage a reader ended on purpose is cut. */
#define HARD_MAX_CHARS (2 * KK_PASSAGE_MAX_CHARS)
/* A sentence end closer than this to a piece's start is not used: it would make a tiny piece. */
#define MIN_PIECE_CHARS (KK_PASSAGE_MAX_CHARS / 4)

static int ends_sentence(int c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == '!' || c == '?'; /* 。！？ */
}

static int closes(int c)
{
    return c == 0x300D || c == 0x300F || c == 0xFF09 || c == ')'; /* 」』） */
}

static int soft_break(int c)
{
    return c == 0x3001 || c == 0xFF0C || c == ',' || c == ' ' || c == 0x3000; /* 、，, blanks */
}

/* Byte length of the next piece of s[0..n): at most KK_PASSAGE_MAX_CHARS characters, ending
 * after the last sentence end in it (and the closing brackets after it), else after the last
 * comma or blank in its second half, else at the limit. All of s when it is short enough. */
static size_t piece_length(const char *s, size_t n)
{
    size_t i = 0, chars = 0, sentence = 0, soft = 0;
    while (i < n && chars < KK_PASSAGE_MAX_CHARS) {
        int c = kk_utf8_next(s, n, &i);
        chars++;
        if (ends_sentence(c)) {
            size_t j = i;
            while (j < n && closes(kk_utf8_next(s, n, &j)))
                i = j;
            if (chars >= MIN_PIECE_CHARS)
                sentence = i;
        } else if (soft_break(c) && chars > KK_PASSAGE_MAX_CHARS / 2) {
            soft = i;
        }
    }
    if (i >= n)
        return n;
    return sentence ? sentence : soft ? soft : i;
}

/* The next piece of s[0..n) from *at: blanks skipped, then s[*from..*at) after the call.
 * Returns 0 when nothing is left. */
static int next_piece(const char *s, size_t n, size_t *at, size_t *from)
{
    while (*at < n && s[*at] == ' ')
        (*at)++;
    if (*at >= n)
        return 0;
    *from = *at;
    *at += piece_length(s + *at, n - *at);
    return 1;
}

/* Number of pieces text is cut into (1 when it is short enough to stay whole). */
static size_t count_pieces(const char *text)
{
    size_t n = strlen(text);
    if (kk_count_chars(text, n) <= HARD_MAX_CHARS)
        return 1;
    size_t pieces = 0, at = 0, from;
    while (next_piece(text, n, &at, &from))
        pieces++;
    return pieces;
}

static kk_status copy_string(const char *s, char **out, kk_error *err)
{
    *out = NULL;
    return s ? kk_strdup_n(s, strlen(s), out, err) : KK_OK;
}

/* Copy the metadata of from (everything but its text) into the zeroed passage to. */
static kk_status copy_meta(const kk_passage *from, kk_passage *to, kk_error *err)
{
    to->line = from->line;
    to->lines = from->lines;
    to->year = from->year;
    const char *const src[] = {from->heading, from->section, from->dept, from->office,
                               from->version, from->speaker, from->date};
    char **const dst[] = {&to->heading, &to->section, &to->dept, &to->office,
                          &to->version, &to->speaker, &to->date};
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < sizeof src / sizeof src[0]; k++)
        st = copy_string(src[k], dst[k], err);
    for (size_t k = 0; st == KK_OK && k < from->n_plans; k++)
        st = kk_plans_add(to, from->plans[k], strlen(from->plans[k]), err);
    return st;
}

/* Cut p into pieces appended at out[*n_out]; p's text stays with p (the caller releases it). */
static kk_status cut(const kk_passage *p, kk_passage *out, size_t *n_out, kk_error *err)
{
    const char *s = p->text;
    size_t n = strlen(s), at = 0, from;
    kk_status st = KK_OK;
    while (st == KK_OK && next_piece(s, n, &at, &from)) {
        kk_passage *q = &out[(*n_out)++];
        memset(q, 0, sizeof *q);
        st = copy_meta(p, q, err);
        if (st == KK_OK)
            st = kk_strdup_n(s + from, at - from, &q->text, err);
    }
    return st;
}

kk_status kk_passages_cut_long(kk_builder *b, kk_error *err)
{
    kk_document *d = b->doc;
    size_t total = 0, longest = 0, cut_from = 0;
    for (size_t k = 0; k < d->n_passages; k++) {
        size_t pieces = count_pieces(d->passages[k].text);
        if (pieces > 1 && pieces > longest) {
            longest = pieces;
            cut_from = k;
        }
        total += pieces;
    }
    if (total == d->n_passages)
        return KK_OK;
    kk_passage *out = calloc(total, sizeof *out);
    if (!out)
        return kk_error_set(err, KK_ENOMEM, "%s: out of memory cutting long passages", b->name);
    unsigned line = d->passages[cut_from].line;
    size_t n_out = 0;
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < d->n_passages; k++) {
        kk_passage *p = &d->passages[k];
        if (count_pieces(p->text) == 1) {
            out[n_out++] = *p;
            memset(p, 0, sizeof *p);
        } else {
            st = cut(p, out, &n_out, err);
            kk_passage_release(p);
        }
    }
    if (st != KK_OK) {
        for (size_t k = 0; k < n_out; k++)
            kk_passage_release(&out[k]);
        free(out);
        return st;
    }
    free(d->passages);
    d->passages = out;
    d->n_passages = b->cap = n_out;
    kk_builder_warn(b, "%s:%u: text runs on without a place to end a passage; cut into pieces "
                    "of at most %d characters", b->name, line, KK_PASSAGE_MAX_CHARS);
    return KK_OK;
}
