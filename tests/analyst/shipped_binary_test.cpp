// The shipped cairn-analyst has no test switch: --today (which could destroy
// every messaging secret with `keys rotate --today <future>`) and init
// --insecure-fast-kdf exist only in cairn-analyst-testing, which is built
// with the tests and never packaged. The shipped program neither lists nor
// accepts them, and does not open a vault the test build made cheap.
#include <gtest/gtest.h>

#include "station.h"

namespace cairn::analyst {
namespace {

namespace fs = std::filesystem;

bool mentions(const std::string& s, const std::string& word) { return s.find(word) != std::string::npos; }

TEST(ShippedBinary, HelpListsNoTestSwitch) {
  auto top = test::run_capture({test::shipped_analyst_binary(), "--help"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  ASSERT_TRUE(mentions(top.out, "--vault")) << "no help text: " << top.out;
  EXPECT_FALSE(mentions(top.out, "--today")) << top.out;
  auto init = test::run_capture({test::shipped_analyst_binary(), "init", "--help"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ASSERT_TRUE(mentions(init.out, "--name")) << init.out;
  EXPECT_FALSE(mentions(init.out, "insecure")) << init.out;

  // The test build does list them: the check above looks at the right text.
  auto testing = test::run_capture({test::analyst_binary(), "--help"});
  EXPECT_TRUE(mentions(testing.out, "--today")) << testing.out;
  auto testing_init = test::run_capture({test::analyst_binary(), "init", "--help"});
  EXPECT_TRUE(mentions(testing_init.out, "--insecure-fast-kdf")) << testing_init.out;
}

TEST(ShippedBinary, RefusesInsecureFastKdfAndCreatesNothing) {
  test::TempDir dir;
  auto vault = dir / "vault";
  auto r = test::run_capture({test::shipped_analyst_binary(), "--vault", vault.string(), "--passphrase-fd", "0",
                              "init", "--name", "kim", "--insecure-fast-kdf"},
                             "correct horse battery staple\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(mentions(r.err, "--insecure-fast-kdf")) << r.err;
  EXPECT_FALSE(fs::exists(vault));
}

TEST(ShippedBinary, RefusesTodayAndChangesNothing) {
  test::Station station;
  station.init("kim");
  auto before = test::snapshot_dir(station.vault());
  // A day far in the future: with the switch, rotate would destroy every secret.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--today", "40000", "keys", "rotate"},
        std::vector<std::string>{"keys", "rotate", "--today", "40000"}}) {
    std::vector<std::string> argv{test::shipped_analyst_binary(), "--vault", station.vault().string(),
                                  "--passphrase-fd", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = test::run_capture(argv, station.passphrase() + "\n");
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_TRUE(mentions(r.err, "--today")) << r.err;
  }
  EXPECT_EQ(test::snapshot_dir(station.vault()), before);
}

TEST(ShippedBinary, DoesNotOpenAVaultMadeWithTheFastKdf) {
  test::Station station;
  station.init("kim");
  auto before = test::snapshot_dir(station.vault());
  auto r = test::run_capture({test::shipped_analyst_binary(), "--vault", station.vault().string(), "--passphrase-fd",
                              "0", "list"},
                             station.passphrase() + "\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(mentions(r.err, "cairn: error: this vault was made by a test build")) << r.err;
  EXPECT_EQ(test::snapshot_dir(station.vault()), before);
  // The test build opens it (with its warning).
  auto listed = station.run({"list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
}

}  // namespace
}  // namespace cairn::analyst
