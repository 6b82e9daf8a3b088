#include "client/socks5.h"

#include <charconv>
#include <thread>

#include "crypto/random.h"

#include "i18n/catalog.h"

namespace cairn::client {
namespace {

// RFC 1928 constants.
constexpr std::uint8_t kVersion = 0x05;
constexpr std::uint8_t kMethodNoAuth = 0x00;
constexpr std::uint8_t kMethodUserPass = 0x02;
constexpr std::uint8_t kUserPassVersion = 0x01;  // RFC 1929
constexpr std::size_t kIsolationTokenBytes = 16;
constexpr std::uint8_t kMethodNoneAcceptable = 0xff;
constexpr std::uint8_t kCmdConnect = 0x01;
constexpr std::uint8_t kAtypIpv4 = 0x01;
constexpr std::uint8_t kAtypDomain = 0x03;
constexpr std::uint8_t kAtypIpv6 = 0x04;

std::string reply_text(std::uint8_t code) {
  switch (code) {
    case 0x01: return i18n::tr("general proxy failure");
    case 0x02: return i18n::tr("the proxy's rules do not allow this connection");
    case 0x03: return i18n::tr("network unreachable");
    case 0x04: return i18n::tr("the relay's host is unreachable (for a .onion: the onion service may be offline)");
    case 0x05: return i18n::tr("connection refused by the relay's host");
    case 0x06: return i18n::tr("the connection timed out inside the proxy");
    case 0x07: return i18n::tr("the proxy does not support CONNECT");
    case 0x08: return i18n::tr("the proxy does not support this address type");
    // Tor's extended errors for onion services (ExtendedErrors on its SOCKS port).
    case 0xf0: return i18n::tr("Tor cannot find the onion service (it may be offline, or the address may be old)");
    case 0xf1: return i18n::tr("the onion service's descriptor is invalid");
    case 0xf2: return i18n::tr("Tor could not introduce itself to the onion service (it may be busy or offline)");
    case 0xf3: return i18n::tr("Tor could not meet the onion service (rendezvous failed)");
    case 0xf4:
    case 0xf5: return i18n::tr("the onion service asks for client authorization, which Cairn relays do not use");
    case 0xf6: return i18n::tr("the onion address is invalid");
    case 0xf7: return i18n::tr("the onion service did not answer Tor's introduction in time (it may be busy)");
    default: return i18n::trf("unknown proxy error %s", code);
  }
}

}  // namespace

Result<ProxyUrl> parse_proxy_url(std::string_view url) {
  constexpr std::string_view scheme = "socks5h://";
  if (url.substr(0, 9) == "socks5://")
    return make_error(Errc::unsafe,
                      i18n::tr("socks5:// would look up the relay's name outside the proxy, revealing it; use socks5h://"));
  if (url.substr(0, scheme.size()) != scheme)
    return make_error(Errc::malformed, i18n::tr("the proxy must look like socks5h://127.0.0.1:9050"));
  auto rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return make_error(Errc::malformed, i18n::tr("the proxy address needs a host and a port, like socks5h://127.0.0.1:9050"));
  auto host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto port_text = rest.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 || port > 65535)
    return make_error(Errc::malformed, i18n::tr("the proxy port must be a number from 1 to 65535"));
  return ProxyUrl{std::string(host), static_cast<std::uint16_t>(port)};
}

void isolate_streams(ProxyUrl& proxy) {
  proxy.isolation_username = to_hex(crypto::random_bytes(kIsolationTokenBytes));
  proxy.isolation_password = to_hex(crypto::random_bytes(kIsolationTokenBytes));
}

namespace {

// One CONNECT through the proxy; `reply` gets the proxy's reply code.
Result<Socket> connect_socks5_once(const ProxyUrl& proxy, const std::string& host, std::uint16_t port,
                                   std::chrono::milliseconds timeout, std::uint8_t& reply) {
  if (host.empty() || host.size() > 255)
    return make_error(Errc::invalid_argument, i18n::tr("a SOCKS5 host name is 1 to 255 bytes"));
  auto connected = connect_tcp(proxy.host, proxy.port, timeout);
  if (!connected.ok())
    return make_error(Errc::io, i18n::trf("cannot reach the proxy (is Tor running?): %s", connected.error().message));
  Socket s = std::move(connected).value();

  // Greeting: version and the methods offered. With isolation credentials,
  // username/password as well (Tor prefers it); a proxy that is not Tor may
  // still choose "no authentication".
  const bool isolate = !proxy.isolation_username.empty();
  Bytes greeting{kVersion, 1, kMethodNoAuth};
  if (isolate) {
    greeting[1] = 2;
    greeting.push_back(kMethodUserPass);
  }
  CAIRN_CHECK(s.write_all(greeting, timeout));
  ByteArray<2> choice{};
  CAIRN_CHECK(s.read_exact(choice, timeout));
  if (choice[0] != kVersion) return make_error(Errc::protocol, i18n::tr("the proxy is not a SOCKS5 proxy"));
  if (isolate && choice[1] == kMethodUserPass) {
    const auto& user = proxy.isolation_username;
    const auto& pass = proxy.isolation_password;
    if (user.empty() || user.size() > 255 || pass.empty() || pass.size() > 255)
      return make_error(Errc::invalid_argument, i18n::tr("SOCKS5 credentials are 1 to 255 bytes each"));
    Bytes auth{kUserPassVersion, static_cast<std::uint8_t>(user.size())};
    auth.insert(auth.end(), user.begin(), user.end());
    auth.push_back(static_cast<std::uint8_t>(pass.size()));
    auth.insert(auth.end(), pass.begin(), pass.end());
    CAIRN_CHECK(s.write_all(auth, timeout));
    ByteArray<2> status{};
    CAIRN_CHECK(s.read_exact(status, timeout));
    if (status[0] != kUserPassVersion || status[1] != 0x00)
      return make_error(Errc::protocol, i18n::tr("the proxy refused the stream-isolation credentials"));
  } else if (choice[1] == kMethodNoneAcceptable || choice[1] != kMethodNoAuth) {
    return make_error(Errc::unsupported, i18n::tr("the proxy requires authentication, which Cairn does not support"));
  }

  // CONNECT to a domain name: the proxy resolves it.
  Bytes request;
  request.reserve(7 + host.size());
  for (std::uint8_t b : {kVersion, kCmdConnect, std::uint8_t{0}, kAtypDomain}) request.push_back(b);
  request.push_back(static_cast<std::uint8_t>(host.size()));
  for (char c : host) request.push_back(static_cast<std::uint8_t>(c));
  request.push_back(static_cast<std::uint8_t>(port >> 8));
  request.push_back(static_cast<std::uint8_t>(port & 0xff));
  CAIRN_CHECK(s.write_all(request, timeout));

  ByteArray<4> head{};
  CAIRN_CHECK(s.read_exact(head, timeout));
  if (head[0] != kVersion) return make_error(Errc::protocol, i18n::tr("the proxy sent a malformed reply"));
  reply = head[1];
  if (head[1] != 0x00) return make_error(Errc::io, i18n::trf("the proxy could not connect: %s", reply_text(head[1])));
  // Skip the bound address: its length depends on its type, which we check.
  std::size_t skip = 0;
  switch (head[3]) {
    case kAtypIpv4: skip = 4; break;
    case kAtypIpv6: skip = 16; break;
    case kAtypDomain: {
      ByteArray<1> len{};
      CAIRN_CHECK(s.read_exact(len, timeout));
      skip = len[0];
      break;
    }
    default: return make_error(Errc::protocol, i18n::tr("the proxy sent an unknown address type"));
  }
  Bytes rest(skip + 2);
  CAIRN_CHECK(s.read_exact(rest, timeout));
  return s;
}

}  // namespace

// A Tor that has just started often lacks the directory information to find
// an onion service's descriptor or to reach its introduction points; Tor
// fetches what it misses when asked again. Those answers (and only those, and
// only for a .onion) are worth a few more tries after a pause.
Result<Socket> connect_socks5(const ProxyUrl& proxy, const std::string& host, std::uint16_t port,
                              std::chrono::milliseconds timeout, OnionRetry retry) {
  const bool onion = host.ends_with(".onion");  // as crypto::RelayAddress::is_onion()
  for (int attempt = 1;; ++attempt) {
    std::uint8_t reply = 0;
    auto socket = connect_socks5_once(proxy, host, port, timeout, reply);
    const bool transient = reply == 0xf0 || reply == 0xf2 || reply == 0xf3 || reply == 0xf7;
    if (socket.ok() || !onion || !transient || attempt >= retry.attempts) return socket;
    std::this_thread::sleep_for(retry.pause);
  }
}

}  // namespace cairn::client
