#include "client/submission.h"

#include "i18n/catalog.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include "common/utf8.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "proto/drop.pb.h"
#include "wire/chunk_tree.h"
#include "wire/drop_body.h"
#include "wire/protocol.h"
#include "wire/submission_stream.h"

namespace cairn::client {
namespace {

v1::AttachmentMetadata to_proto(Metadata m) {
  switch (m) {
    case Metadata::cleaned: return v1::ATTACHMENT_METADATA_CLEANED;
    case Metadata::none: return v1::ATTACHMENT_METADATA_NONE;
    case Metadata::kept: return v1::ATTACHMENT_METADATA_KEPT;
    case Metadata::unspecified: break;
  }
  return v1::ATTACHMENT_METADATA_UNSPECIFIED;
}

v1::DropBody base_body(const SubmissionInput& input, crypto::DropRecipients kind) {
  v1::DropBody body;
  body.set_version(kDropBodyVersion);
  if (input.reply_key) {
    const auto key = input.reply_key->for_drops(kind);
    const ByteView bytes = crypto::reply_public_key_bytes(key);
    body.set_reply_public_key(bytes.data(), bytes.size());
  }
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
      return make_error(Errc::invalid_argument, i18n::trf("a file's media type is longer than %s bytes",
                                                              wire::kMaxMediaTypeBytes));
    total_bytes += a.size() + a.name.size();
    if (total_bytes > kMaxSubmissionBytes)
      return make_error(Errc::too_large, i18n::tr("the submission is larger than 512 MiB; send the files separately"));
  }
  return ok_status();
}

namespace {

// ---- The submission stream S, in pieces ----

// S as segments: encoded fields (held here), contents held by the input, and
// contents read from files. Read in order, piece by piece.
class StreamReader {
 public:
  StreamReader() = default;
  StreamReader(StreamReader&&) = default;
  StreamReader& operator=(StreamReader&&) = delete;
  // The encoded fields hold the files' names and media types.
  ~StreamReader() {
    for (auto& s : segments_) crypto::wipe(s.owned);
  }

  void add_bytes(Bytes b) {
    if (!b.empty()) segments_.push_back({std::move(b), {}, {}, 0});
  }
  void add_view(ByteView v) { segments_.push_back({{}, v, {}, v.size()}); }
  void add_file(const std::filesystem::path& f, std::uint64_t size) { segments_.push_back({{}, {}, f, size}); }

  [[nodiscard]] std::uint64_t size() const {
    std::uint64_t n = 0;
    for (const auto& s : segments_) n += s.length();
    return n;
  }

  // Reads S[offset, offset + out.size()).
  Status read(std::uint64_t offset, MutableByteView out) {
    std::uint64_t at = 0;
    std::size_t done = 0;
    for (std::size_t k = 0; k < segments_.size() && done < out.size(); ++k) {
      auto& seg = segments_[k];
      const std::uint64_t len = seg.length();
      if (offset + done >= at + len) {
        at += len;
        continue;
      }
      const std::uint64_t from = offset + done - at;
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(len - from, out.size() - done));
      auto dest = out.subspan(done, n);
      if (!seg.file.empty()) {
        CAIRN_CHECK(read_file(k, from, dest));
      } else {
        ByteView src = seg.owned.empty() ? seg.view : ByteView(seg.owned);
        std::copy_n(src.begin() + static_cast<std::ptrdiff_t>(from), n, dest.begin());
      }
      done += n;
      at += len;
    }
    if (done != out.size()) return make_error(Errc::internal, i18n::tr("a read past the end of the submission"));
    return ok_status();
  }

 private:
  struct Segment {
    Bytes owned;
    ByteView view;
    std::filesystem::path file;
    std::uint64_t file_size = 0;
    [[nodiscard]] std::uint64_t length() const { return !owned.empty() ? owned.size() : file.empty() ? view.size() : file_size; }
  };

  Status read_file(std::size_t k, std::uint64_t from, MutableByteView dest) {
    const auto& seg = segments_[k];
    auto changed = [&] {
      return make_error(Errc::io, i18n::trf("the attachment %s changed or could not be read while it was being "
                                            "sent; nothing more was sent",
                                            seg.file.string()));
    };
    if (open_ != k) {
      in_ = std::ifstream(seg.file, std::ios::binary);
      std::error_code ec;
      if (!in_ || std::filesystem::file_size(seg.file, ec) != seg.file_size || ec) return changed();
      open_ = k;
    }
    in_.seekg(static_cast<std::streamoff>(from));
    in_.read(reinterpret_cast<char*>(dest.data()), static_cast<std::streamsize>(dest.size()));
    if (static_cast<std::size_t>(in_.gcount()) != dest.size()) return changed();
    return ok_status();
  }

  std::vector<Segment> segments_;
  std::size_t open_ = static_cast<std::size_t>(-1);
  std::ifstream in_;
};

void put_varint(Bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

// A length-delimited field's size, or 0 for an empty one (proto3 leaves it out).
std::uint64_t field_size(std::uint64_t length) { return length == 0 ? 0 : 1 + varint_size(length) + length; }

void put_field(Bytes& out, std::uint8_t field, std::string_view text) {
  if (text.empty()) return;
  out.push_back(static_cast<std::uint8_t>(field << 3 | 2));
  put_varint(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
}

// S exactly as protobuf serializes the Submission (fields in number order,
// empty ones left out), so the same testimony always has the same hash.
StreamReader submission_stream(const SubmissionInput& input) {
  StreamReader r;
  Bytes header;
  if (!input.text.empty()) {  // put_field's encoding, the text itself left where it is (the caller's Plaintext)
    header.push_back(1 << 3 | 2);
    put_varint(header, input.text.size());
    r.add_bytes(std::exchange(header, {}));
    r.add_view(as_bytes(input.text));
  }
  for (const auto& a : input.attachments) {
    const auto metadata = static_cast<std::uint64_t>(to_proto(a.metadata));
    const std::uint64_t length = field_size(a.name.size()) + field_size(a.media_type.size()) + field_size(a.size()) +
                                 (metadata == 0 ? 0 : 1 + varint_size(metadata));
    header.push_back(2 << 3 | 2);
    put_varint(header, length);
    put_field(header, 1, a.name);
    put_field(header, 2, a.media_type);
    if (a.size() > 0) {
      header.push_back(3 << 3 | 2);
      put_varint(header, a.size());
      r.add_bytes(std::exchange(header, {}));
      if (a.file.empty()) r.add_view(a.content);
      else r.add_file(a.file, a.file_size);
    }
    if (metadata != 0) {
      header.push_back(4 << 3 | 0);
      put_varint(header, metadata);
    }
  }
  r.add_bytes(std::move(header));
  return r;
}

// Chunk drops for a stream: hashed once in full here (the whole and each
// chunk's leaf), then read again piece by piece as the bodies are asked for,
// each piece checked against its leaf.
Result<DropSource> chunk_drops(std::shared_ptr<StreamReader> reader, const SubmissionInput& input,
                               std::size_t capacity, crypto::DropRecipients kind) {
  const std::uint64_t stream_size = reader->size();
  ByteArray<kSubmissionIdBytes> id{};
  // Random, so no one who knows (or guesses) the content can send chunks
  // under this submission's id ahead of the source.
  crypto::random_bytes(id);

  // The largest chunk payload that keeps every chunk's DropBody within
  // capacity, measured with the largest index, total and proof this
  // submission can have.
  const wire::ChunkHash zero_hash{};
  auto chunk_body = [&input, id, kind](std::uint32_t index, std::uint32_t total, ByteView data, const wire::ChunkHash& hash,
                                 const wire::ChunkHash& root, const std::vector<wire::ChunkHash>& proof) {
    auto body = base_body(input, kind);
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
    auto probe = chunk_body(total, total, {}, zero_hash, zero_hash,
                            std::vector<wire::ChunkHash>(wire::max_chunk_proof_length(total), zero_hash));
    std::size_t overhead = probe.ByteSizeLong() + 1 /* data tag */ + 5 /* max varint length */;
    if (overhead >= capacity) return make_error(Errc::internal, i18n::tr("the drop size is too small for a chunk"));
    per_chunk = capacity - overhead;
    auto needed = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, (stream_size + per_chunk - 1) / per_chunk));
    if (needed == total) break;
    total = needed;
  }
  auto piece_size = [stream_size, per_chunk](std::uint32_t i) {
    const std::uint64_t off = std::uint64_t{i} * per_chunk;
    return static_cast<std::size_t>(std::min<std::uint64_t>(per_chunk, stream_size - off));
  };

  // Pass 1: the hash of the whole and of each chunk.
  crypto::Blake2b whole(wire::kChunkHashBytes);
  std::vector<wire::ChunkHash> leaves;
  leaves.reserve(total);
  {
    crypto::Plaintext piece(per_chunk);
    for (std::uint32_t i = 0; i < total; ++i) {
      auto view = piece.bytes().first(piece_size(i));
      CAIRN_CHECK(reader->read(std::uint64_t{i} * per_chunk, view));
      whole.update(view);
      leaves.push_back(wire::chunk_leaf(i, view));
    }
  }
  wire::ChunkHash hash{};
  whole.final(hash);
  auto tree = std::make_shared<wire::ChunkTree>(leaves, hash);

  // Pass 2, one body per call.
  auto next_index = std::make_shared<std::uint32_t>(0);
  DropSource source;
  source.count = total;
  source.next = [reader, tree, leaves = std::move(leaves), next_index, total, per_chunk, hash, capacity, chunk_body,
                 piece_size]() -> Result<crypto::Plaintext> {
    const std::uint32_t i = (*next_index)++;
    if (i >= total) return make_error(Errc::internal, i18n::tr("more chunks asked for than the submission has"));
    crypto::Plaintext piece(piece_size(i));
    CAIRN_CHECK(reader->read(std::uint64_t{i} * per_chunk, piece.bytes()));
    if (wire::chunk_leaf(i, piece.view()) != leaves[i])
      return make_error(Errc::io, i18n::tr("an attached file changed while it was being sent; nothing more was sent"));
    auto body = chunk_body(i, total, piece.view(), hash, tree->root(), tree->proof(i));
    wire::WipeDropBodyOnExit wipe_body(body);  // protobuf's copy of the piece
    if (body.ByteSizeLong() > capacity) return make_error(Errc::internal, i18n::tr("a chunk does not fit its drop"));
    return crypto::Plaintext(wire::encode(body));
  };
  return source;
}

}  // namespace

Result<DropSource> submission_drops(const SubmissionInput& input, std::size_t capacity,
                                    crypto::DropRecipients kind) {
  CAIRN_CHECK(check_submission(input));

  // Text alone that fits: one Testimony drop.
  if (input.attachments.empty()) {
    auto body = base_body(input, kind);
    wire::WipeDropBodyOnExit wipe_body(body);  // protobuf's copy of the text
    body.mutable_testimony()->set_text(input.text.data(), input.text.size());
    if (body.ByteSizeLong() <= capacity) {
      auto one = std::make_shared<std::optional<crypto::Plaintext>>(crypto::Plaintext(wire::encode(body)));
      return DropSource{1, [one]() -> Result<crypto::Plaintext> {
                          if (!*one) return make_error(Errc::internal, i18n::tr("more drops asked for than the submission has"));
                          auto out = std::move(**one);
                          one->reset();
                          return out;
                        }};
    }
  }
  return chunk_drops(std::make_shared<StreamReader>(submission_stream(input)), input, capacity, kind);
}

Result<std::vector<Bytes>> build_drop_bodies(const SubmissionInput& input, std::size_t capacity,
                                             crypto::DropRecipients kind) {
  CAIRN_TRY(auto source, submission_drops(input, capacity, kind));
  std::vector<Bytes> bodies;
  for (std::size_t i = 0; i < source.count; ++i) {
    CAIRN_TRY(auto body, source.next());
    bodies.emplace_back(body.view().begin(), body.view().end());
  }
  return bodies;
}

Result<std::vector<Bytes>> build_chunk_bodies(ByteView stream, const SubmissionInput& input, std::size_t capacity) {
  auto reader = std::make_shared<StreamReader>();
  reader->add_view(stream);
  CAIRN_TRY(auto source, chunk_drops(reader, input, capacity, crypto::DropRecipients::x25519));
  std::vector<Bytes> bodies;
  for (std::size_t i = 0; i < source.count; ++i) {
    CAIRN_TRY(auto body, source.next());
    bodies.emplace_back(body.view().begin(), body.view().end());
  }
  return bodies;
}

}  // namespace cairn::client
