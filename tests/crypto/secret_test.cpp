#include "crypto/secret.h"

#include <gtest/gtest.h>

#include <type_traits>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "support/files.h"

namespace cairn::crypto {
namespace {

static_assert(!std::is_copy_constructible_v<Secret>, "secrets must not be copyable");
static_assert(!std::is_copy_assignable_v<Secret>, "secrets must not be copyable");
static_assert(std::is_nothrow_move_constructible_v<Secret>);

TEST(Secret, StartsZeroedAndHasSize) {
  Secret s(32);
  ASSERT_EQ(s.size(), 32u);
  for (auto b : s.view()) EXPECT_EQ(b, 0);
}

TEST(Secret, MoveLeavesSourceEmpty) {
  Secret a = random_secret(16);
  Secret b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.size(), 16u);
}

TEST(Secret, EqualityComparesContents) {
  Secret a = random_secret(32);
  Secret b = a.clone();
  EXPECT_TRUE(a == b);
  b.data()[31] ^= 1;
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == Secret(31));
}

TEST(Secret, WipeZeroes) {
  ByteArray<8> buf{1, 2, 3, 4, 5, 6, 7, 8};
  { WipeOnExit w(buf); }
  for (auto b : buf) EXPECT_EQ(b, 0);
}

TEST(Random, BytesDiffer) {
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

// RFC 4231 test case 2 for HMAC-SHA-256; BLAKE2b-512("abc") from RFC 7693 appendix A.
TEST(Hash, KnownAnswers) {
  ByteArray<32> mac{};
  hmac_sha256(mac, as_bytes("Jefe"), as_bytes("what do ya want for nothing?"));
  EXPECT_EQ(to_hex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(blake2b_512(as_bytes("abc"))),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  EXPECT_EQ(to_hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, IncrementalMatchesOneShot) {
  Blake2b h(32);
  h.update(as_bytes("ab"));
  h.update(as_bytes("c"));
  ByteArray<32> out{};
  h.final(out);
  EXPECT_EQ(out, blake2b_256(as_bytes("abc")));
}

}  // namespace
}  // namespace cairn::crypto
