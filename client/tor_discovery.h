// Finding a Tor that already runs on this machine (Tails, Whonix, Debian's
// tor service, Tor Browser) and checking, as far as a client can, that the
// SOCKS port found is Tor's (docs/PROTOCOL.md, "Reaching the relay").
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/socks5.h"
#include "common/result.h"

namespace cairn::client {

// Specification constants: the SOCKS ports Tor uses by default.
inline constexpr std::uint16_t kTorDaemonSocksPort = 9050;   // the tor service, Tails, Whonix
inline constexpr std::uint16_t kTorBrowserSocksPort = 9150;  // Tor Browser
// Implementation constant: how long one port may take to answer the probe.
inline constexpr std::chrono::milliseconds kTorProbeTimeout{5'000};

// Reads one environment variable (std::getenv in the program; a table in tests).
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
[[nodiscard]] std::optional<std::string> process_env(const char* name);

// Where to look for a running Tor, in order: the port the environment names
// (TOR_SOCKS_PORT, with TOR_SOCKS_HOST or 127.0.0.1, as Tor Browser sets them),
// which is then the only candidate; else 127.0.0.1:9050, then 127.0.0.1:9150.
// Errc::malformed if TOR_SOCKS_PORT is set but is not a port.
[[nodiscard]] Result<std::vector<ProxyUrl>> tor_socks_candidates(const EnvLookup& env);

// Asks the port at `at` whether it is Tor's SOCKS port: Tor answers an HTTP
// request on its SOCKS port with "HTTP/1.0 501 Tor is not an HTTP Proxy",
// locally, without touching the network. Errors: Errc::not_found (nothing
// listens there), Errc::protocol (something answers, but not as Tor does),
// Errc::timeout (it did not answer within `timeout`).
[[nodiscard]] Status probe_tor_socks(const ProxyUrl& at, std::chrono::milliseconds timeout);

// The first candidate that is Tor. Errc::not_found if nothing listens on any
// candidate; a listening candidate that is not Tor is an error (protocol or
// timeout, naming the port): something unexpected sits where Tor should be.
[[nodiscard]] Result<ProxyUrl> find_running_tor(const std::vector<ProxyUrl>& candidates,
                                               std::chrono::milliseconds timeout = kTorProbeTimeout);

}  // namespace cairn::client
