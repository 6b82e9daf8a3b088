// Running a real cairn-relay for the benchmarks: init, publish a key bundle,
// serve on a free loopback port; and reading a process's CPU time and memory.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "crypto/key_text.h"
#include "support/deployment.h"
#include "wire/file_kind.h"

extern char** environ;

namespace cairn::bench {

using namespace std::chrono_literals;

inline int run(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int status = -1;
  if (::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0) ::waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&fa);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A TCP connection to 127.0.0.1:port; -1 if it cannot be made.
inline int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  ::close(fd);
  return -1;
}

inline bool port_open(std::uint16_t port) {
  int fd = connect_loopback(port);
  if (fd >= 0) ::close(fd);
  return fd >= 0;
}

// A line of /proc/<pid>/status, in kB.
inline long proc_status_kb(pid_t pid, const std::string& key) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}

// utime + stime of a process, in seconds.
inline double cpu_seconds(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stol(field);
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Relay {
  pid_t pid = -1;
  std::uint16_t port = 0;
  crypto::DropAddress address;
};

// Starts `relay serve` on a free loopback port with the given options, after
// init and publishing a key bundle of drop_size drops (32 KiB unless said)
// and 0 bits of work.
inline Relay start_relay(const std::string& relay, const bench::TempDir& dir, const test::TestDeployment& d,
                         const std::vector<std::string>& serve_options, std::uint32_t drop_size = 32768) {
  auto rdir = (dir.path() / "relay").string();
  auto out = (dir.path() / "init.out").string();
  auto err = (dir.path() / "init.err").string();
  // Slots for every drop a run of a few seconds sends (32768 drops).
  const auto quota = std::to_string(std::uint64_t{1} << 30);
  if (run({relay, "--dir", rdir, "init", "--organisation-key", d.org_text(), "--quota-bytes", quota}, out, err) != 0)
    bench::die("relay init failed: " + slurp(err));
  auto text = slurp(out);
  auto keys = crypto::parse_relay_keys(text.substr(0, text.find('\n')));
  if (!keys.ok()) bench::die("cannot read the relay keys: " + keys.error().message);
  auto bundle_file = (dir.path() / "bundle.cairn").string();
  {
    auto bytes = wire::wrap_file(wire::FileKind::key_bundle, d.bundle(*keys, drop_size, 0));
    std::ofstream(bundle_file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  if (run({relay, "--dir", rdir, "publish", bundle_file}, out, err) != 0)
    bench::die("relay publish failed: " + slurp(err));

  Relay r;
  r.port = free_port();
  std::vector<std::string> argv{relay, "--dir", rdir, "serve", "--listen", "127.0.0.1", "--port",
                                std::to_string(r.port)};
  argv.insert(argv.end(), serve_options.begin(), serve_options.end());
  auto log = (dir.path() / "relay.log").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
  args.push_back(nullptr);
  if (::posix_spawn(&r.pid, args[0], &fa, nullptr, args.data(), environ) != 0) bench::die("cannot start the relay");
  posix_spawn_file_actions_destroy(&fa);
  for (int i = 0; i < 500 && !port_open(r.port); ++i) std::this_thread::sleep_for(20ms);
  if (!port_open(r.port)) bench::die("the relay did not start: " + slurp(log));
  crypto::DropAddress a;
  a.organisation_key = d.org.public_key;
  a.relays = {{keys->noise, "127.0.0.1", r.port}};
  r.address = a;
  return r;
}

}  // namespace cairn::bench
