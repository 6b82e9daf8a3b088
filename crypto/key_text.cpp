#include "crypto/key_text.h"

#include <algorithm>

#include "crypto/bech32.h"

namespace cairn::crypto {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Result<Bytes> decode(std::string_view text, std::string_view hrp, std::size_t length, std::string_view what) {
  auto d = bech32_decode(trim(text));
  if (!d.ok()) {
    if (d.code() == Errc::checksum_mismatch)
      return make_error(Errc::checksum_mismatch, "the " + std::string(what) + " has a typo: a character is wrong or missing");
    return make_error(d.code(), "the " + std::string(what) + " is not valid: " + d.error().message);
  }
  if (d->hrp != hrp)
    return make_error(Errc::malformed, "this is not " + std::string(what) + " (it should start with " +
                                           std::string(hrp) + "1)");
  if (d->data.size() != length)
    return make_error(Errc::malformed, "the " + std::string(what) + " has the wrong length");
  return std::move(d->data);
}

}  // namespace

std::string encode_organisation_key(const Ed25519Public& key) { return bech32_encode(kOrganisationKeyHrp, key); }

Result<Ed25519Public> parse_organisation_key(std::string_view text) {
  CAIRN_TRY(auto bytes, decode(text, kOrganisationKeyHrp, kEd25519PublicBytes, "organisation key"));
  Ed25519Public key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  CAIRN_CHECK(check_ed25519_public_key(key));
  return key;
}

std::string encode_relay_keys(const RelayPublicKeys& keys) {
  Bytes b(keys.noise.begin(), keys.noise.end());
  b.insert(b.end(), keys.signing.begin(), keys.signing.end());
  return bech32_encode(kRelayKeysHrp, b);
}

Result<RelayPublicKeys> parse_relay_keys(std::string_view text) {
  CAIRN_TRY(auto bytes, decode(text, kRelayKeysHrp, kX25519Bytes + kEd25519PublicBytes, "relay key string"));
  RelayPublicKeys k;
  std::copy(bytes.begin(), bytes.begin() + kX25519Bytes, k.noise.begin());
  std::copy(bytes.begin() + kX25519Bytes, bytes.end(), k.signing.begin());
  CAIRN_CHECK(check_ed25519_public_key(k.signing));
  return k;
}

}  // namespace cairn::crypto
