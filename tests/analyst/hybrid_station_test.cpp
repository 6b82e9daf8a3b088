// A station whose organisation chose post-quantum hybrid messaging keys
// (init --hybrid; docs/PROTOCOL.md, "Classical or hybrid messaging keys"):
// the vault holds hybrid secrets, keys bundle publishes only hybrid keys, and
// a drop sealed to that bundle, as a client seals it, opens at import.
#include <gtest/gtest.h>

#include <sstream>

#include "analyst/import.h"
#include "analyst/testimony.h"
#include "crypto/key_bundle.h"
#include "station.h"
#include "support/result.h"
#include "support/typage.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

const std::string kKorean = "저는 러시아 건설 현장에서 일했습니다.";

class HybridStationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    station.init("kim", std::nullopt, {"--hybrid"});
    station.ok({"analyst", "add", "lee"});
    relay = std::make_unique<test::LocalRelay>(station.org());
    station.ok({"relay", "add", "relay-1", relay->keys_text()});
  }

  // What a client gets: the key bundle `keys bundle` wrote, verified.
  crypto::VerifiedKeyBundle bundle() {
    const auto file = station.path("keys-" + std::to_string(bundles++) + ".cairn");
    station.ok({"keys", "bundle", "--out", file.string()});
    auto body = must(wire::unwrap_file(wire::FileKind::key_bundle, test::read_file(file)), "bundle file");
    return must(crypto::verify_key_bundle(body, station.org(), today), "verify the bundle");
  }

  Result<ImportReport> import_drops(const std::vector<Bytes>& drops) {
    relay->clear();
    relay->put(drops);
    auto exported = relay->export_to(station.path("export-" + std::to_string(bundles++) + ".tar"));
    auto v = station.open();
    ImportOptions o;
    o.today = today;
    return import_bundle(*v, exported, o);
  }

  test::Station station;
  std::unique_ptr<test::LocalRelay> relay;
  DayNumber today = today_utc();
  int bundles = 0;
};

TEST_F(HybridStationTest, TheVaultHoldsHybridSecretsAndTheBundleHybridKeysOnly) {
  {
    auto v = station.open();
    EXPECT_TRUE(must(hybrid_messaging(*v), "kind"));
    auto keys = must(messaging_keys(*v), "keys");
    ASSERT_EQ(keys.size(), 2u);
    for (const auto& k : keys) {
      ASSERT_TRUE(k.hybrid_key.has_value()) << k.analyst;
      EXPECT_EQ(k.public_key, crypto::hybrid_key_id(*k.hybrid_key));
    }
    EXPECT_TRUE(must(messaging_identities(*v), "x25519 identities").empty());
    auto hybrid = must(messaging_hybrid_identities(*v), "hybrid identities");
    ASSERT_EQ(hybrid.size(), 2u);
    // Newest first: lee's key, then kim's.
    EXPECT_EQ(hybrid[0].encapsulation_key, *keys[1].hybrid_key);
    EXPECT_EQ(hybrid[1].encapsulation_key, *keys[0].hybrid_key);
  }
  // keys list shows each hybrid key by its age1pq1… recipient, marked.
  const std::string listed = station.ok({"keys", "list"}).out;
  std::size_t marked = 0;
  for (std::size_t at = 0; (at = listed.find("age1pq1", at)) != std::string::npos; ++at) ++marked;
  EXPECT_EQ(marked, 2u) << listed;
  EXPECT_NE(listed.find("(post-quantum)"), std::string::npos) << listed;
  auto b = bundle();
  EXPECT_TRUE(b.hybrid());
  EXPECT_TRUE(b.messaging_keys.empty());
  EXPECT_EQ(b.hybrid_messaging_keys.size(), 2u);
  EXPECT_EQ(b.analysts.size(), 2u);

}

// The emergency export writes the hybrid identities (AGE-SECRET-KEY-PQ-1…),
// says that only age 1.3 or later reads them, and typage (an independent age
// with hybrid recipients) opens a drop with one; Debian 12's age 1.1.1 cannot.
TEST_F(HybridStationTest, TheExportedHybridIdentityOpensADropWithAnIndependentAge) {
  ASSERT_TRUE(test::typage_available());
  auto b = bundle();
  const Bytes drop = must(crypto::seal_drop(test::text_body(kKorean), b.drop_recipients(), b.drop_size), "seal");
  test::write_file(station.path("drop.age"), drop);

  auto r = station.run({"keys", "export-age-identity", "--out", station.path("id.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("age 1.3"), std::string::npos) << r.err;
  EXPECT_EQ(fs::status(station.path("id.txt")).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const std::string file = test::read_text(station.path("id.txt"));
  std::vector<std::string> identities;
  std::size_t recipients = 0;
  std::istringstream lines(file);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("AGE-SECRET-KEY-PQ-1")) identities.push_back(line);
    if (line.starts_with("# public key: age1pq1")) ++recipients;
    EXPECT_FALSE(line.starts_with("AGE-SECRET-KEY-1")) << "a hybrid vault holds no X25519 messaging secret";
  }
  ASSERT_EQ(identities.size(), 2u) << file;
  EXPECT_EQ(recipients, 2u);

  test::TempDir dir;
  test::write_file(dir / "identity", as_bytes(identities[0] + "\n"));
  ASSERT_TRUE(test::typage(dir, {"decrypt", (dir / "identity").string(), station.path("drop.age").string(),
                                 (dir / "plain").string()}));
  const std::string plain = test::read_text(dir / "plain");
  EXPECT_NE(plain.find(kKorean), std::string::npos);

  // Debian 12's age (1.1.1) does not know the identity type.
  if (test::age_cli_available()) {
    EXPECT_NE(test::run({"age", "-d", "-i", station.path("id.txt").string(), "-o", (dir / "stock").string(),
                         station.path("drop.age").string()},
                        "/dev/null", dir / "age.stderr"),
              0);
    EXPECT_FALSE(fs::exists(dir / "stock") && fs::file_size(dir / "stock") > 0);
  }
}

TEST_F(HybridStationTest, ADropSealedToTheHybridBundleOpensAtTheStation) {
  auto b = bundle();
  const auto recipients = b.drop_recipients();
  ASSERT_EQ(recipients.kind(), crypto::DropRecipients::hybrid);
  const Bytes drop = must(crypto::seal_drop(test::text_body(kKorean, today - 1), recipients, b.drop_size), "seal");
  ASSERT_EQ(drop.size(), b.drop_size);
  // A drop to a classical key the vault does not hold: no key, as ever.
  const auto stranger = crypto::x25519_generate();
  const Bytes other = test::seal(test::text_body("not for this vault"),
                                 std::vector<crypto::X25519Public>{stranger.public_key}, b.drop_size);

  auto report = import_drops({drop, other});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->drops, 2u);
  EXPECT_EQ(report->texts, 1u);
  EXPECT_EQ(report->no_key, 1u);
  EXPECT_EQ(report->unreadable, 0u);
  auto v = station.open();
  auto all = must(list_testimonies(*v), "list");
  ASSERT_EQ(all.size(), 1u);
  auto t = must(load_testimony(*v, all[0].id), "load");
  EXPECT_EQ(std::string(as_chars(t.text.view())), kKorean);
}

TEST_F(HybridStationTest, WithoutTheHybridSecretsTheDropDoesNotOpen) {
  auto b = bundle();
  const Bytes drop =
      must(crypto::seal_drop(test::text_body(kKorean), b.drop_recipients(), b.drop_size), "seal");
  {
    auto v = station.open();
    for (const auto& k : must(messaging_keys(*v), "keys")) ASSERT_TRUE(destroy_messaging_secret(*v, k.id, today).ok());
  }
  auto report = import_drops({drop});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->texts, 0u);
  EXPECT_EQ(report->no_key, 1u);
}

// An organisation that began classical switches with keys rotate --hybrid:
// every analyst gets a hybrid key that day, the next bundle is all hybrid,
// and drops sealed to the old X25519 bundle still open.
TEST(HybridSwitch, KeysRotateHybridSwitchesAClassicalOrganisation) {
  test::Station station;
  auto relay = test::two_analysts_and_a_relay(station);
  const DayNumber today = today_utc();
  auto bundle = [&](const std::string& name) {
    station.ok({"keys", "bundle", "--out", station.path(name).string()});
    auto body = must(wire::unwrap_file(wire::FileKind::key_bundle, test::read_file(station.path(name))), "bundle");
    return must(crypto::verify_key_bundle(body, station.org(), today), "verify");
  };
  const auto classical = bundle("classical.cairn");
  ASSERT_FALSE(classical.hybrid());
  ASSERT_EQ(classical.messaging_keys.size(), 2u);
  const Bytes old_drop =
      must(crypto::seal_drop(test::text_body("sealed to the classical keys"), classical.drop_recipients(),
                             classical.drop_size),
           "seal");

  // Nothing is due: a plain rotate makes no key.
  EXPECT_NE(station.ok({"keys", "rotate"}).out.find("no key is due"), std::string::npos);
  auto r = station.ok({"keys", "rotate", "--hybrid"});
  EXPECT_NE(r.out.find("'kim'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'lee'"), std::string::npos) << r.out;
  const auto hybrid = bundle("hybrid.cairn");
  EXPECT_TRUE(hybrid.hybrid());
  EXPECT_TRUE(hybrid.messaging_keys.empty());
  EXPECT_EQ(hybrid.hybrid_messaging_keys.size(), 2u);
  // And it stays so: the next rotate finds nothing due.
  EXPECT_NE(station.ok({"keys", "rotate"}).out.find("no key is due"), std::string::npos);

  const Bytes new_drop = must(
      crypto::seal_drop(test::text_body("sealed to the hybrid keys"), hybrid.drop_recipients(), hybrid.drop_size),
      "seal");
  relay->put({old_drop, new_drop});
  auto exported = relay->export_to(station.path("export.tar"));
  auto v = station.open();
  ImportOptions o;
  o.today = today;
  auto report = import_bundle(*v, exported, o);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->texts, 2u);
  EXPECT_EQ(report->no_key, 0u);
  EXPECT_EQ(must(messaging_identities(*v), "x25519").size(), 2u);
  EXPECT_EQ(must(messaging_hybrid_identities(*v), "hybrid").size(), 2u);
}

}  // namespace
}  // namespace cairn::analyst
