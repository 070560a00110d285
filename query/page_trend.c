/* page_trend.c — the trend page: how many passages and documents match a query in each fiscal
 * year, as an inline SVG bar chart and a table.
 *
 * kk_trend_run does the counting over the whole index; this file draws. The chart is plain SVG
 * markup styled by the stylesheet (no script, no image request), each bar a link to the search
 * limited to that year. Years without matches between the first and the last are drawn as empty
 * slots, so that a gap in the talk about something shows as a gap.
 */
#include <stdio.h>
#include <stdlib.h>

#include "html.h"
#include "kk_trend.h"
#include "web.h"

/* The chart's coordinate system (the SVG scales to the page width, so these are proportions):
 * room on the left for the count labels, below for the years, above for the bar values. */
#define CHART_W 720.0
#define CHART_H 260.0
#define MARGIN_L 44.0
#define MARGIN_R 8.0
#define MARGIN_T 22.0
#define MARGIN_B 28.0
/* Wider than this many years, empty slots between matches would make bars hairlines: then only
 * the years with matches are drawn. */
#define MAX_CONTINUOUS_YEARS 60
/* Year labels that fit under the bars at the chart's width without overlapping. */
#define MAX_YEAR_LABELS 16

static void form_html(kk_html *h, const char *q)
{
    kk_html_raw(h, "<form class=\"search\" action=\"/trend\" method=\"get\">\n<div class=\"query\">"
                   "<input name=\"q\" type=\"search\" aria-label=\"検索語\" "
                   "placeholder=\"例: 男女平等参画、&quot;地域情報化&quot;\" value=\"");
    kk_html_text(h, q ? q : "");
    kk_html_raw(h, "\"><button type=\"submit\">表示</button></div>\n</form>\n");
}

static void num(kk_html *h, double v)
{
    char s[32];
    snprintf(s, sizeof s, "%.1f", v);
    kk_html_raw(h, s);
}

/* The slots of the x axis: every year from the first to the last, or only the matched years. */
typedef struct slots {
    int *years;
    const kk_trend_year **data; /* NULL for an empty slot */
    size_t n;
} slots;

static int make_slots(const kk_trend *t, slots *s)
{
    int first = t->years[0].year, last = t->years[t->n_years - 1].year;
    int continuous = last - first < MAX_CONTINUOUS_YEARS;
    s->n = continuous ? (size_t)(last - first + 1) : t->n_years;
    s->years = calloc(s->n, sizeof *s->years);
    s->data = calloc(s->n, sizeof *s->data);
    if (!s->years || !s->data)
        return -1;
    for (size_t k = 0; k < s->n; k++)
        s->years[k] = continuous ? first + (int)k : t->years[k].year;
    for (size_t k = 0, j = 0; k < s->n && j < t->n_years; k++)
        if (s->years[k] == t->years[j].year)
            s->data[k] = &t->years[j++];
    return 0;
}

static void axis_html(kk_html *h, unsigned max)
{
    double base = CHART_H - MARGIN_B;
    for (int k = 0; k <= 2; k++) {
        double y = base - (base - MARGIN_T) * k / 2.0;
        kk_html_raw(h, "<line class=\"grid\" x1=\"");
        num(h, MARGIN_L);
        kk_html_raw(h, "\" x2=\"");
        num(h, CHART_W - MARGIN_R);
        kk_html_raw(h, "\" y1=\"");
        num(h, y);
        kk_html_raw(h, "\" y2=\"");
        num(h, y);
        kk_html_raw(h, "\"/><text class=\"axis\" text-anchor=\"end\" x=\"");
        num(h, MARGIN_L - 6);
        kk_html_raw(h, "\" y=\"");
        num(h, y + 4);
        kk_html_raw(h, "\">");
        kk_html_int(h, (long)((max * (unsigned)k + 1) / 2));
        kk_html_raw(h, "</text>\n");
    }
}

static void rect(kk_html *h, const char *cls, double x, double y, double w, double height)
{
    kk_html_raw(h, "<rect class=\"");
    kk_html_raw(h, cls);
    kk_html_raw(h, "\" x=\"");
    num(h, x);
    kk_html_raw(h, "\" y=\"");
    num(h, y);
    kk_html_raw(h, "\" width=\"");
    num(h, w);
    kk_html_raw(h, "\" height=\"");
    num(h, height);
    kk_html_raw(h, "\"/>");
}

static void bar_html(kk_html *h, const char *q, const kk_trend_year *y, double x, double slot,
                     unsigned max)
{
    char year[16];
    snprintf(year, sizeof year, "%d", y->year);
    const char *pairs[] = {"q", q, "from", year, "to", year};
    double base = CHART_H - MARGIN_B, scale = (base - MARGIN_T) / max;
    double hp = y->passages * scale, hd = y->documents * scale;
    kk_html_raw(h, "<a href=\"");
    kk_html_href(h, "/", pairs, 3);
    kk_html_raw(h, "\"><title>");
    kk_html_int(h, y->year);
    kk_html_raw(h, "年度: ");
    kk_html_int(h, (long)y->passages);
    kk_html_raw(h, "文節・");
    kk_html_int(h, (long)y->documents);
    kk_html_raw(h, "文書</title>");
    rect(h, "bar", x + slot * 0.15, base - hp, slot * 0.7, hp);
    rect(h, "docbar", x + slot * 0.4, base - hd, slot * 0.2, hd);
    kk_html_raw(h, "<text class=\"value\" text-anchor=\"middle\" x=\"");
    num(h, x + slot / 2);
    kk_html_raw(h, "\" y=\"");
    num(h, base - hp - 5);
    kk_html_raw(h, "\">");
    kk_html_int(h, (long)y->passages);
    kk_html_raw(h, "</text></a>\n");
}

static void year_label(kk_html *h, int year, double x)
{
    kk_html_raw(h, "<text class=\"axis\" text-anchor=\"middle\" x=\"");
    num(h, x);
    kk_html_raw(h, "\" y=\"");
    num(h, CHART_H - 8);
    kk_html_raw(h, "\">");
    kk_html_int(h, year);
    kk_html_raw(h, "</text>\n");
}

static int chart_html(kk_html *h, const char *q, const kk_trend *t)
{
    slots s = {0};
    if (make_slots(t, &s) < 0) {
        free(s.years);
        free(s.data);
        return -1;
    }
    unsigned max = 1;
    for (size_t k = 0; k < t->n_years; k++)
        if (t->years[k].passages > max)
            max = t->years[k].passages;
    double slot = (CHART_W - MARGIN_L - MARGIN_R) / (double)s.n;
    size_t every = (s.n + MAX_YEAR_LABELS - 1) / MAX_YEAR_LABELS;
    kk_html_raw(h, "<figure class=\"chart\">\n<svg viewBox=\"0 0 720 260\" role=\"img\" "
                   "aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">\n"
                   "<title id=\"chart-title\">年度別の一致件数</title>\n");
    axis_html(h, max);
    for (size_t k = 0; k < s.n; k++) {
        double x = MARGIN_L + slot * (double)k;
        if (s.data[k])
            bar_html(h, q, s.data[k], x, slot, max);
        if (k % every == 0 || s.data[k])
            year_label(h, s.years[k], x + slot / 2);
    }
    kk_html_raw(h, "</svg>\n<figcaption><span class=\"key bar\"></span>文節数 "
                   "<span class=\"key docbar\"></span>文書数（棒をクリックするとその年度で検索）"
                   "</figcaption>\n</figure>\n");
    free(s.years);
    free(s.data);
    return 0;
}

static void table_html(kk_html *h, const kk_trend *t)
{
    kk_html_raw(h, "<table class=\"trend\">\n<thead><tr><th scope=\"col\">年度</th>"
                   "<th scope=\"col\">文節</th><th scope=\"col\">文書</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < t->n_years; k++) {
        kk_html_raw(h, "<tr><td>");
        kk_html_int(h, t->years[k].year);
        kk_html_raw(h, "</td><td>");
        kk_html_int(h, (long)t->years[k].passages);
        kk_html_raw(h, "</td><td>");
        kk_html_int(h, (long)t->years[k].documents);
        kk_html_raw(h, "</td></tr>\n");
    }
    if (t->unknown_passages) {
        kk_html_raw(h, "<tr><td>年度不明</td><td>");
        kk_html_int(h, (long)t->unknown_passages);
        kk_html_raw(h, "</td><td>");
        kk_html_int(h, (long)t->unknown_documents);
        kk_html_raw(h, "</td></tr>\n");
    }
    kk_html_raw(h, "</tbody>\n</table>\n");
}

static int trend_html(kk_html *h, const char *q, const kk_trend *t)
{
    kk_html_raw(h, "<p class=\"summary\"><strong>");
    kk_html_int(h, (long)t->passages);
    kk_html_raw(h, "</strong>文節・<strong>");
    kk_html_int(h, (long)t->documents);
    kk_html_raw(h, t->exact ? "</strong>文書（本文中の出現を数えています）</p>\n"
                            : "</strong>文書（すべての語を含む文節を数えています）</p>\n");
    if (t->n_years == 0) {
        kk_html_raw(h, "<p class=\"summary\">年度の分かる一致はありません。</p>\n");
        return 0;
    }
    if (chart_html(h, q, t) < 0)
        return -1;
    table_html(h, t);
    return 0;
}

kk_status kk_page_trend(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    char *query = NULL;
    kk_trend *t = NULL;
    kk_status st = kk_web_search_query(req, &query, &err);
    if (st == KK_OK && *query)
        st = kk_trend_run(req->searcher, query, &t, &err);
    kk_html h = {0};
    kk_html_begin(&h, query && *query ? query : "推移", "trend");
    kk_html_raw(&h, "<h1>推移</h1>\n");
    form_html(&h, query);
    if (st != KK_OK)
        kk_html_error_box(&h, err.message);
    else if (t && trend_html(&h, query, t) < 0)
        h.failed = 1;
    else if (!t)
        kk_html_raw(&h, "<p class=\"intro\">語句がいつから、どの年度に多く現れるかを、年度ごとの"
                        "文節数と文書数で示します。</p>\n");
    kk_html_end(&h);
    kk_trend_free(t);
    free(query);
    return kk_html_finish(&h, resp, st == KK_OK ? 200 : kk_web_status_for(st));
}
