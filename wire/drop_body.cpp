#include "wire/drop_body.h"

#include <string>

#include "crypto/secret.h"

namespace cairn::wire {

namespace {

void wipe_string(std::string& s) { crypto::wipe(s.data(), s.size()); }

}  // namespace

void wipe_plaintext(v1::DropBody& body) {
  // Only a field that is set: mutable_*() would create the other kind.
  if (body.has_testimony()) wipe_string(*body.mutable_testimony()->mutable_text());
  if (body.has_chunk()) wipe_string(*body.mutable_chunk()->mutable_data());
}

}  // namespace cairn::wire
