// Running external programs from tests (the stock `age` CLI for interop):
// temporary directories, PATH lookup, and posix_spawn without a shell.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/bytes.h"
#include "support/files.h"
#include "support/temp_dir.h"

extern char** environ;

namespace cairn::test {

inline std::optional<std::filesystem::path> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string p(path);
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::filesystem::path candidate = std::filesystem::path(p.substr(start, end - start)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

// Passes if the stock age tools are installed; otherwise fails (never skips)
// with the way to fix it.
inline ::testing::AssertionResult age_cli_available() {
  for (const char* tool : {"age", "age-keygen"})
    if (!find_in_path(tool))
      return ::testing::AssertionFailure()
             << "the `" << tool << "` command is not installed; run scripts/bootstrap.sh to install it";
  return ::testing::AssertionSuccess();
}

// Runs argv (argv[0] looked up in PATH) with stdout and stderr sent to files
// (or /dev/null); returns the exit status, or -1 if it did not exit normally.
inline int run(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file = "/dev/null",
               const std::filesystem::path& stderr_file = "/dev/null") {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline void write_file(const std::filesystem::path& p, ByteView data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

inline std::string read_text(const std::filesystem::path& p) {
  const Bytes b = read_file(p);
  return std::string(b.begin(), b.end());
}

}  // namespace cairn::test

namespace cairn::test {
// Overwrites a string that held key material before it is freed.
inline void wipe_string(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
}
}  // namespace cairn::test
