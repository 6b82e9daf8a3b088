// cairn-relay: runs on the relay host. init, serve, publish, status (and, for
// the analyst station's USB round trip, export and purge). No network admin
// interface: everything here is local.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

#include "common/cli.h"
#include "common/day.h"
#include "common/hardening.h"
#include "crypto/drop.h"
#include "crypto/key_text.h"
#include "relay/disk_space.h"
#include "relay/export.h"
#include "relay/key_file.h"
#include "relay/publish.h"
#include "relay/purge.h"
#include "relay/relay_keys.h"
#include "relay/server.h"
#include "relay/store.h"
#include "wire/file_kind.h"

namespace {

using namespace cairn;
namespace fs = std::filesystem;

struct Paths {
  fs::path dir = "cairn-relay";
  fs::path key_file;  // default: <dir>/store.key, or $CREDENTIALS_DIRECTORY/cairn-store-key
  fs::path store() const { return dir / "store.db"; }
  fs::path key() const {
    if (!key_file.empty()) return key_file;
    if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY")) {
      fs::path p = fs::path(creds) / "cairn-store-key";
      if (fs::exists(p)) return p;
    }
    return dir / "store.key";
  }
};

Result<Bytes> read_small_file(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec) return make_error(Errc::not_found, "cannot read " + p.string() + ": " + ec.message());
  if (size > wire::kMaxCarriedFileBytes) return make_error(Errc::too_large, p.string() + " is too large");
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<std::unique_ptr<relay::Store>> open_store(const Paths& paths) {
  CAIRN_TRY(auto key, relay::read_key_file(paths.key()));
  return relay::Store::open(paths.store(), key);
}

int cmd_init(const Paths& paths, const std::string& org_text, std::uint64_t quota_bytes) {
  auto org = crypto::parse_organisation_key(org_text);
  if (!org.ok()) return cli::fail(org.error(), "copy the organisation key (cairn-org1…) again from the analyst station");
  std::error_code ec;
  fs::create_directories(paths.dir, ec);
  fs::permissions(paths.dir, fs::perms::owner_all, ec);
  auto key = relay::create_key_file(paths.key());
  if (!key.ok()) return cli::fail(key.error());
  auto store = relay::Store::create(paths.store(), *key);
  if (!store.ok()) return cli::fail(store.error());
  // Every slot exists from the start (zero-filled): the store's size never
  // tells how many drops came. A key bundle with another drop size re-slots
  // the (still empty) store to the same capacity.
  const std::uint64_t slots = quota_bytes / crypto::kDefaultDropSize;
  if (slots == 0)
    return cli::fail("--quota-bytes must hold at least one drop (" + std::to_string(crypto::kDefaultDropSize) + " bytes)");
  if (auto st = (*store)->allocate_slots(crypto::kDefaultDropSize, slots); !st.ok()) return cli::fail(st.error());
  if (auto st = relay::generate_relay_keys(**store); !st.ok()) return cli::fail(st.error());
  if (auto st = relay::set_organisation_key(**store, *org); !st.ok()) return cli::fail(st.error());
  auto keys = relay::load_relay_keys(**store);
  if (!keys.ok()) return cli::fail(keys.error());
  auto text = crypto::encode_relay_keys({keys->noise.public_key, keys->signing.public_key});
  std::cout << text << "\n";
  cli::info("relay initialised in " + paths.dir.string() + " (store key: " + paths.key().string() + ", mode 0600)");
  cli::info("give the line above to the analyst station to certify this relay: cairn-analyst relay add NAME " + text);
  return 0;
}

// --- Reply batches (issue: two-way contact) ---
int publish_replies(relay::Store& store, ByteView file, std::uint32_t reply_days) {
  auto body = wire::unwrap_file(wire::FileKind::reply_batch, file);
  if (!body.ok()) return cli::fail(body.error());
  auto published = relay::publish_reply_batch(store, *body, today_utc(), reply_days);
  if (!published.ok()) {
    std::string hint;
    if (published.code() == Errc::bad_signature || published.code() == Errc::malformed)
      hint = "copy the reply batch from the analyst station again; nothing was added to the board";
    else if (published.code() == Errc::untrusted)
      hint = "this relay only publishes what its own organisation signed; nothing was added to the board";
    else if (published.code() == Errc::quota)
      hint = "nothing was added; ask the station for a batch within the limit (or raise --reply-days)";
    return cli::fail(published.error(), hint);
  }
  std::cout << "published reply batch: " << published->in_batch << " reply(ies), " << published->added
            << " new; the board now holds " << published->on_board << "; served until "
            << describe_day(published->expires_day) << "\n";
  return 0;
}

int cmd_publish(const Paths& paths, const fs::path& file, std::uint32_t reply_days) {
  auto bytes = read_small_file(file);
  if (!bytes.ok()) return cli::fail(bytes.error());
  auto kind = wire::detect_file_kind(*bytes);
  if (!kind.ok()) return cli::fail(kind.error(), "publish takes a key bundle or a reply batch from the analyst station");
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  if (*kind == wire::FileKind::key_bundle) {
    auto body = wire::unwrap_file(wire::FileKind::key_bundle, *bytes);
    if (!body.ok()) return cli::fail(body.error());
    auto verified = relay::publish_key_bundle(**store, *body, today_utc());
    if (!verified.ok()) return cli::fail(verified.error());
    std::cout << "published key bundle: " << verified->messaging_keys.size() << " messaging key(s), drop size "
              << verified->drop_size << " bytes, valid until " << describe_day(verified->expires_day) << "\n";
    return 0;
  }
  if (*kind == wire::FileKind::reply_batch) return publish_replies(**store, *bytes, reply_days);
  return cli::fail("cairn-relay cannot publish " + std::string(wire::describe(*kind)));
}

int cmd_status(const Paths& paths) {
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  auto counts = (*store)->counts();
  if (!counts.ok()) return cli::fail(counts.error());
  auto bundle = (*store)->get_meta(relay::meta::kKeyBundle);
  std::cout << "drops stored:    " << counts->drops << "\n"
            << "drop bytes:      " << counts->drop_bytes << "\n"
            << "replies on board: " << counts->replies << "\n"
            << "key bundle:      " << (bundle.ok() && bundle->has_value() ? "published" : "none") << "\n";
  auto keys = relay::load_relay_keys(**store);
  if (keys.ok()) std::cout << "relay keys:      " << crypto::encode_relay_keys({keys->noise.public_key, keys->signing.public_key}) << "\n";
  return 0;
}

// ---- export and purge: the USB round trip with the analyst station ----

int cmd_export(const Paths& paths, const fs::path& out, std::size_t max_drops, std::uint64_t part_bytes) {
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  auto report = relay::export_drops(**store, out, today_utc(), max_drops, part_bytes);
  if (!report.ok()) {
    if (report.code() == Errc::already_exists) return cli::fail(report.error(), "choose a new file name for the export");
    return cli::fail(report.error());
  }
  std::cout << "exported " << report->drops << " drop(s) (" << report->drop_bytes << " bytes) to " << out.string()
            << ", export " << to_hex(report->export_id) << "\n";
  if (report->files.size() > 1) {
    std::cout << "the bundle is in " << report->files.size() << " parts (copy them all; the station reads them together):\n";
    for (const auto& f : report->files) std::cout << "  " << f.string() << "\n";
  }
  if (report->remaining > 0)
    cli::info(std::to_string(report->remaining) + " more drop(s) did not fit; export again after the purge");
  cli::info("the drops stay here until an import receipt from the analyst station purges them");
  return 0;
}

int cmd_purge(const Paths& paths, const fs::path& receipt_path) {
  auto bytes = read_small_file(receipt_path);
  if (!bytes.ok()) return cli::fail(bytes.error());
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  auto report = relay::purge_with_receipt(**store, *bytes, today_utc());
  if (!report.ok()) {
    if (report.code() == Errc::expired || report.code() == Errc::not_yet_valid)
      return cli::fail(report.error(), "publish a fresh key bundle from the analyst station, then purge again");
    return cli::fail(report.error(), "nothing was deleted");
  }
  std::cout << "purged " << report->deleted << " drop(s) named by the import receipt of analyst '" << report->analyst
            << "' (" << report->named - report->deleted << " were already gone)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  harden_process();  // its memory holds the relay's Noise static key
  CLI::App app{"cairn-relay: the Cairn relay (stores only ciphertext drops)"};
  app.require_subcommand(1);
  Paths paths;
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

  if (*init) return cmd_init(paths, org_text, init_quota);
  if (*publish) return cmd_publish(paths, publish_file, reply_days);
  if (*status) return cmd_status(paths);
  if (*export_cmd) return cmd_export(paths, export_out, export_max, export_part_bytes);
  if (*purge_cmd) return cmd_purge(paths, purge_receipt);
  if (*serve) {
    L.handshake_timeout = std::chrono::milliseconds(handshake_ms);
    L.message1_timeout = std::chrono::milliseconds(message1_ms);
    L.session_lifetime = std::chrono::seconds(lifetime_s);
    L.idle_timeout = std::chrono::milliseconds(idle_ms);
    L.operation_timeout = std::chrono::milliseconds(op_ms);
    config.report_interval = std::chrono::seconds(report_s);
    config.shutdown_grace = std::chrono::seconds(grace_s);
    config.store_path = paths.store();
    config.key_file = paths.key();
    // serve() checks this too; here it gets its hint.
    if (auto room = relay::check_free_space_to_start(config.store_path, L.min_free_bytes); !room.ok())
      return cli::fail(room.error(), "free space on the disk that holds the store, then start the relay again");
    auto st = relay::serve(config);
    if (!st.ok()) return cli::fail(st.error());
    return 0;
  }
  return cli::kExitUsage;
}
