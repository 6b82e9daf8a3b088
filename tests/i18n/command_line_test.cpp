// The shared command-line helpers: how near a misspelt command is to a real one.
#include <gtest/gtest.h>

#include "i18n/command_line.h"

namespace cairn::i18n {
namespace {

TEST(CommandLine, EditDistanceCountsASwapOfNeighboursAsOneEdit) {
  EXPECT_EQ(edit_distance("list", "list"), 0u);
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);  // not 2: so `lsit` suggests list, not init
  EXPECT_EQ(edit_distance("lsit", "init"), 2u);
  EXPECT_EQ(edit_distance("sumbit", "submit"), 1u);
  EXPECT_EQ(edit_distance("chek", "check"), 1u);
  EXPECT_EQ(edit_distance("", "show"), 4u);
  EXPECT_EQ(edit_distance("rotat", "rotate"), 1u);
  EXPECT_EQ(edit_distance("abc", "ca"), 3u);  // optimal string alignment: no edit of a swapped pair
}

}  // namespace
}  // namespace cairn::i18n
