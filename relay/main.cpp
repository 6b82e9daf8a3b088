// cairn-relay: runs on the relay host. init, serve, publish, status (and, for
// the analyst station's USB round trip, export and purge). No network admin
// interface: everything here is local. This file parses the command line and
// dispatches; the commands are relay/*_command.cpp (relay/commands.h).
#include <CLI/CLI.hpp>

#include "common/cli.h"
#include "common/hardening.h"
#include "crypto/reply_batch.h"
#include "relay/commands.h"
#include "wire/export_bundle.h"

using namespace cairn;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  harden_process();  // its memory holds the relay's Noise static key
  CLI::App app{"cairn-relay: the Cairn relay (stores only ciphertext drops)"};
  app.require_subcommand(1);
  relay::RelayDir paths;
  app.add_option("--dir", paths.dir, "relay directory (store and key file)")->capture_default_str();
  app.add_option("--key-file", paths.key_file, "store key file (default: <dir>/store.key)");

  std::string org_text;
  auto* init = app.add_subcommand("init", "create the relay's keys and an empty encrypted store");
  init->add_option("--organisation-key", org_text, "the organisation's public key (cairn-org1…)")->required();
  std::uint64_t init_quota = relay::Limits{}.quota_bytes;
  init->add_option("--quota-bytes", init_quota, "drop bytes the store holds (pre-allocated now)")->capture_default_str();

  relay::ServeConfig config;
  auto* serve = app.add_subcommand("serve", "run the relay");
  serve->set_config("--config", "", "read options from this file (INI/TOML)");
  serve->add_option("--listen", config.listen_address, "address to listen on")->capture_default_str();
  serve->add_option("--port", config.port, "TCP port (0: any free port)")->capture_default_str();
  auto& L = config.limits;
  serve->add_option("--max-connections", L.max_connections)->capture_default_str()->check(CLI::PositiveNumber);
  std::int64_t handshake_ms = L.handshake_timeout.count(), idle_ms = L.idle_timeout.count(),
               op_ms = L.operation_timeout.count(), report_s = config.report_interval.count(),
               grace_s = config.shutdown_grace.count();
  std::int64_t message1_ms = L.message1_timeout.count(), lifetime_s = L.session_lifetime.count();
  serve->add_option("--message1-timeout-ms", message1_ms, "from accept to the client's first handshake message")
      ->capture_default_str()->check(CLI::PositiveNumber);
  serve->add_option("--handshake-timeout-ms", handshake_ms)->capture_default_str()->check(CLI::PositiveNumber);
  serve->add_option("--session-lifetime-s", lifetime_s, "a connection is closed after this long, whatever it does")
      ->capture_default_str()->check(CLI::PositiveNumber);
  serve->add_option("--other-requests-per-connection", L.other_requests_per_connection,
                    "key bundle and reply board requests per connection")
      ->capture_default_str()->check(CLI::PositiveNumber);
  serve->add_option("--idle-timeout-ms", idle_ms)->capture_default_str()->check(CLI::PositiveNumber);
  serve->add_option("--operation-timeout-ms", op_ms)->capture_default_str()->check(CLI::PositiveNumber);
  // At least 1: a relay announcing 0 would send clients into a reconnect loop.
  serve->add_option("--drops-per-connection", L.drops_per_connection)->capture_default_str()->check(CLI::PositiveNumber);
  serve->add_option("--quota-bytes", L.quota_bytes, "maximum drop bytes stored")->capture_default_str();
  serve->add_option("--min-free-bytes", L.min_free_bytes,
                    "keep this much free on the store's disk: refuse to start, and refuse drops, below it (0: no check)")
      ->capture_default_str();
  serve->add_option("--pow-bits", L.pow_bits, "proof-of-work difficulty per drop while calm (raised under load up to the key bundle's cap)")
      ->capture_default_str()->check(CLI::Range(0, 32));
  serve->add_option("--pow-calm-drops-per-minute", L.pow_calm_drops_per_minute,
                    "arrival rate above which the difficulty rises (one bit per doubling)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  serve->add_option("--report-interval-s", report_s, "log counters this often (at least a day)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{relay::kMinReportInterval.count()}, std::int64_t{366} * 24 * 3600));
  serve->add_option("--shutdown-grace-s", grace_s)->capture_default_str()->check(CLI::NonNegativeNumber);
#ifdef CAIRN_TESTING_SWITCHES
  // Test build only (cairn-relay-testing, never packaged): emulates a full disk.
  serve->add_option("--test-max-pages", config.test_max_page_count)->group("");
#endif

  fs::path publish_file;
  auto* publish = app.add_subcommand("publish", "install a key bundle or reply batch signed on the analyst station");
  publish->add_option("FILE", publish_file)->required();
  std::uint32_t reply_days = crypto::kDefaultReplyDays;
  publish->add_option("--reply-days", reply_days, "refuse reply batches kept longer than this many days")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));

  auto* status = app.add_subcommand("status", "show counts (nothing per source)");

  // ---- export and purge ----
  fs::path export_out, purge_receipt;
  std::size_t export_max = wire::kMaxExportDrops;
  std::uint64_t export_part_bytes = wire::kDefaultExportPartBytes;
  auto* export_cmd = app.add_subcommand("export", "write the stored drops to an export bundle for the analyst station");
  export_cmd->add_option("--out", export_out, "the bundle file to create (never overwritten)")->required();
  export_cmd->add_option("--max-drops", export_max, "at most this many drops per bundle")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, wire::kMaxExportDrops));
  export_cmd->add_option("--part-bytes", export_part_bytes,
                         "cut a larger bundle into numbered parts FILE.001, FILE.002, ... of at most this many bytes "
                         "(default: FAT32's largest file)")
      ->capture_default_str()->check(CLI::Range(wire::kMinExportPartBytes, wire::kDefaultExportPartBytes));
  auto* purge_cmd = app.add_subcommand("purge", "delete the drops named in a signed import receipt");
  purge_cmd->add_option("--receipt", purge_receipt, "the import receipt from the analyst station")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : cli::kExitUsage;
  }

  if (*init) return relay::init_command(paths, org_text, init_quota);
  if (*publish) return relay::publish_command(paths, publish_file, reply_days);
  if (*status) return relay::status_command(paths);
  if (*export_cmd) return relay::export_command(paths, export_out, export_max, export_part_bytes);
  if (*purge_cmd) return relay::purge_command(paths, purge_receipt);
  if (*serve) {
    L.handshake_timeout = std::chrono::milliseconds(handshake_ms);
    L.message1_timeout = std::chrono::milliseconds(message1_ms);
    L.session_lifetime = std::chrono::seconds(lifetime_s);
    L.idle_timeout = std::chrono::milliseconds(idle_ms);
    L.operation_timeout = std::chrono::milliseconds(op_ms);
    config.report_interval = std::chrono::seconds(report_s);
    config.shutdown_grace = std::chrono::seconds(grace_s);
    return relay::serve_command(paths, config);
  }
  return cli::kExitUsage;
}
