// age's post-quantum hybrid recipient type (mlkem768x25519): keys, files,
// and what each kind of damage is reported as. The CCTV vectors run in
// age_test.cpp; the typage and stock-age cross-checks in age_hybrid_interop_test.cpp.
#include "crypto/age_hybrid.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/age.h"
#include "crypto/bech32.h"
#include "crypto/random.h"

namespace cairn::crypto::age {
namespace {

// The example key pair of the C2SP age specification ("The MLKEM768-X25519
// (i.e. X-Wing) hybrid post-quantum recipient type").
constexpr std::string_view kSpecIdentity =
    "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR";
constexpr std::string_view kSpecRecipient =
    "age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5zrqtzdxz95paef6caq5aapdmwjjqpjfdyxnzr2z"
    "ampc3uxy0dg4z2n2gm9su72p0pc3u0jvev55l694v78snxg3yzvcl7yda0eyytqj6a0ec477lnhcy5hzpz4zq3pxanve4cn62gqj3pjy"
    "5lqj9c6kyj4v2z8alktn8zh99970x79gjkv7522hv9kfz35zsnxhsx8wwtmu9cy3ftzjgwcp4sshn3llnylnpdsyz5jm72vefv4x5vfw"
    "ytrefxg4wq3mv42wcrvkj742479zrxzpvp2p3e9fed9f0739vcu80r7ma28qfhnvlv4gfzel9q654dj3zmuvvz893azhxdvs9fxd0r7j"
    "zchzcfcs5mkyyjxhw0n2z6dvp9yn9qfdp29h0azxqyjw6v7fhyuzj7zel0uq6j9rd7wgrpz7mf5dnj43jwsgvrc8qcnhy7tu6dkdujux"
    "zkp9xj43xe8h92ktre2a3u3s8mm5mrp9nr9pwkgtz4mdlq9hgn4fps4k57ff6wddn2fy23t47sm20r8km8sd2pcyyafnet8f0dajsrly"
    "jeah4n3mssr6aseevuuskdvq5lzguyvpgwpta742c6698vgutzqgny8usfg0w2he7kq5vyxjd0f9hqg8xk26y9e4th0gezq92q4cpp5p"
    "2y9hf5f2cje5l0c3sa3a2qxmm38pxxvhxh99yzmfz0zk7r2s64nnwjhkfgfr3gf8xnmppcgmaykvh5sh6g7vk9790rf8ws0axmr2t7z8"
    "aae5fq2029uvcn2ghgt4fu4wgwdc0k0cz52qkvwmuzj8p8k5jgf3xzk5zmrkavjekjrpeq408xz3zxazwkc6tyfmhayrkfpjhwtz5mp8"
    "j8guqe43k2q6m2kte03vrw27y3wmqyu5etmt9dnkwcnnpmu9gz9dekfhdevf42ucshphnrk38ra6hx8w5f8q5ru0xdhrjxmwqf6cused"
    "7zc5xvq43r0zscjglpwlptpwydhqw64xz7ptjdyeyzpq2zkxtmzg29gzjpvzva4d3l0cenn9xs297wf4y4ukwrunf57xj6pm7nvrkwvt"
    "rt8hwcmgv8x7ajw7258ugf9wvkmk4052ekg87tw5vnx8nq2swyzv77v8yqlwsenvamr0zssknwts8rrhfuwj7ykysnq9jxy0uv3kuyt2"
    "2djszjdtvpz6d0s0kwh8ryynddzud92emeyvvyqktd0jtj7rvvg5gch25v8smlvny3kvn5gagyz475ze2y6q466xqmz2n3hs77lddeqy"
    "ta2nch5k2u5yacuk9ywnwfdzvyejnucz724hj77hrrmakm7pr3kxsrxq22ejexlud9fy2kdqmkg5yncz7jm5wv2qjk5w5kvcpqsry2yq"
    "ffh2la52dxfjkjq5rzhjzeyn6dupn0qwtyv7s4lwg3xdarsdlwe2y3tujy480y7z39q259fzx6jhd2j0f5hagqpcpees7hzc2yrk5cy7"
    "88uk3s7qvp5cpepx24gvws3m2g433exgwppnkjscec8qu4y9z9r7vccexjcjaen42245lmgmxmuavg9alej92322gvvyy2t6267v09ch"
    "64y0m53jff0vjj96s0ypk60hr3jw4myd6m5hpn3xjstx7tl2szhpr5qe8jj08ydjc4wy2rch2fhuy3pdfjax5awe9j99ly5hkntzz9fe"
    "5zatgjvzdd0kgtxs25njnajyf6ssekp7gelxquusn4pt25czh3scj68kq79wdn5tgm6yvm9nzavrg043x3msnygf8dweknw5jmqd0uvn"
    "y6ttsn09508k0c55zfnegrm9efhxpfqdkmhh6gjtqmwze9pyyzk3tlhl53k2ykx3qheyty7saeq0d3fzv49zc0k";

std::string text_of(const Secret& s) { return std::string(reinterpret_cast<const char*>(s.data()), s.size()); }

std::vector<HybridIdentity> make_identities(int n) {
  std::vector<HybridIdentity> out;
  for (int i = 0; i < n; ++i) out.push_back(hybrid_kem::generate_key_pair());
  return out;
}

std::vector<HybridRecipient> recipients_of(const std::vector<HybridIdentity>& ids) {
  std::vector<HybridRecipient> out;
  for (const auto& id : ids) out.push_back(id.encapsulation_key);
  return out;
}

Result<Secret> open(ByteView file, const std::vector<HybridIdentity>& ids) { return decrypt(file, {}, ids); }

TEST(AgeHybridKeys, SpecExampleIdentityGivesItsRecipient) {
  EXPECT_EQ(kSpecRecipient.size(), kHybridRecipientChars);
  EXPECT_EQ(kSpecIdentity.size(), kHybridIdentityChars);
  auto id = parse_hybrid_identity(kSpecIdentity);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(format_hybrid_recipient(id->encapsulation_key), kSpecRecipient);
  EXPECT_EQ(text_of(format_hybrid_identity(*id)), kSpecIdentity);
  auto r = parse_hybrid_recipient(kSpecRecipient);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, id->encapsulation_key);
}

TEST(AgeHybridKeys, RecipientAndIdentityRoundTrip) {
  const auto id = hybrid_kem::generate_key_pair();
  const std::string r = format_hybrid_recipient(id.encapsulation_key);
  EXPECT_TRUE(r.starts_with("age1pq1"));
  EXPECT_EQ(r.size(), kHybridRecipientChars);
  auto parsed_r = parse_hybrid_recipient(r);
  ASSERT_TRUE(parsed_r.ok()) << parsed_r.error().message;
  EXPECT_EQ(*parsed_r, id.encapsulation_key);

  const std::string text = text_of(format_hybrid_identity(id));
  EXPECT_TRUE(text.starts_with("AGE-SECRET-KEY-PQ-1"));
  auto parsed_id = parse_hybrid_identity(text);
  ASSERT_TRUE(parsed_id.ok()) << parsed_id.error().message;
  EXPECT_TRUE(parsed_id->seed == id.seed);
  EXPECT_EQ(parsed_id->encapsulation_key, id.encapsulation_key);
}

std::string upper(std::string s) {
  for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return s;
}
std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

TEST(AgeHybridKeys, RecipientParseErrorsAreSpecific) {
  const HybridRecipient key = hybrid_kem::generate_key_pair().encapsulation_key;
  const std::string good = format_hybrid_recipient(key);
  // Case: recipients are written in lower case; Bech32 never mixes cases.
  EXPECT_EQ(parse_hybrid_recipient(upper(good)).code(), Errc::malformed);
  std::string mixed = good;
  mixed[10] = static_cast<char>(mixed[10] >= 'a' && mixed[10] <= 'z' ? mixed[10] - 'a' + 'A' : mixed[10]);
  if (mixed == good) mixed[0] = 'A';
  EXPECT_EQ(parse_hybrid_recipient(mixed).code(), Errc::malformed);
  // A typo.
  std::string typo = good;
  typo[100] = typo[100] == 'q' ? 'p' : 'q';
  EXPECT_EQ(parse_hybrid_recipient(typo).code(), Errc::checksum_mismatch);
  // The wrong HRP: an X25519 recipient's, over the right length of key.
  EXPECT_EQ(parse_hybrid_recipient(bech32_encode("age", key)).code(), Errc::malformed);
  EXPECT_EQ(parse_hybrid_recipient(format_recipient(x25519_generate().public_key)).code(), Errc::malformed);
  EXPECT_EQ(parse_hybrid_recipient(kSpecIdentity).code(), Errc::malformed);
  // The wrong length: one byte short, or one byte over (longer than any hybrid recipient).
  EXPECT_EQ(parse_hybrid_recipient(bech32_encode("age1pq", ByteView(key).first(key.size() - 1))).code(),
            Errc::malformed);
  Bytes longer(key.begin(), key.end());
  longer.push_back(0);
  EXPECT_EQ(parse_hybrid_recipient(bech32_encode("age1pq", longer)).code(), Errc::too_large);
  // Keys no one can encapsulate to: a low-order X25519 half, an ML-KEM half over the modulus.
  HybridRecipient low = key;
  std::fill(low.end() - kX25519Bytes, low.end(), 0);
  EXPECT_EQ(parse_hybrid_recipient(format_hybrid_recipient(low)).code(), Errc::malformed);
  HybridRecipient over = key;
  over[0] = 0xff;
  over[1] |= 0x0f;
  EXPECT_EQ(parse_hybrid_recipient(format_hybrid_recipient(over)).code(), Errc::malformed);
  // The X25519 parser names a hybrid recipient for what it is.
  auto x = parse_recipient(good);
  EXPECT_EQ(x.code(), Errc::malformed);
  EXPECT_NE(x.error().message.find("hybrid"), std::string::npos) << x.error().message;
}

TEST(AgeHybridKeys, IdentityParseErrorsAreSpecific) {
  auto id = parse_hybrid_identity(kSpecIdentity);
  ASSERT_TRUE(id.ok());
  const Bytes seed(id->seed.view().begin(), id->seed.view().end());
  // Identities are written in upper case.
  EXPECT_EQ(parse_hybrid_identity(lower(std::string(kSpecIdentity))).code(), Errc::malformed);
  // A typo.
  std::string typo(kSpecIdentity);
  typo[30] = typo[30] == 'Q' ? 'P' : 'Q';
  EXPECT_EQ(parse_hybrid_identity(typo).code(), Errc::checksum_mismatch);
  // An X25519 identity, and a recipient, are not hybrid identities.
  EXPECT_EQ(parse_hybrid_identity("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX").code(),
            Errc::malformed);
  EXPECT_EQ(parse_hybrid_identity(kSpecRecipient).code(), Errc::too_large);
  // The wrong length: 31 bytes, or 33 (longer than any hybrid identity).
  EXPECT_EQ(parse_hybrid_identity(upper(bech32_encode("age-secret-key-pq-", ByteView(seed).first(31)))).code(),
            Errc::malformed);
  Bytes longer = seed;
  longer.push_back(1);
  EXPECT_EQ(parse_hybrid_identity(upper(bech32_encode("age-secret-key-pq-", longer))).code(), Errc::too_large);
}

TEST(AgeHybrid, RoundTripAtChunkBoundaries) {
  const auto ids = make_identities(2);
  const auto recipients = recipients_of(ids);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kChunkBytes, kChunkBytes + 1}) {
    SCOPED_TRACE(size);
    const Bytes plaintext = random_bytes(size);
    auto file = encrypt(plaintext, {}, recipients);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->size(), hybrid_file_size(size, recipients.size()));
    auto parsed = parse_file(*file);
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->header.stanzas.size(), 2u);
    EXPECT_EQ(parsed->header.stanzas[0].type(), kHybridStanzaType);
    EXPECT_EQ(parsed->header.size, 70 + kHybridStanzaBytes * 2);
    for (const auto& id : ids) {  // any one identity opens it
      auto opened = decrypt(*file, {}, std::span(&id, 1));
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      EXPECT_TRUE(equal_constant_time(opened->view(), plaintext));
    }
  }
  EXPECT_EQ(kHybridStanzaBytes, 1557u);
}

TEST(AgeHybrid, WrongIdentityIsNoMatch) {
  const auto ids = make_identities(1);
  auto file = encrypt(as_bytes("testimony"), {}, recipients_of(ids));
  ASSERT_TRUE(file.ok());
  auto r = decrypt_detailed(*file, {}, make_identities(2));
  EXPECT_EQ(r.failure, Failure::no_match);
  EXPECT_EQ(r.plaintext.code(), Errc::no_identity_match);
  // An X25519 identity does not try hybrid stanzas.
  const auto x = x25519_generate();
  EXPECT_EQ(decrypt_detailed(*file, std::span(&x, 1)).failure, Failure::no_match);
  EXPECT_EQ(decrypt(*file, {}).code(), Errc::no_identity_match);
}

// The file rebuilt with other stanzas under the same file key: the header MAC
// stays right, so only the stanza can fail.
Bytes with_stanzas(ByteView file, const std::vector<Stanza>& stanzas, const Secret& file_key) {
  auto parsed = parse_file(file);
  if (!parsed.ok()) throw std::runtime_error(parsed.error().message);
  Bytes out = encode_header(stanzas, file_key);
  out.insert(out.end(), file.begin() + static_cast<std::ptrdiff_t>(parsed->header.size), file.end());
  return out;
}

TEST(AgeHybrid, DamagedStanzasAreNoMatchOrHeaderFailures) {
  const auto ids = make_identities(1);
  auto file = encrypt(as_bytes("a short testimony"), {}, recipients_of(ids));
  ASSERT_TRUE(file.ok());
  auto parsed = parse_file(*file);
  ASSERT_TRUE(parsed.ok());
  auto file_key = unwrap_file_key(parsed->header, {}, ids);
  ASSERT_TRUE(file_key.ok());
  const Stanza good = parsed->header.stanzas[0];
  const Bytes enc = *base64_decode(good.args[1]);
  ASSERT_EQ(with_stanzas(*file, {good}, *file_key), *file);  // the rebuild itself changes nothing

  auto outcome = [&](const Stanza& s) { return decrypt_detailed(with_stanzas(*file, {s}, *file_key), {}, ids).failure; };
  auto with_enc = [&](const Bytes& e) {
    Stanza s = good;
    s.args[1] = base64_encode(e);
    return s;
  };
  // Damage the key cannot see through is "not for this identity", as in the
  // CCTV vectors hybrid_currupted_enc_mlkem, hybrid_currupted_enc_x25519, hybrid_bad_tag.
  Bytes e = enc;
  e[10] ^= 1;  // the ML-KEM ciphertext
  EXPECT_EQ(outcome(with_enc(e)), Failure::no_match);
  e = enc;
  e[hybrid_kem::kCiphertextBytes - 5] ^= 1;  // the X25519 share
  EXPECT_EQ(outcome(with_enc(e)), Failure::no_match);
  Stanza tag = good;
  tag.body.back() ^= 1;
  EXPECT_EQ(outcome(tag), Failure::no_match);
  Stanza sealed_key = good;
  sealed_key.body.front() ^= 1;
  EXPECT_EQ(outcome(sealed_key), Failure::no_match);
  // Damage to the shape, or a share no honest sender makes, is a header failure.
  e = enc;
  std::fill(e.end() - kX25519Bytes, e.end(), 0);  // low order: the X25519 secret is zero
  EXPECT_EQ(outcome(with_enc(e)), Failure::header);
  e = enc;
  e.pop_back();
  EXPECT_EQ(outcome(with_enc(e)), Failure::header);
  e = enc;
  e.push_back(0);
  EXPECT_EQ(outcome(with_enc(e)), Failure::header);
  Stanza extra = good;
  extra.args.push_back("x");
  EXPECT_EQ(outcome(extra), Failure::header);
  Stanza long_body = good;
  long_body.body.push_back(0);
  EXPECT_EQ(outcome(long_body), Failure::header);
  Stanza short_body = good;
  short_body.body.pop_back();
  EXPECT_EQ(outcome(short_body), Failure::header);
  // Type names are case-sensitive: another type is an unknown stanza, ignored.
  Stanza upper_type = good;
  upper_type.args[0] = "MLKEM768X25519";
  EXPECT_EQ(outcome(upper_type), Failure::no_match);
}

TEST(AgeHybrid, EncryptNeverMixesClassicalAndHybridRecipients) {
  const auto hybrid = make_identities(1);
  const auto classical = x25519_generate();
  auto mixed = encrypt(as_bytes("x"), std::span(&classical.public_key, 1), recipients_of(hybrid));
  EXPECT_EQ(mixed.code(), Errc::invalid_argument);
  EXPECT_NE(mixed.error().message.find("both"), std::string::npos) << mixed.error().message;
  // Each alone is fine.
  EXPECT_TRUE(encrypt(as_bytes("x"), std::span(&classical.public_key, 1)).ok());
  EXPECT_TRUE(encrypt(as_bytes("x"), {}, recipients_of(hybrid)).ok());
  EXPECT_EQ(encrypt(as_bytes("x"), {}, {}).code(), Errc::invalid_argument);
}

TEST(AgeHybrid, AMixedFileOpensWithEitherIdentity) {
  // The spec asks encryptors not to mix; a decryptor opens what others wrote
  // (CCTV hybrid_and_x25519 expects success), with either kind of identity.
  const auto hybrid = make_identities(1);
  const auto classical = x25519_generate();
  const Secret file_key = random_secret(kFileKeyBytes);
  auto x = x25519_wrap(file_key, classical.public_key);
  auto h = hybrid_wrap(file_key, hybrid[0].encapsulation_key);
  ASSERT_TRUE(x.ok() && h.ok());
  // A template file for its nonce and payload, under the same file key.
  Bytes file = encode_header(std::vector<Stanza>{*x, *h}, file_key);
  PayloadNonce nonce{};
  random_bytes(nonce);
  file.insert(file.end(), nonce.begin(), nonce.end());
  Bytes sealed(stream_sealed_size(5));
  stream_seal(payload_key(file_key, nonce), as_bytes("mixed"), sealed);
  file.insert(file.end(), sealed.begin(), sealed.end());

  auto by_hybrid = open(file, hybrid);
  ASSERT_TRUE(by_hybrid.ok()) << by_hybrid.error().message;
  EXPECT_EQ(as_chars(by_hybrid->view()), "mixed");
  auto by_classical = decrypt(file, std::span(&classical, 1));
  ASSERT_TRUE(by_classical.ok()) << by_classical.error().message;
  EXPECT_EQ(as_chars(by_classical->view()), "mixed");
}

TEST(AgeHybrid, RecipientCapsFollowTheHeaderCap) {
  EXPECT_EQ(kMaxHybridRecipients, 42u);
  const auto one = make_identities(1);
  std::vector<HybridRecipient> most(kMaxHybridRecipients, one[0].encapsulation_key);
  auto file = encrypt(as_bytes("x"), {}, most);
  ASSERT_TRUE(file.ok()) << file.error().message;
  auto parsed = parse_file(*file);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_LE(parsed->header.size, kMaxHeaderBytes);
  ASSERT_TRUE(open(*file, one).ok());
  most.push_back(one[0].encapsulation_key);
  EXPECT_EQ(encrypt(as_bytes("x"), {}, most).code(), Errc::invalid_argument);
  // An unusable recipient is refused, not written.
  HybridRecipient low = one[0].encapsulation_key;
  std::fill(low.end() - kX25519Bytes, low.end(), 0);
  EXPECT_EQ(encrypt(as_bytes("x"), {}, std::span(&low, 1)).code(), Errc::invalid_argument);
  // Identities of both kinds count against one cap.
  std::vector<Identity> classical;
  for (std::size_t i = 0; i < kMaxIdentities; ++i) classical.push_back(x25519_generate());
  EXPECT_EQ(decrypt_detailed(*file, classical, one).failure, Failure::usage);
}

}  // namespace
}  // namespace cairn::crypto::age
