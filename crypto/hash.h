// Hash functions: BLAKE2b (Noise, proof of work, identifiers) and SHA-256 /
// HMAC-SHA-256 (age's HKDF).
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::crypto {

inline constexpr std::size_t kBlake2bMaxBytes = 64;
inline constexpr std::size_t kBlake2bBlockBytes = 128;
inline constexpr std::size_t kSha256Bytes = 32;

// BLAKE2b with an output of out.size() bytes (1..64), optionally keyed (key 0..64 bytes).
void blake2b(MutableByteView out, ByteView message, ByteView key = {});
[[nodiscard]] ByteArray<64> blake2b_512(ByteView message);
[[nodiscard]] ByteArray<32> blake2b_256(ByteView message);

// Incremental BLAKE2b, for hashing several pieces without concatenating them.
class Blake2b {
 public:
  explicit Blake2b(std::size_t out_len = kBlake2bMaxBytes, ByteView key = {});
  Blake2b(const Blake2b&) = delete;
  Blake2b& operator=(const Blake2b&) = delete;
  ~Blake2b();
  void update(ByteView data);
  void final(MutableByteView out);  // out.size() must equal out_len

 private:
  alignas(64) unsigned char state_[384];
  std::size_t out_len_;
};

[[nodiscard]] ByteArray<32> sha256(ByteView message);
void hmac_sha256(MutableByteView out32, ByteView key, ByteView message);

}  // namespace cairn::crypto
