// Drops sealed to post-quantum hybrid (mlkem768x25519) recipients
// (crypto/drop.h; docs/PROTOCOL.md, "Hybrid drops: capacity").
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "crypto/age.h"
#include "crypto/drop.h"
#include "crypto/random.h"
#include "support/files.h"
#include "support/subprocess.h"

namespace cairn::crypto {
namespace {

using age::HybridIdentity;
using age::HybridRecipient;

std::vector<HybridIdentity> make_hybrid_identities(std::size_t n) {
  std::vector<HybridIdentity> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(hybrid_kem::generate_key_pair());
  return out;
}

std::vector<HybridRecipient> recipients_of(const std::vector<HybridIdentity>& ids) {
  std::vector<HybridRecipient> out;
  for (const auto& id : ids) out.push_back(id.encapsulation_key);
  return out;
}

TEST(HybridDrop, IsExactlyDropSizeAndOpensOnlyWithAHybridIdentity) {
  const auto ids = make_hybrid_identities(3);
  const auto rs = recipients_of(ids);
  for (std::size_t drop_size : {kDefaultDropSize, std::size_t{64 * 1024}, std::size_t{200000}}) {
    SCOPED_TRACE("drop size " + std::to_string(drop_size));
    const auto capacity = drop_body_capacity(drop_size, rs.size(), DropRecipients::hybrid);
    ASSERT_TRUE(capacity.ok()) << capacity.error().message;
    for (const Bytes& body : {Bytes{}, to_bytes("testimony"), random_bytes(*capacity)}) {
      auto drop = seal_drop(body, std::span<const HybridRecipient>(rs), drop_size);
      ASSERT_TRUE(drop.ok()) << drop.error().message;
      EXPECT_EQ(drop->size(), drop_size);
      for (const auto& id : ids) {
        auto opened = open_drop(*drop, {}, drop_size, std::span(&id, 1));
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        EXPECT_TRUE(equal_constant_time(opened->view(), body));
      }
    }
    auto over = seal_drop(random_bytes(*capacity + 1), std::span<const HybridRecipient>(rs), drop_size);
    EXPECT_EQ(over.code(), Errc::too_large);
  }
  auto drop = seal_drop(to_bytes("testimony"), std::span<const HybridRecipient>(rs), kDefaultDropSize);
  ASSERT_TRUE(drop.ok());
  // Its header holds hybrid stanzas only: no X25519 key opens it, not even the
  // X25519 half of a recipient's own hybrid key.
  std::vector<age::Identity> classical;
  classical.push_back(x25519_generate());
  classical.push_back(x25519_from_secret(ids[0].x25519_secret.clone()).value());
  EXPECT_EQ(open_drop(*drop, classical, kDefaultDropSize).code(), Errc::no_identity_match);
  const auto strangers = make_hybrid_identities(2);
  EXPECT_EQ(open_drop(*drop, {}, kDefaultDropSize, strangers).code(), Errc::no_identity_match);
  // Both kinds held together: the hybrid one opens it.
  EXPECT_TRUE(open_drop(*drop, classical, kDefaultDropSize, std::span(&ids[2], 1)).ok());
  // Still exactly drop_size on the way in.
  Bytes shorter(drop->begin(), drop->end() - 1);
  EXPECT_EQ(open_drop(shorter, {}, kDefaultDropSize, std::span(&ids[0], 1)).code(), Errc::malformed);
}

TEST(HybridDrop, CapacityFiguresFromTheProtocolDoc) {
  // 32768 - (70 + 1557 N) - 16 (nonce) - 16 (tag) - 4 (length) = 32662 - 1557 N.
  EXPECT_EQ(age::kHybridStanzaBytes, 18u + 1494u + 1u + 43u + 1u);
  for (std::size_t n : {1u, 2u, 10u, 16u, 20u})
    EXPECT_EQ(drop_body_capacity(32768, n, DropRecipients::hybrid).value(), 32662u - 1557u * n) << n;
  EXPECT_EQ(drop_body_capacity(32768, 20, DropRecipients::hybrid).value(), 1522u);
  EXPECT_EQ(max_drop_recipients(32768, DropRecipients::hybrid), 20u);
  EXPECT_EQ(max_drop_recipients(32768, DropRecipients::x25519), kMaxDropRecipients);
  EXPECT_EQ(max_drop_recipients(65536, DropRecipients::hybrid), kMaxDropRecipients);
  EXPECT_EQ(drop_body_capacity(65536, 32, DropRecipients::hybrid).value(), 15606u);
  // The classical figures are unchanged.
  EXPECT_EQ(drop_body_capacity(32768, 32, DropRecipients::x25519).value(), 29526u);
}

TEST(HybridDrop, TheRecipientCapAt32KiBIsEnforcedWithASpecificError) {
  const auto ids = make_hybrid_identities(21);
  const auto rs = recipients_of(ids);
  auto too_many = drop_body_capacity(kDefaultDropSize, 21, DropRecipients::hybrid);
  ASSERT_EQ(too_many.code(), Errc::invalid_argument);
  EXPECT_NE(too_many.error().message.find("holds at most 20 post-quantum recipients, not 21"), std::string::npos)
      << too_many.error().message;
  auto sealed = seal_drop(to_bytes("x"), std::span<const HybridRecipient>(rs), kDefaultDropSize);
  ASSERT_EQ(sealed.code(), Errc::invalid_argument);
  EXPECT_NE(sealed.error().message.find("at most 20 post-quantum"), std::string::npos) << sealed.error().message;
  // Twenty fit, and the drop is still exactly 32768 bytes.
  auto twenty = seal_drop(to_bytes("x"), std::span<const HybridRecipient>(rs).first(20), kDefaultDropSize);
  ASSERT_TRUE(twenty.ok()) << twenty.error().message;
  EXPECT_EQ(twenty->size(), kDefaultDropSize);
  EXPECT_TRUE(open_drop(*twenty, {}, kDefaultDropSize, std::span(&ids[19], 1)).ok());
  // Over kMaxDropRecipients in a drop large enough for the headers: the general cap.
  EXPECT_EQ(drop_body_capacity(kMaxDropSize, kMaxDropRecipients + 1, DropRecipients::hybrid).code(),
            Errc::invalid_argument);
}

// Debian 12's age 1.1.1 predates hybrid recipients: a hybrid drop is not
// something it opens, with the hybrid identity or any X25519 one.
TEST(HybridDrop, StockAge111CannotOpenAHybridDrop) {
  ASSERT_TRUE(test::age_cli_available());
  test::TempDir dir;
  const auto ids = make_hybrid_identities(1);
  auto drop = seal_drop(to_bytes("testimony"), std::span<const HybridRecipient>(recipients_of(ids)), kDefaultDropSize);
  ASSERT_TRUE(drop.ok());
  test::write_file(dir / "drop.age", *drop);
  const Secret identity = age::format_hybrid_identity(ids[0]);
  Bytes key_file(identity.view().begin(), identity.view().end());
  key_file.push_back('\n');
  test::write_file(dir / "pq.key", key_file);
  wipe(key_file);

  EXPECT_NE(test::run({"age", "-d", "-i", (dir / "pq.key").string(), (dir / "drop.age").string()}, dir / "out",
                      dir / "err"),
            0);
  EXPECT_NE(test::read_text(dir / "err").find("unknown identity type"), std::string::npos)
      << test::read_text(dir / "err");
  EXPECT_TRUE(test::read_file(dir / "out").empty());

  ASSERT_EQ(test::run({"age-keygen", "-o", (dir / "x.key").string()}, "/dev/null", dir / "keygen.err"), 0);
  EXPECT_NE(test::run({"age", "-d", "-i", (dir / "x.key").string(), (dir / "drop.age").string()}, dir / "out",
                      dir / "err"),
            0);
  EXPECT_NE(test::read_text(dir / "err").find("no identity matched"), std::string::npos)
      << test::read_text(dir / "err");
  EXPECT_TRUE(test::read_file(dir / "out").empty());
}

}  // namespace
}  // namespace cairn::crypto
