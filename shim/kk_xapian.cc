/* kk_xapian.cc — databases, documents and iteration of the C API over libxapian (kk_xapian.h).
 *
 * Owns the exception classifier (the single place where Xapian's exceptions become kk_status
 * codes), opening and closing databases with the lock wait, transactions, document building,
 * reading stored data, values, metadata and synonyms, and the term/posting iterators.
 * Queries, searching and expansion live in kk_xapian_query.cc; the handle structs and the retry
 * loop for read-only databases in kk_xapian_internal.h.
 *
 * Sections: classifier and helpers; databases; transactions; writing; reading; iteration;
 * documents.
 */
#include "kk_xapian_internal.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>

#include <sys/stat.h>

/* ---- Classifier and helpers ------------------------------------------------------------------ */

static kk_status report(kk_error *err, kk_status code, const char *what, const char *subject,
                        const char *detail)
{
    if (subject)
        return kk_error_set(err, code, "%s '%s': %s", what, subject, detail);
    return kk_error_set(err, code, "%s: %s", what, detail);
}

static kk_status report_xapian(kk_error *err, kk_status code, const char *what,
                               const char *subject, const Xapian::Error &e)
{
    char detail[KK_ERROR_MESSAGE_MAX];
    const char *os_error = e.get_error_string();
    if (os_error)
        snprintf(detail, sizeof detail, "%s: %s (%s)", e.get_type(), e.get_msg().c_str(),
                 os_error);
    else
        snprintf(detail, sizeof detail, "%s: %s", e.get_type(), e.get_msg().c_str());
    return report(err, code, what, subject, detail);
}

/* Order matters: the more specific classes derive from the later ones (DatabaseNotFoundError is
 * a DatabaseOpeningError, every database error is a Xapian::Error). */
kk_status kk_shim_fail(kk_error *err, const char *what, const char *subject) noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return report_xapian(err, KK_ELOCKED, what, subject, e);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return report_xapian(err, KK_EMODIFIED, what, subject, e);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return report_xapian(err, KK_ECORRUPT, what, subject, e);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return report_xapian(err, KK_ENOTFOUND, what, subject, e);
    } catch (const Xapian::DocNotFoundError &e) {
        return report_xapian(err, KK_ENOTFOUND, what, subject, e);
    } catch (const Xapian::DatabaseOpeningError &e) {
        return report_xapian(err, KK_EIO, what, subject, e);
    } catch (const Xapian::DatabaseCreateError &e) { /* e.g. the parent folder is missing */
        return report_xapian(err, KK_EIO, what, subject, e);
    } catch (const Xapian::InvalidArgumentError &e) {
        return report_xapian(err, KK_EINVAL, what, subject, e);
    } catch (const Xapian::Error &e) {
        return report_xapian(err, KK_EDATABASE, what, subject, e);
    } catch (const std::bad_alloc &) {
        return report(err, KK_ENOMEM, what, subject, "out of memory");
    } catch (const std::exception &e) {
        return report(err, KK_EINTERNAL, what, subject, e.what());
    } catch (...) {
        return report(err, KK_EINTERNAL, what, subject, "unknown exception");
    }
}

void kk_shim_require(bool ok, const char *message)
{
    if (!ok)
        throw Xapian::InvalidArgumentError(message);
}

Xapian::WritableDatabase &kk_shim_writable(kk_db *db)
{
    kk_shim_require(db != nullptr, "NULL database");
    if (!db->wdb)
        throw Xapian::InvalidArgumentError("database '" + db->path + "' was opened read-only");
    return *db->wdb;
}

static Xapian::Database &readable(kk_db *db)
{
    kk_shim_require(db != nullptr, "NULL database");
    return *db->db;
}

/* A malloc'd NUL-terminated copy for the C caller, who frees it. */
static void give_copy(const std::string &s, char **out, size_t *len)
{
    char *copy = static_cast<char *>(malloc(s.size() + 1));
    if (!copy)
        throw std::bad_alloc();
    memcpy(copy, s.data(), s.size());
    copy[s.size()] = '\0';
    *out = copy;
    if (len)
        *len = s.size();
}

/* ---- Databases ------------------------------------------------------------------------------- */

kk_status kk_db_open_read(const char *path, kk_db **out, kk_error *err)
{
    return kk_shim_guard(err, "opening database", path, [&] {
        kk_shim_require(path && out, "NULL argument");
        struct stat st;
        if (stat(path, &st) != 0)
            return report(err, errno == ENOENT ? KK_ENOTFOUND : KK_EIO, "opening database", path,
                          strerror(errno));
        auto db = std::make_unique<kk_db>();
        db->path = path;
        db->db = std::make_unique<Xapian::Database>(path);
        *out = db.release();
        return KK_OK;
    });
}

/* Another process (or handle) may hold the write lock only briefly, e.g. an indexer finishing a
 * commit; 50 ms between attempts keeps the wait responsive without spinning. */
static Xapian::WritableDatabase *open_writable_waiting(const std::string &path, unsigned wait_ms)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
        try {
            return new Xapian::WritableDatabase(
                path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
        } catch (const Xapian::DatabaseLockError &) {
            auto left = deadline - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero())
                throw;
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                left, std::chrono::milliseconds(50)));
        }
    }
}

kk_status kk_db_open_write(const char *path, unsigned wait_ms, kk_db **out, kk_error *err)
{
    return kk_shim_guard(err, "opening database for writing", path, [&] {
        kk_shim_require(path && out, "NULL argument");
        auto db = std::make_unique<kk_db>();
        db->path = path;
        try {
            db->wdb = open_writable_waiting(db->path, wait_ms);
        } catch (const Xapian::DatabaseLockError &e) {
            return kk_error_set(err, KK_ELOCKED,
                                "database '%s' is locked by another writer (waited %u ms): %s",
                                path, wait_ms, e.get_msg().c_str());
        }
        db->db.reset(db->wdb);
        *out = db.release();
        return KK_OK;
    });
}

/* Xapian's destructor cancels an open transaction and commits changes made outside one; it
 * never throws. */
void kk_db_free(kk_db *db)
{
    delete db;
}

kk_status kk_db_reopen(kk_db *db, int *changed, kk_error *err)
{
    return kk_shim_guard(err, "reopening database", db ? db->path.c_str() : nullptr, [&] {
        bool moved = readable(db).reopen();
        if (changed)
            *changed = moved;
        return KK_OK;
    });
}

/* ---- Transactions ---------------------------------------------------------------------------- */

kk_status kk_db_begin(kk_db *db, kk_error *err)
{
    return kk_shim_guard(err, "beginning a transaction on", db ? db->path.c_str() : nullptr, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(!db->in_transaction, "a transaction is already open");
        /* flushed: the commit is durable on its own, as the header promises */
        w.begin_transaction(true);
        db->in_transaction = true;
        return KK_OK;
    });
}

kk_status kk_db_commit(kk_db *db, kk_error *err)
{
    return kk_shim_guard(err, "committing to", db ? db->path.c_str() : nullptr, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        if (!db->in_transaction) {
            w.commit();
            return KK_OK;
        }
        /* Xapian ends the transaction even when its commit fails. */
        db->in_transaction = false;
        w.commit_transaction();
        return KK_OK;
    });
}

kk_status kk_db_cancel(kk_db *db, kk_error *err)
{
    return kk_shim_guard(err, "cancelling a transaction on", db ? db->path.c_str() : nullptr, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(db->in_transaction, "no transaction is open");
        db->in_transaction = false;
        w.cancel_transaction();
        return KK_OK;
    });
}

/* ---- Writing --------------------------------------------------------------------------------- */

kk_status kk_db_replace(kk_db *db, const char *id_term, size_t id_len, const kk_xdoc *doc,
                        unsigned *docid, kk_error *err)
{
    return kk_shim_guard(err, "replacing document", nullptr, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(id_term && doc, "NULL argument");
        Xapian::docid id = w.replace_document(std::string(id_term, id_len), doc->doc);
        if (docid)
            *docid = id;
        return KK_OK;
    });
}

kk_status kk_db_add(kk_db *db, const kk_xdoc *doc, unsigned *docid, kk_error *err)
{
    return kk_shim_guard(err, "adding document to", db ? db->path.c_str() : nullptr, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(doc != nullptr, "NULL document");
        Xapian::docid id = w.add_document(doc->doc);
        if (docid)
            *docid = id;
        return KK_OK;
    });
}

kk_status kk_db_delete(kk_db *db, const char *term, size_t len, kk_error *err)
{
    return kk_shim_guard(err, "deleting documents from", db ? db->path.c_str() : nullptr, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(term != nullptr, "NULL term");
        w.delete_document(std::string(term, len));
        return KK_OK;
    });
}

kk_status kk_db_set_metadata(kk_db *db, const char *key, const char *value, size_t len,
                             kk_error *err)
{
    return kk_shim_guard(err, "setting metadata", key, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(key && value, "NULL argument");
        w.set_metadata(key, std::string(value, len));
        return KK_OK;
    });
}

kk_status kk_db_add_synonym(kk_db *db, const char *term, const char *synonym, kk_error *err)
{
    return kk_shim_guard(err, "adding a synonym of", term, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(term && synonym, "NULL argument");
        w.add_synonym(term, synonym);
        return KK_OK;
    });
}

kk_status kk_db_clear_synonyms(kk_db *db, const char *term, kk_error *err)
{
    return kk_shim_guard(err, "clearing the synonyms of", term, [&] {
        Xapian::WritableDatabase &w = kk_shim_writable(db);
        kk_shim_require(term != nullptr, "NULL term");
        w.clear_synonyms(term);
        return KK_OK;
    });
}

/* ---- Reading --------------------------------------------------------------------------------- */

kk_status kk_db_doc_count(kk_db *db, unsigned *out, kk_error *err)
{
    return kk_shim_guard(err, "counting documents", nullptr, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(out != nullptr, "NULL out");
        kk_shim_read_retry(db, [&] { *out = d.get_doccount(); });
        return KK_OK;
    });
}

kk_status kk_db_term_freq(kk_db *db, const char *term, size_t len, unsigned *out, kk_error *err)
{
    return kk_shim_guard(err, "counting documents with a term", nullptr, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(term && out, "NULL argument");
        kk_shim_read_retry(db, [&] { *out = d.get_termfreq(std::string(term, len)); });
        return KK_OK;
    });
}

kk_status kk_db_collection_freq(kk_db *db, const char *term, size_t len, unsigned long long *out,
                                kk_error *err)
{
    return kk_shim_guard(err, "counting occurrences of a term", nullptr, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(term && out, "NULL argument");
        kk_shim_read_retry(db, [&] { *out = d.get_collection_freq(std::string(term, len)); });
        return KK_OK;
    });
}

/* Docid 0 never names a document; Xapian calls that an invalid argument, our callers a missing
 * document. */
static Xapian::Document fetch_document(kk_db *db, unsigned docid)
{
    Xapian::Database &d = readable(db);
    if (docid == 0)
        throw Xapian::DocNotFoundError("document id 0 does not exist");
    return d.get_document(docid);
}

std::string kk_shim_read_data(const Xapian::Document &doc, const kk_data_codec &codec)
{
    std::string bytes = doc.get_value(KK_XDOC_DATA_SLOT);
    if (!codec.fn)
        return bytes;
    const char *out = nullptr;
    size_t len = 0;
    kk_error e = {};
    if (codec.fn(bytes.data(), bytes.size(), &out, &len, codec.ctx, &e) != KK_OK)
        throw Xapian::DatabaseCorruptError(e.message);
    return std::string(out, len);
}

void kk_db_set_data_decoder(kk_db *db, kk_data_decoder fn, void *ctx)
{
    if (!db)
        return;
    db->decode = fn;
    db->decode_ctx = ctx;
}

kk_status kk_db_get_data(kk_db *db, unsigned docid, char **out, size_t *len, kk_error *err)
{
    return kk_shim_guard(err, "reading the data of a document", nullptr, [&] {
        kk_shim_require(out != nullptr, "NULL out");
        std::string data;
        kk_data_codec codec;
        codec.fn = db ? db->decode : nullptr;
        codec.ctx = db ? db->decode_ctx : nullptr;
        kk_shim_read_retry(db, [&] { data = kk_shim_read_data(fetch_document(db, docid), codec); });
        give_copy(data, out, len);
        return KK_OK;
    });
}

kk_status kk_db_get_value(kk_db *db, unsigned docid, unsigned slot, char **out, size_t *len,
                          kk_error *err)
{
    return kk_shim_guard(err, "reading a value of a document", nullptr, [&] {
        kk_shim_require(out != nullptr, "NULL out");
        std::string value;
        Xapian::Database &d = readable(db);
        kk_shim_read_retry(db, [&] {
            if (docid != 0)
                value = d.get_document(docid, Xapian::DOC_ASSUME_VALID).get_value(slot);
        });
        give_copy(value, out, len);
        return KK_OK;
    });
}

kk_status kk_db_get_metadata(kk_db *db, const char *key, char **out, size_t *len, kk_error *err)
{
    return kk_shim_guard(err, "reading metadata", key, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(key && out, "NULL argument");
        std::string value;
        kk_shim_read_retry(db, [&] { value = d.get_metadata(key); });
        give_copy(value, out, len);
        return KK_OK;
    });
}

/* ---- Iteration ------------------------------------------------------------------------------- */

/* Feed the terms of [it, end) to cb (freq from get_freq) until it asks to stop. */
template <class Freq>
static void feed_terms(Xapian::TermIterator it, bool &delivered, kk_term_cb cb, void *ctx,
                       Freq get_freq)
{
    for (; it != Xapian::TermIterator(); ++it) {
        const std::string term = *it;
        unsigned freq = get_freq(it);
        delivered = true;
        if (cb(term.data(), term.size(), freq, ctx))
            return;
    }
}

kk_status kk_db_each_synonym(kk_db *db, const char *term, kk_term_cb cb, void *ctx,
                             kk_error *err)
{
    return kk_shim_guard(err, "listing the synonyms of", term, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(term && cb, "NULL argument");
        bool delivered = false;
        /* a synonym has no frequency of its own: cb gets 0 */
        kk_shim_read_retry(d, db->wdb != nullptr, delivered, [&] {
            feed_terms(d.synonyms_begin(term), delivered, cb, ctx,
                       [](const Xapian::TermIterator &) { return 0u; });
        });
        return KK_OK;
    });
}

kk_status kk_db_each_term(kk_db *db, const char *prefix, kk_term_cb cb, void *ctx, kk_error *err)
{
    return kk_shim_guard(err, "listing terms with prefix", prefix, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(prefix && cb, "NULL argument");
        bool delivered = false;
        kk_shim_read_retry(d, db->wdb != nullptr, delivered, [&] {
            feed_terms(d.allterms_begin(prefix), delivered, cb, ctx,
                       [](const Xapian::TermIterator &it) { return it.get_termfreq(); });
        });
        return KK_OK;
    });
}

kk_status kk_db_each_doc_term(kk_db *db, unsigned docid, kk_term_cb cb, void *ctx, kk_error *err)
{
    return kk_shim_guard(err, "listing the terms of a document", nullptr, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(cb != nullptr, "NULL callback");
        bool delivered = false;
        kk_shim_read_retry(d, db->wdb != nullptr, delivered, [&] {
            feed_terms(d.termlist_begin(docid), delivered, cb, ctx,
                       [](const Xapian::TermIterator &it) { return it.get_wdf(); });
        });
        return KK_OK;
    });
}

kk_status kk_db_each_posting(kk_db *db, const char *term, size_t len, kk_posting_cb cb, void *ctx,
                             kk_error *err)
{
    return kk_shim_guard(err, "listing the documents of a term", nullptr, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(term && cb, "NULL argument");
        const std::string t(term, len);
        bool delivered = false;
        kk_shim_read_retry(d, db->wdb != nullptr, delivered, [&] {
            for (auto it = d.postlist_begin(t); it != d.postlist_end(t); ++it) {
                Xapian::docid id = *it;
                unsigned wdf = it.get_wdf();
                delivered = true;
                if (cb(id, wdf, ctx))
                    return;
            }
        });
        return KK_OK;
    });
}

kk_status kk_db_term_in_docs(kk_db *db, const char *term, size_t len, const unsigned *docids,
                             size_t n, unsigned char *found, kk_error *err)
{
    return kk_shim_guard(err, "looking a term up in documents", nullptr, [&] {
        Xapian::Database &d = readable(db);
        kk_shim_require(term && (docids || n == 0) && (found || n == 0), "NULL argument");
        const std::string t(term, len);
        const bool never = false;
        kk_shim_read_retry(d, db->wdb != nullptr, never, [&] {
            Xapian::PostingIterator it = d.postlist_begin(t), end = d.postlist_end(t);
            for (size_t k = 0; k < n && it != end; k++) {
                it.skip_to(docids[k]);
                if (it != end && *it == docids[k])
                    found[k] = 1;
            }
        });
        return KK_OK;
    });
}

/* ---- Documents ------------------------------------------------------------------------------- */

kk_status kk_xdoc_new(kk_xdoc **out, kk_error *err)
{
    return kk_shim_guard(err, "creating a document", nullptr, [&] {
        kk_shim_require(out != nullptr, "NULL out");
        *out = new kk_xdoc();
        return KK_OK;
    });
}

void kk_xdoc_free(kk_xdoc *doc)
{
    delete doc;
}

/* Clearing releases memory and does not allocate; the catch only keeps the boundary sealed. */
void kk_xdoc_clear(kk_xdoc *doc)
{
    if (!doc)
        return;
    try {
        doc->doc.clear_terms();
        doc->doc.clear_values();
    } catch (...) {
    }
}

kk_status kk_xdoc_add_term(kk_xdoc *doc, const char *term, size_t len, unsigned wdf_inc,
                           kk_error *err)
{
    return kk_shim_guard(err, "adding a term to a document", nullptr, [&] {
        kk_shim_require(doc && term, "NULL argument");
        doc->doc.add_term(std::string(term, len), wdf_inc);
        return KK_OK;
    });
}

kk_status kk_xdoc_set_value(kk_xdoc *doc, unsigned slot, const char *value, size_t len,
                            kk_error *err)
{
    return kk_shim_guard(err, "setting a value of a document", nullptr, [&] {
        kk_shim_require(doc && value, "NULL argument");
        doc->doc.add_value(slot, std::string(value, len));
        return KK_OK;
    });
}

kk_status kk_xdoc_set_number(kk_xdoc *doc, unsigned slot, double number, kk_error *err)
{
    return kk_shim_guard(err, "setting a number of a document", nullptr, [&] {
        kk_shim_require(doc != nullptr, "NULL document");
        doc->doc.add_value(slot, Xapian::sortable_serialise(number));
        return KK_OK;
    });
}

kk_status kk_xdoc_set_data(kk_xdoc *doc, const char *data, size_t len, kk_error *err)
{
    return kk_shim_guard(err, "setting the data of a document", nullptr, [&] {
        kk_shim_require(doc && data, "NULL argument");
        if (len)
            doc->doc.add_value(KK_XDOC_DATA_SLOT, std::string(data, len));
        else
            doc->doc.remove_value(KK_XDOC_DATA_SLOT);
        return KK_OK;
    });
}
