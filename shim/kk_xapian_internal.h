/* kk_xapian_internal.h — the structs behind the shim's handles and the one exception boundary.
 *
 * Shared by kk_xapian.cc (databases, documents, iteration) and kk_xapian_query.cc (queries,
 * searching, expansion). It owns the definitions of the opaque handles, the exception classifier
 * every exported function goes through, and the reopen-and-retry loop for read-only databases.
 * It is C++ and private to shim/: nothing outside shim/ may include it.
 */
#ifndef KK_XAPIAN_INTERNAL_H
#define KK_XAPIAN_INTERNAL_H

#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

/* kk_error.h has no extern "C" guard of its own and kk_xapian.h includes it outside its guard;
 * including it here first gives kk_error_set C linkage, matching kk_error.c. */
extern "C" {
#include "kk_error.h"
}
#include "kk_xapian.h"

struct kk_db {
    std::unique_ptr<Xapian::Database> db;     /* a WritableDatabase when opened for writing */
    Xapian::WritableDatabase *wdb = nullptr;  /* the same object as db if writable, else NULL */
    std::string path;
    bool in_transaction = false;
    kk_data_decoder decode = nullptr; /* kk_db_set_data_decoder */
    void *decode_ctx = nullptr;
};

struct kk_xdoc {
    Xapian::Document doc;
};

struct kk_xquery {
    Xapian::Query query;
};

/* How a database's stored data is decoded (kk_db_set_data_decoder); copied into each search so
 * that its hits are read the same way. */
struct kk_data_codec {
    kk_data_decoder fn = nullptr;
    void *ctx = nullptr;
};

/* The stored data of doc (kk_xdoc_set_data), decoded; a decoder's failure is thrown as
 * DatabaseCorruptError carrying its message. */
std::string kk_shim_read_data(const Xapian::Document &doc, const kk_data_codec &codec);

/* Calls the caller's accept function (kk_search_opts) on a candidate's stored data. */
class kk_accept_decider : public Xapian::MatchDecider {
  public:
    kk_accept_decider(int (*fn)(const char *, size_t, void *), void *ctx,
                      const kk_data_codec &codec)
        : fn_(fn), ctx_(ctx), codec_(codec)
    {
    }
    bool operator()(const Xapian::Document &doc) const override
    {
        std::string data = kk_shim_read_data(doc, codec_);
        return fn_(data.data(), data.size(), ctx_) != 0;
    }

  private:
    int (*fn_)(const char *, size_t, void *);
    void *ctx_;
    kk_data_codec codec_;
};

struct kk_xresults {
    /* Declared before enquire so that they outlive it: the Enquire holds bare pointers to them. */
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    std::unique_ptr<kk_accept_decider> decider;
    Xapian::Database db;              /* shares the kk_db's internals, so reopening is seen here */
    bool writable;
    Xapian::Enquire enquire;
    Xapian::MSet mset;
    std::vector<std::string> data;    /* stored data of each hit (kk_search_opts.lazy_data) */
    std::vector<bool> have_data;      /* which of data are read */
    kk_data_codec codec;

    kk_xresults(const Xapian::Database &d, bool w, const kk_data_codec &c)
        : db(d), writable(w), enquire(d), codec(c)
    {
    }
};

/* Map the exception being handled to a kk_status and a message "what 'subject': Type: message".
 * Only call it from inside a catch block. subject may be NULL. */
kk_status kk_shim_fail(kk_error *err, const char *what, const char *subject) noexcept;

/* Throw Xapian::InvalidArgumentError (→ KK_EINVAL) with message unless ok. */
void kk_shim_require(bool ok, const char *message);

/* The writable database behind db, or InvalidArgumentError if it was opened read-only. */
Xapian::WritableDatabase &kk_shim_writable(kk_db *db);

/* Run body, which returns a kk_status, turning any exception into a status and a message. Every
 * exported function that can fail goes through here, so no exception reaches C. */
template <class Body>
kk_status kk_shim_guard(kk_error *err, const char *what, const char *subject, Body &&body) noexcept
{
    try {
        return body();
    } catch (...) {
        return kk_shim_fail(err, what, subject);
    }
}

/* How often a read-only database is reopened when a writer has moved on before giving up with
 * KK_EMODIFIED. A single retry normally suffices (the reader sees the newest commit); several
 * cover an indexer committing in a tight loop. */
enum { KK_SHIM_REOPEN_ATTEMPTS = 5 };

/* Run body (void) on db; if a writer replaced the revision under a read-only database, reopen it
 * and run body again. delivered is set by body once it has handed anything to a callback: from
 * then on a retry would repeat items, so the error is passed up instead. */
template <class Body>
void kk_shim_read_retry(Xapian::Database &db, bool writable, const bool &delivered, Body &&body)
{
    for (int attempt = 1;; ++attempt) {
        try {
            body();
            return;
        } catch (const Xapian::DatabaseModifiedError &) {
            if (writable || delivered || attempt >= KK_SHIM_REOPEN_ATTEMPTS)
                throw;
        }
        db.reopen();
    }
}

/* The same for bodies that deliver nothing before they finish. */
template <class Body>
void kk_shim_read_retry(kk_db *db, Body &&body)
{
    const bool never = false;
    kk_shim_read_retry(*db->db, db->wdb != nullptr, never, body);
}

#endif
