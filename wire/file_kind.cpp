#include "wire/file_kind.h"

#include <array>
#include <string>

#include "i18n/catalog.h"

namespace cairn::wire {
namespace {

struct Magic {
  FileKind kind;
  std::string_view line;
  std::string_view name;
};

constexpr std::array<Magic, 3> kMagics{{
    {FileKind::key_bundle, "cairn key bundle v1\n", i18n::N_("a key bundle")},
    {FileKind::reply_batch, "cairn reply batch v1\n", i18n::N_("a reply batch")},
    {FileKind::import_receipt, "cairn import receipt v1\n", i18n::N_("an import receipt")},
}};

bool starts_with(ByteView file, std::string_view prefix) {
  return file.size() >= prefix.size() && as_chars(file.first(prefix.size())) == prefix;
}

}  // namespace

std::string_view describe(FileKind kind) {
  for (const auto& m : kMagics)
    if (m.kind == kind) return m.name;
  return i18n::N_("an unknown file");
}

Bytes wrap_file(FileKind kind, ByteView body) {
  for (const auto& m : kMagics) {
    if (m.kind != kind) continue;
    Bytes out = to_bytes(m.line);
    out.insert(out.end(), body.begin(), body.end());
    return out;
  }
  return {};
}

Result<FileKind> detect_file_kind(ByteView file) {
  if (file.size() > kMaxCarriedFileBytes) return make_error(Errc::too_large, i18n::tr("the file is too large"));
  for (const auto& m : kMagics)
    if (starts_with(file, m.line)) return m.kind;
  if (file.size() >= 262 && as_chars(file.subspan(257, 5)) == "ustar")
    return make_error(Errc::malformed, i18n::tr("this is an export bundle (a tar archive), not a file for this command"));
  return make_error(Errc::malformed, i18n::tr("this is not a Cairn file (no Cairn header)"));
}

Result<Bytes> unwrap_file(FileKind expected, ByteView file) {
  CAIRN_TRY(auto kind, detect_file_kind(file));
  if (kind != expected)
    return make_error(Errc::malformed, i18n::trf("this is %s, not %s", i18n::tr(describe(kind).data()),
                                                 i18n::tr(describe(expected).data())));
  for (const auto& m : kMagics)
    if (m.kind == kind) return Bytes(file.begin() + static_cast<std::ptrdiff_t>(m.line.size()), file.end());
  return make_error(Errc::internal, "unknown file kind");
}

}  // namespace cairn::wire
