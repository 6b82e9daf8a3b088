// The whole path a source in Russia takes, on a private Tor network on
// 127.0.0.1 (tests/support/tor_network.h): `cairn submit` starts its own
// private tor, which reaches the network only through an obfs4 bridge
// (obfs4proxy on both sides), then the relay's v3 onion service (configured
// with the torrc of docs/OPERATING.md, proof of work on) in front of a real
// `cairn-relay serve`; the drops are acknowledged, exported, and read on the
// analyst's station. `cairn check` goes the same way, and a Tor already
// running on the machine (found through TOR_SOCKS_PORT) is used when the
// source gives no bridge. Bounded: the network comes up and the round trips
// complete within a few minutes, and everything is stopped and removed.
// Label "tor" in CTest (ctest -LE tor leaves it out).
#include <gtest/gtest.h>

#include <fstream>

#include "analyst/station.h"
#include "client/codename.h"
#include "client/socks5.h"
#include "support/env.h"
#include "support/loopback.h"
#include "support/tor.h"
#include "support/tor_network.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kNetworkBudget = 240s;  // network up and the onion service reachable

// The onion service as docs/OPERATING.md configures it, in front of this relay.
std::vector<std::string> documented_onion_service(const fs::path& service_dir, std::uint16_t relay_port) {
  auto lines = test::documented_onion_service_torrc();
  for (auto& l : lines) {
    if (l.rfind("HiddenServiceDir ", 0) == 0) l = "HiddenServiceDir " + service_dir.string();
    if (l.rfind("HiddenServicePort ", 0) == 0) l = "HiddenServicePort 7443 127.0.0.1:" + std::to_string(relay_port);
  }
  return lines;
}

std::string quoted_tail(const std::string& s) { return s.size() > 3000 ? s.substr(s.size() - 3000) : s; }

TEST(PrivateTorNetwork, ASourceReachesTheOnionRelayThroughAnObfs4Bridge) {
  test::Station station;
  station.init("kim");
  test::TempDir relay_dir;
  auto relay = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv{test::relay_binary(), "--dir", (relay_dir / "relay").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = test::run_capture(argv);
    EXPECT_EQ(r.exit_code, 0) << "cairn-relay " << args[0] << ": " << r.err;
    return r;
  };
  auto relay_keys = test::first_line(relay({"init", "--organisation-key", station.org_text(), "--quota-bytes", "33554432"}).out);
  station.ok({"relay", "add", "relay-1", relay_keys});
  station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string(), "--pow-bits", "8"});
  relay({"publish", station.path("keys.cairn").string()});
  auto relay_port = test::fixed_loopback_port();
  test::Process serve({test::relay_binary(), "--dir", (relay_dir / "relay").string(), "serve", "--listen", "127.0.0.1",
                       "--port", std::to_string(relay_port), "--pow-bits", "4"});
  ASSERT_TRUE(test::wait_for_port(relay_port, 10s)) << "the relay did not start";

  // The network, the bridge, the relay's onion service, and a Tor "already
  // running" on this machine.
  std::optional<test::TorNetwork> network;
  auto& net = network.emplace();
  const auto root = net.root();
  ASSERT_EQ(net.start_core(), "");
  std::string bridge_line;
  ASSERT_EQ(net.start_obfs4_bridge(bridge_line, 60s), "");
  auto service_dir = net.root() / "onion-service";
  fs::create_directory(service_dir);
  fs::permissions(service_dir, fs::perms::owner_all);
  auto service_lines = documented_onion_service(service_dir, relay_port);
  service_lines.push_back("SocksPort 0");
  ASSERT_EQ(net.start_client("service", service_lines), "");
  auto system_socks = test::fixed_loopback_port();
  ASSERT_EQ(net.start_client("systemtor", {"SocksPort 127.0.0.1:" + std::to_string(system_socks)}), "");

  // The onion name, and the drop address the station makes from it (the
  // analyst's tool checks its v3 checksum).
  auto deadline = std::chrono::steady_clock::now() + kNetworkBudget;
  while (!fs::exists(service_dir / "hostname") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(fs::exists(service_dir / "hostname")) << net.log_of("service");
  auto onion = test::first_line(test::read_text(service_dir / "hostname"));
  ASSERT_EQ(onion.size(), 62u) << onion;
  auto address = test::first_line(
      station.ok({"keys", "address", "--relay", "relay-1", "--host", onion, "--port", "7443"}).out);

  // Until the onion service is reachable through the network.
  bool reachable = false;
  while (!reachable && std::chrono::steady_clock::now() < deadline) {
    ASSERT_EQ(net.dead_nodes(), "");
    auto s = client::connect_socks5({"127.0.0.1", system_socks}, onion, 7443, 20s);
    reachable = s.ok();
    if (!reachable) std::this_thread::sleep_for(2s);
  }
  ASSERT_TRUE(reachable) << "the onion service was not reachable within the budget\nservice:\n"
                         << quoted_tail(net.log_of("service")) << "\nsystem tor:\n"
                         << quoted_tail(net.log_of("systemtor"));

  // The source's machine: tor (kept in this network) and obfs4proxy in PATH,
  // no Tor where TOR_SOCKS_PORT points, tor's data in a RAM directory.
  test::PrivateNetworkPath bin(net.network_lines(), {"obfs4proxy"});
  test::RamDir runtime;
  test::TempDir sandbox;  // HOME, TMPDIR and the working directory: still empty at the end (promise 6)
  for (auto d : {"home", "tmp", "cwd"}) fs::create_directory(sandbox / d);
  const auto old_cwd = fs::current_path();
  fs::current_path(sandbox / "cwd");
  test::ScopedEnv home("HOME", (sandbox / "home").string());
  test::ScopedEnv tmp("TMPDIR", (sandbox / "tmp").string());
  test::ScopedEnv path("PATH", bin.path());
  test::ScopedEnv xdg("XDG_RUNTIME_DIR", runtime.path().string());
  const std::string korean = "저는 러시아 건설 현장에서 일했습니다. 임금을 석 달 동안 받지 못했습니다.";
  const std::string russian = "Паспорта забрал бригадир, зарплату не платили.";
  test::write_file(station.path("korean.txt"), as_bytes(korean));
  test::write_file(station.path("russian.txt"), as_bytes(russian));
  {
    test::ScopedEnv no_running_tor("TOR_SOCKS_PORT", std::to_string(test::free_loopback_port()));
    auto sent = test::run_capture({test::binary("client/cairn"), "submit", "--to", address, "--text",
                                   station.path("korean.txt").string(), "--bridge", bridge_line, "--tor-timeout",
                                   "180"});
    EXPECT_EQ(sent.exit_code, 0) << sent.err << quoted_tail(net.log_of("bridge"));
    EXPECT_NE(sent.out.find("delivered: 1 of 1"), std::string::npos) << sent.out << sent.err;
    EXPECT_NE(sent.err.find("cairn: connecting to Tor: 100%"), std::string::npos) << sent.err;
    EXPECT_NE(sent.err.find("through cairn's own tor and 1 bridge(s)"), std::string::npos) << sent.err;
    EXPECT_TRUE(test::wait_until_gone(bin.tor_pid(), 10s)) << "the client's tor outlived it";

    auto codename = client::format_codename(client::generate_codename(), client::Language::english);
    auto checked = test::run_capture({test::binary("client/cairn"), "check", "--to", address, "--bridge", bridge_line,
                                      "--tor-timeout", "180"},
                                     std::string(as_chars(codename.view())) + "\n");
    EXPECT_EQ(checked.exit_code, 0) << checked.err;
    EXPECT_NE(checked.out.find("no replies for this codename"), std::string::npos) << checked.out << checked.err;
    EXPECT_NE(checked.err.find("through cairn's own tor and 1 bridge(s)"), std::string::npos) << checked.err;
  }
  {
    // No bridge given, and a Tor runs here: it is found and used.
    test::ScopedEnv running_tor("TOR_SOCKS_PORT", std::to_string(system_socks));
    auto sent = test::run_capture({test::binary("client/cairn"), "submit", "--to", address, "--text",
                                   station.path("russian.txt").string()});
    EXPECT_EQ(sent.exit_code, 0) << sent.err;
    EXPECT_NE(sent.err.find("through the Tor already running at 127.0.0.1 port " + std::to_string(system_socks)),
              std::string::npos)
        << sent.err;
  }
  EXPECT_TRUE(fs::is_empty(runtime.path())) << "the client's tor left its directory behind";
  for (auto d : {"home", "tmp", "cwd"}) EXPECT_TRUE(fs::is_empty(sandbox / d)) << d << " is not empty";
  fs::current_path(old_cwd);

  // The analyst reads both.
  relay({"export", "--out", station.path("export.tar").string()});
  auto imported = station.ok({"import", station.path("export.tar").string()});
  EXPECT_NE(imported.out.find("2 new text testimon"), std::string::npos) << imported.out;
  auto list = station.ok({"list"});
  EXPECT_NE(list.out.find("저는 러시아 건설 현장에서 일했습니다."), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Паспорта забрал бригадир"), std::string::npos) << list.out;

  // Torn down: every tor stopped, every DataDirectory gone.
  auto pids = net.pids();
  EXPECT_TRUE(net.stop()) << "a tor did not stop on SIGTERM";
  for (auto pid : pids) EXPECT_TRUE(test::process_gone(pid));
  network.reset();
  EXPECT_FALSE(fs::exists(root)) << "the network's DataDirectories were left behind";
  serve.kill_and_wait(SIGTERM);
}

}  // namespace
}  // namespace cairn
