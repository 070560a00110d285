/* html.c — the HTML builder: escaping, links, the page frame and the embedded stylesheet and
 * script (see html.h).
 *
 * kk_html_text_n is the one escape function; every other writer of dynamic text calls it. The
 * page frame and the static files live here so that every page shares one look; what goes inside
 * <main> is each page_*.c's business.
 */
#include "html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The embedded files (query/web/style.css and query/web/app.js, see query/CMakeLists.txt). */
extern const char kk_web_style[];
extern const size_t kk_web_style_len;
extern const char kk_web_script[];
extern const size_t kk_web_script_len;

static void append(kk_html *h, const char *s, size_t n)
{
    if (!h->failed && kk_buf_add(&h->buf, s, n) != KK_OK)
        h->failed = 1;
}

void kk_html_raw(kk_html *h, const char *markup)
{
    append(h, markup, strlen(markup));
}

void kk_html_text_n(kk_html *h, const char *text, size_t n)
{
    size_t run = 0;
    for (size_t k = 0; k < n; k++) {
        const char *rep;
        switch (text[k]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = "\xEF\xBF\xBD"; break; /* U+FFFD: a NUL has no place in HTML */
        default: continue;
        }
        append(h, text + run, k - run);
        append(h, rep, strlen(rep));
        run = k + 1;
    }
    append(h, text + run, n - run);
}

void kk_html_text(kk_html *h, const char *text)
{
    if (text)
        kk_html_text_n(h, text, strlen(text));
}

void kk_html_int(kk_html *h, long v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%ld", v);
    append(h, num, (size_t)n);
}

/* The code point before byte position at in text, skipping horizontal space; 0 at the start. */
static int previous_char(const char *text, size_t at)
{
    while (at > 0) {
        size_t i = at - 1;
        while (i > 0 && ((unsigned char)text[i] & 0xC0) == 0x80)
            i--;
        size_t j = i;
        int c = kk_utf8_next(text, at, &j);
        if (c != ' ' && c != '\t' && c != '\r' && c != 0x3000)
            return c;
        at = i;
    }
    return 0;
}

/* The code point at or after byte position at, skipping white space; 0 at the end. */
static int next_char(const char *text, size_t len, size_t at)
{
    while (at < len) {
        int c = kk_utf8_next(text, len, &at);
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != 0x3000)
            return c;
    }
    return 0;
}

/* Escape text[start, end) of a text len bytes long, dropping each line break that falls between
 * two Japanese characters (a layout artefact of the PDF extraction, see kk_join_lines) and
 * turning the others into spaces. The neighbours are looked up in the whole text, so a range
 * boundary (a mark) does not change the result. */
static void prose_range(kk_html *h, const char *text, size_t len, size_t start, size_t end)
{
    size_t run = start;
    for (size_t k = start; k < end; k++) {
        if (text[k] != '\n')
            continue;
        kk_html_text_n(h, text + run, k - run);
        run = k + 1;
        int before = previous_char(text, k), after = next_char(text, len, k + 1);
        if (!(before && after && kk_is_japanese(before) && kk_is_japanese(after)))
            append(h, " ", 1);
    }
    kk_html_text_n(h, text + run, end - run);
}

void kk_html_prose(kk_html *h, const char *text)
{
    if (text)
        prose_range(h, text, strlen(text), 0, strlen(text));
}

void kk_html_marked(kk_html *h, const char *text, const kk_span *marks, size_t n_marks)
{
    if (!text)
        return;
    size_t len = strlen(text), at = 0;
    for (size_t k = 0; k < n_marks; k++) {
        size_t start = marks[k].start, end = marks[k].end;
        if (start < at || end > len || start >= end)
            continue; /* not sorted or out of range: show the text unmarked rather than fail */
        prose_range(h, text, len, at, start);
        kk_html_raw(h, "<mark>");
        prose_range(h, text, len, start, end);
        kk_html_raw(h, "</mark>");
        at = end;
    }
    prose_range(h, text, len, at, len);
}

/* Percent-encode a query-string value: everything but RFC 3986's unreserved characters. The
 * result holds no character HTML gives a meaning to. */
static void url_value(kk_html *h, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
            || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            append(h, (const char *)p, 1);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            append(h, esc, 3);
        }
    }
}

void kk_html_href(kk_html *h, const char *path, const char *const *pairs, size_t n_pairs)
{
    kk_html_text(h, path);
    int first = 1;
    for (size_t k = 0; k < n_pairs; k++) {
        const char *name = pairs[2 * k], *value = pairs[2 * k + 1];
        if (!value || !*value)
            continue;
        kk_html_raw(h, first ? "?" : "&amp;");
        kk_html_text(h, name);
        kk_html_raw(h, "=");
        url_value(h, value);
        first = 0;
    }
}

static void nav_link(kk_html *h, const char *href, const char *label, int current)
{
    kk_html_raw(h, "<a href=\"");
    kk_html_raw(h, href);
    kk_html_raw(h, current ? "\" aria-current=\"page\">" : "\">");
    kk_html_raw(h, label);
    kk_html_raw(h, "</a>");
}

void kk_html_begin(kk_html *h, const char *title, const char *active)
{
    static const char *const tools[][3] = {
        {"search", "/", "検索"},
        {"related", "/related", "関連計画"},
        {"compare", "/compare", "新旧比較"},
        {"trend", "/trend", "推移"},
    };
    kk_html_raw(h, "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    kk_html_text(h, title);
    kk_html_raw(h, " — keikaku</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                   "<link rel=\"icon\" href=\"data:,\">\n"
                   "</head>\n<body>\n<header class=\"site\">\n<a class=\"brand\" href=\"/\">"
                   "keikaku <small>計画アーカイブ検索</small></a>\n<nav aria-label=\"機能\">");
    for (size_t k = 0; k < sizeof tools / sizeof tools[0]; k++)
        nav_link(h, tools[k][1], tools[k][2], active && strcmp(active, tools[k][0]) == 0);
    kk_html_raw(h, "</nav>\n</header>\n<main>\n");
}

void kk_html_end(kk_html *h)
{
    kk_html_raw(h, "</main>\n<footer class=\"site\">keikaku — 引用の際は出典（文書・節・行）を"
                   "確認してください。 <a href=\"/api/search?q=%E8%A8%88%E7%94%BB\">JSON API</a>"
                   "</footer>\n<script src=\"/static/app.js\" defer></script>\n</body>\n</html>\n");
}

void kk_html_hidden(kk_html *h, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    kk_html_raw(h, "<input type=\"hidden\" name=\"");
    kk_html_text(h, name);
    kk_html_raw(h, "\" value=\"");
    kk_html_text(h, value);
    kk_html_raw(h, "\">");
}

void kk_html_error_box(kk_html *h, const char *message)
{
    kk_html_raw(h, "<p class=\"error\" role=\"alert\">");
    kk_html_text(h, message);
    kk_html_raw(h, "</p>\n");
}

kk_status kk_html_finish(kk_html *h, kk_web_response *resp, unsigned status)
{
    if (h->failed) {
        kk_buf_free(&h->buf);
        return KK_ENOMEM;
    }
    kk_buf_free(&resp->body);
    resp->body = h->buf;
    memset(&h->buf, 0, sizeof h->buf);
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    return KK_OK;
}

kk_status kk_page_error(kk_web_response *resp, unsigned status, const char *message)
{
    kk_html h = {0};
    kk_html_begin(&h, "エラー", NULL);
    kk_html_raw(&h, "<h1>リクエストを処理できませんでした</h1>\n");
    kk_html_error_box(&h, message);
    kk_html_raw(&h, "<p><a href=\"/\">検索ページへ戻る</a></p>\n");
    kk_html_end(&h);
    return kk_html_finish(&h, resp, status);
}

static kk_status static_file(kk_web_response *resp, const char *type, const char *data,
                             size_t len)
{
    resp->status = 200;
    resp->content_type = type;
    /* An hour: the files change only with the program; a restart after an upgrade is seen by
     * the next visit after that. */
    resp->cache = "public, max-age=3600";
    return kk_buf_add(&resp->body, data, len);
}

kk_status kk_static_style(const kk_web_request *req, kk_web_response *resp)
{
    (void)req;
    return static_file(resp, "text/css; charset=utf-8", kk_web_style, kk_web_style_len);
}

kk_status kk_static_script(const kk_web_request *req, kk_web_response *resp)
{
    (void)req;
    return static_file(resp, "text/javascript; charset=utf-8", kk_web_script, kk_web_script_len);
}
