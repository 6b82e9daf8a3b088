#include "client/tor_config.h"

#include <set>

#include "i18n/catalog.h"

namespace cairn::client {
namespace {

// Paths go into the torrc unquoted: allow only what needs no quoting.
bool plain_path(const std::string& p) {
  if (p.empty() || p.front() != '/') return false;
  for (char c : p)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

Result<std::string> private_torrc(const PrivateTorSettings& s) {
  const auto dir = s.directory.string();
  if (!plain_path(dir))
    return make_error(Errc::invalid_argument, i18n::trf("tor's directory %s holds characters tor would misread", dir));
  std::string rc;
  auto line = [&rc](const std::string& l) { rc += l + "\n"; };
  line("DataDirectory " + (s.directory / kTorDataSubdir).string());
  // Control: a Unix socket only this user can open, cookie authentication,
  // and tor belongs to this process (TAKEOWNERSHIP follows on the socket).
  line("ControlPort unix:" + (s.directory / kTorControlSocket).string());
  line("CookieAuthentication 1");
  line("CookieAuthFile " + (s.directory / kTorControlCookie).string());
  line("__OwningControllerProcess " + std::to_string(s.owner_pid));
  // SOCKS on loopback, a port tor chooses; each distinct username/password
  // gets its own circuits; extended errors tell onion failures apart.
  line("SocksPort 127.0.0.1:auto IsolateSOCKSAuth ExtendedErrors");
  line("ClientOnly 1");
  // Nothing on the source's disk, nothing identifying in what little is logged.
  line("AvoidDiskWrites 1");
  line("SafeLogging 1");
  line("Log err stdout");
  // Quiet until configured and owned.
  line("DisableNetwork 1");
  if (!s.bridges.empty()) {
    line("UseBridges 1");
    std::set<std::string> transports;
    for (const auto& b : s.bridges) {
      line("Bridge " + b.line);
      if (!b.transport.empty()) transports.insert(b.transport);
    }
    for (const auto& t : transports) {
      auto it = s.transport_programs.find(t);
      if (it == s.transport_programs.end() || !plain_path(it->second.string()))
        return make_error(Errc::invalid_argument, i18n::trf("no program for the %s transport", t));
      line("ClientTransportPlugin " + t + " exec " + it->second.string());
    }
  }
  return rc;
}

}  // namespace cairn::client
