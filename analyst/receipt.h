// The import receipt the station signs after an import (wire/import_receipt.h):
// which drops of which export are now safely in the vault, so the relay may
// purge exactly those.
#pragma once

#include <string_view>
#include <vector>

#include "analyst/vault.h"
#include "wire/export_bundle.h"

namespace cairn::analyst {

// wrap_file(import_receipt, SignedImportReceipt) signed by the named
// analyst's identity key (empty name: the first analyst), answering the
// export whose signed manifest (as the bundle carried it) is given. ids need
// not be sorted.
[[nodiscard]] Result<Bytes> make_receipt_file(Vault& vault, std::string_view analyst, const wire::ExportId& export_id,
                                              const crypto::Ed25519Public& relay_signing_key,
                                              std::vector<wire::DropId> ids, ByteView export_manifest);

}  // namespace cairn::analyst
