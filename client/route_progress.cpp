// How the commands reach the relay and what they say meanwhile
// (client/commands.h).
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "client/commands.h"
#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::client {

using i18n::trf;

// "connecting to Tor: 45%": on a terminal one line updated in place,
// otherwise a line for each change.
std::function<void(int, const std::string&)> tor_progress_printer() {
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  return [tty](int percent, const std::string& summary) {
    if (tty) {
      auto line = trf("connecting to Tor: %s%% (%s)", percent, summary);
      std::fprintf(stderr, "\rcairn: %s\x1b[K", line.c_str());
      if (percent >= 100) std::fprintf(stderr, "\n");
      return;
    }
    cli::info(trf("connecting to Tor: %s%% (%s)", percent, summary));
  };
}

RelayFailed relay_failure_printer() {
  return [](const crypto::RelayAddress& relay, const Error& why, bool more) {
    if (more)
      cli::info(trf("relay %s port %s could not be used (%s); trying another relay of the organisation", relay.host,
                    relay.port, why.message));
  };
}

// How to reach the relay: through Tor unless --direct (client/tor_route.h).
// 0, or the exit status after printing why not.
int open_route_for(const crypto::DropAddress& address, const RouteRequest& request, Route& route) {
  std::string hint;
  auto r = open_route(address, request, hint);
  if (!r.ok()) return cli::fail(r.error(), hint);
  route = std::move(r).value();
  if (route.connect.direct) {
    // Each relay that may be reached directly sees this computer's address.
    for (const auto& relay : address.relays)
      if (!relay.is_onion()) cli::warn(direct_connection_warning(relay));
  } else {
    cli::info(trf("connecting %s", route.description));
  }
  return 0;
}

}  // namespace cairn::client
