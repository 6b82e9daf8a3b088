// Test helper: the error code of a Result, or nullopt if it succeeded, so
// that EXPECT_EQ(code_of(f()), Errc::x) fails cleanly (instead of aborting
// the test binary) when f() unexpectedly succeeds.
#pragma once

#include <optional>
#include <ostream>

#include "common/result.h"

namespace cairn {

inline std::ostream& operator<<(std::ostream& os, Errc c) { return os << to_string(c); }

namespace test {

template <class T>
std::optional<Errc> code_of(const Result<T>& r) {
  if (r.ok()) return std::nullopt;
  return r.code();
}

}  // namespace test
}  // namespace cairn
