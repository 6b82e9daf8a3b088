// The organisation's keys as the vault holds them (DESIGN.md section 3,
// docs/PROTOCOL.md, "Keys, certificates and the key bundle"): the organisation key, analysts (identity key
// certified by the organisation, messaging keys certified by the identity),
// and the relays this organisation certified. Secret halves never leave the
// vault, except a messaging key exported for emergency use with stock age.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "analyst/vault.h"
#include "common/day.h"
#include "crypto/age_hybrid.h"
#include "crypto/age_x25519.h"
#include "crypto/key_text.h"
#include "i18n/catalog.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"

namespace cairn::analyst {

// The error for an ID that names no messaging key (a trf() format: the ID).
inline constexpr const char* kNoSuchMessagingKey =
    i18n::N_("there is no messaging key %s (cairn-analyst keys list shows them)");

// ---- Specification constants: the key schedule ----
// Everything the station certifies on day D is valid from D - 1, so a source
// or relay whose clock is a day behind the station's still accepts it.
inline constexpr DayNumber kClockToleranceDays = 1;
inline constexpr DayNumber kIdentityValidDays = 730;
inline constexpr DayNumber kRelayCertificateValidDays = 365;
// A messaging key made on day D is valid D .. D + 13; a new one is made every 7 days.
inline constexpr DayNumber kMessagingKeyValidDays = 14;
inline constexpr DayNumber kMessagingKeyRotationDays = 7;
// Secret halves are destroyed this many days after their key's last valid day.
inline constexpr DayNumber kDefaultDestroyGraceDays = 14;

struct AnalystRecord {
  std::int64_t id = 0;
  std::string name;
  crypto::Ed25519Public identity_key{};
  Bytes identity_certificate;
  DayNumber not_after_day = 0;
};

struct MessagingKeyRecord {
  std::int64_t id = 0;
  std::int64_t analyst_id = 0;
  std::string analyst;
  // The X25519 public key, or for a hybrid key its key id (BLAKE2b-256 of hybrid_key).
  crypto::X25519Public public_key{};
  std::optional<crypto::age::HybridRecipient> hybrid_key;  // set for a hybrid (role 5) key
  Bytes certificate;
  DayNumber created_day = 0;
  DayNumber not_after_day = 0;
  std::optional<DayNumber> destroyed_day;  // set once the secret half is gone

  [[nodiscard]] bool valid_on(DayNumber day) const { return created_day <= day && day <= not_after_day; }
};

struct RelayRecord {
  std::string name;
  crypto::RelayPublicKeys keys;
  Bytes noise_certificate;
  Bytes signing_certificate;
  DayNumber not_after_day = 0;
};

// A day minus some days, never below day 0.
[[nodiscard]] constexpr DayNumber days_before(DayNumber day, DayNumber n) { return day > n ? day - n : 0; }

// init: a fresh organisation key. Errc::already_exists if the vault has one.
[[nodiscard]] Status create_organisation(Vault& vault);
[[nodiscard]] Result<crypto::Ed25519KeyPair> organisation_key(Vault& vault);
[[nodiscard]] Result<crypto::Ed25519Public> organisation_public_key(Vault& vault);

// A new analyst: identity key certified by the organisation, and a first
// messaging key. Errc::already_exists for a name in use; Errc::invalid_argument
// for a name a certificate cannot carry (1..64 bytes of display-safe UTF-8).
[[nodiscard]] Result<AnalystRecord> add_analyst(Vault& vault, std::string_view name, DayNumber today);
[[nodiscard]] Result<std::vector<AnalystRecord>> analysts(Vault& vault);
// The analyst's identity key pair; Errc::not_found with the known names.
[[nodiscard]] Result<crypto::Ed25519KeyPair> analyst_identity(Vault& vault, std::string_view name);
[[nodiscard]] Result<AnalystRecord> find_analyst(Vault& vault, std::string_view name);

// The organisation's choice of messaging keys (docs/PROTOCOL.md, "Classical
// or hybrid messaging keys"): whether the keys the station makes are hybrid
// (MLKEM768-X25519). choose_hybrid_messaging records it (init --hybrid).
[[nodiscard]] Result<bool> hybrid_messaging(Vault& vault);
[[nodiscard]] Status choose_hybrid_messaging(Vault& vault);

// A new messaging key for an analyst, made on `today`, of the vault's kind.
[[nodiscard]] Result<MessagingKeyRecord> add_messaging_key(Vault& vault, const AnalystRecord& analyst, DayNumber today);
// All messaging keys, oldest first.
[[nodiscard]] Result<std::vector<MessagingKeyRecord>> messaging_keys(Vault& vault);
// Every X25519 messaging secret not yet destroyed, as age identities.
[[nodiscard]] Result<std::vector<crypto::age::Identity>> messaging_identities(Vault& vault);
// Every hybrid messaging secret not yet destroyed, as age hybrid identities.
[[nodiscard]] Result<std::vector<crypto::age::HybridIdentity>> messaging_hybrid_identities(Vault& vault);
// One messaging secret, X25519 or hybrid as its certificate says:
// Errc::not_found, Errc::expired if it was destroyed, Errc::storage if damaged.
using MessagingIdentity = std::variant<crypto::age::Identity, crypto::age::HybridIdentity>;
[[nodiscard]] Result<MessagingIdentity> messaging_identity(Vault& vault, std::int64_t key_id);
// Overwrites the secret half (the caller runs Vault::flush_deleted after committing).
[[nodiscard]] Status destroy_messaging_secret(Vault& vault, std::int64_t key_id, DayNumber today);

// Certifies a relay's Noise and signing keys with the organisation key.
// Adding the same keys under the same name again renews the certificates;
// other keys under a known name, or known keys under another name, are
// Errc::already_exists.
[[nodiscard]] Result<RelayRecord> add_relay(Vault& vault, std::string_view name, const crypto::RelayPublicKeys& keys,
                                            DayNumber today);
[[nodiscard]] Result<std::vector<RelayRecord>> relays(Vault& vault);
// Errc::not_found (with the known names).
[[nodiscard]] Result<RelayRecord> find_relay(Vault& vault, std::string_view name);

}  // namespace cairn::analyst
