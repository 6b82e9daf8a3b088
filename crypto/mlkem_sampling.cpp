#include "crypto/mlkem_sampling.h"

#include <cstdlib>
#include <vector>

#include "crypto/sha3.h"

namespace cairn::crypto::mlkem768::detail {

namespace {
constexpr int kEta = 2;  // η1 = η2 = 2 for ML-KEM-768
constexpr std::size_t kPrfBytes = 64 * kEta;
}  // namespace

Poly sample_ntt(ByteView rho, std::uint8_t j, std::uint8_t i) {
  if (rho.size() != kRhoBytes) std::abort();  // a caller bug
  const std::uint8_t index[2] = {j, i};
  std::vector<std::uint8_t> stream(kSampleNttFirstRead);
  shake128({rho, index}, stream);
  Poly a;
  std::size_t filled = 0;
  std::size_t pos = 0;
  while (filled < kN) {
    if (pos + 3 > stream.size()) {
      // OpenSSL 3.0 cannot squeeze an XOF twice: read the stream again, twice
      // as long. It begins with the bytes already used, so sampling goes on at pos.
      stream.resize(2 * stream.size());
      shake128({rho, index}, stream);
    }
    const std::uint32_t d1 = stream[pos] | ((stream[pos + 1] & 0x0fU) << 8);
    const std::uint32_t d2 = (stream[pos + 1] >> 4) | (std::uint32_t{stream[pos + 2]} << 4);
    pos += 3;
    if (d1 < kQ) a.c[filled++] = static_cast<FieldElement>(d1);
    if (d2 < kQ && filled < kN) a.c[filled++] = static_cast<FieldElement>(d2);
  }
  return a;
}

Matrix sample_matrix(ByteView rho) {
  Matrix a;
  for (std::size_t i = 0; i < kK; ++i)
    for (std::size_t j = 0; j < kK; ++j)
      a[i * kK + j] = sample_ntt(rho, static_cast<std::uint8_t>(j), static_cast<std::uint8_t>(i));
  return a;
}

void sample_noise(ByteView seed, std::uint8_t n, Poly& f) {
  // PRF_η(s, b) = SHAKE256(s || b, 8 · 64η bits).
  ByteArray<kPrfBytes> prf{};
  WipeOnExit wipe_prf(prf);
  const std::uint8_t b[1] = {n};
  shake256({seed, b}, prf);
  // SamplePolyCBD_2: each coefficient is (b0 + b1) - (b2 + b3) of four bits,
  // two coefficients per byte, mapped into [0, q) by adding q.
  for (std::size_t k = 0; k < kPrfBytes; ++k) {
    const std::uint32_t byte = prf[k];
    for (std::size_t half = 0; half < 2; ++half) {
      const std::uint32_t bits = byte >> (4 * half);
      const std::uint32_t x = (bits & 1U) + ((bits >> 1) & 1U);
      const std::uint32_t y = ((bits >> 2) & 1U) + ((bits >> 3) & 1U);
      f.c[2 * k + half] = field_reduce_once(x + kQ - y);
    }
  }
}

}  // namespace cairn::crypto::mlkem768::detail
