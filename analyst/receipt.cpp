#include "analyst/receipt.h"

#include <algorithm>

#include "analyst/keys.h"
#include "i18n/catalog.h"
#include "wire/file_kind.h"
#include "wire/import_receipt.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

Result<Bytes> make_receipt_file(Vault& vault, std::string_view analyst, const wire::ExportId& export_id,
                                const crypto::Ed25519Public& relay_signing_key, std::vector<wire::DropId> ids,
                                ByteView export_manifest) {
  std::string name(analyst);
  if (name.empty()) {
    CAIRN_TRY(auto all, analysts(vault));
    if (all.empty()) return make_error(Errc::not_found, tr("the vault has no analyst to sign the import receipt"));
    name = all.front().name;
  }
  CAIRN_TRY(auto identity, analyst_identity(vault, name));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  wire::ImportReceipt receipt;
  receipt.export_id = export_id;
  receipt.relay_signing_key = relay_signing_key;
  receipt.analyst_identity_key = identity.public_key;
  receipt.drop_ids = std::move(ids);
  receipt.export_manifest.assign(export_manifest.begin(), export_manifest.end());
  CAIRN_TRY(auto signed_receipt, wire::sign_import_receipt(receipt, identity));
  return wire::wrap_file(wire::FileKind::import_receipt, signed_receipt);
}

}  // namespace cairn::analyst
