#include "client/tor_discovery.h"

#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "i18n/catalog.h"

namespace cairn::client {
namespace {

// Tor's answer to an HTTP request on a SOCKS port (tor: proto_socks.c).
constexpr std::string_view kTorHttpAnswer = "HTTP/1.0 501 Tor is not an HTTP Proxy";
constexpr std::string_view kHttpProbe = "GET / HTTP/1.0\r\n\r\n";

std::string where(const ProxyUrl& p) { return i18n::trf("%s port %s", p.host, p.port); }

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Result<std::vector<ProxyUrl>> tor_socks_candidates(const EnvLookup& env) {
  if (auto port_text = env("TOR_SOCKS_PORT"); port_text && !port_text->empty()) {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text->data(), port_text->data() + port_text->size(), port);
    if (ec != std::errc() || p != port_text->data() + port_text->size() || port == 0 || port > 65535)
      return make_error(Errc::malformed, i18n::trf("TOR_SOCKS_PORT is set to \"%s\", which is not a port number",
                                                   port_text->substr(0, 16)));
    auto host = env("TOR_SOCKS_HOST");
    return std::vector<ProxyUrl>{{host && !host->empty() ? *host : "127.0.0.1", static_cast<std::uint16_t>(port)}};
  }
  return std::vector<ProxyUrl>{{"127.0.0.1", kTorDaemonSocksPort}, {"127.0.0.1", kTorBrowserSocksPort}};
}

Status probe_tor_socks(const ProxyUrl& at, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto connected = connect_tcp(at.host, at.port, timeout);
  if (!connected.ok()) {
    if (connected.code() == Errc::timeout)
      return make_error(Errc::timeout, i18n::trf("the port at %s did not accept a connection in time", where(at)));
    return make_error(Errc::not_found, i18n::trf("nothing listens at %s", where(at)));
  }
  Socket s = std::move(connected).value();
  auto left = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  };
  if (auto sent = s.write_all(as_bytes(kHttpProbe), left()); !sent.ok())
    return make_error(Errc::protocol, i18n::trf("the port at %s is not Tor: it closed the connection", where(at)));
  // Tor answers at once; read exactly as many bytes as its answer starts with.
  Bytes answer(kTorHttpAnswer.size());
  auto read = s.read_exact(answer, left());
  if (!read.ok() && read.code() == Errc::timeout)
    return make_error(Errc::timeout, i18n::trf("the port at %s did not answer as Tor does within %s seconds",
                                               where(at), timeout.count() / 1000));
  if (!read.ok() || as_chars(answer) != kTorHttpAnswer)
    return make_error(Errc::protocol, i18n::trf("the port at %s answers, but not as Tor does: it is some other "
                                                "program, not Tor",
                                                where(at)));
  return ok_status();
}

Result<ProxyUrl> find_running_tor(const std::vector<ProxyUrl>& candidates, std::chrono::milliseconds timeout) {
  for (const auto& c : candidates) {
    auto probed = probe_tor_socks(c, timeout);
    if (probed.ok()) return c;
    if (probed.code() != Errc::not_found) return probed.error();
  }
  return make_error(Errc::not_found, i18n::tr("no Tor is running on this machine"));
}

}  // namespace cairn::client
