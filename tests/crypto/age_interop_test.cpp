// Interoperability with the stock `age` CLI (Debian's age 1.1.1): files Cairn
// writes open with `age -d`, files `age` writes open with Cairn, and identity
// strings move both ways. Missing tools fail the test (run scripts/bootstrap.sh).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "crypto/age.h"
#include "crypto/random.h"
#include "support/files.h"
#include "support/subprocess.h"

namespace cairn::crypto::age {
namespace {

using test::run;
using test::TempDir;

const std::vector<std::size_t> kSizes = {0, 1, kChunkBytes, kChunkBytes + 1, 3 * 1024 * 1024};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A key pair made by age-keygen: its key file, its recipient, and Cairn's parse of both.
struct CliKey {
  std::filesystem::path key_file;
  X25519Public recipient{};
  Identity identity;
};

CliKey keygen(const TempDir& dir, const std::string& name) {
  CliKey k;
  k.key_file = dir / (name + ".key");
  EXPECT_EQ(run({"age-keygen", "-o", k.key_file.string()}), 0);
  const auto pub = dir / (name + ".pub");
  EXPECT_EQ(run({"age-keygen", "-y", k.key_file.string()}, pub), 0);
  auto r = parse_recipient(trim(test::read_text(pub)));
  EXPECT_TRUE(r.ok()) << r.error().message;
  if (r.ok()) k.recipient = *r;
  // The key file: comment lines, then the AGE-SECRET-KEY-1… line.
  std::istringstream lines(test::read_text(k.key_file));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto id = parse_identity(line);
    EXPECT_TRUE(id.ok()) << id.error().message;
    if (id.ok()) k.identity = std::move(id).value();
    test::wipe_string(line);
  }
  return k;
}

TEST(AgeInterop, CairnEncryptsAgeDecrypts) {
  ASSERT_TRUE(test::age_cli_available());
  TempDir dir;
  std::vector<CliKey> keys;
  keys.push_back(keygen(dir, "a"));
  keys.push_back(keygen(dir, "b"));
  const std::vector<X25519Public> recipients{keys[0].recipient, keys[1].recipient};
  for (std::size_t size : kSizes) {
    SCOPED_TRACE(size);
    const Bytes plaintext = random_bytes(size);
    auto file = encrypt(plaintext, recipients);
    ASSERT_TRUE(file.ok()) << file.error().message;
    test::write_file(dir / "cairn.age", *file);
    for (const auto& key : keys) {  // each recipient's key opens it
      // Through stdout: age creates no -o file for an empty plaintext.
      const auto out = dir / "out";
      ASSERT_EQ(run({"age", "-d", "-i", key.key_file.string(), (dir / "cairn.age").string()}, out), 0);
      EXPECT_EQ(test::read_file(out), plaintext);
    }
  }
  // A stranger's key does not.
  const auto stranger = keygen(dir, "stranger");
  EXPECT_NE(run({"age", "-d", "-i", stranger.key_file.string(), "-o", (dir / "out").string(),
                 (dir / "cairn.age").string()}),
            0);
}

TEST(AgeInterop, AgeEncryptsCairnDecrypts) {
  ASSERT_TRUE(test::age_cli_available());
  TempDir dir;
  std::vector<CliKey> keys;
  keys.push_back(keygen(dir, "a"));
  keys.push_back(keygen(dir, "b"));
  for (std::size_t size : kSizes) {
    SCOPED_TRACE(size);
    const Bytes plaintext = random_bytes(size);
    test::write_file(dir / "plain", plaintext);
    ASSERT_EQ(run({"age", "-r", format_recipient(keys[0].recipient), "-r", format_recipient(keys[1].recipient),
                   "-o", (dir / "cli.age").string(), (dir / "plain").string()}),
              0);
    const Bytes file = test::read_file(dir / "cli.age");
    for (const auto& key : keys) {
      auto opened = decrypt(file, std::span(&key.identity, 1));
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      EXPECT_TRUE(equal_constant_time(opened->view(), plaintext));
    }
    // Without the right identity: no match, not a crash or a garbled success.
    const auto other = x25519_generate();
    EXPECT_EQ(decrypt(file, std::span(&other, 1)).code(), Errc::no_identity_match);
  }
}

TEST(AgeInterop, CairnIdentityWorksWithAgeCli) {
  ASSERT_TRUE(test::age_cli_available());
  TempDir dir;
  const Identity id = x25519_generate();
  const Secret text = format_identity(id);
  Bytes key_file(text.view().begin(), text.view().end());
  key_file.push_back('\n');
  test::write_file(dir / "cairn.key", key_file);
  wipe(key_file);

  // age derives the same recipient from Cairn's identity string.
  ASSERT_EQ(run({"age-keygen", "-y", (dir / "cairn.key").string()}, dir / "cairn.pub"), 0);
  EXPECT_EQ(trim(test::read_text(dir / "cairn.pub")), format_recipient(id.public_key));

  // And uses it to decrypt what Cairn encrypted to it.
  const Bytes plaintext = random_bytes(1000);
  auto file = encrypt(plaintext, std::span(&id.public_key, 1));
  ASSERT_TRUE(file.ok());
  test::write_file(dir / "f.age", *file);
  ASSERT_EQ(run({"age", "-d", "-i", (dir / "cairn.key").string(), "-o", (dir / "out").string(),
                 (dir / "f.age").string()}),
            0);
  EXPECT_EQ(test::read_file(dir / "out"), plaintext);
}

}  // namespace
}  // namespace cairn::crypto::age
