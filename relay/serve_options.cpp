#include "relay/serve_options.h"

#include <sstream>
#include <string>

#include "common/files.h"

namespace cairn::relay {

namespace {

CLI::Range milliseconds_up_to(std::chrono::milliseconds max) { return CLI::Range(std::int64_t{1}, max.count()); }

}  // namespace

void ServeOptions::declare(CLI::App& serve, bool testing_switches) {
  auto& c = config_;
  auto& L = c.limits;
  // Not CLI11's set_config: CLI11 2.1 never reads a subcommand's config file.
  serve.add_option("--config", config_file_, "read options from this file (INI/TOML: name = value, no sections)");
  // A misspelt setting is an error, not a default silently kept.
  serve.allow_config_extras(CLI::config_extras_mode::error);
  serve.add_option("--listen", c.listen_address, "address to listen on")->capture_default_str();
  serve.add_option("--port", c.port, "TCP port (0: any free port)")->capture_default_str();
  serve.add_option("--max-connections", L.max_connections)->capture_default_str()->check(CLI::PositiveNumber);
  serve.add_option("--message1-timeout-ms", message1_ms_, "from accept to the client's first handshake message")
      ->capture_default_str()->check(milliseconds_up_to(kMaxTimeout));
  serve.add_option("--handshake-timeout-ms", handshake_ms_)->capture_default_str()->check(milliseconds_up_to(kMaxTimeout));
  serve.add_option("--session-lifetime-s", lifetime_s_, "a connection is closed after this long, whatever it does")
      ->capture_default_str()->check(CLI::Range(std::int64_t{1}, std::int64_t{kMaxSessionLifetime.count()}));
  serve.add_option("--other-requests-per-connection", L.other_requests_per_connection,
                   "key bundle and reply board requests per connection")
      ->capture_default_str()->check(CLI::PositiveNumber);
  serve.add_option("--idle-timeout-ms", idle_ms_)->capture_default_str()->check(milliseconds_up_to(kMaxTimeout));
  serve.add_option("--operation-timeout-ms", operation_ms_)->capture_default_str()->check(milliseconds_up_to(kMaxTimeout));
  // At least 1: a relay announcing 0 would send clients into a reconnect loop.
  serve.add_option("--drops-per-connection", L.drops_per_connection)->capture_default_str()->check(CLI::PositiveNumber);
  serve.add_option("--quota-bytes", L.quota_bytes, "maximum drop bytes stored")->capture_default_str();
  serve.add_option("--min-free-bytes", L.min_free_bytes,
                   "keep this much free on the store's disk: refuse to start, and refuse drops, below it (0: no check)")
      ->capture_default_str();
  serve.add_option("--pow-bits", L.pow_bits, "proof-of-work difficulty per drop while calm (raised under load up to the key bundle's cap)")
      ->capture_default_str()->check(CLI::Range(0, 32));
  serve.add_option("--pow-calm-drops-per-minute", L.pow_calm_drops_per_minute,
                   "arrival rate above which the difficulty rises (one bit per doubling)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  serve.add_option("--report-interval-s", report_s_, "log counters this often (at least a day)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{kMinReportInterval.count()}, std::int64_t{kMaxReportInterval.count()}));
  serve.add_option("--shutdown-grace-s", grace_s_)
      ->capture_default_str()->check(CLI::Range(std::int64_t{0}, std::int64_t{kMaxShutdownGrace.count()}));
  serve.add_option("--workers", c.workers,
                   "threads for handshakes and record encryption (default: the machine's cores, at most 16)")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, kMaxWorkers));
  // Test build only (cairn-relay-testing, never packaged): emulates a full disk.
  if (testing_switches) {
    serve.add_option("--test-max-pages", c.test_max_page_count)->group("");
    // Keeps one worker busy until shutdown (relay/config.h).
    serve.add_flag("--test-hold-worker", c.test_hold_worker)->group("");
  }
}

void ServeOptions::read_config_file(CLI::App& serve) const {
  if (config_file_.empty()) return;
  auto text = read_file_capped(config_file_, kMaxConfigFileBytes, "the config file");
  if (!text.ok()) throw CLI::FileError(text.error().message, CLI::ExitCodes::FileError);
  apply_config(serve, as_chars(*text));
}

void ServeOptions::apply_config(CLI::App& serve, std::string_view text) {
  std::istringstream in{std::string(text)};
  serve.parse_from_stream(in);  // fills only what the command line left empty
}

ServeConfig ServeOptions::config() const {
  ServeConfig c = config_;
  c.limits.message1_timeout = std::chrono::milliseconds(message1_ms_);
  c.limits.handshake_timeout = std::chrono::milliseconds(handshake_ms_);
  c.limits.idle_timeout = std::chrono::milliseconds(idle_ms_);
  c.limits.operation_timeout = std::chrono::milliseconds(operation_ms_);
  c.limits.session_lifetime = std::chrono::seconds(lifetime_s_);
  c.report_interval = std::chrono::seconds(report_s_);
  c.shutdown_grace = std::chrono::seconds(grace_s_);
  return c;
}

}  // namespace cairn::relay
