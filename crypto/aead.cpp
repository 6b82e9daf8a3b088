#include "crypto/aead.h"

#include <sodium.h>

#include <cstdlib>

namespace cairn::crypto {

static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == kAeadKeyBytes);
static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == kAeadNonceBytes);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == kAeadTagBytes);

void aead_seal(MutableByteView out, const Secret& key, const AeadNonce& nonce, ByteView ad,
               ByteView plaintext) {
  if (key.size() != kAeadKeyBytes || out.size() != plaintext.size() + kAeadTagBytes) std::abort();
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(), plaintext.size(),
                                            ad.data(), ad.size(), nullptr, nonce.data(), key.data());
}

Status aead_open(MutableByteView out, const Secret& key, const AeadNonce& nonce, ByteView ad,
                 ByteView ciphertext) {
  if (key.size() != kAeadKeyBytes) std::abort();
  if (ciphertext.size() < kAeadTagBytes || out.size() != ciphertext.size() - kAeadTagBytes)
    return make_error(Errc::decrypt_failed, "ciphertext too short");
  unsigned long long written = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext.data(),
                                                ciphertext.size(), ad.data(), ad.size(), nonce.data(),
                                                key.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return make_error(Errc::decrypt_failed, "authentication failed");
  }
  return ok_status();
}

}  // namespace cairn::crypto
