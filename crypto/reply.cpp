#include "crypto/reply.h"

#include <cstdlib>
#include <span>

#include "common/utf8.h"
#include "crypto/age.h"
#include "crypto/drop.h"
#include "proto/reply.pb.h"

namespace cairn::crypto {
namespace {

constexpr std::size_t kReplyRecipients = 1;
// A Reply's protobuf framing with every field present: version, days (tag +
// up to 5-byte varint each) and the text's tag and length (3 bytes covers
// texts under 2 MiB).
constexpr std::size_t kReplyFramingBytes = 2 + 6 + 6 + 1 + 3;

std::size_t body_capacity() {
  auto capacity = drop_body_capacity(kReplySize, kReplyRecipients);
  if (!capacity.ok()) std::abort();  // kReplySize is a constant that fits: checked by the tests
  return *capacity;
}

}  // namespace

std::size_t reply_text_capacity() { return body_capacity() - kReplyFramingBytes; }

Result<Bytes> seal_reply(const ReplyContent& reply, const X25519Public& reply_public_key) {
  if (!is_valid_utf8(reply.text)) return make_error(Errc::invalid_argument, "the reply text is not valid UTF-8");
  if (reply.text.size() > reply_text_capacity())
    return make_error(Errc::too_large, "the reply text is " + std::to_string(reply.text.size()) +
                                           " bytes; a reply holds at most " +
                                           std::to_string(reply_text_capacity()) +
                                           " bytes of UTF-8 (about a third as many Korean characters)");
  cairn::v1::Reply message;
  message.set_version(kReplyVersion);
  message.set_text(reply.text);
  message.set_day(reply.day);
  message.set_in_reply_to_day(reply.in_reply_to_day);
  Secret body(message.ByteSizeLong());
  if (!message.SerializeToArray(body.data(), static_cast<int>(body.size())))
    return make_error(Errc::internal, "could not serialize the reply");
  const X25519Public recipients[] = {reply_public_key};
  return seal_drop(body.view(), recipients, kReplySize);
}

Result<ReplyContent> open_reply(ByteView reply, const X25519KeyPair& reply_key) {
  if (reply.size() != kReplySize)
    return make_error(Errc::malformed, "a reply is exactly " + std::to_string(kReplySize) + " bytes; this one is " +
                                           std::to_string(reply.size()));
  CAIRN_TRY(const Secret body, open_drop(reply, std::span<const age::Identity>(&reply_key, 1), kReplySize));
  cairn::v1::Reply message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size())))
    return make_error(Errc::malformed, "the reply's content does not parse");
  if (message.version() != kReplyVersion)
    return make_error(Errc::unsupported, "reply version " + std::to_string(message.version()) +
                                             " is not supported; this program reads version " +
                                             std::to_string(kReplyVersion));
  return ReplyContent{std::move(*message.mutable_text()), message.day(), message.in_reply_to_day()};
}

}  // namespace cairn::crypto
