// Noise CipherState (Noise spec rev. 34, section 5.1) for ChaChaPoly: a
// 32-byte key and a 64-bit message counter. Used twice: inside the handshake
// (through SymmetricState, with ad = h) and after it as the transport cipher
// of one direction (empty ad).
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto::noise {

class SymmetricState;

// Specification constants (Noise rev. 34 sections 3, 4 and 5.1).
inline constexpr std::size_t kKeyBytes = 32;               // ChaChaPoly key
inline constexpr std::size_t kTagBytes = 16;               // Poly1305 tag
inline constexpr std::size_t kDhBytes = 32;                // DHLEN for 25519
inline constexpr std::size_t kHashBytes = 64;              // HASHLEN for BLAKE2b
inline constexpr std::size_t kMaxNoiseMessageBytes = 65535;  // every Noise message, handshake or transport
// The nonce 2^64-1 is reserved (for rekey); a CipherState that reached it is spent.
inline constexpr std::uint64_t kReservedNonce = UINT64_MAX;

class CipherState {
 public:
  // No key: EncryptWithAd/DecryptWithAd pass data through (handshake start),
  // the transport functions refuse to run.
  CipherState() = default;
  // InitializeKey(k). key must be kKeyBytes long (programmer error otherwise).
  explicit CipherState(Secret key);

  CipherState(CipherState&&) noexcept = default;
  CipherState& operator=(CipherState&&) noexcept = default;
  CipherState(const CipherState&) = delete;
  CipherState& operator=(const CipherState&) = delete;

  [[nodiscard]] bool has_key() const { return !key_.empty(); }
  [[nodiscard]] std::uint64_t nonce() const { return n_; }
  // SetNonce(n): for tests and for protocols that manage nonces themselves.
  void set_nonce(std::uint64_t n) { n_ = n; }

  // EncryptWithAd / DecryptWithAd with the spec's semantics: without a key the
  // data is returned unchanged. A failed decryption leaves the nonce as it was.
  [[nodiscard]] Result<Bytes> encrypt_with_ad(ByteView ad, ByteView plaintext);
  [[nodiscard]] Result<Bytes> decrypt_with_ad(ByteView ad, ByteView ciphertext);

  // Transport messages (empty ad). Unlike the *_with_ad functions these refuse
  // (Errc::protocol) to run without a key, so a transport can never send
  // plaintext, and they enforce the Noise message cap of 65535 bytes.
  [[nodiscard]] Result<Bytes> encrypt(ByteView plaintext);
  [[nodiscard]] Result<Bytes> decrypt(ByteView ciphertext);
  // Allocation-free variants for the record layer. out.size() must be exactly
  // plaintext.size() + kTagBytes (encrypt) or ciphertext.size() - kTagBytes
  // (decrypt); out may alias the input exactly (in-place), but not partially.
  [[nodiscard]] Status encrypt_to(MutableByteView out, ByteView plaintext);
  [[nodiscard]] Status decrypt_to(MutableByteView out, ByteView ciphertext);

  // Rekey() (section 11.3): k = first 32 bytes of ENCRYPT(k, 2^64-1, "", 32 zeros).
  // The nonce is unchanged. Errc::protocol without a key.
  [[nodiscard]] Status rekey();

 private:
  friend class SymmetricState;
  // InitializeKey(k) for MixKey: reuses the key's secure buffer, so a
  // handshake allocates secure memory for its cipher key once.
  void initialize_key(ByteView key);
  [[nodiscard]] Status check_usable() const;
  Secret key_;
  std::uint64_t n_ = 0;
};

}  // namespace cairn::crypto::noise
