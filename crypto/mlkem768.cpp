#include "crypto/mlkem768.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crypto/declassify.h"
#include "crypto/mlkem_kpke.h"
#include "crypto/mlkem_sampling.h"
#include "crypto/random.h"
#include "crypto/sha3.h"

namespace cairn::crypto::mlkem768 {

namespace {

using namespace detail;

// The decapsulation key's layout (FIPS 203, Algorithm 16): dk_PKE || ek || H(ek) || z.
constexpr std::size_t kDkPkeOffset = 0;
constexpr std::size_t kEkOffset = kPkeDecryptionKeyBytes;
constexpr std::size_t kHashOffset = kEkOffset + kEncapsulationKeyBytes;
constexpr std::size_t kZOffset = kHashOffset + 32;
static_assert(kZOffset + 32 == kDecapsulationKeyBytes);
static_assert(kPkeEncryptionKeyBytes == kEncapsulationKeyBytes);
static_assert(kPkeCiphertextBytes == kCiphertextBytes);

// K-PKE.KeyGen's domain separator: G(d || k) (FIPS 203 final; the draft had G(d)).
constexpr std::uint8_t kDomainSeparator[1] = {static_cast<std::uint8_t>(kK)};

// All ones if a == b, else zero; no branch (the FO check's outcome is secret).
std::uint8_t equal_mask(ByteView a, ByteView b) {
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<std::uint8_t>(a[i] ^ b[i]);
  // diff - 1 borrows (top bits set) only when diff == 0.
  auto mask = static_cast<std::uint8_t>((std::uint32_t{diff} - 1) >> 8);
  // Keeps the compiler from turning the select below into a branch on `mask`.
  __asm__("" : "+r"(mask));
  return mask;
}

}  // namespace

KeyPair generate_from_seed(const Secret& seed) {
  if (seed.size() != kSeedBytes) std::abort();  // a caller bug: the seed is made by Cairn
  const ByteView d = seed.view().first(32);
  const ByteView z = seed.view().subspan(32, 32);
  // (ρ, σ) = G(d || k)
  Secret rho_sigma(64);
  sha3_512({d, kDomainSeparator}, rho_sigma.bytes());
  const ByteView rho = rho_sigma.view().first(kRhoBytes);
  const ByteView sigma = rho_sigma.view().subspan(kRhoBytes, 32);
  declassify(rho);  // published in ek
  KeyPair kp;
  kp.decapsulation_key = Secret(kDecapsulationKeyBytes);
  MutableByteView dk = kp.decapsulation_key.bytes();
  kpke_keygen(rho, sigma, kp.encapsulation_key, dk.subspan(kDkPkeOffset, kPkeDecryptionKeyBytes));
  std::copy(kp.encapsulation_key.begin(), kp.encapsulation_key.end(), dk.begin() + kEkOffset);
  sha3_256({kp.encapsulation_key}, dk.subspan(kHashOffset, 32));
  std::copy(z.begin(), z.end(), dk.begin() + kZOffset);
  return kp;
}

KeyPair generate() { return generate_from_seed(random_secret(kSeedBytes)); }

Result<Encapsulation> encapsulate_with(ByteView encapsulation_key, const Secret& m) {
  if (m.size() != kMessageBytes)
    return make_error(Errc::invalid_argument, "ML-KEM-768 encapsulation randomness is 32 bytes");
  // Section 7.2: type check, then modulus check.
  if (encapsulation_key.size() != kEncapsulationKeyBytes)
    return make_error(Errc::malformed, "an ML-KEM-768 encapsulation key is " +
                                           std::to_string(kEncapsulationKeyBytes) + " bytes, not " +
                                           std::to_string(encapsulation_key.size()));
  if (!encapsulation_key_is_reduced(encapsulation_key))
    return make_error(Errc::malformed, "an ML-KEM-768 encapsulation key has a coefficient not below q (3329)");
  // (K, r) = G(m || H(ek))
  ByteArray<32> h = sha3_256(encapsulation_key);
  Secret k_r(64);
  sha3_512({m.view(), h}, k_r.bytes());
  Encapsulation out;
  kpke_encrypt(encapsulation_key, m.view(), k_r.view().subspan(32, 32), out.ciphertext);
  out.shared_secret = Secret::copy_of(k_r.view().first(kSharedSecretBytes));
  return out;
}

Result<Encapsulation> encapsulate(ByteView encapsulation_key) {
  return encapsulate_with(encapsulation_key, random_secret(kMessageBytes));
}

Result<Secret> decapsulate(const Secret& decapsulation_key, ByteView ciphertext) {
  // Section 7.3: ciphertext type check, decapsulation key type check, hash check.
  if (ciphertext.size() != kCiphertextBytes)
    return make_error(Errc::malformed, "an ML-KEM-768 ciphertext is " + std::to_string(kCiphertextBytes) +
                                           " bytes, not " + std::to_string(ciphertext.size()));
  if (decapsulation_key.size() != kDecapsulationKeyBytes)
    return make_error(Errc::malformed, "an ML-KEM-768 decapsulation key is " +
                                           std::to_string(kDecapsulationKeyBytes) + " bytes, not " +
                                           std::to_string(decapsulation_key.size()));
  const ByteView dk = decapsulation_key.view();
  const ByteView dk_pke = dk.subspan(kDkPkeOffset, kPkeDecryptionKeyBytes);
  const ByteView ek = dk.subspan(kEkOffset, kEncapsulationKeyBytes);
  const ByteView h = dk.subspan(kHashOffset, 32);
  const ByteView z = dk.subspan(kZOffset, 32);
  declassify(dk.subspan(kEkOffset, kEncapsulationKeyBytes + 32));  // ek || H(ek): public
  if (!std::ranges::equal(sha3_256(ek), h))
    return make_error(Errc::malformed, "an ML-KEM-768 decapsulation key fails its hash check (H(ek) != h)");
  // m' = K-PKE.Decrypt(dk_PKE, c); (K', r') = G(m' || h); K̄ = J(z || c)
  Secret m(kPkeMessageBytes);
  kpke_decrypt(dk_pke, ciphertext, m.bytes());
  Secret k_r(64);
  sha3_512({m.view(), h}, k_r.bytes());
  Secret k_bar(kSharedSecretBytes);
  shake256({z, ciphertext}, k_bar.bytes());
  // c' = K-PKE.Encrypt(ek_PKE, m', r'); K' if c == c', else K̄, selected by mask.
  Ciphertext c_prime{};
  WipeOnExit wipe_c_prime(c_prime);
  kpke_encrypt(ek, m.view(), k_r.view().subspan(32, 32), c_prime);
  const std::uint8_t keep = equal_mask(ciphertext, c_prime);
  Secret shared(kSharedSecretBytes);
  for (std::size_t i = 0; i < kSharedSecretBytes; ++i)
    shared.data()[i] = static_cast<std::uint8_t>((k_r.data()[i] & keep) | (k_bar.data()[i] & ~keep));
  return shared;
}

}  // namespace cairn::crypto::mlkem768
