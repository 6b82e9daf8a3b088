#include "relay/store.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace cairn::relay {
namespace {

// 3: drops live in pre-allocated fixed-size slots written in place at a
// uniformly random free slot (2: rows with random rowids; 1: WITHOUT ROWID).
constexpr std::int64_t kSchemaVersion = 3;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
-- Every slot exists from the start, its id and body zero-filled, and both are
-- only ever overwritten in place (incremental blob I/O): a drop's pages are
-- wherever its slot was allocated, not where the file ended when it arrived,
-- and the file never grows with the drops it holds. A free slot has an
-- all-zero id. No index: the id -> slot map is kept in memory.
CREATE TABLE slots (slot INTEGER PRIMARY KEY, id BLOB NOT NULL, body BLOB NOT NULL);
CREATE TABLE slot_layout (one INTEGER PRIMARY KEY CHECK (one = 1), slot_bytes INTEGER NOT NULL,
                          slot_count INTEGER NOT NULL);
INSERT INTO slot_layout VALUES (1, 0, 0);
CREATE TABLE replies (id BLOB PRIMARY KEY CHECK (length(id) = 32), body BLOB NOT NULL,
                      expires_day INTEGER NOT NULL) WITHOUT ROWID;
-- Running totals kept in the same transactions as the drops, so the quota
-- check is O(1) and exact even when another process purges.
CREATE TABLE totals (one INTEGER PRIMARY KEY CHECK (one = 1), drops INTEGER NOT NULL,
                     drop_bytes INTEGER NOT NULL);
INSERT INTO totals VALUES (1, 0, 0);
)sql";

// A transaction writes at most this many pages, so that its WAL frames fit in
// the first hash table of the -shm file (4062 frames), which the scrub commit
// of reset_journal() clears.
constexpr std::size_t kMaxPagesPerTransaction = 3000;
constexpr std::size_t kPageBytes = 4096;

std::size_t pages_per_slot(std::uint32_t slot_bytes) { return slot_bytes / (kPageBytes - 64) + 2; }

constexpr std::uint64_t kMaxSlots = std::uint64_t{1} << 31;

}  // namespace

DropId drop_id(ByteView drop) { return crypto::blake2b_256(drop); }

std::size_t max_drops_per_transaction(std::uint32_t drop_bytes) {
  return std::max<std::size_t>(1, kMaxPagesPerTransaction / pages_per_slot(drop_bytes) - 1);
}

Result<std::unique_ptr<Store>> Store::create(const std::filesystem::path& path, const crypto::Secret& key) {
  CAIRN_TRY(auto db, db::Database::open(path, key, db::Database::Mode::create_new));
  std::unique_ptr<Store> store(new Store(std::move(db)));
  CAIRN_CHECK(store->transaction([&]() -> Status {
    CAIRN_CHECK(store->db_->exec(kSchema));
    return store->db_->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";");
  }));
  (void)store->reset_journal();
  return store;
}

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& path, const crypto::Secret& key) {
  CAIRN_TRY(auto db, db::Database::open(path, key, db::Database::Mode::open_existing));
  CAIRN_TRY(auto version, db->user_version());
  if (version == 2)
    return make_error(Errc::unsupported,
                      "the relay store was made by an older cairn-relay (drops in rows, not slots); export and "
                      "purge its drops, then create a new store with `cairn-relay init`");
  if (version != kSchemaVersion) return make_error(Errc::unsupported, "the relay store has an unknown schema version");
  return std::unique_ptr<Store>(new Store(std::move(db)));
}

Status Store::transaction(const std::function<Status()>& body) { return db_->transaction(body); }

Result<SlotLayout> Store::slot_layout() {
  CAIRN_TRY(auto stmt, db_->prepare("SELECT slot_bytes, slot_count FROM slot_layout;"));
  CAIRN_TRY(bool row, stmt.step());
  if (!row) return make_error(Errc::storage, "the relay store has no slot layout");
  return SlotLayout{static_cast<std::uint32_t>(stmt.column_int(0)), static_cast<std::uint64_t>(stmt.column_int(1))};
}

Status Store::allocate_slots(std::uint32_t slot_bytes, std::uint64_t count, std::span<const MetaValue> with) {
  if (slot_bytes == 0 || count == 0) return make_error(Errc::invalid_argument, "a store needs at least one slot");
  if (count > kMaxSlots) return make_error(Errc::invalid_argument, "too many slots for one store");
  CAIRN_TRY(auto layout, slot_layout());
  if (layout.slot_bytes == slot_bytes && layout.slot_count == count) return with.empty() ? ok_status() : put_metas(with);
  CAIRN_TRY(auto held, counts());
  if (held.drops > 0)
    return make_error(Errc::already_exists,
                      "the relay store holds " + std::to_string(held.drops) + " drop(s) in slots of " +
                          std::to_string(layout.slot_bytes) + " bytes; export and purge them before changing the "
                          "drop size");
  // The old slots are deleted (secure_delete zeroes them) and the new ones
  // written in slot order. The layout is recorded last, so an interrupted
  // allocation is redone by the next call. With values to write alongside
  // (a key bundle and its drop size) everything is one transaction; without,
  // a few thousand pages per transaction keep the WAL small.
  auto insert_slots = [&](std::uint64_t first, std::uint64_t last) -> Status {
    CAIRN_TRY(auto insert, db_->prepare("INSERT INTO slots (slot, id, body) VALUES (?1, zeroblob(?2), zeroblob(?3));"));
    for (std::uint64_t s = first; s <= last; ++s)
      CAIRN_CHECK(insert.bind(1, static_cast<std::int64_t>(s))
                      .bind(2, static_cast<std::int64_t>(kDropIdBytes))
                      .bind(3, std::int64_t{slot_bytes})
                      .run());
    return ok_status();
  };
  auto record_layout = [&]() -> Status {
    CAIRN_TRY(auto stmt, db_->prepare("UPDATE slot_layout SET slot_bytes = ?1, slot_count = ?2;"));
    CAIRN_CHECK(stmt.bind(1, std::int64_t{slot_bytes}).bind(2, static_cast<std::int64_t>(count)).run());
    for (const auto& [name, value] : with) CAIRN_CHECK(db_->put_meta(name, value));
    return ok_status();
  };
  index_.reset();
  if (!with.empty()) {
    CAIRN_CHECK(transaction([&]() -> Status {
      CAIRN_CHECK(db_->exec("DELETE FROM slots;"));
      CAIRN_CHECK(insert_slots(1, count));
      return record_layout();
    }));
  } else {
    CAIRN_CHECK(transaction([&]() -> Status {
      CAIRN_CHECK(db_->exec("DELETE FROM slots;"));
      return db_->exec("UPDATE slot_layout SET slot_bytes = 0, slot_count = 0;");
    }));
    const std::uint64_t per_transaction = max_drops_per_transaction(slot_bytes);
    for (std::uint64_t first = 1; first <= count; first += per_transaction) {
      CAIRN_CHECK(transaction([&]() { return insert_slots(first, std::min(count, first + per_transaction - 1)); }));
      (void)reset_journal();
    }
    CAIRN_CHECK(transaction(record_layout));
  }
  (void)reset_journal();
  return ok_status();
}

// The in-memory index (which slot holds which drop, which slots are free),
// rebuilt from the slots table whenever another connection committed since
// it was built (a purge, an allocation). Reading the ids touches only the
// slots' first pages, never their bodies.
Status Store::load_index() {
  CAIRN_TRY(auto version, data_version());
  if (index_ && index_->data_version == version) return ok_status();
  auto fresh = std::make_unique<SlotIndex>();
  fresh->data_version = version;
  CAIRN_TRY(fresh->layout, slot_layout());
  CAIRN_TRY(auto stmt, db_->prepare("SELECT slot, id FROM slots ORDER BY slot;"));
  const DropId empty{};
  for (;;) {
    CAIRN_TRY(bool row, stmt.step());
    if (!row) break;
    auto slot = stmt.column_int(0);
    auto b = stmt.column_blob(1);
    if (b.size() != kDropIdBytes) return make_error(Errc::storage, "a stored drop id has the wrong length");
    DropId id{};
    std::copy(b.begin(), b.end(), id.begin());
    if (id == empty)
      fresh->free.push_back(slot);
    else
      fresh->by_id.emplace(id, slot);
  }
  index_ = std::move(fresh);
  return ok_status();
}

Status Store::put_drops(std::span<const ByteView> drops, std::uint64_t quota_bytes) {
  std::vector<HashedDrop> hashed;
  hashed.reserve(drops.size());
  for (auto d : drops) hashed.emplace_back(Bytes(d.begin(), d.end()));
  std::vector<const HashedDrop*> refs;
  for (const auto& h : hashed) refs.push_back(&h);
  return put_drops(std::span<const HashedDrop* const>(refs), quota_bytes);
}

Status Store::put_drops(std::span<const HashedDrop* const> drops, std::uint64_t quota_bytes) {
  // Slots taken in this transaction, given back to the free list if it rolls back.
  std::vector<std::pair<DropId, std::int64_t>> taken;
  auto st = transaction([&]() -> Status {
    CAIRN_CHECK(load_index());
    const auto& layout = index_->layout;
    CAIRN_TRY(auto sum, db_->prepare("SELECT drop_bytes FROM totals;"));
    CAIRN_TRY(bool row, sum.step());
    auto stored = row ? static_cast<std::uint64_t>(sum.column_int(0)) : 0;
    std::int64_t added_bytes = 0;
    for (const HashedDrop* hashed : drops) {
      ByteView drop = hashed->bytes();
      if (layout.slot_count == 0)
        return make_error(Errc::storage, "the relay store has no drop slots yet (publish a key bundle first)");
      if (drop.size() != layout.slot_bytes)
        return make_error(Errc::invalid_argument, "a drop of " + std::to_string(drop.size()) +
                                                      " bytes does not fit the store's slots of " +
                                                      std::to_string(layout.slot_bytes) + " bytes");
      if (stored + drop.size() > quota_bytes)
        return make_error(Errc::quota, "the relay store is full (its configured quota is reached)");
      const auto& id = hashed->id();
      if (index_->by_id.count(id) != 0) continue;  // stored already (perhaps earlier in this batch)
      auto& free = index_->free;
      if (free.empty()) return make_error(Errc::quota, "the relay store is full (every slot holds a drop)");
      // A uniformly random free slot: where a drop lies says nothing about
      // when it came or what came with it.
      auto pick = crypto::random_uniform(static_cast<std::uint32_t>(free.size()));
      auto slot = free[pick];
      free[pick] = free.back();
      free.pop_back();
      index_->by_id.emplace(id, slot);
      taken.emplace_back(id, slot);
      CAIRN_CHECK(db_->write_blob("slots", "body", slot, 0, drop));
      CAIRN_CHECK(db_->write_blob("slots", "id", slot, 0, id));
      stored += drop.size();
      added_bytes += static_cast<std::int64_t>(drop.size());
    }
    if (taken.empty()) return ok_status();
    return update_totals(static_cast<std::int64_t>(taken.size()), added_bytes);
  });
  if (!st.ok()) {
    index_.reset();  // rebuilt from what is really stored at the next call
    return st;
  }
  if (taken.empty()) return ok_status();
  if (defer_reset_)
    journal_dirty_ = true;
  else
    (void)reset_journal();  // best effort: a busy journal is reset on the committer's schedule
  return ok_status();
}

Status Store::update_totals(std::int64_t drops, std::int64_t bytes) {
  CAIRN_TRY(auto stmt, db_->prepare("UPDATE totals SET drops = drops + ?1, drop_bytes = drop_bytes + ?2;"));
  return stmt.bind(1, drops).bind(2, bytes).run();
}

Status Store::reset_journal() {
  // 1. Copy every frame into the store and empty the WAL.
  auto st = db_->checkpoint_truncate();
  if (!st.ok()) {
    journal_dirty_ = true;
    return st;
  }
  // 2. The -shm file still lists the page numbers of the last commit's
  //    frames. One more commit, of a page that says nothing (the totals row,
  //    rewritten unchanged), clears that list: SQLite zeroes it when the
  //    first frame of a fresh WAL is indexed.
  CAIRN_CHECK(transaction([&]() -> Status { return db_->exec("UPDATE totals SET drops = drops;"); }));
  // 3. And empty the WAL again.
  st = db_->checkpoint_truncate();
  journal_dirty_ = !st.ok();
  if (st.ok()) {
    auto version = data_version();
    if (version.ok()) reset_at_version_ = *version;
  }
  return st;
}

Result<std::int64_t> Store::data_version() {
  CAIRN_TRY(auto stmt, db_->prepare("PRAGMA data_version;"));
  CAIRN_TRY(bool row, stmt.step());
  if (!row) return make_error(Errc::storage, "no data_version");
  return stmt.column_int(0);
}

Status Store::maintain_journal() {
  CAIRN_TRY(auto version, data_version());
  if (!journal_dirty_ && version == reset_at_version_) return ok_status();
  return reset_journal();
}

Result<bool> Store::has_drop(const DropId& id) {
  CAIRN_CHECK(load_index());
  return index_->by_id.count(id) != 0;
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
  CAIRN_CHECK(load_index());
  std::vector<DropId> ids;
  ids.reserve(index_->by_id.size());
  for (const auto& [id, slot] : index_->by_id) ids.push_back(id);  // std::map: sorted by id
  return ids;
}

Result<Bytes> Store::get_drop(const DropId& id) {
  CAIRN_CHECK(load_index());
  auto it = index_->by_id.find(id);
  if (it == index_->by_id.end()) return make_error(Errc::not_found, "no such drop");
  Bytes body(index_->layout.slot_bytes);
  CAIRN_CHECK(db_->read_blob("slots", "body", it->second, 0, body));
  return body;
}

Result<std::uint64_t> Store::delete_drops(std::span<const DropId> ids) {
  std::uint64_t deleted = 0;
  auto st = transaction([&]() -> Status {
    CAIRN_CHECK(load_index());
    const Bytes zeros(index_->layout.slot_bytes, 0);
    const DropId empty{};
    for (const auto& id : ids) {
      auto it = index_->by_id.find(id);
      if (it == index_->by_id.end()) continue;
      // The freed slot is zeroed in place: no byte of the drop stays in the store.
      CAIRN_CHECK(db_->write_blob("slots", "body", it->second, 0, zeros));
      CAIRN_CHECK(db_->write_blob("slots", "id", it->second, 0, empty));
      index_->free.push_back(it->second);
      index_->by_id.erase(it);
      ++deleted;
    }
    return update_totals(-static_cast<std::int64_t>(deleted),
                         -static_cast<std::int64_t>(deleted * index_->layout.slot_bytes));
  });
  if (!st.ok()) {
    index_.reset();
    return st.error();
  }
  // Frames of the zeroed pages must not keep the old bytes: retried on the
  // committer's schedule if a reader holds the journal now.
  (void)reset_journal();
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
