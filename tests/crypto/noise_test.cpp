// Noise: every published vector in tests/vectors/noise/, then the
// robustness of Cairn's NK handshake (tampering, wrong keys, order, sizes).
#include "crypto/noise.h"

#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string>

#include "crypto/handshake_state.h"
#include "crypto/random.h"
#include "support/files.h"
#include "support/json.h"
#include "support/noise.h"
#include "support/result.h"

namespace cairn::crypto::noise {
namespace {

using test::hex;
using test::key_pair_from_hex;

// ---------------------------------------------------------------------------
// Vectors

struct VectorCounts {
  int run = 0;
  int skipped_unsupported = 0;
  std::set<std::string> passed;
};

std::optional<std::string> optional_hex_field(const test::json::Value& v, std::string_view key) {
  if (!v.has(key)) return std::nullopt;
  return v[key].string();
}

HandshakeOptions options_for(const test::json::Value& v, Role role, Bytes& prologue_storage) {
  const std::string side = role == Role::initiator ? "init_" : "resp_";
  HandshakeOptions o;
  o.protocol_name = v["protocol_name"].string();
  o.role = role;
  prologue_storage = hex(v[side + "prologue"].string());
  o.prologue = prologue_storage;
  if (auto s = optional_hex_field(v, side + "static")) o.local_static = key_pair_from_hex(*s);
  if (auto e = optional_hex_field(v, side + "ephemeral")) o.fixed_ephemeral = key_pair_from_hex(*e);
  if (auto rs = optional_hex_field(v, side + "remote_static")) {
    Bytes b = hex(*rs);
    if (b.size() != kX25519Bytes) throw std::runtime_error("bad remote static in vector");
    X25519Public pub{};
    std::copy(b.begin(), b.end(), pub.begin());
    o.remote_static = pub;
  }
  return o;
}

// A vector's psks must be absent or empty for a non-psk pattern; a psk
// pattern is refused at create time anyway.
bool has_psks(const test::json::Value& v) {
  for (const char* key : {"init_psks", "resp_psks"})
    if (v.has(key) && !v[key].array().empty()) return true;
  return false;
}

void run_vector(const test::json::Value& v, VectorCounts& counts) {
  const std::string& name = v["protocol_name"].string();
  SCOPED_TRACE(name);
  Bytes init_prologue, resp_prologue;
  auto init = HandshakeState::create(options_for(v, Role::initiator, init_prologue));
  auto resp = HandshakeState::create(options_for(v, Role::responder, resp_prologue));
  if (!init.ok() || !resp.ok()) {
    // Only "we don't implement this" is an acceptable reason to skip.
    if (!init.ok()) {
      EXPECT_EQ(test::code_of(init), Errc::unsupported) << init.error().message;
    }
    if (!resp.ok()) {
      EXPECT_EQ(test::code_of(resp), Errc::unsupported) << resp.error().message;
    }
    EXPECT_EQ(init.ok(), resp.ok()) << "both sides must agree the protocol is unsupported";
    std::cout << "[ noise    ] skipped (unsupported): " << name << " -- "
              << (init.ok() ? resp.error().message : init.error().message) << "\n";
    ++counts.skipped_unsupported;
    return;
  }
  ASSERT_FALSE(has_psks(v)) << "a psk vector was accepted";

  const auto& messages = v["messages"].array();
  const std::size_t handshake_messages = init->pattern().message_count;
  const bool one_way = init->pattern().one_way;
  ASSERT_GE(messages.size(), handshake_messages);
  const int failures_before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();

  std::optional<TransportCiphers> ti, tr;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    const Bytes payload = hex(messages[i]["payload"].string());
    const Bytes ciphertext = hex(messages[i]["ciphertext"].string());
    if (i < handshake_messages) {
      const bool initiator_writes = HandshakePattern::sender_of(i) == Role::initiator;
      HandshakeState& writer = initiator_writes ? *init : *resp;
      HandshakeState& reader = initiator_writes ? *resp : *init;
      ASSERT_TRUE(writer.is_my_turn());
      ASSERT_FALSE(reader.is_my_turn());
      EXPECT_EQ(writer.next_message_overhead() + payload.size(), ciphertext.size());
      auto written = writer.write_message(payload);
      ASSERT_TRUE(written.ok()) << written.error().message;
      EXPECT_EQ(to_hex(*written), to_hex(ciphertext));
      auto read = reader.read_message(ciphertext);
      ASSERT_TRUE(read.ok()) << read.error().message;
      EXPECT_EQ(to_hex(*read), to_hex(payload));
      if (i + 1 == handshake_messages) {
        ASSERT_TRUE(init->is_finished());
        ASSERT_TRUE(resp->is_finished());
        EXPECT_EQ(to_hex(init->handshake_hash()), to_hex(resp->handshake_hash()));
        if (v.has("handshake_hash")) {
          EXPECT_EQ(to_hex(init->handshake_hash()), v["handshake_hash"].string());
        }
        auto si = init->split();
        auto sr = resp->split();
        ASSERT_TRUE(si.ok() && sr.ok());
        ti = std::move(si).value();
        tr = std::move(sr).value();
      }
    } else {
      // Transport: senders keep alternating by index; one-way patterns only
      // ever send from initiator to responder.
      const bool initiator_sends = one_way || i % 2 == 0;
      CipherState& send = initiator_sends ? ti->send : tr->send;
      CipherState& receive = initiator_sends ? tr->receive : ti->receive;
      auto sealed = send.encrypt(payload);
      ASSERT_TRUE(sealed.ok()) << sealed.error().message;
      EXPECT_EQ(to_hex(*sealed), to_hex(ciphertext));
      auto opened = receive.decrypt(ciphertext);
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      EXPECT_EQ(to_hex(*opened), to_hex(payload));
    }
  }
  ++counts.run;
  const int failures_after = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
  if (failures_after == failures_before) counts.passed.insert(name);
}

VectorCounts run_vector_file(const std::string& file) {
  const Bytes text = test::read_file(test::vectors_dir() / "noise" / file);
  const auto doc = test::json::parse(as_chars(text));
  VectorCounts counts;
  for (const auto& v : doc["vectors"].array()) run_vector(v, counts);
  std::cout << "[ noise    ] " << file << ": " << counts.run << " vectors run, " << counts.skipped_unsupported
            << " skipped as unsupported\n";
  ::testing::Test::RecordProperty("vectors_run", counts.run);
  ::testing::Test::RecordProperty("vectors_skipped_unsupported", counts.skipped_unsupported);
  return counts;
}

TEST(NoiseVectors, Cacophony) {
  auto counts = run_vector_file("cacophony_25519_ChaChaPoly_BLAKE2b.json");
  EXPECT_GT(counts.run, 0);
  EXPECT_TRUE(counts.passed.contains("Noise_NK_25519_ChaChaPoly_BLAKE2b"));
}

TEST(NoiseVectors, Snow) {
  auto counts = run_vector_file("snow_NK_25519_ChaChaPoly_BLAKE2b.json");
  EXPECT_GT(counts.run, 0);
  EXPECT_GT(counts.skipped_unsupported, 0);  // NK1: deferred patterns are refused, not crashed on
  EXPECT_TRUE(counts.passed.contains("Noise_NK_25519_ChaChaPoly_BLAKE2b"));
}

// The vector files are parsed by a strict reader; make sure it is strict.
TEST(JsonReader, AcceptsJsonAndRejectsGarbage) {
  auto v = test::json::parse(R"( {"a": [1, -2.5e3, true, false, null], "b": "x\"\u00e9\ud83d\ude00"} )");
  EXPECT_EQ(v["a"].array().size(), 5u);
  EXPECT_EQ(v["a"].array()[1].number(), -2500.0);
  EXPECT_EQ(v["b"].string(), "x\"\xc3\xa9\xf0\x9f\x98\x80");
  for (const char* bad : {"", "{", "{\"a\":1,}", "[1,]", "{\"a\":1} x", "\"\x01\"", "{\"a\":1,\"a\":2}", "01",
                          "\"\\ud800\"", "tru", "[1 2]"}) {
    EXPECT_THROW(test::json::parse(bad), std::runtime_error) << bad;
  }
}

// ---------------------------------------------------------------------------
// Cairn's NK: tampering, wrong keys, order, sizes

class NkHandshake : public ::testing::Test {
 protected:
  HandshakeState initiator(ByteView prologue = as_bytes(kPrologue)) const {
    HandshakeOptions o;
    o.protocol_name = kCairnProtocolName;
    o.role = Role::initiator;
    o.prologue = prologue;
    o.remote_static = relay_.public_key;
    o.fixed_ephemeral = test::copy_of(initiator_e_);
    return must(HandshakeState::create(std::move(o)));
  }
  HandshakeState responder() const {
    HandshakeOptions o;
    o.protocol_name = kCairnProtocolName;
    o.role = Role::responder;
    o.prologue = as_bytes(kPrologue);
    o.local_static = test::copy_of(relay_);
    o.fixed_ephemeral = test::copy_of(responder_e_);
    return must(HandshakeState::create(std::move(o)));
  }
  static HandshakeState must(Result<HandshakeState> r) {
    if (!r.ok()) throw std::runtime_error(r.error().message);
    return std::move(r).value();
  }

  static constexpr std::string_view kPrologue = "cairn noise test";
  const Bytes payload1_ = to_bytes("request from the source");
  const Bytes payload2_ = to_bytes("reply from the relay, with a challenge");
  X25519KeyPair relay_ = x25519_generate();
  X25519KeyPair initiator_e_ = x25519_generate();
  X25519KeyPair responder_e_ = x25519_generate();
};

TEST_F(NkHandshake, MessageSizesAreFixedByThePayload) {
  auto i = initiator();
  auto r = responder();
  auto m1 = i.write_message(payload1_);
  ASSERT_TRUE(m1.ok());
  EXPECT_EQ(m1->size(), kNkMessage1Overhead + payload1_.size());
  ASSERT_TRUE(r.read_message(*m1).ok());
  auto m2 = r.write_message(payload2_);
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(m2->size(), kNkMessage2Overhead + payload2_.size());
  ASSERT_TRUE(i.read_message(*m2).ok());
  EXPECT_TRUE(i.is_finished() && r.is_finished());
  EXPECT_EQ(i.handshake_hash(), r.handshake_hash());
}

TEST_F(NkHandshake, EveryBitFlipOfMessage1IsRejected) {
  auto i = initiator();
  const Bytes m1 = i.write_message(payload1_).value();
  for (std::size_t bit = 0; bit < m1.size() * 8; ++bit) {
    Bytes flipped = m1;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto r = responder();
    auto read = r.read_message(flipped);
    ASSERT_FALSE(read.ok()) << "bit " << bit;
    ASSERT_EQ(test::code_of(read), Errc::decrypt_failed) << "bit " << bit;
    // The failed state must not accept even the genuine message afterwards.
    ASSERT_TRUE(r.has_failed());
    ASSERT_EQ(test::code_of(r.read_message(m1)), Errc::protocol);
    ASSERT_EQ(test::code_of(r.write_message(payload2_)), Errc::protocol);
    ASSERT_EQ(test::code_of(r.split()), Errc::protocol);
  }
  // Control: the genuine message is accepted by a fresh responder.
  auto r = responder();
  EXPECT_TRUE(r.read_message(m1).ok());
}

TEST_F(NkHandshake, EveryBitFlipOfMessage2IsRejected) {
  auto r = responder();
  Bytes m1 = initiator().write_message(payload1_).value();
  ASSERT_TRUE(r.read_message(m1).ok());
  const Bytes m2 = r.write_message(payload2_).value();
  for (std::size_t bit = 0; bit < m2.size() * 8; ++bit) {
    Bytes flipped = m2;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto i = initiator();
    ASSERT_EQ(i.write_message(payload1_).value(), m1);  // same state as the genuine run
    ASSERT_EQ(test::code_of(i.read_message(flipped)), Errc::decrypt_failed) << "bit " << bit;
    ASSERT_EQ(test::code_of(i.read_message(m2)), Errc::protocol);
    ASSERT_FALSE(i.is_finished());
  }
  auto i = initiator();
  ASSERT_TRUE(i.write_message(payload1_).ok());
  EXPECT_TRUE(i.read_message(m2).ok());
}

TEST_F(NkHandshake, EveryBitFlipOfATransportMessageIsRejected) {
  auto pair = test::nk_transport_pair();
  ASSERT_TRUE(pair);
  const Bytes plaintext = to_bytes("a drop");
  const Bytes ct = pair->initiator.send.encrypt(plaintext).value();
  CipherState& receive = pair->responder.receive;
  for (std::size_t bit = 0; bit < ct.size() * 8; ++bit) {
    Bytes flipped = ct;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    ASSERT_EQ(test::code_of(receive.decrypt(flipped)), Errc::decrypt_failed) << "bit " << bit;
    ASSERT_EQ(receive.nonce(), 0u) << "a forgery advanced the nonce";
  }
  // The receiver is still in step: the genuine message opens, exactly once.
  auto opened = receive.decrypt(ct);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, plaintext);
  EXPECT_EQ(test::code_of(receive.decrypt(ct)), Errc::decrypt_failed);  // replay
}

TEST_F(NkHandshake, WrongRelayKeyFailsAtTheRelaysFirstRead) {
  const auto wrong = x25519_generate();
  auto i = make_nk_initiator(as_bytes(kPrologue), wrong.public_key);
  auto r = make_nk_responder(as_bytes(kPrologue), relay_);
  ASSERT_TRUE(i.ok() && r.ok());
  auto m1 = i->write_message(payload1_);
  ASSERT_TRUE(m1.ok());
  EXPECT_EQ(test::code_of(r->read_message(*m1)), Errc::decrypt_failed);
}

TEST_F(NkHandshake, DifferentProloguesFailAtTheRelaysFirstRead) {
  auto i = initiator(as_bytes("cairn noise test, version 2"));
  auto r = responder();
  EXPECT_EQ(test::code_of(r.read_message(i.write_message(payload1_).value())), Errc::decrypt_failed);
}

TEST_F(NkHandshake, LowOrderKeysAreRejected) {
  // All-zero public key: DH with it is all zeros whatever the scalar.
  const X25519Public zero{};
  auto i = make_nk_initiator(as_bytes(kPrologue), zero);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(test::code_of(i->write_message(payload1_)), Errc::decrypt_failed);
  EXPECT_TRUE(i->has_failed());

  // A message 1 whose ephemeral is a low-order point.
  auto r = responder();
  Bytes m1(kNkMessage1Overhead + payload1_.size(), 0);
  EXPECT_EQ(test::code_of(r.read_message(m1)), Errc::decrypt_failed);
}

TEST_F(NkHandshake, MessagesOutOfTurnAreProtocolErrors) {
  {
    auto i = initiator();
    EXPECT_EQ(test::code_of(i.read_message(Bytes(64))), Errc::protocol);  // the initiator speaks first
    EXPECT_EQ(test::code_of(i.write_message(payload1_)), Errc::protocol);  // and the failure sticks
  }
  {
    auto r = responder();
    EXPECT_FALSE(r.is_my_turn());
    EXPECT_EQ(test::code_of(r.write_message(payload2_)), Errc::protocol);
  }
  {
    auto i = initiator();
    ASSERT_TRUE(i.write_message(payload1_).ok());
    EXPECT_EQ(test::code_of(i.write_message(payload1_)), Errc::protocol);  // twice in a row
  }
  {
    auto i = initiator();
    auto r = responder();
    EXPECT_EQ(test::code_of(i.split()), Errc::protocol);  // before the end
    i = initiator();
    ASSERT_TRUE(r.read_message(i.write_message(payload1_).value()).ok());
    ASSERT_TRUE(i.read_message(r.write_message(payload2_).value()).ok());
    EXPECT_EQ(test::code_of(i.write_message({})), Errc::protocol);  // after the end
    EXPECT_EQ(test::code_of(r.read_message(Bytes(64))), Errc::protocol);
  }
  {
    auto i = initiator();
    auto r = responder();
    ASSERT_TRUE(r.read_message(i.write_message(payload1_).value()).ok());
    ASSERT_TRUE(i.read_message(r.write_message(payload2_).value()).ok());
    ASSERT_TRUE(i.split().ok());
    EXPECT_EQ(test::code_of(i.split()), Errc::protocol);  // keys are handed out once
  }
}

TEST_F(NkHandshake, TruncatedAndOversizedMessages) {
  auto m1 = initiator().write_message(payload1_).value();
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{32}, kNkMessage1Overhead - 1}) {
    auto r = responder();
    EXPECT_EQ(test::code_of(r.read_message(ByteView(m1).first(size))), Errc::malformed) << size;
  }
  {
    // Long enough for the tokens, but the payload is cut: authentication fails.
    auto r = responder();
    EXPECT_EQ(test::code_of(r.read_message(ByteView(m1).first(m1.size() - 1))), Errc::decrypt_failed);
  }
  {
    auto r = responder();
    EXPECT_EQ(test::code_of(r.read_message(Bytes(kMaxNoiseMessageBytes + 1))), Errc::too_large);
  }
  {
    // The largest payload that fits, and one byte more.
    const Bytes biggest(kMaxNoiseMessageBytes - kNkMessage1Overhead, 0x61);
    auto i = initiator();
    EXPECT_EQ(test::code_of(i.write_message(Bytes(biggest.size() + 1))), Errc::too_large);
    auto i2 = initiator();
    auto m = i2.write_message(biggest);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->size(), kMaxNoiseMessageBytes);
    auto r = responder();
    auto payload = r.read_message(*m);
    ASSERT_TRUE(payload.ok());
    EXPECT_EQ(*payload, biggest);
  }
}

TEST_F(NkHandshake, RandomBytesAreRejectedWithoutCrashing) {
  for (int trial = 0; trial < 500; ++trial) {
    const Bytes junk = random_bytes(random_uniform(200));
    auto r = responder();
    auto read = r.read_message(junk);
    ASSERT_FALSE(read.ok());
    ASSERT_TRUE(read.code() == Errc::malformed || read.code() == Errc::decrypt_failed) << junk.size();
    ASSERT_EQ(read.code() == Errc::malformed, junk.size() < kNkMessage1Overhead);
  }
}

TEST_F(NkHandshake, TransportKeysAreOrientedByRole) {
  auto pair = test::nk_transport_pair();
  ASSERT_TRUE(pair);
  auto up = pair->initiator.send.encrypt(as_bytes("up")).value();
  auto down = pair->responder.send.encrypt(as_bytes("down")).value();
  EXPECT_EQ(pair->responder.receive.decrypt(up).value(), to_bytes("up"));
  EXPECT_EQ(pair->initiator.receive.decrypt(down).value(), to_bytes("down"));
  // A message can't be reflected back to its sender.
  auto again = pair->initiator.send.encrypt(as_bytes("up")).value();
  EXPECT_EQ(test::code_of(pair->initiator.receive.decrypt(again)), Errc::decrypt_failed);
}

TEST(NoiseCreate, KeysMustMatchThePattern) {
  const auto kp = x25519_generate();
  auto create = [](std::string_view name, Role role, std::optional<X25519KeyPair> s,
                   std::optional<X25519Public> rs) {
    HandshakeOptions o;
    o.protocol_name = name;
    o.role = role;
    o.local_static = std::move(s);
    o.remote_static = rs;
    return HandshakeState::create(std::move(o));
  };
  EXPECT_EQ(test::code_of(create(kCairnProtocolName, Role::initiator, std::nullopt, std::nullopt)), Errc::invalid_argument);
  EXPECT_EQ(test::code_of(create(kCairnProtocolName, Role::responder, std::nullopt, std::nullopt)), Errc::invalid_argument);
  EXPECT_EQ(create(kCairnProtocolName, Role::initiator, test::copy_of(kp), kp.public_key).code(),
            Errc::invalid_argument);
  EXPECT_EQ(create(kCairnProtocolName, Role::responder, test::copy_of(kp), kp.public_key).code(),
            Errc::invalid_argument);
  EXPECT_EQ(create("Noise_XX_25519_ChaChaPoly_BLAKE2b", Role::initiator, test::copy_of(kp), kp.public_key).code(),
            Errc::invalid_argument);
  EXPECT_TRUE(create(kCairnProtocolName, Role::initiator, std::nullopt, kp.public_key).ok());
  EXPECT_TRUE(create(kCairnProtocolName, Role::responder, test::copy_of(kp), std::nullopt).ok());
}

TEST(NoiseCreate, UnsupportedProtocolsAreRefusedClearly) {
  for (const char* name :
       {"Noise_NKpsk0_25519_ChaChaPoly_BLAKE2b", "Noise_XXfallback_25519_ChaChaPoly_BLAKE2b",
        "Noise_XXfallback+psk0_25519_ChaChaPoly_BLAKE2b", "Noise_NK1_25519_ChaChaPoly_BLAKE2b",
        "Noise_X1N_25519_ChaChaPoly_BLAKE2b", "Noise_ZZ_25519_ChaChaPoly_BLAKE2b",
        "Noise_NK_448_ChaChaPoly_BLAKE2b", "Noise_NK_25519_AESGCM_BLAKE2b", "Noise_NK_25519_ChaChaPoly_SHA256",
        "Noise_NK_25519_ChaChaPoly_BLAKE2s", "Noise_NK_25519+Kyber1024_ChaChaPoly_BLAKE2b"}) {
    auto p = parse_protocol_name(name);
    ASSERT_FALSE(p.ok()) << name;
    EXPECT_EQ(test::code_of(p), Errc::unsupported) << name;
    EXPECT_FALSE(p.error().message.empty());
    HandshakeOptions o;
    o.protocol_name = name;
    EXPECT_EQ(test::code_of(HandshakeState::create(std::move(o))), Errc::unsupported) << name;
  }
  EXPECT_NE(parse_protocol_name("Noise_NKpsk0_25519_ChaChaPoly_BLAKE2b").error().message.find("psk"),
            std::string::npos);
  EXPECT_NE(parse_protocol_name("Noise_X1N_25519_ChaChaPoly_BLAKE2b").error().message.find("deferred"),
            std::string::npos);
  for (const char* name : {"", "Noise", "Noise_", "Noise_NK_25519_ChaChaPoly", "Noise_NK_25519_ChaChaPoly_BLAKE2b_x",
                           "NoisePSK_NK_25519_ChaChaPoly_BLAKE2b", "Noise__25519_ChaChaPoly_BLAKE2b"}) {
    EXPECT_EQ(test::code_of(parse_protocol_name(name)), Errc::malformed) << name;
  }
  EXPECT_EQ(test::code_of(parse_protocol_name(std::string(256, 'N'))), Errc::too_large);
}

}  // namespace
}  // namespace cairn::crypto::noise
