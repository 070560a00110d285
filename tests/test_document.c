/* test_document.c — tests for kk_document: decoding, passage splitting and metadata.
 *
 * Real passages of corpus/mitaka (found through KK_SOURCE_DIR) with their line, section, year,
 * department and version; bulletin CSV articles; a council-minutes excerpt; encodings written
 * as bytes; broken CSV; data-driven splitting cases. Temporary files go under /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kk_document.h"

/* --- helpers --- */

static char *source_path(const char *rel)
{
    const char *root = getenv("KK_SOURCE_DIR");
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    return path;
}

static kk_document *read_doc(const char *rel)
{
    kk_error err = {0};
    kk_document *d = NULL;
    kk_status st = kk_document_read(source_path(rel), rel, NULL, &d, &err);
    if (st != KK_OK)
        fail_msg("%s: %s %s", rel, kk_status_name(st), err.message);
    return d;
}

/* Write bytes to a temporary file with the given suffix; returns its path (static buffer). */
static const char *write_temp(const char *suffix, const char *bytes, size_t n)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/kk_test_document_%ld%s", (long)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static kk_status read_temp(const char *suffix, const char *bytes, size_t n, kk_document **d,
                           kk_error *err)
{
    const char *path = write_temp(suffix, bytes, n);
    kk_status st = kk_document_read(path, "temp", NULL, d, err);
    unlink(path);
    return st;
}

static const kk_passage *find_passage(const kk_document *d, const char *needle)
{
    for (size_t i = 0; i < d->n_passages; i++)
        if (strstr(d->passages[i].text, needle))
            return &d->passages[i];
    fail_msg("%s: no passage contains \"%s\"", d->doc, needle);
    return NULL;
}

/* The passage holding needle that starts on line (the same wording can recur in a document). */
static const kk_passage *find_passage_at(const kk_document *d, const char *needle, unsigned line)
{
    for (size_t i = 0; i < d->n_passages; i++)
        if (strstr(d->passages[i].text, needle) && d->passages[i].line == line)
            return &d->passages[i];
    const kk_passage *p = find_passage(d, needle);
    fail_msg("%s: \"%s\" starts on line %u, expected %u", d->doc, needle, p->line, line);
    return NULL;
}

static int has_plan(const kk_passage *p, const char *name)
{
    for (size_t k = 0; k < p->n_plans; k++)
        if (strcmp(p->plans[k], name) == 0)
            return 1;
    return 0;
}

static void check_string(const char *what, const char *got, const char *expected,
                          const char *why)
{
    if (!expected && !got)
        return;
    if (!expected || !got || strcmp(got, expected) != 0)
        fail_msg("%s: got \"%s\", expected \"%s\" (%s)", what, got ? got : "(null)",
                 expected ? expected : "(null)", why);
}

/* --- corpus/mitaka passages --- */

typedef struct corpus_case {
    const char *file;
    const char *needle;         /* text found in the passage */
    unsigned line, lines;       /* lines 0: not checked */
    const char *section;        /* exact section, or NULL for none */
    const char *section_prefix; /* checked instead of section when set */
    int year;
    const char *dept;           /* department (企画部) */
    const char *office;         /* 担当課 */
    const char *version;
    const char *plan;           /* a plan name the passage must carry, or NULL */
    const char *why;
} corpus_case;

#define M000 "corpus/mitaka/000_148b0aeab5517d59.txt"
#define M001 "corpus/mitaka/001_09e3a432859daf71.txt"
#define M002 "corpus/mitaka/002_14af7f8c1c2b8dac.txt"
#define M003 "corpus/mitaka/003_ed473fa6d39f6456.txt"
#define M004 "corpus/mitaka/004_a90150c5bdbb2000.txt"
#define S611 "6-1-1 市民の創意と意欲を活かした協働のまちづくり"
#define S611_CURRENT S611 " › 第1節 市民とともにつくるまちづくり › 1. 市民の創意と意欲を活かしたまちづくり より"
#define OFFICE_GENDER "企画経営課平和・女性・国際化推進係"

static const corpus_case corpus_cases[] = {
    {M000, "この計画は、持続可能な自治体経営の創造を実現するため", 28, 7,
     "企画部 › 行財政改革アクションプラン2022 策定", NULL, 0, "企画部", "企画経営課企画調整係",
     NULL, "行財政改革アクションプラン2022",
     "department and plan title head the plan; the 担当課 line after it names its office"},
    {M000, "男女平等参画条例と行動計画の啓発・推進", 90, 1,
     "企画部 › 男女平等参画のための三鷹市行動計画2022 策定 › ○主な事業", NULL, 0, "企画部",
     OFFICE_GENDER, NULL, "男女平等参画のための三鷹市行動計画2022",
     "each - item is a passage; ○主な事業 heads them; 策定 on its own line joins the title"},
    {M000, "1月26日(木)(必着)までに", 26, 1, "個別計画にご意見をお寄せください", NULL, 0, NULL,
     NULL, NULL, NULL, "the call for comments precedes the department: no dept, no office"},
    {M001, "男女が性別に関わらず、誰もが個人として尊重され", 1, 11,
     "男女平等参画のための三鷹市行動計画2022 第1次改定 › 目的・概要", NULL, 2015, "企画部",
     OFFICE_GENDER, NULL, "男女平等参画のための三鷹市行動計画2022",
     "a blank line inside a sentence does not end the passage; year from the last line; the "
     "page's 企画部 tab, printed near the end, names the page's plans"},
    {M001, "◎相談体制の充実", 18, 4,
     "男女平等参画のための三鷹市行動計画2022 第1次改定 › 主な事業と取り組み内容", NULL, 2015,
     "企画部", OFFICE_GENDER, NULL, NULL, "a ◎ item with its wrapped lines"},
    {M001, "行政サービスの質の向上を図りつつ事業を徹底的に見直すことで", 39, 5,
     "新・行財政改革アクションプラン2022 策定 › 目的・概要", NULL, 2015, "企画部",
     "企画経営課行政評価担当", NULL, "新・行財政改革アクションプラン2022",
     "this plan's title is printed after its text (line 131): the untitled block that names "
     "the plan gets it"},
    {M001, "◇個別課題体系１ 創造的な自治体経営の推進", 65, 16,
     "新・行財政改革アクションプラン2022 策定 › 目標指標", NULL, 2015, "企画部",
     "企画経営課行政評価担当", NULL, "新・行財政改革アクションプラン2022",
     "tab-separated 体系 rows are one item, under the same moved title"},
    {M001, "個別計画の閲覧およびパブリックコメントなどの結果について", 128, 1, NULL, NULL, 2015,
     NULL, NULL, NULL, NULL, "the indented \" 家庭\" after it is a text box of its own"},
    {M002, "☞平成22年度に作成した無作為抽出方式", 38, 1, "総務部", NULL, 2012, "総務部", NULL,
     NULL, NULL, "the department in force; the year is the document's, not the 平成22年度 cited"},
    {M002, "「各部の運営方針と目標」は、「施政方針」などに掲げる事業", 3, 8,
     "各部の取り組みを紹介します 平成24年度 「各部の運営方針と目標」を策定しました", NULL,
     2012, NULL, "企画経営課", NULL, NULL,
     "title lines merge (平成 / 24年度 across a line break); ☎企画経営課 is the article's office"},
    {M003, "●『第4次三鷹市基本計画』の第2次改定に当たっては", 16, 6, "企画部", NULL, 2019,
     "企画部", NULL, NULL, "第4次三鷹市基本計画",
     "003's labels follow their items; the first of the stacked 企画部 / 子ども政策部"},
    {M003, "●総合防災センターを核とした危機管理体制の強化", 38, 5, "総務部", NULL, 2019, "総務部",
     NULL, NULL, "災害時機能転換マニュアル",
     "総務部 / 都市整備部 stacked after six items: the first three are 総務部's"},
    {M003, "●『下水道再生計画』に基づき、長寿命化や地震対策", 60, 5, "都市整備部", NULL, 2019,
     "都市整備部", NULL, NULL, "下水道再生計画", "…and the next three 都市整備部's"},
    {M003, "●ふじみ衛生組合「リサイクルセンター」の更新", 97, 5, "生活環境部", NULL, 2019,
     "生活環境部", NULL, NULL, "ごみ処理総合計画2022", "「市民部 ●…」: a label before an item"},
    {M003, "●10月から実施される幼児教育・保育の無償化", 157, 3, "子ども政策部", NULL, 2019,
     "子ども政策部", NULL, NULL, NULL,
     "the last block has no label after it: 子ども政策部, left over from the first stack"},
    {M003, "「各部の運営方針と目標」の全文は、市ホームページのほか", 3, 2, NULL, NULL, 2019, NULL,
     "企画経営課", NULL, NULL, "the introduction is no department's"},
    {M003, "●『健康福祉総合計画2022（第1次改定）・地域福祉計画』の改定に当たり", 139, 4,
     "健康福祉部", NULL, 2019, "健康福祉部", NULL, NULL, NULL, "a single label after its block"},
    {M004, "近年の行政改革の進展や地域主権の拡大", 3, 4, NULL, S611, 0, NULL, NULL,
     "後期基本計画（素案）", NULL, "left column of the 6-1-1 table"},
    {M004, "国際化、情報化、少子・高齢化の進展など社会経済環境", 6, 1, S611_CURRENT " › 【現況と課題】",
     NULL, 0, NULL, NULL, "現行基本計画", NULL, "right column of the same row"},
    {M004, "システムを整備するとともに、開かれた市政を推進するため", 6, 3, NULL, S611, 0, NULL, NULL,
     "現行基本計画", NULL, "a right cell ending 整備す continues in the next row's right cell"},
    {M004, "市民の自主性・主体性に支えられた幅広いボランティア活動", 16, 3, NULL, S611, 0, NULL,
     NULL, "現行基本計画", NULL, "plain lines after the table continue the unfinished right cell"},
    {M004, "NPO、市民、事業者、行政のパートナーシップのシステムづくり", 12, 1, NULL,
     S611 " › 第7章 第1節 効率的で市民にわかりやすい行財政運営 › 2. 効率的な行政運営 より", 0,
     NULL, NULL, "現行基本計画", NULL, "第7章 第1節 on one line names a section of chapter 7"},
    {M004, "各種審議会や委員会などの委員に公募制を取り入れるなど", 14, 1, NULL,
     S611_CURRENT " › (1) 市民と行政とのパートナーシップによるまちづくりの推進", 0, NULL, NULL,
     "現行基本計画", NULL,
     "a later 第1節 without a chapter is not put under the 第7章 seen before it"},
    {M004, "・配偶者からの暴力の被害者に対する支援", 208, 1,
     "6-3-1 男女共同参画社会の形成 › 施策3) 相談・支援体制の充実 › 〔主要事業〕", NULL, 0,
     NULL, NULL, "後期基本計画（素案）", NULL, "list items inside <ul> split at ・"},
    {M004, "必要な情報が必要な市民に行き渡ると共に", 45, 5,
     "6-1-2 市民との情報共有の推進 › 《基本方針》 › [めざすべき姿]", NULL, 0, NULL, NULL,
     "後期基本計画（素案）", NULL, "untabbed 《》[] headings belong to the left column"},
};

static void test_corpus_passages(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof corpus_cases / sizeof corpus_cases[0]; k++) {
        const corpus_case *c = &corpus_cases[k];
        kk_document *d = read_doc(c->file);
        const kk_passage *p = find_passage_at(d, c->needle, c->line);
        if (p->line != c->line || (c->lines && p->lines != c->lines))
            fail_msg("%s: line %u+%u, expected %u+%u (%s)", c->needle, p->line, p->lines,
                     c->line, c->lines, c->why);
        if (c->section_prefix) {
            if (!p->section || strncmp(p->section, c->section_prefix, strlen(c->section_prefix)))
                fail_msg("%s: section \"%s\" (%s)", c->needle, p->section, c->why);
        } else {
            check_string("section", p->section, c->section, c->why);
        }
        if (p->year != c->year)
            fail_msg("%s: year %d, expected %d (%s)", c->needle, p->year, c->year, c->why);
        check_string("dept", p->dept, c->dept, c->why);
        check_string("office", p->office, c->office, c->why);
        check_string("version", p->version, c->version, c->why);
        if (c->plan && !has_plan(p, c->plan))
            fail_msg("%s: no plan %s (%s)", c->needle, c->plan, c->why);
        kk_document_free(d);
    }
}

/* 001's last lines: a text box " 家庭" and the plan title printed after its plan's text. */
static void test_layout_repairs(void **state)
{
    (void)state;
    kk_document *d = read_doc(M001);
    check_string("text", find_passage_at(d, "家庭", 129)->text, "家庭", "an indented line is a box");
    for (size_t i = 0; i < d->n_passages; i++)
        if (strcmp(d->passages[i].text, "新・行財政改革アクションプラン2022 策定") == 0)
            fail_msg("the moved plan title is still a passage of its own at line %u",
                     d->passages[i].line);
    kk_document_free(d);
    d = read_doc(M003);
    const kk_passage *p = find_passage(d, "●『土地利用総合計画2022（第1次改定）』を改定");
    assert_true(has_plan(p, "土地利用総合計画2022")); /* the revision is not another plan */
    kk_document_free(d);
    d = read_doc("corpus/bulletin/332020_広報くらしき2024年11月号.csv");
    for (size_t i = 0; i < d->n_passages; i++)
        for (size_t k = 0; k < d->passages[i].n_plans; k++)
            if (!strstr(d->passages[i].plans[k], "計画") && !strstr(d->passages[i].plans[k], "プラン"))
                fail_msg("bulletin line %u: 『%s』 taken for a plan", d->passages[i].line,
                         d->passages[i].plans[k]);
    kk_document_free(d);
}

typedef struct doc_case {
    const char *file, *title, *kind;
    int year;
    const char *why;
} doc_case;

static const doc_case doc_cases[] = {
    {M000, "個別計画にご意見をお寄せください", "個別計画", 0, "no year stated"},
    {M001, "男女平等参画のための三鷹市行動計画2022 第1次改定", "個別計画", 2015,
     "平成27年度 in the last line"},
    {M002, "各部の取り組みを紹介します 平成24年度 「各部の運営方針と目標」を策定しました",
     "運営方針と目標", 2012, "平成\\n24年度"},
    {M003, "各部の取り組みを紹介します令和元年度「各部の運営方針と目標」を策定しました",
     "運営方針と目標", 2019, "令和元年度"},
    {M004, S611, "基本計画", 0, "comparison table of a basic plan"},
};

static void test_corpus_documents(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof doc_cases / sizeof doc_cases[0]; k++) {
        const doc_case *c = &doc_cases[k];
        kk_document *d = read_doc(c->file);
        check_string("title", d->title, c->title, c->why);
        check_string("kind", d->kind, c->kind, c->why);
        check_string("encoding", d->encoding, "UTF-8", c->why);
        if (d->year != c->year)
            fail_msg("%s: year %d, expected %d (%s)", c->file, d->year, c->year, c->why);
        assert_true(d->n_passages > 10);
        for (size_t i = 0; i < d->n_passages; i++) {
            assert_true(d->passages[i].line >= 1 && d->passages[i].lines >= 1);
            assert_true(d->passages[i].text[0] != '\0');
        }
        kk_document_free(d);
    }
}

/* --- bulletin CSV --- */

static void test_bulletin_csv(void **state)
{
    (void)state;
    kk_document *d = read_doc("corpus/bulletin/332020_広報くらしき2024年11月号.csv");
    check_string("city", d->city, "岡山県倉敷市", "自治体名 as given");
    check_string("title", d->title, "広報くらしき 2024年11月号", "発行号タイトル");
    check_string("kind", d->kind, "広報", "bulletin");
    assert_int_equal(d->year, 2024);
    assert_int_equal(d->n_warnings, 0);
    const kk_passage *p = find_passage(d, "全市一斉の地震対応訓練を初めて実施しました");
    assert_int_equal(p->line, 2);
    check_string("heading", p->heading, "倉敷市一斉地震対応訓練を実施しました!", "記事タイトル");
    check_string("section", p->section, "くらし › 倉敷市一斉地震対応訓練を実施しました!",
                  "カテゴリ › 記事タイトル");
    check_string("date", p->date, "2024-11-01", "公開年月 2024.11.01");
    assert_int_equal(p->year, 2024);
    assert_true(strncmp(p->text, "倉敷市一斉地震対応訓練を実施しました!", 20) == 0);
    kk_document_free(d);

    /* 公開年月 2025.02 is in fiscal year 2024 (April to March). */
    d = read_doc("corpus/bulletin/332020_広報くらしき2025年2月号.csv");
    assert_int_equal(d->year, 2024);
    assert_int_equal(d->passages[0].year, 2024);
    check_string("date", d->passages[0].date, "2025-02-01", "fiscal year starts in April");
    kk_document_free(d);
    d = read_doc("corpus/bulletin/332020_広報くらしき2025年4月号.csv");
    assert_int_equal(d->year, 2025);
    kk_document_free(d);
}

static void test_bulletin_long_article_split(void **state)
{
    (void)state;
    kk_document *d = read_doc("corpus/bulletin/332020_広報くらしき2024年11月号.csv");
    size_t parts = 0;
    for (size_t i = 0; i < d->n_passages; i++) {
        const kk_passage *p = &d->passages[i];
        if (p->heading && strcmp(p->heading, "〔特集3〕ストップ!子どもへの虐待・ストップ!女性への暴力") == 0) {
            parts++;
            assert_true(strstr(p->text, "〔特集3〕") == p->text); /* every part keeps its title */
        }
    }
    assert_true(parts >= 2);
    kk_document_free(d);
}

static const char broken_csv[] =
    "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n"
    "岡山県倉敷市,2024.11.01,広報くらしき 2024年11月号,一つ目,くらし,\"本文一です。\"\n"
    "岡山県倉敷市,2024.11.01,広報くらしき 2024年11月号,壊れた\"行,くらし,\"本文二\"x\n"
    "岡山県倉敷市,2024.11.01,広報くらしき 2024年11月号,三つ目,くらし,\"本文三は\n"
    "二行です。\"\n"
    "岡山県倉敷市,2024.11.01\n";

static void test_csv_broken_rows(void **state)
{
    (void)state;
    kk_document *d = NULL;
    kk_error err = {0};
    assert_int_equal(read_temp(".csv", broken_csv, sizeof broken_csv - 1, &d, &err), KK_OK);
    assert_int_equal(d->n_passages, 2);
    assert_int_equal(d->n_warnings, 2);
    assert_non_null(strstr(d->first_warning, ":3:"));
    const kk_passage *p = find_passage(d, "本文三は二行です。");
    assert_int_equal(p->line, 4);
    assert_int_equal(p->lines, 2);
    kk_document_free(d);
}

static void test_csv_missing_column(void **state)
{
    (void)state;
    static const char csv[] = "自治体名,公開年月,記事タイトル\n岡山県倉敷市,2024.11.01,題\n";
    kk_document *d = NULL;
    kk_error err = {0};
    assert_int_equal(read_temp(".csv", csv, sizeof csv - 1, &d, &err), KK_EFORMAT);
    assert_null(d);
    assert_non_null(strstr(err.message, "記事本文"));
    static const char no_header[] = "a,b\n1,2\n";
    assert_int_equal(read_temp(".csv", no_header, sizeof no_header - 1, &d, &err), KK_EFORMAT);
    assert_non_null(strstr(err.message, "header"));
}

/* --- council minutes --- */

static const char minutes[] =
    "2008年1月21日 総務委員会\n"
    "\n"
    "○林委員長　○午後１時０２分開会\n"
    "ただいまより総務委員会を開会いたします。\n"
    "なお、本日は１名の方から傍聴申請がございましたので、ご案内をしておきます。\n"
    "────────────────────────────────────────────\n"
    "１ 報告事項\n"
    "基本構想等の策定状況について\n"
    "\n"
    "○林委員長　それでは、１の報告事項から始めます。基本構想等の策定状況について、理事者から説明をいただきます。\n"
    "\n"
    "○福島長期計画担当課長　それでは私から、基本構想等の策定状況についてご報告いたします。\n"
    "まず１としまして、第６回品川区基本構想等策定委員会が、先週の１月１７日木曜日に開催されました。\n";

static void test_minutes(void **state)
{
    (void)state;
    kk_document *d = NULL;
    kk_error err = {0};
    assert_int_equal(kk_document_from_text(minutes, sizeof minutes - 1, "h20.txt", &d, &err),
                     KK_OK);
    check_string("kind", d->kind, "会議録", "minutes");
    check_string("title", d->title, "2008年1月21日 総務委員会", "first line");
    assert_int_equal(d->year, 2007); /* January 2008 is in fiscal 2007 */
    assert_int_equal(d->n_passages, 3);
    const kk_passage *p = &d->passages[0];
    check_string("speaker", p->speaker, "林委員長", "up to the full-width space");
    check_string("date", p->date, "2008-01-21", "ISO date");
    assert_int_equal(p->line, 3);
    assert_int_equal(p->lines, 3); /* the rule and headings are not part of the turn */
    assert_null(p->section);
    p = &d->passages[2];
    check_string("speaker", p->speaker, "福島長期計画担当課長", "second speaker");
    check_string("section", p->section, "１ 報告事項 › 基本構想等の策定状況について",
                  "headings between the rule and the next turn");
    assert_int_equal(p->line, 12);
    assert_int_equal(p->lines, 2);
    assert_int_equal(p->year, 2007);
    kk_document_free(d);
}

/* --- encodings --- */

/* "①各部の運営方針と目標\n平成24年度に策定します。\n" in CP932 (① is a CP932 extension). */
static const char sjis[] =
    "\x87\x40\x8A\x65\x95\x94\x82\xCC\x89\x5E\x89\x63\x95\xFB\x90\x6A\x82\xC6\x96\xDA\x95\x57"
    "\x0A\x95\xBD\x90\xAC\x32\x34\x94\x4E\x93\x78\x82\xC9\x8D\xF4\x92\xE8\x82\xB5\x82\xDC\x82"
    "\xB7\x81\x42\x0A";
/* "各部の運営方針と目標\n平成24年度に策定します。\n" in EUC-JP. */
static const char eucjp[] =
    "\xB3\xC6\xC9\xF4\xA4\xCE\xB1\xBF\xB1\xC4\xCA\xFD\xBF\xCB\xA4\xC8\xCC\xDC\xC9\xB8\x0A\xCA"
    "\xBF\xC0\xAE\x32\x34\xC7\xAF\xC5\xD9\xA4\xCB\xBA\xF6\xC4\xEA\xA4\xB7\xA4\xDE\xA4\xB9\xA1"
    "\xA3\x0A";
/* BOM + "令和元年度の事業です。\n" in UTF-16LE. */
static const char utf16le[] = "\xFF\xFE\xE4\x4E\x8C\x54\x43\x51\x74\x5E\xA6\x5E\x6E\x30\x8B\x4E"
                              "\x6D\x69\x67\x30\x59\x30\x02\x30\x0A\x00";
static const char utf8bom[] = "\xEF\xBB\xBF令和元年度の事業です。\r\n二行目です。\r\n";

typedef struct encoding_case {
    const char *bytes;
    size_t n;
    const char *encoding, *needle;
    int year;
    const char *why;
} encoding_case;

static const encoding_case encoding_cases[] = {
    {sjis, sizeof sjis - 1, "Shift_JIS", "①各部の運営方針と目標", 2012, "CP932 with ①"},
    {eucjp, sizeof eucjp - 1, "EUC-JP", "各部の運営方針と目標", 2012, "EUC-JP"},
    {utf16le, sizeof utf16le - 1, "UTF-16LE", "令和元年度の事業です。", 2019, "UTF-16LE BOM"},
    {utf8bom, sizeof utf8bom - 1, "UTF-8", "令和元年度の事業です。", 2019, "BOM and CRLF"},
};

static void test_encodings(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof encoding_cases / sizeof encoding_cases[0]; k++) {
        const encoding_case *c = &encoding_cases[k];
        kk_document *d = NULL;
        kk_error err = {0};
        kk_status st = read_temp(".txt", c->bytes, c->n, &d, &err);
        if (st != KK_OK)
            fail_msg("%s: %s %s", c->why, kk_status_name(st), err.message);
        check_string("encoding", d->encoding, c->encoding, c->why);
        const kk_passage *p = find_passage(d, c->needle);
        assert_int_equal(p->line, 1);
        assert_null(strchr(p->text, '\r'));
        assert_null(strstr(p->text, "\xEF\xBB\xBF"));
        if (d->year != c->year)
            fail_msg("%s: year %d", c->why, d->year);
        kk_document_free(d);
    }
}

static void test_binary_and_empty(void **state)
{
    (void)state;
    static const char binary[] = "%PDF-1.4\n\x00\x01\x02\x03\xFF\xFE\x00\x00";
    kk_document *d = NULL;
    kk_error err = {0};
    assert_int_equal(read_temp(".txt", binary, sizeof binary - 1, &d, &err), KK_EFORMAT);
    assert_non_null(strstr(err.message, "binary file"));
    assert_null(d);

    assert_int_equal(read_temp(".txt", "", 0, &d, &err), KK_OK);
    assert_int_equal(d->n_passages, 0);
    kk_document_free(d);
    assert_int_equal(read_temp(".csv", "", 0, &d, &err), KK_OK);
    assert_int_equal(d->n_passages, 0);
    kk_document_free(d);

    /* No year in the text: the file's name gives it. */
    static const char plain[] = "計画の概要です。\n";
    const char *path = write_temp(".txt", plain, sizeof plain - 1);
    assert_int_equal(kk_document_read(path, "plans/令和2年度_計画.txt", NULL, &d, &err), KK_OK);
    unlink(path);
    assert_int_equal(d->year, 2020);
    assert_int_equal(d->passages[0].year, 2020);
    kk_document_free(d);

    assert_int_equal(kk_document_read("/nonexistent/kk.txt", "x", NULL, &d, &err), KK_EIO);
    assert_non_null(strstr(err.message, "/nonexistent/kk.txt"));
}

/* --- splitting plain text --- */

typedef struct split_case {
    const char *text;
    size_t passages;
    const char *first;   /* text of the first passage */
    const char *section; /* section of the last passage */
    const char *why;
} split_case;

static const split_case split_cases[] = {
    {"男女が性別に関わらず、誰もが\n\n個人として尊重されます。\n", 1,
     "男女が性別に関わらず、誰もが個人として尊重されます。", NULL,
     "001: a blank line inside a sentence"},
    {"一つ目の段落です。\n\n二つ目の段落です。\n", 2, "一つ目の段落です。", NULL,
     "a blank line after a sentence ends the paragraph"},
    {"◎相談体制の充実\nカウンセラーによる相談に取り組みます。\n◎人権尊重\n努めます。\n", 2,
     "◎相談体制の充実カウンセラーによる相談に取り組みます。", NULL, "items with their lines"},
    {"施策1) 市民活動の支援\n\n市民活動を支援します。\n", 1,
     "施策1) 市民活動の支援 市民活動を支援します。", "施策1) 市民活動の支援",
     "a heading opens the passage under it"},
    {"6-3-1 男女共同参画社会の形成\n施策3) 相談・支援体制の充実\n〔主要事業〕\n・支援です。\n",
     1, "6-3-1 男女共同参画社会の形成 施策3) 相談・支援体制の充実 〔主要事業〕 ・支援です。",
     "6-3-1 男女共同参画社会の形成 › 施策3) 相談・支援体制の充実 › 〔主要事業〕",
     "the brief's section path"},
    {"【基本方針】\n\n(1) 推進体制\n", 2, "【基本方針】", "(1) 推進体制",
     "a heading with nothing under it before a higher-level one is a passage of its own"},
    {"<p>第1節 総則</p> <p>本文です。&amp;&#x41;</p>\n", 1, "第1節 総則 本文です。&A",
     "第1節 総則", "markup stripped, entities decoded"},
    {"", 0, NULL, NULL, "empty text"},
};

static void test_split_cases(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof split_cases / sizeof split_cases[0]; k++) {
        const split_case *c = &split_cases[k];
        kk_document *d = NULL;
        kk_error err = {0};
        assert_int_equal(kk_document_from_text(c->text, strlen(c->text), "t", &d, &err), KK_OK);
        if (d->n_passages != c->passages)
            fail_msg("%zu passages, expected %zu (%s)", d->n_passages, c->passages, c->why);
        if (c->first)
            check_string("first", d->passages[0].text, c->first, c->why);
        if (c->passages)
            check_string("section", d->passages[d->n_passages - 1].section, c->section, c->why);
        kk_document_free(d);
    }
}

static void test_html(void **state)
{
    (void)state;
    static const char html[] = "<html><head><title>計画</title><script>var x = '<p>';</script>"
                               "</head>\n<body><h1>第1章 総則</h1>\n<p>この計画は、\n市の"
                               "方針を定めます。</p><p>二つ目&lt;です。</p></body></html>\n";
    kk_document *d = NULL;
    kk_error err = {0};
    assert_int_equal(read_temp(".html", html, sizeof html - 1, &d, &err), KK_OK);
    const kk_passage *p = find_passage(d, "この計画は、市の方針を定めます。");
    check_string("section", p->section, "第1章 総則", "h1 as a heading");
    find_passage(d, "計画"); /* the <title>, a heading with nothing under it */
    assert_int_equal(p->line, 2); /* from the <h1> on line 2 to the </p> on line 4 */
    assert_int_equal(p->lines, 3);
    find_passage(d, "二つ目<です。");
    for (size_t i = 0; i < d->n_passages; i++)
        assert_null(strstr(d->passages[i].text, "var x"));
    kk_document_free(d);
}

static void test_overrides(void **state)
{
    (void)state;
    kk_doc_overrides o = {"上書き", "基本計画", "三鷹市", "企画部", 2011};
    kk_document *d = NULL;
    kk_error err = {0};
    assert_int_equal(kk_document_read(source_path(M000), "000", &o, &d, &err), KK_OK);
    check_string("title", d->title, "上書き", "override");
    check_string("kind", d->kind, "基本計画", "override");
    check_string("city", d->city, "三鷹市", "override");
    assert_int_equal(d->year, 2011);
    for (size_t i = 0; i < d->n_passages; i++) {
        check_string("dept", d->passages[i].dept, "企画部", "override");
        assert_int_equal(d->passages[i].year, 2011);
    }
    kk_document_free(d);
}

static void test_supported(void **state)
{
    (void)state;
    static const struct { const char *path; int ok; } cases[] = {
        {"a.txt", 1}, {"a.TXT", 1}, {"dir/a.csv", 1}, {"a.html", 1}, {"a.HTM", 1},
        {"a.pdf", 0}, {"a", 0}, {"dir.txt/a", 0}, {"a.txt.bak", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        if (kk_document_supported(cases[k].path) != cases[k].ok)
            fail_msg("%s", cases[k].path);
    assert_int_equal(kk_document_supported(NULL), 0);
    kk_document_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_passages),
        cmocka_unit_test(test_corpus_documents),
        cmocka_unit_test(test_layout_repairs),
        cmocka_unit_test(test_bulletin_csv),
        cmocka_unit_test(test_bulletin_long_article_split),
        cmocka_unit_test(test_csv_broken_rows),
        cmocka_unit_test(test_csv_missing_column),
        cmocka_unit_test(test_minutes),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_binary_and_empty),
        cmocka_unit_test(test_split_cases),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_supported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
