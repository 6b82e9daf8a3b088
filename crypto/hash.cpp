#include "crypto/hash.h"

#include <sodium.h>

#include <cstdlib>

#include "crypto/random.h"
#include "crypto/secret.h"

namespace cairn::crypto {

static_assert(sizeof(crypto_generichash_blake2b_state) <= 384, "BLAKE2b state buffer too small");

void blake2b(MutableByteView out, ByteView message, ByteView key) {
  ensure_initialized();
  if (out.empty() || out.size() > crypto_generichash_blake2b_BYTES_MAX ||
      key.size() > crypto_generichash_blake2b_KEYBYTES_MAX)
    std::abort();  // fixed by the caller's code, never by input
  crypto_generichash_blake2b(out.data(), out.size(), message.data(), message.size(),
                             key.empty() ? nullptr : key.data(), key.size());
}

ByteArray<64> blake2b_512(ByteView message) {
  ByteArray<64> out{};
  blake2b(out, message);
  return out;
}

ByteArray<32> blake2b_256(ByteView message) {
  ByteArray<32> out{};
  blake2b(out, message);
  return out;
}

Blake2b::Blake2b(std::size_t out_len, ByteView key) : out_len_(out_len) {
  ensure_initialized();
  if (out_len == 0 || out_len > crypto_generichash_blake2b_BYTES_MAX ||
      key.size() > crypto_generichash_blake2b_KEYBYTES_MAX)
    std::abort();
  crypto_generichash_blake2b_init(reinterpret_cast<crypto_generichash_blake2b_state*>(state_),
                                  key.empty() ? nullptr : key.data(), key.size(), out_len);
}

Blake2b::~Blake2b() { wipe(state_, sizeof state_); }

void Blake2b::update(ByteView data) {
  crypto_generichash_blake2b_update(reinterpret_cast<crypto_generichash_blake2b_state*>(state_),
                                    data.data(), data.size());
}

void Blake2b::final(MutableByteView out) {
  if (out.size() != out_len_) std::abort();
  crypto_generichash_blake2b_final(reinterpret_cast<crypto_generichash_blake2b_state*>(state_),
                                   out.data(), out.size());
}

ByteArray<32> sha256(ByteView message) {
  ByteArray<32> out{};
  crypto_hash_sha256(out.data(), message.data(), message.size());
  return out;
}

void hmac_sha256(MutableByteView out32, ByteView key, ByteView message) {
  if (out32.size() != crypto_auth_hmacsha256_BYTES) std::abort();
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, message.data(), message.size());
  crypto_auth_hmacsha256_final(&st, out32.data());
  sodium_memzero(&st, sizeof st);
}

}  // namespace cairn::crypto
