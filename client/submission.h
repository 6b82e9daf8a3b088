// Turning a testimony into drop bodies (docs/PROTOCOL.md, "Drops"):
//  - text alone that fits one drop travels as one Testimony drop;
//  - anything else (long text, attachments) is serialized as one Submission,
//    cut into Chunk drops that carry a submission id, index, total, the hash
//    of the whole and a Merkle root and proof over the chunks
//    (wire/chunk_tree.h), so the analyst can check each chunk on its own and
//    reassemble the whole from any order.
// The stream is never built whole: it is read in pieces, the content of a
// file sent as it is straight from the file (twice: once to hash the chunks,
// once to send them), so memory does not grow with the file.
// The submission id is random, so no one can send chunks under it ahead of
// the source. Running the same submission again after a broken connection
// gives a new id; the station keeps one testimony per content hash, so the
// analyst still sees it once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
#include "crypto/drop.h"
#include "crypto/plaintext.h"
#include "crypto/reply.h"
#include "crypto/x25519.h"

namespace cairn::client {

// What was done about a file's hidden details (proto AttachmentMetadata).
enum class Metadata : std::uint8_t { unspecified, cleaned, none, kept };

struct AttachmentInput {
  std::string name;        // file name only, no directories
  std::string media_type;  // a hint for the analyst
  Bytes content;
  Metadata metadata = Metadata::unspecified;
  // When set, the content is not in memory: it is read from this file while
  // the submission is sent, and must be exactly file_size bytes each time
  // (a file that changes meanwhile stops the submission with an error).
  std::filesystem::path file{};
  std::uint64_t file_size = 0;

  [[nodiscard]] std::uint64_t size() const { return file.empty() ? content.size() : file_size; }
};

struct SubmissionInput {
  std::string_view text;  // UTF-8; a view of the caller's text (crypto::Plaintext), which outlives the input
  std::vector<AttachmentInput> attachments;
  // The codename's public keys: drops to a hybrid key bundle carry the hybrid
  // one (when there is one), drops to an X25519 bundle the X25519 one.
  std::optional<crypto::ReplyPublicKeys> reply_key;
  DayNumber day = 0;  // coarse; 0 = absent
};

inline constexpr std::uint32_t kDropBodyVersion = 1;  // DropBody.version
inline constexpr std::size_t kSubmissionIdBytes = 16;
inline constexpr std::size_t kMaxSubmissionBytes = std::size_t{512} << 20;  // 512 MiB

// The checks on the source's input that need no relay: valid UTF-8 text,
// something to send, within kMaxSubmissionBytes. submit() runs them before it
// connects, so a mistake is reported without touching the network.
[[nodiscard]] Status check_submission(const SubmissionInput& input);

// A submission's drop bodies, made one at a time as they are needed.
struct DropSource {
  std::size_t count = 0;
  // The next drop body, in order; called once per drop.
  std::function<Result<crypto::Plaintext>()> next;
};

// The drop bodies of this submission (each a serialized DropBody of at most
// capacity bytes: crypto::drop_body_capacity for the deployment), made as
// they are asked for. A chunked submission's stream is read once here (to
// hash its chunks) and again as the bodies are made; `input` must outlive the
// source. Errors of reading a file name it. `kind`: the key bundle's, which
// picks the reply key the bodies carry.
[[nodiscard]] Result<DropSource> submission_drops(const SubmissionInput& input, std::size_t capacity,
                                                  crypto::DropRecipients kind = crypto::DropRecipients::x25519);

// All of them at once (for tests and small submissions).
[[nodiscard]] Result<std::vector<Bytes>> build_drop_bodies(const SubmissionInput& input, std::size_t capacity,
                                                           crypto::DropRecipients kind = crypto::DropRecipients::x25519);

// The Chunk drop bodies for a serialized Submission stream (reply key and
// day from `input`, its text and attachments unused): what build_drop_bodies
// does for anything that needs chunks.
[[nodiscard]] Result<std::vector<Bytes>> build_chunk_bodies(ByteView stream, const SubmissionInput& input,
                                                            std::size_t capacity);

}  // namespace cairn::client
