#include "analyst/display.h"

#include <cstdint>
#include <cstdio>

#include "common/utf8.h"
#include "crypto/secret.h"

namespace cairn::analyst {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Calls f(code point, its bytes) for each character; invalid bytes come as
// one U+FFFD each.
template <class F>
void for_each_char(std::string_view s, F&& f) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_detail::decode(s, i, cp);
    if (n == 0) {
      f(0xfffdu, kReplacement);
      ++i;
      continue;
    }
    f(cp, s.substr(i, n));
    i += n;
  }
}

}  // namespace

std::string preview(std::string_view text, std::size_t max_chars) {
  // The first line with something on it.
  std::string_view line;
  while (!text.empty()) {
    auto nl = text.find('\n');
    line = text.substr(0, nl);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) break;
    line = {};
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string cut;
  cut.reserve(line.size() + 3);  // never reallocated (with the "…"): wiped below, it leaves no copy
  std::size_t chars = 0;
  bool truncated = false;
  for_each_char(line, [&](std::uint32_t, std::string_view bytes) {
    if (truncated) return;
    if (chars == max_chars) {
      truncated = true;
      return;
    }
    cut += bytes;
    ++chars;
  });
  if (truncated) cut += "…";
  auto out = sanitize_for_terminal(cut, Lines::flatten);
  crypto::wipe(cut.data(), cut.size());
  return out;
}

std::string safe_file_name(std::string_view name, std::size_t position) {
  // No directory part, whichever separator the source's system used.
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string clean;
  for_each_char(name, [&](std::uint32_t cp, std::string_view bytes) {
    if (is_terminal_unsafe(cp) || cp == 0xfffd || cp == ':') clean += '_';
    else clean += bytes;
  });
  // Trim spaces, and leading dots: no hidden files, no "." or "..".
  auto first = clean.find_first_not_of(" .");
  clean = first == std::string::npos ? std::string() : clean.substr(first);
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();

  if (clean.size() > kMaxFileNameBytes) {
    // Keep a short extension; cut the stem on a character boundary.
    std::string ext;
    auto dot = clean.rfind('.');
    if (dot != std::string::npos && clean.size() - dot <= 16) ext = clean.substr(dot);
    std::string stem;
    bool full = false;
    for_each_char(std::string_view(clean).substr(0, clean.size() - ext.size()), [&](std::uint32_t, std::string_view b) {
      if (full || stem.size() + b.size() + ext.size() > kMaxFileNameBytes) full = true;
      else stem += b;
    });
    clean = stem + ext;
  }
  if (clean.empty()) clean = "attachment-" + std::to_string(position + 1);
  return clean;
}

std::string human_size(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < (1u << 20)) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  else if (bytes < (1u << 30)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / 1073741824.0);
  return buf;
}

}  // namespace cairn::analyst
