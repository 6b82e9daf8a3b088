#include "wire/import_receipt.h"

#include <algorithm>

#include "proto/bundle.pb.h"

namespace cairn::wire {

Result<Bytes> sign_import_receipt(const ImportReceipt& receipt, const crypto::Ed25519KeyPair& analyst_identity) {
  if (receipt.drop_ids.size() > kMaxExportDrops)
    return make_error(Errc::invalid_argument, "a receipt names at most " + std::to_string(kMaxExportDrops) + " drops");
  if (!is_strictly_ascending(receipt.drop_ids))
    return make_error(Errc::invalid_argument, "the drop ids of a receipt must be sorted and distinct");
  if (receipt.export_manifest.empty() || receipt.export_manifest.size() > kMaxManifestBytes)
    return make_error(Errc::invalid_argument, "a receipt carries the export manifest it answers");
  v1::ImportReceipt body;
  body.set_version(kImportReceiptVersion);
  body.set_export_id(std::string(as_chars(receipt.export_id)));
  body.set_relay_signing_key(std::string(as_chars(receipt.relay_signing_key)));
  for (const auto& id : receipt.drop_ids) body.add_drop_ids(std::string(as_chars(id)));
  body.set_analyst_identity_key(std::string(as_chars(analyst_identity.public_key)));
  body.set_export_manifest(std::string(as_chars(receipt.export_manifest)));
  return seal_envelope<v1::SignedImportReceipt>(body, analyst_identity, crypto::sign_context::kImportReceipt, "import receipt");
}

Result<SignedEnvelope> open_import_receipt(ByteView signed_receipt) {
  return open_envelope<v1::SignedImportReceipt>(signed_receipt, kMaxReceiptBytes, "import receipt");
}

Status verify_import_receipt(const SignedEnvelope& envelope, const crypto::Ed25519Public& analyst_identity_key) {
  if (!crypto::verify(analyst_identity_key, crypto::sign_context::kImportReceipt, envelope.body, envelope.signature)
           .ok())
    return make_error(Errc::bad_signature, "the import receipt's signature does not verify: it was altered or damaged");
  return ok_status();
}

Result<ImportReceipt> parse_import_receipt_body(ByteView bytes) {
  v1::ImportReceipt body;
  if (!body.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(Errc::malformed, "the import receipt's body does not parse");
  if (body.version() != kImportReceiptVersion)
    return make_error(Errc::unsupported, "import receipt version " + std::to_string(body.version()) +
                                             " is not supported; this Cairn reads version " +
                                             std::to_string(kImportReceiptVersion));
  ImportReceipt r;
  if (!copy_exact(body.export_id(), r.export_id))
    return make_error(Errc::malformed, "the import receipt's export id is not 16 bytes");
  if (!copy_exact(body.relay_signing_key(), r.relay_signing_key))
    return make_error(Errc::malformed, "the import receipt's relay signing key is not 32 bytes");
  if (!copy_exact(body.analyst_identity_key(), r.analyst_identity_key))
    return make_error(Errc::malformed, "the import receipt's analyst identity key is not 32 bytes");
  CAIRN_TRY(r.drop_ids, read_fixed_ids<kDropIdBytes>(body.drop_ids(), kMaxExportDrops, "import receipt"));
  if (!is_strictly_ascending(r.drop_ids))
    return make_error(Errc::malformed, "the import receipt's drop ids are not sorted and distinct");
  if (body.export_manifest().empty())
    return make_error(Errc::malformed, "the import receipt does not carry the export manifest it answers "
                                       "(made by an older cairn-analyst?)");
  if (body.export_manifest().size() > kMaxManifestBytes)
    return make_error(Errc::too_large, "the import receipt's export manifest is larger than " +
                                           std::to_string(kMaxManifestBytes) + " bytes");
  r.export_manifest = to_bytes(body.export_manifest());
  return r;
}

}  // namespace cairn::wire
