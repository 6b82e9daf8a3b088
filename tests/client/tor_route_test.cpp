// How the client chooses its way to the relay (client/tor_route.h,
// client/relay_connection.h): Tor unless the source asked for --direct, and a
// .onion name only ever through Tor. Loopback only.
#include "client/tor_route.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "client/submit.h"
#include "support/deployment.h"
#include "support/process.h"
#include "support/relay_fixture.h"
#include "support/subprocess.h"
#include "support/loopback.h"
#include "support/result.h"

namespace cairn {
namespace {


crypto::DropAddress address_at(const std::string& host, std::uint16_t port) {
  crypto::DropAddress a;
  a.organisation_key = crypto::ed25519_generate().public_key;
  a.relays = {{crypto::x25519_generate().public_key, host, port}};
  return a;
}

const std::string kOnion = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";

// The library refuses too, not only the CLI: ConnectOptions with neither a
// proxy nor `direct` never opens a socket to the relay.
TEST(TorRoute, ConnectionWithoutAProxyOrDirectIsRefused) {
  std::uint16_t port = 0;
  int listener = test::listen_loopback(port);
  auto conn = client::RelayConnection::open(address_at("127.0.0.1", port), client::ConnectOptions{});
  EXPECT_EQ(test::code_of(conn), Errc::unsafe);
  EXPECT_FALSE(test::has_pending_connection(listener));
  ::close(listener);
}

TEST(TorRoute, OnionWithoutAProxyIsRefusedEvenWhenDirect) {
  client::ConnectOptions o;
  o.direct = true;
  auto conn = client::RelayConnection::open(address_at(kOnion, 7443), o);
  EXPECT_EQ(test::code_of(conn), Errc::unsafe);

  std::string hint;
  client::RouteRequest direct;
  direct.direct = true;
  auto route = client::open_route(address_at(kOnion, 7443), direct, hint);
  EXPECT_EQ(test::code_of(route), Errc::unsafe);
  EXPECT_NE(hint.find("leave out --direct"), std::string::npos) << hint;
}

TEST(TorRoute, DirectIsUsedOnlyWhenAskedFor) {
  std::string hint;
  client::RouteRequest direct;
  direct.direct = true;
  auto route = client::open_route(address_at("127.0.0.1", 7443), direct, hint);
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_TRUE(route->connect.direct);
  EXPECT_FALSE(route->connect.proxy.has_value());
  auto warning = client::direct_connection_warning(address_at("127.0.0.1", 7443).relays.front());
  EXPECT_NE(warning.find("127.0.0.1 port 7443 without Tor"), std::string::npos) << warning;
  EXPECT_NE(warning.find("IP address"), std::string::npos) << warning;
}

TEST(TorRoute, AGivenProxyIsUsedAndNeverDirect) {
  std::string hint;
  client::RouteRequest proxied;
  proxied.proxy = "socks5h://127.0.0.1:9150";
  auto route = client::open_route(address_at(kOnion, 7443), proxied, hint);
  ASSERT_TRUE(route.ok()) << route.error().message;
  ASSERT_TRUE(route->connect.proxy.has_value());
  EXPECT_EQ(route->connect.proxy->port, 9150);
  EXPECT_FALSE(route->connect.direct);

  proxied.proxy = "socks5://127.0.0.1:9150";
  EXPECT_EQ(test::code_of(client::open_route(address_at(kOnion, 7443), proxied, hint)), Errc::unsafe);
  EXPECT_NE(hint.find("socks5h://"), std::string::npos) << hint;
}

// The organisation's signed bridges are used only for a source who chose no
// route, and only the lines cairn can run.
TEST(TorRoute, BundleBridgesOnlyWhenTheSourceGaveNone) {
  const std::string obfs4 = "obfs4 192.0.2.1:443 0123456789ABCDEF0123456789ABCDEF01234567 cert=AAAA iat-mode=0";
  const std::string webtunnel = "webtunnel 192.0.2.2:443 0123456789ABCDEF0123456789ABCDEF01234567 url=https://x/";
  client::RouteRequest nothing;
  nothing.tor_timeout = std::chrono::seconds(42);
  auto used = client::route_with_bundle_bridges(nothing, {obfs4, webtunnel});
  ASSERT_TRUE(used.has_value());
  ASSERT_EQ(used->bridges.size(), 1u);
  EXPECT_EQ(used->bridges[0].line, obfs4);
  EXPECT_EQ(used->tor_timeout, std::chrono::seconds(42));
  EXPECT_FALSE(client::route_with_bundle_bridges(nothing, {}).has_value());
  EXPECT_FALSE(client::route_with_bundle_bridges(nothing, {webtunnel}).has_value());

  client::RouteRequest proxy = nothing, direct = nothing, bridges = nothing;
  proxy.proxy = "socks5h://127.0.0.1:9150";
  direct.direct = true;
  bridges.bridges = {test::must(client::parse_bridge_line(obfs4), "bridge")};
  for (const auto* chosen : {&proxy, &direct, &bridges})
    EXPECT_FALSE(client::route_with_bundle_bridges(*chosen, {obfs4}).has_value());
}

// A reconnect that fails is retried once on the route `reroute` gives, with
// the verified bundle in hand: here the first SOCKS proxy dies after the
// first drop, and the second one carries the rest.
TEST(TorRoute, AFailedReconnectIsReroutedOnce) {
  auto microsocks = test::find_in_path("microsocks");
  ASSERT_TRUE(microsocks.has_value()) << "microsocks is missing: run scripts/bootstrap.sh";
  test::RelayUnderTest r;
  r.init();
  r.serve({"--drops-per-connection", "1"});
  client::ProxyUrl first{"127.0.0.1", test::free_loopback_port()}, second{"127.0.0.1", test::free_loopback_port()};
  test::Process proxy1({microsocks->string(), "-i", "127.0.0.1", "-p", std::to_string(first.port)});
  test::Process proxy2({microsocks->string(), "-i", "127.0.0.1", "-p", std::to_string(second.port)});
  ASSERT_TRUE(test::wait_for_port(first.port, std::chrono::seconds(5)));
  ASSERT_TRUE(test::wait_for_port(second.port, std::chrono::seconds(5)));

  client::SubmissionInput in;
  const std::string text(40000, 'x');  // two drops: two connections
  in.text = text;
  client::SubmitOptions o;
  o.connect.proxy = first;
  o.connect.connect_timeout = std::chrono::seconds(5);
  o.connect.io_timeout = std::chrono::seconds(10);
  o.progress = [&](std::size_t done, std::size_t) {
    if (done == 1) proxy1.kill_and_wait(SIGKILL);
  };
  int reroutes = 0;
  o.reroute = [&](const crypto::VerifiedKeyBundle& bundle, const Error& why) -> std::optional<client::ConnectOptions> {
    ++reroutes;
    EXPECT_EQ(bundle.relay_noise_key, r.relay_keys.noise);
    EXPECT_EQ(why.code, Errc::io) << why.message;
    client::ConnectOptions other = o.connect;
    other.proxy = second;
    return other;
  };
  auto report = client::submit(r.parsed_address(), in, o, today_utc());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->drops_acknowledged, 2u);
  EXPECT_EQ(reroutes, 1);

  // With no other route, the failure stands.
  test::Process proxy3({microsocks->string(), "-i", "127.0.0.1", "-p", std::to_string(first.port)});
  ASSERT_TRUE(test::wait_for_port(first.port, std::chrono::seconds(5)));
  o.progress = [&](std::size_t done, std::size_t) {
    if (done == 1) proxy3.kill_and_wait(SIGKILL);
  };
  o.reroute = [](const crypto::VerifiedKeyBundle&, const Error&) { return std::optional<client::ConnectOptions>{}; };
  auto failed = client::submit(r.parsed_address(), in, o, today_utc());
  EXPECT_EQ(test::code_of(failed), Errc::io);
  EXPECT_EQ(r.stop(), 0);
}

}  // namespace
}  // namespace cairn
