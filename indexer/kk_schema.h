/* kk_schema.h — how a passage is laid out in the Xapian index: term prefixes, value slots and the
 * fields of its stored data. The indexer writes this layout and the query tool reads it; both
 * include this file so that the two can never disagree.
 *
 * Each passage is one Xapian document:
 *  - word terms: the ICU word, unprefixed;
 *  - gram terms: KK_PREFIX_GRAM + kanji/katakana bigram (or a run's trailing unigram);
 *  - a word of two kanji/katakana (防災) is indexed as its bigram's term, not as a word term of
 *    its own: the two had equal posting lists (a sixth of all postings); the word's occurrences
 *    count the bigram once more, which is what tells 京都 from the 京都 inside 東京都;
 *  - no one-kana particles and no stop words (kk_token_is_indexed, indexer/stopwords.txt): queries
 *    never search for them; stop words still count in the passage length the impacts use;
 *  - no positions: exact wording is checked against the stored text at query time;
 *  - heading and title words and grams are counted again with extra weight (KK_HEADING_WDF);
 *  - a term's wdf is its impact, not its count: BM25's length normalization is done at indexing
 *    (KK_IMPACT_SCALE), and a search ranks with b = 0;
 *  - filter terms (wdf 0): kind, department, city, plan, version, speaker; the year term has an
 *    impact like a word's, so that a query naming a year prefers its passages;
 *  - KK_PREFIX_FILE + the file's identity on every passage of a file (delete a file's passages);
 *  - KK_PREFIX_ID + passage id, the passage's unique id ("doc:ordinal").
 * The stored data holds the fields of the KK_FIELD_* keys but KK_FIELD_PATH in a binary layout, a
 * tagged entry for each field that has a value and the text last (kk_stored.h defines it, joins
 * and splits it): a reader gets every field in one pass, without a JSON parser. --dump output is
 * one JSON object per passage with every key, KK_FIELD_PATH and KK_FIELD_TEXT included, null
 * when unknown. The index keeps the stored data packed with zstd and the database's dictionary
 * (kk_record.h); readers see it unpacked.
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

/* The prefix of an analysis token's index term (t: a const kk_token *, kk_analysis.h). */
#define KK_TOKEN_PREFIX(t) \
    ((t)->kind == KK_TOKEN_GRAM || (t)->bigram ? KK_PREFIX_GRAM : "")

/* Heading and title terms count this many times a body occurrence, on top of the heading text
 * that the splitter also puts at the start of the passage. A heading that names the topic is the
 * best evidence a passage is about it. On dev.tsv any value 1–3 scores the same (nDCG@10 0.975)
 * and 0 loses 0.03; 2 is the middle of that plateau. */
#define KK_HEADING_WDF 2

/* BM25 as the index bakes it in (indexer/impact.c). A term occurring tf times in a passage of
 * length len (its word and gram occurrences, stop words included though they are no terms,
 * particles not, heading ones counted KK_HEADING_WDF times) is stored with wdf
 * round(KK_IMPACT_SCALE · tf / K), K = 1 − b + b · max(len / KK_NOMINAL_LENGTH,
 * KK_BM25_MIN_NORMLEN), at least 1. The query tool ranks with BM25 at b = 0 and k1 ·
 * KK_IMPACT_SCALE, which gives the same order as BM25 with b over true counts, and never reads a
 * passage's length: on the council minutes those reads were three quarters of a search's time.
 *
 * Passages differ in length by two orders of magnitude (a one-line target figure, a
 * 1,500-character bulletin article), and a long passage mentioning a word in passing must not
 * beat the short one that is about it: strong length normalisation (b 0.9). min_normlen 0.3
 * stops it there: a passage shorter than 0.3 × the nominal length is treated as that long, so a
 * bare heading is not unfairly favoured. Tuned on dev.tsv with tools/eval when Xapian still read
 * true lengths: nDCG@10 was flat (0.970–0.975) for b 0.8–1.0 and k1 1.0–1.6 at min_normlen 0.3;
 * 0.918 at b 0.7 or min_normlen 0.5, 0.893 at Xapian's defaults (b 0.5). With impacts it is 1.000.
 * The nominal length stands for the collection's average, which an index being built cannot
 * know; the council minutes average 263. Changing any of these needs a new index
 * (KK_SCHEMA_VERSION). */
#define KK_BM25_K1 1.2
#define KK_BM25_B 0.9
#define KK_BM25_MIN_NORMLEN 0.3
#define KK_NOMINAL_LENGTH 250
#define KK_IMPACT_SCALE 16

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

/* The fields of a passage: keys of --dump lines, entries of the stored data (kk_stored.h). */
#define KK_FIELD_DOC "doc"         /* path relative to the indexed root */
#define KK_FIELD_PATH "path"       /* absolute path at indexing time: --dump lines only */
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
/* The passage, broken lines joined: the last entry of the stored data (kk_stored.h). */
#define KK_FIELD_TEXT "text"

/* Database metadata keys. */
#define KK_META_ANALYSIS "keikaku.analysis" /* KK_ANALYSIS_VERSION the index was built with */
#define KK_META_SCHEMA "keikaku.schema"     /* KK_SCHEMA_VERSION */
/* Bump when the fields or terms written per passage change (2: dept and office separated;
 * 3: no positions, hiragana-free bigrams, empty fields and the path left out of the data;
 * 4: impacts instead of counts; 5: the text stored raw after the JSON; 6: the stored data packed
 * with zstd and the database's dictionary, in a value slot, kk_record.h; 7: the fields in a
 * binary layout instead of JSON, kk_stored.h). */
#define KK_SCHEMA_VERSION "7"

#endif
