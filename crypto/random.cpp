#include "crypto/random.h"

#include <sodium.h>

#include <cstdlib>

namespace cairn::crypto {

void ensure_initialized() {
  static const bool ready = [] {
    if (sodium_init() < 0) std::abort();
    return true;
  }();
  (void)ready;
}

void random_bytes(MutableByteView out) {
  ensure_initialized();
  if (!out.empty()) randombytes_buf(out.data(), out.size());
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  random_bytes(MutableByteView(b));
  return b;
}

Secret random_secret(std::size_t n) {
  Secret s(n);
  random_bytes(s.bytes());
  return s;
}

std::uint32_t random_uniform(std::uint32_t upper_bound) {
  ensure_initialized();
  return randombytes_uniform(upper_bound);
}

}  // namespace cairn::crypto
