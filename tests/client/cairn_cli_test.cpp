// Smoke tests of the real `cairn` binary: a submission through a real SOCKS5
// proxy (Debian's microsocks) to a real relay, and the specific errors a
// source sees for the mistakes a source makes. Loopback only.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <thread>

#include "client/codename.h"
#include "support/env.h"
#include "support/host_isolation.h"
#include "support/loopback.h"
#include "support/microsocks.h"
#include "support/process.h"
#include "support/relay_fixture.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;
using test::RelayUnderTest;

test::RunResult cairn_submit(std::vector<std::string> args, const std::string& stdin_text = {}) {
  std::vector<std::string> argv{test::binary("client/cairn"), "submit"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_capture(argv, stdin_text);
}

// The drop address of a relay that is not running (nothing listens there).
std::string address_of_nothing(const test::TestDeployment& d) {
  return d.address(crypto::x25519_generate().public_key, "127.0.0.1", test::free_loopback_port());
}

std::string stored_drops_line(const RelayUnderTest& r) {
  auto status = test::run_capture(r.relay_cmd({"status"}));
  auto at = status.out.find("drops stored:");
  return at == std::string::npos ? status.out + status.err : status.out.substr(at, status.out.find('\n', at) - at);
}

TEST(CairnCli, SubmitsThroughARealSocks5Proxy) {
  RelayUnderTest r;
  r.init();
  r.serve();
  test::Process proxy;
  auto proxy_port = test::start_microsocks(proxy);
  ASSERT_NE(proxy_port, 0) << "microsocks is missing or would not start: run scripts/bootstrap.sh";
  auto run = cairn_submit({"--to", r.address(), "--proxy", "socks5h://127.0.0.1:" + std::to_string(proxy_port)},
                          "Мне не платили зарплату три месяца.\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("delivered: 1 of 1"), std::string::npos) << run.out << run.err;
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(stored_drops_line(r), "drops stored:    1");
}

// A machine with no Tor at all: no SOCKS port where the environment says Tor
// listens (as Tor Browser's TOR_SOCKS_PORT does), and no tor program to start.
struct NoTorAnywhere {
  test::TempDir empty_bin;
  test::ScopedEnv port{"TOR_SOCKS_PORT", std::to_string(test::free_loopback_port())};
  test::ScopedEnv host{"TOR_SOCKS_HOST", "127.0.0.1"};
  test::ScopedEnv path{"PATH", empty_bin.path().string()};
};


// Promise 8: without --direct and with no way to reach Tor, the client
// refuses, says why and what to do, and does not connect to the relay.
TEST(CairnCli, WithoutTorAndWithoutDirectNothingIsSent) {
  test::TestDeployment d;
  std::uint16_t port = 0;
  int listener = test::listen_loopback(port);
  auto address = d.address(crypto::x25519_generate().public_key, "127.0.0.1", port);
  NoTorAnywhere no_tor;
  auto submit = cairn_submit({"--to", address}, "testimony");
  EXPECT_EQ(submit.exit_code, 1);
  EXPECT_NE(submit.err.find("cairn: error: no Tor is running on this machine, and tor is not installed"),
            std::string::npos)
      << submit.err;
  EXPECT_NE(submit.err.find("cairn: hint: install Debian's tor package"), std::string::npos) << submit.err;
  EXPECT_NE(submit.err.find("unless you add --direct"), std::string::npos) << submit.err;

  test::TempDir dir;
  auto codename = client::format_codename(client::generate_codename(), client::Language::english);
  auto check = test::run_capture({test::binary("client/cairn"), "check", "--to", address},
                                 std::string(as_chars(codename.view())) + "\n");
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.err.find("cairn: error: no Tor is running on this machine"), std::string::npos) << check.err;
  EXPECT_FALSE(test::has_pending_connection(listener)) << "the client connected directly without --direct";
  ::close(listener);
}

// Where the environment says Tor listens, something else answers: the client
// says so and stops; it neither connects directly nor looks further.
TEST(CairnCli, AGarbageAnsweringTorPortIsASpecificError) {
  test::TestDeployment d;
  std::uint16_t relay_port = 0;
  int relay_listener = test::listen_loopback(relay_port);
  std::uint16_t socks_port = 0;
  int socks_listener = test::listen_loopback(socks_port);
  std::thread garbage([socks_listener] {
    int c = ::accept(socks_listener, nullptr, nullptr);
    const char junk[] = "\x05\x01 certainly not tor \xff\xfe\r\n";
    char buf[64];
    (void)::recv(c, buf, sizeof buf, 0);
    (void)::send(c, junk, sizeof junk, MSG_NOSIGNAL);
    ::close(c);
  });
  test::TempDir empty_bin;
  test::ScopedEnv port("TOR_SOCKS_PORT", std::to_string(socks_port));
  test::ScopedEnv path("PATH", empty_bin.path().string());
  auto run = cairn_submit({"--to", d.address(crypto::x25519_generate().public_key, "127.0.0.1", relay_port)},
                          "testimony");
  garbage.join();
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cairn: error: cannot use the Tor SOCKS port: the port at 127.0.0.1 port " +
                         std::to_string(socks_port) + " answers, but not as Tor does"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("cairn: hint: if Tor runs on another port"), std::string::npos) << run.err;
  EXPECT_FALSE(test::has_pending_connection(relay_listener));
  ::close(relay_listener);
  ::close(socks_listener);
}

TEST(CairnCli, DirectConnectsAndSaysWhatAnObserverLearns) {
  RelayUnderTest r;
  r.init();
  r.serve();
  auto run = cairn_submit({"--direct", "--to", r.address()}, "Мне не платили зарплату три месяца.\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("delivered: 1 of 1"), std::string::npos) << run.out << run.err;
  EXPECT_NE(run.err.find("cairn: warning: --direct: connecting to 127.0.0.1 port " + std::to_string(r.port) +
                         " without Tor"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("sees that this computer contacted this relay"), std::string::npos) << run.err;
  EXPECT_EQ(r.stop(), 0);
}

// Bridge lines are checked before anything else happens: a bad line in a
// bridges file is named by its number, and nothing is started or contacted.
TEST(CairnCli, ABadBridgesFileIsNamedByLine) {
  test::TestDeployment d;
  test::TempDir dir;
  test::write_file(dir / "bridges.txt", as_bytes("# mine\nobfs4 192.0.2.1:443 0123456789ABCDEF0123456789ABCDEF01234567 "
                                                 "cert=AAAA iat-mode=0\nwebtunnel 192.0.2.2:443 x url=https://e/\n"));
  NoTorAnywhere no_tor;
  auto run = cairn_submit({"--to", address_of_nothing(d), "--bridges", (dir / "bridges.txt").string()}, "text");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("line 3: bridges of type webtunnel are not supported"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("cairn: hint:"), std::string::npos) << run.err;
  auto with_direct = cairn_submit({"--direct", "--bridge", "obfs4 192.0.2.1:443", "--to", address_of_nothing(d)}, "x");
  EXPECT_EQ(with_direct.exit_code, 2) << with_direct.err;
}

TEST(CairnCli, DirectAndProxyTogetherAreAUsageError) {
  test::TestDeployment d;
  auto run = cairn_submit({"--direct", "--proxy", "socks5h://127.0.0.1:9050", "--to", address_of_nothing(d)}, "x");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("excludes"), std::string::npos) << run.err;
}

// A .onion name never leaves Tor: even with --direct the client refuses
// before opening any Internet socket (no DNS lookup, no connection), as
// strace shows.
TEST(CairnCli, OnionAddressNeverLeavesTor) {
  auto strace = test::find_in_path("strace");
  ASSERT_TRUE(strace) << "strace is not installed; run scripts/bootstrap.sh";
  if (auto why = test::ptrace_forbidden(*strace)) GTEST_SKIP() << *why;
  test::TestDeployment d;
  const std::string onion = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";
  auto address = d.address(crypto::x25519_generate().public_key, onion, 7443);
  test::TempDir dir;
  auto log = dir / "trace.log";
  auto run = test::run_capture({strace->string(), "-f", "-q", "-e", "trace=socket,connect,sendto", "-o",
                                log.string(), test::binary("client/cairn"), "submit", "--direct", "--to", address},
                               "testimony");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("cairn: error: this drop address is an onion service (.onion): it can only be reached "
                         "through Tor"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("cairn: hint: leave out --direct"), std::string::npos) << run.err;
  auto trace = test::read_text(log);
  EXPECT_EQ(trace.find("AF_INET"), std::string::npos) << trace;
  EXPECT_NE(trace.find("exited"), std::string::npos) << "strace recorded nothing: " << trace;
}

TEST(CairnCli, TypoInTheAddressIsCaught) {
  test::TestDeployment d;
  auto address = address_of_nothing(d);
  // Change one character in the data part to another valid Bech32 character.
  std::string typo = address;
  auto& c = typo[typo.size() / 2];
  c = c == 'q' ? 'p' : 'q';
  auto run = cairn_submit({"--to", typo}, "text");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("typo"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("cairn: error:"), std::string::npos) << run.err;
}

TEST(CairnCli, MissingFilesAreNamed) {
  test::TestDeployment d;
  auto address = address_of_nothing(d);
  auto text = cairn_submit({"--to", address, "--text", "/nonexistent/testimony.txt"});
  EXPECT_NE(text.exit_code, 0);
  EXPECT_NE(text.err.find("cannot read /nonexistent/testimony.txt"), std::string::npos) << text.err;
  auto attachment = cairn_submit({"--to", address, "--attach", "/nonexistent/photo.jpg"}, "text");
  EXPECT_NE(attachment.exit_code, 0);
  EXPECT_NE(attachment.err.find("/nonexistent/photo.jpg"), std::string::npos) << attachment.err;
}

// Input mistakes are reported before any connection is made: the address here
// points at nothing, so a network error would mean the check came too late.
TEST(CairnCli, BadTextIsRefusedBeforeConnecting) {
  test::TestDeployment d;
  auto address = address_of_nothing(d);
  test::TempDir dir;
  auto latin1 = dir / "latin1.txt";
  test::write_file(latin1, Bytes{'c', 'a', 'f', 0xe9, '\n'});  // "café" in Latin-1
  auto run = cairn_submit({"--to", address, "--text", latin1.string()});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("UTF-8"), std::string::npos) << run.err;

  auto empty = cairn_submit({"--to", address}, "");
  EXPECT_NE(empty.exit_code, 0);
  EXPECT_NE(empty.err.find("nothing to send"), std::string::npos) << empty.err;
}

}  // namespace
}  // namespace cairn
