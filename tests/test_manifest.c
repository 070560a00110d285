/* test_manifest.c — tests for kk_manifest: the line syntax (good and bad lines, each error
 * naming file and line), the order rules and folders apply in, and the facts the shipped
 * corpus/mitaka/.keikakumanifest gives each mitaka file when read through it. Temporary folders
 * go under /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kk_manifest.h"
#include "test_util.h"

static void check_string(const char *what, const char *got, const char *expected)
{
    if ((!expected && got) || (expected && (!got || strcmp(got, expected) != 0)))
        fail_msg("%s: got \"%s\", expected \"%s\"", what, got ? got : "(null)",
                 expected ? expected : "(null)");
}

static kk_manifest *parse_ok(const char *text)
{
    kk_manifest *m = NULL;
    kk_error err = {0};
    if (kk_manifest_parse(text, strlen(text), "m", &m, &err) != KK_OK)
        fail_msg("%s", err.message);
    return m;
}

/* --- syntax --- */

static void test_good_lines(void **state)
{
    (void)state;
    kk_manifest *m = parse_ok("# comment\n"
                              "\n"
                              "*.txt\tcity=東京都三鷹市\n"
                              "000_*.txt\tyear=平成23年度\tkind=個別計画\ttitle=個別計画 (素案) の概要\r\n"
                              "004_*.txt\tyear=unknown\t\tdept=企画部  \n"
                              "sub/*.csv\tyear=H31");
    kk_doc_overrides o = {0};
    kk_manifest_apply(m, "000_148b0aeab5517d59.txt", &o);
    check_string("city", o.city, "東京都三鷹市");
    check_string("kind", o.kind, "個別計画");
    check_string("title", o.title, "個別計画 (素案) の概要"); /* spaces kept, CR trimmed */
    assert_null(o.dept);
    assert_int_equal(o.year, 2011); /* 平成23年度 */
    o = (kk_doc_overrides){0};
    kk_manifest_apply(m, "004_a90150c5bdbb2000.txt", &o);
    assert_int_equal(o.year, -1); /* unknown: infer none */
    check_string("dept", o.dept, "企画部");
    o = (kk_doc_overrides){0};
    kk_manifest_apply(m, "sub/a.csv", &o);
    assert_int_equal(o.year, 2019); /* H31, the last line without a newline */
    assert_null(o.city);            /* "*.txt" does not match */
    o = (kk_doc_overrides){0};
    kk_manifest_apply(m, "sub/x.txt", &o);
    check_string("city", o.city, "東京都三鷹市"); /* no '/' in the pattern: any folder below */
    assert_int_equal(o.year, 0);
    o = (kk_doc_overrides){0};
    kk_manifest_apply(m, "sub/deeper/a.csv", &o);
    assert_int_equal(o.year, 0); /* with a '/', the whole path: * does not cross '/' */
    kk_manifest_free(m);
    kk_manifest_free(NULL);
}

static void test_later_rules_win(void **state)
{
    (void)state;
    kk_manifest *m = parse_ok("*\tkind=広報\tcity=A市\n"
                              "a*\tkind=基本計画\n");
    kk_doc_overrides o = {0};
    kk_manifest_apply(m, "ab.txt", &o);
    check_string("kind", o.kind, "基本計画");
    check_string("city", o.city, "A市"); /* a later rule changes only the keys it names */
    o = (kk_doc_overrides){0};
    kk_manifest_apply(m, "b.txt", &o);
    check_string("kind", o.kind, "広報");
    kk_manifest_free(m);
}

typedef struct bad_case {
    const char *text;
    const char *message; /* part of the error message */
    const char *why;
} bad_case;

static const bad_case bad_cases[] = {
    {"*.txt city=三鷹市\n", "m:1: expected PATTERN<TAB>key=value", "blank instead of tab"},
    {"# ok\n*.txt\tcity\n", "m:2: 'city' is not key=value", "no ="},
    {"*.txt\tyaer=2011\n", "m:1: unknown key 'yaer' (known: title, kind, city, dept, year)",
     "a typo lists the known keys"},
    {"\n\n*.txt\tyear=来年\n", "m:3: year '来年' is not a fiscal year", "not a year"},
    {"*.txt\tyear=1700\n", "m:1: year '1700'", "bare numbers only within 1868..2100"},
    {"*.txt\ttitle=\n", "m:1: title has no value", "empty value"},
    {"*.txt\tkind=\xFF\n", "m: not UTF-8 text", "bytes that are not UTF-8"},
};

static void test_bad_lines(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof bad_cases / sizeof bad_cases[0]; k++) {
        const bad_case *c = &bad_cases[k];
        kk_manifest *m = NULL;
        kk_error err = {0};
        kk_status st = kk_manifest_parse(c->text, strlen(c->text), "m", &m, &err);
        if (st != KK_EFORMAT || m || !strstr(err.message, c->message))
            fail_msg("%s: %s \"%s\", expected \"%s\"", c->why, kk_status_name(st), err.message,
                     c->message);
    }
}

/* --- folders --- */

typedef struct tree {
    char dir[64];
} tree;

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(kt_write_text(path, text), 0);
}

static void test_folders(void **state)
{
    (void)state;
    char root[64], sub[96], path[160];
    assert_int_equal(kt_tempdir(root, sizeof root, "manifest"), 0);
    snprintf(sub, sizeof sub, "%s/plans", root);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(root, KK_MANIFEST_FILE, "plans/*\tcity=三鷹市\tkind=広報\n");
    write_file(sub, KK_MANIFEST_FILE, "a.txt\tkind=個別計画\tyear=2015\n");
    write_file(sub, "a.txt", "平成24年度の計画です。\n");
    snprintf(path, sizeof path, "%s/a.txt", sub);

    kk_document *d = NULL;
    kk_error err = {0};
    assert_int_equal(kk_manifest_read_document(path, "plans/a.txt", &d, &err), KK_OK);
    check_string("city", d->city, "三鷹市");     /* from the root's manifest */
    check_string("kind", d->kind, "個別計画");   /* the deeper manifest wins */
    assert_int_equal(d->year, 2015);             /* over 平成24年度 in the text */
    kk_document_free(d);

    /* Indexing the folder itself: the manifest above the root is not looked at. */
    assert_int_equal(kk_manifest_read_document(path, "a.txt", &d, &err), KK_OK);
    assert_null(d->city);
    kk_document_free(d);

    write_file(sub, KK_MANIFEST_FILE, "a.txt\tkind=個別計画\n*\tyera=2015\n");
    assert_int_equal(kk_manifest_read_document(path, "plans/a.txt", &d, &err), KK_EFORMAT);
    assert_null(d);
    char where[200];
    snprintf(where, sizeof where, "%s/" KK_MANIFEST_FILE ":2: unknown key 'yera'", sub);
    if (!strstr(err.message, where))
        fail_msg("message \"%s\" does not name the manifest and line", err.message);
    kt_remove_tree(root);
}

/* --- the shipped mitaka manifest --- */

typedef struct mitaka_case {
    const char *file, *kind, *title;
    int year;
} mitaka_case;

static const mitaka_case mitaka_cases[] = {
    {"000_148b0aeab5517d59.txt", "個別計画", "第4次基本計画と同時に策定・改定を行う個別計画(素案)の概要",
     2011},
    {"001_09e3a432859daf71.txt", "個別計画", "第4次基本計画（第1次改定）と同時に策定・改定した個別計画",
     2015},
    {"002_14af7f8c1c2b8dac.txt", "運営方針と目標", "平成24年度「各部の運営方針と目標」", 2012},
    {"003_ed473fa6d39f6456.txt", "運営方針と目標", "令和元年度「各部の運営方針と目標」", 2019},
    {"004_a90150c5bdbb2000.txt", "基本計画", "後期基本計画（素案）と現行基本計画の対照", 0},
};

static void test_mitaka_manifest(void **state)
{
    (void)state;
    const char *src = getenv("KK_SOURCE_DIR");
    for (size_t k = 0; k < sizeof mitaka_cases / sizeof mitaka_cases[0]; k++) {
        const mitaka_case *c = &mitaka_cases[k];
        char path[1024], doc[128];
        snprintf(path, sizeof path, "%s/corpus/mitaka/%s", src ? src : ".", c->file);
        snprintf(doc, sizeof doc, "mitaka/%s", c->file);
        kk_document *d = NULL;
        kk_error err = {0};
        if (kk_manifest_read_document(path, doc, &d, &err) != KK_OK)
            fail_msg("%s: %s", c->file, err.message);
        check_string("kind", d->kind, c->kind);
        check_string("title", d->title, c->title);
        check_string("city", d->city, "東京都三鷹市");
        if (d->year != c->year)
            fail_msg("%s: year %d, expected %d", c->file, d->year, c->year);
        for (size_t i = 0; i < d->n_passages; i++)
            if (c->year && d->passages[i].year != c->year)
                fail_msg("%s:%u: year %d", c->file, d->passages[i].line, d->passages[i].year);
        kk_document_free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_lines),
        cmocka_unit_test(test_later_rules_win),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_folders),
        cmocka_unit_test(test_mitaka_manifest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
