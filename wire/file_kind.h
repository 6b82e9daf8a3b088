// Files carried by USB between the relay and the air-gapped station start
// with a one-line magic naming what they are, so a tool handed the wrong file
// says so ("this is a reply batch, not a key bundle") instead of failing to
// parse it. Export bundles are tar archives and are recognised as such.
#pragma once

#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::wire {

enum class FileKind { key_bundle, reply_batch, import_receipt };

// The largest file carried by USB: an import receipt for a full export
// (its drop ids and the export's manifest, wire/import_receipt.h) is the largest.
inline constexpr std::size_t kMaxCarriedFileBytes = 80u << 20;

[[nodiscard]] std::string_view describe(FileKind kind);
[[nodiscard]] Bytes wrap_file(FileKind kind, ByteView body);
// The body, if the file is of the expected kind; a specific error otherwise.
[[nodiscard]] Result<Bytes> unwrap_file(FileKind expected, ByteView file);
[[nodiscard]] Result<FileKind> detect_file_kind(ByteView file);

}  // namespace cairn::wire
