// The onion-service configuration docs/OPERATING.md gives relay operators:
// Debian's tor parses it (tor --verify-config reads and checks a
// configuration, then exits without starting anything), with the
// onion-service proof-of-work defence on.
#include <gtest/gtest.h>

#include <fstream>

#include "support/subprocess.h"
#include "support/tor.h"

namespace cairn {
namespace {

TEST(OnionService, TheDocumentedTorrcIsValid) {
  auto tor = test::find_in_path("tor");
  ASSERT_TRUE(tor) << "tor is missing: run scripts/bootstrap.sh";
  auto snippet = test::documented_onion_service_torrc();
  ASSERT_FALSE(snippet.empty()) << "docs/OPERATING.md has no ```torrc block";
  bool pow = false, service_dir = false;
  test::TempDir dir;
  std::filesystem::create_directory(dir / "hs");
  std::filesystem::permissions(dir / "hs", std::filesystem::perms::owner_all);
  std::ofstream rc(dir / "torrc");
  rc << "DataDirectory " << (dir / "data").string() << "\n";
  for (const auto& l : test::private_network_lines({})) rc << l << "\n";
  for (auto l : snippet) {
    pow = pow || l == "HiddenServicePoWDefensesEnabled 1";
    if (l.rfind("HiddenServiceDir ", 0) == 0) {
      service_dir = true;
      l = "HiddenServiceDir " + (dir / "hs").string();  // the test's directory instead of /var/lib/tor/…
    }
    rc << l << "\n";
  }
  rc.close();
  EXPECT_TRUE(pow) << "the documented onion service does not enable proof of work";
  EXPECT_TRUE(service_dir);
  auto out = dir / "verify.log";
  EXPECT_EQ(test::run({tor->string(), "--verify-config", "--defaults-torrc", "/dev/null", "-f",
                       (dir / "torrc").string()},
                      out, out),
            0)
      << test::read_text(out);
  EXPECT_NE(test::read_text(out).find("Configuration was valid"), std::string::npos) << test::read_text(out);
}

// The control: a configuration tor does not accept fails the same check.
TEST(OnionService, VerifyConfigRejectsAnUnknownOption) {
  auto tor = test::find_in_path("tor");
  ASSERT_TRUE(tor);
  test::TempDir dir;
  std::ofstream(dir / "torrc") << "DataDirectory " << (dir / "data").string()
                               << "\nHiddenServicePoWDefensesEnabledTypo 1\n";
  EXPECT_NE(test::run({tor->string(), "--verify-config", "--defaults-torrc", "/dev/null", "-f",
                       (dir / "torrc").string()}),
            0);
}

}  // namespace
}  // namespace cairn
