/* page_passage.c — the passage page: one passage with its neighbours in the document, its
 * metadata, a citation line ready to copy, and links to the related plans and the comparison.
 *
 * The passage comes from kk_passage_by_id (a search hit's id) or kk_passage_at_line (doc and
 * line); when the link carries the search (q), the passage's matches are marked by running that
 * search within the document. Reading and citing are the library's; this file only lays out.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "kk_passage.h"
#include "web.h"

/* Neighbours on each side by default (enough to read a paragraph in context) and at most (a
 * screenful; the library accepts up to KK_PASSAGE_MAX_RADIUS). */
#define DEFAULT_RADIUS 2
#define MAX_RADIUS 10
/* Hits searched within the document to find the passage's matches: a document has at most a
 * few hundred passages, and a passage beyond this rank is shown unmarked. */
#define MARK_SEARCH_LIMIT 200

typedef struct marks {
    kk_hits *hits;         /* owns the spans */
    const kk_span *spans;
    size_t n;
} marks;

/* Find the matches of q in passage p by searching q within p's document. Leaves m empty when
 * there are none or the search fails: marking is a help, not the page's purpose. */
static void find_marks(kk_searcher *s, const char *q, const kk_passage_info *p, marks *m)
{
    kk_buf b = {0};
    if (!q || !*q || strpbrk(p->doc, " \t\n")
        || kk_buf_printf(&b, "%s doc:%s", q, p->doc) != KK_OK) {
        kk_buf_free(&b);
        return;
    }
    kk_search_request req = {b.data, 0, MARK_SEARCH_LIMIT, 0,
                             KK_HIT_BIT(KK_HIT_ID) | KK_HIT_BIT(KK_HIT_TEXT)
                                 | KK_HIT_BIT(KK_HIT_HIGHLIGHTS)};
    if (kk_search(s, &req, &m->hits, NULL) == KK_OK) {
        for (size_t k = 0; k < m->hits->n; k++) {
            const kk_hit *h = &m->hits->hits[k];
            if (h->id && strcmp(h->id, p->id) == 0 && h->text && strcmp(h->text, p->text) == 0) {
                m->spans = h->marks;
                m->n = h->n_marks;
            }
        }
    }
    kk_buf_free(&b);
}

static void meta_item(kk_html *h, const char *label, const char *value)
{
    if (!value)
        return;
    kk_html_raw(h, "<div><dt>");
    kk_html_raw(h, label);
    kk_html_raw(h, "</dt><dd>");
    kk_html_text(h, value);
    kk_html_raw(h, "</dd></div>\n");
}

static void meta_html(kk_html *h, const kk_passage_info *p)
{
    kk_html_raw(h, "<dl class=\"meta\">\n<div><dt>出典</dt><dd>");
    kk_html_text(h, p->doc);
    kk_html_raw(h, " ");
    kk_html_int(h, (long)p->line);
    if (p->lines > 1) {
        kk_html_raw(h, "–");
        kk_html_int(h, (long)(p->line + p->lines - 1));
    }
    kk_html_raw(h, "行</dd></div>\n");
    if (p->year) {
        kk_html_raw(h, "<div><dt>年度</dt><dd>");
        kk_html_int(h, p->year);
        kk_html_raw(h, "年度</dd></div>\n");
    }
    meta_item(h, "種別", p->kind);
    meta_item(h, "部署", p->dept);
    meta_item(h, "担当", p->office);
    meta_item(h, "市区町村", p->city);
    meta_item(h, "版", p->version);
    meta_item(h, "発言者", p->speaker);
    meta_item(h, "日付", p->date);
    for (size_t k = 0; k < p->n_plans; k++)
        meta_item(h, "計画", p->plans[k]);
    kk_html_raw(h, "</dl>\n");
}

static void citation_html(kk_html *h, const char *citation)
{
    /* A read-only text area rather than an input: the whole line wraps into view on a phone,
     * and it is selected and copied like any text when the copy button (app.js) is absent. */
    kk_html_raw(h, "<div class=\"cite\"><label for=\"cite\">引用</label>"
                   "<textarea id=\"cite\" readonly rows=\"2\">");
    kk_html_text(h, citation);
    kk_html_raw(h, "</textarea><button type=\"button\" class=\"copy\" data-copy=\"cite\" "
                   "hidden>コピー</button></div>\n");
}

static void passage_link(kk_html *h, const char *id, const char *q, const char *label)
{
    const char *pairs[] = {"id", id, "q", q};
    kk_html_raw(h, "<a href=\"");
    kk_html_href(h, "/passage", pairs, 2);
    kk_html_raw(h, "\">");
    kk_html_text(h, label);
    kk_html_raw(h, "</a>");
}

static void neighbour_html(kk_html *h, const kk_passage_info *p, const char *q)
{
    kk_buf where = {0};
    kk_buf_printf(&where, "%u行", p->line);
    kk_html_raw(h, "<article class=\"neighbour\">\n<p class=\"where\">");
    passage_link(h, p->id, q, where.data ? where.data : p->id);
    kk_buf_free(&where);
    if (p->section) {
        kk_html_raw(h, " <span class=\"section\">");
        kk_html_text(h, p->section);
        kk_html_raw(h, "</span>");
    }
    kk_html_raw(h, "</p>\n<p class=\"text\">");
    kk_html_prose(h, p->text);
    kk_html_raw(h, "</p>\n</article>\n");
}

static void current_html(kk_html *h, const kk_passage_info *p, const marks *m)
{
    kk_html_raw(h, "<article class=\"current\" id=\"passage\">\n<p class=\"where\">");
    kk_html_int(h, (long)p->line);
    kk_html_raw(h, "行");
    if (p->section) {
        kk_html_raw(h, " <span class=\"section\">");
        kk_html_text(h, p->section);
        kk_html_raw(h, "</span>");
    }
    kk_html_raw(h, "</p>\n<p class=\"text\">");
    kk_html_marked(h, p->text, m->spans, m->n);
    kk_html_raw(h, "</p>\n</article>\n");
}

/* A comparison target for p: a plan it names, its department's goals, or nothing. */
static const char *compare_target(const kk_passage_info *p, kk_buf *b)
{
    if (p->n_plans > 0)
        return p->plans[0];
    if (p->dept && p->kind && strcmp(p->kind, "運営方針と目標") == 0
        && kk_buf_printf(b, "dept:%s", p->dept) == KK_OK)
        return b->data;
    return NULL;
}

static void tools_html(kk_html *h, const kk_passage_info *p)
{
    kk_buf b = {0};
    kk_html_raw(h, "<p class=\"tools\">");
    if (p->kind && strncmp(p->kind, "基本計画", strlen("基本計画")) == 0) {
        const char *pairs[] = {"policy", p->id};
        kk_html_raw(h, "<a href=\"");
        kk_html_href(h, "/related", pairs, 1);
        kk_html_raw(h, "\">関連する個別計画</a> ");
    }
    for (size_t k = 0; k < p->n_plans && p->kind && strcmp(p->kind, "個別計画") == 0; k++) {
        const char *pairs[] = {"plan", p->plans[k]};
        kk_html_raw(h, "<a href=\"");
        kk_html_href(h, "/related", pairs, 1);
        kk_html_raw(h, "\">");
        kk_html_text(h, p->plans[k]);
        kk_html_raw(h, " が担う施策</a> ");
    }
    const char *target = compare_target(p, &b);
    if (target) {
        const char *pairs[] = {"target", target};
        kk_html_raw(h, "<a href=\"");
        kk_html_href(h, "/compare", pairs, 1);
        kk_html_raw(h, "\">新旧比較</a>");
    }
    kk_html_raw(h, "</p>\n");
    kk_buf_free(&b);
}

static void passage_html(kk_html *h, const kk_passage_context *c, const char *q, const marks *m)
{
    const kk_passage_info *p = &c->passage;
    if (q && *q) {
        const char *pairs[] = {"q", q};
        kk_html_raw(h, "<p class=\"crumbs\"><a href=\"");
        kk_html_href(h, "/", pairs, 1);
        kk_html_raw(h, "\">← 検索結果へ戻る</a></p>\n");
    }
    kk_html_raw(h, "<h1>");
    kk_html_text(h, p->title ? p->title : p->doc);
    kk_html_raw(h, "</h1>\n");
    if (p->section) {
        kk_html_raw(h, "<p class=\"section\">");
        kk_html_text(h, p->section);
        kk_html_raw(h, "</p>\n");
    }
    meta_html(h, p);
    citation_html(h, c->citation);
    tools_html(h, p);
    kk_html_raw(h, "<h2>前後の文節</h2>\n<div class=\"context\">\n");
    for (size_t k = 0; k < c->n_before; k++)
        neighbour_html(h, &c->before[k], q);
    current_html(h, p, m);
    for (size_t k = 0; k < c->n_after; k++)
        neighbour_html(h, &c->after[k], q);
    kk_html_raw(h, "</div>\n");
}

kk_status kk_web_load_passage(const kk_web_request *req, kk_passage_context **out,
                              kk_error *err)
{
    const char *id = kk_web_param_get(req, "id"), *doc = kk_web_param_get(req, "doc");
    long radius, line;
    *out = NULL;
    if (kk_web_param_number(req, "context", 0, MAX_RADIUS, DEFAULT_RADIUS, &radius, err) < 0)
        return KK_EINVAL;
    if (id && *id)
        return kk_passage_by_id(req->searcher, id, (unsigned)radius, out, err);
    if (!doc || !*doc)
        return kk_error_set(err, KK_EINVAL, "パラメータ id（または doc と line）を指定して"
                            "ください");
    if (kk_web_param_number(req, "line", 0, 100000000, 0, &line, err) < 0)
        return KK_EINVAL;
    return kk_passage_at_line(req->searcher, doc, (unsigned)line, (unsigned)radius, out, err);
}

kk_status kk_page_passage(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    kk_passage_context *c = NULL;
    marks m = {0};
    const char *q = kk_web_param_get(req, "q");
    kk_status st = kk_web_load_passage(req, &c, &err);
    if (st == KK_OK)
        find_marks(req->searcher, q, &c->passage, &m);
    kk_html h = {0};
    kk_html_begin(&h, c ? (c->passage.title ? c->passage.title : c->passage.doc) : "文節",
                  NULL);
    if (st == KK_OK)
        passage_html(&h, c, q, &m);
    else
        kk_html_error_box(&h, err.message);
    kk_html_end(&h);
    kk_hits_free(m.hits);
    kk_passage_context_free(c);
    return kk_html_finish(&h, resp, st == KK_OK ? 200 : kk_web_status_for(st));
}
