// Promise 2 against a real relay process: a drop the relay acknowledged is in
// the store after SIGTERM (clean two-stage shutdown, exit status 0) and after
// SIGKILL at any moment, and the store stays intact.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "drop_senders.h"

namespace cairn {
namespace {

using test::DropSenders;
using test::RelayUnderTest;
using namespace std::chrono_literals;

void expect_all_stored(relay::Store& store, const std::vector<relay::DropId>& acked) {
  auto missing = test::count_missing(store, acked);
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_EQ(*missing, 0u) << "of " << acked.size() << " acknowledged drops";
}

TEST(RelayDurability, SigtermDuringSubmissionsExitsCleanlyWithEveryAckedDropStored) {
  RelayUnderTest r;
  r.init();
  r.serve();
  DropSenders senders(r.port, r.relay_keys.noise, 4);
  // SIGTERM once drops are flowing (at least one acked), however slow the machine.
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       senders.acked().empty() && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(100ms);
  int status = r.process.kill_and_wait(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status)) << "the relay died of a signal";
  EXPECT_EQ(WEXITSTATUS(status), 0) << r.log();
  senders.stop();
  auto acked = senders.acked();
  EXPECT_GT(acked.size(), 0u) << "no drop was acknowledged before SIGTERM";
  RecordProperty("acknowledged_drops", static_cast<int>(acked.size()));
  auto store = test::open_relay_store(r);
  EXPECT_TRUE(store->integrity_check().ok());
  expect_all_stored(*store, acked);
  EXPECT_NE(r.log().find("stopped cleanly"), std::string::npos) << r.log();
}

TEST(RelayDurability, SigkillAtRandomMomentsLosesNoAcknowledgedDrop) {
  constexpr int kRounds = 8;
  RelayUnderTest r;
  r.init(32768, std::uint64_t{256} << 20);  // room for every round on a fast machine
  // Random moments, but a fixed seed: a failure replays the same moments.
  std::mt19937 rng(0x5167c11);
  std::uniform_int_distribution<int> delay_ms(100, 600);
  std::vector<relay::DropId> acked;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(round);
    r.serve();
    DropSenders senders(r.port, r.relay_keys.noise, 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    int status = r.process.kill_and_wait(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status));
    senders.stop();
    auto round_acked = senders.acked();
    acked.insert(acked.end(), round_acked.begin(), round_acked.end());
  }
  EXPECT_GT(acked.size(), 0u);
  RecordProperty("acknowledged_drops", static_cast<int>(acked.size()));
  auto store = test::open_relay_store(r);
  RecordProperty("stored_drops", static_cast<int>(store->counts()->drops));
  auto integrity = store->integrity_check();
  EXPECT_TRUE(integrity.ok()) << integrity.error().message;
  expect_all_stored(*store, acked);
  // And the relay starts again on the store it left behind.
  r.serve();
  test::expect_good_client_served(r, "after the last SIGKILL");
  EXPECT_EQ(r.stop(), 0);
}

}  // namespace
}  // namespace cairn
