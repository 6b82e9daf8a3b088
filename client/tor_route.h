// How `cairn submit` and `cairn check` reach the relay (docs/PROTOCOL.md,
// "Reaching the relay"): through Tor unless the source says --direct, and
// never directly by accident (promise 8). The order: --proxy if given; else a
// Tor SOCKS port already running on this machine; else the client's own
// private tor. A .onion address never leaves Tor.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/relay_connection.h"
#include "client/tor_bridges.h"
#include "client/tor_discovery.h"
#include "client/tor_process.h"
#include "common/result.h"
#include "crypto/drop_address.h"

namespace cairn::client {

// What the source asked for on the command line.
struct RouteRequest {
  std::string proxy;    // --proxy URL, or empty
  bool direct = false;  // --direct
  std::vector<BridgeLine> bridges;  // --bridge, --bridges: the client's own tor, with these bridges
  std::chrono::milliseconds tor_timeout = kDefaultBootstrapTimeout;  // the own tor's bootstrap
  EnvLookup env = process_env;  // TOR_SOCKS_HOST, TOR_SOCKS_PORT, PATH, XDG_RUNTIME_DIR
  // The own tor's bootstrap progress: percent and tor's summary.
  std::function<void(int percent, const std::string& summary)> tor_progress;
};

// A way to the relay, ready for RelayConnection::open.
// Move-only: it may own the private tor, which stops when the route dies.
struct Route {
  ConnectOptions connect;
  std::string description;  // for the source: "through the Tor already running at …"
  std::unique_ptr<PrivateTor> tor;
};

// Chooses (and, when needed, starts) the way to the relay: --proxy; else
// --direct; else, with bridges, the client's own tor; else a Tor already
// running here; else the client's own tor. --direct is refused when every
// relay of the address is an onion service. On failure, the
// error and a hint for the source; there is never a fallback to a direct
// connection.
[[nodiscard]] Result<Route> open_route(const crypto::DropAddress& address, const RouteRequest& request,
                                       std::string& hint);

// The organisation's signed bridges (from the verified key bundle) for a
// source who gave none: a request for cairn's own tor with the bundle's
// usable bridge lines, keeping everything else of `asked`. Nothing if the
// source chose the route (--proxy, --direct, bridges) or no line is usable
// (unknown transports are left out). The client keeps nothing between runs,
// so it can only use them once it has the bundle: when a reconnect fails.
[[nodiscard]] std::optional<RouteRequest> route_with_bundle_bridges(const RouteRequest& asked,
                                                                   const std::vector<std::string>& bundle_lines);

// What a network observer learns from a direct connection to this relay; the
// CLI prints it on every --direct run, for each relay it connects to.
[[nodiscard]] std::string direct_connection_warning(const crypto::RelayAddress& relay);

}  // namespace cairn::client
