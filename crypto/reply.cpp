#include "crypto/reply.h"

#include <algorithm>
#include <cstdlib>
#include <span>
#include <type_traits>

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

std::size_t body_capacity(DropRecipients kind) {
  auto capacity = drop_body_capacity(kReplySize, kReplyRecipients, kind);
  if (!capacity.ok()) std::abort();  // kReplySize is a constant that fits either kind: checked by the tests
  return *capacity;
}

}  // namespace

ReplyPublicKey ReplyPublicKeys::for_drops(DropRecipients kind) const {
  if (kind == DropRecipients::hybrid && hybrid) return *hybrid;
  return x25519;
}

ReplyPublicKeys public_keys(const ReplyKeys& keys) {
  ReplyPublicKeys out{keys.x25519.public_key, std::nullopt};
  if (keys.hybrid) out.hybrid = keys.hybrid->encapsulation_key;
  return out;
}

Result<ReplyPublicKey> parse_reply_public_key(ByteView key) {
  if (key.size() == kX25519Bytes) {
    X25519Public out{};
    std::copy(key.begin(), key.end(), out.begin());
    return ReplyPublicKey(out);
  }
  if (key.size() == hybrid_kem::kEncapsulationKeyBytes) {
    age::HybridRecipient out{};
    std::copy(key.begin(), key.end(), out.begin());
    return ReplyPublicKey(out);
  }
  return make_error(Errc::malformed, "a reply key is " + std::to_string(kX25519Bytes) + " bytes (X25519) or " +
                                         std::to_string(hybrid_kem::kEncapsulationKeyBytes) +
                                         " bytes (mlkem768x25519), not " + std::to_string(key.size()));
}

ByteView reply_public_key_bytes(const ReplyPublicKey& key) {
  return std::visit([](const auto& k) { return ByteView(k); }, key);
}

DropRecipients reply_key_kind(const ReplyPublicKey& key) {
  return std::holds_alternative<age::HybridRecipient>(key) ? DropRecipients::hybrid : DropRecipients::x25519;
}

std::size_t reply_text_capacity(DropRecipients kind) { return body_capacity(kind) - kReplyFramingBytes; }

Result<Bytes> seal_reply(const ReplyContent& reply, const ReplyPublicKey& reply_public_key) {
  if (!is_valid_utf8(reply.text)) return make_error(Errc::invalid_argument, "the reply text is not valid UTF-8");
  const std::size_t capacity = reply_text_capacity(reply_key_kind(reply_public_key));
  if (reply.text.size() > capacity)
    return make_error(Errc::too_large, "the reply text is " + std::to_string(reply.text.size()) +
                                           " bytes; a reply holds at most " + std::to_string(capacity) +
                                           " bytes of UTF-8 (about a third as many Korean characters)");
  cairn::v1::Reply message;
  message.set_version(kReplyVersion);
  message.set_text(reply.text);
  message.set_day(reply.day);
  message.set_in_reply_to_day(reply.in_reply_to_day);
  Secret body(message.ByteSizeLong());
  if (!message.SerializeToArray(body.data(), static_cast<int>(body.size())))
    return make_error(Errc::internal, "could not serialize the reply");
  return std::visit(
      [&body](const auto& key) {
        const std::remove_cvref_t<decltype(key)> recipients[] = {key};
        return seal_drop(body.view(), std::span(recipients), kReplySize);
      },
      reply_public_key);
}

Result<ReplyContent> open_reply(ByteView reply, const ReplyKeys& reply_keys) {
  return open_reply(reply, reply_keys.x25519, reply_keys.hybrid ? &*reply_keys.hybrid : nullptr);
}

Result<ReplyContent> open_reply(ByteView reply, const X25519KeyPair& reply_key, const age::HybridIdentity* hybrid_key) {
  if (reply.size() != kReplySize)
    return make_error(Errc::malformed, "a reply is exactly " + std::to_string(kReplySize) + " bytes; this one is " +
                                           std::to_string(reply.size()));
  std::span<const age::HybridIdentity> hybrid;
  if (hybrid_key) hybrid = std::span(hybrid_key, 1);
  CAIRN_TRY(const Secret body,
            open_drop(reply, std::span<const age::Identity>(&reply_key, 1), kReplySize, hybrid));
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
