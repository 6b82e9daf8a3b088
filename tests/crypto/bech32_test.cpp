#include "crypto/bech32.h"

#include <gtest/gtest.h>

namespace cairn::crypto {
namespace {

// Valid and invalid strings from BIP 173.
TEST(Bech32, Bip173ValidChecksums) {
  for (const char* s : {"A12UEL5L", "a12uel5l",
                        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"}) {
    auto r = bech32_decode(s);
    // Some valid strings carry 5-bit data that does not regroup into bytes; the
    // checksum itself must never be the complaint.
    if (!r.ok()) {
      EXPECT_NE(r.code(), Errc::checksum_mismatch) << s;
    }
  }
  auto r = bech32_decode("A12UEL5L");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hrp, "a");
  EXPECT_TRUE(r->data.empty());
}

TEST(Bech32, Bip173Invalid) {
  EXPECT_EQ(bech32_decode("pzry9x0s0muk").code(), Errc::malformed);            // no separator
  EXPECT_EQ(bech32_decode("1pzry9x0s0muk").code(), Errc::malformed);           // empty hrp
  EXPECT_EQ(bech32_decode("x1b4n0q5v").code(), Errc::malformed);               // invalid data char
  EXPECT_EQ(bech32_decode("li1dgmt3").code(), Errc::malformed);                // checksum too short
  EXPECT_EQ(bech32_decode("A1G7SGD8").code(), Errc::checksum_mismatch);        // checksum from upper hrp
  EXPECT_EQ(bech32_decode("a12UEL5L").code(), Errc::malformed);                // mixed case
  EXPECT_EQ(bech32_decode(std::string("a1\x7f" "uel5l")).code(), Errc::malformed);
}

TEST(Bech32, RoundTripAndTypoDetection) {
  Bytes data;
  for (int i = 0; i < 70; ++i) data.push_back(static_cast<std::uint8_t>(i * 37));
  std::string s = bech32_encode("cairn", data);
  auto r = bech32_decode(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hrp, "cairn");
  EXPECT_EQ(r->data, data);
  // Every single-character substitution in the data part is caught by the checksum.
  for (std::size_t i = 6; i < s.size(); ++i) {
    std::string t = s;
    t[i] = t[i] == 'q' ? 'p' : 'q';
    EXPECT_EQ(bech32_decode(t).code(), Errc::checksum_mismatch) << i;
  }
}

TEST(Bech32, CaseIsReportedAndUpperEncodingIsTheSameString) {
  const Bytes data{1, 2, 3, 250};
  const std::string lower = bech32_encode("key-", data);
  const Secret upper = bech32_encode_upper_secret("key-", data);
  const std::string upper_text(reinterpret_cast<const char*>(upper.data()), upper.size());
  ASSERT_EQ(upper_text.size(), lower.size());
  for (std::size_t i = 0; i < lower.size(); ++i)
    EXPECT_EQ(upper_text[i], (lower[i] >= 'a' && lower[i] <= 'z') ? lower[i] - 'a' + 'A' : lower[i]);
  auto l = bech32_decode(lower);
  auto u = bech32_decode(upper_text);
  ASSERT_TRUE(l.ok() && u.ok());
  EXPECT_FALSE(l->upper_case);
  EXPECT_TRUE(u->upper_case);
  EXPECT_EQ(u->hrp, "key-");
  EXPECT_EQ(u->data, data);
}

TEST(Bech32, HrpIsRecognisedInEitherCaseBeforeDecoding) {
  EXPECT_TRUE(bech32_has_hrp("age1pq1anything", "age1pq"));
  EXPECT_TRUE(bech32_has_hrp("AGE1PQ1ANYTHING", "age1pq"));
  EXPECT_FALSE(bech32_has_hrp("age1qqq", "age1pq"));
  EXPECT_FALSE(bech32_has_hrp("age1pq", "age1pq"));   // no separator after it
  EXPECT_FALSE(bech32_has_hrp("age1pqx1", "age1pq"));
  EXPECT_TRUE(bech32_has_hrp(std::string(5000, 'q').insert(0, "age1pq1"), "age1pq"));  // any length
}

TEST(Bech32, CapCheckedFirst) {
  EXPECT_EQ(bech32_decode(std::string(kBech32MaxLength + 1, 'q')).code(), Errc::too_large);
}

}  // namespace
}  // namespace cairn::crypto
