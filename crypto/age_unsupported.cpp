#include "crypto/age_unsupported.h"

#include <algorithm>

#include "crypto/age_base64.h"

namespace cairn::crypto::age {

Status check_scrypt_stanza(const Stanza& stanza) {
  if (stanza.args.size() != 3)
    return make_error(Errc::malformed, "an scrypt stanza must have exactly a salt and a work factor after its type");
  auto salt = base64_decode(stanza.args[1]);
  if (!salt.ok()) return make_error(Errc::malformed, "an scrypt stanza's salt: " + salt.error().message);
  if (salt->size() != kScryptSaltBytes)
    return make_error(Errc::malformed, "an scrypt stanza's salt must be 16 bytes");
  const std::string& factor = stanza.args[2];
  // ^[1-9][0-9]*$ (the spec's grammar), then the cap, before converting more than two digits.
  if (factor.empty() || factor[0] < '1' || factor[0] > '9' ||
      !std::all_of(factor.begin(), factor.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return make_error(Errc::malformed, "an scrypt stanza's work factor must be a decimal number without leading zeros");
  int log_n = 0;
  if (factor.size() <= 2)
    for (char c : factor) log_n = log_n * 10 + (c - '0');
  if (factor.size() > 2 || log_n > kMaxScryptWorkFactor)
    return make_error(Errc::malformed, "an scrypt stanza's work factor is above Cairn's limit of 22");
  if (stanza.body.size() != kWrappedFileKeyBytes)
    return make_error(Errc::malformed, "an scrypt stanza's body must be 32 bytes (a file key and its tag)");
  return ok_status();
}

}  // namespace cairn::crypto::age
