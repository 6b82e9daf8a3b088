// Size classes and cover drops (client/cover.h, docs/PROTOCOL.md "Traffic
// shapes"): the classes are the documented ones, a padded source yields the
// real drops in their order with exactly the class's cover among them, and
// the cover can fall at any position.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/cover.h"
#include "proto/drop.pb.h"
#include "support/deployment.h"
#include "support/result.h"

namespace cairn::client {
namespace {

using test::must;

TEST(Cover, SizeClassesArePowersOfTwoThenFourPerDoubling) {
  const std::pair<std::size_t, std::size_t> table[] = {
      {0, 1},     {1, 1},     {2, 2},     {3, 4},      {4, 4},      {5, 8},      {8, 8},       {9, 16},
      {17, 32},   {33, 64},   {64, 64},   {65, 80},    {80, 80},    {81, 96},    {97, 112},    {113, 128},
      {129, 160}, {161, 192}, {193, 224}, {225, 256},  {257, 320},  {1000, 1024}, {1025, 1280}, {16384, 16384},
      {16385, 20480}, {16830, 20480}};
  for (const auto& [drops, cls] : table) EXPECT_EQ(size_class(drops), cls) << drops << " drops";
  // Above the powers of two, a class is never more than a quarter above what it holds.
  for (std::size_t n = kPowerOfTwoClassesUpTo + 1; n < 20000; ++n) {
    ASSERT_GE(size_class(n), n);
    ASSERT_LT((size_class(n) - n) * 4, n) << n;
  }
}

// A source of `n` real bodies "0", "1", ….
DropSource numbered(std::size_t n) {
  auto next = std::make_shared<std::size_t>(0);
  return {n, [next]() -> Result<crypto::Plaintext> {
            auto s = std::to_string((*next)++);
            return crypto::Plaintext(Bytes(s.begin(), s.end()));
          }};
}

bool is_cover(const crypto::Plaintext& body) {
  v1::DropBody parsed;
  return parsed.ParseFromArray(body.view().data(), static_cast<int>(body.view().size())) && parsed.has_cover() &&
         parsed.version() == kDropBodyVersion && parsed.reply_public_key().empty();
}

TEST(Cover, RealDropsKeepTheirOrderAmongExactlyTheClasssCover) {
  auto padded = with_cover(numbered(3), size_class(3));
  ASSERT_EQ(padded.count, 4u);
  std::vector<std::string> real;
  std::size_t cover = 0;
  for (std::size_t i = 0; i < padded.count; ++i) {
    auto body = must(padded.next(), "next");
    if (is_cover(body)) ++cover;
    else real.emplace_back(reinterpret_cast<const char*>(body.view().data()), body.view().size());
  }
  EXPECT_EQ(cover, 1u);
  EXPECT_EQ(real, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(test::code_of(padded.next()), Errc::internal);  // no drop past the class
  // A check: nothing of its own, one cover drop.
  auto check = with_cover(DropSource{}, size_class(0));
  ASSERT_EQ(check.count, 1u);
  EXPECT_TRUE(is_cover(must(check.next(), "cover")));
}

// Cover shuffled among the real drops, not appended: over 100 paddings of 5
// real drops to 8, every position holds cover at least once (each misses
// with probability (5/8)^100 < 10^-20).
TEST(Cover, CoverFallsAtEveryPosition) {
  std::vector<int> cover_at(8, 0);
  for (int run = 0; run < 100; ++run) {
    auto padded = with_cover(numbered(5), size_class(5));
    ASSERT_EQ(padded.count, 8u);
    for (std::size_t i = 0; i < padded.count; ++i)
      if (is_cover(must(padded.next(), "next"))) ++cover_at[i];
  }
  int total = 0;
  for (std::size_t i = 0; i < cover_at.size(); ++i) {
    EXPECT_GT(cover_at[i], 0) << "position " << i;
    total += cover_at[i];
  }
  EXPECT_EQ(total, 300);
}

}  // namespace
}  // namespace cairn::client
