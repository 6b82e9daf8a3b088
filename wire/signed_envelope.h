// The envelope of every signed object carried by USB (export manifests,
// import receipts): a protobuf `{bytes body = 1; bytes signature = 2;}` whose
// signature is Ed25519 over the body bytes under a domain-separation context
// (crypto/sign.h). One implementation of sealing and of the size-capped,
// exact-length opening, shared by every such object.
#pragma once

#include <google/protobuf/message_lite.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/sign.h"

namespace cairn::wire {

template <std::size_t N>
[[nodiscard]] bool copy_exact(const std::string& field, ByteArray<N>& out) {
  if (field.size() != N) return false;
  std::copy(field.begin(), field.end(), out.begin());
  return true;
}

// Serializes body, signs it with key under context, wraps both in Signed.
template <class Signed>
[[nodiscard]] Result<Bytes> seal_envelope(const google::protobuf::MessageLite& body, const crypto::Ed25519KeyPair& key,
                                          std::string_view context, std::string_view what) {
  std::string body_bytes;
  if (!body.SerializeToString(&body_bytes)) return make_error(Errc::internal, "cannot serialize the " + std::string(what));
  auto signature = crypto::sign(key, context, as_bytes(body_bytes));
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
  crypto::Ed25519Signature signature{};
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

// A repeated bytes field of fixed-size ids: count cap first, then each length.
template <std::size_t N>
[[nodiscard]] Result<std::vector<ByteArray<N>>> read_fixed_ids(const google::protobuf::RepeatedPtrField<std::string>& field,
                                                               std::size_t max, std::string_view what) {
  if (static_cast<std::size_t>(field.size()) > max)
    return make_error(Errc::too_large, "the " + std::string(what) + " lists more than " + std::to_string(max) + " drops");
  std::vector<ByteArray<N>> ids(static_cast<std::size_t>(field.size()));
  for (int i = 0; i < field.size(); ++i)
    if (!copy_exact(field.Get(i), ids[static_cast<std::size_t>(i)]))
      return make_error(Errc::malformed, "drop id " + std::to_string(i + 1) + " in the " + std::string(what) +
                                             " is not " + std::to_string(N) + " bytes");
  return ids;
}

}  // namespace cairn::wire
