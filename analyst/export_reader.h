// Reading an export bundle (wire/export_bundle.h) with libarchive, trusting
// nothing about it: tar format only (no compression, so no decompression
// bomb), regular files only, entry names exactly "manifest" or
// "drops/<64 hex>", and every size checked against its cap from the header
// before a byte of the entry is read. Each drop's content must hash to the
// id in its name.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include "common/bytes.h"
#include "common/result.h"
#include "wire/export_bundle.h"

struct archive;

namespace cairn::analyst {

struct BundleDrop {
  wire::DropId id{};
  Bytes bytes;
};

class ExportReader {
 public:
  // Errc::not_found / Errc::io for the file itself.
  [[nodiscard]] static Result<std::unique_ptr<ExportReader>> open(const std::filesystem::path& path);
  ~ExportReader();
  ExportReader(const ExportReader&) = delete;
  ExportReader& operator=(const ExportReader&) = delete;

  // The first entry, which must be the manifest (at most wire::kMaxManifestBytes).
  [[nodiscard]] Result<Bytes> read_manifest();
  // The next drop, or nullopt at the end of the archive. Before a byte of it
  // is read, its name must parse, `admit` must accept its id (the caller
  // checks it against the manifest), and its size must be one of drop_sizes;
  // after reading, its content must hash to its id. Errc::malformed for
  // anything else, naming the entry.
  using Admit = std::function<Status(const wire::DropId&)>;
  [[nodiscard]] Result<std::optional<BundleDrop>> next_drop(const std::set<std::uint32_t>& drop_sizes,
                                                            const Admit& admit);

 private:
  explicit ExportReader(::archive* a) : a_(a) {}
  [[nodiscard]] Error damaged(const std::string& what) const;
  [[nodiscard]] Result<Bytes> read_entry_data(std::size_t size, const std::string& name);
  ::archive* a_;
};

}  // namespace cairn::analyst
