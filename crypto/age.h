// age v1 (C2SP age) file encryption to X25519 recipients (the format analysts
// can open with the stock `age` tool) or to post-quantum hybrid
// mlkem768x25519 recipients (age >= 1.3), never to both in one file, and
// decryption with identities of either type.
//
//   file    = header payload
//   header  = version line, stanzas, MAC line           (age_header.h)
//   payload = 16-byte nonce, STREAM chunks               (age_stream.h)
//
// Decryption runs in four stages, each with its own failure, so callers (and
// the CCTV test vectors) can tell them apart even though every authentication
// failure carries the same Errc::decrypt_failed:
//   parse_file       header failure (Errc::malformed / too_large), armor (unsupported)
//   unwrap_file_key  no identity matched, or a passphrase file (unsupported)
//   verify_header_mac (age_header.h)  the header MAC does not match
//   open_payload     the payload does not authenticate
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/age_header.h"
#include "crypto/age_hybrid.h"
#include "crypto/age_stream.h"
#include "crypto/age_x25519.h"
#include "crypto/secret.h"

namespace cairn::crypto::age {

// --- Implementation constants ---
// Identities tried per file, of both types together: each costs one scalar
// multiplication per X25519 stanza, or an ML-KEM-768 decapsulation and one per
// mlkem768x25519 stanza.
inline constexpr std::size_t kMaxIdentities = 64;
// Largest file (or plaintext) handled in memory.
inline constexpr std::size_t kMaxInMemoryBytes = std::size_t{1} << 30;

// A parsed file: views into the caller's bytes, valid while they are.
struct File {
  Header header;
  PayloadNonce nonce{};
  ByteView payload;  // the STREAM chunks after the nonce
};

// Parses the header and checks everything that needs no key: the header
// grammar and caps, the shape of every X25519, scrypt and mlkem768x25519
// stanza (low-order shares are found when a stanza is tried), the
// scrypt-stands-alone rule, and that
// the 16-byte payload nonce is present. Errors: Errc::too_large, Errc::malformed,
// Errc::unsupported (ASCII armor).
[[nodiscard]] Result<File> parse_file(ByteView file);

// Tries every X25519 stanza against every X25519 identity and every
// mlkem768x25519 stanza against every hybrid identity, in header order. A file
// with stanzas of both types opens with either (the spec asks encryptors, not
// decryptors, to keep them apart; CCTV's hybrid_and_x25519 expects success).
// Errors: Errc::no_identity_match; Errc::unsupported (the file is for a
// passphrase); Errc::malformed (a low-order share: an all-zero X25519 shared
// secret); Errc::invalid_argument (more than kMaxIdentities identities).
[[nodiscard]] Result<Secret> unwrap_file_key(const Header& header, std::span<const Identity> identities,
                                             std::span<const HybridIdentity> hybrid_identities = {});

// Decrypts and authenticates the whole payload. Errc::decrypt_failed.
[[nodiscard]] Result<Secret> open_payload(const File& file, const Secret& file_key);

// The exact size of the age file encrypt() writes for a plaintext of
// plaintext_size bytes to `recipients` X25519 (or hybrid) recipients.
[[nodiscard]] std::size_t x25519_file_size(std::size_t plaintext_size, std::size_t recipients);
[[nodiscard]] std::size_t hybrid_file_size(std::size_t plaintext_size, std::size_t recipients);

// Encrypts with a fresh file key to 1..kMaxStanzas X25519 recipients, or to
// 1..kMaxHybridRecipients hybrid ones: never to both, which would leave the
// file no safer than X25519 against a quantum computer (C2SP age: the file
// "SHOULD NOT" be encrypted to both; Cairn refuses). Errors:
// Errc::invalid_argument (no recipient, both types, too many, a low-order or
// otherwise unusable one), Errc::too_large (plaintext over kMaxInMemoryBytes).
[[nodiscard]] Result<Bytes> encrypt(ByteView plaintext, std::span<const X25519Public> recipients,
                                    std::span<const HybridRecipient> hybrid_recipients = {});

// Which stage a decryption failed at (the names of the CCTV vectors' outcomes).
enum class Failure : std::uint8_t {
  none,         // it worked
  header,       // the header (or the payload nonce) is malformed or over a cap
  hmac,         // the header MAC does not match
  payload,      // the payload does not authenticate
  no_match,     // no identity opens any stanza
  armor,        // ASCII-armored: not implemented
  unsupported,  // a passphrase (scrypt) file: not implemented
  usage,        // the call itself was wrong (too many identities)
};
[[nodiscard]] std::string_view to_string(Failure failure);

struct [[nodiscard]] Decryption {
  Result<Secret> plaintext;
  Failure failure;
};

// All four stages; failure says which one refused.
[[nodiscard]] Decryption decrypt_detailed(ByteView file, std::span<const Identity> identities,
                                          std::span<const HybridIdentity> hybrid_identities = {});

// The plaintext, or the first stage's error.
[[nodiscard]] Result<Secret> decrypt(ByteView file, std::span<const Identity> identities,
                                     std::span<const HybridIdentity> hybrid_identities = {});

}  // namespace cairn::crypto::age
