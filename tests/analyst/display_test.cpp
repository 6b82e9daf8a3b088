// Sanitising what sources wrote before it reaches a terminal or a file name.
#include "analyst/display.h"

#include <gtest/gtest.h>

namespace cairn::analyst {
namespace {

TEST(Display, PreviewTakesTheFirstNonEmptyLineAndCutsOnCharacters) {
  EXPECT_EQ(preview("\n  \nПервая строка\nвторая"), "Первая строка");
  std::string korean;
  for (int i = 0; i < 60; ++i) korean += "가";
  auto p = preview(korean, 10);
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += "가";
  EXPECT_EQ(p, expected + "…");
  EXPECT_EQ(preview("\x1b[31mred"), "\\x1b[31mred");
}

TEST(Display, FileNamesStayInTheirDirectory) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"photo.jpg", "photo.jpg"},
      {"../../etc/passwd", "passwd"},
      {"..\\..\\windows\\win.ini", "win.ini"},
      {"..", "attachment-3"},
      {".", "attachment-3"},
      {"", "attachment-3"},
      {"/", "attachment-3"},
      {".bashrc", "bashrc"},
      {"фото общежития.jpg", "фото общежития.jpg"},
      {"invoice\xe2\x80\xae" "gpj.exe", "invoice_gpj.exe"},
      {"a\nb\x1b" "c.txt", "a_b_c.txt"},
      {"c:evil", "c_evil"},
      {"  spaced  ", "spaced"},
  };
  for (const auto& c : cases) EXPECT_EQ(safe_file_name(c.in, 2), c.out) << c.in;
}

TEST(Display, LongFileNamesAreCutOnACharacterBoundaryKeepingTheExtension) {
  std::string name;
  for (int i = 0; i < 150; ++i) name += "가";  // 450 bytes
  name += ".jpeg";
  auto safe = safe_file_name(name, 0);
  EXPECT_LE(safe.size(), kMaxFileNameBytes);
  EXPECT_TRUE(safe.ends_with(".jpeg"));
  EXPECT_EQ((safe.size() - 5) % 3, 0u);  // whole characters only
  EXPECT_EQ(sanitize_for_terminal(safe), safe);
}

TEST(Display, HumanSizes) {
  EXPECT_EQ(human_size(34), "34 B");
  EXPECT_EQ(human_size(1536), "1.5 KiB");
  EXPECT_EQ(human_size(5u << 20), "5.0 MiB");
}

}  // namespace
}  // namespace cairn::analyst
