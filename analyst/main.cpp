// cairn-analyst: the air-gapped station. Keys, key bundles, imports,
// reading, receipts. It has no networking code at all: everything it takes
// in and gives out is a file carried by USB. This file parses the command
// line and dispatches; the commands are analyst/*_command.cpp
// (analyst/commands.h).
#include <CLI/CLI.hpp>

#include <optional>

#include "analyst/commands.h"
#include "analyst/keys.h"
#include "common/cli.h"
#include "common/day.h"
#include "common/hardening.h"
#include "i18n/catalog.h"
#include "i18n/command_line.h"

using namespace cairn;
using namespace cairn::analyst;
using i18n::tr;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  harden_process();  // its memory holds testimony and vault keys
  auto language = i18n::start_language(argc, argv, i18n::kAnalystDomain);
  if (!language) return cli::kExitUsage;
  CLI::App app{tr("cairn-analyst: the air-gapped analyst station (never uses the network)"), "cairn-analyst"};
  app.require_subcommand(1);
  app.fallthrough();  // --lang, --vault and --passphrase-fd may come after the command too
  std::string ui_lang;
  i18n::translate_help(app, ui_lang,
                       tr("the language of cairn-analyst's messages: ko (Korean), ru (Russian) or en (English)"));
  CommandContext g;
  std::int64_t today_override = -1;
  app.add_option("--vault", g.vault, tr("the vault directory"))->capture_default_str();
  app.add_option("--passphrase-fd", g.passphrase_fd,
                 tr("read the passphrase as one line from this open file descriptor (scripts); "
                    "otherwise it is asked on the terminal"))
      ->check(CLI::NonNegativeNumber);
#ifdef CAIRN_TESTING_SWITCHES
  // Test build only (cairn-analyst-testing, never packaged): simulated days.
  app.add_option("--today", today_override,
                 "TESTING ONLY: act as if today were this day number (days since 1970-01-01 UTC), "
                 "to simulate key rotation over weeks")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{kLastFormattableDay}));
#endif

  std::string name, keys_text, host, out_text;
  fs::path out, receipt, bundle_path, qr;
  bool insecure = false, raw = false, hybrid = false;
  std::uint16_t port = 0;
  std::int64_t id = 0, key_id = -1;
  DayNumber grace = kDefaultDestroyGraceDays;
  BundleOptions bundle_options;
  fs::path bridges_file;
  ImportOptions import_options;

  auto* init = app.add_subcommand("init", tr("create the vault, the organisation key and the first analyst"));
  init->add_option("--name", name, tr("the first analyst's name"))->required();
  init->add_flag("--hybrid", hybrid,
                 tr("post-quantum messaging keys (ML-KEM-768 + X25519): drops stay secret after a quantum computer; "
                    "a 32 KiB drop then holds at most 20 keys, 10 analysts"));
#ifdef CAIRN_TESTING_SWITCHES
  init->add_flag("--insecure-fast-kdf", insecure,
                 "TESTS ONLY: derive the vault key with Argon2id's minimum cost (recorded in the vault, "
                 "warned about on every use)");
#endif

  auto* analyst = app.add_subcommand("analyst", tr("analysts of this organisation"));
  analyst->require_subcommand(1);
  auto* analyst_add = analyst->add_subcommand("add", tr("add an analyst (identity and messaging keys)"));
  analyst_add->add_option("NAME", name)->required();
  auto* analyst_list = analyst->add_subcommand("list", tr("list the analysts"));

  auto* relay = app.add_subcommand("relay", tr("relays this organisation certifies"));
  relay->require_subcommand(1);
  auto* relay_add = relay->add_subcommand("add", tr("certify a relay's keys (the cairn-relay1… line from cairn-relay init)"));
  relay_add->add_option("NAME", name)->required();
  relay_add->add_option("RELAYKEYS", keys_text)->required();
  auto* relay_list = relay->add_subcommand("list", tr("list certified relays"));
  std::vector<std::string> endpoints, relay_names;
  auto* relay_address = relay->add_subcommand("address", tr("record where a certified relay listens (for key bundles "
                                                             "and drop addresses)"));
  relay_address->add_option("NAME", name)->required();
  relay_address->add_option("HOSTPORT", endpoints, tr("HOST:PORT, up to 4 (a DNS name, IPv4 address or .onion name)"))
      ->required();

  auto* keys = app.add_subcommand("keys", tr("messaging keys, key bundles, drop addresses"));
  keys->require_subcommand(1);
  auto* keys_list = keys->add_subcommand("list", tr("list messaging keys and their state"));
  auto* keys_rotate = keys->add_subcommand("rotate", tr("make new messaging keys when due; destroy expired secrets"));
  keys_rotate->add_option("--destroy-after-days", grace, tr("destroy a secret this many days after its key expired"))
      ->capture_default_str();
  keys_rotate->add_flag("--hybrid", hybrid,
                        tr("switch to post-quantum messaging keys: every analyst gets one today, and key bundles "
                           "carry only those from now on"));
  auto* keys_bundle = keys->add_subcommand("bundle", tr("write the signed key bundle for a relay"));
  keys_bundle->add_option("--out", out, tr("the file to create"))->required();
  keys_bundle->add_option("--relay", bundle_options.relay, tr("the relay (needed if there are several)"));
  keys_bundle->add_option("--drop-size", bundle_options.drop_size, tr("bytes per drop"))->capture_default_str();
  keys_bundle->add_option("--pow-bits", bundle_options.pow_bits, tr("proof-of-work difficulty"))->capture_default_str();
  keys_bundle->add_option("--bridges", bridges_file, tr("Tor bridge lines for sources, one a line (signed with the bundle)"));
  auto* keys_address = keys->add_subcommand("address", tr("print the drop address of one or more relays (and a QR code)"));
  keys_address->add_option("--relay", relay_names, tr("a relay (repeat it to name several, at most 8 places in all)"))
      ->required();
  keys_address->add_option("--host", host, tr("the one relay's host name, IPv4 address or .onion name (default: the "
                                              "places recorded with relay address)"));
  keys_address->add_option("--port", port, tr("the one relay's port"))->check(CLI::Range(1, 65535));
  keys_address->add_option("--qr", qr, tr("also write the address as a QR code PNG to this new file"));
  auto* keys_age = keys->add_subcommand("export-age-identity",
                                        tr("EMERGENCY: write messaging secrets as an age identity file for `age -d -i`"));
  keys_age->add_option("--key", key_id, tr("only this messaging key (an ID from keys list); default: every key held"));
  keys_age->add_option("--out", out_text, tr("the file to create (mode 0600); '-' for standard output, never a terminal"));

  auto* import = app.add_subcommand("import", tr("import an export bundle from the relay"));
  import->add_option("BUNDLE", bundle_path)->required();
  import->add_option("--receipt", receipt, tr("write the signed import receipt (for cairn-relay purge) to this new file"));
  import->add_option("--analyst", import_options.analyst, tr("the analyst who signs the receipt (default: the first)"));
  import->add_flag("--purge-undecryptable", import_options.purge_undecryptable,
                   tr("let the relay delete drops no key of this vault opens now, not after the grace period"));

  auto* list = app.add_subcommand("list", tr("list testimony in the vault"));
  auto* show = app.add_subcommand("show", tr("show a testimony's text"));
  show->add_option("ID", id)->required();
  show->add_flag("--raw", raw, tr("write the text exactly, control characters included (never to a terminal)"));
  auto* extract = app.add_subcommand("extract", tr("write a testimony's attachments to files"));
  extract->add_option("ID", id)->required();
  extract->add_option("--out", out, tr("the directory to write into (created if missing)"))->required();

  // Replies (two-way contact).
  std::string reply_text;
  DayNumber reply_days = 14;
  auto* reply = app.add_subcommand("reply", tr("answer a source: writes a signed reply batch for cairn-relay publish"));
  reply->add_option("ID", id)->required();
  reply->add_option("--text", reply_text, tr("a UTF-8 file with the reply (default: type it in)"));
  reply->add_option("--out", out, tr("the reply batch file to create"))->required();
  reply->add_option("--days", reply_days, tr("days the reply stays on the board"))->capture_default_str()->check(CLI::Range(1, 60));

  i18n::translate_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return i18n::usage_error(e, app, {.no_command = tr("say what to do: cairn-analyst --help lists the commands"),
                                      .no_command_hint = tr("cairn-analyst list shows the testimony in the vault; "
                                                            "cairn-analyst import BUNDLE reads an export from the relay")});
  }
  g.today = today_override >= 0 ? static_cast<DayNumber>(today_override) : today_utc();
#ifdef CAIRN_TESTING_SWITCHES
  g.testing_build = true;
#endif

  if (*init) return init_command(g, name, insecure, hybrid);
  if (*analyst_add) return analyst_add_command(g, name);
  if (*analyst_list) return analyst_list_command(g);
  if (*relay_add) return relay_add_command(g, name, keys_text);
  if (*relay_list) return relay_list_command(g);
  if (*relay_address) return relay_address_command(g, name, endpoints);
  if (*keys_list) return keys_list_command(g);
  if (*keys_rotate) return keys_rotate_command(g, grace, hybrid);
  if (*keys_bundle) return keys_bundle_command(g, bundle_options, bridges_file, out);
  if (*keys_address) return keys_address_command(g, relay_names, host, port, qr);
  if (*keys_age)
    return keys_export_age_command(g, key_id >= 0 ? std::optional<std::int64_t>(key_id) : std::nullopt, out_text);
  if (*import) return import_command(g, bundle_path, receipt, import_options);
  if (*list) return list_command(g);
  if (*show) return show_command(g, id, raw);
  if (*extract) return extract_command(g, id, out);
  if (*reply) return reply_command(g, id, reply_text, out, reply_days);
  return cli::kExitUsage;
}
