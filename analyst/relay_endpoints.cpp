#include "analyst/relay_endpoints.h"

#include <charconv>

#include "analyst/keys.h"
#include "common/lines.h"
#include "crypto/drop_address.h"
#include "crypto/key_bundle.h"

namespace cairn::analyst {
namespace {

std::string meta_name(std::string_view relay) { return "relay_endpoints." + std::string(relay); }

Result<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    return make_error(Errc::malformed, "the port '" + std::string(text) + "' is not a number 1..65535");
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return make_error(Errc::malformed, "'" + std::string(text) + "' is not HOST:PORT (e.g. relay.example.org:443)");
  const auto host = text.substr(0, colon);
  CAIRN_CHECK(crypto::check_drop_address_host(host));
  CAIRN_TRY(auto port, parse_port(text.substr(colon + 1)));
  return Endpoint{std::string(host), port};
}

Status set_relay_endpoints(Vault& vault, std::string_view relay, const std::vector<Endpoint>& endpoints) {
  CAIRN_TRY(auto record, find_relay(vault, relay));
  if (endpoints.empty()) return make_error(Errc::invalid_argument, "give at least one HOST:PORT");
  if (endpoints.size() > crypto::kListedRelayMaxEndpoints)
    return make_error(Errc::too_large, "a relay is listed with at most " +
                                           std::to_string(crypto::kListedRelayMaxEndpoints) + " places it listens");
  std::string text;
  for (const auto& [host, port] : endpoints) {
    CAIRN_CHECK(crypto::check_drop_address_host(host));
    text += host + " " + std::to_string(port) + "\n";
  }
  return vault.put_meta(meta_name(record.name), as_bytes(text));
}

Result<std::vector<Endpoint>> relay_endpoints(Vault& vault, std::string_view relay) {
  CAIRN_TRY(auto stored, vault.get_meta(meta_name(relay)));
  std::vector<Endpoint> out;
  if (!stored) return out;
  CAIRN_CHECK(for_each_content_line(as_chars(*stored), [&](std::string_view line, std::size_t) -> Status {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return make_error(Errc::malformed, "the vault's relay addresses are damaged");
    CAIRN_TRY(auto port, parse_port(line.substr(space + 1)));
    out.emplace_back(std::string(line.substr(0, space)), port);
    return ok_status();
  }));
  return out;
}

}  // namespace cairn::analyst
