#include "crypto/symmetric_state.h"

#include <cstring>
#include <utility>

#include "crypto/hash.h"
#include "crypto/hkdf.h"

namespace cairn::crypto::noise {
namespace {

static_assert(kHashBytes == kNoiseHashBytes && kHashBytes == kBlake2bMaxBytes);

// HASHLEN is 64 but ChaChaPoly keys are 32 bytes: the spec truncates (section 5.2).
CipherState cipher_from(const Secret& hkdf_output) {
  return CipherState(Secret::copy_of(hkdf_output.view().first(kKeyBytes)));
}

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
  auto out = noise_hkdf(ck_.view(), input_key_material, 2);
  ck_ = std::move(out.out1);
  cipher_ = cipher_from(out.out2);
}

void SymmetricState::mix_hash(ByteView data) {
  Blake2b hash(kHashBytes);
  hash.update(h_);
  hash.update(data);
  hash.final(h_);
}

void SymmetricState::mix_key_and_hash(ByteView input_key_material) {
  auto out = noise_hkdf(ck_.view(), input_key_material, 3);
  ck_ = std::move(out.out1);
  mix_hash(out.out2.view());
  cipher_ = cipher_from(out.out3);
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
  auto out = noise_hkdf(ck_.view(), {}, 2);
  return SplitCiphers{cipher_from(out.out1), cipher_from(out.out2)};
}

}  // namespace cairn::crypto::noise
