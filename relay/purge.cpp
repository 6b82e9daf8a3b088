#include "relay/purge.h"

#include <algorithm>

#include "crypto/key_bundle.h"
#include "crypto/sign.h"
#include "relay/export.h"
#include "relay/relay_keys.h"
#include "wire/export_bundle.h"
#include "wire/file_kind.h"
#include "wire/import_receipt.h"

namespace cairn::relay {
namespace {

// Every drop the receipt names must be in the export it answers: the
// receipt carries that export's manifest, which only this relay can have
// signed. (A receipt signed by a certified analyst is trusted to say what
// was imported, not to name drops of other exports, which may have arrived
// after the export and never reached the station.)
Status check_against_export(const wire::ImportReceipt& receipt, const crypto::Ed25519Public& relay_signing_key) {
  auto envelope = wire::open_export_manifest(receipt.export_manifest);
  if (!envelope.ok() || !wire::verify_export_manifest(*envelope, relay_signing_key).ok())
    return make_error(Errc::bad_signature,
                      "the export manifest in the import receipt is not one this relay signed; nothing was deleted");
  CAIRN_TRY(auto manifest, wire::parse_export_manifest_body(envelope->body));
  if (manifest.export_id != receipt.export_id)
    return make_error(Errc::malformed, "the import receipt answers export " + to_hex(receipt.export_id) +
                                           " but carries the manifest of export " + to_hex(manifest.export_id) +
                                           "; nothing was deleted");
  // Both lists are strictly ascending.
  std::size_t outside = 0;
  auto it = manifest.drop_ids.begin();
  for (const auto& id : receipt.drop_ids) {
    it = std::lower_bound(it, manifest.drop_ids.end(), id);
    if (it == manifest.drop_ids.end() || *it != id) ++outside;
  }
  if (outside > 0)
    return make_error(Errc::malformed, "the import receipt names " + std::to_string(outside) +
                                           " drop(s) that export " + to_hex(receipt.export_id) +
                                           " did not contain; nothing was deleted");
  return ok_status();
}

}  // namespace

Result<PurgeReport> purge_with_receipt(Store& store, ByteView receipt_file, DayNumber today) {
  CAIRN_TRY(auto body, wire::unwrap_file(wire::FileKind::import_receipt, receipt_file));
  CAIRN_TRY(auto envelope, wire::open_import_receipt(body));

  // Who may sign: the analysts the published key bundle certifies with the
  // pinned organisation key, today.
  CAIRN_TRY(auto organisation, load_organisation_key(store));
  CAIRN_TRY(auto bundle, store.get_meta(meta::kKeyBundle));
  if (!bundle)
    return make_error(Errc::not_found,
                      "no key bundle is published on this relay, so it cannot tell which analysts are certified");
  auto verified = crypto::verify_key_bundle(*bundle, organisation, today);
  if (!verified.ok())
    return make_error(verified.code(), "the published key bundle does not verify today, so the receipt's analyst "
                                       "cannot be checked: " + verified.error().message);
  const auto& analysts = verified->analysts;
  std::vector<crypto::Ed25519Public> identity_keys;
  for (const auto& a : analysts) identity_keys.push_back(a.identity_key);
  CAIRN_TRY(auto signer_index, crypto::verify_or_explain(
      identity_keys, crypto::sign_context::kImportReceipt, envelope.body, envelope.signature,
      [&]() -> std::optional<Error> {
        auto claimed = wire::parse_import_receipt_body(envelope.body);
        if (claimed.ok() && std::none_of(analysts.begin(), analysts.end(), [&](const crypto::CertifiedAnalyst& a) {
              return a.identity_key == claimed->analyst_identity_key;
            }))
          return make_error(Errc::untrusted, "this import receipt is signed by an analyst key (" +
                                                 fingerprint(claimed->analyst_identity_key) +
                                                 ") that the published key bundle does not certify");
        return std::nullopt;
      },
      "the import receipt's signature does not verify: it was altered or damaged"));
  const auto* signer = &analysts[signer_index];
  CAIRN_TRY(auto receipt, wire::parse_import_receipt_body(envelope.body));
  if (receipt.analyst_identity_key != signer->identity_key)
    return make_error(Errc::malformed, "the import receipt names another analyst than the one who signed it");

  CAIRN_TRY(auto keys, load_relay_keys(store));
  if (receipt.relay_signing_key != keys.signing.public_key)
    return make_error(Errc::untrusted, "this import receipt is for another relay (signing key " +
                                           fingerprint(receipt.relay_signing_key) + "); this relay's signing key is " +
                                           fingerprint(keys.signing.public_key));
  CAIRN_TRY(bool made, export_was_made(store, receipt.export_id));
  if (!made)
    return make_error(Errc::not_found, "this import receipt answers an export this relay did not make (export " +
                                           to_hex(receipt.export_id) + ")");
  CAIRN_CHECK(check_against_export(receipt, keys.signing.public_key));

  PurgeReport report;
  report.named = receipt.drop_ids.size();
  report.analyst = signer->name;
  CAIRN_TRY(report.deleted, store.delete_drops(receipt.drop_ids));
  return report;
}

}  // namespace cairn::relay
