// `cairn-relay export`: writes the stored drops into an export bundle (a tar
// archive, wire/export_bundle.h) for the USB stick to the analyst station.
// Drops stay in the store until a signed import receipt purges them
// (relay/purge.h). The archive carries nothing about arrival: entries are in
// drop-id order, with mtime 0, uid/gid 0, mode 0600 and no user names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "common/day.h"
#include "common/result.h"
#include "relay/store.h"
#include "wire/export_bundle.h"

namespace cairn::relay {

struct ExportReport {
  wire::ExportId export_id{};
  std::size_t drops = 0;       // drops in the bundle
  std::size_t remaining = 0;   // stored drops left out (over max_drops)
  std::uint64_t drop_bytes = 0;
};

// Writes the bundle to `out`, which must not exist (Errc::already_exists):
// the archive is written beside it, synced, and then linked into place, so a
// failed export leaves no partial file under that name. The export id is
// remembered in the store so a receipt can be matched to an export this
// relay made.
[[nodiscard]] Result<ExportReport> export_drops(Store& store, const std::filesystem::path& out, DayNumber today,
                                                std::size_t max_drops = wire::kMaxExportDrops);

// The store's record of an export (meta name "export.<hex id>").
[[nodiscard]] Result<bool> export_was_made(Store& store, const wire::ExportId& id);

}  // namespace cairn::relay
