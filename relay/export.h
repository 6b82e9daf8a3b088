// `cairn-relay export`: writes the stored drops into an export bundle (a tar
// archive, wire/export_bundle.h) for the USB stick to the analyst station.
// Drops stay in the store until a signed import receipt purges them
// (relay/purge.h). The archive carries nothing about arrival: entries are in
// drop-id order, with mtime 0, uid/gid 0, mode 0600 and no user names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

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
  std::vector<std::filesystem::path> files;  // `out`, or its parts out.001, out.002, ...
};

// Writes the bundle to `out`, which must not exist, nor `out`.001
// (Errc::already_exists). A bundle larger than part_bytes (default: FAT32's
// largest file, 4 GiB - 1) is cut into numbered parts out.001, out.002, ...
// that the station reads as one. Each file is written beside its name
// (".partial"), synced, and renamed into place without replacing anything
// (renameat2 RENAME_NOREPLACE, which FAT and exFAT sticks support; they have
// no hard links), so a failed export leaves no file under those names. The
// export id is remembered in the store so a receipt can be matched to an
// export this relay made.
[[nodiscard]] Result<ExportReport> export_drops(Store& store, const std::filesystem::path& out, DayNumber today,
                                                std::size_t max_drops = wire::kMaxExportDrops,
                                                std::uint64_t part_bytes = wire::kDefaultExportPartBytes);

// The store's record of an export (meta name "export.<hex id>").
[[nodiscard]] Result<bool> export_was_made(Store& store, const wire::ExportId& id);

}  // namespace cairn::relay
