#include "crypto/pow.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace cairn::crypto {
namespace {

// Leading zero bits of BLAKE2b-256("cairn pow v1" || challenge || context ||
// nonce), computed here from the specification, independently of pow.cpp.
std::uint32_t leading_zero_bits(const pow::Challenge& challenge, const pow::Context& context, ByteView nonce) {
  Bytes input = to_bytes("cairn pow v1");
  input.insert(input.end(), challenge.begin(), challenge.end());
  input.insert(input.end(), context.begin(), context.end());
  input.insert(input.end(), nonce.begin(), nonce.end());
  auto h = blake2b_256(input);
  std::uint32_t n = 0;
  for (auto byte : h) {
    for (int bit = 7; bit >= 0; --bit) {
      if ((byte >> bit) & 1) return n;
      ++n;
    }
  }
  return n;
}

TEST(ProofOfWork, SolveAndVerifyAtSeveralDifficulties) {
  auto challenge = pow::new_challenge();
  auto context = pow::context_for_drop(to_bytes("a drop"));
  for (std::uint32_t bits : {0u, 1u, 4u, 8u, 12u, 16u}) {
    auto nonce = pow::solve(challenge, context, bits, 1u << 26);
    ASSERT_TRUE(nonce.ok()) << bits;
    EXPECT_TRUE(pow::verify(challenge, context, *nonce, bits).ok()) << bits;
    std::uint32_t zeros = leading_zero_bits(challenge, context, *nonce);
    EXPECT_GE(zeros, bits);
    // The verifier counts exactly: one more bit than the hash has fails.
    if (zeros < pow::kMaxBits) {
      EXPECT_EQ(pow::verify(challenge, context, *nonce, zeros + 1).code(), Errc::insufficient_work);
    }
    EXPECT_TRUE(pow::verify(challenge, context, *nonce, std::min(zeros, pow::kMaxBits)).ok());
  }
}

TEST(ProofOfWork, ContextIsTheDropHash) {
  Bytes drop = to_bytes("drop bytes");
  auto expected = blake2b_256(drop);
  EXPECT_EQ(pow::context_for_drop(drop), expected);
}

// A solution pays for one drop on one connection: it verifies for another
// context or challenge only by the 2^-bits chance of a fresh nonce.
TEST(ProofOfWork, SolutionIsBoundToContextAndChallenge) {
  constexpr std::uint32_t kBits = 12;
  auto challenge = pow::new_challenge();
  auto other_challenge = pow::new_challenge();
  auto context = pow::context_for_drop(to_bytes("drop one"));
  auto other_context = pow::context_for_drop(to_bytes("drop two"));
  int reused = 0;
  for (int i = 0; i < 8; ++i) {
    auto nonce = pow::solve(challenge, context, kBits, 1u << 26);
    ASSERT_TRUE(nonce.ok());
    bool other_ctx = pow::verify(challenge, other_context, *nonce, kBits).ok();
    bool other_chal = pow::verify(other_challenge, context, *nonce, kBits).ok();
    EXPECT_EQ(other_ctx, leading_zero_bits(challenge, other_context, *nonce) >= kBits);
    EXPECT_EQ(other_chal, leading_zero_bits(other_challenge, context, *nonce) >= kBits);
    reused += other_ctx + other_chal;
  }
  EXPECT_LT(reused, 16);  // all 16 passing by chance: probability 2^-192
}

TEST(ProofOfWork, RejectsImpossibleDifficultyAndNonceLength) {
  auto challenge = pow::new_challenge();
  pow::Context context{};
  EXPECT_EQ(pow::solve(challenge, context, 33, 10).code(), Errc::invalid_argument);
  pow::Nonce nonce{};
  EXPECT_EQ(pow::verify(challenge, context, nonce, 33).code(), Errc::invalid_argument);
  EXPECT_EQ(pow::verify(challenge, context, ByteView(nonce).first(7), 0).code(), Errc::malformed);
  Bytes nine(9, 0);
  EXPECT_EQ(pow::verify(challenge, context, nine, 0).code(), Errc::malformed);
  EXPECT_TRUE(pow::verify(challenge, context, nonce, 0).ok());  // zero bits costs nothing
}

TEST(ProofOfWork, GivesUpAfterMaxIterations) {
  auto challenge = pow::new_challenge();
  pow::Context context{};
  // 16 tries at 32 bits: a timeout, or (chance 2^-28) a nonce that really solves it.
  auto lucky = pow::solve(challenge, context, 32, 16);
  if (lucky.ok()) EXPECT_TRUE(pow::verify(challenge, context, *lucky, 32).ok());
  else EXPECT_EQ(lucky.code(), Errc::timeout);
  EXPECT_EQ(pow::solve(challenge, context, 0, 0).code(), Errc::timeout);
}

TEST(ProofOfWork, ChallengesAreFresh) { EXPECT_NE(pow::new_challenge(), pow::new_challenge()); }

}  // namespace
}  // namespace cairn::crypto
