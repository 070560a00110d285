/* kk_compare.h — what a plan said before and what changed: versions of one text, aligned.
 *
 * A target names a text that exists in several versions:
 *  - a plan, by the name staff use (地域情報化プラン2022, the same with a version word after it,
 *    or plan:地域情報化プラン for names starting so): its passages
 *    grouped by document and plan-title version (策定, 第1次改定 …) and fiscal year;
 *  - a section of a comparison table (6-4-1): the columns of the 新旧対照 table (version field,
 *    e.g. 後期基本計画（素案） against 現行基本計画);
 *  - a department's goals (dept:企画部, or just 企画部): its 運営方針と目標 passages by fiscal year;
 *  - anything else is run as a search query; its most relevant matching passages are grouped by
 *    document (and table column) and the groups become the versions.
 * Versions are ordered by fiscal year (unknown last), then by version order (策定 before 第1次改定,
 * a table's new column after its current one), then by document. Each consecutive pair of
 * versions is aligned passage by passage — by section path where both passages have one (the
 * version-specific top levels stripped), otherwise by passage similarity — and each aligned row
 * carries a diff (kk_diff.h) of the two texts. A passage with no counterpart is added or removed.
 *
 * It owns the grouping, ordering and alignment; it reads the index through kk_searcher and never
 * writes it. Rendering for a terminal is the CLI's job; kk_comparison_to_json is shared by the
 * CLI's --json and the web API.
 */
#ifndef KK_COMPARE_H
#define KK_COMPARE_H

#include <jansson.h>
#include <stddef.h>

#include "kk_diff.h"
#include "kk_error.h"
#include "kk_query.h"

typedef enum kk_compare_kind {
    KK_COMPARE_PLAN = 0, /* a plan's 策定 and 改定 */
    KK_COMPARE_SECTION,  /* the columns of a comparison table, by section number */
    KK_COMPARE_DEPT,     /* a department's goals by fiscal year */
    KK_COMPARE_QUERY     /* the passages matching a query, by document and year */
} kk_compare_kind;

/* "plan", "section", "dept", "query". Never NULL. */
const char *kk_compare_kind_name(kk_compare_kind k);

typedef struct kk_compare_request {
    const char *target;     /* as typed; UTF-8 */
    kk_diff_unit unit;      /* KK_DIFF_CHARS (default) or KK_DIFF_WORDS */
    unsigned max_versions;  /* at most this many versions (the earliest dropped first);
                               0 = KK_COMPARE_DEFAULT_MAX_VERSIONS */
} kk_compare_request;

/* A query target spreads over many documents; beyond 8 versions the pairwise view stops being
 * readable on a terminal (each pair is one screenful or more). */
#define KK_COMPARE_DEFAULT_MAX_VERSIONS 8

typedef struct kk_compare_version {
    char *label;       /* e.g. "策定", "第1次改定", "後期基本計画（素案）", "2019年度" */
    char *title;       /* plan title or document title; may be NULL */
    char *doc;         /* the document it comes from */
    int year;          /* fiscal year, 0 when unknown */
    size_t n_passages; /* passages in this version */
} kk_compare_version;

typedef struct kk_compare_passage {
    char *id;      /* passage id, "doc:ordinal" */
    char *doc;
    unsigned line; /* first line in doc, from 1 */
    char *section; /* section path, " › "-separated; may be NULL */
    char *text;
} kk_compare_passage;

typedef enum kk_row_status {
    KK_ROW_SAME = 0, /* both sides, identical after normalization */
    KK_ROW_CHANGED,  /* both sides, different */
    KK_ROW_ADDED,    /* only in the newer version */
    KK_ROW_REMOVED   /* only in the older version */
} kk_row_status;

/* "same", "changed", "added", "removed". Never NULL. */
const char *kk_row_status_name(kk_row_status s);

typedef struct kk_compare_row {
    char *section;              /* the aligned section (version levels stripped); NULL when the
                                   row was aligned by similarity or has one side only and no
                                   section */
    kk_compare_passage *left;   /* older version's passage; NULL when added */
    kk_compare_passage *right;  /* newer version's passage; NULL when removed */
    kk_row_status status;
    double similarity;          /* of the two texts, 0 when one side is missing */
    kk_diff *diff;              /* left → right; NULL when one side is missing */
} kk_compare_row;

typedef struct kk_compare_pair {
    size_t older, newer; /* indices into kk_comparison.versions (newer = older + 1) */
    kk_compare_row *rows; /* in document order of the newer version, removed rows placed after
                             the row that preceded them in the older version */
    size_t n_rows;
    size_t n_same, n_changed, n_added, n_removed;
} kk_compare_pair;

typedef struct kk_comparison {
    char *target;                  /* as requested */
    kk_compare_kind kind;
    char *subject;                 /* what the target resolved to: plan name, section, dept,
                                      or the query */
    kk_compare_version *versions;  /* oldest first */
    size_t n_versions;
    kk_compare_pair *pairs;        /* n_versions - 1 of them (0 when fewer than 2 versions) */
    size_t n_pairs;
} kk_comparison;

/* Compare the versions of target with default options (characters, default max versions).
 * A target that matches nothing gives a comparison with no versions, not an error; a malformed
 * query target fails with KK_EPARSE. The caller frees *out with kk_comparison_free. */
kk_status kk_compare_run(kk_searcher *s, const char *target, kk_comparison **out, kk_error *err);

/* The same with explicit options. */
kk_status kk_compare_run_request(kk_searcher *s, const kk_compare_request *req,
                                 kk_comparison **out, kk_error *err);

void kk_comparison_free(kk_comparison *c);

/* JSON form: {"target", "kind", "subject", "versions": [{label, title, doc, year}],
 * "pairs": [{"older": i, "newer": j, "counts": {same, changed, added, removed},
 *            "rows": [{"section", "status", "similarity", "left": {id, doc, line, section,
 *                      text} | null, "right": … | null,
 *                      "diff": [{"op": "equal"|"insert"|"delete", "text"}] | null}]}]}.
 * NULL when out of memory; the caller owns the reference. */
json_t *kk_comparison_to_json(const kk_comparison *c);

#endif
