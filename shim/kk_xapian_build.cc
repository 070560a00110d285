/* kk_xapian_build.cc — building one database out of many: scratch shards and compaction
 * (kk_xapian.h, "Building from shards").
 *
 * Owns the two calls a parallel first index needs: creating a shard that skips the durability
 * a real database pays for, and merging shards into one compacted database with Xapian's
 * compactor. What goes into the shards, their order and their clean-up are the indexer's.
 */
#include "kk_xapian_internal.h"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

kk_status kk_db_create_shard(const char *path, kk_db **out, kk_error *err)
{
    return kk_shim_guard(err, "creating shard", path, [&] {
        kk_shim_require(path && out, "NULL argument");
        auto db = std::make_unique<kk_db>();
        db->path = path;
        /* No fsync: a shard lives only until it is compacted into the real database, and a
         * crash before that throws the whole build away anyway. */
        db->wdb = new Xapian::WritableDatabase(
            path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
        db->db.reset(db->wdb);
        *out = db.release();
        return KK_OK;
    });
}

/* With more than this many sources Xapian merges the postlists in several passes through
 * temporary files, which it documents as generally faster. Measured on the minutes (16 shards of
 * ~500 passages each): the same time either way at 16 sources, so only larger merges use it. */
enum { KK_COMPACT_MULTIPASS_MIN = 32 };

kk_status kk_db_compact(const char *const *sources, size_t n, const char *dest, kk_error *err)
{
    return kk_shim_guard(err, "compacting into", dest, [&] {
        kk_shim_require(sources && dest && n > 0, "NULL or empty argument");
        struct stat st;
        if (stat(dest, &st) == 0)
            return kk_error_set(err, KK_EINVAL, "compacting into '%s': it already exists", dest);
        Xapian::Database all;
        for (size_t k = 0; k < n; k++) {
            kk_shim_require(sources[k] != nullptr, "NULL source");
            all.add_database(Xapian::Database(sources[k]));
        }
        /* Standard compaction: FULL measured no smaller on the minutes, and FULLER would make
         * later updates of the database slow. */
        unsigned flags = Xapian::DB_BACKEND_GLASS;
        if (n > KK_COMPACT_MULTIPASS_MIN)
            flags |= Xapian::DBCOMPACT_MULTIPASS;
        all.compact(dest, flags);
        return KK_OK;
    });
}
