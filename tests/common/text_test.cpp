// Names in messages, and text from outside made safe for a terminal: the one
// sanitiser the station (testimony) and the client (replies) share.
#include "common/text.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(TerminalText, KoreanAndRussianPassUnchanged) {
  std::string text = "저는 러시아 건설 현장에서 일했습니다.\nЗарплату не платили три месяца.\n\tИ паспорт забрали.\r\n";
  EXPECT_EQ(sanitize_for_terminal(text), text);
}

TEST(TerminalText, TerminalControlsBecomeVisible) {
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

TEST(TerminalText, FlattenTurnsLinesIntoSpaces) {
  EXPECT_EQ(sanitize_for_terminal("a\nb\r\nc", Lines::flatten), "a b c");
}

TEST(TerminalText, RepliesKeepTextAndLineBreaksButNotTerminalControls) {
  EXPECT_EQ(sanitize_for_terminal("안녕하세요\nПривет\tok"), "안녕하세요\nПривет\tok");
  EXPECT_EQ(sanitize_for_terminal("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(sanitize_for_terminal("\r"), "\\x0d");
  EXPECT_EQ(sanitize_for_terminal("x\xc2\x9by"), "x\\x9by");                    // C1 CSI
  EXPECT_EQ(sanitize_for_terminal("\xe2\x80\xae" "abc"), "\\u202e" "abc");       // right-to-left override
  EXPECT_EQ(sanitize_for_terminal("\xff"), "\xEF\xBF\xBD");
}

TEST(TerminalText, DisplaySafeNamesAreExactlyWhatTheSanitiserLeavesAlone) {
  for (std::string s : {"Анна", "김 철수", "relay-1", "a\tb", "a\x1b" "b", "x\xe2\x80\xae" "y", "\xff"})
    EXPECT_EQ(is_display_safe_utf8(s), sanitize_for_terminal(s, Lines::flatten) == s && s.find('\t') == std::string::npos) << s;
}

TEST(TerminalText, Quoted) { EXPECT_EQ(quoted("Анна"), "'Анна'"); }

}  // namespace
}  // namespace cairn
