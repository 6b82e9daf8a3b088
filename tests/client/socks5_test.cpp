#include "client/socks5.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/loopback.h"
#include "support/microsocks.h"
#include "support/process.h"

namespace cairn::client {
namespace {

using namespace std::chrono_literals;

TEST(ProxyUrl, Parses) {
  auto p = parse_proxy_url("socks5h://127.0.0.1:9050");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host, "127.0.0.1");
  EXPECT_EQ(p->port, 9050);
  auto v6 = parse_proxy_url("socks5h://[::1]:9150/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
}

TEST(ProxyUrl, RefusesLocalResolutionAndNonsense) {
  EXPECT_EQ(parse_proxy_url("socks5://127.0.0.1:9050").code(), Errc::unsafe);
  EXPECT_EQ(parse_proxy_url("http://127.0.0.1:8080").code(), Errc::malformed);
  EXPECT_EQ(parse_proxy_url("socks5h://127.0.0.1").code(), Errc::malformed);
  EXPECT_EQ(parse_proxy_url("socks5h://127.0.0.1:0").code(), Errc::malformed);
  EXPECT_EQ(parse_proxy_url("socks5h://127.0.0.1:70000").code(), Errc::malformed);
  EXPECT_EQ(parse_proxy_url("socks5h://:9050").code(), Errc::malformed);
}

// An echo server on loopback, reached through Debian's microsocks by a *name*
// the proxy must resolve (ATYP 3, as for a relay's host name). The name is
// "127.0.0.1" written as text: getaddrinfo turns it into the echo server's
// address without asking /etc/hosts or DNS, so the test means the same on
// every host ("localhost" may resolve to ::1 first, or not at all).
TEST(Socks5, ConnectsThroughARealProxyByName) {
  std::uint16_t echo_port = 0;
  int listener = test::listen_loopback(echo_port);
  std::thread echo([listener] {
    int c = ::accept(listener, nullptr, nullptr);
    if (c < 0) return;
    char buf[64];
    ssize_t n = ::recv(c, buf, sizeof buf, 0);
    if (n > 0) (void)::send(c, buf, static_cast<std::size_t>(n), 0);
    ::close(c);
  });
  // Whatever fails below, the echo thread is woken and joined before the
  // test returns (a joinable std::thread would abort the whole binary).
  struct Joiner {
    int fd;
    std::thread& t;
    ~Joiner() {
      ::shutdown(fd, SHUT_RDWR);
      t.join();
      ::close(fd);
    }
  } joiner{listener, echo};
  test::Process proxy;
  auto proxy_port = test::start_microsocks(proxy);
  ASSERT_NE(proxy_port, 0) << "microsocks is missing or would not start: run scripts/bootstrap.sh";

  auto s = connect_socks5({"127.0.0.1", proxy_port}, "127.0.0.1", echo_port, 5s);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s->write_all(as_bytes("hello"), 5s).ok());
  ByteArray<5> back{};
  ASSERT_TRUE(s->read_exact(back, 5s).ok());
  EXPECT_EQ(as_chars(back), "hello");
}

// The stream-isolation credentials are sent as RFC 1929 says: Debian's
// microsocks, configured to demand exactly these, lets the client through,
// and refuses other credentials with a specific error.
TEST(Socks5, IsolationCredentialsFollowRfc1929) {
  auto found = test::find_in_path("microsocks");
  ASSERT_TRUE(found.has_value()) << "microsocks is missing: run scripts/bootstrap.sh";
  std::uint16_t echo_port = 0;
  int listener = test::listen_loopback(echo_port);
  std::thread accept_one([listener] {
    int c = ::accept(listener, nullptr, nullptr);
    ::close(c);
  });
  ProxyUrl proxy{"127.0.0.1", test::free_loopback_port()};
  isolate_streams(proxy);
  test::Process microsocks({found->string(), "-i", "127.0.0.1", "-p", std::to_string(proxy.port), "-u",
                            proxy.isolation_username, "-P", proxy.isolation_password});
  ASSERT_TRUE(test::wait_for_port(proxy.port, 5s));

  ProxyUrl wrong = proxy;
  isolate_streams(wrong);
  auto refused = connect_socks5(wrong, "127.0.0.1", echo_port, 5s);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), Errc::protocol) << refused.error().message;

  auto s = connect_socks5(proxy, "127.0.0.1", echo_port, 5s);
  EXPECT_TRUE(s.ok()) << s.error().message;
  accept_one.join();
  ::close(listener);
}

// A hostile "proxy" that answers with garbage must give a specific error, fast.
void fake_proxy(int listener, Bytes reply) {
  int c = ::accept(listener, nullptr, nullptr);
  char buf[512];
  (void)::recv(c, buf, 3, 0);
  (void)::send(c, reply.data(), reply.size(), 0);
  std::this_thread::sleep_for(200ms);
  ::close(c);
}

TEST(Socks5, HostileProxyRepliesAreRejected) {
  struct Case {
    Bytes reply;
    Errc expected;
  };
  const Case cases[] = {
      {{0x04, 0x00}, Errc::protocol},     // not SOCKS5
      {{0x05, 0xff}, Errc::unsupported},  // wants authentication
      {{0x05}, Errc::io},                 // truncated, then closed
  };
  for (const auto& c : cases) {
    std::uint16_t port = 0;
    int listener = test::listen_loopback(port);
    std::thread t(fake_proxy, listener, c.reply);
    auto s = connect_socks5({"127.0.0.1", port}, "relay.example", 7443, 2s);
    t.join();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), c.expected) << s.error().message;
    ::close(listener);
  }
}

TEST(Socks5, SilentProxyTimesOut) {
  std::uint16_t port = 0;
  int listener = test::listen_loopback(port);  // accepts (backlog) but never answers
  auto s = connect_socks5({"127.0.0.1", port}, "relay.example", 7443, 300ms);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Errc::timeout);
  ::close(listener);
}

}  // namespace
}  // namespace cairn::client
