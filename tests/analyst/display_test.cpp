// Sanitising what sources wrote before it reaches a terminal or a file name.
#include "analyst/display.h"

#include <gtest/gtest.h>

namespace cairn::analyst {
namespace {

TEST(Display, KoreanAndRussianPassUnchanged) {
  std::string text = "저는 러시아 건설 현장에서 일했습니다.\nЗарплату не платили три месяца.\n\tИ паспорт забрали.\r\n";
  EXPECT_EQ(sanitize_for_terminal(text), text);
}

TEST(Display, TerminalControlsBecomeVisible) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"a\x1b[2Jb", "a\\x1b[2Jb"},                       // clear screen
      {"\x1b]0;owned\x07", "\\x1b]0;owned\\x07"},        // window title (OSC)
      {"x\ry", "x\\x0dy"},                               // a lone CR overwrites the line
      {"del\x7f", "del\\x7f"},
      {"c1\xc2\x9b" "31m", "c1\\x9b31m"},                // C1 CSI (U+009B)
      {"abc\xe2\x80\xae" "cba", "abc\\u202ecba"},        // right-to-left override
      {"iso\xe2\x81\xa6x", "iso\\u2066x"},               // left-to-right isolate
      {"line\xe2\x80\xa8sep", "line\\u2028sep"},
      {"bad\xff" "byte", "bad\xef\xbf\xbd" "byte"},      // invalid UTF-8 -> U+FFFD
      {"nul\0x", "nul\\x00x"},
  };
  for (auto& c : cases) {
    if (c.in.rfind("nul", 0) == 0) c.in = std::string("nul\0x", 5);
    EXPECT_EQ(sanitize_for_terminal(c.in), c.out) << c.out;
    EXPECT_EQ(sanitize_for_terminal(c.in).find('\x1b'), std::string::npos);
  }
}

TEST(Display, FlattenTurnsLinesIntoSpaces) {
  EXPECT_EQ(sanitize_for_terminal("a\nb\r\nc", Lines::flatten), "a b c");
}

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
