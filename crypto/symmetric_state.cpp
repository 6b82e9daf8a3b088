#include "crypto/symmetric_state.h"

#include <cstring>
#include <utility>

#include "crypto/hash.h"
#include "crypto/hkdf.h"

namespace cairn::crypto::noise {
namespace {

static_assert(kHashBytes == kNoiseHashBytes && kHashBytes == kBlake2bMaxBytes);

}  // namespace

SymmetricState::SymmetricState(std::string_view protocol_name) : ck_(kHashBytes) {
  if (protocol_name.size() <= kHashBytes) {
    std::memcpy(h_.data(), protocol_name.data(), protocol_name.size());
  } else {
    h_ = blake2b_512(as_bytes(protocol_name));
  }
  std::memcpy(ck_.data(), h_.data(), kHashBytes);
}

void SymmetricState::mix_key(ByteView input_key_material) {
  ByteArray<kHashBytes> temp_k{};
  WipeOnExit wipe_temp_k(temp_k);
  noise_hkdf(ck_.bytes(), temp_k, {}, ck_.view(), input_key_material);
  // HASHLEN is 64 but ChaChaPoly keys are 32 bytes: the spec truncates (section 5.2).
  cipher_.initialize_key(ByteView(temp_k).first(kKeyBytes));
}

void SymmetricState::mix_hash(ByteView data) {
  Blake2b hash(kHashBytes);
  hash.update(h_);
  hash.update(data);
  hash.final(h_);
}

void SymmetricState::mix_key_and_hash(ByteView input_key_material) {
  ByteArray<kHashBytes> temp_h{}, temp_k{};
  WipeOnExit wipe_temp_h(temp_h), wipe_temp_k(temp_k);
  noise_hkdf(ck_.bytes(), temp_h, temp_k, ck_.view(), input_key_material);
  mix_hash(temp_h);
  cipher_.initialize_key(ByteView(temp_k).first(kKeyBytes));
}

Result<Bytes> SymmetricState::encrypt_and_hash(ByteView plaintext) {
  CAIRN_TRY(Bytes ciphertext, cipher_.encrypt_with_ad(h_, plaintext));
  mix_hash(ciphertext);
  return ciphertext;
}

Result<Bytes> SymmetricState::decrypt_and_hash(ByteView ciphertext) {
  CAIRN_TRY(Bytes plaintext, cipher_.decrypt_with_ad(h_, ciphertext));
  mix_hash(ciphertext);
  return plaintext;
}

SplitCiphers SymmetricState::split() const {
  ByteArray<kHashBytes> temp_k1{}, temp_k2{};
  WipeOnExit wipe_temp_k1(temp_k1), wipe_temp_k2(temp_k2);
  noise_hkdf(temp_k1, temp_k2, {}, ck_.view(), {});
  return SplitCiphers{CipherState(Secret::copy_of(ByteView(temp_k1).first(kKeyBytes))),
                      CipherState(Secret::copy_of(ByteView(temp_k2).first(kKeyBytes)))};
}

}  // namespace cairn::crypto::noise
