// SOCKS5 (RFC 1928) CONNECT with the destination given as a domain name, so the
// proxy resolves it (socks5h: this is how Tor is used, and how .onion names
// work at all). With isolation credentials set, the client also offers
// username/password (RFC 1929): Tor accepts any, and gives every distinct
// pair its own circuits (IsolateSOCKSAuth, on by default), which is how each
// run of cairn gets circuits of its own. The proxy's answer lengths are
// checked, never trusted.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "client/socket.h"
#include "common/result.h"

namespace cairn::client {

struct ProxyUrl {
  ProxyUrl() = default;
  ProxyUrl(std::string h, std::uint16_t p) : host(std::move(h)), port(p) {}
  std::string host;
  std::uint16_t port = 0;
  // Stream isolation (not a secret: Tor uses it only to tell streams apart).
  // Empty: offer "no authentication" only.
  std::string isolation_username;
  std::string isolation_password;
};

// A fresh random username and password for proxy: a run's own circuits.
void isolate_streams(ProxyUrl& proxy);

// Parses "socks5h://HOST:PORT". "socks5://" (local DNS, which leaks the name
// being looked up) is refused with an explanation.
[[nodiscard]] Result<ProxyUrl> parse_proxy_url(std::string_view url);

// How often a CONNECT to a .onion is asked again when Tor answers with a
// transient onion-service failure (docs/PROTOCOL.md, "Reaching the relay").
struct OnionRetry {
  int attempts = 3;
  std::chrono::milliseconds pause = std::chrono::seconds(3);
};

// Each attempt gets the whole timeout.
[[nodiscard]] Result<Socket> connect_socks5(const ProxyUrl& proxy, const std::string& host, std::uint16_t port,
                                            std::chrono::milliseconds timeout, OnionRetry retry = {});

}  // namespace cairn::client
