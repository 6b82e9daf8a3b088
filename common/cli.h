// How every Cairn command-line tool reports failure: "cairn: error: …" and,
// where it helps, "cairn: hint: …", then a non-zero exit. The labels are
// English until the program sets them in its reader's language (i18n/).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "common/result.h"

namespace cairn::cli {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Labels {
  std::string error = "error: ";
  std::string hint = "hint: ";
  std::string warning = "warning: ";
};

inline Labels& labels() {
  static Labels l;
  return l;
}

// Once, at the start of main, from the message catalog.
inline void set_labels(std::string error, std::string hint, std::string warning) {
  labels() = Labels{std::move(error), std::move(hint), std::move(warning)};
}

inline void print_line(std::FILE* f, std::string_view prefix, std::string_view text) {
  std::fprintf(f, "cairn: %.*s%.*s\n", static_cast<int>(prefix.size()), prefix.data(),
               static_cast<int>(text.size()), text.data());
}

inline int fail(std::string_view message, std::string_view hint = {}) {
  print_line(stderr, labels().error, message);
  if (!hint.empty()) print_line(stderr, labels().hint, hint);
  return kExitFailure;
}

// A command line that cannot be understood: the same printer, exit status 2.
inline int usage(std::string_view message, std::string_view hint = {}) {
  (void)fail(message, hint);
  return kExitUsage;
}

inline int fail(const Error& e, std::string_view hint = {}) { return fail(e.message, hint); }

inline void warn(std::string_view message) { print_line(stderr, labels().warning, message); }
inline void info(std::string_view message) { print_line(stderr, "", message); }

}  // namespace cairn::cli
