// `cairn-relay purge --receipt FILE`: deletes the drops an analyst's signed
// import receipt names (wire/import_receipt.h), and nothing else. The receipt
// must be for this relay, answer an export this relay made, and be signed by
// an analyst identity that the published key bundle certifies with the
// pinned organisation key. Deleted drops are overwritten (secure_delete).
#pragma once

#include <cstdint>
#include <string>

#include "common/day.h"
#include "common/result.h"
#include "relay/store.h"

namespace cairn::relay {

struct PurgeReport {
  std::size_t named = 0;      // drops the receipt names
  std::uint64_t deleted = 0;  // of those, how many were still stored
  std::string analyst;        // who signed it (certificate label)
};

// receipt_file is the file as carried (with its "cairn import receipt v1"
// line). Errors, each with nothing deleted: Errc::malformed / too_large /
// unsupported (not a receipt, damaged), Errc::untrusted (for another relay;
// signed by an analyst the published key bundle does not certify),
// Errc::bad_signature (altered), Errc::not_found (no key bundle published, or
// an export this relay did not make), and the key bundle's own errors if it
// no longer verifies today.
[[nodiscard]] Result<PurgeReport> purge_with_receipt(Store& store, ByteView receipt_file, DayNumber today);

}  // namespace cairn::relay
