/* related_internal.h — what the files of kk_related share (not part of the library's API).
 *
 * related_catalog.c reads the basic plan's and the individual plans' passages into two catalogs
 * and groups them: passages by policy (section number) and by individual plan (plan title in
 * force, versions stripped). related_subject.c resolves what was asked for to groups of one
 * catalog. related_score.c finds the links (content and explicit evidence) and related.c turns
 * them into the public kk_related and its JSON.
 */
#ifndef KK_RELATED_INTERNAL_H
#define KK_RELATED_INTERNAL_H

#include <stddef.h>

#include "kk_related.h"
#include "query_internal.h"

/* Kinds of document (kk_schema.h KK_FIELD_KIND) holding each side of a link. */
#define KK_RELATED_POLICY_KIND "基本計画"
#define KK_RELATED_PLAN_KIND "個別計画"

/* One passage of a catalog, read from its stored data. */
typedef struct rel_passage {
    unsigned docid;
    char *id, *doc, *section, *version, *text; /* section and version may be NULL */
    char *norm;        /* kk_normalize(text), made when explicit evidence needs it; else NULL */
    unsigned line;
    int year;          /* 0 when unknown */
    char **plans;      /* plan names the passage names, as written */
    size_t n_plans;
    long group;        /* its group in the catalog, -1 when none (no plan title in force) */
} rel_passage;

/* A policy or an individual plan: the passages that belong to it. */
typedef struct rel_group {
    char *key;          /* policy number (6-3-1), or plan key (normalized, versions stripped) */
    char *name;         /* policy heading, or the plan's latest name */
    char *mention;      /* normalized text that names it in other passages: the heading, or
                           the plan key */
    kk_related_version *versions;
    size_t n_versions;
    size_t *members;    /* indexes of its passages in the catalog */
    size_t n_members;
} rel_group;

typedef struct rel_catalog {
    rel_passage *p;  /* in docid order */
    size_t n, cap;
    rel_group *g;
    size_t n_groups, cap_groups;
} rel_catalog;

/* Everything one kk_related_find call reads. */
typedef struct rel_world {
    kk_searcher *s;
    rel_catalog policies, plans;
    kk_wordlist boilerplate;
} rel_world;

/* The resolved subject: groups of one catalog (several for a number prefix such as 6-1). */
typedef struct rel_subject {
    rel_catalog *cat;   /* world->policies or world->plans */
    size_t *groups;
    size_t n_groups;
    char *key, *name;
} rel_subject;

/* ---- related_names.c ---------------------------------------------------------------------- */

/* The plan key of a name: normalized, with version marks stripped (策定, 第1次改定, (仮称), a
 * leading 新・). Caller frees; NULL when out of memory or nothing is left. */
char *kk_rel_plan_key(kk_searcher *s, const char *name);

/* Oldest version first: by fiscal year when both are known, else by edition (X before 新・X)
 * and revision number (策定 before 第1次改定), then by document. */
void kk_rel_sort_versions(kk_related_version *v, size_t n);

/* ---- related_catalog.c -------------------------------------------------------------------- */

/* Read both catalogs and the boilerplate table. world->s must be set. */
kk_status kk_rel_world_load(rel_world *w, kk_error *err);
void kk_rel_world_free(rel_world *w);

/* The catalog passage with this docid, or NULL. */
rel_passage *kk_rel_catalog_find(rel_catalog *c, unsigned docid);


/* The plan group with this key, or -1. */
long kk_rel_catalog_group(const rel_catalog *c, const char *key);

/* Add a group for a plan that is named but has no passages of its own; returns its index or -1
 * when out of memory. */
long kk_rel_catalog_add_named(rel_catalog *c, const char *key, const char *name);

/* 1 if the normalized word is boilerplate (推進, 図る …) that must not make a link. */
int kk_rel_is_boilerplate(const rel_world *w, const char *word, size_t len);

/* Normalized text of p (made once, kept in p->norm); NULL when out of memory. */
const char *kk_rel_passage_norm(rel_world *w, rel_passage *p);

/* ---- related_terms.c ---------------------------------------------------------------------- */

/* A key term of a subject: a word, or a pair of single kanji the dictionary split (協|働). */
typedef struct rel_term {
    char *index_term;  /* as indexed: the word, or KK_PREFIX_GRAM + the pair */
    size_t index_len;
    const char *text;  /* the word itself (inside index_term) */
    size_t len;
    double weight;     /* expansion weight; the best term weighs 1 */
} rel_term;

typedef struct rel_terms {
    rel_term *v;       /* best first */
    size_t n, cap;
    size_t *by_text;   /* indexes of v in text order */
} rel_terms;

/* The key terms of n passages (their texts and docids). Zero passages give zero terms. */
kk_status kk_rel_terms_expand(rel_world *w, char *const *texts, const unsigned *docids, size_t n,
                              rel_terms *out, kk_error *err);
void kk_rel_terms_free(rel_terms *t);

/* Index in t->v of the term whose text is text[0..len), or -1. */
long kk_rel_terms_find(const rel_terms *t, const char *text, size_t len);

/* How often each key term occurs in text (tf[0..t->n)); *words gets the text's word count. */
kk_status kk_rel_terms_count(rel_world *w, const rel_terms *t, const char *text, unsigned *tf,
                             size_t *words, kk_error *err);

/* The spans of text holding key terms i with wanted[i] > 0, sorted and merged; *out malloc'd. */
kk_status kk_rel_terms_marks(rel_world *w, const rel_terms *t, const char *text,
                             const double *wanted, kk_span **out, size_t *n_out, kk_error *err);

/* Sort spans and merge those that overlap or touch; returns how many are left. */
size_t kk_rel_merge_spans(kk_span *s, size_t n);

/* ---- related_score.c and related_rank.c -------------------------------------------------- */

/* A group's content score counts its best passages with weights 1, 1/2, 1/4: a plan with three
 * passages on the topic beats one with a single passage, but thirty passages of a long plan do
 * not bury a short plan that is entirely on it. */
#define KK_RELATED_TOP 3
#define KK_RELATED_DECAY 0.5

/* An explicit reference adds 0.5 to a link, the next ones half as much again, on the scale where
 * a plan as close to a policy as the policy's own text scores 1 (good content links score 0.3 to
 * 0.7 on corpus/mitaka): a plan the policy names comes first unless another carries the policy
 * out much more visibly. */
#define KK_RELATED_EXPLICIT 0.5

/* The subject's passages in its catalog. */
typedef struct rel_members {
    size_t *index;   /* passages of the subject in its catalog */
    unsigned *docid;
    size_t n;
} rel_members;

/* One passage supporting a link, filed under the group it supports. */
typedef struct rel_evidence {
    rel_catalog *cat;
    size_t index;      /* passage in cat */
    double score;      /* content: raw BM25 over key terms; explicit: set when ranked */
    int is_explicit;
    const char *mark;  /* explicit: the words naming the other side, as written */
    double *contrib;   /* content: each key term's part of score (n terms), else NULL */
} rel_evidence;

/* A group's evidence and (after kk_rel_rank_items) its scores. */
typedef struct rel_acc {
    rel_evidence *ev;
    size_t n, cap;
    double content, explicit_score;
} rel_acc;

/* One run of kk_rel_score_links. */
typedef struct rel_linker {
    rel_world *w;
    const rel_subject *subj;
    rel_catalog *target;
    int forward;         /* subject policies, targets plans */
    rel_members m;
    rel_terms terms;
    double self;         /* the subject's content score against itself (self_score) */
    rel_acc *acc;        /* per group of the target catalog */
    size_t n_acc;
} rel_linker;

/* Combine each group's evidence into its scores, rank the groups and write the best (at most
 * limit) to out->items, with out->terms the subject's key terms. */
kk_status kk_rel_rank_items(rel_linker *k, unsigned limit, kk_related *out, kk_error *err);

/* ---- related_subject.c -------------------------------------------------------------------- */

/* Resolve req->subject to policies (POLICY_TO_PLANS) or a plan (PLAN_TO_POLICIES).
 * KK_ENOTFOUND with a message naming the subject when nothing matches. */
kk_status kk_rel_subject_resolve(rel_world *w, const kk_related_request *req, rel_subject *out,
                                 kk_error *err);
void kk_rel_subject_free(rel_subject *s);

/* ---- related_score.c ---------------------------------------------------------------------- */

/* Find and rank the groups of the other catalog linked to the subject; fills r->terms,
 * r->n_passages and r->items (at most limit). */
kk_status kk_rel_score_links(rel_world *w, const rel_subject *subj, unsigned limit, kk_related *r,
                             kk_error *err);

/* ---- related.c ----------------------------------------------------------------------------- */

/* Deep copies of versions (for the result, which outlives the world). */
kk_status kk_rel_copy_versions(const kk_related_version *from, size_t n, kk_related_version **to,
                               kk_error *err);
void kk_rel_free_versions(kk_related_version *v, size_t n);

#endif
