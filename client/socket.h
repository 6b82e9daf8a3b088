// The source client's connection: a blocking TCP socket whose every read and
// write has a deadline (poll), so a stalled relay or proxy cannot hang the
// source's terminal forever.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::client {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();

  [[nodiscard]] Status write_all(ByteView data, std::chrono::milliseconds timeout);
  [[nodiscard]] Status read_exact(MutableByteView out, std::chrono::milliseconds timeout);
  [[nodiscard]] bool is_open() const { return fd_ >= 0; }
  [[nodiscard]] int fd() const { return fd_; }
  void close();
  // Ends both directions without closing the descriptor: a read or write
  // blocked in another thread returns at once with an error.
  void shutdown();

 private:
  int fd_ = -1;
};

// Resolves host (locally) and connects. Used only without a proxy.
[[nodiscard]] Result<Socket> connect_tcp(const std::string& host, std::uint16_t port,
                                         std::chrono::milliseconds timeout);

}  // namespace cairn::client
