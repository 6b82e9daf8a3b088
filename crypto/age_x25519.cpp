#include "crypto/age_x25519.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "crypto/aead.h"
#include "crypto/age_hybrid.h"
#include "crypto/bech32.h"
#include "crypto/hkdf.h"

namespace cairn::crypto::age {
namespace {

// The X25519 stanza's ChaCha20-Poly1305 nonce is fixed: each wrap key is used once.
constexpr AeadNonce kZeroNonce{};

// wrap key = HKDF-SHA-256(ikm = shared secret, salt = ephemeral share || recipient, info).
Secret wrap_key(const Secret& shared, const X25519Public& share, const X25519Public& recipient) {
  ByteArray<2 * kX25519Bytes> salt{};
  std::copy(share.begin(), share.end(), salt.begin());
  std::copy(recipient.begin(), recipient.end(), salt.begin() + kX25519Bytes);
  auto key = hkdf_sha256(salt, shared.view(), as_bytes(kX25519WrapInfo), kAeadKeyBytes);
  if (!key.ok()) std::abort();  // a fixed 32-byte output cannot fail
  return std::move(key).value();
}

// Shape rules that need no arithmetic; returns the decoded share.
Result<X25519Public> check_shape(const Stanza& stanza) {
  if (stanza.args.size() != 2)
    return make_error(Errc::malformed, "an X25519 stanza must have exactly one argument after its type");
  auto share = base64_decode(stanza.args[1]);
  if (!share.ok()) return make_error(Errc::malformed, "an X25519 stanza's share: " + share.error().message);
  if (share->size() != kX25519Bytes)
    return make_error(Errc::malformed, "an X25519 stanza's share must be 32 bytes");
  // Checked before any decryption, so a wrong-length body cannot be used as an oracle.
  if (stanza.body.size() != kX25519BodyBytes)
    return make_error(Errc::malformed, "an X25519 stanza's body must be 32 bytes (a file key and its tag)");
  X25519Public out{};
  std::copy(share->begin(), share->end(), out.begin());
  return out;
}

}  // namespace

bool is_low_order(const X25519Public& point) {
  // An all-zero scalar is clamped to 2^254, a multiple of the cofactor 8 that
  // is not a multiple of either prime subgroup order: the product is zero
  // exactly for the points of small order.
  return !x25519(Secret(kX25519Bytes), point).ok();
}

Result<X25519Public> parse_recipient(std::string_view text) {
  // A hybrid recipient is longer than any X25519 one may be: say what it is
  // before the length cap would call it merely too long.
  if (bech32_has_hrp(text, kHybridRecipientHrp))
    return make_error(Errc::malformed,
                      "this is a post-quantum hybrid recipient (age1pq1…), not an X25519 recipient (age1…)");
  auto decoded = bech32_decode(text);
  if (!decoded.ok())
    return make_error(decoded.code(), "not a valid age recipient: " + decoded.error().message);
  if (decoded->hrp != kRecipientHrp)
    return make_error(Errc::malformed, "not an age X25519 recipient: it must start with 'age1'");
  if (decoded->upper_case) return make_error(Errc::malformed, "an age recipient must be written in lower case");
  if (decoded->data.size() != kX25519Bytes)
    return make_error(Errc::malformed, "an age X25519 recipient must encode 32 bytes");
  X25519Public out{};
  std::copy(decoded->data.begin(), decoded->data.end(), out.begin());
  if (is_low_order(out)) return make_error(Errc::malformed, "the age recipient is not a usable public key (low order)");
  return out;
}

std::string format_recipient(const X25519Public& recipient) { return bech32_encode(kRecipientHrp, recipient); }

Result<Identity> parse_identity(std::string_view text) {
  if (bech32_has_hrp(text, kHybridIdentityHrp))
    return make_error(Errc::malformed,
                      "this is a post-quantum hybrid identity (AGE-SECRET-KEY-PQ-1…), not an X25519 identity");
  auto decoded = bech32_decode(text);
  if (!decoded.ok())
    return make_error(decoded.code(), "not a valid age identity: " + decoded.error().message);
  WipeOnExit wipe_decoded(decoded->data);  // the secret scalar, in a plain vector until copied
  if (decoded->hrp != kIdentityHrp)
    return make_error(Errc::malformed, "not an age X25519 identity: it must start with 'AGE-SECRET-KEY-1'");
  if (!decoded->upper_case) return make_error(Errc::malformed, "an age identity must be written in upper case");
  if (decoded->data.size() != kX25519Bytes)
    return make_error(Errc::malformed, "an age X25519 identity must encode 32 bytes");
  return x25519_from_secret(Secret::copy_of(decoded->data));
}

Secret format_identity(const Identity& identity) {
  return bech32_encode_upper_secret(kIdentityHrp, identity.secret.view());
}

Result<Stanza> x25519_wrap(const Secret& file_key, const X25519Public& recipient) {
  if (file_key.size() != kFileKeyBytes) std::abort();
  const auto ephemeral = x25519_generate();
  auto shared = x25519(ephemeral.secret, recipient);
  if (!shared.ok()) return make_error(Errc::invalid_argument, "the recipient is a low-order point, not a usable key");
  const Secret key = wrap_key(*shared, ephemeral.public_key, recipient);
  Stanza stanza;
  stanza.args = {std::string(kX25519StanzaType), base64_encode(ephemeral.public_key)};
  stanza.body.resize(kX25519BodyBytes);
  aead_seal(stanza.body, key, kZeroNonce, {}, file_key.view());
  return stanza;
}

Status x25519_check_stanza(const Stanza& stanza) {
  // Shape only: a low-order share is refused where the stanza is tried, by
  // its all-zero shared secret (x25519_unwrap), as the age specification
  // says; testing it here too cost an X25519 per stanza per file.
  auto shape = check_shape(stanza);
  if (!shape.ok()) return shape.error();
  return ok_status();
}

Result<std::optional<Secret>> x25519_unwrap(const Stanza& stanza, const Identity& identity) {
  CAIRN_TRY(const auto share, check_shape(stanza));
  auto shared = x25519(identity.secret, share);
  if (!shared.ok())
    return make_error(Errc::malformed, "an X25519 stanza's share is a low-order point (the shared secret would be zero)");
  const Secret key = wrap_key(*shared, share, identity.public_key);
  Secret file_key(kFileKeyBytes);
  if (!aead_open(file_key.bytes(), key, kZeroNonce, {}, stanza.body).ok())
    return std::optional<Secret>{};  // addressed to someone else
  return std::optional<Secret>(std::move(file_key));
}

}  // namespace cairn::crypto::age
