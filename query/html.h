/* html.h — building the server's HTML pages: one escape function for every dynamic string, links
 * with percent-encoded parameters, and the page frame (head, navigation, footer).
 *
 * A kk_html accumulates markup in a buffer. kk_html_raw takes trusted markup written in the
 * page sources (string literals); everything that comes from a document, the index or the
 * request goes through kk_html_text (or the helpers built on it), which escapes & < > " ' so that
 * it can stand in element content and in quoted attribute values alike. Running out of memory is
 * sticky: later calls do nothing and kk_html_finish reports KK_ENOMEM, so that page code does not
 * check every append.
 */
#ifndef KK_HTML_H
#define KK_HTML_H

#include <stddef.h>

#include "kk_query.h"
#include "kk_text.h"
#include "web.h"

typedef struct kk_html {
    kk_buf buf;
    int failed; /* an append ran out of memory */
} kk_html;

/* Trusted markup (a string literal of the page source). */
void kk_html_raw(kk_html *h, const char *markup);

/* Text, escaped for element content and quoted attributes. NULL writes nothing. */
void kk_html_text(kk_html *h, const char *text);
void kk_html_text_n(kk_html *h, const char *text, size_t n);

/* A number in decimal. */
void kk_html_int(kk_html *h, long v);

/* text with the byte ranges marks (sorted, not overlapping) wrapped in <mark>…</mark>. */
void kk_html_marked(kk_html *h, const char *text, const kk_span *marks, size_t n_marks);

/* Text for reading: line breaks inside Japanese text (layout artefacts) are joined as
 * kk_join_lines does, then escaped. */
void kk_html_prose(kk_html *h, const char *text);

/* A link target: path followed by ?name=value&amp;… for each pair of pairs[0..2n) whose value is
 * neither NULL nor empty, values percent-encoded. Write it inside href="…". */
void kk_html_href(kk_html *h, const char *path, const char *const *pairs, size_t n_pairs);

/* Open a page: doctype, head with title (escaped) and stylesheet, site header with navigation
 * (`active` names the current tool: "search", "related", "compare", "trend", or NULL), and
 * <main>. */
void kk_html_begin(kk_html *h, const char *title, const char *active);

/* Close <main>, write the footer and the optional script, close the page. */
void kk_html_end(kk_html *h);

/* A hidden form field name=value (value escaped); nothing when value is NULL or empty. */
void kk_html_hidden(kk_html *h, const char *name, const char *value);

/* An error box with message (escaped). */
void kk_html_error_box(kk_html *h, const char *message);

/* Hand the page to resp with status 200 (or the status given) and the HTML content type.
 * KK_ENOMEM when an append failed; the buffer is freed either way. */
kk_status kk_html_finish(kk_html *h, kk_web_response *resp, unsigned status);

#endif
