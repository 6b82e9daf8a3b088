#include "crypto/sha3.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace cairn::crypto {

namespace {

// Every failure here means libcrypto itself is broken (no SHA-3 provider, out
// of memory): never input-driven, so it aborts.
void require(bool ok) {
  if (!ok) std::abort();
}

// The digest, fetched once from the default provider (an implicit fetch per
// call costs more than hashing ML-KEM's short inputs).
const EVP_MD* fetched(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  require(md != nullptr);
  return md;
}

void digest(const EVP_MD* md, bool xof, std::initializer_list<ByteView> input, MutableByteView out) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  require(ctx != nullptr && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1);
  for (ByteView part : input) require(EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1);
  if (xof) {
    require(EVP_DigestFinalXOF(ctx.get(), out.data(), out.size()) == 1);
  } else {
    require(out.size() == static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned int len = 0;
    require(EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size());
  }
}

}  // namespace

ByteArray<kSha3_256Bytes> sha3_256(ByteView data) {
  ByteArray<kSha3_256Bytes> out{};
  sha3_256({data}, out);
  return out;
}

void sha3_256(std::initializer_list<ByteView> input, MutableByteView out) {
  static const EVP_MD* const md = fetched("SHA3-256");
  digest(md, false, input, out);
}

void sha3_512(std::initializer_list<ByteView> input, MutableByteView out) {
  static const EVP_MD* const md = fetched("SHA3-512");
  digest(md, false, input, out);
}

void shake128(std::initializer_list<ByteView> input, MutableByteView out) {
  static const EVP_MD* const md = fetched("SHAKE128");
  digest(md, true, input, out);
}

void shake256(std::initializer_list<ByteView> input, MutableByteView out) {
  static const EVP_MD* const md = fetched("SHAKE256");
  digest(md, true, input, out);
}

}  // namespace cairn::crypto
