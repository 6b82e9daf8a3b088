// SHA3-256 (FIPS 202), from OpenSSL's libcrypto: libsodium has no SHA-3, and
// Tor's v3 onion names carry a SHA3-256 checksum (docs/PROTOCOL.md, "Drop
// address"). Only crypto/ links libcrypto.
#pragma once

#include "common/bytes.h"

namespace cairn::crypto {

inline constexpr std::size_t kSha3_256Bytes = 32;

[[nodiscard]] ByteArray<kSha3_256Bytes> sha3_256(ByteView data);

}  // namespace cairn::crypto
