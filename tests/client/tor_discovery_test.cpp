// Finding a Tor already running on this machine (client/tor_discovery.h):
// where the client looks (the environment first, as Tor Browser sets it, then
// the usual ports), and telling Tor's SOCKS port from anything else, with a
// specific error and within a bounded time. The ports probed here are always
// ones this test opened: nothing depends on what runs on 9050 or 9150.
#include "client/tor_discovery.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "support/env.h"
#include "support/loopback.h"
#include "support/result.h"
#include "support/tor.h"

namespace cairn::client {
namespace {

using namespace std::chrono_literals;

using test::env_table;

TEST(TorDiscovery, LooksAtTheUsualPortsInOrder) {
  auto c = tor_socks_candidates(env_table({}));
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].host, "127.0.0.1");
  EXPECT_EQ((*c)[0].port, 9050);
  EXPECT_EQ((*c)[1].port, 9150);
}

TEST(TorDiscovery, ThePortTheEnvironmentNamesIsTheOnlyCandidate) {
  auto c = tor_socks_candidates(env_table({{"TOR_SOCKS_PORT", "9999"}}));
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].host, "127.0.0.1");
  EXPECT_EQ((*c)[0].port, 9999);
  auto h = tor_socks_candidates(env_table({{"TOR_SOCKS_PORT", "9151"}, {"TOR_SOCKS_HOST", "10.152.152.10"}}));
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].host, "10.152.152.10");
  for (const char* bad : {"abc", "0", "70000", "9050x", "-1"})
    EXPECT_EQ(test::code_of(tor_socks_candidates(env_table({{"TOR_SOCKS_PORT", bad}}))), Errc::malformed) << bad;
}

// A server on loopback that accepts one connection and answers it with
// `answer` (or never answers, when `answer` is empty).
class FakePort {
 public:
  explicit FakePort(std::string answer) {
    listener_ = test::listen_loopback(port_);
    thread_ = std::thread([this, answer] {
      int c = ::accept(listener_, nullptr, nullptr);
      if (c < 0) return;
      char buf[64];
      (void)::recv(c, buf, sizeof buf, 0);
      if (!answer.empty()) (void)::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      char wait_for_close[1];
      (void)::recv(c, wait_for_close, 1, 0);  // until the client hangs up
      ::close(c);
    });
  }
  ~FakePort() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  ProxyUrl url() const { return {"127.0.0.1", port_}; }

 private:
  std::uint16_t port_ = 0;
  int listener_ = -1;
  std::thread thread_;
};

TEST(TorDiscovery, GarbageIsNotTor) {
  FakePort garbage(std::string("\x05\x00garbage that no Tor would ever send\r\n", 40));
  auto r = probe_tor_socks(garbage.url(), 5s);
  EXPECT_EQ(test::code_of(r), Errc::protocol);
  EXPECT_NE(r.error().message.find("not as Tor does"), std::string::npos) << r.error().message;
}

TEST(TorDiscovery, AnHttpServerIsNotTor) {
  FakePort http("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>hello</html>\r\n");
  EXPECT_EQ(test::code_of(probe_tor_socks(http.url(), 5s)), Errc::protocol);
}

TEST(TorDiscovery, APortThatNeverAnswersTimesOut) {
  FakePort silent("");
  auto r = probe_tor_socks(silent.url(), 300ms);
  EXPECT_EQ(test::code_of(r), Errc::timeout);
}

TEST(TorDiscovery, NothingListeningIsNotFound) {
  auto free_port = test::free_loopback_port();
  EXPECT_EQ(test::code_of(probe_tor_socks({"127.0.0.1", free_port}, 5s)), Errc::not_found);
  EXPECT_EQ(test::code_of(find_running_tor({{"127.0.0.1", free_port}}, 5s)), Errc::not_found);
}

// Debian's microsocks is a real SOCKS5 server, but not Tor.
TEST(TorDiscovery, AnotherSocksServerIsNotTor) {
  auto microsocks = test::find_in_path("microsocks");
  ASSERT_TRUE(microsocks.has_value()) << "microsocks is missing: run scripts/bootstrap.sh";
  auto port = test::free_loopback_port();
  test::Process proxy({microsocks->string(), "-i", "127.0.0.1", "-p", std::to_string(port)});
  ASSERT_TRUE(test::wait_for_port(port, 5s));
  auto r = find_running_tor({{"127.0.0.1", port}}, 5s);
  EXPECT_EQ(test::code_of(r), Errc::protocol);
}

// Debian's tor (in a private test network, so it reaches nothing): its SOCKS
// port is recognised, and found after a candidate where nothing listens.
TEST(TorDiscovery, ARunningTorIsFound) {
  auto port = test::free_loopback_port();
  test::TorUnderTest tor;
  ASSERT_TRUE(tor.start({"SocksPort 127.0.0.1:" + std::to_string(port)})) << "tor is missing: run scripts/bootstrap.sh";
  ASSERT_TRUE(test::wait_for_port(port, 30s)) << tor.log();
  EXPECT_TRUE(probe_tor_socks({"127.0.0.1", port}, 5s).ok());
  auto found = find_running_tor({{"127.0.0.1", test::free_loopback_port()}, {"127.0.0.1", port}}, 5s);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->port, port);
}

TEST(StreamIsolation, EveryRouteGetsFreshCredentials) {
  ProxyUrl a{"127.0.0.1", 9050}, b{"127.0.0.1", 9050};
  isolate_streams(a);
  isolate_streams(b);
  EXPECT_EQ(a.isolation_username.size(), 32u);
  EXPECT_EQ(a.isolation_password.size(), 32u);
  EXPECT_NE(a.isolation_username, b.isolation_username);
  EXPECT_NE(a.isolation_password, b.isolation_password);
  EXPECT_NE(a.isolation_username, a.isolation_password);
}

}  // namespace
}  // namespace cairn::client
