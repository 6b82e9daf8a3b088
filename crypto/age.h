// age v1 (C2SP age) file encryption to X25519 recipients, and decryption with
// X25519 identities: the format analysts can open with the stock `age` tool.
//
//   file    = header payload
//   header  = version line, stanzas, MAC line           (age_header.h)
//   payload = 16-byte nonce, STREAM chunks               (age_stream.h)
//
// Decryption runs in four stages, each with its own failure, so callers (and
// the CCTV test vectors) can tell them apart even though every authentication
// failure carries the same Errc::decrypt_failed:
//   parse_file       header failure (Errc::malformed / too_large), armor (unsupported)
//   unwrap_file_key  no identity matched, or an unsupported recipient type
//   verify_header_mac (age_header.h)  the header MAC does not match
//   open_payload     the payload does not authenticate
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/age_header.h"
#include "crypto/age_stream.h"
#include "crypto/age_x25519.h"
#include "crypto/secret.h"

namespace cairn::crypto::age {

// --- Implementation constants ---
// Identities tried per file: each costs one scalar multiplication per X25519 stanza.
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
// stanza (including low-order shares), the scrypt-stands-alone rule, and that
// the 16-byte payload nonce is present. Errors: Errc::too_large, Errc::malformed,
// Errc::unsupported (ASCII armor).
[[nodiscard]] Result<File> parse_file(ByteView file);

// Tries every X25519 stanza against every identity. Errors:
// Errc::no_identity_match; Errc::unsupported (the file is for a passphrase, or
// for hybrid recipients only, and says which); Errc::malformed (a zero shared
// secret); Errc::invalid_argument (more than kMaxIdentities identities).
[[nodiscard]] Result<Secret> unwrap_file_key(const Header& header, std::span<const Identity> identities);

// Decrypts and authenticates the whole payload. Errc::decrypt_failed.
[[nodiscard]] Result<Secret> open_payload(const File& file, const Secret& file_key);

// The exact size of the age file encrypt() writes for a plaintext of
// plaintext_size bytes to `recipients` X25519 recipients.
[[nodiscard]] std::size_t x25519_file_size(std::size_t plaintext_size, std::size_t recipients);

// Encrypts to 1..kMaxStanzas X25519 recipients with a fresh file key.
// Errors: Errc::invalid_argument (no recipient, too many, a low-order one),
// Errc::too_large (plaintext over kMaxInMemoryBytes).
[[nodiscard]] Result<Bytes> encrypt(ByteView plaintext, std::span<const X25519Public> recipients);

// Which stage a decryption failed at (the names of the CCTV vectors' outcomes).
enum class Failure : std::uint8_t {
  none,         // it worked
  header,       // the header (or the payload nonce) is malformed or over a cap
  hmac,         // the header MAC does not match
  payload,      // the payload does not authenticate
  no_match,     // no identity opens any stanza
  armor,        // ASCII-armored: not implemented
  unsupported,  // a passphrase (scrypt) or hybrid-only file: not implemented
  usage,        // the call itself was wrong (too many identities)
};
[[nodiscard]] std::string_view to_string(Failure failure);

struct [[nodiscard]] Decryption {
  Result<Secret> plaintext;
  Failure failure;
};

// All four stages; failure says which one refused.
[[nodiscard]] Decryption decrypt_detailed(ByteView file, std::span<const Identity> identities);

// The plaintext, or the first stage's error.
[[nodiscard]] Result<Secret> decrypt(ByteView file, std::span<const Identity> identities);

}  // namespace cairn::crypto::age
