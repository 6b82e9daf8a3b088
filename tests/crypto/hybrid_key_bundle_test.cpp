// Hybrid (MLKEM768-X25519) messaging keys: role 5 certificates and key
// bundles that carry them (docs/PROTOCOL.md, "Role 5: hybrid messaging key",
// "Classical or hybrid", "Drop fit").
#include <gtest/gtest.h>

#include "crypto/age.h"
#include "crypto/hash.h"
#include "pki_fixture.h"
#include "proto/keys.pb.h"

namespace cairn::crypto {
namespace {

using test::kToday;
using test::must;
using test::Pki;
using test::sign_body;

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

Certificate hybrid_certificate(const test::Analyst& a, const hybrid_kem::EncapsulationKey& key, DayNumber from,
                               DayNumber to) {
  CertificateFields f{CertificateRole::analyst_hybrid_messaging, {}, from, to, a.name};
  f.hybrid_key = key;
  return must(issue_certificate(a.identity, f));
}

struct HybridFixture {
  Pki pki;
  test::Analyst kim = pki.analyst("kim");
  hybrid_kem::KeyPair current = hybrid_kem::generate_key_pair();
  hybrid_kem::KeyPair next = hybrid_kem::generate_key_pair();
  Certificate current_cert = hybrid_certificate(kim, current.encapsulation_key, kToday - 5, kToday + 8);
  Certificate next_cert = hybrid_certificate(kim, next.encapsulation_key, kToday + 2, kToday + 15);

  std::vector<Certificate> all() const {
    return {pki.relay_noise_cert, pki.relay_signing_cert, kim.identity_cert, current_cert, next_cert};
  }
  Result<VerifiedKeyBundle> verify_at(ByteView b, DayNumber today = kToday) {
    return verify_key_bundle(b, pki.organisation.public_key, today);
  }
};


// A bundle body holding these certificates, as build_key_bundle would make it,
// but signed by hand so shapes the builder refuses can reach the verifier.
Bytes hand_signed(const Pki& pki, const std::vector<Certificate>& certs, std::uint32_t drop_size = 32 * 1024) {
  cairn::v1::KeyBundleBody body;
  body.set_version(kKeyBundleVersion);
  body.set_issued_day(kToday - 1);
  body.set_expires_day(kToday + 13);
  body.set_drop_size(drop_size);
  body.set_pow_bits(16);
  body.set_organisation_key(std::string(as_chars(pki.organisation.public_key)));
  for (const auto& c : certs) body.add_certificates(std::string(as_chars(c.encoded)));
  return sign_body(pki.organisation, body);
}

TEST(HybridCertificate, LayoutRoundTripAndTheRoleTellsTheSubjectLength) {
  Pki pki;
  auto kim = pki.analyst("kim");
  const auto key = hybrid_kem::generate_key_pair();
  const auto cert = hybrid_certificate(kim, key.encapsulation_key, kToday, kToday + 13);
  ASSERT_EQ(cert.encoded.size(), 1259u + 3u + 64u);
  EXPECT_EQ(cert.encoded[1], 5);
  EXPECT_TRUE(std::equal(key.encapsulation_key.begin(), key.encapsulation_key.end(), cert.encoded.begin() + 2));
  EXPECT_TRUE(std::equal(kim.identity.public_key.begin(), kim.identity.public_key.end(), cert.encoded.begin() + 1218));
  EXPECT_EQ(get_u32be(cert.encoded.data() + 1250), kToday);
  EXPECT_EQ(get_u32be(cert.encoded.data() + 1254), kToday + 13);
  EXPECT_EQ(cert.encoded[1258], 3);

  auto parsed = parse_certificate(cert.encoded);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->role, CertificateRole::analyst_hybrid_messaging);
  EXPECT_EQ(parsed->hybrid_key, key.encapsulation_key);
  EXPECT_EQ(parsed->subject_key, blake2b_256(key.encapsulation_key));
  EXPECT_EQ(parsed->issuer_key, kim.identity.public_key);
  EXPECT_EQ(parsed->label, "kim");

  const CertifiedAnalyst who{"kim", kim.identity.public_key, kToday - 100, kToday + 400};
  auto verified = verify_analyst_hybrid_messaging(*parsed, who, kToday);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(*verified, key.encapsulation_key);
  // Not a classical messaging key, and the other way round.
  EXPECT_EQ(verify_analyst_messaging(*parsed, who, kToday).code(), Errc::untrusted);
  X25519Public x{};
  auto classical = pki.messaging(kim, kToday, kToday + 13, &x);
  EXPECT_EQ(verify_analyst_hybrid_messaging(classical, who, kToday).code(), Errc::untrusted);

  // Any changed byte of the key is caught by the signature (or by the key check).
  for (std::size_t at : {std::size_t{2}, std::size_t{600}, std::size_t{1217}}) {
    Bytes altered = cert.encoded;
    altered[at] ^= 0x01;
    auto p = parse_certificate(altered);
    if (!p.ok()) {
      EXPECT_EQ(p.code(), Errc::malformed);
      continue;
    }
    EXPECT_EQ(verify_analyst_hybrid_messaging(*p, who, kToday).code(), Errc::bad_signature) << at;
  }
  // A role 5 byte on a certificate of the classical length, or the reverse: malformed.
  Bytes as_five = classical.encoded;
  as_five[1] = 5;
  EXPECT_EQ(parse_certificate(as_five).code(), Errc::malformed);
  Bytes as_two = cert.encoded;
  as_two[1] = 2;
  EXPECT_EQ(parse_certificate(as_two).code(), Errc::malformed);
}

TEST(HybridCertificate, AKeyNoOneCanEncapsulateToIsRefused) {
  Pki pki;
  auto kim = pki.analyst("kim");
  auto key = hybrid_kem::generate_key_pair().encapsulation_key;
  // The X25519 half all zero (a low-order point).
  auto low_order = key;
  std::fill(low_order.end() - 32, low_order.end(), 0);
  // An ML-KEM coefficient of 4095 (over q): FIPS 203's modulus check fails.
  auto over_q = key;
  over_q[0] = 0xff;
  over_q[1] |= 0x0f;
  for (const auto& bad : {low_order, over_q}) {
    CertificateFields f{CertificateRole::analyst_hybrid_messaging, {}, kToday, kToday + 13, "kim"};
    f.hybrid_key = bad;
    EXPECT_EQ(issue_certificate(kim.identity, f).code(), Errc::invalid_argument);
    // The same key in an otherwise good certificate: refused by the parser.
    Bytes encoded = hybrid_certificate(kim, key, kToday, kToday + 13).encoded;
    std::copy(bad.begin(), bad.end(), encoded.begin() + 2);
    auto parsed = parse_certificate(encoded);
    ASSERT_EQ(parsed.code(), Errc::malformed);
    EXPECT_TRUE(contains(parsed.error().message, "MLKEM768-X25519")) << parsed.error().message;
  }
}

TEST(HybridKeyBundle, VerifiedBundleExposesHybridRecipientsAndDropsSealToThem) {
  HybridFixture f;
  auto b = must(build_key_bundle(f.pki.organisation, f.pki.params(f.all())));
  auto v = f.verify_at(b);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->hybrid());
  EXPECT_TRUE(v->messaging_keys.empty());
  ASSERT_EQ(v->hybrid_messaging_keys.size(), 1u);
  EXPECT_EQ(v->hybrid_messaging_keys[0], f.current.encapsulation_key);
  EXPECT_EQ(v->skipped.size(), 1u);  // the next key, not yet valid
  auto later = f.verify_at(b, kToday + 2);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->messaging_key_count(), 2u);

  // What a client does with it: seal to whatever the bundle holds.
  const auto recipients = later->drop_recipients();
  EXPECT_EQ(recipients.kind(), DropRecipients::hybrid);
  auto capacity = drop_body_capacity(later->drop_size, later->messaging_key_count(), recipients.kind());
  ASSERT_TRUE(capacity.ok());
  EXPECT_EQ(*capacity, 32662u - 1557u * 2);
  auto drop = seal_drop(as_bytes("testimony"), recipients, later->drop_size);
  ASSERT_TRUE(drop.ok()) << drop.error().message;
  EXPECT_EQ(drop->size(), later->drop_size);
  auto opened = open_drop(*drop, {}, later->drop_size, std::span(&f.next, 1));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_TRUE(equal_constant_time(opened->view(), as_bytes("testimony")));
  // An X25519 key made from the hybrid key's X25519 half opens nothing.
  std::vector<age::Identity> classical;
  classical.push_back(x25519_from_secret(f.current.x25519_secret.clone()).value());
  EXPECT_EQ(open_drop(*drop, classical, later->drop_size).code(), Errc::no_identity_match);

  // A classical bundle is as before.
  EXPECT_FALSE(VerifiedKeyBundle{}.hybrid());
}

TEST(HybridKeyBundle, ClassicalAndHybridKeysAreNeverMixed) {
  HybridFixture f;
  X25519Public x{};
  auto classical = f.pki.messaging(f.kim, kToday - 5, kToday + 8, &x);
  auto certs = f.all();
  certs.push_back(classical);
  auto built = build_key_bundle(f.pki.organisation, f.pki.params(certs));
  ASSERT_EQ(built.code(), Errc::invalid_argument);
  EXPECT_TRUE(contains(built.error().message, "mixes")) << built.error().message;
  auto verified = f.verify_at(hand_signed(f.pki, certs));
  ASSERT_EQ(verified.code(), Errc::malformed);
  EXPECT_TRUE(contains(verified.error().message, "mixes")) << verified.error().message;
  // Mixed even when the classical key is not valid today.
  certs.back() = f.pki.messaging(f.kim, kToday - 30, kToday - 20, &x);
  EXPECT_EQ(f.verify_at(hand_signed(f.pki, certs)).code(), Errc::malformed);
}

TEST(HybridKeyBundle, MoreKeysThanADropHoldsIsRefusedWhenTheBundleIsMade) {
  HybridFixture f;
  std::vector<Certificate> certs{f.pki.relay_noise_cert, f.pki.relay_signing_cert};
  // Eleven analysts with two keys valid today each: 22 recipients, 2 over.
  for (int i = 0; i < 11; ++i) {
    auto a = f.pki.analyst("analyst-" + std::to_string(i));
    certs.push_back(a.identity_cert);
    for (int k = 0; k < 2; ++k)
      certs.push_back(hybrid_certificate(a, hybrid_kem::generate_key_pair().encapsulation_key, kToday - 5, kToday + 8));
  }
  auto built = build_key_bundle(f.pki.organisation, f.pki.params(certs));
  ASSERT_EQ(built.code(), Errc::too_large);
  EXPECT_TRUE(contains(built.error().message, "22 post-quantum messaging keys")) << built.error().message;
  EXPECT_TRUE(contains(built.error().message, "32768 bytes can be sealed to at most 20")) << built.error().message;
  // The verifier refuses it too: no client tries to seal a drop that cannot be made.
  auto verified = f.verify_at(hand_signed(f.pki, certs));
  ASSERT_EQ(verified.code(), Errc::malformed);
  EXPECT_TRUE(contains(verified.error().message, "at most 20")) << verified.error().message;
  // A 64 KiB drop holds them all, and the bundle (22 certificates of 1330
  // bytes) is over the old 64 KiB cap's reach of a classical one but within the new.
  auto params = f.pki.params(certs);
  params.drop_size = 64 * 1024;
  auto big = build_key_bundle(f.pki.organisation, params);
  ASSERT_TRUE(big.ok()) << big.error().message;
  auto v = f.verify_at(*big);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->hybrid_messaging_keys.size(), 22u);
  auto drop = seal_drop(as_bytes("x"), v->drop_recipients(), v->drop_size);
  ASSERT_TRUE(drop.ok()) << drop.error().message;
  EXPECT_EQ(drop->size(), 64u * 1024);
  // Twenty fit a 32 KiB drop.
  certs.resize(certs.size() - 3);  // drop the last analyst and their keys
  EXPECT_TRUE(build_key_bundle(f.pki.organisation, f.pki.params(certs)).ok());
}

TEST(HybridKeyBundle, TheLargestBundleFitsTheNewCap) {
  // 64 certificates of the longest kind, signed by hand: within kKeyBundleMaxBytes.
  EXPECT_GE(kKeyBundleMaxBytes, kKeyBundleMaxCertificates * (kCertificateMaxBytes + 3) + 256);
  EXPECT_EQ(kCertificateMaxBytes, 1387u);
}

}  // namespace
}  // namespace cairn::crypto
