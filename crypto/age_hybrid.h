// The age post-quantum hybrid recipient type (C2SP age, "The MLKEM768-X25519
// (i.e. X-Wing) hybrid post-quantum recipient type"): recipients "age1pq1…"
// (the 1216-byte MLKEM768-X25519 public key), identities
// "AGE-SECRET-KEY-PQ-1…" (its 32-byte seed), and the stanza
//   -> mlkem768x25519 <base64 of HPKE enc, 1120 bytes>
//   <base64 of the file key sealed by HPKE SealBase, 32 bytes>
// with HPKE (crypto/hpke.h) info "age-encryption.org/mlkem768x25519" and an
// empty aad. A file for these recipients is never also for X25519 ones
// (crypto/age.h's encrypt refuses the mix), or it would be no safer than X25519.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/aead.h"
#include "crypto/age_header.h"
#include "crypto/hybrid_kem.h"
#include "crypto/secret.h"

namespace cairn::crypto::age {

// --- Specification constants ---
inline constexpr std::string_view kHybridStanzaType = "mlkem768x25519";
inline constexpr std::string_view kHybridInfo = "age-encryption.org/mlkem768x25519";
inline constexpr std::string_view kHybridRecipientHrp = "age1pq";              // written lower case
inline constexpr std::string_view kHybridIdentityHrp = "age-secret-key-pq-";   // written upper case
inline constexpr std::size_t kHybridEncBytes = hybrid_kem::kCiphertextBytes;  // 1120
inline constexpr std::size_t kHybridBodyBytes = kFileKeyBytes + kAeadTagBytes;

// The exact encoded size of one mlkem768x25519 stanza (1557 bytes).
inline constexpr std::size_t kHybridStanzaBytes = stanza_encoded_size(
    2, kHybridStanzaType.size() + base64_encoded_length(kHybridEncBytes), kHybridBodyBytes);
// The exact lengths of the Bech32 encodings: HRP, "1", 5-bit groups, 6 checksum characters.
constexpr std::size_t bech32_length(std::string_view hrp, std::size_t bytes) {
  return hrp.size() + 1 + (bytes * 8 + 4) / 5 + 6;
}
inline constexpr std::size_t kHybridRecipientChars =
    bech32_length(kHybridRecipientHrp, hybrid_kem::kEncapsulationKeyBytes);                         // 1959
inline constexpr std::size_t kHybridIdentityChars = bech32_length(kHybridIdentityHrp, hybrid_kem::kSeedBytes);  // 77

// --- Implementation constants ---
// The most hybrid recipients one file can have within Cairn's header cap
// (kMaxHeaderBytes): 42.
inline constexpr std::size_t kMaxHybridRecipients =
    (kMaxHeaderBytes - kVersionLineBytes - kMacLineBytes) / kHybridStanzaBytes;

// A hybrid recipient is the MLKEM768-X25519 encapsulation key; an identity is
// the key pair its seed expands to.
using HybridRecipient = hybrid_kem::EncapsulationKey;
using HybridIdentity = hybrid_kem::KeyPair;

// "age1pq1…", lower case only. Errors: Errc::too_large (longer than a hybrid
// recipient), Errc::checksum_mismatch (a typo), Errc::malformed (another HRP,
// upper case, a wrong length, or a key no one could encapsulate to: an ML-KEM
// half that fails FIPS 203's check or a low-order X25519 half).
[[nodiscard]] Result<HybridRecipient> parse_hybrid_recipient(std::string_view text);
[[nodiscard]] std::string format_hybrid_recipient(const HybridRecipient& recipient);

// "AGE-SECRET-KEY-PQ-1…", upper case only (as age-keygen -pq writes it). The
// seed goes straight into a Secret and is expanded. Errors as above.
[[nodiscard]] Result<HybridIdentity> parse_hybrid_identity(std::string_view text);
// The identity string (ASCII, upper case) in a Secret: it is the secret key.
[[nodiscard]] Secret format_hybrid_identity(const HybridIdentity& identity);

// A fresh mlkem768x25519 stanza wrapping file_key to recipient. Errors: those
// of hybrid_kem::encapsulate (a recipient no one can encapsulate to).
[[nodiscard]] Result<Stanza> hybrid_wrap(const Secret& file_key, const HybridRecipient& recipient);

// Checks an "mlkem768x25519" stanza's shape before any key is tried: exactly
// two arguments, a canonical base64 1120-byte enc, a 32-byte body.
// Errc::malformed (a header failure) otherwise. A low-order X25519 share is
// refused by hybrid_unwrap, where decapsulation meets it.
[[nodiscard]] Status hybrid_check_stanza(const Stanza& stanza);

// Tries identity on a checked "mlkem768x25519" stanza: the file key, or
// nullopt if the stanza is not addressed to this identity. Errc::malformed if
// the stanza is malformed after all (not checked first) or its X25519 share is
// a low-order point.
[[nodiscard]] Result<std::optional<Secret>> hybrid_unwrap(const Stanza& stanza, const HybridIdentity& identity);

}  // namespace cairn::crypto::age
