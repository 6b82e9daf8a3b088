// The key bundle (docs/PROTOCOL.md, "Keys, certificates and the key bundle"): the organisation-signed set of
// current public keys and deployment parameters. Built on the analyst
// station, installed on the relay, served to clients, and verified by every
// client (and by the relay on publish) back to the pinned organisation key.
// The protobuf schema is proto/keys.proto; nothing protobuf shows here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/drop.h"
#include "crypto/drop_address.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"

namespace cairn::crypto {

// Specification constants.
inline constexpr std::uint32_t kKeyBundleVersion = 1;
// Checked before parsing: 64 KiB before hybrid keys, and 64 certificates of
// 1184 more bytes each still fit.
inline constexpr std::size_t kKeyBundleMaxBytes = 192 * 1024;
inline constexpr std::size_t kKeyBundleMaxCertificates = 64;
inline constexpr std::uint32_t kDropSizeMin = 4 * 1024;
inline constexpr std::uint32_t kDropSizeMax = 1024 * 1024;
inline constexpr std::size_t kKeyBundleMaxBridgeLines = 64;
inline constexpr std::size_t kKeyBundleMaxBridgeLineChars = 2048;
inline constexpr std::size_t kKeyBundleMaxRelays = 16;          // relays a bundle lists
inline constexpr std::size_t kListedRelayMaxEndpoints = 4;      // places one listed relay listens

// A relay of the organisation as a key bundle lists it.
struct ListedRelayParams {
  Bytes noise_certificate;    // encoded (crypto/certificate.h)
  Bytes signing_certificate;
  std::vector<std::pair<std::string, std::uint16_t>> endpoints;  // host, port
};

struct KeyBundleParams {
  DayNumber issued_day = 0;
  DayNumber expires_day = 0;  // last valid day
  std::uint32_t drop_size = 0;
  std::uint32_t pow_bits = 0;
  std::vector<Bytes> certificates;  // encoded certificates (crypto/certificate.h)
  std::vector<std::string> bridge_lines;  // optional Tor bridge lines for sources
  std::vector<ListedRelayParams> relays;  // optional: every relay of the organisation
};

// Empty if `line` may be a bridge line in a key bundle, otherwise why not:
// 1..2048 printable ASCII characters, none of '"', '\\', '#' (so it cannot
// change the meaning of a tor configuration). The client parses it further.
[[nodiscard]] std::string bridge_line_problem(std::string_view line);

// Signs a bundle with the organisation key and returns the serialized
// SignedKeyBundle. Checks parameters, caps and certificate structure
// (Errc::invalid_argument / Errc::too_large), not the chains: a station SHOULD
// run verify_key_bundle on the result before publishing it. Messaging
// certificates all of role 2 or all of role 5, else
// Errc::invalid_argument; more of them than one drop of drop_size can be
// sealed to (20 hybrid ones at 32 KiB) is Errc::too_large.
[[nodiscard]] Result<Bytes> build_key_bundle(const Ed25519KeyPair& organisation, const KeyBundleParams& params);

struct VerifiedKeyBundle {
  DayNumber issued_day = 0;
  DayNumber expires_day = 0;
  std::uint32_t drop_size = 0;
  std::uint32_t pow_bits = 0;
  Ed25519Public organisation_key{};
  // Messaging keys valid today whose analyst identity is valid today: the age
  // recipients of every drop. X25519 keys (a classical bundle) or hybrid
  // ones (a hybrid bundle): exactly one of the two is not empty.
  std::vector<X25519Public> messaging_keys;
  std::vector<age::HybridRecipient> hybrid_messaging_keys;
  [[nodiscard]] bool hybrid() const { return !hybrid_messaging_keys.empty(); }
  [[nodiscard]] std::size_t messaging_key_count() const { return messaging_keys.size() + hybrid_messaging_keys.size(); }
  [[nodiscard]] DropRecipientKeys drop_recipients() const { return {messaging_keys, hybrid_messaging_keys}; }
  X25519Public relay_noise_key{};
  Ed25519Public relay_signing_key{};
  std::string relay_name;
  // Every relay of the organisation the bundle lists, each certified by the
  // organisation key and valid today, with the places it listens (as
  // RelayAddress, its Noise key filled in); this bundle's own relay is among
  // them. Empty for a bundle that lists none (then only the relay above).
  struct ListedRelay {
    std::string name;
    X25519Public noise_key{};
    Ed25519Public signing_key{};
    std::vector<RelayAddress> endpoints;
  };
  std::vector<ListedRelay> relays;
  // Tor bridge lines the organisation signed (possibly none).
  std::vector<std::string> bridge_lines;
  // Analysts whose identity certificate is valid today.
  std::vector<CertifiedAnalyst> analysts;
  // Keys present and correctly signed but not usable today (expired, or not
  // yet valid, e.g. the next messaging key published ahead of rotation), each
  // with the reason, for diagnostics.
  std::vector<std::string> skipped;
};

// Verifies a serialized SignedKeyBundle against the pinned organisation key on
// day `today`. Errors: Errc::too_large (over 64 KiB or 64 certificates),
// Errc::malformed, Errc::unsupported (version), Errc::untrusted (signed by
// another organisation, or a chain that does not lead to it),
// Errc::bad_signature (altered), Errc::expired / Errc::not_yet_valid (the
// bundle, a relay key, or every messaging key). The message says which key
// and which link failed.
[[nodiscard]] Result<VerifiedKeyBundle> verify_key_bundle(ByteView signed_bundle,
                                                          const Ed25519Public& organisation_key,
                                                          DayNumber today);

}  // namespace cairn::crypto
