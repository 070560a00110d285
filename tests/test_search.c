/* test_search.c — search quality mechanisms end to end on a small fixture corpus: stop words,
 * the AND→OR relaxation, word-over-bigram ranking (京都 vs 東京都), each variant class through the
 * shared analysis path, synonyms, year preference, phrases, exclusion and duplicate passages. The
 * fixture sentences are taken from or modelled on corpus/ passages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kk_query.h"
#include "kk_schema.h"
#include "kk_xapian.h"
#include "kk_run.h"
#include "test_index.h"
#include "test_util.h"

/* One file per entry; each becomes at least one passage. */
static const struct {
    const char *name, *text;
} fixture[] = {
    {"hanabi.txt", "公園での花火について\n\n夜間の公園で花火をすることは、近隣への迷惑となるため禁止しています。\n"},
    {"koen.txt", "公園の利用案内\n\n市内の公園は、どなたでも利用できます。\n"},
    {"kyoto.txt", "修学旅行\n\n京都への修学旅行を実施しました。\n"},
    {"tokyo.txt", "都の施策\n\n東京都の施策と連携し、東京都内の自治体と協議しました。\n"},
    {"wlb.txt", "働き方\n\n仕事と家庭の両立を支えるワーク・ライフ・バランスの推進\n"},
    {"torikumi.txt", "環境\n\n地域の清掃活動への取り組みを支援します。\n"},
    {"shogai.txt", "福祉\n\n障がいのある人への就労支援を行います。\n"},
    {"kodomo.txt", "子育て\n\n子どもの居場所づくりを進めます。\n"},
    {"npo.txt", "協働\n\nＮＰＯとの協働事業を拡充します。\n"},
    {"takahashi.txt", "表彰\n\n髙橋さんが市長表彰を受けました。\n"},
    {"server.txt", "情報\n\n庁内のサーバーを更新しました。\n"},
    {"moshikomi.txt", "講座\n\n講座への申し込みは電話で受け付けます。\n"},
    {"tokidoki.txt", "天気\n\n雨が時々降る見込みです。\n"},
    {"dv.txt", "人権\n\n配偶者等暴力の被害者を支援します。\n"},
    {"r1.txt", "令和元年度 防災の計画\n\n防災訓練を地域で実施します。\n"},
    {"h24.txt", "平成24年度 防災の計画\n\n防災訓練を各地区で実施します。\n"},
    {"snippet.txt", "施設案内\n\n公園の案内です。公園は広く、公園には池があります。市内の施設は毎日開いています。市内の施設は毎日開いています。"
                    "市内の施設は毎日開いています。市内の施設は毎日開いています。市内の施設は毎日開いています。"
                    "市内の施設は毎日開いています。市内の施設は毎日開いています。市内の施設は毎日開いています。"
                    "夏は公園の花火大会を開きます。\n"},
    {"npos.txt", "略称\n\nＮＰＯＳはＮＰＯ支援システムの略称です。\n"},
    {"kaigo.txt", "福祉\n\n高齢者の介護者を支えます。\n"},
    {"kyushoku.txt", "給食\n\n学校給食の献立を公開します。\n"},
    {"copy_a.txt", "広報\n\n市民後見人養成講座の受講者を募集します。\n"},
    {"copy_b.txt", "広報\n\n市民後見人養成講座の受講者を募集します。\n"},
};

typedef struct fixture_dir {
    char dir[64], db[128], docs[128];
} fixture_dir;

static int setup(void **state)
{
    fixture_dir *f = calloc(1, sizeof *f);
    assert_int_equal(kt_tempdir(f->dir, sizeof f->dir, "search"), 0);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    snprintf(f->docs, sizeof f->docs, "%s/docs", f->dir);
    assert_int_equal(mkdir(f->docs, 0700), 0);
    for (size_t k = 0; k < sizeof fixture / sizeof fixture[0]; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", f->docs, fixture[k].name);
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(fixture[k].text, fp);
        fclose(fp);
    }
    const char *roots[] = {f->docs};
    kt_index(f->db, roots, 1, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_dir *f = *state;
    kt_remove_tree(f->dir);
    free(f);
    return 0;
}

static kk_hits *search(void **state, const char *query)
{
    fixture_dir *f = *state;
    kk_searcher *s = NULL;
    kk_error err = {0};
    if (kk_searcher_open(f->db, &s, &err) != KK_OK)
        fail_msg("open: %s", err.message);
    kk_search_request req = {query, 0, 20, 0, 0};
    kk_hits *h = NULL;
    if (kk_search(s, &req, &h, &err) != KK_OK)
        fail_msg("search '%s': %s", query, err.message);
    kk_searcher_free(s);
    return h;
}

/* The rank (from 1) of the first hit from document doc, 0 if absent. */
static size_t rank_of(const kk_hits *h, const char *doc)
{
    for (size_t k = 0; k < h->n; k++)
        if (strcmp(h->hits[k].doc, doc) == 0)
            return k + 1;
    return 0;
}

static void expect_first(void **state, const char *query, const char *doc, const char *why)
{
    kk_hits *h = search(state, query);
    if (h->n == 0 || strcmp(h->hits[0].doc, doc) != 0)
        fail_msg("%s: '%s' should find %s first, got %s", why, query, doc,
                 h->n ? h->hits[0].doc : "nothing");
    kk_hits_free(h);
}

static void test_natural_question_drops_stop_words_and_relaxes(void **state)
{
    /* 夜, 公園, 花火 are the content words; に, で, を, して, も, いい, か are dropped. The fixture
     * says 夜間, so no passage holds every content word and the search relaxes to most of them. */
    kk_hits *h = search(state, "夜に公園で花火をしてもいいか");
    assert_true(h->n >= 2);
    assert_string_equal(h->hits[0].doc, "hanabi.txt"); /* 公園 + 花火 */
    assert_true(rank_of(h, "koen.txt") > 1);           /* 公園 only: after it */
    assert_int_equal(h->relaxed, 1);
    kk_hits_free(h);
}

static void test_all_content_words_rank_above_some(void **state)
{
    kk_hits *h = search(state, "公園 花火");
    assert_true(h->n >= 1);
    assert_string_equal(h->hits[0].doc, "hanabi.txt");
    assert_true(rank_of(h, "koen.txt") == 0 || rank_of(h, "koen.txt") > 1);
    kk_hits_free(h);
}

static unsigned term_freq(void **state, const char *term)
{
    fixture_dir *f = *state;
    kk_db *db = NULL;
    kk_error err = {0};
    unsigned n = 0;
    assert_int_equal(kk_db_open_read(f->db, &db, &err), KK_OK);
    assert_int_equal(kk_db_term_freq(db, term, strlen(term), &n, &err), KK_OK);
    kk_db_free(db);
    return n;
}

static void test_stop_words_are_not_indexed(void **state)
{
    /* The fixture holds について, する, こと, ます, です, でき; the index none of them. */
    const char *stops[] = {"について", "する", "こと", "ます", "です", "でき", "なる", "ため"};
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++)
        if (term_freq(state, stops[k]) != 0)
            fail_msg("stop word %s is indexed", stops[k]);
    assert_int_equal(term_freq(state, KK_PREFIX_GRAM "花火"), 2); /* content words are */
}

static void test_only_stop_words_are_refused_naming_them(void **state)
{
    /* Nothing the index holds is left to search for: the message says which words those were,
     * as a text clause sees them (知り with its okurigana) or as a phrase does. */
    const struct {
        const char *query, *named;
    } cases[] = {
        {"について", "(について)"},
        {"について ですか", "(について, です, か)"},
        {"知りたい", "(知り, たい)"},
        {"\"ですか\"", "(です, か)"},
        {"の は -公園", "(の, は)"},
    };
    fixture_dir *f = *state;
    kk_searcher *s = NULL;
    assert_int_equal(kk_searcher_open(f->db, &s, NULL), KK_OK);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        kk_search_request req = {cases[k].query, 0, 10, 0, 0};
        kk_hits *h = NULL;
        kk_error err = {0};
        if (kk_search(s, &req, &h, &err) != KK_EPARSE)
            fail_msg("'%s' should be refused, got %zu hits", cases[k].query, h ? h->n : 0);
        if (!strstr(err.message, cases[k].named) || !strstr(err.message, "stop words"))
            fail_msg("'%s': the message should name %s: %s", cases[k].query, cases[k].named,
                     err.message);
    }
    kk_searcher_free(s);
}

static void test_stop_words_beside_content_words(void **state)
{
    /* A clause of stop words beside a content word is dropped, as inside one clause. */
    kk_hits *h = search(state, "公園 について");
    assert_true(h->n >= 3);
    assert_int_equal(h->relaxed, 0);
    kk_hits_free(h);
    /* A phrase holding stop words is found by its other terms and checked on the text. */
    expect_first(state, "\"花火をすること\"", "hanabi.txt", "する and こと inside a phrase");
    expect_first(state, "\"利用できます\"", "koen.txt", "でき and ます ending a phrase");
    h = search(state, "\"花火をすることが\"");
    assert_int_equal(h->n, 0); /* the wording is still checked */
    kk_hits_free(h);
}

static void test_words_outrank_bigrams(void **state)
{
    /* A two-character word is indexed as its bigram, counted once more: 京都 in kyoto.txt is a
     * word and a bigram, in tokyo.txt (東京|都, twice) a bigram only. The word wins. */
    assert_int_equal(term_freq(state, "京都"), 0);
    assert_int_equal(term_freq(state, KK_PREFIX_GRAM "京都"), 2);
    expect_first(state, "京都", "kyoto.txt", "京都 must not put 東京都 first");
}

struct variant_case {
    const char *query, *doc, *why;
};

static const struct variant_case variants[] = {
    {"ワークライフバランス", "wlb.txt", "middle dots inside katakana"},
    {"取組", "torikumi.txt", "okurigana: 取組 = 取り組み"},
    {"取組み", "torikumi.txt", "okurigana: 取組み = 取り組み"},
    {"障害のある人", "shogai.txt", "障害 = 障がい"},
    {"子供の居場所", "kodomo.txt", "子供 = 子ども"},
    {"NPO", "npo.txt", "width and case: NPO = ＮＰＯ"},
    {"npo", "npo.txt", "case"},
    {"高橋", "takahashi.txt", "old kanji: 高 = 髙"},
    {"サーバ", "server.txt", "long vowel: サーバ = サーバー"},
    {"申込", "moshikomi.txt", "okurigana: 申込 = 申し込み"},
    {"時時", "tokidoki.txt", "iteration mark: 時時 = 時々"},
};

static void test_variants_match(void **state)
{
    for (size_t k = 0; k < sizeof variants / sizeof variants[0]; k++)
        expect_first(state, variants[k].query, variants[k].doc, variants[k].why);
}

static void test_synonyms_expand_queries(void **state)
{
    expect_first(state, "DV", "dv.txt", "DV = 配偶者等暴力 (built-in synonym table)");
    expect_first(state, "ドメスティック・バイオレンス", "dv.txt", "a multi-word synonym");
}

static void test_year_named_in_query_is_preferred(void **state)
{
    const char *same_year[] = {"令和元年度 防災訓練", "R1 防災訓練", "2019年度 防災訓練",
                               "H31 防災訓練", "平成三十一年 防災訓練"};
    for (size_t k = 0; k < sizeof same_year / sizeof same_year[0]; k++)
        expect_first(state, same_year[k], "r1.txt", same_year[k]);
    expect_first(state, "平成24年度 防災訓練", "h24.txt", "the other year");
    kk_hits *h = search(state, "R1 防災訓練");
    assert_true(rank_of(h, "h24.txt") > 0); /* preferred, not required */
    kk_hits_free(h);
}

static void test_phrase_and_exclusion(void **state)
{
    kk_hits *h = search(state, "\"公園で花火\"");
    assert_int_equal(h->n, 1);
    assert_string_equal(h->hits[0].doc, "hanabi.txt");
    kk_hits_free(h);
    h = search(state, "\"花火で公園\"");
    assert_int_equal(h->n, 0); /* the exact wording does not occur */
    kk_hits_free(h);
    h = search(state, "公園 -花火");
    assert_int_equal(rank_of(h, "hanabi.txt"), 0);
    assert_true(rank_of(h, "koen.txt") > 0);
    kk_hits_free(h);
}

/* The index keeps no positions: a phrase is found by its terms and confirmed on the stored text.
 * snippet.txt holds 公園 and 花火 apart (公園の花火大会), hanabi.txt holds 公園で花火. */
static void test_phrase_is_checked_on_the_text(void **state)
{
    kk_hits *h = search(state, "\"公園の花火\"");
    assert_int_equal(h->n, 1);
    assert_string_equal(h->hits[0].doc, "snippet.txt");
    kk_hits_free(h);
    h = search(state, "\"公園での花火\""); /* hanabi.txt's heading, not its text */
    assert_int_equal(h->n, 1);
    assert_string_equal(h->hits[0].doc, "hanabi.txt");
    kk_hits_free(h);
    h = search(state, "\"公園 で 花火\""); /* spaces typed inside Japanese do not count */
    assert_int_equal(h->n, 1);
    kk_hits_free(h);
    /* Excluding a phrase excludes its wording only, not every passage with its words. */
    h = search(state, "公園 -\"公園で花火\"");
    assert_int_equal(rank_of(h, "hanabi.txt"), 0);
    assert_true(rank_of(h, "snippet.txt") > 0);
    assert_true(rank_of(h, "koen.txt") > 0);
    kk_hits_free(h);
    h = search(state, "公園 -\"花火で公園\"");
    assert_true(rank_of(h, "hanabi.txt") > 0);
    kk_hits_free(h);
}

/* A test's own corpus: files written into docs, indexed into db, both under dir. */
typedef struct scratch {
    char dir[256], docs[300], db[300];
} scratch;

static void scratch_make(scratch *x, const char *tag)
{
    assert_int_equal(kt_tempdir(x->dir, sizeof x->dir, tag), 0);
    snprintf(x->docs, sizeof x->docs, "%s/docs", x->dir);
    snprintf(x->db, sizeof x->db, "%s/db", x->dir);
    assert_int_equal(mkdir(x->docs, 0700), 0);
}

static void scratch_write(const scratch *x, const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", x->docs, name);
    assert_int_equal(kt_write_text(path, text), 0);
}

/* Index the files written so far and open a searcher on them. */
static kk_searcher *scratch_index(const scratch *x)
{
    const char *roots[] = {x->docs};
    kt_index(x->db, roots, 1, NULL);
    return kt_open(x->db);
}

/* A phrase whose words are common but whose wording is rare: the 60 best-ranked matches all
 * fail the check (the one that holds it ranks last on its words), and the search still finds it
 * and counts it alone. */
static void test_phrase_found_past_the_first_matches(void **state)
{
    (void)state;
    scratch x;
    scratch_make(&x, "phrase");
    for (int k = 0; k < 60; k++) {
        char name[32], text[128]; /* each its own text: copies would be shown as one match */
        snprintf(name, sizeof name, "decoy%02d.txt", k);
        snprintf(text, sizeof text, "公園の清掃（第%d回）。花火の片付け。公園と花火。\n", k);
        scratch_write(&x, name, text);
    }
    scratch_write(&x, "answer.txt", "夜の公園で花火をしてもよいかという問い合わせが多い。"
                                    "消防への届出を案内している。\n");
    kk_searcher *s = scratch_index(&x);
    for (unsigned limit = 1; limit <= 20; limit += 19) {
        kk_search_request req = {"\"公園で花火\"", 0, limit, 0, 0};
        kk_hits *h = NULL;
        kk_error err = {0};
        if (kk_search(s, &req, &h, &err) != KK_OK)
            fail_msg("search: %s", err.message);
        assert_int_equal(h->n, 1);
        assert_string_equal(h->hits[0].doc, "answer.txt");
        assert_int_equal(h->total, 1);
        kk_hits_free(h);
    }
    kk_searcher_free(s);
    kt_remove_tree(x.dir);
}

/* The text of a document's later passage does not repeat its title: a phrase of the title is
 * checked on the title (stored apart from the text), both to find the passage and to exclude it. */
static void test_phrase_in_title_not_text(void **state)
{
    (void)state;
    scratch x;
    scratch_make(&x, "title");
    scratch_write(&x, "tank.txt", "雨水タンクの設置補助\n\n１　対象\n\n"
                                  "市内に住宅を所有する方が対象です。\n\n２　申請\n\n"
                                  "工事の前に申請書を提出してください。\n");
    kk_searcher *s = scratch_index(&x);
    const char *queries[] = {"\"雨水タンクの設置\"", "申請書 -\"雨水タンクの設置\""};
    for (size_t k = 0; k < 2; k++) {
        kk_search_request req = {queries[k], 0, 20, 0, 0};
        kk_hits *h = NULL;
        kk_error err = {0};
        if (kk_search(s, &req, &h, &err) != KK_OK)
            fail_msg("search: %s", err.message);
        size_t found = 0;
        for (size_t i = 0; i < h->n; i++)
            found += strstr(h->hits[i].text, "申請書") && !strstr(h->hits[i].text, "雨水タンク");
        assert_int_equal(found, k == 0); /* found by its title, then excluded by it */
        assert_int_equal(h->relaxed, 0);
        kk_hits_free(h);
    }
    kk_searcher_free(s);
    kt_remove_tree(x.dir);
}

static void test_exclusions_are_not_content(void **state)
{
    /* An excluded word is not something the hits should hold: 公園 -花火 has one content unit,
     * so nothing is "relaxed" and only koen.txt remains. */
    kk_hits *h = search(state, "公園 -花火");
    assert_int_equal(h->relaxed, 0);
    assert_int_equal(h->n, 1);
    assert_string_equal(h->hits[0].doc, "koen.txt");
    kk_hits_free(h);
}

static void test_nothing_to_search_for_is_an_error(void **state)
{
    fixture_dir *f = *state;
    kk_searcher *s = NULL;
    assert_int_equal(kk_searcher_open(f->db, &s, NULL), KK_OK);
    const char *blank[] = {"", "\"\"", "-", "OR", "-公園", "\xe3\x80\x80"};
    for (size_t k = 0; k < sizeof blank / sizeof blank[0]; k++) {
        kk_search_request req = {blank[k], 0, 10, 0, 0};
        kk_hits *h = NULL;
        kk_error err = {0};
        if (kk_search(s, &req, &h, &err) != KK_EPARSE)
            fail_msg("'%s' should be refused, got %zu hits", blank[k], h ? h->n : 0);
        assert_non_null(strstr(err.message, "nothing to search for"));
        assert_null(h);
    }
    kk_searcher_free(s);
}

static void test_same_text_shown_once_with_both_sources(void **state)
{
    kk_hits *h = search(state, "市民後見人");
    size_t copies = (rank_of(h, "copy_a.txt") > 0) + (rank_of(h, "copy_b.txt") > 0);
    assert_int_equal(copies, 1);
    const kk_hit *hit = &h->hits[0];
    assert_int_equal(hit->n_also, 1);
    const char *other = strcmp(hit->doc, "copy_a.txt") == 0 ? "copy_b.txt" : "copy_a.txt";
    assert_string_equal(hit->also[0].doc, other);
    kk_hits_free(h);
}

/* Copies are dropped after the search, from the matches fetched for the page: when they take
 * more places than the margin fetched with it, the search fetches more, and a page of two shows
 * the text once and the other passage. Each page is counted from the best match. */
static void test_copies_do_not_crowd_the_page(void **state)
{
    (void)state;
    scratch x;
    scratch_make(&x, "copies");
    for (int k = 0; k < 25; k++) {
        char name[32];
        snprintf(name, sizeof name, "copy%02d.txt", k);
        scratch_write(&x, name, "盆踊り大会を開きます。盆踊り大会の会場は公園です。\n");
    }
    scratch_write(&x, "other.txt", "夏祭りの予定。商店会の夜店、花火の打ち上げ、子ども神輿、"
                                   "そして最後に盆踊りで締めくくります。\n");
    kk_searcher *s = scratch_index(&x);
    kk_error err = {0};
    for (unsigned offset = 0; offset <= 1; offset++) {
        kk_search_request req = {"盆踊り", offset, 2 - offset, 0, 0};
        kk_hits *h = NULL;
        if (kk_search(s, &req, &h, &err) != KK_OK)
            fail_msg("search: %s", err.message);
        assert_int_equal(h->n, 2 - offset);
        assert_string_equal(h->hits[h->n - 1].doc, "other.txt");
        if (offset == 0) {
            assert_non_null(strstr(h->hits[0].doc, "copy"));
            assert_int_equal(h->hits[0].n_also, 10); /* KK_MAX_ALSO of the 24 others */
        }
        kk_hits_free(h);
    }
    /* Asked for less, a hit skips its marks and other sources; the ranking is the same. */
    kk_search_request bare = {"盆踊り", 0, 2, 0, KK_HIT_BIT(KK_HIT_DOC)};
    kk_hits *h = NULL;
    if (kk_search(s, &bare, &h, &err) != KK_OK)
        fail_msg("search: %s", err.message);
    assert_int_equal(h->n, 2);
    assert_non_null(strstr(h->hits[0].doc, "copy"));
    assert_string_equal(h->hits[1].doc, "other.txt");
    for (size_t k = 0; k < h->n; k++) {
        assert_int_equal(h->hits[k].n_also, 0);
        assert_int_equal(h->hits[k].n_marks, 0);
        assert_null(h->hits[k].snippet);
    }
    kk_hits_free(h);
    kk_searcher_free(s);
    kt_remove_tree(x.dir);
}

static void test_highlights_cover_the_match(void **state)
{
    kk_hits *h = search(state, "ワークライフバランス");
    assert_true(h->n >= 1);
    const kk_hit *hit = &h->hits[0];
    assert_true(hit->n_marks >= 1);
    const char *at = strstr(hit->text, "ワーク・ライフ・バランス");
    assert_non_null(at);
    unsigned start = (unsigned)(at - hit->text);
    assert_true(hit->marks[0].start <= start);
    assert_true(hit->marks[hit->n_marks - 1].end >= start + strlen("ワーク・ライフ・バランス"));
    kk_hits_free(h);
}

static void test_snippet_shows_where_the_words_meet(void **state)
{
    /* 公園 opens the passage three times, but 公園 and 花火 meet only at its end: the snippet
     * goes there. */
    kk_hits *h = search(state, "公園 花火");
    size_t r = rank_of(h, "snippet.txt");
    assert_true(r > 0);
    char *shown = kk_mark_text(h->hits[r - 1].snippet, h->hits[r - 1].snippet_marks,
                               h->hits[r - 1].n_snippet_marks, "【", "】");
    if (!strstr(shown, "【公園】の【花火】"))
        fail_msg("snippet misses the match: %s", shown);
    free(shown);
    kk_hits_free(h);
}

/* Highlighting: grams and prefixes come from the text's bigrams, word keys are searched for in
 * its normalized text; either way the marks fall on the original bytes. */
static const struct mark_case {
    const char *query, *doc, *marked, *not_marked, *why;
} mark_cases[] = {
    {"子ども", "kodomo.txt", "【子ども】の居場所", NULL,
     "a hiragana word: its only bigram-free key is the word itself"},
    {"npo", "npo.txt", "【ＮＰＯ】との協働", NULL,
     "full-width letters: the match in normalized text maps back to the original bytes"},
    {"npo 略称", "npos.txt", "【ＮＰＯ】支援", "【ＮＰＯ】Ｓ",
     "an ASCII word is not marked inside a longer one (npo in npos)"},
    {"高齢者 介護", "kaigo.txt", "【高齢者】の【介護】者", NULL,
     "者, one of 高齢|者, is marked beside 高齢, not beside another unit's 介護"},
    {"学校の給食費", "kyushoku.txt", "【学校給食】の献立", NULL,
     "給食, one of 給食|費, is marked beside another unit's 学校 (two characters: a word)"},
    {"ワークライフバランス", "wlb.txt", "【ワーク・ライフ・バランス】の推進", NULL,
     "consecutive bigrams across removed middle dots"},
    {"池 公園", "snippet.txt", "【公園】には【池】があります", NULL,
     "a one-character unit is a prefix key, tried on every gram beside the bigram keys"},
};

static void test_marks_fall_on_the_match(void **state)
{
    for (size_t k = 0; k < sizeof mark_cases / sizeof mark_cases[0]; k++) {
        const struct mark_case *c = &mark_cases[k];
        kk_hits *h = search(state, c->query);
        size_t r = rank_of(h, c->doc);
        if (r == 0)
            fail_msg("'%s' does not find %s", c->query, c->doc);
        const kk_hit *hit = &h->hits[r - 1];
        char *shown = kk_mark_text(hit->text, hit->marks, hit->n_marks, "【", "】");
        assert_non_null(shown);
        if (!strstr(shown, c->marked) || (c->not_marked && strstr(shown, c->not_marked)))
            fail_msg("'%s' marks %s as [%s]: %s", c->query, c->doc, shown, c->why);
        free(shown);
        kk_hits_free(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_natural_question_drops_stop_words_and_relaxes),
        cmocka_unit_test(test_all_content_words_rank_above_some),
        cmocka_unit_test(test_stop_words_are_not_indexed),
        cmocka_unit_test(test_only_stop_words_are_refused_naming_them),
        cmocka_unit_test(test_stop_words_beside_content_words),
        cmocka_unit_test(test_words_outrank_bigrams),
        cmocka_unit_test(test_variants_match),
        cmocka_unit_test(test_synonyms_expand_queries),
        cmocka_unit_test(test_year_named_in_query_is_preferred),
        cmocka_unit_test(test_phrase_and_exclusion),
        cmocka_unit_test(test_phrase_is_checked_on_the_text),
        cmocka_unit_test(test_phrase_found_past_the_first_matches),
        cmocka_unit_test(test_phrase_in_title_not_text),
        cmocka_unit_test(test_exclusions_are_not_content),
        cmocka_unit_test(test_nothing_to_search_for_is_an_error),
        cmocka_unit_test(test_same_text_shown_once_with_both_sources),
        cmocka_unit_test(test_copies_do_not_crowd_the_page),
        cmocka_unit_test(test_highlights_cover_the_match),
        cmocka_unit_test(test_snippet_shows_where_the_words_meet),
        cmocka_unit_test(test_marks_fall_on_the_match),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
