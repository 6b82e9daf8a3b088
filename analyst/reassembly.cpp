#include "analyst/reassembly.h"

#include "crypto/hash.h"
#include "crypto/reply.h"
#include "crypto/secret.h"
#include "i18n/catalog.h"
#include "wire/chunk_tree.h"
#include "wire/submission_stream.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

namespace {

struct Submission {
  std::int64_t id = 0;
  std::int64_t complete = 0;
  std::uint32_t total = 0, have = 0;
  Bytes hash;
};

Result<std::optional<Submission>> find_submission(Vault& vault, const ChunkDrop& c) {
  CAIRN_TRY(auto q, vault.db().prepare(
                        "SELECT id, complete, chunks_total, chunks_have, submission_hash FROM testimonies "
                        "WHERE submission_id = ?1 AND chunks_root = ?2;"));
  q.bind(1, ByteView(c.submission_id)).bind(2, ByteView(c.chunks_root));
  CAIRN_TRY(bool row, q.step());
  if (!row) return std::optional<Submission>{};
  return std::optional<Submission>(Submission{q.column_int(0), q.column_int(1),
                                              static_cast<std::uint32_t>(q.column_int(2)),
                                              static_cast<std::uint32_t>(q.column_int(3)), q.column_blob(4)});
}

Result<Submission> create_submission(Vault& vault, const ChunkDrop& c, DayNumber today) {
  CAIRN_TRY(auto q, vault.db().prepare(
                        "INSERT INTO testimonies (submission_id, chunks_root, complete, chunks_total, chunks_have, "
                        "submission_hash, imported_day, written_day, reply_public_key, text, size) "
                        "VALUES (?1, ?7, 0, ?2, 0, ?3, ?4, ?5, ?6, '', 0);"));
  q.bind(1, ByteView(c.submission_id)).bind(2, std::int64_t{c.total}).bind(3, ByteView(c.submission_hash));
  q.bind(4, std::int64_t{today}).bind(5, std::int64_t{c.written_day}).bind(6, ByteView(c.reply_public_key));
  q.bind(7, ByteView(c.chunks_root));
  CAIRN_CHECK(q.run());
  CAIRN_TRY(auto found, find_submission(vault, c));
  if (!found) return make_error(Errc::internal, "the new submission is not in the vault");
  return *found;
}

// testimonies.complete
constexpr std::int64_t kComplete = 1, kDamaged = 2, kRefused = 3;

// Whether the vault already holds this content whole (complete, or refused
// for what it is): the same submission sent again, e.g. by `cairn submit`
// run again after a broken connection, under a new random id.
Result<bool> content_held(Vault& vault, ByteView submission_hash) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT 1 FROM testimonies WHERE submission_hash = ?1 AND complete IN (?2, ?3) "
                                       "AND submission_id IS NOT NULL LIMIT 1;"));
  q.bind(1, submission_hash).bind(2, kComplete).bind(3, kRefused);
  return q.step();
}

// Removes a chunked testimony that is not whole, with its chunks
// (secure_delete overwrites them).
Status remove_submission(Vault& vault, std::int64_t id) {
  CAIRN_TRY(auto chunks, vault.db().prepare("DELETE FROM chunks WHERE testimony = ?1;"));
  CAIRN_CHECK(chunks.bind(1, id).run());
  CAIRN_TRY(auto row, vault.db().prepare("DELETE FROM testimonies WHERE id = ?1 AND complete = 0;"));
  return row.bind(1, id).run();
}

// Once content is whole, the incomplete copies of it (an interrupted earlier
// run of the same submission, or chunks sent under another root claiming its
// hash) are never going to add anything: they go.
Status remove_incomplete_copies(Vault& vault, ByteView submission_hash) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT id FROM testimonies WHERE submission_hash = ?1 AND complete = 0;"));
  q.bind(1, submission_hash);
  std::vector<std::int64_t> ids;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    ids.push_back(q.column_int(0));
  }
  for (auto id : ids) CAIRN_CHECK(remove_submission(vault, id));
  return ok_status();
}

// A submission that did not become a testimony: its chunks stay in the vault
// (encrypted there, as everything), with the reason.
struct Unusable {
  std::int64_t state = 0;  // kDamaged or kRefused; 0: the submission is whole
  std::string problem;
};

Status mark_unusable(Vault& vault, std::int64_t id, const Unusable& u) {
  CAIRN_TRY(auto q, vault.db().prepare("UPDATE testimonies SET complete = ?2, problem = ?3 WHERE id = ?1;"));
  return q.bind(1, id).bind(2, u.state).bind(3, std::string_view(u.problem)).run();
}

Unusable damaged(std::string problem) { return {kDamaged, std::move(problem)}; }

// All chunks are present: concatenate, check the hash, read the stream
// (every cap checked before anything of it is stored), store.
Result<Unusable> complete_submission(Vault& vault, const Submission& s) {
  CAIRN_TRY(auto total, vault.db().prepare("SELECT sum(length(data)) FROM chunks WHERE testimony = ?1;"));
  total.bind(1, s.id);
  CAIRN_TRY(bool summed, total.step());
  auto stream_size = summed ? static_cast<std::uint64_t>(total.column_int(0)) : 0;
  if (stream_size > kMaxSubmissionStreamBytes)
    return Unusable{kRefused, "the reassembled submission is larger than the limit"};
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
    if (q.column_int(0) != expected++) return damaged("a chunk is missing although the count says complete");
    auto data = q.column_blob(1);
    if (stream.size() + data.size() > stream.capacity())
      return damaged("the chunks changed while being reassembled");
    hash.update(data);
    stream.insert(stream.end(), data.begin(), data.end());
    crypto::wipe(data);
  }
  ByteArray<kSubmissionHashBytes> digest{};
  hash.final(digest);
  if (ByteView(digest).size() != s.hash.size() || !crypto::equal_constant_time(digest, s.hash))
    return damaged("the reassembled chunks do not match the submission hash");
  auto submission = wire::read_submission_stream(stream);
  if (!submission.ok()) return Unusable{kRefused, submission.error().message};

  std::uint64_t size = submission->text.size();
  CAIRN_TRY(auto att, vault.db().prepare(
                          "INSERT INTO attachments (testimony, position, name, media_type, content, metadata) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6);"));
  for (std::size_t i = 0; i < submission->attachments.size(); ++i) {
    const auto& a = submission->attachments[i];
    att.bind(1, s.id).bind(2, static_cast<std::int64_t>(i)).bind(3, a.name).bind(4, a.media_type).bind(5, a.content);
    att.bind(6, static_cast<std::int64_t>(a.metadata));
    CAIRN_CHECK(att.run());
    att.reset();
    size += a.content.size();
  }
  CAIRN_TRY(auto upd, vault.db().prepare(
                          "UPDATE testimonies SET complete = 1, text = ?2, size = ?3 WHERE id = ?1;"));
  CAIRN_CHECK(upd.bind(1, s.id).bind(2, submission->text).bind(3, static_cast<std::int64_t>(size)).run());
  // The pieces are now in the testimony; secure_delete overwrites them.
  CAIRN_TRY(auto del, vault.db().prepare("DELETE FROM chunks WHERE testimony = ?1;"));
  CAIRN_CHECK(del.bind(1, s.id).run());
  return Unusable{};
}

}  // namespace

Result<ChunkResult> accept_chunk(Vault& vault, const ChunkDrop& c, DayNumber today) {
  if (c.total == 0 || c.total > kMaxChunksPerSubmission)
    return make_error(Errc::malformed, trf("a chunk says its submission has %s chunks", c.total));
  if (c.index >= c.total)
    return make_error(Errc::malformed, trf("a chunk's index %s is not below its total %s", c.index, c.total));
  if (!c.reply_public_key.empty() && !crypto::parse_reply_public_key(c.reply_public_key).ok())
    return make_error(Errc::malformed, tr("a chunk's reply key is neither 32 bytes (X25519) nor 1216 bytes (mlkem768x25519)"));
  if (c.proof.size() > wire::kMaxChunkProofHashes ||
      !wire::verify_chunk(c.index, c.total, c.data, c.submission_hash, c.proof, c.chunks_root))
    return make_error(Errc::malformed, tr("a chunk does not verify against its chunk root (altered, or not what its "
                                          "sender committed to)"));

  ChunkResult result;
  CAIRN_TRY(auto found, find_submission(vault, c));
  Submission s;
  if (found) {
    s = *found;
  } else {
    CAIRN_TRY(bool held, content_held(vault, c.submission_hash));
    if (held) {
      result.outcome = ChunkOutcome::duplicate;
      return result;
    }
    CAIRN_TRY(s, create_submission(vault, c, today));
  }
  result.testimony_id = s.id;
  if (s.complete != 0) {
    result.outcome = ChunkOutcome::duplicate;
    return result;
  }
  // The root binds total and hash, so a chunk that verified agrees with them;
  // checked again all the same.
  if (s.total != c.total || !crypto::equal_constant_time(s.hash, c.submission_hash)) {
    result.outcome = ChunkOutcome::inconsistent;
    result.problem = "a chunk disagrees with the other chunks of its submission (total or hash)";
    return result;
  }
  // Same id, root and index, and it verified: the same bytes.
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
  // Whole. If the same content became whole under another id meanwhile
  // (a resend), this copy goes.
  CAIRN_TRY(bool held, content_held(vault, c.submission_hash));
  if (held) {
    CAIRN_CHECK(remove_submission(vault, s.id));
    result.outcome = ChunkOutcome::duplicate;
    return result;
  }
  CAIRN_TRY(auto unusable, complete_submission(vault, s));
  if (unusable.state != 0) {
    CAIRN_CHECK(mark_unusable(vault, s.id, unusable));
    if (unusable.state == kRefused) CAIRN_CHECK(remove_incomplete_copies(vault, c.submission_hash));
    result.outcome = unusable.state == kRefused ? ChunkOutcome::refused : ChunkOutcome::damaged;
    result.problem = std::move(unusable.problem);
    return result;
  }
  CAIRN_CHECK(remove_incomplete_copies(vault, c.submission_hash));
  result.outcome = ChunkOutcome::completed;
  return result;
}

}  // namespace cairn::analyst
