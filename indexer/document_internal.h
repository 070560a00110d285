/* document_internal.h — what the document readers share behind kk_document.h.
 *
 * The readers are split by format: decode.c (bytes to UTF-8), split_text.c (plain-text passages
 * and headings), split_table.c (markup stripping and two-column tables, feeding split_text.c),
 * split_layout.c (repairs of PDF page layout after splitting), read_csv.c (bulletin CSV), split_minutes.c (council minutes), plans.c (plan names in a
 * passage) and document.c (dispatch, the builder below, metadata, freeing). Nothing here is
 * exported from the library.
 */
#ifndef KK_DOCUMENT_INTERNAL_H
#define KK_DOCUMENT_INTERNAL_H

#include <stddef.h>

#include "kk_document.h"
#include "kk_text.h"

/* A passage longer than this many characters is closed at the next sentence end (text), line
 * (minutes) or paragraph (CSV). 1500 characters is about one printed page of Japanese: long
 * enough for a policy paragraph with its heading, short enough that a hit shows the reader
 * where the wording is. */
#define KK_PASSAGE_MAX_CHARS 1500

/* The passages of one document as they are appended. */
typedef struct kk_builder {
    kk_document *doc;
    size_t cap;       /* allocated passages */
    const char *name; /* the file name used in messages */
} kk_builder;

/* Append a passage whose text is head (display text of its headings, may be NULL), a space, and
 * raw[0..len) with its line breaks joined (kk_join_lines); first
 * line `line`, last line `last`. *out points at the new passage (zeroed but for text, line and
 * lines) until the next append. Empty text after joining appends nothing and sets *out NULL. */
kk_status kk_builder_add(kk_builder *b, const char *head, const char *raw, size_t len,
                         unsigned line, unsigned last, kk_passage **out, kk_error *err);

/* Record a problem that did not stop reading: counts it and keeps the first message. */
void kk_builder_warn(kk_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* strndup that reports failure as KK_ENOMEM in err. */
kk_status kk_strdup_n(const char *s, size_t n, char **out, kk_error *err);

/* Number of code points in s[0..n) (counts lead bytes; s is valid UTF-8). */
size_t kk_count_chars(const char *s, size_t n);

/* Read path and decode it to UTF-8 with LF line ends. *encoding is a static name ("UTF-8",
 * "Shift_JIS", "EUC-JP", "UTF-16LE", …). Failures: KK_EIO, KK_EFORMAT (binary), KK_EENCODING. */
kk_status kk_decode_file(const char *path, char **text, size_t *len, const char **encoding,
                         kk_error *err);

/* Decode bytes already in memory (as kk_decode_file, without the reading); name is for messages.
 * On success *text is a new NUL-terminated buffer. */
kk_status kk_decode_bytes(const char *name, const char *bytes, size_t n, char **text, size_t *len,
                          const char **encoding, kk_error *err);

/* Replace CRLF and lone CR with LF in place; returns the new length. */
size_t kk_normalize_newlines(char *s, size_t n);

/* --- plain text, markup and tables --- */

/* One logical line fed to the text splitter: a source line, or a paragraph of markup. */
typedef struct kk_vline {
    size_t off, len;  /* text in the producer's buffer, trimmed */
    unsigned line;    /* source line of its first character */
    unsigned last;    /* source line of its last character */
    int column;       /* 0 plain, 1 left, 2 right, 3 both columns of a comparison table */
    int soft_before;  /* a blank line or a cell boundary precedes: a paragraph may end here */
    int hard_before;  /* a markup paragraph boundary precedes: a paragraph ends here */
} kk_vline;

typedef struct kk_vlines {
    kk_vline *v;
    size_t n, cap;
    kk_buf text;          /* the text the vlines point into */
    char *labels[2];      /* column labels of a comparison table, or NULL */
    size_t unclosed;      /* tags, comments or scripts left open (kept as text / skipped) */
    unsigned unclosed_line; /* line of the first of them */
} kk_vlines;

/* Turn decoded text into vlines: plain lines as they are, lines with markup stripped into one
 * vline per paragraph, tab-separated comparison rows into per-column vlines. html: the whole
 * text is HTML (newlines are only white space). */
kk_status kk_vlines_build(kk_vlines *out, const char *text, size_t len, int html, kk_error *err);
void kk_vlines_free(kk_vlines *v);

/* Split vlines into passages (split_text.c). */
kk_status kk_split_vlines(kk_builder *b, const kk_vlines *v, kk_error *err);

/* What a PDF page layout put out of reading order, repaired once a document is split
 * (split_layout.c): department labels printed after the items they name (003, several labels
 * stacked after one block) and plan titles printed after their plan's text (001). */
typedef struct kk_layout_label {
    char *label;
    size_t at; /* number of passages when the label was met */
} kk_layout_label;

typedef struct kk_layout_orphan {
    size_t passage; /* a passage holding only a plan title */
    char *heading;  /* the title as a heading (行財政改革アクションプラン2022 策定) */
    char *plan;     /* the plan's name (without 策定 / 改定) */
} kk_layout_orphan;

typedef struct kk_layout {
    size_t trail_from;       /* first passage named by trailing labels */
    kk_layout_label *labels; /* trailing labels in order */
    size_t n_labels, cap_labels;
    kk_layout_orphan *orphans;
    size_t n_orphans, cap_orphans;
    size_t n_heads;          /* department labels met as headings (not trailing) */
    char *head;              /* the last of them */
    size_t head_at;          /* number of passages when it was met */
} kk_layout;

/* Record a label that names passages before it (trailing layout). */
kk_status kk_layout_add_label(kk_layout *l, const char *label, size_t n, size_t at,
                              kk_error *err);
/* Record a passage that holds only a plan title. */
kk_status kk_layout_add_orphan(kk_layout *l, size_t passage, const char *heading,
                               const char *plan, kk_error *err);
/* Record a department label that heads what follows it. */
kk_status kk_layout_add_head(kk_layout *l, const char *label, size_t n, size_t at,
                             kk_error *err);
/* Give trailing labels their passages and orphan plan titles their text; may remove passages. */
kk_status kk_layout_resolve(kk_layout *l, kk_document *d, kk_error *err);
void kk_layout_free(kk_layout *l);

/* Free what a passage owns (not the passage itself) and zero it. */
void kk_passage_release(kk_passage *p);

/* Cut every passage far longer than KK_PASSAGE_MAX_CHARS (text that gave its reader no place to
 * end it: a 10 MB line, a table without sentence ends) into pieces with its metadata, with one
 * warning naming the file and line (split_long.c). */
kk_status kk_passages_cut_long(kk_builder *b, kk_error *err);

/* What a line of plain text is, for the splitter and for choosing a table column. */
typedef enum kk_line_kind {
    KK_LINE_TEXT,
    KK_LINE_SEPARATOR, /* -- / ---: a table rule left by conversion */
    KK_LINE_MAIL,      /* ✉ address under a contact line */
    KK_LINE_CONTACT,   /* 担当課：… or a section name with ☎ */
    KK_LINE_DEPT,      /* 企画部 alone on its line (maybe followed by an item) */
    KK_LINE_PLAN_SUFFIX, /* 策定 / 改定 / 第1次改定 alone: the end of a plan title */
    KK_LINE_HEADING,   /* numbered, chapter, 施策N), (N), ①, bracket heading or plan title */
    KK_LINE_ITEM       /* a bullet item: ○ ◎ ● ■ ・ ◇ ◆ ☞ ※ - */
} kk_line_kind;

/* Heading levels, outermost first; a heading replaces those of its level and deeper. */
enum {
    KK_LEVEL_DEPT = 0,
    KK_LEVEL_PLAN = 1,
    KK_LEVEL_NUMBERED = 2, /* 6-1-1 */
    KK_LEVEL_CHAPTER = 3,  /* 第N章 */
    KK_LEVEL_SECTION = 4,  /* 第N節 */
    KK_LEVEL_MEASURE = 5,  /* 施策N), N. */
    KK_LEVEL_PAREN = 6,    /* (N) */
    KK_LEVEL_CIRCLED = 7,  /* ① */
    KK_LEVEL_BRACKET = 8,  /* 《》 ≪≫ 【】 and short title lines */
    KK_LEVEL_SUB = 9,      /* [] 〔〕 and item-style headings (○主な事業) */
    KK_LEVELS = 10
};

typedef struct kk_line_class {
    kk_line_kind kind;
    int level;        /* for KK_LINE_HEADING */
    int marker;       /* for KK_LINE_ITEM: the marker code point ('-' for "- ") */
    int plan_title;   /* heading is a plan title */
    size_t rest;      /* offset of text following a dept label or bracket heading, 0 if none */
} kk_line_class;

kk_line_class kk_line_classify(const char *s, size_t n);

/* The name in a contact line: s[*from..*to) without 担当課： and the ☎ number. */
void kk_contact_name(const char *s, size_t n, size_t *from, size_t *to);

/* Length of a trailing 策定 / 改定 / 第N次改定 and the blank before it; 0 if none. */
size_t kk_plan_suffix(const char *s, size_t n);

/* 1 if s[0..n) holds the UTF-8 text needle. */
int kk_has_text(const char *s, size_t n, const char *needle);
/* 1 if the line ends in a closing bracket: a blank line after it may end a passage. */
int kk_ends_bracket(const char *s, size_t n);
/* 1 if the line is shaped like a title: at most max_chars, no punctuation, no blank inside. */
int kk_title_shaped(const char *s, size_t n, size_t max_chars);
/* How much of a heading line names the section (the rest is the sentence it goes on into). */
size_t kk_heading_length(const char *s, size_t n);

/* 1 if the text ends a sentence (。！？ or a closing bracket after one, 」）). */
int kk_ends_sentence(const char *s, size_t n);

/* --- other formats --- */
kk_status kk_read_csv(kk_builder *b, const char *text, size_t len, kk_error *err);
int kk_minutes_detect(const char *text, size_t len);
kk_status kk_split_minutes(kk_builder *b, const char *text, size_t len, kk_error *err);

/* Append to p->plans the plan names mentioned in its text (plans.c), without duplicates. */
kk_status kk_plans_collect(kk_passage *p, kk_error *err);
/* Append one plan name unless present. */
kk_status kk_plans_add(kk_passage *p, const char *name, size_t n, kk_error *err);

#endif
