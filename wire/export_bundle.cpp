#include "wire/export_bundle.h"

#include <algorithm>

#include "i18n/catalog.h"
#include "proto/bundle.pb.h"

namespace cairn::wire {

bool is_strictly_ascending(const std::vector<DropId>& ids) {
  return std::adjacent_find(ids.begin(), ids.end(), [](const DropId& a, const DropId& b) { return !(a < b); }) ==
         ids.end();
}

std::string export_part_name(const std::string& file, std::size_t index) {
  std::string digits = std::to_string(index);
  return file + "." + std::string(digits.size() < 3 ? 3 - digits.size() : 0, '0') + digits;
}

std::string drop_entry_name(const DropId& id) { return std::string(kDropEntryPrefix) + to_hex(id); }

std::optional<DropId> parse_drop_entry_name(std::string_view name) {
  if (name.size() != kDropEntryPrefix.size() + 2 * kDropIdBytes || !name.starts_with(kDropEntryPrefix))
    return std::nullopt;
  auto hex = name.substr(kDropEntryPrefix.size());
  // Lower case only: one name per drop, so no two entries can name the same id.
  if (!std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return std::nullopt;
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != kDropIdBytes) return std::nullopt;
  DropId id{};
  std::copy(bytes->begin(), bytes->end(), id.begin());
  return id;
}

Result<Bytes> sign_export_manifest(const ExportManifest& manifest, const crypto::Ed25519KeyPair& relay_signing_key) {
  if (manifest.drop_ids.size() > kMaxExportDrops)
    return make_error(Errc::invalid_argument, i18n::trf("an export holds at most %s drops", kMaxExportDrops));
  if (!is_strictly_ascending(manifest.drop_ids))
    return make_error(Errc::invalid_argument, i18n::tr("the drop ids of an export must be sorted and distinct"));
  v1::ExportManifest body;
  body.set_version(kExportManifestVersion);
  body.set_relay_signing_key(std::string(as_chars(relay_signing_key.public_key)));
  for (const auto& id : manifest.drop_ids) body.add_drop_ids(std::string(as_chars(id)));
  body.set_export_day(manifest.export_day);
  body.set_export_id(std::string(as_chars(manifest.export_id)));
  body.set_organisation_key(std::string(as_chars(manifest.organisation_key)));
  return seal_envelope<v1::SignedExportManifest>(body, relay_signing_key, crypto::sign_context::kExportManifest, "export manifest");
}

Result<SignedEnvelope> open_export_manifest(ByteView signed_manifest) {
  return open_envelope<v1::SignedExportManifest>(signed_manifest, kMaxManifestBytes, "export manifest");
}

Status verify_export_manifest(const SignedEnvelope& envelope, const crypto::Ed25519Public& relay_signing_key) {
  if (!crypto::verify(relay_signing_key, crypto::sign_context::kExportManifest, envelope.body, envelope.signature).ok())
    return make_error(Errc::bad_signature,
                      i18n::tr("the export manifest's signature does not verify: the bundle was altered or damaged"));
  return ok_status();
}

Result<ExportManifest> parse_export_manifest_body(ByteView bytes) {
  v1::ExportManifest body;
  if (!body.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(Errc::malformed, i18n::tr("the export manifest's body does not parse"));
  if (body.version() != kExportManifestVersion)
    return make_error(Errc::unsupported, i18n::trf("export manifest version %s is not supported; this Cairn reads version %s",
                                                   body.version(), kExportManifestVersion));
  ExportManifest m;
  if (!copy_exact(body.relay_signing_key(), m.relay_signing_key))
    return make_error(Errc::malformed, i18n::tr("the export manifest's relay signing key is not 32 bytes"));
  if (!copy_exact(body.organisation_key(), m.organisation_key))
    return make_error(Errc::malformed, i18n::tr("the export manifest's organisation key is not 32 bytes"));
  if (!copy_exact(body.export_id(), m.export_id))
    return make_error(Errc::malformed, i18n::tr("the export manifest's export id is not 16 bytes"));
  m.export_day = body.export_day();
  CAIRN_TRY(m.drop_ids, read_fixed_ids<kDropIdBytes>(body.drop_ids(), kMaxExportDrops, "export manifest"));
  if (!is_strictly_ascending(m.drop_ids))
    return make_error(Errc::malformed, i18n::tr("the export manifest's drop ids are not sorted and distinct"));
  return m;
}

}  // namespace cairn::wire
