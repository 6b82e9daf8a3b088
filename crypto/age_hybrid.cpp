#include "crypto/age_hybrid.h"

#include <algorithm>
#include <cstdlib>

#include "crypto/age_base64.h"
#include "crypto/bech32.h"
#include "crypto/hpke.h"

namespace cairn::crypto::age {
namespace {

// Shape rules that need no arithmetic; returns the decoded enc.
Result<hybrid_kem::Ciphertext> check_shape(const Stanza& stanza) {
  if (stanza.args.size() != 2)
    return make_error(Errc::malformed, "an mlkem768x25519 stanza must have exactly one argument after its type");
  auto enc = base64_decode(stanza.args[1]);
  if (!enc.ok()) return make_error(Errc::malformed, "an mlkem768x25519 stanza's encapsulation: " + enc.error().message);
  if (enc->size() != kHybridEncBytes)
    return make_error(Errc::malformed, "an mlkem768x25519 stanza's encapsulation must be 1120 bytes");
  // Checked before any decryption, so a wrong-length body cannot be used as an oracle.
  if (stanza.body.size() != kHybridBodyBytes)
    return make_error(Errc::malformed, "an mlkem768x25519 stanza's body must be 32 bytes (a file key and its tag)");
  hybrid_kem::Ciphertext out{};
  std::copy(enc->begin(), enc->end(), out.begin());
  return out;
}

}  // namespace

Result<HybridRecipient> parse_hybrid_recipient(std::string_view text) {
  auto decoded = bech32_decode(text, kHybridRecipientChars);
  if (!decoded.ok())
    return make_error(decoded.code(), "not a valid age hybrid recipient: " + decoded.error().message);
  if (decoded->hrp != kHybridRecipientHrp)
    return make_error(Errc::malformed, "not an age hybrid recipient: it must start with 'age1pq1'");
  if (decoded->upper_case) return make_error(Errc::malformed, "an age recipient must be written in lower case");
  if (decoded->data.size() != hybrid_kem::kEncapsulationKeyBytes)
    return make_error(Errc::malformed, "an age hybrid recipient must encode 1216 bytes");
  HybridRecipient out{};
  std::copy(decoded->data.begin(), decoded->data.end(), out.begin());
  // FIPS 203's encapsulation key check and the low-order test both run inside
  // an encapsulation: a trial one refuses, here, a key every file to it would fail on.
  if (auto trial = hybrid_kem::encapsulate(out); !trial.ok())
    return make_error(Errc::malformed, "the age hybrid recipient is not a usable public key: " + trial.error().message);
  return out;
}

std::string format_hybrid_recipient(const HybridRecipient& recipient) {
  return bech32_encode(kHybridRecipientHrp, recipient);
}

Result<HybridIdentity> parse_hybrid_identity(std::string_view text) {
  auto decoded = bech32_decode(text, kHybridIdentityChars);
  if (!decoded.ok())
    return make_error(decoded.code(), "not a valid age hybrid identity: " + decoded.error().message);
  WipeOnExit wipe_decoded(decoded->data);  // the seed, in a plain vector until copied
  if (decoded->hrp != kHybridIdentityHrp)
    return make_error(Errc::malformed, "not an age hybrid identity: it must start with 'AGE-SECRET-KEY-PQ-1'");
  if (!decoded->upper_case) return make_error(Errc::malformed, "an age identity must be written in upper case");
  if (decoded->data.size() != hybrid_kem::kSeedBytes)
    return make_error(Errc::malformed, "an age hybrid identity must encode 32 bytes");
  return hybrid_kem::derive_key_pair(Secret::copy_of(decoded->data));
}

Secret format_hybrid_identity(const HybridIdentity& identity) {
  return bech32_encode_upper_secret(kHybridIdentityHrp, identity.seed.view());
}

Result<Stanza> hybrid_wrap(const Secret& file_key, const HybridRecipient& recipient) {
  if (file_key.size() != kFileKeyBytes) std::abort();
  CAIRN_TRY(const auto sealed, hpke::seal_base(recipient, as_bytes(kHybridInfo), {}, file_key.view()));
  Stanza stanza;
  stanza.args = {std::string(kHybridStanzaType), base64_encode(sealed.enc)};
  stanza.body = sealed.ciphertext;
  return stanza;
}

Status hybrid_check_stanza(const Stanza& stanza) {
  auto shape = check_shape(stanza);
  if (!shape.ok()) return shape.error();
  return ok_status();
}

Result<std::optional<Secret>> hybrid_unwrap(const Stanza& stanza, const HybridIdentity& identity) {
  CAIRN_TRY(const auto enc, check_shape(stanza));
  auto file_key = hpke::open_base(enc, identity, as_bytes(kHybridInfo), {}, stanza.body);
  if (file_key.ok()) return std::optional<Secret>(std::move(file_key).value());
  if (file_key.code() == Errc::decrypt_failed) return std::optional<Secret>{};  // addressed to someone else
  return file_key.error();
}

}  // namespace cairn::crypto::age
