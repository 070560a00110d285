/* related_names.c — the names of individual plans: their keys and the order of their versions.
 *
 * Owns what makes two titles the same plan (normalization, then version marks stripped: 策定,
 * 改定, 第N次改定, (仮称), a leading 新・) and which version came first. It knows nothing of
 * passages or the index; related_catalog.c applies it.
 */
#include "related_internal.h"

#include <stdlib.h>
#include <string.h>

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t l = strlen(suffix);
    return n >= l && memcmp(s + n - l, suffix, l) == 0;
}

static size_t trim_end(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || ends_with(s, n, "\xe3\x80\x80"))) /* U+3000 */
        n -= s[n - 1] == ' ' ? 1 : 3;
    return n;
}

/* ---- plan keys --------------------------------------------------------------------------- */

/* Strip one version mark from the end of name[0..*n); 1 if one was stripped. Marks seen in
 * corpus/mitaka and the archives it comes from: 策定, 改定, 改訂(版), 第1次改定, (第1次改定),
 * 素案, (仮称). */
static int strip_version_mark(const char *name, size_t *n)
{
    static const char *const words[] = {"改定版", "改訂版", "改定", "改訂", "策定", "素案",
                                        "(仮称)", "(素案)", "(案)"};
    size_t len = trim_end(name, *n);
    if (len > 0 && name[len - 1] == ')') { /* (第1次改定): a bracket holding a mark goes */
        const char *open = NULL;
        for (const char *p = name; p < name + len; p++)
            if (*p == '(')
                open = p;
        if (open && (strstr(open, "改定") || strstr(open, "改訂") || strstr(open, "策定")
                     || strstr(open, "仮称") || strstr(open, "案"))
            && (size_t)(open - name) > 0) {
            *n = (size_t)(open - name);
            return 1;
        }
    }
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (ends_with(name, len, words[k]) && len > strlen(words[k])) {
            *n = len - strlen(words[k]);
            return 1;
        }
    /* 第1次 left before a stripped 改定 */
    size_t i = len;
    if (ends_with(name, i, "次")) {
        i -= strlen("次");
        size_t digits = i;
        while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
            i--;
        if (i < digits && ends_with(name, i, "第") && i > strlen("第")) {
            *n = i - strlen("第");
            return 1;
        }
    }
    *n = len;
    return 0;
}

char *kk_rel_plan_key(kk_searcher *s, const char *name)
{
    char *norm = NULL;
    size_t len = 0;
    if (kk_normalize(s->analyzer, name, strlen(name), &norm, &len, NULL) != KK_OK)
        return NULL;
    /* (仮称) anywhere: the draft's name is the plan's name */
    char *at;
    while ((at = strstr(norm, "(仮称)")) != NULL)
        memmove(at, at + strlen("(仮称)"), strlen(at + strlen("(仮称)")) + 1);
    const char *from = norm;
    while (*from == ' ')
        from++;
    /* 新・X replaces X: a new edition of the same plan (001: 今回の改定を「新・行財政改革
     * アクションプラン2022」の策定とし). */
    if (strncmp(from, "新・", strlen("新・")) == 0 && from[strlen("新・")])
        from += strlen("新・");
    size_t n = strlen(from);
    while (strip_version_mark(from, &n))
        ;
    char *key = n ? dup_n(from, n) : NULL;
    free(norm);
    return key;
}

/* ---- version order ----------------------------------------------------------------------- */

/* 0 for a first edition (策定, no label), N for 第N次改定, 1 for a 改定 without a number. */
static int label_rank(const char *label)
{
    if (!label || !(strstr(label, "改定") || strstr(label, "改訂")))
        return 0;
    const char *d = strpbrk(label, "0123456789");
    return d ? atoi(d) : 1;
}

static int is_new_edition(const kk_related_version *v)
{
    return v->name && strstr(v->name, "新・") == v->name;
}

/* Oldest first: by fiscal year when both are known (000 of corpus/mitaka has none), else by
 * edition (X before 新・X) and revision number, then by document. */
static int by_version(const void *a, const void *b)
{
    const kk_related_version *x = a, *y = b;
    if (x->year && y->year && x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (is_new_edition(x) != is_new_edition(y))
        return is_new_edition(x) - is_new_edition(y);
    if (label_rank(x->label) != label_rank(y->label))
        return label_rank(x->label) - label_rank(y->label);
    return strcmp(x->doc ? x->doc : "", y->doc ? y->doc : "");
}

void kk_rel_sort_versions(kk_related_version *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, by_version);
}
