// Reply batches: organisation-signed lists of replies for the board
// (crypto/reply_batch.h).
#include "crypto/reply_batch.h"

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "proto/bundle.pb.h"

namespace cairn::crypto {
namespace {

constexpr DayNumber kToday = 20400;

Bytes a_reply(const std::string& text = "reply") {
  auto sealed = seal_reply({text, kToday, 0}, x25519_generate().public_key);
  EXPECT_TRUE(sealed.ok());
  return std::move(sealed).value();
}

Bytes build(const Ed25519KeyPair& org, std::vector<Bytes> replies, DayNumber issued = kToday,
            DayNumber expires = kToday + 14) {
  auto batch = build_reply_batch(org, replies, issued, expires);
  EXPECT_TRUE(batch.ok()) << batch.error().message;
  return std::move(batch).value();
}

// A body signed as given, for cases the builder refuses to make.
Bytes sign_body(const Ed25519KeyPair& org, const cairn::v1::ReplyBatch& body,
                std::string_view context = sign_context::kReplyBatch) {
  std::string body_bytes = body.SerializeAsString();
  auto signature = sign(org, context, as_bytes(body_bytes));
  cairn::v1::SignedReplyBatch outer;
  outer.set_body(body_bytes);
  outer.set_signature(std::string(as_chars(signature)));
  return to_bytes(outer.SerializeAsString());
}

cairn::v1::ReplyBatch body_with(const Ed25519KeyPair& org, std::vector<Bytes> replies) {
  cairn::v1::ReplyBatch body;
  body.set_version(kReplyBatchVersion);
  body.set_issued_day(kToday);
  body.set_expires_day(kToday + 14);
  body.set_organisation_key(std::string(as_chars(org.public_key)));
  for (const auto& r : replies) body.add_replies(std::string(as_chars(r)));
  return body;
}

TEST(ReplyBatch, RoundTrip) {
  auto org = ed25519_generate();
  std::vector<Bytes> replies = {a_reply("one"), a_reply("two"), a_reply("three")};
  auto batch = build(org, replies);
  auto verified = verify_reply_batch(batch, org.public_key, kToday);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->replies, replies);
  EXPECT_EQ(verified->issued_day, kToday);
  EXPECT_EQ(verified->expires_day, kToday + 14);
  // Valid on every day from issue to expiry, inclusive.
  EXPECT_TRUE(verify_reply_batch(batch, org.public_key, kToday + 14).ok());
}

TEST(ReplyBatch, EverySingleBitFlipIsRejected) {
  auto org = ed25519_generate();
  Bytes batch = build(org, {a_reply()});
  std::size_t accepted = 0;
  for (std::size_t bit = 0; bit < batch.size() * 8; ++bit) {
    batch[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    if (verify_reply_batch(batch, org.public_key, kToday).ok()) ++accepted;
    batch[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  }
  EXPECT_EQ(accepted, 0u);
}

TEST(ReplyBatch, AlteredBodyIsABadSignature) {
  auto org = ed25519_generate();
  auto body = body_with(org, {a_reply()});
  Bytes good = sign_body(org, body);
  cairn::v1::SignedReplyBatch outer;
  ASSERT_TRUE(outer.ParseFromArray(good.data(), static_cast<int>(good.size())));
  body.set_expires_day(kToday + 400);  // a longer life, same signature
  outer.set_body(body.SerializeAsString());
  auto altered = to_bytes(outer.SerializeAsString());
  auto r = verify_reply_batch(altered, org.public_key, kToday);
  EXPECT_EQ(r.code(), Errc::bad_signature);
  EXPECT_NE(r.error().message.find("altered"), std::string::npos);
}

TEST(ReplyBatch, AnotherOrganisationIsUntrustedAndSaysSo) {
  auto org = ed25519_generate();
  auto other = ed25519_generate();
  auto r = verify_reply_batch(build(other, {a_reply()}), org.public_key, kToday);
  EXPECT_EQ(r.code(), Errc::untrusted);
  EXPECT_NE(r.error().message.find("different organisation key"), std::string::npos);
  // Signed by the pinned key but naming another: also untrusted.
  auto body = body_with(org, {a_reply()});
  body.set_organisation_key(std::string(as_chars(other.public_key)));
  EXPECT_EQ(verify_reply_batch(sign_body(org, body), org.public_key, kToday).code(), Errc::untrusted);
}

TEST(ReplyBatch, ASignatureForAnotherPurposeDoesNotVerify) {
  auto org = ed25519_generate();
  auto body = body_with(org, {a_reply()});
  EXPECT_EQ(verify_reply_batch(sign_body(org, body, sign_context::kKeyBundle), org.public_key, kToday).code(),
            Errc::bad_signature);
}

TEST(ReplyBatch, DatesAreChecked) {
  auto org = ed25519_generate();
  auto batch = build(org, {a_reply()}, kToday, kToday + 3);
  auto expired = verify_reply_batch(batch, org.public_key, kToday + 4);
  EXPECT_EQ(expired.code(), Errc::expired);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(verify_reply_batch(batch, org.public_key, kToday - 1).code(), Errc::not_yet_valid);
  EXPECT_EQ(build_reply_batch(org, std::vector<Bytes>{a_reply()}, kToday, kToday - 1).code(),
            Errc::invalid_argument);
}

TEST(ReplyBatch, BuilderRefusesWhatIsNotABatchOfReplies) {
  auto org = ed25519_generate();
  auto refused = [&](std::vector<Bytes> replies) {
    auto r = build_reply_batch(org, replies, kToday, kToday + 14);
    EXPECT_EQ(r.code(), Errc::invalid_argument) << (r.ok() ? "built" : r.error().message);
  };
  refused({});
  Bytes reply = a_reply();
  refused({reply, reply});                       // the same reply twice
  refused({Bytes(kReplySize, 0x61)});            // right size, not an age file
  refused({Bytes(reply.begin(), reply.end() - 1)});  // wrong size
  std::vector<Bytes> too_many(kMaxBatchReplies + 1, reply);
  refused(too_many);
}

TEST(ReplyBatch, VerifierRefusesMalformedContentEvenWhenSigned) {
  auto org = ed25519_generate();
  Bytes reply = a_reply();
  struct Case {
    std::string name;
    cairn::v1::ReplyBatch body;
    Errc code;
  };
  std::vector<Case> cases;
  cases.push_back({"empty", body_with(org, {}), Errc::malformed});
  cases.push_back({"duplicate", body_with(org, {reply, reply}), Errc::malformed});
  cases.push_back({"short reply", body_with(org, {Bytes(100, 1)}), Errc::malformed});
  cases.push_back({"not age", body_with(org, {Bytes(kReplySize, 0x61)}), Errc::malformed});
  auto v2 = body_with(org, {reply});
  v2.set_version(2);
  cases.push_back({"version 2", v2, Errc::unsupported});
  auto backwards = body_with(org, {reply});
  backwards.set_expires_day(kToday - 1);
  backwards.set_issued_day(kToday);
  cases.push_back({"expires before issue", backwards, Errc::malformed});
  for (const auto& c : cases) {
    auto r = verify_reply_batch(sign_body(org, c.body), org.public_key, kToday);
    EXPECT_EQ(r.ok() ? Errc::internal : r.code(), c.code) << c.name;
  }
}

TEST(ReplyBatch, CapsAreCheckedBeforeParsing) {
  auto org = ed25519_generate();
  EXPECT_EQ(verify_reply_batch(Bytes(kMaxReplyBatchBytes + 1, 0), org.public_key, kToday).code(), Errc::too_large);
  EXPECT_EQ(verify_reply_batch(Bytes(500, 0xff), org.public_key, kToday).code(), Errc::malformed);
  EXPECT_EQ(verify_reply_batch({}, org.public_key, kToday).code(), Errc::malformed);
}

TEST(ReplyBatch, AFullBoardFitsOneBatch) {
  auto org = ed25519_generate();
  std::vector<Bytes> replies;
  for (std::size_t i = 0; i < kMaxBatchReplies; ++i) replies.push_back(a_reply(std::to_string(i)));
  auto batch = build(org, replies);
  EXPECT_LE(batch.size(), kMaxReplyBatchBytes);
  auto verified = verify_reply_batch(batch, org.public_key, kToday);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->replies.size(), kMaxBatchReplies);
}

}  // namespace
}  // namespace cairn::crypto
