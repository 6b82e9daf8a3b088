// X25519 Diffie-Hellman (RFC 7748), used by Noise and by age recipients.
#pragma once

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto {

inline constexpr std::size_t kX25519Bytes = 32;
using X25519Public = ByteArray<kX25519Bytes>;

struct X25519KeyPair {
  Secret secret;  // 32-byte scalar
  X25519Public public_key{};
};

[[nodiscard]] X25519KeyPair x25519_generate();
// Derives the public half of a 32-byte secret scalar.
[[nodiscard]] Result<X25519KeyPair> x25519_from_secret(Secret secret);
// The shared secret of scalar and point. Fails with Errc::decrypt_failed if the
// result is all zeros (a low-order point: the peer contributed nothing).
[[nodiscard]] Result<Secret> x25519(const Secret& scalar, const X25519Public& point);

}  // namespace cairn::crypto
