#include "db/database.h"

#define SQLITE_HAS_CODEC 1
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

namespace cairn::db {

namespace {
constexpr int kBusyTimeoutMs = 10000;
}  // namespace

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xff;
  if (primary == SQLITE_FULL) return make_error(Errc::quota, msg + " (the disk or database is full)");
  if (primary == SQLITE_NOTADB)
    return make_error(Errc::decrypt_failed, "the database key is wrong or the file is not a Cairn database");
  return make_error(Errc::storage, msg);
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path,
                                                 const crypto::Secret& key, Mode mode) {
  if (key.size() != kDatabaseKeyBytes)
    return make_error(Errc::invalid_argument, "a database key is 32 bytes");
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (mode == Mode::create_new && exists)
    return make_error(Errc::already_exists, "refusing to overwrite the existing database " + path.string());
  if (mode == Mode::open_existing && !exists)
    return make_error(Errc::not_found, "there is no database at " + path.string());

  // SQLite gives the -wal, -shm and journal files the mode of the database
  // file, so making that owner-only (whatever the umask) covers all of them.
  if (mode == Mode::create_new) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
      return make_error(errno == EEXIST ? Errc::already_exists : Errc::io,
                        "cannot create the database " + path.string() + ": " + std::strerror(errno));
    ::close(fd);
  } else {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
      (void)::chmod(path.c_str(), st.st_mode & 0700);  // a store made before files were owner-only
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  if (mode == Mode::create_new) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot open the database");

  // sqlite3_key with "x'<64 hex>'" is SQLCipher's raw-key form: no KDF. The hex lives in a Secret.
  crypto::Secret hex(3 + 2 * kDatabaseKeyBytes);
  {
    static constexpr char digits[] = "0123456789abcdef";
    auto* p = reinterpret_cast<char*>(hex.data());
    std::size_t n = 0;
    p[n++] = 'x';
    p[n++] = '\'';
    for (auto b : key.view()) {
      p[n++] = digits[b >> 4];
      p[n++] = digits[b & 0xf];
    }
    p[n++] = '\'';
  }
  rc = sqlite3_key(raw, hex.data(), static_cast<int>(hex.size()));
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot set the database key");

  // Pages of 4 KiB (SQLCipher 3 defaults to 1 KiB): a 32 KiB drop spans 8 pages, not 32,
  // each with its own IV and HMAC. Must be the same on every open.
  rc = sqlite3_exec(raw, "PRAGMA cipher_page_size = 4096;", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot set the database page size");
  // Other processes (publish, export, purge) may hold a lock for a moment: wait, don't fail.
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);

  // The first read proves the key: with a wrong key SQLCipher reports "not a database".
  rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master;", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot read the database");

  for (std::string_view pragma : {"PRAGMA journal_mode = WAL;", "PRAGMA synchronous = FULL;",
                                  "PRAGMA secure_delete = ON;", "PRAGMA temp_store = MEMORY;",
                                  "PRAGMA foreign_keys = ON;", "PRAGMA cipher_memory_security = ON;"}) {
    auto st = db->exec(pragma);
    // cipher_memory_security does not exist in every SQLCipher release; ignore only that one.
    if (!st.ok() && pragma.find("cipher_memory_security") == std::string_view::npos) return st.error();
  }
  return db;
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (err != nullptr) sqlite3_free(err);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "database statement failed");
  return ok_status();
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "cannot prepare a database statement");
  return Statement(db_, stmt);
}

Status Database::integrity_check() {
  CAIRN_TRY(auto stmt, prepare("PRAGMA integrity_check;"));
  CAIRN_TRY(bool row, stmt.step());
  if (!row) return make_error(Errc::storage, "integrity check returned nothing");
  auto verdict = stmt.column_text(0);
  if (verdict != "ok") return make_error(Errc::storage, "integrity check failed: " + verdict);
  return ok_status();
}

Status Database::set_max_page_count(std::int64_t pages) {
  return exec("PRAGMA max_page_count = " + std::to_string(pages) + ";");
}

std::int64_t Database::changes() const { return sqlite3_changes(db_); }

namespace {

// An open sqlite3_blob, closed on every path.
class BlobHandle {
 public:
  BlobHandle(sqlite3* db, std::string_view table, std::string_view column, std::int64_t rowid, bool write)
      : table_(table), column_(column) {
    rc_ = sqlite3_blob_open(db, "main", table_.c_str(), column_.c_str(), rowid, write ? 1 : 0, &blob_);
  }
  ~BlobHandle() {
    if (blob_ != nullptr) sqlite3_blob_close(blob_);
  }
  BlobHandle(const BlobHandle&) = delete;
  BlobHandle& operator=(const BlobHandle&) = delete;
  int rc() const { return rc_; }
  sqlite3_blob* get() const { return blob_; }

 private:
  std::string table_, column_;
  sqlite3_blob* blob_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

}  // namespace

Status Database::write_blob(std::string_view table, std::string_view column, std::int64_t rowid, std::size_t offset,
                            ByteView bytes) {
  BlobHandle blob(db_, table, column, rowid, true);
  if (blob.rc() != SQLITE_OK) return sqlite_error(db_, blob.rc(), "cannot open a stored blob for writing");
  auto size = static_cast<std::size_t>(sqlite3_blob_bytes(blob.get()));
  if (offset > size || bytes.size() > size - offset)
    return make_error(Errc::invalid_argument, "a write past the end of a stored blob");
  int rc = sqlite3_blob_write(blob.get(), bytes.data(), static_cast<int>(bytes.size()), static_cast<int>(offset));
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "cannot write a stored blob");
  return ok_status();
}

Status Database::read_blob(std::string_view table, std::string_view column, std::int64_t rowid, std::size_t offset,
                           MutableByteView out) {
  BlobHandle blob(db_, table, column, rowid, false);
  if (blob.rc() != SQLITE_OK) return sqlite_error(db_, blob.rc(), "cannot open a stored blob");
  auto size = static_cast<std::size_t>(sqlite3_blob_bytes(blob.get()));
  if (offset > size || out.size() > size - offset)
    return make_error(Errc::invalid_argument, "a read past the end of a stored blob");
  int rc = sqlite3_blob_read(blob.get(), out.data(), static_cast<int>(out.size()), static_cast<int>(offset));
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "cannot read a stored blob");
  return ok_status();
}

Status Database::checkpoint_truncate() {
  // No busy handler here: a reader holding an old snapshot (an export) must
  // not stall the caller; the frames stay until a later call.
  sqlite3_busy_timeout(db_, 0);
  int log_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &copied);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    return make_error(Errc::storage, "the journal is still in use by a reader; it is reset later");
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "cannot reset the journal");
  return ok_status();
}

Status Database::transaction(const std::function<Status()>& body) {
  CAIRN_CHECK(exec("BEGIN IMMEDIATE;"));
  auto st = body();
  if (!st.ok()) {
    (void)exec("ROLLBACK;");  // the original error is the one worth reporting
    return st;
  }
  auto commit = exec("COMMIT;");
  if (!commit.ok()) (void)exec("ROLLBACK;");
  return commit;
}

Result<std::int64_t> Database::user_version() {
  CAIRN_TRY(auto stmt, prepare("PRAGMA user_version;"));
  CAIRN_TRY(bool row, stmt.step());
  if (!row) return make_error(Errc::storage, "the database has no user_version");
  return stmt.column_int(0);
}

Status Database::put_meta(std::string_view name, ByteView value) {
  CAIRN_TRY(auto stmt, prepare("INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2);"));
  return stmt.bind(1, name).bind(2, value).run();
}

Result<std::optional<Bytes>> Database::get_meta(std::string_view name) {
  CAIRN_TRY(auto stmt, prepare("SELECT value FROM meta WHERE name = ?1;"));
  stmt.bind(1, name);
  CAIRN_TRY(bool row, stmt.step());
  if (!row) return std::optional<Bytes>{};
  return std::optional<Bytes>(stmt.column_blob(0));
}

Result<crypto::Secret> Database::get_secret_meta(std::string_view name, std::string_view owner) {
  CAIRN_TRY(auto stmt, prepare("SELECT value FROM meta WHERE name = ?1;"));
  stmt.bind(1, name);
  CAIRN_TRY(bool row, stmt.step());
  if (!row) return make_error(Errc::not_found, std::string(owner) + " has no " + std::string(name));
  auto value = stmt.column_blob(0);
  auto secret = crypto::Secret::copy_of(value);
  crypto::wipe(value);
  return secret;
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, ByteView blob) {
  // A zero-length blob must still be a blob, not NULL.
  static const std::uint8_t empty = 0;
  sqlite3_bind_blob64(stmt_, index, blob.empty() ? &empty : blob.data(), blob.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, rc, "database step failed");
}

Status Statement::run() {
  CAIRN_TRY(bool row, step());
  reset();
  if (row) return make_error(Errc::internal, "statement returned rows where none were expected");
  return ok_status();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Bytes Statement::column_blob(int index) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index));
  return p == nullptr ? Bytes{} : Bytes(p, p + n);
}

std::string Statement::column_text(int index) const { return std::string(column_text_view(index)); }

std::string_view Statement::column_text_view(int index) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index));
  return p == nullptr ? std::string_view{} : std::string_view(p, n);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

}  // namespace cairn::db
