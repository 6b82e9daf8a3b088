// The envelope of every signed Cairn object (key bundles, reply batches,
// export manifests, import receipts): a protobuf
// `{bytes body = 1; bytes signature = 2;}` whose signature is Ed25519 over the
// body bytes under a domain-separation context (crypto/sign.h). One
// implementation of sealing and of the size-capped, exact-length opening,
// shared by every such object; the body is then checked with
// verify_or_explain (crypto/sign.h) before it is parsed.
#pragma once

#include <google/protobuf/message_lite.h>

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/sign.h"

namespace cairn::crypto {

// Serializes body, signs it with key under context, wraps both in Signed.
template <class Signed>
[[nodiscard]] Result<Bytes> seal_envelope(const google::protobuf::MessageLite& body, const Ed25519KeyPair& key,
                                          std::string_view context, std::string_view what) {
  std::string body_bytes;
  if (!body.SerializeToString(&body_bytes)) return make_error(Errc::internal, "cannot serialize the " + std::string(what));
  auto signature = sign(key, context, as_bytes(body_bytes));
  Signed outer;
  outer.set_body(std::move(body_bytes));
  outer.set_signature(std::string(as_chars(signature)));
  std::string out;
  if (!outer.SerializeToString(&out))
    return make_error(Errc::internal, "cannot serialize the signed " + std::string(what));
  return to_bytes(out);
}

// A signed object as carried: the exact body bytes and the signature over them.
// Its body is parsed only after the signature verifies (or, after every
// candidate key failed, only to explain the failure).
struct SignedEnvelope {
  Bytes body;
  Ed25519Signature signature{};
};

// Checks the cap before parsing, then the signature's exact length.
template <class Signed>
[[nodiscard]] Result<SignedEnvelope> open_envelope(ByteView bytes, std::size_t cap, std::string_view what) {
  if (bytes.size() > cap)
    return make_error(Errc::too_large, "the " + std::string(what) + " is " + std::to_string(bytes.size()) +
                                           " bytes; the limit is " + std::to_string(cap));
  Signed outer;
  if (!outer.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(Errc::malformed, "the " + std::string(what) + " is damaged: it does not parse");
  SignedEnvelope out;
  if (!copy_exact(outer.signature(), out.signature))
    return make_error(Errc::malformed, "the " + std::string(what) + "'s signature is not 64 bytes");
  out.body = to_bytes(outer.body());
  return out;
}

}  // namespace cairn::crypto
