// Ed25519 signatures (RFC 8032, through libsodium) with domain separation.
//
// Every Cairn signature is over
//     u8(len(context)) || context || message
// where context names the purpose ("cairn certificate v1", ...). The length
// prefix makes the encoding prefix-free, so a signature made for one purpose
// can never verify for another, whatever the message bytes are. Every context
// in use is listed in sign_context below so their distinctness is visible in
// one place. See docs/PROTOCOL.md, "Keys, certificates and the key bundle".
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto {

// Specification constants (RFC 8032).
inline constexpr std::size_t kEd25519PublicBytes = 32;
inline constexpr std::size_t kEd25519SeedBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;
// Implementation constant: libsodium's secret key form, seed || public key.
inline constexpr std::size_t kEd25519SecretBytes = 64;
// Specification constant: contexts are 1..255 printable ASCII characters.
inline constexpr std::size_t kSignContextMaxBytes = 255;

using Ed25519Public = ByteArray<kEd25519PublicBytes>;
using Ed25519Signature = ByteArray<kEd25519SignatureBytes>;

struct Ed25519KeyPair {
  Secret secret;  // 64 bytes: seed || public key (libsodium form)
  Ed25519Public public_key{};
};

// Every signing purpose in Cairn. A new purpose gets a new, distinct string here.
namespace sign_context {
inline constexpr std::string_view kCertificate = "cairn certificate v1";
inline constexpr std::string_view kKeyBundle = "cairn key bundle v1";
inline constexpr std::string_view kExportManifest = "cairn export manifest v1";
inline constexpr std::string_view kImportReceipt = "cairn import receipt v1";
inline constexpr std::string_view kReplyBatch = "cairn reply batch v1";
}  // namespace sign_context

[[nodiscard]] Ed25519KeyPair ed25519_generate();
// Deterministic key pair from a 32-byte seed (the form the vault stores).
// Errc::invalid_argument if the seed is not 32 bytes.
[[nodiscard]] Result<Ed25519KeyPair> ed25519_from_seed(const Secret& seed);
// The 32-byte seed of a key pair, for storage in the vault.
[[nodiscard]] Secret ed25519_seed(const Ed25519KeyPair& key_pair);

// Signs u8(len(context)) || context || message. The context must be one of
// sign_context (1..255 printable ASCII); anything else is a programmer error
// and aborts.
[[nodiscard]] Ed25519Signature sign(const Ed25519KeyPair& key_pair, std::string_view context,
                                    ByteView message);

// Errc::malformed if the signature is not 64 bytes; Errc::bad_signature if it
// does not verify (including non-canonical or small-order keys and signatures);
// Errc::invalid_argument for an invalid context.
[[nodiscard]] Status verify(const Ed25519Public& public_key, std::string_view context,
                            ByteView message, ByteView signature);

// Verify first, parse after: the one way Cairn checks a signed object against
// the keys allowed to sign it (key bundles, reply batches, export manifests,
// import receipts). Returns the position in `candidates` of the first key
// whose signature over `message` under `context` verifies. If none does, the
// message is unverified and may be parsed only to explain the failure:
// `explain()` returns the more specific error it finds (another organisation,
// a signer never certified) or nullopt, and then the answer is
// Errc::bad_signature with the message `altered`.
template <class Explain>
[[nodiscard]] Result<std::size_t> verify_or_explain(std::span<const Ed25519Public> candidates,
                                                    std::string_view context, ByteView message, ByteView signature,
                                                    Explain&& explain, std::string_view altered) {
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (verify(candidates[i], context, message, signature).ok()) return i;
  if (std::optional<Error> why = explain()) return *std::move(why);
  return make_error(Errc::bad_signature, std::string(altered));
}

// Errc::malformed unless the key is a canonical encoding of a point of prime
// order (not the identity, not small order): what a pinned or certified key must be.
[[nodiscard]] Status check_ed25519_public_key(const Ed25519Public& public_key);

// Raw RFC 8032 Ed25519 without a context, only so tests can check the
// primitive against the RFC's published vectors. Never use it for a protocol
// signature: those go through sign()/verify().
namespace detail {
[[nodiscard]] Ed25519Signature ed25519_sign_raw(const Ed25519KeyPair& key_pair, ByteView message);
[[nodiscard]] Status ed25519_verify_raw(const Ed25519Public& public_key, ByteView message,
                                        ByteView signature);
}  // namespace detail

}  // namespace cairn::crypto
