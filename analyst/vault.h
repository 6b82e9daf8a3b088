// The vault: the station's one encrypted store (docs/PROTOCOL.md, "Analyst station",
// "Vault"). A directory holding
//
//   vault.params   the Argon2id salt and cost (analyst/vault_params.h), not secret
//   vault.db       SQLCipher, keyed by Argon2id(passphrase, salt) (32 bytes)
//
// Every secret key of the organisation lives in vault.db, and so does every
// testimony; nothing of either is written anywhere else (except what
// `extract` is explicitly asked to write).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "analyst/vault_params.h"
#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"
#include "db/database.h"

namespace cairn::analyst {

inline constexpr std::string_view kVaultParamsFile = "vault.params";
inline constexpr std::string_view kVaultDatabaseFile = "vault.db";

class Vault {
 public:
  // Creates the directory (mode 0700; it must not exist, or be empty), the
  // parameters file and an empty database with the schema.
  [[nodiscard]] static Result<std::unique_ptr<Vault>> create(const std::filesystem::path& dir,
                                                             const crypto::Secret& passphrase,
                                                             bool insecure_fast_kdf);
  // Errc::decrypt_failed "the passphrase is wrong" (nothing is changed),
  // Errc::not_found (no vault there), the parameters file's errors.
  [[nodiscard]] static Result<std::unique_ptr<Vault>> open(const std::filesystem::path& dir,
                                                           const crypto::Secret& passphrase);
  // The parameters alone (to warn about a test vault before asking anything).
  [[nodiscard]] static Result<VaultParams> read_params(const std::filesystem::path& dir);

  [[nodiscard]] const VaultParams& params() const { return params_; }
  [[nodiscard]] db::Database& db() { return *db_; }

  // Runs body in one IMMEDIATE transaction: committed if it succeeds, rolled
  // back (the vault as it was) if it fails.
  [[nodiscard]] Status transaction(const std::function<Status()>& body);

  // Small named values (organisation key, settings).
  [[nodiscard]] Status put_meta(std::string_view name, ByteView value);
  [[nodiscard]] Result<std::optional<Bytes>> get_meta(std::string_view name);
  [[nodiscard]] Result<crypto::Secret> get_secret_meta(std::string_view name);

  // After secrets were deleted (secure_delete overwrote their pages):
  // checkpoint the write-ahead log into the database and truncate it, so no
  // old page image holding them is left in vault.db-wal.
  [[nodiscard]] Status flush_deleted();

 private:
  Vault(std::unique_ptr<db::Database> db, VaultParams params) : db_(std::move(db)), params_(params) {}
  std::unique_ptr<db::Database> db_;
  VaultParams params_;
};

}  // namespace cairn::analyst
