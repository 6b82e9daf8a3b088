// Promise 5 against a real relay process: hostile bytes at every stage of a
// connection get a specific error or a closed connection, never a crash and
// never a stored row, and a good client is served right after each of them.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "crypto/random.h"
#include "relay_peer.h"

namespace cairn {
namespace {

using test::RelayPeer;
using test::RelayUnderTest;
using namespace std::chrono_literals;

constexpr std::uint32_t kDropSize = 32768;

// Short deadlines so that a connection left half-open ends within the test.
const std::vector<std::string> kShortDeadlines = {"--handshake-timeout-ms", "1500", "--idle-timeout-ms", "1500",
                                                  "--operation-timeout-ms", "1500"};

TEST(RelayHostileInput, WrongRelayKeyInTheAddressNamesTheLikelyCause) {
  RelayUnderTest r;
  r.init();
  r.serve();
  auto wrong = r.deployment.address(crypto::x25519_generate().public_key, "127.0.0.1", r.port);
  client::SubmissionInput in;
  in.text = "sent to a relay key that is not this relay's";
  auto report = client::submit(test::must(crypto::parse_drop_address(wrong), "address"), in,
                               test::quick_submit_options(), today_utc());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.code(), Errc::protocol);
  EXPECT_NE(report.error().message.find("relay key in the drop address may be wrong"), std::string::npos)
      << report.error().message;
  test::expect_good_client_served(r, "after a wrong-key client");
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 1u);
}

// Bytes sent instead of (or as part of) the first handshake message.
TEST(RelayHostileInput, BadHandshakesAreClosedAndOthersAreServed) {
  struct Case {
    const char* name;
    Bytes bytes;
    bool half_close;  // send FIN after the bytes (otherwise the handshake deadline ends it)
  };
  auto framed = [](std::uint16_t length, Bytes body) {
    Bytes b(2);
    put_u16be(b.data(), length);
    b.insert(b.end(), body.begin(), body.end());
    return b;
  };
  const Case cases[] = {
      {"zero-length connection", {}, true},
      {"zero-length connection, left open", {}, false},
      {"one byte", {0x00}, true},
      {"message 1 length 0", framed(0, {}), false},
      {"message 1 length 47", framed(47, crypto::random_bytes(47)), false},
      {"message 1 length 49", framed(49, crypto::random_bytes(49)), false},
      {"message 1 length 65535", framed(65535, crypto::random_bytes(1000)), false},
      {"message 1 truncated", framed(48, crypto::random_bytes(20)), true},
      {"message 1 truncated, left open", framed(48, crypto::random_bytes(20)), false},
      {"message 1 of random bytes", framed(48, crypto::random_bytes(48)), false},
      {"random bytes", crypto::random_bytes(4096), false},
      {"an HTTP request", to_bytes("GET / HTTP/1.1\r\nHost: relay\r\n\r\n"), false},
      {"a TLS client hello prefix", Bytes{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03}, false},
  };
  RelayUnderTest r;
  r.init();
  r.serve(kShortDeadlines);
  int good = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto peer = RelayPeer::connect(r.port);
    if (!c.bytes.empty()) {
      ASSERT_TRUE(peer.send_raw(c.bytes).ok());
    }
    if (c.half_close) ::shutdown(peer.socket().fd(), SHUT_WR);
    // While the hostile connection is open, a good client is served.
    test::expect_good_client_served(r, c.name);
    ++good;
    EXPECT_TRUE(peer.closed_by_relay(4s)) << "the relay kept the connection open";
  }
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), static_cast<std::uint64_t>(good));
}

// Hostile records after a correct handshake.
TEST(RelayHostileInput, BadRecordsAreClosedAndOthersAreServed) {
  RelayUnderTest r;
  r.init();
  r.serve(kShortDeadlines);
  const auto relay_key = r.relay_keys.noise;
  v1::Request get_bundle;
  get_bundle.mutable_get_key_bundle();

  struct Case {
    const char* name;
    std::function<Bytes(RelayPeer&)> bytes;
    bool half_close = false;
  };
  auto record_with_length_field = [&](std::uint16_t field) {
    return [&, field](RelayPeer& p) {
      auto frames = test::must(p.seal(get_bundle), "seal");
      put_u16be(frames.data(), field);
      return frames;
    };
  };
  const std::size_t cap = wire::max_request_bytes(kDropSize);
  const Case cases[] = {
      {"record frame length field 4111", record_with_length_field(4111)},
      {"record frame length field 4113", record_with_length_field(4113)},
      {"record frame length field 0", record_with_length_field(0)},
      {"record frame length field 65535", record_with_length_field(65535)},
      {"a record 1 byte short",
       [&](RelayPeer& p) { return test::must(p.seal_frame(Bytes(4095, 0), 4111), "seal"); }},
      {"a record 1 byte long",
       [&](RelayPeer& p) { return test::must(p.seal_frame(Bytes(4097, 0), 4113), "seal"); }},
      {"a record cut short, then FIN",
       [&](RelayPeer& p) {
         auto f = test::must(p.seal(get_bundle), "seal");
         f.resize(2000);
         return f;
       },
       true},
      {"a record cut short, left open",
       [&](RelayPeer& p) {
         auto f = test::must(p.seal(get_bundle), "seal");
         f.resize(2000);
         return f;
       }},
      {"a tampered record",
       [&](RelayPeer& p) {
         auto f = test::must(p.seal(get_bundle), "seal");
         f[100] ^= 0x01;
         return f;
       }},
      {"a record sent twice",
       [&](RelayPeer& p) {
         auto f = test::must(p.seal(get_bundle), "seal");
         Bytes twice = f;
         twice.insert(twice.end(), f.begin(), f.end());
         return twice;
       }},
      {"announced message length 2^32-1",
       [&](RelayPeer& p) { return test::must(p.seal_stream(wire::encode(get_bundle), 0xffffffffu), "seal"); }},
      {"announced message length one over the relay's cap",
       [&](RelayPeer& p) {
         return test::must(p.seal_stream(wire::encode(get_bundle), static_cast<std::uint32_t>(cap + 1)), "seal");
       }},
      {"announced length longer than what follows, left open",
       [&](RelayPeer& p) { return test::must(p.seal_stream(wire::encode(get_bundle), 10000), "seal"); }},
      {"non-zero padding",
       [&](RelayPeer& p) {
         Bytes rec(crypto::kRecordPlaintextBytes, 0);
         auto msg = wire::encode(get_bundle);
         put_u32be(rec.data(), static_cast<std::uint32_t>(msg.size()));
         std::copy(msg.begin(), msg.end(), rec.begin() + 4);
         rec.back() = 1;
         return test::must(p.seal_frame(rec, crypto::kRecordCiphertextBytes), "seal");
       }},
      {"an empty request", [&](RelayPeer& p) { return test::must(p.seal_stream({}), "seal"); }},
      {"a request that does not parse",
       [&](RelayPeer& p) { return test::must(p.seal_stream(Bytes{0xff, 0xff, 0xff, 0xff, 0x0f}), "seal"); }},
      {"a request of random bytes",
       [&](RelayPeer& p) { return test::must(p.seal_stream(crypto::random_bytes(3000)), "seal"); }},
      {"a request of zero bytes", [&](RelayPeer& p) { return test::must(p.seal_stream(Bytes(100, 0)), "seal"); }},
  };
  int good = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto peer = test::must(RelayPeer::open(r.port, relay_key), "handshake");
    ASSERT_TRUE(peer.send_raw(c.bytes(peer)).ok());
    if (c.half_close) ::shutdown(peer.socket().fd(), SHUT_WR);
    test::expect_good_client_served(r, c.name);
    ++good;
    EXPECT_TRUE(peer.closed_by_relay(4s)) << "the relay kept the connection open";
  }
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), static_cast<std::uint64_t>(good));
}

// Well-formed requests with bad drops: a specific error each, nothing stored,
// and the connection stays usable.
TEST(RelayHostileInput, BadDropsGetSpecificErrors) {
  RelayUnderTest r;
  r.init();
  r.serve();
  auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  ASSERT_EQ(peer.params().drop_size(), kDropSize);
  struct Case {
    const char* name;
    v1::Request request;
    v1::ErrorCode expected;
  };
  auto with_nonce = [&](Bytes nonce) {
    auto req = peer.put_drop(test::random_drop());
    req.mutable_put_drop()->set_pow_nonce(nonce.data(), nonce.size());
    return req;
  };
  const Case cases[] = {
      {"drop 1 byte short", peer.put_drop(test::random_drop(kDropSize - 1)), v1::ERROR_CODE_DROP_WRONG_SIZE},
      {"drop 1 byte long", peer.put_drop(test::random_drop(kDropSize + 1)), v1::ERROR_CODE_DROP_WRONG_SIZE},
      {"empty drop", peer.put_drop({}), v1::ERROR_CODE_DROP_WRONG_SIZE},
      {"drop of 100 bytes", peer.put_drop(test::random_drop(100)), v1::ERROR_CODE_DROP_WRONG_SIZE},
      {"work not done", peer.put_drop(test::random_drop(), false), v1::ERROR_CODE_POW_INSUFFICIENT},
      {"no nonce", with_nonce({}), v1::ERROR_CODE_POW_INSUFFICIENT},
      {"nonce of 7 bytes", with_nonce(Bytes(7, 0)), v1::ERROR_CODE_POW_INSUFFICIENT},
      {"nonce of 9 bytes", with_nonce(Bytes(9, 0)), v1::ERROR_CODE_POW_INSUFFICIENT},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto resp = peer.call(c.request);
    ASSERT_TRUE(resp.ok()) << resp.error().message;
    ASSERT_TRUE(resp->has_error());
    EXPECT_EQ(resp->error().code(), c.expected);
    EXPECT_FALSE(resp->error().detail().empty());
  }
  // Work done for one drop does not pay for another. (At 4 bits a nonce pays
  // for 1 drop in 16 by chance, so pick another drop it does not pay for.)
  {
    auto paid = peer.put_drop(test::random_drop());
    crypto::pow::Challenge challenge{};
    std::copy(peer.params().pow_challenge().begin(), peer.params().pow_challenge().end(), challenge.begin());
    Bytes other;
    do {
      other = test::random_drop();
    } while (crypto::pow::verify(challenge, crypto::pow::context_for_drop(other),
                                 as_bytes(paid.put_drop().pow_nonce()), peer.params().pow_bits())
                 .ok());
    paid.mutable_put_drop()->set_drop(other.data(), other.size());
    auto resp = peer.call(paid);
    ASSERT_TRUE(resp.ok());
    ASSERT_TRUE(resp->has_error());
    EXPECT_EQ(resp->error().code(), v1::ERROR_CODE_POW_INSUFFICIENT);
  }
  test::expect_good_client_served(r, "during a connection sending bad drops");
  // The same connection still takes a good drop.
  auto resp = peer.call(peer.put_drop(test::random_drop()));
  ASSERT_TRUE(resp.ok()) << resp.error().message;
  EXPECT_TRUE(resp->has_ack());
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 2u);
}

TEST(RelayHostileInput, NoKeyBundlePublishedRefusesDrops) {
  RelayUnderTest r;
  auto init = test::run_capture(
      r.relay_cmd({"init", "--organisation-key", r.deployment.org_text(), "--quota-bytes", "4194304"}));
  ASSERT_EQ(init.exit_code, 0) << init.err;
  r.relay_keys = test::must(crypto::parse_relay_keys(init.out.substr(0, init.out.find('\n'))), "relay keys");
  r.serve();

  auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  EXPECT_EQ(peer.params().drop_size(), 0u);
  v1::Request get_bundle;
  get_bundle.mutable_get_key_bundle();
  auto b = peer.call(get_bundle);
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_TRUE(b->has_error());
  EXPECT_EQ(b->error().code(), v1::ERROR_CODE_NO_KEY_BUNDLE);
  for (std::size_t size : {std::size_t{100}, std::size_t{kDropSize}}) {
    SCOPED_TRACE(size);
    auto resp = peer.call(peer.put_drop(test::random_drop(size)));
    ASSERT_TRUE(resp.ok()) << resp.error().message;
    ASSERT_TRUE(resp->has_error());
    EXPECT_EQ(resp->error().code(), v1::ERROR_CODE_NO_KEY_BUNDLE);
  }
  // The real client says what is going on.
  auto report = test::submit_text(r, "too early");
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("no analyst keys"), std::string::npos) << report.error().message;
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 0u);
}

// A loopback TCP proxy that forwards one connection both ways and records
// every byte the client sent.
class RecordingProxy {
 public:
  explicit RecordingProxy(std::uint16_t target) : target_(target) {
    listener_ = test::listen_loopback(port_);
    thread_ = std::thread([this] { run(); });
  }
  ~RecordingProxy() {
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }
  // Waits for the connection to end and returns what the client sent.
  Bytes client_bytes() {
    if (thread_.joinable()) thread_.join();
    return recorded_;
  }

 private:
  void run() {
    // A client that never comes (the test failed before connecting) ends the
    // wait after 30 s, so the destructor's join cannot hang the test binary.
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, 30000) <= 0) return;
    int c = ::accept(listener_, nullptr, nullptr);
    if (c < 0) return;
    int s = test::connect_loopback(target_);
    if (s < 0) {
      ::close(c);
      return;
    }
    std::uint8_t buf[65536];
    bool client_open = true, relay_open = true;
    while (client_open && relay_open) {
      pollfd fds[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
      if (::poll(fds, 2, 10000) <= 0) break;
      if (fds[0].revents != 0) {
        auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) {
          client_open = false;
        } else {
          recorded_.insert(recorded_.end(), buf, buf + n);
          (void)::send(s, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
        }
      }
      if (fds[1].revents != 0) {
        auto n = ::recv(s, buf, sizeof buf, 0);
        if (n <= 0)
          relay_open = false;
        else
          (void)::send(c, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
      }
    }
    ::close(c);
    ::close(s);
  }

  std::uint16_t target_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  Bytes recorded_;
  std::thread thread_;
};

TEST(RelayHostileInput, ReplayedSessionStoresNothing) {
  RelayUnderTest r;
  r.init();
  r.serve();
  RecordingProxy proxy(r.port);
  client::SubmissionInput in;
  in.text = "recorded on the wire by an observer";
  auto via_proxy = test::must(crypto::parse_drop_address(r.deployment.address(r.relay_keys.noise, "127.0.0.1",
                                                                               proxy.port())),
                              "address");
  auto report = client::submit(via_proxy, in, test::quick_submit_options(), today_utc());
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->drops_acknowledged, 1u);
  Bytes recorded = proxy.client_bytes();
  ASSERT_GT(recorded.size(), 2 + wire::kMessage1Bytes + 9 * crypto::kRecordFrameBytes);

  // Whole session replayed, twice, and its first message alone.
  for (int i = 0; i < 2; ++i) {
    auto replay = RelayPeer::connect(r.port);
    (void)replay.send_raw(recorded);  // the relay may close before it has read it all
    EXPECT_TRUE(replay.closed_by_relay(4s));
  }
  test::expect_good_client_served(r, "after replays");
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 2u);
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

using test::RelayPeer;
using test::RelayUnderTest;
using namespace std::chrono_literals;

// Every record has one size, so a frame header announcing any other length is
// refused as soon as its 2 bytes arrive: with the default 30 s deadlines, the
// relay must close within 2 s without waiting for the rest of a frame.
TEST(RelayHostileInput, AWrongFrameLengthIsRefusedAtItsTwoBytes) {
  RelayUnderTest r;
  r.init();
  r.serve();
  v1::Request get_bundle;
  get_bundle.mutable_get_key_bundle();
  for (std::uint16_t field : {std::uint16_t{0}, std::uint16_t{4111}, std::uint16_t{4113}, std::uint16_t{65535}}) {
    SCOPED_TRACE(field);
    {  // as the first frame of a request
      auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
      Bytes header(2);
      put_u16be(header.data(), field);
      ASSERT_TRUE(peer.send_raw(header).ok());
      EXPECT_TRUE(peer.closed_by_relay(2s)) << "held open after a wrong frame length";
    }
    {  // in the middle of a PutDrop
      auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
      auto frames = test::must(peer.seal(peer.put_drop(test::random_drop())), "seal");
      Bytes first(frames.begin(), frames.begin() + crypto::kRecordFrameBytes + 2);
      put_u16be(first.data() + crypto::kRecordFrameBytes, field);
      ASSERT_TRUE(peer.send_raw(first).ok());
      EXPECT_TRUE(peer.closed_by_relay(2s)) << "held open after a wrong frame length";
    }
  }
  test::expect_good_client_served(r, "after wrong frame lengths");
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 1u);
}

// A repeated drop is acknowledged (it is stored) but not counted again, in the
// ack or in the log.
TEST(RelayHostileInput, ARepeatedDropIsAcknowledgedButNotCountedAsStored) {
  RelayUnderTest r;
  r.init();
  r.serve();
  auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  auto drop = test::random_drop();
  for (int i = 0; i < 3; ++i) {
    auto resp = peer.call(peer.put_drop(drop));
    ASSERT_TRUE(resp.ok()) << resp.error().message;
    ASSERT_TRUE(resp->has_ack());
    EXPECT_EQ(resp->ack().stored(), 1u) << "attempt " << i;
  }
  auto resp = peer.call(peer.put_drop(test::random_drop()));
  ASSERT_TRUE(resp.ok() && resp->has_ack());
  EXPECT_EQ(resp->ack().stored(), 2u);
  peer.close();
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 2u);
  EXPECT_NE(r.log().find("drops_stored=2 "), std::string::npos) << r.log();
}

}  // namespace
}  // namespace cairn
