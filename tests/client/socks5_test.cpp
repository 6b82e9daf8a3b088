#include "client/socks5.h"

#include <gtest/gtest.h>

#include <poll.h>

#include <thread>
#include <vector>

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

// A proxy that answers the CONNECTs it receives with the given reply codes in
// turn (0x00: connected), one connection each, and counts them. It stops when
// the script is used up or no client comes for 20 s.
class ScriptedProxy {
 public:
  explicit ScriptedProxy(std::vector<std::uint8_t> replies) : replies_(std::move(replies)) {
    listener_ = test::listen_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedProxy() {
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }
  // Waits for the proxy to finish; the number of CONNECTs it answered.
  int connects() {
    if (thread_.joinable()) thread_.join();
    return connects_;
  }

 private:
  void serve() {
    for (std::uint8_t code : replies_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20'000) != 1) return;
      int c = ::accept(listener_, nullptr, nullptr);
      std::uint8_t buf[300];
      // Greeting (05 01 00), then CONNECT: 05 01 00 03 LEN NAME PORT.
      bool ok = ::recv(c, buf, 3, MSG_WAITALL) == 3 && ::send(c, "\x05\x00", 2, 0) == 2 &&
                ::recv(c, buf, 5, MSG_WAITALL) == 5 && ::recv(c, buf + 5, buf[4] + 2, MSG_WAITALL) == buf[4] + 2;
      if (ok) {
        ++connects_;
        const std::uint8_t reply[10] = {0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
        (void)::send(c, reply, sizeof reply, 0);
      }
      ::close(c);
    }
  }
  std::vector<std::uint8_t> replies_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  int connects_ = 0;
  std::thread thread_;
};

constexpr auto kOnion = "cairnrelayexampleaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion";
constexpr OnionRetry kQuickRetry{3, 10ms};

TEST(Socks5OnionRetry, ATransientOnionFailureIsAskedAgainUntilTorConnects) {
  for (std::uint8_t transient : std::initializer_list<std::uint8_t>{0xf0, 0xf2, 0xf3, 0xf7}) {
    ScriptedProxy proxy({transient, transient, 0x00});
    auto s = connect_socks5({"127.0.0.1", proxy.port()}, kOnion, 7443, 2s, kQuickRetry);
    EXPECT_TRUE(s.ok()) << int(transient) << ": " << s.error().message;
    EXPECT_EQ(proxy.connects(), 3) << int(transient);
  }
}

TEST(Socks5OnionRetry, ThreeTransientFailuresGiveUpAfterTwoPausesWithTorsReason) {
  ScriptedProxy proxy({0xf0, 0xf0, 0xf0, 0x00});
  const auto start = std::chrono::steady_clock::now();
  auto s = connect_socks5({"127.0.0.1", proxy.port()}, kOnion, 7443, 2s);  // the defaults
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Errc::io);
  EXPECT_NE(s.error().message.find("cannot find the onion service"), std::string::npos) << s.error().message;
  EXPECT_GE(took, 6s);  // two pauses of 3 s
  (void)connect_socks5({"127.0.0.1", proxy.port()}, "x.onion", 7443, 2s, {1, 0ms});  // lets the proxy finish
  EXPECT_EQ(proxy.connects(), 4);  // three from the failed call, one from the line above
}

TEST(Socks5OnionRetry, OtherFailuresAndOtherHostsAreNotAskedAgain) {
  struct Case {
    const char* host;
    std::uint8_t reply;
  };
  const Case cases[] = {
      {kOnion, 0xf6},              // invalid onion address: asking again cannot help
      {kOnion, 0x05},              // refused
      {kOnion, 0xf4},              // client authorization wanted
      {"relay.example", 0xf0},     // an onion error code, but not a .onion
      {"relay.example.onion.ru", 0xf0},
  };
  for (const auto& c : cases) {
    ScriptedProxy proxy({c.reply, 0x00});
    auto s = connect_socks5({"127.0.0.1", proxy.port()}, c.host, 7443, 2s, kQuickRetry);
    EXPECT_FALSE(s.ok()) << c.host << " " << int(c.reply);
    // Release the proxy's second answer so it stops; only one CONNECT came from the call.
    (void)connect_socks5({"127.0.0.1", proxy.port()}, "x.onion", 7443, 2s, {1, 0ms});
    EXPECT_EQ(proxy.connects(), 2) << c.host << " " << int(c.reply);
  }
}

}  // namespace
}  // namespace cairn::client
