#include "crypto/x25519.h"

#include <sodium.h>

#include "crypto/random.h"

namespace cairn::crypto {

static_assert(crypto_scalarmult_curve25519_BYTES == kX25519Bytes);

X25519KeyPair x25519_generate() {
  auto kp = x25519_from_secret(random_secret(kX25519Bytes));
  if (!kp.ok()) std::abort();  // only fails on a wrong-size secret
  return std::move(kp).value();
}

Result<X25519KeyPair> x25519_from_secret(Secret secret) {
  if (secret.size() != kX25519Bytes)
    return make_error(Errc::invalid_argument, "an X25519 secret key is 32 bytes");
  ensure_initialized();
  X25519KeyPair kp;
  crypto_scalarmult_curve25519_base(kp.public_key.data(), secret.data());
  kp.secret = std::move(secret);
  return kp;
}

Result<Secret> x25519(const Secret& scalar, const X25519Public& point) {
  if (scalar.size() != kX25519Bytes)
    return make_error(Errc::invalid_argument, "an X25519 secret key is 32 bytes");
  Secret shared(kX25519Bytes);
  // libsodium returns -1 when the output is all zeros (low-order input point).
  if (crypto_scalarmult_curve25519(shared.data(), scalar.data(), point.data()) != 0)
    return make_error(Errc::decrypt_failed, "X25519 with a low-order point");
  return shared;
}

}  // namespace cairn::crypto
