// Which kind of file this is, from its first bytes (never from its name): the
// formats Cairn can clean, and for the others what they are and what they may
// carry, so the source can decide.
#pragma once

#include <string_view>

#include "common/bytes.h"

namespace cairn::clean {

enum class Format : std::uint8_t {
  jpeg,
  png,
  webp,
  tiff,
  pdf,
  zip,    // an OOXML or ODF document, or a plain zip archive (told apart by its parts)
  ooxml,  // .docx .xlsx .pptx
  odf,    // .odt .ods .odp
  text,   // plain text or CSV (UTF-8 or an 8-bit encoding): nothing hidden in it
  other,
};

struct Detected {
  Format format = Format::other;
  std::string_view media_type;   // for the analyst ("image/jpeg"); empty for other
  std::string_view what;         // for other: "a video", "an archive", ... (a msgid: i18n::tr it)
  std::string_view may_carry;    // for other: what such a file may say about its maker (a msgid)
};

[[nodiscard]] Detected detect(ByteView content);

// What a format is called in messages: "a JPEG picture", "a PDF document", ...
[[nodiscard]] std::string_view format_name(Format f);

}  // namespace cairn::clean
