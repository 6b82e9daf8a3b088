#include "crypto/cipher_state.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "crypto/aead.h"

namespace cairn::crypto::noise {
namespace {

static_assert(kKeyBytes == kAeadKeyBytes && kTagBytes == kAeadTagBytes);

// ChaChaPoly nonce (section 12.3): 32 bits of zeros, then n as 64-bit little-endian.
AeadNonce make_nonce(std::uint64_t n) {
  AeadNonce nonce{};
  for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  return nonce;
}

Error exhausted() {
  return make_error(Errc::protocol,
                    "Noise nonce exhausted: this cipher state has processed 2^64-1 messages; "
                    "the session must end");
}

}  // namespace

CipherState::CipherState(Secret key) : key_(std::move(key)) {
  if (key_.size() != kKeyBytes) std::abort();  // callers derive keys, never take them from input
}

void CipherState::initialize_key(ByteView key) {
  if (key.size() != kKeyBytes) std::abort();
  if (key_.size() != kKeyBytes) key_ = Secret(kKeyBytes);
  std::memcpy(key_.data(), key.data(), kKeyBytes);
  n_ = 0;
}

Status CipherState::check_usable() const {
  if (!has_key())
    return make_error(Errc::protocol, "Noise transport used before the handshake gave it a key");
  if (n_ == kReservedNonce) return exhausted();
  return ok_status();
}

Result<Bytes> CipherState::encrypt_with_ad(ByteView ad, ByteView plaintext) {
  if (!has_key()) return Bytes(plaintext.begin(), plaintext.end());
  if (n_ == kReservedNonce) return exhausted();
  Bytes out(plaintext.size() + kTagBytes);
  aead_seal(out, key_, make_nonce(n_), ad, plaintext);
  ++n_;
  return out;
}

Result<Bytes> CipherState::decrypt_with_ad(ByteView ad, ByteView ciphertext) {
  if (!has_key()) return Bytes(ciphertext.begin(), ciphertext.end());
  if (n_ == kReservedNonce) return exhausted();
  if (ciphertext.size() < kTagBytes)
    return make_error(Errc::malformed, "Noise ciphertext is shorter than its 16-byte tag");
  Bytes out(ciphertext.size() - kTagBytes);
  CAIRN_CHECK(aead_open(out, key_, make_nonce(n_), ad, ciphertext));
  ++n_;  // only after authentication: a forged message must not desynchronise us
  return out;
}

Status CipherState::encrypt_to(MutableByteView out, ByteView plaintext) {
  CAIRN_CHECK(check_usable());
  if (plaintext.size() > kMaxNoiseMessageBytes - kTagBytes)
    return make_error(Errc::too_large, "Noise transport plaintext of " + std::to_string(plaintext.size()) +
                                           " bytes exceeds the 65519-byte maximum");
  if (out.size() != plaintext.size() + kTagBytes)
    return make_error(Errc::invalid_argument, "Noise encrypt output buffer must be plaintext size + 16");
  aead_seal(out, key_, make_nonce(n_), {}, plaintext);
  ++n_;
  return ok_status();
}

Status CipherState::decrypt_to(MutableByteView out, ByteView ciphertext) {
  CAIRN_CHECK(check_usable());
  if (ciphertext.size() > kMaxNoiseMessageBytes)
    return make_error(Errc::too_large, "Noise transport message of " + std::to_string(ciphertext.size()) +
                                           " bytes exceeds the 65535-byte maximum");
  if (ciphertext.size() < kTagBytes)
    return make_error(Errc::malformed, "Noise transport message is shorter than its 16-byte tag");
  if (out.size() != ciphertext.size() - kTagBytes)
    return make_error(Errc::invalid_argument, "Noise decrypt output buffer must be ciphertext size - 16");
  CAIRN_CHECK(aead_open(out, key_, make_nonce(n_), {}, ciphertext));
  ++n_;
  return ok_status();
}

Result<Bytes> CipherState::encrypt(ByteView plaintext) {
  CAIRN_CHECK(check_usable());
  if (plaintext.size() > kMaxNoiseMessageBytes - kTagBytes)  // before allocating
    return make_error(Errc::too_large, "Noise transport plaintext of " + std::to_string(plaintext.size()) +
                                           " bytes exceeds the 65519-byte maximum");
  Bytes out(plaintext.size() + kTagBytes);
  CAIRN_CHECK(encrypt_to(out, plaintext));
  return out;
}

Result<Bytes> CipherState::decrypt(ByteView ciphertext) {
  CAIRN_CHECK(check_usable());
  if (ciphertext.size() > kMaxNoiseMessageBytes)
    return make_error(Errc::too_large, "Noise transport message of " + std::to_string(ciphertext.size()) +
                                           " bytes exceeds the 65535-byte maximum");
  if (ciphertext.size() < kTagBytes)
    return make_error(Errc::malformed, "Noise transport message is shorter than its 16-byte tag");
  Bytes out(ciphertext.size() - kTagBytes);
  CAIRN_CHECK(decrypt_to(out, ciphertext));
  return out;
}

Status CipherState::rekey() {
  if (!has_key()) return make_error(Errc::protocol, "Noise rekey of a cipher state without a key");
  ByteArray<kKeyBytes + kTagBytes> out{};
  WipeOnExit wipe_out(out);
  const ByteArray<kKeyBytes> zeros{};
  aead_seal(out, key_, make_nonce(kReservedNonce), {}, zeros);
  key_ = Secret::copy_of(ByteView(out.data(), kKeyBytes));
  return ok_status();
}

}  // namespace cairn::crypto::noise
