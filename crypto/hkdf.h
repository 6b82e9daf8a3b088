// Key derivation:
//  - HKDF-SHA-256 (RFC 5869), used by age (header MAC key, payload key, X25519 wrap key)
//    and by HPKE (crypto/hpke.h, age's hybrid recipients);
//  - Noise's HKDF over HMAC-BLAKE2b (Noise spec rev. 34, section 4.3), used by the
//    Noise symmetric state. HMAC-BLAKE2b is built from libsodium's BLAKE2b with
//    the RFC 2104 construction (block 128 bytes, output 64 bytes).
#pragma once

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto {

// RFC 5869 HKDF-SHA-256. Fails if length > 255 * 32.
[[nodiscard]] Result<Secret> hkdf_sha256(ByteView salt, ByteView ikm, ByteView info, std::size_t length);
// Its two steps, for protocols that label each one (HPKE, RFC 9180): Extract
// gives the 32-byte PRK (an empty salt means 32 zero bytes); Expand fails if
// length is 0 or > 255 * 32.
[[nodiscard]] Secret hkdf_sha256_extract(ByteView salt, ByteView ikm);
[[nodiscard]] Result<Secret> hkdf_sha256_expand(ByteView prk, ByteView info, std::size_t length);

inline constexpr std::size_t kNoiseHashBytes = 64;  // BLAKE2b-512

// RFC 2104 HMAC with BLAKE2b-512.
[[nodiscard]] Secret hmac_blake2b(ByteView key, ByteView data);

// Noise HKDF(chaining_key, input_key_material, num_outputs) with num_outputs 2 or 3;
// each output is 64 bytes.
struct NoiseHkdfOutputs {
  Secret out1, out2, out3;
};
[[nodiscard]] NoiseHkdfOutputs noise_hkdf(ByteView chaining_key, ByteView input_key_material,
                                          int num_outputs);

// Allocation-free forms of the two functions above, for the Noise handshake's
// hot path (a Secret costs an mmap/mprotect/munmap round trip). Outputs go
// into caller buffers of exactly 64 bytes, which the caller keeps in a Secret
// or wipes. out3 empty means two outputs. out1 may alias chaining_key.
void hmac_blake2b(MutableByteView out, ByteView key, ByteView data);
void noise_hkdf(MutableByteView out1, MutableByteView out2, MutableByteView out3, ByteView chaining_key,
                ByteView input_key_material);

}  // namespace cairn::crypto
