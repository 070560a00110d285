/* kk_manifest.h — per-file facts written down beside a corpus, overriding what the indexer infers.
 *
 * A manifest is a file named .keikakumanifest in a folder of the corpus (hidden, so the walker
 * never indexes it). It is UTF-8 text, one rule per line:
 *
 *     # comment
 *     PATTERN<TAB>key=value<TAB>key=value…
 *     *.txt	city=東京都三鷹市
 *     000_*.txt	year=2011	kind=個別計画	title=個別計画(素案)の概要
 *     004_*.txt	year=unknown
 *
 * PATTERN is a shell glob (fnmatch, `*` does not cross `/`): with a `/`, it is matched against
 * the file's path relative to the manifest's folder (plans/NAME.txt); without, against the
 * file's name in that folder or any below it (*.txt). Keys: title, kind, city, dept (a
 * department for every passage), year (a fiscal year as a query names it — 2011, 平成23年度,
 * H23 — or `unknown`: the document states none, so none is inferred). Values run to the next
 * tab and may hold spaces. Every matching rule applies, in order, so a later line overrides an
 * earlier one key by key; a manifest in a deeper folder overrides one above it. Errors name the
 * manifest and line.
 *
 * This module parses manifests and answers "which facts hold for this file"; kk_document applies
 * them (kk_doc_overrides). A manifest is read when a file under it is read, so editing one takes
 * effect for unchanged files only with keikaku-index --force.
 */
#ifndef KK_MANIFEST_H
#define KK_MANIFEST_H

#include <stddef.h>

#include "kk_document.h"
#include "kk_error.h"

#define KK_MANIFEST_FILE ".keikakumanifest"

typedef struct kk_manifest kk_manifest;

/* Parse manifest text; name (the file, for messages) is copied. Failures: KK_EFORMAT with
 * "NAME:LINE: what" for a malformed line (no tab after the pattern, a field without '=', an
 * unknown key — the message lists the known ones —, a bad year, an empty value), KK_ENOMEM.
 * The caller frees *out with kk_manifest_free. */
kk_status kk_manifest_parse(const char *text, size_t len, const char *name, kk_manifest **out,
                            kk_error *err);

/* Read and parse the manifest at path. KK_ENOTFOUND when there is no such file; KK_EIO when it
 * cannot be read; otherwise as kk_manifest_parse. */
kk_status kk_manifest_load(const char *path, kk_manifest **out, kk_error *err);

void kk_manifest_free(kk_manifest *m);

/* Apply the rules of m matching rel (a path relative to m's folder) to *o, in order. The strings
 * put in *o point into m and live as long as it does. */
void kk_manifest_apply(const kk_manifest *m, const char *rel, kk_doc_overrides *o);

/* Read a document as kk_document_read does, with the facts of every manifest between the walk
 * root and the file's folder. path is the file as opened, doc its path relative to the root (as
 * kk_walk gives them: the root is path without doc). Failures: those of kk_document_read, and
 * those of kk_manifest_load for a manifest that exists but is malformed (the file is not read). */
kk_status kk_manifest_read_document(const char *path, const char *doc, kk_document **out,
                                    kk_error *err);

#endif
