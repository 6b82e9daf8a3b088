#include "analyst/commands.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "analyst/age_identity.h"
#include "analyst/display.h"
#include "analyst/files.h"
#include "analyst/keys.h"
#include "analyst/qr_png.h"
#include "analyst/rotation.h"
#include "common/cli.h"
#include "crypto/age_hybrid.h"
#include "crypto/age_x25519.h"
#include "crypto/key_text.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

namespace fs = std::filesystem;
using i18n::tr;
using i18n::trf;

namespace {

// An X25519 key whole (age1…); a hybrid one's 1959-character age1pq1…
// recipient by its start, marked post-quantum (keys export-age-identity
// writes it whole).
std::string listed_public_key(const MessagingKeyRecord& k) {
  if (!k.hybrid_key) return crypto::age::format_recipient(k.public_key);
  constexpr std::size_t kShown = 24;
  return crypto::age::format_hybrid_recipient(*k.hybrid_key).substr(0, kShown) + "…  " + tr("(post-quantum)");
}

}  // namespace

int keys_list_command(const CommandContext& g) {
  return with_vault(g, [&](Vault& vault) {
    auto keys = messaging_keys(vault);
    if (!keys.ok()) return cli::fail(keys.error());
    // TRANSLATORS: the column headings of keys list; the columns are separated by two spaces.
    std::cout << tr("ID  ANALYST  MADE        VALID UNTIL  STATE       PUBLIC KEY") << "\n";
    for (const auto& k : *keys) {
      std::string state = k.destroyed_day ? trf("destroyed %s", format_day(*k.destroyed_day))
                          : k.valid_on(g.today) ? tr("valid")
                          : k.not_after_day < g.today ? tr("expired")
                                                      : tr("not yet valid");
      std::cout << k.id << "  " << sanitize_for_terminal(k.analyst, Lines::flatten) << "  " << format_day(k.created_day)
                << "  " << format_day(k.not_after_day) << "   " << state << "  " << listed_public_key(k) << "\n";
    }
    return 0;
  });
}

int keys_rotate_command(const CommandContext& g, DayNumber grace, bool hybrid) {
  return with_vault(g, [&](Vault& vault) {
    auto report = rotate_keys(vault, g.today, grace, hybrid);
    if (!report.ok()) return cli::fail(report.error());
    for (const auto& k : report->created)
      std::cout << trf("new messaging key %s for analyst '%s', valid %s to %s", k.id, k.analyst,
                       format_day(k.created_day), format_day(k.not_after_day))
                << "\n";
    for (const auto& k : report->destroyed)
      std::cout << trf("destroyed the secret of messaging key %s of analyst '%s' (expired %s)", k.id, k.analyst,
                       format_day(k.not_after_day))
                << "\n";
    if (report->created.empty() && report->destroyed.empty())
      std::cout << tr("no key is due for rotation or destruction") << "\n";
    if (!report->created.empty()) cli::info(tr("make and publish a new key bundle so sources encrypt to the new keys"));
    return 0;
  });
}

int keys_bundle_command(const CommandContext& g, BundleOptions options, const fs::path& bridges_file, const fs::path& out) {
  if (!bridges_file.empty()) {
    auto lines = read_bridge_lines(bridges_file);
    if (!lines.ok()) return cli::fail(lines.error(), tr("one bridge line a line, as bridges.torproject.org gives them"));
    options.bridge_lines = std::move(lines).value();
  }
  return with_vault(g, [&](Vault& vault) {
    auto due = rotation_due(vault, g.today);
    if (due.ok() && !due->empty())
      cli::warn(tr("a messaging key rotation is due (cairn-analyst keys rotate); this bundle carries the old keys"));
    auto bundle = make_key_bundle(vault, options, g.today);
    if (!bundle.ok()) return cli::fail(bundle.error());
    if (auto st = write_new_file(out, bundle->file, 0644); !st.ok())
      return cli::fail(st.error(), st.code() == Errc::already_exists ? tr("choose a new file name") : "");
    const auto& v = bundle->verified;
    std::cout << trf("key bundle for relay '%s' written to %s: %s analyst(s), %s messaging key(s) in use, drop size %s "
                     "bytes, valid until %s",
                     bundle->relay, out.string(), v.analysts.size(), v.messaging_key_count(), v.drop_size,
                     describe_day(v.expires_day));
    if (!v.bridge_lines.empty()) std::cout << trf(", %s bridge line(s)", v.bridge_lines.size());
    std::cout << std::endl;
    cli::info(trf("carry it to the relay and run: %s", "cairn-relay publish " + out.filename().string()));
    return 0;
  });
}

int keys_address_command(const CommandContext& g, const std::vector<std::string>& relays, const std::string& host,
                         std::uint16_t port, const fs::path& qr) {
  if (host.empty() != (port == 0)) return cli::fail(tr("give --host and --port together, or neither"));
  return with_vault(g, [&](Vault& vault) {
    auto address = make_drop_address(vault, relays, host.empty() ? std::nullopt : std::optional<Endpoint>({host, port}));
    if (!address.ok()) return cli::fail(address.error());
    std::cout << *address << "\n";
    if (!qr.empty()) {
      auto png = qr_code_png(*address);
      if (!png.ok()) return cli::fail(png.error());
      if (auto st = write_new_file(qr, *png, 0644); !st.ok()) return cli::fail(st.error());
      cli::info(trf("QR code written to %s", qr.string()));
    }
    return 0;
  });
}

int keys_export_age_command(const CommandContext& g, std::optional<std::int64_t> key_id, const std::string& out) {
  bool to_stdout = out.empty() || out == "-";
  if (to_stdout && ::isatty(STDOUT_FILENO) != 0)
    return cli::fail(tr("refusing to print a secret key to the terminal, where it may be recorded or seen"),
                     tr("write it to a file on the station with --out FILE (created with mode 0600)"));
  return with_vault(g, [&](Vault& vault) {
    auto text = age_identity_file(vault, key_id);
    if (!text.ok()) return cli::fail(text.error());
    const crypto::Secret& bytes = text->text;
    if (to_stdout) {
      if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0)
        return cli::fail(tr("cannot write the identity to standard output"));
    } else if (auto st = write_new_file(out, bytes.view(), 0600); !st.ok()) {
      return cli::fail(st.error());
    }
    cli::warn(tr("this is a secret key: whoever has it can read every drop sealed to it. Keep it on this station, "
                 "use it with `age -d -i FILE`, and delete it when done"));
    if (text->hybrid)
      cli::warn(tr("it holds post-quantum identities (AGE-SECRET-KEY-PQ-1...): only age 1.3 or later reads them; "
                   "Debian 12's age 1.1.1 cannot open these drops"));
    return 0;
  });
}

}  // namespace cairn::analyst
