#include "crypto/hkdf.h"

#include <gtest/gtest.h>

#include "support/files.h"

namespace cairn::crypto {
namespace {

using test::hex;

struct Rfc5869Case {
  const char* ikm;
  const char* salt;
  const char* info;
  std::size_t length;
  const char* okm;
};

// RFC 5869 appendix A, test cases 1-3 (SHA-256).
const Rfc5869Case kCases[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
    {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
     "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f",
     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
     "909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
     "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     82,
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275"
     "600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
};

TEST(HkdfSha256, Rfc5869Vectors) {
  for (const auto& c : kCases) {
    auto okm = hkdf_sha256(hex(c.salt), hex(c.ikm), hex(c.info), c.length);
    ASSERT_TRUE(okm.ok());
    EXPECT_EQ(to_hex(okm->view()), c.okm);
  }
}

// Extract and Expand alone (HPKE labels each): the PRKs of RFC 5869 test
// cases 1 and 3 (an empty salt is 32 zero bytes), then the same OKMs.
TEST(HkdfSha256, ExtractAndExpandAreTheTwoSteps) {
  const Secret prk1 = hkdf_sha256_extract(hex(kCases[0].salt), hex(kCases[0].ikm));
  EXPECT_EQ(to_hex(prk1.view()), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  const Secret prk3 = hkdf_sha256_extract({}, hex(kCases[2].ikm));
  EXPECT_EQ(to_hex(prk3.view()), "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
  auto okm1 = hkdf_sha256_expand(prk1.view(), hex(kCases[0].info), kCases[0].length);
  ASSERT_TRUE(okm1.ok());
  EXPECT_EQ(to_hex(okm1->view()), kCases[0].okm);
  auto okm3 = hkdf_sha256_expand(prk3.view(), {}, kCases[2].length);
  ASSERT_TRUE(okm3.ok());
  EXPECT_EQ(to_hex(okm3->view()), kCases[2].okm);
  EXPECT_EQ(hkdf_sha256_expand(prk1.view(), {}, 0).code(), Errc::invalid_argument);
  EXPECT_EQ(hkdf_sha256_expand(prk1.view(), {}, 255 * 32 + 1).code(), Errc::invalid_argument);
}

TEST(HkdfSha256, RejectsImpossibleLengths) {
  EXPECT_EQ(hkdf_sha256({}, hex("00"), {}, 0).code(), Errc::invalid_argument);
  EXPECT_EQ(hkdf_sha256({}, hex("00"), {}, 255 * 32 + 1).code(), Errc::invalid_argument);
}

// HMAC-BLAKE2b-512 of RFC 4231 test case 2's inputs, as computed by Python's
// hmac.new(b"Jefe", msg, hashlib.blake2b) (an independent implementation).
TEST(HmacBlake2b, MatchesIndependentImplementation) {
  auto mac = hmac_blake2b(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"));
  EXPECT_EQ(to_hex(mac.view()), 
            "6ff884f8ddc2a6586b3c98a4cd6ebdf14ec10204b6710073eb5865ade37a2643"
            "b8807c1335d107ecdb9ffeaeb6828c4625ba172c66379efcd222c2de11727ab4");
}

}  // namespace
}  // namespace cairn::crypto
