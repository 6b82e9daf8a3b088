#include "wire/protocol.h"

#include <algorithm>

namespace cairn::wire {

namespace {
constexpr std::size_t kPayloadLengthBytes = 2;
}

Result<Bytes> encode_handshake_payload(const v1::HandshakePayload& payload) {
  auto size = payload.ByteSizeLong();
  if (size > kReplyPayloadBytes - kPayloadLengthBytes)
    return make_error(Errc::internal, "the handshake payload does not fit its fixed size");
  Bytes out(kReplyPayloadBytes, 0);
  put_u16be(out.data(), static_cast<std::uint16_t>(size));
  if (!payload.SerializeToArray(out.data() + kPayloadLengthBytes, static_cast<int>(size)))
    return make_error(Errc::internal, "cannot serialize the handshake payload");
  return out;
}

Result<v1::HandshakePayload> decode_handshake_payload(ByteView bytes) {
  if (bytes.size() != kReplyPayloadBytes)
    return make_error(Errc::malformed, "the relay's handshake payload has the wrong size");
  std::size_t len = get_u16be(bytes.data());
  if (len > kReplyPayloadBytes - kPayloadLengthBytes)
    return make_error(Errc::malformed, "the relay's handshake payload length is out of range");
  auto padding = bytes.subspan(kPayloadLengthBytes + len);
  if (!std::all_of(padding.begin(), padding.end(), [](std::uint8_t b) { return b == 0; }))
    return make_error(Errc::malformed, "the relay's handshake payload padding is not zero");
  v1::HandshakePayload p;
  if (!p.ParseFromArray(bytes.data() + kPayloadLengthBytes, static_cast<int>(len)))
    return make_error(Errc::malformed, "the relay's handshake payload does not parse");
  if (p.version() != kProtocolVersion)
    return make_error(Errc::unsupported, "the relay speaks protocol version " + std::to_string(p.version()) +
                                             "; this program speaks version " + std::to_string(kProtocolVersion));
  if (p.pow_challenge().size() != kPowChallengeBytes)
    return make_error(Errc::malformed, "the relay's proof-of-work challenge has the wrong size");
  return p;
}

Result<v1::Request> decode_request(ByteView bytes) {
  v1::Request r;
  if (!r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(Errc::malformed, "the request does not parse");
  if (r.kind_case() == v1::Request::KIND_NOT_SET) return make_error(Errc::malformed, "the request is empty");
  return r;
}

Result<v1::Response> decode_response(ByteView bytes) {
  if (bytes.size() > kMaxResponseBytes) return make_error(Errc::too_large, "the relay's response is too large");
  v1::Response r;
  if (!r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(Errc::malformed, "the relay's response does not parse");
  if (r.kind_case() == v1::Response::KIND_NOT_SET) return make_error(Errc::malformed, "the relay's response is empty");
  return r;
}

Bytes encode(const google::protobuf::MessageLite& message) {
  Bytes out(message.ByteSizeLong());
  (void)message.SerializeToArray(out.data(), static_cast<int>(out.size()));
  return out;
}

v1::Response error_response(v1::ErrorCode code, std::string_view detail) {
  v1::Response r;
  r.mutable_error()->set_code(code);
  r.mutable_error()->set_detail(std::string(detail));
  return r;
}

}  // namespace cairn::wire
