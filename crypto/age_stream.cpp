#include "crypto/age_stream.h"

#include <cstdlib>

#include "crypto/hkdf.h"

namespace cairn::crypto::age {
namespace {

// The AEAD nonce of chunk `index`: bytes 0..10 the big-endian counter (Cairn's
// counters fit in 64 bits, so bytes 0..2 stay zero), byte 11 the last-chunk flag.
AeadNonce chunk_nonce(std::uint64_t index, bool last) {
  AeadNonce n{};
  for (int i = 0; i < 8; ++i) n[10 - static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(index >> (8 * i));
  n[11] = last ? kLastChunkFlag : 0x00;
  return n;
}

std::size_t chunk_count(std::size_t plaintext_size) {
  return plaintext_size == 0 ? 1 : (plaintext_size + kChunkBytes - 1) / kChunkBytes;
}

}  // namespace

Secret payload_key(const Secret& file_key, const PayloadNonce& nonce) {
  auto key = hkdf_sha256(nonce, file_key.view(), as_bytes(kPayloadKeyInfo), kAeadKeyBytes);
  if (!key.ok()) std::abort();  // a fixed 32-byte output cannot fail
  return std::move(key).value();
}

std::size_t stream_sealed_size(std::size_t plaintext_size) {
  return plaintext_size + kAeadTagBytes * chunk_count(plaintext_size);
}

Result<std::size_t> stream_opened_size(std::size_t sealed_size) {
  if (sealed_size == 0) return make_error(Errc::decrypt_failed, "the payload has no chunk at all");
  const std::size_t full = sealed_size / kSealedChunkBytes;
  const std::size_t rest = sealed_size % kSealedChunkBytes;
  if (rest == 0) return full * kChunkBytes;  // the final chunk is full
  if (rest < kAeadTagBytes)
    return make_error(Errc::decrypt_failed, "the payload is truncated: its last chunk is shorter than a tag");
  if (rest == kAeadTagBytes && full > 0)
    return make_error(Errc::decrypt_failed, "the payload ends with an empty chunk after full ones");
  return full * kChunkBytes + (rest - kAeadTagBytes);
}

void stream_seal(const Secret& key, ByteView plaintext, MutableByteView out) {
  const std::size_t chunks = chunk_count(plaintext.size());
  if (out.size() != stream_sealed_size(plaintext.size())) std::abort();
  for (std::size_t i = 0; i < chunks; ++i) {
    const std::size_t offset = i * kChunkBytes;
    const std::size_t len = std::min(kChunkBytes, plaintext.size() - offset);
    aead_seal(out.subspan(i * kSealedChunkBytes, len + kAeadTagBytes), key,
              chunk_nonce(i, i + 1 == chunks), {}, plaintext.subspan(offset, len));
  }
}

Status stream_open(const Secret& key, ByteView sealed, MutableByteView out) {
  CAIRN_TRY(const std::size_t plaintext_size, stream_opened_size(sealed.size()));
  if (out.size() != plaintext_size) std::abort();
  const std::size_t chunks = chunk_count(plaintext_size);
  for (std::size_t i = 0; i < chunks; ++i) {
    const std::size_t offset = i * kChunkBytes;
    const std::size_t len = std::min(kChunkBytes, plaintext_size - offset);
    auto opened = aead_open(out.subspan(offset, len), key, chunk_nonce(i, i + 1 == chunks), {},
                            sealed.subspan(i * kSealedChunkBytes, len + kAeadTagBytes));
    if (!opened.ok()) {
      wipe(out);
      return make_error(Errc::decrypt_failed, "payload chunk " + std::to_string(i) +
                                                  (i + 1 == chunks ? " (the final one)" : "") +
                                                  " does not authenticate");
    }
  }
  return ok_status();
}

}  // namespace cairn::crypto::age
