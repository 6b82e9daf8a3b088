// A SQLCipher database opened with a raw 256-bit key (so SQLCipher's own
// password KDF is bypassed: the key comes from a key file on the relay and from
// Argon2id on the analyst station). Every commit is durable (synchronous=FULL),
// deleted content is overwritten (secure_delete), and temporary data stays in
// memory (temp_store=MEMORY) so nothing unencrypted reaches the disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cairn::db {

inline constexpr std::size_t kDatabaseKeyBytes = 32;

class Statement;

class Database {
 public:
  enum class Mode { create_new, open_existing };

  // Opens (or creates) the database at path with key. A wrong key, or a file
  // that is not a Cairn database, gives Errc::decrypt_failed; the file is not
  // changed. create_new refuses an existing file (Errc::already_exists).
  [[nodiscard]] static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path,
                                                              const crypto::Secret& key, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL without results (schema, pragmas, BEGIN/COMMIT).
  [[nodiscard]] Status exec(std::string_view sql);
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);

  // PRAGMA integrity_check == "ok".
  [[nodiscard]] Status integrity_check();
  // Simulates a full disk in tests and enforces hard size limits: the database
  // can grow to at most this many pages (SQLITE_FULL beyond).
  [[nodiscard]] Status set_max_page_count(std::int64_t pages);

  [[nodiscard]] std::int64_t changes() const;

  // Incremental blob I/O on an existing row: reads or overwrites bytes of a
  // BLOB column in place (the pages it already occupies), never changing its
  // size. Errc::invalid_argument if offset + size runs past the blob's end.
  [[nodiscard]] Status write_blob(std::string_view table, std::string_view column, std::int64_t rowid,
                                  std::size_t offset, ByteView bytes);
  [[nodiscard]] Status read_blob(std::string_view table, std::string_view column, std::int64_t rowid,
                                 std::size_t offset, MutableByteView out);

  // Copies every WAL frame into the database and truncates the WAL to zero
  // bytes. Errc::storage at once, without waiting, when a reader still needs
  // the frames (a later call retries).
  [[nodiscard]] Status checkpoint_truncate();

  // Runs body inside BEGIN IMMEDIATE … COMMIT; any failure rolls back, so a
  // failed operation leaves stored data as it was.
  [[nodiscard]] Status transaction(const std::function<Status()>& body);
  // PRAGMA user_version: the schema version the program that made it wrote.
  [[nodiscard]] Result<std::int64_t> user_version();

  // Small named values in a table `meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)`
  // (both the relay store and the vault have one). get_secret_meta copies the
  // value straight into a Secret and wipes the intermediate copy;
  // Errc::not_found names `owner` ("the vault has no …").
  [[nodiscard]] Status put_meta(std::string_view name, ByteView value);
  [[nodiscard]] Result<std::optional<Bytes>> get_meta(std::string_view name);
  [[nodiscard]] Result<crypto::Secret> get_secret_meta(std::string_view name, std::string_view owner);
  [[nodiscard]] sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// A prepared statement: bind, step, read columns. Binds copy values in
// (SQLITE_TRANSIENT) so callers may pass temporaries.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, ByteView blob);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);

  // true when a row is available, false when done.
  [[nodiscard]] Result<bool> step();
  // Runs to completion, expecting no rows.
  [[nodiscard]] Status run();
  void reset();

  [[nodiscard]] Bytes column_blob(int index) const;
  [[nodiscard]] std::string column_text(int index) const;
  // The text in SQLite's own buffer, no copy: valid until the statement
  // steps, resets or is destroyed (copy plaintext into crypto::Plaintext).
  [[nodiscard]] std::string_view column_text_view(int index) const;
  [[nodiscard]] std::int64_t column_int(int index) const;
  [[nodiscard]] bool column_is_null(int index) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Maps a SQLite result code to Cairn's error model (SQLITE_FULL -> Errc::quota
// with a "disk full" message, others -> Errc::storage).
[[nodiscard]] Error sqlite_error(sqlite3* db, int rc, std::string_view what);

}  // namespace cairn::db
