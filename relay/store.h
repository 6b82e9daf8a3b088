// The relay store: a SQLCipher database holding drops (ciphertext only), the
// published key bundle, the reply board, and the relay's own keys. Rows hold
// nothing that identifies or times a source: a drop row is (id, bytes), where
// id = BLAKE2b-256(bytes), under a random rowid, so neither row order nor any
// column reveals when a drop arrived.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <functional>
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

// What storing one drop did: a drop already in the store is not written again.
enum class PutOutcome { stored, duplicate };

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

  // Stores a batch of drops in one durable transaction (committed with
  // synchronous=FULL before this returns). A drop already stored is not stored
  // twice. If the batch would take the drop bytes past quota_bytes, nothing is
  // stored and Errc::quota is returned; on any failure nothing is stored.
  [[nodiscard]] Status put_drops(std::span<const ByteView> drops, std::uint64_t quota_bytes);

  // Whether a drop with this id is stored (committed).
  [[nodiscard]] Result<bool> has_drop(const DropId& id);

  [[nodiscard]] Result<StoreCounts> counts();
  // All drop ids, sorted by id (which reveals nothing about arrival).
  [[nodiscard]] Result<std::vector<DropId>> drop_ids();
  [[nodiscard]] Result<Bytes> get_drop(const DropId& id);
  // Deletes exactly these drops (secure_delete overwrites them); returns how many existed.
  [[nodiscard]] Result<std::uint64_t> delete_drops(std::span<const DropId> ids);

  // Small named values: the key bundle, the relay's keys, settings.
  [[nodiscard]] Status put_meta(std::string_view name, ByteView value);
  [[nodiscard]] Result<std::optional<Bytes>> get_meta(std::string_view name);
  [[nodiscard]] Result<crypto::Secret> get_secret_meta(std::string_view name);
  // Several named values written in one transaction (all or none), and read
  // from one snapshot: values that belong together (the key bundle and the
  // drop size it sets) are never seen half-updated.
  using MetaValue = std::pair<std::string_view, ByteView>;
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
  explicit Store(std::unique_ptr<db::Database> db) : db_(std::move(db)) {}
  [[nodiscard]] Status transaction(const std::function<Status()>& body);
  [[nodiscard]] Status update_totals(std::int64_t drops, std::int64_t bytes);
  std::unique_ptr<db::Database> db_;
};

}  // namespace cairn::relay
