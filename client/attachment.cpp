#include "client/attachment.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "clean/clean.h"
#include "common/files.h"
#include "crypto/secret.h"

#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::client {
namespace {

namespace fs = std::filesystem;

// The media type of a file sent as it is: from its name, a hint only.
std::string media_type_from_name(const fs::path& p) {
  auto ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  if (ext == ".pdf") return "application/pdf";
  if (ext == ".txt") return "text/plain";
  if (ext == ".mp4") return "video/mp4";
  if (ext == ".m4a") return "audio/mp4";
  if (ext == ".doc" || ext == ".docx") return "application/msword";
  return "application/octet-stream";
}

// One allocation of the file's size (read_file_capped), so no partial copy of
// the plaintext is left behind in freed memory by a growing buffer.
Result<Bytes> read_whole(const fs::path& path) {
  auto content = read_file_capped(path, kMaxAttachmentBytes, "the attachment");
  if (content.ok()) return content;
  if (content.code() == Errc::too_large)
    return make_error(Errc::too_large, i18n::trf("the attachment %s is larger than 256 MiB", path.string()));
  return make_error(content.code(), i18n::trf("cannot read the attachment %s: %s", path.string(),
                                              content.code() == Errc::not_found ? i18n::system_error(ENOENT)
                                                                                : content.error().message));
}

std::string report_line(const std::string& name, const clean::Cleaned& c) {
  std::string line = name + ": ";
  if (c.format == clean::Format::text) return line + i18n::tr("plain text, sent as it is (it has no hidden details)");
  line += c.removed.empty() ? i18n::tr("no hidden details found") : i18n::trf("removed %s", clean::describe(c.removed));
  for (const auto& k : c.kept) line += i18n::trf("; kept %s", k);
  if (!c.note.empty()) line += " (" + c.note + ")";
  return line;
}


// A file sent as it is stays on disk: it is read piece by piece while it is
// sent (client/submission.h), so memory does not grow with its size.
Result<std::uint64_t> readable_size(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec)
    return make_error(Errc::not_found, i18n::trf("cannot read the attachment %s: %s", path.string(), i18n::system_error(ec.value())));
  if (size > kMaxAttachmentBytes)
    return make_error(Errc::too_large, i18n::trf("the attachment %s is larger than 256 MiB", path.string()));
  if (!std::ifstream(path, std::ios::binary))
    return make_error(Errc::io, i18n::trf("cannot read the attachment %s: %s", path.string(), i18n::system_error(errno)));
  return static_cast<std::uint64_t>(size);
}

}  // namespace

Result<PreparedAttachment> prepare_attachment(const fs::path& path, bool keep_metadata) {
  PreparedAttachment out;
  out.input.name = path.filename().string();
  if (keep_metadata) {
    CAIRN_TRY(out.input.file_size, readable_size(path));
    out.input.file = fs::absolute(path);
    out.input.media_type = media_type_from_name(path);
    out.input.metadata = Metadata::kept;
    out.report = i18n::trf("%s: sent as it is, with any hidden details it carries (--keep-metadata)", out.input.name);
    return out;
  }
  CAIRN_TRY(auto content, read_whole(path));
  auto cleaned = clean::clean(content);
  crypto::wipe(content);
  if (!cleaned.ok()) return make_error(cleaned.code(), i18n::trf("cannot clean %s: %s", path.string(), cleaned.error().message));
  out.input.media_type = cleaned->media_type;
  out.input.content = std::move(cleaned->content);
  out.input.metadata = cleaned->format == clean::Format::text ? Metadata::none : Metadata::cleaned;
  out.report = report_line(out.input.name, *cleaned);
  return out;
}

Result<std::vector<bool>> keep_metadata_flags(const std::vector<std::string>& attached,
                                              const std::vector<std::string>& keep) {
  std::vector<bool> flags(attached.size(), false);
  for (const auto& k : keep) {
    bool found = false;
    for (std::size_t i = 0; i < attached.size(); ++i) {
      std::error_code ec;
      if (attached[i] == k || fs::equivalent(attached[i], k, ec)) {
        flags[i] = true;
        found = true;
      }
    }
    if (!found)
      return make_error(Errc::invalid_argument, i18n::trf("--keep-metadata %s names a file that is not attached", k));
  }
  return flags;
}

}  // namespace cairn::client
