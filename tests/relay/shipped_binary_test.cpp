// The shipped cairn-relay has no test switch: serve --test-max-pages (which
// emulates a full disk) and --test-hold-worker (which keeps a worker thread
// busy) exist only in cairn-relay-testing, built with the tests and never
// packaged.
#include <gtest/gtest.h>

#include <map>

#include "support/relay_fixture.h"

namespace cairn::relay {
namespace {

namespace fs = std::filesystem;

std::map<std::string, Bytes> snapshot(const fs::path& dir) {
  std::map<std::string, Bytes> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out[e.path().filename().string()] = test::read_file(e.path());
  return out;
}

TEST(ShippedRelay, HelpListsNoTestSwitch) {
  auto r = test::run_capture({test::binary("relay/cairn-relay"), "serve", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.out.find("--max-connections"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("test"), std::string::npos) << r.out;
}

TEST(ShippedRelay, RefusesTestMaxPagesAndChangesNothing) {
  test::RelayUnderTest relay;
  relay.init();
  auto before = snapshot(relay.relay_dir());
  auto port = std::to_string(test::free_loopback_port());
  auto serve = [&](const std::string& program) {
    std::vector<std::string> argv{test::binary(program), "--dir", relay.relay_dir(), "serve", "--listen",
                                  "127.0.0.1", "--port", port, "--test-max-pages", "1"};
    return argv;
  };
  test::Process shipped;
  ASSERT_TRUE(shipped.start(serve("relay/cairn-relay"), relay.log_path()));
  auto status = shipped.wait_for(std::chrono::seconds(20));
  ASSERT_TRUE(status.has_value()) << "the shipped relay accepted --test-max-pages and is serving";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) != 0);
  EXPECT_NE(relay.log().find("--test-max-pages"), std::string::npos) << relay.log();
  EXPECT_EQ(snapshot(relay.relay_dir()), before);

  // The test build takes it and serves: the refusal above is the switch's absence.
  test::Process testing;
  ASSERT_TRUE(testing.start(serve("relay/cairn-relay-testing"), relay.log_path()));
  EXPECT_TRUE(test::wait_for_port(static_cast<std::uint16_t>(std::stoi(port)), std::chrono::seconds(10)));
  testing.kill_and_wait(SIGTERM);
}

TEST(ShippedRelay, RefusesTestHoldWorker) {
  test::TempDir dir;
  auto r = test::run_capture({test::binary("relay/cairn-relay"), "--dir", (dir / "relay").string(), "serve",
                              "--listen", "127.0.0.1", "--port", "0", "--test-hold-worker"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("--test-hold-worker"), std::string::npos) << r.out << r.err;
  EXPECT_FALSE(fs::exists(dir / "relay"));
}

}  // namespace
}  // namespace cairn::relay
