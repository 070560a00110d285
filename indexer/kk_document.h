/* kk_document.h — a source document read from disk and split into passages.
 *
 * A reader turns one file into a kk_document: its text decoded to UTF-8 (UTF-8, UTF-8 with BOM,
 * Shift_JIS/CP932, EUC-JP, UTF-16 detected and converted with ICU), markup stripped, and split into
 * passages — a heading or bullet item with its sentences, a paragraph, a CSV article, a speaker's
 * turn in council minutes — never inside a sentence. Each passage carries its line, section path
 * and metadata. Formats:
 *   .txt  plain text as extracted from PDF; lines with HTML paragraph markup are stripped, and
 *         tab-separated two-column comparison tables (新旧対照) give passages per column;
 *         council minutes (first line "YYYY年M月D日 委員会名", turns starting with ○) give one
 *         passage per speaker turn;
 *   .csv  a header row, bulletin format (記事タイトル, 記事本文, 公開年月, 自治体名), one passage per
 *         article (long articles split at paragraphs);
 *   .html / .htm  tags stripped, then as .txt.
 * This module reads and splits; it knows nothing of analysis terms or Xapian.
 */
#ifndef KK_DOCUMENT_H
#define KK_DOCUMENT_H

#include <stddef.h>

#include "kk_error.h"

typedef struct kk_passage {
    char *text;     /* the passage, broken lines joined (kk_join_lines), tags stripped */
    unsigned line;  /* first line of the passage in the source file, from 1 */
    unsigned lines; /* number of source lines it spans */
    char *heading;  /* innermost heading, or NULL */
    char *section;  /* section path, headings joined by " › ", or NULL */
    int year;       /* fiscal year (e.g. 2012), 0 when unknown */
    char *dept;     /* department (企画部), or NULL */
    char *office;   /* the section in charge (担当課: 企画経営課企画調整係), or NULL */
    char *version;  /* column label of a comparison table (後期基本計画（素案）), or NULL */
    char *speaker;  /* council minutes: the speaker of the turn, or NULL */
    char *date;     /* ISO date (2024-11-01) when known, or NULL */
    char **plans;   /* plan names mentioned or defined in the passage */
    size_t n_plans;
} kk_passage;

typedef struct kk_document {
    char *path;      /* the file as opened */
    char *doc;       /* path relative to the indexed root, as shown to users */
    char *encoding;  /* detected source encoding, e.g. "UTF-8", "Shift_JIS" */
    char *title;     /* document title (first heading, CSV issue title), or NULL */
    char *kind;      /* 基本計画, 個別計画, 運営方針と目標, 広報, 会議録, … or NULL */
    char *city;      /* city (CSV 自治体名, manifest) or NULL */
    int year;        /* fiscal year of the document, 0 when unknown */
    kk_passage *passages;
    size_t n_passages;
    size_t n_warnings;       /* problems that did not stop reading (a skipped CSV row, …) */
    char first_warning[256]; /* the first of them, "file:line: what", for the summary */
} kk_document;

/* Per-file facts that override inference (from a manifest beside the corpus, kk_manifest.h); any
 * field may be NULL / 0 to infer it. year -1: the document states no year, infer none; dept
 * applies to every passage. */
typedef struct kk_doc_overrides {
    const char *title;
    const char *kind;
    const char *city;
    const char *dept;
    int year;
} kk_doc_overrides;

/* Read and split the file at path; doc is the name shown to users. overrides may be NULL.
 * Failures: KK_EIO (unreadable), KK_EENCODING (no supported encoding fits), KK_EFORMAT (binary,
 * or a CSV without the needed columns); the message names the file and, where there is one, the
 * line. An empty file gives a document with no passages, not an error. The caller frees *out
 * with kk_document_free. */
kk_status kk_document_read(const char *path, const char *doc, const kk_doc_overrides *overrides,
                           kk_document **out, kk_error *err);

/* Split already-decoded UTF-8 text as a .txt file would be (for tests and fuzzing). */
kk_status kk_document_from_text(const char *text, size_t len, const char *doc,
                                 kk_document **out, kk_error *err);

void kk_document_free(kk_document *d);

/* 1 if kk_document_read handles files with this name's extension. */
int kk_document_supported(const char *path);

#endif
