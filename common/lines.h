// Line-oriented text files a person writes or pastes (bridge lines, for now):
// one way to split them, so every reader treats CR LF, blank lines, leading
// blanks and '#' comments alike.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.h"

namespace cairn {

// Calls fn(line, number) for every line of `text` that is neither blank nor a
// '#' comment, with a trailing CR and leading blanks and tabs removed; number
// counts every line from 1, so an error can name it. Stops at fn's first error.
template <class Fn>
[[nodiscard]] Status for_each_content_line(std::string_view text, Fn&& fn) {
  std::size_t number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (Status st = fn(line.substr(first), number); !st.ok()) return st;
  }
  return ok_status();
}

}  // namespace cairn
