#include "crypto/certificate.h"

#include "i18n/catalog.h"

#include <algorithm>

#include "common/text.h"
#include "common/utf8.h"
#include "crypto/hash.h"

namespace cairn::crypto {
namespace {

// Byte offsets of the layout in docs/PROTOCOL.md, "Keys, certificates and the key bundle".
constexpr std::size_t kOffVersion = 0;
constexpr std::size_t kOffRole = 1;
constexpr std::size_t kOffSubject = 2;
// For roles 1..4; role 5 moves every field after the subject by kHybridSubjectExtraBytes.
constexpr std::size_t kOffIssuer = 34;
constexpr std::size_t kOffNotBefore = 66;
constexpr std::size_t kOffNotAfter = 70;
constexpr std::size_t kOffLabelLength = 74;
static_assert(kOffLabelLength + 1 == kCertificateHeaderBytes);

bool known_role(std::uint8_t r) { return r >= 1 && r <= 5; }

// How far the fields after the subject move for this role.
std::size_t shift(CertificateRole role) {
  return role == CertificateRole::analyst_hybrid_messaging ? kHybridSubjectExtraBytes : 0;
}

bool subject_is_ed25519(CertificateRole role) {
  return role == CertificateRole::analyst_identity || role == CertificateRole::relay_signing;
}

// The invariants both issuing and parsing enforce: empty if fine, otherwise the reason.
std::string field_problem(const CertificateFields& f) {
  if (f.label.empty() || f.label.size() > kCertificateLabelMaxBytes)
    return "the certificate label must be 1 to 64 bytes, it is " + std::to_string(f.label.size());
  if (!is_display_safe_utf8(f.label))
    return "the certificate label is not printable UTF-8 (control or direction-override characters, or invalid bytes)";
  if (f.not_before_day > f.not_after_day)
    return "the certificate's first valid day " + describe_day(f.not_before_day) +
           " is after its last valid day " + describe_day(f.not_after_day);
  if (f.role == CertificateRole::analyst_hybrid_messaging) {
    // A key every drop to it would fail on (FIPS 203's encapsulation key
    // check, a low-order X25519 half) is refused here: a trial encapsulation.
    if (!hybrid_kem::encapsulate(f.hybrid_key).ok())
      return "the certificate's subject is not a usable MLKEM768-X25519 key";
  } else if (subject_is_ed25519(f.role)) {
    Ed25519Public pk;
    std::copy(f.subject_key.begin(), f.subject_key.end(), pk.begin());
    if (!check_ed25519_public_key(pk).ok())
      return "the certificate's subject is not a valid Ed25519 public key";
  } else if (std::all_of(f.subject_key.begin(), f.subject_key.end(), [](auto b) { return b == 0; })) {
    return "the certificate's subject is the all-zero X25519 key";
  }
  return {};
}

// Everything before the signature: the bytes the issuer signs.
Bytes encode_signed_part(const CertificateFields& f, const Ed25519Public& issuer) {
  const std::size_t d = shift(f.role);
  Bytes out(kCertificateHeaderBytes + d + f.label.size());
  out[kOffVersion] = kCertificateVersion;
  out[kOffRole] = static_cast<std::uint8_t>(f.role);
  if (d != 0)
    std::copy(f.hybrid_key.begin(), f.hybrid_key.end(), out.begin() + kOffSubject);
  else
    std::copy(f.subject_key.begin(), f.subject_key.end(), out.begin() + kOffSubject);
  std::copy(issuer.begin(), issuer.end(), out.begin() + static_cast<std::ptrdiff_t>(kOffIssuer + d));
  put_u32be(out.data() + kOffNotBefore + d, f.not_before_day);
  put_u32be(out.data() + kOffNotAfter + d, f.not_after_day);
  out[kOffLabelLength + d] = static_cast<std::uint8_t>(f.label.size());
  std::copy(f.label.begin(), f.label.end(), out.begin() + static_cast<std::ptrdiff_t>(kCertificateHeaderBytes + d));
  return out;
}

// Who the certificate is about, for messages.
std::string describe_subject(const Certificate& c, std::string_view analyst_name = {}) {
  switch (c.role) {
    case CertificateRole::analyst_identity:
      return i18n::trf("the identity key of analyst %s", quoted(c.label));
    case CertificateRole::analyst_messaging:
    case CertificateRole::analyst_hybrid_messaging:
      if (!analyst_name.empty()) return i18n::trf("the messaging key of analyst %s", quoted(analyst_name));
      return i18n::trf("the messaging key %s labelled %s", fingerprint(c.subject_key), quoted(c.label));
    case CertificateRole::relay_noise:
      return i18n::trf("the Noise key of relay %s", quoted(c.label));
    case CertificateRole::relay_signing:
      return i18n::trf("the signing key of relay %s", quoted(c.label));
  }
  return i18n::tr("an unknown key");
}

// The shared link check: role, issuer, signature, dates, in that order (the
// signature before the dates, so an altered date reads as an altered
// certificate, not as an expiry).
Status check_link(const Certificate& c, CertificateRole expected_role, const Ed25519Public& issuer_key,
                  std::string_view issuer_description, std::string_view subject, DayNumber today) {
  if (c.role != expected_role)
    return make_error(Errc::untrusted, i18n::trf("%s is certified as a %s where a %s is required", subject,
                                                 i18n::tr(std::string(role_name(c.role)).c_str()),
                                                 i18n::tr(std::string(role_name(expected_role)).c_str())));
  if (!equal_constant_time(c.issuer_key, issuer_key))
    return make_error(Errc::untrusted, i18n::trf("%s (%s) is not signed by %s", subject, fingerprint(c.subject_key),
                                                 issuer_description));
  // Verify over the fields as re-encoded, not over c.encoded: the layout is
  // canonical, so this is the same for a parsed certificate, and the fields
  // checked below are then exactly the fields signed.
  CertificateFields fields{c.role, c.subject_key, c.not_before_day, c.not_after_day, c.label, c.hybrid_key};
  if (!verify(issuer_key, sign_context::kCertificate, encode_signed_part(fields, c.issuer_key), c.signature).ok())
    return make_error(Errc::bad_signature,
                      i18n::trf("the certificate of %s has a signature that does not verify: it was altered or damaged",
                                subject));
  if (today < c.not_before_day)
    return make_error(Errc::not_yet_valid,
                      i18n::trf("%s is not valid until %s, and today is %s (is this computer's date right?)", subject,
                                describe_day(c.not_before_day), describe_day(today)));
  if (today > c.not_after_day)
    return make_error(Errc::expired, i18n::trf("%s expired: it was valid until %s, and today is %s", subject,
                                               describe_day(c.not_after_day), describe_day(today)));
  return ok_status();
}

constexpr const char* kOrganisationIssuer = i18n::N_("the organisation key in the drop address");

}  // namespace

std::string_view role_name(CertificateRole role) {
  switch (role) {
    case CertificateRole::analyst_identity: return i18n::N_("analyst identity key");
    case CertificateRole::analyst_messaging: return i18n::N_("analyst messaging key");
    case CertificateRole::relay_noise: return i18n::N_("relay Noise key");
    case CertificateRole::relay_signing: return i18n::N_("relay signing key");
    case CertificateRole::analyst_hybrid_messaging: return i18n::N_("analyst post-quantum messaging key");
  }
  return "unknown key";
}

ByteArray<32> hybrid_key_id(const hybrid_kem::EncapsulationKey& key) { return blake2b_256(key); }

Result<Certificate> issue_certificate(const Ed25519KeyPair& issuer, const CertificateFields& fields) {
  if (!known_role(static_cast<std::uint8_t>(fields.role)))
    return make_error(Errc::invalid_argument, "unknown certificate role");
  if (auto problem = field_problem(fields); !problem.empty())
    return make_error(Errc::invalid_argument, problem);
  Certificate c;
  c.role = fields.role;
  c.subject_key = fields.subject_key;
  if (fields.role == CertificateRole::analyst_hybrid_messaging) {
    c.hybrid_key = fields.hybrid_key;
    c.subject_key = hybrid_key_id(fields.hybrid_key);
  }
  c.issuer_key = issuer.public_key;
  c.not_before_day = fields.not_before_day;
  c.not_after_day = fields.not_after_day;
  c.label = fields.label;
  c.encoded = encode_signed_part(fields, issuer.public_key);
  c.signature = sign(issuer, sign_context::kCertificate, c.encoded);
  c.encoded.insert(c.encoded.end(), c.signature.begin(), c.signature.end());
  return c;
}

Result<Certificate> parse_certificate(ByteView bytes) {
  if (bytes.size() < kCertificateMinBytes || bytes.size() > kCertificateMaxBytes)
    return make_error(Errc::malformed, "a certificate is " + std::to_string(kCertificateMinBytes) + " to " +
                                           std::to_string(kCertificateMaxBytes) + " bytes, this one is " +
                                           std::to_string(bytes.size()));
  if (bytes[kOffVersion] != kCertificateVersion)
    return make_error(Errc::unsupported,
                      "certificate format version " + std::to_string(bytes[kOffVersion]) + " is not supported");
  if (!known_role(bytes[kOffRole]))
    return make_error(Errc::malformed, "unknown certificate role " + std::to_string(bytes[kOffRole]));
  const auto role = static_cast<CertificateRole>(bytes[kOffRole]);
  const std::size_t d = shift(role);
  if (bytes.size() < kCertificateMinBytes + d)
    return make_error(Errc::malformed, "the certificate is too short for its role");
  std::size_t label_length = bytes[kOffLabelLength + d];
  if (bytes.size() != kCertificateHeaderBytes + d + label_length + kEd25519SignatureBytes)
    return make_error(Errc::malformed, "the certificate's length does not match its label length");

  Certificate c;
  c.role = role;
  if (d != 0) {
    std::copy_n(bytes.begin() + kOffSubject, c.hybrid_key.size(), c.hybrid_key.begin());
    c.subject_key = hybrid_key_id(c.hybrid_key);
  } else {
    std::copy_n(bytes.begin() + kOffSubject, 32, c.subject_key.begin());
  }
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(kOffIssuer + d), 32, c.issuer_key.begin());
  c.not_before_day = get_u32be(bytes.data() + kOffNotBefore + d);
  c.not_after_day = get_u32be(bytes.data() + kOffNotAfter + d);
  c.label = std::string(as_chars(bytes.subspan(kCertificateHeaderBytes + d, label_length)));
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(kCertificateHeaderBytes + d + label_length),
              kEd25519SignatureBytes, c.signature.begin());
  CertificateFields fields{c.role, c.subject_key, c.not_before_day, c.not_after_day, c.label, c.hybrid_key};
  if (auto problem = field_problem(fields); !problem.empty()) return make_error(Errc::malformed, problem);
  c.encoded.assign(bytes.begin(), bytes.end());
  return c;
}

Result<CertifiedAnalyst> verify_analyst_identity(const Certificate& cert,
                                                 const Ed25519Public& organisation_key, DayNumber today) {
  CAIRN_CHECK(check_link(cert, CertificateRole::analyst_identity, organisation_key, i18n::tr(kOrganisationIssuer),
                         describe_subject(cert), today));
  CertifiedAnalyst a;
  a.name = cert.label;
  std::copy(cert.subject_key.begin(), cert.subject_key.end(), a.identity_key.begin());
  a.not_before_day = cert.not_before_day;
  a.not_after_day = cert.not_after_day;
  return a;
}

Result<X25519Public> verify_analyst_messaging(const Certificate& cert, const CertifiedAnalyst& analyst,
                                              DayNumber today) {
  CAIRN_CHECK(check_link(cert, CertificateRole::analyst_messaging, analyst.identity_key,
                         i18n::trf("the identity key of analyst %s", quoted(analyst.name)),
                         describe_subject(cert, analyst.name), today));
  X25519Public k;
  std::copy(cert.subject_key.begin(), cert.subject_key.end(), k.begin());
  return k;
}

Result<hybrid_kem::EncapsulationKey> verify_analyst_hybrid_messaging(const Certificate& cert,
                                                                     const CertifiedAnalyst& analyst, DayNumber today) {
  CAIRN_CHECK(check_link(cert, CertificateRole::analyst_hybrid_messaging, analyst.identity_key,
                         i18n::trf("the identity key of analyst %s", quoted(analyst.name)),
                         describe_subject(cert, analyst.name), today));
  return cert.hybrid_key;
}

Result<X25519Public> verify_relay_noise(const Certificate& cert, const Ed25519Public& organisation_key,
                                        DayNumber today) {
  CAIRN_CHECK(check_link(cert, CertificateRole::relay_noise, organisation_key, i18n::tr(kOrganisationIssuer),
                         describe_subject(cert), today));
  X25519Public k;
  std::copy(cert.subject_key.begin(), cert.subject_key.end(), k.begin());
  return k;
}

Result<Ed25519Public> verify_relay_signing(const Certificate& cert, const Ed25519Public& organisation_key,
                                           DayNumber today) {
  CAIRN_CHECK(check_link(cert, CertificateRole::relay_signing, organisation_key, i18n::tr(kOrganisationIssuer),
                         describe_subject(cert), today));
  Ed25519Public k;
  std::copy(cert.subject_key.begin(), cert.subject_key.end(), k.begin());
  return k;
}

}  // namespace cairn::crypto
