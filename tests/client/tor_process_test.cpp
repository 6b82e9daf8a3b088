// The client's own private tor (client/tor_process.h, client/tor_config.h):
// the production configuration, read and parsed by tor but never run against
// the Tor network; and, with Debian's tor kept inside a private test network
// on loopback, what the source sees when tor is missing, when a transport is
// missing, when tor never bootstraps (a bridge that is down), and that tor
// dies with the client and leaves nothing on disk.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <regex>

#include "client/codename.h"
#include "client/tor_config.h"
#include "client/tor_process.h"
#include "support/deployment.h"
#include "support/env.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/result.h"
#include "support/tor.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;

using test::env_table;

client::BridgeLine bridge(const std::string& line) { return test::must(client::parse_bridge_line(line), "bridge"); }

const std::string kFingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
const std::string kObfs4 = "obfs4 192.0.2.1:443 " + kFingerprint +
                           " cert=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA iat-mode=0";
const std::string kSnowflake = "snowflake 192.0.2.3:80 " + kFingerprint + " fingerprint=" + kFingerprint +
                               " url=https://snowflake-broker.example/ fronts=cdn.example ice=stun:stun.example:3478";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// The production torrc, read line by line: what it must hold, and what it
// must never hold (test-network settings, log files, anything on disk).
TEST(PrivateTorConfig, ProductionDefaultsAreSafe) {
  client::PrivateTorSettings s;
  s.directory = "/run/user/1000/cairn-tor-abcdef";
  s.owner_pid = 4242;
  s.bridges = {bridge(kObfs4), bridge(kSnowflake), bridge("Bridge 192.0.2.9:9001 " + kFingerprint)};
  s.transport_programs = {{"obfs4", "/usr/bin/obfs4proxy"}, {"snowflake", "/usr/bin/snowflake-client"}};
  auto rc = client::private_torrc(s);
  ASSERT_TRUE(rc.ok()) << rc.error().message;
  auto lines = lines_of(*rc);
  for (const char* expected : {
           "DataDirectory /run/user/1000/cairn-tor-abcdef/data",
           "ControlPort unix:/run/user/1000/cairn-tor-abcdef/control",
           "CookieAuthentication 1",
           "CookieAuthFile /run/user/1000/cairn-tor-abcdef/control.cookie",
           "__OwningControllerProcess 4242",
           "SocksPort 127.0.0.1:auto IsolateSOCKSAuth ExtendedErrors",
           "ClientOnly 1",
           "AvoidDiskWrites 1",
           "SafeLogging 1",
           "Log err stdout",
           "DisableNetwork 1",
           "UseBridges 1",
           "ClientTransportPlugin obfs4 exec /usr/bin/obfs4proxy",
           "ClientTransportPlugin snowflake exec /usr/bin/snowflake-client",
       })
    EXPECT_TRUE(has_line(lines, expected)) << expected << "\n" << *rc;
  EXPECT_TRUE(has_line(lines, "Bridge " + kObfs4)) << *rc;
  EXPECT_TRUE(has_line(lines, "Bridge " + kSnowflake)) << *rc;
  EXPECT_TRUE(has_line(lines, "Bridge 192.0.2.9:9001 " + kFingerprint)) << *rc;
  for (const auto& l : lines) {
    EXPECT_EQ(l.find("Testing"), std::string::npos) << l;
    EXPECT_EQ(l.find("DirAuthority"), std::string::npos) << l;
    EXPECT_EQ(l.find("file"), std::string::npos) << l;  // no log file
    EXPECT_EQ(l.find("0.0.0.0"), std::string::npos) << l;
  }

  // Without bridges: none of the bridge options.
  s.bridges.clear();
  auto plain = client::private_torrc(s);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->find("UseBridges"), std::string::npos);
  EXPECT_EQ(plain->find("ClientTransportPlugin"), std::string::npos);

  // A path tor would misread is refused, not quoted and hoped for.
  s.directory = "/tmp/a dir";
  EXPECT_EQ(test::code_of(client::private_torrc(s)), Errc::invalid_argument);
}

// Debian's tor parses the production configuration (--verify-config reads
// and checks it, and exits without starting).
TEST(PrivateTorConfig, DebiansTorAcceptsIt) {
  auto tor = test::find_in_path("tor");
  ASSERT_TRUE(tor) << "tor is missing: run scripts/bootstrap.sh";
  test::RamDir dir;
  client::PrivateTorSettings s;
  s.directory = dir.path();
  s.owner_pid = ::getpid();
  s.bridges = {bridge(kObfs4), bridge(kSnowflake)};
  s.transport_programs = {{"obfs4", "/usr/bin/obfs4proxy"}, {"snowflake", "/usr/bin/snowflake-client"}};
  auto rc = client::private_torrc(s);
  ASSERT_TRUE(rc.ok());
  test::write_file(dir.path() / "torrc", as_bytes(*rc));
  auto out = dir.path() / "verify.log";
  EXPECT_EQ(test::run({tor->string(), "--verify-config", "--defaults-torrc", "/dev/null", "-f",
                       (dir.path() / "torrc").string()},
                      out, out),
            0)
      << test::read_text(out);
}

TEST(BridgeLines, AsTorBrowserGivesThem) {
  auto o = client::parse_bridge_line("  " + kObfs4 + "\r");
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->transport, "obfs4");
  EXPECT_EQ(o->line, kObfs4);
  auto torrc_form = client::parse_bridge_line("Bridge " + kSnowflake);
  ASSERT_TRUE(torrc_form.ok());
  EXPECT_EQ(torrc_form->transport, "snowflake");
  EXPECT_EQ(torrc_form->line, kSnowflake);
  auto vanilla = client::parse_bridge_line("[2001:db8::1]:443 " + kFingerprint);
  ASSERT_TRUE(vanilla.ok());
  EXPECT_EQ(vanilla->transport, "");

  auto file = client::parse_bridge_lines("# from bridges.torproject.org\n\n" + kObfs4 + "\r\n" + kSnowflake + "\n");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->size(), 2u);
}

TEST(BridgeLines, BadLinesGetSpecificErrors) {
  struct Case {
    std::string line;
    Errc code;
    std::string message;
  };
  const Case cases[] = {
      {"", Errc::malformed, "empty"},
      {"hello world", Errc::malformed, "not a bridge line"},
      {"obfs4 " + kFingerprint, Errc::malformed, "not a bridge line"},
      {"obfs4 192.0.2.1:0 " + kFingerprint, Errc::malformed, "not a bridge line"},
      {"webtunnel 192.0.2.1:443 " + kFingerprint + " url=https://x.example/", Errc::unsupported, "webtunnel"},
      {kObfs4 + "\nControlPort 9051", Errc::malformed, "character"},
      {kObfs4 + " \"quoted\"", Errc::malformed, "character"},
      {kObfs4 + " # comment", Errc::malformed, "character"},
      {"obfs4 192.0.2.1:443 " + std::string(3000, 'A'), Errc::too_large, "longer than"},
  };
  for (const auto& c : cases) {
    auto r = client::parse_bridge_line(c.line);
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.code(), c.code) << c.line;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
  }
  auto file = client::parse_bridge_lines(kObfs4 + "\nnot a bridge\n");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("line 2"), std::string::npos) << file.error().message;
  std::string many;
  for (int i = 0; i < 65; ++i) many += kObfs4 + "\n";
  EXPECT_EQ(test::code_of(client::parse_bridge_lines(many)), Errc::too_large);
}

TEST(BootstrapPhase, ParsesTorsStatus) {
  auto p = client::parse_bootstrap_phase(
      "NOTICE BOOTSTRAP PROGRESS=45 TAG=requesting_descriptors SUMMARY=\"Asking for relay descriptors\"");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->progress, 45);
  EXPECT_EQ(p->tag, "requesting_descriptors");
  EXPECT_EQ(p->summary, "Asking for relay descriptors");
  auto w = client::parse_bootstrap_phase(
      "WARN BOOTSTRAP PROGRESS=1 TAG=conn_pt SUMMARY=\"Connecting to pluggable transport\" WARNING=\"Connection "
      "refused\" REASON=CONNECTREFUSED COUNT=3 RECOMMENDATION=warn");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->warning, "Connection refused");
  EXPECT_EQ(w->reason, "CONNECTREFUSED");
  EXPECT_EQ(test::code_of(client::parse_bootstrap_phase("NOTICE BOOTSTRAP TAG=done")), Errc::protocol);
  EXPECT_EQ(test::code_of(client::parse_bootstrap_phase("NOTICE BOOTSTRAP PROGRESS=101")), Errc::protocol);
}

TEST(PrivateTor, RamDirectoryIsNeverOnDisk) {
  test::TempDir on_disk;  // the test's temporary directory (not /dev/shm)
  auto chosen = client::ram_directory(env_table({{"XDG_RUNTIME_DIR", on_disk.path().string()}}));
  ASSERT_TRUE(chosen.ok()) << chosen.error().message;
  EXPECT_EQ(chosen->string(), "/dev/shm");
  test::RamDir ram;
  auto runtime = client::ram_directory(env_table({{"XDG_RUNTIME_DIR", ram.path().string()}}));
  ASSERT_TRUE(runtime.ok());
  EXPECT_EQ(*runtime, ram.path());
}

TEST(PrivateTor, MissingTorIsNamedWithTheDebianPackage) {
  test::TempDir empty;
  std::string hint;
  client::PrivateTorOptions o;
  o.env = env_table({{"PATH", empty.path().string()}});
  auto tor = client::PrivateTor::start(o, hint);
  EXPECT_EQ(test::code_of(tor), Errc::not_found);
  EXPECT_NE(tor.error().message.find("tor is not installed"), std::string::npos) << tor.error().message;
  EXPECT_NE(hint.find("sudo apt install tor"), std::string::npos) << hint;
}

TEST(PrivateTor, AMissingTransportIsNamedWithItsPackage) {
  test::PrivateNetworkPath only_tor(test::private_network_lines({}));  // tor, and no transport at all
  test::RamDir ram;
  struct Case {
    std::string line, program;
  };
  for (const auto& c : {Case{kObfs4, "obfs4proxy"}, Case{kSnowflake, "snowflake-client"}}) {
    std::string hint;
    client::PrivateTorOptions o;
    o.env = env_table({{"PATH", only_tor.path()}, {"XDG_RUNTIME_DIR", ram.path().string()}});
    o.bridges = {bridge(c.line)};
    auto tor = client::PrivateTor::start(o, hint);
    EXPECT_EQ(test::code_of(tor), Errc::not_found);
    EXPECT_NE(tor.error().message.find("needs " + c.program + " (Debian package " + c.program + ")"),
              std::string::npos)
        << tor.error().message;
    EXPECT_NE(hint.find("sudo apt install " + c.program), std::string::npos) << hint;
    EXPECT_EQ(only_tor.tor_pid(), 0) << "tor was started although it could not use the bridge";
  }
  EXPECT_TRUE(std::filesystem::is_empty(ram.path()));
}

// A sandbox for a run of `cairn`: HOME, TMPDIR and the working directory are
// empty directories, XDG_RUNTIME_DIR a RAM directory, PATH the private
// network's tor, and no running Tor where the environment says it would be.
struct ClientSandbox {
  test::TempDir root;
  test::RamDir runtime;
  std::filesystem::path old_cwd = std::filesystem::current_path();
  std::optional<test::ScopedEnv> home, tmp, xdg, path, socks;
  explicit ClientSandbox(const test::PrivateNetworkPath& bin) {
    for (auto d : {"cwd", "home", "tmp"}) std::filesystem::create_directory(root / d);
    home.emplace("HOME", (root / "home").string());
    tmp.emplace("TMPDIR", (root / "tmp").string());
    xdg.emplace("XDG_RUNTIME_DIR", runtime.path().string());
    path.emplace("PATH", bin.path());
    socks.emplace("TOR_SOCKS_PORT", std::to_string(test::free_loopback_port()));
    std::filesystem::current_path(root / "cwd");
  }
  ~ClientSandbox() { std::filesystem::current_path(old_cwd); }
  // Promise 6: nothing in HOME, TMPDIR, the working directory, and tor's RAM
  // directory removed.
  void expect_nothing_left() const {
    for (auto d : {"cwd", "home", "tmp"}) EXPECT_TRUE(std::filesystem::is_empty(root / d)) << d << " is not empty";
    EXPECT_TRUE(std::filesystem::is_empty(runtime.path())) << "tor's RAM directory was left behind";
  }
};

std::string some_address(const test::TestDeployment& d) {
  return d.address(crypto::x25519_generate().public_key, "127.0.0.1", test::free_loopback_port());
}

// A bridge that is down: tor never bootstraps. The client shows tor's
// progress, gives up at --tor-timeout with a specific error and a hint, does
// not connect any other way, stops tor, and leaves nothing behind.
TEST(PrivateTor, ABridgeThatIsDownFailsInBoundedTimeWithAHint) {
  test::PrivateNetworkPath bin(test::private_network_lines({}));
  ClientSandbox box(bin);
  test::TestDeployment d;
  std::uint16_t relay_port = 0;
  int relay_listener = test::listen_loopback(relay_port);  // where a direct connection would arrive
  const std::string down = "127.0.0.1:" + std::to_string(test::free_loopback_port()) + " " + kFingerprint;
  auto run = test::run_capture({test::binary("client/cairn"), "submit", "--to",
                                d.address(crypto::x25519_generate().public_key, "127.0.0.1", relay_port), "--bridge",
                                down, "--tor-timeout", "10"},
                               "testimony");
  EXPECT_FALSE(test::has_pending_connection(relay_listener)) << "the client fell back to a direct connection";
  ::close(relay_listener);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(std::regex_search(run.err, std::regex("cairn: connecting to Tor: [0-9]+% \\(")) ) << run.err;
  EXPECT_NE(run.err.find("cairn: error: tor could not connect to the Tor network within 10 seconds"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("cairn: hint: the bridges may be blocked or offline: try other bridges, or another type"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("delivered"), std::string::npos) << run.err;
  EXPECT_NE(bin.tor_pid(), 0) << "tor never ran";
  EXPECT_TRUE(test::wait_until_gone(bin.tor_pid(), 5s)) << "tor outlived the client";
  box.expect_nothing_left();
}

// TAKEOWNERSHIP: when the client is killed (no chance to clean up), its tor
// exits at once instead of running on.
TEST(PrivateTor, TorDiesWithTheClient) {
  test::PrivateNetworkPath bin(test::private_network_lines({}));
  ClientSandbox box(bin);
  test::TestDeployment d;
  test::TempDir out;
  const std::string down = "127.0.0.1:" + std::to_string(test::free_loopback_port()) + " " + kFingerprint;
  test::write_file(out / "text.txt", as_bytes("testimony"));
  test::Process client;
  ASSERT_TRUE(client.start({test::binary("client/cairn"), "submit", "--to", some_address(d), "--text",
                            (out / "text.txt").string(), "--bridge", down, "--tor-timeout", "120"},
                           (out / "stderr").string()));
  // Until tor is owned and connecting (the client prints its progress).
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (test::read_text(out / "stderr").find("connecting to Tor:") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  ASSERT_NE(test::read_text(out / "stderr").find("connecting to Tor:"), std::string::npos)
      << test::read_text(out / "stderr");
  pid_t tor = bin.tor_pid();
  ASSERT_FALSE(test::process_gone(tor));
  client.kill_and_wait(SIGKILL);
  EXPECT_TRUE(test::wait_until_gone(tor, 10s)) << "tor kept running after its client was killed";
}

}  // namespace
}  // namespace cairn
