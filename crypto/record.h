// Cairn's transport records (docs/PROTOCOL.md, "Records"): after the
// Noise handshake every frame on the wire, in either direction, has the same
// size, so an observer learns only how many records flowed.
//
//   frame  = length (2 bytes, big-endian, always kRecordCiphertextBytes)
//          || Noise transport message (ciphertext of one record)
//   stream = L (4 bytes, big-endian) || message (L bytes) || zeros to a multiple of 4096
//   record = the next 4096 bytes of the stream
//
// Sans-IO: RecordWriter turns a message into frames to send; RecordReader
// takes frames one at a time (the caller reads exactly kRecordFrameBytes from
// the socket) and hands back a message when its last record arrives.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/cipher_state.h"

namespace cairn::crypto {

// Specification constants.
inline constexpr std::size_t kFrameLengthBytes = 2;       // every Noise message on the wire: u16 big-endian length
inline constexpr std::size_t kRecordPlaintextBytes = 4096;  // one record, before encryption
inline constexpr std::size_t kRecordCiphertextBytes = kRecordPlaintextBytes + noise::kTagBytes;  // 4112
inline constexpr std::size_t kRecordFrameBytes = kFrameLengthBytes + kRecordCiphertextBytes;      // 4114
inline constexpr std::size_t kMessageLengthBytes = 4;      // L, big-endian, at the start of a message's first record
inline constexpr std::size_t kMaxMessageBytes = 1 << 20;   // 1 MiB: cap on one application message

static_assert(kRecordCiphertextBytes <= noise::kMaxNoiseMessageBytes);
static_assert(kRecordPlaintextBytes > kMessageLengthBytes);

// How many records a message of message_bytes takes: ceil((4 + L) / 4096).
[[nodiscard]] constexpr std::size_t records_for_message(std::size_t message_bytes) {
  return (kMessageLengthBytes + message_bytes + kRecordPlaintextBytes - 1) / kRecordPlaintextBytes;
}

// Frames one Noise message for the wire (used for handshake messages; records
// are framed by RecordWriter). Errc::too_large over 65535 bytes.
[[nodiscard]] Result<Bytes> frame_noise_message(ByteView noise_message);
// The length in a 2-byte frame header. Errc::malformed if header is not 2 bytes.
[[nodiscard]] Result<std::size_t> frame_length(ByteView header);

class RecordWriter {
 public:
  // send: the sending CipherState from the handshake's split().
  explicit RecordWriter(noise::CipherState send) : cipher_(std::move(send)) {}

  // The frames carrying one message (records_for_message(L) * kRecordFrameBytes bytes).
  //   Errc::too_large - the message is over kMaxMessageBytes (nothing is encrypted);
  //   Errc::protocol  - the cipher has no key, its nonces ran out, or an earlier
  //                     call failed (the writer is then unusable: the peer's
  //                     nonce stream would be out of step with ours).
  [[nodiscard]] Result<Bytes> seal_message(ByteView message);

  // The same frames one at a time: seals record `index` of `message` into
  // `frame` (exactly kRecordFrameBytes). Records must be sealed in order,
  // 0 .. records_for_message(L) - 1 (each uses the next nonce), so a sender
  // can stream one shared, already-encoded message to many peers with a
  // single frame buffer each. Errors as for seal_message, and
  // Errc::invalid_argument for a wrong frame size or an index past the end
  // (nothing is encrypted then).
  [[nodiscard]] Status seal_record(ByteView message, std::size_t index, MutableByteView frame);

 private:
  noise::CipherState cipher_;
  bool failed_ = false;
};

class RecordReader {
 public:
  // receive: the receiving CipherState from the handshake's split().
  // max_message: the largest message this side accepts (at most kMaxMessageBytes);
  // the relay passes the size of its largest request, a PutDrop.
  explicit RecordReader(noise::CipherState receive, std::size_t max_message = kMaxMessageBytes)
      : cipher_(std::move(receive)), max_message_(std::min(max_message, kMaxMessageBytes)) {}

  // Takes exactly one frame. Returns the message once its last record is in,
  // std::nullopt while more records are needed. Errors:
  //   Errc::malformed      - frame is not kRecordFrameBytes long, its length field
  //                          is not kRecordCiphertextBytes, or padding is not zero;
  //   Errc::decrypt_failed - the record does not authenticate (tampered, reordered,
  //                          replayed, or from another session);
  //   Errc::too_large      - the first record announces L > max_message
  //                          (decided before any further record is buffered);
  //   Errc::protocol       - an earlier call failed.
  // Any error makes the reader unusable (Errc::protocol from then on): the
  // connection must be closed.
  [[nodiscard]] Result<std::optional<Bytes>> open_frame(ByteView frame);

  // Whether a message has started and is waiting for more records.
  [[nodiscard]] bool in_message() const { return remaining_ > 0; }
  // How many more frames the message in progress takes (0 between messages),
  // as its first record announced it.
  [[nodiscard]] std::size_t records_needed() const {
    return (remaining_ + kRecordPlaintextBytes - 1) / kRecordPlaintextBytes;
  }

 private:
  [[nodiscard]] Result<std::optional<Bytes>> open(ByteView frame);

  noise::CipherState cipher_;
  std::size_t max_message_;
  bool failed_ = false;
  Bytes message_;               // the message being reassembled
  std::size_t remaining_ = 0;   // message bytes still expected
};

}  // namespace cairn::crypto
