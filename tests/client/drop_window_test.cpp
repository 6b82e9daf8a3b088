#include "client/drop_window.h"

#include <gtest/gtest.h>

namespace cairn::client {
namespace {

std::size_t window_for(std::size_t drop_size, std::size_t asked = kDefaultWindow) {
  return DropWindow(DropSource{}, {}, drop_size, asked, 1).window();
}

TEST(DropWindow, HoldsAtMostFourMebibytesOfDropsWhateverTheDropSize) {
  EXPECT_EQ(window_for(32 * 1024), 128u);  // the deployment default: the whole window
  EXPECT_EQ(window_for(64 * 1024), 64u);
  EXPECT_EQ(window_for(256 * 1024), 16u);
  EXPECT_EQ(window_for(4 * 1024 * 1024), 1u);
  EXPECT_EQ(window_for(16 * 1024 * 1024), 1u);  // never less than one drop
  EXPECT_EQ(window_for(1024), 128u);            // small drops: the asked window, not more
  EXPECT_EQ(window_for(32 * 1024, 4), 4u);
  EXPECT_EQ(window_for(32 * 1024, 0), 1u);
}

}  // namespace
}  // namespace cairn::client
