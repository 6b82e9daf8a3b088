// ML-KEM's sampling (FIPS 203, section 4.2.2): the public matrix Â from ρ by
// rejection sampling on SHAKE128, and secret noise polynomials from the
// centred binomial distribution on SHAKE256. Internal to crypto/mlkem*.cpp.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "crypto/mlkem_polynomial.h"

namespace cairn::crypto::mlkem768::detail {

inline constexpr std::size_t kRhoBytes = 32;
// SHAKE128 output read first by SampleNTT: three blocks, enough for 256
// coefficients all but ~1% of the time; the rest read again, longer.
inline constexpr std::size_t kSampleNttFirstRead = 3 * 168;

// Algorithm 7: SampleNTT(ρ || j || i). Public input and output: the rejection
// loop branches on the XOF's bytes.
[[nodiscard]] Poly sample_ntt(ByteView rho, std::uint8_t j, std::uint8_t i);

// Â with Â[i, j] = SampleNTT(ρ || j || i) (K-PKE.KeyGen step 6, K-PKE.Encrypt step 6:
// the final standard's index order).
[[nodiscard]] Matrix sample_matrix(ByteView rho);

// SamplePolyCBD_η(PRF_η(seed, n)) (Algorithm 8, and PRF of section 4.1) for
// η = 2, ML-KEM-768's η1 and η2, into f. Secret input and output: constant
// time, written in place, and the PRF's output is wiped.
void sample_noise(ByteView seed, std::uint8_t n, Poly& f);

}  // namespace cairn::crypto::mlkem768::detail
