#include "crypto/hybrid_kem.h"

#include <algorithm>
#include <cstdlib>

#include "crypto/random.h"
#include "crypto/sha3.h"

namespace cairn::crypto::hybrid_kem {
namespace {

// Combiner(ss_M, ss_X, ct_X, pk_X) = SHA3-256(ss_M || ss_X || ct_X || pk_X || label).
Secret combine(const Secret& ss_m, const Secret& ss_x, const X25519Public& ct_x, const X25519Public& pk_x) {
  Secret out(kSharedSecretBytes);
  sha3_256({ss_m.view(), ss_x.view(), ct_x, pk_x, kLabel}, out.bytes());
  return out;
}

}  // namespace

X25519Public x25519_part(ByteView key_or_ciphertext) {
  if (key_or_ciphertext.size() < kX25519Bytes) std::abort();
  X25519Public out{};
  std::copy(key_or_ciphertext.end() - kX25519Bytes, key_or_ciphertext.end(), out.begin());
  return out;
}

Result<KeyPair> derive_key_pair(Secret seed) {
  if (seed.size() != kSeedBytes)
    return make_error(Errc::invalid_argument, "an MLKEM768-X25519 decapsulation key is a 32-byte seed");
  // expanded = SHAKE256(seed, 96): ML-KEM-768's d || z, then the X25519 scalar.
  Secret expanded(kExpandedSeedBytes);
  shake256({seed.view()}, expanded.bytes());
  const Secret mlkem_seed = Secret::copy_of(expanded.view().first(mlkem768::kSeedBytes));
  auto mlkem = mlkem768::generate_from_seed(mlkem_seed);
  auto x25519_pair = x25519_from_secret(Secret::copy_of(expanded.view().subspan(mlkem768::kSeedBytes)));
  if (!x25519_pair.ok()) std::abort();  // a 32-byte scalar cannot fail

  KeyPair kp;
  kp.seed = std::move(seed);
  kp.mlkem_decapsulation_key = std::move(mlkem.decapsulation_key);
  kp.x25519_secret = std::move(x25519_pair->secret);
  std::copy(mlkem.encapsulation_key.begin(), mlkem.encapsulation_key.end(), kp.encapsulation_key.begin());
  std::copy(x25519_pair->public_key.begin(), x25519_pair->public_key.end(),
            kp.encapsulation_key.begin() + mlkem768::kEncapsulationKeyBytes);
  return kp;
}

KeyPair generate_key_pair() {
  auto kp = derive_key_pair(random_secret(kSeedBytes));
  if (!kp.ok()) std::abort();  // only fails on a wrong-size seed
  return std::move(kp).value();
}

Result<Encapsulation> encapsulate(const EncapsulationKey& encapsulation_key) {
  const ByteView pk_m = ByteView(encapsulation_key).first(mlkem768::kEncapsulationKeyBytes);
  const X25519Public pk_x = x25519_part(encapsulation_key);
  const X25519KeyPair ephemeral = x25519_generate();  // ek_X; ct_X is its public half
  auto ss_x = x25519(ephemeral.secret, pk_x);
  if (!ss_x.ok())
    return make_error(Errc::invalid_argument,
                      "the hybrid public key's X25519 half is a low-order point, not a usable key");
  auto mlkem = mlkem768::encapsulate(pk_m);
  if (!mlkem.ok())
    return make_error(Errc::malformed, "the hybrid public key's ML-KEM-768 half is not a valid encapsulation key: " +
                                           mlkem.error().message);
  Encapsulation out;
  std::copy(mlkem->ciphertext.begin(), mlkem->ciphertext.end(), out.ciphertext.begin());
  std::copy(ephemeral.public_key.begin(), ephemeral.public_key.end(),
            out.ciphertext.begin() + mlkem768::kCiphertextBytes);
  out.shared_secret = combine(mlkem->shared_secret, *ss_x, ephemeral.public_key, pk_x);
  return out;
}

Result<Secret> decapsulate(const KeyPair& key, const Ciphertext& ciphertext) {
  const X25519Public ct_x = x25519_part(ciphertext);
  auto ss_x = x25519(key.x25519_secret, ct_x);
  if (!ss_x.ok())
    return make_error(Errc::malformed,
                      "the hybrid ciphertext's X25519 share is a low-order point (the shared secret would be zero)");
  CAIRN_TRY(const Secret ss_m, mlkem768::decapsulate(key.mlkem_decapsulation_key,
                                                     ByteView(ciphertext).first(mlkem768::kCiphertextBytes)));
  return combine(ss_m, *ss_x, ct_x, x25519_part(key.encapsulation_key));
}

}  // namespace cairn::crypto::hybrid_kem
