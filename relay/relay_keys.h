// The relay's own keys, kept inside the encrypted store: the Noise static key
// (clients pin its public half through the drop address) and the Ed25519 key
// that signs export bundles. Neither opens a drop.
#pragma once

#include "common/result.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "relay/store.h"

namespace cairn::relay {

struct RelayKeys {
  crypto::X25519KeyPair noise;
  crypto::Ed25519KeyPair signing;
};

[[nodiscard]] Status generate_relay_keys(Store& store);
[[nodiscard]] Result<RelayKeys> load_relay_keys(Store& store);

// The organisation key the relay was initialised with (pinned; bundles and
// receipts must chain to it).
[[nodiscard]] Status set_organisation_key(Store& store, const crypto::Ed25519Public& key);
[[nodiscard]] Result<crypto::Ed25519Public> load_organisation_key(Store& store);

namespace meta {
inline constexpr std::string_view kNoiseSecret = "relay.noise_secret";
inline constexpr std::string_view kSigningSeed = "relay.signing_seed";
inline constexpr std::string_view kOrganisationKey = "organisation.key";
inline constexpr std::string_view kKeyBundle = "key_bundle";
inline constexpr std::string_view kDropSize = "key_bundle.drop_size";
}  // namespace meta

}  // namespace cairn::relay
