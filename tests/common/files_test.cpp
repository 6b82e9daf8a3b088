// The one capped file reader: caps before allocation, regular files only,
// links refused where asked.
#include "common/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "support/result.h"
#include "support/temp_dir.h"

namespace cairn {
namespace {

using test::code_of;

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

TEST(ReadFileCapped, ReadsAFileUpToExactlyTheCap) {
  test::TempDir dir;
  write(dir / "f", "four");
  auto bytes = read_file_capped(dir / "f", 4, "the file");
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(as_chars(*bytes), "four");
  auto over = read_file_capped(dir / "f", 3, "the file");
  EXPECT_EQ(code_of(over), Errc::too_large);
  EXPECT_EQ(over.error().message, "the file " + (dir / "f").string() + " is 4 bytes; the limit is 3");
}

TEST(ReadFileCapped, TheCapIsCheckedBeforeAnythingIsAllocated) {
  // A sparse file of 1 TiB: reading it would exhaust memory, so only a size
  // check on the descriptor can refuse it this quickly.
  test::TempDir dir;
  write(dir / "huge", "");
  ASSERT_EQ(::truncate((dir / "huge").c_str(), off_t{1} << 40), 0);
  EXPECT_EQ(code_of(read_file_capped(dir / "huge", 1 << 20, "")), Errc::too_large);
}

TEST(ReadFileCapped, OnlyRegularFiles) {
  test::TempDir dir;
  EXPECT_EQ(code_of(read_file_capped(dir.path(), 1 << 20, "")), Errc::invalid_argument);
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  // Opening a FIFO with no writer must not wait for one.
  auto fifo = read_file_capped(dir / "fifo", 1 << 20, "");
  EXPECT_EQ(code_of(fifo), Errc::invalid_argument);
  EXPECT_NE(fifo.error().message.find("is not a regular file"), std::string::npos);
}

TEST(ReadFileCapped, MissingFilesAreNotFoundAndNamed) {
  test::TempDir dir;
  auto missing = read_file_capped(dir / "none", 10, "the bridges file");
  EXPECT_EQ(code_of(missing), Errc::not_found);
  EXPECT_EQ(missing.error().message.rfind("cannot read the bridges file " + (dir / "none").string() + ": ", 0), 0u);
  auto unnamed = read_file_capped(dir / "none", 10, "");
  EXPECT_EQ(unnamed.error().message.rfind("cannot read " + (dir / "none").string() + ": ", 0), 0u);
}

TEST(ReadFileCapped, LinksAreFollowedOnlyWhenAllowed) {
  test::TempDir dir;
  write(dir / "target", "text");
  std::filesystem::create_symlink(dir / "target", dir / "link");
  EXPECT_TRUE(read_file_capped(dir / "link", 10, "", Symlinks::follow).ok());
  EXPECT_EQ(code_of(read_file_capped(dir / "link", 10, "", Symlinks::refuse)), Errc::invalid_argument);
  EXPECT_TRUE(read_file_capped(dir / "target", 10, "", Symlinks::refuse).ok());
}

}  // namespace
}  // namespace cairn
