// The reassembled stream of a chunked submission (proto/drop.proto,
// Submission), read without building it. A source chooses every count and
// length in it: an empty attachment costs 2 bytes, so a 513 MiB stream could
// name 268 million of them, and a protobuf parse would allocate an object
// for each. The reader here walks the wire format (protobuf's
// CodedInputStream), checks every count and length against its cap as it is
// met, and returns views into the stream: nothing is allocated beyond
// kMaxSubmissionAttachments views. The source's client applies the same caps
// before it sends (client/submission.h), so an honest submission never
// breaks one.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::wire {

// ---- Implementation constants (caps; docs/PROTOCOL.md, "Import") ----
inline constexpr std::size_t kMaxSubmissionAttachments = 1024;
inline constexpr std::size_t kMaxAttachmentNameBytes = 1024;
inline constexpr std::size_t kMaxMediaTypeBytes = 255;

struct AttachmentView {
  std::string_view name;        // UTF-8
  std::string_view media_type;  // UTF-8
  ByteView content;
  // Attachment.metadata (an AttachmentMetadata value: what the source's
  // client did about hidden details); 0 when absent. A claim, not checked.
  std::uint32_t metadata = 0;
};

struct SubmissionView {
  std::string_view text;  // UTF-8
  std::vector<AttachmentView> attachments;
};

// Views into `stream`, which must outlive them. Errors, each naming what was
// wrong: Errc::too_large for a count or length over its cap (checked before
// the next item is looked at), Errc::malformed for anything that is not a
// Submission (bad framing, a known field twice or with the wrong wire type,
// text that is not UTF-8). Unknown fields are skipped, as protobuf does.
[[nodiscard]] Result<SubmissionView> read_submission_stream(ByteView stream);

}  // namespace cairn::wire
