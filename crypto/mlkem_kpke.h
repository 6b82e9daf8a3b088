// K-PKE, the CPA-secure encryption scheme under ML-KEM (FIPS 203, section 5).
// Internal to crypto/mlkem768.cpp and its tests: K-PKE alone must never be
// used for encryption (the KEM's re-encryption check is what makes it safe).
#pragma once

#include "common/bytes.h"
#include "crypto/mlkem_polynomial.h"

namespace cairn::crypto::mlkem768::detail {

inline constexpr std::size_t kPkeEncryptionKeyBytes = kK * kPolyBytes + 32;  // ByteEncode_12(t̂) || ρ
inline constexpr std::size_t kPkeDecryptionKeyBytes = kK * kPolyBytes;       // ByteEncode_12(ŝ)
inline constexpr std::size_t kPkeCiphertextBytes = 32 * (kDu * kK + kDv);
inline constexpr std::size_t kPkeMessageBytes = 32;

// Algorithm 13 from step 2 on, given (ρ, σ) = G(d || k) (the caller hashes, so
// the tests can also run the draft's G(d) intermediate values). σ is secret.
void kpke_keygen(ByteView rho, ByteView sigma, MutableByteView ek_pke, MutableByteView dk_pke);

// Algorithm 14: K-PKE.Encrypt(ek_PKE, m, r). ek_pke has passed the modulus check
// (or comes from a decapsulation key that passed the hash check); m and r are secret.
void kpke_encrypt(ByteView ek_pke, ByteView m, ByteView r, MutableByteView c);

// Algorithm 15: K-PKE.Decrypt(dk_PKE, c) into m (32 bytes). dk_pke and m are secret.
void kpke_decrypt(ByteView dk_pke, ByteView c, MutableByteView m);

}  // namespace cairn::crypto::mlkem768::detail
