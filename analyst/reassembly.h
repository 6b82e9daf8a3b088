// Reassembling chunked submissions (proto/drop.proto, Chunk): each chunk is
// checked against its chunk root (wire/chunk_tree.h) before it is stored;
// chunks are kept in the vault by (submission id, chunk root, index) until
// all 0..total-1 are there, in any order, across any number of imports,
// duplicates ignored. Then their data, concatenated in index order, must hash
// (BLAKE2b-256) to the submission hash, and read as a Submission within the
// caps (wire/submission_stream.h). The vault keeps one testimony per content
// hash: the same submission sent again under a new id is a duplicate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyst/vault.h"
#include "common/day.h"
#include "wire/chunk_tree.h"

namespace cairn::analyst {

// ---- Specification constants ----
inline constexpr std::size_t kSubmissionIdBytes = 16;
inline constexpr std::size_t kSubmissionHashBytes = 32;
// ---- Implementation constants ----
// A submission is at most 512 MiB of files and text (client/submission.h);
// its serialized stream a little more.
inline constexpr std::size_t kMaxSubmissionStreamBytes = (std::size_t{512} << 20) + (std::size_t{1} << 20);
inline constexpr std::uint32_t kMaxChunksPerSubmission = 1u << 20;

struct ChunkDrop {
  ByteArray<kSubmissionIdBytes> submission_id{};
  std::uint32_t index = 0;
  std::uint32_t total = 0;
  ByteArray<kSubmissionHashBytes> submission_hash{};
  wire::ChunkHash chunks_root{};
  std::vector<wire::ChunkHash> proof;
  ByteView data;           // a view of the parsed drop body, which owns (and wipes) it
  Bytes reply_public_key;  // kept from the first chunk stored
  DayNumber written_day = 0;
};

enum class ChunkOutcome {
  stored,        // kept; the submission is still incomplete
  completed,     // this chunk completed the submission, now a testimony
  duplicate,     // this index is already stored, the submission is complete, or its
                 // content is already whole in the vault under another id
  inconsistent,  // total or hash differ from the submission's other chunks: not stored
  damaged,       // completed, but the whole does not hash: chunks kept, marked damaged
  refused,       // completed and hashes, but breaks a cap or is not a Submission
                 // (wire/submission_stream.h): chunks kept, marked refused with the reason
};

struct ChunkResult {
  ChunkOutcome outcome = ChunkOutcome::stored;
  std::int64_t testimony_id = 0;
  std::string problem;  // for inconsistent, damaged and refused
};

// Checks the chunk's fields (lengths, 0 <= index < total <= cap) and stores
// it. Errc::malformed for a chunk that could never be valid.
[[nodiscard]] Result<ChunkResult> accept_chunk(Vault& vault, const ChunkDrop& chunk, DayNumber today);

}  // namespace cairn::analyst
