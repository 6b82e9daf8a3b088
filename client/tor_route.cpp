#include "client/tor_route.h"

#include "i18n/catalog.h"

namespace cairn::client {

std::string direct_connection_warning(const crypto::RelayAddress& address) {
  return i18n::trf("--direct: connecting to %s port %s without Tor. Anyone who watches this network (your internet "
                   "provider, the network you are on, the state) sees that this computer contacted this relay, when, "
                   "and how much it sent; the relay, and whoever controls it, sees this computer's IP address. Leave "
                   "out --direct to go through Tor.",
                   address.host, address.port);
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
      hint = i18n::tr("for Tor Browser use --proxy socks5h://127.0.0.1:9150; for tor, port 9050");
      return p.error();
    }
    route.connect.proxy = *p;
    isolate_streams(*route.connect.proxy);
    route.description = i18n::trf("through the proxy at %s port %s", p->host, p->port);
    return route;
  }
  if (request.direct) {
    if (address.all_onion()) {
      hint = i18n::tr("leave out --direct: cairn then reaches the onion service through Tor");
      return make_error(Errc::unsafe, i18n::tr("this drop address is an onion service (.onion): it can only be "
                                               "reached through Tor, never with --direct"));
    }
    route.connect.direct = true;
    route.description = i18n::tr("directly, without Tor");
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
    route.description = request.bridges.empty()
                            ? i18n::tr("through cairn's own tor")
                            : i18n::trf("through cairn's own tor and %s bridge(s)", request.bridges.size());
    return std::move(route);
  };
  // Bridges are for the client's own tor: a running Tor would not use them.
  if (!request.bridges.empty()) return own_tor();
  // A Tor already running on this machine.
  auto candidates = tor_socks_candidates(request.env);
  if (!candidates.ok()) {
    hint = i18n::tr("set TOR_SOCKS_PORT to Tor's SOCKS port, or unset it");
    return candidates.error();
  }
  auto running = find_running_tor(*candidates);
  if (running.ok()) {
    route.connect.proxy = *running;
    isolate_streams(*route.connect.proxy);
    route.description = i18n::trf("through the Tor already running at %s port %s", running->host, running->port);
    return route;
  }
  if (running.code() != Errc::not_found) {
    hint = i18n::tr("if Tor runs on another port, give it with --proxy socks5h://127.0.0.1:PORT; otherwise stop the "
                    "program that listens there");
    return make_error(running.code(), i18n::trf("cannot use the Tor SOCKS port: %s", running.error().message));
  }
  return own_tor();
}

}  // namespace cairn::client
