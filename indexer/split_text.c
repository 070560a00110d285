/* split_text.c — plain-text passages: where a passage starts and ends, and the headings above it.
 *
 * Owns the splitter state machine run over vlines (split_table.c), one splitter per table
 * column. The rules, from reading corpus/mitaka 000–004:
 *  - Text extracted from PDF breaks lines, and even puts blank lines, inside sentences (001:
 *    "誰もが\n\n個人として尊重され"). A passage never ends inside a sentence: after a line that
 *    does not end one (。！？, 」） after them) the next plain line continues it, blank or not.
 *  - A paragraph ends at a blank line or a markup paragraph boundary after a sentence end, and
 *    at a line break after a sentence end. A bullet item (○◎●■・◇◆☞※ -) keeps the sentences on
 *    the lines after it until a blank line, another item or a heading.
 *  - A heading (6-1-1, 第N章, 施策N), (N), ①, 《》【】〔〕[], plan title, department label, or
 *    a short title line) sets its level in the section path, removing deeper levels. Its text
 *    is also put at the start of the next passage under it, so that searching a heading's words
 *    finds what it heads; a heading with nothing under it before the next heading of its level
 *    or above becomes a passage of its own.
 *  - An item alone on its line with a short title (000: ○主な事業) that is followed by items of
 *    another marker is a heading for them.
 *  - 担当課 lines close a plan and name the section in charge (office) of the passages since
 *    the plan began (they come after them). Department labels (企画部) head what follows — or,
 *    when the first label comes right after items like those that follow it (003, a two-column
 *    page layout), every label names items before it (resolved in split_layout.c, with the
 *    other repairs of page layout).
 *  - A line indented with a space (001: " 家庭", a text box) starts a new passage
 *    (split_table.c marks it hard_before); a short line right before a plan title or a
 *    department label titles nothing.
 * Passage years come from the headings (平成24年度 in a title); a year in a sentence is a
 * reference, and the passage otherwise takes the document's year (document.c).
 */
#include "document_internal.h"

#include <stdlib.h>
#include <string.h>

#include "kk_year.h"

/* A short title line has at most this many characters (001: 主な事業と取り組み内容 has 11,
 * 002: 「各部の運営方針と目標」を策定しました 19; the PDF's wrapped lines run 20–40). */
#define TITLE_MAX_CHARS 20
/* A line directly under a title, without a blank, continues the title up to this length (003:
 * 令和元年度「各部の運営方針と目標」を策定しました under 各部の取り組みを紹介します). */
#define TITLE_CONTINUATION_MAX_CHARS 40
/* An item is a heading for items of another marker when its text is at most this long. */
#define ITEM_HEADING_MAX_CHARS 20
static const char SEP[] = " › ";

/* Per-document state shared by the column splitters. */
typedef struct shared {
    kk_builder *b;
    const kk_vlines *v;
    int trailing;         /* department labels follow their items: -1 undecided, 0, 1 */
    size_t items_from;    /* first passage of the latest run of items */
    size_t contact_from;  /* first passage a 担当課 line may name */
    kk_layout layout;     /* what page layout put out of order, repaired at the end */
} shared;

typedef struct splitter {
    shared *sh;
    const char *version;       /* column label, or NULL */
    char *levels[KK_LEVELS];   /* heading text in force at each level */
    kk_buf pend;               /* display text of headings waiting for their passage */
    unsigned pend_line, pend_last;
    int pend_level, pend_title;
    kk_buf body;               /* raw lines of the open passage */
    unsigned body_line, body_last; /* body_line 0: no passage open */
    size_t body_chars;
    int marker, item_lines;    /* marker of the open item (0: a paragraph), its line count */
    int ended;                 /* the open passage's last line ends a sentence */
    int bracket_end;           /* …or at least a closing bracket: a blank line after it ends */
    int last_marker;           /* marker of the latest passage if it was an item */
    char *plan;                /* plan title in force (name without 策定/改定) */
} splitter;

static const char *vtext(const shared *sh, const kk_vline *v)
{
    return sh->v->text.data + v->off;
}

static kk_status nomem(kk_error *err)
{
    return kk_error_set(err, KK_ENOMEM, "out of memory splitting passages");
}

static void set_level(splitter *sp, int level, char *text)
{
    for (int k = level; k < KK_LEVELS; k++) {
        free(sp->levels[k]);
        sp->levels[k] = NULL;
    }
    sp->levels[level] = text;
}

/* The section path, outermost first; NULL when there is no heading. */
static kk_status section_path(const splitter *sp, char **out, kk_error *err)
{
    kk_buf b = {0};
    kk_status st = KK_OK;
    for (int k = 0; k < KK_LEVELS && st == KK_OK; k++) {
        if (!sp->levels[k])
            continue;
        if (b.len)
            st = kk_buf_add(&b, SEP, sizeof SEP - 1);
        if (st == KK_OK)
            st = kk_buf_add(&b, sp->levels[k], strlen(sp->levels[k]));
    }
    if (st != KK_OK) {
        kk_buf_free(&b);
        return nomem(err);
    }
    *out = b.len ? kk_buf_take(&b, NULL) : NULL;
    kk_buf_free(&b);
    return KK_OK;
}

static kk_status copy_or_null(const char *s, char **out, kk_error *err)
{
    *out = NULL;
    return s ? kk_strdup_n(s, strlen(s), out, err) : KK_OK;
}

/* Fill a new passage's metadata from the headings in force. */
static kk_status describe(splitter *sp, kk_passage *p, kk_error *err)
{
    kk_status st = section_path(sp, &p->section, err);
    const char *inner = NULL;
    for (int k = 0; k < KK_LEVELS; k++)
        if (sp->levels[k]) {
            inner = sp->levels[k];
            if (!p->year)
                p->year = kk_year_find(inner, strlen(inner), NULL, NULL);
        }
    if (st == KK_OK)
        st = copy_or_null(inner, &p->heading, err);
    if (st == KK_OK && sp->sh->trailing != 1)
        st = copy_or_null(sp->levels[KK_LEVEL_DEPT], &p->dept, err);
    if (st == KK_OK)
        st = copy_or_null(sp->version, &p->version, err);
    if (st == KK_OK && sp->plan)
        st = kk_plans_add(p, sp->plan, strlen(sp->plan), err);
    return st;
}

static void clear_pending(splitter *sp)
{
    sp->pend.len = 0;
    if (sp->pend.data)
        sp->pend.data[0] = '\0';
    sp->pend_line = 0;
    sp->pend_title = 0;
}

/* Emit the open passage (with the pending headings in front), if there is one. */
static kk_status close_passage(splitter *sp, kk_error *err)
{
    if (!sp->body_line)
        return KK_OK;
    unsigned first = sp->pend_line ? sp->pend_line : sp->body_line;
    if (sp->marker && !sp->last_marker)
        sp->sh->items_from = sp->sh->b->doc->n_passages;
    kk_passage *p;
    kk_status st = kk_builder_add(sp->sh->b, sp->pend_line ? sp->pend.data : NULL,
                                  sp->body.data, sp->body.len, first, sp->body_last, &p, err);
    if (st == KK_OK && p)
        st = describe(sp, p, err);
    sp->last_marker = sp->marker;
    sp->body_line = 0;
    sp->body.len = 0;
    sp->body_chars = 0;
    sp->marker = 0;
    clear_pending(sp);
    return st;
}

/* Pending headings with nothing under them become a passage of their own. */
static kk_status flush_pending(splitter *sp, kk_error *err)
{
    if (!sp->pend_line || sp->body_line)
        return KK_OK;
    kk_passage *p;
    kk_status st = kk_builder_add(sp->sh->b, NULL, sp->pend.data, sp->pend.len, sp->pend_line,
                                  sp->pend_last, &p, err);
    if (st == KK_OK && p)
        st = describe(sp, p, err);
    if (st == KK_OK && p && sp->pend_level == KK_LEVEL_PLAN && sp->plan &&
        sp->levels[KK_LEVEL_PLAN] && !sp->levels[KK_LEVEL_PLAN + 1])
        st = kk_layout_add_orphan(&sp->sh->layout, sp->sh->b->doc->n_passages - 1,
                                  sp->levels[KK_LEVEL_PLAN], sp->plan, err);
    clear_pending(sp);
    return st;
}

/* A copy of s[0..n) with line breaks joined (HTML paragraphs may hold them). */
static kk_status joined_copy(const char *s, size_t n, char **out, kk_error *err)
{
    if (!memchr(s, '\n', n))
        return kk_strdup_n(s, n, out, err);
    size_t len;
    return kk_join_lines(s, n, out, &len, err);
}

static kk_status append_pending(splitter *sp, const char *s, size_t n, const char *sep,
                                const kk_vline *v, kk_error *err)
{
    char *text;
    kk_status st = joined_copy(s, n, &text, err);
    if (st != KK_OK)
        return st;
    if (sp->pend.len && sep)
        st = kk_buf_add(&sp->pend, sep, strlen(sep));
    if (st == KK_OK)
        st = kk_buf_add(&sp->pend, text, strlen(text));
    free(text);
    if (st != KK_OK)
        return nomem(err);
    if (!sp->pend_line)
        sp->pend_line = v->line;
    sp->pend_last = v->last;
    return KK_OK;
}

static kk_status set_title(splitter *sp, const char *title, kk_error *err)
{
    kk_document *d = sp->sh->b->doc;
    if (d->title || !title)
        return KK_OK;
    return kk_strdup_n(title, strlen(title), &d->title, err);
}

static kk_status add_heading(splitter *sp, int level, const char *s, size_t n,
                             const kk_vline *v, kk_error *err)
{
    kk_status st = close_passage(sp, err);
    if (st == KK_OK && sp->pend_line && level <= sp->pend_level)
        st = flush_pending(sp, err);
    char *h = NULL;
    if (st == KK_OK)
        st = joined_copy(s, kk_heading_length(s, n), &h, err);
    if (st != KK_OK)
        return st;
    set_level(sp, level, h);
    if (level <= KK_LEVEL_PLAN) {
        free(sp->plan);
        sp->plan = NULL;
    }
    if (!sp->pend_line || level < sp->pend_level)
        sp->pend_level = level;
    st = append_pending(sp, s, n, " ", v, err);
    sp->pend_title = 0;
    sp->last_marker = 0;
    if (st == KK_OK && level != KK_LEVEL_DEPT)
        st = set_title(sp, h, err);
    return st;
}

/* Join a title line to the title before it: a space after a blank line, nothing between
 * Japanese characters of adjacent lines (平成 / 24年度). */
static kk_status extend_title(splitter *sp, const char *s, size_t n, const kk_vline *v,
                              kk_error *err)
{
    const char *sep = v->soft_before || v->hard_before ? " " : "";
    char *old = sp->levels[KK_LEVEL_BRACKET];
    kk_buf b = {0};
    kk_status st = kk_buf_add(&b, old, strlen(old));
    if (st == KK_OK)
        st = kk_buf_add(&b, sep, strlen(sep));
    if (st == KK_OK)
        st = kk_buf_add(&b, s, n);
    if (st != KK_OK) {
        kk_buf_free(&b);
        return nomem(err);
    }
    char *title = kk_buf_take(&b, NULL);
    kk_document *d = sp->sh->b->doc;
    if (d->title && strcmp(d->title, old) == 0) {
        char *copy;
        st = kk_strdup_n(title, strlen(title), &copy, err);
        if (st == KK_OK) {
            free(d->title);
            d->title = copy;
        }
    }
    set_level(sp, KK_LEVEL_BRACKET, title);
    if (st == KK_OK)
        st = append_pending(sp, s, n, sep, v, err);
    return st;
}

static kk_status add_title(splitter *sp, const char *s, size_t n, const kk_vline *v,
                           kk_error *err)
{
    if (sp->pend_title && sp->pend_line && !sp->body_line && sp->levels[KK_LEVEL_BRACKET])
        return extend_title(sp, s, n, v, err);
    kk_status st = add_heading(sp, KK_LEVEL_BRACKET, s, n, v, err);
    sp->pend_title = 1;
    return st;
}

/* The next vline of the same column after idx, or NULL. */
static const kk_vline *next_vline(const splitter *sp, size_t idx, int column)
{
    const kk_vlines *v = sp->sh->v;
    for (size_t j = idx + 1; j < v->n; j++)
        if (v->v[j].column == column || v->v[j].column == 3 || column == 3)
            return &v->v[j];
    return NULL;
}

/* A line that starts with a particle, an inflection or a closing mark continues the line before
 * it (001: 事業を徹底的 / に見直すことで); この, また, さらに start sentences and do not. */
static int starts_continuation(const splitter *sp, const kk_vline *next)
{
    static const char *const starts[] = {"を", "に", "は", "が", "の", "で", "と", "へ", "も",
                                         "や", "て", "っ", "ん", "ゃ", "ゅ", "ょ", "る", "れ",
                                         "ず", "、", "。", "」", "』", "）", "ー", "・"};
    if (!next)
        return 1;
    const char *s = vtext(sp->sh, next);
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++)
        if (next->len >= strlen(starts[k]) && memcmp(s, starts[k], strlen(starts[k])) == 0)
            return 1;
    return 0;
}

/* A short line standing alone is a title (目的・概要, 各部の取り組みを紹介します). */
static int is_title(const splitter *sp, size_t idx, const char *s, size_t n, const kk_vline *v)
{
    const kk_vline *next = next_vline(sp, idx, v->column);
    if (!next || starts_continuation(sp, next))
        return 0;
    kk_line_class c = kk_line_classify(vtext(sp->sh, next), next->len);
    if (c.kind == KK_LINE_DEPT || (c.kind == KK_LINE_HEADING && c.level <= KK_LEVEL_PLAN))
        return 0;
    if (kk_title_shaped(s, n, TITLE_MAX_CHARS))
        return 1;
    return sp->pend_title && sp->pend_line && !v->soft_before && !v->hard_before &&
           kk_title_shaped(s, n, TITLE_CONTINUATION_MAX_CHARS);
}

static kk_status open_passage(splitter *sp, const char *s, size_t n, int marker,
                              const kk_vline *v, kk_error *err)
{
    sp->body.len = 0;
    if (kk_buf_add(&sp->body, s, n) != KK_OK)
        return nomem(err);
    sp->body_line = v->line;
    sp->body_last = v->last;
    sp->body_chars = kk_count_chars(s, n);
    sp->marker = marker;
    sp->item_lines = 1;
    sp->ended = kk_ends_sentence(s, n);
    sp->bracket_end = kk_ends_bracket(s, n);
    return KK_OK;
}

/* Add a line to the open passage; a passage grown past KK_PASSAGE_MAX_CHARS closes at the
 * next sentence end. */
static kk_status continue_passage(splitter *sp, const char *s, size_t n, const kk_vline *v,
                                  kk_error *err)
{
    if (kk_buf_addc(&sp->body, '\n') != KK_OK || kk_buf_add(&sp->body, s, n) != KK_OK)
        return nomem(err);
    sp->body_last = v->last;
    sp->body_chars += kk_count_chars(s, n);
    sp->item_lines++;
    sp->ended = kk_ends_sentence(s, n);
    sp->bracket_end = kk_ends_bracket(s, n);
    if (sp->body_chars > KK_PASSAGE_MAX_CHARS && sp->ended)
        return close_passage(sp, err);
    return KK_OK;
}

static kk_status on_text(splitter *sp, size_t idx, const char *s, size_t n, const kk_vline *v,
                         kk_error *err)
{
    if (sp->body_line) {
        int more = v->hard_before                       ? 0
                   : !sp->ended && !(sp->bracket_end && v->soft_before) ? 1
                                                        : sp->marker && !v->soft_before;
        if (more)
            return continue_passage(sp, s, n, v, err);
        kk_status st = close_passage(sp, err);
        if (st != KK_OK)
            return st;
    }
    if (is_title(sp, idx, s, n, v))
        return add_title(sp, s, n, v, err);
    return open_passage(sp, s, n, 0, v, err);
}

static kk_status on_item(splitter *sp, const char *s, size_t n, int marker, const kk_vline *v,
                         kk_error *err)
{
    if (marker == '-') { /* "- " is list markup left by conversion, not the document's text */
        s += 2, n -= 2;
        while (n && *s == ' ')
            s++, n--;
    }
    if (sp->body_line && sp->marker && sp->marker != marker && sp->item_lines == 1 &&
        sp->body_chars <= ITEM_HEADING_MAX_CHARS &&
        !kk_has_text(sp->body.data, sp->body.len, "。")) {
        char *title;
        kk_status st = kk_strdup_n(sp->body.data, sp->body.len, &title, err);
        if (st != KK_OK)
            return st;
        kk_vline at = {0, 0, sp->body_line, sp->body_last, v->column, 0, 0};
        sp->body_line = 0;
        sp->marker = 0;
        st = add_heading(sp, KK_LEVEL_SUB, title, strlen(title), &at, err);
        free(title);
        if (st != KK_OK)
            return st;
    } else {
        kk_status st = close_passage(sp, err);
        if (st != KK_OK)
            return st;
    }
    return open_passage(sp, s, n, marker, v, err);
}

/* A 担当課 line names the office of the passages since the plan began, and ends the plan. */
static kk_status on_contact(splitter *sp, const char *s, size_t n, kk_error *err)
{
    kk_status st = close_passage(sp, err);
    if (st == KK_OK)
        st = flush_pending(sp, err);
    size_t a, z;
    kk_contact_name(s, n, &a, &z);
    kk_document *d = sp->sh->b->doc;
    for (size_t i = sp->sh->contact_from; st == KK_OK && i < d->n_passages && z > a; i++) {
        free(d->passages[i].office);
        d->passages[i].office = NULL;
        st = kk_strdup_n(s + a, z - a, &d->passages[i].office, err);
    }
    sp->sh->contact_from = d->n_passages;
    if (sp->plan) { /* the plan's own headings end with it; without a plan (003) they go on */
        set_level(sp, KK_LEVEL_PLAN, NULL);
        free(sp->plan);
        sp->plan = NULL;
    }
    return st;
}

static int is_trailing(splitter *sp, size_t idx, const char *rest, size_t rest_n)
{
    if (!sp->last_marker)
        return 0;
    if (rest_n) {
        kk_line_class c = kk_line_classify(rest, rest_n);
        return c.kind == KK_LINE_ITEM && c.marker == sp->last_marker;
    }
    const kk_vlines *v = sp->sh->v;
    for (size_t j = idx + 1; j < v->n; j++) {
        kk_line_class c = kk_line_classify(vtext(sp->sh, &v->v[j]), v->v[j].len);
        if ((c.kind == KK_LINE_DEPT && !c.rest) || c.kind == KK_LINE_SEPARATOR)
            continue;
        return c.kind == KK_LINE_ITEM && c.marker == sp->last_marker;
    }
    return 0;
}

static kk_status feed(splitter *sp, size_t idx, const char *s, size_t n, const kk_vline *v,
                      kk_error *err);

static kk_status on_dept(splitter *sp, size_t idx, const char *s, size_t n, size_t rest,
                         const kk_vline *v, kk_error *err)
{
    size_t label = n;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        int c = kk_utf8_next(s, n, &i);
        if (c == ' ' || c == '\t' || c == 0x3000) {
            label = at;
            break;
        }
    }
    kk_status st = close_passage(sp, err);
    shared *sh = sp->sh;
    if (sh->trailing < 0) {
        sh->trailing = is_trailing(sp, idx, rest ? s + rest : NULL, rest ? n - rest : 0);
        sh->layout.trail_from = sh->items_from;
    }
    kk_document *d = sh->b->doc;
    if (st == KK_OK && sh->trailing) {
        st = kk_layout_add_label(&sh->layout, s, label, d->n_passages, err);
    } else if (st == KK_OK) {
        st = add_heading(sp, KK_LEVEL_DEPT, s, label, v, err);
        if (st == KK_OK)
            st = kk_layout_add_head(&sh->layout, s, label, d->n_passages, err);
        sh->contact_from = d->n_passages;
    }
    if (st == KK_OK && rest) {
        kk_vline adjacent = *v;
        adjacent.soft_before = adjacent.hard_before = 0;
        st = feed(sp, idx, s + rest, n - rest, &adjacent, err);
    }
    return st;
}

static kk_status on_heading(splitter *sp, size_t idx, const char *s, size_t n, kk_line_class c,
                            const kk_vline *v, kk_error *err)
{
    size_t head = c.rest ? c.rest : n;
    while (head > 0 && (s[head - 1] == ' ' || s[head - 1] == '\t'))
        head--;
    kk_status st = add_heading(sp, c.level, s, head, v, err);
    if (st == KK_OK && c.plan_title) {
        st = kk_strdup_n(s, n - kk_plan_suffix(s, n), &sp->plan, err);
        sp->sh->contact_from = sp->sh->b->doc->n_passages;
    }
    if (st == KK_OK && c.rest) {
        kk_vline adjacent = *v;
        adjacent.soft_before = adjacent.hard_before = 0;
        st = feed(sp, idx, s + c.rest, n - c.rest, &adjacent, err);
    }
    return st;
}

/* 策定 on the line after a plan title (000: 男女平等参画のための三鷹市行動計画2022 / 策定). */
static int extends_plan(const splitter *sp)
{
    return sp->levels[KK_LEVEL_PLAN] && sp->pend_line && !sp->body_line &&
           sp->pend_level == KK_LEVEL_PLAN && !sp->levels[KK_LEVEL_PLAN + 1];
}

static kk_status feed(splitter *sp, size_t idx, const char *s, size_t n, const kk_vline *v,
                      kk_error *err)
{
    kk_line_class c = kk_line_classify(s, n);
    switch (c.kind) {
    case KK_LINE_SEPARATOR:
    case KK_LINE_MAIL:
        return KK_OK;
    case KK_LINE_CONTACT:
        return on_contact(sp, s, n, err);
    case KK_LINE_DEPT:
        return on_dept(sp, idx, s, n, c.rest, v, err);
    case KK_LINE_HEADING:
        return on_heading(sp, idx, s, n, c, v, err);
    case KK_LINE_ITEM:
        return on_item(sp, s, n, c.marker, v, err);
    case KK_LINE_PLAN_SUFFIX:
        if (extends_plan(sp)) {
            kk_vline adjacent = *v;
            adjacent.soft_before = 1;
            char *old = sp->levels[KK_LEVEL_PLAN];
            size_t len = strlen(old);
            char *grown = realloc(old, len + 1 + n + 1);
            if (!grown)
                return nomem(err);
            grown[len] = ' ';
            memcpy(grown + len + 1, s, n);
            grown[len + 1 + n] = '\0';
            sp->levels[KK_LEVEL_PLAN] = grown;
            return append_pending(sp, s, n, " ", &adjacent, err);
        }
        return on_text(sp, idx, s, n, v, err);
    case KK_LINE_TEXT:
        break;
    }
    return on_text(sp, idx, s, n, v, err);
}

static kk_status finish_splitter(splitter *sp, kk_error *err)
{
    kk_status st = close_passage(sp, err);
    if (st == KK_OK)
        st = flush_pending(sp, err);
    return st;
}

static void free_splitter(splitter *sp)
{
    set_level(sp, 0, NULL);
    kk_buf_free(&sp->pend);
    kk_buf_free(&sp->body);
    free(sp->plan);
}

kk_status kk_split_vlines(kk_builder *b, const kk_vlines *v, kk_error *err)
{
    shared sh = {b, v, -1, 0, 0, {0}};
    splitter sps[3];
    memset(sps, 0, sizeof sps);
    for (int k = 0; k < 3; k++) {
        sps[k].sh = &sh;
        sps[k].version = k ? v->labels[k - 1] : NULL;
    }
    kk_status st = KK_OK;
    for (size_t i = 0; st == KK_OK && i < v->n; i++) {
        const kk_vline *vl = &v->v[i];
        const char *s = vtext(&sh, vl);
        if (vl->column == 3) {
            st = feed(&sps[1], i, s, vl->len, vl, err);
            if (st == KK_OK)
                st = feed(&sps[2], i, s, vl->len, vl, err);
        } else {
            st = feed(&sps[vl->column], i, s, vl->len, vl, err);
        }
    }
    for (int k = 0; k < 3; k++) {
        if (st == KK_OK)
            st = finish_splitter(&sps[k], err);
        free_splitter(&sps[k]);
    }
    if (st == KK_OK)
        st = kk_layout_resolve(&sh.layout, b->doc, err);
    kk_layout_free(&sh.layout);
    return st;
}
