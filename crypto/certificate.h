// Certificates: one key vouching for another, in a fixed binary layout (not
// protobuf, so the signed bytes are canonical). docs/PROTOCOL.md, "Keys, certificates and the key bundle" has the
// byte layout and rules. The chains are
//   organisation --> analyst identity --> analyst messaging key
//   organisation --> relay Noise key
//   organisation --> relay signing key
// and every check ends at the organisation key the client pinned from the
// drop address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
#include "crypto/hybrid_kem.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"

namespace cairn::crypto {

// Specification constants.
inline constexpr std::uint8_t kCertificateVersion = 1;
inline constexpr std::size_t kCertificateLabelMaxBytes = 64;
inline constexpr std::size_t kCertificateHeaderBytes = 75;  // version .. label length
inline constexpr std::size_t kCertificateMinBytes = kCertificateHeaderBytes + 1 + kEd25519SignatureBytes;
// A role 5 certificate's subject is the 1216-byte hybrid key instead of 32
// bytes: every later field moves by this much.
inline constexpr std::size_t kHybridSubjectExtraBytes = hybrid_kem::kEncapsulationKeyBytes - 32;  // 1184
inline constexpr std::size_t kCertificateMaxBytes =
    kCertificateHeaderBytes + kHybridSubjectExtraBytes + kCertificateLabelMaxBytes + kEd25519SignatureBytes;  // 1387

enum class CertificateRole : std::uint8_t {
  analyst_identity = 1,   // subject: Ed25519, issuer: organisation
  analyst_messaging = 2,  // subject: X25519,  issuer: analyst identity
  relay_noise = 3,        // subject: X25519,  issuer: organisation
  relay_signing = 4,      // subject: Ed25519, issuer: organisation
  // subject: MLKEM768-X25519 encapsulation key (1216 bytes, an age1pq1
  // recipient), issuer: analyst identity. The layout's subject field is 1216
  // bytes for this role (docs/PROTOCOL.md, "Role 5: hybrid messaging key").
  analyst_hybrid_messaging = 5,
};

// A parsed certificate. Parsing checks structure only; the verify_* functions
// below check signature, issuer and dates.
struct Certificate {
  CertificateRole role{};
  // Ed25519 or X25519 public key, per role; for role 5 the BLAKE2b-256 of the
  // hybrid key (its key id, in messages and duplicate checks).
  ByteArray<32> subject_key{};
  hybrid_kem::EncapsulationKey hybrid_key{};  // role 5 only
  Ed25519Public issuer_key{};
  DayNumber not_before_day = 0;  // valid on days [not_before_day, not_after_day]
  DayNumber not_after_day = 0;
  std::string label;  // analyst name or relay name, 1..64 bytes of display-safe UTF-8
  Ed25519Signature signature{};
  Bytes encoded;  // the exact bytes parsed or issued
};

struct CertificateFields {
  CertificateRole role{};
  ByteArray<32> subject_key{};  // ignored for role 5
  DayNumber not_before_day = 0;
  DayNumber not_after_day = 0;
  std::string label;
  hybrid_kem::EncapsulationKey hybrid_key{};  // role 5 only
};

// The key id of a hybrid messaging key: BLAKE2b-256 of its 1216 bytes.
[[nodiscard]] ByteArray<32> hybrid_key_id(const hybrid_kem::EncapsulationKey& key);

// Signs fields with the issuer's key. Errc::invalid_argument if a field could
// never parse (label length or characters, days out of order, invalid key).
// It does not check that the issuer is the right one for the role: that is
// the verifier's job, and tests need to issue wrong certificates.
[[nodiscard]] Result<Certificate> issue_certificate(const Ed25519KeyPair& issuer,
                                                    const CertificateFields& fields);

// Structure only: exact length, version (Errc::unsupported), role, label,
// day order, key encodings. Errc::malformed otherwise.
[[nodiscard]] Result<Certificate> parse_certificate(ByteView bytes);

// "identity key", "messaging key", "relay Noise key", "relay signing key",
// "post-quantum messaging key".
[[nodiscard]] std::string_view role_name(CertificateRole role);

// An analyst whose identity certificate verified against the organisation key.
struct CertifiedAnalyst {
  std::string name;
  Ed25519Public identity_key{};
  DayNumber not_before_day = 0;
  DayNumber not_after_day = 0;
};

// Each checks, in order: role, issuer key (Errc::untrusted), signature
// (Errc::bad_signature), then validity on `today` (Errc::not_yet_valid /
// Errc::expired); the message names the key and the failed link.
[[nodiscard]] Result<CertifiedAnalyst> verify_analyst_identity(const Certificate& cert,
                                                               const Ed25519Public& organisation_key,
                                                               DayNumber today);
[[nodiscard]] Result<X25519Public> verify_analyst_messaging(const Certificate& cert,
                                                            const CertifiedAnalyst& analyst,
                                                            DayNumber today);
// The same for a role 5 certificate: the hybrid (age1pq1) recipient.
[[nodiscard]] Result<hybrid_kem::EncapsulationKey> verify_analyst_hybrid_messaging(const Certificate& cert,
                                                                                   const CertifiedAnalyst& analyst,
                                                                                   DayNumber today);
[[nodiscard]] Result<X25519Public> verify_relay_noise(const Certificate& cert,
                                                      const Ed25519Public& organisation_key,
                                                      DayNumber today);
[[nodiscard]] Result<Ed25519Public> verify_relay_signing(const Certificate& cert,
                                                         const Ed25519Public& organisation_key,
                                                         DayNumber today);

}  // namespace cairn::crypto
