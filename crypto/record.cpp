#include "crypto/record.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "crypto/secret.h"

namespace cairn::crypto {

Result<Bytes> frame_noise_message(ByteView noise_message) {
  if (noise_message.size() > noise::kMaxNoiseMessageBytes)
    return make_error(Errc::too_large, "a Noise message of " + std::to_string(noise_message.size()) +
                                           " bytes does not fit a 2-byte frame length");
  Bytes out(kFrameLengthBytes + noise_message.size());
  put_u16be(out.data(), static_cast<std::uint16_t>(noise_message.size()));
  std::copy(noise_message.begin(), noise_message.end(), out.begin() + kFrameLengthBytes);
  return out;
}

Result<std::size_t> frame_length(ByteView header) {
  if (header.size() != kFrameLengthBytes)
    return make_error(Errc::malformed, "a frame header is exactly 2 bytes");
  return std::size_t{get_u16be(header.data())};
}

Status RecordWriter::seal_record(ByteView message, std::size_t index, MutableByteView frame) {
  if (failed_)
    return make_error(Errc::protocol, "the record writer failed earlier; the connection must be closed");
  if (message.size() > kMaxMessageBytes)  // before touching anything
    return make_error(Errc::too_large, "a message of " + std::to_string(message.size()) +
                                           " bytes exceeds the 1 MiB record-layer cap");
  if (frame.size() != kRecordFrameBytes || index >= records_for_message(message.size()))
    return make_error(Errc::invalid_argument, "no such record of this message, or a wrong frame size");
  std::fill(frame.begin(), frame.end(), std::uint8_t{0});  // the padding after the message
  std::uint8_t* record = frame.data() + kFrameLengthBytes;
  put_u16be(frame.data(), static_cast<std::uint16_t>(kRecordCiphertextBytes));
  // This record carries stream bytes [first, first + 4096); the message
  // occupies stream bytes [4, 4 + L).
  const std::size_t first = index * kRecordPlaintextBytes;
  const std::size_t stream_end = kMessageLengthBytes + message.size();
  if (index == 0) put_u32be(record, static_cast<std::uint32_t>(message.size()));
  const std::size_t from = std::max(first, kMessageLengthBytes);
  const std::size_t to = std::min(first + kRecordPlaintextBytes, stream_end);
  if (from < to) std::memcpy(record + (from - first), message.data() + (from - kMessageLengthBytes), to - from);
  // Encrypt in place: the tag lands in the 16 bytes after the plaintext.
  Status sealed = cipher_.encrypt_to(MutableByteView(record, kRecordCiphertextBytes),
                                     ByteView(record, kRecordPlaintextBytes));
  if (!sealed.ok()) {
    failed_ = true;  // earlier records consumed nonces: we can't resume in step with the peer
    wipe(frame);
    return sealed.error();
  }
  return ok_status();
}

Result<Bytes> RecordWriter::seal_message(ByteView message) {
  if (message.size() > kMaxMessageBytes)  // before allocating anything
    return make_error(Errc::too_large, "a message of " + std::to_string(message.size()) +
                                           " bytes exceeds the 1 MiB record-layer cap");
  const std::size_t records = records_for_message(message.size());
  Bytes out(records * kRecordFrameBytes);
  for (std::size_t r = 0; r < records; ++r) {
    Status sealed = seal_record(message, r, MutableByteView(out).subspan(r * kRecordFrameBytes, kRecordFrameBytes));
    if (!sealed.ok()) {
      wipe(out);
      return sealed.error();
    }
  }
  return out;
}

Result<std::optional<Bytes>> RecordReader::open_frame(ByteView frame) {
  if (failed_)
    return make_error(Errc::protocol, "the record reader failed earlier; the connection must be closed");
  auto result = open(frame);
  if (!result.ok()) {
    failed_ = true;
    wipe(message_);
    message_ = Bytes();
    remaining_ = 0;
  }
  return result;
}

Result<std::optional<Bytes>> RecordReader::open(ByteView frame) {
  if (frame.size() != kRecordFrameBytes)
    return make_error(Errc::malformed, "a record frame is exactly " + std::to_string(kRecordFrameBytes) +
                                           " bytes, got " + std::to_string(frame.size()));
  if (get_u16be(frame.data()) != kRecordCiphertextBytes)
    return make_error(Errc::malformed, "record frame length field is " + std::to_string(get_u16be(frame.data())) +
                                           ", not " + std::to_string(kRecordCiphertextBytes));
  ByteArray<kRecordPlaintextBytes> record{};
  WipeOnExit wipe_record(record);
  CAIRN_CHECK(cipher_.decrypt_to(record, frame.subspan(kFrameLengthBytes)));

  std::size_t offset = 0;
  if (remaining_ == 0) {  // the first record of a message
    const std::uint32_t length = get_u32be(record.data());
    if (length > max_message_)
      return make_error(Errc::too_large, "the peer announced a message of " + std::to_string(length) +
                                             " bytes, over this side's cap of " + std::to_string(max_message_));
    message_.clear();
    message_.reserve(length);
    remaining_ = length;
    offset = kMessageLengthBytes;
  }
  const std::size_t take = std::min(remaining_, kRecordPlaintextBytes - offset);
  message_.insert(message_.end(), record.begin() + static_cast<std::ptrdiff_t>(offset),
                  record.begin() + static_cast<std::ptrdiff_t>(offset + take));
  remaining_ -= take;
  if (remaining_ > 0) return std::optional<Bytes>();

  // The last record: everything after the message must be zero, so that one
  // plaintext has exactly one encoding.
  std::uint8_t padding = 0;
  for (std::size_t i = offset + take; i < kRecordPlaintextBytes; ++i) padding |= record[i];
  if (padding != 0) return make_error(Errc::malformed, "record padding is not all zero");
  return std::optional<Bytes>(std::move(message_));
}

}  // namespace cairn::crypto
