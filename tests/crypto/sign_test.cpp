#include "crypto/sign.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/files.h"

namespace cairn::crypto {
namespace {

using test::hex;

struct Rfc8032Vector {
  Bytes seed, public_key, message, signature;
};

std::vector<Rfc8032Vector> load_rfc8032() {
  auto text = test::read_file(test::vectors_dir() / "ed25519" / "rfc8032.txt");
  std::istringstream in(std::string(as_chars(text)));
  std::vector<Rfc8032Vector> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string seed, pk, msg, sig;
    fields >> seed >> pk >> msg >> sig;
    out.push_back({hex(seed), hex(pk), msg == "-" ? Bytes{} : hex(msg), hex(sig)});
  }
  return out;
}

Ed25519KeyPair from_seed_bytes(const Bytes& seed) {
  auto kp = ed25519_from_seed(Secret::copy_of(seed));
  if (!kp.ok()) throw std::runtime_error("bad seed in test");
  return std::move(kp).value();
}

TEST(Ed25519, Rfc8032Vectors) {
  auto vectors = load_rfc8032();
  ASSERT_EQ(vectors.size(), 3u);
  for (const auto& v : vectors) {
    auto kp = from_seed_bytes(v.seed);
    EXPECT_EQ(to_hex(kp.public_key), to_hex(v.public_key));
    auto sig = detail::ed25519_sign_raw(kp, v.message);
    EXPECT_EQ(to_hex(sig), to_hex(v.signature));
    EXPECT_TRUE(detail::ed25519_verify_raw(kp.public_key, v.message, v.signature).ok());
    Bytes other = v.message;
    other.push_back(0);
    EXPECT_EQ(detail::ed25519_verify_raw(kp.public_key, other, v.signature).code(), Errc::bad_signature);
  }
}

TEST(Ed25519, SeedRoundTrip) {
  auto kp = ed25519_generate();
  auto again = ed25519_from_seed(ed25519_seed(kp));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key, kp.public_key);
  EXPECT_TRUE(again->secret == kp.secret);
  EXPECT_EQ(ed25519_from_seed(Secret(31)).code(), Errc::invalid_argument);
  EXPECT_EQ(ed25519_from_seed(Secret(64)).code(), Errc::invalid_argument);
}

TEST(Sign, SignsTheDocumentedDomainSeparatedEncoding) {
  auto kp = ed25519_generate();
  Bytes message = to_bytes("hello");
  auto sig = sign(kp, sign_context::kKeyBundle, message);
  // u8(len(context)) || context || message, per docs/PROTOCOL.md, "Keys, certificates and the key bundle".
  Bytes encoded = to_bytes(std::string(1, static_cast<char>(sign_context::kKeyBundle.size())) +
                           std::string(sign_context::kKeyBundle) + "hello");
  EXPECT_TRUE(detail::ed25519_verify_raw(kp.public_key, encoded, sig).ok());
  EXPECT_FALSE(detail::ed25519_verify_raw(kp.public_key, message, sig).ok());
}

TEST(Sign, VerifiesOnlyForTheSameKeyContextAndMessage) {
  auto kp = ed25519_generate();
  auto other = ed25519_generate();
  Bytes message = to_bytes("a key bundle body");
  auto sig = sign(kp, sign_context::kKeyBundle, message);
  EXPECT_TRUE(verify(kp.public_key, sign_context::kKeyBundle, message, sig).ok());
  EXPECT_EQ(verify(other.public_key, sign_context::kKeyBundle, message, sig).code(), Errc::bad_signature);
  for (auto ctx : {sign_context::kCertificate, sign_context::kExportManifest, sign_context::kImportReceipt,
                   sign_context::kReplyBatch})
    EXPECT_EQ(verify(kp.public_key, ctx, message, sig).code(), Errc::bad_signature) << ctx;
  for (std::size_t bit = 0; bit < message.size() * 8; ++bit) {
    Bytes m = message;
    m[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_EQ(verify(kp.public_key, sign_context::kKeyBundle, m, sig).code(), Errc::bad_signature);
  }
}

TEST(Sign, EverySignatureBitFlipIsRejected) {
  auto kp = ed25519_generate();
  Bytes message = to_bytes("certificate");
  auto sig = sign(kp, sign_context::kCertificate, message);
  for (std::size_t bit = 0; bit < sig.size() * 8; ++bit) {
    auto s = sig;
    s[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_EQ(verify(kp.public_key, sign_context::kCertificate, message, s).code(), Errc::bad_signature) << bit;
  }
}

// The length prefix keeps (context, message) pairs apart even when their
// concatenations are equal.
TEST(Sign, ContextBoundaryCannotShift) {
  auto kp = ed25519_generate();
  auto sig = sign(kp, "cairn x", to_bytes("yz"));
  EXPECT_TRUE(verify(kp.public_key, "cairn x", to_bytes("yz"), sig).ok());
  EXPECT_EQ(verify(kp.public_key, "cairn xy", to_bytes("z"), sig).code(), Errc::bad_signature);
  EXPECT_EQ(verify(kp.public_key, "cairn ", to_bytes("xyz"), sig).code(), Errc::bad_signature);
}

TEST(Sign, RejectsWrongLengthsAndContexts) {
  auto kp = ed25519_generate();
  auto sig = sign(kp, sign_context::kReplyBatch, {});
  EXPECT_EQ(verify(kp.public_key, sign_context::kReplyBatch, {}, ByteView(sig).first(63)).code(), Errc::malformed);
  Bytes longer(sig.begin(), sig.end());
  longer.push_back(0);
  EXPECT_EQ(verify(kp.public_key, sign_context::kReplyBatch, {}, longer).code(), Errc::malformed);
  EXPECT_EQ(verify(kp.public_key, "", {}, sig).code(), Errc::invalid_argument);
  EXPECT_EQ(verify(kp.public_key, "bad\ncontext", {}, sig).code(), Errc::invalid_argument);
  EXPECT_EQ(verify(kp.public_key, std::string(256, 'a'), {}, sig).code(), Errc::invalid_argument);
}

TEST(Sign, ContextsAreDistinct) {
  std::vector<std::string_view> all = {sign_context::kCertificate, sign_context::kKeyBundle,
                                       sign_context::kExportManifest, sign_context::kImportReceipt,
                                       sign_context::kReplyBatch};
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j) EXPECT_NE(all[i], all[j]);
}

TEST(Ed25519, PublicKeyCheck) {
  EXPECT_TRUE(check_ed25519_public_key(ed25519_generate().public_key).ok());
  Ed25519Public zero{};
  EXPECT_EQ(check_ed25519_public_key(zero).code(), Errc::malformed);  // small order
  Ed25519Public identity{};
  identity[0] = 1;  // the neutral element
  EXPECT_EQ(check_ed25519_public_key(identity).code(), Errc::malformed);
  Ed25519Public ones;
  ones.fill(0xff);  // not a canonical field element
  EXPECT_EQ(check_ed25519_public_key(ones).code(), Errc::malformed);
}

}  // namespace
}  // namespace cairn::crypto
