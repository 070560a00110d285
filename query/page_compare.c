/* page_compare.c — the compare view: the versions of a plan, a comparison-table section, a
 * department's goals or a query's passages, side by side, with what changed marked.
 *
 * kk_compare_run_request groups, orders and aligns the versions and diffs each aligned pair of
 * passages; this file lays each pair of versions out as rows of two columns, the older text with
 * its deletions in <del> and the newer with its insertions in <ins>. Unchanged rows fold into a
 * <details> so that the changes stand out; on a narrow screen the two columns stack.
 */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "kk_compare.h"
#include "web.h"

/* Rows drawn per pair of versions. A query target can align hundreds of passages; past this the
 * page stops being readable (and grows past a megabyte), and /api/compare has them all. */
#define MAX_ROWS 300

static void form_html(kk_html *h, const char *target, kk_diff_unit unit)
{
    kk_html_raw(h, "<form class=\"search\" action=\"/compare\" method=\"get\">\n"
                   "<div class=\"query\"><input name=\"target\" type=\"search\" "
                   "aria-label=\"比較するもの\" placeholder=\"計画名、節番号 6-4-1、部署名、"
                   "または検索語\" value=\"");
    kk_html_text(h, target ? target : "");
    kk_html_raw(h, "\"><button type=\"submit\">比較</button></div>\n<div class=\"filters\">"
                   "<label>差分の単位 <select name=\"unit\">");
    kk_html_raw(h, unit == KK_DIFF_WORDS
                       ? "<option value=\"chars\">文字</option>"
                         "<option value=\"words\" selected>語</option>"
                       : "<option value=\"chars\" selected>文字</option>"
                         "<option value=\"words\">語</option>");
    kk_html_raw(h, "</select></label></div>\n</form>\n");
}

static void versions_html(kk_html *h, const kk_comparison *c)
{
    kk_html_raw(h, "<ol class=\"versions\">\n");
    for (size_t k = 0; k < c->n_versions; k++) {
        const kk_compare_version *v = &c->versions[k];
        kk_html_raw(h, "<li><strong>");
        kk_html_text(h, v->label);
        kk_html_raw(h, "</strong> ");
        kk_html_text(h, v->title);
        if (v->year) {
            kk_html_raw(h, " <span class=\"tag year\">");
            kk_html_int(h, v->year);
            kk_html_raw(h, "年度</span>");
        }
        kk_html_raw(h, " <span class=\"src\">");
        kk_html_text(h, v->doc);
        kk_html_raw(h, "</span> <span class=\"count\">");
        kk_html_int(h, (long)v->n_passages);
        kk_html_raw(h, "文節</span></li>\n");
    }
    kk_html_raw(h, "</ol>\n");
}

/* One side of a row: its source link and text, with the diff's pieces of that side marked. */
static void side_html(kk_html *h, const kk_compare_passage *p, const kk_diff *d, int newer)
{
    kk_html_raw(h, newer ? "<div class=\"new\">" : "<div class=\"old\">");
    if (!p) {
        kk_html_raw(h, newer ? "<p class=\"absent\">（削除）</p></div>"
                             : "<p class=\"absent\">（新設）</p></div>");
        return;
    }
    const char *pairs[] = {"id", p->id};
    kk_html_raw(h, "<p class=\"where\"><a href=\"");
    kk_html_href(h, "/passage", pairs, 1);
    kk_html_raw(h, "\">");
    kk_html_text(h, p->doc);
    kk_html_raw(h, ":");
    kk_html_int(h, (long)p->line);
    kk_html_raw(h, "</a></p><p class=\"text\">");
    if (!d) {
        kk_html_raw(h, newer ? "<ins>" : "<del>");
        kk_html_prose(h, p->text);
        kk_html_raw(h, newer ? "</ins>" : "</del>");
    }
    for (size_t k = 0; d && k < d->n; k++) {
        const kk_diff_piece *pc = &d->pieces[k];
        if (pc->op == KK_DIFF_EQUAL) {
            kk_html_prose(h, pc->text);
        } else if (pc->op == (newer ? KK_DIFF_INSERT : KK_DIFF_DELETE)) {
            kk_html_raw(h, newer ? "<ins>" : "<del>");
            kk_html_prose(h, pc->text);
            kk_html_raw(h, newer ? "</ins>" : "</del>");
        }
    }
    kk_html_raw(h, "</p></div>");
}

static const char *status_label(kk_row_status s)
{
    switch (s) {
    case KK_ROW_SAME: return "同一";
    case KK_ROW_CHANGED: return "変更";
    case KK_ROW_ADDED: return "追加";
    default: return "削除";
    }
}

static void row_head(kk_html *h, const kk_compare_row *r)
{
    kk_html_raw(h, "<span class=\"badge ");
    kk_html_raw(h, kk_row_status_name(r->status));
    kk_html_raw(h, "\">");
    kk_html_raw(h, status_label(r->status));
    kk_html_raw(h, "</span> ");
    kk_html_text(h, r->section ? r->section : r->right ? r->right->section
                                          : r->left ? r->left->section : NULL);
    if (r->status == KK_ROW_CHANGED) {
        kk_html_raw(h, " <span class=\"count\">類似度 ");
        kk_html_int(h, (long)(r->similarity * 100 + 0.5));
        kk_html_raw(h, "%</span>");
    }
}

static void row_html(kk_html *h, const kk_compare_row *r)
{
    int same = r->status == KK_ROW_SAME;
    kk_html_raw(h, same ? "<details class=\"row same\"><summary>" : "<div class=\"row ");
    if (!same) {
        kk_html_raw(h, kk_row_status_name(r->status));
        kk_html_raw(h, "\"><p class=\"row-head\">");
    }
    row_head(h, r);
    kk_html_raw(h, same ? "</summary><div class=\"sides\">" : "</p><div class=\"sides\">");
    side_html(h, r->left, r->diff, 0);
    side_html(h, r->right, r->diff, 1);
    kk_html_raw(h, same ? "</div></details>\n" : "</div></div>\n");
}

static void pair_html(kk_html *h, const kk_comparison *c, const kk_compare_pair *p)
{
    static const char *const labels[] = {"変更", "追加", "削除", "同一"};
    size_t counts[] = {p->n_changed, p->n_added, p->n_removed, p->n_same};
    kk_html_raw(h, "<section class=\"pair\">\n<h2>");
    kk_html_text(h, c->versions[p->older].label);
    kk_html_raw(h, " → ");
    kk_html_text(h, c->versions[p->newer].label);
    kk_html_raw(h, "</h2>\n<p class=\"counts\">");
    for (size_t k = 0; k < 4; k++) {
        kk_html_raw(h, k ? " · " : "");
        kk_html_raw(h, labels[k]);
        kk_html_raw(h, " ");
        kk_html_int(h, (long)counts[k]);
    }
    kk_html_raw(h, "</p>\n<div class=\"sides legend\" aria-hidden=\"true\"><div class=\"old\">");
    kk_html_text(h, c->versions[p->older].label);
    kk_html_raw(h, "</div><div class=\"new\">");
    kk_html_text(h, c->versions[p->newer].label);
    kk_html_raw(h, "</div></div>\n");
    for (size_t k = 0; k < p->n_rows && k < MAX_ROWS; k++)
        row_html(h, &p->rows[k]);
    if (p->n_rows > MAX_ROWS)
        kk_html_raw(h, "<p class=\"note\">行が多いため先頭の300行だけを表示しています。すべては "
                       "/api/compare で取得できます。</p>\n");
    kk_html_raw(h, "</section>\n");
}

/* What the target was taken as, in the UI's words. */
static const char *kind_label(kk_compare_kind k)
{
    switch (k) {
    case KK_COMPARE_PLAN: return "計画の策定・改定";
    case KK_COMPARE_SECTION: return "新旧対照表の節";
    case KK_COMPARE_DEPT: return "部署の運営方針";
    default: return "検索語に一致する文節";
    }
}

static void comparison_html(kk_html *h, const kk_comparison *c)
{
    kk_html_raw(h, "<section class=\"subject\">\n<h2>");
    kk_html_text(h, c->subject);
    kk_html_raw(h, " <span class=\"tag\">");
    kk_html_raw(h, kind_label(c->kind));
    kk_html_raw(h, "</span></h2>\n");
    if (c->n_versions == 0) {
        kk_html_raw(h, "<p class=\"summary\">比較できる版が見つかりませんでした。</p>\n"
                       "</section>\n");
        return;
    }
    versions_html(h, c);
    if (c->n_versions == 1)
        kk_html_raw(h, "<p class=\"summary\">版が1つしかないため比較できません。</p>\n");
    kk_html_raw(h, "</section>\n");
    for (size_t k = 0; k < c->n_pairs; k++)
        pair_html(h, c, &c->pairs[k]);
}

kk_status kk_page_compare(const kk_web_request *req, kk_web_response *resp)
{
    kk_error err = {0};
    const char *target = kk_web_param_get(req, "target"), *unit = kk_web_param_get(req, "unit");
    kk_compare_request cr = {target, KK_DIFF_CHARS, 0};
    kk_comparison *c = NULL;
    kk_status st = KK_OK;
    if (unit && *unit && strcmp(unit, "chars") != 0) {
        cr.unit = KK_DIFF_WORDS;
        if (strcmp(unit, "words") != 0)
            st = kk_error_set(&err, KK_EINVAL, "パラメータ unit: chars か words を指定して"
                              "ください");
    }
    if (st == KK_OK && target && *target)
        st = kk_compare_run_request(req->searcher, &cr, &c, &err);
    kk_html h = {0};
    kk_html_begin(&h, c ? c->subject : "新旧比較", "compare");
    kk_html_raw(&h, "<h1>新旧比較</h1>\n");
    form_html(&h, target, cr.unit);
    if (st != KK_OK)
        kk_html_error_box(&h, err.message);
    else if (c)
        comparison_html(&h, c);
    else
        kk_html_raw(&h, "<p class=\"intro\">計画の名前（策定と改定）、新旧対照表の節番号、部署名"
                        "（年度ごとの運営方針）、または検索語を入れると、版ごとに並べて変わった"
                        "ところを示します。</p>\n");
    kk_html_end(&h);
    kk_comparison_free(c);
    return kk_html_finish(&h, resp, st == KK_OK ? 200 : kk_web_status_for(st));
}
