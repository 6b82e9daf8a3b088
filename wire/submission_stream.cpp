#include "wire/submission_stream.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>
#include <string>

#include "common/utf8.h"

namespace cairn::wire {
namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

// Field numbers of Submission and Attachment (proto/drop.proto).
constexpr int kTextField = 1, kAttachmentsField = 2;
constexpr int kNameField = 1, kMediaTypeField = 2, kContentField = 3, kMetadataField = 4;


// The next length-delimited field's bytes, as a view; nullopt if the length
// runs past the end.
std::optional<ByteView> delimited(CodedInputStream& in, ByteView whole) {
  std::uint32_t length = 0;
  if (!in.ReadVarint32(&length)) return std::nullopt;
  auto at = static_cast<std::size_t>(in.CurrentPosition());
  if (length > whole.size() - at) return std::nullopt;
  if (!in.Skip(static_cast<int>(length))) return std::nullopt;
  return whole.subspan(at, length);
}

Error not_a_submission(const std::string& what) {
  return make_error(Errc::malformed, "the reassembled submission is not a valid submission: " + what);
}

Result<AttachmentView> read_attachment(ByteView bytes, std::size_t position) {
  const std::string which = "attachment " + std::to_string(position + 1);
  CodedInputStream in(bytes.data(), static_cast<int>(bytes.size()));
  AttachmentView out;
  bool seen[5] = {false, false, false, false, false};
  for (std::uint32_t tag; (tag = in.ReadTag()) != 0;) {
    int field = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    if (field == kMetadataField) {
      if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_VARINT || seen[field])
        return not_a_submission(which + " has a field twice or of the wrong type");
      seen[field] = true;
      if (!in.ReadVarint32(&out.metadata)) return not_a_submission(which + " has a damaged field");
      continue;
    }
    if (field < kNameField || field > kContentField) {
      if (!WireFormatLite::SkipField(&in, tag)) return not_a_submission(which + " has a damaged field");
      continue;
    }
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED || seen[field])
      return not_a_submission(which + " has a field twice or of the wrong type");
    seen[field] = true;
    auto value = delimited(in, bytes);
    if (!value) return not_a_submission(which + " is cut short");
    if (field == kNameField) {
      if (value->size() > kMaxAttachmentNameBytes)
        return make_error(Errc::too_large, "the name of " + which + " is longer than " +
                                               std::to_string(kMaxAttachmentNameBytes) + " bytes");
      out.name = as_chars(*value);
      if (!is_valid_utf8(out.name)) return not_a_submission("the name of " + which + " is not UTF-8");
    } else if (field == kMediaTypeField) {
      if (value->size() > kMaxMediaTypeBytes)
        return make_error(Errc::too_large, "the media type of " + which + " is longer than " +
                                               std::to_string(kMaxMediaTypeBytes) + " bytes");
      out.media_type = as_chars(*value);
      if (!is_valid_utf8(out.media_type)) return not_a_submission("the media type of " + which + " is not UTF-8");
    } else {
      out.content = *value;
    }
  }
  if (!in.ConsumedEntireMessage() || in.CurrentPosition() != static_cast<int>(bytes.size()))
    return not_a_submission(which + " has a damaged field");
  return out;
}

}  // namespace

Result<SubmissionView> read_submission_stream(ByteView stream) {
  if (stream.size() > static_cast<std::size_t>(INT_MAX))
    return make_error(Errc::too_large, "the reassembled submission is larger than 2 GiB");
  CodedInputStream in(stream.data(), static_cast<int>(stream.size()));
  in.SetTotalBytesLimit(INT_MAX);
  SubmissionView out;
  bool text_seen = false;
  for (std::uint32_t tag; (tag = in.ReadTag()) != 0;) {
    int field = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    if (field != kTextField && field != kAttachmentsField) {
      if (!WireFormatLite::SkipField(&in, tag)) return not_a_submission("a field is damaged");
      continue;
    }
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED)
      return not_a_submission("a field has the wrong type");
    if (field == kAttachmentsField && out.attachments.size() == kMaxSubmissionAttachments)
      return make_error(Errc::too_large, "the submission has more than " +
                                             std::to_string(kMaxSubmissionAttachments) + " attachments");
    auto value = delimited(in, stream);
    if (!value) return not_a_submission("it is cut short");
    if (field == kTextField) {
      if (text_seen) return not_a_submission("it has two texts");
      text_seen = true;
      out.text = as_chars(*value);
      if (!is_valid_utf8(out.text)) return not_a_submission("its text is not UTF-8");
    } else {
      if (out.attachments.empty()) out.attachments.reserve(16);
      CAIRN_TRY(auto attachment, read_attachment(*value, out.attachments.size()));
      out.attachments.push_back(attachment);
    }
  }
  if (!in.ConsumedEntireMessage() || in.CurrentPosition() != static_cast<int>(stream.size()))
    return not_a_submission("a field is damaged");
  return out;
}

}  // namespace cairn::wire
