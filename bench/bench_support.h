// Small helpers shared by the benchmark programs: timing, a temporary
// directory, and printing results as "name value unit" lines that
// scripts/bench.sh turns into docs/BENCHMARKS.md.
#pragma once

#include <time.h>
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

// CPU time this thread has used (user + system), in seconds. On a shared
// machine it is steadier than wall time for pure computation.
inline double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Wall and CPU time of a measured stretch of work.
struct Cost {
  double wall_us = 0;
  double cpu_us = 0;
  Cost& operator+=(const Cost& o) {
    wall_us += o.wall_us;
    cpu_us += o.cpu_us;
    return *this;
  }
  Cost per(double n) const { return {wall_us / n, cpu_us / n}; }
};

class Stopwatch {
 public:
  Stopwatch() : wall_(Clock::now()), cpu_(thread_cpu_seconds()) {}
  Cost elapsed() const {
    return {seconds_since(wall_) * 1e6, (thread_cpu_seconds() - cpu_) * 1e6};
  }

 private:
  Clock::time_point wall_;
  double cpu_;
};

// Runs fn() n times; the cost per call.
template <class F>
Cost cost_per_call(int n, F&& fn) {
  Stopwatch w;
  for (int i = 0; i < n; ++i) fn();
  return w.elapsed().per(n);
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

// Reads the command line: option(name, value) for each word, where value()
// takes the next word as the option's value (dying if there is none);
// option returns false for a name it does not know.
template <class Option>
void parse_options(int argc, char** argv, Option&& option) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + name);
      return argv[++i];
    };
    if (!option(name, value)) die("unknown option " + name);
  }
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
