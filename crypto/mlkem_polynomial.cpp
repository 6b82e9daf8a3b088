#include "crypto/mlkem_polynomial.h"

#include <cstdlib>

namespace cairn::crypto::mlkem768::detail {

namespace {

// Barrett reduction: floor(2^24 / q). For x < q^2 the estimated quotient
// x * 5039 >> 24 is at most one below the true one (the error is
// x * (2^24 - 5039 q) / (q 2^24) < 0.56), so x - quotient * q < 2q and one
// conditional subtraction finishes.
inline constexpr std::uint64_t kBarrettMultiplier = 5039;
inline constexpr int kBarrettShift = 24;
static_assert(kBarrettMultiplier == (std::uint64_t{1} << kBarrettShift) / kQ);

[[nodiscard]] std::uint32_t barrett_quotient(std::uint32_t x) {
  return static_cast<std::uint32_t>((std::uint64_t{x} * kBarrettMultiplier) >> kBarrettShift);
}

[[nodiscard]] FieldElement field_reduce(std::uint32_t x) {  // x < q^2
  return field_reduce_once(x - barrett_quotient(x) * kQ);
}

// ζ = 17, the primitive 256th root of unity mod q (section 4.3).
constexpr std::uint32_t kZeta = 17;

constexpr std::uint32_t bit_rev7(std::uint32_t i) {
  std::uint32_t r = 0;
  for (int b = 0; b < 7; ++b) r |= ((i >> b) & 1U) << (6 - b);
  return r;
}

constexpr FieldElement zeta_power(std::uint32_t e) {
  std::uint32_t r = 1;
  for (std::uint32_t k = 0; k < e; ++k) r = r * kZeta % kQ;  // compile time only
  return static_cast<FieldElement>(r);
}

// ζ^BitRev7(i) for the NTT's butterflies; ζ^(2 BitRev7(i) + 1) for the base case
// multiplications (Appendix A). Indexed by loop counters, never by data.
constexpr auto kZetas = [] {
  std::array<FieldElement, 128> z{};
  for (std::uint32_t i = 0; i < 128; ++i) z[i] = zeta_power(bit_rev7(i));
  return z;
}();
constexpr auto kGammas = [] {
  std::array<FieldElement, 128> g{};
  for (std::uint32_t i = 0; i < 128; ++i) g[i] = zeta_power(2 * bit_rev7(i) + 1);
  return g;
}();
static_assert(kZetas[1] == 1729 && kGammas[0] == 17 && kGammas[1] == kQ - 17);

constexpr FieldElement kNInverse = 3303;  // 128^-1 mod q (the last step of NTT^-1)
static_assert(kNInverse * 128U % kQ == 1);

}  // namespace

FieldElement field_reduce_once(std::uint32_t a) {
  // a - q wraps around (top bit set) exactly when a < q; then adding q back
  // wraps to a. A mask from the top bit, not a branch.
  const std::uint32_t t = a - kQ;
  return static_cast<FieldElement>(t + ((t >> 31) * kQ));
}

FieldElement field_add(FieldElement a, FieldElement b) { return field_reduce_once(std::uint32_t{a} + b); }
FieldElement field_sub(FieldElement a, FieldElement b) { return field_reduce_once(std::uint32_t{a} + kQ - b); }
FieldElement field_mul(FieldElement a, FieldElement b) { return field_reduce(std::uint32_t{a} * b); }

void add_to(Poly& acc, const Poly& b) {
  for (std::size_t i = 0; i < kN; ++i) acc.c[i] = field_add(acc.c[i], b.c[i]);
}

void subtract_from(Poly& acc, const Poly& b) {
  for (std::size_t i = 0; i < kN; ++i) acc.c[i] = field_sub(acc.c[i], b.c[i]);
}

void ntt(Poly& f) {
  std::size_t k = 1;
  for (std::size_t len = 128; len >= 2; len /= 2) {
    for (std::size_t start = 0; start < kN; start += 2 * len) {
      const FieldElement zeta = kZetas[k++];
      for (std::size_t j = start; j < start + len; ++j) {
        const FieldElement t = field_mul(zeta, f.c[j + len]);
        f.c[j + len] = field_sub(f.c[j], t);
        f.c[j] = field_add(f.c[j], t);
      }
    }
  }
}

void inverse_ntt(Poly& f) {
  std::size_t k = 127;
  for (std::size_t len = 2; len <= 128; len *= 2) {
    for (std::size_t start = 0; start < kN; start += 2 * len) {
      const FieldElement zeta = kZetas[k--];
      for (std::size_t j = start; j < start + len; ++j) {
        const FieldElement t = f.c[j];
        f.c[j] = field_add(t, f.c[j + len]);
        f.c[j + len] = field_mul(zeta, field_sub(f.c[j + len], t));
      }
    }
  }
  for (auto& x : f.c) x = field_mul(x, kNInverse);
}

void multiply_ntts_add(Poly& acc, const Poly& f, const Poly& g) {
  // Algorithm 12 (BaseCaseMultiply) on each of the 128 degree-one pairs.
  for (std::size_t i = 0; i < kN / 2; ++i) {
    const FieldElement a0 = f.c[2 * i], a1 = f.c[2 * i + 1];
    const FieldElement b0 = g.c[2 * i], b1 = g.c[2 * i + 1];
    const FieldElement c0 = field_add(field_mul(a0, b0), field_mul(field_mul(a1, b1), kGammas[i]));
    const FieldElement c1 = field_add(field_mul(a0, b1), field_mul(a1, b0));
    acc.c[2 * i] = field_add(acc.c[2 * i], c0);
    acc.c[2 * i + 1] = field_add(acc.c[2 * i + 1], c1);
  }
}

void compress(Poly& f, int d) {
  // round(2^d x / q) mod 2^d without a division: Barrett gives the quotient
  // of x 2^d by q up to one, with remainder r in [0, 2q). The true quotient
  // is one more when r >= q, and rounding adds one more when the true
  // remainder is above q/2: two comparisons, each a borrow bit.
  const std::uint32_t mask = (std::uint32_t{1} << d) - 1;
  for (auto& x : f.c) {
    const std::uint32_t dividend = std::uint32_t{x} << d;
    std::uint32_t quotient = barrett_quotient(dividend);
    const std::uint32_t remainder = dividend - quotient * kQ;
    quotient += ((kQ / 2) - remainder) >> 31;          // r > q/2
    quotient += ((kQ + kQ / 2) - remainder) >> 31;     // r > q + q/2
    x = static_cast<FieldElement>(quotient & mask);
  }
}

void decompress(Poly& f, int d) {
  // round(q y / 2^d): q y + 2^(d-1), shifted.
  for (auto& y : f.c)
    y = static_cast<FieldElement>((std::uint32_t{y} * kQ + (std::uint32_t{1} << (d - 1))) >> d);
}

void byte_encode(const Poly& f, int d, MutableByteView out) {
  if (out.size() != 32 * static_cast<std::size_t>(d)) std::abort();  // a caller bug
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t o = 0;
  for (const FieldElement x : f.c) {
    acc |= std::uint32_t{x} << bits;
    bits += d;
    while (bits >= 8) {
      out[o++] = static_cast<std::uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
}

void byte_decode(ByteView in, int d, Poly& f) {
  if (in.size() != 32 * static_cast<std::size_t>(d)) std::abort();  // a caller bug
  const std::uint32_t mask = (std::uint32_t{1} << d) - 1;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t i = 0;
  for (auto& x : f.c) {
    while (bits < d) {
      acc |= std::uint32_t{in[i++]} << bits;
      bits += 8;
    }
    const std::uint32_t value = acc & mask;
    acc >>= d;
    bits -= d;
    // For d = 12 the value is below 2^12 < 2q: one conditional subtraction is mod q.
    x = d == 12 ? field_reduce_once(value) : static_cast<FieldElement>(value);
  }
}

bool encapsulation_key_is_reduced(ByteView ek) {
  if (ek.size() < kK * kPolyBytes) return false;
  for (std::size_t i = 0; i < kK * kPolyBytes; i += 3) {
    const std::uint32_t x0 = ek[i] | ((ek[i + 1] & 0x0fU) << 8);
    const std::uint32_t x1 = (ek[i + 1] >> 4) | (std::uint32_t{ek[i + 2]} << 4);
    if (x0 >= kQ || x1 >= kQ) return false;
  }
  return true;
}

}  // namespace cairn::crypto::mlkem768::detail
