// Argon2id (RFC 9106, through libsodium's crypto_pwhash): turns a passphrase
// (analyst vault) or a codename's word indices (source reply key) into key
// material. Slow on purpose; the cost is a parameter so tests can run fast.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto {

inline constexpr std::size_t kArgon2SaltBytes = 16;

struct Argon2Cost {
  std::uint64_t ops = 3;                      // passes over memory
  std::uint64_t memory_bytes = 256ull << 20;  // 256 MiB

  static Argon2Cost interactive() { return {2, 64ull << 20}; }
  static Argon2Cost sensitive() { return {3, 256ull << 20}; }
  // Only for tests: the library minimum.
  static Argon2Cost test_only_minimum() { return {1, 8192}; }
};

// Derives out_len bytes. Errors: invalid_argument (salt not 16 bytes, cost
// below libsodium's minimum), internal (out of memory).
[[nodiscard]] Result<Secret> argon2id(ByteView password, ByteView salt, Argon2Cost cost, std::size_t out_len);

}  // namespace cairn::crypto
