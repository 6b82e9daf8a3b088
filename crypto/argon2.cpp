#include "crypto/argon2.h"

#include <sodium.h>

#include "crypto/random.h"
#include "i18n/catalog.h"

namespace cairn::crypto {

static_assert(crypto_pwhash_argon2id_SALTBYTES == kArgon2SaltBytes);

Result<Secret> argon2id(ByteView password, ByteView salt, Argon2Cost cost, std::size_t out_len) {
  ensure_initialized();
  if (salt.size() != kArgon2SaltBytes) return make_error(Errc::invalid_argument, "an Argon2id salt is 16 bytes");
  if (out_len < crypto_pwhash_argon2id_BYTES_MIN || out_len > 1024)
    return make_error(Errc::invalid_argument, "Argon2id output length out of range");
  if (cost.ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || cost.memory_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN)
    return make_error(Errc::invalid_argument, "Argon2id cost below the minimum");
  Secret out(out_len);
  if (crypto_pwhash(out.data(), out.size(), reinterpret_cast<const char*>(password.data()), password.size(),
                    salt.data(), cost.ops, cost.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return make_error(Errc::internal, i18n::tr("Argon2id ran out of memory"));
  return out;
}

}  // namespace cairn::crypto
