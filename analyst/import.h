// `cairn-analyst import BUNDLE`: the station's side of the USB round trip
// (docs/PROTOCOL.md, "Analyst station", "Import"):
//
//   1. read the manifest; it must name this organisation and a relay this
//      organisation certified, and carry that relay's signature;
//   2. read every drop (caps first; id = BLAKE2b-256 of the bytes; the set of
//      drops must equal the manifest's);
//   3. open each drop not imported before with every messaging secret the
//      vault still holds; discard cover, store testimony, reassemble chunks;
//   4. all of it in one vault transaction: any failure leaves the vault as
//      it was;
//   5. sign an import receipt naming the drops now safe in the vault.
//
// Importing the same bundle again changes nothing and yields the same receipt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "analyst/vault.h"
#include "common/day.h"
#include "wire/export_bundle.h"

namespace cairn::analyst {

struct ImportOptions {
  std::string analyst;  // who signs the receipt; empty: the first analyst
  // Also name the drops no held key opens in the receipt, so the relay
  // deletes them. Off by default: they stay on the relay.
  bool purge_undecryptable = false;
  DayNumber today = 0;
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
  std::size_t no_key = 0;             // sealed to no key this vault holds
  std::size_t unreadable = 0;         // not a drop (does not decrypt or parse as age)
  std::vector<std::int64_t> new_testimonies;
  std::vector<IncompleteSubmission> incomplete;  // touched by this import, still incomplete
  std::vector<wire::DropId> receipt_drops;       // what the receipt names
  Bytes receipt_file;                            // wrap_file(import_receipt, …)
};

[[nodiscard]] Result<ImportReport> import_bundle(Vault& vault, const std::filesystem::path& bundle,
                                                 const ImportOptions& options);

}  // namespace cairn::analyst
