/* phrase.c — exact wording, checked against the stored passage text (see query_internal.h).
 *
 * The index keeps terms without positions, so a quoted phrase is looked up by its terms (all its
 * bigrams and words in one passage) and then confirmed here: the passage's text, normalized the
 * way the index saw it and with white space removed, must contain each required phrase and none
 * of the excluded ones. Xapian calls the check only for candidates that could enter the results,
 * so its cost follows the page asked for rather than the number of matches.
 */
#include "query_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kk_stored.h"

/* Normalize text as the index does and drop white space, so that a line break or a space typed
 * inside a Japanese phrase does not decide whether it matches. Returns a new string or NULL. */
static char *squeezed(kk_analyzer *a, const char *text, size_t len)
{
    char *norm = NULL;
    size_t n = 0;
    if (kk_normalize(a, text, len, &norm, &n, NULL) != KK_OK)
        return NULL;
    size_t w = 0;
    for (size_t r = 0; r < n; r++)
        if (norm[r] != ' ') /* normalization leaves white space as single spaces */
            norm[w++] = norm[r];
    norm[w] = '\0';
    return norm;
}

kk_status kk_phrase_check_add(kk_phrase_check *c, kk_analyzer *a, const char *phrase, int banned,
                              kk_error *err)
{
    char ***list = banned ? &c->banned : &c->required;
    size_t *n = banned ? &c->n_banned : &c->n_required;
    char *p = squeezed(a, phrase, strlen(phrase));
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    if (!*p) { /* nothing left to compare: the terms decide alone */
        free(p);
        return KK_OK;
    }
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown) {
        free(p);
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    grown[(*n)++] = p;
    *list = grown;
    c->analyzer = a;
    return KK_OK;
}

int kk_phrase_check_empty(const kk_phrase_check *c)
{
    return c->n_required == 0 && c->n_banned == 0;
}

enum { KK_PHRASE_FIELDS = 3 };

/* 1 if some of the n texts holds s. */
static int any_holds(char *const *texts, size_t n, const char *s)
{
    for (size_t k = 0; k < n; k++)
        if (texts[k] && strstr(texts[k], s))
            return 1;
    return 0;
}

/* 1 if the texts hold every required phrase (when with_required) and no banned one. */
static int holds(const kk_phrase_check *c, char *const *texts, size_t n, int with_required)
{
    for (size_t k = 0; with_required && k < c->n_required; k++)
        if (!any_holds(texts, n, c->required[k]))
            return 0;
    for (size_t k = 0; k < c->n_banned; k++)
        if (any_holds(texts, n, c->banned[k]))
            return 0;
    return 1;
}

/* The verdict of the passage text alone: 1 accept, 0 reject, -1 when the heading and title
 * must be looked at too. A banned phrase in the text rejects whatever else holds it; the
 * required ones found in the text accept when no banned phrase could hide in the others. */
static int text_verdict(const kk_phrase_check *c, const char *text, int with_required)
{
    for (size_t k = 0; text && k < c->n_banned; k++)
        if (strstr(text, c->banned[k]))
            return 0;
    if (c->n_banned > 0)
        return -1;
    for (size_t k = 0; with_required && k < c->n_required; k++)
        if (!text || !strstr(text, c->required[k]))
            return -1;
    return 1;
}

/* The passage is indexed with its heading and its document's title, so a phrase may be found
 * in any of the three; each is checked on its own so that no match spans two of them. The
 * heading and title are normalized only when the text cannot decide: most phrases are found in
 * the text. */
static int accept(const char *data, size_t len, const kk_phrase_check *c, int with_required)
{
    kk_stored f;
    if (kk_stored_split(data, len, &f, NULL) != KK_OK)
        return 0;
    char *texts[KK_PHRASE_FIELDS] = {0};
    texts[0] = squeezed(c->analyzer, f.text.ptr, f.text.len);
    int ok = text_verdict(c, texts[0], with_required);
    if (ok < 0) {
        const kk_stored_str others[KK_PHRASE_FIELDS - 1] = {f.heading, f.title};
        for (size_t k = 0; k < KK_PHRASE_FIELDS - 1; k++)
            texts[k + 1] = others[k].ptr ? squeezed(c->analyzer, others[k].ptr, others[k].len)
                                         : NULL;
        ok = holds(c, texts, KK_PHRASE_FIELDS, with_required);
    }
    for (size_t k = 0; k < KK_PHRASE_FIELDS; k++)
        free(texts[k]);
    return ok;
}

int kk_phrase_accept(const char *data, size_t len, void *ctx)
{
    return accept(data, len, ctx, 1);
}

int kk_phrase_accept_unbanned(const char *data, size_t len, void *ctx)
{
    return accept(data, len, ctx, 0);
}

void kk_phrase_check_free(kk_phrase_check *c)
{
    for (size_t k = 0; k < c->n_required; k++)
        free(c->required[k]);
    for (size_t k = 0; k < c->n_banned; k++)
        free(c->banned[k]);
    free(c->required);
    free(c->banned);
    memset(c, 0, sizeof *c);
}
