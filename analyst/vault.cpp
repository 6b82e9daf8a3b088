#include "analyst/vault.h"

#include <sys/stat.h>

#include "analyst/files.h"
#include "common/files.h"
#include "crypto/argon2.h"
#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::analyst {
namespace {

namespace fs = std::filesystem;

// 2: attachments.metadata; 3: attachments and chunks are rowid tables.
constexpr std::int64_t kSchemaVersion = 3;

// Day numbers only, never times. Ids of drops are BLAKE2b-256 of the drop.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;

CREATE TABLE analysts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  identity_seed BLOB NOT NULL CHECK (length(identity_seed) = 32),
  identity_public BLOB NOT NULL UNIQUE CHECK (length(identity_public) = 32),
  identity_certificate BLOB NOT NULL);

-- secret_key is NULL once destroyed (destroyed_day says when).
CREATE TABLE messaging_keys (
  id INTEGER PRIMARY KEY,
  analyst INTEGER NOT NULL REFERENCES analysts(id),
  public_key BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
  secret_key BLOB CHECK (secret_key IS NULL OR length(secret_key) = 32),
  certificate BLOB NOT NULL,
  created_day INTEGER NOT NULL,
  not_after_day INTEGER NOT NULL,
  destroyed_day INTEGER,
  CHECK ((secret_key IS NULL) = (destroyed_day IS NOT NULL)));

CREATE TABLE relays (
  name TEXT PRIMARY KEY,
  noise_public BLOB NOT NULL UNIQUE CHECK (length(noise_public) = 32),
  signing_public BLOB NOT NULL UNIQUE CHECK (length(signing_public) = 32),
  noise_certificate BLOB NOT NULL,
  signing_certificate BLOB NOT NULL,
  not_after_day INTEGER NOT NULL) WITHOUT ROWID;

-- Every drop size a key bundle of this vault announced: an export bundle
-- entry of any other size is refused before it is read.
CREATE TABLE drop_sizes (size INTEGER PRIMARY KEY) WITHOUT ROWID;

-- Every drop whose content is safely handled (stored, cover, duplicate,
-- quarantined): the import is idempotent by these ids.
CREATE TABLE imported_drops (
  id BLOB PRIMARY KEY CHECK (length(id) = 32),
  outcome INTEGER NOT NULL) WITHOUT ROWID;

-- Drops no key of this vault opened, and the day that was first seen: the
-- receipt names them once the grace period is over (analyst/import.h).
CREATE TABLE unopened_drops (
  id BLOB PRIMARY KEY CHECK (length(id) = 32),
  first_seen_day INTEGER NOT NULL) WITHOUT ROWID;

-- One row per testimony: a single-drop text (body_hash) or a chunked
-- submission (submission_id and the chunk root its chunks verify against),
-- complete or still waiting for chunks.
-- complete: 0 incomplete, 1 complete, 2 damaged (the parts do not hash to
-- the whole), 3 refused (the whole breaks a cap or is not a submission);
-- problem says why for 2 and 3, whose chunks are kept.
CREATE TABLE testimonies (
  id INTEGER PRIMARY KEY,
  submission_id BLOB CHECK (submission_id IS NULL OR length(submission_id) = 16),
  chunks_root BLOB CHECK (chunks_root IS NULL OR length(chunks_root) = 32),
  body_hash BLOB UNIQUE CHECK (body_hash IS NULL OR length(body_hash) = 32),
  complete INTEGER NOT NULL CHECK (complete BETWEEN 0 AND 3),
  chunks_total INTEGER NOT NULL,
  chunks_have INTEGER NOT NULL,
  submission_hash BLOB,
  imported_day INTEGER NOT NULL,
  written_day INTEGER NOT NULL,
  reply_public_key BLOB,
  text TEXT NOT NULL,
  size INTEGER NOT NULL,
  problem TEXT,
  UNIQUE (submission_id, chunks_root),
  CHECK ((submission_id IS NULL) <> (body_hash IS NULL)),
  CHECK ((submission_id IS NULL) = (chunks_root IS NULL)));
CREATE INDEX testimonies_by_content ON testimonies (submission_hash);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  testimony INTEGER NOT NULL REFERENCES testimonies(id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  content BLOB NOT NULL,
  -- What the source's client says it did about the file's hidden details:
  -- the AttachmentMetadata number of the submission (0 = not said).
  metadata INTEGER NOT NULL DEFAULT 0,
  UNIQUE (testimony, position));

-- Chunks of incomplete submissions; deleted once the submission is whole.
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  testimony INTEGER NOT NULL REFERENCES testimonies(id),
  position INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (testimony, position));

-- Drops that decrypted but whose content is not a valid drop body (or a
-- submission that does not reassemble): kept, never silently dropped.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,
  imported_day INTEGER NOT NULL,
  content BLOB NOT NULL);
)sql";

// Tables holding large blobs are rowid tables keyed by an integer, with a
// unique index on (testimony, position): in a WITHOUT ROWID table SQLite
// compares keys by loading whole records, so every insert read and decrypted
// the overflow pages of the rows its search passed (about 174 page
// decryptions per imported chunk). Version 2 vaults are rewritten once, in
// one transaction, when they are opened.
constexpr std::string_view kMigrate2To3 = R"sql(
CREATE TABLE attachments_v3 (
  id INTEGER PRIMARY KEY,
  testimony INTEGER NOT NULL REFERENCES testimonies(id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  content BLOB NOT NULL,
  metadata INTEGER NOT NULL DEFAULT 0,
  UNIQUE (testimony, position));
INSERT INTO attachments_v3 (testimony, position, name, media_type, content, metadata)
  SELECT testimony, position, name, media_type, content, metadata FROM attachments ORDER BY testimony, position;
DROP TABLE attachments;
ALTER TABLE attachments_v3 RENAME TO attachments;
CREATE TABLE chunks_v3 (
  id INTEGER PRIMARY KEY,
  testimony INTEGER NOT NULL REFERENCES testimonies(id),
  position INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (testimony, position));
INSERT INTO chunks_v3 (testimony, position, data)
  SELECT testimony, position, data FROM chunks ORDER BY testimony, position;
DROP TABLE chunks;
ALTER TABLE chunks_v3 RENAME TO chunks;
PRAGMA user_version = 3;
)sql";

Result<crypto::Secret> derive_key(const crypto::Secret& passphrase, const VaultParams& params) {
  return crypto::argon2id(passphrase.view(), params.salt, params.cost, db::kDatabaseKeyBytes);
}

}  // namespace

Result<VaultParams> Vault::read_params(const fs::path& dir) {
  auto path = dir / kVaultParamsFile;
  std::error_code ec;
  if (!fs::exists(path, ec))
    return make_error(Errc::not_found, i18n::trf("there is no vault in %s", dir.string()));
  CAIRN_TRY(auto bytes, read_file_capped(path, kVaultParamsMaxBytes, i18n::tr("the vault parameters file"), Symlinks::refuse));
  return parse_vault_params(as_chars(bytes));
}

Result<std::unique_ptr<Vault>> Vault::create(const fs::path& dir, const crypto::Secret& passphrase,
                                             bool insecure_fast_kdf) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec))
      return make_error(Errc::already_exists,
                        i18n::trf("refusing to create a vault in %s: it exists and is not an empty folder", dir.string()));
  } else if (::mkdir(dir.c_str(), 0700) != 0) {
    return make_error(Errc::io, i18n::trf("cannot create the vault folder %s: %s", dir.string(), i18n::system_error(errno)));
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);

  auto params = new_vault_params(insecure_fast_kdf);
  auto params_path = dir / kVaultParamsFile, db_path = dir / kVaultDatabaseFile;
  CAIRN_CHECK(write_new_file(params_path, as_bytes(encode_vault_params(params)), 0600));
  auto cleanup = [&](Error e) -> Result<std::unique_ptr<Vault>> {
    std::error_code ignored;
    for (const auto* suffix : {"", "-wal", "-shm"}) fs::remove(db_path.string() + suffix, ignored);
    fs::remove(params_path, ignored);
    return e;
  };
  auto key = derive_key(passphrase, params);
  if (!key.ok()) return cleanup(key.error());
  auto db = db::Database::open(db_path, *key, db::Database::Mode::create_new);
  if (!db.ok()) return cleanup(db.error());
  std::unique_ptr<Vault> vault(new Vault(std::move(db).value(), params));
  auto st = vault->transaction([&]() -> Status {
    CAIRN_CHECK(vault->db_->exec(kSchema));
    return vault->db_->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";");
  });
  if (!st.ok()) {
    vault.reset();
    return cleanup(st.error());
  }
  ::chmod(db_path.c_str(), 0600);
  return vault;
}

Result<std::unique_ptr<Vault>> Vault::open(const fs::path& dir, const crypto::Secret& passphrase) {
  CAIRN_TRY(auto params, read_params(dir));
  auto db_path = dir / kVaultDatabaseFile;
  std::error_code ec;
  if (!fs::exists(db_path, ec))
    return make_error(Errc::not_found,
                      i18n::trf("the vault in %s has no database (%s)", dir.string(), std::string(kVaultDatabaseFile)));
  CAIRN_TRY(auto key, derive_key(passphrase, params));
  auto db = db::Database::open(db_path, key, db::Database::Mode::open_existing);
  if (!db.ok()) {
    if (db.code() == Errc::decrypt_failed) return make_error(Errc::decrypt_failed, i18n::tr("the passphrase is wrong"));
    return db.error();
  }
  CAIRN_TRY(auto version, (*db)->user_version());
  std::unique_ptr<Vault> vault(new Vault(std::move(db).value(), params));
  if (version == 2) {
    CAIRN_CHECK(vault->transaction([&]() -> Status { return vault->db_->exec(kMigrate2To3); }));
    version = kSchemaVersion;
  }
  if (version != kSchemaVersion) return make_error(Errc::unsupported, i18n::tr("the vault has an unknown schema version"));
  return vault;
}

Status Vault::transaction(const std::function<Status()>& body) { return db_->transaction(body); }

Status Vault::put_meta(std::string_view name, ByteView value) { return db_->put_meta(name, value); }

Result<std::optional<Bytes>> Vault::get_meta(std::string_view name) { return db_->get_meta(name); }

Result<crypto::Secret> Vault::get_secret_meta(std::string_view name) { return db_->get_secret_meta(name, "the vault"); }

Status Vault::flush_deleted() { return db_->exec("PRAGMA wal_checkpoint(TRUNCATE);"); }

}  // namespace cairn::analyst
