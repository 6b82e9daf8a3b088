// Messaging key rotation over simulated weeks (--today): new keys every 7
// days, valid 14, secrets destroyed 14 days after expiry, and what that means
// for drops still on their way.
#include <gtest/gtest.h>

#include "analyst/import.h"
#include "analyst/rotation.h"
#include "crypto/key_bundle.h"
#include "station.h"
#include "support/result.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

// A fixed start far enough back that every simulated day is in the past.
constexpr DayNumber kDay0 = 20000;

crypto::VerifiedKeyBundle bundle_on(const test::Station& s, DayNumber day, const std::string& name) {
  auto path = s.path(name);
  s.ok({"keys", "bundle", "--out", path.string()}, day);
  auto body = must(wire::unwrap_file(wire::FileKind::key_bundle, test::read_file(path)), "bundle");
  return must(crypto::verify_key_bundle(body, s.org(), day), "verify bundle");
}

std::vector<MessagingKeyRecord> keys_of(const test::Station& s) {
  auto v = s.open();
  return must(messaging_keys(*v), "keys");
}

TEST(Rotation, ANewKeyEverySevenDaysValidFourteen) {
  test::Station s;
  s.init("kim", kDay0);
  test::LocalRelay relay(s.org());
  s.ok({"relay", "add", "relay-1", relay.keys_text()}, kDay0);

  auto b0 = bundle_on(s, kDay0, "b0");
  ASSERT_EQ(b0.messaging_keys.size(), 1u);
  EXPECT_EQ(b0.expires_day, kDay0 + kMessagingKeyValidDays - 1);  // until kim's only key expires

  auto early = s.ok({"keys", "rotate"}, kDay0 + 6);
  EXPECT_NE(early.out.find("no key is due"), std::string::npos) << early.out;
  EXPECT_EQ(keys_of(s).size(), 1u);

  auto week = s.ok({"keys", "rotate"}, kDay0 + 7);
  EXPECT_NE(week.out.find("new messaging key 2"), std::string::npos) << week.out;
  auto keys = keys_of(s);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[1].created_day, kDay0 + 7);
  EXPECT_EQ(keys[1].not_after_day, kDay0 + 20);
  // Last week's key and this week's overlap: the bundle carries both.
  auto b7 = bundle_on(s, kDay0 + 7, "b7");
  EXPECT_EQ(b7.messaging_keys.size(), 2u);
  EXPECT_EQ(b7.expires_day, kDay0 + 20);

  // A bundle made when a rotation is due says so.
  auto late = s.ok({"keys", "bundle", "--out", s.path("b15").string()}, kDay0 + 15);
  EXPECT_NE(late.err.find("a messaging key rotation is due"), std::string::npos) << late.err;
}

TEST(Rotation, AStationLeftAloneForMonthsGetsAFreshKeyAndDestroysOldOnes) {
  test::Station s;
  s.init("kim", kDay0);
  s.ok({"analyst", "add", "lee"}, kDay0);
  auto report = [&] {
    auto v = s.open();
    return must(rotate_keys(*v, kDay0 + 100), "rotate");
  }();
  EXPECT_EQ(report.created.size(), 2u);    // one per analyst
  EXPECT_EQ(report.destroyed.size(), 2u);  // both first keys: expired day 13, destroyed after day 27
  auto v = s.open();
  EXPECT_EQ(must(messaging_identities(*v), "identities").size(), 2u);
  auto due = must(rotation_due(*v, kDay0 + 100), "due");
  EXPECT_TRUE(due.empty());
}

TEST(Rotation, TheGracePeriodIsAnOption) {
  test::Station s;
  s.init("kim", kDay0);
  // Key 1 is valid until day 13: with no grace it goes on day 14, not before.
  s.ok({"keys", "rotate", "--destroy-after-days", "0"}, kDay0 + 13);
  EXPECT_FALSE(keys_of(s)[0].destroyed_day);
  auto r = s.ok({"keys", "rotate", "--destroy-after-days", "0"}, kDay0 + 14);
  EXPECT_NE(r.out.find("destroyed the secret of messaging key 1"), std::string::npos) << r.out;
  auto keys = keys_of(s);
  ASSERT_TRUE(keys[0].destroyed_day);
  EXPECT_EQ(*keys[0].destroyed_day, kDay0 + 14);
}

// Drops sealed to last week's key still open after a rotation; drops sealed
// to a key whose secret was destroyed are reported, not silently lost.
TEST(Rotation, ImportAcrossRotationAndDestruction) {
  test::Station s;
  s.init("kim", kDay0);
  test::LocalRelay relay(s.org());
  s.ok({"relay", "add", "relay-1", relay.keys_text()}, kDay0);
  bundle_on(s, kDay0, "b0");
  auto k1 = s.recipients(kDay0);
  ASSERT_EQ(k1.size(), 1u);

  s.ok({"keys", "rotate"}, kDay0 + 7);
  auto both = s.recipients(kDay0 + 8);
  ASSERT_EQ(both.size(), 2u);
  auto k2 = both[0] == k1[0] ? both[1] : both[0];

  // Day 8: a drop sealed last week to key 1 alone still opens.
  relay.put({test::seal(test::text_body("sealed to last week's key"), k1)});
  auto first = relay.export_to(s.path("export1.tar"));
  auto r1 = s.ok({"import", first.string()}, kDay0 + 8);
  EXPECT_NE(r1.out.find("1 new text testimony"), std::string::npos) << r1.out;

  // Day 28: key 1 (valid until day 13) is destroyed after 14 days' grace.
  auto rot = s.ok({"keys", "rotate"}, kDay0 + 28);
  EXPECT_NE(rot.out.find("destroyed the secret of messaging key 1"), std::string::npos) << rot.out;
  auto list = s.ok({"keys", "list"}, kDay0 + 28);
  EXPECT_NE(list.out.find("destroyed " + format_day(kDay0 + 28)), std::string::npos) << list.out;

  relay.clear();
  relay.put({test::seal(test::text_body("a straggler sealed to key 1"), k1),
             test::seal(test::text_body("sealed to key 2"), {k2})});
  auto second = relay.export_to(s.path("export2.tar"));
  auto r2 = s.ok({"import", second.string(), "--receipt", s.path("receipt2").string()}, kDay0 + 28);
  EXPECT_NE(r2.out.find("1 new text testimony"), std::string::npos) << r2.out;
  EXPECT_NE(r2.out.find("1 drop(s) sealed to no key this vault holds (a destroyed key, or not this organisation's)"),
            std::string::npos)
      << r2.out;
  EXPECT_NE(r2.out.find("the relay may purge 1 drop(s)"), std::string::npos) << r2.out;
  // The straggler stays on the relay for the grace period after this vault
  // first failed to open it, then the receipt names it: nothing can ever open it.
  auto r3 = s.ok({"import", second.string(), "--receipt", s.path("receipt3").string()}, kDay0 + 28 + 13);
  EXPECT_NE(r3.out.find("the relay may purge 1 drop(s)"), std::string::npos) << r3.out;
  auto r4 = s.ok({"import", second.string(), "--receipt", s.path("receipt4").string()}, kDay0 + 28 + 14);
  EXPECT_NE(r4.out.find(": the receipt lets the relay delete them"), std::string::npos) << r4.out;
  EXPECT_NE(r4.out.find("the relay may purge 2 drop(s)"), std::string::npos) << r4.out;

  // The destroyed secret cannot be exported either.
  auto age = s.run({"keys", "export-age-identity", "--key", "1", "--out", s.path("k1.txt").string()}, kDay0 + 28);
  EXPECT_EQ(age.exit_code, 1);
  EXPECT_NE(age.err.find("was destroyed on"), std::string::npos) << age.err;
  EXPECT_FALSE(fs::exists(s.path("k1.txt")));
  // And nothing of it is left in the database.
  auto v = s.open();
  auto q = must(v->db().prepare("SELECT secret_key IS NULL FROM messaging_keys WHERE id = 1;"), "query");
  ASSERT_TRUE(must(q.step(), "step"));
  EXPECT_EQ(q.column_int(0), 1);
}

}  // namespace
}  // namespace cairn::analyst
