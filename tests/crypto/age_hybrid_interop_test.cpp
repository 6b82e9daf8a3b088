// Hybrid (mlkem768x25519) age files across implementations:
//  - typage, the npm package age-encryption (an independent age with hybrid
//    recipients; test-only, pinned in tests/crypto/npm/package-lock.json and
//    installed into the build tree by scripts/npm-interop.sh before ctest; the
//    test never reaches the network, and fails naming the script if the
//    package is missing): files and keys go both ways;
//  - Debian 12's stock `age` (1.1.1, before hybrid recipients): it must refuse
//    a Cairn hybrid file, and a hybrid recipient, with its own errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crypto/age.h"
#include "crypto/random.h"
#include "support/files.h"
#include "support/subprocess.h"
#include "support/typage.h"

namespace cairn::crypto::age {
namespace {

using test::TempDir;

using test::typage;
using test::typage_available;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

void write_secret_text(const std::filesystem::path& p, const Secret& text) {
  Bytes line(text.view().begin(), text.view().end());
  line.push_back('\n');
  test::write_file(p, line);
  wipe(line);
}

const std::vector<std::size_t> kSizes = {0, 1, kChunkBytes, kChunkBytes + 1};

TEST(AgeHybridInterop, TypageEncryptsToCairnAndCairnDecrypts) {
  ASSERT_TRUE(typage_available());
  TempDir dir;
  const HybridIdentity id = hybrid_kem::generate_key_pair();
  test::write_file(dir / "recipient", as_bytes(format_hybrid_recipient(id.encapsulation_key) + "\n"));
  for (std::size_t size : kSizes) {
    SCOPED_TRACE(size);
    const Bytes plaintext = random_bytes(size);
    test::write_file(dir / "plain", plaintext);
    ASSERT_TRUE(typage(dir, {"encrypt", (dir / "recipient").string(), (dir / "plain").string(),
                             (dir / "typage.age").string()}));
    const Bytes file = test::read_file(dir / "typage.age");
    auto parsed = parse_file(file);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_EQ(parsed->header.stanzas.size(), 1u);
    EXPECT_EQ(parsed->header.stanzas[0].type(), kHybridStanzaType);
    auto opened = decrypt(file, {}, std::span(&id, 1));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_TRUE(equal_constant_time(opened->view(), plaintext));
    // Another hybrid identity finds no stanza for it.
    const HybridIdentity other = hybrid_kem::generate_key_pair();
    EXPECT_EQ(decrypt(file, {}, std::span(&other, 1)).code(), Errc::no_identity_match);
  }
}

TEST(AgeHybridInterop, CairnEncryptsAndTypageDecrypts) {
  ASSERT_TRUE(typage_available());
  TempDir dir;
  const HybridIdentity id = hybrid_kem::generate_key_pair();
  write_secret_text(dir / "identity", format_hybrid_identity(id));
  // typage derives the same recipient from Cairn's identity string.
  ASSERT_TRUE(typage(dir, {"recipient", (dir / "identity").string(), (dir / "recipient").string()}));
  EXPECT_EQ(trim(test::read_text(dir / "recipient")), format_hybrid_recipient(id.encapsulation_key));
  for (std::size_t size : kSizes) {
    SCOPED_TRACE(size);
    const Bytes plaintext = random_bytes(size);
    auto file = encrypt(plaintext, {}, std::span(&id.encapsulation_key, 1));
    ASSERT_TRUE(file.ok()) << file.error().message;
    test::write_file(dir / "cairn.age", *file);
    ASSERT_TRUE(typage(dir, {"decrypt", (dir / "identity").string(), (dir / "cairn.age").string(),
                             (dir / "out").string()}));
    EXPECT_EQ(test::read_file(dir / "out"), plaintext);
  }
}

TEST(AgeHybridInterop, TypageKeysWorkInCairn) {
  ASSERT_TRUE(typage_available());
  TempDir dir;
  ASSERT_TRUE(typage(dir, {"keygen", (dir / "identity").string(), (dir / "recipient").string()}));
  const std::string identity_text = trim(test::read_text(dir / "identity"));
  auto id = parse_hybrid_identity(identity_text);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto recipient = parse_hybrid_recipient(trim(test::read_text(dir / "recipient")));
  ASSERT_TRUE(recipient.ok()) << recipient.error().message;
  // Cairn expands typage's seed to the key typage published.
  EXPECT_EQ(*recipient, id->encapsulation_key);
  // And a file Cairn encrypts to typage's recipient opens in typage.
  const Bytes plaintext = random_bytes(5000);
  auto file = encrypt(plaintext, {}, std::span(&*recipient, 1));
  ASSERT_TRUE(file.ok());
  test::write_file(dir / "cairn.age", *file);
  ASSERT_TRUE(typage(dir, {"decrypt", (dir / "identity").string(), (dir / "cairn.age").string(),
                           (dir / "out").string()}));
  EXPECT_EQ(test::read_file(dir / "out"), plaintext);
}

// Debian 12's age 1.1.1 predates hybrid recipients: a Cairn hybrid file is not
// something it can open, and it says so rather than printing anything.
TEST(AgeHybridInterop, StockAge111RefusesHybridFiles) {
  ASSERT_TRUE(test::age_cli_available());
  TempDir dir;
  const HybridIdentity id = hybrid_kem::generate_key_pair();
  write_secret_text(dir / "pq.key", format_hybrid_identity(id));
  auto file = encrypt(as_bytes("testimony"), {}, std::span(&id.encapsulation_key, 1));
  ASSERT_TRUE(file.ok());
  test::write_file(dir / "cairn.age", *file);

  // With the hybrid identity: age 1.1.1 cannot even read the key.
  EXPECT_NE(test::run({"age", "-d", "-i", (dir / "pq.key").string(), (dir / "cairn.age").string()}, dir / "out",
                      dir / "err"),
            0);
  EXPECT_NE(test::read_text(dir / "err").find("unknown identity type"), std::string::npos)
      << test::read_text(dir / "err");
  EXPECT_TRUE(test::read_file(dir / "out").empty());

  // With an X25519 identity: the hybrid stanza is not one it knows.
  ASSERT_EQ(test::run({"age-keygen", "-o", (dir / "x.key").string()}), 0);
  EXPECT_NE(test::run({"age", "-d", "-i", (dir / "x.key").string(), (dir / "cairn.age").string()}, dir / "out",
                      dir / "err"),
            0);
  EXPECT_NE(test::read_text(dir / "err").find("no identity matched"), std::string::npos)
      << test::read_text(dir / "err");
  EXPECT_TRUE(test::read_file(dir / "out").empty());

  // Nor can it encrypt to a hybrid recipient: it takes "age1pq1…" for a plugin's.
  test::write_file(dir / "plain", as_bytes("x"));
  EXPECT_NE(test::run({"age", "-r", format_hybrid_recipient(id.encapsulation_key), "-o", (dir / "x.age").string(),
                       (dir / "plain").string()},
                      "/dev/null", dir / "err"),
            0);
  EXPECT_NE(test::read_text(dir / "err").find("plugin"), std::string::npos) << test::read_text(dir / "err");
}

}  // namespace
}  // namespace cairn::crypto::age
