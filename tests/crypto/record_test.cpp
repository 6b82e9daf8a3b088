// Cairn's fixed-size transport records (crypto/record.h).
#include "crypto/record.h"

#include <gtest/gtest.h>

#include <vector>

#include "crypto/random.h"
#include "support/noise.h"
#include "support/result.h"

namespace cairn::crypto {
namespace {

using noise::CipherState;
using test::code_of;

// Two CipherStates sharing a random key, as after a handshake's split().
std::pair<CipherState, CipherState> cipher_pair() {
  Secret key = random_secret(noise::kKeyBytes);
  return {CipherState(key.clone()), CipherState(std::move(key))};
}

std::vector<ByteView> frames_of(const Bytes& wire) {
  std::vector<ByteView> out;
  for (std::size_t at = 0; at < wire.size(); at += kRecordFrameBytes)
    out.push_back(ByteView(wire).subspan(at, std::min(kRecordFrameBytes, wire.size() - at)));
  return out;
}

// A frame carrying exactly this record plaintext, sealed with `send`: lets
// tests build records a correct writer would never produce.
Bytes raw_frame(CipherState& send, ByteView record_plaintext) {
  Bytes frame(kRecordFrameBytes);
  put_u16be(frame.data(), static_cast<std::uint16_t>(kRecordCiphertextBytes));
  EXPECT_EQ(record_plaintext.size(), kRecordPlaintextBytes);
  EXPECT_TRUE(send.encrypt_to(MutableByteView(frame).subspan(kFrameLengthBytes), record_plaintext).ok());
  return frame;
}

Bytes first_record_announcing(std::uint32_t length) {
  Bytes record(kRecordPlaintextBytes, 0);
  put_u32be(record.data(), length);
  return record;
}

TEST(Records, SpecificationConstants) {
  EXPECT_EQ(kRecordCiphertextBytes, kRecordPlaintextBytes + noise::kTagBytes);
  EXPECT_EQ(kRecordFrameBytes, kFrameLengthBytes + kRecordCiphertextBytes);
  // ceil((4 + L) / 4096), at the boundaries.
  EXPECT_EQ(records_for_message(0), 1u);
  EXPECT_EQ(records_for_message(kRecordPlaintextBytes - kMessageLengthBytes), 1u);
  EXPECT_EQ(records_for_message(kRecordPlaintextBytes - kMessageLengthBytes + 1), 2u);
  EXPECT_EQ(records_for_message(2 * kRecordPlaintextBytes - kMessageLengthBytes), 2u);
  EXPECT_EQ(records_for_message(kMaxMessageBytes), kMaxMessageBytes / kRecordPlaintextBytes + 1);
}

TEST(Records, RoundTripOverAnNkSession) {
  auto pair = test::nk_transport_pair();
  ASSERT_TRUE(pair);
  RecordWriter up_writer(std::move(pair->initiator.send));
  RecordReader up_reader(std::move(pair->responder.receive));
  RecordWriter down_writer(std::move(pair->responder.send));
  RecordReader down_reader(std::move(pair->initiator.receive));

  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4091}, std::size_t{4092}, std::size_t{4093},
                           std::size_t{100000}, kMaxMessageBytes}) {
    SCOPED_TRACE(size);
    for (auto* direction : {&up_writer, &down_writer}) {
      RecordReader& reader = direction == &up_writer ? up_reader : down_reader;
      const Bytes message = random_bytes(size);
      auto wire = direction->seal_message(message);
      ASSERT_TRUE(wire.ok()) << wire.error().message;
      const std::size_t records = (kMessageLengthBytes + size + kRecordPlaintextBytes - 1) / kRecordPlaintextBytes;
      ASSERT_EQ(wire->size(), records * kRecordFrameBytes);
      auto frames = frames_of(*wire);
      for (std::size_t f = 0; f < frames.size(); ++f) {
        ASSERT_EQ(frames[f].size(), kRecordFrameBytes);  // every frame the same size
        ASSERT_EQ(get_u16be(frames[f].data()), kRecordCiphertextBytes);
        auto opened = reader.open_frame(frames[f]);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        if (f + 1 < frames.size()) {
          ASSERT_FALSE(opened->has_value()) << "message completed early at frame " << f;
          ASSERT_TRUE(reader.in_message());
        } else {
          ASSERT_TRUE(opened->has_value());
          EXPECT_EQ(**opened, message);
          EXPECT_FALSE(reader.in_message());
        }
      }
    }
  }
}

TEST(Records, BoundaryCountsAreAsSpecified) {
  auto [send, receive] = cipher_pair();
  RecordWriter writer(std::move(send));
  EXPECT_EQ(writer.seal_message(Bytes(4091)).value().size(), 1 * kRecordFrameBytes);
  EXPECT_EQ(writer.seal_message(Bytes(4092)).value().size(), 1 * kRecordFrameBytes);
  EXPECT_EQ(writer.seal_message(Bytes(4093)).value().size(), 2 * kRecordFrameBytes);
}

TEST(Records, WriterRefusesMessagesOverTheCapAndStaysUsable) {
  auto [send, receive] = cipher_pair();
  RecordWriter writer(std::move(send));
  RecordReader reader(std::move(receive));
  EXPECT_EQ(code_of(writer.seal_message(Bytes(kMaxMessageBytes + 1))), Errc::too_large);
  auto wire = writer.seal_message(as_bytes("still fine"));
  ASSERT_TRUE(wire.ok());
  auto opened = reader.open_frame(*wire);
  ASSERT_TRUE(opened.ok() && opened->has_value());
  EXPECT_EQ(**opened, to_bytes("still fine"));
}

TEST(Records, ReaderEnforcesTheCapFromTheFirstRecord) {
  auto [send, receive] = cipher_pair();
  RecordReader reader(std::move(receive));
  // Only the first record is sent: the reader must decide from it alone.
  Bytes frame = raw_frame(send, first_record_announcing(static_cast<std::uint32_t>(kMaxMessageBytes + 1)));
  EXPECT_EQ(code_of(reader.open_frame(frame)), Errc::too_large);
  EXPECT_FALSE(reader.in_message());
  // And it is poisoned: the next, valid, frame is refused.
  Bytes next = raw_frame(send, first_record_announcing(0));
  EXPECT_EQ(code_of(reader.open_frame(next)), Errc::protocol);

  auto [send2, receive2] = cipher_pair();
  RecordReader reader2(std::move(receive2));
  EXPECT_EQ(code_of(reader2.open_frame(raw_frame(send2, first_record_announcing(0xffffffff)))), Errc::too_large);
}

TEST(Records, EveryBitFlipOfAFrameIsRejected) {
  const Bytes message = to_bytes("testimony");
  Secret key = random_secret(noise::kKeyBytes);
  RecordWriter writer{CipherState(key.clone())};
  const Bytes wire = writer.seal_message(message).value();
  ASSERT_EQ(wire.size(), kRecordFrameBytes);
  for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
    Bytes flipped = wire;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    RecordReader reader{CipherState(key.clone())};
    const Errc expected = bit < kFrameLengthBytes * 8 ? Errc::malformed : Errc::decrypt_failed;
    ASSERT_EQ(code_of(reader.open_frame(flipped)), expected) << "bit " << bit;
    ASSERT_EQ(code_of(reader.open_frame(wire)), Errc::protocol) << "bit " << bit;  // poisoned
  }
  RecordReader reader{CipherState(key.clone())};
  auto opened = reader.open_frame(wire);
  ASSERT_TRUE(opened.ok() && opened->has_value());
  EXPECT_EQ(**opened, message);
}

TEST(Records, WrongLengthPrefixOrFrameSizeIsMalformed) {
  Secret key = random_secret(noise::kKeyBytes);
  RecordWriter writer{CipherState(key.clone())};
  const Bytes wire = writer.seal_message(as_bytes("m")).value();
  for (std::uint16_t length : {std::uint16_t{0}, std::uint16_t{kRecordCiphertextBytes - 1},
                               std::uint16_t{kRecordCiphertextBytes + 1}, std::uint16_t{0xffff}}) {
    Bytes bad = wire;
    put_u16be(bad.data(), length);
    RecordReader reader{CipherState(key.clone())};
    EXPECT_EQ(code_of(reader.open_frame(bad)), Errc::malformed) << length;
  }
  for (std::size_t size : {std::size_t{0}, std::size_t{2}, kRecordFrameBytes - 1, kRecordFrameBytes + 1}) {
    Bytes bad = wire;
    bad.resize(size);
    RecordReader reader{CipherState(key.clone())};
    EXPECT_EQ(code_of(reader.open_frame(bad)), Errc::malformed) << size;
  }
}

TEST(Records, NonZeroPaddingIsMalformed) {
  {
    // One-record message: L = 1, one byte, then padding with a stray 1 at the end.
    auto [send, receive] = cipher_pair();
    RecordReader reader(std::move(receive));
    Bytes record = first_record_announcing(1);
    record[kMessageLengthBytes] = 'x';
    record.back() = 1;
    EXPECT_EQ(code_of(reader.open_frame(raw_frame(send, record))), Errc::malformed);
  }
  {
    // Control: the same record with zero padding is accepted.
    auto [send, receive] = cipher_pair();
    RecordReader reader(std::move(receive));
    Bytes record = first_record_announcing(1);
    record[kMessageLengthBytes] = 'x';
    auto opened = reader.open_frame(raw_frame(send, record));
    ASSERT_TRUE(opened.ok() && opened->has_value());
    EXPECT_EQ(**opened, to_bytes("x"));
  }
  {
    // Two-record message: the padding of the last record is checked.
    auto [send, receive] = cipher_pair();
    RecordReader reader(std::move(receive));
    const std::size_t length = kRecordPlaintextBytes;  // 4092 bytes in record 1, 4 in record 2
    Bytes first = first_record_announcing(static_cast<std::uint32_t>(length));
    Bytes second(kRecordPlaintextBytes, 0);
    second[4] = 0x80;  // just after the message's last byte
    ASSERT_TRUE(reader.open_frame(raw_frame(send, first)).ok());
    EXPECT_EQ(code_of(reader.open_frame(raw_frame(send, second))), Errc::malformed);
  }
}

TEST(Records, ReorderedAndReplayedFramesAreRejected) {
  Secret key = random_secret(noise::kKeyBytes);
  RecordWriter writer{CipherState(key.clone())};
  const Bytes wire = writer.seal_message(Bytes(3 * kRecordPlaintextBytes)).value();
  auto frames = frames_of(wire);
  ASSERT_EQ(frames.size(), 4u);
  {
    RecordReader reader{CipherState(key.clone())};
    ASSERT_TRUE(reader.open_frame(frames[0]).ok());
    EXPECT_EQ(code_of(reader.open_frame(frames[2])), Errc::decrypt_failed);  // skipped one
  }
  {
    RecordReader reader{CipherState(key.clone())};
    ASSERT_TRUE(reader.open_frame(frames[0]).ok());
    EXPECT_EQ(code_of(reader.open_frame(frames[0])), Errc::decrypt_failed);  // replayed
    EXPECT_EQ(code_of(reader.open_frame(frames[1])), Errc::protocol);        // poisoned after
  }
  {
    RecordReader reader{CipherState(key.clone())};
    EXPECT_EQ(code_of(reader.open_frame(frames[1])), Errc::decrypt_failed);  // started mid-stream
  }
  {
    // A frame from another session (another key) is rejected.
    RecordReader reader{CipherState(random_secret(noise::kKeyBytes))};
    EXPECT_EQ(code_of(reader.open_frame(frames[0])), Errc::decrypt_failed);
  }
}

TEST(Records, RandomFramesAreRejectedWithoutCrashing) {
  Secret key = random_secret(noise::kKeyBytes);
  for (int trial = 0; trial < 200; ++trial) {
    Bytes frame = random_bytes(kRecordFrameBytes);
    if (trial % 2 == 0) {
      put_u16be(frame.data(), static_cast<std::uint16_t>(kRecordCiphertextBytes));
    } else if (get_u16be(frame.data()) == kRecordCiphertextBytes) {
      put_u16be(frame.data(), 0);  // keep odd trials about the length field
    }
    RecordReader reader{CipherState(key.clone())};
    auto opened = reader.open_frame(frame);
    ASSERT_FALSE(opened.ok());
    ASSERT_EQ(opened.code(), trial % 2 == 0 ? Errc::decrypt_failed : Errc::malformed);
  }
}

TEST(Records, WriterFailureMidMessagePoisonsIt) {
  auto [send, receive] = cipher_pair();
  send.set_nonce(noise::kReservedNonce - 1);  // room for exactly one more record
  RecordWriter writer(std::move(send));
  EXPECT_EQ(code_of(writer.seal_message(Bytes(kRecordPlaintextBytes))), Errc::protocol);  // two records
  EXPECT_EQ(code_of(writer.seal_message({})), Errc::protocol);
}

TEST(Records, KeylessCiphersAreRefused) {
  RecordWriter writer{CipherState()};
  EXPECT_EQ(code_of(writer.seal_message(as_bytes("plaintext must never leave"))), Errc::protocol);
  RecordReader reader{CipherState()};
  Bytes frame(kRecordFrameBytes);
  put_u16be(frame.data(), static_cast<std::uint16_t>(kRecordCiphertextBytes));
  EXPECT_EQ(code_of(reader.open_frame(frame)), Errc::protocol);
}

TEST(Frames, HandshakeMessagesCarryA2ByteLength) {
  auto framed = frame_noise_message(as_bytes("abc"));
  ASSERT_TRUE(framed.ok());
  EXPECT_EQ(*framed, (Bytes{0, 3, 'a', 'b', 'c'}));
  EXPECT_EQ(frame_length(ByteView(*framed).first(2)).value(), 3u);
  EXPECT_EQ(frame_noise_message(Bytes(noise::kMaxNoiseMessageBytes)).value().size(),
            noise::kMaxNoiseMessageBytes + kFrameLengthBytes);
  EXPECT_EQ(code_of(frame_noise_message(Bytes(noise::kMaxNoiseMessageBytes + 1))), Errc::too_large);
  EXPECT_EQ(code_of(frame_length(Bytes(1))), Errc::malformed);
  EXPECT_EQ(code_of(frame_length(Bytes(3))), Errc::malformed);
}

}  // namespace
}  // namespace cairn::crypto
