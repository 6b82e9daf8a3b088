// Reading an export bundle (wire/export_bundle.h) trusting nothing about it.
// A general tar reader (libarchive's) interprets pax headers, GNU long names,
// sparse maps and extended attributes before a caller sees an entry; this
// reader accepts only what `cairn-relay export` writes and refuses anything
// else at the header that shows it, before reading further:
//
//   - POSIX ustar headers ("ustar\0" "00"), checksum correct, type '0'
//     (regular file), mode 0600, uid/gid 0, mtime 0, and no link name, user
//     or group name, device numbers or name prefix;
//   - first `manifest` (at most wire::kMaxManifestBytes), then exactly the
//     drops the signed manifest lists, in its order, each named
//     `drops/<64 hex>` with a size that is one of the vault's drop sizes,
//     and whose content hashes to that name;
//   - every padding byte zero, then the end-of-archive blocks and nothing
//     but zeros up to the end of the file.
//
// A bundle may be split into numbered parts (FILE.001, FILE.002, ...): they
// are read as one byte stream, in order.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "wire/export_bundle.h"

namespace cairn::analyst {

struct BundleDrop {
  wire::DropId id{};
  Bytes bytes;
};

// The files of the bundle named `path`: the file itself if it exists, else
// its numbered parts path.001, path.002, ... up to the first missing one.
// Errc::not_found if there is neither.
[[nodiscard]] Result<std::vector<std::filesystem::path>> bundle_parts(const std::filesystem::path& path);

// Errc::malformed unless drop.bytes hash to drop.id.
[[nodiscard]] Status check_drop_id(const BundleDrop& drop);

class ExportReader {
 public:
  // Errc::not_found / Errc::io for the files themselves.
  [[nodiscard]] static Result<std::unique_ptr<ExportReader>> open(std::vector<std::filesystem::path> parts);
  ~ExportReader();
  ExportReader(const ExportReader&) = delete;
  ExportReader& operator=(const ExportReader&) = delete;

  // The first entry, which must be the manifest.
  [[nodiscard]] Result<Bytes> read_manifest();
  // The next entry, which must be the drop `expected` (the manifest's id at
  // `position` of `total`), of a size in drop_sizes, whose content hashes to its id.
  [[nodiscard]] Result<BundleDrop> read_drop(const wire::DropId& expected, std::size_t position, std::size_t total,
                                             const std::set<std::uint32_t>& drop_sizes);
  // The same without the hash: the caller checks it with check_drop_id
  // (the import does so on every core) before it trusts the bytes.
  [[nodiscard]] Result<BundleDrop> read_drop_unhashed(const wire::DropId& expected, std::size_t position,
                                                      std::size_t total, const std::set<std::uint32_t>& drop_sizes);
  // After the last drop: the end of the archive and nothing else.
  [[nodiscard]] Status read_end();

 private:
  explicit ExportReader(std::vector<std::filesystem::path> parts) : parts_(std::move(parts)) {}
  [[nodiscard]] Status read_exact(MutableByteView out, const std::string& what);
  [[nodiscard]] Result<std::size_t> read_some(MutableByteView out);
  [[nodiscard]] Result<std::optional<std::uint64_t>> read_header(std::string_view expected_name, const std::string& label);
  [[nodiscard]] Status read_padding(std::uint64_t size, const std::string& label);

  std::vector<std::filesystem::path> parts_;
  std::size_t part_ = 0;
  std::FILE* file_ = nullptr;
};

}  // namespace cairn::analyst
