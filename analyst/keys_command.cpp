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
#include "crypto/age_x25519.h"
#include "crypto/key_text.h"

namespace cairn::analyst {

namespace fs = std::filesystem;

int keys_list_command(const CommandContext& g) {
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

int keys_rotate_command(const CommandContext& g, DayNumber grace) {
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

int keys_bundle_command(const CommandContext& g, BundleOptions options, const fs::path& bridges_file, const fs::path& out) {
  if (!bridges_file.empty()) {
    auto lines = read_bridge_lines(bridges_file);
    if (!lines.ok()) return cli::fail(lines.error(), "one bridge line a line, as bridges.torproject.org gives them");
    options.bridge_lines = std::move(lines).value();
  }
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

int keys_address_command(const CommandContext& g, const std::vector<std::string>& relays, const std::string& host,
                         std::uint16_t port, const fs::path& qr) {
  if (host.empty() != (port == 0)) return cli::fail("give --host and --port together, or neither");
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto address = make_drop_address(*vault, relays, host.empty() ? std::nullopt : std::optional<Endpoint>({host, port}));
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

int keys_export_age_command(const CommandContext& g, std::optional<std::int64_t> key_id, const std::string& out) {
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

}  // namespace cairn::analyst
