#include "crypto/key_bundle.h"

#include <algorithm>
#include <optional>

#include "common/text.h"
#include "crypto/pow.h"
#include "crypto/signed_envelope.h"
#include "proto/keys.pb.h"

#include "i18n/catalog.h"

namespace cairn::crypto {
namespace {

template <std::size_t N>
bool same_key(const ByteArray<N>& a, ByteView b) {
  return b.size() == N && std::equal(a.begin(), a.end(), b.begin());
}

// The deployment parameters both the builder and the verifier insist on:
// empty if fine, otherwise the reason.
std::string parameter_problem(DayNumber issued, DayNumber expires, std::uint32_t drop_size,
                              std::uint32_t pow_bits) {
  if (issued > expires)
    return i18n::trf("the key bundle is issued on %s but expires earlier, on %s", describe_day(issued),
                     describe_day(expires));
  if (drop_size < kDropSizeMin || drop_size > kDropSizeMax)
    return i18n::trf("the key bundle's drop size %s is outside %s..%s bytes", drop_size, kDropSizeMin, kDropSizeMax);
  if (pow_bits > pow::kMaxBits)
    return i18n::trf("the key bundle's proof-of-work difficulty %s is over %s bits", pow_bits, pow::kMaxBits);
  return {};
}

// Empty if a drop of drop_size bytes can be sealed to `count` messaging keys
// of this kind, otherwise why not (docs/PROTOCOL.md, "Drop fit").
std::string drop_fit_problem(std::uint32_t drop_size, std::size_t count, DropRecipients kind) {
  if (drop_body_capacity(drop_size, count, kind).ok()) return {};
  const std::size_t most = max_drop_recipients(drop_size, kind);
  if (kind == DropRecipients::hybrid)
    return i18n::trf("the key bundle has %s post-quantum messaging keys, but a drop of %s bytes can be sealed to at most "
                     "%s of them; choose a larger drop size or fewer analysts",
                     count, drop_size, most);
  return i18n::trf("the key bundle has %s messaging keys, but a drop of %s bytes can be sealed to at most %s of them; "
                   "choose a larger drop size or fewer analysts",
                   count, drop_size, most);
}

bool is_messaging(CertificateRole role) {
  return role == CertificateRole::analyst_messaging || role == CertificateRole::analyst_hybrid_messaging;
}

// role_name() in the source's language (its names are msgids).
std::string role_words(CertificateRole role) { return i18n::tr(std::string(role_name(role)).c_str()); }

bool is_date_error(Errc c) { return c == Errc::expired || c == Errc::not_yet_valid; }

// The issuer of a certificate that should come from the organisation, when
// it is an analyst instead: a sharper message than "not signed by".
std::optional<std::string> analyst_named_by(const Ed25519Public& issuer,
                                            const std::vector<Certificate>& identities) {
  for (const auto& id : identities)
    if (std::equal(id.subject_key.begin(), id.subject_key.end(), issuer.begin())) return id.label;
  return std::nullopt;
}

Status check_relay_issuer(const Certificate& cert, const Ed25519Public& organisation_key,
                          const std::vector<Certificate>& identities) {
  if (cert.issuer_key == organisation_key) return ok_status();
  if (auto analyst = analyst_named_by(cert.issuer_key, identities))
    return make_error(Errc::untrusted,
                      i18n::trf("the %s of relay %s is certified by analyst %s, but relay keys must be certified by "
                                "the organisation key",
                                role_words(cert.role), quoted(cert.label), quoted(*analyst)));
  return ok_status();  // the verify_relay_* message covers the general case
}

// Exactly one certificate of a relay role.
Result<Certificate> the_one(const std::vector<Certificate>& certs, CertificateRole role) {
  if (certs.empty())
    return make_error(Errc::malformed, i18n::trf("the key bundle has no %s", role_words(role)));
  if (certs.size() > 1)
    return make_error(Errc::malformed, i18n::trf("the key bundle has %s certificates for the %s; it must have exactly one",
                                                 certs.size(), role_words(role)));
  return certs.front();
}

// Step 8b: every relay the bundle lists, each certified by the organisation
// and valid today (or the whole bundle is refused), and where it listens.
Result<std::vector<VerifiedKeyBundle::ListedRelay>> verify_listed_relays(
    const cairn::v1::KeyBundleBody& body, const Ed25519Public& organisation_key, DayNumber today,
    const std::vector<Certificate>& identities, const X25519Public& own_noise_key) {
  std::vector<VerifiedKeyBundle::ListedRelay> out;
  if (static_cast<std::size_t>(body.relays_size()) > kKeyBundleMaxRelays)
    return make_error(Errc::too_large, i18n::trf("the key bundle lists %s relays; the limit is %s", body.relays_size(),
                                                 kKeyBundleMaxRelays));
  for (int i = 0; i < body.relays_size(); ++i) {
    const auto& listed = body.relays(i);
    auto parsed = [&](const std::string& raw, CertificateRole role) -> Result<Certificate> {
      auto cert = parse_certificate(as_bytes(raw));
      if (!cert.ok())
        return make_error(cert.code(), i18n::trf("relay %s listed in the key bundle: %s", i + 1, cert.error().message));
      if (cert->role != role)
        return make_error(Errc::malformed, i18n::trf("relay %s listed in the key bundle: its %s certificate is for a %s",
                                                     i + 1, role_words(role), role_words(cert->role)));
      return cert;
    };
    CAIRN_TRY(auto noise_cert, parsed(listed.noise_certificate(), CertificateRole::relay_noise));
    CAIRN_TRY(auto signing_cert, parsed(listed.signing_certificate(), CertificateRole::relay_signing));
    if (noise_cert.label != signing_cert.label)
      return make_error(Errc::malformed, i18n::trf("relay %s listed in the key bundle has keys certified under two "
                                                   "names, %s and %s",
                                                   i + 1, quoted(noise_cert.label), quoted(signing_cert.label)));
    CAIRN_CHECK(check_relay_issuer(noise_cert, organisation_key, identities));
    CAIRN_CHECK(check_relay_issuer(signing_cert, organisation_key, identities));
    VerifiedKeyBundle::ListedRelay relay;
    relay.name = noise_cert.label;
    CAIRN_TRY(relay.noise_key, verify_relay_noise(noise_cert, organisation_key, today));
    CAIRN_TRY(relay.signing_key, verify_relay_signing(signing_cert, organisation_key, today));
    for (const auto& other : out)
      if (other.noise_key == relay.noise_key || other.signing_key == relay.signing_key)
        return make_error(Errc::malformed, i18n::trf("the key bundle lists relay %s twice", quoted(relay.name)));
    if (static_cast<std::size_t>(listed.endpoints_size()) > kListedRelayMaxEndpoints)
      return make_error(Errc::too_large, i18n::trf("relay %s is listed in the key bundle with %s places it listens; "
                                                   "the limit is %s",
                                                   quoted(relay.name), listed.endpoints_size(), kListedRelayMaxEndpoints));
    for (const auto& e : listed.endpoints()) {
      if (e.port() == 0 || e.port() > 65535)
        return make_error(Errc::malformed, i18n::trf("relay %s is listed in the key bundle with the port %s",
                                                     quoted(relay.name), e.port()));
      if (auto h = check_drop_address_host(e.host()); !h.ok())
        return make_error(Errc::malformed, i18n::trf("relay %s is listed in the key bundle with a bad address: %s",
                                                     quoted(relay.name), h.error().message));
      relay.endpoints.push_back({relay.noise_key, e.host(), static_cast<std::uint16_t>(e.port())});
    }
    out.push_back(std::move(relay));
  }
  if (!out.empty() && std::none_of(out.begin(), out.end(), [&](const auto& r) { return r.noise_key == own_noise_key; }))
    return make_error(Errc::malformed, i18n::tr("the key bundle lists the organisation's relays but not its own"));
  return out;
}

}  // namespace

std::string bridge_line_problem(std::string_view line) {
  if (line.empty()) return i18n::tr("a bridge line is empty");
  if (line.size() > kKeyBundleMaxBridgeLineChars)
    return i18n::trf("a bridge line is longer than %s characters", kKeyBundleMaxBridgeLineChars);
  for (char c : line)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '#')
      return i18n::tr("a bridge line holds a character no bridge line has");
  return {};
}

Result<Bytes> build_key_bundle(const Ed25519KeyPair& organisation, const KeyBundleParams& params) {
  if (auto problem = parameter_problem(params.issued_day, params.expires_day, params.drop_size, params.pow_bits);
      !problem.empty())
    return make_error(Errc::invalid_argument, problem);
  if (params.certificates.size() > kKeyBundleMaxCertificates)
    return make_error(Errc::too_large, "a key bundle holds at most " + std::to_string(kKeyBundleMaxCertificates) +
                                           " certificates");
  std::size_t classical = 0, hybrid = 0;
  for (const auto& raw : params.certificates)
    if (auto c = parse_certificate(raw); c.ok() && is_messaging(c->role))
      ++(c->role == CertificateRole::analyst_hybrid_messaging ? hybrid : classical);
  if (classical != 0 && hybrid != 0)
    return make_error(Errc::invalid_argument,
                      i18n::tr("a key bundle's messaging keys are all classical (X25519) or all post-quantum; this "
                               "one mixes them"));
  const auto kind = hybrid != 0 ? DropRecipients::hybrid : DropRecipients::x25519;
  if (classical + hybrid != 0)
    if (auto problem = drop_fit_problem(params.drop_size, classical + hybrid, kind); !problem.empty())
      return make_error(Errc::too_large, problem);
  cairn::v1::KeyBundleBody body;
  body.set_version(kKeyBundleVersion);
  body.set_issued_day(params.issued_day);
  body.set_expires_day(params.expires_day);
  body.set_drop_size(params.drop_size);
  body.set_pow_bits(params.pow_bits);
  body.set_organisation_key(std::string(as_chars(organisation.public_key)));
  if (params.bridge_lines.size() > kKeyBundleMaxBridgeLines)
    return make_error(Errc::too_large, "a key bundle holds at most " + std::to_string(kKeyBundleMaxBridgeLines) +
                                           " bridge lines");
  for (std::size_t i = 0; i < params.bridge_lines.size(); ++i) {
    if (auto problem = bridge_line_problem(params.bridge_lines[i]); !problem.empty())
      return make_error(Errc::invalid_argument, "bridge line " + std::to_string(i + 1) + ": " + problem);
    body.add_bridge_lines(params.bridge_lines[i]);
  }
  if (params.relays.size() > kKeyBundleMaxRelays)
    return make_error(Errc::too_large, "a key bundle lists at most " + std::to_string(kKeyBundleMaxRelays) +
                                           " relays; " + std::to_string(params.relays.size()) + " were given");
  for (std::size_t i = 0; i < params.relays.size(); ++i) {
    const auto& relay = params.relays[i];
    const std::string which = "listed relay " + std::to_string(i + 1) + ": ";
    if (relay.endpoints.size() > kListedRelayMaxEndpoints)
      return make_error(Errc::too_large, which + "a relay is listed with at most " +
                                             std::to_string(kListedRelayMaxEndpoints) + " places it listens");
    auto* listed = body.add_relays();
    for (const auto* raw : {&relay.noise_certificate, &relay.signing_certificate})
      if (auto c = parse_certificate(*raw); !c.ok())
        return make_error(Errc::invalid_argument, which + c.error().message);
    listed->set_noise_certificate(std::string(as_chars(relay.noise_certificate)));
    listed->set_signing_certificate(std::string(as_chars(relay.signing_certificate)));
    for (const auto& [host, port] : relay.endpoints) {
      if (auto h = check_drop_address_host(host); !h.ok()) return make_error(Errc::invalid_argument, which + h.error().message);
      if (port == 0) return make_error(Errc::invalid_argument, which + "a port cannot be 0");
      auto* e = listed->add_endpoints();
      e->set_host(host);
      e->set_port(port);
    }
  }
  for (std::size_t i = 0; i < params.certificates.size(); ++i) {
    const auto& raw = params.certificates[i];
    if (auto c = parse_certificate(raw); !c.ok())
      return make_error(Errc::invalid_argument,
                        "certificate " + std::to_string(i + 1) + ": " + c.error().message);
    body.add_certificates(std::string(as_chars(raw)));
  }
  std::string body_bytes;
  if (!body.SerializeToString(&body_bytes))
    return make_error(Errc::internal, "could not serialize the key bundle body");
  auto signature = sign(organisation, sign_context::kKeyBundle, as_bytes(body_bytes));

  cairn::v1::SignedKeyBundle signed_bundle;
  signed_bundle.set_body(std::move(body_bytes));
  signed_bundle.set_signature(std::string(as_chars(signature)));
  std::string out;
  if (!signed_bundle.SerializeToString(&out))
    return make_error(Errc::internal, "could not serialize the signed key bundle");
  if (out.size() > kKeyBundleMaxBytes)
    return make_error(Errc::too_large, "the key bundle would be " + std::to_string(out.size()) +
                                           " bytes; the limit is " + std::to_string(kKeyBundleMaxBytes));
  return to_bytes(out);
}

Result<VerifiedKeyBundle> verify_key_bundle(ByteView signed_bundle, const Ed25519Public& organisation_key,
                                            DayNumber today) {
  auto opened = open_envelope<cairn::v1::SignedKeyBundle>(signed_bundle, kKeyBundleMaxBytes, "key bundle");
  if (!opened.ok())  // the envelope's own words are English (wire/ shares it): said again in the source's language
    return make_error(opened.code(),
                      opened.code() == Errc::too_large
                          ? i18n::trf("the key bundle is %s bytes; the limit is %s", signed_bundle.size(), kKeyBundleMaxBytes)
                          : i18n::tr("the key bundle is damaged: it does not parse, or its signature is not 64 bytes"));
  auto outer = std::move(opened).value();
  CAIRN_CHECK(verify_or_explain(
      std::span(&organisation_key, 1), sign_context::kKeyBundle, outer.body, outer.signature,
      [&]() -> std::optional<Error> {
        cairn::v1::KeyBundleBody claimed;
        if (claimed.ParseFromArray(outer.body.data(), static_cast<int>(outer.body.size())) &&
            !claimed.organisation_key().empty() &&
            !same_key(organisation_key, as_bytes(claimed.organisation_key())))
          return make_error(Errc::untrusted,
                            i18n::trf("the key bundle was signed by a different organisation key (%s) than the one "
                                      "in the drop address (%s)",
                                      fingerprint(as_bytes(claimed.organisation_key())), fingerprint(organisation_key)));
        return std::nullopt;
      },
      i18n::tr("the key bundle's signature does not verify: it was altered or damaged")));

  cairn::v1::KeyBundleBody body;
  if (!body.ParseFromArray(outer.body.data(), static_cast<int>(outer.body.size())))
    return make_error(Errc::malformed, i18n::tr("the signed key bundle body does not parse"));
  if (body.version() != kKeyBundleVersion)
    return make_error(Errc::unsupported,
                      i18n::trf("key bundle version %s is not supported; this Cairn understands version %s",
                                body.version(), kKeyBundleVersion));
  if (!same_key(organisation_key, as_bytes(body.organisation_key())))
    return make_error(Errc::untrusted,
                      i18n::tr("the key bundle names a different organisation key than the one in the drop address"));
  if (auto problem = parameter_problem(body.issued_day(), body.expires_day(), body.drop_size(), body.pow_bits());
      !problem.empty())
    return make_error(Errc::malformed, problem);
  if (today < body.issued_day())
    return make_error(Errc::not_yet_valid, i18n::trf("the key bundle is not valid until %s, and today is %s (is this "
                                                     "computer's date right?)",
                                                     describe_day(body.issued_day()), describe_day(today)));
  if (today > body.expires_day())
    return make_error(Errc::expired, i18n::trf("the key bundle expired: it was valid until %s, and today is %s; the "
                                               "relay needs a fresh one",
                                               describe_day(body.expires_day()), describe_day(today)));
  if (static_cast<std::size_t>(body.certificates_size()) > kKeyBundleMaxCertificates)
    return make_error(Errc::too_large, i18n::trf("the key bundle has %s certificates; the limit is %s",
                                                 body.certificates_size(), kKeyBundleMaxCertificates));

  if (static_cast<std::size_t>(body.bridge_lines_size()) > kKeyBundleMaxBridgeLines)
    return make_error(Errc::too_large, i18n::trf("the key bundle has %s bridge lines; the limit is %s",
                                                 body.bridge_lines_size(), kKeyBundleMaxBridgeLines));
  for (int i = 0; i < body.bridge_lines_size(); ++i)
    if (auto problem = bridge_line_problem(body.bridge_lines(i)); !problem.empty())
      return make_error(Errc::malformed, i18n::trf("bridge line %s in the key bundle: %s", i + 1, problem));

  std::vector<Certificate> identities, messaging, relay_noise, relay_signing;
  for (int i = 0; i < body.certificates_size(); ++i) {
    auto cert = parse_certificate(as_bytes(body.certificates(i)));
    if (!cert.ok())
      return make_error(cert.code(), i18n::trf("certificate %s in the key bundle: %s", i + 1, cert.error().message));
    switch (cert->role) {
      case CertificateRole::analyst_identity: identities.push_back(std::move(cert).value()); break;
      case CertificateRole::analyst_messaging:
      case CertificateRole::analyst_hybrid_messaging: messaging.push_back(std::move(cert).value()); break;
      case CertificateRole::relay_noise: relay_noise.push_back(std::move(cert).value()); break;
      case CertificateRole::relay_signing: relay_signing.push_back(std::move(cert).value()); break;
    }
  }
  auto duplicate_subject = [](const std::vector<Certificate>& certs) -> std::optional<std::string> {
    for (std::size_t i = 0; i < certs.size(); ++i)
      for (std::size_t j = i + 1; j < certs.size(); ++j)
        if (certs[i].subject_key == certs[j].subject_key) return fingerprint(certs[i].subject_key);
    return std::nullopt;
  };
  for (const auto* group : {&identities, &messaging})
    if (auto dup = duplicate_subject(*group))
      return make_error(Errc::malformed, i18n::trf("the key bundle certifies the key %s twice", *dup));

  // Classical or hybrid: never both (step 12).
  const auto hybrid_certs = static_cast<std::size_t>(std::count_if(messaging.begin(), messaging.end(), [](const auto& c) {
    return c.role == CertificateRole::analyst_hybrid_messaging;
  }));
  if (hybrid_certs != 0 && hybrid_certs != messaging.size())
    return make_error(Errc::malformed, i18n::tr("the key bundle mixes classical (X25519) and post-quantum messaging "
                                                "keys"));
  const bool hybrid = hybrid_certs != 0;

  VerifiedKeyBundle out;
  out.issued_day = body.issued_day();
  out.expires_day = body.expires_day();
  out.drop_size = body.drop_size();
  out.pow_bits = body.pow_bits();
  out.organisation_key = organisation_key;
  out.bridge_lines.assign(body.bridge_lines().begin(), body.bridge_lines().end());

  // Relay keys: exactly one each, and the bundle is refused if either is not valid today.
  CAIRN_TRY(auto noise_cert, the_one(relay_noise, CertificateRole::relay_noise));
  CAIRN_TRY(auto signing_cert, the_one(relay_signing, CertificateRole::relay_signing));
  CAIRN_CHECK(check_relay_issuer(noise_cert, organisation_key, identities));
  CAIRN_CHECK(check_relay_issuer(signing_cert, organisation_key, identities));
  CAIRN_TRY(out.relay_noise_key, verify_relay_noise(noise_cert, organisation_key, today));
  CAIRN_TRY(out.relay_signing_key, verify_relay_signing(signing_cert, organisation_key, today));
  out.relay_name = noise_cert.label;
  CAIRN_TRY(out.relays, verify_listed_relays(body, organisation_key, today, identities, out.relay_noise_key));

  // Analysts: an identity outside its dates is skipped (with its messaging
  // keys); any other failure means the station signed something wrong, and
  // the whole bundle is refused.
  struct Analyst {
    CertifiedAnalyst who;
    std::optional<Error> unusable;
  };
  std::vector<Analyst> known;
  for (const auto& cert : identities) {
    auto a = verify_analyst_identity(cert, organisation_key, today);
    if (a.ok()) {
      out.analysts.push_back(a.value());
      known.push_back({std::move(a).value(), std::nullopt});
    } else if (is_date_error(a.code())) {
      out.skipped.push_back(a.error().message);
      known.push_back({{cert.label, {}, cert.not_before_day, cert.not_after_day}, a.error()});
      std::copy(cert.subject_key.begin(), cert.subject_key.end(), known.back().who.identity_key.begin());
    } else {
      return a.error();
    }
  }

  // Messaging keys: each must chain to an analyst identity in this bundle.
  std::optional<Errc> why_none;  // the date error that left us without keys, if any
  for (const auto& cert : messaging) {
    auto issuer = std::find_if(known.begin(), known.end(),
                               [&](const Analyst& a) { return a.who.identity_key == cert.issuer_key; });
    if (issuer == known.end()) {
      const auto key = fingerprint(cert.subject_key), label = quoted(cert.label);
      if (cert.issuer_key == organisation_key)
        return make_error(Errc::untrusted,
                          i18n::trf("the messaging key %s labelled %s is certified directly by the organisation key, "
                                    "but a messaging key must be certified by an analyst's identity key",
                                    key, label));
      return make_error(Errc::untrusted,
                        i18n::trf("the messaging key %s labelled %s is signed by a key that is not a certified "
                                  "analyst in this key bundle",
                                  key, label));
    }
    Status key = ok_status();
    if (hybrid) {
      if (auto k = verify_analyst_hybrid_messaging(cert, issuer->who, today); !k.ok()) key = k.error();
    } else if (auto k = verify_analyst_messaging(cert, issuer->who, today); !k.ok()) {
      key = k.error();
    }
    if (!key.ok()) {
      if (!is_date_error(key.code())) return key.error();
      out.skipped.push_back(key.error().message);
      if (!why_none || key.code() == Errc::expired) why_none = key.code();
      continue;
    }
    if (issuer->unusable) {
      out.skipped.push_back(i18n::trf("the messaging key of analyst %s is not used because %s",
                                      quoted(issuer->who.name), issuer->unusable->message));
      if (!why_none || issuer->unusable->code == Errc::expired) why_none = issuer->unusable->code;
      continue;
    }
    if (hybrid) {
      out.hybrid_messaging_keys.push_back(cert.hybrid_key);
    } else {
      X25519Public k;
      std::copy(cert.subject_key.begin(), cert.subject_key.end(), k.begin());
      out.messaging_keys.push_back(k);
    }
  }
  if (out.messaging_key_count() == 0) {
    if (messaging.empty()) return make_error(Errc::malformed, i18n::tr("the key bundle has no analyst messaging keys"));
    std::string reasons;
    for (const auto& s : out.skipped) reasons += (reasons.empty() ? "" : "; ") + s;
    return make_error(why_none.value_or(Errc::expired),
                      i18n::trf("no analyst messaging key in the key bundle is valid today: %s", reasons));
  }
  if (auto problem = drop_fit_problem(out.drop_size, out.messaging_key_count(),
                                      hybrid ? DropRecipients::hybrid : DropRecipients::x25519);
      !problem.empty())
    return make_error(Errc::malformed, problem);
  return out;
}

}  // namespace cairn::crypto
