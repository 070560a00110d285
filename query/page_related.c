/* page_related.c — the related-plans page: the individual plans (個別計画) that carry out a policy
 * (施策) of the basic plan, or the policies an individual plan serves, each with the passages
 * that are its evidence.
 *
 * kk_related_find does the linking and scoring; this file lays out the subject, the ranked
 * results with their versions and shared terms, and each piece of evidence with a link to the
 * passage.
 */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "kk_related.h"
#include "web.h"

/* Two forms, one per direction, so that each works without script: policy=… and plan=…, the
 * CLI's `related POLICY` and `related --plan PLAN`. */
static void form_html(kk_html *h, const kk_related_request *rr)
{
    int to_plans = rr->direction == KK_RELATED_POLICY_TO_PLANS;
    const char *policy = rr->subject && to_plans ? rr->subject : "";
    const char *plan = rr->subject && !to_plans ? rr->subject : "";
    kk_html_raw(h, "<form class=\"search\" action=\"/related\" method=\"get\">\n"
                   "<div class=\"query\"><label class=\"lead\" for=\"policy\">施策から</label>"
                   "<input id=\"policy\" name=\"policy\" type=\"search\" placeholder=\"施策の"
                   "番号 6-3-1、見出しの語、または文節ID\" value=\"");
    kk_html_text(h, policy);
    kk_html_raw(h, "\"><button type=\"submit\">個別計画を表示</button></div>\n</form>\n"
                   "<form class=\"search\" action=\"/related\" method=\"get\">\n"
                   "<div class=\"query\"><label class=\"lead\" for=\"plan\">個別計画から</label>"
                   "<input id=\"plan\" name=\"plan\" type=\"search\" placeholder=\"計画の名前 "
                   "（例: 地域情報化プラン2022）\" value=\"");
    kk_html_text(h, plan);
    kk_html_raw(h, "\"><button type=\"submit\">施策を表示</button></div>\n</form>\n");
}

static void versions_html(kk_html *h, const kk_related_version *v, size_t n)
{
    if (n == 0)
        return;
    kk_html_raw(h, "<ul class=\"versions\">");
    for (size_t k = 0; k < n; k++) {
        kk_html_raw(h, "<li>");
        kk_html_text(h, v[k].name);
        if (v[k].label) {
            kk_html_raw(h, " <span class=\"tag\">");
            kk_html_text(h, v[k].label);
            kk_html_raw(h, "</span>");
        }
        if (v[k].year) {
            kk_html_raw(h, " <span class=\"tag year\">");
            kk_html_int(h, v[k].year);
            kk_html_raw(h, "年度</span>");
        }
        kk_html_raw(h, " <span class=\"src\">");
        kk_html_text(h, v[k].doc);
        kk_html_raw(h, "</span></li>");
    }
    kk_html_raw(h, "</ul>\n");
}

static void terms_html(kk_html *h, const char *label, char *const *terms, size_t n)
{
    if (n == 0)
        return;
    kk_html_raw(h, "<p class=\"terms\">");
    kk_html_raw(h, label);
    for (size_t k = 0; k < n; k++) {
        kk_html_raw(h, " <span class=\"term\">");
        kk_html_text(h, terms[k]);
        kk_html_raw(h, "</span>");
    }
    kk_html_raw(h, "</p>\n");
}

static void evidence_html(kk_html *h, const kk_related_evidence *e)
{
    const char *pairs[] = {"id", e->id};
    kk_html_raw(h, e->kind == KK_EVIDENCE_EXPLICIT
                       ? "<li><span class=\"badge explicit\">名指し</span> <a href=\""
                       : "<li><span class=\"badge content\">内容</span> <a href=\"");
    kk_html_href(h, "/passage", pairs, 1);
    kk_html_raw(h, "\">");
    kk_html_text(h, e->doc);
    kk_html_raw(h, ":");
    kk_html_int(h, (long)e->line);
    kk_html_raw(h, "</a>");
    if (e->year) {
        kk_html_raw(h, " <span class=\"tag year\">");
        kk_html_int(h, e->year);
        kk_html_raw(h, "年度</span>");
    }
    if (e->section) {
        kk_html_raw(h, " <span class=\"section\">");
        kk_html_text(h, e->section);
        kk_html_raw(h, "</span>");
    }
    kk_html_raw(h, "<p class=\"snippet\">");
    kk_html_marked(h, e->snippet, e->snippet_marks, e->n_snippet_marks);
    kk_html_raw(h, "</p></li>\n");
}

static void item_html(kk_html *h, const kk_related_item *it, kk_related_direction dir)
{
    char score[32];
    snprintf(score, sizeof score, "%.2f", it->score);
    kk_html_raw(h, "<li class=\"item\">\n<h3>");
    kk_html_text(h, it->name ? it->name : it->key);
    kk_html_raw(h, " <span class=\"score\" title=\"内容 + 名指し\">スコア ");
    kk_html_text(h, score);
    kk_html_raw(h, "</span></h3>\n");
    if (dir == KK_RELATED_PLAN_TO_POLICIES && it->key) {
        kk_html_raw(h, "<p class=\"src\">施策 ");
        kk_html_text(h, it->key);
        kk_html_raw(h, "</p>\n");
    }
    versions_html(h, it->versions, it->n_versions);
    terms_html(h, "共通する語:", it->terms, it->n_terms);
    kk_html_raw(h, "<ul class=\"evidence\">\n");
    for (size_t k = 0; k < it->n_evidence; k++)
        evidence_html(h, &it->evidence[k]);
    kk_html_raw(h, "</ul>\n</li>\n");
}

static void related_html(kk_html *h, const kk_related *r)
{
    int to_plans = r->direction == KK_RELATED_POLICY_TO_PLANS;
    kk_html_raw(h, "<section class=\"subject\">\n<h2>");
    kk_html_raw(h, to_plans ? "施策 " : "個別計画 ");
    kk_html_text(h, to_plans ? r->key : NULL);
    kk_html_raw(h, " ");
    kk_html_text(h, r->name);
    kk_html_raw(h, "</h2>\n");
    versions_html(h, r->versions, r->n_versions);
    terms_html(h, "特徴的な語:", r->terms, r->n_terms);
    kk_html_raw(h, "</section>\n");
    if (r->n == 0) {
        kk_html_raw(h, to_plans ? "<p class=\"summary\">関連する個別計画は見つかりませんでした。"
                                  "</p>\n"
                                : "<p class=\"summary\">関連する施策は見つかりませんでした。"
                                  "</p>\n");
        return;
    }
    kk_html_raw(h, to_plans ? "<h2>関連する個別計画</h2>\n<ol class=\"related\">\n"
                            : "<h2>関連する施策</h2>\n<ol class=\"related\">\n");
    for (size_t k = 0; k < r->n; k++)
        item_html(h, &r->items[k], r->direction);
    kk_html_raw(h, "</ol>\n");
}

kk_status kk_web_related_request(const kk_web_request *req, kk_related_request *rr,
                                 kk_error *err)
{
    const char *policy = kk_web_param_get(req, "policy"), *plan = kk_web_param_get(req, "plan");
    long limit;
    memset(rr, 0, sizeof *rr);
    if (policy && *policy && plan && *plan)
        return kk_error_set(err, KK_EINVAL, "policy と plan のどちらか一方を指定してください");
    if (kk_web_param_number(req, "limit", 1, KK_RELATED_MAX_LIMIT, KK_RELATED_DEFAULT_LIMIT,
                            &limit, err) < 0)
        return KK_EINVAL;
    rr->limit = (unsigned)limit;
    if (plan && *plan) {
        rr->direction = KK_RELATED_PLAN_TO_POLICIES;
        rr->subject = plan;
    } else if (policy && *policy) {
        rr->direction = KK_RELATED_POLICY_TO_PLANS;
        rr->subject = policy;
    }
    return KK_OK;
}

kk_status kk_page_related(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    kk_related_request rr;
    kk_related *r = NULL;
    kk_status st = kk_web_related_request(req, &rr, &err);
    if (st == KK_OK && rr.subject)
        st = kk_related_find(req->searcher, &rr, &r, &err);
    kk_html h = {0};
    kk_html_begin(&h, r && r->name ? r->name : "関連計画", "related");
    kk_html_raw(&h, "<h1>関連計画</h1>\n");
    form_html(&h, &rr);
    if (st != KK_OK)
        kk_html_error_box(&h, err.message);
    else if (r)
        related_html(&h, r);
    else
        kk_html_raw(&h, "<p class=\"intro\">基本計画の施策（番号 6-3-1、見出しの語、または検索"
                        "結果の文節）を入れると、それを担う個別計画を根拠の文節とともに示します。"
                        "個別計画の名前を入れると、その計画が担う施策を示します。</p>\n");
    kk_html_end(&h);
    kk_related_free(r);
    return kk_html_finish(&h, resp, st == KK_OK ? 200 : kk_web_status_for(st));
}
