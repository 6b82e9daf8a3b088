#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "analyst/files.h"
#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

namespace fs = std::filesystem;
using i18n::N_;
using i18n::tr;
using i18n::trf;

int import_command(const CommandContext& g, const fs::path& bundle, const fs::path& receipt, ImportOptions options) {
  std::error_code ec;
  if (!receipt.empty() && fs::exists(fs::symlink_status(receipt, ec)))
    return cli::fail(trf("refusing to overwrite %s", receipt.string()), tr("choose a new file name for the receipt"));
  return with_vault(g, [&](Vault& vault) {
    options.today = g.today;
    auto report = import_bundle(vault, bundle, options);
    if (!report.ok()) return cli::fail(report.error(), tr("the vault was not changed"));
    const auto& r = *report;
    std::cout << trf("imported export %s from relay '%s': %s drop(s)", to_hex(ByteView(r.export_id).first(8)),
                     sanitize_for_terminal(r.relay, Lines::flatten), r.drops)
              << "\n";
    // TRANSLATORS: each line of an import's summary starts with a count: "  3 new text testimony(ies)".
    auto line = [](std::size_t n, const char* what) {
      if (n > 0) std::cout << "  " << n << " " << tr(what) << "\n";
    };
    line(r.texts, N_("new text testimony(ies)"));
    line(r.completed, N_("submission(s) completed from chunks"));
    line(r.chunks, N_("chunk(s) of larger submissions stored"));
    line(r.cover, N_("cover drop(s) discarded"));
    line(r.duplicates, N_("duplicate(s) of content already in the vault"));
    line(r.already_imported, N_("drop(s) already imported earlier"));
    line(r.quarantined, N_("drop(s) whose content is not usable, kept in the vault's quarantine"));
    line(r.damaged_submissions, N_("submission(s) whose chunks do not fit together (marked damaged)"));
    for (const auto& refused : r.refused)
      std::cout << "  "
                << trf("testimony %s refused: %s (its parts are kept in the vault)", refused.testimony_id,
                       sanitize_for_terminal(refused.problem, Lines::flatten))
                << "\n";
    for (const auto& inc : r.incomplete)
      std::cout << "  "
                << trf("testimony %s is incomplete: %s of %s parts so far; later imports can complete it",
                       inc.testimony_id, inc.have, inc.total)
                << "\n";
    if (r.unreadable > 0)
      std::cout << "  "
                << trf("%s drop(s) damaged or not drops at all: no key can ever open them, the receipt lets the relay "
                       "delete them",
                       r.unreadable)
                << "\n";
    if (r.no_key > 0) {
      std::cout << "  ";
      if (r.no_key_purged == r.no_key)
        std::cout << trf("%s drop(s) sealed to no key this vault holds (a destroyed key, or not this organisation's): "
                         "the receipt lets the relay delete them",
                         r.no_key);
      else
        std::cout << trf("%s drop(s) sealed to no key this vault holds (a destroyed key, or not this organisation's): "
                         "%s of them the receipt lets the relay delete; the rest stay on the relay until %s days after "
                         "this vault first saw them (--purge-undecryptable deletes them now)",
                         r.no_key, r.no_key_purged, options.unopened_grace_days);
      std::cout << "\n";
    }
    if (!receipt.empty()) {
      if (auto st = write_new_file(receipt, r.receipt_file, 0644); !st.ok()) return cli::fail(st.error());
      std::cout << trf("receipt written to %s: the relay may purge %s drop(s)", receipt.string(), r.receipt_drops.size())
                << std::endl;
      cli::info(trf("carry it to the relay and run: %s", "cairn-relay purge --receipt " + receipt.filename().string()));
    }
    if (r.stopped)
      return cli::fail(*r.stopped, tr("the drops counted above are stored; importing the bundle again continues from there"));
    return 0;
  });
}

}  // namespace cairn::analyst
