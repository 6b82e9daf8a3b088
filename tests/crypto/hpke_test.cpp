// The MLKEM768-X25519 hybrid KEM and HPKE base mode over it, against the
// draft-ietf-hpke-pq test vector (tests/vectors/hpke), plus round trips and
// the failures each must report.
#include "crypto/hpke.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "crypto/random.h"
#include "support/files.h"
#include "support/json.h"

namespace cairn::crypto {
namespace {

using test::hex;

test::json::Value load_vector() {
  const Bytes text = test::read_file(test::vectors_dir() / "hpke" / "mlkem768x25519.json");
  const auto doc = test::json::parse(as_chars(text));
  // One vector, for the suite age uses.
  if (doc.array().size() != 1) throw std::runtime_error("expected one HPKE vector");
  const auto& v = doc.array()[0];
  if (v["kem_id"].number() != hpke::kKemMlkem768X25519 || v["kdf_id"].number() != hpke::kKdfHkdfSha256 ||
      v["aead_id"].number() != hpke::kAeadChaCha20Poly1305 || v["mode"].number() != hpke::kModeBase)
    throw std::runtime_error("the HPKE vector is for another suite");
  return v;
}

template <std::size_t N>
ByteArray<N> array_of(const Bytes& b) {
  if (b.size() != N) throw std::runtime_error("wrong length in the vector");
  ByteArray<N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

hybrid_kem::KeyPair key_pair_of(const test::json::Value& v) {
  auto kp = hybrid_kem::derive_key_pair(Secret::copy_of(hex(v["skRm"].string())));
  if (!kp.ok()) throw std::runtime_error(kp.error().message);
  return std::move(kp).value();
}

TEST(HybridKem, SeedExpandsToTheVectorsPublicKey) {
  const auto v = load_vector();
  const auto kp = key_pair_of(v);
  EXPECT_EQ(to_hex(kp.encapsulation_key), v["pkRm"].string());
  EXPECT_EQ(kp.seed.size(), hybrid_kem::kSeedBytes);
}

TEST(HybridKem, DecapsulatesTheVectorsCiphertext) {
  const auto v = load_vector();
  const auto kp = key_pair_of(v);
  auto ss = hybrid_kem::decapsulate(kp, array_of<hybrid_kem::kCiphertextBytes>(hex(v["enc"].string())));
  ASSERT_TRUE(ss.ok()) << ss.error().message;
  EXPECT_EQ(to_hex(ss->view()), v["shared_secret"].string());
}

TEST(HybridKem, EncapsulateDecapsulateAgree) {
  const auto kp = hybrid_kem::generate_key_pair();
  auto enc = hybrid_kem::encapsulate(kp.encapsulation_key);
  ASSERT_TRUE(enc.ok()) << enc.error().message;
  auto ss = hybrid_kem::decapsulate(kp, enc->ciphertext);
  ASSERT_TRUE(ss.ok());
  EXPECT_TRUE(*ss == enc->shared_secret);
  // A fresh encapsulation is a fresh secret.
  auto again = hybrid_kem::encapsulate(kp.encapsulation_key);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->shared_secret == enc->shared_secret);
  EXPECT_NE(again->ciphertext, enc->ciphertext);
  // Another key gets an unrelated secret (ML-KEM's implicit rejection), not an error.
  const auto other = hybrid_kem::generate_key_pair();
  auto wrong = hybrid_kem::decapsulate(other, enc->ciphertext);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(*wrong == enc->shared_secret);
}

TEST(HybridKem, EitherHalfChangesTheSecret) {
  const auto kp = hybrid_kem::generate_key_pair();
  auto enc = hybrid_kem::encapsulate(kp.encapsulation_key);
  ASSERT_TRUE(enc.ok());
  for (std::size_t at : {std::size_t{0}, mlkem768::kCiphertextBytes - 1, mlkem768::kCiphertextBytes,
                         hybrid_kem::kCiphertextBytes - 2}) {
    SCOPED_TRACE(at);
    auto ct = enc->ciphertext;
    ct[at] ^= 0x04;
    auto ss = hybrid_kem::decapsulate(kp, ct);
    ASSERT_TRUE(ss.ok()) << ss.error().message;
    EXPECT_FALSE(*ss == enc->shared_secret);
  }
}

TEST(HybridKem, LowOrderX25519HalvesAreRefused) {
  const auto kp = hybrid_kem::generate_key_pair();
  // An all-zero share (a low-order point) gives an all-zero X25519 secret.
  auto enc = hybrid_kem::encapsulate(kp.encapsulation_key);
  ASSERT_TRUE(enc.ok());
  auto ct = enc->ciphertext;
  std::fill(ct.end() - kX25519Bytes, ct.end(), 0);
  EXPECT_EQ(hybrid_kem::decapsulate(kp, ct).code(), Errc::malformed);
  // And an encapsulation key whose X25519 half is one has no usable secret.
  auto ek = kp.encapsulation_key;
  std::fill(ek.end() - kX25519Bytes, ek.end(), 0);
  EXPECT_EQ(hybrid_kem::encapsulate(ek).code(), Errc::invalid_argument);
}

TEST(HybridKem, MlKemHalfFailingItsCheckIsRefused) {
  auto ek = hybrid_kem::generate_key_pair().encapsulation_key;
  // The first 12-bit coefficient set to 4095 >= q = 3329: FIPS 203's modulus check fails.
  ek[0] = 0xff;
  ek[1] |= 0x0f;
  EXPECT_EQ(hybrid_kem::encapsulate(ek).code(), Errc::malformed);
}

TEST(HybridKem, SeedMustBe32Bytes) {
  EXPECT_EQ(hybrid_kem::derive_key_pair(Secret(31)).code(), Errc::invalid_argument);
  EXPECT_EQ(hybrid_kem::derive_key_pair(Secret(64)).code(), Errc::invalid_argument);
  // The same seed, the same key pair.
  const Secret seed = random_secret(hybrid_kem::kSeedBytes);
  auto a = hybrid_kem::derive_key_pair(seed.clone());
  auto b = hybrid_kem::derive_key_pair(seed.clone());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->encapsulation_key, b->encapsulation_key);
  EXPECT_TRUE(a->mlkem_decapsulation_key == b->mlkem_decapsulation_key);
}

TEST(Hpke, KeyScheduleMatchesTheVector) {
  const auto v = load_vector();
  const Secret shared = Secret::copy_of(hex(v["shared_secret"].string()));
  const auto context = hpke::key_schedule_base(shared, hex(v["info"].string()));
  EXPECT_EQ(to_hex(context.key.view()), v["key"].string());
  EXPECT_EQ(to_hex(context.base_nonce), v["base_nonce"].string());

  const auto& e = v["encryptions"].array().at(0);
  EXPECT_EQ(e["nonce"].string(), v["base_nonce"].string());  // sequence number 0
  const Bytes pt = hex(e["pt"].string());
  Bytes ct(pt.size() + hpke::kTagBytes);
  hpke::seal(context, hex(e["aad"].string()), pt, ct);
  EXPECT_EQ(to_hex(ct), e["ct"].string());
}

TEST(Hpke, OpenBaseOpensTheVectorsCiphertext) {
  const auto v = load_vector();
  const auto kp = key_pair_of(v);
  const auto& e = v["encryptions"].array().at(0);
  const auto enc = array_of<hpke::kEncBytes>(hex(v["enc"].string()));
  const Bytes info = hex(v["info"].string()), aad = hex(e["aad"].string()), ct = hex(e["ct"].string());
  auto pt = hpke::open_base(enc, kp, info, aad, ct);
  ASSERT_TRUE(pt.ok()) << pt.error().message;
  EXPECT_EQ(to_hex(pt->view()), e["pt"].string());

  // Everything the key schedule and the AEAD bind must match.
  Bytes other_info = info;
  other_info.back() ^= 1;
  EXPECT_EQ(hpke::open_base(enc, kp, other_info, aad, ct).code(), Errc::decrypt_failed);
  EXPECT_EQ(hpke::open_base(enc, kp, info, {}, ct).code(), Errc::decrypt_failed);
  Bytes tampered = ct;
  tampered[3] ^= 0x80;
  EXPECT_EQ(hpke::open_base(enc, kp, info, aad, tampered).code(), Errc::decrypt_failed);
  auto other_enc = enc;
  other_enc[100] ^= 1;
  EXPECT_EQ(hpke::open_base(other_enc, kp, info, aad, ct).code(), Errc::decrypt_failed);
  EXPECT_EQ(hpke::open_base(enc, hybrid_kem::generate_key_pair(), info, aad, ct).code(), Errc::decrypt_failed);
  EXPECT_EQ(hpke::open_base(enc, kp, info, aad, ByteView(ct).first(hpke::kTagBytes - 1)).code(),
            Errc::invalid_argument);
}

TEST(Hpke, SealBaseOpenBaseRoundTrip) {
  const auto kp = hybrid_kem::generate_key_pair();
  for (std::size_t size : {std::size_t{0}, std::size_t{16}, std::size_t{1000}}) {
    SCOPED_TRACE(size);
    const Bytes pt = random_bytes(size);
    auto sealed = hpke::seal_base(kp.encapsulation_key, as_bytes("info"), as_bytes("aad"), pt);
    ASSERT_TRUE(sealed.ok()) << sealed.error().message;
    EXPECT_EQ(sealed->ciphertext.size(), size + hpke::kTagBytes);
    auto opened = hpke::open_base(sealed->enc, kp, as_bytes("info"), as_bytes("aad"), sealed->ciphertext);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_TRUE(equal_constant_time(opened->view(), pt));
  }
}

}  // namespace
}  // namespace cairn::crypto
