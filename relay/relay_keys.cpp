#include "relay/relay_keys.h"

#include <algorithm>

namespace cairn::relay {

Status generate_relay_keys(Store& store) {
  auto noise = crypto::x25519_generate();
  auto signing = crypto::ed25519_generate();
  auto seed = crypto::ed25519_seed(signing);
  CAIRN_CHECK(store.put_meta(meta::kNoiseSecret, noise.secret.view()));
  return store.put_meta(meta::kSigningSeed, seed.view());
}

Result<RelayKeys> load_relay_keys(Store& store) {
  CAIRN_TRY(auto noise_secret, store.get_secret_meta(meta::kNoiseSecret));
  CAIRN_TRY(auto seed, store.get_secret_meta(meta::kSigningSeed));
  CAIRN_TRY(auto noise, crypto::x25519_from_secret(std::move(noise_secret)));
  CAIRN_TRY(auto signing, crypto::ed25519_from_seed(seed));
  return RelayKeys{std::move(noise), std::move(signing)};
}

Status set_organisation_key(Store& store, const crypto::Ed25519Public& key) {
  return store.put_meta(meta::kOrganisationKey, key);
}

Result<crypto::Ed25519Public> load_organisation_key(Store& store) {
  CAIRN_TRY(auto v, store.get_meta(meta::kOrganisationKey));
  if (!v || v->size() != crypto::kEd25519PublicBytes)
    return make_error(Errc::not_found, "the relay store has no organisation key (run cairn-relay init)");
  crypto::Ed25519Public key{};
  std::copy(v->begin(), v->end(), key.begin());
  return key;
}

}  // namespace cairn::relay
