// Debian's microsocks, a real SOCKS5 proxy, on 127.0.0.1 for tests.
#pragma once

#include <csignal>
#include <cstdint>
#include <string>

#include "support/loopback.h"
#include "support/process.h"
#include "support/subprocess.h"

namespace cairn::test {

// Starts microsocks and returns its port (0 if it is not installed or would
// not start). microsocks cannot report the port it bound, so a free port is
// picked and the start retried when microsocks exits at once: another
// process took that port in between.
inline std::uint16_t start_microsocks(Process& proxy) {
  using namespace std::chrono_literals;
  auto found = find_in_path("microsocks");
  if (!found) return 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto port = free_loopback_port();
    if (!proxy.start({found->string(), "-i", "127.0.0.1", "-p", std::to_string(port)})) return 0;
    if (wait_for_port(port, 5s) && !proxy.wait_for(100ms).has_value()) return port;
    proxy.kill_and_wait(SIGKILL);
  }
  return 0;
}

}  // namespace cairn::test
