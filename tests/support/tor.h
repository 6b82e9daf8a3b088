// Debian's tor for tests. Every tor a test starts belongs to a private test
// network: TestingTorNetwork 1 and every DirAuthority on 127.0.0.1, so no tor
// in any test can contact anything off this machine. A tor that only needs to
// be running (its SOCKS port, its control port) gets one authority on a
// loopback port where nothing listens.
#pragma once

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback.h"
#include "support/process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace cairn::test {

// The onion-service torrc docs/OPERATING.md gives operators: its first
// ```torrc block, indentation and comment lines removed.
inline std::vector<std::string> documented_onion_service_torrc() {
  std::ifstream doc(std::string(CAIRN_SOURCE_DIR) + "/docs/OPERATING.md");
  std::vector<std::string> lines;
  std::string line;
  bool inside = false;
  while (std::getline(doc, line)) {
    auto text = line.substr(std::min(line.size(), line.find_first_not_of(' ')));
    if (!inside && text == "```torrc") {
      inside = true;
    } else if (inside && text == "```") {
      break;
    } else if (inside && !text.empty() && text[0] != '#') {
      lines.push_back(text);
    }
  }
  return lines;
}

// A DirAuthority line for an authority that does not exist, on loopback.
inline std::string unreachable_loopback_authority() {
  const std::string zeros(40, '0');
  return "DirAuthority nowhere orport=" + std::to_string(free_loopback_port()) + " no-v2 v3ident=" + zeros +
         " 127.0.0.1:" + std::to_string(free_loopback_port()) + " " + zeros;
}

// The lines that keep a tor inside the private test network.
inline std::vector<std::string> private_network_lines(const std::vector<std::string>& authorities) {
  std::vector<std::string> lines{"TestingTorNetwork 1"};
  if (authorities.empty()) lines.push_back(unreachable_loopback_authority());
  for (const auto& a : authorities) lines.push_back(a);
  return lines;
}

// One tor process with its own torrc and DataDirectory in a temporary
// directory, logging to a file there; stopped (SIGTERM, then SIGKILL) and
// removed when the test ends.
class TorUnderTest {
 public:
  // extra: torrc lines besides DataDirectory and the private-network lines.
  bool start(const std::vector<std::string>& extra, const std::vector<std::string>& authorities = {}) {
    auto tor = find_in_path("tor");
    if (!tor) return false;
    std::ofstream rc(dir_ / "torrc");
    rc << "DataDirectory " << (dir_ / "data").string() << "\n";
    rc << "Log notice file " << log_path() << "\n";
    for (const auto& l : private_network_lines(authorities)) rc << l << "\n";
    for (const auto& l : extra) rc << l << "\n";
    rc.close();
    return process_.start({tor->string(), "-f", (dir_ / "torrc").string()}, (dir_ / "stderr.log").string());
  }
  ~TorUnderTest() { stop(); }
  void stop() {
    if (!process_.running()) return;
    ::kill(process_.pid(), SIGTERM);
    if (!process_.wait_for(std::chrono::seconds(10))) process_.kill_and_wait(SIGKILL);
  }
  std::string log_path() const { return (dir_ / "tor.log").string(); }
  std::string log() const { return read_text(log_path()); }
  const std::filesystem::path& dir() const { return dir_.path(); }
  bool running() const { return process_.running(); }

 private:
  TempDir dir_;
  Process process_;
};

}  // namespace cairn::test

namespace cairn::test {

// A directory to put first in PATH for the client under test: a `tor` that
// runs Debian's tor inside the private test network (the test's
// TestingTorNetwork and DirAuthority lines are appended to tor's command
// line, which overrides the configuration the client gives on standard
// input), and writes its process id to tor.pid. The client is the release
// binary, unchanged: it looks tor up in PATH as it always does. Transports
// are linked in only when asked for, so a test can also leave them out.
class PrivateNetworkPath {
 public:
  explicit PrivateNetworkPath(const std::vector<std::string>& network_lines,
                              const std::vector<std::string>& transports = {}) {
    auto tor = find_in_path("tor");
    if (!tor) throw std::runtime_error("tor is missing: run scripts/bootstrap.sh");
    std::ofstream script(dir_ / "tor");
    script << "#!/bin/sh\necho $$ > '" << pid_file().string() << "'\nexec '" << tor->string() << "' \"$@\"";
    for (const auto& line : network_lines) {
      auto space = line.find(' ');
      script << " '--" << line.substr(0, space) << "' '" << line.substr(space + 1) << "'";
    }
    script << "\n";
    script.close();
    std::filesystem::permissions(dir_ / "tor", std::filesystem::perms::owner_all);
    for (const auto& t : transports) {
      auto program = find_in_path(t);
      if (!program) throw std::runtime_error(t + " is missing: run scripts/bootstrap.sh");
      std::filesystem::create_symlink(*program, dir_ / t);
    }
  }
  std::string path() const { return dir_.path().string(); }
  std::filesystem::path pid_file() const { return dir_ / "tor.pid"; }
  // The process id of the last tor started through this directory, or 0.
  pid_t tor_pid() const {
    std::ifstream f(pid_file());
    pid_t pid = 0;
    f >> pid;
    return pid;
  }

 private:
  TempDir dir_;
};

// True once process `pid` no longer exists (or is a zombie nobody reaps).
inline bool process_gone(pid_t pid) {
  if (pid <= 0) return true;
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

inline bool wait_until_gone(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!process_gone(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// A directory on a RAM file system (/dev/shm) for XDG_RUNTIME_DIR in tests.
class RamDir {
 public:
  RamDir() {
    std::string tmpl = "/dev/shm/cairn-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot make a directory in /dev/shm");
    path_ = tmpl;
  }
  RamDir(const RamDir&) = delete;
  RamDir& operator=(const RamDir&) = delete;
  ~RamDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace cairn::test
