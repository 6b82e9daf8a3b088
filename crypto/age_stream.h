// The age v1 payload (C2SP age, "Payload"): a 16-byte nonce, then the
// plaintext in 64 KiB chunks, each sealed with ChaCha20-Poly1305 under the
// payload key and a nonce of an 11-byte big-endian chunk counter and a
// last-chunk flag byte (the STREAM construction). The final chunk may be full
// but is empty only when the whole plaintext is empty.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/aead.h"
#include "crypto/secret.h"

namespace cairn::crypto::age {

// --- Specification constants ---
inline constexpr std::size_t kPayloadNonceBytes = 16;
inline constexpr std::size_t kChunkBytes = 64 * 1024;
inline constexpr std::size_t kSealedChunkBytes = kChunkBytes + kAeadTagBytes;
inline constexpr std::string_view kPayloadKeyInfo = "payload";
inline constexpr std::uint8_t kLastChunkFlag = 0x01;

using PayloadNonce = ByteArray<kPayloadNonceBytes>;

// payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload").
[[nodiscard]] Secret payload_key(const Secret& file_key, const PayloadNonce& nonce);

// The STREAM ciphertext size of a plaintext (without the payload nonce):
// every chunk, the final one included and even when empty, adds a tag.
[[nodiscard]] std::size_t stream_sealed_size(std::size_t plaintext_size);

// The plaintext size that seals to exactly sealed_size bytes. Fails
// (Errc::decrypt_failed, saying why) if no plaintext does: no chunk at all, a
// final chunk shorter than a tag, or an empty final chunk after full ones.
[[nodiscard]] Result<std::size_t> stream_opened_size(std::size_t sealed_size);

// Seals plaintext into out, which must be exactly stream_sealed_size(plaintext.size()).
void stream_seal(const Secret& key, ByteView plaintext, MutableByteView out);

// Opens a whole STREAM ciphertext into out, which must be exactly
// stream_opened_size(sealed.size()). Errc::decrypt_failed if any chunk fails
// to authenticate, including a chunk moved, dropped, or marked final out of
// place; out is wiped on failure.
[[nodiscard]] Status stream_open(const Secret& key, ByteView sealed, MutableByteView out);

}  // namespace cairn::crypto::age
