/* kk_schema.h — how a passage is laid out in the Xapian index: term prefixes, value slots and the
 * fields of its stored data. The indexer writes this layout and the query tool reads it; both
 * include this file so that the two can never disagree.
 *
 * Each passage is one Xapian document:
 *  - word terms: the ICU word, unprefixed;
 *  - gram terms: KK_PREFIX_GRAM + kanji/katakana bigram (or a run's trailing unigram);
 *  - no positions: exact wording is checked against the stored text at query time;
 *  - heading and title words and grams are indexed again with extra wdf (KK_HEADING_WDF);
 *  - filter terms (no position, wdf 0): year, kind, department, city, plan, version, speaker;
 *  - KK_PREFIX_FILE + the file's identity on every passage of a file (delete a file's passages);
 *  - KK_PREFIX_ID + passage id, the passage's unique id ("doc:ordinal").
 * The stored data is a JSON object with the KK_FIELD_* keys; a field without a value is absent,
 * and KK_FIELD_PATH is only in --dump output.
 */
#ifndef KK_SCHEMA_H
#define KK_SCHEMA_H

#define KK_PREFIX_GRAM "B"
#define KK_PREFIX_FILE "XF"
#define KK_PREFIX_ID "Q"
#define KK_PREFIX_YEAR "XY"
#define KK_PREFIX_KIND "XK"
#define KK_PREFIX_DEPT "XD"
#define KK_PREFIX_CITY "XC"
#define KK_PREFIX_PLAN "XP"
#define KK_PREFIX_VERSION "XV"
#define KK_PREFIX_SPEAKER "XS"
#define KK_PREFIX_DOC "XR" /* the document path relative to its indexed root */
#define KK_PREFIX_HASH "XH" /* hash of the normalized text: the copies of one passage */

/* Heading and title terms count this many times a body occurrence, on top of the heading text
 * that the splitter also puts at the start of the passage. A heading that names the topic is the
 * best evidence a passage is about it. On dev.tsv any value 1–3 scores the same (nDCG@10 0.975)
 * and 0 loses 0.03; 2 is the middle of that plateau. */
#define KK_HEADING_WDF 2

enum kk_value_slot {
    KK_SLOT_YEAR = 0,    /* fiscal year, sortable number */
    KK_SLOT_KIND = 1,    /* document kind, e.g. 個別計画 */
    KK_SLOT_DEPT = 2,    /* department */
    KK_SLOT_CITY = 3,    /* city */
    KK_SLOT_DOC = 4,     /* document path relative to the indexed root */
    KK_SLOT_TEXTHASH = 5,/* hash of the normalized passage text, to show duplicates once */
    KK_SLOT_LINE = 6,    /* line of the passage in its document, sortable number */
    KK_SLOT_ORDINAL = 7  /* passage ordinal within its document, sortable number */
};

/* Keys of the stored JSON data. */
#define KK_FIELD_DOC "doc"         /* path relative to the indexed root */
#define KK_FIELD_PATH "path"       /* absolute path at indexing time */
#define KK_FIELD_LINE "line"       /* first line of the passage, from 1 */
#define KK_FIELD_LINES "lines"     /* number of source lines the passage spans */
#define KK_FIELD_ORDINAL "ordinal" /* passage number within its document, from 0 */
#define KK_FIELD_TITLE "title"     /* document title */
#define KK_FIELD_SECTION "section" /* section path, " › "-separated */
#define KK_FIELD_HEADING "heading" /* the innermost heading */
#define KK_FIELD_YEAR "year"       /* fiscal year or null */
#define KK_FIELD_KIND "kind"
#define KK_FIELD_DEPT "dept"
#define KK_FIELD_OFFICE "office" /* 担当課, the section in charge; also a dept: term */
#define KK_FIELD_CITY "city"
#define KK_FIELD_PLANS "plans"     /* array of plan names mentioned or defined */
#define KK_FIELD_VERSION "version" /* e.g. 後期基本計画（素案） for a comparison column */
#define KK_FIELD_SPEAKER "speaker"
#define KK_FIELD_DATE "date"
#define KK_FIELD_TEXT "text"       /* the passage, broken lines joined */

/* Database metadata keys. */
#define KK_META_ANALYSIS "keikaku.analysis" /* KK_ANALYSIS_VERSION the index was built with */
#define KK_META_SCHEMA "keikaku.schema"     /* KK_SCHEMA_VERSION */
/* Bump when the fields or terms written per passage change (2: dept and office separated;
 * 3: no positions, hiragana-free bigrams, empty fields and the path left out of the data). */
#define KK_SCHEMA_VERSION "3"

#endif
