// The cairn-analyst commands: analyst/main.cpp parses the command line and
// calls one of these. Each lives in a file named after it (init_command.cpp,
// keys_command.cpp, ...), prints its result on standard output (testimony
// alone on standard output, what is said about it on standard error) and its
// failure as "cairn: error: ..." (common/cli.h), and returns the process exit
// code. What a person reads is in their language (i18n/catalog.h); data
// (testimony, names, keys, file names) is shown as it is. Every command that
// needs the vault runs inside with_vault.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyst/import.h"
#include "analyst/key_bundle.h"
#include "analyst/passphrase.h"
#include "analyst/testimony.h"
#include "analyst/vault.h"
#include "common/day.h"
#include "common/result.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

// What every command is given (the global options): the vault, where the
// passphrase comes from, and the day.
struct CommandContext {
  std::filesystem::path vault = "cairn-vault";
  int passphrase_fd = -1;  // -1: ask on the terminal
  DayNumber today = 0;
  // cairn-analyst-testing only (never packaged): opens vaults made with
  // init --insecure-fast-kdf, with a warning; the shipped program refuses them.
  bool testing_build = false;
  [[nodiscard]] PassphraseSource source() const {
    PassphraseSource s;
    if (passphrase_fd >= 0) s.fd = passphrase_fd;
    return s;
  }
};

// Said (translated) whenever a test vault is opened or made.
inline constexpr const char* kInsecureKdfWarning = i18n::N_(
    "this vault uses a fast, insecure passphrase key derivation (made with --insecure-fast-kdf, for tests only)");

// A passphrase that could not be read, with the hint that fits.
[[nodiscard]] int fail_passphrase(const Error& e);
// Opens the vault or prints why not; null on failure (after printing, with
// exit_code set).
[[nodiscard]] std::unique_ptr<Vault> open_or_report(const CommandContext& g, int& exit_code);

// Opens the vault and returns body(vault), or the exit status after saying
// why the vault did not open.
template <class Body>
[[nodiscard]] int with_vault(const CommandContext& g, Body&& body) {
  int exit_code = 0;
  auto vault = open_or_report(g, exit_code);
  if (!vault) return exit_code;
  return body(*vault);
}

// init: the vault, the organisation key and the first analyst.
// hybrid: the organisation's messaging keys are post-quantum (MLKEM768-X25519).
[[nodiscard]] int init_command(const CommandContext& g, const std::string& name, bool insecure, bool hybrid = false);

// analyst add / list.
[[nodiscard]] int analyst_add_command(const CommandContext& g, const std::string& name);
[[nodiscard]] int analyst_list_command(const CommandContext& g);

// relay add / list: relays this organisation certifies.
[[nodiscard]] int relay_add_command(const CommandContext& g, const std::string& name, const std::string& keys_text);
[[nodiscard]] int relay_list_command(const CommandContext& g);
// relay address NAME HOST:PORT…: where a certified relay listens (relay_address_command.cpp).
[[nodiscard]] int relay_address_command(const CommandContext& g, const std::string& name,
                                        const std::vector<std::string>& endpoints);

// keys list / rotate / bundle / address / export-age-identity.
[[nodiscard]] int keys_list_command(const CommandContext& g);
// hybrid: switch the organisation to post-quantum messaging keys first.
[[nodiscard]] int keys_rotate_command(const CommandContext& g, DayNumber grace, bool hybrid = false);
// bridges_file: Tor bridge lines to sign into the bundle (empty: none).
[[nodiscard]] int keys_bundle_command(const CommandContext& g, BundleOptions options, const std::filesystem::path& bridges_file,
                                      const std::filesystem::path& out);
// relays: one or more certified relays; host and port (both or neither): the
// one relay's place, else each relay's recorded places (relay address).
[[nodiscard]] int keys_address_command(const CommandContext& g, const std::vector<std::string>& relays,
                                       const std::string& host, std::uint16_t port, const std::filesystem::path& qr);
[[nodiscard]] int keys_export_age_command(const CommandContext& g, std::optional<std::int64_t> key_id, const std::string& out);

// import: an export bundle, and the signed receipt for the relay.
[[nodiscard]] int import_command(const CommandContext& g, const std::filesystem::path& bundle,
                                 const std::filesystem::path& receipt, ImportOptions options);

// list / show / extract: reading testimony.
[[nodiscard]] std::string testimony_kind(const TestimonySummary& s);  // "text", "files(2)", "incomplete", ...
[[nodiscard]] int list_command(const CommandContext& g);
[[nodiscard]] int show_command(const CommandContext& g, std::int64_t id, bool raw);
[[nodiscard]] int extract_command(const CommandContext& g, std::int64_t id, const std::filesystem::path& out);

// reply: answers a source with a signed reply batch for cairn-relay publish.
[[nodiscard]] int reply_command(const CommandContext& g, std::int64_t id, const std::string& text_path,
                                const std::filesystem::path& out, DayNumber keep);

}  // namespace cairn::analyst
