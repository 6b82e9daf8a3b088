// Relay logging: events and counts only. Never a peer address, never a
// timestamp (the relay adds none, and logs per-drop events never, so even a
// journal that timestamps lines learns only coarse aggregate activity).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::relay {

void log_line(std::string_view message);

// Counters reported every report_interval and at shutdown.
struct Counters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> refused_busy{0};
  std::atomic<std::uint64_t> handshakes_failed{0};
  std::atomic<std::uint64_t> drops_stored{0};
  std::atomic<std::uint64_t> drops_refused{0};
  std::atomic<std::uint64_t> drops_refused_low_space{0};  // of drops_refused: below the free-space margin
  std::atomic<std::uint64_t> bundles_served{0};
  std::atomic<std::uint64_t> boards_served{0};
  std::atomic<std::uint64_t> protocol_errors{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> evicted_idle{0};  // idle sessions closed to make room for a new connection
  std::atomic<std::uint64_t> over_limits{0};   // closed for too many requests

  // "connections=… drops_stored=…", and resets the counts for the next period.
  std::string take_report();
};

}  // namespace cairn::relay
