// A whole test deployment made with the crypto API directly (what the analyst
// station does for real): an organisation key, analysts with identity and
// messaging keys, relay certificates, a signed key bundle, a drop address.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "common/day.h"
#include "crypto/certificate.h"
#include "crypto/drop_address.h"
#include "crypto/key_bundle.h"
#include "crypto/key_text.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"

namespace cairn::test {

template <class T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().message);
  return std::move(r).value();
}

struct TestAnalyst {
  std::string name;
  crypto::Ed25519KeyPair identity;
  crypto::X25519KeyPair messaging;
};

struct TestDeployment {
  crypto::Ed25519KeyPair org = crypto::ed25519_generate();
  std::vector<TestAnalyst> analysts;
  DayNumber today = today_utc();

  explicit TestDeployment(int analyst_count = 1) {
    for (int i = 0; i < analyst_count; ++i)
      analysts.push_back({"analyst" + std::to_string(i), crypto::ed25519_generate(), crypto::x25519_generate()});
  }

  std::string org_text() const { return crypto::encode_organisation_key(org.public_key); }

  Bytes bundle(const crypto::RelayPublicKeys& relay, std::uint32_t drop_size = 32768,
               std::uint32_t pow_bits = 8) const {
    crypto::KeyBundleParams p;
    p.issued_day = today;
    p.expires_day = today + 14;
    p.drop_size = drop_size;
    p.pow_bits = pow_bits;
    auto cert = [&](const crypto::Ed25519KeyPair& issuer, crypto::CertificateRole role, ByteView subject,
                    const std::string& label) {
      crypto::CertificateFields f;
      f.role = role;
      std::copy(subject.begin(), subject.end(), f.subject_key.begin());
      f.not_before_day = today - 1;
      f.not_after_day = today + 14;
      f.label = label;
      p.certificates.push_back(must(crypto::issue_certificate(issuer, f), "issue certificate").encoded);
    };
    for (const auto& a : analysts) {
      cert(org, crypto::CertificateRole::analyst_identity, a.identity.public_key, a.name);
      cert(a.identity, crypto::CertificateRole::analyst_messaging, a.messaging.public_key, a.name);
    }
    cert(org, crypto::CertificateRole::relay_noise, relay.noise, "test relay");
    cert(org, crypto::CertificateRole::relay_signing, relay.signing, "test relay");
    return must(crypto::build_key_bundle(org, p), "build key bundle");
  }

  std::string address(const crypto::X25519Public& relay_noise, const std::string& host, std::uint16_t port) const {
    crypto::DropAddress a;
    a.organisation_key = org.public_key;
    a.relays = {{relay_noise, host, port}};
    return must(crypto::encode_drop_address(a), "encode drop address");
  }
};

}  // namespace cairn::test
