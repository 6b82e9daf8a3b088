// ML-KEM-768 (FIPS 203, final, August 2024): the post-quantum half of age's
// mlkem768x25519 hybrid recipients. No Debian 12 library has ML-KEM, so the
// KEM is written here from the standard; SHA3-256/512 and SHAKE128/256 come
// from OpenSSL's libcrypto (crypto/sha3.h). Constant time in every secret.
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto::mlkem768 {

// Specification constants (FIPS 203, Table 3, ML-KEM-768).
inline constexpr std::size_t kEncapsulationKeyBytes = 1184;
inline constexpr std::size_t kDecapsulationKeyBytes = 2400;
inline constexpr std::size_t kCiphertextBytes = 1088;
inline constexpr std::size_t kSharedSecretBytes = 32;
inline constexpr std::size_t kSeedBytes = 64;  // d || z (FIPS 203 ML-KEM.KeyGen_internal)
inline constexpr std::size_t kMessageBytes = 32;  // m of ML-KEM.Encaps_internal

using EncapsulationKey = ByteArray<kEncapsulationKeyBytes>;
using Ciphertext = ByteArray<kCiphertextBytes>;

struct KeyPair {
  Secret decapsulation_key;  // kDecapsulationKeyBytes: dk_PKE || ek || H(ek) || z
  EncapsulationKey encapsulation_key{};
};

// ML-KEM.KeyGen_internal(d, z) from a 64-byte seed d || z (a Secret of kSeedBytes;
// any other size is a caller bug and aborts).
[[nodiscard]] KeyPair generate_from_seed(const Secret& seed);
// ML-KEM.KeyGen: a fresh random seed.
[[nodiscard]] KeyPair generate();

struct Encapsulation {
  Ciphertext ciphertext{};
  Secret shared_secret;  // kSharedSecretBytes
};

// ML-KEM.Encaps with the input check of FIPS 203 7.2 (length, modulus check):
// Errc::malformed.
[[nodiscard]] Result<Encapsulation> encapsulate(ByteView encapsulation_key);
// Deterministic ML-KEM.Encaps_internal(ek, m) for known-answer tests; m is
// kMessageBytes (another size: Errc::invalid_argument). Same input check.
[[nodiscard]] Result<Encapsulation> encapsulate_with(ByteView encapsulation_key, const Secret& m);

// ML-KEM.Decaps with the input checks of FIPS 203 7.3 (ciphertext length,
// decapsulation key length and its hash check H(ek) == h): Errc::malformed.
// Implicit rejection otherwise: a wrong ciphertext of the right length is never
// an error, it yields J(z || c), a secret unrelated to the encapsulated one.
[[nodiscard]] Result<Secret> decapsulate(const Secret& decapsulation_key, ByteView ciphertext);

}  // namespace cairn::crypto::mlkem768
