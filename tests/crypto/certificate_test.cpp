#include "crypto/certificate.h"

#include <gtest/gtest.h>

#include "pki_fixture.h"

namespace cairn::crypto {
namespace {

using test::certify;
using test::kToday;
using test::Analyst;
using test::must;
using test::Pki;

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Certificate, LayoutIsTheSpecifiedOne) {
  auto org = ed25519_generate();
  auto subject = ed25519_generate();
  auto c = certify(org, CertificateRole::analyst_identity, subject.public_key, 0x01020304, 0x05060708, "kim");
  const Bytes& b = c.encoded;
  ASSERT_EQ(b.size(), 75u + 3 + 64);
  EXPECT_EQ(b[0], 1);  // version
  EXPECT_EQ(b[1], 1);  // role: analyst identity
  EXPECT_TRUE(std::equal(subject.public_key.begin(), subject.public_key.end(), b.begin() + 2));
  EXPECT_TRUE(std::equal(org.public_key.begin(), org.public_key.end(), b.begin() + 34));
  EXPECT_EQ(to_hex(ByteView(b).subspan(66, 8)), "0102030405060708");  // days, big-endian
  EXPECT_EQ(b[74], 3);
  EXPECT_EQ(as_chars(ByteView(b).subspan(75, 3)), "kim");
  // The signature is the last 64 bytes, over the rest with context "cairn certificate v1".
  ByteView body = ByteView(b).first(b.size() - 64);
  EXPECT_TRUE(verify(org.public_key, "cairn certificate v1", body, ByteView(b).last(64)).ok());
}

TEST(Certificate, ParseRoundTrip) {
  Pki pki;
  auto a = pki.analyst("김정은 아님");  // Korean names must survive
  auto parsed = parse_certificate(a.identity_cert.encoded);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->role, CertificateRole::analyst_identity);
  EXPECT_EQ(parsed->label, "김정은 아님");
  EXPECT_EQ(parsed->subject_key, a.identity_cert.subject_key);
  EXPECT_EQ(parsed->issuer_key, pki.organisation.public_key);
  EXPECT_EQ(parsed->not_before_day, kToday - 100);
  EXPECT_EQ(parsed->not_after_day, kToday + 400);
  EXPECT_EQ(parsed->signature, a.identity_cert.signature);
  EXPECT_EQ(parsed->encoded, a.identity_cert.encoded);
}

TEST(Certificate, ValidChains) {
  Pki pki;
  auto kim = pki.analyst("kim");
  X25519Public key{};
  auto msg = pki.messaging(kim, kToday - 3, kToday + 10, &key);

  auto analyst = verify_analyst_identity(must(parse_certificate(kim.identity_cert.encoded)), pki.organisation.public_key, kToday);
  ASSERT_TRUE(analyst.ok()) << analyst.error().message;
  EXPECT_EQ(analyst->name, "kim");
  EXPECT_EQ(analyst->identity_key, kim.identity.public_key);
  auto messaging = verify_analyst_messaging(msg, *analyst, kToday);
  ASSERT_TRUE(messaging.ok()) << messaging.error().message;
  EXPECT_EQ(*messaging, key);

  auto noise = verify_relay_noise(pki.relay_noise_cert, pki.organisation.public_key, kToday);
  ASSERT_TRUE(noise.ok());
  EXPECT_EQ(*noise, pki.relay_noise.public_key);
  auto signing = verify_relay_signing(pki.relay_signing_cert, pki.organisation.public_key, kToday);
  ASSERT_TRUE(signing.ok());
  EXPECT_EQ(*signing, pki.relay_signing.public_key);
}

// Valid on [not_before, not_after], both ends included.
TEST(Certificate, ValidityWindowIsInclusiveAndErrorsSayWhich) {
  Pki pki;
  auto kim = pki.analyst("kim");
  auto analyst = must(verify_analyst_identity(kim.identity_cert, pki.organisation.public_key, kToday));
  auto msg = pki.messaging(kim, 20390, 20400);
  EXPECT_TRUE(verify_analyst_messaging(msg, analyst, 20390).ok());
  EXPECT_TRUE(verify_analyst_messaging(msg, analyst, 20400).ok());

  auto late = verify_analyst_messaging(msg, analyst, 20401);
  ASSERT_EQ(late.code(), Errc::expired);
  EXPECT_TRUE(contains(late.error().message, "messaging key of analyst 'kim'")) << late.error().message;
  EXPECT_TRUE(contains(late.error().message, "2025-11-08 (day 20400)")) << late.error().message;

  auto early = verify_analyst_messaging(msg, analyst, 20389);
  ASSERT_EQ(early.code(), Errc::not_yet_valid);
  EXPECT_TRUE(contains(early.error().message, "day 20390")) << early.error().message;

  auto relay_expired = verify_relay_noise(pki.relay_noise_cert, pki.organisation.public_key, kToday + 401);
  ASSERT_EQ(relay_expired.code(), Errc::expired);
  EXPECT_TRUE(contains(relay_expired.error().message, "Noise key of relay 'relay-1'"));
  EXPECT_EQ(verify_analyst_identity(kim.identity_cert, pki.organisation.public_key, kToday - 101).code(),
            Errc::not_yet_valid);
}

TEST(Certificate, WrongIssuerIsUntrusted) {
  Pki pki;
  auto other_org = ed25519_generate();
  auto cert = certify(other_org, CertificateRole::relay_signing, pki.relay_signing.public_key, kToday, kToday,
                      "relay-1");
  auto r = verify_relay_signing(cert, pki.organisation.public_key, kToday);
  ASSERT_EQ(r.code(), Errc::untrusted);
  EXPECT_TRUE(contains(r.error().message, "signing key of relay 'relay-1'")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "not signed by the organisation key in the drop address"));

  // A messaging key signed by another analyst.
  auto kim = pki.analyst("kim");
  auto lee = pki.analyst("lee");
  auto lee_msg = pki.messaging(lee, kToday, kToday);
  auto kim_verified = must(verify_analyst_identity(kim.identity_cert, pki.organisation.public_key, kToday));
  EXPECT_EQ(verify_analyst_messaging(lee_msg, kim_verified, kToday).code(), Errc::untrusted);
}

TEST(Certificate, WrongRoleIsUntrusted) {
  Pki pki;
  auto kim = pki.analyst("kim");
  auto kim_verified = must(verify_analyst_identity(kim.identity_cert, pki.organisation.public_key, kToday));
  // A messaging key signed directly by the organisation does not chain through an analyst.
  auto direct = certify(pki.organisation, CertificateRole::analyst_messaging, x25519_generate().public_key,
                        kToday, kToday, "kim");
  EXPECT_EQ(verify_analyst_messaging(direct, kim_verified, kToday).code(), Errc::untrusted);
  // A relay key certified by an analyst identity.
  auto by_analyst = certify(kim.identity, CertificateRole::relay_noise, pki.relay_noise.public_key, kToday, kToday,
                            "relay-1");
  EXPECT_EQ(verify_relay_noise(by_analyst, pki.organisation.public_key, kToday).code(), Errc::untrusted);
  // A certificate of one role presented as another.
  auto r = verify_relay_signing(pki.relay_noise_cert, pki.organisation.public_key, kToday);
  ASSERT_EQ(r.code(), Errc::untrusted);
  EXPECT_TRUE(contains(r.error().message, "relay Noise key")) << r.error().message;
  EXPECT_EQ(verify_analyst_identity(pki.relay_signing_cert, pki.organisation.public_key, kToday).code(),
            Errc::untrusted);
}

// Verifies a certificate of any role against the fixture's keys.
Status verify_any(const Certificate& c, const Pki& pki, const Analyst& kim) {
  const auto& org = pki.organisation.public_key;
  switch (c.role) {
    case CertificateRole::analyst_identity: {
      auto r = verify_analyst_identity(c, org, kToday);
      return r.ok() ? ok_status() : Status(r.error());
    }
    case CertificateRole::analyst_messaging: {
      CertifiedAnalyst a{kim.name, kim.identity.public_key, 0, 0};
      auto r = verify_analyst_messaging(c, a, kToday);
      return r.ok() ? ok_status() : Status(r.error());
    }
    case CertificateRole::analyst_hybrid_messaging: {
      CertifiedAnalyst a{kim.name, kim.identity.public_key, 0, 0};
      auto r = verify_analyst_hybrid_messaging(c, a, kToday);
      return r.ok() ? ok_status() : Status(r.error());
    }
    case CertificateRole::relay_noise: {
      auto r = verify_relay_noise(c, org, kToday);
      return r.ok() ? ok_status() : Status(r.error());
    }
    case CertificateRole::relay_signing: {
      auto r = verify_relay_signing(c, org, kToday);
      return r.ok() ? ok_status() : Status(r.error());
    }
  }
  return make_error(Errc::internal, "unknown role");
}

TEST(Certificate, EverySingleBitFlipIsRejected) {
  Pki pki;
  auto kim = pki.analyst("kim");
  for (const auto& cert : {kim.identity_cert, pki.messaging(kim, kToday - 1, kToday + 1), pki.relay_noise_cert,
                           pki.relay_signing_cert}) {
    ASSERT_TRUE(verify_any(cert, pki, kim).ok());
    for (std::size_t bit = 0; bit < cert.encoded.size() * 8; ++bit) {
      Bytes b = cert.encoded;
      b[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      auto parsed = parse_certificate(b);
      if (!parsed.ok()) continue;  // rejected by structure
      EXPECT_FALSE(verify_any(*parsed, pki, kim).ok()) << "role " << int(cert.role) << " bit " << bit;
    }
  }
}

TEST(Certificate, AlteredFieldsAfterParsingDoNotVerify) {
  Pki pki;
  auto c = pki.relay_noise_cert;
  c.not_after_day += 1000;  // a caller editing the struct must not extend validity
  EXPECT_EQ(verify_relay_noise(c, pki.organisation.public_key, kToday).code(), Errc::bad_signature);
}

TEST(Certificate, ParseRejectsBadStructure) {
  Pki pki;
  const Bytes good = pki.relay_noise_cert.encoded;  // label "relay-1"
  auto with = [&](std::size_t i, std::uint8_t v) {
    Bytes b = good;
    b[i] = v;
    return b;
  };
  EXPECT_EQ(parse_certificate({}).code(), Errc::malformed);
  EXPECT_EQ(parse_certificate(ByteView(good).first(kCertificateMinBytes - 1)).code(), Errc::malformed);
  Bytes too_long(kCertificateMaxBytes + 1, 0);
  EXPECT_EQ(parse_certificate(too_long).code(), Errc::malformed);
  EXPECT_EQ(parse_certificate(with(0, 2)).code(), Errc::unsupported);  // version
  EXPECT_EQ(parse_certificate(with(1, 0)).code(), Errc::malformed);    // role
  EXPECT_EQ(parse_certificate(with(1, 5)).code(), Errc::malformed);
  EXPECT_EQ(parse_certificate(with(74, 8)).code(), Errc::malformed);  // label length vs total length
  Bytes extra = good;
  extra.push_back(0);
  EXPECT_EQ(parse_certificate(extra).code(), Errc::malformed);
  EXPECT_EQ(parse_certificate(with(75, '\n')).code(), Errc::malformed);   // control character
  EXPECT_EQ(parse_certificate(with(75, 0xff)).code(), Errc::malformed);   // invalid UTF-8
  EXPECT_EQ(parse_certificate(with(66, 0xff)).code(), Errc::malformed);   // not_before after not_after
  Bytes zero_key = good;
  std::fill(zero_key.begin() + 2, zero_key.begin() + 34, 0);
  EXPECT_EQ(parse_certificate(zero_key).code(), Errc::malformed);  // all-zero X25519 subject
  Bytes zero_identity = pki.relay_signing_cert.encoded;
  std::fill(zero_identity.begin() + 2, zero_identity.begin() + 34, 0);
  EXPECT_EQ(parse_certificate(zero_identity).code(), Errc::malformed);  // small-order Ed25519 subject
}

TEST(Certificate, IssueRefusesFieldsThatCouldNeverParse) {
  auto org = ed25519_generate();
  auto key = x25519_generate().public_key;
  auto issue = [&](std::string label, DayNumber from, DayNumber to) {
    return issue_certificate(org, {CertificateRole::relay_noise, key, from, to, std::move(label)});
  };
  EXPECT_TRUE(issue(std::string(64, 'a'), 1, 1).ok());
  EXPECT_EQ(issue("", 1, 1).code(), Errc::invalid_argument);
  EXPECT_EQ(issue(std::string(65, 'a'), 1, 1).code(), Errc::invalid_argument);
  EXPECT_EQ(issue("a\x1b[31m", 1, 1).code(), Errc::invalid_argument);     // terminal escape
  EXPECT_EQ(issue("a\xe2\x80\xae" "b", 1, 1).code(), Errc::invalid_argument);  // right-to-left override
  EXPECT_EQ(issue("ok", 2, 1).code(), Errc::invalid_argument);
  Ed25519Public zero{};
  EXPECT_EQ(issue_certificate(org, {CertificateRole::analyst_identity, zero, 1, 1, "kim"}).code(),
            Errc::invalid_argument);
}

}  // namespace
}  // namespace cairn::crypto
