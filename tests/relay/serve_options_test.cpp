// The serve options as an operator gives them, on the command line and in a
// --config file: every value read, every range enforced, the command line
// winning over the file, an unknown setting refused (relay/serve_options.h).
#include "relay/serve_options.h"

#include <gtest/gtest.h>

#include "support/files.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace cairn::relay {
namespace {

struct Parsed {
  bool ok = false;
  std::string error;
  ServeConfig config;
};

// What cairn-relay does: `serve` with `args` on the command line, then the
// config file's text for whatever the command line left unset.
Parsed parse(const std::string& config_text, std::vector<std::string> args = {}) {
  CLI::App app;
  auto* serve = app.add_subcommand("serve");
  ServeOptions options;
  options.declare(*serve, /*testing_switches=*/false);
  args.insert(args.begin(), "serve");
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  Parsed p;
  try {
    app.parse(args);
    ServeOptions::apply_config(*serve, config_text);
  } catch (const CLI::ParseError& e) {
    p.error = e.what();
    return p;
  }
  p.ok = true;
  p.config = options.config();
  return p;
}

TEST(ServeOptions, AConfigFileSetsEveryKindOfValue) {
  auto p = parse(
      "listen = \"0.0.0.0\"\nport = 9000\nmax-connections = 77\nidle-timeout-ms = 1234\n"
      "session-lifetime-s = 60\nreport-interval-s = 172800\nshutdown-grace-s = 3\npow-bits = 15\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.config.listen_address, "0.0.0.0");
  EXPECT_EQ(p.config.port, 9000);
  EXPECT_EQ(p.config.limits.max_connections, 77u);
  EXPECT_EQ(p.config.limits.idle_timeout, std::chrono::milliseconds(1234));
  EXPECT_EQ(p.config.limits.session_lifetime, std::chrono::seconds(60));
  EXPECT_EQ(p.config.report_interval, std::chrono::hours(48));
  EXPECT_EQ(p.config.shutdown_grace, std::chrono::seconds(3));
  EXPECT_EQ(p.config.limits.pow_bits, 15u);
}

TEST(ServeOptions, TheCommandLineWinsOverTheFile) {
  auto p = parse("port = 9000\npow-bits = 15\n", {"--port", "9001"});
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.config.port, 9001);
  EXPECT_EQ(p.config.limits.pow_bits, 15u);
}

TEST(ServeOptions, AnEmptyFileLeavesTheDefaults) {
  auto p = parse("");
  ASSERT_TRUE(p.ok) << p.error;
  const ServeConfig defaults;
  EXPECT_EQ(p.config.limits.handshake_timeout, defaults.limits.handshake_timeout);
  EXPECT_EQ(p.config.report_interval, defaults.report_interval);
  EXPECT_EQ(p.config.port, defaults.port);
}

// Each of these would overflow a deadline, time single drops, announce
// something no client can use, or be a typo that silently keeps a default:
// each is refused, not clamped or ignored.
TEST(ServeOptions, OutOfRangeAndUnknownSettingsAreRefused) {
  for (const char* line : {"idle-timeout-ms = 9223372036854775807", "handshake-timeout-ms = 86400001",
                           "message1-timeout-ms = 0", "operation-timeout-ms = -5", "session-lifetime-s = 86401",
                           "shutdown-grace-s = 3601", "report-interval-s = 1", "report-interval-s = 31622401",
                           "pow-bits = 33", "drops-per-connection = 0", "max-connections = 0", "port = 65536",
                           "pow_bits = 20", "[serve]\npow-bits = 20"}) {
    auto p = parse(std::string(line) + "\n");
    EXPECT_FALSE(p.ok) << line;
    EXPECT_FALSE(p.error.empty()) << line;
  }
}

TEST(ServeOptions, WorkersHaveARangeAndADefaultFromTheMachine) {
  auto defaults = parse("");
  ASSERT_TRUE(defaults.ok) << defaults.error;
  EXPECT_EQ(defaults.config.workers, default_workers());
  EXPECT_GE(default_workers(), 1u);
  EXPECT_LE(default_workers(), 16u);
  auto three = parse("workers = 3\n");
  ASSERT_TRUE(three.ok) << three.error;
  EXPECT_EQ(three.config.workers, 3u);
  auto most = parse("", {"--workers", std::to_string(kMaxWorkers)});
  ASSERT_TRUE(most.ok) << most.error;
  EXPECT_EQ(most.config.workers, kMaxWorkers);
  EXPECT_FALSE(parse("workers = 0\n").ok);
  EXPECT_FALSE(parse("", {"--workers", std::to_string(kMaxWorkers + 1)}).ok);
  EXPECT_FALSE(parse("", {"--workers", "-1"}).ok);
}

TEST(ServeOptions, TheLargestAcceptedTimeoutsAreTheDocumentedMaxima) {
  auto p = parse("idle-timeout-ms = 86400000\nsession-lifetime-s = 86400\nshutdown-grace-s = 3600\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.config.limits.idle_timeout, kMaxTimeout);
  EXPECT_EQ(p.config.limits.session_lifetime, kMaxSessionLifetime);
  EXPECT_EQ(p.config.shutdown_grace, kMaxShutdownGrace);
}

// The shipped program reads the file (before, CLI11's subcommand config was
// never read at all): a bad setting in it stops `serve` with a usage error
// before anything else happens, and so does a file that is not there.
TEST(ServeOptions, TheRelayProgramRefusesABadConfigFile) {
  test::TempDir tmp;
  test::write_file(tmp / "relay.conf", as_bytes("report-interval-s = 1\n"));
  const std::string relay = test::binary("relay/cairn-relay");
  auto bad = test::run_capture({relay, "--dir", (tmp / "relay").string(), "serve", "--config", (tmp / "relay.conf").string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("report-interval-s"), std::string::npos) << bad.err;
  test::write_file(tmp / "typo.conf", as_bytes("pow_bitz = 20\n"));
  auto typo = test::run_capture({relay, "--dir", (tmp / "relay").string(), "serve", "--config", (tmp / "typo.conf").string()});
  EXPECT_EQ(typo.exit_code, 2) << typo.err;
  EXPECT_NE(typo.err.find("pow_bitz"), std::string::npos) << typo.err;
  auto missing = test::run_capture({relay, "--dir", (tmp / "relay").string(), "serve", "--config", (tmp / "none.conf").string()});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("none.conf"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace cairn::relay
