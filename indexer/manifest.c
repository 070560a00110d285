/* manifest.c — .keikakumanifest files: parsing, matching and reading a document with them
 * (see kk_manifest.h for the format).
 *
 * Owns the manifest's line syntax and the order in which rules and folders apply. It does not
 * walk folders (kk_walk) or infer metadata (document.c); it only says which written-down facts
 * hold for one file and hands them to kk_document_read.
 */
#include "kk_manifest.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kk_text.h"
#include "kk_year.h"

/* A manifest path is a folder plus the file name; folders deeper than this are not looked at
 * (PATH_MAX on Linux, so no real path is cut short). */
#define MANIFEST_PATH_MAX 4096

typedef enum rule_key { KEY_TITLE, KEY_KIND, KEY_CITY, KEY_DEPT, KEY_YEAR, KEY_COUNT } rule_key;

static const char *const key_names[KEY_COUNT] = {"title", "kind", "city", "dept", "year"};

typedef struct rule {
    char *pattern;
    char *values[KEY_COUNT]; /* NULL when the rule does not set the key */
    int year;                /* for KEY_YEAR: the year, or -1 for unknown */
} rule;

struct kk_manifest {
    char *name;
    rule *rules;
    size_t n, cap;
};

void kk_manifest_free(kk_manifest *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->n; k++) {
        free(m->rules[k].pattern);
        for (int v = 0; v < KEY_COUNT; v++)
            free(m->rules[k].values[v]);
    }
    free(m->rules);
    free(m->name);
    free(m);
}

static char *copy_span(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static rule *new_rule(kk_manifest *m)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        rule *p = realloc(m->rules, cap * sizeof *p);
        if (!p)
            return NULL;
        m->rules = p;
        m->cap = cap;
    }
    rule *r = &m->rules[m->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static int find_key(const char *s, size_t n)
{
    for (int k = 0; k < KEY_COUNT; k++)
        if (strlen(key_names[k]) == n && memcmp(key_names[k], s, n) == 0)
            return k;
    return -1;
}

static int parse_year(const char *s, size_t n)
{
    if ((n == 7 && memcmp(s, "unknown", 7) == 0) || (n == 1 && s[0] == '-'))
        return -1;
    return kk_year_parse(s, n);
}

/* One key=value field of a rule on line `line`. */
static kk_status parse_field(kk_manifest *m, rule *r, const char *s, size_t n, unsigned line,
                             kk_error *err)
{
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return kk_error_set(err, KK_EFORMAT, "%s:%u: '%.*s' is not key=value", m->name, line,
                            (int)n, s);
    size_t kn = (size_t)(eq - s), vn = n - kn - 1;
    int key = find_key(s, kn);
    if (key < 0)
        return kk_error_set(err, KK_EFORMAT,
                            "%s:%u: unknown key '%.*s' (known: title, kind, city, dept, year)",
                            m->name, line, (int)kn, s);
    if (vn == 0)
        return kk_error_set(err, KK_EFORMAT, "%s:%u: %s has no value", m->name, line,
                            key_names[key]);
    if (key == KEY_YEAR && (r->year = parse_year(eq + 1, vn)) == 0)
        return kk_error_set(err, KK_EFORMAT,
                            "%s:%u: year '%.*s' is not a fiscal year (2011, 平成23年度, H23) "
                            "or unknown", m->name, line, (int)vn, eq + 1);
    free(r->values[key]);
    if (!(r->values[key] = copy_span(eq + 1, vn)))
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    return KK_OK;
}

/* Trim blanks (space, tab, CR) at both ends of s[*from..*to). */
static void trim(const char *s, size_t *from, size_t *to)
{
    while (*from < *to && (s[*from] == ' ' || s[*from] == '\t' || s[*from] == '\r'))
        (*from)++;
    while (*to > *from && (s[*to - 1] == ' ' || s[*to - 1] == '\t' || s[*to - 1] == '\r'))
        (*to)--;
}

static kk_status parse_line(kk_manifest *m, const char *s, size_t n, unsigned line, kk_error *err)
{
    size_t a = 0, z = n;
    trim(s, &a, &z);
    if (a == z || s[a] == '#')
        return KK_OK;
    const char *tab = memchr(s + a, '\t', z - a);
    if (!tab)
        return kk_error_set(err, KK_EFORMAT,
                            "%s:%u: expected PATTERN<TAB>key=value…, found no tab", m->name, line);
    rule *r = new_rule(m);
    if (!r || !(r->pattern = copy_span(s + a, (size_t)(tab - (s + a)))))
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    kk_status st = KK_OK;
    size_t i = (size_t)(tab - s);
    while (st == KK_OK && i < z) {
        const char *next = memchr(s + i + 1, '\t', z - i - 1);
        size_t from = i + 1, to = next ? (size_t)(next - s) : z;
        trim(s, &from, &to);
        if (to > from)
            st = parse_field(m, r, s + from, to - from, line, err);
        i = next ? (size_t)(next - s) : z;
    }
    return st;
}

kk_status kk_manifest_parse(const char *text, size_t len, const char *name, kk_manifest **out,
                            kk_error *err)
{
    *out = NULL;
    kk_manifest *m = calloc(1, sizeof *m);
    if (!m || !(m->name = strdup(name ? name : KK_MANIFEST_FILE))) {
        free(m);
        return kk_error_set(err, KK_ENOMEM, "out of memory");
    }
    if (!kk_utf8_valid(text, len)) {
        kk_status st = kk_error_set(err, KK_EFORMAT, "%s: not UTF-8 text", m->name);
        kk_manifest_free(m);
        return st;
    }
    kk_status st = KK_OK;
    unsigned line = 1;
    for (size_t pos = 0; st == KK_OK && pos < len; line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        st = parse_line(m, text + pos, n, line, err);
        pos += n + 1;
    }
    if (st != KK_OK) {
        kk_manifest_free(m);
        return st;
    }
    *out = m;
    return KK_OK;
}

kk_status kk_manifest_load(const char *path, kk_manifest **out, kk_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return kk_error_set(err, errno == ENOENT ? KK_ENOTFOUND : KK_EIO, "%s: %s", path,
                            strerror(errno));
    kk_buf b = {0};
    char chunk[8192];
    size_t n;
    kk_status st = KK_OK;
    while (st == KK_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = kk_buf_add(&b, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (st == KK_OK && failed)
        st = kk_error_set(err, KK_EIO, "%s: read error", path);
    else if (st != KK_OK)
        st = kk_error_set(err, st, "%s: out of memory", path);
    if (st == KK_OK)
        st = kk_manifest_parse(b.data ? b.data : "", b.len, path, out, err);
    kk_buf_free(&b);
    return st;
}

/* A pattern with a '/' is matched against the whole relative path; one without, against the
 * file's name, in this folder or any below it (as .gitignore does). */
static int rule_matches(const rule *r, const char *rel)
{
    const char *base = strrchr(rel, '/');
    const char *subject = strchr(r->pattern, '/') || !base ? rel : base + 1;
    return fnmatch(r->pattern, subject, FNM_PATHNAME) == 0;
}

void kk_manifest_apply(const kk_manifest *m, const char *rel, kk_doc_overrides *o)
{
    for (size_t k = 0; m && k < m->n; k++) {
        const rule *r = &m->rules[k];
        if (!rule_matches(r, rel))
            continue;
        if (r->values[KEY_TITLE]) o->title = r->values[KEY_TITLE];
        if (r->values[KEY_KIND]) o->kind = r->values[KEY_KIND];
        if (r->values[KEY_CITY]) o->city = r->values[KEY_CITY];
        if (r->values[KEY_DEPT]) o->dept = r->values[KEY_DEPT];
        if (r->values[KEY_YEAR]) o->year = r->year;
    }
}

/* ---- reading a document with the manifests above it --------------------------------------- */

/* The manifests of one file, outermost folder first. */
typedef struct stack {
    kk_manifest *m[64];
    size_t rel_at[64]; /* offset in path of the part relative to that manifest's folder */
    size_t n;
} stack;

/* Load the manifest of the folder path[0..dir_len) (dir_len 0: the current folder) if there is
 * one. */
static kk_status push_folder(stack *s, const char *path, size_t dir_len, kk_error *err)
{
    char file[MANIFEST_PATH_MAX];
    if (s->n == sizeof s->m / sizeof s->m[0] || dir_len + sizeof KK_MANIFEST_FILE >= sizeof file)
        return KK_OK;
    snprintf(file, sizeof file, "%.*s%s", (int)dir_len, path, KK_MANIFEST_FILE);
    kk_manifest *m = NULL;
    kk_error lerr = {0};
    kk_status st = kk_manifest_load(file, &m, &lerr);
    if (st == KK_ENOTFOUND)
        return KK_OK;
    if (st != KK_OK)
        return kk_error_set(err, st, "%s", lerr.message);
    s->m[s->n] = m;
    s->rel_at[s->n++] = dir_len;
    return KK_OK;
}

/* Every folder from the root (path without doc) down to the file's own folder. */
static kk_status load_stack(stack *s, const char *path, const char *doc, kk_error *err)
{
    size_t plen = strlen(path), dlen = strlen(doc);
    size_t root = plen >= dlen && strcmp(path + plen - dlen, doc) == 0 ? plen - dlen : plen;
    const char *slash = strrchr(path, '/');
    size_t file_dir = slash ? (size_t)(slash - path) + 1 : 0;
    if (root > file_dir) /* the root is the file itself */
        root = file_dir;
    kk_status st = KK_OK;
    for (size_t i = root; st == KK_OK && i <= file_dir; i++)
        if (i == root || path[i - 1] == '/')
            st = push_folder(s, path, i, err);
    return st;
}

kk_status kk_manifest_read_document(const char *path, const char *doc, kk_document **out,
                                    kk_error *err)
{
    *out = NULL;
    if (!path)
        return kk_error_set(err, KK_EINVAL, "kk_manifest_read_document: no path");
    stack s = {.n = 0};
    kk_status st = load_stack(&s, path, doc ? doc : path, err);
    kk_doc_overrides o = {0};
    for (size_t k = 0; k < s.n; k++)
        kk_manifest_apply(s.m[k], path + s.rel_at[k], &o);
    if (st == KK_OK)
        st = kk_document_read(path, doc, s.n ? &o : NULL, out, err);
    for (size_t k = 0; k < s.n; k++)
        kk_manifest_free(s.m[k]);
    return st;
}
