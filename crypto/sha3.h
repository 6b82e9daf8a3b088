// SHA-3 (FIPS 202), from OpenSSL's libcrypto: libsodium has no SHA-3. Tor's v3
// onion names carry a SHA3-256 checksum (docs/PROTOCOL.md, "Drop address"), and
// ML-KEM (crypto/mlkem768.h) is built on SHA3-256, SHA3-512, SHAKE128 and
// SHAKE256. Only crypto/ links libcrypto.
#pragma once

#include <initializer_list>

#include "common/bytes.h"

namespace cairn::crypto {

inline constexpr std::size_t kSha3_256Bytes = 32;
inline constexpr std::size_t kSha3_512Bytes = 64;

[[nodiscard]] ByteArray<kSha3_256Bytes> sha3_256(ByteView data);

// The same functions over an input given in parts (absorbed in order, never
// copied), writing into `out`, which may be a Secret's bytes. The fixed-length
// hashes abort on another output size (a caller bug); the XOFs write out.size()
// bytes. OpenSSL 3.0 squeezes an XOF once: to read further, call again with a
// longer `out` (a longer output begins with the shorter one).
void sha3_256(std::initializer_list<ByteView> input, MutableByteView out);
void sha3_512(std::initializer_list<ByteView> input, MutableByteView out);
void shake128(std::initializer_list<ByteView> input, MutableByteView out);
void shake256(std::initializer_list<ByteView> input, MutableByteView out);

}  // namespace cairn::crypto
