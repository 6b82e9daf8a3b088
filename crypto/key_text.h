// Public keys as people copy them between machines: Bech32, so a typo is
// caught by the checksum rather than silently trusted (like age recipients).
//   organisation key:   cairn-org1…         (Ed25519, 32 bytes)
//   relay public keys:  cairn-relay1…       (Noise X25519 32 bytes || signing Ed25519 32 bytes)
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"

namespace cairn::crypto {

inline constexpr std::string_view kOrganisationKeyHrp = "cairn-org";
inline constexpr std::string_view kRelayKeysHrp = "cairn-relay";

struct RelayPublicKeys {
  X25519Public noise{};
  Ed25519Public signing{};
};

[[nodiscard]] std::string encode_organisation_key(const Ed25519Public& key);
[[nodiscard]] Result<Ed25519Public> parse_organisation_key(std::string_view text);
[[nodiscard]] std::string encode_relay_keys(const RelayPublicKeys& keys);
[[nodiscard]] Result<RelayPublicKeys> parse_relay_keys(std::string_view text);

}  // namespace cairn::crypto
