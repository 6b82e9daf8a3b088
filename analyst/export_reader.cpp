#include "analyst/export_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "crypto/hash.h"
#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::analyst {
namespace {

using i18n::N_;
using i18n::tr;
using i18n::trf;

namespace fs = std::filesystem;

// ---- POSIX ustar (pax interchange format, IEEE 1003.1) ----
constexpr std::size_t kBlock = 512;
struct Field {
  std::size_t offset, size;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12}, kMtime{136, 12},
    kChecksum{148, 8}, kTypeflag{156, 1}, kLinkname{157, 100}, kMagic{257, 6}, kVersion{263, 2}, kUname{265, 32},
    kGname{297, 32}, kDevmajor{329, 8}, kDevminor{337, 8}, kPrefix{345, 155}, kPad{500, 12};
constexpr std::string_view kUstarMagic{"ustar\0", 6};
constexpr std::string_view kUstarVersion = "00";
constexpr char kRegularFile = '0';
// libarchive pads the archive to a whole record of 20 blocks.
constexpr std::size_t kMaxTrailingBytes = 20 * kBlock;

using Block = ByteArray<kBlock>;

ByteView field(const Block& b, Field f) { return ByteView(b).subspan(f.offset, f.size); }
bool all_zero(ByteView v) { return std::all_of(v.begin(), v.end(), [](std::uint8_t c) { return c == 0; }); }

// An octal number as tar writes it: optional leading spaces, octal digits,
// then only spaces and NULs. Base-256 and anything else: nullopt.
std::optional<std::uint64_t> octal(ByteView v) {
  std::size_t i = 0;
  while (i < v.size() && v[i] == ' ') ++i;
  std::size_t digits = 0;
  std::uint64_t value = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '7'; ++i, ++digits) {
    if (value >> 60) return std::nullopt;
    value = value * 8 + (v[i] - '0');
  }
  if (digits == 0) return std::nullopt;
  for (; i < v.size(); ++i)
    if (v[i] != ' ' && v[i] != 0) return std::nullopt;
  return value;
}

std::uint64_t checksum(const Block& b) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i)
    sum += (i >= kChecksum.offset && i < kChecksum.offset + kChecksum.size) ? ' ' : b[i];
  return sum;
}

std::string drop_label(const wire::DropId& id) { return trf("drop %s…", to_hex(ByteView(id).first(8))); }

}  // namespace

Result<std::vector<fs::path>> bundle_parts(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) return std::vector<fs::path>{path};
  std::vector<fs::path> parts;
  for (std::size_t i = 1; i <= wire::kMaxExportParts; ++i) {
    fs::path part = wire::export_part_name(path.string(), i);
    if (!fs::exists(part, ec)) break;
    parts.push_back(std::move(part));
  }
  if (parts.empty())
    return make_error(Errc::not_found,
                      trf("cannot read the export bundle %s: there is no such file (nor %s, the first part of a split one)",
                          path.string(), wire::export_part_name(path.string(), 1)));
  return parts;
}

Result<std::unique_ptr<ExportReader>> ExportReader::open(std::vector<fs::path> parts) {
  if (parts.empty()) return make_error(Errc::invalid_argument, tr("no export bundle file was given"));
  for (const auto& p : parts) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec) return make_error(ec == std::errc::no_such_file_or_directory ? Errc::not_found : Errc::io,
                              trf("cannot read the export bundle %s: %s", p.string(), i18n::system_error(ec.value())));
    if (!fs::is_regular_file(st)) return make_error(Errc::io, trf("the export bundle %s is not a regular file", p.string()));
  }
  std::unique_ptr<ExportReader> reader(new ExportReader(std::move(parts)));
  reader->file_ = std::fopen(reader->parts_[0].c_str(), "rbe");
  if (reader->file_ == nullptr)
    return make_error(errno == ENOENT ? Errc::not_found : Errc::io,
                      trf("cannot read the export bundle %s: %s", reader->parts_[0].string(), i18n::system_error(errno)));
  return reader;
}

ExportReader::~ExportReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<std::size_t> ExportReader::read_some(MutableByteView out) {
  while (file_ != nullptr) {
    std::size_t n = std::fread(out.data(), 1, out.size(), file_);
    if (n > 0) return n;
    if (std::ferror(file_)) return make_error(Errc::io, trf("cannot read the export bundle %s", parts_[part_].string()));
    std::fclose(file_);
    file_ = nullptr;
    if (++part_ == parts_.size()) break;
    file_ = std::fopen(parts_[part_].c_str(), "rbe");
    if (file_ == nullptr)
      return make_error(Errc::io, trf("cannot read the export bundle %s: %s", parts_[part_].string(), i18n::system_error(errno)));
  }
  return std::size_t{0};
}

Status ExportReader::read_exact(MutableByteView out, const std::string& what) {
  std::size_t done = 0;
  while (done < out.size()) {
    CAIRN_TRY(auto n, read_some(out.subspan(done)));
    if (n == 0)
      return make_error(Errc::malformed,
                        trf("the export bundle ends in the middle of %s: it was truncated (or a part of it is missing)", what));
    done += n;
  }
  return ok_status();
}

// One header, which must be a plain ustar regular file named expected_name.
// Returns the entry's size (the caller checks it before reading content), or
// nullopt for an all-zero block (the end of the archive) or the end of the file.
Result<std::optional<std::uint64_t>> ExportReader::read_header(std::string_view expected_name, const std::string& label) {
  Block b{};
  // The file ending exactly here is an archive cut short between entries.
  CAIRN_TRY(auto got, read_some(b));
  if (got == 0) return std::optional<std::uint64_t>{};
  CAIRN_CHECK(read_exact(MutableByteView(b).subspan(got), trf("the header of %s", label)));
  // TRANSLATORS: why a header is refused: "%1$s" names the entry, "%2$s" says what is wrong with its header.
  auto refuse = [&](const char* why) {
    return make_error(Errc::malformed, trf("the export bundle's header for %s %s: this is not a bundle as cairn-relay "
                                           "export writes it",
                                           label, tr(why)));
  };
  if (all_zero(b)) return std::optional<std::uint64_t>{};
  if (as_chars(field(b, kMagic)) != kUstarMagic || as_chars(field(b, kVersion)) != kUstarVersion)
    return refuse(N_("is not a POSIX ustar header"));
  auto sum = octal(field(b, kChecksum));
  if (!sum || *sum != checksum(b)) return refuse(N_("has a wrong checksum"));
  if (b[kTypeflag.offset] != kRegularFile) return refuse(N_("is not a regular file (link, directory, pax or GNU extension)"));
  auto name = field(b, kName);
  if (expected_name.size() >= name.size() || as_chars(name.first(expected_name.size())) != expected_name ||
      !all_zero(name.subspan(expected_name.size())))
    return refuse(N_("names another entry than the manifest lists next"));
  if (!all_zero(field(b, kPrefix)) || !all_zero(field(b, kLinkname)) || !all_zero(field(b, kUname)) ||
      !all_zero(field(b, kGname)) || !all_zero(field(b, kPad)))
    return refuse(N_("carries a name prefix, link, owner name or other extra"));
  auto mode = octal(field(b, kMode)), uid = octal(field(b, kUid)), gid = octal(field(b, kGid)),
       mtime = octal(field(b, kMtime));
  if (!mode || *mode != wire::kExportEntryMode || !uid || *uid != 0 || !gid || *gid != 0 || !mtime || *mtime != 0)
    return refuse(N_("has another mode, owner or time than 0600, 0, 0 and 0"));
  for (Field f : {kDevmajor, kDevminor}) {
    auto v = field(b, f);
    if (!all_zero(v) && octal(v) != std::uint64_t{0}) return refuse(N_("has device numbers"));
  }
  auto size = octal(field(b, kSize));
  if (!size) return refuse(N_("has a damaged size"));
  return std::optional<std::uint64_t>(*size);
}

Status ExportReader::read_padding(std::uint64_t size, const std::string& label) {
  std::size_t pad = static_cast<std::size_t>((kBlock - size % kBlock) % kBlock);
  Block b{};
  CAIRN_CHECK(read_exact(MutableByteView(b).first(pad), trf("the padding after %s", label)));
  if (!all_zero(ByteView(b).first(pad)))
    return make_error(Errc::malformed, trf("the export bundle has bytes hidden in the padding after %s", label));
  return ok_status();
}

Result<Bytes> ExportReader::read_manifest() {
  const std::string label = tr("the manifest");
  CAIRN_TRY(auto header, read_header(wire::kManifestEntryName, label));
  if (!header) return make_error(Errc::malformed, tr("the export bundle is empty: it has no manifest"));
  auto size = *header;
  if (size > wire::kMaxManifestBytes)
    return make_error(Errc::too_large, trf("the export bundle's manifest is larger than %s bytes", wire::kMaxManifestBytes));
  Bytes out(static_cast<std::size_t>(size));
  CAIRN_CHECK(read_exact(out, label));
  CAIRN_CHECK(read_padding(size, label));
  return out;
}

Status check_drop_id(const BundleDrop& drop) {
  if (!crypto::equal_constant_time(crypto::blake2b_256(drop.bytes), drop.id))
    return make_error(Errc::malformed, trf("the export bundle's %s does not match its id: the bundle was altered or "
                                           "damaged",
                                           drop_label(drop.id)));
  return ok_status();
}

Result<BundleDrop> ExportReader::read_drop(const wire::DropId& expected, std::size_t position, std::size_t total,
                                           const std::set<std::uint32_t>& drop_sizes) {
  CAIRN_TRY(auto drop, read_drop_unhashed(expected, position, total, drop_sizes));
  CAIRN_CHECK(check_drop_id(drop));
  return drop;
}

Result<BundleDrop> ExportReader::read_drop_unhashed(const wire::DropId& expected, std::size_t position,
                                                    std::size_t total, const std::set<std::uint32_t>& drop_sizes) {
  const std::string label = drop_label(expected);
  CAIRN_TRY(auto header, read_header(wire::drop_entry_name(expected), label));
  if (!header)
    return make_error(Errc::malformed, trf("the export bundle is missing %s of the %s drops its manifest lists: it was "
                                           "truncated or altered",
                                           total - position, total));
  auto size = *header;
  if (size > UINT32_MAX || drop_sizes.count(static_cast<std::uint32_t>(size)) == 0)
    return make_error(Errc::malformed, trf("the export bundle's %s is %s bytes, which is not a drop size this vault's key "
                                           "bundles announced",
                                           label, size));
  BundleDrop drop{expected, Bytes(static_cast<std::size_t>(size))};
  CAIRN_CHECK(read_exact(drop.bytes, label));
  CAIRN_CHECK(read_padding(size, label));
  return drop;
}

Status ExportReader::read_end() {
  Block b{};
  auto refuse = [] {
    return make_error(Errc::malformed, tr("the export bundle holds more than its manifest lists: it was altered"));
  };
  for (int i = 0; i < 2; ++i) {
    CAIRN_CHECK(read_exact(b, tr("the end-of-archive marker")));
    if (!all_zero(b)) return refuse();
  }
  std::size_t trailing = 0;
  for (;;) {
    CAIRN_TRY(auto n, read_some(b));
    if (n == 0) return ok_status();
    trailing += n;
    if (trailing > kMaxTrailingBytes || !all_zero(ByteView(b).first(n))) return refuse();
  }
}

}  // namespace cairn::analyst
