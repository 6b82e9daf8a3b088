// UTF-8 checks for text that people will read: names in certificates, and
// anything else shown on a terminal. Strict RFC 3629 decoding (no overlong
// forms, no surrogates, nothing above U+10FFFF).
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn {

namespace utf8_detail {
// Decodes one code point at s[i]; returns its length (1..4) or 0 if invalid.
inline std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t b0 = byte(i);
  std::size_t len;
  std::uint32_t min;
  if (b0 < 0x80) { cp = b0; return 1; }
  if ((b0 & 0xe0) == 0xc0) { len = 2; cp = b0 & 0x1fu; min = 0x80; }
  else if ((b0 & 0xf0) == 0xe0) { len = 3; cp = b0 & 0x0fu; min = 0x800; }
  else if ((b0 & 0xf8) == 0xf0) { len = 4; cp = b0 & 0x07u; min = 0x10000; }
  else return 0;
  if (s.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    std::uint8_t b = byte(i + k);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}
}  // namespace utf8_detail

// Characters that can drive a terminal or make text read as something else:
// C0 and C1 controls, DEL, line and paragraph separators, and bidirectional
// overrides and isolates.
[[nodiscard]] inline bool is_terminal_unsafe(std::uint32_t cp) {
  if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) return true;
  if (cp == 0x2028 || cp == 0x2029) return true;
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return true;
  return false;
}

// True if `s` is well-formed UTF-8 and every code point passes `keep`.
template <class Keep>
[[nodiscard]] bool every_code_point(std::string_view s, Keep&& keep) {
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_detail::decode(s, i, cp);
    if (n == 0 || !keep(cp)) return false;
    i += n;
  }
  return true;
}

// Well-formed UTF-8.
[[nodiscard]] inline bool is_valid_utf8(std::string_view s) {
  return every_code_point(s, [](std::uint32_t) { return true; });
}

// Well-formed UTF-8 that is safe to print inside a one-line message: no
// is_terminal_unsafe character (bidirectional overrides could make a name
// display as a different name).
[[nodiscard]] inline bool is_display_safe_utf8(std::string_view s) {
  return every_code_point(s, [](std::uint32_t cp) { return !is_terminal_unsafe(cp); });
}

}  // namespace cairn
