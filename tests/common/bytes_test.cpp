// Byte helpers every library shares: how a key appears in messages, and
// copying a fixed-size field out of a parsed message.
#include "common/bytes.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(Bytes, FingerprintIsTheFirstEightBytesInHex) {
  Bytes key(32, 0xab);
  EXPECT_EQ(fingerprint(key), "abababababababab…");
  EXPECT_EQ(fingerprint(Bytes{1, 2}), "0102…");  // a short field never reads past its end
}

TEST(Bytes, CopyExactTakesOnlyTheExactLength) {
  ByteArray<4> out{9, 9, 9, 9};
  EXPECT_FALSE(copy_exact("abc", out));
  EXPECT_FALSE(copy_exact("abcde", out));
  EXPECT_EQ(out, (ByteArray<4>{9, 9, 9, 9}));
  EXPECT_TRUE(copy_exact("abcd", out));
  EXPECT_EQ(out, (ByteArray<4>{'a', 'b', 'c', 'd'}));
}

}  // namespace
}  // namespace cairn
