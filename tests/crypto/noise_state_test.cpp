// Noise building blocks: CipherState, SymmetricState, the pattern table, and
// a round trip through every supported pattern (most have no published
// vector in tests/vectors/noise; those that do are checked in noise_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "crypto/aead.h"
#include "crypto/cipher_state.h"
#include "crypto/handshake_pattern.h"
#include "crypto/handshake_state.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/symmetric_state.h"
#include "support/noise.h"
#include "support/result.h"

namespace cairn::crypto::noise {
namespace {

std::pair<CipherState, CipherState> cipher_pair() {
  Secret key = random_secret(kKeyBytes);
  return {CipherState(key.clone()), CipherState(std::move(key))};
}

// ---------------------------------------------------------------------------
// CipherState

TEST(CipherState, NonceIsFourZeroBytesThenLittleEndianCounter) {
  Secret key = random_secret(kKeyBytes);
  CipherState cs(key.clone());
  cs.set_nonce(0x0102030405060708);
  const Bytes plaintext = to_bytes("nonce layout");
  auto ct = cs.encrypt(plaintext);
  ASSERT_TRUE(ct.ok());
  const AeadNonce expected_nonce = {0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
  Bytes reference(plaintext.size() + kAeadTagBytes);
  aead_seal(reference, key, expected_nonce, {}, plaintext);
  EXPECT_EQ(*ct, reference);
  EXPECT_EQ(cs.nonce(), 0x0102030405060709u);
}

TEST(CipherState, FailedDecryptionDoesNotAdvanceTheNonce) {
  auto [send, receive] = cipher_pair();
  Bytes ct = send.encrypt(as_bytes("hello")).value();
  Bytes bad = ct;
  bad.back() ^= 1;
  EXPECT_EQ(test::code_of(receive.decrypt(bad)), Errc::decrypt_failed);
  EXPECT_EQ(test::code_of(receive.decrypt_with_ad({}, bad)), Errc::decrypt_failed);
  EXPECT_EQ(receive.nonce(), 0u);
  EXPECT_EQ(receive.decrypt(ct).value(), to_bytes("hello"));
  EXPECT_EQ(receive.nonce(), 1u);
}

TEST(CipherState, AdIsAuthenticated) {
  auto [send, receive] = cipher_pair();
  Bytes ct = send.encrypt_with_ad(as_bytes("h1"), as_bytes("payload")).value();
  EXPECT_EQ(test::code_of(receive.decrypt_with_ad(as_bytes("h2"), ct)), Errc::decrypt_failed);
  EXPECT_EQ(receive.decrypt_with_ad(as_bytes("h1"), ct).value(), to_bytes("payload"));
}

TEST(CipherState, NonceExhaustionIsRefused) {
  auto [send, receive] = cipher_pair();
  send.set_nonce(kReservedNonce - 1);
  receive.set_nonce(kReservedNonce - 1);
  auto last = send.encrypt(as_bytes("last"));
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(receive.decrypt(*last).value(), to_bytes("last"));
  EXPECT_EQ(send.nonce(), kReservedNonce);
  EXPECT_EQ(test::code_of(send.encrypt(as_bytes("one more"))), Errc::protocol);
  EXPECT_EQ(test::code_of(send.encrypt_with_ad({}, as_bytes("one more"))), Errc::protocol);
  EXPECT_EQ(test::code_of(receive.decrypt(*last)), Errc::protocol);
  EXPECT_EQ(test::code_of(receive.decrypt_with_ad({}, *last)), Errc::protocol);
}

TEST(CipherState, WithoutAKeyHandshakeCallsPassThroughAndTransportRefuses) {
  CipherState empty;
  EXPECT_FALSE(empty.has_key());
  EXPECT_EQ(empty.encrypt_with_ad(as_bytes("ad"), as_bytes("clear")).value(), to_bytes("clear"));
  EXPECT_EQ(empty.decrypt_with_ad(as_bytes("ad"), as_bytes("clear")).value(), to_bytes("clear"));
  EXPECT_EQ(test::code_of(empty.encrypt(as_bytes("secret"))), Errc::protocol);
  EXPECT_EQ(test::code_of(empty.decrypt(Bytes(32))), Errc::protocol);
  EXPECT_EQ(test::code_of(empty.rekey()), Errc::protocol);
}

TEST(CipherState, SizeLimits) {
  auto [send, receive] = cipher_pair();
  EXPECT_EQ(test::code_of(send.encrypt(Bytes(kMaxNoiseMessageBytes - kTagBytes + 1))), Errc::too_large);
  auto biggest = send.encrypt(Bytes(kMaxNoiseMessageBytes - kTagBytes));
  ASSERT_TRUE(biggest.ok());
  EXPECT_EQ(biggest->size(), kMaxNoiseMessageBytes);
  EXPECT_TRUE(receive.decrypt(*biggest).ok());
  EXPECT_EQ(test::code_of(receive.decrypt(Bytes(kMaxNoiseMessageBytes + 1))), Errc::too_large);
  EXPECT_EQ(test::code_of(receive.decrypt(Bytes(kTagBytes - 1))), Errc::malformed);
  EXPECT_EQ(receive.nonce(), 1u);
  // An empty plaintext is a 16-byte message.
  auto empty = send.encrypt({});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), kTagBytes);
  EXPECT_TRUE(receive.decrypt(*empty).value().empty());
}

TEST(CipherState, InPlaceMatchesAllocatingCalls) {
  auto [a, b] = cipher_pair();
  auto [unused, c] = cipher_pair();
  (void)unused;
  const Bytes plaintext = random_bytes(1000);
  Bytes buffer(plaintext.size() + kTagBytes);
  std::copy(plaintext.begin(), plaintext.end(), buffer.begin());
  ASSERT_TRUE(a.encrypt_to(buffer, ByteView(buffer).first(plaintext.size())).ok());
  EXPECT_EQ(b.decrypt(buffer).value(), plaintext);
  // Wrong output sizes are refused, not overrun.
  Bytes small(plaintext.size());
  EXPECT_EQ(test::code_of(a.encrypt_to(small, plaintext)), Errc::invalid_argument);
  Bytes large(buffer.size());
  EXPECT_EQ(test::code_of(c.decrypt_to(large, buffer)), Errc::invalid_argument);
  // In-place decryption.
  auto [d, e] = cipher_pair();
  Bytes ct = d.encrypt(plaintext).value();
  ASSERT_TRUE(e.decrypt_to(MutableByteView(ct).first(plaintext.size()), ct).ok());
  EXPECT_TRUE(std::equal(plaintext.begin(), plaintext.end(), ct.begin()));
}

TEST(CipherState, RekeyChangesTheKeyOnBothSidesAlike) {
  auto [send, receive] = cipher_pair();
  ASSERT_TRUE(send.rekey().ok());
  Bytes ct = send.encrypt(as_bytes("after rekey")).value();
  EXPECT_EQ(test::code_of(receive.decrypt(ct)), Errc::decrypt_failed);  // old key
  ASSERT_TRUE(receive.rekey().ok());
  EXPECT_EQ(receive.decrypt(ct).value(), to_bytes("after rekey"));
}

// ---------------------------------------------------------------------------
// SymmetricState

TEST(SymmetricState, ShortProtocolNamesArePaddedLongOnesHashed) {
  const std::string short_name = "Noise_NK_25519_ChaChaPoly_BLAKE2b";
  HandshakeHash padded{};
  std::copy(short_name.begin(), short_name.end(), padded.begin());
  EXPECT_EQ(SymmetricState(short_name).handshake_hash(), padded);

  const std::string exactly64(64, 'N');
  HandshakeHash as_is{};
  std::copy(exactly64.begin(), exactly64.end(), as_is.begin());
  EXPECT_EQ(SymmetricState(exactly64).handshake_hash(), as_is);

  const std::string long_name(65, 'N');
  EXPECT_EQ(SymmetricState(long_name).handshake_hash(), blake2b_512(as_bytes(long_name)));
}

TEST(SymmetricState, EncryptAndHashBindsTheTranscript) {
  SymmetricState a("Noise_NN_25519_ChaChaPoly_BLAKE2b"), b("Noise_NN_25519_ChaChaPoly_BLAKE2b");
  // Before MixKey: plaintext, still hashed.
  auto clear = a.encrypt_and_hash(as_bytes("hello"));
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ(*clear, to_bytes("hello"));
  EXPECT_EQ(b.decrypt_and_hash(*clear).value(), to_bytes("hello"));
  EXPECT_EQ(a.handshake_hash(), b.handshake_hash());

  a.mix_key(as_bytes("shared secret"));
  b.mix_key(as_bytes("shared secret"));
  ASSERT_TRUE(a.has_key());
  auto ct = a.encrypt_and_hash(as_bytes("payload"));
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(ct->size(), 7 + kTagBytes);
  // A DecryptAndHash that fails leaves h as it was.
  const HandshakeHash before = b.handshake_hash();
  Bytes bad = *ct;
  bad[0] ^= 1;
  EXPECT_EQ(test::code_of(b.decrypt_and_hash(bad)), Errc::decrypt_failed);
  EXPECT_EQ(b.handshake_hash(), before);
  EXPECT_EQ(b.decrypt_and_hash(*ct).value(), to_bytes("payload"));
  EXPECT_EQ(a.handshake_hash(), b.handshake_hash());

  // Diverging transcripts: the next EncryptAndHash (ad = h) no longer opens.
  a.mix_hash(as_bytes("x"));
  b.mix_hash(as_bytes("y"));
  EXPECT_NE(a.handshake_hash(), b.handshake_hash());
  auto ct2 = a.encrypt_and_hash(as_bytes("payload 2"));
  ASSERT_TRUE(ct2.ok());
  EXPECT_EQ(test::code_of(b.decrypt_and_hash(*ct2)), Errc::decrypt_failed);
}

TEST(SymmetricState, MixKeyAndHashChangesKeyAndHash) {
  SymmetricState a("Noise_NNpsk0_25519_ChaChaPoly_BLAKE2b"), b("Noise_NNpsk0_25519_ChaChaPoly_BLAKE2b");
  a.mix_key_and_hash(as_bytes("psk one"));
  b.mix_key_and_hash(as_bytes("psk two"));
  EXPECT_TRUE(a.has_key());
  EXPECT_NE(a.handshake_hash(), b.handshake_hash());
  Bytes m = a.split().c1.encrypt(as_bytes("m")).value();
  EXPECT_EQ(test::code_of(b.split().c1.decrypt(m)), Errc::decrypt_failed);
}

TEST(SymmetricState, SplitGivesTwoDifferentKeys) {
  SymmetricState s("Noise_NN_25519_ChaChaPoly_BLAKE2b");
  s.mix_key(as_bytes("k"));
  auto first = s.split();
  auto second = s.split();
  Bytes m = first.c1.encrypt(as_bytes("m")).value();
  EXPECT_EQ(test::code_of(second.c2.decrypt(m)), Errc::decrypt_failed);  // c1 != c2
  EXPECT_EQ(second.c1.decrypt(m).value(), to_bytes("m"));         // deterministic
}

// ---------------------------------------------------------------------------
// Pattern table

TEST(HandshakePatterns, AllFundamentalPatternsAreSupported) {
  std::set<std::string_view> names;
  for (const auto& p : supported_patterns()) names.insert(p.name);
  const std::set<std::string_view> expected = {"N",  "K",  "X",  "NN", "NK", "NX", "KN", "KK",
                                               "KX", "XN", "XK", "XX", "IN", "IK", "IX"};
  EXPECT_EQ(names, expected);
  for (auto name : expected) {
    auto p = parse_protocol_name("Noise_" + std::string(name) + "_25519_ChaChaPoly_BLAKE2b");
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_EQ((*p)->name, name);
  }
  EXPECT_EQ(to_string(**parse_protocol_name("Noise_NK_25519_ChaChaPoly_BLAKE2b")), "<- s\n...\n-> e, es\n<- e, ee");
}

// The validity rules of spec section 7.3, checked on every table entry, so a
// transcription slip (a missing or doubled token) is caught even for patterns
// without published vectors.
TEST(HandshakePatterns, TableObeysTheSpecsValidityRules) {
  for (const auto& p : supported_patterns()) {
    SCOPED_TRACE(std::string(p.name));
    ASSERT_GE(p.message_count, 1);
    EXPECT_EQ(p.one_way, p.message_count == 1);
    std::map<Role, bool> has_e, has_s;
    has_s[Role::initiator] = p.initiator_static_known;
    has_s[Role::responder] = p.responder_static_known;
    std::set<Token> dh_done;
    for (std::size_t i = 0; i < p.message_count; ++i) {
      const Role sender = HandshakePattern::sender_of(i);
      ASSERT_GT(p.messages[i].size, 0);
      for (Token t : p.messages[i].view()) {
        switch (t) {
          case Token::e:
            EXPECT_FALSE(has_e[sender]) << "e sent twice";  // rule 1
            has_e[sender] = true;
            break;
          case Token::s:
            EXPECT_FALSE(has_s[sender]) << "s sent twice";  // rule 1
            has_s[sender] = true;
            break;
          default: {
            EXPECT_TRUE(dh_done.insert(t).second) << "DH done twice";  // rule 2
            // The DH's keys must exist: first letter the initiator's, second the responder's.
            const bool init_static = t == Token::se || t == Token::ss;
            const bool resp_static = t == Token::es || t == Token::ss;
            EXPECT_TRUE(init_static ? has_s[Role::initiator] : has_e[Role::initiator]) << to_string(t);
            EXPECT_TRUE(resp_static ? has_s[Role::responder] : has_e[Role::responder]) << to_string(t);
          }
        }
      }
    }
    // Every handshake starts with the initiator's ephemeral and, when
    // interactive, mixes in both ephemerals (ee) for forward secrecy.
    EXPECT_EQ(p.messages[0].tokens[0], Token::e);
    if (!p.one_way) {
      EXPECT_TRUE(dh_done.contains(Token::ee));
    }
    // Each side's static key is used if and only if the pattern has one.
    EXPECT_EQ(has_s[Role::initiator], dh_done.contains(Token::se) || dh_done.contains(Token::ss));
    EXPECT_EQ(has_s[Role::responder], dh_done.contains(Token::es) || dh_done.contains(Token::ss));
  }
}

// Every pattern, with random keys, both ways: message sizes follow the
// pattern, both sides agree on h, learn the peer's static key where the
// pattern sends it, and get working, correctly oriented transport keys.
TEST(HandshakePatterns, EveryPatternRoundTrips) {
  for (const auto& p : supported_patterns()) {
    SCOPED_TRACE(std::string(p.name));
    const std::string name = "Noise_" + std::string(p.name) + "_25519_ChaChaPoly_BLAKE2b";
    const auto init_static = x25519_generate();
    const auto resp_static = x25519_generate();
    auto options = [&](Role role) {
      HandshakeOptions o;
      o.protocol_name = name;
      o.role = role;
      o.prologue = as_bytes("prologue");
      const auto& own = role == Role::initiator ? init_static : resp_static;
      const auto& peer = role == Role::initiator ? resp_static : init_static;
      if (p.needs_local_static(role)) o.local_static = test::copy_of(own);
      if (p.needs_remote_static(role)) o.remote_static = peer.public_key;
      return o;
    };
    auto init = HandshakeState::create(options(Role::initiator));
    auto resp = HandshakeState::create(options(Role::responder));
    ASSERT_TRUE(init.ok()) << init.error().message;
    ASSERT_TRUE(resp.ok()) << resp.error().message;

    for (std::size_t i = 0; i < p.message_count; ++i) {
      const bool initiator_writes = HandshakePattern::sender_of(i) == Role::initiator;
      auto& writer = initiator_writes ? *init : *resp;
      auto& reader = initiator_writes ? *resp : *init;
      const Bytes payload = random_bytes(10 + i);
      const std::size_t overhead = writer.next_message_overhead();
      EXPECT_EQ(overhead, reader.next_message_overhead());
      auto m = writer.write_message(payload);
      ASSERT_TRUE(m.ok()) << m.error().message;
      EXPECT_EQ(m->size(), overhead + payload.size());
      auto got = reader.read_message(*m);
      ASSERT_TRUE(got.ok()) << got.error().message;
      EXPECT_EQ(*got, payload);
    }
    ASSERT_TRUE(init->is_finished() && resp->is_finished());
    EXPECT_EQ(init->handshake_hash(), resp->handshake_hash());
    EXPECT_EQ(init->remote_static(), p.uses_remote_static(Role::initiator)
                                         ? std::optional<X25519Public>(resp_static.public_key)
                                         : std::nullopt);
    EXPECT_EQ(resp->remote_static(), p.uses_remote_static(Role::responder)
                                         ? std::optional<X25519Public>(init_static.public_key)
                                         : std::nullopt);

    auto ti = init->split();
    auto tr = resp->split();
    ASSERT_TRUE(ti.ok() && tr.ok());
    EXPECT_EQ(tr->receive.decrypt(ti->send.encrypt(as_bytes("i->r")).value()).value(), to_bytes("i->r"));
    if (p.one_way) {
      // One-way: the responder has nothing to send with, the initiator nothing to receive with.
      EXPECT_EQ(test::code_of(tr->send.encrypt(as_bytes("r->i"))), Errc::protocol);
      EXPECT_EQ(test::code_of(ti->receive.decrypt(Bytes(kTagBytes))), Errc::protocol);
    } else {
      EXPECT_EQ(ti->receive.decrypt(tr->send.encrypt(as_bytes("r->i")).value()).value(), to_bytes("r->i"));
    }
  }
}

// In KK the responder knows the initiator's static key in advance: an
// impostor's first message fails to authenticate (its "ss" differs).
TEST(HandshakePatterns, KkWithWrongInitiatorKeyFails) {
  const auto init_static = x25519_generate();
  const auto resp_static = x25519_generate();
  const auto impostor = x25519_generate();
  HandshakeOptions io;
  io.protocol_name = "Noise_KK_25519_ChaChaPoly_BLAKE2b";
  io.role = Role::initiator;
  io.local_static = test::copy_of(impostor);
  io.remote_static = resp_static.public_key;
  HandshakeOptions ro;
  ro.protocol_name = io.protocol_name;
  ro.role = Role::responder;
  ro.local_static = test::copy_of(resp_static);
  ro.remote_static = init_static.public_key;
  auto i = HandshakeState::create(std::move(io));
  auto r = HandshakeState::create(std::move(ro));
  ASSERT_TRUE(i.ok() && r.ok());
  EXPECT_EQ(test::code_of(r->read_message(i->write_message({}).value())), Errc::decrypt_failed);
}

}  // namespace
}  // namespace cairn::crypto::noise
