// Replies: fixed-size age files to one source's reply key (crypto/reply.h).
#include "crypto/reply.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/age.h"
#include "crypto/drop.h"
#include "crypto/random.h"
#include "support/files.h"
#include "support/subprocess.h"

namespace cairn::crypto {
namespace {

TEST(Reply, SealsAndOpensKoreanAndRussianText) {
  auto key = x25519_generate();
  ReplyContent in{"받았습니다. 안전하십니까? Мы получили ваше сообщение.", 20400, 20390};
  auto sealed = seal_reply(in, key.public_key);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  EXPECT_EQ(sealed->size(), kReplySize);
  auto out = open_reply(*sealed, key);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->text, in.text);
  EXPECT_EQ(out->day, 20400u);
  EXPECT_EQ(out->in_reply_to_day, 20390u);
}

TEST(Reply, EveryReplyHasTheSameSize) {
  auto key = x25519_generate();
  for (std::size_t length : {std::size_t{0}, std::size_t{1}, std::size_t{100}, reply_text_capacity()}) {
    auto sealed = seal_reply({std::string(length, 'a'), 0, 0}, key.public_key);
    ASSERT_TRUE(sealed.ok()) << length << ": " << sealed.error().message;
    EXPECT_EQ(sealed->size(), kReplySize);
    auto out = open_reply(*sealed, key);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->text.size(), length);
  }
}

TEST(Reply, CapacityIsEnforcedWithASpecificError) {
  auto key = x25519_generate();
  // The documented capacity holds with the largest day values too.
  auto full = seal_reply({std::string(reply_text_capacity(), 'x'), 0xffffffffu, 0xffffffffu}, key.public_key);
  EXPECT_TRUE(full.ok()) << full.error().message;
  auto over = seal_reply({std::string(reply_text_capacity() + 1, 'x'), 0, 0}, key.public_key);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.code(), Errc::too_large);
  EXPECT_NE(over.error().message.find(std::to_string(reply_text_capacity())), std::string::npos);
  // Korean text: about a third as many characters.
  EXPECT_GT(reply_text_capacity() / 3, 1000u);
}

// A source who submitted to a hybrid key bundle gets replies sealed to the
// codename's hybrid key: one mlkem768x25519 stanza, still exactly 4096 bytes.
TEST(Reply, SealsToAHybridKeyAndOpensWithTheCodenamesKeys) {
  ReplyKeys keys{x25519_generate(), hybrid_kem::generate_key_pair()};
  const ReplyPublicKeys published = public_keys(keys);
  ASSERT_TRUE(published.hybrid.has_value());
  const ReplyPublicKey to = published.for_drops(DropRecipients::hybrid);
  EXPECT_EQ(reply_key_kind(to), DropRecipients::hybrid);
  EXPECT_EQ(reply_public_key_bytes(to).size(), 1216u);
  EXPECT_EQ(reply_key_kind(published.for_drops(DropRecipients::x25519)), DropRecipients::x25519);
  ReplyContent in{"답장입니다. Ответ аналитика.", 20400, 20390};
  auto sealed = seal_reply(in, to);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  EXPECT_EQ(sealed->size(), kReplySize);
  auto file = age::parse_file(*sealed);
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->header.stanzas.size(), 1u);
  EXPECT_EQ(file->header.stanzas[0].type(), age::kHybridStanzaType);
  auto out = open_reply(*sealed, keys);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->text, in.text);
  EXPECT_EQ(out->day, 20400u);
  EXPECT_EQ(out->in_reply_to_day, 20390u);
  // The X25519 key alone, or another hybrid key, finds no match.
  EXPECT_EQ(open_reply(*sealed, keys.x25519).code(), Errc::no_identity_match);
  ReplyKeys other{x25519_generate(), hybrid_kem::generate_key_pair()};
  EXPECT_EQ(open_reply(*sealed, other).code(), Errc::no_identity_match);
}

TEST(Reply, AHybridReplyHoldsTheDocumentedText) {
  // docs/PROTOCOL.md, "Reply": 3874 bytes of text to X25519, 2415 to a hybrid key.
  EXPECT_EQ(reply_text_capacity(DropRecipients::x25519), 3874u);
  EXPECT_EQ(reply_text_capacity(DropRecipients::hybrid), 2415u);
  const auto key = hybrid_kem::generate_key_pair();
  const std::size_t capacity = reply_text_capacity(DropRecipients::hybrid);
  auto full = seal_reply({std::string(capacity, 'x'), 0xffffffffu, 0xffffffffu}, key.encapsulation_key);
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ(full->size(), kReplySize);
  auto over = seal_reply({std::string(capacity + 1, 'x'), 0, 0}, key.encapsulation_key);
  EXPECT_EQ(over.code(), Errc::too_large);
  EXPECT_NE(over.error().message.find(std::to_string(capacity)), std::string::npos);
}

TEST(Reply, AReplyKeyIs32Or1216Bytes) {
  const auto x = x25519_generate();
  auto classical = parse_reply_public_key(x.public_key);
  ASSERT_TRUE(classical.ok());
  EXPECT_EQ(reply_key_kind(*classical), DropRecipients::x25519);
  const auto h = hybrid_kem::generate_key_pair();
  auto hybrid = parse_reply_public_key(h.encapsulation_key);
  ASSERT_TRUE(hybrid.ok());
  EXPECT_EQ(reply_key_kind(*hybrid), DropRecipients::hybrid);
  EXPECT_TRUE(std::ranges::equal(reply_public_key_bytes(*hybrid), h.encapsulation_key));
  for (std::size_t size : {std::size_t{0}, std::size_t{31}, std::size_t{33}, std::size_t{1184}, std::size_t{1215},
                           std::size_t{1217}})
    EXPECT_EQ(parse_reply_public_key(Bytes(size, 9)).code(), Errc::malformed) << size;
  // A 1216-byte key no one can encapsulate to is refused when a reply is sealed to it.
  auto unusable = parse_reply_public_key(Bytes(1216, 0xff));
  ASSERT_TRUE(unusable.ok());
  EXPECT_EQ(seal_reply({"x", 0, 0}, *unusable).code(), Errc::invalid_argument);
}

TEST(Reply, RefusesTextThatIsNotUtf8) {
  auto key = x25519_generate();
  EXPECT_EQ(seal_reply({"\xff\xfe", 0, 0}, key.public_key).code(), Errc::invalid_argument);
}

TEST(Reply, AnotherKeyFindsNoMatch) {
  auto key = x25519_generate();
  auto other = x25519_generate();
  auto sealed = seal_reply({"for you only", 0, 0}, key.public_key);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(open_reply(*sealed, other).code(), Errc::no_identity_match);
}

TEST(Reply, WrongSizeIsMalformedBeforeAnyCrypto) {
  auto key = x25519_generate();
  auto sealed = seal_reply({"x", 0, 0}, key.public_key);
  ASSERT_TRUE(sealed.ok());
  Bytes longer = *sealed;
  longer.push_back(0);
  Bytes shorter(sealed->begin(), sealed->end() - 1);
  EXPECT_EQ(open_reply(longer, key).code(), Errc::malformed);
  EXPECT_EQ(open_reply(shorter, key).code(), Errc::malformed);
  EXPECT_EQ(open_reply({}, key).code(), Errc::malformed);
}

TEST(Reply, BitFlipsAreRejected) {
  auto key = x25519_generate();
  auto sealed = seal_reply({"meet the usual person on Sunday", 20400, 0}, key.public_key);
  ASSERT_TRUE(sealed.ok());
  auto parsed = age::parse_file(*sealed);
  ASSERT_TRUE(parsed.ok());
  // Every bit of the header and payload nonce, every bit of the body's first
  // 64 bytes and of the final tag, and a stride through the rest (padding):
  // every bit of 4 KiB would take tens of seconds of key unwrapping.
  Bytes reply = *sealed;
  const std::size_t head_bits = (parsed->header.size + age::kPayloadNonceBytes) * 8;
  const std::size_t total_bits = reply.size() * 8;
  std::vector<std::size_t> bits;
  for (std::size_t i = 0; i < head_bits + 64 * 8; ++i) bits.push_back(i);
  for (std::size_t i = head_bits + 64 * 8; i < total_bits - 16 * 8; i += 29) bits.push_back(i);
  for (std::size_t i = total_bits - 16 * 8; i < total_bits; ++i) bits.push_back(i);
  std::size_t accepted = 0;
  for (std::size_t bit : bits) {
    reply[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    if (open_reply(reply, key).ok()) ++accepted;
    reply[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  }
  EXPECT_EQ(accepted, 0u);
  EXPECT_TRUE(open_reply(reply, key).ok());
}

TEST(Reply, ABodyThatIsNotAReplyIsMalformedAndANewerVersionUnsupported) {
  auto key = x25519_generate();
  const X25519Public recipients[] = {key.public_key};
  // Not a protobuf at all (field 0 is invalid).
  auto junk = seal_drop(as_bytes(std::string_view("\x00\x00\x00", 3)), recipients, kReplySize);
  ASSERT_TRUE(junk.ok());
  EXPECT_EQ(open_reply(*junk, key).code(), Errc::malformed);
  // Reply{version = 2}: field 1, varint 2.
  const std::uint8_t v2[] = {0x08, 0x02};
  auto newer = seal_drop(v2, recipients, kReplySize);
  ASSERT_TRUE(newer.ok());
  EXPECT_EQ(open_reply(*newer, key).code(), Errc::unsupported);
}

TEST(Reply, OpensWithTheStockAgeTool) {
  ASSERT_TRUE(test::age_cli_available());
  test::TempDir dir;
  auto key = x25519_generate();
  auto sealed = seal_reply({"reply text", 0, 0}, key.public_key);
  ASSERT_TRUE(sealed.ok());
  test::write_file(dir / "reply.age", *sealed);
  auto identity = age::format_identity(key);
  test::write_file(dir / "key.txt", identity.view());
  ASSERT_EQ(test::run({"age", "-d", "-i", (dir / "key.txt").string(), "-o", (dir / "plain").string(),
                       (dir / "reply.age").string()}),
            0);
  auto plain = test::read_file(dir / "plain");
  ASSERT_GT(plain.size(), kDropLengthBytes);
  EXPECT_NE(std::string(as_chars(plain)).find("reply text"), std::string::npos);
}

}  // namespace
}  // namespace cairn::crypto
