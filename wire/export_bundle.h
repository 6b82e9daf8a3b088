// The export bundle (docs/PROTOCOL.md, "Analyst station", "Export bundle"): the tar
// archive `cairn-relay export` writes for the USB stick and `cairn-analyst
// import` reads on the air-gapped station.
//
//   manifest            serialized SignedExportManifest (always the first entry)
//   drops/<64 hex id>   one drop, id = BLAKE2b-256(drop), entries in id order
//
// The relay writes and the station reads the archive (each with libarchive);
// this file holds what both must agree on: entry names, caps, and the signed
// manifest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
#include "crypto/sign.h"
#include "wire/signed_envelope.h"

namespace cairn::wire {

// ---- Specification constants ----
inline constexpr std::uint32_t kExportManifestVersion = 1;
inline constexpr std::size_t kExportIdBytes = 16;
inline constexpr std::size_t kDropIdBytes = 32;  // BLAKE2b-256 of the drop
inline constexpr std::string_view kManifestEntryName = "manifest";
inline constexpr std::string_view kDropEntryPrefix = "drops/";
inline constexpr unsigned kExportEntryMode = 0600;  // every entry: mtime 0, uid/gid 0, no names

// ---- Implementation constants (caps, checked before reading) ----
// Drops in one export (the relay exports the first this many by id; the rest
// wait for the next export).
inline constexpr std::size_t kMaxExportDrops = std::size_t{1} << 20;
// A drop id costs 34 bytes in the manifest (tag, length, 32 bytes).
inline constexpr std::size_t kMaxManifestBytes = 1024 + kMaxExportDrops * (kDropIdBytes + 2);

// A bundle over kDefaultExportPartBytes is written as numbered parts FILE.001,
// FILE.002, ... (byte slices of the one archive, in order), so that no file
// exceeds FAT32's limit of 4 GiB - 1 bytes on a USB stick.
inline constexpr std::uint64_t kDefaultExportPartBytes = (std::uint64_t{1} << 32) - 1;
inline constexpr std::uint64_t kMinExportPartBytes = 512;  // one tar block
inline constexpr std::size_t kMaxExportParts = 999;

using DropId = ByteArray<kDropIdBytes>;
using ExportId = ByteArray<kExportIdBytes>;

struct ExportManifest {
  crypto::Ed25519Public organisation_key{};
  crypto::Ed25519Public relay_signing_key{};
  ExportId export_id{};
  DayNumber export_day = 0;
  std::vector<DropId> drop_ids;  // strictly ascending
};

// Sorted and distinct: how manifests and receipts list drop ids.
[[nodiscard]] bool is_strictly_ascending(const std::vector<DropId>& ids);

// "drops/<64 lower-case hex digits>".
[[nodiscard]] std::string drop_entry_name(const DropId& id);
// The id named by an entry name, or nullopt if the name is anything else
// (upper-case hex, a path, a suffix ...).
[[nodiscard]] std::optional<DropId> parse_drop_entry_name(std::string_view name);

// "FILE.001" for part 1 of FILE (index 1..kMaxExportParts).
[[nodiscard]] std::string export_part_name(const std::string& file, std::size_t index);

// The serialized SignedExportManifest. Errc::invalid_argument if the ids are
// not strictly ascending or over the cap.
[[nodiscard]] Result<Bytes> sign_export_manifest(const ExportManifest& manifest,
                                                 const crypto::Ed25519KeyPair& relay_signing_key);


// The SignedExportManifest around the body: size cap (Errc::too_large),
// parse and signature length (Errc::malformed).
[[nodiscard]] Result<SignedEnvelope> open_export_manifest(ByteView signed_manifest);
// Errc::bad_signature unless relay_signing_key signed the body.
[[nodiscard]] Status verify_export_manifest(const SignedEnvelope& envelope,
                                            const crypto::Ed25519Public& relay_signing_key);
// The body's structure: parse, version (Errc::unsupported), exact key and id
// lengths, ids strictly ascending and within the cap (Errc::malformed / too_large).
[[nodiscard]] Result<ExportManifest> parse_export_manifest_body(ByteView body);

}  // namespace cairn::wire
