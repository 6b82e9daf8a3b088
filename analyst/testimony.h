// Testimony as the vault keeps it: one row per testimony, whether it came as
// one text drop or was reassembled from chunks (analyst/reassembly.h), with
// its attachments. Reading it back for `list`, `show` and `extract`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyst/vault.h"
#include "common/day.h"
#include "crypto/plaintext.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

// The error for an ID that names no testimony (a trf() format: the ID).
inline constexpr const char* kNoSuchTestimony =
    i18n::N_("there is no testimony %s in this vault (cairn-analyst list shows them)");

inline constexpr std::size_t kBodyHashBytes = 32;

// A Testimony drop's content.
struct TextDrop {
  ByteArray<kBodyHashBytes> body_hash{};  // BLAKE2b-256 of the serialized drop body
  std::string_view text;   // a view of the parsed drop body, which owns (and wipes) it
  Bytes reply_public_key;  // empty, 32 bytes (X25519) or 1216 (mlkem768x25519)
  DayNumber written_day = 0;
};

enum class Stored { added, duplicate };

// Stores a text testimony. The same body again (the source resent after a
// lost acknowledgement: the client builds identical bodies) is a duplicate.
[[nodiscard]] Result<Stored> store_text(Vault& vault, const TextDrop& drop, DayNumber today);

// Keeps a decrypted drop whose content is not usable, with the reason.
[[nodiscard]] Status quarantine(Vault& vault, std::string_view reason, ByteView content, DayNumber today);
[[nodiscard]] Result<std::uint64_t> quarantine_count(Vault& vault);

enum class TestimonyState { complete, incomplete, damaged, refused };

// What the source's client says it did about a file's hidden details
// (proto AttachmentMetadata; a number it does not know reads as unspecified).
enum class FileMetadata { unspecified, cleaned, none, kept };

struct AttachmentInfo {
  std::size_t position = 0;
  std::string name;        // as the source sent it (show it sanitised)
  std::string media_type;  // a hint from the source, never trusted
  std::uint64_t size = 0;
  FileMetadata metadata = FileMetadata::unspecified;
};

// "cleaned by the source's client", "sent as it was, with its metadata (the source chose to)", ...
[[nodiscard]] std::string_view describe(FileMetadata m);

struct TestimonySummary {
  std::int64_t id = 0;
  TestimonyState state = TestimonyState::complete;
  DayNumber imported_day = 0;
  DayNumber written_day = 0;  // 0 = the source gave none
  std::uint64_t size = 0;     // text + attachment bytes (for incomplete: bytes received)
  std::uint32_t chunks_have = 0, chunks_total = 0;
  std::size_t attachments = 0;
  crypto::Plaintext text_start;  // the first few hundred characters, raw
  std::string problem;     // why it is damaged or refused (raw)
};

struct Testimony {
  TestimonySummary summary;
  crypto::Plaintext text;  // exactly as sent
  bool has_reply_key = false;
  std::vector<AttachmentInfo> attachments;
};

[[nodiscard]] Result<std::vector<TestimonySummary>> list_testimonies(Vault& vault);
// Errc::not_found with a hint if there is no such id.
[[nodiscard]] Result<Testimony> load_testimony(Vault& vault, std::int64_t id);

struct ExtractedFile {
  std::string name;  // the sanitised name written
  std::uint64_t size = 0;
  FileMetadata metadata = FileMetadata::unspecified;
};

// Writes every attachment of a testimony into dir (created 0700 if missing)
// as files of mode 0600 with sanitised names, never overwriting anything: a
// name already taken gets " (2)", " (3)", ... before its extension.
[[nodiscard]] Result<std::vector<ExtractedFile>> extract_attachments(Vault& vault, std::int64_t id,
                                                                     const std::filesystem::path& dir);

}  // namespace cairn::analyst
