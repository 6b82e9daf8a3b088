#include "client/submission.h"

#include "common/utf8.h"
#include "crypto/hash.h"
#include "proto/drop.pb.h"
#include "wire/protocol.h"

namespace cairn::client {
namespace {

constexpr std::uint32_t kDropBodyVersion = 1;
constexpr std::string_view kSubmissionIdKey = "cairn submission id v1";

v1::AttachmentMetadata to_proto(Metadata m) {
  switch (m) {
    case Metadata::cleaned: return v1::ATTACHMENT_METADATA_CLEANED;
    case Metadata::none: return v1::ATTACHMENT_METADATA_NONE;
    case Metadata::kept: return v1::ATTACHMENT_METADATA_KEPT;
    case Metadata::unspecified: break;
  }
  return v1::ATTACHMENT_METADATA_UNSPECIFIED;
}

v1::DropBody base_body(const SubmissionInput& input) {
  v1::DropBody body;
  body.set_version(kDropBodyVersion);
  if (input.reply_key) body.set_reply_public_key(input.reply_key->data(), input.reply_key->size());
  body.set_day(input.day);
  return body;
}

}  // namespace

Status check_submission(const SubmissionInput& input) {
  if (!is_valid_utf8(input.text))
    return make_error(Errc::malformed, "the testimony text is not valid UTF-8 (save it as UTF-8 and try again)");
  if (input.text.empty() && input.attachments.empty())
    return make_error(Errc::invalid_argument, "there is nothing to send: the testimony is empty and no file is attached");
  std::size_t total_bytes = input.text.size();
  for (const auto& a : input.attachments) {
    total_bytes += a.content.size() + a.name.size();
    if (total_bytes > kMaxSubmissionBytes)
      return make_error(Errc::too_large, "the submission is larger than 512 MiB; send the files separately");
  }
  return ok_status();
}

Result<std::vector<Bytes>> build_drop_bodies(const SubmissionInput& input, std::size_t capacity) {
  CAIRN_CHECK(check_submission(input));

  // Text alone that fits: one Testimony drop.
  if (input.attachments.empty()) {
    auto body = base_body(input);
    body.mutable_testimony()->set_text(input.text);
    if (body.ByteSizeLong() <= capacity) return std::vector<Bytes>{wire::encode(body)};
  }

  v1::Submission submission;
  submission.set_text(input.text);
  for (const auto& a : input.attachments) {
    auto* att = submission.add_attachments();
    att->set_name(a.name);
    att->set_media_type(a.media_type);
    att->set_content(a.content.data(), a.content.size());
    att->set_metadata(to_proto(a.metadata));
  }
  Bytes stream = wire::encode(submission);
  auto hash = crypto::blake2b_256(stream);

  ByteArray<kSubmissionIdBytes> id{};
  {
    crypto::Blake2b h(kSubmissionIdBytes, as_bytes(kSubmissionIdKey));
    h.update(stream);
    if (input.reply_key) h.update(*input.reply_key);
    h.final(id);
  }

  // The largest chunk payload that keeps every chunk's DropBody within
  // capacity, measured with the largest index and total this submission can have.
  auto chunk_body = [&](std::uint32_t index, std::uint32_t total, ByteView data) {
    auto body = base_body(input);
    auto* chunk = body.mutable_chunk();
    chunk->set_submission_id(id.data(), id.size());
    chunk->set_index(index);
    chunk->set_total(total);
    chunk->set_data(data.data(), data.size());
    chunk->set_submission_hash(hash.data(), hash.size());
    return body;
  };
  std::size_t per_chunk = 0;
  std::uint32_t total = 1;
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto probe = chunk_body(total, total, {});
    std::size_t overhead = probe.ByteSizeLong() + 1 /* data tag */ + 5 /* max varint length */;
    if (overhead >= capacity) return make_error(Errc::internal, "the drop size is too small for a chunk");
    per_chunk = capacity - overhead;
    auto needed = static_cast<std::uint32_t>((stream.size() + per_chunk - 1) / per_chunk);
    if (needed == total) break;
    total = needed;
  }

  std::vector<Bytes> bodies;
  bodies.reserve(total);
  for (std::uint32_t i = 0; i < total; ++i) {
    std::size_t off = std::size_t{i} * per_chunk;
    std::size_t len = std::min(per_chunk, stream.size() - off);
    auto body = chunk_body(i, total, ByteView(stream).subspan(off, len));
    if (body.ByteSizeLong() > capacity) return make_error(Errc::internal, "a chunk does not fit its drop");
    bodies.push_back(wire::encode(body));
  }
  return bodies;
}

}  // namespace cairn::client
