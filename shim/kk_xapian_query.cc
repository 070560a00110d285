/* kk_xapian_query.cc — queries, searching and relevance expansion of the C API (kk_xapian.h).
 *
 * Owns building Xapian::Query trees from C, running a search with BM25, collapsing, sorting,
 * the caller's accept check and facet counting into a kk_xresults page, and ESet expansion. It
 * does not open databases or classify exceptions; that is kk_xapian.cc, through the helpers in
 * kk_xapian_internal.h.
 *
 * Sections: queries; searching; results; expansion; numbers.
 */
#include "kk_xapian_internal.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <set>

/* ---- Queries --------------------------------------------------------------------------------- */

static kk_status give_query(Xapian::Query q, kk_xquery **out)
{
    *out = new kk_xquery{std::move(q)};
    return KK_OK;
}

kk_status kk_xquery_term(const char *term, size_t len, unsigned wqf, kk_xquery **out,
                         kk_error *err)
{
    return kk_shim_guard(err, "building a term query", nullptr, [&] {
        kk_shim_require(term && out, "NULL argument");
        return give_query(Xapian::Query(std::string(term, len), wqf), out);
    });
}

/* No expansion limit: a prefix is chosen by our own query code, not typed by users as a bare
 * '*', and a silently truncated expansion would lose matches. */
kk_status kk_xquery_wildcard(const char *prefix, size_t len, kk_xquery **out, kk_error *err)
{
    return kk_shim_guard(err, "building a wildcard query", nullptr, [&] {
        kk_shim_require(prefix && out, "NULL argument");
        return give_query(Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len), 0,
                                        Xapian::Query::WILDCARD_LIMIT_ERROR,
                                        Xapian::Query::OP_SYNONYM),
                          out);
    });
}

static Xapian::Query::op xapian_op(kk_qop op)
{
    switch (op) {
    case KK_QOP_AND: return Xapian::Query::OP_AND;
    case KK_QOP_OR: return Xapian::Query::OP_OR;
    case KK_QOP_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case KK_QOP_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case KK_QOP_FILTER: return Xapian::Query::OP_FILTER;
    case KK_QOP_SYNONYM: return Xapian::Query::OP_SYNONYM;
    case KK_QOP_MAX: return Xapian::Query::OP_MAX;
    case KK_QOP_ELITE_SET: return Xapian::Query::OP_ELITE_SET;
    }
    throw Xapian::InvalidArgumentError("unknown query operator " + std::to_string(int(op)));
}

kk_status kk_xquery_combine(kk_qop op, kk_xquery *const *subs, size_t n, unsigned window,
                            kk_xquery **out, kk_error *err)
{
    return kk_shim_guard(err, "combining queries", nullptr, [&] {
        kk_shim_require(out && (subs || n == 0), "NULL argument");
        std::vector<Xapian::Query> parts;
        parts.reserve(n);
        for (size_t i = 0; i < n; i++) {
            kk_shim_require(subs[i] != nullptr, "NULL subquery");
            parts.push_back(subs[i]->query);
        }
        /* Of our operators, Xapian reads window only for ELITE_SET (the set size). */
        return give_query(Xapian::Query(xapian_op(op), parts.begin(), parts.end(), window), out);
    });
}

kk_status kk_xquery_number_range(unsigned slot, double lo, double hi, kk_xquery **out,
                                 kk_error *err)
{
    return kk_shim_guard(err, "building a number range query", nullptr, [&] {
        kk_shim_require(out != nullptr, "NULL out");
        return give_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                                        Xapian::sortable_serialise(lo),
                                        Xapian::sortable_serialise(hi)),
                          out);
    });
}

kk_status kk_xquery_scale(const kk_xquery *q, double factor, kk_xquery **out, kk_error *err)
{
    return kk_shim_guard(err, "scaling a query", nullptr, [&] {
        kk_shim_require(q && out, "NULL argument");
        return give_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->query, factor), out);
    });
}

kk_status kk_xquery_all(kk_xquery **out, kk_error *err)
{
    return kk_shim_guard(err, "building a match-all query", nullptr, [&] {
        kk_shim_require(out != nullptr, "NULL out");
        return give_query(Xapian::Query::MatchAll, out);
    });
}

char *kk_xquery_describe(const kk_xquery *q)
{
    if (!q)
        return nullptr;
    try {
        return strdup(q->query.get_description().c_str());
    } catch (...) {
        return nullptr;
    }
}

void kk_xquery_free(kk_xquery *q)
{
    delete q;
}

/* ---- Searching ------------------------------------------------------------------------------- */

void kk_search_opts_init(kk_search_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->max = 10;
    /* Xapian's own BM25Weight defaults; tuning belongs to the query module, which measures it. */
    opts->bm25_k1 = 1;
    opts->bm25_k2 = 0;
    opts->bm25_k3 = 1;
    opts->bm25_b = 0.5;
    opts->bm25_min_normlen = 0.5;
    opts->collapse_slot = -1;
    opts->sort_slot = -1;
}

static void configure(kk_xresults &r, const Xapian::Query &q, const kk_search_opts &o)
{
    r.enquire.set_query(q);
    r.enquire.set_weighting_scheme(
        Xapian::BM25Weight(o.bm25_k1, o.bm25_k2, o.bm25_k3, o.bm25_b, o.bm25_min_normlen));
    if (o.collapse_slot >= 0)
        r.enquire.set_collapse_key(static_cast<Xapian::valueno>(o.collapse_slot));
    if (o.sort_slot >= 0)
        r.enquire.set_sort_by_value_then_relevance(static_cast<Xapian::valueno>(o.sort_slot),
                                                   o.sort_descending != 0);
    for (size_t k = 0; k < o.n_facets; k++) {
        r.spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(o.facet_slots[k]));
        r.enquire.add_matchspy(r.spies.back().get());
    }
    if (o.accept)
        r.decider = std::make_unique<kk_accept_decider>(o.accept, o.accept_ctx, r.codec);
}

/* Unless asked to wait, fetch the stored data of the page now, while the revision that matched
 * is current, so that hits stay readable whatever writers do later. MSet::fetch() is not used:
 * it only helps remote backends, and in libxapian 1.4.22 it crashes on a page that starts after
 * the first match. */
static void run(kk_xresults &r, const kk_search_opts &o)
{
    r.mset = r.enquire.get_mset(o.first, o.max, o.check_at_least, nullptr, r.decider.get());
    r.data.assign(r.mset.size(), std::string());
    r.have_data.assign(r.mset.size(), false);
    size_t k = 0;
    for (auto it = r.mset.begin(); !o.lazy_data && it != r.mset.end(); ++it, ++k) {
        r.data[k] = kk_shim_read_data(it.get_document(), r.codec);
        r.have_data[k] = true;
    }
}

kk_status kk_db_search(kk_db *db, const kk_xquery *q, const kk_search_opts *opts,
                       kk_xresults **out, kk_error *err)
{
    return kk_shim_guard(err, "searching", db ? db->path.c_str() : nullptr, [&] {
        kk_shim_require(db && q && opts && out, "NULL argument");
        kk_shim_require(opts->n_facets <= KK_SEARCH_MAX_FACETS, "too many facet slots");
        std::unique_ptr<kk_xresults> r;
        /* Match spies keep counting across runs, so a retry starts from a fresh handle. */
        kk_shim_read_retry(db, [&] {
            kk_data_codec codec;
            codec.fn = db->decode;
            codec.ctx = db->decode_ctx;
            r = std::make_unique<kk_xresults>(*db->db, db->wdb != nullptr, codec);
            configure(*r, q->query, *opts);
            run(*r, *opts);
        });
        *out = r.release();
        return KK_OK;
    });
}

/* ---- Results --------------------------------------------------------------------------------- */

size_t kk_xresults_size(const kk_xresults *r)
{
    return r ? r->data.size() : 0;
}

unsigned kk_xresults_estimated(const kk_xresults *r)
{
    return r ? r->mset.get_matches_estimated() : 0;
}

unsigned kk_xresults_lower_bound(const kk_xresults *r)
{
    return r ? r->mset.get_matches_lower_bound() : 0;
}

unsigned kk_xresults_upper_bound(const kk_xresults *r)
{
    return r ? r->mset.get_matches_upper_bound() : 0;
}

static void fill_hit(const kk_xresults &r, size_t i, kk_xhit *hit)
{
    Xapian::MSetIterator it = r.mset[static_cast<Xapian::doccount>(i)];
    hit->docid = *it;
    hit->rank = it.get_rank();
    hit->weight = it.get_weight();
    hit->percent = it.get_percent();
    hit->data = r.have_data[i] ? r.data[i].c_str() : nullptr;
    hit->data_len = r.have_data[i] ? r.data[i].size() : 0;
    hit->collapse_count = it.get_collapse_count();
}

kk_status kk_xresults_hit(kk_xresults *r, size_t i, kk_xhit *hit, kk_error *err)
{
    return kk_shim_guard(err, "reading a search hit", nullptr, [&] {
        kk_shim_require(r && hit, "NULL argument");
        kk_shim_require(i < r->data.size(), "hit index out of range");
        if (!r->have_data[i]) {
            /* A docid outlives revisions: if a writer moved on since the search, the document
             * is read from the newest one (DocNotFoundError if it was deleted meanwhile). */
            Xapian::docid id = *r->mset[static_cast<Xapian::doccount>(i)];
            const bool never = false;
            kk_shim_read_retry(r->db, r->writable, never, [&] {
                r->data[i] = kk_shim_read_data(r->db.get_document(id), r->codec);
            });
            r->have_data[i] = true;
        }
        fill_hit(*r, i, hit);
        return KK_OK;
    });
}

kk_status kk_xresults_match(kk_xresults *r, size_t i, kk_xhit *hit, kk_error *err)
{
    return kk_shim_guard(err, "reading a search hit", nullptr, [&] {
        kk_shim_require(r && hit, "NULL argument");
        kk_shim_require(i < r->data.size(), "hit index out of range");
        fill_hit(*r, i, hit);
        return KK_OK;
    });
}

kk_status kk_xresults_each_facet(kk_xresults *r, size_t k, kk_term_cb cb, void *ctx,
                                 kk_error *err)
{
    return kk_shim_guard(err, "listing facet counts", nullptr, [&] {
        kk_shim_require(r && cb, "NULL argument");
        kk_shim_require(k < r->spies.size(), "facet index out of range");
        const Xapian::ValueCountMatchSpy &spy = *r->spies[k];
        size_t distinct = 0;
        for (auto it = spy.values_begin(); it != spy.values_end(); ++it)
            distinct++;
        for (auto it = spy.top_values_begin(distinct); it != spy.top_values_end(distinct); ++it) {
            const std::string value = *it;
            if (cb(value.data(), value.size(), it.get_termfreq(), ctx))
                break;
        }
        return KK_OK;
    });
}

void kk_xresults_free(kk_xresults *r)
{
    delete r;
}

/* ---- Expansion ------------------------------------------------------------------------------- */

namespace {

/* Keeps the terms of one prefix (or the unprefixed ones, for ""), minus those skip rejects. */
class PrefixDecider : public Xapian::ExpandDecider {
  public:
    PrefixDecider(const char *prefix, kk_term_filter skip, void *ctx)
        : prefix_(prefix), skip_(skip), ctx_(ctx) {}

    bool operator()(const std::string &term) const override
    {
        if (prefix_.empty()) {
            if (!term.empty() && term[0] >= 'A' && term[0] <= 'Z')
                return false;
        } else if (term.compare(0, prefix_.size(), prefix_) != 0) {
            return false;
        }
        return !(skip_ && skip_(term.data(), term.size(), ctx_));
    }

  private:
    std::string prefix_;
    kk_term_filter skip_;
    void *ctx_;
};

} // namespace

static Xapian::ESet expand(Xapian::Database &db, const unsigned *docids, size_t n, size_t max,
                           const PrefixDecider &decider)
{
    Xapian::RSet rset;
    for (size_t i = 0; i < n; i++)
        rset.add_document(docids[i]);
    Xapian::Enquire enquire(db);
    Xapian::termcount limit = max > 0xffffffffu ? 0xffffffffu : Xapian::termcount(max);
    return enquire.get_eset(limit, rset, &decider);
}

kk_status kk_db_expand(kk_db *db, const unsigned *docids, size_t n_docids, const char *prefix,
                       size_t max, kk_term_filter skip, kk_weighted_term_cb cb, void *ctx,
                       kk_error *err)
{
    return kk_shim_guard(err, "expanding relevance set in", db ? db->path.c_str() : nullptr, [&] {
        kk_shim_require(db && prefix && cb && (docids || n_docids == 0), "NULL argument");
        const PrefixDecider decider(prefix, skip, ctx);
        Xapian::ESet eset;
        kk_shim_read_retry(db, [&] { eset = expand(*db->db, docids, n_docids, max, decider); });
        for (auto it = eset.begin(); it != eset.end(); ++it) {
            const std::string term = *it;
            if (cb(term.data(), term.size(), it.get_weight(), ctx))
                break;
        }
        return KK_OK;
    });
}

/* ---- Numbers --------------------------------------------------------------------------------- */

/* The serialised form is at most 9 bytes, well inside the 16 the header promises room for, and
 * short enough that std::string never allocates: neither function can fail. */
size_t kk_number_serialise(double number, char *buf)
{
    try {
        const std::string s = Xapian::sortable_serialise(number);
        memcpy(buf, s.data(), s.size());
        return s.size();
    } catch (...) {
        return 0;
    }
}

double kk_number_unserialise(const char *value, size_t len)
{
    try {
        return Xapian::sortable_unserialise(std::string(value, len));
    } catch (...) {
        return 0.0;
    }
}
