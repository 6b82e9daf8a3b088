// HPKE (RFC 9180) in base mode, single-shot, with the one suite age's
// mlkem768x25519 recipients use (C2SP age): KEM MLKEM768-X25519 (0x647a,
// crypto/hybrid_kem.h; draft-ietf-hpke-pq), KDF HKDF-SHA256 (0x0001), AEAD
// ChaCha20Poly1305 (0x0003). Each context seals or opens exactly one message
// (sequence number 0), so the nonce is the base nonce. No PSK, auth or export.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/aead.h"
#include "crypto/hybrid_kem.h"
#include "crypto/secret.h"

namespace cairn::crypto::hpke {

// --- Specification constants (RFC 9180, draft-ietf-hpke-pq) ---
inline constexpr std::uint16_t kKemMlkem768X25519 = 0x647a;
inline constexpr std::uint16_t kKdfHkdfSha256 = 0x0001;
inline constexpr std::uint16_t kAeadChaCha20Poly1305 = 0x0003;
inline constexpr std::uint8_t kModeBase = 0x00;
inline constexpr std::string_view kVersionLabel = "HPKE-v1";
inline constexpr std::size_t kEncBytes = hybrid_kem::kCiphertextBytes;  // Nenc
inline constexpr std::size_t kKeyBytes = kAeadKeyBytes;                 // Nk
inline constexpr std::size_t kNonceBytes = kAeadNonceBytes;             // Nn
inline constexpr std::size_t kTagBytes = kAeadTagBytes;                 // Nt

// The encryption context of KeySchedule(mode_base, shared_secret, info).
struct Context {
  Secret key;  // kKeyBytes
  AeadNonce base_nonce{};
};

// KeySchedule for mode_base (RFC 9180 5.1): no PSK, no exporter secret kept.
[[nodiscard]] Context key_schedule_base(const Secret& shared_secret, ByteView info);

// The context's one Seal / Open (sequence number 0). out is exactly
// plaintext + kTagBytes (seal) or ciphertext - kTagBytes (open);
// open fails with Errc::decrypt_failed, out wiped.
void seal(const Context& context, ByteView aad, ByteView plaintext, MutableByteView out);
[[nodiscard]] Status open(const Context& context, ByteView aad, ByteView ciphertext, MutableByteView out);

struct Sealed {
  hybrid_kem::Ciphertext enc{};
  Bytes ciphertext;  // plaintext + kTagBytes
};

// SealBase(pkR, info, aad, pt) (RFC 9180 6.1). Errors: those of
// hybrid_kem::encapsulate (a recipient key that is not usable).
[[nodiscard]] Result<Sealed> seal_base(const hybrid_kem::EncapsulationKey& recipient, ByteView info, ByteView aad,
                                       ByteView plaintext);

// OpenBase(enc, skR, info, aad, ct). Errors: Errc::decrypt_failed (not for
// this key, or tampered), Errc::malformed (enc's X25519 share is a
// low-order point), Errc::invalid_argument (ct shorter than a tag).
[[nodiscard]] Result<Secret> open_base(const hybrid_kem::Ciphertext& enc, const hybrid_kem::KeyPair& recipient,
                                       ByteView info, ByteView aad, ByteView ciphertext);

}  // namespace cairn::crypto::hpke
