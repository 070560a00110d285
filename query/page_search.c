/* page_search.c — the search page: the search box with its filters (year range, kind,
 * department, city), the ranked passages with source, section path, year and highlighted
 * snippet, facet counts, and paging.
 *
 * The form's state lives in the URL (q, from, to, kind, dept, city, page), so every view can be
 * bookmarked and works without JavaScript. The filters become query-language clauses
 * (kk_web_search_query) and the search runs through kk_search like the CLI's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "web.h"

typedef struct search_form {
    const char *q, *from, *to, *kind, *dept, *city;
    long page; /* from 1 */
} search_form;

/* Example queries shown on the empty page: one of each thing the query language does. */
static const char *const examples[] = {
    "夜に公園で花火をしてもいいか", "\"三鷹市基本構想\"", "男女平等参画 year:2012..2019",
    "献血 OR 骨髄", "kind:個別計画 地域情報化",
};

static const char *const facet_labels[KK_FACET_COUNT] = {"年度", "種別", "部署", "市区町村"};

/* The link to the search page for form f (page 1 is left out of the URL). */
static void form_href(kk_html *h, const search_form *f)
{
    char page[24] = "";
    if (f->page > 1)
        snprintf(page, sizeof page, "%ld", f->page);
    const char *pairs[] = {"q",    f->q,    "from", f->from, "to",   f->to,  "kind",
                           f->kind, "dept", f->dept, "city", f->city, "page", page};
    kk_html_href(h, "/", pairs, sizeof pairs / sizeof pairs[0] / 2);
}

static void text_input(kk_html *h, const char *name, const char *value, const char *attrs)
{
    kk_html_raw(h, "<input name=\"");
    kk_html_raw(h, name);
    kk_html_raw(h, "\" value=\"");
    kk_html_text(h, value ? value : "");
    kk_html_raw(h, "\" ");
    kk_html_raw(h, attrs);
    kk_html_raw(h, ">");
}

/* A <select> of the values of facet field (with counts), keeping current selected even when
 * the current results hold none of it. */
static void facet_select(kk_html *h, const char *name, const char *label, const char *current,
                         const kk_facet_value *values, size_t n)
{
    kk_html_raw(h, "<label>");
    kk_html_raw(h, label);
    kk_html_raw(h, " <select name=\"");
    kk_html_raw(h, name);
    kk_html_raw(h, "\"><option value=\"\">すべて</option>");
    int seen = !current || !*current;
    for (size_t k = 0; k < n; k++) {
        int on = current && strcmp(current, values[k].value) == 0;
        seen |= on;
        kk_html_raw(h, on ? "<option selected value=\"" : "<option value=\"");
        kk_html_text(h, values[k].value);
        kk_html_raw(h, "\">");
        kk_html_text(h, values[k].value);
        kk_html_raw(h, " (");
        kk_html_int(h, (long)values[k].count);
        kk_html_raw(h, ")</option>");
    }
    if (!seen) {
        kk_html_raw(h, "<option selected value=\"");
        kk_html_text(h, current);
        kk_html_raw(h, "\">");
        kk_html_text(h, current);
        kk_html_raw(h, "</option>");
    }
    kk_html_raw(h, "</select></label>\n");
}

static void search_form_html(kk_html *h, const search_form *f, const kk_hits *hits)
{
    static const kk_facet_value none[1];
    kk_html_raw(h, "<form class=\"search\" action=\"/\" method=\"get\" role=\"search\">\n"
                   "<div class=\"query\">");
    text_input(h, "q", f->q, "type=\"search\" aria-label=\"検索語\" "
                             "placeholder=\"例: 夜に公園で花火をしてもいいか\"");
    kk_html_raw(h, "<button type=\"submit\">検索</button></div>\n<div class=\"filters\">\n"
                   "<label>年度 ");
    text_input(h, "from", f->from, "type=\"number\" min=\"1900\" max=\"2100\" "
                                   "inputmode=\"numeric\" aria-label=\"年度（から）\"");
    kk_html_raw(h, "</label><span aria-hidden=\"true\">〜</span>");
    text_input(h, "to", f->to, "type=\"number\" min=\"1900\" max=\"2100\" inputmode=\"numeric\" "
                               "aria-label=\"年度（まで）\"");
    const char *names[] = {"kind", "dept", "city"}, *values[] = {f->kind, f->dept, f->city};
    for (int k = 0; k < 3; k++)
        facet_select(h, names[k], facet_labels[k + 1], values[k],
                     hits ? hits->facets[k + 1] : none, hits ? hits->n_facets[k + 1] : 0);
    kk_html_raw(h, "<button type=\"submit\" class=\"secondary\">絞り込む</button>\n</div>\n"
                   "</form>\n");
}

static void hit_html(kk_html *h, const kk_hit *hit, const char *q)
{
    const char *pairs[] = {"id", hit->id, "q", q};
    kk_html_raw(h, "<li class=\"hit\">\n<h2><a href=\"");
    kk_html_href(h, "/passage", pairs, 2);
    kk_html_raw(h, "\">");
    kk_html_text(h, hit->title ? hit->title : hit->doc);
    kk_html_raw(h, "</a></h2>\n<p class=\"meta\"><span class=\"src\">");
    kk_html_text(h, hit->doc);
    kk_html_raw(h, ":");
    kk_html_int(h, (long)hit->line);
    kk_html_raw(h, "</span>");
    if (hit->year) {
        kk_html_raw(h, " <span class=\"tag year\">");
        kk_html_int(h, hit->year);
        kk_html_raw(h, "年度</span>");
    }
    const char *tags[] = {hit->kind, hit->dept, hit->city, hit->version, hit->speaker};
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
        if (!tags[k])
            continue;
        kk_html_raw(h, " <span class=\"tag\">");
        kk_html_text(h, tags[k]);
        kk_html_raw(h, "</span>");
    }
    kk_html_raw(h, "</p>\n");
    if (hit->section) {
        kk_html_raw(h, "<p class=\"section\">");
        kk_html_text(h, hit->section);
        kk_html_raw(h, "</p>\n");
    }
    kk_html_raw(h, "<p class=\"snippet\">");
    kk_html_marked(h, hit->snippet, hit->snippet_marks, hit->n_snippet_marks);
    kk_html_raw(h, "</p>\n");
    for (size_t k = 0; k < hit->n_also; k++) {
        kk_html_raw(h, "<p class=\"also\">同じ文: ");
        kk_html_text(h, hit->also[k].doc);
        kk_html_raw(h, ":");
        kk_html_int(h, (long)hit->also[k].line);
        kk_html_raw(h, "</p>\n");
    }
    kk_html_raw(h, "</li>\n");
}

static void page_link(kk_html *h, const search_form *f, long page, const char *label,
                      const char *rel)
{
    search_form g = *f;
    g.page = page;
    kk_html_raw(h, "<a href=\"");
    form_href(h, &g);
    kk_html_raw(h, "\"");
    kk_html_raw(h, rel);
    kk_html_raw(h, ">");
    kk_html_raw(h, label);
    kk_html_raw(h, "</a>");
}

/* Pages around the current one, so the pager fits a narrow screen. */
#define PAGER_SPAN 2

static void pager_html(kk_html *h, const search_form *f, unsigned total)
{
    long last = ((long)total + KK_WEB_PAGE_SIZE - 1) / KK_WEB_PAGE_SIZE;
    if (last > KK_WEB_MAX_OFFSET / KK_WEB_PAGE_SIZE)
        last = KK_WEB_MAX_OFFSET / KK_WEB_PAGE_SIZE;
    if (last <= 1)
        return;
    kk_html_raw(h, "<nav class=\"pager\" aria-label=\"ページ\">");
    if (f->page > 1)
        page_link(h, f, f->page - 1, "前へ", " rel=\"prev\"");
    for (long p = f->page - PAGER_SPAN; p <= f->page + PAGER_SPAN; p++) {
        if (p < 1 || p > last)
            continue;
        if (p == f->page) {
            kk_html_raw(h, "<span aria-current=\"page\">");
            kk_html_int(h, p);
            kk_html_raw(h, "</span>");
            continue;
        }
        char label[24];
        snprintf(label, sizeof label, "%ld", p);
        page_link(h, f, p, label, "");
    }
    if (f->page < last)
        page_link(h, f, f->page + 1, "次へ", " rel=\"next\"");
    kk_html_raw(h, "</nav>\n");
}

/* One facet's values as links that set the filter; the year facet sets from and to. */
static void facet_list(kk_html *h, const search_form *f, int field, const kk_hits *hits)
{
    if (!hits->n_facets[field])
        return;
    kk_html_raw(h, "<h2>");
    kk_html_raw(h, facet_labels[field]);
    kk_html_raw(h, "</h2>\n<ul>\n");
    for (size_t k = 0; k < hits->n_facets[field]; k++) {
        const kk_facet_value *v = &hits->facets[field][k];
        search_form g = *f;
        g.page = 1;
        if (field == KK_FACET_YEAR)
            g.from = g.to = v->value;
        else
            *(field == KK_FACET_KIND ? &g.kind : field == KK_FACET_DEPT ? &g.dept : &g.city) =
                v->value;
        kk_html_raw(h, "<li><a href=\"");
        form_href(h, &g);
        kk_html_raw(h, "\">");
        kk_html_text(h, v->value);
        kk_html_raw(h, field == KK_FACET_YEAR ? "年度</a> <span class=\"count\">"
                                              : "</a> <span class=\"count\">");
        kk_html_int(h, (long)v->count);
        kk_html_raw(h, "</span></li>\n");
    }
    kk_html_raw(h, "</ul>\n");
}

static void tool_links(kk_html *h, const char *query)
{
    const char *trend[] = {"q", query}, *compare[] = {"target", query};
    kk_html_raw(h, "<p class=\"tools\"><a href=\"");
    kk_html_href(h, "/trend", trend, 1);
    kk_html_raw(h, "\">この検索の推移</a> <a href=\"");
    kk_html_href(h, "/compare", compare, 1);
    kk_html_raw(h, "\">新旧比較</a> <a href=\"");
    kk_html_href(h, "/api/search", trend, 1);
    kk_html_raw(h, "\">JSON</a></p>\n");
}

static void results_html(kk_html *h, const search_form *f, const char *query,
                         const kk_hits *hits)
{
    kk_html_raw(h, "<div class=\"layout\">\n<section class=\"results\" aria-label=\"検索結果\">\n");
    if (hits->n == 0) {
        kk_html_raw(h, "<p class=\"summary\">一致する文節はありません。語を減らすか、"
                       "絞り込みを解除してください。</p>\n");
    } else {
        unsigned first = (unsigned)(f->page - 1) * KK_WEB_PAGE_SIZE + 1;
        kk_html_raw(h, "<p class=\"summary\"><strong>");
        kk_html_int(h, (long)hits->total);
        kk_html_raw(h, "</strong>件の文節（");
        kk_html_int(h, (long)first);
        kk_html_raw(h, "〜");
        kk_html_int(h, (long)(first + hits->n - 1));
        kk_html_raw(h, "件目）</p>\n");
    }
    if (hits->relaxed)
        kk_html_raw(h, "<p class=\"note\">すべての語を含む文節が少ないため、一部の語だけを含む"
                       "文節も表示しています。</p>\n");
    tool_links(h, query);
    kk_html_raw(h, "<ol class=\"hits\">\n");
    for (size_t k = 0; k < hits->n; k++)
        hit_html(h, &hits->hits[k], f->q);
    kk_html_raw(h, "</ol>\n");
    pager_html(h, f, hits->total);
    kk_html_raw(h, "</section>\n<aside class=\"facets\" aria-label=\"絞り込み\">\n");
    for (int k = 0; k < KK_FACET_COUNT; k++)
        facet_list(h, f, k, hits);
    kk_html_raw(h, "</aside>\n</div>\n");
}

static void intro_html(kk_html *h)
{
    kk_html_raw(h, "<section class=\"intro\">\n<p>計画・運営方針・広報などの文書を、ふだんの"
                   "言葉で検索できます。完全一致は \"…\"、除外は -語、どちらかは OR。</p>\n"
                   "<ul class=\"examples\">\n");
    for (size_t k = 0; k < sizeof examples / sizeof examples[0]; k++) {
        const char *pairs[] = {"q", examples[k]};
        kk_html_raw(h, "<li><a href=\"");
        kk_html_href(h, "/", pairs, 1);
        kk_html_raw(h, "\">");
        kk_html_text(h, examples[k]);
        kk_html_raw(h, "</a></li>\n");
    }
    kk_html_raw(h, "</ul>\n</section>\n");
}

static int read_form(const kk_web_request *req, search_form *f, kk_error *err)
{
    f->q = kk_web_param_get(req, "q");
    f->from = kk_web_param_get(req, "from");
    f->to = kk_web_param_get(req, "to");
    f->kind = kk_web_param_get(req, "kind");
    f->dept = kk_web_param_get(req, "dept");
    f->city = kk_web_param_get(req, "city");
    return kk_web_param_number(req, "page", 1, KK_WEB_MAX_OFFSET / KK_WEB_PAGE_SIZE, 1, &f->page,
                               err);
}

kk_status kk_page_search(const kk_web_request *req, kk_web_response *resp)
{
    search_form f = {0};
    kk_error err = {0};
    char *query = NULL;
    kk_hits *hits = NULL;
    kk_status st = read_form(req, &f, &err) < 0 ? KK_EINVAL
                                                 : kk_web_search_query(req, &query, &err);
    if (st == KK_OK && *query) {
        kk_search_request sr = {query, (unsigned)(f.page - 1) * KK_WEB_PAGE_SIZE,
                                KK_WEB_PAGE_SIZE, 1, KK_HIT_ALL};
        st = kk_search(req->searcher, &sr, &hits, &err);
    }
    kk_html h = {0};
    kk_html_begin(&h, query && *query ? query : "検索", "search");
    kk_html_raw(&h, "<h1 class=\"visually-hidden\">検索</h1>\n");
    search_form_html(&h, &f, hits);
    if (st != KK_OK)
        kk_html_error_box(&h, err.message);
    else if (hits)
        results_html(&h, &f, query, hits);
    else
        intro_html(&h);
    kk_html_end(&h);
    kk_hits_free(hits);
    free(query);
    return kk_html_finish(&h, resp, st == KK_OK ? 200 : kk_web_status_for(st));
}
