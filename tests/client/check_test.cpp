// `cairn check`'s local half: trial decryption of the board and making reply
// text safe for a terminal (client/check.h). The network half is in
// tests/relay/reply_board_test.cpp.
#include "client/check.h"

#include <gtest/gtest.h>

#include "crypto/drop.h"
#include "crypto/random.h"

namespace cairn::client {
namespace {

Bytes reply_to(const crypto::X25519Public& key, const std::string& text, DayNumber day) {
  auto sealed = crypto::seal_reply({text, day, 0}, key);
  EXPECT_TRUE(sealed.ok());
  return std::move(sealed).value();
}

TEST(FindReplies, FindsOnlyOwnRepliesOldestFirst) {
  auto mine = crypto::x25519_generate();
  std::vector<Bytes> board;
  for (int i = 0; i < 20; ++i) board.push_back(reply_to(crypto::x25519_generate().public_key, "other", 20000));
  board.insert(board.begin() + 3, reply_to(mine.public_key, "second", 20402));
  board.insert(board.begin() + 11, reply_to(mine.public_key, "first", 20401));
  auto found = find_replies(board, mine);
  EXPECT_EQ(found.board_size, 22u);
  ASSERT_EQ(found.replies.size(), 2u);
  EXPECT_EQ(found.replies[0].text, "first");
  EXPECT_EQ(found.replies[1].text, "second");
  EXPECT_EQ(found.unreadable, 0u);
}

TEST(FindReplies, JunkOnTheBoardIsSkippedAndADamagedReplyToUsIsCounted) {
  auto mine = crypto::x25519_generate();
  Bytes damaged = reply_to(mine.public_key, "x", 1);
  damaged[damaged.size() - 1] ^= 1;  // the payload tag: our key opens the header, the payload fails
  std::vector<Bytes> board = {crypto::random_bytes(crypto::kReplySize), crypto::random_bytes(10), {}, damaged,
                              reply_to(crypto::x25519_generate().public_key, "other", 1)};
  auto found = find_replies(board, mine);
  EXPECT_TRUE(found.replies.empty());
  EXPECT_EQ(found.unreadable, 1u);
}

TEST(FindReplies, AReplyFromANewerCairnIsCountedAsUnreadable) {
  auto mine = crypto::x25519_generate();
  const crypto::X25519Public recipients[] = {mine.public_key};
  const std::uint8_t version_2[] = {0x08, 0x02};
  auto newer = crypto::seal_drop(version_2, recipients, crypto::kReplySize);
  ASSERT_TRUE(newer.ok());
  std::vector<Bytes> board = {*newer};
  EXPECT_EQ(find_replies(board, mine).unreadable, 1u);
}

}  // namespace
}  // namespace cairn::client
