// The options of `cairn-relay serve`, declared in one place for its three
// readers: the command line, `--help`, and a `--config` file (INI/TOML, one
// `name = value` per option, no sections, read by CLI11's config reader).
// Every number has a range: a config file is operator input, and a timeout of
// 2^63 ms would overflow the deadline arithmetic it feeds. A setting the
// relay does not know is an error, never silently ignored.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "relay/config.h"

namespace cairn::relay {

// The largest value each duration option takes: long enough for any real
// deployment, far from where `now() + duration` could overflow.
inline constexpr std::chrono::milliseconds kMaxTimeout{std::chrono::hours(24)};
inline constexpr std::chrono::seconds kMaxSessionLifetime{std::chrono::hours(24)};
inline constexpr std::chrono::seconds kMaxReportInterval{std::chrono::hours(366 * 24)};
inline constexpr std::chrono::seconds kMaxShutdownGrace{std::chrono::hours(1)};
inline constexpr std::size_t kMaxConfigFileBytes = 64 * 1024;

class ServeOptions {
 public:
  // Declares every option on `serve` (a subcommand, or the whole app in the
  // config fuzz target). `testing_switches`: the test build's hidden options.
  void declare(CLI::App& serve, bool testing_switches);
  // After the command line is parsed: reads the --config file, if one was
  // named, into the options the command line left unset (the command line
  // wins). Throws CLI::ParseError (a usage error) for an unreadable file, an
  // unknown setting, or a value out of range.
  void read_config_file(CLI::App& serve) const;
  // The same for a config file's text.
  static void apply_config(CLI::App& serve, std::string_view text);
  // The configuration the parsed options describe.
  [[nodiscard]] ServeConfig config() const;

 private:
  ServeConfig config_;
  std::filesystem::path config_file_;
  std::int64_t message1_ms_ = config_.limits.message1_timeout.count();
  std::int64_t handshake_ms_ = config_.limits.handshake_timeout.count();
  std::int64_t idle_ms_ = config_.limits.idle_timeout.count();
  std::int64_t operation_ms_ = config_.limits.operation_timeout.count();
  std::int64_t lifetime_s_ = config_.limits.session_lifetime.count();
  std::int64_t report_s_ = config_.report_interval.count();
  std::int64_t grace_s_ = config_.shutdown_grace.count();
};

}  // namespace cairn::relay
