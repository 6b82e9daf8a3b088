// ML-KEM's ring arithmetic (FIPS 203, sections 4.2.1 and 4.3): elements of
// Z_q, polynomials of R_q and T_q (the NTT domain), compression and byte
// encoding. Internal to crypto/mlkem*.cpp (and their tests).
//
// Constant time: every function here runs the same instructions and touches
// the same addresses whatever the coefficients are (Barrett reduction and
// masks, no division, no branch or table index on a coefficient), because the
// coefficients are secret (s, e, y, m) as often as not. Only the modulus check
// (encapsulation_key_is_reduced), which reads a public key, may branch.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "crypto/secret.h"

namespace cairn::crypto::mlkem768::detail {

// Specification constants (FIPS 203, section 8, ML-KEM-768).
inline constexpr std::size_t kN = 256;
inline constexpr std::uint32_t kQ = 3329;
inline constexpr std::size_t kK = 3;
inline constexpr int kDu = 10;
inline constexpr int kDv = 4;
inline constexpr std::size_t kPolyBytes = 384;  // ByteEncode_12 of one polynomial

using FieldElement = std::uint16_t;  // always fully reduced: [0, q)

struct Poly {
  std::array<FieldElement, kN> c{};
};
using PolyVector = std::array<Poly, kK>;
// Â, row-major: a[i * kK + j] = Â[i, j].
using Matrix = std::array<Poly, kK * kK>;

// Wipes a polynomial, vector or matrix of secret coefficients on every exit path.
class WipePolysOnExit {
 public:
  template <class T>
  explicit WipePolysOnExit(T& value) : wipe_(MutableByteView(reinterpret_cast<std::uint8_t*>(&value), sizeof value)) {}

 private:
  WipeOnExit wipe_;
};

[[nodiscard]] FieldElement field_add(FieldElement a, FieldElement b);
[[nodiscard]] FieldElement field_sub(FieldElement a, FieldElement b);
[[nodiscard]] FieldElement field_mul(FieldElement a, FieldElement b);
// A value below 2q, reduced.
[[nodiscard]] FieldElement field_reduce_once(std::uint32_t a);

void add_to(Poly& acc, const Poly& b);
void subtract_from(Poly& acc, const Poly& b);

// Algorithms 9 and 10: NTT and NTT^-1, in place.
void ntt(Poly& f);
void inverse_ntt(Poly& f);
// Algorithm 11: MultiplyNTTs, accumulated into acc (acc += f ×_T g).
void multiply_ntts_add(Poly& acc, const Poly& f, const Poly& g);

// Compress_d and Decompress_d (section 4.2.1) on every coefficient, d in 1..11.
void compress(Poly& f, int d);
void decompress(Poly& f, int d);

// Algorithms 5 and 6: ByteEncode_d and ByteDecode_d, d in 1..12; out and in
// are 32 * d bytes. ByteDecode_12 reduces modulo q, as the algorithm says.
// Secret polynomials are decoded in place (no copy left in a temporary).
void byte_encode(const Poly& f, int d, MutableByteView out);
void byte_decode(ByteView in, int d, Poly& out);

// The modulus check of section 7.2: every 12-bit coefficient of the first
// kK * kPolyBytes bytes of `ek` is below q. Public input: may branch.
[[nodiscard]] bool encapsulation_key_is_reduced(ByteView ek);

}  // namespace cairn::crypto::mlkem768::detail
