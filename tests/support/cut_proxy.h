// A loopback TCP proxy for fault tests: forwards each connection to
// 127.0.0.1:target and, by a rule chosen per connection (in accept order),
// passes it whole, cuts it (closes both sides) once the server has sent a
// given number of bytes to the client, or refuses it (closes at once).
// It also counts the bytes of every connection each way (traffic()): a
// loopback capture for the traffic-shape tests (docs/PROTOCOL.md, "Traffic
// shapes"). Bytes are counted before they are passed on, so whatever one
// side has received is already counted.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "support/loopback.h"

namespace cairn::test {

class CutProxy {
 public:
  struct Rule {
    std::optional<std::size_t> cut_after_server_bytes;  // none: pass everything
    bool refuse = false;
  };

  CutProxy(std::uint16_t target, std::function<Rule(std::size_t connection)> rule)
      : target_(target), rule_(std::move(rule)) {
    listen_fd_ = listen_loopback(port_);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  CutProxy(const CutProxy&) = delete;
  CutProxy& operator=(const CutProxy&) = delete;
  ~CutProxy() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    for (auto& t : pipes_) t.join();
  }

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::size_t connections() const { return accepted_; }

  struct Traffic {
    std::size_t client_to_server = 0;
    std::size_t server_to_client = 0;
    bool operator==(const Traffic&) const = default;
  };
  // The bytes of each connection so far, in accept order (refused ones: 0).
  [[nodiscard]] std::vector<Traffic> traffic() const {
    std::lock_guard lock(traffic_mutex_);
    return traffic_;
  }

 private:
  void accept_loop() {
    for (;;) {
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) {
        if (stopping_) return;
        continue;
      }
      const std::size_t index = accepted_++;
      {
        std::lock_guard lock(traffic_mutex_);
        traffic_.emplace_back();
      }
      Rule rule = rule_(index);
      if (rule.refuse) {
        ::close(client);
        continue;
      }
      int server = connect_loopback(target_);
      if (server < 0) {
        ::close(client);
        continue;
      }
      pipes_.emplace_back([this, client, server, rule, index] { pipe(client, server, rule, index); });
    }
  }

  // Copies both ways until either side closes, the cut point is reached, or the proxy stops.
  void pipe(int client, int server, Rule rule, std::size_t index) {
    std::size_t from_server = 0;
    std::uint8_t buf[16384];
    bool open = true;
    while (open && !stopping_) {
      pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(p, 2, 100) <= 0) continue;
      for (int side = 0; side < 2 && open; ++side) {
        if (!(p[side].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        std::size_t want = sizeof buf;
        if (side == 1 && rule.cut_after_server_bytes) want = std::min(want, *rule.cut_after_server_bytes - from_server);
        ssize_t n = want == 0 ? 0 : ::read(p[side].fd, buf, want);
        if (n <= 0) {
          open = false;
          break;
        }
        int to = side == 0 ? server : client;
        {
          std::lock_guard lock(traffic_mutex_);
          (side == 0 ? traffic_[index].client_to_server : traffic_[index].server_to_client) +=
              static_cast<std::size_t>(n);
        }
        for (ssize_t done = 0; done < n;) {
          ssize_t w = ::send(to, buf + done, static_cast<std::size_t>(n - done), MSG_NOSIGNAL);
          if (w <= 0) {
            open = false;
            break;
          }
          done += w;
        }
        if (side == 1) {
          from_server += static_cast<std::size_t>(n);
          if (rule.cut_after_server_bytes && from_server >= *rule.cut_after_server_bytes) open = false;
        }
      }
    }
    ::close(client);
    ::close(server);
  }

  std::uint16_t target_;
  std::function<Rule(std::size_t)> rule_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  std::thread acceptor_;
  std::vector<std::thread> pipes_;  // touched only by the acceptor, then by the destructor after it joined
  mutable std::mutex traffic_mutex_;
  std::vector<Traffic> traffic_;  // one per accepted connection, under traffic_mutex_
};

}  // namespace cairn::test
