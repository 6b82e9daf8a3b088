// `cairn-analyst import BUNDLE`: the station's side of the USB round trip
// (docs/PROTOCOL.md, "Analyst station", "Import"):
//
//   1. read the manifest; it must name this organisation and a relay this
//      organisation certified, and carry that relay's signature;
//   2. read every drop (analyst/export_reader.h: exactly the manifest's drops,
//      in its order, caps first, id = BLAKE2b-256 of the bytes); a bundle
//      refused here leaves the vault as it was;
//   3. read the bundle again and open each drop not imported before with
//      every messaging secret the vault still holds; discard cover, store
//      testimony, reassemble chunks, committing every 256 drops, so a
//      failure keeps what was stored before it;
//   4. sign an import receipt naming the drops now safe in the vault, and
//      the junk no key will ever open.
//
// Importing the same bundle again changes nothing and yields the same receipt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analyst/keys.h"
#include "analyst/vault.h"
#include "common/day.h"
#include "wire/export_bundle.h"

namespace cairn::analyst {

struct ImportOptions {
  std::string analyst;  // who signs the receipt; empty: the first analyst
  // Name drops that no held key opens in the receipt at once, so the relay
  // deletes them. Without it they are named once this vault first failed to
  // open them unopened_grace_days ago.
  bool purge_undecryptable = false;
  DayNumber unopened_grace_days = kDefaultDestroyGraceDays;
  DayNumber today = 0;
};

struct RefusedSubmission {
  std::int64_t testimony_id = 0;
  std::string problem;
};

struct IncompleteSubmission {
  std::int64_t testimony_id = 0;
  std::uint32_t have = 0, total = 0;
};

struct ImportReport {
  std::string relay;  // the certified name of the relay that signed the bundle
  wire::ExportId export_id{};
  DayNumber export_day = 0;
  std::size_t drops = 0;              // in the bundle
  std::size_t already_imported = 0;   // by an earlier import
  std::size_t texts = 0;              // new text testimonies
  std::size_t completed = 0;          // submissions this import completed
  std::size_t chunks = 0;             // new chunks of still incomplete submissions
  std::size_t cover = 0;              // discarded
  std::size_t duplicates = 0;         // content already in the vault
  std::size_t quarantined = 0;        // decrypted, content unusable (kept in quarantine)
  std::size_t damaged_submissions = 0;
  std::vector<RefusedSubmission> refused;  // completed by this import, over a cap or not a submission
  std::size_t no_key = 0;             // sealed to no key this vault holds
  std::size_t no_key_purged = 0;      // of those, named in the receipt (grace over, or --purge-undecryptable)
  std::size_t unreadable = 0;         // not a drop (not age, or damaged): always named in the receipt
  // Set if a batch failed: the batches before it are stored, the receipt
  // names their drops, and importing the bundle again continues.
  std::optional<Error> stopped;
  std::vector<std::int64_t> new_testimonies;
  std::vector<IncompleteSubmission> incomplete;  // touched by this import, still incomplete
  std::vector<wire::DropId> receipt_drops;       // what the receipt names
  Bytes receipt_file;                            // wrap_file(import_receipt, …)
};

[[nodiscard]] Result<ImportReport> import_bundle(Vault& vault, const std::filesystem::path& bundle,
                                                 const ImportOptions& options);

}  // namespace cairn::analyst
