/* kk_related.h — which individual plans (個別計画) carry out a policy (施策) of the basic plan, and
 * which policies an individual plan serves.
 *
 * A policy is a top-level section of the basic plan (kind 基本計画) named by its number
 * (6-3-1 …), both columns of a comparison table together. It can be asked for by its number or
 * a number prefix at a '-' boundary, by the words of its heading (男女共同参画社会の形成), or by
 * the id of any of its passages ("mitaka/004_….txt:98", as search prints it).
 *
 * An individual plan is recognised from the corpus itself: the plan named in a passage's section
 * path (the plan title in force) among the plans the passage names. Its key is the normalized
 * name with version marks stripped (策定, 第N次改定, 改定版, (仮称), a leading 新・), so that
 * 地域情報化プラン2022 策定 (FY2011) and its 第1次改定 (FY2015) are one plan with two versions.
 * A plan only named by a policy (never titled in the corpus) can still be listed, on explicit
 * evidence alone.
 *
 * A link is scored from two kinds of evidence:
 *  - explicit: the policy's text names the plan (its `plans`), or the plan's text names the
 *    policy's heading or number;
 *  - content: the words that best characterise the policy's passages (Xapian relevance-set
 *    expansion over word terms, not bigrams, with boilerplate such as 推進, 図る, 取組 left out)
 *    searched in the individual plans' passages; passage scores are aggregated per plan.
 * Scores are on a scale where the subject's own text scores 1 on content: a plan whose best
 * passages hold the policy's key terms as densely as the policy does scores near 1, a plan
 * sharing a few of them 0.1 to 0.3. An explicit reference adds 0.5 (the next ones less; half
 * that for a plan only named, with no passages in the index). Links on content alone that are
 * much weaker than the best one, or that share a single key term, are not listed.
 * The reverse direction runs the same way from a plan's passages to the basic plan's passages,
 * aggregated per policy.
 *
 * It owns policy and plan identity, the scoring and the evidence; it reads the index through
 * kk_searcher and never writes it. Printing is the CLI's job; kk_related_to_json is shared by
 * the CLI's --json and the web API.
 */
#ifndef KK_RELATED_H
#define KK_RELATED_H

#include <jansson.h>
#include <stddef.h>

#include "kk_error.h"
#include "kk_query.h"

/* Largest limit accepted: more links than any basic plan has individual plans. */
#define KK_RELATED_MAX_LIMIT 100
/* Results returned when the request's limit is 0. */
#define KK_RELATED_DEFAULT_LIMIT 10
/* Evidence passages kept per result, best first. */
#define KK_RELATED_MAX_EVIDENCE 3

typedef enum kk_related_direction {
    KK_RELATED_POLICY_TO_PLANS = 0, /* subject: a policy; results: individual plans */
    KK_RELATED_PLAN_TO_POLICIES     /* subject: an individual plan; results: policies */
} kk_related_direction;

typedef struct kk_related_request {
    kk_related_direction direction;
    const char *subject; /* policy (number, heading words or passage id) or plan name; UTF-8 */
    unsigned limit;      /* results to return, 0 (default) .. KK_RELATED_MAX_LIMIT */
} kk_related_request;

/* One version of an individual plan (策定, 第1次改定 …) as found in one document. */
typedef struct kk_related_version {
    char *name;  /* the plan's name as that version writes it (新・行財政改革アクションプラン2022) */
    char *label; /* 策定, 第1次改定 …; NULL when the title carries no version mark */
    char *doc;   /* document holding it */
    int year;    /* fiscal year of the document, 0 when unknown */
} kk_related_version;

typedef enum kk_related_evidence_kind {
    KK_EVIDENCE_CONTENT = 0, /* the passage shares the subject's key terms */
    KK_EVIDENCE_EXPLICIT     /* the passage names the other side (a plan, a policy heading) */
} kk_related_evidence_kind;

/* One passage supporting a link. For policy → plans it is a plan's passage (content) or a policy
 * passage naming the plan (explicit); for plan → policies the other way round. */
typedef struct kk_related_evidence {
    kk_related_evidence_kind kind;
    double score;            /* the passage's contribution */
    char *id;                /* passage id, "doc:ordinal" */
    char *doc, *section;     /* section may be NULL */
    unsigned line;
    int year;                /* 0 when unknown */
    char *snippet;           /* excerpt around the shared terms or the name */
    kk_span *snippet_marks;  /* shared terms / the name in snippet, sorted, not overlapping */
    size_t n_snippet_marks;
} kk_related_evidence;

/* One related plan (policy → plans) or policy (plan → policies). */
typedef struct kk_related_item {
    unsigned rank;               /* from 1 */
    char *key;                   /* plan key, or the policy's number (6-3-1) */
    char *name;                  /* the plan's latest name, or the policy's heading */
    double score;                /* content_score + explicit_score (see the scale above) */
    double content_score, explicit_score;
    kk_related_version *versions; /* plans: oldest first; policies: the table's columns */
    size_t n_versions;
    kk_related_evidence *evidence; /* best first, at most KK_RELATED_MAX_EVIDENCE */
    size_t n_evidence;
    char **terms;                /* shared key terms explaining the link, strongest first */
    size_t n_terms;
} kk_related_item;

typedef struct kk_related {
    kk_related_direction direction;
    char *key;            /* the subject resolved: policy number or plan key */
    char *name;           /* policy heading or plan name */
    kk_related_version *versions; /* the subject's versions (plan) or columns (policy) */
    size_t n_versions;
    size_t n_passages;    /* passages of the subject the link was computed from */
    char **terms;         /* the subject's key terms used for content evidence, best first */
    size_t n_terms;
    kk_related_item *items; /* best first */
    size_t n;
} kk_related;

/* Find what is related to req->subject. Failures: KK_EINVAL (no subject, limit out of range),
 * KK_ENOTFOUND with a message naming the subject when no policy or plan matches it (a malformed
 * passage id is KK_ENOTFOUND too: nothing by that name), database errors as kk_xapian.h. A
 * subject that resolves but links to nothing gives zero items, not an error. The caller frees
 * *out with kk_related_free. */
kk_status kk_related_find(kk_searcher *s, const kk_related_request *req, kk_related **out,
                          kk_error *err);

void kk_related_free(kk_related *r);

/* {"direction": "policy-to-plans" | "plan-to-policies", "key", "name", "versions": [{"name",
 *  "label", "doc", "year"}], "passages", "terms": […], "results": [{"rank", "key", "name",
 *  "score", "content_score", "explicit_score", "versions": […], "terms": […], "evidence":
 *  [{"kind": "content" | "explicit", "score", "id", "doc", "line", "section", "year",
 *  "snippet" (marks in 【】), "highlights" ([start, end] byte ranges in snippet)}]}]}.
 * year is a number or null. The caller owns (json_decref) the result; NULL when out of memory. */
json_t *kk_related_to_json(const kk_related *r);

#endif
