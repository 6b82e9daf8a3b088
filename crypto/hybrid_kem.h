// The MLKEM768-X25519 hybrid KEM (X-Wing: draft-connolly-cfrg-xwing-kem, the
// same construction as MLKEM768-X25519 in draft-irtf-cfrg-concrete-hybrid-kems
// and HPKE KEM 0x647a in draft-ietf-hpke-pq): the KEM under age's
// mlkem768x25519 recipients (crypto/age_hybrid.h). Secure if either ML-KEM-768
// or X25519 is, so testimony stays secret after a quantum computer.
//
//   decapsulation key = a 32-byte seed, expanded by SHAKE256 into ML-KEM-768's
//                       d || z and an X25519 scalar
//   encapsulation key = ML-KEM-768 ek (1184) || X25519 public key (32)
//   ciphertext        = ML-KEM-768 ciphertext (1088) || X25519 ephemeral share (32)
//   shared secret     = SHA3-256(ss_M || ss_X || ct_X || pk_X || label)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/mlkem768.h"
#include "crypto/secret.h"
#include "crypto/x25519.h"

namespace cairn::crypto::hybrid_kem {

// --- Specification constants ---
inline constexpr std::size_t kSeedBytes = 32;  // the decapsulation key, as stored and encoded
inline constexpr std::size_t kExpandedSeedBytes = mlkem768::kSeedBytes + kX25519Bytes;  // SHAKE256 output
inline constexpr std::size_t kEncapsulationKeyBytes = mlkem768::kEncapsulationKeyBytes + kX25519Bytes;  // 1216
inline constexpr std::size_t kCiphertextBytes = mlkem768::kCiphertextBytes + kX25519Bytes;              // 1120
inline constexpr std::size_t kSharedSecretBytes = 32;
// The combiner's domain-separation label, ASCII "\./" "/^\".
inline constexpr std::array<std::uint8_t, 6> kLabel = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

using EncapsulationKey = ByteArray<kEncapsulationKeyBytes>;
using Ciphertext = ByteArray<kCiphertextBytes>;

// A key pair with its seed expanded once: every decapsulation needs the
// ML-KEM decapsulation key and the X25519 scalar, which the seed yields only
// through an ML-KEM key generation. Never exported expanded: the seed is the key.
struct KeyPair {
  Secret seed;                     // kSeedBytes
  Secret mlkem_decapsulation_key;  // mlkem768::kDecapsulationKeyBytes
  Secret x25519_secret;            // kX25519Bytes
  EncapsulationKey encapsulation_key{};
};

// The key pair of a 32-byte seed (expandDecapsulationKey). Errc::invalid_argument
// for a seed of another size.
[[nodiscard]] Result<KeyPair> derive_key_pair(Secret seed);
// A fresh key pair from a CSPRNG seed.
[[nodiscard]] KeyPair generate_key_pair();

// The X25519 half of an encapsulation key or ciphertext.
[[nodiscard]] X25519Public x25519_part(ByteView key_or_ciphertext);

struct Encapsulation {
  Ciphertext ciphertext{};
  Secret shared_secret;  // kSharedSecretBytes
};

// Encapsulate(pk). Errors: Errc::malformed (the ML-KEM half fails FIPS 203's
// encapsulation key check), Errc::invalid_argument (the X25519 half is a
// low-order point: its shared secret would be all zero).
[[nodiscard]] Result<Encapsulation> encapsulate(const EncapsulationKey& encapsulation_key);

// Decapsulate(ct, sk). A ciphertext for another key is not an error: ML-KEM's
// implicit rejection gives an unrelated secret, and whatever uses it fails to
// authenticate. Errc::malformed if the X25519 share is a low-order point (an
// all-zero X25519 shared secret, which no honest sender produces).
[[nodiscard]] Result<Secret> decapsulate(const KeyPair& key, const Ciphertext& ciphertext);

}  // namespace cairn::crypto::hybrid_kem
