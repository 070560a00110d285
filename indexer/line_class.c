/* line_class.c — what one line of a plan document is: heading (and its level), bullet item,
 * department label, contact line, or running text.
 *
 * Owns the line patterns seen in municipal plan documents (corpus/mitaka): 6-1-1 numbered
 * sections, 第N章/第N節, 施策N), (N), ①, bracket headings 《》【】〔〕[], item markers, 企画部
 * labels, 担当課 lines and plan titles. Looking at one line only; what the neighbouring lines
 * change (titles, continuation, columns) is decided in split_text.c and split_table.c.
 */
#include "document_internal.h"

#include <string.h>

/* A department label is a few characters (企画部, スポーツと文化部); a contact name may be long
 * (企画経営課平和・女性・国際化推進係). Measured on corpus/mitaka 000–003. */
#define DEPT_MAX_CHARS 12
#define CONTACT_MAX_CHARS 40
#define PLAN_TITLE_MAX_CHARS 60
/* A heading's text in the section path stops at its first blank after this many characters
 * when the line goes on into a sentence (004: ④ 育児・介護支援体制の充実 女性の社会参加を…). */
#define HEADING_MIN_CHARS 4
#define HEADING_MAX_CHARS 40

static int next_char(const char *s, size_t n, size_t *i)
{
    return *i < n ? kk_utf8_next(s, n, i) : 0;
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
    size_t l = strlen(prefix);
    return n >= l && memcmp(s, prefix, l) == 0;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == 0x3000;
}

static int is_space_or_break(int c)
{
    return is_blank(c) || c == '\n';
}

static int is_digit(int c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int is_kanji_digit(int c)
{
    return c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB || c == 0x4E94 ||
           c == 0x516D || c == 0x4E03 || c == 0x516B || c == 0x4E5D || c == 0x5341;
}

/* Skip digits at *i; returns how many. */
static size_t skip_digits(const char *s, size_t n, size_t *i, int kanji)
{
    size_t k = 0;
    while (*i < n) {
        size_t j = *i;
        int c = kk_utf8_next(s, n, &j);
        if (!is_digit(c) && !(kanji && is_kanji_digit(c)))
            break;
        *i = j;
        k++;
    }
    return k;
}

int kk_ends_sentence(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
        n--;
    int last = 0, before = 0;
    size_t i = 0;
    while (i < n) {
        before = last;
        last = kk_utf8_next(s, n, &i);
    }
    if (last == 0x3002 || last == 0xFF01 || last == 0xFF1F || last == '!' || last == '?' ||
        last == 0xFF0E)
        return 1;
    /* 」 and ） end a sentence only after its own end mark: 「…します。」 */
    if (last == 0x300D || last == 0x300F || last == 0xFF09 || last == ')')
        return before == 0x3002 || before == 0xFF01 || before == 0xFF1F;
    return 0;
}

static int is_marker(int c)
{
    static const int markers[] = {0x25CB, 0x25CE, 0x25CF, 0x25A0, 0x25A1, 0x30FB, 0x25C7,
                                  0x25C6, 0x261E, 0x203B, 0x25BC, 0x25BD, 0x2605, 0x2606};
    /* ○ ◎ ● ■ □ ・ ◇ ◆ ☞ ※ ▼ ▽ ★ ☆ */
    for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++)
        if (c == markers[k])
            return 1;
    return 0;
}

static int only_rule(const char *s, size_t n)
{
    size_t i = 0, count = 0;
    while (i < n) {
        int c = kk_utf8_next(s, n, &i);
        if (c != '-' && c != 0x2500 && c != 0x2014 && c != '=' && !is_blank(c))
            return 0;
        count++;
    }
    return count >= 2;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t l = strlen(suffix);
    return n >= l && memcmp(s + n - l, suffix, l) == 0;
}

/* "担当課：…", or a section name holding 課 and ending in 課/係/担当/室, alone on a short line or
 * followed by its ☎ number (000: 情報推進課 ☎0422-46-5034). */
static int is_contact(const char *s, size_t n)
{
    if (starts_with(s, n, "担当課") || starts_with(s, n, "担当："))
        return kk_count_chars(s, n) <= CONTACT_MAX_CHARS + 4;
    size_t name = starts_with(s, n, "☎") ? strlen("☎") : 0, end = name;
    while (end < n) {
        size_t j = end;
        int c = kk_utf8_next(s, n, &j);
        if (is_blank(c) || c == 0x260E)
            break;
        end = j;
    }
    const char *nm = s + name;
    size_t nl = end - name;
    if (nl == 0 || kk_count_chars(nm, nl) > CONTACT_MAX_CHARS || !kk_has_text(nm, nl, "課"))
        return 0;
    if (!ends_with(nm, nl, "課") && !ends_with(nm, nl, "係") && !ends_with(nm, nl, "室") &&
        !ends_with(nm, nl, "担当"))
        return 0;
    if (end == n)
        return kk_count_chars(s, n) <= 20;
    return kk_has_text(s + end, n - end, "☎");
}

/* The contact's name: after 担当課：, before the ☎. */
void kk_contact_name(const char *s, size_t n, size_t *from, size_t *to)
{
    size_t a = 0, b = n;
    static const char *const prefixes[] = {"担当課：", "担当課:", "担当課", "担当：", "☎"};
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
        if (starts_with(s, n, prefixes[k])) {
            a = strlen(prefixes[k]);
            break;
        }
    for (size_t i = a; i < n;) {
        size_t at = i;
        int c = kk_utf8_next(s, n, &i);
        if (is_blank(c) || c == 0x260E) {
            b = at;
            break;
        }
    }
    *from = a;
    *to = b;
}

/* 企画部, スポーツと文化部: 3 to 12 CJK characters ending in 部, alone or before an item
 * marker (003: "市民部 ●高齢化などにより…"). Returns the label's length, 0 if none; *rest gets
 * the offset of the item. */
static size_t dept_label(const char *s, size_t n, size_t *rest)
{
    size_t i = 0, chars = 0, end = 0;
    *rest = 0;
    while (i < n) {
        size_t at = i;
        int c = kk_utf8_next(s, n, &i);
        if (!kk_is_cjk(c)) {
            i = at;
            break;
        }
        chars++;
        end = i;
    }
    if (chars < 3 || chars > DEPT_MAX_CHARS || !ends_with(s, end, "部"))
        return 0;
    if (end == n)
        return end;
    size_t j = end, k = end;
    while (j < n) {
        k = j;
        if (!is_blank(kk_utf8_next(s, n, &j)))
            break;
    }
    if (j == end)
        return 0;
    size_t m = k;
    return is_marker(next_char(s, n, &m)) ? (*rest = k, end) : 0;
}

/* 第4章 → KK_LEVEL_CHAPTER, 第1節 → KK_LEVEL_SECTION, else -1. */
static int chapter_level(const char *s, size_t n)
{
    if (!starts_with(s, n, "第"))
        return -1;
    size_t i = strlen("第");
    if (!skip_digits(s, n, &i, 1))
        return -1;
    if (starts_with(s + i, n - i, "章")) {
        /* "第7章 第1節 …" names a section: the next "第1節 …" replaces it. */
        size_t j = i + strlen("章");
        while (j < n && (s[j] == ' ' || starts_with(s + j, n - j, "\xE3\x80\x80")))
            j += s[j] == ' ' ? 1 : 3;
        return chapter_level(s + j, n - j) == KK_LEVEL_SECTION ? KK_LEVEL_SECTION
                                                                : KK_LEVEL_CHAPTER;
    }
    if (starts_with(s + i, n - i, "節"))
        return KK_LEVEL_SECTION;
    return -1;
}

/* 6-1-1 followed by a space. */
static int is_numbered(const char *s, size_t n)
{
    size_t i = 0;
    int parts = 0;
    while (skip_digits(s, n, &i, 0)) {
        parts++;
        if (i < n && s[i] == '-') {
            i++;
            continue;
        }
        break;
    }
    size_t j = i;
    return parts >= 2 && i < n && is_blank(next_char(s, n, &j));
}

/* 施策1) / 施策 1) / 1. — a measure of a basic plan, or a numbered part of the current plan. */
static int is_measure(const char *s, size_t n)
{
    size_t i = 0;
    if (starts_with(s, n, "施策")) {
        i = strlen("施策");
        while (i < n && s[i] == ' ')
            i++;
        if (!skip_digits(s, n, &i, 0))
            return 0;
        return starts_with(s + i, n - i, ")") || starts_with(s + i, n - i, "）");
    }
    if (!skip_digits(s, n, &i, 0) || i + 1 >= n)
        return 0;
    return s[i] == '.' && s[i + 1] == ' ';
}

/* (1) or （１）. */
static int is_paren(const char *s, size_t n)
{
    size_t i = 0;
    if (starts_with(s, n, "("))
        i = 1;
    else if (starts_with(s, n, "（"))
        i = strlen("（");
    else
        return 0;
    if (!skip_digits(s, n, &i, 0))
        return 0;
    return starts_with(s + i, n - i, ")") || starts_with(s + i, n - i, "）");
}

/* 《…》 ≪…≫ 【…】 (KK_LEVEL_BRACKET) and […] ［…］ 〔…〕 (KK_LEVEL_SUB); *rest is the offset of
 * text after the closing bracket (004: "〔主要事業〕 ・ 男女共同参画計画の進行管理"). */
static int bracket_level(const char *s, size_t n, size_t *rest)
{
    static const struct { const char *open, *close; int level; } pairs[] = {
        {"《", "》", KK_LEVEL_BRACKET}, {"≪", "≫", KK_LEVEL_BRACKET},
        {"【", "】", KK_LEVEL_BRACKET}, {"[", "]", KK_LEVEL_SUB},
        {"［", "］", KK_LEVEL_SUB},     {"〔", "〕", KK_LEVEL_SUB},
    };
    *rest = 0;
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        if (!starts_with(s, n, pairs[k].open))
            continue;
        size_t lc = strlen(pairs[k].close);
        for (size_t i = strlen(pairs[k].open); i + lc <= n && i < 90; i++) {
            if (memcmp(s + i, pairs[k].close, lc) != 0)
                continue;
            size_t j = i + lc, m = j;
            while (m < n) {
                size_t at = m;
                if (!is_blank(kk_utf8_next(s, n, &m))) {
                    m = at;
                    break;
                }
            }
            *rest = m < n ? m : 0;
            return pairs[k].level;
        }
        return -1;
    }
    return -1;
}

/* Length of a trailing 策定 / 改定 / 第N次改定 (with the blank before it), 0 if none. */
size_t kk_plan_suffix(const char *s, size_t n)
{
    static const char *const plain[] = {"策定", "改定"};
    size_t cut = n;
    if (ends_with(s, n, "次改定")) {
        size_t i = n - strlen("次改定");
        size_t j = i;
        while (j > 0 && ((s[j - 1] >= '0' && s[j - 1] <= '9')))
            j--;
        if (j < i && j >= strlen("第") && memcmp(s + j - strlen("第"), "第", strlen("第")) == 0)
            cut = j - strlen("第");
    }
    for (size_t k = 0; cut == n && k < 2; k++)
        if (ends_with(s, n, plain[k]))
            cut = n - strlen(plain[k]);
    if (cut == n)
        return 0;
    while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == '\t'))
        cut--;
    if (cut >= 3 && memcmp(s + cut - 3, "\xE3\x80\x80", 3) == 0)
        cut -= 3;
    return n - cut;
}

/* A plan title: a short line ending in 計画/プラン and its year, maybe with 策定/改定 after
 * (行財政改革アクションプラン2022 策定, 男女平等参画のための三鷹市行動計画2022 第1次改定). */
static int is_plan_title(const char *s, size_t n)
{
    if (kk_count_chars(s, n) > PLAN_TITLE_MAX_CHARS || kk_has_text(s, n, "。") ||
        kk_has_text(s, n, "、"))
        return 0;
    size_t suffix = kk_plan_suffix(s, n);
    size_t end = n - suffix;
    size_t digits_end = end;
    while (end > 0 && s[end - 1] >= '0' && s[end - 1] <= '9')
        end--;
    if (end == digits_end && !suffix)
        return 0;
    return end > 6 && (ends_with(s, end, "計画") || ends_with(s, end, "プラン"));
}

/* --- line shapes the splitter asks about --- */

/* 1 if s[0..n) holds the UTF-8 character ch. */
int kk_has_text(const char *s, size_t n, const char *ch)
{
    size_t l = strlen(ch);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(s + i, ch, l) == 0)
            return 1;
    return 0;
}

static int has_blank(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n)
        if (is_space_or_break(kk_utf8_next(s, n, &i)))
            return 1;
    return 0;
}

/* The part of a heading line that names the section (see HEADING_MAX_CHARS). */
size_t kk_heading_length(const char *s, size_t n)
{
    if (kk_count_chars(s, n) <= HEADING_MAX_CHARS && !kk_has_text(s, n, "。"))
        return n;
    size_t i = 0, chars = 0;
    while (i < n) {
        size_t at = i;
        int c = kk_utf8_next(s, n, &i);
        chars++;
        if (chars > HEADING_MIN_CHARS && (is_space_or_break(c) || c == 0x3001 || c == 0x3002))
            return at;
        if (chars > HEADING_MAX_CHARS)
            return at;
    }
    return n;
}

int kk_title_shaped(const char *s, size_t n, size_t max_chars)
{
    return kk_count_chars(s, n) <= max_chars && !kk_has_text(s, n, "。") && !kk_has_text(s, n, "、") &&
           !kk_has_text(s, n, "，") && !kk_has_text(s, n, ",") && !kk_has_text(s, n, "：") && !has_blank(s, n);
}

/* 002: "☞…行革推進事業(行財政改革の視点から取り組む重点的な事業)" ends a note without 。 */
int kk_ends_bracket(const char *s, size_t n)
{
    static const char *const closers[] = {")", "）", "」", "』"};
    for (size_t k = 0; k < sizeof closers / sizeof closers[0]; k++) {
        size_t l = strlen(closers[k]);
        if (n >= l && memcmp(s + n - l, closers[k], l) == 0)
            return 1;
    }
    return 0;
}

kk_line_class kk_line_classify(const char *s, size_t n)
{
    kk_line_class c = {KK_LINE_TEXT, 0, 0, 0, 0};
    size_t i = 0, rest = 0;
    int first = next_char(s, n, &i);
    int level;
    if (only_rule(s, n)) {
        c.kind = KK_LINE_SEPARATOR;
    } else if (first == 0x2709) { /* ✉ */
        c.kind = KK_LINE_MAIL;
    } else if (is_contact(s, n)) {
        c.kind = KK_LINE_CONTACT;
    } else if (first == '-' && i < n && s[i] == ' ') {
        c.kind = KK_LINE_ITEM;
        c.marker = '-';
    } else if (is_marker(first)) {
        c.kind = KK_LINE_ITEM;
        c.marker = first;
    } else if (dept_label(s, n, &rest)) {
        c.kind = KK_LINE_DEPT;
        c.rest = rest;
    } else if (n > 0 && kk_plan_suffix(s, n) == n) {
        c.kind = KK_LINE_PLAN_SUFFIX;
    } else if ((level = is_numbered(s, n) ? KK_LEVEL_NUMBERED
                        : chapter_level(s, n) >= 0 ? chapter_level(s, n)
                        : is_measure(s, n)         ? KK_LEVEL_MEASURE
                        : is_paren(s, n)           ? KK_LEVEL_PAREN
                        : (first >= 0x2460 && first <= 0x2473) ? KK_LEVEL_CIRCLED
                        : bracket_level(s, n, &rest)) >= 0) {
        c.kind = KK_LINE_HEADING;
        c.level = level;
        c.rest = level >= KK_LEVEL_BRACKET ? rest : 0;
    } else if (is_plan_title(s, n)) {
        c.kind = KK_LINE_HEADING;
        c.level = KK_LEVEL_PLAN;
        c.plan_title = 1;
    }
    return c;
}
