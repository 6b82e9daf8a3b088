// The age X25519 recipient type (C2SP age, "The X25519 recipient type"):
// recipients "age1…", identities "AGE-SECRET-KEY-1…", and the X25519 stanza
//   -> X25519 <base64 ephemeral share>
//   <base64 of the file key sealed under the wrap key, 32 bytes>
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/aead.h"
#include "crypto/age_header.h"
#include "crypto/secret.h"
#include "crypto/x25519.h"

namespace cairn::crypto::age {

// --- Specification constants ---
inline constexpr std::string_view kX25519StanzaType = "X25519";
inline constexpr std::string_view kX25519WrapInfo = "age-encryption.org/v1/X25519";
inline constexpr std::string_view kRecipientHrp = "age";
inline constexpr std::string_view kIdentityHrp = "age-secret-key-";  // written upper-case
inline constexpr std::size_t kX25519BodyBytes = kFileKeyBytes + kAeadTagBytes;

// The exact encoded size of one X25519 stanza (98 bytes).
inline constexpr std::size_t kX25519StanzaBytes = stanza_encoded_size(
    2, kX25519StanzaType.size() + base64_encoded_length(kX25519Bytes), kX25519BodyBytes);

// An age identity is an X25519 key pair; its public half is the recipient.
using Identity = X25519KeyPair;

// "age1…" (lower case). Errors: Errc::checksum_mismatch (a typo),
// Errc::malformed (anything else, including a low-order point, which no honest
// key is, and a hybrid "age1pq1…" recipient: crypto/age_hybrid.h parses those).
[[nodiscard]] Result<X25519Public> parse_recipient(std::string_view text);
[[nodiscard]] std::string format_recipient(const X25519Public& recipient);

// "AGE-SECRET-KEY-1…" (upper case, as age writes it). The decoded scalar goes
// straight into a Secret. Errors as parse_recipient.
[[nodiscard]] Result<Identity> parse_identity(std::string_view text);
// The identity string (ASCII, upper case) in a Secret: it is the secret key.
[[nodiscard]] Secret format_identity(const Identity& identity);

// True if point is of low order (X25519 with it gives all zeros for every key).
[[nodiscard]] bool is_low_order(const X25519Public& point);

// A fresh X25519 stanza wrapping file_key to recipient. Errc::invalid_argument
// if the recipient is a low-order point.
[[nodiscard]] Result<Stanza> x25519_wrap(const Secret& file_key, const X25519Public& recipient);

// Checks an "X25519" stanza's shape before any key is tried: exactly two
// arguments, a canonical base64 32-byte share, and a 32-byte body.
// Errc::malformed (a header failure) otherwise. A low-order share is refused
// by x25519_unwrap (its shared secret is all zero), with no X25519 here.
[[nodiscard]] Status x25519_check_stanza(const Stanza& stanza);

// Tries identity on a checked "X25519" stanza: the file key, or nullopt if the
// stanza is not addressed to this identity. Errc::malformed if the stanza is
// malformed after all (not checked first) or the shared secret is all zeros.
[[nodiscard]] Result<std::optional<Secret>> x25519_unwrap(const Stanza& stanza, const Identity& identity);

}  // namespace cairn::crypto::age
