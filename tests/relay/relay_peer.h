// Test helpers for talking to a real cairn-relay at the byte level: a
// hand-rolled Noise NK client (make_nk_initiator + records) that can also send
// bytes no real client would, checks that the relay closed the connection, and
// opens the relay's store after it stopped. Loopback only.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "client/socket.h"
#include "client/submit.h"
#include "crypto/noise.h"
#include "crypto/pow.h"
#include "crypto/random.h"
#include "crypto/record.h"
#include "relay/key_file.h"
#include "relay/store.h"
#include "support/relay_fixture.h"
#include "wire/protocol.h"

namespace cairn::test {

using namespace std::chrono_literals;

// A connection to the relay under the test's full control.
class RelayPeer {
 public:
  // TCP connect only (no bytes sent).
  static RelayPeer connect(std::uint16_t port) {
    auto s = client::connect_tcp("127.0.0.1", port, 5s);
    if (!s.ok()) throw std::runtime_error("cannot connect to the relay: " + s.error().message);
    return RelayPeer(std::move(s).value());
  }

  // Connect and run the NK handshake against relay_key. Errors come back as
  // they are (e.g. the relay closed the connection).
  static Result<RelayPeer> open(std::uint16_t port, const crypto::X25519Public& relay_key) {
    auto peer = connect(port);
    CAIRN_CHECK(peer.handshake(relay_key));
    return peer;
  }

  Status handshake(const crypto::X25519Public& relay_key) {
    CAIRN_TRY(auto hs, crypto::noise::make_nk_initiator(wire::prologue(), relay_key));
    CAIRN_TRY(auto m1, hs.write_message({}));  // -> e, es
    CAIRN_TRY(auto f1, crypto::frame_noise_message(m1));
    CAIRN_CHECK(socket_.write_all(f1, 5s));
    Bytes m2(crypto::kFrameLengthBytes + wire::kMessage2Bytes);  // <- e, ee
    CAIRN_CHECK(socket_.read_exact(m2, 5s));
    if (get_u16be(m2.data()) != wire::kMessage2Bytes) return make_error(Errc::protocol, "bad message 2 length");
    CAIRN_TRY(auto payload, hs.read_message(ByteView(m2).subspan(crypto::kFrameLengthBytes)));
    CAIRN_TRY(params_, wire::decode_handshake_payload(payload));
    CAIRN_TRY(auto ciphers, hs.split());
    reader_.emplace(std::move(ciphers.receive));
    send_cipher_.emplace(std::move(ciphers.send));
    return ok_status();
  }

  Status send_raw(ByteView bytes) { return socket_.write_all(bytes, 5s); }

  // Encrypts one record plaintext (any size, for hostile tests) into a frame
  // whose length field says length_field.
  Result<Bytes> seal_frame(ByteView record_plaintext, std::uint16_t length_field) {
    CAIRN_TRY(auto ct, send_cipher_->encrypt(record_plaintext));
    Bytes frame(crypto::kFrameLengthBytes);
    put_u16be(frame.data(), length_field);
    frame.insert(frame.end(), ct.begin(), ct.end());
    return frame;
  }

  // The record stream for message bytes as the spec lays it out (u32 length,
  // the bytes, zeros to a record boundary), optionally with a different
  // announced length; sealed but not sent.
  Result<Bytes> seal_stream(ByteView message, std::optional<std::uint32_t> announced = std::nullopt) {
    Bytes stream(crypto::kMessageLengthBytes);
    put_u32be(stream.data(), announced.value_or(static_cast<std::uint32_t>(message.size())));
    stream.insert(stream.end(), message.begin(), message.end());
    stream.resize(crypto::records_for_message(message.size()) * crypto::kRecordPlaintextBytes, 0);
    Bytes frames;
    for (std::size_t off = 0; off < stream.size(); off += crypto::kRecordPlaintextBytes) {
      CAIRN_TRY(auto f, seal_frame(ByteView(stream).subspan(off, crypto::kRecordPlaintextBytes),
                                   crypto::kRecordCiphertextBytes));
      frames.insert(frames.end(), f.begin(), f.end());
    }
    return frames;
  }

  // The frames of one request, sealed but not sent.
  Result<Bytes> seal(const v1::Request& request) { return seal_stream(wire::encode(request)); }

  Status send(const v1::Request& request) {
    CAIRN_TRY(auto frames, seal(request));
    return send_raw(frames);
  }

  // records: set to how many record frames the response took on the wire.
  Result<v1::Response> receive(std::chrono::milliseconds timeout = 10s, std::size_t* records = nullptr) {
    ByteArray<crypto::kRecordFrameBytes> frame{};
    for (std::size_t n = 1;; ++n) {
      CAIRN_CHECK(socket_.read_exact(frame, timeout));
      CAIRN_TRY(auto message, reader_->open_frame(frame));
      if (records) *records = n;
      if (message) return wire::decode_response(*message);
    }
  }

  Result<v1::Response> call(const v1::Request& request) {
    CAIRN_CHECK(send(request));
    return receive();
  }

  // A PutDrop for drop that pays this connection's proof of work (or not).
  v1::Request put_drop(ByteView drop, bool pay = true) const {
    crypto::pow::Challenge challenge{};
    std::copy(params_.pow_challenge().begin(), params_.pow_challenge().end(), challenge.begin());
    crypto::pow::Nonce nonce{};
    if (pay) {
      auto solved = crypto::pow::solve(challenge, crypto::pow::context_for_drop(drop), params_.pow_bits(), 1u << 30);
      if (!solved.ok()) throw std::runtime_error("cannot solve the proof of work");
      nonce = *solved;
    } else {
      // A nonce that does not pay: search for one that fails verification.
      if (params_.pow_bits() == 0) throw std::runtime_error("every nonce pays at 0 bits");
      for (std::uint32_t i = 0;; ++i) {
        put_u32be(nonce.data(), i);
        if (!crypto::pow::verify(challenge, crypto::pow::context_for_drop(drop), nonce, params_.pow_bits()).ok()) break;
      }
    }
    v1::Request req;
    req.mutable_put_drop()->set_drop(drop.data(), drop.size());
    req.mutable_put_drop()->set_pow_nonce(nonce.data(), nonce.size());
    return req;
  }

  // True if the relay closes the connection within timeout (end of stream or
  // reset); whatever it sends before closing is read and discarded.
  bool closed_by_relay(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::uint8_t buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto st = socket_.read_exact(MutableByteView(buf, 1), std::max(left, std::chrono::milliseconds(1)));
      if (st.ok()) continue;
      return st.code() != Errc::timeout;
    }
    return false;
  }

  std::uint16_t local_port() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(socket_.fd(), reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  }

  const v1::HandshakePayload& params() const { return params_; }
  client::Socket& socket() { return socket_; }
  void close() { socket_.close(); }

 private:
  explicit RelayPeer(client::Socket s) : socket_(std::move(s)) {}
  client::Socket socket_;
  v1::HandshakePayload params_;
  std::optional<crypto::RecordReader> reader_;
  std::optional<crypto::noise::CipherState> send_cipher_;
};

// A drop-sized run of random bytes: the relay checks size and work, not content.
inline Bytes random_drop(std::size_t size = 32768) { return crypto::random_bytes(size); }

inline client::SubmitOptions quick_submit_options() {
  client::SubmitOptions o;
  o.connect.direct = true;  // a loopback relay, no Tor in these tests
  o.connect.connect_timeout = 5s;
  o.connect.io_timeout = 10s;
  return o;
}

// A real client submission through the library (what `cairn submit` does).
inline Result<client::SubmitReport> submit_text(const RelayUnderTest& r, const std::string& text) {
  client::SubmissionInput in;
  in.text = text;
  in.day = today_utc();
  return client::submit(r.parsed_address(), in, quick_submit_options(), today_utc());
}

// Asserts that a real client is served right now.
inline void expect_good_client_served(const RelayUnderTest& r, const char* when) {
  auto report = submit_text(r, "good client");
  ASSERT_TRUE(report.ok()) << when << ": " << report.error().message;
  EXPECT_EQ(report->drops_acknowledged, 1u) << when;
}

inline std::unique_ptr<relay::Store> open_relay_store(const RelayUnderTest& r) {
  auto key = relay::read_key_file(r.dir / "relay/store.key");
  if (!key.ok()) throw std::runtime_error("store key: " + key.error().message);
  auto store = relay::Store::open(r.dir / "relay/store.db", *key);
  if (!store.ok()) throw std::runtime_error("store: " + store.error().message);
  return std::move(store).value();
}

inline std::uint64_t stored_drops(const RelayUnderTest& r) {
  auto counts = open_relay_store(r)->counts();
  if (!counts.ok()) throw std::runtime_error("counts: " + counts.error().message);
  return counts->drops;
}

}  // namespace cairn::test
