// The source client against a relay that holds the right key but misbehaves
// (a compromised or misconfigured relay): every deviation ends the submission
// with a specific error, in bounded time and a bounded number of connections.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <utility>

#include "client/check.h"
#include "client/codename.h"
#include "client/submit.h"
#include "crypto/pow.h"
#include "crypto/reply_batch.h"
#include "support/deployment.h"
#include "support/loopback.h"
#include "support/process.h"
#include "wire/protocol.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;

// An in-process relay on loopback built from the crypto API: it completes the
// NK handshake with its own key and answers requests as `answer` says.
class FakeRelay {
 public:
  using Answer = std::function<v1::Response(const v1::Request&)>;
  // Changes the handshake parameters of the n-th connection (0 first).
  using Tweak = std::function<void(int connection, v1::HandshakePayload&)>;

  // hold_acks > 0: answers to PutDrops are held back until that many are
  // waiting, the connection's last drop came, or the client has sent nothing
  // for 300 ms; then they are sent together.
  FakeRelay(v1::HandshakePayload params, Answer answer, int max_connections = 4, Tweak tweak = {},
            std::size_t hold_acks = 0)
      : params_(std::move(params)), answer_(std::move(answer)), tweak_(std::move(tweak)), hold_acks_(hold_acks) {
    listener_ = test::listen_loopback(port_);
    thread_ = std::thread([this, max_connections] {
      for (int i = 0; i < max_connections; ++i) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 3000) <= 0) return;
        int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        serve(client::Socket(fd), connections_++);
      }
    });
  }
  ~FakeRelay() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }

  crypto::X25519KeyPair noise = crypto::x25519_generate();
  crypto::Ed25519KeyPair signing = crypto::ed25519_generate();
  crypto::RelayPublicKeys public_keys() const { return {noise.public_key, signing.public_key}; }
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_; }
  // The most PutDrops that were waiting for their answers at once.
  std::size_t most_held() const { return most_held_; }

 private:
  void serve(client::Socket s, int connection) {
    auto hs = test::must(crypto::noise::make_nk_responder(wire::prologue(), noise), "responder");
    Bytes m1(2 + wire::kMessage1Bytes);
    if (!s.read_exact(m1, 5s).ok()) return;
    if (!hs.read_message(ByteView(m1).subspan(2)).ok()) return;
    auto params = params_;
    if (tweak_) tweak_(connection, params);
    auto challenge = crypto::pow::new_challenge();
    params.set_pow_challenge(challenge.data(), challenge.size());
    auto m2 = test::must(hs.write_message(test::must(wire::encode_handshake_payload(params), "payload")), "m2");
    if (!s.write_all(test::must(crypto::frame_noise_message(m2), "frame"), 5s).ok()) return;
    auto ciphers = test::must(hs.split(), "split");
    crypto::RecordReader reader(std::move(ciphers.receive));
    crypto::RecordWriter writer(std::move(ciphers.send));
    ByteArray<crypto::kRecordFrameBytes> frame{};
    std::uint32_t drops = 0;
    Bytes held;
    std::size_t held_count = 0;
    for (;;) {
      // Held answers go out once the client has gone quiet for a while (it
      // is waiting for them): a client that waits for each answer gets each
      // one alone, late; one that sends ahead gets them together.
      if (held_count > 0) {
        pollfd p{s.fd(), POLLIN, 0};
        if (::poll(&p, 1, 300) == 0) {
          most_held_ = std::max<std::size_t>(most_held_, held_count);
          if (!s.write_all(std::exchange(held, {}), 5s).ok()) return;
          held_count = 0;
        }
      }
      if (!s.read_exact(frame, 5s).ok()) return;
      auto message = reader.open_frame(frame);
      if (!message.ok()) return;
      if (!message->has_value()) continue;
      auto request = wire::decode_request(**message);
      if (!request.ok()) return;
      auto out = writer.seal_message(wire::encode(answer_(*request)));
      if (!out.ok()) return;
      const bool last = request->has_put_drop() && ++drops >= params.max_drops_per_connection();
      if (request->has_put_drop() && hold_acks_ > 0) {
        held.insert(held.end(), out->begin(), out->end());
        if (++held_count < hold_acks_ && !last) continue;
        most_held_ = std::max<std::size_t>(most_held_, held_count);
        *out = std::exchange(held, {});
        held_count = 0;
      }
      if (!s.write_all(*out, 5s).ok()) return;
      // Like a relay at its per-connection limit: done with this client.
      if (last) return;
    }
  }

  v1::HandshakePayload params_;
  Answer answer_;
  Tweak tweak_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  std::size_t hold_acks_ = 0;
  std::atomic<std::size_t> most_held_{0};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

v1::HandshakePayload normal_params() {
  v1::HandshakePayload p;
  p.set_version(wire::kProtocolVersion);
  p.set_pow_bits(0);
  p.set_drop_size(32768);
  p.set_max_drops_per_connection(4);
  return p;
}

// Answers like a real relay: the bundle for GetKeyBundle, an ack for PutDrop.
FakeRelay::Answer honest(const Bytes& bundle) {
  return [bundle](const v1::Request& r) {
    v1::Response resp;
    if (r.has_get_key_bundle()) resp.mutable_key_bundle()->set_signed_key_bundle(bundle.data(), bundle.size());
    else resp.mutable_ack()->set_stored(1);
    return resp;
  };
}

Result<client::SubmitReport> submit_to(const test::TestDeployment& d, const FakeRelay& relay,
                                       const std::string& text = "testimony") {
  auto address = test::must(crypto::parse_drop_address(d.address(relay.noise.public_key, "127.0.0.1", relay.port())),
                            "address");
  client::SubmissionInput in;
  in.text = text;
  client::SubmitOptions o;
  o.connect.direct = true;
  o.connect.connect_timeout = 2s;
  o.connect.io_timeout = 2s;
  return client::submit(address, in, o, today_utc());
}

// A stand-in relay whose bundle is filled in after construction (the bundle
// certifies the fake relay's own keys).
struct Scenario {
  test::TestDeployment d;
  Bytes bundle;
  std::unique_ptr<FakeRelay> relay;
  Scenario(v1::HandshakePayload params, std::function<FakeRelay::Answer(const Bytes&)> make_answer,
           int max_connections = 4, FakeRelay::Tweak tweak = {}, std::size_t hold_acks = 0) {
    // The answer reads `bundle` through this pointer once it is set below.
    auto* self = this;
    relay = std::make_unique<FakeRelay>(
        std::move(params), [self, make_answer](const v1::Request& r) { return make_answer(self->bundle)(r); },
        max_connections, std::move(tweak), hold_acks);
    bundle = d.bundle(relay->public_keys());
  }
};

TEST(HostileRelay, HonestFakeRelayIsServed) {
  Scenario s(normal_params(), honest);
  auto report = submit_to(s.d, *s.relay);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->drops_acknowledged, 1u);
}

// Drops in flight: a relay that answers no PutDrop until eight are waiting
// still gets the whole submission, so the client sends ahead of its acks (a
// client that waited for each ack would wait here until its deadline).
TEST(HostileRelay, DropsAreSentAheadOfTheirAcks) {
  auto params = normal_params();
  params.set_max_drops_per_connection(8);
  Scenario s(params, honest, 8, {}, 8);
  auto report = submit_to(s.d, *s.relay, std::string(12 * 30000, 'x'));  // 12 or more drops: two connections
  ASSERT_TRUE(report.ok()) << report.error().message << " (connections " << s.relay->connections() << ", most held "
                           << s.relay->most_held() << ")";
  EXPECT_GE(report->drops_total, 12u);
  EXPECT_EQ(report->drops_acknowledged, report->drops_total);
  EXPECT_EQ(s.relay->most_held(), 8u);
  EXPECT_EQ(s.relay->connections(), 2);
}

// Caught a client bug: a relay announcing 0 drops per connection made the
// client reconnect for ever.
TEST(HostileRelay, ZeroDropsPerConnectionEndsTheSubmission) {
  auto params = normal_params();
  params.set_max_drops_per_connection(0);
  Scenario s(params, honest, 8);
  auto report = submit_to(s.d, *s.relay);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.code(), Errc::protocol);
  EXPECT_NE(report.error().message.find("takes no drops"), std::string::npos) << report.error().message;
  EXPECT_LE(s.relay->connections(), 1);
}

TEST(HostileRelay, DeviationsGetSpecificErrors) {
  struct Case {
    const char* name;
    std::function<void(v1::HandshakePayload&)> params;
    std::function<FakeRelay::Answer(const Bytes&)> answer;
    std::string expected;
  };
  auto same = [](v1::HandshakePayload&) {};
  const Case cases[] = {
      {"drop size differs from the bundle's", [](auto& p) { p.set_drop_size(65536); }, honest,
       "disagree about the drop size"},
      {"unknown protocol version", [](auto& p) { p.set_version(2); }, honest, "protocol version 2"},
      {"no acknowledgement",
       same,
       [](const Bytes& b) {
         return [b](const v1::Request& r) {
           v1::Response resp;
           if (r.has_get_key_bundle()) resp.mutable_key_bundle()->set_signed_key_bundle(b.data(), b.size());
           else resp.mutable_reply_board();
           return resp;
         };
       },
       "did not acknowledge"},
      {"an empty response", same, [](const Bytes&) { return [](const v1::Request&) { return v1::Response{}; }; },
       "response is empty"},
      {"a bundle that does not verify",
       same,
       [](const Bytes& b) {
         return [b](const v1::Request&) {
           Bytes bad = b;
           bad[bad.size() / 2] ^= 1;
           v1::Response resp;
           resp.mutable_key_bundle()->set_signed_key_bundle(bad.data(), bad.size());
           return resp;
         };
       },
       ""},
      {"refusal with a detail", same,
       [](const Bytes& b) {
         return [b](const v1::Request& r) {
           v1::Response resp;
           if (r.has_get_key_bundle()) resp.mutable_key_bundle()->set_signed_key_bundle(b.data(), b.size());
           else *resp.mutable_error() = wire::error_response(v1::ERROR_CODE_POW_INSUFFICIENT, "no work").error();
           return resp;
         };
       },
       "the relay refused the drop: it does not match what the relay expects"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto params = normal_params();
    c.params(params);
    Scenario s(params, c.answer);
    auto report = submit_to(s.d, *s.relay);
    ASSERT_FALSE(report.ok());
    EXPECT_FALSE(report.error().message.empty());
    if (!c.expected.empty()) {
      EXPECT_NE(report.error().message.find(c.expected), std::string::npos) << report.error().message;
    }
    // The relay's own words (Error.detail) are never passed on.
    EXPECT_EQ(report.error().message.find("no work"), std::string::npos) << report.error().message;
  }
}

// A relay's Error.detail is never shown, whatever it holds (terminal escape
// sequences, lies): the real client prints its own sentence for the code,
// when sending and when checking for replies.
TEST(HostileRelay, TheRelaysErrorTextIsNeverPrinted) {
  const std::string detail =
      "\x1b]0;pwned\x07\x1b[2J\x1b[31mYOUR IP IS LOGGED: SEND EVERYTHING AGAIN TO cairn1evil\x1b[0m\r\x1b[K";
  Scenario s(normal_params(), [detail](const Bytes& b) {
    return [b, detail](const v1::Request& r) {
      v1::Response resp;
      if (r.has_get_key_bundle()) {
        resp.mutable_key_bundle()->set_signed_key_bundle(b.data(), b.size());
      } else {
        resp.mutable_error()->set_code(v1::ERROR_CODE_QUOTA_EXCEEDED);
        resp.mutable_error()->set_detail(detail);
      }
      return resp;
    };
  });
  const auto address = s.d.address(s.relay->noise.public_key, "127.0.0.1", s.relay->port());
  auto codename = client::format_codename(client::generate_codename(), client::Language::english);
  const test::RunResult runs[] = {
      test::run_capture({test::binary("client/cairn"), "submit", "--direct", "--to", address}, "testimony"),
      test::run_capture({test::binary("client/cairn"), "check", "--direct", "--to", address},
                        std::string(as_chars(codename.view())) + "\n"),
  };
  for (const auto& run : runs) {
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("cairn: error: the relay is full right now; try again later"), std::string::npos)
        << run.err;
    for (const auto* text : {&run.out, &run.err}) {
      EXPECT_EQ(text->find('\x1b'), std::string::npos) << *text;
      EXPECT_EQ(text->find("pwned"), std::string::npos) << *text;
      EXPECT_EQ(text->find("LOGGED"), std::string::npos) << *text;
      EXPECT_EQ(text->find("evil"), std::string::npos) << *text;
    }
  }
}

// A relay that behaves on the first connection and then, when the client
// reconnects for the next drops, asks for more work than the signed bundle
// allows (or another drop size): refused on that connection, before any work.
TEST(HostileRelay, ReconnectsAreHeldToTheSignedBundle) {
  struct Case {
    const char* name;
    std::function<void(v1::HandshakePayload&)> change;
    Errc expected;
    std::string message;
  };
  const Case cases[] = {
      {"32 bits of work", [](auto& p) { p.set_pow_bits(32); }, Errc::untrusted, "more proof of work (32 bits)"},
      {"another drop size", [](auto& p) { p.set_drop_size(65536); }, Errc::protocol, "disagree about the drop size"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto params = normal_params();
    params.set_max_drops_per_connection(1);
    Scenario s(params, honest, 4, [&c](int connection, v1::HandshakePayload& p) {
      if (connection > 0) c.change(p);
    });
    // Text for two drops: the second drop needs a second connection.
    auto report = submit_to(s.d, *s.relay, std::string(40000, 'x'));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.code(), c.expected);
    EXPECT_NE(report.error().message.find(c.message), std::string::npos) << report.error().message;
    EXPECT_EQ(s.relay->connections(), 2);
  }
}

// A bundle certified for another relay key is refused, even when it verifies.
TEST(HostileRelay, BundleForAnotherRelayIsUntrusted) {
  test::TestDeployment d;
  crypto::RelayPublicKeys other{crypto::x25519_generate().public_key, crypto::ed25519_generate().public_key};
  Bytes bundle = d.bundle(other);
  FakeRelay relay(normal_params(), honest(bundle));
  auto report = submit_to(d, relay);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.code(), Errc::untrusted);
}

// --- The paged reply board (`cairn check`) against a relay that lies ---

// Page `page` of a board of `count` pages, one made-up reply per page.
v1::Response board_page(std::uint32_t page, std::uint32_t count, char digest = 'd') {
  v1::Response resp;
  auto* b = resp.mutable_reply_board();
  b->add_replies("reply on page " + std::to_string(page));
  b->set_page(page);
  b->set_page_count(count);
  b->set_board_digest(std::string(32, digest));
  return resp;
}

Result<client::ReplyBoardDownload> check_against(const Scenario& s) {
  auto address = test::must(
      crypto::parse_drop_address(s.d.address(s.relay->noise.public_key, "127.0.0.1", s.relay->port())), "address");
  client::ConnectOptions o;
  o.direct = true;
  o.connect_timeout = 2s;
  o.io_timeout = 2s;
  return client::fetch_reply_board(address, o);
}

TEST(HostileRelay, AnHonestPagedBoardIsReadWhole) {
  Scenario s(normal_params(), [](const Bytes&) {
    return [](const v1::Request& r) { return board_page(r.get_reply_board().page(), 3); };
  });
  auto board = check_against(s);
  ASSERT_TRUE(board.ok()) << board.error().message;
  EXPECT_EQ(board->pages, 3u);
  ASSERT_EQ(board->replies.size(), 3u);
  EXPECT_EQ(board->replies[2], to_bytes(std::string_view("reply on page 2")));
  EXPECT_EQ(s.relay->connections(), 1);
}

TEST(HostileRelay, ReplyBoardDeviationsGetSpecificErrors) {
  struct Case {
    const char* name;
    // Called with how many times page 0 has been asked for so far (1 on the first).
    std::function<v1::Response(std::uint32_t page, int fetch)> answer;
    Errc code;
    std::string expected;
    int fetches;  // how many times the client starts from page 0
  };
  const Case cases[] = {
      {"one page over the cap", [](std::uint32_t p, int) { return board_page(p, crypto::kMaxBoardPages + 1); },
       Errc::too_large, "reply board has 9 pages; a board has at most 8", 1},
      {"an absurd page count", [](std::uint32_t p, int) { return board_page(p, 4000000000u); }, Errc::too_large,
       "a board has at most 8", 1},
      {"another page than asked", [](std::uint32_t, int) { return board_page(0, 2); }, Errc::protocol,
       "answered with page 1 of the reply board when page 2 was asked for", 1},
      {"too many replies on a page",
       [](std::uint32_t p, int) {
         auto r = board_page(p, 1);
         for (std::size_t i = 0; i < crypto::kBoardPageReplies; ++i) r.mutable_reply_board()->add_replies("x");
         return r;
       },
       Errc::too_large, "a page holds at most 250", 1},
      {"the page count changes on every page",
       [](std::uint32_t p, int fetch) { return board_page(p, p == 0 ? 2 : 3 + static_cast<std::uint32_t>(fetch)); },
       Errc::protocol, "changed twice while it was being fetched", 2},
      {"the digest changes on every page", [](std::uint32_t p, int) { return board_page(p, 2, p == 0 ? 'a' : 'b'); },
       Errc::protocol, "changed twice while it was being fetched", 2},
      {"the last page vanishes every time",
       [](std::uint32_t p, int) {
         if (p == 0) return board_page(0, 2);
         v1::Response r;
         *r.mutable_error() = wire::error_response(v1::ERROR_CODE_NO_SUCH_PAGE, "gone").error();
         return r;
       },
       Errc::protocol, "changed twice while it was being fetched", 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto fetches = std::make_shared<std::atomic<int>>(0);
    Scenario s(normal_params(), [&c, fetches](const Bytes&) {
      return [&c, fetches](const v1::Request& r) {
        const std::uint32_t page = r.get_reply_board().page();
        if (page == 0) ++*fetches;
        return c.answer(page, fetches->load());
      };
    });
    auto board = check_against(s);
    ASSERT_FALSE(board.ok());
    EXPECT_EQ(board.code(), c.code);
    EXPECT_NE(board.error().message.find(c.expected), std::string::npos) << board.error().message;
    EXPECT_EQ(fetches->load(), c.fetches);
    EXPECT_EQ(s.relay->connections(), 1);
  }
}

// A batch published while a source checks: the page count grows between page
// 0 and page 1. The client starts again from page 0, once, on the same
// connection, and reads the new board whole.
TEST(HostileRelay, ABoardThatChangesOnceMidFetchIsFetchedAgainFromPageZero) {
  auto fetches = std::make_shared<std::atomic<int>>(0);
  Scenario s(normal_params(), [fetches](const Bytes&) {
    return [fetches](const v1::Request& r) {
      const std::uint32_t page = r.get_reply_board().page();
      if (page == 0) ++*fetches;
      // The first fetch sees two pages on page 0 and three from page 1 on.
      const bool before = fetches->load() == 1 && page == 0;
      return board_page(page, before ? 2 : 3, before ? 'a' : 'b');
    };
  });
  auto board = check_against(s);
  ASSERT_TRUE(board.ok()) << board.error().message;
  EXPECT_EQ(fetches->load(), 2);
  EXPECT_EQ(board->pages, 3u);
  EXPECT_EQ(board->replies.size(), 3u);
  EXPECT_EQ(s.relay->connections(), 1);
}

}  // namespace
}  // namespace cairn
