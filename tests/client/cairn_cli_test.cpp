// Smoke tests of the real `cairn` binary: a submission through a real SOCKS5
// proxy (Debian's microsocks) to a real relay, and the specific errors a
// source sees for the mistakes a source makes. Loopback only.
#include <gtest/gtest.h>

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

TEST(CairnCli, OnionAddressWithoutProxyIsRefusedWithTheTorHint) {
  test::TestDeployment d;
  const std::string onion = std::string(55, 'a') + "d.onion";
  auto address = d.address(crypto::x25519_generate().public_key, onion, 7443);
  auto run = cairn_submit({"--to", address}, "text");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("Tor"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("cairn: hint:"), std::string::npos) << run.err;
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
