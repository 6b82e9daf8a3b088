// The relay's runtime settings: where it listens and stores, and every limit
// that keeps one peer (or a flood of them) from hurting the others.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

namespace cairn::relay {

struct Limits {
  // When every slot is taken, a new connection evicts the session that has
  // been idle longest (waiting for message 1 or for its next request); only
  // when none is idle is the new one refused.
  std::size_t max_connections = 512;
  std::chrono::milliseconds message1_timeout{5'000};    // from accept to a whole message 1
  std::chrono::milliseconds handshake_timeout{10'000};  // whole handshake
  std::chrono::milliseconds idle_timeout{30'000};       // waiting for the next request
  std::chrono::milliseconds operation_timeout{30'000};  // finishing a started request or a write
  std::uint32_t drops_per_connection = 256;
  std::uint32_t other_requests_per_connection = 16;    // key bundle and board requests; then closed
  std::chrono::seconds session_lifetime{600};          // a connection is closed after this, whatever it does
  std::uint64_t quota_bytes = std::uint64_t{8} << 30;  // drop bytes in the store
  std::uint64_t min_free_bytes = std::uint64_t{64} << 20;  // kept free on the store's disk (relay/disk_space.h)
  std::uint32_t pow_bits = 12;                         // proof-of-work difficulty per drop while calm
  std::uint32_t pow_calm_drops_per_minute = 60;        // arrival rate above which the difficulty rises
  std::size_t max_batch = 256;                         // drops per group commit
};

inline constexpr std::chrono::seconds kMinReportInterval{24 * 3600};

// CPU workers (relay/worker_pool.h): handshakes, records, drop hashing.
inline constexpr std::size_t kMaxWorkers = 64;
// The machine's cores, at most 16 (past that the one network thread is the
// bottleneck, not the cryptography).
inline std::size_t default_workers() {
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 16);
}

struct ServeConfig {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 7443;
  std::filesystem::path store_path;
  std::filesystem::path key_file;
  Limits limits;
  // Counters are logged this often, never per event. At least a day: a shorter
  // period would timestamp single drops on a quiet relay (the journal dates
  // each line).
  std::chrono::seconds report_interval{kMinReportInterval};
  std::chrono::seconds shutdown_grace{10};     // SIGTERM: time for in-flight work to finish
  std::size_t workers = default_workers();     // threads doing the sessions' cryptography (1..kMaxWorkers)
  // Tests only: caps the store at this many pages (0: no cap) so that a full
  // disk can be emulated without root privileges. Hidden from --help.
  std::int64_t test_max_page_count = 0;
  // Tests only: one worker is kept busy until shutdown, so that a test can
  // show the others serve meanwhile (and that with one worker nothing is
  // served). Hidden from --help.
  bool test_hold_worker = false;
};

}  // namespace cairn::relay
