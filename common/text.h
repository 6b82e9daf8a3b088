// Text a person reads: names quoted in messages, and anything from outside
// (testimony, replies, file names, labels) made safe to print on a terminal.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/utf8.h"

namespace cairn {

// 'name': how a name or other short text stands inside a message.
inline std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

enum class Lines { keep, flatten };

// The one terminal sanitiser (the analyst's testimony and the source's
// replies alike). Policy: nothing hostile reaches the terminal and nothing
// is silently hidden from the reader. Well-formed UTF-8 passes unchanged
// (Korean, Russian, any script); tab passes; newline and CR LF pass when
// lines are kept and become one space when flattened; every other
// is_terminal_unsafe character (common/utf8.h) is shown as a visible escape (\x1b, \u202e)
// so the reader sees that something was there; each invalid UTF-8 byte
// becomes U+FFFD.
[[nodiscard]] inline std::string sanitize_for_terminal(std::string_view text, Lines lines = Lines::keep) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  const bool keep = lines == Lines::keep;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_detail::decode(text, i, cp);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    bool crlf = cp == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
    if (cp == '\t' || (keep && (cp == '\n' || crlf))) {
      out += text.substr(i, n);
    } else if (!keep && (cp == '\n' || crlf)) {
      out += ' ';
      if (crlf) ++i;  // the CR and its LF make one space
    } else if (is_terminal_unsafe(cp)) {
      char buf[16];
      if (cp < 0x100) std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      else std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out += text.substr(i, n);
    }
    i += n;
  }
  return out;
}

}  // namespace cairn
