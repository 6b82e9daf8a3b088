// The relay store: a SQLCipher database holding drops (ciphertext only), the
// published key bundle, the reply board, and the relay's own keys. Nothing in
// it identifies or times a source, and its layout does not tell arrival order
// or linkage: drops live in fixed-size slots pre-allocated (zero-filled) when
// the drop size is known, each drop written in place into a uniformly random
// free slot, zeroed in place when purged; after every change the WAL is
// checkpointed and truncated (docs/PROTOCOL.md, "Store layout").
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"
#include "db/database.h"

namespace cairn::relay {

inline constexpr std::size_t kDropIdBytes = 32;
using DropId = ByteArray<kDropIdBytes>;

[[nodiscard]] DropId drop_id(ByteView drop);

// A drop and its id, hashed once when it arrives (the id is also the drop's
// proof-of-work context: crypto/pow.h), so that neither the session, the
// committer nor the store hashes it again. The id can only be made from the
// bytes, never handed in.
class HashedDrop {
 public:
  explicit HashedDrop(Bytes drop) : bytes_(std::move(drop)), id_(drop_id(bytes_)) {}
  [[nodiscard]] const Bytes& bytes() const { return bytes_; }
  [[nodiscard]] const DropId& id() const { return id_; }

 private:
  Bytes bytes_;
  DropId id_;
};

// What storing one drop did: a drop already in the store is not written again.
enum class PutOutcome { stored, duplicate };

struct SlotLayout {
  std::uint32_t slot_bytes = 0;  // the drop size
  std::uint64_t slot_count = 0;  // quota / drop size
};

// How many drops one transaction may write so that its WAL frames stay within
// what reset_journal() scrubs from the -shm file.
[[nodiscard]] std::size_t max_drops_per_transaction(std::uint32_t drop_bytes);

struct StoreCounts {
  std::uint64_t drops = 0;
  std::uint64_t drop_bytes = 0;
  std::uint64_t replies = 0;
};

class Store {
 public:
  [[nodiscard]] static Result<std::unique_ptr<Store>> create(const std::filesystem::path& path,
                                                             const crypto::Secret& key);
  [[nodiscard]] static Result<std::unique_ptr<Store>> open(const std::filesystem::path& path,
                                                           const crypto::Secret& key);

  // Pre-allocates `count` zero-filled slots of `slot_bytes` each (the same
  // layout again: nothing to do), and writes `with` in the same transaction
  // as the new layout. A store holding drops keeps its layout
  // (Errc::already_exists) and nothing is written.
  using MetaValue = std::pair<std::string_view, ByteView>;
  [[nodiscard]] Status allocate_slots(std::uint32_t slot_bytes, std::uint64_t count,
                                      std::span<const MetaValue> with = {});
  [[nodiscard]] Result<SlotLayout> slot_layout();

  // Stores a batch of drops in one durable transaction (committed with
  // synchronous=FULL before this returns), each in a uniformly random free
  // slot. A drop already stored is not stored twice. If the batch would take
  // the drop bytes past quota_bytes, or no slot is free, nothing is stored and
  // Errc::quota is returned; a drop that is not exactly the slot size is
  // Errc::invalid_argument; on any failure nothing is stored.
  [[nodiscard]] Status put_drops(std::span<const ByteView> drops, std::uint64_t quota_bytes);
  // The same for drops already hashed.
  [[nodiscard]] Status put_drops(std::span<const HashedDrop* const> drops, std::uint64_t quota_bytes);

  // Whether a drop with this id is stored (committed).
  [[nodiscard]] Result<bool> has_drop(const DropId& id);

  [[nodiscard]] Result<StoreCounts> counts();
  // All drop ids, sorted by id (which reveals nothing about arrival).
  [[nodiscard]] Result<std::vector<DropId>> drop_ids();
  [[nodiscard]] Result<Bytes> get_drop(const DropId& id);
  // Deletes exactly these drops (their slots are zeroed in place, then the
  // WAL is reset); returns how many existed.
  [[nodiscard]] Result<std::uint64_t> delete_drops(std::span<const DropId> ids);

  // Checkpoints and truncates the WAL, then clears the last commit's page
  // numbers from the -shm file (a one-page commit that reveals nothing, and
  // another truncation), so neither holds a trace of which slots changed
  // together. Called after every change; Errc::storage without waiting if a
  // reader still needs the frames (then journal_dirty() stays true).
  [[nodiscard]] Status reset_journal();
  [[nodiscard]] bool journal_dirty() const { return journal_dirty_; }
  // reset_journal() if the last one failed or another process (a purge, a
  // publish) has committed since: the committer's idle schedule, so a purge
  // whose own reset met a reader is finished by the running relay.
  [[nodiscard]] Status maintain_journal();
  // With deferred resets, put_drops leaves the reset to the caller's
  // maintain_journal() (the committer: as soon as its queue is empty, and
  // at least every few commits under load). Off by default.
  void defer_journal_reset(bool defer) { defer_reset_ = defer; }

  // Small named values: the key bundle, the relay's keys, settings.
  [[nodiscard]] Status put_meta(std::string_view name, ByteView value);
  [[nodiscard]] Result<std::optional<Bytes>> get_meta(std::string_view name);
  [[nodiscard]] Result<crypto::Secret> get_secret_meta(std::string_view name);
  // Several named values written in one transaction (all or none), and read
  // from one snapshot: values that belong together (the key bundle and the
  // drop size it sets) are never seen half-updated.
  [[nodiscard]] Status put_metas(std::span<const MetaValue> values);
  [[nodiscard]] Result<std::vector<std::optional<Bytes>>> get_metas(std::span<const std::string_view> names);

  // Reply board: fixed-size age files published by the analysts, each with the
  // day after which it is removed.
  [[nodiscard]] Status put_replies(std::span<const ByteView> replies, std::uint32_t expires_day);
  [[nodiscard]] Result<std::vector<Bytes>> replies(std::uint32_t today);
  [[nodiscard]] Result<std::uint64_t> expire_replies(std::uint32_t today);

  [[nodiscard]] Status integrity_check() { return db_->integrity_check(); }
  [[nodiscard]] db::Database& database() { return *db_; }

 private:
  struct SlotIndex {
    std::int64_t data_version = -1;  // PRAGMA data_version it was built at
    SlotLayout layout;
    std::map<DropId, std::int64_t> by_id;  // occupied slots
    std::vector<std::int64_t> free;        // free slots, in no particular order
  };
  explicit Store(std::unique_ptr<db::Database> db) : db_(std::move(db)) {}
  [[nodiscard]] Status transaction(const std::function<Status()>& body);
  [[nodiscard]] Status update_totals(std::int64_t drops, std::int64_t bytes);
  [[nodiscard]] Status load_index();
  [[nodiscard]] Result<std::int64_t> data_version();
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<SlotIndex> index_;
  bool journal_dirty_ = false;
  bool defer_reset_ = false;
  std::int64_t reset_at_version_ = -1;  // PRAGMA data_version at the last reset
};

}  // namespace cairn::relay
