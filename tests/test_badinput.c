/* test_badinput.c — hostile input: every kind of broken file and query, each reported with a
 * message naming the file (and line where there is one), counted in the run's statistics, and
 * never costing passages that were indexed before.
 *
 * A first run indexes a folder of good files (some of which are spoiled later). A second run
 * meets the bad ones, generated here byte for byte: invalid UTF-8, Shift_JIS/CP932 and EUC-JP,
 * UTF-8 with BOM, UTF-16 with and without BOM (and truncated), a binary file, NUL bytes, an
 * empty file, a 10 MB line, unreadable files and folders, symbolic-link loops, CSV with broken
 * quoting, missing fields or no body column, HTML with unclosed tags; and good files turned bad.
 * Queries: unbalanced quotes, only stop words, 100 KB, invalid UTF-8, unknown fields.
 *
 * Permissions do not stop root, so when run as root the program first becomes nobody (65534).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kk_query.h"
#include "kk_run.h"
#include "kk_xapian.h"
#include "test_util.h"

/* The 10 MB line of the issue: a sentence repeated without a line break. */
#define LONG_LINE_BYTES (10u * 1024 * 1024)

typedef struct fixture {
    char dir[64], docs[128], db[128];
    char messages[16384]; /* the problems reported by the latest run, one per line */
    kk_run_stats stats;
    unsigned docs_before; /* passages after the first run */
} fixture;

static void on_problem(const char *message, void *ctx)
{
    fixture *f = ctx;
    size_t used = strlen(f->messages);
    snprintf(f->messages + used, sizeof f->messages - used, "%s\n", message);
}

static void run_job(fixture *f)
{
    const char *roots[] = {f->docs};
    kk_run_opts o = {0};
    o.db_path = f->db;
    o.roots = roots;
    o.n_roots = 1;
    o.problem = on_problem;
    o.ctx = f;
    f->messages[0] = '\0';
    kk_error err = {0};
    if (kk_run_index(&o, &f->stats, &err) != KK_OK)
        fail_msg("indexing: %s", err.message);
}

static void put(const fixture *f, const char *name, const void *bytes, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", f->docs, name);
    if (kt_write_file(path, bytes, n) != 0)
        fail_msg("cannot write %s", path);
}

static void put_text(const fixture *f, const char *name, const char *text)
{
    put(f, name, text, strlen(text));
}

static unsigned doc_count(const fixture *f)
{
    kk_db *db = NULL;
    unsigned n = 0;
    assert_int_equal(kk_db_open_read(f->db, &db, NULL), KK_OK);
    assert_int_equal(kk_db_doc_count(db, &n, NULL), KK_OK);
    kk_db_free(db);
    return n;
}

/* The first hit for query, or fail; returns its doc (static copy) and checks needle is in it. */
static const char *find(const fixture *f, const char *query, const char *needle)
{
    static char doc[512];
    kk_searcher *s = NULL;
    kk_error err = {0};
    assert_int_equal(kk_searcher_open(f->db, &s, &err), KK_OK);
    kk_search_request req = {query, 0, 5, 0, 0};
    kk_hits *h = NULL;
    if (kk_search(s, &req, &h, &err) != KK_OK)
        fail_msg("search '%s': %s", query, err.message);
    if (h->n == 0)
        fail_msg("'%s' finds nothing: its passages were lost", query);
    if (!strstr(h->hits[0].text, needle))
        fail_msg("'%s': first hit %s does not hold '%s': %s", query, h->hits[0].doc, needle,
                 h->hits[0].text);
    snprintf(doc, sizeof doc, "%s", h->hits[0].doc);
    kk_hits_free(h);
    kk_searcher_free(s);
    return doc;
}

/* The message that names file, or fail. */
static const char *message_for(const fixture *f, const char *file)
{
    static char line[1024];
    for (const char *m = f->messages; *m;) {
        const char *nl = strchr(m, '\n');
        size_t n = nl ? (size_t)(nl - m) : strlen(m);
        snprintf(line, sizeof line, "%.*s", (int)n, m);
        if (strstr(line, file))
            return line;
        m += n + (nl ? 1 : 0);
    }
    fail_msg("no message names %s; the messages were:\n%s", file, f->messages);
    return NULL;
}

/* --- the files --- */

static const char good_csv[] =
    "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n"
    "東京都三鷹市,2024.05.01,広報テスト 第1号,ほたるの夕べ,イベント,\"ほたるの夕べを開催します。"
    "\n会場は大沢の里です。\"\n"
    "東京都三鷹市,2024.05.01,広報テスト 第1号,献血のお願い,くらし,献血にご協力ください。\n";

/* Files indexed by the first run; turns_bad.txt, article.csv and sub/ are spoiled afterwards. */
static void make_good_files(fixture *f)
{
    put_text(f, "good.txt", "三鷹市の基本計画です。\n\n市民の意見を聞いて計画を策定します。\n");
    put_text(f, "turns_bad.txt", "ゆずりは公園の改修を行います。\n");
    put(f, "article.csv", good_csv, sizeof good_csv - 1);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/sub", f->docs);
    assert_int_equal(mkdir(sub, 0755), 0);
    put_text(f, "sub/inner.txt", "はなみずき通りの街路樹を植え替えます。\n");
}

/* "避難所の整備①について\n防災計画を見直します。\n" in CP932 (① is a CP932 extension). */
static const char sjis[] = "\x94\xF0\x93\xEF\x8F\x8A\x82\xCC\x90\xAE\x94\xF5\x87\x40\x82\xC9"
                           "\x82\xC2\x82\xA2\x82\xC4\x0A\x96\x68\x8D\xD0\x8C\x76\x89\xE6\x82"
                           "\xF0\x8C\xA9\x92\xBC\x82\xB5\x82\xDC\x82\xB7\x81\x42\x0A";
/* "下連雀の図書館を建て替えます。\n" in EUC-JP. */
static const char eucjp[] = "\xB2\xBC\xCF\xA2\xBF\xFD\xA4\xCE\xBF\xDE\xBD\xF1\xB4\xDB\xA4\xF2"
                            "\xB7\xFA\xA4\xC6\xC2\xD8\xA4\xA8\xA4\xDE\xA4\xB9\xA1\xA3\x0A";
/* BOM + "井の頭の池を浄化します。\n" in UTF-16LE; the same without BOM in UTF-16BE. */
static const char utf16le[] = "\xFF\xFE\x95\x4E\x6E\x30\x2D\x98\x6E\x30\x60\x6C\x92\x30\x44\x6D"
                              "\x16\x53\x57\x30\x7E\x30\x59\x30\x02\x30\x0A\x00";
static const char utf16be[] = "\x4E\x95\x30\x6E\x98\x2D\x30\x6E\x6C\x60\x30\x92\x6D\x44\x53\x16"
                              "\x30\x57\x30\x7E\x30\x59\x30\x02\x00\x0A";

static const char broken_quote_csv[] =
    "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n"
    "東京都三鷹市,2024.06.01,広報テスト 第2号,壊れた行,くらし,\"引用符の\"後に文字\"です\n"
    "東京都三鷹市,2024.06.01,広報テスト 第2号,正しい行,くらし,あじさい祭りを開きます。\n";
static const char missing_csv[] =
    "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n"
    "東京都三鷹市,2024.07.01,足りない行\n"
    "東京都三鷹市,2024.07.01,広報テスト 第3号,正しい行,くらし,朝顔市を開きます。\n";
static const char no_body_csv[] = "自治体名,公開年月,記事タイトル\n東京都三鷹市,2024.08.01,本文なし\n";

/* Numbered sentences, so that no two passages are copies (copies are shown once). */
static void make_long_line(const fixture *f)
{
    size_t cap = LONG_LINE_BYTES + 256, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (unsigned k = 1; len < LONG_LINE_BYTES; k++)
        len += (size_t)snprintf(text + len, cap - len, "市は第%u回の防災訓練を地域で実施する。", k);
    memcpy(text + len, "\n", 2);
    put_text(f, "long.txt", text);
    free(text);
}

static void make_bad_files(fixture *f)
{
    put_text(f, "bad_utf8.txt", "一行目は正しい文です。\n二行目で\xff\xfe壊れます。\n");
    put(f, "sjis.txt", sjis, sizeof sjis - 1);
    put(f, "eucjp.txt", eucjp, sizeof eucjp - 1);
    put_text(f, "bom.txt", "\xEF\xBB\xBF野川の遊歩道を整備します。\r\n");
    put(f, "utf16le.txt", utf16le, sizeof utf16le - 1);
    put(f, "utf16be.txt", utf16be, sizeof utf16be - 1);
    put(f, "utf16_cut.txt", utf16le, sizeof utf16le - 2); /* odd length: a unit cut in half */
    unsigned char binary[4096];
    for (size_t k = 0; k < sizeof binary; k++)
        binary[k] = (unsigned char)(k * 7919u >> 3);
    memcpy(binary, "\x89PNG\r\n\x1a\n", 8);
    put(f, "binary.txt", binary, sizeof binary);
    put(f, "nul.txt", "一行目です。\n二行目の\0計画です。\n", sizeof "一行目です。\n二行目の\0計画です。\n" - 1);
    put_text(f, "empty.txt", "");
    make_long_line(f);
    put_text(f, "unreadable.txt", "読めないファイルです。\n");
    char path[512];
    snprintf(path, sizeof path, "%s/unreadable.txt", f->docs);
    assert_int_equal(chmod(path, 0), 0);
    if (access(path, R_OK) == 0)
        fail_msg("cannot make a file unreadable as uid %d", (int)geteuid());
    snprintf(path, sizeof path, "%s/sub", f->docs);
    assert_int_equal(chmod(path, 0), 0);
    char target[512];
    snprintf(path, sizeof path, "%s/loop", f->docs);
    assert_int_equal(symlink(f->docs, path), 0); /* docs/loop -> docs */
    snprintf(path, sizeof path, "%s/self.txt", f->docs);
    snprintf(target, sizeof target, "%s/self.txt", f->docs);
    assert_int_equal(symlink(target, path), 0); /* a link to itself */
    put(f, "broken_quote.csv", broken_quote_csv, sizeof broken_quote_csv - 1);
    put(f, "missing.csv", missing_csv, sizeof missing_csv - 1);
    put(f, "no_body.csv", no_body_csv, sizeof no_body_csv - 1);
    put_text(f, "unclosed.html", "<p>本文です。<b 未閉じのタグ <i>斜体</i> と続く文。</p>\n"
                                 "<p>次の段落<!-- 閉じないコメント\n");
    /* good files gone bad */
    put_text(f, "turns_bad.txt", "ゆずりは公園の\xff改修を行います。\n");
    put(f, "article.csv", no_body_csv, sizeof no_body_csv - 1);
}

/* --- fixture --- */

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "badinput"), 0);
    snprintf(f->docs, sizeof f->docs, "%s/docs", f->dir);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    assert_int_equal(mkdir(f->docs, 0755), 0);
    make_good_files(f);
    run_job(f);
    assert_int_equal(f->stats.files_indexed, 4);
    assert_int_equal(f->stats.files_skipped, 0);
    f->docs_before = doc_count(f);
    make_bad_files(f);
    run_job(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kt_remove_tree(f->dir);
    free(f);
    return 0;
}

/* --- tests --- */

typedef struct expected_message {
    const char *file;    /* the file (and line) the message must name */
    const char *words;   /* what it must say */
} expected_message;

static const expected_message expected[] = {
    {"bad_utf8.txt:2:", "invalid UTF-8"},
    {"utf16_cut.txt:", "not valid UTF-16LE"},
    {"binary.txt:", "binary file"},
    {"nul.txt:2:", "NUL byte removed"},
    {"empty.txt:", "empty file"},
    {"long.txt:1:", "cut into pieces"},
    {"unreadable.txt:", "Permission denied"},
    {"/sub:", "Permission denied"},
    {"/loop:", "already walked"},
    {"self.txt:", "Too many levels of symbolic links"},
    {"broken_quote.csv:2:", "broken quoting"},
    {"missing.csv:2:", "3 fields where the header has 6"},
    {"no_body.csv:1:", "no 記事本文 column"},
    {"unclosed.html:1:", "not closed"},
    {"turns_bad.txt:1:", "earlier passages are kept"},
    {"article.csv:1:", "earlier passages are kept"},
};

static void test_each_problem_is_reported_by_name(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < sizeof expected / sizeof expected[0]; k++) {
        const char *m = message_for(f, expected[k].file);
        if (!strstr(m, expected[k].words))
            fail_msg("message for %s does not say '%s': %s", expected[k].file, expected[k].words,
                     m);
    }
}

static void test_problems_are_counted(void **state)
{
    fixture *f = *state;
    const kk_run_stats *s = &f->stats;
    assert_int_equal(s->skipped[KK_SKIP_ENCODING], 3);   /* bad_utf8, utf16_cut, turns_bad */
    assert_int_equal(s->skipped[KK_SKIP_BINARY], 3);     /* binary, no_body, article */
    assert_int_equal(s->skipped[KK_SKIP_UNREADABLE], 1); /* unreadable */
    assert_int_equal(s->skipped[KK_SKIP_WALK], 3);       /* sub/, loop, self.txt */
    assert_int_equal(s->files_skipped, 10);
    /* nul, empty, long, broken_quote, missing, unclosed: one warning each */
    assert_int_equal(s->warnings, 6);
    /* sjis, eucjp, bom, utf16le, utf16be, nul, empty, long, broken_quote, missing, unclosed */
    assert_int_equal(s->files_indexed, 11);
    assert_int_equal(s->files_unchanged, 1); /* good.txt */
    assert_int_equal(s->files_removed, 0);
}

static void test_nothing_indexed_before_is_lost(void **state)
{
    fixture *f = *state;
    assert_true(doc_count(f) > f->docs_before);
    find(f, "三鷹市の基本計画", "基本計画");
    assert_non_null(strstr(find(f, "ゆずりは公園", "ゆずりは公園の改修"), "turns_bad.txt"));
    assert_non_null(strstr(find(f, "ほたるの夕べ", "大沢の里"), "article.csv"));
    assert_non_null(strstr(find(f, "はなみずき通り", "街路樹"), "inner.txt"));
}

static void test_other_encodings_are_read(void **state)
{
    fixture *f = *state;
    assert_non_null(strstr(find(f, "避難所の整備", "避難所の整備①について"), "sjis.txt"));
    assert_non_null(strstr(find(f, "図書館を建て替え", "下連雀の図書館"), "eucjp.txt"));
    assert_non_null(strstr(find(f, "野川の遊歩道", "野川の遊歩道を整備します。"), "bom.txt"));
    assert_non_null(strstr(find(f, "\"井の頭の池を浄化\" doc:utf16le", "井の頭の池を浄化します。"),
                           "utf16le.txt"));
    assert_non_null(strstr(find(f, "\"井の頭の池を浄化\" doc:utf16be", "井の頭の池を浄化します。"),
                           "utf16be.txt"));
    assert_non_null(strstr(find(f, "\"二行目の計画\"", "二行目の計画です。"), "nul.txt"));
    assert_non_null(strstr(find(f, "あじさい祭り", "あじさい祭り"), "broken_quote.csv"));
    assert_non_null(strstr(find(f, "朝顔市", "朝顔市"), "missing.csv"));
    assert_non_null(strstr(find(f, "未閉じのタグ", "未閉じのタグ 斜体 と続く文。"), "unclosed.html"));
}

/* The 10 MB line becomes passages of at most a page, not one passage of 10 MB. */
static void test_long_line_is_cut(void **state)
{
    fixture *f = *state;
    kk_searcher *s = NULL;
    assert_int_equal(kk_searcher_open(f->db, &s, NULL), KK_OK);
    kk_search_request req = {"doc:long.txt", 0, 1000, 0, 0};
    kk_hits *h = NULL;
    kk_error err = {0};
    if (kk_search(s, &req, &h, &err) != KK_OK)
        fail_msg("%s", err.message);
    if (h->total < 2000) /* about 3.5 million characters */
        fail_msg("long.txt: %u passages, %zu hits", h->total, h->n);
    for (size_t k = 0; k < h->n; k++) {
        size_t chars = 0;
        for (const char *c = h->hits[k].text; *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        assert_true(chars <= 1500);
    }
    kk_hits_free(h);
    kk_searcher_free(s);
}

/* A rerun with the same bad files reports them again and changes nothing. */
static void test_rerun_is_stable(void **state)
{
    fixture *f = *state;
    unsigned before = doc_count(f);
    run_job(f);
    assert_int_equal(f->stats.files_indexed, 0);
    assert_int_equal(f->stats.files_skipped, 10);
    assert_int_equal(doc_count(f), before);
}

typedef struct query_case {
    const char *query;
    kk_status status;
    const char *message; /* in the error, for failures */
    const char *why;
} query_case;

static void test_bad_queries(void **state)
{
    fixture *f = *state;
    char *huge = malloc(100 * 1024 + 1);
    assert_non_null(huge);
    for (size_t k = 0; k < 100 * 1024; k++)
        huge[k] = "防災"[k % 6];
    huge[100 * 1024] = '\0';
    const query_case cases[] = {
        {"\"ゆずりは公園", KK_OK, NULL, "unbalanced quote: a phrase to the end"},
        {"ゆずりは\" 公園", KK_OK, NULL, "a quote in the middle"},
        {"の は が を", KK_EPARSE, "particles", "only one-kana particles: not indexed"},
        {"について ですか", KK_EPARSE, "(について, です, か)", "only stop words: not indexed, named"},
        {huge, KK_EINVAL, "the limit is 4096", "100 KB of text"},
        {"防災\xff\xfe", KK_EINVAL, "not valid UTF-8", "invalid UTF-8"},
        {"\xE9\x98\xB2", KK_OK, NULL, "a lone valid character"},
        {"colour:red 献血", KK_EPARSE, "known fields: year, kind", "unknown field"},
        {"year:abc", KK_EPARSE, "not a year", "a year that is none"},
        {"year:", KK_EPARSE, "needs a value", "a field without value"},
        {"-", KK_EPARSE, "nothing to search for", "a lone minus"},
        {"OR OR OR", KK_EPARSE, "nothing to search for", "only OR"},
        {"-防災", KK_EPARSE, "nothing to search for", "only an exclusion"},
    };
    kk_searcher *s = NULL;
    assert_int_equal(kk_searcher_open(f->db, &s, NULL), KK_OK);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const query_case *c = &cases[k];
        kk_search_request req = {c->query, 0, 10, 1, 0};
        kk_hits *h = NULL;
        kk_error err = {0};
        kk_status st = kk_search(s, &req, &h, &err);
        if (st != c->status)
            fail_msg("%s: %s (%s), expected %s", c->why, kk_status_name(st), err.message,
                     kk_status_name(c->status));
        if (c->message && !strstr(err.message, c->message))
            fail_msg("%s: message '%s' lacks '%s'", c->why, err.message, c->message);
        if (st == KK_OK)
            assert_non_null(h);
        else
            assert_null(h);
        kk_hits_free(h);
    }
    kk_searcher_free(s);
    free(huge);
}

/* Permissions do not apply to root: become nobody so that unreadable files are unreadable. */
static void drop_root(void)
{
    if (geteuid() != 0)
        return;
    if (setgid(65534) != 0 || setuid(65534) != 0) {
        perror("test_badinput: cannot become nobody");
        exit(1);
    }
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* LeakSanitizer needs it; setuid cleared it */
}

int main(void)
{
    drop_root();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_problem_is_reported_by_name),
        cmocka_unit_test(test_problems_are_counted),
        cmocka_unit_test(test_nothing_indexed_before_is_lost),
        cmocka_unit_test(test_other_encodings_are_read),
        cmocka_unit_test(test_long_line_is_cut),
        cmocka_unit_test(test_rerun_is_stable),
        cmocka_unit_test(test_bad_queries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
