// ChaCha20-Poly1305 (IETF, RFC 8439): the AEAD under Noise, age headers and
// age's STREAM payload. Callers inside crypto/ build their own nonces (Noise:
// 32 zero bits + 64-bit little-endian counter; age: 88-bit big-endian counter +
// last-chunk flag); nothing outside crypto/ sees this header's nonce parameter.
#pragma once

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto {

inline constexpr std::size_t kAeadKeyBytes = 32;
inline constexpr std::size_t kAeadNonceBytes = 12;
inline constexpr std::size_t kAeadTagBytes = 16;
using AeadNonce = ByteArray<kAeadNonceBytes>;

// out.size() must be plaintext.size() + 16; out may alias plaintext exactly.
void aead_seal(MutableByteView out, const Secret& key, const AeadNonce& nonce, ByteView ad,
               ByteView plaintext);
// out.size() must be ciphertext.size() - 16; out may alias ciphertext exactly.
// Errc::decrypt_failed on any authentication failure (and out is wiped).
[[nodiscard]] Status aead_open(MutableByteView out, const Secret& key, const AeadNonce& nonce,
                               ByteView ad, ByteView ciphertext);

}  // namespace cairn::crypto
