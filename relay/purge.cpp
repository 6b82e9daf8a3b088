#include "relay/purge.h"

#include <algorithm>

#include "crypto/key_bundle.h"
#include "relay/export.h"
#include "relay/relay_keys.h"
#include "wire/file_kind.h"
#include "wire/import_receipt.h"

namespace cairn::relay {
namespace {

std::string fingerprint(ByteView key) { return to_hex(key.first(8)) + "…"; }

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
  auto signer = std::find_if(analysts.begin(), analysts.end(), [&](const crypto::CertifiedAnalyst& a) {
    return wire::verify_import_receipt(envelope, a.identity_key).ok();
  });
  if (signer == analysts.end()) {
    // Read the unverified body only to say why.
    auto claimed = wire::parse_import_receipt_body(envelope.body);
    if (claimed.ok() && std::none_of(analysts.begin(), analysts.end(), [&](const crypto::CertifiedAnalyst& a) {
          return a.identity_key == claimed->analyst_identity_key;
        }))
      return make_error(Errc::untrusted, "this import receipt is signed by an analyst key (" +
                                             fingerprint(claimed->analyst_identity_key) +
                                             ") that the published key bundle does not certify");
    return make_error(Errc::bad_signature, "the import receipt's signature does not verify: it was altered or damaged");
  }
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

  PurgeReport report;
  report.named = receipt.drop_ids.size();
  report.analyst = signer->name;
  CAIRN_TRY(report.deleted, store.delete_drops(receipt.drop_ids));
  return report;
}

}  // namespace cairn::relay
