// OOXML (.docx .xlsx .pptx) and ODF (.odt .ods .odp) packages: the zip is
// read and written again in memory with libarchive. Each XML part goes through
// clean/office_xml.cpp; thumbnails of the first page are dropped; pictures
// inside are cleaned like attached pictures; every entry gets the same fixed
// date and no owner. Unpacking is capped (clean.h) and checked while it
// happens, so a decompression bomb stops at the cap.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <memory>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

// ---- Implementation constants ----
constexpr std::string_view kWhat = i18n::N_("the document");
constexpr std::string_view kOdfMimeTypePrefix = "application/vnd.oasis.opendocument.";
constexpr std::time_t kEntryTime = 315532800;  // 1980-01-01T00:00:00Z, the earliest date a zip entry can have
constexpr std::size_t kReadBlock = 64 * 1024;

struct Part {
  std::string name;
  Bytes data;
};

// libarchive writes each entry's date twice: as a Unix time and as an MS-DOS
// date in *local* time. Written in the source's time zone, the pair would
// tell that zone; so the time zone is UTC while the archive is written (the
// client is single-threaded), and restored afterwards.
class UtcWhileWriting {
 public:
  UtcWhileWriting() {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
  }
  ~UtcWhileWriting() {
    if (saved_) ::setenv("TZ", saved_->c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
  UtcWhileWriting(const UtcWhileWriting&) = delete;
  UtcWhileWriting& operator=(const UtcWhileWriting&) = delete;

 private:
  std::optional<std::string> saved_;
};

struct ReaderFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}
bool is_xml_part(std::string_view name) { return ends_with(name, ".xml") || ends_with(name, ".rels"); }

std::string archive_problem(archive* a) {
  const char* s = archive_error_string(a);
  return s != nullptr ? s : i18n::tr("unknown zip error");
}

Result<std::vector<Part>> read_parts(ByteView in) {
  std::unique_ptr<archive, ReaderFree> a(archive_read_new());
  archive_read_support_format_zip_seekable(a.get());
  if (archive_read_open_memory(a.get(), in.data(), in.size()) != ARCHIVE_OK)
    return damaged(kWhat, i18n::trf("its zip structure: %s", archive_problem(a.get())));
  std::vector<Part> parts;
  std::size_t unpacked = 0;
  Bytes block(kReadBlock);
  for (;;) {
    archive_entry* entry = nullptr;
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return damaged(kWhat, i18n::trf("its zip structure: %s", archive_problem(a.get())));
    if (archive_entry_is_encrypted(entry) != 0)
      return make_error(Errc::unsupported, i18n::tr("the document is encrypted, so its hidden details cannot be removed"));
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;
    if (archive_entry_filetype(entry) != AE_IFREG) return damaged(kWhat, i18n::tr("it holds something other than files"));
    if (parts.size() >= kMaxArchiveEntries)
      return make_error(Errc::too_large, i18n::trf("the document has more than %s parts", kMaxArchiveEntries));
    const char* name = archive_entry_pathname(entry);
    if (name == nullptr || *name == '\0') return damaged(kWhat, i18n::tr("a part has no name"));
    Part part{name, {}};
    const std::size_t part_cap = is_xml_part(part.name) ? kMaxXmlPartBytes : kMaxArchiveUnpackedBytes;
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), block.data(), block.size());
      if (n == 0) break;
      if (n < 0) return damaged(kWhat, i18n::trf("its part %s: %s", part.name, archive_problem(a.get())));
      const auto got = static_cast<std::size_t>(n);
      if (part.data.size() + got > part_cap || unpacked + got > kMaxArchiveUnpackedBytes)
        return make_error(Errc::too_large,
                          i18n::trf("the document unpacks to more than %s MiB (its part %s): it may be a decompression bomb",
                                    (part_cap == kMaxXmlPartBytes ? kMaxXmlPartBytes : kMaxArchiveUnpackedBytes) >> 20,
                                    part.name));
      part.data.insert(part.data.end(), block.begin(), block.begin() + n);
      unpacked += got;
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

Result<Bytes> write_parts(const std::vector<Part>& parts, Format package) {
  struct Sink {
    Bytes out;
  } sink;
  UtcWhileWriting utc;
  std::unique_ptr<archive, WriterFree> a(archive_write_new());
  archive_write_set_format_zip(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);  // no padding after the zip
  auto write_cb = [](archive*, void* client, const void* data, std::size_t n) -> la_ssize_t {
    auto* s = static_cast<Sink*>(client);
    const auto* p = static_cast<const std::uint8_t*>(data);
    s->out.insert(s->out.end(), p, p + n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open2(a.get(), &sink, nullptr, write_cb, nullptr, nullptr) != ARCHIVE_OK)
    return make_error(Errc::internal, i18n::trf("cannot write the cleaned document: %s", archive_problem(a.get())));
  for (const auto& p : parts) {
    // ODF: the mimetype part comes first and is stored, not compressed (ODF 1.2 part 3, 3.3).
    const bool stored = package == Format::odf && p.name == "mimetype";
    if (stored) archive_write_zip_set_compression_store(a.get());
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), p.name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(p.data.size()));
    archive_entry_set_mtime(e.get(), kEntryTime, 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK ||
        (!p.data.empty() && archive_write_data(a.get(), p.data.data(), p.data.size()) < 0))
      return make_error(Errc::internal, i18n::trf("cannot write the cleaned document: %s", archive_problem(a.get())));
    if (stored) archive_write_zip_set_compression_deflate(a.get());
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    return make_error(Errc::internal, i18n::trf("cannot write the cleaned document: %s", archive_problem(a.get())));
  return std::move(sink.out);
}

bool is_thumbnail(std::string_view name, Format package) {
  return package == Format::odf ? name.starts_with("Thumbnails/") : name.starts_with("docProps/thumbnail");
}

std::string_view media_type_of(const std::vector<Part>& parts, Format package) {
  if (package == Format::odf) return {};  // taken from the mimetype part
  for (const auto& p : parts) {
    if (p.name.starts_with("word/")) return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (p.name.starts_with("xl/")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (p.name.starts_with("ppt/")) return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
  }
  return "application/zip";
}

}  // namespace

Result<Cleaned> clean_office(ByteView in) {
  CAIRN_TRY(auto parts, read_parts(in));
  Format package = Format::other;
  std::string media_type;
  for (const auto& p : parts) {
    if (p.name == "[Content_Types].xml") package = Format::ooxml;
    std::string_view content(reinterpret_cast<const char*>(p.data.data()), p.data.size());
    if (p.name == "mimetype" && content.starts_with(kOdfMimeTypePrefix) && content.size() < 100) {
      package = Format::odf;
      media_type = std::string(content);
    }
  }
  if (package == Format::other)
    return make_error(Errc::unsupported,
                      i18n::tr("it is a zip archive, which may hold files with their own hidden details, their names "
                               "and dates, and who packed them; Cairn cannot clean it"));
  Cleaned out;
  out.format = package;
  out.media_type = package == Format::odf ? media_type : std::string(media_type_of(parts, package));
  out.note = i18n::tr("its text, including tracked deletions and the text of comments, is not changed");

  std::vector<Part> kept;
  kept.reserve(parts.size() + 1);
  for (auto& p : parts) {
    if (is_thumbnail(p.name, package)) {
      out.removed.add(Removed::thumbnails);
      continue;
    }
    if (is_xml_part(p.name)) {
      CAIRN_TRY(p.data, clean_office_xml(p.name, p.data, package, out.removed));
    } else {
      auto kind = detect(p.data).format;
      if (kind == Format::jpeg || kind == Format::png || kind == Format::webp || kind == Format::tiff) {
        auto picture = clean_image(p.data, kind);
        if (!picture.ok())
          return make_error(picture.code(), i18n::trf("the picture %s inside it: %s", p.name, picture.error().message));
        if (!picture->removed.empty()) out.removed.add(Removed::pictures_inside);
        p.data = std::move(picture->content);
      }
    }
    kept.push_back(std::move(p));
  }
  if (package == Format::odf)
    std::stable_partition(kept.begin(), kept.end(), [](const Part& p) { return p.name == "mimetype"; });
  CAIRN_TRY(out.content, write_parts(kept, package));
  return out;
}

}  // namespace cairn::clean::detail
