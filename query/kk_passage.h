/* kk_passage.h — one indexed passage read back in context: the passage, its neighbours in the
 * same document, and a citation line.
 *
 * Serves `keikaku-query show` and the web server's passage page, so that a search hit can be read
 * with what comes before and after it and cited by document, section, year and line. A passage is
 * found either by a source line of its document (the passage holding that line) or by the passage
 * id of a search hit ("doc:ordinal", the `id` field). Lookups use the document term (XR) and the
 * line and ordinal value slots of the index (kk_schema.h); this module only reads the database.
 * It does not rank, highlight or print.
 */
#ifndef KK_PASSAGE_H
#define KK_PASSAGE_H

#include <stddef.h>

#include "kk_error.h"
#include "kk_query.h"

/* One passage as stored in the index. Strings are malloc'd and owned by the kk_passage_context
 * they belong to; any of them but id, doc and text may be NULL. */
typedef struct kk_passage_info {
    char *id;          /* passage id, "doc:ordinal" (what kk_hit.id and --json "id" hold) */
    char *doc;         /* document path relative to the indexed root */
    unsigned line;     /* first source line, from 1 */
    unsigned lines;    /* number of source lines spanned */
    unsigned ordinal;  /* passage number within the document, from 0 */
    char *title, *section, *heading, *kind, *dept, *city, *version, *speaker, *date;
    char *office;      /* 担当課, the section in charge, when stated */
    int year;          /* fiscal year, 0 when unknown */
    char **plans;      /* plan names mentioned or defined in the passage */
    size_t n_plans;
    char *text;        /* the whole passage */
} kk_passage_info;

/* A passage with its neighbours, in document order (by ordinal). */
typedef struct kk_passage_context {
    kk_passage_info passage;
    kk_passage_info *before; /* up to `radius` passages preceding it, nearest last */
    size_t n_before;
    kk_passage_info *after;  /* up to `radius` passages following it, nearest first */
    size_t n_after;
    char *citation;          /* kk_passage_citation(&passage) */
} kk_passage_context;

/* Largest radius accepted (neighbours on each side): a page of context, not the document. */
#define KK_PASSAGE_MAX_RADIUS 50

/* The passage of document doc that holds source line `line` (the last passage starting at or
 * before it; where several passages start on the same line, as the two columns of a comparison
 * table do, the one with the lowest ordinal), with `radius` neighbours on each side (0..
 * KK_PASSAGE_MAX_RADIUS). line 0, or a line before the first passage, gives the first passage.
 * doc is the path as search shows it (mitaka/004_….txt); when no document has exactly that
 * path, a path ending in "/doc" is accepted if only one does. Failures: KK_ENOTFOUND (no such
 * document) and KK_EINVAL (ambiguous doc, radius too big), with a message naming doc; database
 * errors as kk_xapian.h. The caller frees *out with kk_passage_context_free. */
kk_status kk_passage_at_line(kk_searcher *s, const char *doc, unsigned line, unsigned radius,
                             kk_passage_context **out, kk_error *err);

/* The passage with id "doc:ordinal" (a search hit's id), with `radius` neighbours on each side.
 * Failures: KK_EINVAL (id not of the form doc:number), KK_ENOTFOUND (no such passage), as above
 * otherwise. The caller frees *out with kk_passage_context_free. */
kk_status kk_passage_by_id(kk_searcher *s, const char *id, unsigned radius,
                           kk_passage_context **out, kk_error *err);

void kk_passage_context_free(kk_passage_context *c);

/* A citation line for p: "出典: DOC『TITLE』 SECTION [VERSION] SPEAKER (2019年度) 202行", or
 * "202–210行" for a passage spanning several lines; unknown parts are left out. Returns a
 * malloc'd string the caller frees, NULL when out of memory. */
char *kk_passage_citation(const kk_passage_info *p);

/* Parse a passage's stored data (the binary layout of kk_stored.h) into p, zeroed first: used by
 * search, show, compare and trend. KK_ECORRUPT when it is of another layout (an older index) or
 * damaged, KK_ENOMEM; on failure p holds nothing to free. */
kk_status kk_passage_info_parse(const char *data, size_t len, kk_passage_info *p, kk_error *err);

/* Free what p holds and zero it. */
void kk_passage_info_clear(kk_passage_info *p);

/* Split "doc:number" at its last colon followed only by digits: *doc_len receives the length of
 * the doc part and *number the number. Returns 0 on success, -1 when text has no such suffix or
 * the number is over 4294967295. Shared by the CLI (DOC:LINE) and the web server. */
int kk_passage_split_ref(const char *text, size_t *doc_len, unsigned *number);

#endif
