// The emergency path: a messaging secret exported as an age identity opens a
// drop from a real export bundle with the stock `age` tool, and the secret is
// never written where it should not be.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "station.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

const std::string kKorean = "저는 러시아 건설 현장에서 일했습니다. 임금을 받지 못했습니다.";

class AgeIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    relay = test::two_analysts_and_a_relay(station);
    station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string()});
  }

  // A drop from a real export bundle, written out as a file.
  fs::path drop_file(const std::vector<crypto::X25519Public>& recipients) {
    relay->put({test::seal(test::text_body(kKorean), recipients)});
    auto entries = test::read_tar(relay->export_to(station.path("export.tar")));
    EXPECT_EQ(entries.size(), 2u);
    EXPECT_TRUE(entries.back().name.starts_with("drops/"));
    auto path = station.path("drop.age");
    test::write_file(path, entries.back().content);
    return path;
  }

  test::Station station;
  std::unique_ptr<test::LocalRelay> relay;
};

TEST_F(AgeIdentityTest, StockAgeOpensADropFromAnExportBundle) {
  ASSERT_TRUE(test::age_cli_available());
  auto drop = drop_file(station.recipients(today_utc()));
  auto identity = station.path("identity.txt");
  auto r = station.ok({"keys", "export-age-identity", "--out", identity.string()});
  EXPECT_NE(r.err.find("this is a secret key"), std::string::npos) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(identity.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto text = test::read_text(identity);
  // Both analysts' keys, each with a comment saying what it is.
  std::size_t keys = 0;
  for (auto at = text.find("AGE-SECRET-KEY-1"); at != std::string::npos; at = text.find("AGE-SECRET-KEY-1", at + 1)) ++keys;
  EXPECT_EQ(keys, 2u);
  EXPECT_NE(text.find("# Cairn messaging key 1 of analyst kim"), std::string::npos) << text;

  auto plain = station.path("plain.bin");
  ASSERT_EQ(test::run({"age", "-d", "-i", identity.string(), "-o", plain.string(), drop.string()}), 0);
  auto bytes = test::read_file(plain);
  // The drop's plaintext: a 4-byte length, the DropBody, zero padding.
  ASSERT_GT(bytes.size(), 4u);
  std::uint32_t len = get_u32be(bytes.data());
  ASSERT_LE(len + 4u, bytes.size());
  v1::DropBody body;
  ASSERT_TRUE(body.ParseFromArray(bytes.data() + 4, static_cast<int>(len)));
  EXPECT_EQ(body.testimony().text(), kKorean);
}

TEST_F(AgeIdentityTest, OneKeyByItsId) {
  ASSERT_TRUE(test::age_cli_available());
  // A drop sealed to lee's key alone (key 2) opens with --key 2, not with --key 1.
  auto v = station.open();
  auto keys = must(messaging_keys(*v), "keys");
  v.reset();
  ASSERT_EQ(keys.size(), 2u);
  auto drop = drop_file({keys[1].public_key});
  station.ok({"keys", "export-age-identity", "--key", "2", "--out", station.path("lee.txt").string()});
  station.ok({"keys", "export-age-identity", "--key", "1", "--out", station.path("kim.txt").string()});
  EXPECT_EQ(test::run({"age", "-d", "-i", station.path("lee.txt").string(), "-o", station.path("p2").string(),
                       drop.string()}),
            0);
  EXPECT_NE(test::run({"age", "-d", "-i", station.path("kim.txt").string(), "-o", station.path("p1").string(),
                       drop.string()}),
            0);
  auto missing = station.run({"keys", "export-age-identity", "--key", "9", "--out", station.path("k9").string()});
  EXPECT_NE(missing.err.find("there is no messaging key 9"), std::string::npos) << missing.err;
}

TEST_F(AgeIdentityTest, NeverOverwritesNeverFollowsALinkNeverToATerminal) {
  auto existing = station.path("existing.txt");
  test::write_file(existing, as_bytes("keep me"));
  auto r = station.run({"keys", "export-age-identity", "--out", existing.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("refusing to overwrite"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_text(existing), "keep me");

  auto link = station.path("link.txt");
  fs::create_symlink(station.path("target.txt"), link);
  auto l = station.run({"keys", "export-age-identity", "--out", link.string()});
  EXPECT_EQ(l.exit_code, 1);
  EXPECT_FALSE(fs::exists(station.path("target.txt")));

  // Standard output that is a terminal: refused before the vault is even opened.
  auto tty = test::run_with_tty_stdout({test::analyst_binary(), "--vault", station.vault().string(), "--passphrase-fd",
                                        "0", "keys", "export-age-identity"},
                                       station.passphrase() + "\n");
  EXPECT_EQ(tty.exit_code, 1);
  EXPECT_NE(tty.err.find("refusing to print a secret key to the terminal"), std::string::npos) << tty.err;
  EXPECT_NE(tty.err.find("cairn: hint: write it to a file"), std::string::npos) << tty.err;
  EXPECT_EQ(tty.out.find("AGE-SECRET-KEY"), std::string::npos);
  // To a pipe it is allowed (a script piping it into age).
  auto piped = station.ok({"keys", "export-age-identity", "--out", "-"});
  EXPECT_NE(piped.out.find("AGE-SECRET-KEY-1"), std::string::npos);
}

}  // namespace
}  // namespace cairn::analyst
