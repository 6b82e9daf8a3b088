#include "relay/commands.h"

#include <iostream>

#include "common/cli.h"
#include "common/day.h"
#include "relay/purge.h"

namespace cairn::relay {

// The USB round trip with the analyst station, second half: the receipt in,
// the drops it names deleted.
int purge_command(const RelayDir& paths, const std::filesystem::path& receipt_path) {
  auto bytes = read_carried_file(receipt_path);
  if (!bytes.ok()) return cli::fail(bytes.error());
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  auto report = purge_with_receipt(**store, *bytes, today_utc());
  if (!report.ok()) {
    if (report.code() == Errc::expired || report.code() == Errc::not_yet_valid)
      return cli::fail(report.error(), "publish a fresh key bundle from the analyst station, then purge again");
    return cli::fail(report.error(), "nothing was deleted");
  }
  std::cout << "purged " << report->deleted << " drop(s) named by the import receipt of analyst '" << report->analyst
            << "' (" << report->named - report->deleted << " were already gone)\n";
  return 0;
}

}  // namespace cairn::relay
