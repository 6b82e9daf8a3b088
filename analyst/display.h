// Showing what sources wrote without letting it control the terminal, and
// naming files after what sources called them without letting the name
// choose the directory. Testimony is hostile input as far as the terminal
// and the file system are concerned: an escape sequence can rewrite the
// screen, retitle the window or (on some terminals) inject input, and bidi
// overrides can make text read differently from what it is. The terminal
// sanitiser itself is common/text.h (the client shows replies with it too).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/text.h"  // sanitize_for_terminal: the one terminal sanitiser

namespace cairn::analyst {

// ---- Implementation constants ----
inline constexpr std::size_t kMaxFileNameBytes = 200;
inline constexpr std::size_t kPreviewChars = 48;

// The first non-empty line, sanitised, at most max_chars code points (then "…").
[[nodiscard]] std::string preview(std::string_view text, std::size_t max_chars = kPreviewChars);

// A file name that stays in its directory: no directory part, no "." or "..",
// no leading dot, no control or bidi characters, at most kMaxFileNameBytes
// bytes (cut on a character boundary, extension kept). Empty results become
// "attachment-<position>".
[[nodiscard]] std::string safe_file_name(std::string_view name, std::size_t position);

// "1.2 KiB", "34 B", "5.0 MiB".
[[nodiscard]] std::string human_size(std::uint64_t bytes);

}  // namespace cairn::analyst
