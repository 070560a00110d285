/* plans.c — names of plans mentioned in a passage.
 *
 * Owns the three patterns a plan name is recognized by: 『…』 contents naming a planning document,
 * 「…」 contents that contain 計画 or プラン, and a word ending in 計画 or プラン followed by its
 * year (行財政改革アクションプラン2022). It does not know which plan a passage belongs to; the
 * splitter adds the plan title in force.
 */
#include "document_internal.h"

#include <stdlib.h>
#include <string.h>

/* A quoted name longer than this is a quoted sentence, not a title. */
#define PLAN_NAME_MAX_BYTES 150
#define MAX_SPANS 64

static int memmem_simple(const char *s, size_t n, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(s + i, needle, l) == 0)
            return 1;
    return 0;
}

/* Length of name without a trailing revision note in parentheses: 『土地利用総合計画2022（第1次
 * 改定）』 names the plan 土地利用総合計画2022 (its revision is not another plan). */
static size_t without_revision(const char *name, size_t n)
{
    static const char *const closes[] = {"）", ")"}, *const opens[] = {"（", "("};
    for (size_t k = 0; k < 2; k++) {
        size_t lc = strlen(closes[k]), lo = strlen(opens[k]);
        if (n < lc || memcmp(name + n - lc, closes[k], lc) != 0)
            continue;
        for (size_t i = n - lc; i-- > 0;)
            if (i + lo <= n - lc && memcmp(name + i, opens[k], lo) == 0) {
                size_t inner = n - lc - i - lo;
                if (inner && i > 0 && kk_plan_suffix(name + i + lo, inner) == inner)
                    return i;
                break;
            }
    }
    return n;
}

kk_status kk_plans_add(kk_passage *p, const char *name, size_t n, kk_error *err)
{
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\n'))
        n--;
    n = without_revision(name, n);
    if (n == 0 || n > PLAN_NAME_MAX_BYTES || memmem_simple(name, n, "、") ||
        memmem_simple(name, n, "。"))
        return KK_OK;
    /* Joining "ごみ処理総合計画\n2022" leaves a space before the year; the name has none. */
    char clean[PLAN_NAME_MAX_BYTES];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!(name[i] == ' ' && i > 0 && (unsigned char)name[i - 1] >= 0x80 && i + 1 < n &&
              name[i + 1] >= '0' && name[i + 1] <= '9'))
            clean[m++] = name[i];
    name = clean;
    n = m;
    for (size_t k = 0; k < p->n_plans; k++)
        if (strlen(p->plans[k]) == n && memcmp(p->plans[k], name, n) == 0)
            return KK_OK;
    char **grown = realloc(p->plans, (p->n_plans + 1) * sizeof *grown);
    if (!grown)
        return kk_error_set(err, KK_ENOMEM, "out of memory collecting plan names");
    p->plans = grown;
    return kk_strdup_n(name, n, &p->plans[p->n_plans++], err);
}

typedef struct span {
    size_t from, to; /* contents, between the brackets */
} span;

/* Find 『…』 and 「…」 spans (not nested; an unclosed bracket ends the search for its kind). */
static size_t find_spans(const char *s, size_t n, const char *open, const char *close,
                         span *out, size_t max)
{
    size_t count = 0, i = 0, lo = strlen(open), lc = strlen(close);
    while (count < max) {
        const char *a = i < n ? strstr(s + i, open) : NULL;
        if (!a || (size_t)(a - s) >= n)
            break;
        size_t from = (size_t)(a - s) + lo;
        const char *b = strstr(s + from, close);
        if (!b || (size_t)(b - s) > n)
            break;
        /* 「a「b」 — take the innermost opening bracket before the close. */
        for (const char *o = strstr(s + from, open); o && o < b; o = strstr(o + lo, open))
            from = (size_t)(o - s) + lo;
        out[count].from = from;
        out[count].to = (size_t)(b - s);
        count++;
        i = (size_t)(b - s) + lc;
    }
    return count;
}

static int is_name_char(int c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x3005 && c <= 0x3007) || (c >= 0x30A1 && c <= 0x30FC);
}

/* Hiragana runs that occur inside plan names (男女平等参画のための…, 景観づくり計画). */
static size_t allowed_hiragana(const char *s, size_t end)
{
    static const char *const runs[] = {"のための", "づくり", "の"};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        size_t l = strlen(runs[k]);
        if (end >= l && memcmp(s + end - l, runs[k], l) == 0)
            return l;
    }
    return 0;
}

/* Start of the name that ends at `end`: back over kanji, katakana, ・ and the runs above. */
static size_t name_start(const char *s, size_t end)
{
    size_t i = end;
    while (i > 0) {
        size_t k = i - 1;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        size_t j = k;
        int c = kk_utf8_next(s, i, &j);
        if (is_name_char(c)) {
            i = k;
            continue;
        }
        size_t run = allowed_hiragana(s, i);
        if (run && run < i) {
            size_t kk = i - run - 1;
            while (kk > 0 && ((unsigned char)s[kk] & 0xC0) == 0x80)
                kk--;
            size_t jj = kk;
            if (is_name_char(kk_utf8_next(s, i - run, &jj))) {
                i -= run;
                continue;
            }
        }
        break;
    }
    return i;
}

static size_t digits_after(const char *s, size_t n, size_t i)
{
    while (i < n) {
        size_t j = i;
        int c = kk_utf8_next(s, n, &j);
        if (!((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19)))
            break;
        i = j;
    }
    return i;
}

static int inside(const span *spans, size_t count, size_t at)
{
    for (size_t k = 0; k < count; k++)
        if (at >= spans[k].from && at <= spans[k].to)
            return 1;
    return 0;
}

/* 計画2022 / プラン2022 outside the quoted spans. */
static kk_status collect_year_names(kk_passage *p, const span *spans, size_t count,
                                    kk_error *err)
{
    static const char *const words[] = {"計画", "プラン"};
    const char *s = p->text;
    size_t n = strlen(s);
    kk_status st = KK_OK;
    for (size_t w = 0; w < 2 && st == KK_OK; w++) {
        size_t lw = strlen(words[w]);
        for (const char *a = strstr(s, words[w]); a && st == KK_OK; a = strstr(a + lw, words[w])) {
            size_t end = (size_t)(a - s) + lw;
            size_t stop = digits_after(s, n, end);
            if (stop == end || inside(spans, count, (size_t)(a - s)))
                continue;
            size_t from = name_start(s, (size_t)(a - s));
            if (from < (size_t)(a - s))
                st = kk_plans_add(p, s + from, stop - from, err);
        }
    }
    return st;
}

/* 「…」 names a plan when it ends in 計画 or プラン, after a year and a parenthesis:
 * 「配偶者等暴力対策基本計画」, 「新・行財政改革アクションプラン2022」, 「基本計画（素案）」 — but
 * not 「〒181-8555三鷹市役所(個別計画担当課)」. */
static int names_plan(const char *s, size_t n)
{
    if (n >= 3 && (memcmp(s + n - 3, "）", 3) == 0 || s[n - 1] == ')')) {
        size_t k = n;
        while (k > 0 && memcmp(s + k - 1, "(", 1) != 0 &&
               !(k >= 3 && memcmp(s + k - 3, "（", 3) == 0))
            k--;
        if (k == 0)
            return 0;
        n = s[k - 1] == '(' ? k - 1 : k - 3;
    }
    while (n > 0 && s[n - 1] >= '0' && s[n - 1] <= '9')
        n--;
    return (n >= 6 && memcmp(s + n - 6, "計画", 6) == 0) ||
           (n >= 9 && memcmp(s + n - 9, "プラン", 9) == 0);
}

/* 『…』 names a plan or a planning document when it holds one of these words: in plan
 * documents 『』 cites plans, reports and manuals (『下水道再生計画』, 『市民満足度・意向調査報告書』,
 * 『災害時機能転換マニュアル』); in bulletins it mostly quotes books and events (『獄門島』), which are
 * not plans (corpus/bulletin: 26 distinct such names before this rule, none after; no plan name
 * of corpus/mitaka lost). */
static int names_document(const char *s, size_t n)
{
    static const char *const words[] = {"計画", "プラン", "構想", "ビジョン", "方針", "指針",
                                        "戦略", "大綱", "白書", "報告書", "マニュアル"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (memmem_simple(s, n, words[k]))
            return 1;
    return 0;
}

kk_status kk_plans_collect(kk_passage *p, kk_error *err)
{
    span spans[MAX_SPANS];
    const char *s = p->text;
    size_t n = strlen(s);
    size_t count = find_spans(s, n, "『", "』", spans, MAX_SPANS);
    kk_status st = KK_OK;
    for (size_t k = 0; k < count && st == KK_OK; k++)
        if (names_document(s + spans[k].from, spans[k].to - spans[k].from))
            st = kk_plans_add(p, s + spans[k].from, spans[k].to - spans[k].from, err);
    size_t quoted = find_spans(s, n, "「", "」", spans + count, MAX_SPANS - count);
    for (size_t k = count; k < count + quoted && st == KK_OK; k++)
        if (names_plan(s + spans[k].from, spans[k].to - spans[k].from))
            st = kk_plans_add(p, s + spans[k].from, spans[k].to - spans[k].from, err);
    if (st == KK_OK)
        st = collect_year_names(p, spans, count + quoted, err);
    return st;
}
