#include "crypto/argon2.h"

#include <gtest/gtest.h>

#include "support/files.h"

namespace cairn::crypto {
namespace {

// RFC 9106 section 5.3's vector uses a secret and associated data that
// libsodium's API does not take, so it does not apply; this value comes from
// the independent PHC reference implementation (Debian package argon2):
//   echo -n password | argon2 somesaltsomesalt -id -t 2 -k 64 -p 1 -l 32 -r
TEST(Argon2id, MatchesReferenceImplementation) {
  auto out = argon2id(as_bytes("password"), as_bytes("somesaltsomesalt"), {2, 64 * 1024}, 32);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(to_hex(out->view()), "1a98fba8e6394425c9bdc333a9c750aaf811df070f5fb4a5788e1cf4db5793a1");
}

TEST(Argon2id, DependsOnEveryInput) {
  auto cost = Argon2Cost::test_only_minimum();
  auto a = argon2id(as_bytes("a"), as_bytes("0123456789abcdef"), cost, 32);
  auto b = argon2id(as_bytes("b"), as_bytes("0123456789abcdef"), cost, 32);
  auto c = argon2id(as_bytes("a"), as_bytes("0123456789abcdeF"), cost, 32);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_FALSE(*a == *b);
  EXPECT_FALSE(*a == *c);
}

TEST(Argon2id, RejectsBadParameters) {
  EXPECT_EQ(argon2id(as_bytes("a"), as_bytes("short"), {}, 32).code(), Errc::invalid_argument);
  EXPECT_EQ(argon2id(as_bytes("a"), as_bytes("0123456789abcdef"), {0, 8192}, 32).code(), Errc::invalid_argument);
}

}  // namespace
}  // namespace cairn::crypto
