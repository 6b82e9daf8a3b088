#include "client/tor_route.h"

namespace cairn::client {

std::string direct_connection_warning(const crypto::DropAddress& address) {
  return "--direct: connecting to " + address.host + " port " + std::to_string(address.port) +
         " without Tor. Anyone who watches this network (your internet provider, the network you are on, the state) "
         "sees that this computer contacted this relay, when, and how much it sent; the relay, and whoever controls "
         "it, sees this computer's IP address. Leave out --direct to go through Tor.";
}

std::optional<RouteRequest> route_with_bundle_bridges(const RouteRequest& asked,
                                                     const std::vector<std::string>& bundle_lines) {
  if (!asked.proxy.empty() || asked.direct || !asked.bridges.empty()) return std::nullopt;
  RouteRequest request = asked;
  for (const auto& line : bundle_lines) {
    auto b = parse_bridge_line(line);
    if (b.ok() && request.bridges.size() < kMaxBridges) request.bridges.push_back(std::move(b).value());
  }
  if (request.bridges.empty()) return std::nullopt;
  return request;
}

Result<Route> open_route(const crypto::DropAddress& address, const RouteRequest& request, std::string& hint) {
  Route route;
  if (!request.proxy.empty()) {
    auto p = parse_proxy_url(request.proxy);
    if (!p.ok()) {
      hint = "for Tor Browser use --proxy socks5h://127.0.0.1:9150; for tor, port 9050";
      return p.error();
    }
    route.connect.proxy = *p;
    isolate_streams(*route.connect.proxy);
    route.description = "through the proxy at " + p->host + " port " + std::to_string(p->port);
    return route;
  }
  if (request.direct) {
    if (address.is_onion()) {
      hint = "leave out --direct: cairn then reaches the onion service through Tor";
      return make_error(Errc::unsafe, "this drop address is an onion service (.onion): it can only be reached "
                                      "through Tor, never with --direct");
    }
    route.connect.direct = true;
    route.description = "directly, without Tor";
    return route;
  }
  auto own_tor = [&]() -> Result<Route> {
    PrivateTorOptions o;
    o.bridges = request.bridges;
    o.bootstrap_timeout = request.tor_timeout;
    o.env = request.env;
    o.progress = request.tor_progress;
    CAIRN_TRY(route.tor, PrivateTor::start(o, hint));
    route.connect.proxy = route.tor->socks();
    route.description = request.bridges.empty() ? "through cairn's own tor"
                                                : "through cairn's own tor and " +
                                                      std::to_string(request.bridges.size()) + " bridge(s)";
    return std::move(route);
  };
  // Bridges are for the client's own tor: a running Tor would not use them.
  if (!request.bridges.empty()) return own_tor();
  // A Tor already running on this machine.
  auto candidates = tor_socks_candidates(request.env);
  if (!candidates.ok()) {
    hint = "set TOR_SOCKS_PORT to Tor's SOCKS port, or unset it";
    return candidates.error();
  }
  auto running = find_running_tor(*candidates);
  if (running.ok()) {
    route.connect.proxy = *running;
    isolate_streams(*route.connect.proxy);
    route.description = "through the Tor already running at " + running->host + " port " + std::to_string(running->port);
    return route;
  }
  if (running.code() != Errc::not_found) {
    hint = "if Tor runs on another port, give it with --proxy socks5h://127.0.0.1:PORT; otherwise stop the program "
           "that listens there";
    return make_error(running.code(), "cannot use the Tor SOCKS port: " + running.error().message);
  }
  return own_tor();
}

}  // namespace cairn::client
