// Starting and stopping the project's own programs (and Debian tools such as
// microsocks) on loopback for tests.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/subprocess.h"

namespace cairn::test {

class Process {
 public:
  Process() = default;
  explicit Process(const std::vector<std::string>& argv) { start(argv); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() { kill_and_wait(SIGKILL); }

  // stderr_file: if not empty, the program's stderr is appended to it (so a
  // test can read what a daemon logged, across restarts).
  bool start(const std::vector<std::string>& argv, const std::string& stderr_file = {}) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (!stderr_file.empty())
      posix_spawn_file_actions_addopen(&fa, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    bool ok = ::posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&fa);
    return ok;
  }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // Sends sig and waits; returns the exit status as from waitpid.
  int kill_and_wait(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    return wait();
  }
  // Waits at most timeout for the program to exit on its own; its status as
  // from waitpid, or nothing if it is still running.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }
  int wait() {
    int status = 0;
    if (pid_ > 0) ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

// The soft core-size limit of a running process, from /proc/PID/limits
// ("unlimited" or a number of bytes), or "" if it cannot be read.
inline std::string core_size_limit(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("Max core file size", 0) != 0) continue;
    std::istringstream fields(line.substr(std::string("Max core file size").size()));
    std::string soft;
    fields >> soft;
    return soft;
  }
  return {};
}

// Lets programs started from now on dump core (soft limit up to 1 MiB, within
// the hard limit), so a test can see that a program turns it off itself.
// False if the hard limit is 0 (then nothing can show it).
inline bool allow_core_dumps_for_children() {
  rlimit core{};
  if (::getrlimit(RLIMIT_CORE, &core) != 0 || core.rlim_max == 0) return false;
  core.rlim_cur = core.rlim_max == RLIM_INFINITY ? (1u << 20) : std::min<rlim_t>(core.rlim_max, 1u << 20);
  return ::setrlimit(RLIMIT_CORE, &core) == 0;
}

}  // namespace cairn::test

#include <fcntl.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cairn::test {

struct RunResult {
  int exit_code = -1;  // -1 if killed by a signal
  long peak_rss_kib = 0;  // the program's peak resident set (getrusage via wait4)
  std::string out;
  std::string err;
};

// Runs argv to completion with stdin from `input`, capturing stdout and stderr.
inline RunResult run_capture(const std::vector<std::string>& argv, const std::string& input = {}) {
  auto tmp = std::filesystem::temp_directory_path();
  std::string base = (tmp / ("cairn-run-" + std::to_string(::getpid()) + "-" +
                             std::to_string(reinterpret_cast<std::uintptr_t>(&argv))))
                         .string();
  std::string in_path = base + ".in", out_path = base + ".out", err_path = base + ".err";
  { std::ofstream(in_path, std::ios::binary) << input; }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  RunResult r;
  if (::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0) {
    int status = 0;
    struct rusage usage {};
    ::wait4(pid, &status, 0, &usage);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.peak_rss_kib = usage.ru_maxrss;
  }
  posix_spawn_file_actions_destroy(&fa);
  auto slurp = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

inline std::string binary(const std::string& relative) { return std::string(CAIRN_BINARY_DIR) + "/" + relative; }

}  // namespace cairn::test
