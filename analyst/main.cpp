// cairn-analyst: the air-gapped station. Keys, key bundles, imports,
// reading, receipts. It has no networking code at all: everything it takes
// in and gives out is a file carried by USB.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

#include "analyst/age_identity.h"
#include "analyst/display.h"
#include "analyst/files.h"
#include "analyst/import.h"
#include "analyst/key_bundle.h"
#include "analyst/keys.h"
#include "analyst/passphrase.h"
#include "analyst/qr_png.h"
#include "analyst/reply.h"
#include "analyst/rotation.h"
#include "analyst/testimony.h"
#include "analyst/vault.h"
#include "common/cli.h"
#include "common/day.h"
#include "common/hardening.h"
#include "crypto/age_x25519.h"
#include "crypto/key_text.h"
#include "crypto/reply.h"

namespace {

using namespace cairn;
using namespace cairn::analyst;
namespace fs = std::filesystem;

struct Globals {
  fs::path vault = "cairn-vault";
  int passphrase_fd = -1;
  DayNumber today = 0;
  PassphraseSource source() const {
    PassphraseSource s;
    if (passphrase_fd >= 0) s.fd = passphrase_fd;
    return s;
  }
};

constexpr std::string_view kInsecureKdfWarning =
    "this vault uses a fast, insecure passphrase key derivation (made with --insecure-fast-kdf, for tests only)";

int fail_passphrase(const Error& e) {
  if (e.message.find("not a terminal") != std::string::npos)
    return cli::fail(e, "run cairn-analyst in a terminal, or give the passphrase on a file descriptor with --passphrase-fd N");
  return cli::fail(e);
}

Result<std::unique_ptr<Vault>> open_vault(const Globals& g) {
  CAIRN_TRY(auto params, Vault::read_params(g.vault));
#ifdef CAIRN_TESTING_SWITCHES
  if (params.insecure_fast_kdf) cli::warn(kInsecureKdfWarning);
#else
  // Only the test build (cairn-analyst-testing) makes such vaults; the
  // shipped program never derives a vault key that cheaply.
  if (params.insecure_fast_kdf)
    return make_error(Errc::unsupported, "this vault was made by a test build with a fast, insecure passphrase key "
                                         "derivation; this program opens only vaults made with the full cost");
#endif
  CAIRN_TRY(auto passphrase, read_passphrase(g.source(), "Vault passphrase: ", Confirm::no));
  return Vault::open(g.vault, passphrase);
}

// Opens the vault or prints why not; null on failure (after printing).
std::unique_ptr<Vault> open_or_report(const Globals& g, int& exit_code) {
  auto vault = open_vault(g);
  if (vault.ok()) return std::move(vault).value();
  const auto& e = vault.error();
  if (e.code == Errc::decrypt_failed) exit_code = cli::fail(e, "the vault was not changed; try again");
  else if (e.code == Errc::not_found) exit_code = cli::fail(e, "create one with cairn-analyst init --name NAME, or point --vault at it");
  else exit_code = fail_passphrase(e);
  return nullptr;
}

void remove_new_vault(const fs::path& dir) {
  std::error_code ec;
  for (std::string name : {std::string(kVaultDatabaseFile), std::string(kVaultDatabaseFile) + "-wal",
                           std::string(kVaultDatabaseFile) + "-shm", std::string(kVaultParamsFile)})
    fs::remove(dir / name, ec);
  fs::remove(dir, ec);  // only if empty
}

// ---- init, analysts, relays ----

int cmd_init(const Globals& g, const std::string& name, bool insecure) {
  auto passphrase = read_passphrase(g.source(), "New vault passphrase: ", Confirm::yes);
  if (!passphrase.ok()) return fail_passphrase(passphrase.error());
  if (passphrase->size() < kRecommendedPassphraseBytes)
    cli::warn("the passphrase is short; a long one (several words) protects the vault if the station is seized");
  if (insecure) cli::warn(kInsecureKdfWarning);
  auto vault = Vault::create(g.vault, *passphrase, insecure);
  if (!vault.ok()) return cli::fail(vault.error());
  auto st = (*vault)->transaction([&]() -> Status {
    CAIRN_CHECK(create_organisation(**vault));
    CAIRN_CHECK(add_analyst(**vault, name, g.today));
    return ok_status();
  });
  if (!st.ok()) {
    vault->reset();
    remove_new_vault(g.vault);
    return cli::fail(st.error());
  }
  auto org = organisation_public_key(**vault);
  if (!org.ok()) return cli::fail(org.error());
  std::cout << crypto::encode_organisation_key(*org) << "\n";
  cli::info("vault created in " + g.vault.string() + " with analyst '" + name + "'");
  cli::info("the line above is the organisation key: give it to the relay operator for "
            "cairn-relay init --organisation-key");
  return 0;
}

int cmd_analyst_add(const Globals& g, const std::string& name) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  Result<AnalystRecord> added = make_error(Errc::internal, "not run");
  auto st = vault->transaction([&]() -> Status {
    added = add_analyst(*vault, name, g.today);
    if (!added.ok()) return added.error();
    return ok_status();
  });
  if (!st.ok()) return cli::fail(st.error());
  std::cout << "added analyst '" << name << "' (identity key " << to_hex(ByteView(added->identity_key).first(8))
            << "…) with a first messaging key\n";
  cli::info("make a new key bundle (cairn-analyst keys bundle) so sources encrypt to this analyst too");
  return 0;
}

int cmd_analyst_list(const Globals& g) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto all = analysts(*vault);
  if (!all.ok()) return cli::fail(all.error());
  for (const auto& a : *all)
    std::cout << sanitize_for_terminal(a.name, Lines::flatten) << "  identity " << to_hex(ByteView(a.identity_key).first(8))
              << "…  valid until " << format_day(a.not_after_day) << "\n";
  return 0;
}

int cmd_relay_add(const Globals& g, const std::string& name, const std::string& keys_text) {
  auto keys = crypto::parse_relay_keys(keys_text);
  if (!keys.ok()) return cli::fail(keys.error(), "copy the cairn-relay1… line that cairn-relay init printed, exactly");
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  Result<RelayRecord> added = make_error(Errc::internal, "not run");
  auto st = vault->transaction([&]() -> Status {
    added = add_relay(*vault, name, *keys, g.today);
    if (!added.ok()) return added.error();
    return ok_status();
  });
  if (!st.ok()) return cli::fail(st.error());
  std::cout << "certified relay '" << name << "' until " << format_day(added->not_after_day) << "\n";
  cli::info("next: cairn-analyst keys bundle --relay " + name + " --out FILE, and carry FILE to the relay");
  return 0;
}

int cmd_relay_list(const Globals& g) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto all = relays(*vault);
  if (!all.ok()) return cli::fail(all.error());
  for (const auto& r : *all)
    std::cout << sanitize_for_terminal(r.name, Lines::flatten) << "  " << crypto::encode_relay_keys(r.keys)
              << "  certified until " << format_day(r.not_after_day) << "\n";
  return 0;
}

// ---- keys ----

int cmd_keys_list(const Globals& g) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto keys = messaging_keys(*vault);
  if (!keys.ok()) return cli::fail(keys.error());
  std::cout << "ID  ANALYST  MADE        VALID UNTIL  STATE       PUBLIC KEY\n";
  for (const auto& k : *keys) {
    std::string state = k.destroyed_day ? "destroyed " + format_day(*k.destroyed_day)
                        : k.valid_on(g.today) ? "valid"
                        : k.not_after_day < g.today ? "expired"
                                                    : "not yet valid";
    std::cout << k.id << "  " << sanitize_for_terminal(k.analyst, Lines::flatten) << "  " << format_day(k.created_day)
              << "  " << format_day(k.not_after_day) << "   " << state << "  "
              << crypto::age::format_recipient(k.public_key) << "\n";
  }
  return 0;
}

int cmd_keys_rotate(const Globals& g, DayNumber grace) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto report = rotate_keys(*vault, g.today, grace);
  if (!report.ok()) return cli::fail(report.error());
  for (const auto& k : report->created)
    std::cout << "new messaging key " << k.id << " for analyst '" << k.analyst << "', valid "
              << format_day(k.created_day) << " to " << format_day(k.not_after_day) << "\n";
  for (const auto& k : report->destroyed)
    std::cout << "destroyed the secret of messaging key " << k.id << " of analyst '" << k.analyst
              << "' (expired " << format_day(k.not_after_day) << ")\n";
  if (report->created.empty() && report->destroyed.empty()) std::cout << "no key is due for rotation or destruction\n";
  if (!report->created.empty())
    cli::info("make and publish a new key bundle so sources encrypt to the new keys");
  return 0;
}

int cmd_keys_bundle(const Globals& g, const BundleOptions& options, const fs::path& out) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto due = rotation_due(*vault, g.today);
  if (due.ok() && !due->empty())
    cli::warn("a messaging key rotation is due (cairn-analyst keys rotate); this bundle carries the old keys");
  auto bundle = make_key_bundle(*vault, options, g.today);
  if (!bundle.ok()) return cli::fail(bundle.error());
  if (auto st = write_new_file(out, bundle->file, 0644); !st.ok())
    return cli::fail(st.error(), st.code() == Errc::already_exists ? "choose a new file name" : "");
  std::cout << "key bundle for relay '" << bundle->relay << "' written to " << out.string() << ": "
            << bundle->verified.analysts.size() << " analyst(s), " << bundle->verified.messaging_keys.size()
            << " messaging key(s) in use, drop size " << bundle->verified.drop_size << " bytes, valid until "
            << describe_day(bundle->verified.expires_day);
  if (!bundle->verified.bridge_lines.empty())
    std::cout << ", " << bundle->verified.bridge_lines.size() << " bridge line(s)";
  std::cout << std::endl;
  cli::info("carry it to the relay and run: cairn-relay publish " + out.filename().string());
  return 0;
}

int cmd_keys_address(const Globals& g, const std::string& relay, const std::string& host, std::uint16_t port,
                     const fs::path& qr) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto address = make_drop_address(*vault, relay, host, port);
  if (!address.ok()) return cli::fail(address.error());
  std::cout << *address << "\n";
  if (!qr.empty()) {
    auto png = qr_code_png(*address);
    if (!png.ok()) return cli::fail(png.error());
    if (auto st = write_new_file(qr, *png, 0644); !st.ok()) return cli::fail(st.error());
    cli::info("QR code written to " + qr.string());
  }
  return 0;
}

int cmd_keys_export_age(const Globals& g, std::optional<std::int64_t> key_id, const std::string& out) {
  bool to_stdout = out.empty() || out == "-";
  if (to_stdout && ::isatty(STDOUT_FILENO) != 0)
    return cli::fail("refusing to print a secret key to the terminal, where it may be recorded or seen",
                     "write it to a file on the station with --out FILE (created with mode 0600)");
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto text = age_identity_file(*vault, key_id);
  if (!text.ok()) return cli::fail(text.error());
  if (to_stdout) {
    if (std::fwrite(text->data(), 1, text->size(), stdout) != text->size() || std::fflush(stdout) != 0)
      return cli::fail("cannot write the identity to standard output");
  } else if (auto st = write_new_file(out, text->view(), 0600); !st.ok()) {
    return cli::fail(st.error());
  }
  cli::warn("this is a secret key: whoever has it can read every drop sealed to it. Keep it on this station, "
            "use it with `age -d -i FILE`, and delete it when done");
  return 0;
}

// ---- import and reading ----

int cmd_import(const Globals& g, const fs::path& bundle, const fs::path& receipt, ImportOptions options) {
  std::error_code ec;
  if (!receipt.empty() && fs::exists(fs::symlink_status(receipt, ec)))
    return cli::fail("refusing to overwrite " + receipt.string(), "choose a new file name for the receipt");
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  options.today = g.today;
  auto report = import_bundle(*vault, bundle, options);
  if (!report.ok()) return cli::fail(report.error(), "the vault was not changed");
  const auto& r = *report;
  std::cout << "imported export " << to_hex(ByteView(r.export_id).first(8)) << " from relay '"
            << sanitize_for_terminal(r.relay, Lines::flatten) << "': " << r.drops << " drop(s)\n";
  auto line = [](std::size_t n, const std::string& what) {
    if (n > 0) std::cout << "  " << n << " " << what << "\n";
  };
  line(r.texts, "new text testimony(ies)");
  line(r.completed, "submission(s) completed from chunks");
  line(r.chunks, "chunk(s) of larger submissions stored");
  line(r.cover, "cover drop(s) discarded");
  line(r.duplicates, "duplicate(s) of content already in the vault");
  line(r.already_imported, "drop(s) already imported earlier");
  line(r.quarantined, "drop(s) whose content is not usable, kept in the vault's quarantine");
  line(r.damaged_submissions, "submission(s) whose chunks do not fit together (marked damaged)");
  for (const auto& refused : r.refused)
    std::cout << "  testimony " << refused.testimony_id << " refused: "
              << sanitize_for_terminal(refused.problem, Lines::flatten) << " (its parts are kept in the vault)\n";
  for (const auto& inc : r.incomplete)
    std::cout << "  testimony " << inc.testimony_id << " is incomplete: " << inc.have << " of " << inc.total
              << " parts so far; later imports can complete it\n";
  if (r.unreadable > 0)
    std::cout << "  " << r.unreadable
              << " drop(s) damaged or not drops at all: no key can ever open them, the receipt lets the relay delete them\n";
  if (r.no_key > 0) {
    std::cout << "  " << r.no_key
              << " drop(s) sealed to no key this vault holds (a destroyed key, or not this organisation's)";
    if (r.no_key_purged == r.no_key)
      std::cout << ": the receipt lets the relay delete them\n";
    else
      std::cout << ": " << r.no_key_purged << " of them the receipt lets the relay delete; the rest stay on the relay until "
                << options.unopened_grace_days << " days after this vault first saw them "
                << "(--purge-undecryptable deletes them now)\n";
  }
  if (!receipt.empty()) {
    if (auto st = write_new_file(receipt, r.receipt_file, 0644); !st.ok()) return cli::fail(st.error());
    std::cout << "receipt written to " << receipt.string() << ": the relay may purge " << r.receipt_drops.size()
              << " drop(s)" << std::endl;
    cli::info("carry it to the relay and run: cairn-relay purge --receipt " + receipt.filename().string());
  }
  if (r.stopped)
    return cli::fail(*r.stopped, "the drops counted above are stored; importing the bundle again continues from there");
  return 0;
}

std::string kind_of(const TestimonySummary& s) {
  switch (s.state) {
    case TestimonyState::incomplete:
      return "incomplete";
    case TestimonyState::damaged:
      return "damaged";
    case TestimonyState::refused:
      return "refused";
    case TestimonyState::complete:
      break;
  }
  return s.attachments == 0 ? "text" : "files(" + std::to_string(s.attachments) + ")";
}

int cmd_list(const Globals& g) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto all = list_testimonies(*vault);
  if (!all.ok()) return cli::fail(all.error());
  if (all->empty()) {
    std::cout << "the vault holds no testimony yet\n";
    return 0;
  }
  std::printf("%-5s %-10s %-11s %-10s %s\n", "ID", "WRITTEN", "KIND", "SIZE", "FIRST LINE");
  for (const auto& s : *all) {
    std::string day = s.written_day != 0 ? format_day(s.written_day) : "-";
    std::string size = s.state == TestimonyState::incomplete
                           ? std::to_string(s.chunks_have) + "/" + std::to_string(s.chunks_total) + " parts"
                           : human_size(s.size);
    std::string first = s.state == TestimonyState::complete ? preview(s.text_start)
                        : s.problem.empty()                 ? ""
                                                            : preview(s.problem, 100);
    std::printf("%-5lld %-10s %-11s %-10s %s\n", static_cast<long long>(s.id), day.c_str(), kind_of(s).c_str(),
                size.c_str(), first.c_str());
  }
  auto quarantined = quarantine_count(*vault);
  if (quarantined.ok() && *quarantined > 0)
    cli::info(std::to_string(*quarantined) + " drop(s) with unusable content are kept in the vault's quarantine");
  return 0;
}

int cmd_show(const Globals& g, std::int64_t id, bool raw) {
  if (raw && ::isatty(STDOUT_FILENO) != 0)
    return cli::fail("refusing to write raw testimony to the terminal: escape sequences in it could take control of it",
                     "drop --raw to see it safely, or redirect the output to a file");
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto t = load_testimony(*vault, id);
  if (!t.ok()) return cli::fail(t.error());
  const auto& s = t->summary;
  // About the testimony on stderr; the testimony alone on stdout.
  std::string about = "testimony " + std::to_string(s.id) + " (" + kind_of(s) + "), written " +
                      (s.written_day != 0 ? format_day(s.written_day) : "on an unknown day") + ", imported " +
                      format_day(s.imported_day) + (t->has_reply_key ? ", the source can be answered" : "");
  std::fprintf(stderr, "%s\n", about.c_str());
  if (auto sent = replies_sent(*vault, id); sent.ok())
    for (const auto& r : *sent)
      std::fprintf(stderr, "reply sent %s: %s\n", format_day(r.day).c_str(),
                   sanitize_for_terminal(r.text.substr(0, 60), Lines::flatten).c_str());
  for (const auto& a : t->attachments)
    std::fprintf(stderr, "attachment %zu: %s (%s, %s), %s\n", a.position + 1,
                 sanitize_for_terminal(a.name, Lines::flatten).c_str(), human_size(a.size).c_str(),
                 sanitize_for_terminal(a.media_type, Lines::flatten).c_str(), std::string(describe(a.metadata)).c_str());
  if (s.state == TestimonyState::damaged) {
    std::fprintf(stderr, "its %u parts arrived but do not fit together (altered or damaged); they are kept in the "
                         "vault as they came\n", s.chunks_total);
    return 0;
  }
  if (s.state == TestimonyState::refused) {
    std::fprintf(stderr, "refused: %s; its %u parts are kept in the vault as they came\n",
                 sanitize_for_terminal(s.problem, Lines::flatten).c_str(), s.chunks_total);
    return 0;
  }
  if (s.state == TestimonyState::incomplete) {
    std::fprintf(stderr, "only %u of %u parts have arrived; the text and files appear when the rest is imported\n",
                 s.chunks_have, s.chunks_total);
    return 0;
  }
  std::string text = raw ? t->text : sanitize_for_terminal(t->text);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!raw && !text.empty() && text.back() != '\n') std::fputc('\n', stdout);
  crypto::wipe(text.data(), text.size());
  return std::fflush(stdout) == 0 ? 0 : cli::fail("cannot write to standard output");
}

// ---- replies (two-way contact) ----

int cmd_reply(const Globals& g, std::int64_t id, const std::string& text_path, const fs::path& out, DayNumber keep) {
  // Read at most one byte past what a reply holds: enough for write_reply to
  // refuse an over-long text with its size message, never an unbounded read.
  const std::size_t cap = crypto::reply_text_capacity() + 1;
  std::string text;
  if (text_path.empty() || text_path == "-") {
    if (::isatty(STDIN_FILENO) != 0) cli::info("type the reply, then press Ctrl-D on a new line");
    text.resize(cap);
    std::cin.read(text.data(), static_cast<std::streamsize>(cap));
    text.resize(static_cast<std::size_t>(std::cin.gcount()));
  } else {
    auto bytes = read_file_capped(text_path, cap, "the reply");
    if (!bytes.ok()) return cli::fail(bytes.error(), "a reply holds at most " +
                                                        std::to_string(crypto::reply_text_capacity()) +
                                                        " bytes of UTF-8; split it into several replies");
    text.assign(as_chars(*bytes));
    crypto::wipe(*bytes);
  }
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto written = write_reply(*vault, id, text, g.today, keep);
  crypto::wipe(text.data(), text.size());
  if (!written.ok()) return cli::fail(written.error());
  if (auto st = write_new_file(out, written->batch_file, 0644); !st.ok()) return cli::fail(st.error());
  std::cout << "reply to testimony " << id << " written to " << out.string() << " (on the reply board until "
            << format_day(written->expires_day) << ")\n";
  cli::info("carry it to the relay and run: cairn-relay publish " + out.filename().string());
  return 0;
}

int cmd_extract(const Globals& g, std::int64_t id, const fs::path& out) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto files = extract_attachments(*vault, id, out);
  if (!files.ok()) return cli::fail(files.error());
  std::string with_metadata;
  for (const auto& f : *files) {
    std::cout << (out / f.name).string() << " (" << human_size(f.size) << ")\n";
    if (f.metadata == FileMetadata::kept || f.metadata == FileMetadata::unspecified)
      with_metadata += (with_metadata.empty() ? "" : ", ") + sanitize_for_terminal(f.name, Lines::flatten);
  }
  if (!with_metadata.empty())
    cli::warn("file metadata (photo EXIF and GPS, document authors, device names) may identify the source; "
              "strip it before these files leave the station (not removed by the source's client: " +
              with_metadata + ")");
  else
    cli::info("the source's client removed the files' hidden details; what they show (faces, places, papers) "
              "can still identify the source");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  harden_process();  // its memory holds testimony and vault keys
  CLI::App app{"cairn-analyst: the air-gapped analyst station (never uses the network)"};
  app.require_subcommand(1);
  Globals g;
  std::int64_t today_override = -1;
  app.add_option("--vault", g.vault, "the vault directory")->capture_default_str();
  app.add_option("--passphrase-fd", g.passphrase_fd,
                 "read the passphrase as one line from this open file descriptor (scripts); "
                 "otherwise it is asked on the terminal")
      ->check(CLI::NonNegativeNumber);
#ifdef CAIRN_TESTING_SWITCHES
  // Test build only (cairn-analyst-testing, never packaged): simulated days.
  app.add_option("--today", today_override,
                 "TESTING ONLY: act as if today were this day number (days since 1970-01-01 UTC), "
                 "to simulate key rotation over weeks")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{kLastFormattableDay}));
#endif

  std::string name, keys_text, relay_name, host, out_text;
  fs::path out, receipt, bundle_path, qr;
  bool insecure = false, raw = false;
  std::uint16_t port = 0;
  std::int64_t id = 0, key_id = -1;
  DayNumber grace = kDefaultDestroyGraceDays;
  BundleOptions bundle_options;
  fs::path bridges_file;
  ImportOptions import_options;

  auto* init = app.add_subcommand("init", "create the vault, the organisation key and the first analyst");
  init->add_option("--name", name, "the first analyst's name")->required();
#ifdef CAIRN_TESTING_SWITCHES
  init->add_flag("--insecure-fast-kdf", insecure,
                 "TESTS ONLY: derive the vault key with Argon2id's minimum cost (recorded in the vault, "
                 "warned about on every use)");
#endif

  auto* analyst = app.add_subcommand("analyst", "analysts of this organisation");
  analyst->require_subcommand(1);
  auto* analyst_add = analyst->add_subcommand("add", "add an analyst (identity and messaging keys)");
  analyst_add->add_option("NAME", name)->required();
  auto* analyst_list = analyst->add_subcommand("list", "list the analysts");

  auto* relay = app.add_subcommand("relay", "relays this organisation certifies");
  relay->require_subcommand(1);
  auto* relay_add = relay->add_subcommand("add", "certify a relay's keys (the cairn-relay1… line from cairn-relay init)");
  relay_add->add_option("NAME", name)->required();
  relay_add->add_option("RELAYKEYS", keys_text)->required();
  auto* relay_list = relay->add_subcommand("list", "list certified relays");

  auto* keys = app.add_subcommand("keys", "messaging keys, key bundles, drop addresses");
  keys->require_subcommand(1);
  auto* keys_list = keys->add_subcommand("list", "list messaging keys and their state");
  auto* keys_rotate = keys->add_subcommand("rotate", "make new messaging keys when due; destroy expired secrets");
  keys_rotate->add_option("--destroy-after-days", grace, "destroy a secret this many days after its key expired")
      ->capture_default_str();
  auto* keys_bundle = keys->add_subcommand("bundle", "write the signed key bundle for a relay");
  keys_bundle->add_option("--out", out, "the file to create")->required();
  keys_bundle->add_option("--relay", bundle_options.relay, "the relay (needed if there are several)");
  keys_bundle->add_option("--drop-size", bundle_options.drop_size, "bytes per drop")->capture_default_str();
  keys_bundle->add_option("--pow-bits", bundle_options.pow_bits, "proof-of-work difficulty")->capture_default_str();
  keys_bundle->add_option("--bridges", bridges_file, "Tor bridge lines for sources, one a line (signed with the bundle)");
  auto* keys_address = keys->add_subcommand("address", "print a relay's drop address (and a QR code)");
  keys_address->add_option("--relay", relay_name, "the relay")->required();
  keys_address->add_option("--host", host, "the relay's host name, IPv4 address or .onion name")->required();
  keys_address->add_option("--port", port, "the relay's port")->required()->check(CLI::Range(1, 65535));
  keys_address->add_option("--qr", qr, "also write the address as a QR code PNG to this new file");
  auto* keys_age = keys->add_subcommand("export-age-identity",
                                        "EMERGENCY: write messaging secrets as an age identity file for `age -d -i`");
  keys_age->add_option("--key", key_id, "only this messaging key (an ID from keys list); default: every key held");
  keys_age->add_option("--out", out_text, "the file to create (mode 0600); '-' for standard output, never a terminal");

  auto* import = app.add_subcommand("import", "import an export bundle from the relay");
  import->add_option("BUNDLE", bundle_path)->required();
  import->add_option("--receipt", receipt, "write the signed import receipt (for cairn-relay purge) to this new file");
  import->add_option("--analyst", import_options.analyst, "the analyst who signs the receipt (default: the first)");
  import->add_flag("--purge-undecryptable", import_options.purge_undecryptable,
                   "let the relay delete drops no key of this vault opens now, not after the grace period");

  auto* list = app.add_subcommand("list", "list testimony in the vault");
  auto* show = app.add_subcommand("show", "show a testimony's text");
  show->add_option("ID", id)->required();
  show->add_flag("--raw", raw, "write the text exactly, control characters included (never to a terminal)");
  auto* extract = app.add_subcommand("extract", "write a testimony's attachments to files");
  extract->add_option("ID", id)->required();
  extract->add_option("--out", out, "the directory to write into (created if missing)")->required();

  // Replies (two-way contact).
  std::string reply_text;
  DayNumber reply_days = 14;
  auto* reply = app.add_subcommand("reply", "answer a source: writes a signed reply batch for cairn-relay publish");
  reply->add_option("ID", id)->required();
  reply->add_option("--text", reply_text, "a UTF-8 file with the reply (default: type it in)");
  reply->add_option("--out", out, "the reply batch file to create")->required();
  reply->add_option("--days", reply_days, "days the reply stays on the board")->capture_default_str()->check(CLI::Range(1, 60));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : cli::kExitUsage;
  }
  g.today = today_override >= 0 ? static_cast<DayNumber>(today_override) : today_utc();

  if (*init) return cmd_init(g, name, insecure);
  if (*analyst_add) return cmd_analyst_add(g, name);
  if (*analyst_list) return cmd_analyst_list(g);
  if (*relay_add) return cmd_relay_add(g, name, keys_text);
  if (*relay_list) return cmd_relay_list(g);
  if (*keys_list) return cmd_keys_list(g);
  if (*keys_rotate) return cmd_keys_rotate(g, grace);
  if (*keys_bundle) {
    if (!bridges_file.empty()) {
      auto lines = read_bridge_lines(bridges_file);
      if (!lines.ok()) return cli::fail(lines.error(), "one bridge line a line, as bridges.torproject.org gives them");
      bundle_options.bridge_lines = std::move(lines).value();
    }
    return cmd_keys_bundle(g, bundle_options, out);
  }
  if (*keys_address) return cmd_keys_address(g, relay_name, host, port, qr);
  if (*keys_age)
    return cmd_keys_export_age(g, key_id >= 0 ? std::optional<std::int64_t>(key_id) : std::nullopt, out_text);
  if (*import) return cmd_import(g, bundle_path, receipt, import_options);
  if (*list) return cmd_list(g);
  if (*show) return cmd_show(g, id, raw);
  if (*extract) return cmd_extract(g, id, out);
  if (*reply) return cmd_reply(g, id, reply_text, out, reply_days);
  return cli::kExitUsage;
}
