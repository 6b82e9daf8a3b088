// The Cairn relay protocol, version 1 (docs/PROTOCOL.md, "Relay protocol").
//
//   client                                   relay
//   frame(NK message 1: e, es, empty payload)  ->          48 bytes + 2
//                <- frame(NK message 2: e, ee, HandshakePayload padded to 256)  304 + 2
//   records(Request)                           ->
//                <- records(Response)
//   ... one Response per Request, in order, until the client closes or a limit is hit.
//
// Both handshake messages have fixed sizes, and every record after them has
// the same size, so an observer sees the same handshake for everybody and
// then only a count of identical records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/noise.h"
#include "crypto/record.h"
#include "proto/transport.pb.h"

namespace cairn::wire {

// ---- Specification constants ----
inline constexpr std::uint32_t kProtocolVersion = 1;
// Binds the protocol name and version into the Noise handshake hash: a peer
// speaking anything else fails the handshake instead of misreading messages.
inline constexpr std::string_view kPrologue = "Cairn relay protocol v1; Noise_NK_25519_ChaChaPoly_BLAKE2b";
inline constexpr std::size_t kRequestPayloadBytes = 0;
inline constexpr std::size_t kReplyPayloadBytes = 256;  // u16 length + HandshakePayload + zeros
inline constexpr std::size_t kMessage1Bytes = crypto::noise::kNkMessage1Overhead + kRequestPayloadBytes;  // 48
inline constexpr std::size_t kMessage2Bytes = crypto::noise::kNkMessage2Overhead + kReplyPayloadBytes;    // 304
inline constexpr std::size_t kPowChallengeBytes = 32;
inline constexpr std::size_t kPowNonceBytes = 8;

// ---- Implementation constants (caps) ----
// A request is at most a PutDrop: the drop plus a little protobuf framing.
inline constexpr std::size_t kRequestOverheadBytes = 256;
[[nodiscard]] constexpr std::size_t max_request_bytes(std::size_t drop_size) {
  return drop_size + kRequestOverheadBytes;
}
// A response is at most the reply board; the client caps what it accepts.
inline constexpr std::size_t kMaxResponseBytes = crypto::kMaxMessageBytes;

[[nodiscard]] inline ByteView prologue() { return as_bytes(kPrologue); }

// The relay's handshake payload, padded to exactly kReplyPayloadBytes.
[[nodiscard]] Result<Bytes> encode_handshake_payload(const v1::HandshakePayload& payload);
// Checks the exact size, the length field, zero padding, and the version.
[[nodiscard]] Result<v1::HandshakePayload> decode_handshake_payload(ByteView bytes);

// Parses a message the peer sent, with a cap checked first.
[[nodiscard]] Result<v1::Request> decode_request(ByteView bytes);
[[nodiscard]] Result<v1::Response> decode_response(ByteView bytes);
[[nodiscard]] Bytes encode(const google::protobuf::MessageLite& message);

// A Response carrying an error code and a sentence for the person at the client.
[[nodiscard]] v1::Response error_response(v1::ErrorCode code, std::string_view detail);

}  // namespace cairn::wire
