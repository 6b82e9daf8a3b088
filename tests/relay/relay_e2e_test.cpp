// The relay and the source client as real processes and real library calls
// on loopback: a submission is delivered, acknowledged, and durably stored.
#include <gtest/gtest.h>

#include "client/cover.h"
#include "client/submit.h"
#include "crypto/drop.h"
#include "relay/key_file.h"
#include "relay/store.h"
#include "relay_peer.h"
#include "support/relay_fixture.h"

namespace cairn {
namespace {

using test::RelayUnderTest;

client::SubmitOptions quick_options() {
  client::SubmitOptions o;
  o.connect.direct = true;  // a loopback relay, no Tor
  o.connect.connect_timeout = std::chrono::seconds(5);
  o.connect.io_timeout = std::chrono::seconds(10);
  return o;
}

TEST(RelayEndToEnd, KoreanTextIsDeliveredAndOpensForTheAnalyst) {
  RelayUnderTest r;
  r.init();
  r.serve();
  client::SubmissionInput in;
  in.text = "저는 러시아 건설 현장에서 일했습니다. 임금을 받지 못했습니다.";
  in.day = today_utc();
  auto report = client::submit(r.parsed_address(), in, quick_options(), today_utc());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->drops_total, 1u);
  EXPECT_EQ(report->drops_acknowledged, 1u);
  EXPECT_EQ(r.stop(), 0);

  auto store = r.open_store();
  auto ids = store->drop_ids();
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  auto drop = store->get_drop((*ids)[0]);
  ASSERT_TRUE(drop.ok());
  EXPECT_EQ(drop->size(), 32768u);
  std::vector<crypto::age::Identity> identities;
  identities.push_back({r.deployment.analysts[0].messaging.secret.clone(),
                        r.deployment.analysts[0].messaging.public_key});
  auto body = crypto::open_drop(*drop, identities, 32768);
  ASSERT_TRUE(body.ok()) << body.error().message;
  auto text = std::string(as_chars(body->view()));
  EXPECT_NE(text.find(in.text), std::string::npos);
}

TEST(RelayEndToEnd, LargeAttachmentBecomesARunOfEqualDrops) {
  RelayUnderTest r;
  r.init();
  r.serve();
  client::SubmissionInput in;
  in.text = "Фото общежития.";
  in.attachments.push_back({"photo.jpg", "image/jpeg", Bytes(600 * 1024, 0xab)});
  auto report = client::submit(r.parsed_address(), in, quick_options(), today_utc());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GT(report->drops_total, 18u);
  EXPECT_EQ(report->drops_acknowledged, report->drops_total);
  // 19 or 20 drops of content, sent as their size class with cover among them.
  EXPECT_EQ(report->drops_total, 32u);
  EXPECT_EQ(report->drops_total, client::size_class(report->drops_total - report->cover));
  EXPECT_GE(report->cover, 12u);
  // Sending the same submission again adds drops but no new submission:
  // the analyst side deduplicates by (submission id, index).
  EXPECT_EQ(r.stop(), 0);
  auto store = r.open_store();
  auto counts = store->counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->drops, report->drops_total);
  EXPECT_EQ(counts->drop_bytes, report->drops_total * 32768u);
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

// A seized relay must not make a source's laptop grind: the organisation's
// signed bundle caps the proof of work a relay may ask for.
TEST(RelayEndToEnd, ProofOfWorkAboveTheOrganisationsCapIsRefused) {
  test::RelayUnderTest r;
  r.init();  // the test bundle allows 8 bits
  r.serve({"--pow-bits", "20"});
  client::SubmissionInput in;
  in.text = "test";
  client::SubmitOptions o;
  o.connect.direct = true;  // a loopback relay, no Tor
  o.connect.connect_timeout = std::chrono::seconds(5);
  o.connect.io_timeout = std::chrono::seconds(10);
  auto report = client::submit(r.parsed_address(), in, o, today_utc());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.code(), Errc::untrusted);
  EXPECT_NE(report.error().message.find("proof of work"), std::string::npos);
  EXPECT_EQ(r.stop(), 0);
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

// Under a flood the relay asks for more work per drop, one bit per doubling
// of the arrival rate above calm, but never more than the signed cap.
TEST(RelayEndToEnd, ProofOfWorkRisesWithTheArrivalRateUpToTheCap) {
  test::RelayUnderTest r;
  r.init();  // the test bundle allows 8 bits
  // Calm: 1 drop a minute, so 10 over the 10-minute window.
  r.serve({"--pow-bits", "6", "--pow-calm-drops-per-minute", "1"});
  auto bits_now = [&] {
    auto peer = test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
    return peer.params().pow_bits();
  };
  auto send = [&](int n) {
    auto peer = test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
    for (int i = 0; i < n; ++i) {
      auto resp = peer.call(peer.put_drop(test::random_drop()));
      ASSERT_TRUE(resp.ok() && resp->has_ack());
    }
  };
  EXPECT_EQ(bits_now(), 6u);
  send(10);
  EXPECT_EQ(bits_now(), 6u);  // at the calm rate
  send(1);
  EXPECT_EQ(bits_now(), 7u);  // 11 > 10
  send(10);
  EXPECT_EQ(bits_now(), 8u);  // 21 > 20
  send(30);
  EXPECT_EQ(bits_now(), 8u);  // 51 > 40, but the bundle caps it at 8
  EXPECT_EQ(r.stop(), 0);
}

}  // namespace
}  // namespace cairn
