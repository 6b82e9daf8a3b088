// SOCKS5 (RFC 1928) CONNECT with the destination given as a domain name, so the
// proxy resolves it (socks5h: this is how Tor is used, and how .onion names
// work at all). No authentication methods beyond "none" — Tor's SOCKS port
// needs none. The relay's answer lengths are checked, never trusted.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "client/socket.h"
#include "common/result.h"

namespace cairn::client {

struct ProxyUrl {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "socks5h://HOST:PORT". "socks5://" (local DNS, which leaks the name
// being looked up) is refused with an explanation.
[[nodiscard]] Result<ProxyUrl> parse_proxy_url(std::string_view url);

[[nodiscard]] Result<Socket> connect_socks5(const ProxyUrl& proxy, const std::string& host, std::uint16_t port,
                                            std::chrono::milliseconds timeout);

}  // namespace cairn::client
