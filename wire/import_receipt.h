// The import receipt (docs/PROTOCOL.md, "Analyst station", "Import receipt"): written by
// `cairn-analyst import`, signed by the importing analyst's identity key,
// carried by USB to the relay, where `cairn-relay purge` deletes exactly the
// drops it names. The file is wrap_file(FileKind::import_receipt, SignedImportReceipt).
#pragma once

#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/sign.h"
#include "wire/export_bundle.h"
#include "wire/file_kind.h"

namespace cairn::wire {

inline constexpr std::uint32_t kImportReceiptVersion = 1;
// A receipt names at most the drops of one export, and carries its manifest.
inline constexpr std::size_t kMaxReceiptBytes = 1024 + kMaxExportDrops * (kDropIdBytes + 2) + kMaxManifestBytes + 8;
static_assert(kMaxReceiptBytes + 1024 <= kMaxCarriedFileBytes, "a full receipt must fit the carried-file cap");

struct ImportReceipt {
  ExportId export_id{};
  crypto::Ed25519Public relay_signing_key{};
  crypto::Ed25519Public analyst_identity_key{};
  std::vector<DropId> drop_ids;  // strictly ascending
  Bytes export_manifest;         // the SignedExportManifest answered (at most kMaxManifestBytes)
};

// The serialized SignedImportReceipt, signed by analyst_identity (whose public
// key is written into the receipt). Errc::invalid_argument if the ids are not
// strictly ascending or over the cap. Deterministic: the same receipt gives
// the same bytes.
[[nodiscard]] Result<Bytes> sign_import_receipt(const ImportReceipt& receipt,
                                                const crypto::Ed25519KeyPair& analyst_identity);

// The SignedImportReceipt around the body: cap (Errc::too_large), parse and
// signature length (Errc::malformed).
[[nodiscard]] Result<SignedEnvelope> open_import_receipt(ByteView signed_receipt);
// Errc::bad_signature unless analyst_identity_key signed the body.
[[nodiscard]] Status verify_import_receipt(const SignedEnvelope& envelope,
                                           const crypto::Ed25519Public& analyst_identity_key);
// The body's structure: parse, version (Errc::unsupported), lengths and id
// order, an export manifest present (Errc::malformed / too_large). The
// manifest itself is checked by whoever made it (relay/purge.h).
[[nodiscard]] Result<ImportReceipt> parse_import_receipt_body(ByteView body);

}  // namespace cairn::wire
