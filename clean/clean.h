// Cleaning a source's file before it is sealed (docs/PROTOCOL.md, "Cleaning
// attachments"): the format is detected from the bytes, never the name; what
// identifies the source (place, device, serial numbers, times, names, edit
// history, thumbnails) is removed in memory; the picture, the text, the pages
// are left as they were. A format Cairn cannot clean is refused, never passed
// through: sending such a file as it is must be the source's own choice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "clean/detect.h"
#include "clean/report.h"
#include "common/bytes.h"
#include "common/result.h"

namespace cairn::clean {

// ---- Implementation constants (limits on what a file may make us do) ----
inline constexpr std::size_t kMaxInputBytes = std::size_t{256} << 20;      // the client's attachment cap
inline constexpr std::size_t kMaxArchiveEntries = 10000;                    // parts of one OOXML/ODF file
inline constexpr std::size_t kMaxArchiveUnpackedBytes = std::size_t{256} << 20;  // all parts, unpacked
inline constexpr std::size_t kMaxXmlPartBytes = std::size_t{32} << 20;      // one XML part, unpacked
inline constexpr std::size_t kMaxImageChunks = 100000;                      // JPEG segments, PNG/WebP chunks

struct Cleaned {
  Bytes content;               // the file as it will be sent
  Format format = Format::other;
  std::string media_type;      // from the detected format
  Findings removed;            // what was found and removed
  std::vector<std::string> kept;  // what was deliberately kept ("the orientation"), translated
  std::string note;            // what cleaning does not touch, when the source should know (translated)
};

// Cleans a file of a supported format. Errors name no file (the caller does):
//   Errc::unsupported — a format that cannot be cleaned (the message says what
//                       it is and what it may carry), or an encrypted document;
//   Errc::malformed   — the file is damaged or hostile (truncated, bad lengths,
//                       metadata the library reports as corrupt);
//   Errc::too_large   — a limit above was reached (a decompression bomb).
[[nodiscard]] Result<Cleaned> clean(ByteView content);

}  // namespace cairn::clean
