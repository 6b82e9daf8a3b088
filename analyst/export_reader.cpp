#include "analyst/export_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/hash.h"
#include "crypto/secret.h"

namespace cairn::analyst {
namespace {

constexpr std::size_t kReadBlockBytes = 10240;  // tar's traditional block size

// An entry name safe to put in a message: printable ASCII, cut short.
std::string printable(const char* name) {
  std::string out;
  for (const char* p = name; p != nullptr && *p != '\0' && out.size() < 80; ++p)
    out += (*p >= 0x20 && *p < 0x7f) ? *p : '?';
  return "'" + out + "'";
}

}  // namespace

Result<std::unique_ptr<ExportReader>> ExportReader::open(const std::filesystem::path& path) {
  if (::access(path.c_str(), R_OK) != 0)
    return make_error(errno == ENOENT ? Errc::not_found : Errc::io,
                      "cannot read the export bundle " + path.string() + ": " + std::strerror(errno));
  ::archive* a = archive_read_new();
  if (a == nullptr) return make_error(Errc::internal, "cannot create an archive reader");
  std::unique_ptr<ExportReader> reader(new ExportReader(a));
  // Tar only, and no filter (compression) at all.
  if (archive_read_support_format_tar(a) != ARCHIVE_OK)
    return make_error(Errc::internal, "libarchive cannot read tar archives");
  if (archive_read_open_filename(a, path.c_str(), kReadBlockBytes) != ARCHIVE_OK)
    return reader->damaged("cannot open the export bundle " + path.string());
  return reader;
}

ExportReader::~ExportReader() { archive_read_free(a_); }

Error ExportReader::damaged(const std::string& what) const {
  const char* why = archive_error_string(a_);
  return make_error(Errc::malformed, what + ": the export bundle is damaged or truncated" +
                                         (why != nullptr ? std::string(" (") + why + ")" : std::string()));
}

Result<Bytes> ExportReader::read_entry_data(std::size_t size, const std::string& name) {
  Bytes out(size);
  std::size_t done = 0;
  while (done < size) {
    la_ssize_t n = archive_read_data(a_, out.data() + done, size - done);
    if (n < 0) return damaged("cannot read " + name);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done != size) return damaged(name + " is shorter than its header says");
  return out;
}

Result<Bytes> ExportReader::read_manifest() {
  archive_entry* entry = nullptr;
  int rc = archive_read_next_header(a_, &entry);
  if (rc == ARCHIVE_EOF) return make_error(Errc::malformed, "the export bundle is empty: it has no manifest");
  if (rc != ARCHIVE_OK) return damaged("cannot read the first entry");
  const char* name = archive_entry_pathname(entry);
  if (name == nullptr || std::string_view(name) != wire::kManifestEntryName)
    return make_error(Errc::malformed, "the export bundle does not start with its manifest (first entry: " +
                                           printable(name) + "); is this a Cairn export bundle?");
  if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_size_is_set(entry) == 0)
    return make_error(Errc::malformed, "the export bundle's manifest is not a regular file");
  auto size = archive_entry_size(entry);
  if (size < 0 || static_cast<std::uint64_t>(size) > wire::kMaxManifestBytes)
    return make_error(Errc::too_large, "the export bundle's manifest is larger than " +
                                           std::to_string(wire::kMaxManifestBytes) + " bytes");
  return read_entry_data(static_cast<std::size_t>(size), "the manifest");
}

Result<std::optional<BundleDrop>> ExportReader::next_drop(const std::set<std::uint32_t>& drop_sizes,
                                                          const Admit& admit) {
  archive_entry* entry = nullptr;
  int rc = archive_read_next_header(a_, &entry);
  if (rc == ARCHIVE_EOF) return std::optional<BundleDrop>{};
  if (rc != ARCHIVE_OK) return damaged("cannot read the next entry");
  const char* name = archive_entry_pathname(entry);
  auto id = wire::parse_drop_entry_name(name != nullptr ? name : "");
  if (!id)
    return make_error(Errc::malformed, "the export bundle holds an entry that is not a drop: " + printable(name));
  std::string label = "drop " + to_hex(ByteView(*id).first(8)) + "…";
  CAIRN_CHECK(admit(*id));
  if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_size_is_set(entry) == 0)
    return make_error(Errc::malformed, "the export bundle's " + label + " is not a regular file");
  auto size = archive_entry_size(entry);
  if (size < 0 || size > static_cast<la_int64_t>(UINT32_MAX) || drop_sizes.count(static_cast<std::uint32_t>(size)) == 0)
    return make_error(Errc::malformed, "the export bundle's " + label + " is " + std::to_string(size) +
                                           " bytes, which is not a drop size this vault's key bundles announced");
  CAIRN_TRY(auto bytes, read_entry_data(static_cast<std::size_t>(size), label));
  auto actual = crypto::blake2b_256(bytes);
  if (!crypto::equal_constant_time(actual, *id))
    return make_error(Errc::malformed, "the export bundle's " + label +
                                           " does not match its id: the bundle was altered or damaged");
  return std::optional<BundleDrop>(BundleDrop{*id, std::move(bytes)});
}

}  // namespace cairn::analyst
