// The free space the relay keeps on the file system that holds its store.
//
// Why a margin and not only SQLITE_FULL: on a full disk SQLite can die of
// SIGBUS instead of returning an error, when it stores through its mapping of
// the WAL index into a hole of that file (db/wal_index.h); a restarted relay
// rebuilds the index before it serves anything. So the relay refuses drops
// while less than the margin is free (and to start below half of it), and
// starts no commit that would eat into it (its checkpoints can still go a few
// MiB in); the margin also leaves room for `cairn-relay purge`, which is how
// space comes back. Writing into the margin is the unsafe action refused:
// refusals are Errc::unsafe, which nothing else in the commit path returns.
// See docs/RELIABILITY.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>

#include "common/result.h"
#include "db/wal_index.h"

namespace cairn::relay {

// The WAL index preallocated at start: 8 regions index 32768 frames (about
// 128 MiB of WAL), far more than checkpoints let the WAL grow to.
inline constexpr std::uint64_t kWalIndexPreallocBytes = 8 * db::kWalIndexRegionBytes;

// A drop's bytes are written about twice, with page overhead: into the
// write-ahead log at commit and into the database at the checkpoint.
inline constexpr std::uint64_t kDiskBytesPerDropByte = 3;

// Bytes an unprivileged process may still write on the file system holding
// path (statvfs f_bavail: blocks reserved for root are not counted).
[[nodiscard]] Result<std::uint64_t> available_bytes(const std::filesystem::path& path);

class FreeSpaceGuard {
 public:
  // Reads the free space now. The relay's is available_bytes(store directory).
  using Probe = std::function<Result<std::uint64_t>()>;

  FreeSpaceGuard(Probe probe, std::uint64_t margin_bytes) : probe_(std::move(probe)), margin_(margin_bytes) {}

  // OK if storing drop_bytes of drops still leaves the margin free;
  // Errc::unsafe (saying how much is free) otherwise, and when the free
  // space cannot be read. Logs once when drops start being refused and once
  // when they are taken again, never per drop. A margin of 0 admits everything.
  [[nodiscard]] Status admit(std::uint64_t drop_bytes);

 private:
  Probe probe_;
  std::uint64_t margin_;
  std::atomic<bool> low_{false};
};

// Refuses to open the store at all while less than half the margin is free
// on its file system (the check `serve` makes before SQLite touches the
// files). Half: rebuilding the WAL index needs far less, and the relay's own
// checkpoints can take it a few MiB into the margin (one autocheckpoint of WAL
// copied into the database), after which a restarted relay should still serve
// reads and refuse drops rather than not start.
[[nodiscard]] Status check_free_space_to_start(const std::filesystem::path& store_path, std::uint64_t margin_bytes);

}  // namespace cairn::relay
