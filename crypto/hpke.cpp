#include "crypto/hpke.h"

#include <algorithm>
#include <cstdlib>

#include "crypto/hkdf.h"

namespace cairn::crypto::hpke {
namespace {

// suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)
constexpr ByteArray<10> kSuiteId = {
    'H', 'P', 'K', 'E',
    static_cast<std::uint8_t>(kKemMlkem768X25519 >> 8), static_cast<std::uint8_t>(kKemMlkem768X25519 & 0xff),
    static_cast<std::uint8_t>(kKdfHkdfSha256 >> 8), static_cast<std::uint8_t>(kKdfHkdfSha256 & 0xff),
    static_cast<std::uint8_t>(kAeadChaCha20Poly1305 >> 8), static_cast<std::uint8_t>(kAeadChaCha20Poly1305 & 0xff)};

// "HPKE-v1" || suite_id || label, the prefix both labeled functions share.
void append_label(Bytes& out, std::string_view label) {
  const auto version = as_bytes(kVersionLabel);
  const auto l = as_bytes(label);
  out.insert(out.end(), version.begin(), version.end());
  out.insert(out.end(), kSuiteId.begin(), kSuiteId.end());
  out.insert(out.end(), l.begin(), l.end());
}

// LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm)
Secret labeled_extract(ByteView salt, std::string_view label, ByteView ikm) {
  Bytes prefix;
  append_label(prefix, label);
  Secret labeled_ikm(prefix.size() + ikm.size());  // ikm may be secret (a PSK)
  std::copy(ikm.begin(), ikm.end(), std::copy(prefix.begin(), prefix.end(), labeled_ikm.data()));
  return hkdf_sha256_extract(salt, labeled_ikm.view());
}

// LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L)
Secret labeled_expand(const Secret& prk, std::string_view label, ByteView info, std::size_t length) {
  Bytes labeled_info{static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length & 0xff)};
  append_label(labeled_info, label);
  labeled_info.insert(labeled_info.end(), info.begin(), info.end());
  auto okm = hkdf_sha256_expand(prk.view(), labeled_info, length);
  if (!okm.ok()) std::abort();  // every length here is a constant of the suite
  return std::move(okm).value();
}

}  // namespace

Context key_schedule_base(const Secret& shared_secret, ByteView info) {
  // key_schedule_context = mode || psk_id_hash || info_hash, with psk_id = psk = "".
  const Secret psk_id_hash = labeled_extract({}, "psk_id_hash", {});
  const Secret info_hash = labeled_extract({}, "info_hash", info);
  Bytes context{kModeBase};
  context.insert(context.end(), psk_id_hash.view().begin(), psk_id_hash.view().end());
  context.insert(context.end(), info_hash.view().begin(), info_hash.view().end());

  const Secret secret = labeled_extract(shared_secret.view(), "secret", {});
  Context out;
  out.key = labeled_expand(secret, "key", context, kKeyBytes);
  const Secret nonce = labeled_expand(secret, "base_nonce", context, kNonceBytes);
  std::copy(nonce.view().begin(), nonce.view().end(), out.base_nonce.begin());
  return out;
}

// Sequence number 0: ComputeNonce(0) = base_nonce XOR 0 = base_nonce.
void seal(const Context& context, ByteView aad, ByteView plaintext, MutableByteView out) {
  aead_seal(out, context.key, context.base_nonce, aad, plaintext);
}

Status open(const Context& context, ByteView aad, ByteView ciphertext, MutableByteView out) {
  return aead_open(out, context.key, context.base_nonce, aad, ciphertext);
}

Result<Sealed> seal_base(const hybrid_kem::EncapsulationKey& recipient, ByteView info, ByteView aad,
                         ByteView plaintext) {
  CAIRN_TRY(const auto encapsulation, hybrid_kem::encapsulate(recipient));
  const Context context = key_schedule_base(encapsulation.shared_secret, info);
  Sealed out;
  out.enc = encapsulation.ciphertext;
  out.ciphertext.resize(plaintext.size() + kTagBytes);
  seal(context, aad, plaintext, out.ciphertext);
  return out;
}

Result<Secret> open_base(const hybrid_kem::Ciphertext& enc, const hybrid_kem::KeyPair& recipient, ByteView info,
                         ByteView aad, ByteView ciphertext) {
  if (ciphertext.size() < kTagBytes)
    return make_error(Errc::invalid_argument, "an HPKE ciphertext is at least its 16-byte tag");
  CAIRN_TRY(const Secret shared_secret, hybrid_kem::decapsulate(recipient, enc));
  const Context context = key_schedule_base(shared_secret, info);
  Secret plaintext(ciphertext.size() - kTagBytes);
  CAIRN_CHECK(open(context, aad, ciphertext, plaintext.bytes()));
  return plaintext;
}

}  // namespace cairn::crypto::hpke
