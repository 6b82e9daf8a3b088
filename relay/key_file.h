// The store key file: the relay's only plaintext secret on disk. 64 hex digits
// (a random 256-bit SQLCipher key) and a newline, mode 0600. A key file that
// anyone but its owner can read is refused: a seized disk with a readable key
// next to the store is a seized store.
#pragma once

#include <filesystem>

#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::relay {

inline constexpr std::size_t kStoreKeyBytes = 32;

// Creates a new key file (refuses to overwrite) with a fresh random key.
[[nodiscard]] Result<crypto::Secret> create_key_file(const std::filesystem::path& path);
// Reads a key file; Errc::unsafe if group/other can read or write it,
// Errc::malformed if it is not exactly 64 hex digits (plus an optional newline).
[[nodiscard]] Result<crypto::Secret> read_key_file(const std::filesystem::path& path);

}  // namespace cairn::relay
