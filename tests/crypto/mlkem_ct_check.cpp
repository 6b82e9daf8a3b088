// ML-KEM-768 is constant time in its secrets: run under valgrind's memcheck
// (the MlKem.ConstantTime test, tests/CMakeLists.txt), with the seed d || z and
// the encapsulation randomness m marked undefined. Memcheck then reports every
// conditional branch, and every memory address, that depends on them (or on
// anything computed from them: s, e, σ, r, y, K, dk, m', the FO comparison),
// which is the check BoringSSL and libsodium run on theirs. Only what FIPS 203
// publishes is marked defined again: ek and the ciphertext here, ρ and the
// decapsulation key's copy of ek || H(ek) inside the library
// (crypto/declassify.h). libcrypto's SHA-3 runs on the undefined data too: no
// declassification at the hash boundary was needed (Keccak has no data-dependent
// branch or index, and memcheck agrees). It also runs a hybrid (X-Wing)
// identity from a secret seed through key derivation and its Bech32 string,
// written and read back (crypto/bech32.cpp: the checksum, the alphabet and
// case mapping without branches or indexes on the characters).
//
// Outside valgrind nothing would be checked, so the program refuses to run.
#include <valgrind/memcheck.h>

#include <cstdio>
#include <string_view>

#include "crypto/age_hybrid.h"
#include "crypto/hybrid_kem.h"
#include "crypto/mlkem768.h"
#include "crypto/sha3.h"

namespace {

using namespace cairn;
using namespace cairn::crypto;

void make_secret(Secret& s) { (void)VALGRIND_MAKE_MEM_UNDEFINED(s.data(), s.size()); }
void make_public(MutableByteView b) { (void)VALGRIND_MAKE_MEM_DEFINED(b.data(), b.size()); }

// The check's own negative control (--branch-on-secret): a branch on the
// decapsulated key before it is declassified, which memcheck must report
// (CTest MlKem.ConstantTimeCheckSeesABranchOnASecret).
bool branch_on_secret = false;

bool run_once(std::uint8_t label) {
  // Fixed inputs: the check is about which code runs, not which values.
  Secret seed(mlkem768::kSeedBytes), m(mlkem768::kMessageBytes);
  const std::uint8_t input[1] = {label};
  shake128({as_bytes("cairn ML-KEM constant-time check seed"), input}, seed.bytes());
  shake128({as_bytes("cairn ML-KEM constant-time check m"), input}, m.bytes());
  make_secret(seed);
  make_secret(m);

  auto kp = mlkem768::generate_from_seed(seed);
  make_public(kp.encapsulation_key);
  auto enc = mlkem768::encapsulate_with(kp.encapsulation_key, m);
  if (!enc.ok()) return false;
  make_public(enc->ciphertext);
  auto k = mlkem768::decapsulate(kp.decapsulation_key, enc->ciphertext);
  mlkem768::Ciphertext altered = enc->ciphertext;
  altered[label] ^= 0x01;
  auto rejected = mlkem768::decapsulate(kp.decapsulation_key, altered);
  if (!k.ok() || !rejected.ok()) return false;
  if (branch_on_secret && (k->data()[0] & 1) != 0) std::fputc('.', stderr);
  // The library is done: the secrets are declassified only so that this
  // program can check the results.
  make_public(enc->shared_secret.bytes());
  make_public(k->bytes());
  make_public(rejected->bytes());
  return *k == enc->shared_secret && !(*rejected == enc->shared_secret);
}

// The hybrid identity of a secret seed: the X-Wing key pair it expands to,
// and the identity string written and read back (Bech32 over the seed).
bool run_hybrid_identity(std::uint8_t label) {
  Secret seed(hybrid_kem::kSeedBytes);
  const std::uint8_t input[1] = {label};
  shake128({as_bytes("cairn hybrid identity constant-time check seed"), input}, seed.bytes());
  make_secret(seed);
  auto kp = hybrid_kem::derive_key_pair(seed.clone());
  if (!kp.ok()) return false;
  make_public(kp->encapsulation_key);
  Secret text = age::format_hybrid_identity(*kp);
  auto back = age::parse_hybrid_identity(
      std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
  if (!back.ok()) return false;
  make_public(seed.bytes());
  make_public(back->seed.bytes());
  make_public(back->encapsulation_key);
  return back->seed == seed && back->encapsulation_key == kp->encapsulation_key;
}

}  // namespace

int main(int argc, char** argv) {
  branch_on_secret = argc == 2 && std::string_view(argv[1]) == "--branch-on-secret";
  if (!RUNNING_ON_VALGRIND) {
    std::fprintf(stderr, "mlkem_ct_check: run me under valgrind (ctest -R MlKem.ConstantTime shows how)\n");
    return 2;
  }
  for (std::uint8_t label = 0; label < 3; ++label) {
    if (!run_once(label)) {
      std::fprintf(stderr, "mlkem_ct_check: ML-KEM-768 did not round-trip\n");
      return 1;
    }
  }
  for (std::uint8_t label = 0; label < 3; ++label) {
    if (!run_hybrid_identity(label)) {
      std::fprintf(stderr, "mlkem_ct_check: a hybrid identity did not round-trip\n");
      return 1;
    }
  }
  std::printf("mlkem_ct_check: 3 hybrid identities derived, written and read back; 3 key generations, encapsulations, decapsulations and implicit rejections\n");
  return 0;
}
