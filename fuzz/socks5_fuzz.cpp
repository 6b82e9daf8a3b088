// What a SOCKS5 proxy answers (the client trusts nothing it says): a proxy on
// 127.0.0.1 in this process reads the client's greeting and request and
// answers with the input, then closes. connect_socks5 must refuse or accept,
// never crash, never read past what the reply announced.
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "client/socks5.h"
#include "fuzz/fuzz_target.h"
#include "support/loopback.h"

namespace {
std::mutex reply_mutex;
std::vector<std::uint8_t> reply;

std::uint16_t proxy_port() {
  static const std::uint16_t port = [] {
    std::uint16_t p = 0;
    int listener = cairn::test::listen_loopback(p);
    std::thread([listener] {
      for (;;) {
        int c = ::accept(listener, nullptr, nullptr);
        if (c < 0) continue;
        std::uint8_t buf[600];
        (void)::recv(c, buf, 3, MSG_WAITALL);  // greeting
        std::vector<std::uint8_t> r;
        {
          std::lock_guard lock(reply_mutex);
          r = reply;
        }
        // The method choice (the first two bytes), then the rest once the
        // request has arrived, as a real proxy would. The client sends a
        // request only after "version 5, no authentication".
        std::size_t first = std::min<std::size_t>(2, r.size());
        (void)::send(c, r.data(), first, MSG_NOSIGNAL);
        if (first == 2 && r[0] == 5 && r[1] == 0) {
          (void)::recv(c, buf, sizeof buf, 0);
          if (r.size() > first) (void)::send(c, r.data() + first, r.size() - first, MSG_NOSIGNAL);
        }
        ::shutdown(c, SHUT_RDWR);
        ::close(c);
      }
    }).detach();
    return p;
  }();
  return port;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  if (size > 600) return 0;
  auto port = proxy_port();
  {
    std::lock_guard lock(reply_mutex);
    reply.assign(data, data + size);
  }
  (void)cairn::client::connect_socks5({"127.0.0.1", port}, "relay.example.org", 7443, 2s);
  return 0;
}
