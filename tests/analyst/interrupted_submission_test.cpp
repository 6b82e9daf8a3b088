// A submission whose connection is cut after k of its n drops were
// acknowledged (k = 0, inside the window, at a connection's drop limit, on a
// later connection) still reaches the analyst exactly once: either the client
// resumes on a new connection with the drops not yet acknowledged, or, when
// no new connection gets through, the source runs `submit` again. Real
// cairn-relay and cairn-analyst processes on 127.0.0.1; the cut is made by a
// loopback proxy that closes the connection once the relay has sent the
// handshake reply, the key bundle and k acks.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "analyst/testimony.h"
#include "client/submit.h"
#include "station.h"
#include "support/cut_proxy.h"
#include "support/loopback.h"
#include "wire/protocol.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

constexpr std::size_t kWindow = 8;
constexpr std::uint32_t kDropsPerConnection = 16;

class InterruptedSubmission : public ::testing::Test {
 protected:
  void SetUp() override {
    station.init("kim");
    station.ok({"analyst", "add", "lee"});
    ASSERT_NO_FATAL_FAILURE(relay.start(station, {"--drops-per-connection", std::to_string(kDropsPerConnection)}));
    address = must(crypto::parse_drop_address(relay.address()), "address");
    // What the relay sends before the first ack: the handshake reply, the key
    // bundle and the reply board (docs/PROTOCOL.md, "Traffic shapes").
    client::ConnectOptions direct = options().connect;
    auto conn = must(client::RelayConnection::open(address, direct), "connect");
    auto records = test::records_before_first_ack(conn);
    ASSERT_TRUE(records) << "the relay serves no key bundle";
    before_acks = test::bytes_before_first_ack(*records);
  }
  void TearDown() override { EXPECT_EQ(relay.stop(), 0); }

  static client::SubmitOptions options() {
    client::SubmitOptions o;
    o.connect.direct = true;
    o.connect.connect_timeout = std::chrono::seconds(5);
    o.connect.io_timeout = std::chrono::seconds(20);
    o.window = kWindow;
    return o;
  }
  crypto::DropAddress through(const test::CutProxy& proxy) const {
    auto a = address;
    a.relays.front().port = proxy.port();
    return a;
  }
  // A testimony of n drops with a photo unique to `seed`; its text lives on
  // (SubmissionInput::text is a view).
  static client::SubmissionInput testimony(int seed) {
    static std::map<int, std::string> texts;
    client::SubmissionInput in;
    in.text = texts.try_emplace(seed, "submission " + std::to_string(seed)).first->second;
    Bytes photo(48 * 32000);
    for (std::size_t i = 0; i < photo.size(); ++i)
      photo[i] = static_cast<std::uint8_t>((i * 131 + static_cast<std::size_t>(seed) * 7) ^ (i >> 9));
    in.attachments.push_back({"photo.jpg", "image/jpeg", photo, client::Metadata::kept});
    return in;
  }
  // The cut after k acks in all: on connection k / kDropsPerConnection (only
  // the first fetches the key bundle and the board), after its (k % kDropsPerConnection)-th ack.
  static std::size_t cut_connection(std::size_t k) { return k / kDropsPerConnection; }
  std::size_t cut_point(std::size_t k) const {
    const std::size_t before = cut_connection(k) == 0 ? before_acks : crypto::kFrameLengthBytes + wire::kMessage2Bytes;
    return before + (k % kDropsPerConnection) * crypto::kRecordFrameBytes;
  }

  test::Station station;
  test::RelayProcess relay;
  crypto::DropAddress address;
  std::size_t before_acks = 0;
};

TEST_F(InterruptedSubmission, ReachesTheAnalystExactlyOnceWhetherResumedOrRunAgain) {
  const std::vector<std::size_t> cuts{0, 3, 13, kDropsPerConnection, 41};
  std::vector<client::SubmissionInput> sent;
  std::uint64_t stored = relay.drops_stored();
  int seed = 0;
  for (std::size_t k : cuts) {
    SCOPED_TRACE("cut after " + std::to_string(k) + " acks");
    // Resumed: the first connection is cut, the next ones pass.
    {
      test::CutProxy proxy(relay.port(), [&](std::size_t c) {
        return test::CutProxy::Rule{c == cut_connection(k) ? std::optional(cut_point(k)) : std::nullopt, false};
      });
      auto in = testimony(seed++);
      auto report = client::submit(through(proxy), in, options(), today_utc());
      ASSERT_TRUE(report.ok()) << report.error().message;
      ASSERT_GT(report->drops_total, k + 1) << "the testimony must outlast the cut";
      EXPECT_EQ(report->drops_acknowledged, report->drops_total);
      EXPECT_GE(proxy.connections(), cut_connection(k) + 2);
      // The drops sent twice (in flight when the cut came) are stored once.
      EXPECT_EQ(relay.drops_stored(), stored + report->drops_total);
      stored = relay.drops_stored();
      sent.push_back(in);
    }
    // Run again: the first connection is cut and no other gets through, so
    // the run fails; the source runs it again on a working path.
    {
      test::CutProxy proxy(relay.port(), [&](std::size_t c) {
        return test::CutProxy::Rule{c == cut_connection(k) ? std::optional(cut_point(k)) : std::nullopt,
                                    c > cut_connection(k)};
      });
      auto in = testimony(seed++);
      auto failed = client::submit(through(proxy), in, options(), today_utc());
      ASSERT_FALSE(failed.ok());
      auto again = client::submit(address, in, options(), today_utc());
      ASSERT_TRUE(again.ok()) << again.error().message;
      EXPECT_EQ(again->drops_acknowledged, again->drops_total);
      stored = relay.drops_stored();
      sent.push_back(in);
    }
  }

  auto exported = station.path("export.tar");
  ASSERT_EQ(relay.run({"export", "--out", exported.string()}).exit_code, 0);
  auto imported = station.ok({"import", exported.string()});
  EXPECT_NE(imported.out.find(std::to_string(sent.size()) + " submission(s) completed from chunks"), std::string::npos)
      << imported.out;

  auto v = station.open();
  auto all = must(list_testimonies(*v), "list");
  std::multiset<std::string> texts;
  for (const auto& t : all) {
    EXPECT_EQ(t.state, TestimonyState::complete) << t.text_start.text();  // no incomplete copy is left
    texts.insert(std::string(t.text_start.text()));
  }
  ASSERT_EQ(all.size(), sent.size());
  for (const auto& in : sent) EXPECT_EQ(texts.count(std::string(in.text)), 1u) << in.text;
  v.reset();
  for (const auto& t : all) {
    auto out = station.path("extracted-" + std::to_string(t.id));
    station.ok({"extract", std::to_string(t.id), "--out", out.string()});
    const std::string seed_text(t.text_start.text());
    auto it = std::find_if(sent.begin(), sent.end(), [&](const auto& in) { return in.text == seed_text; });
    ASSERT_NE(it, sent.end());
    EXPECT_EQ(test::read_file(out / "photo.jpg"), it->attachments[0].content) << seed_text;
  }
}

}  // namespace
}  // namespace cairn::analyst
