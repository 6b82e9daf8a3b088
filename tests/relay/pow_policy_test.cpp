#include "relay/pow_policy.h"

#include <gtest/gtest.h>

namespace cairn::relay {
namespace {

using namespace std::chrono_literals;
using Clock = PowPolicy::Clock;

TEST(PowPolicy, CalmRelayAsksTheFloor) {
  PowPolicy p({.floor_bits = 12, .calm_drops_per_minute = 60, .calm_queue = 64});
  auto t = Clock::now();
  for (int i = 0; i < 600; ++i) p.drop_stored(t);  // exactly the calm rate over the window
  EXPECT_EQ(p.bits(t, 22, 0.1, 10), 12u);
}

TEST(PowPolicy, EachDoublingOfTheRateAddsABitUpToTheCap) {
  PowPolicy p({.floor_bits = 12, .calm_drops_per_minute = 60, .calm_queue = 64});
  auto t = Clock::now();
  for (int i = 0; i < 601; ++i) p.drop_stored(t);
  EXPECT_EQ(p.bits(t, 22, 0, 0), 13u);
  for (int i = 0; i < 600; ++i) p.drop_stored(t);  // 1201: more than twice calm
  EXPECT_EQ(p.bits(t, 22, 0, 0), 14u);
  for (int i = 0; i < 1'000'000; ++i) p.drop_stored(t);
  EXPECT_EQ(p.bits(t, 22, 0, 0), 22u);  // never above the signed cap
  EXPECT_EQ(p.bits(t, 16, 0, 0), 16u);
}

TEST(PowPolicy, LowersAgainWhenTheWindowHasPassed) {
  PowPolicy p({.floor_bits = 12, .calm_drops_per_minute = 60, .calm_queue = 64});
  auto t = Clock::now();
  for (int i = 0; i < 100'000; ++i) p.drop_stored(t);
  EXPECT_GT(p.bits(t, 22, 0, 0), 12u);
  EXPECT_GT(p.bits(t + 9min, 22, 0, 0), 12u);
  EXPECT_EQ(p.bits(t + 11min, 22, 0, 0), 12u);
  EXPECT_EQ(p.recent_drops(t + 11min), 0u);
}

TEST(PowPolicy, QueueAndFillRaiseIt) {
  PowPolicy p({.floor_bits = 12, .calm_drops_per_minute = 60, .calm_queue = 64});
  auto t = Clock::now();
  EXPECT_EQ(p.bits(t, 22, 0, 64), 12u);
  EXPECT_EQ(p.bits(t, 22, 0, 256), 14u);
  EXPECT_EQ(p.bits(t, 22, 0.5, 0), 12u);
  EXPECT_EQ(p.bits(t, 22, 0.75, 0), 17u);
  EXPECT_EQ(p.bits(t, 22, 1.0, 0), 22u);
}

// An operator's floor above the signed cap is not hidden (clients refuse it
// and say so), and load never adds to it.
TEST(PowPolicy, AFloorAboveTheCapIsNotRaised) {
  PowPolicy p({.floor_bits = 24, .calm_drops_per_minute = 60, .calm_queue = 64});
  auto t = Clock::now();
  for (int i = 0; i < 100'000; ++i) p.drop_stored(t);
  EXPECT_EQ(p.bits(t, 20, 1.0, 1000), 24u);
}

}  // namespace
}  // namespace cairn::relay
