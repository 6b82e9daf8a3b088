// `cairn check`'s local half: trial decryption of the board and making reply
// text safe for a terminal (client/check.h). The network half is in
// tests/relay/reply_board_test.cpp.
#include "client/check.h"

#include <gtest/gtest.h>

#include "crypto/drop.h"
#include "crypto/random.h"

namespace cairn::client {
namespace {

Bytes reply_to(const crypto::ReplyPublicKey& key, const std::string& text, DayNumber day) {
  auto sealed = crypto::seal_reply({text, day, 0}, key);
  EXPECT_TRUE(sealed.ok());
  return std::move(sealed).value();
}

TEST(FindReplies, FindsOnlyOwnRepliesOldestFirst) {
  auto mine = crypto::ReplyKeys{crypto::x25519_generate(), std::nullopt};
  std::vector<Bytes> board;
  for (int i = 0; i < 20; ++i) board.push_back(reply_to(crypto::x25519_generate().public_key, "other", 20000));
  board.insert(board.begin() + 3, reply_to(mine.x25519.public_key, "second", 20402));
  board.insert(board.begin() + 11, reply_to(mine.x25519.public_key, "first", 20401));
  auto found = find_replies(board, mine);
  EXPECT_EQ(found.board_size, 22u);
  ASSERT_EQ(found.replies.size(), 2u);
  EXPECT_EQ(found.replies[0].text, "first");
  EXPECT_EQ(found.replies[1].text, "second");
  EXPECT_EQ(found.unreadable, 0u);
}

TEST(FindReplies, FindsHybridAndX25519RepliesToTheSameCodename) {
  auto mine = crypto::ReplyKeys{crypto::x25519_generate(), crypto::hybrid_kem::generate_key_pair()};
  std::vector<Bytes> board;
  for (int i = 0; i < 4; ++i) {
    board.push_back(reply_to(crypto::x25519_generate().public_key, "other", 20000));
    board.push_back(reply_to(crypto::hybrid_kem::generate_key_pair().encapsulation_key, "other", 20000));
  }
  board.insert(board.begin() + 2, reply_to(mine.hybrid->encapsulation_key, "post-quantum", 20402));
  board.insert(board.begin() + 5, reply_to(mine.x25519.public_key, "classical", 20401));
  auto found = find_replies(board, mine);
  EXPECT_EQ(found.board_size, 10u);
  ASSERT_EQ(found.replies.size(), 2u);
  EXPECT_EQ(found.replies[0].text, "classical");
  EXPECT_EQ(found.replies[1].text, "post-quantum");
  EXPECT_EQ(found.unreadable, 0u);
  // Without the hybrid key, the hybrid reply is someone else's.
  auto x25519_only = crypto::ReplyKeys{std::move(mine.x25519), std::nullopt};
  auto classical = find_replies(board, x25519_only);
  ASSERT_EQ(classical.replies.size(), 1u);
  EXPECT_EQ(classical.replies[0].text, "classical");
  EXPECT_EQ(classical.unreadable, 0u);
}

TEST(FindReplies, JunkOnTheBoardIsSkippedAndADamagedReplyToUsIsCounted) {
  auto mine = crypto::ReplyKeys{crypto::x25519_generate(), std::nullopt};
  Bytes damaged = reply_to(mine.x25519.public_key, "x", 1);
  damaged[damaged.size() - 1] ^= 1;  // the payload tag: our key opens the header, the payload fails
  std::vector<Bytes> board = {crypto::random_bytes(crypto::kReplySize), crypto::random_bytes(10), {}, damaged,
                              reply_to(crypto::x25519_generate().public_key, "other", 1)};
  auto found = find_replies(board, mine);
  EXPECT_TRUE(found.replies.empty());
  EXPECT_EQ(found.unreadable, 1u);
}

TEST(FindReplies, AReplyFromANewerCairnIsCountedAsUnreadable) {
  auto mine = crypto::ReplyKeys{crypto::x25519_generate(), std::nullopt};
  const crypto::X25519Public recipients[] = {mine.x25519.public_key};
  const std::uint8_t version_2[] = {0x08, 0x02};
  auto newer = crypto::seal_drop(version_2, recipients, crypto::kReplySize);
  ASSERT_TRUE(newer.ok());
  std::vector<Bytes> board = {*newer};
  EXPECT_EQ(find_replies(board, mine).unreadable, 1u);
}

}  // namespace
}  // namespace cairn::client
