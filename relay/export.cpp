#include "relay/export.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "crypto/random.h"
#include "relay/relay_keys.h"

namespace cairn::relay {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kExportMetaPrefix = "export.";

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

Error archive_failure(archive* a, const std::string& what) {
  const char* why = archive_error_string(a);
  return make_error(Errc::io, what + ": " + (why != nullptr ? why : "unknown archive error"));
}

// One tar entry with nothing in its header but a name, a size and mode 0600.
Status write_entry(archive* a, const std::string& name, ByteView content) {
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), wire::kExportEntryMode);
  archive_entry_set_mtime(entry.get(), 0, 0);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) return archive_failure(a, "cannot write " + name);
  if (archive_write_data(a, content.data(), content.size()) != static_cast<la_ssize_t>(content.size()))
    return archive_failure(a, "cannot write " + name);
  return ok_status();
}

// A read transaction, so the ids and the drops come from one snapshot even
// while `serve` commits new drops.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(db::Database& db) : db_(db) {}
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ~ReadSnapshot() {
    if (open_) (void)db_.exec("ROLLBACK;");
  }
  [[nodiscard]] Status begin() {
    CAIRN_CHECK(db_.exec("BEGIN;"));
    open_ = true;
    return ok_status();
  }
  void end() {
    if (open_) (void)db_.exec("ROLLBACK;");  // nothing was written
    open_ = false;
  }

 private:
  db::Database& db_;
  bool open_ = false;
};

std::string export_meta_name(const wire::ExportId& id) { return std::string(kExportMetaPrefix) + to_hex(id); }

// Writes the archive into fd. The snapshot must be open.
Result<ExportReport> write_archive(Store& store, int fd, const wire::ExportManifest& manifest, ByteView signed_manifest) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  if (!a) return make_error(Errc::internal, "cannot create an archive writer");
  if (archive_write_set_format_ustar(a.get()) != ARCHIVE_OK ||
      archive_write_add_filter_none(a.get()) != ARCHIVE_OK || archive_write_open_fd(a.get(), fd) != ARCHIVE_OK)
    return archive_failure(a.get(), "cannot start the export archive");
  CAIRN_CHECK(write_entry(a.get(), std::string(wire::kManifestEntryName), signed_manifest));
  ExportReport report;
  report.export_id = manifest.export_id;
  for (const auto& id : manifest.drop_ids) {
    CAIRN_TRY(auto drop, store.get_drop(id));
    CAIRN_CHECK(write_entry(a.get(), wire::drop_entry_name(id), drop));
    ++report.drops;
    report.drop_bytes += drop.size();
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archive_failure(a.get(), "cannot finish the export archive");
  return report;
}

}  // namespace

Result<bool> export_was_made(Store& store, const wire::ExportId& id) {
  CAIRN_TRY(auto v, store.get_meta(export_meta_name(id)));
  return v.has_value();
}

Result<ExportReport> export_drops(Store& store, const fs::path& out, DayNumber today, std::size_t max_drops) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(out, ec)))
    return make_error(Errc::already_exists, "refusing to overwrite " + out.string());
  if (max_drops == 0 || max_drops > wire::kMaxExportDrops) max_drops = wire::kMaxExportDrops;
  CAIRN_TRY(auto keys, load_relay_keys(store));
  CAIRN_TRY(auto organisation, load_organisation_key(store));

  wire::ExportManifest manifest;
  manifest.organisation_key = organisation;
  manifest.relay_signing_key = keys.signing.public_key;
  manifest.export_day = today;
  crypto::random_bytes(manifest.export_id);

  ReadSnapshot snapshot(store.database());
  CAIRN_CHECK(snapshot.begin());
  CAIRN_TRY(auto ids, store.drop_ids());  // sorted by id
  std::size_t remaining = ids.size() > max_drops ? ids.size() - max_drops : 0;
  ids.resize(ids.size() - remaining);
  manifest.drop_ids = std::move(ids);
  CAIRN_TRY(auto signed_manifest, wire::sign_export_manifest(manifest, keys.signing));

  fs::path partial = out;
  partial += ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(errno == EEXIST ? Errc::already_exists : Errc::io,
                      "cannot create " + partial.string() + ": " + std::strerror(errno));
  auto fail = [&](Error e) -> Result<ExportReport> {
    ::close(fd);
    ::unlink(partial.c_str());
    return e;
  };
  auto report = write_archive(store, fd, manifest, signed_manifest);
  snapshot.end();
  if (!report.ok()) return fail(report.error());
  report->remaining = remaining;
  if (::fsync(fd) != 0) return fail(make_error(Errc::io, "cannot sync " + partial.string() + ": " + std::strerror(errno)));
  ByteArray<4> day{};
  put_u32be(day.data(), today);
  if (auto st = store.put_meta(export_meta_name(manifest.export_id), day); !st.ok()) return fail(st.error());
  ::close(fd);
  // link() refuses an existing name, so a file that appeared meanwhile is not overwritten.
  if (::link(partial.c_str(), out.c_str()) != 0) {
    int err = errno;
    ::unlink(partial.c_str());
    return make_error(err == EEXIST ? Errc::already_exists : Errc::io,
                      "cannot create " + out.string() + ": " + std::strerror(err));
  }
  ::unlink(partial.c_str());
  return report;
}

}  // namespace cairn::relay
