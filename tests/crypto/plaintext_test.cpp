// crypto::Plaintext and PlaintextBuilder (crypto/plaintext.h): text kept
// exactly, grown across buffer sizes, cut with what goes wiped.
#include "crypto/plaintext.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn::crypto {
namespace {

TEST(Plaintext, CopiesTextAndShowsItAsText) {
  constexpr char kText[] = "\xed\x95\x9c\xea\xb8\x80 \xd0\xb4\xd0\xb0\n\0tail";
  const std::string text(kText, sizeof kText - 1);  // with the NUL inside
  auto p = Plaintext::copy_of(text);
  EXPECT_EQ(p.text(), text);
  EXPECT_EQ(p.size(), text.size());
  EXPECT_TRUE(Plaintext::copy_of("").empty());
}

TEST(Plaintext, TruncateKeepsTheStartInTheSameBuffer) {
  auto p = Plaintext::copy_of("keep this, wipe that");
  const std::uint8_t* before = p.data();
  p.truncate(9);
  EXPECT_EQ(p.text(), "keep this");
  EXPECT_EQ(p.data(), before);  // not reallocated: no copy left behind
  p.truncate(100);  // longer than it is: nothing changes
  EXPECT_EQ(p.text(), "keep this");
}

TEST(PlaintextBuilder, KeepsEveryPieceInOrderAcrossGrowth) {
  PlaintextBuilder b;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {  // ~50 KB: several doublings from 4 KiB
    std::string piece = "line " + std::to_string(i) + "\n";
    b.append(piece);
    expected += piece;
    ASSERT_EQ(b.size(), expected.size());
  }
  b.append(std::string(70000, 'x'));  // one piece larger than twice the buffer
  expected += std::string(70000, 'x');
  EXPECT_EQ(b.text(), expected);
  auto p = std::move(b).finish();
  EXPECT_EQ(p.text(), expected);
  EXPECT_EQ(p.size(), expected.size());
}

TEST(PlaintextBuilder, TruncateDropsTheEnd) {
  PlaintextBuilder b;
  b.append("first\n.");
  b.truncate(6);
  b.append("second\n");
  EXPECT_EQ(std::move(b).finish().text(), "first\nsecond\n");
}

TEST(PlaintextBuilder, NothingAppendedIsEmpty) {
  PlaintextBuilder b;
  b.append("");
  EXPECT_EQ(b.size(), 0u);
  EXPECT_TRUE(std::move(b).finish().empty());
}

}  // namespace
}  // namespace cairn::crypto
