// Promises 1 and 4 against a real relay process: the relay's files hold no
// testimony plaintext and the store does not open without its key; the
// relay's log holds no address, port or time of any client.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "crypto/random.h"
#include "relay_peer.h"
#include "support/files.h"

namespace cairn {
namespace {

using test::RelayPeer;
using test::RelayUnderTest;
using namespace std::chrono_literals;

bool contains(const Bytes& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

// Every regular file under the relay directory (store, -wal, -shm, key file).
std::vector<std::filesystem::path> relay_files(const RelayUnderTest& r) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(r.relay_dir()))
    if (e.is_regular_file()) files.push_back(e.path());
  return files;
}

TEST(RelayPrivacy, StoreFilesHoldNoPlaintextAndNeedTheKey) {
  RelayUnderTest r;
  r.init();
  r.serve();
  const std::string marker = "MARKER-" + to_hex(crypto::random_bytes(12));
  const std::string korean = "비밀표지-" + to_hex(crypto::random_bytes(6));
  auto report = test::submit_text(r, "임금을 받지 못했습니다. " + marker + " " + korean);
  ASSERT_TRUE(report.ok()) << report.error().message;

  auto scan = [&](const char* when) {
    auto files = relay_files(r);
    EXPECT_GE(files.size(), 2u);
    for (const auto& f : files) {
      SCOPED_TRACE(std::string(when) + ": " + f.string());
      auto bytes = test::read_file(f);
      EXPECT_FALSE(contains(bytes, marker));
      EXPECT_FALSE(contains(bytes, korean));
    }
  };
  scan("while serving");  // the -wal and -shm files exist now
  EXPECT_EQ(r.stop(), 0);
  scan("after stopping");
  EXPECT_EQ(r.log().find(marker), std::string::npos);

  auto wrong_key = crypto::random_secret(32);
  auto opened = relay::Store::open(r.dir / "relay/store.db", wrong_key);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.code(), Errc::decrypt_failed);
  EXPECT_EQ(test::stored_drops(r), 1u);  // the failed open changed nothing
}

TEST(RelayPrivacy, LogsHoldNoClientAddressPortOrTime) {
  RelayUnderTest r;
  r.init();
  r.serve({"--handshake-timeout-ms", "500"});
  std::vector<std::uint16_t> client_ports;
  {
    // A good raw client, a bad one, a silent one and a real submission.
    auto good = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
    client_ports.push_back(good.local_port());
    auto resp = good.call(good.put_drop(test::random_drop()));
    ASSERT_TRUE(resp.ok() && resp->has_ack());
    auto bad = RelayPeer::connect(r.port);
    client_ports.push_back(bad.local_port());
    ASSERT_TRUE(bad.send_raw(crypto::random_bytes(50)).ok());
    EXPECT_TRUE(bad.closed_by_relay(2s));
    auto silent = RelayPeer::connect(r.port);
    client_ports.push_back(silent.local_port());
    EXPECT_TRUE(silent.closed_by_relay(3s));
    test::expect_good_client_served(r, "for the log test");
  }
  EXPECT_EQ(r.stop(), 0);
  const std::string log = r.log();
  ASSERT_NE(log.find("stopped cleanly: connections="), std::string::npos) << log;
  EXPECT_EQ(log.find("127.0.0.1"), std::string::npos) << log;
  for (auto port : client_ports) {
    std::regex as_word("(^|[^0-9])" + std::to_string(port) + "([^0-9]|$)");
    EXPECT_FALSE(std::regex_search(log, as_word)) << "client port " << port << " in:\n" << log;
  }
  const std::regex time_like(R"((\d{1,2}:\d{2})|(\d{4}-\d{2}-\d{2})|(\b1[5-9]\d{8}\b))");
  EXPECT_FALSE(std::regex_search(log, time_like)) << log;
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

// The store, its -wal and its -shm are readable by the relay's user only,
// whatever the umask (022 here, the usual default).
TEST(RelayPrivacy, StoreFilesAreOwnerOnly) {
  const mode_t old_umask = ::umask(022);
  RelayUnderTest r;
  r.init();
  r.serve();
  ::umask(old_umask);
  ASSERT_TRUE(test::submit_text(r, "mode test").ok());
  namespace fs = std::filesystem;
  for (const char* name : {"store.db", "store.db-wal", "store.db-shm", "store.key"}) {
    SCOPED_TRACE(name);
    auto path = fs::path(r.relay_dir()) / name;
    ASSERT_TRUE(fs::exists(path));
    auto perms = fs::status(path).permissions();
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  }
  EXPECT_EQ(r.stop(), 0);
}

// Counts are logged at most once a day: a shorter period would date single
// drops on a quiet relay.
TEST(RelayPrivacy, ReportIntervalIsAtLeastADay) {
  test::RelayUnderTest r;
  r.init();
  for (const char* seconds : {"1", "3600", "86399"}) {
    test::Process p;
    ASSERT_TRUE(p.start(r.relay_cmd({"serve", "--listen", "127.0.0.1", "--port", "0", "--report-interval-s", seconds}),
                        r.log_path()));
    auto status = p.wait_for(5s);  // refused at once; a relay that serves is killed by Process
    ASSERT_TRUE(status.has_value()) << "the relay accepted --report-interval-s " << seconds;
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) != 0) << seconds;
  }
}

// cairn-relay's pages hold the Noise static key: it turns core dumps off
// itself, whatever limit it was started with.
TEST(RelayPrivacy, RelayTurnsCoreDumpsOff) {
  if (!test::allow_core_dumps_for_children()) GTEST_SKIP() << "core dumps are disabled for this test process";
  test::RelayUnderTest r;
  r.init();
  r.serve();
  EXPECT_EQ(test::core_size_limit(r.process.pid()), "0");
  EXPECT_EQ(r.stop(), 0);
}

}  // namespace
}  // namespace cairn
