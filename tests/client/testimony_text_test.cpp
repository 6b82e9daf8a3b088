// The testimony text typed, pasted or piped in (client/testimony_text.h):
// read into crypto::Plaintext exactly as the source gave it, the guided
// mode's lines up to a lone dot, and refused over the cap.
#include "client/testimony_text.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <type_traits>

#include "client/commands.h"

namespace cairn::client {
namespace {

// What the source types is owned by the wiped type, never by a std::string.
static_assert(std::is_same_v<decltype(read_text("")), Result<crypto::Plaintext>>);
static_assert(std::is_same_v<decltype(read_text_lines(std::declval<std::istream&>())), Result<crypto::Plaintext>>);
static_assert(std::is_same_v<decltype(SubmissionInput::text), std::string_view>);

std::string lines_of(const std::string& typed, std::size_t max = kMaxTextBytes) {
  std::istringstream in(typed);
  auto got = read_text_lines(in, max);
  EXPECT_TRUE(got.ok()) << got.error().message;
  return got.ok() ? std::string(got->text()) : "";
}

TEST(TestimonyText, ToTheEndIsExactlyWhatCame) {
  const std::string text = "line one\r\nline two\n\xed\x95\x9c\xea\xb8\x80 \xd0\xb4\xd0\xb0\n.\nno newline at the end";
  std::istringstream in(text);
  auto got = read_text_to_end(in);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->text(), text);

  std::istringstream big(std::string(200000, 'x') + "end");  // several 64 KiB reads
  auto whole = read_text_to_end(big);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->text(), std::string(200000, 'x') + "end");
}

TEST(TestimonyText, ToTheEndOfNothingIsEmpty) {
  std::istringstream in("");
  auto got = read_text_to_end(in);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST(TestimonyText, ToTheEndTakesTheCapAndRefusesOneByteMore) {
  std::istringstream at(std::string(100, 'a'));
  auto at_cap = read_text_to_end(at, 100);
  ASSERT_TRUE(at_cap.ok());
  EXPECT_EQ(at_cap->size(), 100u);
  std::istringstream over(std::string(101, 'a'));
  auto refused = read_text_to_end(over, 100);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), Errc::too_large);
}

TEST(TestimonyText, LinesEndAtALoneDotAndLeaveTheRestUnread) {
  std::istringstream in("first line\r\n\nthird, after an empty one\n.\nFile: photo.jpg\n");
  auto got = read_text_lines(in);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->text(), "first line\n\nthird, after an empty one\n");
  std::string next;
  ASSERT_TRUE(std::getline(in, next));  // the guided mode goes on reading
  EXPECT_EQ(next, "File: photo.jpg");
}

TEST(TestimonyText, LinesEndAtTheEndOfInputToo) {
  EXPECT_EQ(lines_of("한 줄\nДругая строка"), "한 줄\nДругая строка\n");
  EXPECT_EQ(lines_of("ends with a newline\n"), "ends with a newline\n");
  EXPECT_EQ(lines_of(".\r\n"), "");  // a dot with a CR is a dot
  EXPECT_EQ(lines_of(" .\n. \n"), " .\n. \n");  // not alone: text
  EXPECT_EQ(lines_of(""), "");
  EXPECT_EQ(lines_of("\n"), "\n");
}

TEST(TestimonyText, ALineLongerThanOnePieceIsWhole) {
  const std::string long_line(10000, 'z');
  EXPECT_EQ(lines_of(long_line + "\nnext\n.\n"), long_line + "\nnext\n");
  EXPECT_EQ(lines_of(long_line), long_line + "\n");
  // A piece holds 4095 bytes: here the line's CR comes alone in the next piece, and is dropped.
  EXPECT_EQ(lines_of(std::string(4095, 'y') + "\r\nafter\n"), std::string(4095, 'y') + "\nafter\n");
  // A CR that ends a piece inside a long line stays.
  EXPECT_EQ(lines_of(std::string(4094, 'y') + "\rmore\n"), std::string(4094, 'y') + "\rmore\n");
}

TEST(TestimonyText, LinesTakeTheCapAndRefuseOneByteMore) {
  // 99 bytes and the newline: exactly the cap, and the dot after it adds nothing.
  EXPECT_EQ(lines_of(std::string(99, 'a') + "\n.\n", 100), std::string(99, 'a') + "\n");
  EXPECT_EQ(lines_of(std::string(99, 'a') + "\r\n", 100), std::string(99, 'a') + "\n");
  for (const std::string& typed : {std::string(100, 'a') + "\n", std::string(100, 'a'),
                                   std::string(50, 'a') + "\n" + std::string(50, 'b') + "\n.\n",
                                   std::string(9000, 'c') + "\n"}) {
    std::istringstream in(typed);
    auto got = read_text_lines(in, 100);
    ASSERT_FALSE(got.ok()) << typed.size();
    EXPECT_EQ(got.code(), Errc::too_large);
  }
  // The real cap: 16 MiB of lines.
  std::string at_cap;
  while (at_cap.size() + 1000 < kMaxTextBytes) at_cap += std::string(999, 'k') + "\n";
  at_cap += std::string(kMaxTextBytes - at_cap.size() - 1, 'k') + "\n";
  ASSERT_EQ(at_cap.size(), kMaxTextBytes);
  EXPECT_EQ(lines_of(at_cap + ".\n").size(), kMaxTextBytes);
  std::istringstream over(at_cap + "k\n");
  auto refused = read_text_lines(over);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), Errc::too_large);
}

}  // namespace
}  // namespace cairn::client
