// Where each certified relay listens (docs/PROTOCOL.md, "Several relays"):
// `cairn-analyst relay address NAME HOST:PORT…` records it, key bundles list
// it for every relay, and drop addresses name it. Kept in the vault's meta
// table (name `relay_endpoints.<relay name>`, one "host port" a line), so no
// vault schema change was needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyst/vault.h"
#include "common/result.h"

namespace cairn::analyst {

using Endpoint = std::pair<std::string, std::uint16_t>;  // host, port

// "host:port" (a drop address host: lower-case DNS name, IPv4 literal or v3
// .onion name; port 1..65535). Errc::malformed / Errc::unsupported with why.
[[nodiscard]] Result<Endpoint> parse_endpoint(std::string_view text);

// Replaces the places a certified relay listens (1..kListedRelayMaxEndpoints).
[[nodiscard]] Status set_relay_endpoints(Vault& vault, std::string_view relay, const std::vector<Endpoint>& endpoints);

// The places recorded for a relay (possibly none).
[[nodiscard]] Result<std::vector<Endpoint>> relay_endpoints(Vault& vault, std::string_view relay);

}  // namespace cairn::analyst
