// Reading the files a source attaches and cleaning them in memory
// (clean/clean.h) before anything is sealed: what the source is shown, file
// by file, before anything is sent. Nothing is written to disk.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "client/submission.h"
#include "common/result.h"

namespace cairn::client {

inline constexpr std::size_t kMaxAttachmentBytes = std::size_t{256} << 20;

struct PreparedAttachment {
  AttachmentInput input;
  std::string report;  // one line for the source: "photo.jpg: removed GPS position, …"
};

// Reads a file (at most kMaxAttachmentBytes) and cleans it, unless
// keep_metadata (then it is sent exactly as it is). Errors name the file:
// Errc::unsupported for a kind of file Cairn cannot clean (the message says
// what it may carry), Errc::malformed for a damaged one, Errc::too_large.
[[nodiscard]] Result<PreparedAttachment> prepare_attachment(const std::filesystem::path& path, bool keep_metadata);

// For each attached path, whether --keep-metadata named it. Every
// --keep-metadata must name an attached file (the same path or the same file).
[[nodiscard]] Result<std::vector<bool>> keep_metadata_flags(const std::vector<std::string>& attached,
                                                            const std::vector<std::string>& keep);

}  // namespace cairn::client
