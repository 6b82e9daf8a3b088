#include "relay/publish.h"

#include "crypto/key_text.h"
#include "relay/relay_keys.h"

namespace cairn::relay {

Result<crypto::VerifiedKeyBundle> publish_key_bundle(Store& store, ByteView signed_bundle, DayNumber today) {
  CAIRN_TRY(auto org, load_organisation_key(store));
  CAIRN_TRY(auto keys, load_relay_keys(store));
  CAIRN_TRY(auto verified, crypto::verify_key_bundle(signed_bundle, org, today));
  if (verified.relay_noise_key != keys.noise.public_key || verified.relay_signing_key != keys.signing.public_key)
    return make_error(Errc::untrusted,
                      "this key bundle certifies a different relay (its relay keys are " +
                          crypto::encode_relay_keys({verified.relay_noise_key, verified.relay_signing_key}) +
                          ", this relay's are " +
                          crypto::encode_relay_keys({keys.noise.public_key, keys.signing.public_key}) + ")");
  ByteArray<4> size{};
  put_u32be(size.data(), verified.drop_size);
  CAIRN_CHECK(store.put_meta(meta::kKeyBundle, signed_bundle));
  CAIRN_CHECK(store.put_meta(meta::kDropSize, size));
  return verified;
}

}  // namespace cairn::relay
