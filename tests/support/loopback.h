// Tiny loopback TCP helpers for tests: a listening socket on 127.0.0.1 with
// a kernel-chosen port, and waiting for a port to accept connections.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <cstdint>
#include <stdexcept>
#include <thread>

namespace cairn::test {

inline int listen_loopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0)
    throw std::runtime_error("cannot listen on loopback");
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

// A port for a program that must be told its port in advance and cannot
// report one it chose (tor's ORPort, DirPort, SocksPort): free now, and
// outside the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range),
// so that no connect() and no bind to port 0 anywhere on the machine can take
// it before the program binds it. Concurrent test processes start their
// search at different places (by process id) and each call moves on.
inline std::uint16_t fixed_loopback_port() {
  unsigned lo = 32768, hi = 60999;
  {
    std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
    range >> lo >> hi;
  }
  unsigned first = 10000, last = lo > 0 ? lo - 1 : 0;
  if (last < first + 1000) first = hi + 1, last = 65535;  // an unusual range: use what lies above it
  const unsigned span = last - first + 1;
  static unsigned next = static_cast<unsigned>(::getpid()) * 7919u;
  for (unsigned k = 0; k < span; ++k) {
    auto port = static_cast<std::uint16_t>(first + (next++ % span));
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) return port;
  }
  throw std::runtime_error("no free loopback port outside the ephemeral range");
}

// The port a program started with `--port 0` reports with a line
// "listening on port N" in its log, written after byte `offset` (the log's
// size before the start); 0 if no such line came within the timeout. Unlike a
// port picked here and handed over, it cannot be taken by another process.
inline std::uint16_t wait_for_logged_port(const std::string& log_path, std::uintmax_t offset,
                                          std::chrono::milliseconds timeout) {
  const std::string marker = "listening on port ";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream f(log_path, std::ios::binary);
    std::string log((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (offset < log.size()) {
      auto at = log.find(marker, offset);
      if (at != std::string::npos && log.find('\n', at) != std::string::npos)
        return static_cast<std::uint16_t>(std::stoul(log.substr(at + marker.size())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

// The size of a log before a program appends to it (0 when it does not exist yet).
inline std::uintmax_t log_size(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// A port that was free a moment ago. Only for a program that cannot report
// the port it bound (use --port 0 and wait_for_logged_port where it can), or
// for an address where nothing is meant to listen.
inline std::uint16_t free_loopback_port() {
  std::uint16_t port = 0;
  int fd = listen_loopback(port);
  ::close(fd);
  return port;
}

inline int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True if a connection is waiting to be accepted on listening socket fd
// (someone connected to it).
inline bool has_pending_connection(int listen_fd) {
  pollfd p{listen_fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

inline bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = connect_loopback(port);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace cairn::test
