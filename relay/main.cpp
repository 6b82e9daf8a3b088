// cairn-relay: runs on the relay host. init, serve, publish, status (and, for
// the analyst station's USB round trip, export and purge). No network admin
// interface: everything here is local. This file parses the command line and
// dispatches; the commands are relay/*_command.cpp (relay/commands.h).
#include <CLI/CLI.hpp>

#include "common/cli.h"
#include "common/hardening.h"
#include "crypto/reply_batch.h"
#include "relay/commands.h"
#include "relay/serve_options.h"
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

  relay::ServeOptions serve_options;
  auto* serve = app.add_subcommand("serve", "run the relay");
#ifdef CAIRN_TESTING_SWITCHES
  serve_options.declare(*serve, /*testing_switches=*/true);
#else
  serve_options.declare(*serve, /*testing_switches=*/false);
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
    if (*serve) serve_options.read_config_file(*serve);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : cli::kExitUsage;
  }

  if (*init) return relay::init_command(paths, org_text, init_quota);
  if (*publish) return relay::publish_command(paths, publish_file, reply_days);
  if (*status) return relay::status_command(paths);
  if (*export_cmd) return relay::export_command(paths, export_out, export_max, export_part_bytes);
  if (*purge_cmd) return relay::purge_command(paths, purge_receipt);
  if (*serve) return relay::serve_command(paths, serve_options.config());
  return cli::kExitUsage;
}
