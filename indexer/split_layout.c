/* split_layout.c — repairs for what a PDF page layout put out of reading order, applied once a
 * plain-text document is split (see kk_layout in document_internal.h).
 *
 * Layouts seen in corpus/mitaka:
 *  - Department labels after their items (003, a two-column page): blocks of ● items, each
 *    followed by its label — but sometimes two labels are stacked after one block (企画部 /
 *    子ども政策部 after 企画部's three items; 総務部 / 都市整備部 after six items) and the last
 *    block has no label after it. Reading the page: a stack of labels after k blocks names those
 *    k blocks in order; a label left over (子ども政策部) was printed at the top of the next column
 *    and names the block left without a label at the end. The block size is what single labels
 *    name (three items in 003); without single labels, a stack splits its items evenly.
 *  - A plan title after its plan's text (001): the title of 新・行財政改革アクションプラン2022
 *    is the last line but two of the page, its text sits untitled between two 担当課 lines. A
 *    passage holding only a plan title is given to the untitled block (passages with one 担当課
 *    and no plan) that names that plan in its text, and removed. The page's department tab
 *    (企画部) comes last but one, heading nothing but the running title: when it is the
 *    document's only label and heads at most that one line, it names every passage with a 担当課.
 * It owns no splitting rule; split_text.c records what it meets and calls kk_layout_resolve.
 */
#include "document_internal.h"

#include <stdlib.h>
#include <string.h>

static const char SEP[] = " › ";

/* A page stacks two labels in 003; a stack of 64 labels, or a block of 64 items under one
 * label, is no page layout, and bounds the arrays below. */
#define LAYOUT_MAX 64

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 8;
    void *q = realloc(p, c * size);
    if (q)
        *cap = c;
    return q;
}

kk_status kk_layout_add_label(kk_layout *l, const char *label, size_t n, size_t at,
                              kk_error *err)
{
    kk_layout_label *p = grow(l->labels, &l->cap_labels, l->n_labels, sizeof *p);
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    l->labels = p;
    kk_status st = kk_strdup_n(label, n, &p[l->n_labels].label, err);
    if (st == KK_OK)
        p[l->n_labels++].at = at;
    return st;
}

kk_status kk_layout_add_orphan(kk_layout *l, size_t passage, const char *heading,
                               const char *plan, kk_error *err)
{
    kk_layout_orphan *p = grow(l->orphans, &l->cap_orphans, l->n_orphans, sizeof *p);
    if (!p)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    l->orphans = p;
    kk_layout_orphan *o = &p[l->n_orphans];
    memset(o, 0, sizeof *o);
    kk_status st = kk_strdup_n(heading, strlen(heading), &o->heading, err);
    if (st == KK_OK)
        st = kk_strdup_n(plan, strlen(plan), &o->plan, err);
    if (st != KK_OK) {
        free(o->heading);
        return st;
    }
    o->passage = passage;
    l->n_orphans++;
    return KK_OK;
}

kk_status kk_layout_add_head(kk_layout *l, const char *label, size_t n, size_t at,
                             kk_error *err)
{
    char *copy;
    kk_status st = kk_strdup_n(label, n, &copy, err);
    if (st != KK_OK)
        return st;
    free(l->head);
    l->head = copy;
    l->head_at = at;
    l->n_heads++;
    return KK_OK;
}

void kk_layout_free(kk_layout *l)
{
    free(l->head);
    for (size_t k = 0; k < l->n_labels; k++)
        free(l->labels[k].label);
    for (size_t k = 0; k < l->n_orphans; k++) {
        free(l->orphans[k].heading);
        free(l->orphans[k].plan);
    }
    free(l->labels);
    free(l->orphans);
    memset(l, 0, sizeof *l);
}

/* ---- trailing department labels ----------------------------------------------------------- */

/* Labels met at one place form a stack: labels[first..end). */
static size_t stack_end(const kk_layout *l, size_t first)
{
    size_t end = first + 1;
    while (end < l->n_labels && l->labels[end].at == l->labels[first].at)
        end++;
    return end;
}

/* The number of passages a single label names most often; 0 when no label stands alone. A
 * page's block holds a few items (3 in 003); blocks of LAYOUT_MAX or more are not counted. */
static size_t block_size(const kk_layout *l)
{
    size_t counts[LAYOUT_MAX] = {0}, from = l->trail_from, best = 0;
    for (size_t k = 0; k < l->n_labels;) {
        size_t end = stack_end(l, k), at = l->labels[k].at, m = at > from ? at - from : 0;
        if (end - k == 1 && m > 0 && m < LAYOUT_MAX)
            counts[m]++;
        from = at > from ? at : from;
        k = end;
    }
    for (size_t m = 1; m < LAYOUT_MAX; m++)
        if (counts[m] > counts[best])
            best = m;
    return best;
}

static kk_status replace(char **field, const char *value, kk_error *err)
{
    free(*field);
    *field = NULL;
    return kk_strdup_n(value, strlen(value), field, err);
}

/* Name passages [from, to) with labels[0..n) in equal runs, in order. The label becomes their
 * department and, as where labels head their items (002), their section and heading. */
static kk_status name_runs(kk_document *d, size_t from, size_t to, kk_layout_label *const *labels,
                           size_t n, kk_error *err)
{
    size_t m = to - from, per = (m + n - 1) / n;
    kk_status st = KK_OK;
    for (size_t i = from; st == KK_OK && i < to; i++) {
        kk_passage *p = &d->passages[i];
        const char *label = labels[(i - from) / per]->label;
        st = replace(&p->dept, label, err);
        if (st == KK_OK)
            st = replace(&p->section, label, err);
        if (st == KK_OK)
            st = replace(&p->heading, label, err);
    }
    return st;
}

static kk_status resolve_labels(kk_layout *l, kk_document *d, kk_error *err)
{
    kk_layout_label **carry = calloc(l->n_labels + 1, sizeof *carry);
    if (!carry)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    size_t n_carry = 0, g = block_size(l), from = l->trail_from;
    kk_status st = KK_OK;
    for (size_t k = 0; st == KK_OK && k < l->n_labels;) {
        size_t end = stack_end(l, k), at = l->labels[k].at, n = end - k;
        n = n > LAYOUT_MAX ? LAYOUT_MAX : n;
        size_t m = at > from ? at - from : 0;
        size_t use = m == 0 ? 0 : g ? (m + g - 1) / g : n;
        use = use > n ? n : use;
        kk_layout_label *mine[LAYOUT_MAX];
        for (size_t j = 0; j < n; j++)
            mine[j] = &l->labels[k + j];
        if (use)
            st = name_runs(d, from, at, mine, use, err);
        for (size_t j = use; j < n; j++)
            carry[n_carry++] = mine[j];
        from = at > from ? at : from;
        k = end;
    }
    if (st == KK_OK && n_carry && from < d->n_passages)
        st = name_runs(d, from, d->n_passages, carry, n_carry, err);
    free(carry);
    return st;
}

/* ---- the page's department tab ----------------------------------------------------------- */

/* Passages that show the page holds a department's sections: some have a 担当課. */
static int has_offices(const kk_document *d, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (d->passages[i].office)
            return 1;
    return 0;
}

/* See the file comment: a lone label heading at most one passage, after passages with a 担当課. */
static kk_status resolve_tab(const kk_layout *l, kk_document *d, kk_error *err)
{
    if (l->n_heads != 1 || l->head_at > d->n_passages || d->n_passages - l->head_at > 1 ||
        has_offices(d, l->head_at, d->n_passages) || !has_offices(d, 0, l->head_at))
        return KK_OK;
    kk_status st = KK_OK;
    for (size_t i = 0; st == KK_OK && i < l->head_at; i++)
        if (d->passages[i].office && !d->passages[i].dept)
            st = kk_strdup_n(l->head, strlen(l->head), &d->passages[i].dept, err);
    return st;
}

/* ---- plan titles after their text --------------------------------------------------------- */

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The untitled block naming plan: passages sharing one 担当課 without a plan, one of which
 * mentions plan. Returns 1 and the block [*from, *to) if there is one. */
static int find_block(const kk_document *d, const char *plan, size_t *from, size_t *to)
{
    for (size_t i = 0; i < d->n_passages;) {
        const kk_passage *p = &d->passages[i];
        if (!p->office || p->n_plans) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < d->n_passages && same(d->passages[j].office, p->office) &&
               d->passages[j].n_plans == 0)
            j++;
        int named = 0;
        for (size_t k = i; k < j; k++)
            named |= strstr(d->passages[k].text, plan) != NULL;
        if (named) {
            *from = i;
            *to = j;
            return 1;
        }
        i = j;
    }
    return 0;
}

static kk_status prefix_section(kk_passage *p, const char *heading, kk_error *err)
{
    size_t hn = strlen(heading), sn = p->section ? strlen(p->section) : 0;
    char *s = malloc(hn + sizeof SEP + sn + 1);
    if (!s)
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    memcpy(s, heading, hn);
    s[hn] = '\0';
    if (p->section) {
        strcat(s, SEP);
        strcat(s, p->section);
    }
    free(p->section);
    p->section = s;
    return KK_OK;
}

static void remove_passage(kk_document *d, size_t i)
{
    kk_passage_release(&d->passages[i]);
    memmove(&d->passages[i], &d->passages[i + 1], (d->n_passages - i - 1) * sizeof *d->passages);
    d->n_passages--;
}

/* Orphans are handled last first, so that removing one does not move the others. */
static kk_status resolve_orphans(kk_layout *l, kk_document *d, kk_error *err)
{
    kk_status st = KK_OK;
    for (size_t k = l->n_orphans; st == KK_OK && k-- > 0;) {
        const kk_layout_orphan *o = &l->orphans[k];
        size_t from, to;
        if (o->passage >= d->n_passages || !find_block(d, o->plan, &from, &to))
            continue;
        for (size_t i = from; st == KK_OK && i < to; i++) {
            st = prefix_section(&d->passages[i], o->heading, err);
            if (st == KK_OK)
                st = kk_plans_add(&d->passages[i], o->plan, strlen(o->plan), err);
        }
        if (st == KK_OK)
            remove_passage(d, o->passage);
    }
    return st;
}

kk_status kk_layout_resolve(kk_layout *l, kk_document *d, kk_error *err)
{
    kk_status st = l->n_labels ? resolve_labels(l, d, err) : KK_OK;
    if (st == KK_OK && l->head)
        st = resolve_tab(l, d, err);
    if (st == KK_OK && l->n_orphans)
        st = resolve_orphans(l, d, err);
    return st;
}
