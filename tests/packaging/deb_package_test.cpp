// The Debian packages (cmake/Packaging.cmake): cpack, run on this build tree
// into a scratch folder, yields exactly the three component packages; each
// carries its program, man page, DEP-5 copyright and changelog, Depends
// computed by dpkg-shlibdeps, no test-only program; and lintian finds no
// error in any of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>

#include "support/process.h"
#include "support/subprocess.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

std::string tool(const std::string& name) {
  auto p = test::find_in_path(name);
  return p ? p->string() : name;
}

// dpkg-deb --field PACKAGE FIELD
std::string field(const fs::path& deb, const std::string& name) {
  auto r = test::run_capture({tool("dpkg-deb"), "--field", deb.string(), name});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(DebPackages, CpackBuildsThreePackagesThatPassLintian) {
  test::TempDir scratch;
  auto made = test::run_capture({CAIRN_CPACK_COMMAND, "--config", std::string(CAIRN_BINARY_DIR) + "/CPackConfig.cmake",
                                 "-B", scratch.path().string()});
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;

  std::map<std::string, fs::path> debs;  // package name → file
  for (const auto& e : fs::directory_iterator(scratch.path()))
    if (e.path().extension() == ".deb") {
      auto name = field(e.path(), "Package");
      debs[name.substr(0, name.find('\n'))] = e.path();
    }
  ASSERT_EQ(debs.size(), 3u) << made.out;
  ASSERT_TRUE(debs.count("cairn") && debs.count("cairn-relay") && debs.count("cairn-analyst")) << made.out;

  for (const auto& [package, deb] : debs) {
    SCOPED_TRACE(package);
    const std::string program = package;  // each package is named after its program
    // Depends come from dpkg-shlibdeps: every program links libc and libsodium.
    auto depends = field(deb, "Depends");
    EXPECT_TRUE(contains(depends, "libc6 (>=")) << depends;
    EXPECT_TRUE(contains(depends, "libsodium23 (>=")) << depends;
    EXPECT_EQ(field(deb, "Version"), std::string(CAIRN_DEB_VERSION) + "\n");

    auto listing = test::run_capture({tool("dpkg-deb"), "--contents", deb.string()});
    ASSERT_EQ(listing.exit_code, 0) << listing.err;
    for (const std::string& path : {"./usr/bin/" + program, "./usr/share/man/man1/" + program + ".1.gz",
                                    "./usr/share/doc/" + package + "/copyright",
                                    "./usr/share/doc/" + package + "/changelog.Debian.gz"})
      EXPECT_TRUE(contains(listing.out, path + "\n")) << path << " missing from\n" << listing.out;
    EXPECT_FALSE(contains(listing.out, "testing")) << "a test-only program is packaged:\n" << listing.out;
    EXPECT_FALSE(contains(listing.out, "bench")) << listing.out;
    EXPECT_FALSE(contains(listing.out, "fuzz")) << listing.out;
    if (package == "cairn-relay")
      EXPECT_TRUE(contains(listing.out, "./lib/systemd/system/cairn-relay.service\n")) << listing.out;
    else
      EXPECT_FALSE(contains(listing.out, ".service")) << listing.out;

    // Errors fail lintian's exit status (its default --fail-on error); the
    // warnings that remain are listed in docs/OPERATING.md.
    auto lint = test::run_capture({tool("lintian"), "--no-cfg", "--fail-on", "error", deb.string()});
    EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
    EXPECT_FALSE(std::regex_search(lint.out, std::regex("^E: ", std::regex::multiline))) << lint.out;
  }

  // The source's client recommends what reaches the relay where Tor is blocked.
  auto recommends = field(debs["cairn"], "Recommends");
  for (const char* p : {"tor", "obfs4proxy", "snowflake-client"})
    EXPECT_TRUE(std::regex_search(recommends, std::regex(std::string("(^|, )") + p + "(,|\n|$)"))) << recommends;
}

}  // namespace
}  // namespace cairn
