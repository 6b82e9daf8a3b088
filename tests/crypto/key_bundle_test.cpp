#include "crypto/key_bundle.h"

#include <gtest/gtest.h>

#include "pki_fixture.h"
#include "proto/keys.pb.h"

namespace cairn::crypto {
namespace {

using test::certify;
using test::kToday;
using test::must;
using test::Pki;
using test::sign_body;

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}


cairn::v1::KeyBundleBody body_of(ByteView signed_bundle) {
  cairn::v1::SignedKeyBundle outer;
  cairn::v1::KeyBundleBody body;
  if (!outer.ParseFromArray(signed_bundle.data(), static_cast<int>(signed_bundle.size())) ||
      !body.ParseFromString(outer.body()))
    throw std::runtime_error("test bundle does not parse");
  return body;
}

struct Fixture {
  Pki pki;
  test::Analyst kim = pki.analyst("kim");
  X25519Public current{}, next{}, old{};
  Certificate current_cert = pki.messaging(kim, kToday - 5, kToday + 8, &current);
  Certificate next_cert = pki.messaging(kim, kToday + 2, kToday + 15, &next);
  Certificate old_cert = pki.messaging(kim, kToday - 20, kToday - 6, &old);

  std::vector<Certificate> all() const {
    return {pki.relay_noise_cert, pki.relay_signing_cert, kim.identity_cert, current_cert, next_cert, old_cert};
  }
  Bytes bundle(std::vector<Certificate> certs) { return must(build_key_bundle(pki.organisation, pki.params(certs))); }
  Result<VerifiedKeyBundle> verify_at(ByteView b, DayNumber today = kToday) {
    return verify_key_bundle(b, pki.organisation.public_key, today);
  }
};

TEST(KeyBundle, ValidBundleYieldsTheKeysValidToday) {
  Fixture f;
  auto b = f.bundle(f.all());
  auto v = f.verify_at(b);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->drop_size, 32u * 1024);
  EXPECT_EQ(v->pow_bits, 16u);
  EXPECT_EQ(v->issued_day, kToday - 1);
  EXPECT_EQ(v->expires_day, kToday + 13);
  EXPECT_EQ(v->organisation_key, f.pki.organisation.public_key);
  ASSERT_EQ(v->messaging_keys.size(), 1u);
  EXPECT_EQ(v->messaging_keys[0], f.current);
  EXPECT_EQ(v->relay_noise_key, f.pki.relay_noise.public_key);
  EXPECT_EQ(v->relay_signing_key, f.pki.relay_signing.public_key);
  EXPECT_EQ(v->relay_name, "relay-1");
  ASSERT_EQ(v->analysts.size(), 1u);
  EXPECT_EQ(v->analysts[0].name, "kim");
  EXPECT_EQ(v->analysts[0].identity_key, f.kim.identity.public_key);
  EXPECT_EQ(v->skipped.size(), 2u);  // the old key (expired) and the next one (not yet valid)

  // Two days later the next key is valid too (the rotation overlap).
  auto later = f.verify_at(b, kToday + 2);
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(later->messaging_keys.size(), 2u);
}

TEST(KeyBundle, SignedByAnotherOrganisationIsUntrusted) {
  Fixture f;
  auto other = ed25519_generate();
  auto b = must(build_key_bundle(other, f.pki.params(f.all())));
  auto v = f.verify_at(b);
  ASSERT_EQ(v.code(), Errc::untrusted);
  EXPECT_TRUE(contains(v.error().message, "different organisation")) << v.error().message;
}

TEST(KeyBundle, SignedByTheOrganisationButNamingAnotherIsUntrusted) {
  Fixture f;
  auto body = body_of(f.bundle(f.all()));
  auto other = ed25519_generate();
  body.set_organisation_key(std::string(as_chars(other.public_key)));
  EXPECT_EQ(f.verify_at(sign_body(f.pki.organisation, body)).code(), Errc::untrusted);
}

TEST(KeyBundle, EverySingleBitFlipIsRejected) {
  Fixture f;
  auto b = f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert});
  ASSERT_TRUE(f.verify_at(b).ok());
  for (std::size_t bit = 0; bit < b.size() * 8; ++bit) {
    Bytes t = b;
    t[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(f.verify_at(t).ok()) << bit;
  }
}

TEST(KeyBundle, TruncatedOrExtendedIsRejected) {
  Fixture f;
  auto b = f.bundle(f.all());
  for (std::size_t n = 0; n < b.size(); ++n) EXPECT_FALSE(f.verify_at(ByteView(b).first(n)).ok()) << n;
  Bytes extended = b;
  extended.push_back(0);
  EXPECT_FALSE(f.verify_at(extended).ok());
}

TEST(KeyBundle, BundleValidityWindow) {
  Fixture f;
  auto b = f.bundle(f.all());  // issued kToday - 1, expires kToday + 13
  EXPECT_TRUE(f.verify_at(b, kToday - 1).ok());
  EXPECT_TRUE(f.verify_at(b, kToday + 8).ok());
  EXPECT_EQ(f.verify_at(b, kToday - 2).code(), Errc::not_yet_valid);
  auto expired = f.verify_at(b, kToday + 14);
  ASSERT_EQ(expired.code(), Errc::expired);
  EXPECT_TRUE(contains(expired.error().message, "key bundle expired")) << expired.error().message;
}

TEST(KeyBundle, NoValidMessagingKeyIsExpiredAndSaysWhose) {
  Fixture f;
  auto b = f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert, f.old_cert});
  auto v = f.verify_at(b);
  ASSERT_EQ(v.code(), Errc::expired);
  EXPECT_TRUE(contains(v.error().message, "messaging key of analyst 'kim' expired")) << v.error().message;

  auto only_next = f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert, f.next_cert});
  EXPECT_EQ(f.verify_at(only_next).code(), Errc::not_yet_valid);
}

TEST(KeyBundle, ExpiredAnalystIdentityRetiresItsMessagingKeys) {
  Fixture f;
  auto gone = f.pki.analyst("park", kToday - 100, kToday - 1);
  auto gone_msg = f.pki.messaging(gone, kToday - 3, kToday + 10);
  auto b = f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert,
                     gone.identity_cert, gone_msg});
  auto v = f.verify_at(b);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->messaging_keys.size(), 1u);
  EXPECT_EQ(v->analysts.size(), 1u);
  bool mentioned = false;
  for (const auto& s : v->skipped) mentioned |= contains(s, "identity key of analyst 'park' expired");
  EXPECT_TRUE(mentioned);

  auto only_gone = f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, gone.identity_cert, gone_msg});
  auto r = f.verify_at(only_gone);
  ASSERT_EQ(r.code(), Errc::expired);
  EXPECT_TRUE(contains(r.error().message, "'park'")) << r.error().message;
}

TEST(KeyBundle, ExpiredRelayKeyRefusesTheBundle) {
  Fixture f;
  auto noise = certify(f.pki.organisation, CertificateRole::relay_noise, f.pki.relay_noise.public_key, kToday - 30,
                       kToday - 1, "relay-1");
  auto v = f.verify_at(f.bundle({noise, f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert}));
  ASSERT_EQ(v.code(), Errc::expired);
  EXPECT_TRUE(contains(v.error().message, "Noise key of relay 'relay-1' expired")) << v.error().message;
}

TEST(KeyBundle, MessagingKeySignedByTheOrganisationIsUntrusted) {
  Fixture f;
  auto direct = certify(f.pki.organisation, CertificateRole::analyst_messaging, x25519_generate().public_key,
                        kToday - 1, kToday + 1, "kim");
  auto v = f.verify_at(
      f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert, direct}));
  ASSERT_EQ(v.code(), Errc::untrusted);
  EXPECT_TRUE(contains(v.error().message, "directly by the organisation key")) << v.error().message;
}

TEST(KeyBundle, MessagingKeyOfAnUncertifiedAnalystIsUntrusted) {
  Fixture f;
  auto stranger = f.pki.analyst("stranger");  // certified, but not included in the bundle
  auto msg = f.pki.messaging(stranger, kToday - 1, kToday + 1);
  auto v = f.verify_at(
      f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert, msg}));
  EXPECT_EQ(v.code(), Errc::untrusted);
}

TEST(KeyBundle, AnalystIdentityFromAnotherOrganisationIsUntrusted) {
  Fixture f;
  Pki other;
  auto impostor = other.analyst("kim");
  auto msg = other.messaging(impostor, kToday - 1, kToday + 1);
  auto v = f.verify_at(f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, impostor.identity_cert, msg}));
  ASSERT_EQ(v.code(), Errc::untrusted);
  EXPECT_TRUE(contains(v.error().message, "identity key of analyst 'kim'")) << v.error().message;
}

TEST(KeyBundle, RelayKeyCertifiedByAnAnalystIsUntrusted) {
  Fixture f;
  auto noise = certify(f.kim.identity, CertificateRole::relay_noise, f.pki.relay_noise.public_key, kToday - 1,
                       kToday + 1, "relay-1");
  auto v = f.verify_at(f.bundle({noise, f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert}));
  ASSERT_EQ(v.code(), Errc::untrusted);
  EXPECT_TRUE(contains(v.error().message, "certified by analyst 'kim'")) << v.error().message;

  auto other = ed25519_generate();
  auto signing = certify(other, CertificateRole::relay_signing, f.pki.relay_signing.public_key, kToday - 1,
                         kToday + 1, "relay-1");
  auto w = f.verify_at(f.bundle({f.pki.relay_noise_cert, signing, f.kim.identity_cert, f.current_cert}));
  ASSERT_EQ(w.code(), Errc::untrusted);
  EXPECT_TRUE(contains(w.error().message, "signing key of relay 'relay-1'")) << w.error().message;
  EXPECT_TRUE(contains(w.error().message, "not signed by the organisation key in the drop address"));
}

TEST(KeyBundle, RelayKeysMustBeExactlyOneEach) {
  Fixture f;
  EXPECT_EQ(f.verify_at(f.bundle({f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert})).code(),
            Errc::malformed);
  EXPECT_EQ(f.verify_at(f.bundle({f.pki.relay_noise_cert, f.kim.identity_cert, f.current_cert})).code(),
            Errc::malformed);
  auto second = certify(f.pki.organisation, CertificateRole::relay_noise, x25519_generate().public_key,
                        kToday - 1, kToday + 1, "relay-2");
  EXPECT_EQ(f.verify_at(f.bundle({f.pki.relay_noise_cert, second, f.pki.relay_signing_cert, f.kim.identity_cert,
                                  f.current_cert}))
                .code(),
            Errc::malformed);
  EXPECT_EQ(f.verify_at(f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert})).code(),
            Errc::malformed);  // no messaging keys at all
  EXPECT_EQ(f.verify_at(f.bundle({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert,
                                  f.current_cert, f.current_cert}))
                .code(),
            Errc::malformed);  // the same key twice
}

// Bridge lines travel signed with the bundle: verified with the rest (a
// changed line breaks the signature), checked for characters that could
// change a tor configuration, and capped.
TEST(KeyBundle, BridgeLinesAreSignedCheckedAndCapped) {
  Fixture f;
  const std::string obfs4 = "obfs4 192.0.2.1:443 0123456789ABCDEF0123456789ABCDEF01234567 cert=AAAA iat-mode=0";
  const std::string snowflake = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72";
  auto params = f.pki.params(f.all());
  params.bridge_lines = {obfs4, snowflake};
  auto b = must(build_key_bundle(f.pki.organisation, params));
  auto v = f.verify_at(b);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->bridge_lines, (std::vector<std::string>{obfs4, snowflake}));
  // Without any: an empty list (the field is optional).
  EXPECT_TRUE(must(f.verify_at(f.bundle(f.all()))).bridge_lines.empty());

  // Altered after signing: the signature no longer verifies.
  auto body = body_of(b);
  body.set_bridge_lines(0, "obfs4 203.0.113.66:443 0123456789ABCDEF0123456789ABCDEF01234567 cert=AAAA iat-mode=0");
  cairn::v1::SignedKeyBundle outer;
  ASSERT_TRUE(outer.ParseFromArray(b.data(), static_cast<int>(b.size())));
  outer.set_body(body.SerializeAsString());
  EXPECT_EQ(f.verify_at(to_bytes(outer.SerializeAsString())).code(), Errc::bad_signature);

  // Bad lines: refused when building, and when signed by hand, when verifying.
  for (const std::string& bad : {std::string(), obfs4 + "\nControlPort 9051", obfs4 + " \"x\"", obfs4 + " # x",
                                 std::string(2049, 'a'), std::string("obfs4 \xff")}) {
    params.bridge_lines = {bad};
    EXPECT_EQ(build_key_bundle(f.pki.organisation, params).code(), Errc::invalid_argument) << bad;
    auto hand = body_of(f.bundle(f.all()));
    hand.add_bridge_lines(bad);
    EXPECT_EQ(f.verify_at(sign_body(f.pki.organisation, hand)).code(), Errc::malformed) << bad;
  }
  params.bridge_lines.assign(kKeyBundleMaxBridgeLines + 1, obfs4);
  EXPECT_EQ(build_key_bundle(f.pki.organisation, params).code(), Errc::too_large);
  auto many = body_of(f.bundle(f.all()));
  for (std::size_t i = 0; i <= kKeyBundleMaxBridgeLines; ++i) many.add_bridge_lines(obfs4);
  EXPECT_EQ(f.verify_at(sign_body(f.pki.organisation, many)).code(), Errc::too_large);
}

TEST(KeyBundle, ParameterBounds) {
  Fixture f;
  auto params = f.pki.params(f.all());
  for (auto [size, ok] : {std::pair{4096u, true}, {1048576u, true}, {4095u, false}, {1048577u, false}}) {
    params.drop_size = size;
    EXPECT_EQ(build_key_bundle(f.pki.organisation, params).ok(), ok) << size;
  }
  params.drop_size = 32 * 1024;
  params.pow_bits = 32;
  EXPECT_TRUE(build_key_bundle(f.pki.organisation, params).ok());
  params.pow_bits = 33;
  EXPECT_EQ(build_key_bundle(f.pki.organisation, params).code(), Errc::invalid_argument);
  params.pow_bits = 16;
  params.issued_day = params.expires_day + 1;
  EXPECT_EQ(build_key_bundle(f.pki.organisation, params).code(), Errc::invalid_argument);

  // The verifier insists on the same bounds even when the signature is good.
  auto body = body_of(f.bundle(f.all()));
  body.set_drop_size(100);
  EXPECT_EQ(f.verify_at(sign_body(f.pki.organisation, body)).code(), Errc::malformed);
  body.set_drop_size(32 * 1024);
  body.set_pow_bits(40);
  EXPECT_EQ(f.verify_at(sign_body(f.pki.organisation, body)).code(), Errc::malformed);
  body.set_pow_bits(16);
  body.set_version(2);
  EXPECT_EQ(f.verify_at(sign_body(f.pki.organisation, body)).code(), Errc::unsupported);
}

TEST(KeyBundle, CapsAreCheckedFirst) {
  Fixture f;
  Bytes huge(kKeyBundleMaxBytes + 1, 0x0a);
  EXPECT_EQ(f.verify_at(huge).code(), Errc::too_large);

  std::vector<Certificate> many = f.all();
  while (many.size() <= kKeyBundleMaxCertificates) many.push_back(f.pki.messaging(f.kim, kToday, kToday));
  EXPECT_EQ(build_key_bundle(f.pki.organisation, f.pki.params(many)).code(), Errc::too_large);

  auto body = body_of(f.bundle(f.all()));
  while (static_cast<std::size_t>(body.certificates_size()) <= kKeyBundleMaxCertificates)
    body.add_certificates(std::string(as_chars(f.pki.messaging(f.kim, kToday, kToday).encoded)));
  EXPECT_EQ(f.verify_at(sign_body(f.pki.organisation, body)).code(), Errc::too_large);
}

TEST(KeyBundle, GarbageIsMalformed) {
  Fixture f;
  EXPECT_EQ(f.verify_at({}).code(), Errc::malformed);  // parses as empty: no signature
  Bytes junk = to_bytes("\xff\xff\xff\xff garbage");
  EXPECT_EQ(f.verify_at(junk).code(), Errc::malformed);
  // A signed body whose certificate is garbage names the certificate.
  auto body = body_of(f.bundle(f.all()));
  body.add_certificates("not a certificate");
  auto v = f.verify_at(sign_body(f.pki.organisation, body));
  ASSERT_EQ(v.code(), Errc::malformed);
  EXPECT_TRUE(contains(v.error().message, "certificate 7")) << v.error().message;
}

TEST(KeyBundle, BuildRefusesMalformedCertificates) {
  Fixture f;
  auto params = f.pki.params(f.all());
  params.certificates.push_back(Bytes(10, 1));
  EXPECT_EQ(build_key_bundle(f.pki.organisation, params).code(), Errc::invalid_argument);
}

// ---- The organisation's relays (docs/PROTOCOL.md, "Several relays") ----

struct OtherRelay {
  X25519KeyPair noise = x25519_generate();
  Ed25519KeyPair signing = ed25519_generate();
};

ListedRelayParams listed(const Ed25519KeyPair& issuer, const X25519Public& noise, const Ed25519Public& signing,
                         const std::string& name, std::vector<std::pair<std::string, std::uint16_t>> endpoints = {}) {
  return {certify(issuer, CertificateRole::relay_noise, noise, kToday - 1, kToday + 300, name).encoded,
          certify(issuer, CertificateRole::relay_signing, signing, kToday - 1, kToday + 300, name).encoded,
          std::move(endpoints)};
}

ListedRelayParams listed_self(const Fixture& f, std::vector<std::pair<std::string, std::uint16_t>> endpoints = {}) {
  return {f.pki.relay_noise_cert.encoded, f.pki.relay_signing_cert.encoded, std::move(endpoints)};
}

TEST(KeyBundleRelays, EveryListedRelayIsVerifiedWithWhereItListens) {
  Fixture f;
  OtherRelay two, three;
  auto p = f.pki.params(f.all());
  p.relays = {listed_self(f, {{"relay1.example.org", 443}}),
              listed(f.pki.organisation, two.noise.public_key, two.signing.public_key, "relay-2",
                     {{"127.0.0.1", 7443}, {std::string("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"), 80}}),
              listed(f.pki.organisation, three.noise.public_key, three.signing.public_key, "relay-3")};
  auto v = f.verify_at(must(build_key_bundle(f.pki.organisation, p)));
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(v->relays.size(), 3u);
  EXPECT_EQ(v->relays[0].noise_key, f.pki.relay_noise.public_key);
  EXPECT_EQ(v->relays[1].name, "relay-2");
  EXPECT_EQ(v->relays[1].noise_key, two.noise.public_key);
  EXPECT_EQ(v->relays[1].signing_key, two.signing.public_key);
  ASSERT_EQ(v->relays[1].endpoints.size(), 2u);
  EXPECT_EQ(v->relays[1].endpoints[0], (RelayAddress{two.noise.public_key, "127.0.0.1", 7443}));
  EXPECT_TRUE(v->relays[1].endpoints[1].is_onion());
  EXPECT_TRUE(v->relays[2].endpoints.empty());
  // The bundle's own relay is still the one in `certificates`.
  EXPECT_EQ(v->relay_noise_key, f.pki.relay_noise.public_key);
  // A bundle without the list (every bundle before several relays) lists none.
  auto old = f.verify_at(f.bundle(f.all()));
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->relays.empty());
}

TEST(KeyBundleRelays, ARelayNotCertifiedByTheOrganisationRefusesTheBundle) {
  Fixture f;
  OtherRelay two;
  auto stranger = ed25519_generate();
  auto p = f.pki.params(f.all());
  p.relays = {listed_self(f), listed(stranger, two.noise.public_key, two.signing.public_key, "relay-2",
                                     {{"relay2.example.org", 443}})};
  auto v = f.verify_at(must(build_key_bundle(f.pki.organisation, p)));
  ASSERT_EQ(v.code(), Errc::untrusted);
  EXPECT_TRUE(contains(v.error().message, "relay 'relay-2'")) << v.error().message;
  EXPECT_TRUE(contains(v.error().message, "not signed by the organisation key")) << v.error().message;

  // Certified by an analyst: named as such.
  p.relays[1] = listed(f.kim.identity, two.noise.public_key, two.signing.public_key, "relay-2");
  auto w = f.verify_at(must(build_key_bundle(f.pki.organisation, p)));
  ASSERT_EQ(w.code(), Errc::untrusted);
  EXPECT_TRUE(contains(w.error().message, "certified by analyst 'kim'")) << w.error().message;

  // A listed certificate altered after signing (the organisation signed the body with it).
  p.relays[1] = listed(f.pki.organisation, two.noise.public_key, two.signing.public_key, "relay-2");
  p.relays[1].noise_certificate[10] ^= 1;  // inside the subject key
  auto x = f.verify_at(must(build_key_bundle(f.pki.organisation, p)));
  EXPECT_EQ(x.code(), Errc::bad_signature);
}

TEST(KeyBundleRelays, TooManyRelaysAreRefusedWithTheirOwnError) {
  Fixture f;
  auto p = f.pki.params({f.pki.relay_noise_cert, f.pki.relay_signing_cert, f.kim.identity_cert, f.current_cert});
  p.relays = {listed_self(f)};
  while (p.relays.size() <= kKeyBundleMaxRelays) {
    OtherRelay r;
    p.relays.push_back(listed(f.pki.organisation, r.noise.public_key, r.signing.public_key,
                              "relay-" + std::to_string(p.relays.size() + 1)));
  }
  auto built = build_key_bundle(f.pki.organisation, p);
  ASSERT_EQ(built.code(), Errc::too_large);
  EXPECT_TRUE(contains(built.error().message, "at most 16 relays")) << built.error().message;

  // Signed by hand: the verifier refuses it too, before any relay's signature.
  p.relays.pop_back();
  auto body = body_of(must(build_key_bundle(f.pki.organisation, p)));
  auto* extra = body.add_relays();
  extra->set_noise_certificate("not checked");
  auto v = f.verify_at(sign_body(f.pki.organisation, body));
  ASSERT_EQ(v.code(), Errc::too_large);
  EXPECT_TRUE(contains(v.error().message, "lists 17 relays; the limit is 16")) << v.error().message;
}

TEST(KeyBundleRelays, ListedRelaysAreCheckedStrictly) {
  Fixture f;
  OtherRelay two;
  auto base = body_of(f.bundle(f.all()));
  auto with = [&](auto&& change) {
    auto body = base;
    auto* self = body.add_relays();
    self->set_noise_certificate(std::string(as_chars(f.pki.relay_noise_cert.encoded)));
    self->set_signing_certificate(std::string(as_chars(f.pki.relay_signing_cert.encoded)));
    auto* other = body.add_relays();
    auto l = listed(f.pki.organisation, two.noise.public_key, two.signing.public_key, "relay-2");
    other->set_noise_certificate(std::string(as_chars(l.noise_certificate)));
    other->set_signing_certificate(std::string(as_chars(l.signing_certificate)));
    change(body, *other);
    return f.verify_at(sign_body(f.pki.organisation, body));
  };
  auto expect = [](const Result<VerifiedKeyBundle>& v, Errc code, std::string_view words) {
    ASSERT_EQ(v.code(), code) << (v.ok() ? "ok" : v.error().message);
    EXPECT_TRUE(contains(v.error().message, words)) << v.error().message;
  };
  EXPECT_TRUE(with([](auto&, auto&) {}).ok());
  expect(with([](auto&, auto& r) { r.add_endpoints()->set_host("relay.example.org"); }), Errc::malformed, "port 0");
  expect(with([](auto&, auto& r) {
           auto* e = r.add_endpoints();
           e->set_host("relay.example.org");
           e->set_port(70000);
         }),
         Errc::malformed, "port 70000");
  expect(with([](auto&, auto& r) {
           auto* e = r.add_endpoints();
           e->set_host("Evil Host");
           e->set_port(1);
         }),
         Errc::malformed, "bad address");
  expect(with([](auto&, auto& r) {
           for (int i = 0; i < 5; ++i) {
             auto* e = r.add_endpoints();
             e->set_host("relay.example.org");
             e->set_port(static_cast<std::uint32_t>(i + 1));
           }
         }),
         Errc::too_large, "the limit is 4");
  expect(with([&](auto&, auto& r) { r.set_noise_certificate(r.signing_certificate()); }), Errc::malformed,
         "certificate is for a");
  expect(with([&](auto&, auto& r) {
           r.set_signing_certificate(std::string(as_chars(
               certify(f.pki.organisation, CertificateRole::relay_signing, two.signing.public_key, kToday - 1,
                       kToday + 9, "other-name").encoded)));
         }),
         Errc::malformed, "two names");
  expect(with([&](auto& body, auto&) { *body.add_relays() = body.relays(1); }), Errc::malformed, "twice");
  expect(with([&](auto& body, auto&) { body.mutable_relays()->DeleteSubrange(0, 1); }), Errc::malformed,
         "not its own");
  expect(with([&](auto&, auto& r) {
           r.set_noise_certificate(std::string(as_chars(
               certify(f.pki.organisation, CertificateRole::relay_noise, two.noise.public_key, kToday - 30,
                       kToday - 2, "relay-2").encoded)));
         }),
         Errc::expired, "relay-2");
}

}  // namespace
}  // namespace cairn::crypto
