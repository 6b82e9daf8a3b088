// The vault's KDF parameters file (docs/PROTOCOL.md, "Analyst station", "Vault"): the
// Argon2id salt and cost, kept in plain text beside the encrypted database.
// None of it is secret; without it the passphrase cannot be turned into the
// database key. Changing it does not weaken the vault: a different salt or
// cost derives a different key, which simply does not open the database.
//
//   cairn vault v1
//   kdf argon2id
//   salt <32 hex digits>
//   ops <passes>
//   memory-kib <KiB>
//   insecure-fast-kdf <yes|no>
#pragma once

#include <filesystem>
#include <string>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/argon2.h"

namespace cairn::analyst {

// ---- Specification constants ----
inline constexpr std::string_view kVaultParamsMagic = "cairn vault v1";
inline constexpr std::size_t kVaultParamsMaxBytes = 1024;
// A vault not marked insecure must cost at least Argon2Cost::sensitive();
// no vault may ask for more than this (a damaged file must not exhaust memory).
inline constexpr std::uint64_t kMaxKdfOps = 64;
inline constexpr std::uint64_t kMaxKdfMemoryBytes = std::uint64_t{4} << 30;

struct VaultParams {
  ByteArray<crypto::kArgon2SaltBytes> salt{};
  crypto::Argon2Cost cost = crypto::Argon2Cost::sensitive();
  // Made with --insecure-fast-kdf (tests): the cheapest cost Argon2id allows.
  bool insecure_fast_kdf = false;
};

// Fresh random salt; sensitive cost, or the minimum when insecure.
[[nodiscard]] VaultParams new_vault_params(bool insecure_fast_kdf);
[[nodiscard]] std::string encode_vault_params(const VaultParams& params);
// Strict: exactly the lines above, in order. Errc::malformed (with the line),
// Errc::unsupported (another version or KDF), Errc::too_large.
[[nodiscard]] Result<VaultParams> parse_vault_params(std::string_view text);

}  // namespace cairn::analyst
