#include "analyst/keys.h"

#include <algorithm>

#include "crypto/certificate.h"
#include "crypto/random.h"
#include "i18n/catalog.h"

namespace cairn::analyst {
namespace {

constexpr std::string_view kOrganisationSeed = "organisation.seed";
constexpr std::string_view kOrganisationPublic = "organisation.public";
constexpr std::string_view kMessagingKind = "messaging.kind";
constexpr std::string_view kHybridKind = "mlkem768x25519";

// A role 5 certificate (its role byte): the key is hybrid.
bool is_hybrid_certificate(const Bytes& certificate) {
  return certificate.size() > 1 &&
         certificate[1] == static_cast<std::uint8_t>(crypto::CertificateRole::analyst_hybrid_messaging);
}

template <std::size_t N>
Result<ByteArray<N>> fixed(const Bytes& b, const char* what) {
  if (b.size() != N) return make_error(Errc::storage, i18n::trf("the vault holds a %s of the wrong length", i18n::tr(what)));
  ByteArray<N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

// A secret column straight into secure memory.
crypto::Secret secret_column(const db::Statement& stmt, int index) {
  auto raw = stmt.column_blob(index);
  auto secret = crypto::Secret::copy_of(raw);
  crypto::wipe(raw);
  return secret;
}

Result<crypto::Certificate> certify(const crypto::Ed25519KeyPair& issuer, crypto::CertificateRole role,
                                    ByteView subject, DayNumber not_before, DayNumber not_after,
                                    std::string_view label) {
  crypto::CertificateFields f;
  f.role = role;
  std::copy(subject.begin(), subject.end(), f.subject_key.begin());
  f.not_before_day = not_before;
  f.not_after_day = not_after;
  f.label = std::string(label);
  auto cert = crypto::issue_certificate(issuer, f);
  if (!cert.ok()) return make_error(Errc::invalid_argument, cert.error().message);
  return cert;
}

std::string names_of(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "'" : ", '") + n + "'";
  return s.empty() ? "none" : s;
}

constexpr std::string_view kSelectKeys =
    "SELECT k.id, k.analyst, a.name, k.public_key, k.certificate, k.created_day, k.not_after_day, k.destroyed_day "
    "FROM messaging_keys k JOIN analysts a ON a.id = k.analyst ";

Result<MessagingKeyRecord> key_row(const db::Statement& s) {
  MessagingKeyRecord k;
  k.id = s.column_int(0);
  k.analyst_id = s.column_int(1);
  k.analyst = s.column_text(2);
  CAIRN_TRY(k.public_key, fixed<32>(s.column_blob(3), i18n::N_("messaging key")));
  k.certificate = s.column_blob(4);
  if (is_hybrid_certificate(k.certificate)) {
    auto cert = crypto::parse_certificate(k.certificate);
    if (!cert.ok() || cert->subject_key != k.public_key)
      return make_error(Errc::storage, i18n::tr("a post-quantum messaging key in the vault does not match its certificate"));
    k.hybrid_key = cert->hybrid_key;
  }
  k.created_day = static_cast<DayNumber>(s.column_int(5));
  k.not_after_day = static_cast<DayNumber>(s.column_int(6));
  if (!s.column_is_null(7)) k.destroyed_day = static_cast<DayNumber>(s.column_int(7));
  return k;
}

constexpr std::string_view kSelectRelays =
    "SELECT name, noise_public, signing_public, noise_certificate, signing_certificate, not_after_day FROM relays ";

Result<RelayRecord> relay_row(const db::Statement& s) {
  RelayRecord r;
  r.name = s.column_text(0);
  CAIRN_TRY(r.keys.noise, fixed<32>(s.column_blob(1), i18n::N_("relay Noise key")));
  CAIRN_TRY(r.keys.signing, fixed<32>(s.column_blob(2), i18n::N_("relay signing key")));
  r.noise_certificate = s.column_blob(3);
  r.signing_certificate = s.column_blob(4);
  r.not_after_day = static_cast<DayNumber>(s.column_int(5));
  return r;
}

}  // namespace

Status create_organisation(Vault& vault) {
  CAIRN_TRY(auto existing, vault.get_meta(kOrganisationSeed));
  if (existing) return make_error(Errc::already_exists, i18n::tr("this vault already has an organisation key"));
  auto org = crypto::ed25519_generate();
  auto seed = crypto::ed25519_seed(org);
  CAIRN_CHECK(vault.put_meta(kOrganisationSeed, seed.view()));
  return vault.put_meta(kOrganisationPublic, org.public_key);
}

Result<crypto::Ed25519KeyPair> organisation_key(Vault& vault) {
  CAIRN_TRY(auto seed, vault.get_secret_meta(kOrganisationSeed));
  return crypto::ed25519_from_seed(seed);
}

Result<crypto::Ed25519Public> organisation_public_key(Vault& vault) {
  CAIRN_TRY(auto v, vault.get_meta(kOrganisationPublic));
  if (!v) return make_error(Errc::not_found, i18n::tr("the vault has no organisation key (run cairn-analyst init)"));
  return fixed<32>(*v, i18n::N_("organisation key"));
}

Result<AnalystRecord> add_analyst(Vault& vault, std::string_view name, DayNumber today) {
  {
    CAIRN_TRY(auto q, vault.db().prepare("SELECT 1 FROM analysts WHERE name = ?1;"));
    q.bind(1, name);
    CAIRN_TRY(bool row, q.step());
    if (row) return make_error(Errc::already_exists, i18n::trf("there is already an analyst named '%s'", name));
  }
  CAIRN_TRY(auto org, organisation_key(vault));
  auto identity = crypto::ed25519_generate();
  CAIRN_TRY(auto cert, certify(org, crypto::CertificateRole::analyst_identity, identity.public_key,
                               days_before(today, kClockToleranceDays), today + kIdentityValidDays, name));
  auto seed = crypto::ed25519_seed(identity);
  CAIRN_TRY(auto insert, vault.db().prepare(
                             "INSERT INTO analysts (name, identity_seed, identity_public, identity_certificate) "
                             "VALUES (?1, ?2, ?3, ?4);"));
  CAIRN_CHECK(insert.bind(1, name).bind(2, seed.view()).bind(3, ByteView(identity.public_key)).bind(4, cert.encoded).run());
  CAIRN_TRY(auto record, find_analyst(vault, name));
  CAIRN_CHECK(add_messaging_key(vault, record, today));
  return record;
}

Result<std::vector<AnalystRecord>> analysts(Vault& vault) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT id, name, identity_public, identity_certificate FROM analysts ORDER BY id;"));
  std::vector<AnalystRecord> out;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    AnalystRecord a;
    a.id = q.column_int(0);
    a.name = q.column_text(1);
    CAIRN_TRY(a.identity_key, fixed<32>(q.column_blob(2), i18n::N_("identity key")));
    a.identity_certificate = q.column_blob(3);
    CAIRN_TRY(auto cert, crypto::parse_certificate(a.identity_certificate));
    a.not_after_day = cert.not_after_day;
    out.push_back(std::move(a));
  }
  return out;
}

Result<AnalystRecord> find_analyst(Vault& vault, std::string_view name) {
  CAIRN_TRY(auto all, analysts(vault));
  std::vector<std::string> names;
  for (auto& a : all) {
    if (a.name == name) return std::move(a);
    names.push_back(a.name);
  }
  return make_error(Errc::not_found,
                    i18n::trf("there is no analyst named '%s' in this vault (analysts: %s)", name, names_of(names)));
}

Result<crypto::Ed25519KeyPair> analyst_identity(Vault& vault, std::string_view name) {
  CAIRN_TRY(auto record, find_analyst(vault, name));
  CAIRN_TRY(auto q, vault.db().prepare("SELECT identity_seed FROM analysts WHERE id = ?1;"));
  q.bind(1, record.id);
  CAIRN_TRY(bool row, q.step());
  if (!row) return make_error(Errc::internal, "the analyst disappeared");
  auto seed = secret_column(q, 0);
  CAIRN_TRY(auto pair, crypto::ed25519_from_seed(seed));
  if (pair.public_key != record.identity_key)
    return make_error(Errc::storage, i18n::trf("the vault's identity key of '%s' does not match its public key", record.name));
  return pair;
}

Result<bool> hybrid_messaging(Vault& vault) {
  CAIRN_TRY(auto kind, vault.get_meta(kMessagingKind));
  return kind && std::string_view(as_chars(*kind)) == kHybridKind;
}

Status choose_hybrid_messaging(Vault& vault) { return vault.put_meta(kMessagingKind, as_bytes(kHybridKind)); }

Result<MessagingKeyRecord> add_messaging_key(Vault& vault, const AnalystRecord& analyst, DayNumber today) {
  CAIRN_TRY(auto identity, analyst_identity(vault, analyst.name));
  CAIRN_TRY(const bool hybrid, hybrid_messaging(vault));
  DayNumber not_after = today + kMessagingKeyValidDays - 1;
  const DayNumber not_before = days_before(today, kClockToleranceDays);
  crypto::X25519Public public_key{};  // the X25519 key, or the hybrid key's id
  crypto::Secret secret;              // the X25519 scalar, or the hybrid seed
  crypto::Certificate cert;
  if (hybrid) {
    auto key = crypto::hybrid_kem::generate_key_pair();
    crypto::CertificateFields f{crypto::CertificateRole::analyst_hybrid_messaging, {}, not_before, not_after,
                                analyst.name};
    f.hybrid_key = key.encapsulation_key;
    auto issued = crypto::issue_certificate(identity, f);
    if (!issued.ok()) return make_error(Errc::invalid_argument, issued.error().message);
    cert = std::move(issued).value();
    public_key = cert.subject_key;
    secret = std::move(key.seed);
  } else {
    auto key = crypto::x25519_generate();
    CAIRN_TRY(cert, certify(identity, crypto::CertificateRole::analyst_messaging, key.public_key, not_before, not_after,
                            analyst.name));
    public_key = key.public_key;
    secret = std::move(key.secret);
  }
  CAIRN_TRY(auto insert, vault.db().prepare(
                             "INSERT INTO messaging_keys (analyst, public_key, secret_key, certificate, created_day, "
                             "not_after_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6);"));
  CAIRN_CHECK(insert.bind(1, analyst.id)
                  .bind(2, ByteView(public_key))
                  .bind(3, secret.view())
                  .bind(4, cert.encoded)
                  .bind(5, std::int64_t{today})
                  .bind(6, std::int64_t{not_after})
                  .run());
  CAIRN_TRY(auto last, vault.db().prepare("SELECT last_insert_rowid();"));
  CAIRN_TRY(bool row, last.step());
  if (!row) return make_error(Errc::internal, "no row id for the new messaging key");
  std::int64_t id = last.column_int(0);
  CAIRN_TRY(auto q, vault.db().prepare(std::string(kSelectKeys) + "WHERE k.id = ?1;"));
  q.bind(1, id);
  CAIRN_TRY(bool found, q.step());
  if (!found) return make_error(Errc::internal, "the new messaging key is not in the vault");
  return key_row(q);
}

Result<std::vector<MessagingKeyRecord>> messaging_keys(Vault& vault) {
  CAIRN_TRY(auto q, vault.db().prepare(std::string(kSelectKeys) + "ORDER BY k.id;"));
  std::vector<MessagingKeyRecord> out;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    CAIRN_TRY(auto k, key_row(q));
    out.push_back(std::move(k));
  }
  return out;
}

Result<std::vector<crypto::age::Identity>> messaging_identities(Vault& vault) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT secret_key, public_key, certificate FROM messaging_keys "
                                       "WHERE secret_key IS NOT NULL ORDER BY id DESC;"));
  std::vector<crypto::age::Identity> out;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    if (is_hybrid_certificate(q.column_blob(2))) continue;
    CAIRN_TRY(auto pair, crypto::x25519_from_secret(secret_column(q, 0)));
    CAIRN_TRY(auto stored_public, fixed<32>(q.column_blob(1), i18n::N_("messaging key")));
    if (pair.public_key != stored_public)
      return make_error(Errc::storage, i18n::tr("a messaging secret in the vault does not match its public key"));
    out.push_back(std::move(pair));
  }
  return out;
}

Result<std::vector<crypto::age::HybridIdentity>> messaging_hybrid_identities(Vault& vault) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT secret_key, public_key, certificate FROM messaging_keys "
                                       "WHERE secret_key IS NOT NULL ORDER BY id DESC;"));
  std::vector<crypto::age::HybridIdentity> out;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    if (!is_hybrid_certificate(q.column_blob(2))) continue;
    auto pair = crypto::hybrid_kem::derive_key_pair(secret_column(q, 0));
    if (!pair.ok()) return make_error(Errc::storage, i18n::tr("a post-quantum messaging secret in the vault is damaged"));
    CAIRN_TRY(auto stored_public, fixed<32>(q.column_blob(1), i18n::N_("messaging key")));
    if (crypto::hybrid_key_id(pair->encapsulation_key) != stored_public)
      return make_error(Errc::storage, i18n::tr("a messaging secret in the vault does not match its public key"));
    out.push_back(std::move(pair).value());
  }
  return out;
}

Result<MessagingIdentity> messaging_identity(Vault& vault, std::int64_t key_id) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT secret_key, destroyed_day, certificate FROM messaging_keys WHERE id = ?1;"));
  q.bind(1, key_id);
  CAIRN_TRY(bool row, q.step());
  if (!row) return make_error(Errc::not_found, i18n::trf(kNoSuchMessagingKey, key_id));
  if (q.column_is_null(0))
    return make_error(Errc::expired, i18n::trf("the secret of messaging key %s was destroyed on %s", key_id,
                                               describe_day(static_cast<DayNumber>(q.column_int(1)))));
  if (is_hybrid_certificate(q.column_blob(2))) {
    auto pair = crypto::hybrid_kem::derive_key_pair(secret_column(q, 0));
    if (!pair.ok()) return make_error(Errc::storage, i18n::tr("a post-quantum messaging secret in the vault is damaged"));
    return MessagingIdentity(std::move(pair).value());
  }
  CAIRN_TRY(auto pair, crypto::x25519_from_secret(secret_column(q, 0)));
  return MessagingIdentity(std::move(pair));
}

Status destroy_messaging_secret(Vault& vault, std::int64_t key_id, DayNumber today) {
  // secure_delete is on: the page that held the secret is rewritten with zeros.
  CAIRN_TRY(auto q, vault.db().prepare(
                        "UPDATE messaging_keys SET secret_key = NULL, destroyed_day = ?2 "
                        "WHERE id = ?1 AND secret_key IS NOT NULL;"));
  return q.bind(1, key_id).bind(2, std::int64_t{today}).run();
}

Result<RelayRecord> add_relay(Vault& vault, std::string_view name, const crypto::RelayPublicKeys& keys,
                              DayNumber today) {
  CAIRN_TRY(auto known, relays(vault));
  for (const auto& r : known) {
    bool same_keys = r.keys.noise == keys.noise && r.keys.signing == keys.signing;
    if (r.name == name && !same_keys)
      return make_error(Errc::already_exists, i18n::trf("relay '%s' is already certified with other keys", r.name));
    if (r.name != name && (r.keys.noise == keys.noise || r.keys.signing == keys.signing))
      return make_error(Errc::already_exists, i18n::trf("these relay keys are already certified as relay '%s'", r.name));
  }
  CAIRN_TRY(auto org, organisation_key(vault));
  DayNumber not_before = days_before(today, kClockToleranceDays), not_after = today + kRelayCertificateValidDays;
  CAIRN_TRY(auto noise, certify(org, crypto::CertificateRole::relay_noise, keys.noise, not_before, not_after, name));
  CAIRN_TRY(auto signing, certify(org, crypto::CertificateRole::relay_signing, keys.signing, not_before, not_after, name));
  CAIRN_TRY(auto insert, vault.db().prepare(
                             "INSERT OR REPLACE INTO relays (name, noise_public, signing_public, noise_certificate, "
                             "signing_certificate, not_after_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6);"));
  CAIRN_CHECK(insert.bind(1, name)
                  .bind(2, ByteView(keys.noise))
                  .bind(3, ByteView(keys.signing))
                  .bind(4, noise.encoded)
                  .bind(5, signing.encoded)
                  .bind(6, std::int64_t{not_after})
                  .run());
  return find_relay(vault, name);
}

Result<std::vector<RelayRecord>> relays(Vault& vault) {
  CAIRN_TRY(auto q, vault.db().prepare(std::string(kSelectRelays) + "ORDER BY name;"));
  std::vector<RelayRecord> out;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    CAIRN_TRY(auto r, relay_row(q));
    out.push_back(std::move(r));
  }
  return out;
}

Result<RelayRecord> find_relay(Vault& vault, std::string_view name) {
  CAIRN_TRY(auto all, relays(vault));
  std::vector<std::string> names;
  for (auto& r : all) {
    if (r.name == name) return std::move(r);
    names.push_back(r.name);
  }
  return make_error(Errc::not_found, i18n::trf("this organisation has certified no relay named '%s' (relays: %s; add one "
                                               "with cairn-analyst relay add)",
                                               name, names_of(names)));
}

}  // namespace cairn::analyst
