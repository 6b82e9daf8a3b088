#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "analyst/files.h"
#include "common/cli.h"

namespace cairn::analyst {

namespace fs = std::filesystem;

int import_command(const CommandContext& g, const fs::path& bundle, const fs::path& receipt, ImportOptions options) {
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

}  // namespace cairn::analyst
