// Drops: fixed-size age files (crypto/drop.h).
#include "crypto/drop.h"

#include <gtest/gtest.h>

#include <vector>

#include "crypto/age.h"
#include "crypto/random.h"
#include "support/files.h"
#include "support/subprocess.h"

namespace cairn::crypto {
namespace {

std::vector<age::Identity> make_identities(std::size_t n) {
  std::vector<age::Identity> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(x25519_generate());
  return out;
}

std::vector<X25519Public> recipients_of(const std::vector<age::Identity>& ids) {
  std::vector<X25519Public> out;
  for (const auto& id : ids) out.push_back(id.public_key);
  return out;
}

// Sizes a deployment might choose: the default, a single full chunk, and multi-chunk.
const std::vector<std::size_t> kDropSizes = {kDefaultDropSize, 48 * 1024, 64 * 1024, 200000};

TEST(Drop, EveryDropHasTheSameSize) {
  const auto ids = make_identities(5);
  for (std::size_t n : {1u, 2u, 5u}) {
    auto rs = recipients_of(ids);
    rs.resize(n);
    for (std::size_t drop_size : kDropSizes) {
      SCOPED_TRACE(std::to_string(n) + " recipients, drop size " + std::to_string(drop_size));
      auto tiny = seal_drop(as_bytes("x"), rs, drop_size);
      auto big = seal_drop(random_bytes(20000), rs, drop_size);
      auto empty = seal_drop({}, rs, drop_size);
      ASSERT_TRUE(tiny.ok()) << tiny.error().message;
      ASSERT_TRUE(big.ok()) << big.error().message;
      ASSERT_TRUE(empty.ok()) << empty.error().message;
      EXPECT_EQ(tiny->size(), drop_size);
      EXPECT_EQ(big->size(), drop_size);
      EXPECT_EQ(empty->size(), drop_size);
    }
  }
}

TEST(Drop, CapacityIsExact) {
  const auto ids = make_identities(5);
  for (std::size_t n : {1u, 2u, 5u}) {
    auto rs = recipients_of(ids);
    rs.resize(n);
    for (std::size_t drop_size : kDropSizes) {
      SCOPED_TRACE(std::to_string(n) + " recipients, drop size " + std::to_string(drop_size));
      auto capacity = drop_body_capacity(drop_size, n);
      ASSERT_TRUE(capacity.ok()) << capacity.error().message;
      const Bytes body = random_bytes(*capacity);
      auto full = seal_drop(body, rs, drop_size);
      ASSERT_TRUE(full.ok()) << full.error().message;
      EXPECT_EQ(full->size(), drop_size);
      auto opened = open_drop(*full, std::span(&ids[n - 1], 1), drop_size);
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      EXPECT_TRUE(equal_constant_time(opened->view(), body));

      auto over = seal_drop(random_bytes(*capacity + 1), rs, drop_size);
      ASSERT_EQ(over.code(), Errc::too_large);
      EXPECT_NE(over.error().message.find(std::to_string(*capacity)), std::string::npos) << over.error().message;
    }
  }
}

TEST(Drop, WorkedExampleFromTheProtocolDoc) {
  // docs/PROTOCOL.md, "age files and drops": 32768 - (70 + 98 N) - 16 (nonce) - 16 (tag) - 4 (length).
  EXPECT_EQ(drop_body_capacity(32768, 1).value(), 32564u);
  EXPECT_EQ(drop_body_capacity(32768, 2).value(), 32466u);
  EXPECT_EQ(drop_body_capacity(32768, 32).value(), 29526u);
  // 199816 bytes of STREAM are three full chunks and a fourth of 3160: four tags.
  EXPECT_EQ(drop_body_capacity(200000, 1).value(), 200000u - 168 - 16 - 4 * 16 - 4);
}

TEST(Drop, AnyRecipientOpensIt) {
  const auto ids = make_identities(3);
  const Bytes body = to_bytes("testimony: wages confiscated since March");
  auto drop = seal_drop(body, recipients_of(ids), kDefaultDropSize);
  ASSERT_TRUE(drop.ok());
  for (const auto& id : ids) {
    auto opened = open_drop(*drop, std::span(&id, 1), kDefaultDropSize);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_TRUE(equal_constant_time(opened->view(), body));
  }
  // Several identities held, only the last one a recipient.
  auto mixed = make_identities(2);
  mixed.push_back(x25519_from_secret(ids[2].secret.clone()).value());
  EXPECT_TRUE(open_drop(*drop, mixed, kDefaultDropSize).ok());

  const auto strangers = make_identities(2);
  EXPECT_EQ(open_drop(*drop, strangers, kDefaultDropSize).code(), Errc::no_identity_match);
}

TEST(Drop, BadParametersAndSizes) {
  const auto ids = make_identities(1);
  const auto rs = recipients_of(ids);
  EXPECT_EQ(drop_body_capacity(kDefaultDropSize, 0).code(), Errc::invalid_argument);
  EXPECT_EQ(drop_body_capacity(kDefaultDropSize, kMaxDropRecipients + 1).code(), Errc::invalid_argument);
  EXPECT_TRUE(drop_body_capacity(kDefaultDropSize, kMaxDropRecipients).ok());
  EXPECT_EQ(drop_body_capacity(kMaxDropSize + 1, 1).code(), Errc::invalid_argument);
  // Just enough for the header, nonce, one tag and the length: capacity 0.
  EXPECT_EQ(drop_body_capacity(168 + 16 + 16 + 4, 1).value(), 0u);
  EXPECT_EQ(drop_body_capacity(168 + 16 + 16 + 3, 1).code(), Errc::invalid_argument);
  EXPECT_EQ(seal_drop(as_bytes("x"), rs, 100).code(), Errc::invalid_argument);
  // Sizes inside the second chunk's tag cannot be filled exactly.
  const std::size_t gap = 168 + 16 + age::kSealedChunkBytes + 5;
  EXPECT_EQ(drop_body_capacity(gap, 1).code(), Errc::invalid_argument);
  EXPECT_TRUE(drop_body_capacity(gap + 12, 1).ok());

  auto drop = seal_drop(as_bytes("x"), rs, kDefaultDropSize);
  ASSERT_TRUE(drop.ok());
  // Wrong total size: refused before any crypto, as malformed.
  Bytes shorter(drop->begin(), drop->end() - 1);
  EXPECT_EQ(open_drop(shorter, ids, kDefaultDropSize).code(), Errc::malformed);
  Bytes longer = *drop;
  longer.push_back(0);
  EXPECT_EQ(open_drop(longer, ids, kDefaultDropSize).code(), Errc::malformed);
  EXPECT_EQ(open_drop(*drop, ids, 48 * 1024).code(), Errc::malformed);
}

// A drop built by hand around a chosen plaintext, to test the checks after decryption.
Bytes drop_with_plaintext(const Bytes& plaintext, const std::vector<X25519Public>& rs) {
  auto file = age::encrypt(plaintext, rs);
  EXPECT_TRUE(file.ok());
  return *file;
}

TEST(Drop, LengthAndPaddingAreChecked) {
  const auto ids = make_identities(1);
  const auto rs = recipients_of(ids);
  const std::size_t capacity = drop_body_capacity(kDefaultDropSize, 1).value();
  Bytes plaintext(capacity + kDropLengthBytes, 0);

  put_u32be(plaintext.data(), static_cast<std::uint32_t>(capacity));  // exactly full: fine
  EXPECT_TRUE(open_drop(drop_with_plaintext(plaintext, rs), ids, kDefaultDropSize).ok());

  put_u32be(plaintext.data(), static_cast<std::uint32_t>(capacity + 1));  // one past
  auto r = open_drop(drop_with_plaintext(plaintext, rs), ids, kDefaultDropSize);
  EXPECT_EQ(r.code(), Errc::malformed);

  put_u32be(plaintext.data(), 10);
  plaintext.back() = 1;  // padding not zero
  r = open_drop(drop_with_plaintext(plaintext, rs), ids, kDefaultDropSize);
  EXPECT_EQ(r.code(), Errc::malformed);
  EXPECT_NE(r.error().message.find("padding"), std::string::npos);
}

TEST(Drop, BitFlipsAreRejected) {
  const auto ids = make_identities(2);
  auto drop = seal_drop(random_bytes(1000), recipients_of(ids), kDefaultDropSize);
  ASSERT_TRUE(drop.ok());
  auto parsed = age::parse_file(*drop);
  ASSERT_TRUE(parsed.ok());
  // Every bit of the header and the payload nonce, then a stride through the
  // payload that lands in the body, the padding and the tag (every bit of
  // 32 KiB would take tens of seconds).
  const std::size_t head_bits = (parsed->header.size + age::kPayloadNonceBytes) * 8;
  std::vector<std::size_t> bits;
  for (std::size_t i = 0; i < head_bits; ++i) bits.push_back(i);
  for (std::size_t i = head_bits; i < drop->size() * 8; i += 97) bits.push_back(i);
  for (std::size_t i = drop->size() * 8 - 16 * 8; i < drop->size() * 8; ++i) bits.push_back(i);  // the tag
  for (std::size_t bit : bits) {
    Bytes tampered = *drop;
    tampered[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    ASSERT_FALSE(open_drop(tampered, ids, kDefaultDropSize).ok()) << "bit " << bit;
  }
}

TEST(Drop, OpensWithStockAge) {
  ASSERT_TRUE(test::age_cli_available());
  test::TempDir dir;
  const auto id = x25519_generate();
  const auto other = x25519_generate();
  const Bytes body = to_bytes("a drop the analyst opens with age in an emergency");
  auto drop = seal_drop(body, std::vector<X25519Public>{other.public_key, id.public_key}, kDefaultDropSize);
  ASSERT_TRUE(drop.ok());
  test::write_file(dir / "drop.age", *drop);
  const Secret identity = age::format_identity(id);
  Bytes key_file(identity.view().begin(), identity.view().end());
  key_file.push_back('\n');
  test::write_file(dir / "key", key_file);
  wipe(key_file);

  ASSERT_EQ(test::run({"age", "-d", "-i", (dir / "key").string(), (dir / "drop.age").string()}, dir / "out"), 0);
  const Bytes plaintext = test::read_file(dir / "out");
  ASSERT_EQ(plaintext.size(), drop_body_capacity(kDefaultDropSize, 2).value() + kDropLengthBytes);
  EXPECT_EQ(get_u32be(plaintext.data()), body.size());
  EXPECT_TRUE(std::equal(body.begin(), body.end(), plaintext.begin() + kDropLengthBytes));
  EXPECT_TRUE(std::all_of(plaintext.begin() + static_cast<std::ptrdiff_t>(kDropLengthBytes + body.size()),
                          plaintext.end(), [](std::uint8_t b) { return b == 0; }));
}

}  // namespace
}  // namespace cairn::crypto
