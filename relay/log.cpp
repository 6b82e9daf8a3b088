#include "relay/log.h"

#include <cstdio>
#include <mutex>

namespace cairn::relay {

void log_line(std::string_view message) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fprintf(stderr, "cairn-relay: %.*s\n", static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
}

std::string Counters::take_report() {
  std::string out;
  auto add = [&](const char* name, std::atomic<std::uint64_t>& v) {
    if (!out.empty()) out += ' ';
    out += name;
    out += '=';
    out += std::to_string(v.exchange(0));
  };
  add("connections", connections);
  add("refused_busy", refused_busy);
  add("handshakes_failed", handshakes_failed);
  add("drops_stored", drops_stored);
  add("drops_refused", drops_refused);
  add("drops_refused_low_space", drops_refused_low_space);
  add("bundles_served", bundles_served);
  add("boards_served", boards_served);
  add("protocol_errors", protocol_errors);
  add("timeouts", timeouts);
  add("evicted_idle", evicted_idle);
  add("over_limits", over_limits);
  return out;
}

}  // namespace cairn::relay
