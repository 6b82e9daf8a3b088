// Small helpers shared by the benchmark programs: timing, a temporary
// directory, and printing results as "name value unit" lines that
// scripts/bench.sh turns into docs/BENCHMARKS.md.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace cairn::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs fn() n times; returns microseconds per call.
template <class F>
double micros_per_call(int n, F&& fn) {
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) fn();
  return seconds_since(start) * 1e6 / n;
}

// One result line: name, value, unit.
inline void report(const char* name, double value, const char* unit) {
  std::printf("%-40s %12.2f %s\n", name, value, unit);
  std::fflush(stdout);
}

[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cairn-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) die("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace cairn::bench
