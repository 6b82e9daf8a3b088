// Noise SymmetricState (Noise spec rev. 34, section 5.2) for BLAKE2b: the
// chaining key ck, the handshake hash h and the handshake CipherState.
#pragma once

#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/cipher_state.h"
#include "crypto/secret.h"

namespace cairn::crypto::noise {

using HandshakeHash = ByteArray<kHashBytes>;

// The two CipherStates Split() returns, in the spec's order:
// c1 encrypts initiator -> responder, c2 responder -> initiator.
struct SplitCiphers {
  CipherState c1;
  CipherState c2;
};

class SymmetricState {
 public:
  // InitializeSymmetric(protocol_name): h = name zero-padded to 64 bytes, or
  // BLAKE2b(name) if longer; ck = h; no key.
  explicit SymmetricState(std::string_view protocol_name);

  SymmetricState(SymmetricState&&) noexcept = default;
  SymmetricState& operator=(SymmetricState&&) noexcept = default;

  // MixKey(ikm): ck, temp_k = HKDF(ck, ikm, 2); the cipher gets temp_k[0..32).
  void mix_key(ByteView input_key_material);
  // MixHash(data): h = BLAKE2b(h || data).
  void mix_hash(ByteView data);
  // MixKeyAndHash(ikm): for psk tokens (Cairn supports no psk patterns, but
  // the operation is part of the SymmetricState and tested as such).
  void mix_key_and_hash(ByteView input_key_material);

  // EncryptAndHash / DecryptAndHash: encrypt or decrypt with ad = h (pass
  // through while there is no key), then MixHash(ciphertext). A failed
  // DecryptAndHash leaves h unchanged.
  [[nodiscard]] Result<Bytes> encrypt_and_hash(ByteView plaintext);
  [[nodiscard]] Result<Bytes> decrypt_and_hash(ByteView ciphertext);

  // Split(): the two transport CipherStates from HKDF(ck, "", 2).
  [[nodiscard]] SplitCiphers split() const;

  [[nodiscard]] bool has_key() const { return cipher_.has_key(); }
  [[nodiscard]] const HandshakeHash& handshake_hash() const { return h_; }

 private:
  CipherState cipher_;
  Secret ck_;
  HandshakeHash h_{};
};

}  // namespace cairn::crypto::noise
