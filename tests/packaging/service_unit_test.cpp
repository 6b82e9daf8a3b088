// cairn-relay.service (packaging/), as the cairn-relay package installs it:
// `systemd-analyze verify` accepts it, `systemd-analyze security --offline`
// rates its exposure at 2.0 or lower, and it hands the store key to the relay
// the way the relay reads it.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "crypto/key_text.h"
#include "crypto/sign.h"
#include "support/process.h"
#include "support/subprocess.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

std::string tool(const std::string& name) {
  auto p = test::find_in_path(name);
  return p ? p->string() : name;
}

// The cairn-relay component installed into root (DESTDIR), as the package lays it out.
void stage_relay_package(const fs::path& root) {
  auto r = test::run_capture({tool("env"), "DESTDIR=" + root.string(), CAIRN_CMAKE_COMMAND, "--install",
                              CAIRN_BINARY_DIR, "--component", "cairn-relay", "--prefix", "/usr"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(fs::exists(root / "lib/systemd/system/cairn-relay.service"));
  ASSERT_TRUE(fs::exists(root / "usr/bin/cairn-relay"));
}

// The unit with /usr/bin/cairn-relay pointing into the staged root (verify
// checks that ExecStart names an executable), everything else unchanged.
fs::path unit_for_verify(const fs::path& root, const fs::path& program) {
  std::string text = test::read_text(root / "lib/systemd/system/cairn-relay.service");
  auto at = text.find("ExecStart=/usr/bin/cairn-relay ");
  EXPECT_NE(at, std::string::npos) << text;
  if (at != std::string::npos) text.replace(at, std::string("ExecStart=/usr/bin/cairn-relay").size(), "ExecStart=" + program.string());
  fs::create_directories(root / "verify");
  auto unit = root / "verify/cairn-relay.service";
  std::ofstream(unit) << text;
  return unit;
}

test::RunResult verify(const fs::path& root, const fs::path& unit) {
  // Documentation=man:cairn-relay(1): verify runs man(1), which finds the staged page.
  return test::run_capture({tool("env"), "MANPATH=" + (root / "usr/share/man").string(), tool("systemd-analyze"),
                            "verify", unit.string()});
}

TEST(ServiceUnit, SystemdAnalyzeVerifyPasses) {
  test::TempDir root;
  stage_relay_package(root.path());
  auto r = verify(root.path(), unit_for_verify(root.path(), root.path() / "usr/bin/cairn-relay"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "") << r.err;
}

TEST(ServiceUnit, SystemdAnalyzeVerifyCatchesAMissingProgram) {
  // The check above can fail: the same unit naming a program that is not there.
  test::TempDir root;
  stage_relay_package(root.path());
  auto r = verify(root.path(), unit_for_verify(root.path(), root.path() / "usr/bin/no-such-relay"));
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("no-such-relay"), std::string::npos) << r.err;
}

TEST(ServiceUnit, SecurityExposureIsAtMostTwo) {
  test::TempDir root;
  stage_relay_package(root.path());
  auto r = test::run_capture({tool("systemd-analyze"), "security", "--offline=true", "--no-pager",
                              (root.path() / "lib/systemd/system/cairn-relay.service").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::smatch m;
  const std::string all = r.out + r.err;
  ASSERT_TRUE(std::regex_search(all, m, std::regex(R"(Overall exposure level for cairn-relay\.service: (\d+\.\d))")))
      << all;
  double exposure = std::stod(m[1].str());
  EXPECT_LE(exposure, 2.0) << all;
  std::cout << "systemd-analyze security --offline=true: exposure " << m[1].str() << "\n";
}

TEST(ServiceUnit, RunsServeAsADynamicUserWithTheStoreKeyAsACredential) {
  test::TempDir root;
  stage_relay_package(root.path());
  const std::string unit = test::read_text(root.path() / "lib/systemd/system/cairn-relay.service");
  auto has_line = [&](const std::string& line) {
    return std::regex_search(unit, std::regex("^" + line + "$", std::regex::multiline));
  };
  EXPECT_TRUE(has_line("DynamicUser=yes"));
  EXPECT_TRUE(has_line("StateDirectory=cairn-relay"));
  // The relay reads $CREDENTIALS_DIRECTORY/cairn-store-key (relay/main.cpp):
  // the credential's name must be exactly that.
  EXPECT_TRUE(has_line("LoadCredential=cairn-store-key:/etc/credstore/cairn-store-key"));
  EXPECT_TRUE(has_line("ExecStart=/usr/bin/cairn-relay --dir /var/lib/cairn-relay serve .*"));
  EXPECT_TRUE(has_line("KillSignal=SIGTERM"));
  EXPECT_TRUE(has_line("CapabilityBoundingSet="));
  EXPECT_TRUE(has_line("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"));
}

TEST(ServiceUnit, TheRelayReadsTheStoreKeyFromTheCredentialsDirectory) {
  // What the service does at start, outside systemd: the store was made with
  // its key in /etc/credstore (here: a scratch folder); systemd hands the key
  // over as $CREDENTIALS_DIRECTORY/cairn-store-key, mode 0400.
  test::TempDir root;
  const auto relay = test::binary("relay/cairn-relay");
  const auto state = root / "state";
  const auto credstore = root / "credstore";
  fs::create_directories(credstore);
  auto init = test::run_capture({relay, "--dir", state.string(), "--key-file", (credstore / "cairn-store-key").string(),
                                 "init", "--organisation-key",
                                 crypto::encode_organisation_key(crypto::ed25519_generate().public_key), "--quota-bytes", "65536"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ASSERT_FALSE(fs::exists(state / "store.key"));

  const auto creds = root / "credentials";
  fs::create_directories(creds);
  fs::copy_file(credstore / "cairn-store-key", creds / "cairn-store-key");
  fs::permissions(creds / "cairn-store-key", fs::perms::owner_read);
  auto status = test::run_capture({tool("env"), "CREDENTIALS_DIRECTORY=" + creds.string(), relay, "--dir",
                                   state.string(), "status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("drops stored:"), std::string::npos) << status.out;

  // Without the credential the store does not open.
  auto without = test::run_capture({relay, "--dir", state.string(), "status"});
  EXPECT_NE(without.exit_code, 0) << without.out;
}

}  // namespace
}  // namespace cairn
