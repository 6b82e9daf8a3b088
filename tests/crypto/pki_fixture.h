// A small organisation for certificate and key bundle tests: an organisation
// key, analysts with identity and messaging keys, and a relay. Days are fixed
// numbers so tests never depend on the clock.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/key_bundle.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "proto/keys.pb.h"

namespace cairn::crypto::test {

inline constexpr DayNumber kToday = 20400;  // 2025-11-08

template <class T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error("test setup failed: " + r.error().message);
  return std::move(r).value();
}

inline Certificate certify(const Ed25519KeyPair& issuer, CertificateRole role, const ByteArray<32>& subject,
                           DayNumber from, DayNumber to, std::string label) {
  return must(issue_certificate(issuer, {role, subject, from, to, std::move(label)}));
}

struct Analyst {
  std::string name;
  Ed25519KeyPair identity = ed25519_generate();
  Certificate identity_cert;
};

struct Pki {
  Ed25519KeyPair organisation = ed25519_generate();
  X25519KeyPair relay_noise = x25519_generate();
  Ed25519KeyPair relay_signing = ed25519_generate();
  Certificate relay_noise_cert =
      certify(organisation, CertificateRole::relay_noise, relay_noise.public_key, kToday - 100, kToday + 400, "relay-1");
  Certificate relay_signing_cert = certify(organisation, CertificateRole::relay_signing, relay_signing.public_key,
                                           kToday - 100, kToday + 400, "relay-1");

  Analyst analyst(const std::string& name, DayNumber from = kToday - 100, DayNumber to = kToday + 400) {
    Analyst a;
    a.name = name;
    a.identity_cert = certify(organisation, CertificateRole::analyst_identity, a.identity.public_key, from, to, name);
    return a;
  }

  // A messaging key for the analyst, valid on [from, to].
  Certificate messaging(const Analyst& a, DayNumber from, DayNumber to, X25519Public* key_out = nullptr) {
    auto kp = x25519_generate();
    if (key_out) *key_out = kp.public_key;
    return certify(a.identity, CertificateRole::analyst_messaging, kp.public_key, from, to, a.name);
  }

  KeyBundleParams params(std::vector<Certificate> certs) const {
    KeyBundleParams p;
    p.issued_day = kToday - 1;
    p.expires_day = kToday + 13;
    p.drop_size = 32 * 1024;
    p.pow_bits = 16;
    for (auto& c : certs) p.certificates.push_back(c.encoded);
    return p;
  }
};

// A bundle body signed by hand, for shapes build_key_bundle refuses to make.
inline Bytes sign_body(const Ed25519KeyPair& org, const cairn::v1::KeyBundleBody& body) {
  std::string body_bytes = body.SerializeAsString();
  auto sig = sign(org, sign_context::kKeyBundle, as_bytes(body_bytes));
  cairn::v1::SignedKeyBundle signed_bundle;
  signed_bundle.set_body(body_bytes);
  signed_bundle.set_signature(std::string(as_chars(sig)));
  return to_bytes(signed_bundle.SerializeAsString());
}

}  // namespace cairn::crypto::test
