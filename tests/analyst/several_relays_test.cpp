// One organisation, three relays (docs/PROTOCOL.md, "Several relays"): real
// cairn-relay and cairn-analyst processes on 127.0.0.1, each relay serving on
// a port the kernel picked (--port 0) behind its own loopback proxy
// (tests/support/cut_proxy.h), which the test tells to pass, refuse, or cut a
// connection after k acknowledged drops. The station records the proxies as
// the places the relays listen, so drop addresses and key bundles name them.
//
// (a) With two relays down or refusing, a submission lands on the third, and
//     the station imports the three exports and shows each testimony once.
// (b) A submission cut mid-way on its relay goes on through another relay
//     (the key bundle's list), and one run again after a failed run lands on
//     another relay: the station reassembles each once.
// (c) Bad input at the station and the relay: too many relays for a bundle,
//     a bundle naming a relay the organisation did not certify.
// (d) One reply batch file, published on every relay: `cairn check` finds the
//     reply whichever relay answers.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <set>
#include <thread>

#include "analyst/testimony.h"
#include "crypto/bech32.h"
#include "proto/keys.pb.h"
#include "relay/relay_keys.h"
#include "relay/store.h"
#include "support/relay_fixture.h"
#include "client/check.h"
#include "client/codename.h"
#include "client/submit.h"
#include "crypto/key_text.h"
#include "station.h"
#include "support/cut_proxy.h"
#include "support/loopback.h"
#include "wire/protocol.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint32_t kDropsPerConnection = 16;

// What a relay's proxy does with the connections it accepts from now on.
enum class Mode { pass, refuse, cut_then_refuse };

struct RelayProcess {
  std::string name;
  fs::path dir;
  test::Process serve;
  std::uint16_t port = 0;  // the relay's own port
  std::unique_ptr<test::CutProxy> proxy;
  std::atomic<Mode> mode{Mode::pass};
  std::atomic<std::size_t> first_connection{0};  // cut_then_refuse: the connection to cut ...
  std::atomic<std::size_t> cut_after{0};         // ... after this many bytes from the relay
  std::size_t before_acks = 0;  // what the relay sends before the first ack: handshake reply, key bundle, board

  test::RunResult run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{test::relay_binary(), "--dir", (dir / "relay").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_capture(argv);
  }
  std::uint64_t drops() const {
    auto status = run({"status"}).out;
    auto at = status.find("drops stored:");
    return at == std::string::npos ? ~0ull : std::stoull(status.substr(at + 13));
  }
  void set(Mode m) { mode = m; }
  // Cuts the next connection once the relay has acknowledged k drops, and refuses every later one.
  void cut_next_after_acks(std::size_t k) {
    first_connection = proxy->connections();
    cut_after = before_acks + k * crypto::kRecordFrameBytes;
    mode = Mode::cut_then_refuse;
  }
};

class SeveralRelays : public ::testing::Test {
 protected:
  void SetUp() override {
    station.init("kim");
    for (std::size_t i = 0; i < relays.size(); ++i) {
      auto& r = relays[i];
      r.name = "relay-" + std::to_string(i + 1);
      r.dir = temp.path() / r.name;
      auto init = r.run({"init", "--organisation-key", station.org_text(), "--quota-bytes", "33554432"});
      ASSERT_EQ(init.exit_code, 0) << init.err;
      station.ok({"relay", "add", r.name, test::first_line(init.out)});
      start(r);
      r.proxy = std::make_unique<test::CutProxy>(r.port, [&r](std::size_t c) -> test::CutProxy::Rule {
        switch (r.mode.load()) {
          case Mode::refuse: return {std::nullopt, true};
          case Mode::cut_then_refuse:
            if (c == r.first_connection) return {r.cut_after.load(), false};
            return {std::nullopt, c > r.first_connection};
          case Mode::pass: break;
        }
        return {};
      });
    }
    // Where each relay listens, as sources reach it: its proxy.
    for (auto& r : relays) station.ok({"relay", "address", r.name, "127.0.0.1:" + std::to_string(r.proxy->port())});
    for (auto& r : relays) {
      auto bundle = station.path(r.name + ".cairn");
      station.ok({"keys", "bundle", "--relay", r.name, "--out", bundle.string()});
      auto published = r.run({"publish", bundle.string()});
      ASSERT_EQ(published.exit_code, 0) << published.err;
    }
    // The relays read a published bundle within 5 s.
    for (auto& r : relays) ASSERT_NO_FATAL_FAILURE(wait_for_bundle(r));
  }
  void TearDown() override {
    for (auto& r : relays) {
      r.proxy.reset();
      if (r.serve.running()) {
        EXPECT_EQ(r.serve.kill_and_wait(SIGTERM), 0);
      }
    }
  }

  void start(RelayProcess& r) {
    const std::string log = (r.dir / "serve.log").string();
    ASSERT_TRUE(r.serve.start({test::relay_binary(), "--dir", (r.dir / "relay").string(), "serve", "--listen",
                               "127.0.0.1", "--port", "0", "--pow-bits", "4", "--drops-per-connection",
                               std::to_string(kDropsPerConnection)},
                              log));
    r.port = test::wait_for_logged_port(log, 0, std::chrono::seconds(10));
    ASSERT_NE(r.port, 0) << "the relay did not start";
  }

  // Waits until the relay serves its key bundle, and records what it sends
  // before the first ack (the handshake reply, the key bundle and the board).
  void wait_for_bundle(RelayProcess& r) {
    crypto::RelayAddress direct{must(crypto::parse_relay_keys(relay_keys_text(r)), "keys").noise, "127.0.0.1", r.port};
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto conn = client::RelayConnection::open(direct, options().connect);
      if (conn.ok()) {
        if (auto records = test::records_before_first_ack(*conn)) {
          r.before_acks = test::bytes_before_first_ack(*records);
          return;
        }
      }
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << r.name << " never served its key bundle";
  }
  std::string relay_keys_text(const RelayProcess& r) const {
    auto list = station.ok({"relay", "list"}).out;
    auto at = list.find(r.name + "  ");
    EXPECT_NE(at, std::string::npos) << list;
    auto line = list.substr(at + r.name.size() + 2);
    return line.substr(0, line.find(' '));
  }

  // The drop address naming these relays (their recorded places, the proxies).
  std::string address_text(const std::vector<std::string>& names) const {
    std::vector<std::string> args{"keys", "address"};
    for (const auto& n : names) args.insert(args.end(), {"--relay", n});
    return test::first_line(station.ok(args).out);
  }
  crypto::DropAddress address_of(const std::vector<std::string>& names) const {
    return must(crypto::parse_drop_address(address_text(names)), "address");
  }

  static client::SubmitOptions options() {
    client::SubmitOptions o;
    o.connect.direct = true;
    o.connect.connect_timeout = std::chrono::seconds(5);
    o.connect.io_timeout = std::chrono::seconds(20);
    o.window = 8;
    return o;
  }
  // A testimony of many drops with a photo unique to `seed`. Its text (a
  // view in SubmissionInput) lives in the fixture, as long as the test.
  client::SubmissionInput testimony(int seed) {
    client::SubmissionInput in;
    in.text = texts_.emplace_back("submission " + std::to_string(seed));
    Bytes photo(40 * 32000);
    for (std::size_t i = 0; i < photo.size(); ++i)
      photo[i] = static_cast<std::uint8_t>((i * 131 + static_cast<std::size_t>(seed) * 7) ^ (i >> 9));
    in.attachments.push_back({"photo.jpg", "image/jpeg", photo, client::Metadata::kept});
    return in;
  }

  // Exports every relay's drops and imports them, in the order given.
  void export_and_import(const std::vector<std::size_t>& order) {
    for (std::size_t i : order) {
      auto file = station.path("export-" + relays[i].name + ".tar");
      auto exported = relays[i].run({"export", "--out", file.string()});
      ASSERT_EQ(exported.exit_code, 0) << exported.err;
      station.ok({"import", file.string()});
    }
  }
  std::vector<TestimonySummary> testimonies() {
    auto v = station.open();
    return must(list_testimonies(*v), "list");
  }

  test::Station station;
  test::TempDir temp;
  std::array<RelayProcess, 3> relays;
  std::deque<std::string> texts_;
};

// (a) Relay 2 is down and relay 1 refuses every connection: submissions land
// on relay 3, whatever order the client tries them in; an address naming only
// unusable relays fails with one progress line for the relay given up while
// another remained. The station imports all three exports: each testimony once.
TEST_F(SeveralRelays, WithTwoRelaysUnusableASubmissionLandsOnTheThird) {
  // An address naming one relay (version 1, as before several relays) still works.
  auto only2 = address_of({"relay-2"});
  ASSERT_EQ(only2.relays.size(), 1u);
  client::SubmissionInput text;
  text.text = "the same words, sent twice through two relays";
  text.day = today_utc();
  auto first = client::submit(only2, text, options(), today_utc());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(relays[1].drops(), 1u);

  ASSERT_EQ(relays[1].serve.kill_and_wait(SIGTERM), 0);  // relay 2 is down
  relays[0].set(Mode::refuse);                           // relay 1 refuses
  const auto all = address_text({"relay-1", "relay-2", "relay-3"});
  ASSERT_EQ(must(crypto::parse_drop_address(all), "all").relays.size(), 3u);

  // The cairn program: the text again (the source thought it was lost).
  auto file = station.path("text.txt");
  {
    std::ofstream(file) << text.text;
  }
  auto cli = test::run_capture({test::binary("client/cairn"), "submit", "--direct", "--to", all, "--text", file.string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("delivered: 1 of 1 drop(s)"), std::string::npos) << cli.out;
  EXPECT_EQ(relays[2].drops(), 1u);

  // A submission of many drops, in this process: at most two relays given up.
  std::size_t given_up = 0;
  auto o = options();
  o.relay_failed = [&](const crypto::RelayAddress& relay, const Error&, bool more) {
    EXPECT_TRUE(more);
    EXPECT_NE(relay.port, relays[2].proxy->port());
    ++given_up;
  };
  o.relay_moved = [](const crypto::RelayAddress&, std::size_t, std::size_t) { ADD_FAILURE() << "no drop was acked"; };
  auto photo = testimony(1);
  auto report = client::submit(must(crypto::parse_drop_address(all), "all"), photo, o, today_utc());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->drops_acknowledged, report->drops_total);
  EXPECT_LE(given_up, 2u);
  EXPECT_EQ(relays[2].drops(), 1u + report->drops_total);
  EXPECT_EQ(relays[0].drops(), 0u);

  // cairn check fails over too: relay 3's board answers.
  auto board = client::fetch_reply_board(must(crypto::parse_drop_address(all), "all"), options().connect);
  ASSERT_TRUE(board.ok()) << board.error().message;
  EXPECT_TRUE(board->replies.empty());

  // An address naming only unusable relays: one line for the relay given up
  // while another remained, then the error naming both.
  auto none = test::run_capture(
      {test::binary("client/cairn"), "submit", "--direct", "--to", address_text({"relay-1", "relay-2"}), "--text",
       file.string()});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("none of the 2 relays could be used"), std::string::npos) << none.err;
  std::size_t lines = 0;
  for (auto at = none.err.find("trying another relay of the organisation"); at != std::string::npos;
       at = none.err.find("trying another relay of the organisation", at + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << none.err;

  export_and_import({0, 1, 2});
  auto all_testimonies = testimonies();
  std::multiset<std::string> texts;
  for (const auto& t : all_testimonies) {
    EXPECT_EQ(t.state, TestimonyState::complete) << t.text_start.text();
    texts.insert(std::string(t.text_start.text()));
  }
  EXPECT_EQ(all_testimonies.size(), 2u);
  EXPECT_EQ(texts.count(std::string(text.text)), 1u);
  EXPECT_EQ(texts.count(std::string(photo.text)), 1u);
}

// (b) Split across relays. First, in one run: relay 1 is cut after 3 acks and
// then refuses; the client goes on through a relay its key bundle lists (relay
// 3 refuses, so relay 2). Then a run that fails (relay 1 cut after 5 acks, the
// others refusing) and is run again with relay 2 back: a new submission id,
// the same content. Relay 1's export (the first pieces of both) is imported
// before relay 2's: the station completes each once and keeps no incomplete copy.
TEST_F(SeveralRelays, ASubmissionCutMidWayIsFinishedThroughAnotherRelay) {
  constexpr std::size_t kFirstCut = 3, kSecondCut = 5;
  const auto only1 = address_of({"relay-1"});
  ASSERT_EQ(only1.relays.size(), 1u);

  relays[0].cut_next_after_acks(kFirstCut);
  relays[2].set(Mode::refuse);
  std::optional<std::uint16_t> moved_to;
  auto o = options();
  o.relay_moved = [&](const crypto::RelayAddress& to, std::size_t acknowledged, std::size_t) {
    moved_to = to.port;
    EXPECT_GE(acknowledged, kFirstCut);
  };
  auto resumed = testimony(2);
  auto report = client::submit(only1, resumed, o, today_utc());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->drops_acknowledged, report->drops_total);
  ASSERT_TRUE(moved_to.has_value());
  EXPECT_EQ(*moved_to, relays[1].proxy->port());
  const auto on1 = relays[0].drops(), on2 = relays[1].drops();
  EXPECT_GE(on1, kFirstCut);
  EXPECT_LT(on1, report->drops_total);
  EXPECT_GE(on1 + on2, report->drops_total);
  EXPECT_LT(on2, report->drops_total);

  // A run that fails mid-way, run again.
  relays[0].cut_next_after_acks(kSecondCut);
  relays[1].set(Mode::refuse);
  auto rerun = testimony(3);
  auto failed = client::submit(only1, rerun, options(), today_utc());
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("none of the 3 relays"), std::string::npos) << failed.error().message;
  EXPECT_GE(relays[0].drops(), on1 + kSecondCut);
  relays[1].set(Mode::pass);
  auto again = client::submit(address_of({"relay-1", "relay-2"}), rerun, options(), today_utc());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(relays[1].drops(), on2 + again->drops_total);
  EXPECT_EQ(relays[2].drops(), 0u);

  export_and_import({0});
  for (const auto& t : testimonies()) EXPECT_EQ(t.state, TestimonyState::incomplete) << t.text_start.text();
  export_and_import({1});
  auto all = testimonies();
  ASSERT_EQ(all.size(), 2u);
  std::set<std::string> texts;
  for (const auto& t : all) {
    EXPECT_EQ(t.state, TestimonyState::complete) << t.text_start.text();
    texts.insert(std::string(t.text_start.text()));
    auto out = station.path("extracted-" + std::to_string(t.id));
    station.ok({"extract", std::to_string(t.id), "--out", out.string()});
    const auto& sent = t.text_start.text() == resumed.text ? resumed : rerun;
    EXPECT_EQ(test::read_file(out / "photo.jpg"), sent.attachments[0].content) << t.text_start.text();
  }
  EXPECT_EQ(texts, (std::set<std::string>{std::string(resumed.text), std::string(rerun.text)}));
}

// (d) The station writes one reply batch; the same file is published on all
// three relays, and `cairn check` finds the reply through relay 3 when the
// others cannot be used, and through relay 1 when relay 3 cannot.
TEST_F(SeveralRelays, OneReplyBatchIsPublishedOnEveryRelay) {
  auto codename = client::generate_codename();
  auto reply_key = must(client::derive_reply_key(codename), "reply key");
  client::SubmissionInput in;
  in.text = "please answer through any relay";
  in.reply_key = crypto::public_keys(reply_key);
  const auto all = address_text({"relay-1", "relay-2", "relay-3"});
  ASSERT_TRUE(client::submit(must(crypto::parse_drop_address(all), "all"), in, options(), today_utc()).ok());
  export_and_import({0, 1, 2});
  auto listed = testimonies();
  ASSERT_EQ(listed.size(), 1u);

  const std::string reply = "thank you; which factory was it?";
  auto text = station.path("reply.txt");
  test::write_file(text, as_bytes(reply));
  auto batch = station.path("reply-batch.cairn");
  station.ok({"reply", std::to_string(listed[0].id), "--text", text.string(), "--out", batch.string()});
  for (auto& r : relays) {
    auto published = r.run({"publish", batch.string()});
    EXPECT_EQ(published.exit_code, 0) << r.name << ": " << published.err;
  }

  const auto typed = std::string(as_chars(client::format_codename(codename, client::Language::english).view())) + "\n";
  auto check_finds_reply = [&] {
    test::RunResult check;
    for (int i = 0; i < 40; ++i) {  // the relays read published replies within 5 s
      check = test::run_capture({test::binary("client/cairn"), "check", "--direct", "--to", all}, typed);
      if (check.out.find(reply) != std::string::npos) break;
      std::this_thread::sleep_for(250ms);
    }
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.out.find(reply), std::string::npos) << check.out << check.err;
  };
  relays[0].set(Mode::refuse);
  relays[1].set(Mode::refuse);
  check_finds_reply();
  relays[0].set(Mode::pass);
  relays[2].set(Mode::refuse);
  check_finds_reply();
}

// (c) Bad input, each refused with its own error and nothing changed.

// An address naming nine relays is refused before any connection is made.
TEST(SeveralRelaysBadInput, AnAddressNamingTooManyRelaysIsRefused) {
  test::TestDeployment d;
  Bytes payload{crypto::kDropAddressVersionRelays};
  payload.insert(payload.end(), d.org.public_key.begin(), d.org.public_key.end());
  payload.push_back(9);
  std::vector<int> listeners;
  for (int i = 0; i < 9; ++i) {
    std::uint16_t port = 0;
    listeners.push_back(test::listen_loopback(port));
    auto key = crypto::x25519_generate().public_key;
    payload.insert(payload.end(), key.begin(), key.end());
    payload.insert(payload.end(), {static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port), 9});
    for (char c : std::string("127.0.0.1")) payload.push_back(static_cast<std::uint8_t>(c));
  }
  const auto address = crypto::bech32_encode("cairn", payload);
  auto r = test::run_capture({test::binary("client/cairn"), "submit", "--direct", "--to", address}, "testimony");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("names 9 relays, but a drop address names at most 8"), std::string::npos) << r.err;
  for (int fd : listeners) {
    EXPECT_FALSE(test::has_pending_connection(fd));
    ::close(fd);
  }
}

// The station refuses to make a bundle listing more than 16 relays.
TEST(SeveralRelaysBadInput, AStationWithTooManyRelaysMakesNoBundle) {
  test::Station station;
  station.init("kim");
  for (std::size_t i = 0; i <= crypto::kKeyBundleMaxRelays; ++i)
    station.ok({"relay", "add", "relay-" + std::to_string(i + 1),
                crypto::encode_relay_keys({crypto::x25519_generate().public_key, crypto::ed25519_generate().public_key})});
  auto out = station.path("bundle.cairn");
  auto r = station.run({"keys", "bundle", "--relay", "relay-1", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("at most 16 relays"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

// A relay refuses to publish a bundle (signed by the organisation) that lists
// a relay whose keys another key certified; its installed bundle stays.
TEST(SeveralRelaysBadInput, ARelayRefusesABundleListingAnUncertifiedRelay) {
  test::RelayUnderTest target;
  ASSERT_NO_FATAL_FAILURE(target.init());
  const auto& d = target.deployment;
  cairn::v1::SignedKeyBundle outer;
  ASSERT_TRUE(outer.ParseFromString(std::string(as_chars(d.bundle(target.relay_keys)))));
  cairn::v1::KeyBundleBody body;
  ASSERT_TRUE(body.ParseFromString(outer.body()));
  auto certify = [&](const crypto::Ed25519KeyPair& issuer, crypto::CertificateRole role, ByteView key) {
    crypto::CertificateFields f;
    f.role = role;
    std::copy(key.begin(), key.end(), f.subject_key.begin());
    f.not_before_day = d.today - 1;
    f.not_after_day = d.today + 14;
    f.label = "stranger";
    return std::string(as_chars(must(crypto::issue_certificate(issuer, f), "certificate").encoded));
  };
  auto* own = body.add_relays();
  own->set_noise_certificate(certify(d.org, crypto::CertificateRole::relay_noise, target.relay_keys.noise));
  own->set_signing_certificate(certify(d.org, crypto::CertificateRole::relay_signing, target.relay_keys.signing));
  // Labels must match within an entry: the organisation's own entry is labelled "stranger" too.
  auto stranger = crypto::ed25519_generate();
  auto* other = body.add_relays();
  other->set_noise_certificate(
      certify(stranger, crypto::CertificateRole::relay_noise, crypto::x25519_generate().public_key));
  other->set_signing_certificate(
      certify(stranger, crypto::CertificateRole::relay_signing, crypto::ed25519_generate().public_key));
  auto* endpoint = other->add_endpoints();
  endpoint->set_host("relay.example.org");
  endpoint->set_port(443);
  const std::string body_bytes = body.SerializeAsString();
  auto signature = crypto::sign(d.org, crypto::sign_context::kKeyBundle, as_bytes(body_bytes));
  outer.set_body(body_bytes);
  outer.set_signature(std::string(as_chars(signature)));
  auto file = target.dir / "listing-a-stranger.cairn";
  {
    auto bytes = wire::wrap_file(wire::FileKind::key_bundle, as_bytes(outer.SerializeAsString()));
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  }
  auto before = must(target.open_store()->get_meta(relay::meta::kKeyBundle), "bundle before");
  auto r = test::run_capture(target.relay_cmd({"publish", file.string()}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("relay 'stranger'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not signed by the organisation key"), std::string::npos) << r.err;
  EXPECT_EQ(must(target.open_store()->get_meta(relay::meta::kKeyBundle), "bundle after"), before);
}

}  // namespace
}  // namespace cairn::analyst
