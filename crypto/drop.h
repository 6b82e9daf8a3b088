// Drops: Cairn's unit of everything (DESIGN.md section 5). A drop is one age
// v1 file of exactly drop_size bytes, encrypted to every current analyst
// messaging key (X25519 recipients). Its age plaintext is
//
//   body length B (4 bytes, big-endian) || body (B bytes) || zero padding
//
// with the padding computed, from the exact header size for N X25519 stanzas
// and the STREAM overhead, so that the file is exactly drop_size bytes. The
// body is the caller's serialized protobuf; this file does not know its schema.
// Anyone holding one of the identities can open a drop with the stock `age`
// tool; the plaintext then starts with the 4-byte length.
//
// A drop to a hybrid key bundle is sealed to mlkem768x25519 recipients only
// (1557-byte stanzas, never mixed with X25519 ones: crypto/age.h), so breaking
// X25519 opens nothing; it needs age >= 1.3 to open by hand. A 32 KiB drop
// holds at most 20 of them (docs/PROTOCOL.md, "Hybrid drops: capacity").
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/age_hybrid.h"
#include "crypto/age_x25519.h"
#include "crypto/secret.h"
#include "crypto/x25519.h"

namespace cairn::crypto {

// --- Specification constants (Cairn drop format) ---
inline constexpr std::size_t kDropLengthBytes = 4;
inline constexpr std::size_t kDefaultDropSize = 32 * 1024;  // the deployment default

// --- Implementation constants ---
inline constexpr std::size_t kMaxDropRecipients = 32;
inline constexpr std::size_t kMaxDropSize = 16 * 1024 * 1024;

// Which stanzas a drop's header holds: one kind for every recipient.
enum class DropRecipients : std::uint8_t { x25519, hybrid };

// Every recipient of a drop: a key bundle's messaging keys, all X25519 or
// (a hybrid bundle) all hybrid, never both.
struct DropRecipientKeys {
  std::vector<X25519Public> x25519;
  std::vector<age::HybridRecipient> hybrid;

  [[nodiscard]] DropRecipients kind() const { return hybrid.empty() ? DropRecipients::x25519 : DropRecipients::hybrid; }
  [[nodiscard]] std::size_t size() const { return x25519.size() + hybrid.size(); }
};

// The largest body a drop of drop_size bytes to recipient_count recipients
// holds. Errc::invalid_argument if recipient_count is 0 or over the cap,
// drop_size is over the cap or too small for the header (for hybrid
// recipients the message says how many fit), or no plaintext seals to
// exactly drop_size (a size just past a whole number of 64 KiB chunks).
[[nodiscard]] Result<std::size_t> drop_body_capacity(std::size_t drop_size, std::size_t recipient_count,
                                                     DropRecipients kind = DropRecipients::x25519);

// The most recipients of that kind a drop of drop_size bytes can have (0 if
// none: a drop size no drop can have). 20 hybrid ones at 32768 bytes.
[[nodiscard]] std::size_t max_drop_recipients(std::size_t drop_size, DropRecipients kind);

// Seals body into a drop. Errors: Errc::too_large (the body exceeds the
// capacity, which the message states), Errc::invalid_argument (as
// drop_body_capacity, or a low-order recipient).
[[nodiscard]] Result<Bytes> seal_drop(ByteView body, std::span<const X25519Public> recipients,
                                      std::size_t drop_size);
// The same to mlkem768x25519 (post-quantum hybrid) recipients; errors as above
// (a recipient no one can encapsulate to is Errc::invalid_argument).
[[nodiscard]] Result<Bytes> seal_drop(ByteView body, std::span<const age::HybridRecipient> recipients,
                                      std::size_t drop_size);

// Seals to whichever list is not empty; Errc::invalid_argument if both are.
[[nodiscard]] Result<Bytes> seal_drop(ByteView body, const DropRecipientKeys& recipients, std::size_t drop_size);

// Opens a drop and returns its body (testimony: kept in a Secret). Errors:
// Errc::malformed (not exactly drop_size bytes, checked before any crypto; a
// body length beyond the capacity; non-zero padding; a malformed age header),
// Errc::no_identity_match, Errc::decrypt_failed, Errc::unsupported,
// Errc::invalid_argument (a drop_size no drop can have). X25519 and hybrid
// identities are tried together (at most age::kMaxIdentities in all).
[[nodiscard]] Result<Secret> open_drop(ByteView drop, std::span<const age::Identity> identities,
                                       std::size_t drop_size,
                                       std::span<const age::HybridIdentity> hybrid_identities = {});

}  // namespace cairn::crypto
