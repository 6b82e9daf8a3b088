#include "relay/store.h"

#include <functional>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace cairn::relay {
namespace {

// 2: drops moved from a WITHOUT ROWID table to a rowid table with random rowids.
constexpr std::int64_t kSchemaVersion = 2;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
-- Not WITHOUT ROWID: SQLite compares the keys of such a table by loading whole
-- records, so with 32 KiB bodies every insert read the overflow pages of the
-- rows its search passed (about 60 page decryptions per drop). In a rowid table
-- the search compares integers. The rowid is random, never SQLite's next
-- number, so it reveals nothing about arrival order.
CREATE TABLE drops (id BLOB NOT NULL UNIQUE CHECK (length(id) = 32), body BLOB NOT NULL);
CREATE TABLE replies (id BLOB PRIMARY KEY CHECK (length(id) = 32), body BLOB NOT NULL,
                      expires_day INTEGER NOT NULL) WITHOUT ROWID;
-- Running totals kept in the same transactions as the drops, so the quota
-- check is O(1) and exact even when another process purges.
CREATE TABLE totals (one INTEGER PRIMARY KEY CHECK (one = 1), drops INTEGER NOT NULL,
                     drop_bytes INTEGER NOT NULL);
INSERT INTO totals VALUES (1, 0, 0);
)sql";

// A uniformly random positive rowid.
std::int64_t random_rowid() {
  auto b = crypto::random_bytes(8);
  std::uint64_t v = (std::uint64_t{get_u32be(b.data())} << 32) | get_u32be(b.data() + 4);
  v &= 0x7fffffffffffffffull;
  return v == 0 ? 1 : static_cast<std::int64_t>(v);
}

}  // namespace

DropId drop_id(ByteView drop) { return crypto::blake2b_256(drop); }

Result<std::unique_ptr<Store>> Store::create(const std::filesystem::path& path, const crypto::Secret& key) {
  CAIRN_TRY(auto db, db::Database::open(path, key, db::Database::Mode::create_new));
  std::unique_ptr<Store> store(new Store(std::move(db)));
  CAIRN_CHECK(store->transaction([&]() -> Status {
    CAIRN_CHECK(store->db_->exec(kSchema));
    return store->db_->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";");
  }));
  return store;
}

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& path, const crypto::Secret& key) {
  CAIRN_TRY(auto db, db::Database::open(path, key, db::Database::Mode::open_existing));
  CAIRN_TRY(auto version, db->user_version());
  if (version != kSchemaVersion) return make_error(Errc::unsupported, "the relay store has an unknown schema version");
  return std::unique_ptr<Store>(new Store(std::move(db)));
}

Status Store::transaction(const std::function<Status()>& body) { return db_->transaction(body); }

Status Store::put_drops(std::span<const ByteView> drops, std::uint64_t quota_bytes) {
  return transaction([&]() -> Status {
    CAIRN_TRY(auto sum, db_->prepare("SELECT drop_bytes FROM totals;"));
    CAIRN_TRY(bool row, sum.step());
    auto stored = row ? static_cast<std::uint64_t>(sum.column_int(0)) : 0;
    CAIRN_TRY(auto have_id, db_->prepare("SELECT 1 FROM drops WHERE id = ?1;"));
    CAIRN_TRY(auto have_rowid, db_->prepare("SELECT 1 FROM drops WHERE rowid = ?1;"));
    CAIRN_TRY(auto insert, db_->prepare("INSERT INTO drops (rowid, id, body) VALUES (?1, ?2, ?3);"));
    auto exists = [](db::Statement& stmt, auto key) -> Result<bool> {
      stmt.bind(1, key);
      auto found = stmt.step();
      stmt.reset();
      return found;
    };
    std::int64_t added = 0, added_bytes = 0;
    for (auto drop : drops) {
      if (stored + drop.size() > quota_bytes)
        return make_error(Errc::quota, "the relay store is full (its configured quota is reached)");
      auto id = drop_id(drop);
      CAIRN_TRY(bool duplicate, exists(have_id, ByteView(id)));
      if (duplicate) continue;
      std::int64_t rowid = 0;
      for (bool taken = true; taken;) {  // a collision is ~n/2^63 likely: draw again
        rowid = random_rowid();
        CAIRN_TRY(taken, exists(have_rowid, rowid));
      }
      CAIRN_CHECK(insert.bind(1, rowid).bind(2, ByteView(id)).bind(3, drop).run());
      stored += drop.size();
      ++added;
      added_bytes += static_cast<std::int64_t>(drop.size());
    }
    return update_totals(added, added_bytes);
  });
}

Status Store::update_totals(std::int64_t drops, std::int64_t bytes) {
  CAIRN_TRY(auto stmt, db_->prepare("UPDATE totals SET drops = drops + ?1, drop_bytes = drop_bytes + ?2;"));
  return stmt.bind(1, drops).bind(2, bytes).run();
}

Result<bool> Store::has_drop(const DropId& id) {
  CAIRN_TRY(auto stmt, db_->prepare("SELECT 1 FROM drops WHERE id = ?1;"));
  stmt.bind(1, ByteView(id));
  return stmt.step();
}

Result<StoreCounts> Store::counts() {
  StoreCounts c;
  CAIRN_TRY(auto d, db_->prepare("SELECT drops, drop_bytes FROM totals;"));
  CAIRN_TRY(bool row, d.step());
  if (row) {
    c.drops = static_cast<std::uint64_t>(d.column_int(0));
    c.drop_bytes = static_cast<std::uint64_t>(d.column_int(1));
  }
  CAIRN_TRY(auto r, db_->prepare("SELECT count(*) FROM replies;"));
  CAIRN_TRY(bool rrow, r.step());
  if (rrow) c.replies = static_cast<std::uint64_t>(r.column_int(0));
  return c;
}

Result<std::vector<DropId>> Store::drop_ids() {
  CAIRN_TRY(auto stmt, db_->prepare("SELECT id FROM drops ORDER BY id;"));
  std::vector<DropId> ids;
  for (;;) {
    CAIRN_TRY(bool row, stmt.step());
    if (!row) break;
    auto b = stmt.column_blob(0);
    if (b.size() != kDropIdBytes) return make_error(Errc::storage, "a stored drop id has the wrong length");
    DropId id{};
    std::copy(b.begin(), b.end(), id.begin());
    ids.push_back(id);
  }
  return ids;
}

Result<Bytes> Store::get_drop(const DropId& id) {
  CAIRN_TRY(auto stmt, db_->prepare("SELECT body FROM drops WHERE id = ?1;"));
  stmt.bind(1, ByteView(id));
  CAIRN_TRY(bool row, stmt.step());
  if (!row) return make_error(Errc::not_found, "no such drop");
  return stmt.column_blob(0);
}

Result<std::uint64_t> Store::delete_drops(std::span<const DropId> ids) {
  std::uint64_t deleted = 0;
  CAIRN_CHECK(transaction([&]() -> Status {
    // SQLCipher 3.4 embeds SQLite 3.15: no RETURNING, so size first, then delete.
    CAIRN_TRY(auto size, db_->prepare("SELECT length(body) FROM drops WHERE id = ?1;"));
    CAIRN_TRY(auto del, db_->prepare("DELETE FROM drops WHERE id = ?1;"));
    std::int64_t bytes = 0;
    for (const auto& id : ids) {
      size.bind(1, ByteView(id));
      CAIRN_TRY(bool row, size.step());
      if (row) bytes += size.column_int(0);
      size.reset();
      if (!row) continue;
      CAIRN_CHECK(del.bind(1, ByteView(id)).run());
      ++deleted;
    }
    return update_totals(-static_cast<std::int64_t>(deleted), -bytes);
  }));
  return deleted;
}

Status Store::put_meta(std::string_view name, ByteView value) { return db_->put_meta(name, value); }

Result<std::optional<Bytes>> Store::get_meta(std::string_view name) { return db_->get_meta(name); }

Status Store::put_metas(std::span<const MetaValue> values) {
  return transaction([&]() -> Status {
    for (const auto& [name, value] : values) CAIRN_CHECK(db_->put_meta(name, value));
    return ok_status();
  });
}

Result<std::vector<std::optional<Bytes>>> Store::get_metas(std::span<const std::string_view> names) {
  CAIRN_CHECK(db_->exec("BEGIN;"));  // one read snapshot for all of them
  std::vector<std::optional<Bytes>> out;
  for (auto name : names) {
    auto v = db_->get_meta(name);
    if (!v.ok()) {
      (void)db_->exec("ROLLBACK;");
      return v.error();
    }
    out.push_back(std::move(v).value());
  }
  (void)db_->exec("ROLLBACK;");  // nothing was written
  return out;
}

Result<crypto::Secret> Store::get_secret_meta(std::string_view name) {
  return db_->get_secret_meta(name, "the relay store");
}

Status Store::put_replies(std::span<const ByteView> replies, std::uint32_t expires_day) {
  return transaction([&]() -> Status {
    CAIRN_TRY(auto insert,
              db_->prepare("INSERT OR IGNORE INTO replies (id, body, expires_day) VALUES (?1, ?2, ?3);"));
    for (auto reply : replies) {
      auto id = crypto::blake2b_256(reply);
      CAIRN_CHECK(insert.bind(1, ByteView(id)).bind(2, reply).bind(3, std::int64_t{expires_day}).run());
    }
    return ok_status();
  });
}

Result<std::vector<Bytes>> Store::replies(std::uint32_t today) {
  CAIRN_TRY(auto stmt, db_->prepare("SELECT body FROM replies WHERE expires_day >= ?1 ORDER BY id;"));
  stmt.bind(1, std::int64_t{today});
  std::vector<Bytes> out;
  for (;;) {
    CAIRN_TRY(bool row, stmt.step());
    if (!row) break;
    out.push_back(stmt.column_blob(0));
  }
  return out;
}

Result<std::uint64_t> Store::expire_replies(std::uint32_t today) {
  CAIRN_TRY(auto stmt, db_->prepare("DELETE FROM replies WHERE expires_day < ?1;"));
  CAIRN_CHECK(stmt.bind(1, std::int64_t{today}).run());
  return static_cast<std::uint64_t>(db_->changes());
}

}  // namespace cairn::relay
