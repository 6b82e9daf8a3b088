// Turning a testimony into drop bodies (docs/PROTOCOL.md, "Drops"):
//  - text alone that fits one drop travels as one Testimony drop;
//  - anything else (long text, attachments) is serialized as one Submission,
//    cut into Chunk drops that carry a submission id, index, total, the hash
//    of the whole and a Merkle root and proof over the chunks
//    (wire/chunk_tree.h), so the analyst can check each chunk on its own and
//    reassemble the whole from any order.
// The submission id is random, so no one can send chunks under it ahead of
// the source. Running the same submission again after a broken connection
// gives a new id; the station keeps one testimony per content hash, so the
// analyst still sees it once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
#include "crypto/x25519.h"

namespace cairn::client {

// What was done about a file's hidden details (proto AttachmentMetadata).
enum class Metadata : std::uint8_t { unspecified, cleaned, none, kept };

struct AttachmentInput {
  std::string name;        // file name only, no directories
  std::string media_type;  // a hint for the analyst
  Bytes content;
  Metadata metadata = Metadata::unspecified;
};

struct SubmissionInput {
  std::string text;  // UTF-8
  std::vector<AttachmentInput> attachments;
  std::optional<crypto::X25519Public> reply_key;
  DayNumber day = 0;  // coarse; 0 = absent
};

inline constexpr std::size_t kSubmissionIdBytes = 16;
inline constexpr std::size_t kMaxSubmissionBytes = std::size_t{512} << 20;  // 512 MiB

// The checks on the source's input that need no relay: valid UTF-8 text,
// something to send, within kMaxSubmissionBytes. submit() runs them before it
// connects, so a mistake is reported without touching the network.
[[nodiscard]] Status check_submission(const SubmissionInput& input);

// The serialized DropBody of every drop of this submission, each at most
// capacity bytes (crypto::drop_body_capacity for the deployment).
[[nodiscard]] Result<std::vector<Bytes>> build_drop_bodies(const SubmissionInput& input, std::size_t capacity);

// The Chunk drop bodies for a serialized Submission stream (reply key and
// day from `input`, its text and attachments unused): what build_drop_bodies
// does for anything that needs chunks.
[[nodiscard]] Result<std::vector<Bytes>> build_chunk_bodies(ByteView stream, const SubmissionInput& input,
                                                            std::size_t capacity);

}  // namespace cairn::client
