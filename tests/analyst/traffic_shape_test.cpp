// Traffic shapes (docs/PROTOCOL.md, "Traffic shapes"), counted on a loopback
// capture: the real `cairn` program talks to a real relay through a proxy on
// 127.0.0.1 that counts the bytes of every connection each way. After the
// handshake every frame is one 4114-byte record, so bytes give records.
//  - a submission's drops are padded with cover to their size class: the
//    relay stores exactly the class's number, and two submissions of one
//    class have the same records each way;
//  - `cairn check` has the records of the smallest submission, each way;
//  - a class larger than the relay's per-connection limit fills connections
//    of a fixed shape;
//  - the station imports such traffic (real cairn-analyst import of a real
//    export), counts the cover as discarded and has the testimony whole.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyst/testimony.h"
#include "client/codename.h"
#include "client/cover.h"
#include "client/relay_connection.h"
#include "crypto/record.h"
#include "station.h"
#include "support/cut_proxy.h"
#include "wire/protocol.h"

namespace cairn::analyst {
namespace {

using test::must;

// Records each way on one connection.
struct Shape {
  std::size_t up = 0;    // client to relay
  std::size_t down = 0;  // relay to client
  bool operator==(const Shape&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << "{up " << s.up << ", down " << s.down << "}"; }

// The records of a connection from its bytes: the two handshake frames,
// then whole records (anything else fails the test).
Shape shape_of(const test::CutProxy::Traffic& t) {
  const std::size_t handshake_up = crypto::kFrameLengthBytes + wire::kMessage1Bytes;
  const std::size_t handshake_down = crypto::kFrameLengthBytes + wire::kMessage2Bytes;
  EXPECT_GE(t.client_to_server, handshake_up);
  EXPECT_GE(t.server_to_client, handshake_down);
  EXPECT_EQ((t.client_to_server - handshake_up) % crypto::kRecordFrameBytes, 0u) << t.client_to_server;
  EXPECT_EQ((t.server_to_client - handshake_down) % crypto::kRecordFrameBytes, 0u) << t.server_to_client;
  return {(t.client_to_server - handshake_up) / crypto::kRecordFrameBytes,
          (t.server_to_client - handshake_down) / crypto::kRecordFrameBytes};
}

std::size_t records_of(const google::protobuf::MessageLite& m) {
  return crypto::records_for_message(wire::encode(m).size());
}

// A text of exactly `drops` drops for one analyst: alone in one drop, or
// that many chunks.
std::string text_of(std::size_t drops) {
  std::string text(drops * 32000 - 16000, 'x');
  client::SubmissionInput in;
  in.text = text;
  in.day = today_utc();
  auto capacity = must(crypto::drop_body_capacity(test::kTestDropSize, 1), "capacity");
  EXPECT_EQ(must(client::build_drop_bodies(in, capacity), "bodies").size(), drops);
  return text;
}

class TrafficShape : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& serve_args = {}) {
    station.init("kim");
    ASSERT_NO_FATAL_FAILURE(relay.start(station, serve_args));
    // What the relay answers a GetKeyBundle and a GetReplyBoard{0} with (the
    // same for every client), and what a PutDrop of one drop takes.
    client::ConnectOptions direct;
    direct.direct = true;
    auto conn = must(client::RelayConnection::open(must(crypto::parse_drop_address(relay.address()), "address"),
                                                   direct),
                     "connect");
    auto before = test::records_before_first_ack(conn);
    ASSERT_TRUE(before) << "the relay serves no key bundle";
    before_ack_records = *before;
    // Every request but PutDrop is one record.
    v1::Request board;
    board.mutable_get_reply_board()->set_page(0);
    ASSERT_EQ(records_of(board), 1u);
    v1::Request put;
    put.mutable_put_drop()->set_drop(std::string(test::kTestDropSize, '\0'));
    put.mutable_put_drop()->set_pow_nonce(std::string(8, '\0'));
    put_records = records_of(put);
    ASSERT_EQ(put_records, 9u);  // docs/PROTOCOL.md: a PutDrop of a 32 KiB drop takes 9 records
  }
  void TearDown() override { EXPECT_EQ(relay.stop(), 0); }

  // `cairn submit` of `text` or (empty) `cairn check`, through a fresh
  // counting proxy: the shape of each connection, and the drops the relay
  // stored meanwhile.
  struct Run {
    std::vector<Shape> connections;
    std::uint64_t stored = 0;
  };
  Run run(const std::string& command, const std::string& text = {}) {
    test::CutProxy proxy(relay.port(), [](std::size_t) { return test::CutProxy::Rule{}; });
    const auto address = test::first_line(station.ok({"keys", "address", "--relay", "relay-1", "--host",
                                                      "127.0.0.1", "--port", std::to_string(proxy.port())}).out);
    std::vector<std::string> argv{test::binary("client/cairn"), command, "--direct", "--to", address};
    std::string input;
    if (command == "submit") {
      const auto file = station.path("text-" + std::to_string(++runs) + ".txt");
      test::write_file(file, as_bytes(text));
      argv.insert(argv.end(), {"--text", file.string()});
    } else {
      auto codename = client::format_codename(client::generate_codename(), client::Language::english);
      input = std::string(as_chars(codename.view())) + "\n";
    }
    const auto before = relay.drops_stored();
    auto r = test::run_capture(argv, input);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    Run out;
    for (const auto& t : proxy.traffic()) out.connections.push_back(shape_of(t));
    out.stored = relay.drops_stored() - before;
    return out;
  }

  // The one connection of a submission of class c (or a check: c = 1): the
  // key bundle, the board, c drops; their acks.
  Shape first_connection(std::size_t drops) const {
    return {1 + 1 + drops * put_records, before_ack_records + drops};
  }

  test::Station station;
  test::RelayProcess relay;
  std::size_t before_ack_records = 0;  // the key bundle's and the board's
  std::size_t put_records = 0;
  int runs = 0;
};

TEST_F(TrafficShape, SubmissionsArePaddedToTheirClass) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::map<std::size_t, std::vector<Shape>> by_class;
  for (std::size_t drops : {1, 3, 4, 5, 8}) {
    SCOPED_TRACE(std::to_string(drops) + " drops of content");
    const std::size_t cls = client::size_class(drops);
    auto sent = run("submit", text_of(drops));
    EXPECT_EQ(sent.stored, cls);  // the relay holds the class, not the content's size
    ASSERT_EQ(sent.connections.size(), 1u);
    EXPECT_EQ(sent.connections[0], first_connection(cls));
    by_class[cls].push_back(sent.connections[0]);
  }
  // 3 and 4 drops of content look the same; so do 5 and 8.
  ASSERT_EQ(by_class[4].size(), 2u);
  EXPECT_EQ(by_class[4][0], by_class[4][1]);
  ASSERT_EQ(by_class[8].size(), 2u);
  EXPECT_EQ(by_class[8][0], by_class[8][1]);
}

TEST_F(TrafficShape, ACheckLooksLikeTheSmallestSubmission) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto checked = run("check");
  auto sent = run("submit", text_of(1));
  ASSERT_EQ(checked.connections.size(), 1u);
  ASSERT_EQ(sent.connections.size(), 1u);
  EXPECT_EQ(checked.connections[0], sent.connections[0]);
  EXPECT_EQ(checked.connections[0], first_connection(1));
  EXPECT_EQ(checked.stored, 1u);  // its cover drop
  EXPECT_EQ(sent.stored, 1u);
}

// A class larger than the relay's per-connection limit: full connections,
// only the first with the key bundle and the board, whatever the content.
TEST_F(TrafficShape, ALargeClassFillsConnectionsOfAFixedShape) {
  constexpr std::size_t kPerConnection = 4;
  ASSERT_NO_FATAL_FAILURE(start({"--drops-per-connection", std::to_string(kPerConnection)}));
  const std::vector<Shape> expected{first_connection(kPerConnection),
                                    {kPerConnection * put_records, kPerConnection}};
  for (std::size_t drops : {5, 7}) {
    SCOPED_TRACE(std::to_string(drops) + " drops of content");
    auto sent = run("submit", text_of(drops));
    EXPECT_EQ(sent.stored, 8u);
    EXPECT_EQ(sent.connections, expected);
  }
}

TEST_F(TrafficShape, TheStationDiscardsTheCoverAndKeepsTheTestimony) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string text = text_of(5);
  auto sent = run("submit", text);  // class 8: 3 cover drops
  auto checked = run("check");       // 1 cover drop
  ASSERT_EQ(sent.stored + checked.stored, 9u);

  auto exported = station.path("export.tar");
  ASSERT_EQ(relay.run({"export", "--out", exported.string()}).exit_code, 0);
  auto imported = station.ok({"import", exported.string()});
  EXPECT_NE(imported.out.find(": 9 drop(s)"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("  4 cover drop(s) discarded"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("  1 submission(s) completed from chunks"), std::string::npos) << imported.out;
  EXPECT_EQ(imported.out.find("quarantine"), std::string::npos) << imported.out;

  auto v = station.open();
  auto all = must(list_testimonies(*v), "list");
  v.reset();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, TestimonyState::complete);
  EXPECT_EQ(station.ok({"show", std::to_string(all[0].id)}).out, text + "\n");
}

}  // namespace
}  // namespace cairn::analyst
