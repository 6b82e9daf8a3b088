// cairn submit's testimony text from a file (client/commands.h, read_text):
// read exactly, capped at kMaxTextBytes, and a missing file named.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "client/commands.h"
#include "support/temp_dir.h"

namespace cairn::client {
namespace {

void write(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good());
}

TEST(ReadText, ReadsAFileExactly) {
  test::TempDir dir;
  const std::string text = "line one\r\nline two\n\xed\x95\x9c\xea\xb8\x80 \xd0\xb4\xd0\xb0\n.\nno newline at the end";
  write(dir / "t.txt", text);
  auto got = read_text((dir / "t.txt").string());
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->text(), text);
}

TEST(ReadText, TakesExactlyTheCapAndRefusesOneByteMore) {
  test::TempDir dir;
  write(dir / "cap.txt", std::string(kMaxTextBytes, 'a'));
  auto at_cap = read_text((dir / "cap.txt").string());
  ASSERT_TRUE(at_cap.ok()) << at_cap.error().message;
  EXPECT_EQ(at_cap->size(), kMaxTextBytes);

  write(dir / "over.txt", std::string(kMaxTextBytes + 1, 'a'));
  const auto over_path = (dir / "over.txt").string();
  auto over = read_text(over_path);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.code(), Errc::too_large);
  EXPECT_NE(over.error().message.find(over_path), std::string::npos) << over.error().message;
}

TEST(ReadText, NamesAMissingFile) {
  test::TempDir dir;
  const auto missing = (dir / "missing.txt").string();
  auto got = read_text(missing);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), Errc::not_found);
  EXPECT_NE(got.error().message.find(missing), std::string::npos) << got.error().message;
}

}  // namespace
}  // namespace cairn::client
