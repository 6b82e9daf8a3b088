#include "analyst/reassembly.h"

#include "crypto/hash.h"
#include "crypto/secret.h"
#include "proto/drop.pb.h"

namespace cairn::analyst {
namespace {

struct Submission {
  std::int64_t id = 0;
  std::int64_t complete = 0;
  std::uint32_t total = 0, have = 0;
  Bytes hash;
};

Result<std::optional<Submission>> find_submission(Vault& vault, ByteView submission_id) {
  CAIRN_TRY(auto q, vault.db().prepare(
                        "SELECT id, complete, chunks_total, chunks_have, submission_hash FROM testimonies "
                        "WHERE submission_id = ?1;"));
  q.bind(1, submission_id);
  CAIRN_TRY(bool row, q.step());
  if (!row) return std::optional<Submission>{};
  return std::optional<Submission>(Submission{q.column_int(0), q.column_int(1),
                                              static_cast<std::uint32_t>(q.column_int(2)),
                                              static_cast<std::uint32_t>(q.column_int(3)), q.column_blob(4)});
}

Result<Submission> create_submission(Vault& vault, const ChunkDrop& c, DayNumber today) {
  CAIRN_TRY(auto q, vault.db().prepare(
                        "INSERT INTO testimonies (submission_id, complete, chunks_total, chunks_have, submission_hash, "
                        "imported_day, written_day, reply_public_key, text, size) "
                        "VALUES (?1, 0, ?2, 0, ?3, ?4, ?5, ?6, '', 0);"));
  q.bind(1, ByteView(c.submission_id)).bind(2, std::int64_t{c.total}).bind(3, ByteView(c.submission_hash));
  q.bind(4, std::int64_t{today}).bind(5, std::int64_t{c.written_day}).bind(6, ByteView(c.reply_public_key));
  CAIRN_CHECK(q.run());
  CAIRN_TRY(auto found, find_submission(vault, c.submission_id));
  if (!found) return make_error(Errc::internal, "the new submission is not in the vault");
  return *found;
}

Status mark_damaged(Vault& vault, std::int64_t id) {
  CAIRN_TRY(auto q, vault.db().prepare("UPDATE testimonies SET complete = 2 WHERE id = ?1;"));
  return q.bind(1, id).run();
}

// All chunks are present: concatenate, check the hash, parse, store.
// Returns the problem if the submission is damaged (empty if it is fine).
Result<std::string> complete_submission(Vault& vault, const Submission& s) {
  CAIRN_TRY(auto total, vault.db().prepare("SELECT sum(length(data)) FROM chunks WHERE testimony = ?1;"));
  total.bind(1, s.id);
  CAIRN_TRY(bool summed, total.step());
  auto stream_size = summed ? static_cast<std::uint64_t>(total.column_int(0)) : 0;
  if (stream_size > kMaxSubmissionStreamBytes) return std::string("the reassembled submission is larger than the limit");
  // Reserved once, so the testimony is never left behind in a freed buffer.
  Bytes stream;
  stream.reserve(static_cast<std::size_t>(stream_size));
  struct WipeStream {
    Bytes& b;
    ~WipeStream() { crypto::wipe(b); }
  } wipe_stream{stream};

  CAIRN_TRY(auto q, vault.db().prepare("SELECT position, data FROM chunks WHERE testimony = ?1 ORDER BY position;"));
  q.bind(1, s.id);
  crypto::Blake2b hash(kSubmissionHashBytes);
  std::int64_t expected = 0;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    if (q.column_int(0) != expected++) return std::string("a chunk is missing although the count says complete");
    auto data = q.column_blob(1);
    if (stream.size() + data.size() > stream.capacity())
      return std::string("the chunks changed while being reassembled");
    hash.update(data);
    stream.insert(stream.end(), data.begin(), data.end());
    crypto::wipe(data);
  }
  ByteArray<kSubmissionHashBytes> digest{};
  hash.final(digest);
  if (ByteView(digest).size() != s.hash.size() || !crypto::equal_constant_time(digest, s.hash))
    return std::string("the reassembled chunks do not match the submission hash");
  v1::Submission submission;
  if (!submission.ParseFromArray(stream.data(), static_cast<int>(stream.size())))
    return std::string("the reassembled chunks do not parse as a submission");

  std::uint64_t size = submission.text().size();
  CAIRN_TRY(auto att, vault.db().prepare(
                          "INSERT INTO attachments (testimony, position, name, media_type, content, metadata) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6);"));
  for (int i = 0; i < submission.attachments_size(); ++i) {
    auto& a = *submission.mutable_attachments(i);
    att.bind(1, s.id).bind(2, std::int64_t{i}).bind(3, std::string_view(a.name()));
    att.bind(4, std::string_view(a.media_type())).bind(5, as_bytes(a.content()));
    att.bind(6, static_cast<std::int64_t>(a.metadata()));
    CAIRN_CHECK(att.run());
    att.reset();
    size += a.content().size();
    crypto::wipe(a.mutable_content()->data(), a.content().size());
  }
  CAIRN_TRY(auto upd, vault.db().prepare(
                          "UPDATE testimonies SET complete = 1, text = ?2, size = ?3 WHERE id = ?1;"));
  CAIRN_CHECK(upd.bind(1, s.id).bind(2, std::string_view(submission.text())).bind(3, static_cast<std::int64_t>(size)).run());
  crypto::wipe(submission.mutable_text()->data(), submission.text().size());
  // The pieces are now in the testimony; secure_delete overwrites them.
  CAIRN_TRY(auto del, vault.db().prepare("DELETE FROM chunks WHERE testimony = ?1;"));
  CAIRN_CHECK(del.bind(1, s.id).run());
  return std::string();
}

}  // namespace

Result<ChunkResult> accept_chunk(Vault& vault, const ChunkDrop& c, DayNumber today) {
  if (c.total == 0 || c.total > kMaxChunksPerSubmission)
    return make_error(Errc::malformed, "a chunk says its submission has " + std::to_string(c.total) + " chunks");
  if (c.index >= c.total)
    return make_error(Errc::malformed, "a chunk's index " + std::to_string(c.index) + " is not below its total " +
                                           std::to_string(c.total));
  if (!c.reply_public_key.empty() && c.reply_public_key.size() != 32)
    return make_error(Errc::malformed, "a chunk's reply key is not 32 bytes");

  CAIRN_TRY(auto found, find_submission(vault, c.submission_id));
  Submission s;
  if (found) {
    s = *found;
  } else {
    CAIRN_TRY(s, create_submission(vault, c, today));
  }
  ChunkResult result;
  result.testimony_id = s.id;
  if (s.complete != 0) {
    result.outcome = ChunkOutcome::duplicate;
    return result;
  }
  if (s.total != c.total || !crypto::equal_constant_time(s.hash, c.submission_hash)) {
    result.outcome = ChunkOutcome::inconsistent;
    result.problem = "a chunk disagrees with the other chunks of its submission (total or hash)";
    return result;
  }
  CAIRN_TRY(auto ins, vault.db().prepare("INSERT OR IGNORE INTO chunks (testimony, position, data) VALUES (?1, ?2, ?3);"));
  CAIRN_CHECK(ins.bind(1, s.id).bind(2, std::int64_t{c.index}).bind(3, c.data).run());
  if (vault.db().changes() == 0) {
    result.outcome = ChunkOutcome::duplicate;
    return result;
  }
  CAIRN_TRY(auto upd, vault.db().prepare(
                          "UPDATE testimonies SET chunks_have = chunks_have + 1, size = size + ?2 WHERE id = ?1;"));
  CAIRN_CHECK(upd.bind(1, s.id).bind(2, static_cast<std::int64_t>(c.data.size())).run());
  if (s.have + 1 < s.total) {
    result.outcome = ChunkOutcome::stored;
    return result;
  }
  CAIRN_TRY(auto problem, complete_submission(vault, s));
  if (!problem.empty()) {
    CAIRN_CHECK(mark_damaged(vault, s.id));
    result.outcome = ChunkOutcome::damaged;
    result.problem = problem;
    return result;
  }
  result.outcome = ChunkOutcome::completed;
  return result;
}

}  // namespace cairn::analyst
