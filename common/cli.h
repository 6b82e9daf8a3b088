// How every Cairn command-line tool reports failure: "cairn: error: …" and,
// where it helps, "cairn: hint: …", then a non-zero exit.
#pragma once

#include <cstdio>
#include <string_view>

#include "common/result.h"

namespace cairn::cli {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

inline void print_line(std::FILE* f, std::string_view prefix, std::string_view text) {
  std::fprintf(f, "cairn: %.*s%.*s\n", static_cast<int>(prefix.size()), prefix.data(),
               static_cast<int>(text.size()), text.data());
}

inline int fail(std::string_view message, std::string_view hint = {}) {
  print_line(stderr, "error: ", message);
  if (!hint.empty()) print_line(stderr, "hint: ", hint);
  return kExitFailure;
}

inline int fail(const Error& e, std::string_view hint = {}) { return fail(e.message, hint); }

inline void warn(std::string_view message) { print_line(stderr, "warning: ", message); }
inline void info(std::string_view message) { print_line(stderr, "", message); }

}  // namespace cairn::cli
