#include "client/submission.h"

#include "i18n/catalog.h"

#include <algorithm>

#include "common/utf8.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "proto/drop.pb.h"
#include "wire/chunk_tree.h"
#include "wire/protocol.h"
#include "wire/submission_stream.h"

namespace cairn::client {
namespace {

constexpr std::uint32_t kDropBodyVersion = 1;

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
    return make_error(Errc::malformed, i18n::tr("the testimony text is not valid UTF-8 (save it as UTF-8 and try again)"));
  if (input.text.empty() && input.attachments.empty())
    return make_error(Errc::invalid_argument, i18n::tr("there is nothing to send: the testimony is empty and no file is attached"));
  // The station's caps (wire/submission_stream.h): a submission past one
  // would be refused there, so it is refused here, before anything is sent.
  if (input.attachments.size() > wire::kMaxSubmissionAttachments)
    return make_error(Errc::too_large, i18n::trf("more than %s files are attached; put them in an archive or send "
                                                 "them separately",
                                                 wire::kMaxSubmissionAttachments));
  std::size_t total_bytes = input.text.size();
  for (const auto& a : input.attachments) {
    if (a.name.size() > wire::kMaxAttachmentNameBytes || !is_valid_utf8(a.name))
      return make_error(Errc::invalid_argument, i18n::trf("a file name is longer than %s bytes or not UTF-8; rename "
                                                          "the file and try again",
                                                          wire::kMaxAttachmentNameBytes));
    if (a.media_type.size() > wire::kMaxMediaTypeBytes)
      return make_error(Errc::invalid_argument, "a file's media type is longer than " +
                                                    std::to_string(wire::kMaxMediaTypeBytes) + " bytes");
    total_bytes += a.content.size() + a.name.size();
    if (total_bytes > kMaxSubmissionBytes)
      return make_error(Errc::too_large, i18n::tr("the submission is larger than 512 MiB; send the files separately"));
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
  return build_chunk_bodies(stream, input, capacity);
}

Result<std::vector<Bytes>> build_chunk_bodies(ByteView stream, const SubmissionInput& input, std::size_t capacity) {
  auto hash = crypto::blake2b_256(stream);
  // Random, so no one who knows (or guesses) the content can send chunks
  // under this submission's id ahead of the source.
  ByteArray<kSubmissionIdBytes> id{};
  crypto::random_bytes(id);

  // The largest chunk payload that keeps every chunk's DropBody within
  // capacity, measured with the largest index, total and proof this
  // submission can have.
  const wire::ChunkHash zero_hash{};
  auto chunk_body = [&](std::uint32_t index, std::uint32_t total, ByteView data, const wire::ChunkHash& root,
                        const std::vector<wire::ChunkHash>& proof) {
    auto body = base_body(input);
    auto* chunk = body.mutable_chunk();
    chunk->set_submission_id(id.data(), id.size());
    chunk->set_index(index);
    chunk->set_total(total);
    chunk->set_data(data.data(), data.size());
    chunk->set_submission_hash(hash.data(), hash.size());
    chunk->set_chunks_root(root.data(), root.size());
    for (const auto& h : proof) chunk->add_chunk_proof(h.data(), h.size());
    return body;
  };
  std::size_t per_chunk = 0;
  std::uint32_t total = 1;
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto probe = chunk_body(total, total, {}, zero_hash,
                            std::vector<wire::ChunkHash>(wire::max_chunk_proof_length(total), zero_hash));
    std::size_t overhead = probe.ByteSizeLong() + 1 /* data tag */ + 5 /* max varint length */;
    if (overhead >= capacity) return make_error(Errc::internal, "the drop size is too small for a chunk");
    per_chunk = capacity - overhead;
    auto needed = static_cast<std::uint32_t>(std::max<std::size_t>(1, (stream.size() + per_chunk - 1) / per_chunk));
    if (needed == total) break;
    total = needed;
  }

  std::vector<ByteView> pieces;
  pieces.reserve(total);
  for (std::uint32_t i = 0; i < total; ++i) {
    std::size_t off = std::size_t{i} * per_chunk;
    pieces.push_back(stream.subspan(off, std::min(per_chunk, stream.size() - off)));
  }
  wire::ChunkTree tree(pieces, hash);
  std::vector<Bytes> bodies;
  bodies.reserve(total);
  for (std::uint32_t i = 0; i < total; ++i) {
    auto body = chunk_body(i, total, pieces[i], tree.root(), tree.proof(i));
    if (body.ByteSizeLong() > capacity) return make_error(Errc::internal, "a chunk does not fit its drop");
    bodies.push_back(wire::encode(body));
  }
  return bodies;
}

}  // namespace cairn::client
