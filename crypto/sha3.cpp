#include "crypto/sha3.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace cairn::crypto {

ByteArray<kSha3_256Bytes> sha3_256(ByteView data) {
  ByteArray<kSha3_256Bytes> out{};
  unsigned int len = 0;
  // Fails only if libcrypto itself is broken (no SHA3 provider): not input-driven.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha3_256(), nullptr) != 1 || len != out.size())
    std::abort();
  return out;
}

}  // namespace cairn::crypto
