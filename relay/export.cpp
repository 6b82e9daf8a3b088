#include "relay/export.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

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

// The archive's bytes, cut into part files of at most part_bytes each, named
// "<out>.<NNN>.partial" while written. place() then gives them their final
// names without ever replacing an existing file: "<out>" if there is one
// part, "<out>.001", "<out>.002", ... otherwise. Anything not placed is
// removed when the writer dies.
class PartWriter {
 public:
  PartWriter(fs::path out, std::uint64_t part_bytes) : out_(std::move(out)), part_bytes_(part_bytes) {}
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;
  ~PartWriter() {
    close_current();
    for (const auto& p : partials_) ::unlink(p.c_str());
    if (!done_)
      for (const auto& p : placed_) ::unlink(p.c_str());
  }

  [[nodiscard]] Status write(ByteView data) {
    while (!data.empty()) {
      if (fd_ < 0 || in_part_ == part_bytes_) CAIRN_CHECK(open_next());
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), part_bytes_ - in_part_));
      auto written = ::write(fd_, data.data(), n);
      if (written < 0) {
        if (errno == EINTR) continue;
        return io_error("cannot write", partials_.back());
      }
      in_part_ += static_cast<std::uint64_t>(written);
      data = data.subspan(static_cast<std::size_t>(written));
    }
    return ok_status();
  }

  // Every part synced and closed.
  [[nodiscard]] Status finish() {
    if (fd_ >= 0 && ::fsync(fd_) != 0) return io_error("cannot sync", partials_.back());
    close_current();
    return ok_status();
  }

  // Renames every part to its final name, refusing to replace anything.
  [[nodiscard]] Status place() {
    const bool single = partials_.size() == 1;
    for (std::size_t i = 0; i < partials_.size(); ++i) {
      fs::path final_name = single ? out_ : fs::path(wire::export_part_name(out_.string(), i + 1));
      CAIRN_CHECK(rename_no_replace(partials_[i], final_name));
      placed_.push_back(final_name);
    }
    partials_.clear();
    CAIRN_CHECK(sync_directory());
    done_ = true;
    return ok_status();
  }

  [[nodiscard]] const std::vector<fs::path>& placed() const { return placed_; }

 private:
  static Error io_error(const std::string& what, const fs::path& p) {
    return make_error(errno == EEXIST ? Errc::already_exists : Errc::io,
                      what + " " + p.string() + ": " + std::strerror(errno));
  }

  [[nodiscard]] Status open_next() {
    CAIRN_CHECK(finish());
    if (partials_.size() == wire::kMaxExportParts)
      return make_error(Errc::too_large, "the export would need more than " + std::to_string(wire::kMaxExportParts) +
                                             " parts; use a larger --part-bytes or --max-drops");
    fs::path next = wire::export_part_name(out_.string(), partials_.size() + 1) + ".partial";
    fd_ = ::open(next.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) return io_error("cannot create", next);
    partials_.push_back(next);
    in_part_ = 0;
    return ok_status();
  }

  void close_current() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // FAT and exFAT (USB sticks) have no hard links, so no link()-then-unlink.
  // renameat2(RENAME_NOREPLACE) refuses an existing name atomically (kernel
  // vfat, exfat, ext4, xfs, btrfs, tmpfs). Where the flag is not supported
  // (EINVAL: FUSE file systems such as fusefat), the name is first claimed
  // with O_EXCL, so only a file this export created is ever replaced.
  static Status rename_no_replace(const fs::path& from, const fs::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return ok_status();
    if (errno != EINVAL && errno != ENOSYS) return io_error("cannot create", to);
    int claim = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (claim < 0) return io_error("cannot create", to);
    ::close(claim);
    if (::rename(from.c_str(), to.c_str()) != 0) {
      auto e = io_error("cannot create", to);
      ::unlink(to.c_str());
      return e;
    }
    return ok_status();
  }

  [[nodiscard]] Status sync_directory() const {
    fs::path dir = out_.parent_path().empty() ? fs::path(".") : out_.parent_path();
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open the directory", dir);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0 && errno != EINVAL) return io_error("cannot sync the directory", dir);
    return ok_status();
  }

  fs::path out_;
  std::uint64_t part_bytes_;
  std::vector<fs::path> partials_, placed_;
  int fd_ = -1;
  std::uint64_t in_part_ = 0;
  bool done_ = false;
};

la_ssize_t write_to_parts(archive* a, void* context, const void* buffer, size_t length) {
  auto* parts = static_cast<PartWriter*>(context);
  auto st = parts->write(ByteView(static_cast<const std::uint8_t*>(buffer), length));
  if (!st.ok()) {
    archive_set_error(a, EIO, "%s", st.error().message.c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

// Writes the archive into parts. The snapshot must be open.
Result<ExportReport> write_archive(Store& store, PartWriter& parts, const wire::ExportManifest& manifest,
                                   ByteView signed_manifest) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  if (!a) return make_error(Errc::internal, "cannot create an archive writer");
  if (archive_write_set_format_ustar(a.get()) != ARCHIVE_OK ||
      archive_write_add_filter_none(a.get()) != ARCHIVE_OK ||
      archive_write_open(a.get(), &parts, nullptr, write_to_parts, nullptr) != ARCHIVE_OK)
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

Result<ExportReport> export_drops(Store& store, const fs::path& out, DayNumber today, std::size_t max_drops,
                                  std::uint64_t part_bytes) {
  std::error_code ec;
  for (const fs::path& taken : {out, fs::path(wire::export_part_name(out.string(), 1))})
    if (fs::exists(fs::symlink_status(taken, ec)))
      return make_error(Errc::already_exists, "refusing to overwrite " + taken.string());
  if (part_bytes < wire::kMinExportPartBytes || part_bytes > wire::kDefaultExportPartBytes)
    return make_error(Errc::invalid_argument, "a bundle part holds between " +
                                                  std::to_string(wire::kMinExportPartBytes) + " and " +
                                                  std::to_string(wire::kDefaultExportPartBytes) + " bytes");
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

  PartWriter parts(out, part_bytes);
  auto report = write_archive(store, parts, manifest, signed_manifest);
  snapshot.end();
  if (!report.ok()) return report.error();
  report->remaining = remaining;
  CAIRN_CHECK(parts.finish());
  ByteArray<4> day{};
  put_u32be(day.data(), today);
  CAIRN_CHECK(store.put_meta(export_meta_name(manifest.export_id), day));
  CAIRN_CHECK(parts.place());
  report->files = parts.placed();
  return report;
}

}  // namespace cairn::relay
