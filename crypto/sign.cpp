#include "crypto/sign.h"

#include <sodium.h>

#include <cstdlib>

#include "crypto/random.h"

namespace cairn::crypto {
namespace {

static_assert(crypto_sign_PUBLICKEYBYTES == kEd25519PublicBytes);
static_assert(crypto_sign_SEEDBYTES == kEd25519SeedBytes);
static_assert(crypto_sign_SECRETKEYBYTES == kEd25519SecretBytes);
static_assert(crypto_sign_BYTES == kEd25519SignatureBytes);

bool valid_context(std::string_view context) {
  if (context.empty() || context.size() > kSignContextMaxBytes) return false;
  for (char c : context)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// u8(len(context)) || context || message: the bytes Ed25519 actually signs.
Bytes domain_separated(std::string_view context, ByteView message) {
  Bytes m;
  m.reserve(1 + context.size() + message.size());
  m.push_back(static_cast<std::uint8_t>(context.size()));
  m.insert(m.end(), context.begin(), context.end());
  m.insert(m.end(), message.begin(), message.end());
  return m;
}

void check_key_pair(const Ed25519KeyPair& key_pair) {
  // A key pair is built only by this file; a wrong size is a programmer error.
  if (key_pair.secret.size() != kEd25519SecretBytes) std::abort();
}

}  // namespace

Ed25519KeyPair ed25519_generate() {
  auto kp = ed25519_from_seed(random_secret(kEd25519SeedBytes));
  if (!kp.ok()) std::abort();  // only fails on a wrong-size seed
  return std::move(kp).value();
}

Result<Ed25519KeyPair> ed25519_from_seed(const Secret& seed) {
  if (seed.size() != kEd25519SeedBytes)
    return make_error(Errc::invalid_argument, "an Ed25519 seed is 32 bytes");
  ensure_initialized();
  Ed25519KeyPair kp{Secret(kEd25519SecretBytes), {}};
  crypto_sign_seed_keypair(kp.public_key.data(), kp.secret.data(), seed.data());
  return kp;
}

Secret ed25519_seed(const Ed25519KeyPair& key_pair) {
  check_key_pair(key_pair);
  Secret seed(kEd25519SeedBytes);
  crypto_sign_ed25519_sk_to_seed(seed.data(), key_pair.secret.data());
  return seed;
}

Ed25519Signature sign(const Ed25519KeyPair& key_pair, std::string_view context, ByteView message) {
  if (!valid_context(context)) std::abort();  // contexts are constants in the code
  return detail::ed25519_sign_raw(key_pair, domain_separated(context, message));
}

Status verify(const Ed25519Public& public_key, std::string_view context, ByteView message,
              ByteView signature) {
  if (!valid_context(context))
    return make_error(Errc::invalid_argument, "a signature context is 1 to 255 printable ASCII characters");
  if (signature.size() != kEd25519SignatureBytes)
    return make_error(Errc::malformed, "an Ed25519 signature is 64 bytes, this one is " +
                                           std::to_string(signature.size()));
  return detail::ed25519_verify_raw(public_key, domain_separated(context, message), signature);
}

Status check_ed25519_public_key(const Ed25519Public& public_key) {
  ensure_initialized();
  if (crypto_core_ed25519_is_valid_point(public_key.data()) != 1)
    return make_error(Errc::malformed, "not a valid Ed25519 public key");
  return ok_status();
}

namespace detail {

Ed25519Signature ed25519_sign_raw(const Ed25519KeyPair& key_pair, ByteView message) {
  check_key_pair(key_pair);
  ensure_initialized();
  Ed25519Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), key_pair.secret.data());
  return sig;
}

Status ed25519_verify_raw(const Ed25519Public& public_key, ByteView message, ByteView signature) {
  if (signature.size() != kEd25519SignatureBytes)
    return make_error(Errc::malformed, "an Ed25519 signature is 64 bytes");
  ensure_initialized();
  // libsodium rejects non-canonical S, small-order R and A, and non-canonical A.
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                  public_key.data()) != 0)
    return make_error(Errc::bad_signature, "the signature does not verify");
  return ok_status();
}

}  // namespace detail
}  // namespace cairn::crypto
