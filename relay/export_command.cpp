#include "relay/commands.h"

#include <iostream>

#include "common/cli.h"
#include "common/day.h"
#include "relay/export.h"

namespace cairn::relay {

// The USB round trip with the analyst station, first half: drops out.
int export_command(const RelayDir& paths, const std::filesystem::path& out, std::size_t max_drops,
                   std::uint64_t part_bytes) {
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  auto report = export_drops(**store, out, today_utc(), max_drops, part_bytes);
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

}  // namespace cairn::relay
